//! `listen_address_changed`: the web server listens on loopback only
//! (`listen 127.0.0.1:80;`). Needs external requests to stop while the
//! server goes on answering the host itself, or a snapshot showing the
//! listener (or the configured `listen`) on a loopback address; scored up
//! by a reload or config edit just before.

use super::{first_symptom, proximity};
use crate::correlate::{Cand, Sym, World};
use crate::event::{Kind, SourceRef};

fn loopback(addr: &str) -> bool {
    let a = addr.trim_start_matches('[').trim_end_matches(']');
    a == "localhost"
        || a.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

pub fn check(w: &World<'_>, syms: &[Sym]) -> Vec<Cand> {
    let Some(sym) = first_symptom(
        syms,
        &[
            "requests_stopped",
            "requests_dropped",
            "listener_loopback_only",
        ],
    ) else {
        return Vec::new();
    };
    let mut score = 0.0;
    let mut evidence: Vec<SourceRef> = Vec::new();
    let mut story = Vec::new();
    let local_after =
        w.c.http
            .local_span
            .as_ref()
            .filter(|l| l.last.0 > sym.at + 60_000_000);
    if let Some(l) = local_after {
        score += 0.25;
        evidence.push(l.last.1.clone());
        story.push((
            l.last.0,
            format!(
                "nginx still answers requests from the host itself (last at {}).",
                w.when(l.last.0)
            ),
            vec![l.last.1.clone()],
        ));
    }
    let lo_listen: Vec<_> = w
        .state
        .listeners
        .iter()
        .filter(|l| matches!(l.port, 80 | 443) && l.proto.starts_with("tcp"))
        .collect();
    let only_loopback = !lo_listen.is_empty() && lo_listen.iter().all(|l| l.is_loopback());
    if only_loopback {
        score += 0.35;
        evidence.push(lo_listen[0].source.clone());
    }
    let cfg: Vec<_> = w
        .state
        .config_values("nginx", "listen")
        .into_iter()
        .filter(|c| c.addr.as_deref().is_some_and(loopback))
        .collect();
    let cfg_public = w
        .state
        .config_values("nginx", "listen")
        .into_iter()
        .any(|c| {
            c.addr.as_deref().is_none_or(|a| !loopback(a)) && matches!(c.port, Some(80) | Some(443))
        });
    if !cfg.is_empty() {
        score += if cfg_public { 0.05 } else { 0.2 };
        evidence.push(cfg[0].source.clone());
    }
    // The change: a reload, restart or config edit of nginx before the stop.
    let change = w
        .events
        .iter()
        .filter(|e| e.ts <= sym.at + 2 * 60_000_000 && e.ts >= sym.at - 6 * 3600 * 1_000_000)
        .rfind(|e| {
            (matches!(
                e.kind,
                Kind::ServiceReload | Kind::ServiceStart | Kind::ConfigChange
            ) && e
                .fields
                .unit
                .as_deref()
                .or(e.fields.program.as_deref())
                .is_some_and(|u| u.contains("nginx")))
                || (e.kind == Kind::SudoCommand
                    && e.fields
                        .action
                        .as_deref()
                        .is_some_and(|a| a.contains("nginx")))
        });
    if let Some(c) = change {
        score += 0.15 * proximity(c.ts, sym.at, 30.0).max(0.3);
        evidence.push(c.source.clone());
        story.insert(
            0,
            (
                c.ts,
                format!(
                    "nginx configuration changed or reloaded: {}",
                    c.fields.action.as_deref().unwrap_or(&c.message)
                ),
                vec![c.source.clone()],
            ),
        );
    }
    if score < 0.3 || (!only_loopback && cfg.is_empty()) {
        let why = if lo_listen.iter().any(|l| !l.is_loopback()) {
            format!(
                "the web server listens on {}:{} at collection, not on loopback only",
                lo_listen
                    .iter()
                    .find(|l| !l.is_loopback())
                    .map_or("", |l| l.addr.as_str()),
                lo_listen[0].port
            )
        } else if local_after.is_none() {
            "the web server did not go on answering local requests, and no loopback-only listen is configured".to_string()
        } else {
            "no loopback-only listener in the snapshots or configuration".to_string()
        };
        let ev = lo_listen
            .first()
            .map(|l| vec![l.source.clone()])
            .unwrap_or_default();
        return vec![Cand::ruled_out(
            "listen_address_changed",
            "nginx listens on loopback only.",
            why,
            ev,
        )];
    }
    let addr = lo_listen
        .first()
        .map(|l| format!("{}:{}", l.addr, l.port))
        .or_else(|| cfg.first().map(|c| c.value.clone()))
        .unwrap_or_else(|| "127.0.0.1:80".into());
    if only_loopback || !cfg.is_empty() {
        story.push((
            w.as_of.unwrap_or(w.t_end),
            format!("At collection nginx listens on {addr} only."),
            evidence.iter().rev().take(1).cloned().collect(),
        ));
    }
    evidence.dedup();
    vec![Cand {
        kind: "listen_address_changed",
        at: change.map(|c| c.ts).or(Some(sym.at)),
        summary: format!("nginx listens on {addr}: only the host itself can connect, so external requests stopped at {}.", w.when(sym.at)),
        confidence: score.min(0.95),
        evidence,
        remediation: vec![
            "in the server block: listen 80; (or listen 0.0.0.0:80;) instead of the loopback address".into(),
            "nginx -t && systemctl reload nginx".into(),
        ],
        ruled_out: None,
        story,
    }]
}
