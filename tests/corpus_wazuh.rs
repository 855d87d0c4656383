//! Wazuh's ruleset tests (`log N pass = <line>` in `sshd.ini`,
//! `iptables.ini`, `syslog.ini`): every line Wazuh's decoders accept must
//! be an event here, and a line naming a client (`from ADDR`, `SRC=ADDR`)
//! must carry it. Rule ids and alert levels are Wazuh's own and are not
//! compared. `nginx.ini` is left out: its lines (`80:2 yadda`) are
//! synthetic and lack nginx's `pid#tid:`; `firewalld.ini` holds only
//! `fail` lines.

mod common;

#[test]
fn pass_lines_are_events_with_their_client() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let dir = corpus.join("wazuh/ruleset/testing/tests");
    let mut lines = Vec::new();
    for ini in ["sshd.ini", "iptables.ini", "syslog.ini"] {
        let text = std::fs::read_to_string(dir.join(ini)).expect("ini");
        for l in text.lines() {
            if let Some((head, line)) = l.split_once(" pass = ")
                && head.starts_with("log ")
            {
                lines.push(line.to_string());
            }
        }
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("wazuh-pass.log");
    std::fs::write(&path, lines.join("\n") + "\n").expect("write");
    let (code, out, err) = common::run(&[
        "timeline",
        path.to_str().expect("path"),
        "--all",
        "--format",
        "jsonl",
        "--year",
        "2024",
        "--tz",
        "UTC",
        "--no-progress",
    ]);
    assert_eq!(code, 0, "{err}");
    let evs: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("jsonl"))
        .collect();
    let (mut named, mut with_client) = (0, 0);
    let mut misses = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let no = i as u64 + 1;
        let Some(ev) = evs.iter().find(|e| e["source"]["line"] == no) else {
            misses.push(format!("{no}: no event: {line}"));
            continue;
        };
        let client = line
            .split_once(" from ")
            .map(|x| x.1)
            .or_else(|| line.split_once(" SRC=").map(|x| x.1))
            .and_then(|r| r.split([' ', ',']).next())
            .filter(|a| a.parse::<std::net::IpAddr>().is_ok());
        if let Some(a) = client {
            with_client += 1;
            if ev["src_ip"] == a {
                named += 1;
            } else {
                misses.push(format!("{no}: src_ip {} != {a}: {line}", ev["src_ip"]));
            }
        }
    }
    for m in &misses {
        eprintln!("MISS {m}");
    }
    eprintln!(
        "wazuh: {} pass lines, {} events; client named {named}/{with_client}",
        lines.len(),
        evs.len()
    );
    assert!(lines.len() >= 100);
    assert!(misses.is_empty(), "{} misses", misses.len());
}
