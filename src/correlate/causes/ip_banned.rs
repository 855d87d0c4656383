//! `ip_banned`: fail2ban banned a client's own address. Needs a `ban.add`
//! of an address that was a real client (it made requests or logins before
//! the ban); scored up when that client's requests stop at the ban, its
//! packets are dropped afterwards, and the snapshot still lists the ban.
//! Bans of addresses that never used the service are decoys and are ruled
//! out by name.

use super::proximity;
use crate::correlate::{Cand, Sym, World, thousands};
use crate::event::{Kind, SourceRef};

pub fn check(w: &World<'_>, syms: &[Sym]) -> Vec<Cand> {
    let bans: Vec<_> = w.of_kind(&[Kind::BanAdd]).collect();
    let mut out = Vec::new();
    if bans.is_empty() {
        if !w.state.bans.is_empty() {
            let b = &w.state.bans[0];
            let was_client = w.c.http.clients.contains_key(&b.ip);
            if was_client {
                return vec![Cand {
                    kind: "ip_banned",
                    at: w.as_of,
                    summary: format!(
                        "fail2ban jail {} bans {}, a client of this host.",
                        b.jail, b.ip
                    ),
                    confidence: 0.5,
                    evidence: vec![b.source.clone()],
                    remediation: vec![format!("fail2ban-client set {} unbanip {}", b.jail, b.ip)],
                    ruled_out: None,
                    story: Vec::new(),
                }];
            }
        }
        return vec![Cand::ruled_out(
            "ip_banned",
            "fail2ban banned a client's address.",
            "no fail2ban ban appears in the logs".to_string(),
            Vec::new(),
        )];
    }
    for b in bans {
        let Some(ip) = b.fields.src_ip.as_deref().or(b.fields.src_host.as_deref()) else {
            continue;
        };
        let jail = b.fields.jail.clone().unwrap_or_else(|| "sshd".into());
        let http = w.c.http.clients.get(ip);
        let logins = w
            .of_kind_from(Kind::AuthSuccess, ip)
            .filter(|e| e.ts < b.ts)
            .count();
        let was_client = http.as_ref().is_some_and(|s| s.first.0 < b.ts) || logins > 0;
        let unban = w.of_kind_from(Kind::BanRemove, ip).find(|e| e.ts > b.ts);
        if !was_client {
            let fails = w.c.auth_failures.get(ip).map_or(0, |s| s.count);
            out.push(Cand::ruled_out(
                "ip_banned",
                format!("fail2ban jail {jail} banned {ip} at {}.", w.when(b.ts)),
                format!(
                    "{ip} never made a request or a login before its ban ({} failed logins): a scanner, its ban explains nothing",
                    thousands(fails)
                ),
                vec![b.source.clone()],
            ));
            continue;
        }
        let mut score = 0.3;
        let mut evidence = vec![b.source.clone()];
        let mut story = Vec::new();
        // What the client was doing before.
        if let Some(fs) = w.c.auth_failures.get(ip).filter(|f| f.first.0 <= b.ts) {
            story.push((
                fs.first.0,
                format!(
                    "{ip} starts failing logins ({} failures in all).",
                    thousands(fs.count)
                ),
                vec![fs.first.1.clone()],
            ));
            evidence.push(fs.last.1.clone());
        }
        story.push((
            b.ts,
            format!("fail2ban jail {jail} bans {ip}."),
            vec![b.source.clone()],
        ));
        if let Some(cb) = syms
            .iter()
            .find(|s| s.kind == "client_banned" && s.client.as_deref() == Some(ip))
        {
            score += 0.1;
            evidence.extend(cb.evidence.iter().skip(1).cloned());
        }
        // The classic lock-out: a client that had logged in fails a few
        // times (a changed key, a typo) and is banned for it.
        if logins > 0
            && w.c
                .auth_failures
                .get(ip)
                .is_some_and(|f| f.last.0 <= b.ts && b.ts - f.last.0 < 30 * 60_000_000)
        {
            score += 0.15;
        }
        let vanished = syms
            .iter()
            .find(|s| s.kind == "client_vanished" && s.client.as_deref() == Some(ip));
        if let Some(v) = vanished {
            score += 0.3 * proximity(v.at, b.ts + 60_000_000, 30.0).max(0.5);
            evidence.extend(v.evidence.iter().take(1).cloned());
            story.push((v.at, v.summary.clone(), v.evidence.clone()));
        } else if let Some(h) = http {
            if h.last.0 < b.ts + 60_000_000
                && w.c
                    .http
                    .external_span
                    .as_ref()
                    .is_some_and(|a| a.last.0 > b.ts + 15 * 60_000_000)
            {
                score += 0.2;
                evidence.push(h.last.1.clone());
                story.push((
                    h.last.0,
                    format!("Last request from {ip}; other clients continue."),
                    vec![h.last.1.clone()],
                ));
            } else if h.last.0 > b.ts + 60_000_000 && unban.is_none_or(|u| h.last.0 < u.ts) {
                // It still got answers after the ban: the ban did not cut it off.
                score -= 0.3;
            }
        }
        if let Some(d) = w.c.drops.per_src.get(ip).filter(|d| d.last.0 >= b.ts) {
            score += 0.2;
            evidence.push(d.first.1.clone());
            story.push((
                d.first.0,
                format!(
                    "The firewall drops {} packet(s) from {ip} from {}.",
                    thousands(d.count),
                    w.when(d.first.0)
                ),
                vec![d.first.1.clone()],
            ));
        }
        let still = ip
            .parse::<std::net::IpAddr>()
            .ok()
            .and_then(|a| w.state.ban_for(a))
            .map(|b| b.source.clone());
        if let Some(src) = &still {
            score += 0.15;
            evidence.push(src.clone());
        }
        // The snapshot's packet filter (fail2ban's own set or chain) stops
        // this client from reaching the web port.
        if let Ok(addr) = ip.parse::<std::net::IpAddr>()
            && !w.state.firewall.is_empty()
        {
            let blocked = [80u16, 22].into_iter().find_map(|port| {
                let v = crate::state::reach::reachability(w.state, port, "tcp", Some(addr));
                v.blocks
                    .into_iter()
                    .find(|b| !matches!(b.layer.as_str(), "listener" | "loopback"))
            });
            if let Some(b) = blocked {
                score += 0.1;
                evidence.push(b.source.clone());
            }
        }
        if let Some(u) = unban {
            score -= 0.2;
            story.push((
                u.ts,
                format!("fail2ban unbans {ip}."),
                vec![u.source.clone()],
            ));
        }
        let mut summary = format!(
            "fail2ban (jail {jail}) banned {ip}, an address of a real client, at {}",
            w.when(b.ts)
        );
        if still.is_some() {
            summary.push_str("; the ban is still active at collection");
        }
        summary.push('.');
        let evidence: Vec<SourceRef> = {
            let mut e = evidence;
            e.dedup();
            e
        };
        out.push(Cand {
            kind: "ip_banned",
            at: Some(b.ts),
            summary,
            confidence: score.clamp(0.0, 0.96),
            evidence,
            remediation: vec![
                format!("fail2ban-client set {jail} unbanip {ip}"),
                format!("add {ip} to ignoreip in /etc/fail2ban/jail.local ([DEFAULT] ignoreip = 127.0.0.1/8 ::1 {ip}) and run fail2ban-client reload"),
            ],
            ruled_out: None,
            story,
        });
    }
    out
}
