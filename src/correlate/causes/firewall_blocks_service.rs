//! `firewall_blocks_service`: the host's packet filter (firewalld, ufw,
//! iptables, nftables) started or changed, and from then packets to a
//! served port are dropped. Needs: drops to a served port (kernel LOG
//! lines) or a snapshot whose rules block it; scored up by a firewall
//! change just before the drops and by the snapshot agreeing.

use super::{first_symptom, proximity};
use crate::correlate::{Cand, Sym, World, thousands};
use crate::event::{Event, Kind, SourceRef};

/// Backends and the unit or command that names them.
pub fn backend_of_event(e: &Event) -> Option<&'static str> {
    let text = format!(
        "{} {} {}",
        e.fields.unit.as_deref().unwrap_or(""),
        e.fields.action.as_deref().unwrap_or(""),
        e.fields.program.as_deref().unwrap_or("")
    );
    if text.contains("firewall") {
        Some("firewalld")
    } else if text.contains("ufw") {
        Some("ufw")
    } else if text.contains("nft") {
        Some("nftables")
    } else if text.contains("iptables") || text.contains("netfilter-persistent") {
        Some("iptables")
    } else {
        None
    }
}

fn backend_of_prefix(prefix: &str) -> Option<&'static str> {
    if prefix.contains("_IN_") || prefix.contains("FINAL_REJECT") || prefix.starts_with("filter_") {
        Some("firewalld")
    } else if prefix.contains("BLOCK") || prefix.contains("UFW") {
        Some("ufw")
    } else {
        None
    }
}

/// Firewall changes: daemon start/reload, rules changed, and admin
/// commands that change rules.
pub fn changes<'w>(w: &'w World<'_>) -> Vec<&'w Event> {
    w.events
        .iter()
        .filter(|e| match e.kind {
            Kind::FirewallStart | Kind::FirewallChange | Kind::FirewallStop => true,
            Kind::SudoCommand => e.fields.action.as_deref().is_some_and(|a| {
                let a = a.to_ascii_lowercase();
                a.contains("ufw enable")
                    || a.contains("ufw default")
                    || a.contains("ufw deny")
                    || a.contains("iptables-restore")
                    || a.contains("iptables -")
                    || a.contains("nft ")
                    || a.contains("firewall-cmd")
                    || (a.contains("systemctl")
                        && (a.contains("firewalld") || a.contains("ufw") || a.contains("nftables")))
            }),
            _ => false,
        })
        .collect()
}

/// The fix for one backend and port.
pub fn remediation(backend: &str, ports: &[u16], zone: Option<&str>) -> Vec<String> {
    let zone_arg = zone.map(|z| format!(" --zone={z}")).unwrap_or_default();
    match backend {
        "firewalld" => {
            let mut adds = Vec::new();
            for p in ports {
                match p {
                    80 => adds.push("--add-service=http".to_string()),
                    443 => adds.push("--add-service=https".to_string()),
                    22 => adds.push("--add-service=ssh".to_string()),
                    p => adds.push(format!("--add-port={p}/tcp")),
                }
            }
            if ports.contains(&80) && !ports.contains(&443) {
                adds.push("--add-service=https".into());
            }
            vec![format!("firewall-cmd{zone_arg} {} --permanent && firewall-cmd --reload", adds.join(" "))]
        }
        "ufw" => ports.iter().map(|p| format!("ufw allow {p}/tcp")).collect(),
        "nftables" => ports
            .iter()
            .map(|p| format!("nft insert rule inet filter input tcp dport {p} accept   # then persist it in /etc/nftables.conf"))
            .collect(),
        _ => ports
            .iter()
            .map(|p| format!("iptables -I INPUT -p tcp --dport {p} -j ACCEPT && netfilter-persistent save"))
            .collect(),
    }
}

/// The tool an admin should use: ufw and firewalld manage the iptables or
/// nftables rules a snapshot shows, so a fix written in raw iptables would
/// be overwritten on their next reload.
pub fn manager(w: &World<'_>, backend: &str) -> String {
    let active = |name: &str| {
        w.state
            .firewall
            .iter()
            .any(|f| f.backend == name && f.active != Some(false))
    };
    match backend {
        "iptables" | "ip6tables" | "nftables" if active("ufw") => "ufw".into(),
        "iptables" | "ip6tables" | "nftables" if active("firewalld") => "firewalld".into(),
        "ip6tables" => "iptables".into(),
        b => b.into(),
    }
}

/// A drop's time and line.
pub type Seen = (i64, SourceRef);

