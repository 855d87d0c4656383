//! Symptoms: when and how connectivity broke. Each has a start time and
//! evidence. Thresholds are relative to the source's own rhythm, and a
//! silence only counts while the host is visibly alive (other sources keep
//! logging), so the end of a bundle is not read as an outage.

use super::collect::{Buckets, UpstreamError, is_local, minute};
use super::{Sym, World, minutes, thousands};
use crate::event::Kind;
use std::collections::{BTreeMap, BTreeSet};

const MIN: i64 = 60_000_000;

pub fn detect(w: &World<'_>) -> Vec<Sym> {
    let mut out = Vec::new();
    let served = served_ports(w);
    traffic_drop(w, &mut out);
    fivexx(w, &mut out);
    upstream(w, &mut out);
    drops_to_served(w, &served, &mut out);
    vanished_clients(w, &mut out);
    banned_clients(w, &mut out);
    ssh(w, &mut out);
    snapshot_listeners(w, &mut out);
    out.sort_by(|a, b| (a.at, a.kind).cmp(&(b.at, b.kind)));
    out
}

/// Symptom kinds a root-cause kind explains.
pub fn explained_by(cause: &str) -> &'static [&'static str] {
    const TRAFFIC: &[&str] = &[
        "requests_stopped",
        "requests_dropped",
        "client_vanished",
        "firewall_drops_served_port",
    ];
    match cause {
        "firewall_blocks_service" => TRAFFIC,
        "ip_banned" => &[
            "client_vanished",
            "client_banned",
            "requests_stopped",
            "requests_dropped",
        ],
        "service_not_running" | "service_failed_to_start" => &[
            "requests_stopped",
            "requests_dropped",
            "no_listener",
            "http_5xx_burst",
        ],
        "listen_address_changed" => &[
            "requests_stopped",
            "requests_dropped",
            "listener_loopback_only",
        ],
        "port_changed_firewall_closed" => &["ssh_logins_stopped", "firewall_drops_served_port"],
        "dependency_down" => &["http_5xx_burst", "upstream_refused"],
        _ => &[],
    }
}

/// The moment connectivity broke: the earliest symptom the root cause
/// explains (any symptom when it names none).
pub fn broke_at(syms: &[Sym], cause: &str) -> Option<i64> {
    let kinds = explained_by(cause);
    syms.iter()
        .filter(|s| kinds.is_empty() || kinds.contains(&s.kind))
        .map(|s| s.at)
        .min()
        .or_else(|| syms.iter().map(|s| s.at).min())
}

/// Ports the host serves: from configuration, listeners, and traffic.
pub fn served_ports(w: &World<'_>) -> BTreeSet<u16> {
    let mut p = BTreeSet::new();
    for s in w.state.served_ports() {
        p.insert(s.port);
    }
    for l in &w.state.listeners {
        if l.proto.starts_with("tcp") && !l.is_loopback() && l.port < 32768 {
            p.insert(l.port);
        }
    }
    if w.c.http.external_span.is_some() || w.c.http.local_span.is_some() {
        p.insert(80);
        p.insert(443);
    }
    for e in w.of_kind(&[Kind::ListenBind]) {
        if let Some(port) = e.fields.dst_port {
            p.insert(port);
        }
    }
    if w.of_kind(&[Kind::AuthSuccess]).next().is_some() {
        p.insert(22);
    }
    p
}

/// All external requests per minute, across services.
fn total(w: &World<'_>) -> Buckets {
    let mut t: Buckets = BTreeMap::new();
    for b in w.c.http.external.values() {
        for (m, c) in b {
            let e = t.entry(*m).or_default();
            for i in 0..3 {
                e[i] += c[i];
            }
        }
    }
    t
}

/// Events from other sources after `t` (is the host alive?).
fn alive_after(w: &World<'_>, t: i64) -> u64 {
    let m = minute(t);
    w.c.activity.range(m + 1..).map(|(_, c)| *c as u64).sum()
}

