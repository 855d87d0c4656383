//! The report model: one structure, serialised as the SPEC's `analyze
//! --format json` (canonical) and rendered as Markdown, HTML and terminal
//! text by the sibling modules. Every string here may hold bytes an
//! attacker wrote into a log; renderers escape, the model does not.

use crate::inventory::Inventory;
use serde::Serialize;

/// `{"file", "line"}` as in the SPEC.
pub use crate::event::SourceRef;

#[derive(Clone, Debug, Serialize)]
pub struct RootCause {
    pub kind: String,
    pub summary: String,
    pub confidence: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Symptom {
    pub kind: String,
    /// RFC 3339 UTC.
    pub at: String,
    pub summary: String,
    pub evidence: Vec<SourceRef>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub rank: u32,
    pub kind: String,
    pub at: Option<String>,
    pub summary: String,
    pub confidence: f64,
    pub evidence: Vec<SourceRef>,
    pub remediation: Vec<String>,
    /// `None` for findings that explain the outage; the reason otherwise.
    pub ruled_out_because: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct NarrativeStep {
    pub at: String,
    /// The same instant in the host's zone, e.g. `2024-08-06 16:02:31 CEST`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_local: Option<String>,
    pub text: String,
    pub evidence: Vec<SourceRef>,
}

/// A quoted evidence line: the raw text at a `SourceRef`, so a report is
/// readable without the bundle.
#[derive(Clone, Debug, Serialize)]
pub struct EvidenceLine {
    pub file: String,
    pub line: u32,
    pub text: String,
}

/// Requests per minute by status class for one service, for charts.
#[derive(Clone, Debug, Serialize)]
pub struct RequestSeries {
    /// e.g. `nginx :80` or a vhost.
    pub service: String,
    /// Unix seconds of the first bucket (a whole minute).
    pub start: i64,
    /// Per minute: [1xx+2xx+3xx, 4xx, 5xx].
    pub buckets: Vec<[u32; 3]>,
}

/// Firewall drops per minute to one destination port.
#[derive(Clone, Debug, Serialize)]
pub struct DropSeries {
    pub port: u16,
    pub proto: String,
    pub start: i64,
    pub buckets: Vec<u32>,
}

/// A change drawn as a marker on the charts and in the swimlane.
#[derive(Clone, Debug, Serialize)]
pub struct ChangeMarker {
    pub at: String,
    /// Unix seconds, for drawing.
    pub t: i64,
    /// Event kind, e.g. `firewall.start`.
    pub kind: String,
    pub label: String,
    /// Lane: the source family (`systemd`, `firewalld`, `fail2ban`, ...).
    pub lane: String,
    pub source: SourceRef,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Charts {
    pub requests: Vec<RequestSeries>,
    pub drops: Vec<DropSeries>,
    pub changes: Vec<ChangeMarker>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Analysis {
    pub broke_at: Option<String>,
    pub root_cause: Option<RootCause>,
    pub symptoms: Vec<Symptom>,
    pub findings: Vec<Finding>,
    pub narrative: Vec<NarrativeStep>,
    pub inventory: Inventory,
    /// Extensions beyond the SPEC's keys.
    pub hosts: Vec<String>,
    /// The host's zone name used for local times (e.g. `Europe/Berlin`).
    pub host_zone: String,
    pub evidence_lines: Vec<EvidenceLine>,
    /// Facts the analysis could not check because the bundle lacks them.
    pub missing: Vec<String>,
    pub charts: Charts,
    pub faultline_version: String,
    pub grammar_set: Vec<String>,
    /// The only wall-clock value; `SOURCE_DATE_EPOCH` fixes it.
    pub generated_at: String,
}
