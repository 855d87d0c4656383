//! systemd unit state from `systemctl status [--all]`, `list-units`,
//! `list-unit-files` (with and without VENDOR PRESET) and the one-word
//! answers of `is-enabled`/`is-active` (the unit is named by the file).
//! Facts about one unit from several snapshots merge into one [`Unit`].

use super::{State, Unit, src, warn};
use crate::event::SourceRef;
use regex::Regex;
use std::sync::{Arc, LazyLock};

static LOADED: LazyLock<Regex> = LazyLock::new(|| {
    // Loaded: loaded (/usr/lib/systemd/system/x.service; enabled; vendor preset: disabled)
    Regex::new(r"^\s*Loaded:\s+(\S+)(?:\s+\(([^)]*)\))?").expect("static regex")
});
static ACTIVE: LazyLock<Regex> = LazyLock::new(|| {
    // Active: active (running) since Thu 2021-09-23 12:03:43 UTC; 3h ago
    Regex::new(r"^\s*Active:\s+(\S+)(?:\s+\(([^)]*)\))?(?:\s+since\s+([^;]+))?")
        .expect("static regex")
});

const UNIT_SUFFIXES: &[&str] = &[
    ".service",
    ".socket",
    ".target",
    ".mount",
    ".automount",
    ".timer",
    ".path",
    ".slice",
    ".scope",
    ".device",
    ".swap",
];

fn is_unit_name(s: &str) -> bool {
    UNIT_SUFFIXES
        .iter()
        .any(|x| s.ends_with(x) && s.len() > x.len())
}

/// Read one snapshot of a `systemctl-*` kind.
pub fn parse(kind: &str, file: &Arc<str>, text: &str, st: &mut State) {
    match kind {
        "systemctl-status" => status(file, text, st),
        "systemctl-list-units" => list_units(file, text, st),
        "systemctl-list-unit-files" => list_unit_files(file, text, st),
        _ => one_word(kind, file, text, st),
    }
}

/// Merge a fact into the unit of that name, creating it on first sight.
fn upsert<'a>(st: &'a mut State, name: &str, source: SourceRef) -> &'a mut Unit {
    let idx = match st.units.iter().position(|u| u.name == name) {
        Some(i) => i,
        None => {
            st.units.push(Unit {
                name: name.to_string(),
                source,
                ..Unit::default()
            });
            st.units.len() - 1
        }
    };
    &mut st.units[idx]
}

fn status(file: &Arc<str>, text: &str, st: &mut State) {
    let mut current: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        // Unit heads start with a status glyph: ● ○ × * (older: bullet).
        let head = line
            .strip_prefix("● ")
            .or_else(|| line.strip_prefix("○ "))
            .or_else(|| line.strip_prefix("× "))
            .or_else(|| line.strip_prefix("↻ "))
            .or_else(|| line.strip_prefix("* "));
        if let Some(h) = head {
            let name = h.split(" - ").next().unwrap_or(h).trim();
            if is_unit_name(name) {
                let u = upsert(st, name, src(file, n));
                if let Some((_, d)) = h.split_once(" - ") {
                    u.description = Some(d.trim().to_string());
                }
                current = Some(name.to_string());
            } else {
                // The host summary block of `status --all` (`* host`).
                current = None;
            }
            continue;
        }
        let Some(name) = current.clone() else {
            continue;
        };
        if let Some(c) = LOADED.captures(line) {
            let u = upsert(st, &name, src(file, n));
            u.load = Some(c[1].to_string());
            if c[1] == *"masked" {
                u.enabled = Some("masked".into());
            }
            if let Some(inner) = c.get(2) {
                let parts: Vec<&str> = inner.as_str().split(';').map(str::trim).collect();
                if let Some(e) = parts.get(1).filter(|e| !e.contains(':')) {
                    u.enabled = Some((*e).to_string());
                    u.enabled_source = Some(src(file, n));
                }
                if let Some(p) = parts.iter().find_map(|p| {
                    p.strip_prefix("vendor preset:")
                        .or_else(|| p.strip_prefix("preset:"))
                }) {
                    u.preset = Some(p.trim().to_string());
                }
            }
        } else if let Some(c) = ACTIVE.captures(line) {
            let u = upsert(st, &name, src(file, n));
            u.active = Some(c[1].to_string());
            u.sub = c.get(2).map(|m| m.as_str().to_string());
            u.since = c.get(3).map(|m| m.as_str().trim().to_string());
        }
    }
}

fn list_units(file: &Arc<str>, text: &str, st: &mut State) {
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let t = line.trim_start_matches([' ', '●', '*', '×']).trim();
        if t.is_empty() || t.starts_with("UNIT ") {
            continue;
        }
        let w: Vec<&str> = t.split_whitespace().collect();
        let Some(&name) = w.first() else { continue };
        if !is_unit_name(name) {
            // Legend and summary lines ("LOAD   = ...", "189 loaded units listed.").
            continue;
        }
        if w.len() < 4 {
            warn(
                st,
                file,
                n,
                format!("list-units line with too few columns: {t:?}"),
            );
            continue;
        }
        let u = upsert(st, name, src(file, n));
        u.load = Some(w[1].to_string());
        u.active = Some(w[2].to_string());
        u.sub = Some(w[3].to_string());
        if w.len() > 4 {
            u.description = Some(w[4..].join(" "));
        }
    }
}

