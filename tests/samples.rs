//! Every shipped sample bundle is explained correctly by `analyze`: the
//! root-cause kind, the break time (within a minute of the one its README
//! states) and the quiet host said to be quiet. Also: the same bundle gives
//! byte-identical reports, and every format renders.

mod common;

use common::{run, sample};
use serde_json::Value;

fn analyze(name: &str, format: &str) -> String {
    let p = sample(name);
    let (code, out, err) = run(&["analyze", p.to_str().unwrap(), "--format", format, "-q"]);
    assert_eq!(code, 0, "{name}: exit {code}, stderr: {err}");
    out
}

fn json(name: &str) -> Value {
    serde_json::from_str(&analyze(name, "json")).expect("analyze --format json is JSON")
}

fn secs(ts: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(ts)
        .expect("RFC 3339")
        .timestamp()
}

/// (bundle, root-cause kind, break time as its README states it)
const CASES: &[(&str, &str, &str)] = &[
    (
        "firewalld-after-reboot",
        "firewall_blocks_service",
        "2026-06-17T02:05:31Z",
    ),
    (
        "fail2ban-banned-office",
        "ip_banned",
        "2026-08-06T12:02:52Z",
    ),
    (
        "nginx-disabled-after-reboot",
        "service_not_running",
        "2026-10-13T06:21:14Z",
    ),
    (
        "nginx-loopback-only",
        "listen_address_changed",
        "2026-09-02T14:37:05Z",
    ),
    ("db-oom-502", "dependency_down", "2026-05-19T09:47:15Z"),
    (
        "sshd-port-10022",
        "port_changed_firewall_closed",
        "2025-12-31T23:42:18Z",
    ),
];

#[test]
fn every_sample_is_explained() {
    let mut wrong = Vec::new();
    for (name, kind, at) in CASES {
        let a = json(name);
        let got = a["root_cause"]["kind"].as_str().unwrap_or("none");
        if got != *kind {
            wrong.push(format!("{name}: root cause {got}, expected {kind}"));
            continue;
        }
        let conf = a["root_cause"]["confidence"].as_f64().unwrap_or(0.0);
        if conf < 0.6 {
            wrong.push(format!("{name}: confidence {conf} below 0.6"));
        }
        match a["broke_at"].as_str() {
            Some(b) if (secs(b) - secs(at)).abs() <= 60 => {}
            other => wrong.push(format!("{name}: broke_at {other:?}, expected {at} ± 60 s")),
        }
        // The top finding carries evidence and a fix.
        let top = &a["findings"][0];
        assert_eq!(top["kind"], *kind, "{name}");
        assert!(
            !top["evidence"].as_array().unwrap().is_empty(),
            "{name}: no evidence"
        );
        assert!(
            !top["remediation"].as_array().unwrap().is_empty(),
            "{name}: no remediation"
        );
        // Something was ruled out, with a reason.
        assert!(
            a["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["ruled_out_because"].is_string()),
            "{name}: nothing ruled out"
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn quiet_host_says_nothing_broke() {
    let a = json("quiet-host");
    assert!(a["broke_at"].is_null(), "{}", a["broke_at"]);
    assert!(a["root_cause"].is_null(), "{}", a["root_cause"]);
    assert!(
        a["symptoms"].as_array().unwrap().is_empty(),
        "{}",
        a["symptoms"]
    );
    let text = a["narrative"][0]["text"].as_str().unwrap();
    assert!(text.starts_with("No outage found"), "{text}");
}

#[test]
fn specific_facts_are_named() {
    let a = json("fail2ban-banned-office");
    let s = a["root_cause"]["summary"].as_str().unwrap();
    assert!(s.contains("198.51.100.23") && s.contains("sshd"), "{s}");
    let fixes: Vec<&str> = a["findings"][0]["remediation"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(
        fixes
            .iter()
            .any(|f| f.contains("fail2ban-client set sshd unbanip 198.51.100.23")),
        "{fixes:?}"
    );
    // The decoy ban of a scanner is ruled out by name.
    let decoy = a["findings"].as_array().unwrap().iter().any(|f| {
        f["ruled_out_because"]
            .as_str()
            .is_some_and(|r| r.contains("45.148.10.81") && r.contains("never made a request"))
    });
    assert!(decoy, "decoy ban not ruled out");

    let a = json("firewalld-after-reboot");
    let fix = a["findings"][0]["remediation"][0].as_str().unwrap();
    assert!(
        fix.contains("firewall-cmd")
            && fix.contains("--add-service=http")
            && fix.contains("--add-service=https"),
        "{fix}"
    );
    let ruled: Vec<&str> = a["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["ruled_out_because"].as_str())
        .collect();
    assert!(
        ruled
            .iter()
            .any(|r| r.contains("nginx was running") && r.contains("127.0.0.1")),
        "{ruled:?}"
    );

    let a = json("sshd-port-10022");
    let s = a["root_cause"]["summary"].as_str().unwrap();
    assert!(s.contains("10022"), "{s}");
}

#[test]
fn evidence_lines_are_quoted_from_the_bundle() {
    let a = json("db-oom-502");
    let lines = a["evidence_lines"].as_array().unwrap();
    assert!(lines.iter().any(|l| {
        l["text"]
            .as_str()
            .is_some_and(|t| t.contains("Out of memory: Killed process") && t.contains("mariadbd"))
    }));
    // Every cited source of the top finding is quoted.
    for e in a["findings"][0]["evidence"].as_array().unwrap() {
        assert!(
            lines
                .iter()
                .any(|l| l["file"] == e["file"] && l["line"] == e["line"]),
            "evidence {e} not quoted"
        );
    }
}

#[test]
fn reports_are_deterministic_in_every_format() {
    for fmt in ["json", "md", "html", "text"] {
        let a = analyze("nginx-loopback-only", fmt);
        let b = analyze("nginx-loopback-only", fmt);
        assert_eq!(a, b, "{fmt} output differs between runs");
        assert!(a.len() > 500, "{fmt} output too short");
    }
    let md = analyze("db-oom-502", "md");
    assert!(
        md.contains("dependency") || md.contains("Dependency"),
        "markdown lacks the root cause"
    );
    let html = analyze("firewalld-after-reboot", "html");
    assert!(html.contains("<svg") && html.contains("Content-Security-Policy"));
}
