//! `--redact`: a copy of an analysis safe to share outside the team. Client
//! IP addresses (v4 and v6), user names and host names become stable
//! pseudonyms (`ip-1`, `user-1`, `host-1`) in every string of the report:
//! evidence lines, summaries, remediation, inventory paths, chart labels.
//!
//! Numbering follows first appearance in one fixed walk of the model, so
//! the same analysis always redacts the same way and one address keeps one
//! pseudonym across the whole report. Loopback and unspecified addresses
//! identify no one and are kept, so "answered 127.0.0.1" still reads.
//! Redaction errs towards over-matching: a word equal to a user or host
//! name is replaced wherever it appears.

use super::model::{Analysis, SourceRef};
use regex::Regex;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::{Arc, LazyLock};

/// Places where logs name a user (sshd, pam, sudo, su, logind, nginx basic
/// auth, home directories).
static USER_RES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"(?:password|publickey|keyboard-interactive(?:/pam)?|hostbased|none) for (?:invalid user |illegal user )?([A-Za-z_][A-Za-z0-9_.-]*)",
        r"(?:[Ii]nvalid|[Ii]llegal) user ([A-Za-z_][A-Za-z0-9_.-]*)",
        r"\b(?:for|of) user ([A-Za-z_][A-Za-z0-9_.-]*)",
        r"\b(?:r?user|USER|logname|acct)=([A-Za-z_][A-Za-z0-9_.-]*)",
        r#"\bsudo(?:\[\d+\])?:\s+([A-Za-z_][A-Za-z0-9_.-]*) :"#,
        r"/home/([A-Za-z_][A-Za-z0-9_.-]*)",
        r#"^\S+ - ([A-Za-z_][A-Za-z0-9_.@-]*) \["#,
    ]
    .iter()
    .map(|p| Regex::new(p).expect("static user pattern"))
    .collect()
});

/// Names that identify no person and keep the report readable.
const KEEP_USERS: &[&str] = &["root", "nobody", "UNKNOWN", "unknown"];

#[derive(Default)]
struct Names {
    ips: Vec<String>,
    users: Vec<String>,
    hosts: Vec<String>,
}

impl Names {
    fn add(list: &mut Vec<String>, v: &str) {
        if !v.is_empty() && !list.iter().any(|x| x == v) {
            list.push(v.to_string());
        }
    }
}

/// A redacted copy of `a`.
pub fn redact(a: &Analysis) -> Analysis {
    let mut out = a.clone();
    let mut names = Names::default();
    // Host names first: they are known from the model, not guessed.
    for h in a
        .hosts
        .iter()
        .chain(&a.inventory.hosts)
        .chain(a.inventory.boots.iter().map(|b| &b.host))
    {
        if h != "localhost" {
            Names::add(&mut names.hosts, h);
        }
    }
    walk(&mut out, &mut |s: &mut String| collect(s, &mut names));
    let mut hosts: Vec<(String, String)> = Vec::new();
    for (i, h) in names.hosts.iter().enumerate() {
        let p = format!("host-{}", i + 1);
        hosts.push((h.clone(), p.clone()));
        // The short name of an FQDN is the same host.
        if let Some((short, _)) = h.split_once('.') {
            if !short.is_empty() && !names.hosts.iter().any(|x| x == short) {
                hosts.push((short.to_string(), p));
            }
        }
    }
    let users: Vec<(String, String)> = names
        .users
        .iter()
        .enumerate()
        .map(|(i, u)| (u.clone(), format!("user-{}", i + 1)))
        .collect();
    let ips: Vec<(String, String)> = names
        .ips
        .iter()
        .enumerate()
        .map(|(i, ip)| (ip.clone(), format!("ip-{}", i + 1)))
        .collect();
    walk(&mut out, &mut |s: &mut String| {
        *s = replace(s, &ips, &users, &hosts)
    });
    out
}

