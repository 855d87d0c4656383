//! The Markdown view of an analysis, for incident reviews: it renders in
//! GitHub and GitLab and pastes into a wiki.
//!
//! Invariants: no raw HTML, no live links (URLs, `www.`, emails and
//! mentions are defanged), every table row keeps its column count, and
//! every log byte is either escaped prose ([`super::escape::markdown_inline`],
//! [`super::escape::markdown_cell`]) or inside a fence longer than any backtick
//! run it holds ([`super::escape::code_fence`]).

use super::escape::{code_fence, markdown_cell as cell, markdown_inline as md};
use super::model::{Analysis, SourceRef};
use super::{hosts, kind_title, local_time, percent, step_local, top_finding, utc_short};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Markdown report of `a`.
pub fn render(a: &Analysis) -> String {
    let mut s = String::new();
    title(&mut s, a);
    summary(&mut s, a);
    symptoms(&mut s, a);
    timeline(&mut s, a);
    evidence(&mut s, a);
    findings(&mut s, a);
    remediation(&mut s, a);
    missing(&mut s, a);
    provenance(&mut s, a);
    inventory(&mut s, a);
    about(&mut s, a);
    s
}

fn title(s: &mut String, a: &Analysis) {
    let h = hosts(a);
    let host = if h.is_empty() {
        "unknown host".to_string()
    } else {
        md(&h.join(", "))
    };
    let w = &a.inventory.window;
    let window = match (&w.start, &w.end) {
        (Some(start), Some(end)) => {
            format!(", {} to {}", md(&utc_short(start)), md(&utc_short(end)))
        }
        _ => String::new(),
    };
    let _ = writeln!(s, "# Outage report: {host}{window}\n");
}

fn with_local(a: &Analysis, at: &str) -> String {
    match local_time(a, at) {
        Some(l) => format!("{} ({} host time)", md(&utc_short(at)), md(&l)),
        None => md(&utc_short(at)),
    }
}

/// Inline code whose delimiter is longer than any backtick run inside, so
/// a command is shown verbatim and copyable.
fn code_span(text: &str) -> String {
    let text = super::escape::terminal(text);
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let tick = "`".repeat(longest + 1);
    format!("{tick} {text} {tick}")
}

fn summary(s: &mut String, a: &Analysis) {
    s.push_str("## Summary\n\n");
    let broke = a
        .broke_at
        .as_deref()
        .map_or("not determined".to_string(), |t| with_local(a, t));
    let _ = writeln!(s, "- **Broke at:** {broke}");
    match &a.root_cause {
        Some(rc) => {
            let _ = writeln!(
                s,
                "- **Root cause:** {} ({} confidence): {}",
                md(&kind_title(&rc.kind)),
                percent(rc.confidence),
                md(&rc.summary)
            );
        }
        None => s.push_str("- **Root cause:** not found\n"),
    }
    match top_finding(a).and_then(|f| f.remediation.first()) {
        Some(fix) => {
            let _ = writeln!(s, "- **Fix:** {}", code_span(fix));
        }
        None => s.push_str("- **Fix:** none proposed\n"),
    }
    s.push('\n');
}

fn symptoms(s: &mut String, a: &Analysis) {
    if a.symptoms.is_empty() {
        return;
    }
    s.push_str("## Symptoms\n\n");
    for sy in &a.symptoms {
        let _ = writeln!(
            s,
            "- {}: {} (evidence: {})",
            md(&utc_short(&sy.at)),
            md(&sy.summary),
            sources(&sy.evidence)
        );
    }
    s.push('\n');
}