/// External requests stop, or fall far below their usual rate, while the
/// host keeps logging.
fn traffic_drop(w: &World<'_>, out: &mut Vec<Sym>) {
    let Some(span) = &w.c.http.external_span else {
        return;
    };
    let t = total(w);
    let (Some((&first_m, _)), Some(_)) = (t.first_key_value(), t.last_key_value()) else {
        return;
    };
    // The window ends where the evidence ends: the last line of any source
    // or the snapshot.
    let end = w.t_end.max(w.as_of.unwrap_or(0));
    let end_m = minute(end);
    // Look at most 30 days back: older traffic says nothing about this break.
    let first_m = first_m.max(end_m - 30 * 24 * 60);
    let n = (end_m - first_m + 1).max(1) as usize;
    let mut series = vec![0u64; n];
    for (m, c) in &t {
        let i = (m - first_m) as usize;
        if i < n {
            series[i] = (c[0] + c[1] + c[2]) as u64;
        }
    }
    let mut prefix = vec![0u64; n + 1];
    for i in 0..n {
        prefix[i + 1] = prefix[i] + series[i];
    }
    let last = span.last.0;
    let rate = span.count as f64 / ((last - span.first.0) as f64 / MIN as f64).max(1.0);
    let quiet_needed = (10.0f64).max(10.0 / rate.max(1e-9)).min(24.0 * 60.0);
    let silence = (end - last) as f64 / MIN as f64;
    // Silence inside a window the logs do not cover is missing evidence.
    let in_gap = |a: i64, b: i64| {
        let covered: i64 = w
            .gaps
            .iter()
            .map(|&(ga, gb)| (gb.min(b) - ga.max(a)).max(0))
            .sum();
        b > a && covered * 10 >= (b - a) * 8
    };
    // The newest request sits in a rotated file (`access.log.1`) and the
    // current file is not in the bundle at all: it was not copied, so the
    // silence after it says nothing. (An empty current file is real
    // silence: nginx wrote nothing after the rotation.)
    let current_missing = {
        let f = &span.last.1.file;
        let cur = crate::detect::unrotated(f);
        cur != &**f && !w.paths.contains(cur)
    };
    // A full stop: nothing after `last` for much longer than usual.
    if silence >= quiet_needed
        && alive_after(w, last) >= 3
        && !in_gap(last, end)
        && !current_missing
    {
        let local_after = w.c.http.local_span.as_ref().filter(|s| s.last.0 > last);
        let mut ev = vec![span.last.1.clone()];
        let mut summary = format!(
            "External requests stopped: the last one was at {}; none in the {} minutes after, although the host kept logging",
            w.when(last),
            minutes(last, end)
        );
        if let Some(l) = local_after {
            summary.push_str(&format!(
                " and nginx kept answering local requests (last from the host itself at {})",
                w.when(l.last.0)
            ));
            ev.push(l.last.1.clone());
        }
        summary.push('.');
        out.push(Sym {
            kind: "requests_stopped",
            at: last,
            summary,
            evidence: ev,
            port: None,
            client: None,
            service: None,
        });
        return;
    }
    // A fall: the rate after minute i is far below the hour before it.
    let mut best: Option<(f64, usize)> = None;
    for i in 30..n.saturating_sub(15) {
        let before_lo = i.saturating_sub(60);
        let before = (prefix[i] - prefix[before_lo]) as f64 / (i - before_lo) as f64;
        let after = (prefix[n] - prefix[i]) as f64 / (n - i) as f64;
        if before < 0.5 {
            continue;
        }
        let r = after / before;
        if best.is_none_or(|(b, _)| r < b - 1e-9) {
            best = Some((r, i));
        }
    }
    if let Some((r, i)) = best
        && r < 0.2
    {
        let at = (first_m + i as i64) * MIN;
        if alive_after(w, at) < 3 || in_gap(at, end) || current_missing {
            return;
        }
        let before_lo = i.saturating_sub(60);
        let before = (prefix[i] - prefix[before_lo]) as f64 / (i - before_lo) as f64;
        let after = (prefix[n] - prefix[i]) as f64 / (n - i) as f64;
        out.push(Sym {
            kind: "requests_dropped",
            at,
            summary: format!(
                "External requests fell from {before:.1}/min to {after:.1}/min at {}.",
                w.when(at)
            ),
            evidence: Vec::new(),
            port: None,
            client: None,
            service: None,
        });
    }
}

