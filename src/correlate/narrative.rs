//! The narrative: time-ordered plain sentences with real values and their
//! evidence, built from the root cause's story, the symptoms, and what kept
//! working (which rules out the host being down as a whole).

use super::{Cand, Sym, World, thousands};
use crate::event::{Kind, SourceRef, format_ts};
use crate::report::model::NarrativeStep;

/// `broke_at` is the break the report states; without one (no root cause
/// was scored) the earliest symptom stands in for it.
pub fn build(
    w: &World<'_>,
    syms: &[Sym],
    root: Option<&Cand>,
    broke_at: Option<i64>,
) -> Vec<NarrativeStep> {
    let mut steps: Vec<(i64, String, Vec<SourceRef>)> = Vec::new();
    if syms.is_empty() && w.c.files.is_empty() {
        // Nothing dated was read: there is no story to tell, and saying
        // "no outage" would claim more than the bundle shows.
        return Vec::new();
    }
    if syms.is_empty() {
        let mut text = "No outage found: ".to_string();
        match &w.c.http.external_span {
            Some(s) => text.push_str(&format!(
                "external requests went on until the end of the logs ({} requests from {} clients, the last at {})",
                thousands(s.count),
                thousands(w.c.http.clients.len() as u64),
                w.when(s.last.0)
            )),
            None => text.push_str("no symptom of lost connectivity in any source"),
        }
        text.push_str("; no packet to a served port was dropped, and no service stopped for good.");
        let (at, ev) = match &w.c.http.external_span {
            Some(s) => (s.last.0, vec![s.last.1.clone()]),
            None => (w.t_end, Vec::new()),
        };
        steps.push((at, text, ev));
    } else {
        // Not the earliest symptom: background noise (a trickle of upstream
        // errors since the logs began) can be a symptom days before the
        // break, and "after the break" must mean after the time reported.
        let first = broke_at.unwrap_or_else(|| syms.iter().map(|s| s.at).min().unwrap_or(w.t_end));
        // The boot before the break, when there is one within the hour.
        for e in w.of_kind(&[Kind::SystemShutdown]) {
            if e.ts <= first + 30 * 60_000_000 && first - e.ts < 3600 * 1_000_000 {
                steps.push((
                    e.ts,
                    format!("{} goes down: {}", w.host, e.message.trim()),
                    vec![e.source.clone()],
                ));
                break;
            }
        }
        for (t, src) in w.boots() {
            if t <= first + 5 * 60_000_000 && first - t < 3600 * 1_000_000 {
                steps.push((t, format!("{} boots.", w.host), vec![src]));
            }
        }
        // The last answered external request before the break.
        if let Some(s) = &w.c.http.external_span
            && s.last.0 <= first + 60_000_000
            && !syms.iter().any(|x| x.kind == "requests_stopped")
        {
            steps.push((
                s.last.0,
                "Last request from an outside client answered.".into(),
                vec![s.last.1.clone()],
            ));
        }
        if let Some(r) = root {
            steps.extend(r.story.iter().cloned());
        }
        for s in syms {
            // A cause's story often tells the same fact (the first drop) in
            // its own words: one step is enough.
            let told = steps.iter().any(|(t, text, ev)| {
                *text == s.summary
                    || (*t == s.at && s.evidence.first().is_some_and(|e| ev.contains(e)))
            });
            if !told {
                steps.push((s.at, s.summary.clone(), s.evidence.clone()));
            }
        }
        // What kept working.
        let ssh_ok: Vec<_> = w
            .of_kind(&[Kind::AuthSuccess])
            .filter(|e| {
                e.ts > first
                    && e.fields
                        .program
                        .as_deref()
                        .is_some_and(|p| p.starts_with("sshd"))
            })
            .collect();
        if let Some(last) = ssh_ok.last() {
            steps.push((
                last.ts,
                format!(
                    "ssh kept working: {} login(s) after the break, the last at {}.",
                    ssh_ok.len(),
                    w.when(last.ts)
                ),
                vec![last.source.clone()],
            ));
        }
        if let Some(r) = root
            && !r.remediation.is_empty()
        {
            let at = w.as_of.unwrap_or(w.t_end).max(first);
            steps.push((at, format!("Fix: {}", r.remediation[0]), Vec::new()));
        }
    }
    steps.sort_by_key(|s| s.0);
    let mut seen = std::collections::BTreeSet::new();
    steps.retain(|(_, t, _)| seen.insert(t.clone()));
    steps
        .into_iter()
        .map(|(at, text, evidence)| NarrativeStep {
            at: format_ts(at),
            at_local: Some(w.local(at)),
            text,
            evidence,
        })
        .collect()
}
