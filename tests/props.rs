//! Properties that hold for any input: the merge is a sorted permutation
//! of its events, decoders and archive listing never panic on any bytes,
//! and the escaping functions never let markup or control characters
//! through.

use faultline::decode::{Compression, Limits, decompress};
use faultline::event::{Event, Fields, Kind, SourceRef};
use faultline::report::escape;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

fn small_limits() -> Limits {
    Limits {
        max_decoded: 256 << 10,
        ratio_floor: 16 << 10,
        max_ratio: 50,
        max_files: 200,
        ..Limits::default()
    }
}

// ---- merge ----

/// Raw material of one event: (file index, ts in seconds, sub-second us,
/// kind index, message index, program index).
type Raw = (u8, i64, u32, u8, u8, u8);

fn events(raw: &[Raw]) -> Vec<Event> {
    const FILES: &[&str] = &["var/log/syslog", "var/log/auth.log", "journal.json", "b"];
    const KINDS: &[Kind] = &[
        Kind::AuthFailure,
        Kind::HttpRequest,
        Kind::ServiceStart,
        Kind::LogOther,
    ];
    const MSGS: &[&str] = &["Failed password", "Started nginx.service", "", "x"];
    let mut next_line: BTreeMap<u8, u32> = BTreeMap::new();
    raw.iter()
        .map(|&(f, s, us, k, m, p)| {
            let f = f % FILES.len() as u8;
            let line = next_line.entry(f).or_insert(0);
            *line += 1;
            Event {
                ts: s * 1_000_000 + i64::from(us % 2 * 123_456),
                ts_inferred: 0,
                kind: KINDS[k as usize % KINDS.len()],
                host: Arc::from(if p % 5 == 0 { "web2" } else { "web1" }),
                source: SourceRef {
                    file: Arc::from(FILES[f as usize]),
                    line: *line,
                },
                also: Vec::new(),
                format: Arc::from("syslog"),
                message: MSGS[m as usize % MSGS.len()].to_string(),
                fields: Fields {
                    program: (p % 3 != 0).then(|| "sshd".to_string()),
                    ..Fields::default()
                },
                boot: None,
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn merge_is_a_sorted_permutation(
        raw in proptest::collection::vec((0u8..4, -5i64..40, 0u32..4, 0u8..4, 0u8..4, 0u8..10), 0..120)
    ) {
        let input = events(&raw);
        let mut want: Vec<(Arc<str>, u32)> =
            input.iter().map(|e| (e.source.file.clone(), e.source.line)).collect();
        want.sort();
        let out = faultline::timeline::merge(input);
        for w in out.windows(2) {
            prop_assert!(
                (w[0].ts, &w[0].source) <= (w[1].ts, &w[1].source),
                "out of order: {:?} before {:?}", (w[0].ts, &w[0].source), (w[1].ts, &w[1].source)
            );
        }
        // Folded copies live on in `also`: every (file, line) exactly once.
        let mut got: Vec<(Arc<str>, u32)> = out
            .iter()
            .flat_map(|e| std::iter::once(&e.source).chain(e.also.iter()))
            .map(|s| (s.file.clone(), s.line))
            .collect();
        got.sort();
        prop_assert_eq!(got, want);
    }
}

// ---- decoders ----

fn with_magic(c: Compression, body: &[u8]) -> Vec<u8> {
    let magic: &[u8] = match c {
        Compression::Gzip => &[0x1f, 0x8b, 8, 0],
        Compression::Xz => &[0xfd, b'7', b'z', b'X', b'Z', 0],
        Compression::Zstd => &[0x28, 0xb5, 0x2f, 0xfd],
        Compression::Bzip2 => b"BZh9",
        Compression::None => b"",
    };
    let mut v = magic.to_vec();
    v.extend_from_slice(body);
    v
}

fn valid(c: Compression, text: &[u8]) -> Vec<u8> {
    use std::io::Write;
    match c {
        Compression::Gzip => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(text).expect("gzip");
            e.finish().expect("gzip")
        }
        Compression::Xz => {
            let mut e = liblzma::write::XzEncoder::new(Vec::new(), 0);
            e.write_all(text).expect("xz");
            e.finish().expect("xz")
        }
        Compression::Zstd => zstd::encode_all(text, 1).expect("zstd"),
        Compression::Bzip2 => {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
            e.write_all(text).expect("bzip2");
            e.finish().expect("bzip2")
        }
        Compression::None => text.to_vec(),
    }
}

const ALL: &[Compression] = &[
    Compression::None,
    Compression::Gzip,
    Compression::Xz,
    Compression::Zstd,
    Compression::Bzip2,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn decompress_never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let limits = small_limits();
        for &c in ALL {
            for input in [bytes.clone(), with_magic(c, &bytes)] {
                let d = decompress(&input, c, &limits);
                prop_assert!(d.data.len() as u64 <= limits.max_decoded);
            }
        }
    }

    /// A valid stream cut, or with bytes flipped, keeps a prefix at most
    /// and says so.
    #[test]
    fn damaged_streams_keep_a_prefix(
        text in proptest::collection::vec(any::<u8>(), 1..4096),
        cut in 0.0f64..1.0,
        flip in proptest::option::of((0.0f64..1.0, any::<u8>())),
    ) {
        let limits = small_limits();
        for &c in &ALL[1..] {
            let mut z = valid(c, &text);
            let n = ((z.len() as f64) * cut) as usize;
            z.truncate(n.max(1));
            if let Some((at, x)) = flip {
                let i = ((z.len() as f64) * at) as usize;
                if let Some(b) = z.get_mut(i) {
                    *b ^= x | 1;
                }
            }
            let d = decompress(&z, c, &limits);
            prop_assert!(d.data.len() <= text.len() || flip.is_some());
            if flip.is_none() {
                prop_assert!(text.starts_with(&d.data), "{c:?}: kept bytes are not a prefix");
                if d.data.len() < text.len() {
                    prop_assert!(!d.warnings.is_empty(), "{c:?}: lost bytes silently");
                }
            }
        }
    }
}

// ---- discover on archive bytes ----

fn tar_of(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        let n = name.len().min(99);
        h.as_old_mut().name[..n].copy_from_slice(&name.as_bytes()[..n]);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append(&h, &data[..]).expect("tar");
    }
    b.into_inner().expect("tar")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn discover_never_panics_on_damaged_tar(
        members in proptest::collection::vec(("[a-z./]{1,40}", proptest::collection::vec(any::<u8>(), 0..600)), 0..6),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in proptest::option::of(any::<usize>()),
        wrap in 0usize..3,
    ) {
        let mut t = tar_of(&members);
        for (i, x) in flips {
            let n = t.len();
            if n > 0 {
                t[i % n] ^= x;
            }
        }
        if let Some(c) = cut {
            let n = t.len().max(1);
            t.truncate(c % n);
        }
        let bytes = match wrap {
            1 => valid(Compression::Gzip, &t),
            2 => valid(Compression::Zstd, &t),
            _ => t,
        };
        let limits = small_limits();
        let d = faultline::discover::discover_bytes("bundle.tar", &bytes, &limits);
        prop_assert!(d.members.len() <= limits.max_files + 1);
    }

    #[test]
    fn discover_never_panics_on_any_bytes(
        head in prop_oneof![Just(b"PK\x03\x04".to_vec()), Just(b"PK\x05\x06".to_vec()), Just(vec![0x1f, 0x8b]), Just(Vec::new())],
        bytes in proptest::collection::vec(any::<u8>(), 0..4096),
    ) {
        let mut v = head;
        v.extend_from_slice(&bytes);
        let _ = faultline::discover::discover_bytes("bundle", &v, &small_limits());
    }
}