/// A burst of 5xx answers against a quiet baseline: the first minute from
/// which, over the next quarter hour, at least five answers and a fifth of
/// all answers are 5xx, while the hour before had almost none. Windows, not
/// single minutes, so a quiet service (a request a minute) counts too.
fn fivexx(w: &World<'_>, out: &mut Vec<Sym>) {
    let t = total(w);
    let (Some((&first_m, _)), Some((&last_m, _))) = (t.first_key_value(), t.last_key_value())
    else {
        return;
    };
    let sum = |a: i64, b: i64| -> (u64, u64) {
        t.range(a..b).fold((0, 0), |(bad, all), (_, c)| {
            (bad + c[2] as u64, all + (c[0] + c[1] + c[2]) as u64)
        })
    };
    for (&m, c) in t.range(first_m..=last_m) {
        if c[2] == 0 {
            continue;
        }
        let (bad, all) = sum(m, m + 15);
        if bad < 5 || bad * 5 < all {
            continue;
        }
        let (base_bad, base_all) = sum(m - 60, m);
        if base_all > 0 && base_bad * 20 >= base_all {
            continue;
        }
        let (ts, src) = match w.c.http.first_5xx.get(&m) {
            Some((ts, src)) => (*ts, Some(src.clone())),
            None => (m * MIN, None),
        };
        let (total5, total_all) = sum(m, last_m + 1);
        out.push(Sym {
            kind: "http_5xx_burst",
            at: ts,
            summary: format!(
                "From {} the web tier answered {} of {} external requests with 5xx.",
                w.when(ts),
                thousands(total5),
                thousands(total_all)
            ),
            evidence: src.into_iter().collect(),
            port: None,
            client: None,
            service: None,
        });
        return;
    }
}

/// Whether an nginx error line says the upstream could not be reached.
pub fn is_upstream_failure(msg: &str) -> bool {
    (msg.contains("upstream") || msg.contains("FastCGI"))
        && (msg.contains("Connection refused")
            || msg.contains("timed out")
            || msg.contains("no live upstreams")
            || msg.contains("prematurely closed")
            || msg.contains("No such file or directory")
            || msg.contains("Connection reset"))
}

/// ln of a Chernoff bound on P(X ≥ k) for X ~ Poisson(mu): how surprising
/// `k` events are where `mu` were expected (0: not at all).
fn ln_surprise(k: f64, mu: f64) -> f64 {
    if k <= mu {
        return 0.0;
    }
    -mu + k * (1.0 + (mu / k).ln())
}

/// Where upstream errors start to come far faster than before: the first
/// error from which at least three fall within ten minutes, the half hour
/// from it holds more than the rate of the day before could give by chance
/// (below e⁻⁹), and they are a noticeable share (2 %) of the requests of
/// that half hour when requests are counted. A steady trickle (a few
/// refused connections an hour for days) never qualifies, however long it
/// runs: it is how the upstream always behaves, not when it went down. A
/// run as old as the logs (under half an hour of them before it) shows no
/// rise either.
pub fn upstream_burst(w: &World<'_>, errs: &[UpstreamError]) -> Option<usize> {
    const WINDOW: i64 = 30 * MIN;
    let requests = total(w);
    (0..errs.len()).find(|&i| {
        let s = errs[i].ts;
        if errs.partition_point(|e| e.ts <= s + 10 * MIN) - i < 3 {
            return false;
        }
        let lookback = (s - w.t_start).min(24 * 60 * MIN);
        if lookback < WINDOW {
            return false;
        }
        let before = i - errs.partition_point(|e| e.ts < s - lookback);
        let k = (errs.partition_point(|e| e.ts < s + WINDOW) - i) as f64;
        // One more error than seen, so a quiet day still expects some.
        let mu = (before as f64 + 1.0) * WINDOW as f64 / lookback as f64;
        if ln_surprise(k, mu) > -9.0 {
            return false;
        }
        let asked: u64 = requests
            .range(minute(s)..=minute(s + WINDOW))
            .map(|(_, c)| (c[0] + c[1] + c[2]) as u64)
            .sum();
        asked == 0 || k * 50.0 >= asked as f64
    })
}

fn upstream(w: &World<'_>, out: &mut Vec<Sym>) {
    let errs = &w.c.upstream_errors[..];
    let Some(start) = upstream_burst(w, errs) else {
        return;
    };
    let errs = &errs[start..];
    let first = &errs[0];
    let ups: BTreeSet<String> = errs
        .iter()
        .filter_map(|e| e.upstream.as_deref())
        .map(|u| {
            // `http://127.0.0.1:8080/api/x` → `127.0.0.1:8080`
            let rest = u.split_once("://").map_or(u, |x| x.1);
            rest.split('/').next().unwrap_or(rest).to_string()
        })
        .collect();
    let last = errs.last().map(|e| e.ts).unwrap_or(first.ts);
    out.push(Sym {
        kind: "upstream_refused",
        at: first.ts,
        summary: format!(
            "nginx could not reach its upstream {} {} time(s) between {} and {}.",
            ups.iter().take(5).cloned().collect::<Vec<_>>().join(", "),
            thousands(errs.len() as u64),
            w.when(first.ts),
            w.when(last)
        ),
        evidence: vec![first.source.clone()],
        port: None,
        client: None,
        service: None,
    });
}

