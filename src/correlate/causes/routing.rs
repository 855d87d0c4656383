//! `routing`: the host has no way back to its clients. Needs a snapshot of
//! `ip route` without a default route (while it has addresses), or log lines
//! saying `Network is unreachable` / `No route to host`.

use crate::correlate::{Cand, Sym, World};

pub fn check(w: &World<'_>, syms: &[Sym]) -> Vec<Cand> {
    if syms.is_empty() {
        return Vec::new();
    }
    let no_default = !w.state.routes.is_empty()
        && !w
            .state
            .routes
            .iter()
            .any(|r| r.dest == "default" || r.dest == "0.0.0.0/0");
    let lines: Vec<_> = w.events.iter().filter(|e| mentions(&e.message)).collect();
    if !no_default && lines.is_empty() {
        return Vec::new();
    }
    let mut evidence: Vec<_> = lines.iter().take(3).map(|e| e.source.clone()).collect();
    if no_default {
        evidence.push(w.state.routes[0].source.clone());
    }
    vec![Cand {
        kind: "routing",
        at: lines.first().map(|e| e.ts),
        summary: if no_default {
            "The routing table has no default route: replies to outside clients cannot leave the host.".into()
        } else {
            format!("The host logged {} \"unreachable\" errors.", lines.len())
        },
        confidence: if no_default { 0.6 } else { 0.35 },
        evidence,
        remediation: vec!["restore the default route (ip route add default via <gateway>) and fix the network configuration that dropped it".into()],
        ruled_out: None,
        story: Vec::new(),
    }]
}

/// Whether a log line says a destination could not be routed to.
pub fn mentions(msg: &str) -> bool {
    msg.contains("Network is unreachable") || msg.contains("No route to host")
}