// ---- escaping ----

/// Fragments an attacker would use, mixed with ordinary text.
fn hostile_text() -> impl Strategy<Value = String> {
    let frag = prop_oneof![
        Just("<script>".to_string()),
        Just("</script>".to_string()),
        Just("\x1b[2J".to_string()),
        Just("\x1b]8;;http://x\x07".to_string()),
        Just("\u{202e}".to_string()),
        Just("\u{2066}".to_string()),
        Just("](javascript:".to_string()),
        Just("[a](javascript:alert(1))".to_string()),
        Just("![i](http://x/a.png)".to_string()),
        Just("```".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("|".to_string()),
        Just("\\".to_string()),
        Just("&lt;".to_string()),
        Just("&#x3c;".to_string()),
        "\\PC{0,8}",
        "[\\x00-\\x7f]{0,8}",
    ];
    proptest::collection::vec(frag, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn escapes_never_let_markup_or_controls_through(s in hostile_text()) {
        let t = escape::terminal(&s);
        prop_assert!(!t.contains('\x1b') && !t.chars().any(escape::is_dangerous));
        // Once safe, stays as it is: escaping twice changes nothing more.
        prop_assert_eq!(escape::terminal(&t), t.clone());

        let h = escape::html(&s);
        prop_assert!(!h.contains('<') && !h.contains('>') && !h.contains('\x1b'));
        prop_assert!(!h.chars().any(escape::is_dangerous));

        for m in [escape::markdown_inline(&s), escape::markdown_cell(&s)] {
            prop_assert!(!m.contains('<') && !m.contains('\x1b'), "{:?}", m);
            prop_assert!(!m.contains("](javascript:"), "{:?}", m);
            prop_assert!(!m.contains("]("), "link syntax survived: {:?}", m);
            prop_assert!(!m.chars().any(escape::is_dangerous));
        }
        let c = escape::markdown_cell(&s);
        prop_assert!(!c.contains('\n') && !c.contains('\r'));

        let f = escape::code_fence(&s);
        prop_assert!(!f.contains('\x1b') && !f.contains('\u{202e}'), "{:?}", f);
        let fence: String = f.chars().take_while(|ch| *ch == '`').collect();
        let body = &f[fence.len() + "text\n".len()..f.len() - fence.len() - 1];
        prop_assert!(
            !body.lines().any(|l| l.trim_start().starts_with(fence.as_str())),
            "a body line closes the fence: {:?}", f
        );
    }

    /// Terminal escaping of already-escaped text is stable, and safe text
    /// passes through untouched.
    #[test]
    fn terminal_escape_is_idempotent_on_its_output(s in "\\PC*|[\\x00-\\x1f\\u{202a}-\\u{202e}]*") {
        let once = escape::terminal(&s);
        prop_assert_eq!(escape::terminal(&once), once.clone());
        // Text with nothing dangerous in it is shown exactly as written.
        if !s.chars().any(escape::is_dangerous) {
            prop_assert_eq!(&once, &s);
        }
    }
}