/// Packets to a port the host serves were dropped or rejected, after that
/// port had been serving.
fn drops_to_served(w: &World<'_>, served: &BTreeSet<u16>, out: &mut Vec<Sym>) {
    for ((port, proto), span) in &w.c.drops.per_port {
        if !served.contains(port) || span.count < 3 || proto != "tcp" {
            continue;
        }
        // The port served before the drops began: requests or logins.
        let served_before = match port {
            80 | 443 | 8080 | 8443 => {
                w.c.http
                    .external_span
                    .as_ref()
                    .is_some_and(|s| s.first.0 < span.first.0)
                    || w.c
                        .http
                        .local_span
                        .as_ref()
                        .is_some_and(|s| s.first.0 < span.first.0)
            }
            _ => true,
        };
        if !served_before {
            continue;
        }
        // A port that started being served during the window (sshd moved
        // to it) counts drops only from then on.
        let since = w
            .of_kind(&[Kind::ListenBind])
            .filter(|e| e.fields.dst_port == Some(*port))
            .map(|e| e.ts)
            .min();
        let Some((count, first, _)) = super::causes::firewall_blocks_service::drops_since(
            w,
            *port,
            since.unwrap_or(i64::MIN),
        ) else {
            continue;
        };
        if count < 3 {
            continue;
        }
        let sources =
            w.c.drops
                .sources
                .get(&(*port, proto.clone()))
                .map_or(0, |s| s.len());
        let more = if sources >= 50 { "+" } else { "" };
        out.push(Sym {
            kind: "firewall_drops_served_port",
            at: first.0,
            summary: format!(
                "{} packets to {proto}/{port} were dropped or rejected by the host's packet filter from {sources}{more} source(s) between {} and {}.",
                thousands(count),
                w.when(first.0),
                w.when(span.last.0)
            ),
            evidence: vec![first.1.clone(), span.last.1.clone()],
            port: Some(*port),
            client: None,
            service: None,
        });
    }
}

/// A regular client whose requests stop while others continue, when
/// something corroborates it (its packets dropped, or a ban).
fn vanished_clients(w: &World<'_>, out: &mut Vec<Sym>) {
    let Some(all) = &w.c.http.external_span else {
        return;
    };
    let mut cands: Vec<(String, super::collect::Span)> =
        w.c.http
            .clients
            .select(|count, first, last| count >= 10 && last - first >= 20 * MIN);
    cands.retain(|(ip, _)| !is_local(ip));
    cands.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(&b.0)));
    for (ip, s) in cands.into_iter().take(200) {
        let gap = (s.last.0 - s.first.0) as f64 / (s.count - 1) as f64;
        let silence = (all.last.0 - s.last.0) as f64;
        if silence < (15.0 * MIN as f64).max(10.0 * gap) {
            continue;
        }
        let dropped =
            w.c.drops
                .per_src
                .get(ip.as_str())
                .filter(|d| d.last.0 > s.last.0);
        let banned = w
            .of_kind_from(Kind::BanAdd, &ip)
            .any(|e| e.ts >= s.last.0 - 5 * MIN);
        if dropped.is_none() && !banned {
            continue;
        }
        let mut ev = vec![s.last.1.clone()];
        if let Some(d) = dropped {
            ev.push(d.first.1.clone());
        }
        out.push(Sym {
            kind: "client_vanished",
            at: s.last.0,
            summary: format!(
                "Client {ip} made {} requests until {}, then none, while other clients went on (last external request at {}).",
                thousands(s.count),
                w.when(s.last.0),
                w.when(all.last.0)
            ),
            evidence: ev,
            port: None,
            client: Some(ip.clone()),
            service: None,
        });
    }
}

