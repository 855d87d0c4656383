//! Evidence stays as it was: every subcommand, in every format, with and
//! without `-o`, leaves the bundle tree byte-for-byte, mode-for-mode and
//! mtime-for-mtime unchanged (SPEC: "faultline never writes into, extracts
//! to disk, or modifies a bundle"), and writes nothing into its working
//! directory or `TMPDIR` but the `-o` file.

#[path = "hostile_support/mod.rs"]
mod support;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;
use support::*;

/// Every subcommand and format; `true` adds `-o FILE`.
const EVERY: &[(&[&str], bool)] = &[
    (&["analyze", "--format", "text"], false),
    (&["analyze", "--format", "md"], false),
    (&["analyze", "--format", "html"], false),
    (&["analyze", "--format", "json"], false),
    (&["analyze", "--format", "text"], true),
    (&["analyze", "--format", "md"], true),
    (&["analyze", "--format", "html"], true),
    (&["analyze", "--format", "json"], true),
    (&["analyze", "--format", "json", "--redact"], true),
    (&["timeline", "--format", "jsonl"], false),
    (&["timeline", "--format", "csv", "--all"], true),
    (&["timeline", "--format", "text"], false),
    (&["inventory", "--format", "text"], false),
    (&["inventory", "--format", "json"], true),
    (&["state", "--format", "text"], false),
    (&["state", "--format", "json"], true),
];

/// A few that between them read every member and write with and without `-o`.
const SOME: &[(&[&str], bool)] = &[
    (&["analyze", "--format", "html"], true),
    (&["timeline", "--format", "jsonl", "--all"], false),
    (&["state", "--format", "json"], false),
];

fn assert_untouched(bundle: &Path, runs: &[(&[&str], bool)]) {
    assert_untouched_with(bundle, runs, &[]);
}

fn assert_untouched_with(bundle: &Path, runs: &[(&[&str], bool)], extra: &[&str]) {
    let watched = tempfile::tempdir().expect("tempdir");
    let scratch = tempfile::tempdir().expect("tempdir");
    let before = fingerprint(bundle);
    assert!(!before.is_empty());
    for (sub, to_file) in runs {
        let out = watched.path().join("report.out");
        let mut a: Vec<OsString> = args(sub.iter());
        a.push(bundle.as_os_str().to_owned());
        a.extend(args(extra.iter()));
        if *to_file {
            a.push("-o".into());
            a.push(out.clone().into());
        }
        let o = run_bounded(&a, watched.path(), scratch.path(), Duration::from_secs(120));
        assert_eq!(o.code, 0, "{sub:?} on {bundle:?}:\n{}", o.stderr);
        let after = fingerprint(bundle);
        assert!(
            after == before,
            "{sub:?} changed {bundle:?}: {:?}",
            diff(&before, &after)
        );
        if *to_file {
            let meta = std::fs::metadata(&out).expect("the -o file exists");
            assert!(meta.len() > 0, "{sub:?}: empty -o file");
            std::fs::remove_file(&out).expect("remove -o file");
        } else {
            assert!(!o.stdout.is_empty(), "{sub:?}: nothing on stdout");
        }
        let stray: Vec<_> = std::fs::read_dir(watched.path())
            .expect("read dir")
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        assert!(stray.is_empty(), "{sub:?} left {stray:?} in its cwd/TMPDIR");
    }
}

fn diff(
    a: &std::collections::BTreeMap<OsString, String>,
    b: &std::collections::BTreeMap<OsString, String>,
) -> Vec<String> {
    let mut d = Vec::new();
    for (k, v) in a {
        match b.get(k) {
            Some(w) if w == v => {}
            Some(w) => d.push(format!("{k:?}: {v} -> {w}")),
            None => d.push(format!("{k:?}: removed")),
        }
    }
    for k in b.keys().filter(|k| !a.contains_key(*k)) {
        d.push(format!("{k:?}: added"));
    }
    d
}

fn samples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("samples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && p.join("var").is_dir())
        .collect();
    v.sort();
    v
}

#[test]
fn every_shipped_sample_is_untouched() {
    let all = samples();
    assert!(all.len() >= 7, "samples missing: {all:?}");
    for s in &all {
        assert_untouched(s, SOME);
    }
}

#[test]
fn every_subcommand_and_format_leaves_a_directory_bundle_untouched() {
    assert_untouched(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/fail2ban-banned-office"),
        EVERY,
    );
}

#[test]
fn every_subcommand_and_format_leaves_an_archive_bundle_untouched() {
    // A sosreport-style tar.xz of a sample, and the directory it sits in.
    let dir = tempfile::tempdir().expect("tempdir");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/db-oom-502");
    let mut b = tar::Builder::new(Vec::new());
    // `etc/localtime` is a link into zoneinfo: stored as a link, like sos does.
    b.follow_symlinks(false);
    b.append_dir_all("sosreport-app2-2026-05-19", &src)
        .expect("tar the sample");
    let t = b.into_inner().expect("tar");
    let archive = dir.path().join("sosreport-app2-2026-05-19.tar.xz");
    std::fs::write(&archive, xz(&t)).expect("write");
    let zipped = dir.path().join("bundle.zip");
    std::fs::write(
        &zipped,
        zip(&[("var/log/auth.log", HEALTHY_AUTH.as_bytes())], &[]),
    )
    .expect("write");
    assert_untouched(&archive, EVERY);
    assert_untouched(&zipped, SOME);
    assert_untouched(dir.path(), SOME);
}

#[test]
fn hostile_bundle_is_untouched_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("bundle");
    hostile_dir(&root, "integrity");
    // Lowered limits keep this fast in a debug build; the long run in
    // `tests/hostile.rs` holds the defaults.
    assert_untouched_with(&root, SOME, &["--max-decoded-mib", "4"]);
}
