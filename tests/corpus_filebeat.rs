//! Filebeat module and Elastic integration pipeline tests (`*.log` with
//! `*.log-expected.json`): every expected record must be an event on the
//! line its `log.offset` names, and the fields both sides model must agree.
//!
//! Time: filebeat reads zone-less stamps in the test's `event.timezone`
//! (`-02:00` in some versions), so each file runs with that zone as
//! `--tz`. Year-less stamps get the test-run year in integrations tests,
//! so those compare month-day-time only (PROVENANCE.md).

mod common;

use std::collections::HashMap;

fn flat(v: &serde_json::Value, prefix: &str, out: &mut HashMap<String, serde_json::Value>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                flat(x, &format!("{prefix}{k}."), out);
            }
        }
        other => {
            out.insert(prefix.trim_end_matches('.').to_string(), other.clone());
        }
    }
}

fn text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `-02:00`, `+00:00`, `GMT-0200`, `UTC` → an offset `--tz` accepts.
fn zone_arg(tz: &str) -> String {
    let t = tz.trim_start_matches("GMT").trim_start_matches("UTC");
    if t.is_empty() {
        return "UTC".into();
    }
    if t.len() == 5 && !t.contains(':') {
        return format!("{}:{}", &t[..3], &t[3..]);
    }
    t.to_string()
}

/// Filebeat field → faultline key.
const MAP: &[(&str, &str)] = &[
    ("source.ip", "src_ip"),
    ("source.port", "src_port"),
    ("destination.ip", "dst_ip"),
    ("destination.port", "dst_port"),
    ("http.request.method", "method"),
    ("url.original", "path"),
    ("http.response.status_code", "status"),
    ("http.response.body.bytes", "bytes"),
    ("user_agent.original", "user_agent"),
    ("process.name", "program"),
    ("process.pid", "pid"),
    ("host.hostname", "host"),
    ("user.name", "user"),
    ("log.level", "level"),
    ("network.transport", "proto"),
    ("iptables.input_device", "iface"),
    ("message", "message"),
];

#[test]
fn expected_json_fields() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let mut logs: Vec<_> = walk(&corpus.join("elastic-beats"));
    logs.extend(walk(&corpus.join("elastic-integrations")));
    let (mut records, mut found, mut ok, mut total) = (0, 0, 0, 0);
    let mut misses = Vec::new();
    for exp_path in logs {
        let log_path = std::path::PathBuf::from(
            exp_path
                .to_string_lossy()
                .trim_end_matches("-expected.json"),
        );
        let name = log_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&exp_path).expect("read")).expect("json");
        let expected = doc.get("expected").cloned().unwrap_or(doc);
        let Some(expected) = expected.as_array() else {
            continue;
        };
        let raw = std::fs::read(&log_path).expect("log");
        let tz = expected
            .iter()
            .find_map(|e| {
                let mut f = HashMap::new();
                flat(e, "", &mut f);
                f.get("event.timezone")
                    .and_then(|v| v.as_str())
                    .map(String::from)
            })
            .map_or("UTC".to_string(), |t| zone_arg(&t));
        let (code, out, err) = common::run(&[
            "timeline",
            log_path.to_str().expect("path"),
            "--all",
            "--format",
            "jsonl",
            &format!("--tz={tz}"),
            "--year",
            "2019",
            "--no-progress",
        ]);
        assert_eq!(code, 0, "{name}: {err}");
        let mut by_line: HashMap<u64, serde_json::Value> = HashMap::new();
        for l in out.lines() {
            let v: serde_json::Value = serde_json::from_str(l).expect("jsonl");
            by_line
                .entry(v["source"]["line"].as_u64().unwrap_or(0))
                .or_insert(v);
        }
        for e in expected {
            let mut f = HashMap::new();
            flat(e, "", &mut f);
            let Some(off) = f.get("log.offset").and_then(|v| v.as_u64()) else {
                continue;
            };
            records += 1;
            let line = raw[..(off as usize).min(raw.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64
                + 1;
            let Some(ev) = by_line.get(&line) else {
                misses.push(format!("{name}:{line}: no event"));
                continue;
            };
            found += 1;
            let raw_line = raw
                .split(|&b| b == b'\n')
                .nth(line as usize - 1)
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            let yearless = raw_line
                .as_bytes()
                .first()
                .is_some_and(|b| b.is_ascii_alphabetic());
            if let Some(want) = f.get("@timestamp").and_then(|v| v.as_str()) {
                let w = chrono::DateTime::parse_from_rfc3339(want)
                    .expect("@timestamp")
                    .with_timezone(&chrono::Utc);
                let h = chrono::DateTime::parse_from_rfc3339(ev["ts"].as_str().unwrap_or(""))
                    .expect("ts")
                    .with_timezone(&chrono::Utc);
                let fmt = if yearless {
                    "%m-%dT%H:%M:%S%.3f"
                } else {
                    "%Y-%m-%dT%H:%M:%S%.3f"
                };
                total += 1;
                if w.format(fmt).to_string() == h.format(fmt).to_string() {
                    ok += 1;
                } else {
                    misses.push(format!("{name}:{line}: time {h} != {w}"));
                }
            }
            for (fb, ours) in MAP {
                let Some(want) = f.get(*fb).and_then(text) else {
                    continue;
                };
                let mut want = want;
                let mut have = text(&ev[*ours]);
                match *ours {
                    // `-` is an absent value in faultline (VRL's rule).
                    _ if want == "-" => continue,
                    "proto" | "level" => want = want.to_ascii_lowercase(),
                    // filebeat lifts nginx's `*CID ` into connection_id and
                    // joins a multi-line record; faultline keeps the line's
                    // message as written.
                    "message" if f.contains_key("nginx.error.connection_id") => {
                        have =
                            have.map(|h| h.split_once(' ').map(|x| x.1.to_string()).unwrap_or(h));
                        want = want.lines().next().unwrap_or("").to_string();
                    }
                    _ => {}
                }
                total += 1;
                if have.as_deref() == Some(want.as_str()) {
                    ok += 1;
                } else {
                    misses.push(format!("{name}:{line}: {fb}->{ours} {have:?} != {want:?}"));
                }
            }
            // Integrations' systemd pipeline names service starts/stops.
            if let Some(action) = f.get("event.action").and_then(|v| v.as_str()) {
                let want = match action {
                    "service-start" => Some("service.start"),
                    "service-stop" => Some("service.stop"),
                    "account-locked" => Some("auth.failure"),
                    _ => None,
                };
                if let Some(want) = want {
                    total += 1;
                    if ev["kind"] == want {
                        ok += 1;
                    } else {
                        misses.push(format!("{name}:{line}: kind {} != {want}", ev["kind"]));
                    }
                }
            } else if name == "test-systemd.log" {
                total += 1;
                if !ev["kind"].as_str().unwrap_or("").starts_with("service.") {
                    ok += 1;
                } else {
                    misses.push(format!(
                        "{name}:{line}: no event.action but kind {}",
                        ev["kind"]
                    ));
                }
            }
        }
    }
    for m in &misses {
        eprintln!("MISS {m}");
    }
    eprintln!("filebeat: {found}/{records} records have an event; fields {ok}/{total}");
    assert!(records >= 25, "expected records: {records}");
    assert_eq!(found, records, "an event for every expected record");
    assert!(
        ok as f64 >= 0.99 * total as f64,
        "{ok}/{total} fields below 99%"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.to_string_lossy().ends_with(".log-expected.json") {
            out.push(p);
        }
    }
    out.sort();
    out
}
