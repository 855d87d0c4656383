//! The terminal view of an analysis: summary first (when it broke, why, the
//! fix), then symptoms, the timeline with its evidence, findings and what
//! was ruled out, and a one-paragraph inventory. Wrapped to `width`.
//!
//! Colour is ANSI and only when the caller asks (it decides from the TTY and
//! `NO_COLOR`). Every string from the bundle passes [`super::escape::terminal`]
//! before it is measured or printed, so the only escape sequences in the
//! output are our own colour codes.

use super::escape::terminal as t;
use super::model::{Analysis, SourceRef};
use super::{hosts, kind_title, lines_for, percent, step_local, top_finding, utc_short};
use std::fmt::Write;

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn red(&self, s: &str) -> String {
        self.wrap("1;31", s)
    }
    fn green(&self, s: &str) -> String {
        self.wrap("32", s)
    }
    fn yellow(&self, s: &str) -> String {
        self.wrap("33", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
    fn head(&self, s: &str) -> String {
        self.wrap("1;4", s)
    }
}

/// Terminal report of `a`, coloured when `color`, wrapped to `width`
/// columns (at least 40).
pub fn render(a: &Analysis, color: bool, width: usize) -> String {
    let p = Paint { on: color };
    let w = width.max(40);
    let mut s = String::new();

    let h = hosts(a);
    let host = if h.is_empty() {
        "unknown host".to_string()
    } else {
        t(&h.join(", "))
    };
    let win = &a.inventory.window;
    let window = match (&win.start, &win.end) {
        (Some(b), Some(e)) => format!(", {} .. {}", t(&utc_short(b)), t(&utc_short(e))),
        _ => String::new(),
    };
    push_wrapped(
        &mut s,
        &p.bold(&format!("Outage on {host}")),
        &window,
        w,
        "",
    );
    s.push('\n');

    // Label column of the summary.
    const L: usize = 12;
    let pad = " ".repeat(L + 2);
    let broke = match &a.broke_at {
        Some(at) => {
            let local = super::local_time(a, at)
                .map(|l| format!(" ({} host time)", t(&l)))
                .unwrap_or_default();
            format!("{}{local}", p.red(&t(&utc_short(at))))
        }
        None => "not determined".to_string(),
    };
    label(&mut s, &p, "Broke at", &broke, w, &pad);
    match &a.root_cause {
        Some(rc) => {
            let head = format!(
                "{} ({} confidence)",
                p.bold(&t(&kind_title(&rc.kind))),
                percent(rc.confidence)
            );
            label(&mut s, &p, "Root cause", &head, w, &pad);
            push_wrapped(&mut s, &pad, &t(&rc.summary), w, &pad);
        }
        None => label(&mut s, &p, "Root cause", "not found", w, &pad),
    }
    match top_finding(a).and_then(|f| f.remediation.first()) {
        // A command is never wrapped: it must stay copyable.
        Some(fix) => {
            let _ = writeln!(
                s,
                "  {:<L$}{}",
                p.bold("Fix"),
                p.green(&t(fix)),
                L = label_width(&p, L)
            );
        }
        None => label(&mut s, &p, "Fix", "none proposed", w, &pad),
    }

    for f in a.findings.iter().filter(|f| f.ruled_out_because.is_some()) {
        let why = format!(
            "{}: {}",
            t(&kind_title(&f.kind)),
            t(f.ruled_out_because.as_deref().unwrap_or(""))
        );
        label(&mut s, &p, "Ruled out", &p.yellow(&why), w, &pad);
    }

    if !a.symptoms.is_empty() {
        let _ = writeln!(s, "\n{}", p.head("Symptoms"));
        for sy in &a.symptoms {
            let first = format!("  {}  ", clock(&sy.at));
            let hang = " ".repeat(first.chars().count());
            push_wrapped(&mut s, &first, &t(&sy.summary), w, &hang);
        }
    }

    if !a.narrative.is_empty() {
        let zone = if a.host_zone.is_empty() {
            "host".to_string()
        } else {
            t(&a.host_zone)
        };
        let _ = writeln!(s, "\n{}", p.head(&format!("Timeline (UTC, {zone})")));
        for st in &a.narrative {
            let local = step_local(a, st)
                .map(|l| local_clock(&st.at, &t(&l)))
                .unwrap_or_default();
            let first = format!("  {} {:<14} ", clock(&st.at), local);
            // Narrow terminals get the times on a line of their own, so the
            // text keeps a usable width.
            let (first, hang) = if first.chars().count() + 40 > w {
                let _ = writeln!(s, "{}", first.trim_end());
                ("    ".to_string(), "    ".to_string())
            } else {
                let hang = " ".repeat(first.chars().count());
                (first, hang)
            };
            push_wrapped(&mut s, &first, &t(&st.text), w, &hang);
            push_wrapped(&mut s, &hang, &p.dim(&sources(&st.evidence)), w, &hang);
            for l in lines_for(a, &st.evidence) {
                quote(&mut s, &p, &hang, &t(&l.text), w);
            }
        }
    }

    if !a.findings.is_empty() {
        let _ = writeln!(s, "\n{}", p.head("Findings"));
        let mut fs: Vec<_> = a.findings.iter().collect();
        fs.sort_by_key(|f| f.rank);
        for f in fs {
            let head = format!(
                "  {}. {} ({})",
                f.rank,
                t(&kind_title(&f.kind)),
                percent(f.confidence)
            );
            let head = match &f.ruled_out_because {
                Some(_) => format!("{}  {}", p.dim(&head), p.yellow("RULED OUT")),
                None => p.bold(&head),
            };
            let _ = writeln!(s, "{head}");
            push_wrapped(&mut s, "     ", &t(&f.summary), w, "     ");
            if let Some(why) = &f.ruled_out_because {
                push_wrapped(&mut s, "     because: ", &t(why), w, "              ");
            }
            for r in &f.remediation {
                let _ = writeln!(s, "     fix: {}", p.green(&t(r)));
            }
            if !f.evidence.is_empty() {
                push_wrapped(
                    &mut s,
                    "     evidence: ",
                    &p.dim(&sources(&f.evidence)),
                    w,
                    "               ",
                );
            }
        }
    }

    if !a.missing.is_empty() {
        let _ = writeln!(s, "\n{}", p.head("Not checked"));
        for m in &a.missing {
            push_wrapped(&mut s, "  - ", &t(m), w, "    ");
        }
    }

    let inv = &a.inventory;
    let lines: u64 = inv.files.iter().map(|f| f.lines).sum();
    let parsed: u64 = inv.files.iter().map(|f| f.parsed).sum();
    // Rounded down, so a rate short of complete never reads as 100.0%.
    // Rounded down, so a rate short of complete never reads as 100.0%.
    let rate = (1000 * parsed)
        .checked_div(lines)
        .map_or("-".to_string(), |r| format!("{:.1}%", r as f64 / 10.0));
    let _ = writeln!(s, "\n{}", p.head("Bundle"));
    push_wrapped(
        &mut s,
        "  ",
        &format!(
            "{}, {lines} lines, {rate} parsed, {}, {}, {}. Per-file hashes: faultline inventory.",
            count(inv.files.len(), "file"),
            count(inv.boots.len(), "boot"),
            count(inv.gaps.len(), "gap"),
            count(
                inv.warnings.len() + inv.files.iter().map(|f| f.warnings.len()).sum::<usize>(),
                "warning"
            )
        ),
        w,
        "  ",
    );
    for b in &inv.boots {
        push_wrapped(
            &mut s,
            "  boot: ",
            &format!("{} {} ({})", t(&utc_short(&b.at)), t(&b.host), t(&b.how)),
            w,
            "        ",
        );
    }
    for g in &inv.gaps {
        push_wrapped(
            &mut s,
            "  gap:  ",
            &format!(
                "{} {} .. {} ({} s)",
                t(&g.file),
                clock(&g.start),
                clock(&g.end),
                g.seconds
            ),
            w,
            "        ",
        );
    }
    s.push('\n');
    let footer = format!(
        "faultline {} · grammars: {} · generated {}",
        t(&a.faultline_version),
        t(&a.grammar_set.join(", ")),
        t(&a.generated_at)
    );
    push_wrapped(&mut s, "", &p.dim(&footer), w, "");
    s
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Width of a label column once colour codes (which take no columns) are
/// added, so `format!` padding lines up with and without colour.
fn label_width(p: &Paint, l: usize) -> usize {
    l + p.bold("").len()
}

fn label(s: &mut String, p: &Paint, name: &str, value: &str, w: usize, pad: &str) {
    let first = format!("  {:<L$}", p.bold(name), L = label_width(p, 12));
    push_wrapped(s, &first, value, w, pad);
}

/// `2024-08-06T14:02:31.000000Z` → `2024-08-06 14:02:31`.
fn clock(at: &str) -> String {
    t(utc_short(at).trim_end_matches(" UTC"))
}

/// The local stamp without its date when the date is the UTC one.
fn local_clock(at: &str, local: &str) -> String {
    let date = at.get(..10).unwrap_or("");
    local
        .strip_prefix(date)
        .map(str::trim_start)
        .unwrap_or(local)
        .to_string()
}

fn sources(ev: &[SourceRef]) -> String {
    ev.iter()
        .map(|e| format!("{}:{}", t(&e.file), e.line))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Display columns of `s`, not counting our own ANSI sequences.
fn columns(s: &str) -> usize {
    let mut n = 0;
    let mut in_esc = false;
    for c in s.chars() {
        match (in_esc, c) {
            (false, '\x1b') => in_esc = true,
            (true, 'm') => in_esc = false,
            (true, _) => {}
            (false, _) => n += 1,
        }
    }
    n
}

/// A raw log line after `> `, cut into chunks at the width (log lines have
/// no useful word breaks) and shortened to three rows: the full line is in
/// the Markdown and HTML reports.
fn quote(s: &mut String, p: &Paint, indent: &str, text: &str, w: usize) {
    const ROWS: usize = 3;
    let room = w.saturating_sub(indent.chars().count() + 2).max(10);
    let chars: Vec<char> = text.chars().collect();
    let chunks: Vec<&[char]> = chars.chunks(room).collect();
    for (i, c) in chunks.iter().take(ROWS).enumerate() {
        let mut row: String = c.iter().collect();
        if i + 1 == ROWS && chunks.len() > ROWS {
            row.pop();
            row.push('…');
        }
        let mark = if i == 0 { "> " } else { "  " };
        let _ = writeln!(s, "{indent}{}", p.dim(&format!("{mark}{row}")));
    }
}

/// Word-wrap `text` after `first` (already on the line) to `w` columns;
/// continuation lines start with `hang`. Words longer than a line are cut.
fn push_wrapped(s: &mut String, first: &str, text: &str, w: usize, hang: &str) {
    let mut line = first.to_string();
    let mut col = columns(first);
    let mut fresh = true;
    let hang_cols = columns(hang);
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let wl = columns(word);
        if !fresh && col + 1 + wl > w {
            s.push_str(line.trim_end());
            s.push('\n');
            line = hang.to_string();
            col = hang_cols;
            fresh = true;
        }
        if !fresh {
            line.push(' ');
            col += 1;
        }
        if col + wl > w && !word.contains('\x1b') {
            // A word wider than the line: cut it where the line ends.
            let mut rest: Vec<char> = word.chars().collect();
            loop {
                let room = w.saturating_sub(col);
                if rest.len() <= room {
                    break;
                }
                if room > 0 || col == hang_cols {
                    let take = room.max(1);
                    line.extend(rest.drain(..take));
                }
                s.push_str(&line);
                s.push('\n');
                line = hang.to_string();
                col = hang_cols;
            }
            col += rest.len();
            line.extend(rest);
        } else {
            line.push_str(word);
            col += wl;
        }
        fresh = false;
    }
    s.push_str(line.trim_end());
    s.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn summary_first_and_no_colour_when_off() {
        let s = render(&fixture::firewalld_after_reboot(), false, 100);
        assert!(!s.contains('\x1b'));
        let broke = s.find("Broke at").unwrap();
        assert!(broke < s.find("Timeline").unwrap());
        assert!(s.contains("2024-08-06 14:02:31 UTC (2024-08-06 16:02:31 CEST host time)"));
        assert!(s.contains("firewall-cmd --add-service=http --add-service=https --permanent && firewall-cmd --reload"));
        assert!(s.contains("RULED OUT"));
        assert!(s.contains("nginx was running: it answered 127.0.0.1 at 14:05"));
    }

    #[test]
    fn wraps_to_width_except_the_fix_command() {
        let a = fixture::firewalld_after_reboot();
        for w in [40, 60, 80] {
            for line in render(&a, false, w).lines() {
                if line.contains("firewall-cmd") {
                    continue;
                }
                assert!(line.chars().count() <= w, "{w}: {line:?}");
            }
        }
    }

    #[test]
    fn colour_only_our_codes() {
        let s = render(&fixture::hostile(), true, 80);
        assert!(s.contains("\x1b[1m"));
        let stripped = s.replace("\x1b[0m", "");
        for (i, _) in stripped.match_indices('\x1b') {
            let rest = &stripped[i..];
            assert!(
                [
                    "\x1b[1m",
                    "\x1b[1;31m",
                    "\x1b[32m",
                    "\x1b[33m",
                    "\x1b[2m",
                    "\x1b[1;4m"
                ]
                .iter()
                .any(|c| rest.starts_with(c)),
                "foreign escape at {:?}",
                &rest[..rest.len().min(12)]
            );
        }
        assert!(!s.contains('\u{202e}'));
    }

    #[test]
    fn wrap_cuts_long_words() {
        let mut s = String::new();
        push_wrapped(&mut s, "ab ", &"x".repeat(25), 10, "  ");
        for l in s.lines() {
            assert!(l.chars().count() <= 10, "{l:?}");
        }
    }
}
