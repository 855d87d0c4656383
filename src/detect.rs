//! Detect: give each member a role and, for logs, a grammar. A grammar is
//! scored by the fraction of the first lines it parses plus a bonus when
//! its path globs match; the runner-up is kept for the inventory. Members
//! that are not logs are snapshots (for [`crate::state`]), configs, or
//! unknown.

use crate::grammar::{Grammar, GrammarKind, GrammarSet};
use crate::parse::{self, Format, journal, journal_file, nginx, syslog};
use std::sync::Arc;

/// Lines sniffed per member.
const SNIFF_LINES: usize = 40;

#[derive(Clone, Debug)]
pub enum Role {
    Log {
        format: Format,
        grammar: String,
        score: f64,
        runner_up: Option<(String, f64)>,
    },
    State(&'static str),
    Config,
    Binary,
    Empty,
    Unknown,
}

impl Role {
    pub fn name(&self) -> &'static str {
        match self {
            Role::Log { .. } => "log",
            Role::State(_) => "state",
            Role::Config => "config",
            Role::Binary => "binary",
            Role::Empty => "empty",
            Role::Unknown => "unknown",
        }
    }
}

/// The path with a rotation suffix removed (`auth.log.2.gz` → `auth.log`),
/// so globs need not spell every rotation.
pub fn unrotated(path: &str) -> &str {
    let mut p = path;
    for _ in 0..3 {
        let Some((stem, ext)) = p.rsplit_once('.') else {
            break;
        };
        let rotated = matches!(ext, "gz" | "xz" | "zst" | "bz2" | "old")
            || (!ext.is_empty() && ext.len() <= 3 && ext.bytes().all(|b| b.is_ascii_digit()))
            || (ext.len() == 8 && ext.bytes().all(|b| b.is_ascii_digit()));
        if !rotated || stem.is_empty() {
            break;
        }
        p = stem;
    }
    // `syslog-20240806` (dateext)
    if let Some((stem, date)) = p.rsplit_once('-')
        && date.len() == 8
        && date.bytes().all(|b| b.is_ascii_digit())
    {
        return stem;
    }
    p
}

/// Whole lines of `head` (the last, maybe cut, line dropped when the head
/// is a prefix), blank lines skipped.
fn sniff_lines(head: &[u8], complete: bool) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = head.split(|&b| b == b'\n').collect();
    if !complete && lines.len() > 1 {
        lines.pop();
    }
    lines
        .into_iter()
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.iter().all(|b| b.is_ascii_whitespace()) && !parse::is_comment(l))
        .take(SNIFF_LINES)
        .collect()
}

fn ratio(lines: &[&[u8]], f: impl Fn(&[u8]) -> bool) -> f64 {
    if lines.is_empty() {
        return 0.0;
    }
    lines.iter().filter(|l| f(l)).count() as f64 / lines.len() as f64
}

fn frame_ratio(id: &str, lines: &[&[u8]], head: &[u8], formats: &[nginx::LogFormat]) -> f64 {
    match id {
        "syslog" => {
            // Indented lines continue a parsed record (journalctl short
            // output); they count only after one. The syslog frame takes
            // any stamp and a `[tag]`, so `2024/08/06 14:05:01 [error]
            // 812#812: …` would parse as program `error`: an nginx error
            // line is not syslog, or an error log under an unknown name
            // would tie with syslog on parse rate alone.
            let mut seen = false;
            let ok = lines
                .iter()
                .filter(|l| {
                    let hit = (syslog::parse(l).is_some() && nginx::error_line(l).is_none())
                        || syslog::marker(l).is_some();
                    let cont = seen && (l.starts_with(b" ") || l.starts_with(b"\t"));
                    seen |= hit;
                    hit || cont
                })
                .count();
            if lines.is_empty() {
                0.0
            } else {
                ok as f64 / lines.len() as f64
            }
        }
        "journal.json" => ratio(lines, |l| journal::json_line(l, 0).is_some()),
        "journal.export"
            if head.starts_with(b"__CURSOR=") || head.starts_with(b"__REALTIME_TIMESTAMP=") =>
        {
            1.0
        }
        "journal.file" if journal_file::is_journal_file(head) => 1.0,
        "nginx.access" => ratio(lines, |l| formats.iter().any(|f| f.parse(l).is_some())),
        "nginx.error" => ratio(lines, |l| nginx::error_line(l).is_some()),
        _ => 0.0,
    }
}

