//! `dependency_down`: the web tier is up but what it proxies to (a
//! database, an app server, php-fpm) is down, so it answers 500/502/504.
//! Needs a 5xx burst or upstream errors; the cause is the nearest earlier
//! failure of a dependency: an OOM kill, a unit failure or stop, a crash in
//! its own log. The chain (OOM → database down → upstream refused → 502)
//! is one finding.

use super::{DEP_PROGRAMS, first_symptom, proximity, stem};
use crate::correlate::{Cand, Sym, World, thousands};
use crate::event::{Event, Kind, SourceRef};

fn is_dep(e: &Event) -> bool {
    let names = [e.fields.program.as_deref(), e.fields.unit.as_deref()];
    names.iter().flatten().any(|n| {
        let s = stem(n).to_ascii_lowercase();
        DEP_PROGRAMS.iter().any(|d| s == *d || s.starts_with(d))
    })
}

pub fn check(w: &World<'_>, syms: &[Sym]) -> Vec<Cand> {
    let Some(sym) = first_symptom(syms, &["http_5xx_burst", "upstream_refused"]) else {
        return background(w);
    };
    let window = 30 * 60_000_000;
    let failures: Vec<&Event> = w
        .events
        .iter()
        .filter(|e| e.ts <= sym.at + 60_000_000 && e.ts >= sym.at - window)
        .filter(|e| match e.kind {
            Kind::ResourceOomKill => true,
            Kind::ServiceFail | Kind::ServiceStop | Kind::DbError => is_dep(e),
            _ => false,
        })
        .collect();
    let upstream = syms.iter().find(|s| s.kind == "upstream_refused");
    if failures.is_empty() {
        if upstream.is_some() {
            return vec![Cand {
                kind: "dependency_down",
                at: Some(sym.at),
                summary: format!("nginx could not reach its upstream from {}; the bundle does not say why the upstream was down.", w.when(sym.at)),
                confidence: 0.5,
                evidence: upstream.map(|u| u.evidence.clone()).unwrap_or_default(),
                remediation: vec!["check the upstream service named in the nginx error lines (systemctl status <unit>; journalctl -u <unit>)".into()],
                ruled_out: None,
                story: Vec::new(),
            }];
        }
        return vec![Cand::ruled_out(
            "dependency_down",
            "A dependency of the web tier was down.",
            "no database or application failure was logged before the 5xx answers",
            Vec::new(),
        )];
    }
    let first = failures[0];
    let mut score = 0.35 + 0.25 * proximity(first.ts, sym.at, 30.0);
    if upstream.is_some() {
        score += 0.2;
    }
    let oom = failures.iter().find(|e| e.kind == Kind::ResourceOomKill);
    let victim = oom
        .and_then(|e| e.fields.program.clone())
        .or_else(|| {
            failures
                .iter()
                .find_map(|e| e.fields.unit.clone().or(e.fields.program.clone()))
        })
        .unwrap_or_else(|| "a dependency".into());
    let unit = failures
        .iter()
        .find_map(|e| e.fields.unit.clone().filter(|u| u != "init.scope"))
        .unwrap_or_else(|| match victim.as_str() {
            "mysqld" | "mariadbd" => "mariadb".to_string(),
            "postgres" => "postgresql".to_string(),
            v => v.to_string(),
        });
    let mut evidence: Vec<SourceRef> = failures.iter().take(4).map(|e| e.source.clone()).collect();
    evidence.extend(sym.evidence.iter().take(1).cloned());
    if let Some(u) = upstream {
        evidence.extend(u.evidence.iter().take(1).cloned());
    }
    let mut story: Vec<(i64, String, Vec<SourceRef>)> = Vec::new();
    // What led to the OOM: a burst in the same minutes.
    if let Some(o) = oom {
        story.push((
            o.ts,
            format!(
                "The kernel's OOM killer kills {victim} (pid {}).",
                o.fields
                    .pid
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "?".into())
            ),
            vec![o.source.clone()],
        ));
        score += 0.1;
    }
    for e in failures
        .iter()
        .filter(|e| e.kind != Kind::ResourceOomKill)
        .take(3)
    {
        let who = e
            .fields
            .unit
            .as_deref()
            .or(e.fields.program.as_deref())
            .unwrap_or("dependency");
        let msg = e.message.trim();
        let text = if msg.starts_with(who) {
            msg.to_string()
        } else {
            format!("{who}: {msg}")
        };
        story.push((e.ts, text, vec![e.source.clone()]));
    }
    if let Some(u) = upstream {
        story.push((u.at, u.summary.clone(), u.evidence.clone()));
    }
    if let Some(b) = syms.iter().find(|s| s.kind == "http_5xx_burst") {
        story.push((b.at, b.summary.clone(), b.evidence.clone()));
    }
    let restarted = w
        .events
        .iter()
        .any(|e| e.kind == Kind::ServiceStart && e.ts > first.ts && is_dep(e));
    if let Some(u) = w.state.unit(&unit) {
        if u.active.as_deref().is_some_and(|a| a != "active") {
            score += 0.1;
            evidence.push(u.source.clone());
        }
    }
    evidence.dedup();
    let how = if oom.is_some() {
        format!(
            "was killed by the kernel's OOM killer at {}",
            w.when(first.ts)
        )
    } else {
        format!("failed at {}", w.when(first.ts))
    };
    let mut summary =
        format!("{victim} {how}; the web tier then answered 5xx because its upstream was down");
    if restarted {
        summary.push_str(" (it was restarted later)");
    }
    summary.push('.');
    let mut remediation = vec![format!(
        "systemctl restart {unit} && systemctl status {unit}"
    )];
    if oom.is_some() {
        remediation.push(format!("find what used the memory (free -m; ps aux --sort=-rss | head) and cap it, or give {victim} priority: OOMScoreAdjust=-500 in a systemd drop-in for {unit}"));
    }
    vec![Cand {
        kind: "dependency_down",
        at: Some(first.ts),
        summary,
        confidence: score.min(0.95),
        evidence,
        remediation,
        ruled_out: None,
        story,
    }]
}

/// Upstream errors that never rose above their usual rate were not a
/// symptom (see [`upstream_burst`](crate::correlate::symptoms::upstream_burst)); a reader who sees them in the error
/// log should still learn why they do not explain the outage.
fn background(w: &World<'_>) -> Vec<Cand> {
    let errs = &w.c.upstream_errors;
    let (Some(first), Some(last)) = (errs.first(), errs.last()) else {
        return Vec::new();
    };
    if errs.len() < 3 {
        return Vec::new();
    }
    let hours = ((last.ts - first.ts) as f64 / 3600e6).max(1.0);
    vec![Cand::ruled_out(
        "dependency_down",
        "A dependency of the web tier was down.",
        format!(
            "nginx could not reach its upstream {} time(s) between {} and {}, at a steady {:.1} an hour with no burst above that rate: background, not this outage",
            thousands(errs.len() as u64),
            w.when(first.ts),
            w.when(last.ts),
            errs.len() as f64 / hours
        ),
        vec![first.source.clone()],
    )]
}