/// Visit every string of the model in one fixed order.
fn walk(a: &mut Analysis, f: &mut dyn FnMut(&mut String)) {
    let src = |r: &mut SourceRef, f: &mut dyn FnMut(&mut String)| {
        let mut s = r.file.to_string();
        f(&mut s);
        if *s != *r.file {
            r.file = Arc::from(s);
        }
    };
    for h in &mut a.hosts {
        f(h);
    }
    if let Some(b) = &mut a.broke_at {
        f(b);
    }
    if let Some(rc) = &mut a.root_cause {
        f(&mut rc.kind);
        f(&mut rc.summary);
    }
    for s in &mut a.symptoms {
        f(&mut s.kind);
        f(&mut s.at);
        f(&mut s.summary);
        s.evidence.iter_mut().for_each(|r| src(r, f));
    }
    for x in &mut a.findings {
        f(&mut x.kind);
        if let Some(at) = &mut x.at {
            f(at);
        }
        f(&mut x.summary);
        x.evidence.iter_mut().for_each(|r| src(r, f));
        for r in &mut x.remediation {
            f(r);
        }
        if let Some(r) = &mut x.ruled_out_because {
            f(r);
        }
    }
    for n in &mut a.narrative {
        f(&mut n.at);
        if let Some(l) = &mut n.at_local {
            f(l);
        }
        f(&mut n.text);
        n.evidence.iter_mut().for_each(|r| src(r, f));
    }
    for l in &mut a.evidence_lines {
        f(&mut l.file);
        f(&mut l.text);
    }
    for m in &mut a.missing {
        f(m);
    }
    for r in &mut a.charts.requests {
        f(&mut r.service);
    }
    for d in &mut a.charts.drops {
        f(&mut d.proto);
    }
    for c in &mut a.charts.changes {
        f(&mut c.at);
        f(&mut c.kind);
        f(&mut c.label);
        f(&mut c.lane);
        src(&mut c.source, f);
    }
    let inv = &mut a.inventory;
    for file in &mut inv.files {
        f(&mut file.path);
        for o in [
            &mut file.format,
            &mut file.runner_up,
            &mut file.zone,
            &mut file.year_anchor,
            &mut file.first_ts,
            &mut file.last_ts,
        ]
        .into_iter()
        .flatten()
        {
            f(o);
        }
        for w in &mut file.warnings {
            f(w);
        }
        file.unparsed_samples
            .iter_mut()
            .for_each(|u| f(&mut u.text));
    }
    for h in &mut inv.hosts {
        f(h);
    }
    for b in &mut inv.boots {
        f(&mut b.host);
        f(&mut b.how);
        src(&mut b.source, f);
        for s in &mut b.also {
            src(s, f);
        }
    }
    for g in &mut inv.gaps {
        f(&mut g.file);
        f(&mut g.host);
        if let Some(n) = &mut g.next_file {
            f(n);
        }
    }
    for k in &mut inv.skew {
        f(&mut k.a);
        f(&mut k.b);
        f(&mut k.basis);
    }
    for w in &mut inv.warnings {
        f(w);
    }
}

fn collect(s: &str, names: &mut Names) {
    for (_, _, ip) in find_ips(s) {
        Names::add(&mut names.ips, &ip);
    }
    for line in s.lines() {
        let mut found: Vec<(usize, &str)> = Vec::new();
        for re in USER_RES.iter() {
            for c in re.captures_iter(line) {
                if let Some(m) = c.get(1) {
                    found.push((m.start(), m.as_str()));
                }
            }
        }
        // First appearance within the line, not pattern order.
        found.sort();
        for (_, u) in found {
            let u = u.trim_end_matches('.');
            if !KEEP_USERS.contains(&u) && u.parse::<IpAddr>().is_err() {
                Names::add(&mut names.users, u);
            }
        }
    }
}

