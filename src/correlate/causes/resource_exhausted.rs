//! `resource_exhausted`: a full disk or memory exhaustion on the host
//! itself, when no dependency chain explains it better. Needs `No space
//! left on device`, OOM kills of the web tier itself, or a snapshot with a
//! filesystem at 100 %.

use super::{WEB_UNITS, proximity};
use crate::correlate::{Cand, Sym, World};
use crate::event::{Kind, SourceRef};

pub fn check(w: &World<'_>, syms: &[Sym]) -> Vec<Cand> {
    let Some(sym) = syms.iter().min_by_key(|s| s.at) else {
        return Vec::new();
    };
    let full: Vec<_> = w
        .of_kind(&[Kind::ResourceDiskFull])
        .filter(|e| e.ts <= sym.at + 10 * 60_000_000)
        .collect();
    let web_oom: Vec<_> = w
        .of_kind(&[Kind::ResourceOomKill])
        .filter(|e| {
            e.fields
                .program
                .as_deref()
                .is_some_and(|p| WEB_UNITS.iter().any(|u| p.contains(u)))
        })
        .collect();
    let disk = w
        .state
        .fullest_disk()
        .filter(|d| d.use_percent.is_some_and(|p| p >= 98));
    if full.is_empty() && web_oom.is_empty() && disk.is_none() {
        return vec![Cand::ruled_out(
            "resource_exhausted",
            "The host ran out of disk or memory.",
            match w.state.fullest_disk() {
                Some(d) => format!(
                    "no \"No space left on device\" or OOM kill of the web tier; fullest filesystem {} at {}%",
                    d.mount,
                    d.use_percent.unwrap_or(0)
                ),
                None => "no \"No space left on device\" or OOM kill of the web tier in the logs"
                    .to_string(),
            },
            w.state
                .fullest_disk()
                .map(|d| vec![d.source.clone()])
                .unwrap_or_default(),
        )];
    }
    let mut score = 0.3;
    let mut evidence: Vec<SourceRef> = Vec::new();
    let mut story = Vec::new();
    let mut at = None;
    if let Some(f) = full.first() {
        score += 0.25 * proximity(f.ts, sym.at, 60.0).max(0.4);
        evidence.push(f.source.clone());
        at = Some(f.ts);
        story.push((
            f.ts,
            format!("A write fails: {}", f.message.trim()),
            vec![f.source.clone()],
        ));
    }
    if let Some(o) = web_oom.first() {
        score += 0.25 * proximity(o.ts, sym.at, 30.0);
        evidence.push(o.source.clone());
        at = at.or(Some(o.ts));
        story.push((
            o.ts,
            format!(
                "The OOM killer kills {}.",
                o.fields.program.as_deref().unwrap_or("the web server")
            ),
            vec![o.source.clone()],
        ));
    }
    let mut remediation = Vec::new();
    if let Some(d) = disk {
        score += 0.25;
        evidence.push(d.source.clone());
        remediation.push(format!("free space on {} (du -xh {} | sort -h | tail; journalctl --vacuum-size=200M; clear old logs), then restart the failed services", d.mount, d.mount));
    } else if !full.is_empty() {
        remediation.push(
            "find the full filesystem (df -h), free space, then restart the failed services".into(),
        );
    }
    if !web_oom.is_empty() {
        remediation
            .push("reduce worker memory or add memory/swap; then systemctl restart nginx".into());
    }
    vec![Cand {
        kind: "resource_exhausted",
        at,
        summary: match disk {
            Some(d) => format!(
                "Filesystem {} is {}% full; writes fail with \"No space left on device\".",
                d.mount,
                d.use_percent.unwrap_or(100)
            ),
            None if !full.is_empty() => format!(
                "A filesystem filled up: \"No space left on device\" from {}.",
                w.when(full[0].ts)
            ),
            None => "The web server was killed for lack of memory.".to_string(),
        },
        confidence: score.min(0.9),
        evidence,
        remediation,
        ruled_out: None,
        story,
    }]
}
