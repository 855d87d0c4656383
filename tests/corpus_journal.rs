//! One journal window rendered five ways by journalctl (export, json,
//! short, short-iso, short-precise; `s4-journal-rendered/README.md`): the
//! 232 entries must come out of each the same — time (µs where the format
//! prints it, seconds otherwise), host, identifier, pid and message.

mod common;

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
struct Rec {
    us: i64,
    host: String,
    program: String,
    pid: Option<u64>,
    message: String,
}

/// Synthetic boot markers share a line with the entry that revealed them.
const SYNTHETIC: &[&str] = &["journal _BOOT_ID changed", "journal boot marker"];

fn records(path: &std::path::Path) -> Vec<Rec> {
    let (code, out, err) = common::run(&[
        "timeline",
        path.to_str().expect("path"),
        "--all",
        "--format",
        "jsonl",
        "--tz",
        "UTC",
        "--year",
        "2023",
        "--no-progress",
    ]);
    assert_eq!(code, 0, "{err}");
    let mut by_line: BTreeMap<u64, Rec> = BTreeMap::new();
    for l in out.lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("jsonl");
        let msg = v["message"].as_str().unwrap_or("").to_string();
        if SYNTHETIC.contains(&msg.as_str()) {
            continue;
        }
        let ts = v["ts"].as_str().unwrap_or("");
        let us = chrono::DateTime::parse_from_rfc3339(ts).map_or(0, |d| d.timestamp_micros());
        by_line
            .entry(v["source"]["line"].as_u64().unwrap_or(0))
            .or_insert(Rec {
                us,
                host: v["host"].as_str().unwrap_or("").into(),
                program: v["program"].as_str().unwrap_or("").into(),
                pid: v["pid"].as_u64(),
                message: msg,
            });
    }
    by_line.into_values().collect()
}

#[test]
fn five_renderings_agree() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = corpus.join("s4-journal-rendered");
    let file = |f: &str| dir.join(format!("RHE_91_system.window.{f}.txt"));
    let reference = records(&file("export"));
    assert_eq!(reference.len(), 232, "export entries");
    let mut failures = Vec::new();
    for (fmt, micros) in [
        ("json", true),
        ("short-precise", true),
        ("short-iso", false),
        ("short", false),
    ] {
        let got = records(&file(fmt));
        let (mut ok, mut total) = (0, 0);
        for (i, r) in reference.iter().enumerate() {
            total += 5;
            let Some(g) = got.get(i) else {
                failures.push(format!("{fmt}: entry {i} missing"));
                continue;
            };
            let want_us = if micros {
                r.us
            } else {
                r.us - r.us.rem_euclid(1_000_000)
            };
            // short* print a multi-line MESSAGE's further lines indented on
            // lines of their own; the record's message is its first line.
            let want_msg = if fmt.starts_with("short") {
                r.message.lines().next().unwrap_or("")
            } else {
                &r.message
            };
            let checks = [
                ("time", g.us == want_us),
                ("host", g.host == r.host),
                ("program", g.program == r.program),
                ("pid", g.pid == r.pid),
                ("message", g.message == want_msg),
            ];
            for (name, good) in checks {
                if good {
                    ok += 1;
                } else {
                    failures.push(format!("{fmt}: entry {i} {name}: {g:?} vs {r:?}"));
                }
            }
        }
        eprintln!(
            "{fmt:14} {ok}/{total} fields agree with export ({} records)",
            got.len()
        );
        assert_eq!(got.len(), 232, "{fmt}: entries");
    }
    for f in failures.iter().take(30) {
        eprintln!("MISS {f}");
    }
    assert!(failures.is_empty(), "{} disagreements", failures.len());
}