/// Client addresses in `s`: (start, end, canonical text). A candidate is a
/// maximal run of hex digits, `.` and `:`; IPv4 addresses are also found
/// inside runs such as `203.0.113.7:51234`.
fn find_ips(s: &str) -> Vec<(usize, usize, String)> {
    let b = s.as_bytes();
    let is_run = |c: u8| c.is_ascii_hexdigit() || c == b'.' || c == b':';
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !is_run(b[i]) || (i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_run(b[i]) {
            i += 1;
        }
        if i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            continue;
        }
        let run = s[start..i].trim_end_matches(['.', ':']);
        if run.contains(':') {
            if let Ok(v6) = run.parse::<Ipv6Addr>() {
                if let Some(v4) = v6.to_ipv4_mapped() {
                    if keep4(v4) {
                        continue;
                    }
                } else if v6.is_loopback() || v6.is_unspecified() {
                    continue;
                }
                out.push((start, start + run.len(), v6.to_string()));
                continue;
            }
        }
        // IPv4 parts of the run, e.g. an address with a port.
        let mut off = start;
        for part in s[start..i].split(':') {
            let p = part.trim_end_matches('.');
            if let Ok(v4) = p.parse::<Ipv4Addr>() {
                if !keep4(v4) {
                    out.push((off, off + p.len(), v4.to_string()));
                }
            }
            off += part.len() + 1;
        }
    }
    out
}

fn keep4(v4: Ipv4Addr) -> bool {
    v4.is_loopback() || v4.is_unspecified() || v4.is_broadcast()
}

fn is_name_char(c: char, host: bool) -> bool {
    c.is_alphanumeric() || c == '_' || (!host && c == '-')
}

/// Replace every address, user and host name in `s` in one pass over the
/// original text, so a pseudonym is never itself rewritten.
fn replace(
    s: &str,
    ips: &[(String, String)],
    users: &[(String, String)],
    hosts: &[(String, String)],
) -> String {
    let mut spans: Vec<(usize, usize, &str)> = Vec::new();
    for (start, end, ip) in find_ips(s) {
        if let Some((_, p)) = ips.iter().find(|(x, _)| *x == ip) {
            spans.push((start, end, p));
        }
    }
    for (list, host) in [(hosts, true), (users, false)] {
        for (name, p) in list {
            for (start, _) in s.match_indices(name.as_str()) {
                let end = start + name.len();
                let before = s[..start].chars().next_back();
                let after = s[end..].chars().next();
                if !before.is_some_and(|c| is_name_char(c, host))
                    && !after.is_some_and(|c| is_name_char(c, host))
                {
                    spans.push((start, end, p));
                }
            }
        }
    }
    if spans.is_empty() {
        return s.to_string();
    }
    // Longest match wins where spans overlap (an FQDN over its short name).
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for (start, end, p) in spans {
        if start < at {
            continue;
        }
        out.push_str(&s[at..start]);
        out.push_str(p);
        at = end;
    }
    out.push_str(&s[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;
    use crate::report::model::EvidenceLine;

    #[test]
    fn finds_v4_v6_and_ports() {
        let ips: Vec<String> = find_ips("SRC=198.51.100.23 from 2001:db8::7, [2001:db8::8]:443 to 203.0.113.7:51234. 127.0.0.1 ::1 14:02:31 52:54:00:12:34:56 deadbeef")
            .into_iter()
            .map(|x| x.2)
            .collect();
        assert_eq!(
            ips,
            ["198.51.100.23", "2001:db8::7", "2001:db8::8", "203.0.113.7"]
        );
    }

    #[test]
    fn pseudonyms_are_stable_and_cover_all_strings() {
        let mut a = fixture::firewalld_after_reboot();
        a.evidence_lines.push(EvidenceLine {
            file: "var/log/secure".into(),
            line: 9,
            text: "Aug  6 16:00:01 web01 sshd[99]: Failed password for invalid user alice from 203.0.113.7 port 4022 ssh2".into(),
        });
        a.missing
            .push("alice tried 203.0.113.7 and 198.51.100.23 on web01.example.com".into());
        a.inventory.files[0].path = "sosreport-web01-2024/etc/localtime".into();
        let r = redact(&a);
        let json = crate::report::json::render(&r);
        for secret in ["198.51.100.23", "203.0.113.7", "alice", "web01"] {
            assert!(!json.contains(secret), "{secret} left in report");
        }
        assert!(json.contains("127.0.0.1"), "loopback kept");
        assert_eq!(r.hosts, ["host-1"]);
        assert_eq!(
            r.missing.last().unwrap(),
            "user-1 tried ip-3 and ip-1 on host-1.example.com"
        );
        assert_eq!(
            r.inventory.files[0].path,
            "sosreport-host-1-2024/etc/localtime"
        );
        assert_eq!(crate::report::json::render(&redact(&a)), json);
    }
}
