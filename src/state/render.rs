//! Human text for `faultline state`: one section per fact family, each fact
//! with its `file:line`, then a reachability verdict for every served port.
//! Values come from snapshots written by the host, so control characters
//! are replaced before they reach a terminal.

use super::{State, reach};
use crate::event::SourceRef;
use std::fmt::Write;

fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control()
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
            {
                '?'
            } else {
                c
            }
        })
        .collect()
}

fn at(s: &SourceRef) -> String {
    format!("{}:{}", clean(&s.file), s.line)
}

/// See [`super::render_text`].
pub fn text(s: &State) -> String {
    let mut o = String::new();
    if let Some(t) = &s.as_of {
        let _ = writeln!(o, "as of {t}");
    }
    if !s.listeners.is_empty() {
        let _ = writeln!(o, "\nListeners");
        for l in &s.listeners {
            let p = l
                .process
                .as_deref()
                .map(clean)
                .unwrap_or_else(|| "-".into());
            let _ = writeln!(
                o,
                "  {:<4} {:>22}  {:<16} {}",
                l.proto,
                clean(&l.endpoint()),
                p,
                at(&l.source)
            );
        }
    }
    if !s.firewall.is_empty() {
        let _ = writeln!(o, "\nFirewall");
        for f in &s.firewall {
            let active = match f.active {
                Some(true) => "active",
                Some(false) => "not active",
                None => "state unknown",
            };
            let zone = f
                .zone
                .as_deref()
                .map(|z| format!(" zone {}", clean(z)))
                .unwrap_or_default();
            let dflt = if f.default { " (default)" } else { "" };
            let _ = writeln!(
                o,
                "  {}{zone}{dflt}: {active}  {}",
                f.backend,
                at(&f.source)
            );
            if !f.services.is_empty() {
                let _ = writeln!(o, "    services: {}", clean(&f.services.join(" ")));
            }
            if !f.ports.is_empty() {
                let ports: Vec<String> = f.ports.iter().map(ToString::to_string).collect();
                let _ = writeln!(o, "    ports: {}", ports.join(" "));
            }
            for c in f
                .chains
                .iter()
                .filter(|c| c.policy.is_some() && matches!(c.hook.as_deref(), Some("input")))
            {
                let _ = writeln!(
                    o,
                    "    {} {} policy {}  {}",
                    clean(&c.table),
                    clean(&c.name),
                    c.policy.as_deref().unwrap_or(""),
                    at(&c.source)
                );
            }
            if let Some(d) = &f.default_incoming {
                let _ = writeln!(o, "    default incoming: {}", clean(d));
            }
            let _ = writeln!(o, "    {} rules", f.rules.len());
        }
    }
    if !s.units.is_empty() {
        let _ = writeln!(o, "\nUnits");
        for u in &s.units {
            let _ = writeln!(
                o,
                "  {:<40} {:<10} {:<10} {}",
                clean(&u.name),
                u.active.as_deref().map(clean).unwrap_or_else(|| "?".into()),
                u.enabled
                    .as_deref()
                    .map(clean)
                    .unwrap_or_else(|| "?".into()),
                at(&u.source)
            );
        }
    }
    if !s.config.is_empty() {
        let _ = writeln!(o, "\nConfig");
        for c in &s.config {
            let implied = if c.implied { " (default)" } else { "" };
            let _ = writeln!(
                o,
                "  {} {} {}{implied}  {}",
                c.program,
                clean(&c.key),
                clean(&c.value),
                at(&c.source)
            );
        }
    }
    if !s.certificates.is_empty() {
        let _ = writeln!(o, "\nCertificates");
        for c in &s.certificates {
            let exp = if c.expired_at_as_of == Some(true) {
                " EXPIRED"
            } else {
                ""
            };
            let _ = writeln!(
                o,
                "  {}  not after {}{exp}  {}",
                clean(&c.subject),
                c.not_after,
                at(&c.source)
            );
        }
    }
    if !s.disks.is_empty() {
        let _ = writeln!(o, "\nDisks");
        for d in s.disks.iter().filter(|d| d.use_percent.is_some()) {
            let _ = writeln!(
                o,
                "  {:>3}% {:<6} {}  {}",
                d.use_percent.unwrap_or(0),
                d.measure,
                clean(&d.mount),
                at(&d.source)
            );
        }
    }
    if !s.memory.is_empty() {
        let _ = writeln!(o, "\nMemory");
        for m in &s.memory {
            let pct = m
                .use_percent
                .map(|p| format!("{p}%"))
                .unwrap_or_else(|| "-".into());
            let _ = writeln!(
                o,
                "  {:<4} total {} used {} ({pct})  {}",
                m.kind,
                clean(&m.total),
                clean(&m.used),
                at(&m.source)
            );
        }
    }
    if !s.bans.is_empty() {
        let _ = writeln!(o, "\nBans");
        for b in &s.bans {
            let _ = writeln!(
                o,
                "  {} in {}  {}",
                clean(&b.ip),
                clean(&b.jail),
                at(&b.source)
            );
        }
    }
    let verdicts = reach::served_verdicts(s);
    if !verdicts.is_empty() {
        let _ = writeln!(o, "\nReachability from outside");
        for v in verdicts {
            let mark = if v.reachable { "open   " } else { "BLOCKED" };
            let src = v.source.as_ref().map(at).unwrap_or_default();
            let _ = writeln!(
                o,
                "  {mark} {}/{}: {}  {src}",
                v.port,
                v.proto,
                clean(&v.reason)
            );
        }
    }
    if !s.warnings.is_empty() {
        let _ = writeln!(o, "\nWarnings ({})", s.warnings.len());
        for w in &s.warnings {
            let _ = writeln!(o, "  {}: {}", at(&w.source), clean(&w.message));
        }
    }
    o
}