fn list_unit_files(file: &Arc<str>, text: &str, st: &mut State) {
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let w: Vec<&str> = line.split_whitespace().collect();
        let Some(&name) = w.first() else { continue };
        if name == "UNIT" || !is_unit_name(name) {
            continue;
        }
        let Some(&state) = w.get(1) else {
            warn(st, file, n, format!("unit file without a state: {name}"));
            continue;
        };
        let u = upsert(st, name, src(file, n));
        u.enabled = Some(state.to_string());
        u.enabled_source = Some(src(file, n));
        if let Some(p) = w.get(2) {
            u.preset = Some((*p).to_string());
        }
    }
}

/// `systemctl is-enabled nginx` → `disabled`. The unit comes from the file
/// name (`systemctl_is-enabled_nginx`, `is-enabled-nginx.txt`); several
/// units may be listed as `name: state` or `state` lines in order.
fn one_word(kind: &str, file: &Arc<str>, text: &str, st: &mut State) {
    let base = file.rsplit('/').next().unwrap_or(file);
    let marker = if kind == "systemctl-is-enabled" {
        "is-enabled"
    } else {
        "is-active"
    };
    let stem = base
        .strip_suffix(".txt")
        .or_else(|| base.strip_suffix(".out"))
        .unwrap_or(base);
    let after = stem.split_once(marker).map_or("", |(_, r)| r);
    let after = after.trim_start_matches(['_', '-', '.', ' ']);
    let names: Vec<String> = after
        .split(['_', ' '])
        .filter(|s| !s.is_empty() && !s.starts_with('-'))
        .map(|s| {
            if is_unit_name(s) {
                s.to_string()
            } else {
                format!("{s}.service")
            }
        })
        .collect();
    let mut idx = 0;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let (name, value) = match t.split_once(':') {
            Some((a, b)) if is_unit_name(a.trim()) => (a.trim().to_string(), b.trim().to_string()),
            _ => match names.get(idx) {
                Some(nm) => {
                    idx += 1;
                    (nm.clone(), t.to_string())
                }
                None => {
                    warn(
                        st,
                        file,
                        n,
                        format!("{marker} answer without a unit name: {t:?}"),
                    );
                    continue;
                }
            },
        };
        let u = upsert(st, &name, src(file, n));
        if kind == "systemctl-is-enabled" {
            u.enabled = Some(value);
            u.enabled_source = Some(src(file, n));
        } else {
            u.active = Some(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_blocks() {
        let mut st = State::default();
        parse(
            "systemctl-status",
            &Arc::from("s"),
            "● nginx.service - A high performance web server\n     Loaded: loaded (/lib/systemd/system/nginx.service; disabled; preset: enabled)\n     Active: inactive (dead)\n\n× sshd.service - OpenSSH\n   Loaded: loaded (/usr/lib/systemd/system/sshd.service; enabled; vendor preset: enabled)\n   Active: failed (Result: exit-code) since Tue 2024-08-06 07:33:48 UTC; 1h ago\n",
            &mut st,
        );
        let n = st.unit("nginx").expect("nginx");
        assert_eq!(n.enabled.as_deref(), Some("disabled"));
        assert_eq!(n.active.as_deref(), Some("inactive"));
        assert_eq!(n.preset.as_deref(), Some("enabled"));
        let s = st.unit("sshd.service").expect("sshd");
        assert_eq!(s.active.as_deref(), Some("failed"));
        assert_eq!(s.since.as_deref(), Some("Tue 2024-08-06 07:33:48 UTC"));
        assert_eq!(s.source.line, 5);
    }

    #[test]
    fn is_enabled_by_file_name() {
        let mut st = State::default();
        parse(
            "systemctl-is-enabled",
            &Arc::from("x/systemctl_is-enabled_nginx"),
            "disabled\n",
            &mut st,
        );
        parse(
            "systemctl-is-active",
            &Arc::from("is-active-nginx.txt"),
            "inactive\n",
            &mut st,
        );
        parse(
            "systemctl-is-active",
            &Arc::from("is-active.txt"),
            "active\n",
            &mut st,
        );
        let u = st.unit("nginx").expect("nginx");
        assert_eq!(
            (u.enabled.as_deref(), u.active.as_deref()),
            (Some("disabled"), Some("inactive"))
        );
        assert_eq!(st.warnings.len(), 1);
    }

    #[test]
    fn truncated_lines_warn() {
        let mut st = State::default();
        parse(
            "systemctl-list-units",
            &Arc::from("l"),
            "UNIT LOAD ACTIVE SUB DESCRIPTION\nnginx.service loaded\ncron.service loaded active running Regular background\n",
            &mut st,
        );
        assert_eq!(st.units.len(), 1);
        assert_eq!(
            st.units[0].description.as_deref(),
            Some("Regular background")
        );
        assert_eq!(st.warnings[0].source.line, 2);
    }
}
