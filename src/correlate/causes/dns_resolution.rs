//! `dns_resolution`: names the service needs do not resolve. Needs log lines
//! saying so (`Temporary failure in name resolution`, `could not be
//! resolved`) or a snapshot `resolv.conf` with no nameserver.

use crate::correlate::{Cand, Sym, World};

pub fn check(w: &World<'_>, syms: &[Sym]) -> Vec<Cand> {
    if syms.is_empty() {
        return Vec::new();
    }
    let lines: Vec<_> = w.events.iter().filter(|e| mentions(&e.message)).collect();
    let no_ns = !w.state.resolv.is_empty() && !w.state.resolv.iter().any(|r| r.key == "nameserver");
    if lines.is_empty() && !no_ns {
        return Vec::new();
    }
    let mut evidence: Vec<_> = lines.iter().take(3).map(|e| e.source.clone()).collect();
    if no_ns {
        evidence.push(w.state.resolv[0].source.clone());
    }
    let at = lines.first().map(|e| e.ts);
    vec![Cand {
        kind: "dns_resolution",
        at,
        summary: if no_ns {
            "/etc/resolv.conf names no nameserver: host names do not resolve.".into()
        } else {
            format!(
                "Name resolution failed ({} lines), first at {}.",
                lines.len(),
                at.map(|t| w.when(t)).unwrap_or_default()
            )
        },
        confidence: if no_ns { 0.55 } else { 0.4 },
        evidence,
        remediation: vec![
            "check /etc/resolv.conf and the resolver (resolvectl status; dig example.com)".into(),
        ],
        ruled_out: None,
        story: Vec::new(),
    }]
}

/// Whether a log line says a name could not be resolved.
pub fn mentions(msg: &str) -> bool {
    msg.contains("Temporary failure in name resolution")
        || msg.contains("could not be resolved")
        || msg.contains("Name or service not known")
}
