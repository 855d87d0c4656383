//! Binary journal files made by systemd-journal-remote 252
//! (`tests/data/journal/README.md`) read the same as journalctl's
//! `-o export` of them; truncated and corrupted copies give partial results
//! with warnings; `faultline timeline` on a directory holding one gives
//! events.

mod common;

use faultline::parse::{journal, journal_file};
use std::io::Read;
use std::path::PathBuf;

fn data(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/journal")
        .join(name);
    let raw = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    if name.ends_with(".gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .expect("gunzip");
        out
    } else {
        raw
    }
}

/// What journalctl's text outputs show of an entry.
#[derive(Debug, PartialEq)]
struct Rec {
    us: Option<i64>,
    host: Option<String>,
    program: Option<String>,
    pid: Option<u32>,
    message: Option<Vec<u8>>,
    boot: Option<String>,
}

fn rec(e: &journal::Entry<'_>) -> Rec {
    let s = |b: Option<&[u8]>| b.map(|b| String::from_utf8_lossy(b).into_owned());
    Rec {
        us: e.time_us(),
        host: s(e.host.as_deref()),
        program: s(e.program()),
        pid: e.pid,
        message: e.message.as_deref().map(<[u8]>::to_vec),
        boot: s(e.boot_id.as_deref()),
    }
}

fn from_file(d: &[u8]) -> (Vec<Rec>, journal_file::Report) {
    let mut out = Vec::new();
    let rep = journal_file::read(d, |e| out.push(rec(&e)));
    (out, rep)
}

fn from_export(d: &[u8]) -> Vec<Rec> {
    let mut out = Vec::new();
    journal::export(d, |e| out.push(rec(&e)));
    out
}

#[test]
fn same_entries_as_journalctl_export() {
    for (file, export, n) in [
        ("rhel91-compact.journal.gz", "rhel91-compact.export.gz", 232),
        ("zstd-compact.journal.gz", "zstd-compact.export", 8),
        ("zstd-regular.journal.gz", "zstd-regular.export", 8),
    ] {
        let (got, rep) = from_file(&data(file));
        let want = from_export(&data(export));
        assert_eq!(want.len(), n, "{export}");
        assert!(rep.warnings.is_empty(), "{file}: {:?}", rep.warnings);
        assert_eq!(
            (rep.entries, rep.declared, rep.bad_fields),
            (n as u64, n as u64, 0)
        );
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g, w, "{file}: entry {}", i + 1);
        }
        assert_eq!(got.len(), want.len(), "{file}");
    }
}

/// The synthetic export fed to journal-remote holds ZSTD-compressed fields
/// (a 4000-byte message, a multi-line one) and `_SOURCE_REALTIME_TIMESTAMP`.
#[test]
fn compressed_fields_and_source_time() {
    let (got, _) = from_file(&data("zstd-compact.journal.gz"));
    let crash = got[1].message.as_deref().expect("message");
    assert!(crash.starts_with(b"worker crashed:\n  frame #0:"));
    assert_eq!(got[6].message.as_deref().map(<[u8]>::len), Some(4004));
    // journalctl shows the sender's time when there is one.
    assert_eq!(got[6].us, Some(1_722_945_600_000_000 + 6_000_000 - 1234));
    // The input export is what journal-remote was given.
    let fed = from_export(&data("synthetic.export"));
    assert_eq!(got, fed);
}

#[test]
fn truncated_copy_keeps_what_was_read() {
    let d = data("rhel91-compact.journal.gz");
    // Cut the file 60% of the way from the first entry to the tail object
    // (before the first entry lie the hash tables, megabytes of them).
    let first = entry_offsets(&d)[0];
    let tail = u64::from_le_bytes(d[136..144].try_into().expect("8")) as usize;
    let cut = &d[..first + (tail - first) * 6 / 10];
    let (got, rep) = from_file(cut);
    let want = from_export(&data("rhel91-compact.export.gz"));
    assert!(
        got.len() > 50 && got.len() < want.len(),
        "{} entries",
        got.len()
    );
    assert_eq!(got[..], want[..got.len()]);
    // Entries the chain names past the cut are unreadable; any it cannot
    // name any more are missing: together, what was lost.
    assert_eq!(
        rep.unreadable + rep.missing(),
        (want.len() - got.len()) as u64
    );
    assert!(
        rep.warnings.iter().any(|w| w.contains("truncated")),
        "{:?}",
        rep.warnings
    );
}

