//! `unknown`: something broke and nothing in the bundle explains it. Say
//! what is missing instead of guessing; traffic that stops with no local
//! drop, no service change and a live listener points at a packet filter
//! or route upstream of the host (a cloud security group, the provider).

use crate::correlate::{Cand, Sym, World};
use crate::event::Kind;

pub fn explain(w: &World<'_>, syms: &[Sym], missing: &mut Vec<String>) -> Cand {
    let has = |f: &str| w.formats.contains(f);
    if w.c.drops.per_port.is_empty() {
        missing.push(
            "kernel packet-filter log lines (kern.log / messages with LOG or UFW lines)".into(),
        );
    }
    if w.state.firewall.is_empty() {
        missing.push("a firewall snapshot (firewall-cmd --list-all-zones, iptables-save, nft list ruleset, ufw status verbose)".into());
    }
    if w.state.listeners.is_empty() {
        missing.push("a listener snapshot (ss -tulpn)".into());
    }
    if w.state.units.is_empty() {
        missing.push("unit states (systemctl list-unit-files, systemctl list-units)".into());
    }
    if !has("syslog") && !has("journal.json") && !has("journal.export") && !has("journal.file") {
        missing.push("the system log (syslog/messages or a journal export)".into());
    }
    let sym = syms.iter().min_by_key(|s| s.at);
    let stopped = syms
        .iter()
        .any(|s| matches!(s.kind, "requests_stopped" | "requests_dropped"));
    let local_drops = !w.c.drops.per_port.is_empty();
    let changes = w.events.iter().any(|e| {
        matches!(
            e.kind,
            Kind::ServiceStop
                | Kind::ServiceFail
                | Kind::FirewallStart
                | Kind::FirewallChange
                | Kind::BanAdd
                | Kind::SystemBoot
        ) && sym.is_some_and(|s| (e.ts - s.at).abs() < 30 * 60_000_000)
    });
    let listener_up = w
        .state
        .listeners
        .iter()
        .any(|l| matches!(l.port, 80 | 443) && !l.is_loopback());
    let local_ok =
        w.c.http
            .local_span
            .as_ref()
            .zip(sym)
            .is_some_and(|(l, s)| l.last.0 > s.at);
    let upstream_filter = stopped && !local_drops && !changes && (listener_up || local_ok);
    let summary = if upstream_filter {
        "External traffic stopped with no drop, no service change and a live listener on the host: a packet filter or route upstream of the host (cloud security group, provider firewall, load balancer) is the likely cause; nothing local explains it.".to_string()
    } else {
        format!(
            "Connectivity broke{} but nothing in the bundle explains it; missing: {}.",
            sym.map(|s| format!(" at {}", w.when(s.at)))
                .unwrap_or_default(),
            if missing.is_empty() {
                "nothing obvious".to_string()
            } else {
                missing.join("; ")
            }
        )
    };
    Cand {
        kind: "unknown",
        at: sym.map(|s| s.at),
        summary,
        confidence: if upstream_filter { 0.35 } else { 0.2 },
        evidence: sym.map(|s| s.evidence.clone()).unwrap_or_default(),
        remediation: if upstream_filter {
            vec!["check the cloud provider's security group / network ACL and any load balancer in front of the host for a change at that time".into()]
        } else {
            vec!["collect the missing sources listed above and run faultline again".into()]
        },
        ruled_out: None,
        story: Vec::new(),
    }
}
