//! Render: one report model ([`model::Analysis`]), JSON canonical; Markdown,
//! HTML and terminal text are views of it.
//!
//! Every view is a pure function of the model: no clock, no environment, no
//! hash-ordered maps, so the same analysis gives byte-identical output.
//! `generated_at` is filled by the caller (honouring `SOURCE_DATE_EPOCH`).
//! Every string that came from a bundle goes through [`escape`] for the
//! format it lands in.

pub mod escape;
#[doc(hidden)]
pub mod fixture;
pub mod html;
pub mod json;
pub mod markdown;
pub mod model;
pub mod redact;
pub mod text;

use model::Analysis;

/// Output format of `faultline analyze --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Json,
}

/// Render `a` in `format`. `color` and `width` only affect [`Format::Text`];
/// the caller decides them from the terminal and `NO_COLOR`.
pub fn render(a: &Analysis, format: Format, color: bool, width: usize) -> String {
    match format {
        Format::Text => text::render(a, color, width),
        Format::Markdown => markdown::render(a),
        Format::Html => html::render(a),
        Format::Json => json::render(a),
    }
}

/// A reader-facing name for a root-cause kind; unknown kinds (the list only
/// grows) fall back to the kind with spaces.
pub(crate) fn kind_title(kind: &str) -> String {
    let t = match kind {
        "firewall_blocks_service" => "Firewall blocks the service",
        "ip_banned" => "Client IP banned",
        "service_not_running" => "Service not running",
        "service_failed_to_start" => "Service failed to start",
        "listen_address_changed" => "Listen address changed",
        "port_changed_firewall_closed" => "Port changed, firewall closed",
        "dependency_down" => "Dependency down",
        "resource_exhausted" => "Resource exhausted",
        "tls_certificate_expired" => "TLS certificate expired",
        "dns_resolution" => "DNS resolution",
        "routing" => "Routing",
        "unknown" => "Unknown",
        other => return other.replace('_', " "),
    };
    t.to_string()
}

/// `0.92` → `92%`.
pub(crate) fn percent(confidence: f64) -> String {
    let c = if confidence.is_finite() {
        confidence.clamp(0.0, 1.0)
    } else {
        0.0
    };
    format!("{:.0}%", c * 100.0)
}

/// Unix seconds of an RFC 3339 stamp.
pub(crate) fn unix(at: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(at)
        .ok()
        .map(|t| t.timestamp())
}

/// `2024-08-06T14:02:31.000000Z` → `2024-08-06 14:02:31 UTC`; other text is
/// returned unchanged (it is escaped by the caller either way).
pub(crate) fn utc_short(at: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(at) {
        Ok(t) => t
            .with_timezone(&chrono::Utc)
            .format("%Y-%m-%d %H:%M:%S UTC")
            .to_string(),
        Err(_) => at.to_string(),
    }
}

/// `HH:MM` UTC of unix seconds, for chart axes.
pub(crate) fn hhmm(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%H:%M").to_string())
        .unwrap_or_default()
}

/// `HH:MM:SS` UTC of unix seconds, for zoomed chart axes.
pub(crate) fn hhmmss(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%H:%M:%S").to_string())
        .unwrap_or_default()
}

/// The instant `at` in the host's zone (`host_zone`: an IANA name or a fixed
/// offset such as `+02:00`), e.g. `2024-08-06 16:02:31 CEST`.
pub(crate) fn local_time(a: &Analysis, at: &str) -> Option<String> {
    let t = chrono::DateTime::parse_from_rfc3339(at).ok()?;
    if let Ok(tz) = a.host_zone.parse::<chrono_tz::Tz>() {
        return Some(
            t.with_timezone(&tz)
                .format("%Y-%m-%d %H:%M:%S %Z")
                .to_string(),
        );
    }
    let off = chrono::DateTime::parse_from_rfc3339(&format!("2000-01-01T00:00:00{}", a.host_zone))
        .ok()?
        .offset()
        .to_owned();
    Some(
        t.with_timezone(&off)
            .format("%Y-%m-%d %H:%M:%S %:z")
            .to_string(),
    )
}

/// Local time of a narrative step: the model's own when present.
pub(crate) fn step_local(a: &Analysis, step: &model::NarrativeStep) -> Option<String> {
    step.at_local.clone().or_else(|| local_time(a, &step.at))
}

/// The first remediation of the root cause: the top-ranked finding that is
/// not ruled out. That is the command the summary box offers.
pub(crate) fn top_finding(a: &Analysis) -> Option<&model::Finding> {
    a.findings
        .iter()
        .filter(|f| f.ruled_out_because.is_none())
        .min_by_key(|f| f.rank)
}

/// Raw lines quoted for a list of sources, in the order cited.
pub(crate) fn lines_for<'a>(
    a: &'a Analysis,
    evidence: &[model::SourceRef],
) -> Vec<&'a model::EvidenceLine> {
    evidence
        .iter()
        .filter_map(|s| {
            a.evidence_lines
                .iter()
                .find(|l| l.line == s.line && *l.file == *s.file)
        })
        .collect()
}

/// Hosts for a title: the analysis' own list, else the inventory's.
pub(crate) fn hosts(a: &Analysis) -> Vec<&str> {
    let h = if a.hosts.is_empty() {
        &a.inventory.hosts
    } else {
        &a.hosts
    };
    h.iter().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_uses_zone_names_and_offsets() {
        let mut a = fixture::firewalld_after_reboot();
        a.host_zone = "Europe/Berlin".into();
        assert_eq!(
            local_time(&a, "2024-08-06T14:02:31.000000Z").as_deref(),
            Some("2024-08-06 16:02:31 CEST")
        );
        a.host_zone = "+09:00".into();
        assert_eq!(
            local_time(&a, "2024-08-06T14:02:31Z").as_deref(),
            Some("2024-08-06 23:02:31 +09:00")
        );
        a.host_zone = "Mars/Olympus".into();
        assert_eq!(local_time(&a, "2024-08-06T14:02:31Z"), None);
    }

    #[test]
    fn every_format_is_deterministic() {
        let a = fixture::firewalld_after_reboot();
        for f in [Format::Text, Format::Markdown, Format::Html, Format::Json] {
            assert_eq!(render(&a, f, true, 100), render(&a, f, true, 100));
        }
    }

    #[test]
    fn an_empty_analysis_renders_in_every_format() {
        let a = fixture::empty();
        assert!(render(&a, Format::Text, false, 80).contains("Root cause  not found"));
        assert!(render(&a, Format::Markdown, false, 80).contains("**Root cause:** not found"));
        assert!(!render(&a, Format::Html, false, 80).contains("<svg"));
        assert!(render(&a, Format::Json, false, 80).contains("\"root_cause\": null"));
        assert_eq!(redact::redact(&a).hosts.len(), 0);
    }
}