/// A ban of an address that had used the host before (it logged in over
/// ssh or made requests): that client lost connectivity, whatever else kept
/// working. Scanners' bans are not symptoms.
fn banned_clients(w: &World<'_>, out: &mut Vec<Sym>) {
    for b in w.of_kind(&[Kind::BanAdd]) {
        let Some(ip) = b.fields.src_ip.as_deref() else {
            continue;
        };
        // Already a symptom when its requests visibly stopped.
        if out
            .iter()
            .any(|s| s.kind == "client_vanished" && s.client.as_deref() == Some(ip))
        {
            continue;
        }
        let login = w
            .of_kind_from(Kind::AuthSuccess, ip)
            .filter(|e| e.ts < b.ts)
            .last();
        let requests =
            w.c.http
                .clients
                .get(ip)
                .filter(|c| c.first.0 < b.ts && c.count >= 3);
        let (what, ev) = match (login, requests) {
            (Some(l), _) => (
                format!(
                    "logged in over ssh as {} at {}",
                    l.fields.user.as_deref().unwrap_or("a user"),
                    w.when(l.ts)
                ),
                l.source.clone(),
            ),
            (None, Some(r)) => (
                format!(
                    "made {} requests until {}",
                    thousands(r.count),
                    w.when(r.last.0)
                ),
                r.last.1.clone(),
            ),
            (None, None) => continue,
        };
        out.push(Sym {
            kind: "client_banned",
            at: b.ts,
            summary: format!(
                "{ip}, which {what}, was banned by fail2ban jail {} at {}.",
                b.fields.jail.as_deref().unwrap_or("?"),
                w.when(b.ts)
            ),
            evidence: vec![b.source.clone(), ev],
            port: None,
            client: Some(ip.to_string()),
            service: None,
        });
    }
}

/// sshd moved to another port: logins on it are dropped.
fn ssh(w: &World<'_>, out: &mut Vec<Sym>) {
    let binds: Vec<_> = w
        .of_kind(&[Kind::ListenBind])
        .filter(|e| {
            e.fields
                .program
                .as_deref()
                .is_some_and(|p| p.starts_with("sshd"))
        })
        .filter(|e| e.fields.dst_port.is_some())
        .collect();
    let Some(last) = binds.last() else { return };
    let port = last.fields.dst_port.unwrap_or(22);
    let prev = binds
        .iter()
        .rev()
        .skip(1)
        .find_map(|e| e.fields.dst_port.filter(|p| *p != port));
    if port == 22 && prev.is_none() {
        return;
    }
    let last_login = w
        .of_kind(&[Kind::AuthSuccess])
        .filter(|e| {
            e.fields
                .program
                .as_deref()
                .is_some_and(|p| p.starts_with("sshd"))
        })
        .filter(|e| e.ts < last.ts)
        .last()
        .map(|e| (e.ts, e.source.clone()));
    let logins_after = w
        .of_kind(&[Kind::AuthSuccess])
        .filter(|e| {
            e.fields
                .program
                .as_deref()
                .is_some_and(|p| p.starts_with("sshd"))
        })
        .filter(|e| e.ts > last.ts)
        .count();
    if logins_after > 0 {
        return;
    }
    let mut ev = vec![last.source.clone()];
    let mut summary = format!(
        "sshd now listens on port {port} (since {})",
        w.when(last.ts)
    );
    if let Some((t, s)) = last_login {
        summary.push_str(&format!(
            "; the last ssh login was at {}, none after",
            w.when(t)
        ));
        ev.push(s);
    }
    summary.push('.');
    out.push(Sym {
        kind: "ssh_logins_stopped",
        at: last.ts,
        summary,
        evidence: ev,
        port: Some(port),
        client: None,
        service: None,
    });
}

/// The snapshot shows nothing (or only loopback) listening on a port the
/// configuration serves.
fn snapshot_listeners(w: &World<'_>, out: &mut Vec<Sym>) {
    if w.state.listeners.is_empty() {
        return;
    }
    let at = w.as_of.unwrap_or(w.t_end);
    let mut seen = BTreeSet::new();
    for sp in w.state.served_ports() {
        if !seen.insert(sp.port) {
            continue;
        }
        let ls = w.state.listeners_on(sp.port);
        let tcp: Vec<_> = ls.iter().filter(|l| l.proto.starts_with("tcp")).collect();
        if tcp.is_empty() {
            out.push(Sym {
                kind: "no_listener",
                at,
                summary: format!(
                    "At collection nothing listened on port {} although {} is configured to serve it.",
                    sp.port, sp.program
                ),
                evidence: vec![sp.source.clone()],
                port: Some(sp.port),
                client: None,
                service: None,
            });
        } else if tcp.iter().all(|l| l.is_loopback()) {
            let mut ev = vec![tcp[0].source.clone()];
            ev.push(sp.source.clone());
            out.push(Sym {
                kind: "listener_loopback_only",
                at,
                summary: format!(
                    "At collection port {} was open on {} only: no client outside the host can reach it.",
                    sp.port, tcp[0].addr
                ),
                evidence: ev,
                port: Some(sp.port),
                client: None,
                service: None,
            });
        }
    }
}
