//! `service_failed_to_start`: the web server tried to start and failed — a
//! bad config (`nginx: [emerg] …`), a port already taken (`bind() … failed
//! (98: Address already in use)`), a start-limit hit. Needs a failure of
//! the web unit (or its bind) near the symptom with no successful start
//! after it.

use super::{WEB_UNITS, first_symptom, proximity, unit_of};
use crate::correlate::{Cand, Sym, World};
use crate::event::{Kind, SourceRef};

/// systemd's words for a start that failed (as opposed to a crash).
pub fn is_start_failure(msg: &str) -> bool {
    msg.contains("Failed to start")
        || msg.contains("start request repeated")
        || msg.contains("start-limit")
        || msg.contains("Control process exited")
        || msg.contains("[emerg]")
}

pub fn check(w: &World<'_>, syms: &[Sym]) -> Vec<Cand> {
    let Some(sym) = first_symptom(
        syms,
        &[
            "requests_stopped",
            "requests_dropped",
            "no_listener",
            "http_5xx_burst",
        ],
    ) else {
        return Vec::new();
    };
    let is_web = |e: &crate::event::Event| {
        unit_of(e).is_some_and(|u| WEB_UNITS.contains(&u))
            || (e.kind == Kind::ListenFail
                && e.fields
                    .program
                    .as_deref()
                    .is_some_and(|p| WEB_UNITS.contains(&p)))
    };
    // A failure while starting, not a crash of a running server (that is
    // `service_not_running`): systemd says the start failed, the bind
    // failed, or it happened right after a boot.
    let boots: Vec<i64> = w.boots().iter().map(|b| b.0).collect();
    let binds: Vec<i64> = w
        .of_kind(&[Kind::ListenFail])
        .filter(|e| is_web(e))
        .map(|e| e.ts)
        .collect();
    let at_start = |e: &crate::event::Event| {
        e.kind == Kind::ListenFail
            || is_start_failure(&e.message)
            || boots
                .iter()
                .any(|b| e.ts >= *b && e.ts - b < 3 * 60_000_000)
            || binds.iter().any(|b| (e.ts - b).abs() < 60_000_000)
    };
    let fails: Vec<_> = w
        .events
        .iter()
        .filter(|e| {
            matches!(e.kind, Kind::ServiceFail | Kind::ListenFail) && is_web(e) && at_start(e)
        })
        .filter(|e| e.ts <= sym.at + 30 * 60_000_000)
        .collect();
    let Some(last_fail) = fails.last() else {
        return vec![Cand::ruled_out(
            "service_failed_to_start",
            "The web server failed to start.",
            "no failed start or bind error of the web server was logged",
            Vec::new(),
        )];
    };
    let started_after = w
        .events
        .iter()
        .any(|e| e.kind == Kind::ServiceStart && is_web(e) && e.ts > last_fail.ts);
    if started_after {
        return vec![Cand::ruled_out(
            "service_failed_to_start",
            "The web server failed to start.",
            format!(
                "it failed at {} but started successfully afterwards",
                w.when(last_fail.ts)
            ),
            vec![last_fail.source.clone()],
        )];
    }
    let first = fails
        .iter()
        .find(|e| e.ts >= last_fail.ts - 10 * 60_000_000)
        .copied()
        .unwrap_or(last_fail);
    let bind = fails.iter().find(|e| e.kind == Kind::ListenFail);
    let mut score = 0.45 + 0.3 * proximity(first.ts, sym.at, 60.0);
    let mut evidence: Vec<SourceRef> = fails
        .iter()
        .rev()
        .take(3)
        .map(|e| e.source.clone())
        .collect();
    evidence.reverse();
    let unit = fails
        .iter()
        .find_map(|e| e.fields.unit.clone())
        .unwrap_or_else(|| "nginx.service".into());
    let mut reason = String::new();
    let mut remediation = Vec::new();
    if let Some(b) = bind {
        let port = b
            .fields
            .dst_port
            .map(|p| p.to_string())
            .unwrap_or_else(|| "its port".into());
        reason = format!(": bind to port {port} failed ({})", b.message.trim());
        remediation.push(format!("ss -ltnp 'sport = :{port}'   # find what holds the port, stop it, then: systemctl start {unit}"));
        if let Some(holder) = b.fields.dst_port.and_then(|p| {
            w.state
                .listeners_on(p)
                .into_iter()
                .find(|l| l.process.as_deref().is_some_and(|x| !x.contains("nginx")))
        }) {
            score += 0.15;
            evidence.push(holder.source.clone());
            reason.push_str(&format!(
                "; at collection {} holds it",
                holder.process.as_deref().unwrap_or("another process")
            ));
        }
    } else if let Some(cfg) = w.events.iter().find(|e| {
        e.ts >= first.ts - 60_000_000 && e.ts <= last_fail.ts && e.message.contains("[emerg]")
    }) {
        reason = format!(": {}", cfg.message.trim());
        evidence.push(cfg.source.clone());
        remediation.push("nginx -t   # shows the config error with file and line; fix it, then: systemctl start nginx".into());
    } else {
        remediation.push(format!(
            "journalctl -u {unit} -b   # read why it failed, fix, then: systemctl start {unit}"
        ));
    }
    if let Some(u) = w.state.unit(super::stem(&unit)) {
        if u.active
            .as_deref()
            .is_some_and(|a| a == "failed" || a == "inactive")
        {
            score += 0.1;
            evidence.push(u.source.clone());
        }
    }
    evidence.dedup();
    let story = vec![(
        first.ts,
        format!("{unit} fails to start{reason}."),
        vec![first.source.clone()],
    )];
    vec![Cand {
        kind: "service_failed_to_start",
        at: Some(first.ts),
        summary: format!("{unit} failed to start at {}{reason}.", w.when(first.ts)),
        confidence: score.min(0.95),
        evidence,
        remediation,
        ruled_out: None,
        story,
    }]
}