fn sources(ev: &[SourceRef]) -> String {
    if ev.is_empty() {
        return "-".to_string();
    }
    ev.iter()
        .map(|e| md(&format!("{}:{}", e.file, e.line)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn timeline(s: &mut String, a: &Analysis) {
    if a.narrative.is_empty() {
        return;
    }
    let zone = if a.host_zone.is_empty() {
        "host local".to_string()
    } else {
        cell(&a.host_zone)
    };
    let _ = writeln!(
        s,
        "## Timeline\n\n| # | UTC | {zone} | Event | Evidence |\n| --: | --- | --- | --- | --- |"
    );
    for (i, st) in a.narrative.iter().enumerate() {
        let local = step_local(a, st).unwrap_or_default();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            i + 1,
            cell(&utc_short(&st.at)),
            cell(&local),
            cell(&st.text),
            sources(&st.evidence)
        );
    }
    s.push('\n');
}

fn evidence(s: &mut String, a: &Analysis) {
    if a.evidence_lines.is_empty() {
        return;
    }
    s.push_str("## Evidence\n\nThe raw lines cited above, by file, as read from the bundle.\n\n");
    let mut by_file: BTreeMap<&str, Vec<(u32, &str)>> = BTreeMap::new();
    for l in &a.evidence_lines {
        by_file.entry(&l.file).or_default().push((l.line, &l.text));
    }
    for (file, mut lines) in by_file {
        lines.sort();
        lines.dedup();
        let _ = writeln!(s, "**{}**\n", md(file));
        let body: Vec<String> = lines.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        s.push_str(&code_fence(&body.join("\n")));
        s.push('\n');
    }
}

fn findings(s: &mut String, a: &Analysis) {
    let (kept, ruled): (Vec<_>, Vec<_>) = a
        .findings
        .iter()
        .partition(|f| f.ruled_out_because.is_none());
    if !kept.is_empty() {
        s.push_str("## Findings\n\n");
        for f in kept {
            let at =
                f.at.as_deref()
                    .map(|t| format!(", at {}", md(&utc_short(t))))
                    .unwrap_or_default();
            let _ = writeln!(
                s,
                "{}. **{}** ({} confidence{at}): {} Evidence: {}.",
                f.rank,
                md(&kind_title(&f.kind)),
                percent(f.confidence),
                md(&f.summary),
                sources(&f.evidence)
            );
        }
        s.push('\n');
    }
    if !ruled.is_empty() {
        s.push_str("## Ruled out\n\n");
        for f in ruled {
            let _ = writeln!(
                s,
                "- **{}**: {} Ruled out because {}. Evidence: {}.",
                md(&kind_title(&f.kind)),
                md(&f.summary),
                md(f.ruled_out_because.as_deref().unwrap_or("")),
                sources(&f.evidence)
            );
        }
        s.push('\n');
    }
}

fn remediation(s: &mut String, a: &Analysis) {
    let mut fixes: Vec<&str> = Vec::new();
    let mut kept: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.ruled_out_because.is_none())
        .collect();
    kept.sort_by_key(|f| f.rank);
    for f in kept {
        for r in &f.remediation {
            if !fixes.contains(&r.as_str()) {
                fixes.push(r);
            }
        }
    }
    if fixes.is_empty() {
        return;
    }
    s.push_str("## Remediation\n\n");
    s.push_str(&code_fence(&fixes.join("\n")));
    s.push('\n');
}

fn missing(s: &mut String, a: &Analysis) {
    if a.missing.is_empty() {
        return;
    }
    s.push_str("## Not checked\n\n");
    for m in &a.missing {
        let _ = writeln!(s, "- {}", md(m));
    }
    s.push('\n');
}

fn provenance(s: &mut String, a: &Analysis) {
    let inv = &a.inventory;
    s.push_str("## Time provenance\n\n");
    let zone = if a.host_zone.is_empty() {
        "not known (UTC assumed)".to_string()
    } else {
        md(&a.host_zone)
    };
    let _ = writeln!(
        s,
        "Host zone: {zone}. All times in this report are UTC unless marked as host time.\n"
    );
    let timed: Vec<_> = inv
        .files
        .iter()
        .filter(|f| f.zone.is_some() || f.year_anchor.is_some() || f.inferred > 0)
        .collect();
    if !timed.is_empty() {
        s.push_str("| File | Zone | Year | Inferred stamps |\n| --- | --- | --- | --: |\n");
        for f in timed {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                cell(&f.path),
                cell(f.zone.as_deref().unwrap_or("")),
                cell(f.year_anchor.as_deref().unwrap_or("")),
                f.inferred
            );
        }
        s.push('\n');
    }
    if !inv.boots.is_empty() {
        s.push_str("**Boots**\n\n| UTC | Host time | Host | How | Source |\n| --- | --- | --- | --- | --- |\n");
        for b in &inv.boots {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                cell(&utc_short(&b.at)),
                cell(&local_time(a, &b.at).unwrap_or_default()),
                cell(&b.host),
                cell(&b.how),
                sources(std::slice::from_ref(&b.source))
            );
        }
        s.push('\n');
    }
    if !inv.gaps.is_empty() {
        s.push_str("**Gaps** (no lines in a file for longer than expected)\n\n| File | From (UTC) | To (UTC) | Seconds |\n| --- | --- | --- | --: |\n");
        for g in &inv.gaps {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                cell(&g.file),
                cell(&utc_short(&g.start)),
                cell(&utc_short(&g.end)),
                g.seconds
            );
        }
        s.push('\n');
    }
}