/// Drops to `port` from `since` on: (count, first drop, last drop).
pub fn drops_since(w: &World<'_>, port: u16, since: i64) -> Option<(u64, Seen, Seen)> {
    let key = (port, "tcp".to_string());
    let span = w.c.drops.per_port.get(&key)?;
    if span.first.0 >= since {
        return Some((span.count, span.first.clone(), span.last.clone()));
    }
    let m0 = crate::correlate::collect::minute(since);
    let count: u64 =
        w.c.drops
            .per_port_minute
            .get(&key)
            .map_or(0, |mm| mm.range(m0..).map(|(_, c)| *c as u64).sum());
    let first =
        w.c.drops
            .first_per_minute
            .get(&key)?
            .range(m0..)
            .map(|(_, v)| v.clone())
            .find(|(ts, _)| *ts >= since)?;
    (count > 0 && span.last.0 >= since).then(|| (count, first, span.last.clone()))
}

/// Ports sshd moved to: those belong to `port_changed_firewall_closed`.
pub fn sshd_ports(w: &World<'_>) -> Vec<u16> {
    w.of_kind(&[Kind::ListenBind])
        .filter(|e| {
            e.fields
                .program
                .as_deref()
                .is_some_and(|p| p.starts_with("sshd"))
        })
        .filter_map(|e| e.fields.dst_port)
        .filter(|p| *p != 22)
        .collect()
}

/// The active firewalld zone in the snapshot and its services.
pub fn firewalld_zone<'s>(w: &'s World<'_>) -> Option<&'s crate::state::Firewall> {
    let fws: Vec<_> = w
        .state
        .firewall
        .iter()
        .filter(|f| f.backend == "firewalld" && f.active != Some(false))
        .collect();
    fws.iter()
        .find(|f| !f.interfaces.is_empty())
        .or_else(|| fws.iter().find(|f| f.default))
        .or_else(|| fws.first())
        .copied()
}

