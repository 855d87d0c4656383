//! `port_changed_firewall_closed`: a daemon (typically sshd, `Port 10022`)
//! moved to a new port and the firewall still opens only the old one.
//! Needs a `Server listening on … port P` (or a configured `Port P`) with
//! P not the default; scored up by drops to P and by a firewall snapshot
//! that does not allow P.

use super::firewall_blocks_service::{drops_since, firewalld_zone, manager, remediation};
use super::proximity;
use crate::correlate::{Cand, Sym, World, thousands};
use crate::event::{Kind, SourceRef};

pub fn check(w: &World<'_>, syms: &[Sym]) -> Vec<Cand> {
    let bind = w
        .of_kind(&[Kind::ListenBind])
        .filter(|e| {
            e.fields
                .program
                .as_deref()
                .is_some_and(|p| p.starts_with("sshd"))
        })
        .filter(|e| e.fields.dst_port.is_some_and(|p| p != 22))
        .last();
    let cfg_port = w
        .state
        .config_values("sshd", "Port")
        .into_iter()
        .find(|c| c.port.is_some_and(|p| p != 22));
    let port = bind
        .and_then(|b| b.fields.dst_port)
        .or(cfg_port.and_then(|c| c.port));
    let Some(port) = port else {
        if syms.iter().any(|s| s.kind == "ssh_logins_stopped") {
            return vec![Cand::ruled_out(
                "port_changed_firewall_closed",
                "sshd moved to a port the firewall does not open.",
                "sshd still listens on port 22",
                Vec::new(),
            )];
        }
        return Vec::new();
    };
    let mut score = 0.3;
    let mut evidence: Vec<SourceRef> = Vec::new();
    let mut story = Vec::new();
    let at = bind.map(|b| b.ts);
    if let Some(b) = bind {
        evidence.push(b.source.clone());
        story.push((
            b.ts,
            format!("sshd restarts listening on port {port}."),
            vec![b.source.clone()],
        ));
        if let Some(cmd) = w
            .of_kind(&[Kind::SudoCommand])
            .filter(|e| e.ts <= b.ts && e.ts > b.ts - 3600 * 1_000_000)
            .filter(|e| {
                e.fields
                    .action
                    .as_deref()
                    .is_some_and(|a| a.contains("ssh"))
            })
            .last()
        {
            evidence.push(cmd.source.clone());
            story.insert(
                0,
                (
                    cmd.ts,
                    format!(
                        "{} runs: {}",
                        cmd.fields.user.as_deref().unwrap_or("an administrator"),
                        cmd.fields.action.as_deref().unwrap_or("")
                    ),
                    vec![cmd.source.clone()],
                ),
            );
        }
    }
    if let Some(c) = cfg_port {
        evidence.push(c.source.clone());
    }
    // Scanners probe the new port before the move too: only drops from the
    // move on are evidence.
    let drops = drops_since(w, port, at.unwrap_or(i64::MIN));
    if let Some((count, first, last)) = &drops {
        score += 0.3 * proximity(at.unwrap_or(first.0), first.0, 120.0).max(0.5);
        evidence.push(first.1.clone());
        story.push((
            first.0,
            format!(
                "The firewall drops connections to tcp/{port}: {} packets from {}.",
                thousands(*count),
                w.when(first.0)
            ),
            vec![first.1.clone(), last.1.clone()],
        ));
    }
    let mut backend = None;
    if !w.state.firewall.is_empty() {
        let v = crate::state::reach::reachability(w.state, port, "tcp", None);
        let fw = v.blocks.iter().find(|b| {
            matches!(
                b.layer.as_str(),
                "firewalld" | "iptables" | "ip6tables" | "nftables" | "ufw"
            )
        });
        if let Some(b) = fw {
            score += 0.3;
            evidence.push(b.source.clone());
            backend = Some(if b.layer == "ip6tables" {
                "iptables".to_string()
            } else {
                b.layer.clone()
            });
            story.push((
                w.as_of.unwrap_or(w.t_end),
                format!(
                    "At collection the firewall does not open tcp/{port}: {}.",
                    b.reason
                ),
                vec![b.source.clone()],
            ));
        } else if v.reachable {
            score -= 0.3;
        }
    }
    if let Some(s) = syms.iter().find(|s| s.kind == "ssh_logins_stopped") {
        score += 0.1;
        evidence.extend(s.evidence.iter().skip(1).cloned());
    }
    if drops.is_none() && backend.is_none() {
        return vec![Cand::ruled_out(
            "port_changed_firewall_closed",
            format!("sshd moved to port {port} and the firewall does not open it."),
            format!("no packet to tcp/{port} was dropped and no firewall snapshot closes it"),
            evidence,
        )];
    }
    let backend = backend
        .or_else(|| {
            drops
                .as_ref()
                .and_then(|_| w.c.drops.action.get(&(port, "tcp".to_string())))
                .map(|a| {
                    if a.contains("BLOCK") {
                        "ufw".to_string()
                    } else if a.contains("_IN_") || a.contains("REJECT") && a.starts_with("filter")
                    {
                        "firewalld".to_string()
                    } else {
                        "iptables".to_string()
                    }
                })
        })
        .unwrap_or_else(|| "iptables".into());
    let backend = manager(w, &backend);
    let zone = firewalld_zone(w).and_then(|z| z.zone.clone());
    let mut remediation = remediation(
        &backend,
        &[port],
        zone.as_deref().filter(|_| backend == "firewalld"),
    );
    remediation.push("or move sshd back: set Port 22 in /etc/ssh/sshd_config, then sshd -t && systemctl restart ssh".to_string());
    evidence.dedup();
    vec![Cand {
        kind: "port_changed_firewall_closed",
        at,
        summary: format!(
            "sshd moved to port {port}{} but the {backend} firewall opens only the old port: ssh logins on {port} are dropped.",
            at.map(|t| format!(" at {}", w.when(t))).unwrap_or_default()
        ),
        confidence: score.clamp(0.0, 0.95),
        evidence,
        remediation,
        ruled_out: None,
        story,
    }]
}