fn line_ratio(g: &Grammar, lines: &[&[u8]]) -> f64 {
    ratio(lines, |l| {
        let mut last = 0;
        GrammarSet::match_line(g, l, &mut last)
            .and_then(|(c, v)| {
                c.name("ts")
                    .and_then(|m| parse::grammar_stamp(v.time, m.as_bytes()))
            })
            .is_some()
    })
}

/// Choose a role for one member. `head` is the start of its decoded
/// content; `complete` says whether it is the whole content.
pub fn detect(
    path: &str,
    head: &[u8],
    complete: bool,
    grammars: &GrammarSet,
    nginx_formats: &Arc<Vec<nginx::LogFormat>>,
) -> Role {
    if head.is_empty() {
        // An empty log still gets its format from its path.
        let p = unrotated(path);
        for g in &grammars.grammars {
            if let Some(d) = &g.detect
                && d.globs.is_match(p)
            {
                if let Some(format) = format_of(g, grammars, nginx_formats) {
                    return Role::Log {
                        format,
                        grammar: g.id.clone(),
                        score: 0.0,
                        runner_up: None,
                    };
                }
            }
        }
        return Role::Empty;
    }
    let nul = head.iter().take(4096).filter(|&&b| b == 0).count();
    let lines = sniff_lines(head, complete);
    let upath = unrotated(path);
    let mut scored: Vec<(f64, i32, &Grammar)> = Vec::new();
    for g in &grammars.grammars {
        let Some(d) = &g.detect else { continue };
        let r = match &g.kind {
            GrammarKind::Frame(id) => frame_ratio(id, &lines, head, nginx_formats),
            GrammarKind::Line => line_ratio(g, &lines),
            GrammarKind::Message => continue,
        };
        if r < d.min_ratio {
            continue;
        }
        let bonus = if d.globs.is_match(upath) { 0.3 } else { 0.0 };
        scored.push((r + bonus, d.priority, g));
    }
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then(a.2.id.cmp(&b.2.id))
    });
    // A snapshot named by its sosreport path beats a weak log guess.
    let snap = crate::state::snapshot_kind(path, head);
    if let Some(&(score, _, g)) = scored.first()
        && (snap.is_none() || score >= 0.9)
        && let Some(format) = format_of(g, grammars, nginx_formats)
    {
        return Role::Log {
            format,
            grammar: g.id.clone(),
            score,
            runner_up: scored.get(1).map(|(s, _, g)| (g.id.clone(), *s)),
        };
    }
    if let Some(k) = snap {
        return Role::State(k);
    }
    if nul > 0 {
        return Role::Binary;
    }
    let in_etc = path.starts_with("etc/") || path.contains("/etc/");
    if in_etc || path.ends_with(".conf") || path.ends_with(".cfg") || path.ends_with(".ini") {
        return Role::Config;
    }
    Role::Unknown
}

fn format_of(
    g: &Grammar,
    grammars: &GrammarSet,
    nginx_formats: &Arc<Vec<nginx::LogFormat>>,
) -> Option<Format> {
    match &g.kind {
        GrammarKind::Frame(id) => Format::from_frame(id, nginx_formats),
        GrammarKind::Line => grammars
            .grammars
            .iter()
            .position(|x| x.id == g.id)
            .map(Format::Line),
        GrammarKind::Message => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nginx_error_lines_are_not_syslog() {
        let nginx_err = b"2024/08/06 14:05:01 [error] 812#812: *31 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.9, server: shop.example, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8080/\", host: \"shop.example\"\n\
2024/08/06 14:05:02 [warn] 812#812: *32 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/0000000001 while reading upstream\n";
        let lines = sniff_lines(nginx_err, true);
        assert_eq!(frame_ratio("syslog", &lines, nginx_err, &[]), 0.0);
        assert_eq!(frame_ratio("nginx.error", &lines, nginx_err, &[]), 1.0);
        // Syslog with slashed ISO dates and a bracketed tag still counts.
        let sys = b"2024/08/06 14:05:01 web1 sshd[812]: Accepted publickey for ops from 198.51.100.23 port 50122 ssh2\n\
Mar  3 00:17:22 [sshd]: User root from 211.188.220.49 not allowed\n";
        let lines = sniff_lines(sys, true);
        assert_eq!(frame_ratio("syslog", &lines, sys, &[]), 1.0);
    }

    #[test]
    fn rotation_suffixes() {
        assert_eq!(unrotated("var/log/auth.log.2.gz"), "var/log/auth.log");
        assert_eq!(unrotated("var/log/syslog.1"), "var/log/syslog");
        assert_eq!(unrotated("var/log/messages-20240806"), "var/log/messages");
        assert_eq!(
            unrotated("var/log/nginx/access.log"),
            "var/log/nginx/access.log"
        );
    }
}