pub fn check(w: &World<'_>, syms: &[Sym]) -> Vec<Cand> {
    let moved = sshd_ports(w);
    let drop_syms: Vec<&Sym> = syms
        .iter()
        .filter(|s| {
            s.kind == "firewall_drops_served_port" && s.port.is_some_and(|p| !moved.contains(&p))
        })
        .collect();
    let traffic = first_symptom(
        syms,
        &["requests_stopped", "requests_dropped", "client_vanished"],
    );
    // Snapshot verdicts for the web ports.
    let mut blocked: Vec<(u16, crate::state::reach::Verdict)> = Vec::new();
    let mut allowed: Vec<(u16, crate::state::reach::Verdict)> = Vec::new();
    for port in [80u16, 443] {
        if w.state.firewall.is_empty() {
            break;
        }
        let v = crate::state::reach::reachability(w.state, port, "tcp", None);
        let fw_block = v.blocks.iter().any(|b| {
            matches!(
                b.layer.as_str(),
                "firewalld" | "iptables" | "ip6tables" | "nftables" | "ufw"
            )
        });
        if fw_block {
            blocked.push((port, v));
        } else {
            allowed.push((port, v));
        }
    }
    if drop_syms.is_empty() && traffic.is_none() {
        // Whatever the snapshot says, outside clients kept getting answers.
        if let Some(s) = &w.c.http.external_span {
            return vec![Cand::ruled_out(
                "firewall_blocks_service",
                "The host firewall blocks the web service.",
                format!(
                    "requests from outside kept arriving until {} and no packet to a served web port was dropped",
                    w.when(s.last.0)
                ),
                vec![s.last.1.clone()],
            )];
        }
    }
    if drop_syms.is_empty() && blocked.is_empty() {
        let why = match allowed.first() {
            Some((p, v)) => format!(
                "no packet to a served port was dropped, and the firewall snapshot lets {p}/tcp through ({})",
                v.reason
            ),
            None if w.state.firewall.is_empty() => {
                "no packet to a served port was dropped or rejected in the logs (and the bundle has no firewall snapshot)".to_string()
            }
            None => "no packet to a served port was dropped or rejected in the logs".to_string(),
        };
        let ev = allowed
            .first()
            .and_then(|(_, v)| v.source.clone())
            .into_iter()
            .collect();
        return vec![Cand::ruled_out(
            "firewall_blocks_service",
            "The host firewall blocks the web service.",
            why,
            ev,
        )];
    }
    let first_drop = drop_syms.iter().map(|s| s.at).min();
    let anchor = first_drop.or(traffic.map(|t| t.at)).unwrap_or(w.t_end);
    let chg = changes(w);
    // With drops logged, the change precedes the first drop. Without them
    // (firewalld logs no denials by default) the silence begins at the last
    // answered request, and a firewall that came up minutes later (after a
    // reboot) is still the change: allow half an hour.
    let slack = if first_drop.is_some() {
        60_000_000
    } else {
        30 * 60_000_000
    };
    let change = chg.iter().rfind(|e| e.ts <= anchor + slack).copied();
    let mut score = 0.0;
    let mut evidence: Vec<SourceRef> = Vec::new();
    let mut story = Vec::new();
    let ports: Vec<u16> = {
        let mut p: Vec<u16> = drop_syms.iter().filter_map(|s| s.port).collect();
        p.extend(blocked.iter().map(|(p, _)| *p));
        p.sort();
        p.dedup();
        p
    };
    let mut backend: Option<&str> = None;
    if let Some(c) = change {
        // A change inside the silence (after the last answered request) is
        // as close as it gets.
        let p = if c.ts >= anchor {
            1.0
        } else {
            proximity(c.ts, anchor, 180.0)
        };
        score += 0.3 * p.max(0.3);
        evidence.push(c.source.clone());
        backend = backend_of_event(c);
        let what = match c.kind {
            Kind::FirewallStart => "started",
            Kind::FirewallStop => "stopped",
            _ => "changed its rules",
        };
        let name = c
            .fields
            .unit
            .as_deref()
            .or(backend)
            .unwrap_or("the firewall");
        let mut text = format!("{name} {what}");
        if let Some(z) = firewalld_zone(w).filter(|_| backend == Some("firewalld")) {
            text.push_str(&format!(
                "; zone {} allows only: {}",
                z.zone.as_deref().unwrap_or("?"),
                if z.services.is_empty() {
                    "(no services)".to_string()
                } else {
                    z.services.join(" ")
                }
            ));
        }
        story.push((c.ts, format!("{text}."), vec![c.source.clone()]));
    }
    let mut drops_total = 0u64;
    if !drop_syms.is_empty() {
        score += 0.4;
    }
    for s in &drop_syms {
        evidence.extend(s.evidence.iter().take(1).cloned());
        story.push((s.at, s.summary.clone(), s.evidence.clone()));
        if let Some(p) = s.port
            && let Some(span) = w.c.drops.per_port.get(&(p, "tcp".to_string()))
        {
            drops_total += span.count;
            if backend.is_none()
                && let Some(a) = w.c.drops.action.get(&(p, "tcp".to_string()))
            {
                backend = backend_of_prefix(a);
            }
        }
    }
    if drops_total >= 20 {
        score += 0.05;
    }
    if let Some((p, v)) = blocked.first() {
        score += 0.25;
        if let Some(src) = &v.source {
            evidence.push(src.clone());
        }
        if backend.is_none() {
            backend = v
                .layer
                .as_deref()
                .map(|l| if l == "ip6tables" { "iptables" } else { l });
        }
        let at = w.as_of.unwrap_or(w.t_end);
        story.push((
            at,
            format!(
                "At collection the firewall still blocks {p}/tcp: {}.",
                v.reason
            ),
            v.source.clone().into_iter().collect(),
        ));
    } else if let Some((p, v)) = allowed.first() {
        // The snapshot disagrees: the rules were fixed before collection,
        // or the drops came from another chain. Less sure.
        score -= 0.15;
        evidence.extend(v.source.clone());
        let _ = p;
    }
    if let (Some(t), Some(d)) = (traffic, first_drop)
        && (t.at - d).abs() < 20 * 60_000_000
    {
        score += 0.1;
        evidence.extend(t.evidence.iter().take(1).cloned());
    } else if traffic.is_some() && drop_syms.is_empty() {
        score += 0.1;
    }
    evidence.dedup();
    let backend = manager(
        w,
        backend.unwrap_or(if w.state.firewall_backends().contains(&"firewalld") {
            "firewalld"
        } else {
            "iptables"
        }),
    );
    let backend = backend.as_str();
    let zone = firewalld_zone(w).and_then(|z| z.zone.clone());
    let port_list = ports
        .iter()
        .map(|p| format!("tcp/{p}"))
        .collect::<Vec<_>>()
        .join(", ");
    let at = change.map(|c| c.ts).or(first_drop);
    let mut summary = format!("The {backend} packet filter blocks {port_list}");
    if let Some(c) = change {
        summary.push_str(&format!(
            " since it {} at {}",
            if c.kind == Kind::FirewallStart {
                "started"
            } else {
                "changed"
            },
            w.when(c.ts)
        ));
    }
    if drops_total > 0 {
        summary.push_str(&format!(
            "; {} packets to the served port(s) were dropped or rejected",
            thousands(drops_total)
        ));
    }
    summary.push('.');
    vec![Cand {
        kind: "firewall_blocks_service",
        at,
        summary,
        confidence: score.min(0.97),
        evidence,
        remediation: remediation(
            backend,
            &ports,
            zone.as_deref().filter(|_| backend == "firewalld"),
        ),
        ruled_out: None,
        story,
    }]
}
