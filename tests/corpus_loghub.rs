//! loghub's OpenSSH sample (`OpenSSH_2k.log`) against its hand-made
//! structure (`_structured.csv`): every line must become an event whose
//! host (loghub's `Component`), pid, month/day/time and message agree; and
//! loghub's event templates must map to the kinds we promise for them.

mod common;

use std::collections::HashMap;

/// One CSV record (RFC 4180 quoting: `"a, ""b"""`).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// loghub template id → the kind faultline must give it.
fn kind_for(event_id: &str) -> Option<&'static str> {
    Some(match event_id {
        "E1" => "auth.success",
        "E4" | "E5" | "E8" | "E9" | "E10" | "E14" | "E19" | "E20" => "auth.failure",
        "E13" => "auth.invalid_user",
        "E22" => "session.close",
        "E23" => "session.open",
        _ => return None,
    })
}

#[test]
fn openssh_structured_agrees() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = corpus.join("loghub/OpenSSH");
    let log = dir.join("OpenSSH_2k.log");
    let (code, out, err) = common::run(&[
        "timeline",
        log.to_str().expect("path"),
        "--all",
        "--format",
        "jsonl",
        "--tz",
        "UTC",
        "--year",
        "2024",
        "--no-progress",
    ]);
    assert_eq!(code, 0, "{err}");
    let mut by_line: HashMap<u64, serde_json::Value> = HashMap::new();
    for l in out.lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("jsonl");
        by_line.insert(v["source"]["line"].as_u64().unwrap_or(0), v);
    }
    let csv = std::fs::read_to_string(dir.join("OpenSSH_2k.log_structured.csv")).expect("csv");
    let (mut rows, mut fields_ok, mut fields_total, mut kinds_ok, mut kinds_total) =
        (0, 0, 0, 0, 0);
    let mut misses = Vec::new();
    for row in csv.lines().skip(1) {
        let f = csv_fields(row);
        if f.len() < 9 {
            continue;
        }
        rows += 1;
        let line: u64 = f[0].parse().expect("LineId");
        let Some(ev) = by_line.get(&line) else {
            misses.push(format!("line {line}: no event"));
            fields_total += 4;
            continue;
        };
        let month = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ]
        .iter()
        .position(|m| *m == f[1])
        .map_or(0, |p| p + 1);
        let want_time = format!(
            "{month:02}-{:02}T{}",
            f[2].parse::<u32>().unwrap_or(0),
            f[3]
        );
        let ts = ev["ts"].as_str().unwrap_or("");
        let checks = [
            ("time", ts.get(5..19).unwrap_or("").to_string(), want_time),
            (
                "host",
                ev["host"].as_str().unwrap_or("").to_string(),
                f[4].clone(),
            ),
            (
                "pid",
                ev["pid"]
                    .as_u64()
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
                f[5].clone(),
            ),
            // loghub trims trailing blanks from `Content` (the raw PAM lines
            // end in a space); faultline keeps the message unchanged (SPEC).
            (
                "message",
                ev["message"].as_str().unwrap_or("").trim_end().to_string(),
                f[6].clone(),
            ),
        ];
        for (name, have, want) in checks {
            fields_total += 1;
            if have == want {
                fields_ok += 1;
            } else {
                misses.push(format!("line {line}: {name} {have:?} != {want:?}"));
            }
        }
        if let Some(k) = kind_for(&f[7]) {
            kinds_total += 1;
            if ev["kind"] == k {
                kinds_ok += 1;
            } else {
                misses.push(format!(
                    "line {line}: {} is {} not {k}: {}",
                    f[7], ev["kind"], f[6]
                ));
            }
        }
    }
    for m in misses.iter().take(40) {
        eprintln!("MISS {m}");
    }
    eprintln!(
        "loghub OpenSSH: {rows} rows, {} events; fields {fields_ok}/{fields_total}; kinds {kinds_ok}/{kinds_total}",
        by_line.len()
    );
    assert_eq!(rows, 2000);
    assert_eq!(by_line.len(), 2000, "every line is an event");
    assert_eq!(fields_ok, fields_total, "host/pid/time/message agree");
    assert_eq!(kinds_ok, kinds_total, "template kinds");
}