#[test]
fn corrupted_copies_read_around_the_damage() {
    let d = data("rhel91-compact.journal.gz");
    let want = from_export(&data("rhel91-compact.export.gz"));
    let entries = entry_offsets(&d);
    assert_eq!(entries.len(), want.len());

    // 1. Flip the bytes of the 100th entry's object header: that entry is
    //    lost (and the linear scan stops there), the chain finds the rest.
    let mut bad = d.clone();
    let e100 = entries[99];
    for b in &mut bad[e100..e100 + 16] {
        *b ^= 0xa5;
    }
    let (got, rep) = from_file(&bad);
    assert_eq!(got.len(), want.len() - 1);
    assert_eq!(rep.unreadable, 1);
    assert_eq!(got[..99], want[..99]);
    assert_eq!(got[99..], want[100..]);
    assert!(!rep.warnings.is_empty());

    // 2. Break the header's first entry array pointer: the chain is gone,
    //    the linear scan still finds every entry.
    let mut bad = d.clone();
    bad[176..184].copy_from_slice(&0x0123_4567_89ab_cdefu64.to_le_bytes());
    let (got, rep) = from_file(&bad);
    assert_eq!(got, want);
    assert!(
        rep.warnings.iter().any(|w| w.contains("chain broken")),
        "{:?}",
        rep.warnings
    );

    // 3. Random-looking damage across the whole file never panics.
    let mut bad = d.clone();
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..400 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let at = (x as usize) % tail_of(&d);
        bad[at] ^= (x >> 32) as u8 | 1;
    }
    let (got, _) = from_file(&bad);
    assert!(got.len() <= want.len() + 8);
}

/// Offsets of the ENTRY objects of a clean file, walking its objects.
fn entry_offsets(d: &[u8]) -> Vec<usize> {
    let le64 = |at: usize| u64::from_le_bytes(d[at..at + 8].try_into().expect("8")) as usize;
    let mut at = le64(88);
    let mut out = Vec::new();
    while at + 16 <= d.len() && le64(at + 8) != 0 {
        if d[at] == 3 {
            out.push(at);
        }
        at = (at + le64(at + 8)).next_multiple_of(8);
    }
    out
}

fn tail_of(d: &[u8]) -> usize {
    u64::from_le_bytes(d[136..144].try_into().expect("8")) as usize + 64
}

#[test]
fn timeline_of_a_journal_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let jdir = dir
        .path()
        .join("var/log/journal/b52998310a374c8b9c676f49cc62d044");
    std::fs::create_dir_all(&jdir).expect("mkdir");
    std::fs::write(
        jdir.join("system.journal"),
        data("rhel91-compact.journal.gz"),
    )
    .expect("write");
    // A rotated-away file keeps its name's `~`; a compressed one is
    // decompressed first, detection sees the signature either way.
    std::fs::write(
        jdir.join("system@0006-0001.journal~"),
        data("zstd-regular.journal.gz"),
    )
    .expect("write");
    std::fs::copy(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/journal/zstd-compact.journal.gz"),
        jdir.join("user-1000.journal.gz"),
    )
    .expect("copy");
    let (code, out, err) = common::run(&[
        "timeline",
        dir.path().to_str().expect("utf-8"),
        "--all",
        "--format",
        "jsonl",
        "--tz",
        "UTC",
        "--no-progress",
    ]);
    assert_eq!(code, 0, "{err}");
    let evs: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("jsonl"))
        .collect();
    let count = |file: &str| {
        evs.iter()
            .filter(|e| {
                e["source"]["file"]
                    .as_str()
                    .is_some_and(|f| f.ends_with(file))
            })
            .count()
    };
    assert!(evs.iter().all(|e| e["format"] == "journal.file"));
    assert_eq!(count("system.journal"), 232);
    // The two synthetic files hold the same 8 entries over two boots; the
    // merge keeps one event of each pair (the other becomes its `also`),
    // plus one `system.boot` where the `_BOOT_ID` changes: 9.
    assert_eq!(count(".journal~") + count("user-1000.journal.gz"), 9);
    let kinds: Vec<&str> = evs.iter().filter_map(|e| e["kind"].as_str()).collect();
    for k in [
        "service.stop",
        "system.shutdown",
        "listen.bind",
        "auth.failure",
        "system.boot",
    ] {
        assert!(kinds.contains(&k), "no {k} in {kinds:?}");
    }
    // Entries are numbered 1.. in file order (a binary file has no lines).
    let first = evs
        .iter()
        .filter(|e| {
            e["source"]["file"]
                .as_str()
                .is_some_and(|f| f.ends_with(".journal~"))
        })
        .filter_map(|e| e["source"]["line"].as_u64())
        .min();
    assert_eq!(first, Some(1));
}
