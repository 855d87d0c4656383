//! `service_not_running`: the web server was stopped, or was not started
//! after the last boot while it ran before (typically: disabled). Needs the
//! web tier to go silent; scored up by a stop or a boot with no start after
//! it, by the unit's snapshot state (inactive, disabled) and by nothing
//! listening on the port. Ruled out when the server kept answering.

use super::{WEB_UNITS, first_symptom, proximity, unit_of};
use crate::correlate::{Cand, Sym, World};
use crate::event::{Kind, SourceRef};

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
    let web_unit = WEB_UNITS
        .iter()
        .find(|u| w.state.unit(u).is_some() || w.events.iter().any(|e| unit_of(e) == Some(**u)))
        .copied()
        .unwrap_or("nginx");
    // Did the server answer anyone after the symptom?
    let answered =
        w.c.http
            .local_span
            .as_ref()
            .filter(|l| l.last.0 > sym.at + 60_000_000)
            .map(|l| (l.last.0, l.last.1.clone(), "127.0.0.1"));
    let answered_ext =
        w.c.http
            .external_span
            .as_ref()
            .filter(|l| l.last.0 > sym.at + 60_000_000)
            .map(|l| (l.last.0, l.last.1.clone(), "an outside client"));
    if let Some((t, src, who)) = answered.or(answered_ext) {
        return vec![Cand::ruled_out(
            "service_not_running",
            format!("{web_unit} was not running."),
            format!("{web_unit} was running: it answered {who} at {}", w.when(t)),
            vec![src],
        )];
    }
    let boots = w.boots();
    let last_boot = boots
        .iter()
        .rfind(|(t, _)| *t <= sym.at + 10 * 60_000_000)
        .cloned();
    let is_web = |e: &crate::event::Event| unit_of(e) == Some(web_unit);
    let stop = w.events.iter().rfind(|e| {
        matches!(e.kind, Kind::ServiceStop | Kind::ServiceFail)
            && is_web(e)
            && e.ts <= sym.at + 5 * 60_000_000
    });
    let start_after = |t: i64| {
        w.events
            .iter()
            .any(|e| e.kind == Kind::ServiceStart && is_web(e) && e.ts > t)
    };
    let unit_state = w.state.unit(web_unit);
    let listening = w.state.listeners.iter().any(|l| {
        l.process.as_deref().is_some_and(|p| p.contains(web_unit))
            || (matches!(l.port, 80 | 443) && !l.is_loopback())
    });
    let mut score = 0.0;
    let mut evidence: Vec<SourceRef> = Vec::new();
    let mut story = Vec::new();
    let mut at = None;
    let mut how = String::new();
    // A failure to start is `service_failed_to_start`'s case.
    let failed_to_start = w.events.iter().any(|e| {
        e.kind == Kind::ServiceFail
            && is_web(e)
            && super::service_failed_to_start::is_start_failure(&e.message)
            && last_boot.as_ref().is_none_or(|(b, _)| e.ts >= *b)
    });
    if let Some((bt, bsrc)) = &last_boot
        && !start_after(*bt)
        && !failed_to_start
    {
        score += 0.3 * proximity(*bt, sym.at, 60.0).max(0.5);
        evidence.push(bsrc.clone());
        at = Some(*bt);
        how = format!("was not started after the boot at {}", w.when(*bt));
        story.push((*bt, "The host boots.".to_string(), vec![bsrc.clone()]));
        story.push((
            *bt + 1,
            format!("No start of {web_unit} follows the boot."),
            Vec::new(),
        ));
    } else if let Some(s) = stop
        && !start_after(s.ts)
    {
        score += 0.35 * proximity(s.ts, sym.at, 60.0).max(0.4);
        evidence.push(s.source.clone());
        at = Some(s.ts);
        how = format!("stopped at {} and was not started again", w.when(s.ts));
        story.push((
            s.ts,
            format!("{web_unit} stops: {}", s.message),
            vec![s.source.clone()],
        ));
    }
    // Who disabled or stopped it.
    if let Some(cmd) = w
        .of_kind(&[Kind::SudoCommand, Kind::ServiceDisable])
        .filter(|e| {
            e.fields
                .action
                .as_deref()
                .or(Some(e.message.as_str()))
                .is_some_and(|a| {
                    a.contains(web_unit)
                        && (a.contains("disable") || a.contains("stop") || a.contains("mask"))
                })
        })
        .last()
    {
        score += 0.1;
        evidence.push(cmd.source.clone());
        story.push((
            cmd.ts,
            format!(
                "{} runs: {}",
                cmd.fields.user.as_deref().unwrap_or("an administrator"),
                cmd.fields.action.as_deref().unwrap_or(&cmd.message)
            ),
            vec![cmd.source.clone()],
        ));
    }
    let mut remediation = vec![format!("systemctl enable --now {web_unit}")];
    if let Some(u) = unit_state {
        let inactive = u.active.as_deref().is_some_and(|a| a != "active");
        let disabled = u
            .enabled
            .as_deref()
            .is_some_and(|e| e == "disabled" || e == "masked");
        if inactive || disabled {
            score += 0.25;
            evidence.push(u.enabled_source.clone().unwrap_or(u.source.clone()));
            let s = format!(
                "At collection {} is {}{}.",
                u.name,
                u.active.as_deref().unwrap_or("in an unknown state"),
                u.enabled
                    .as_deref()
                    .map(|e| format!(", {e}"))
                    .unwrap_or_default()
            );
            story.push((
                w.as_of.unwrap_or(w.t_end),
                s,
                vec![u.enabled_source.clone().unwrap_or(u.source.clone())],
            ));
            if u.enabled.as_deref() == Some("masked") {
                remediation.insert(0, format!("systemctl unmask {web_unit}"));
            }
        } else if u.active.as_deref() == Some("active") {
            score -= 0.3;
        }
    }
    if !w.state.listeners.is_empty() {
        if listening {
            score -= 0.2;
        } else {
            score += 0.15;
            if let Some(s) = syms.iter().find(|s| s.kind == "no_listener") {
                evidence.extend(s.evidence.iter().cloned());
            }
        }
    }
    if score <= 0.0 || how.is_empty() && score < 0.3 {
        return vec![Cand::ruled_out(
            "service_not_running",
            format!("{web_unit} was not running."),
            format!(
                "no stop of {web_unit}, no boot without a start of it, and the snapshots do not show it down"
            ),
            evidence,
        )];
    }
    if how.is_empty() {
        how = "is not running at collection".into();
    }
    evidence.dedup();
    vec![Cand {
        kind: "service_not_running",
        at,
        summary: format!("{web_unit} {how}; nothing answered the clients."),
        confidence: score.clamp(0.0, 0.95),
        evidence,
        remediation,
        ruled_out: None,
        story,
    }]
}