fn inventory(s: &mut String, a: &Analysis) {
    let inv = &a.inventory;
    s.push_str("## Inventory (chain of custody)\n\n");
    s.push_str("| Path | Size | Format | Lines | Parsed | Compression | SHA-256 |\n| --- | --: | --- | --: | --: | --- | --- |\n");
    for f in &inv.files {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            cell(&f.path),
            f.size,
            cell(f.format.as_deref().unwrap_or(&f.role)),
            f.lines,
            f.parsed,
            cell(&f.compression),
            cell(f.sha256.as_deref().unwrap_or("not hashed"))
        );
    }
    s.push('\n');
    let warned: Vec<_> = inv
        .files
        .iter()
        .filter(|f| !f.warnings.is_empty())
        .collect();
    if !warned.is_empty() || !inv.warnings.is_empty() {
        s.push_str("**Warnings**\n\n");
        for f in warned {
            for w in &f.warnings {
                let _ = writeln!(s, "- {}: {}", md(&f.path), md(w));
            }
        }
        for w in &inv.warnings {
            let _ = writeln!(s, "- {}", md(w));
        }
        s.push('\n');
    }
}

fn about(s: &mut String, a: &Analysis) {
    let _ = writeln!(
        s,
        "---\n\nGenerated by faultline {} at {}. Grammars: {}.",
        md(&a.faultline_version),
        md(&a.generated_at),
        md(&a.grammar_set.join(", "))
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn summary_comes_first_with_fix() {
        let s = render(&fixture::firewalld_after_reboot());
        assert!(s.starts_with(
            "# Outage report: web01, 2024-08-06 13:30:00 UTC to 2024-08-06 14:29:58 UTC\n"
        ));
        let sum = s.find("## Summary").unwrap();
        assert!(sum < s.find("## Timeline").unwrap());
        assert!(s.contains(
            "- **Broke at:** 2024-08-06 14:02:31 UTC (2024-08-06 16:02:31 CEST host time)"
        ));
        assert!(s.contains("` firewall-cmd --add-service=http --add-service=https --permanent && firewall-cmd --reload `"));
    }

    #[test]
    fn code_span_outgrows_backticks() {
        assert_eq!(code_span("a``b"), "``` a``b ```");
    }

    #[test]
    fn table_rows_keep_columns_with_hostile_cells() {
        let s = render(&fixture::hostile());
        let mut in_fence = false;
        for line in s.lines() {
            if line.starts_with("```") {
                in_fence = !in_fence;
                continue;
            }
            if !in_fence && line.starts_with('|') {
                let cols = line.replace("\\|", "").matches('|').count();
                assert!(cols >= 5, "row lost columns: {line}");
            }
        }
    }
}
