//! Correlate: start from the symptom and search backwards.
//!
//! 1. [`symptoms`]: when and how connectivity broke (requests stop or fall,
//!    one client vanishes, 5xx bursts, upstream refused, drops to a served
//!    port, no listener in the snapshot).
//! 2. [`causes`]: one module per root-cause kind of the SPEC; each looks for
//!    the change that explains a symptom, scores it by time proximity,
//!    specificity and corroboration by the snapshots, and says why it was
//!    ruled out when it was.
//! 3. [`narrative`]: the time-ordered story with evidence; [`evidence`]
//!    quotes the cited lines; [`charts`] feeds the HTML report.

pub mod causes;
pub mod charts;
pub mod collect;
pub mod evidence;
pub mod narrative;
pub mod symptoms;

pub use collect::Collector;

use crate::event::{Event, Kind, SourceRef, format_ts};
use crate::normalize::Zone;
use crate::pipeline::Run;
use crate::report::model::{Analysis, Finding, RootCause, Symptom};
use crate::state::State;

/// Everything the detectors look at.
pub struct World<'a> {
    /// Kept events, merged and sorted by time.
    pub events: Vec<Event>,
    pub c: &'a Collector,
    pub state: &'a State,
    pub zone: Zone,
    pub host: String,
    /// First and last instant any source saw (µs).
    pub t_start: i64,
    pub t_end: i64,
    /// When the snapshots were taken (µs), if known.
    pub as_of: Option<i64>,
    /// Windows no log covers or rotation left out (µs): silence there is
    /// missing evidence, not an outage.
    pub gaps: Vec<(i64, i64)>,
    /// Every member path of the bundle.
    pub paths: std::collections::BTreeSet<String>,
    /// Grammar ids of the logs that were read.
    pub formats: std::collections::BTreeSet<String>,
    /// Indexes into `events` of logins, bans and unbans by source address.
    by_ip: std::collections::HashMap<(Kind, String), Vec<usize>>,
}

/// Kinds indexed by address: detectors look them up once per ban, and a
/// busy host has thousands of bans and logins (a scan over all kept events
/// per ban took seconds).
const BY_IP: [Kind; 3] = [Kind::AuthSuccess, Kind::BanAdd, Kind::BanRemove];

fn index_by_ip(events: &[Event]) -> std::collections::HashMap<(Kind, String), Vec<usize>> {
    let mut m: std::collections::HashMap<(Kind, String), Vec<usize>> = Default::default();
    for (i, e) in events.iter().enumerate() {
        if BY_IP.contains(&e.kind)
            && let Some(ip) = e.fields.src_ip.as_deref()
        {
            m.entry((e.kind, ip.to_string())).or_default().push(i);
        }
    }
    m
}

impl World<'_> {
    pub fn of_kind<'k>(&'k self, kinds: &'k [Kind]) -> impl Iterator<Item = &'k Event> + 'k {
        self.events.iter().filter(move |e| kinds.contains(&e.kind))
    }

    /// Events of `kind` (a login, ban or unban) whose `src_ip` is `ip`, in
    /// time order: `of_kind` filtered by address, without the scan.
    pub fn of_kind_from<'k>(
        &'k self,
        kind: Kind,
        ip: &str,
    ) -> impl Iterator<Item = &'k Event> + 'k {
        debug_assert!(BY_IP.contains(&kind), "{kind} is not indexed by address");
        self.by_ip
            .get(&(kind, ip.to_string()))
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&i| &self.events[i])
    }

    /// Boots (µs, evidence), in time order.
    pub fn boots(&self) -> Vec<(i64, SourceRef)> {
        let mut out: Vec<(i64, SourceRef)> = Vec::new();
        for e in self.of_kind(&[Kind::SystemBoot]) {
            // Kernel banner, systemd "Startup finished" and journal markers
            // of one boot fall within minutes: keep the first.
            if out.last().is_some_and(|(t, _)| e.ts - t < 5 * 60_000_000) {
                continue;
            }
            out.push((e.ts, e.source.clone()));
        }
        out
    }

    /// `14:02:31 UTC (16:02:31 CEST)`.
    pub fn when(&self, us: i64) -> String {
        let utc = chrono::DateTime::from_timestamp_micros(us)
            .map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default();
        if self.zone == Zone::Fixed(0) {
            return utc;
        }
        let local = self.zone.format_local(us);
        let short = local.get(11..).unwrap_or(&local).to_string();
        format!("{utc} ({short})")
    }

    /// Host-local rendering for the narrative table.
    pub fn local(&self, us: i64) -> String {
        self.zone.format_local(us)
    }
}

/// A symptom with the facts the causes match on.
#[derive(Clone, Debug)]
pub struct Sym {
    pub kind: &'static str,
    pub at: i64,
    pub summary: String,
    pub evidence: Vec<SourceRef>,
    /// The port the symptom concerns, when it is about one.
    pub port: Option<u16>,
    /// The client it concerns, when it is about one.
    pub client: Option<String>,
    /// The service (access log) it concerns.
    pub service: Option<String>,
}

/// A candidate explanation, positive or ruled out.
#[derive(Clone, Debug)]
pub struct Cand {
    pub kind: &'static str,
    pub at: Option<i64>,
    pub summary: String,
    pub confidence: f64,
    pub evidence: Vec<SourceRef>,
    pub remediation: Vec<String>,
    pub ruled_out: Option<String>,
    /// Steps this cause adds to the narrative: (time, text, evidence).
    pub story: Vec<(i64, String, Vec<SourceRef>)>,
}

impl Cand {
    pub fn ruled_out(
        kind: &'static str,
        summary: impl Into<String>,
        why: impl Into<String>,
        evidence: Vec<SourceRef>,
    ) -> Cand {
        Cand {
            kind,
            at: None,
            summary: summary.into(),
            confidence: 0.0,
            evidence,
            remediation: Vec::new(),
            ruled_out: Some(why.into()),
            story: Vec::new(),
        }
    }
}

/// Below this the top candidate is not called the root cause.
const MIN_CONFIDENCE: f64 = 0.45;

pub fn analyze(run: Run<Collector>, generated_at: String) -> Analysis {
    let Run {
        mut inventory,
        state,
        contexts,
        sink,
        grammar_ids,
        members,
    } = run;
    let mut c = sink;
    c.finish();
    if std::env::var_os("FAULTLINE_TIMING").is_some() {
        let mut by: std::collections::BTreeMap<&str, usize> = Default::default();
        for e in &c.events {
            *by.entry(e.kind.as_str()).or_default() += 1;
        }
        eprintln!("timing: kept events {} {:?}", c.events.len(), by);
    }
    use crate::pipeline::timed as t;
    let mut events = t("c.merge", || {
        crate::timeline::merge(std::mem::take(&mut c.events))
    });
    // Boots per event and clock skew; silences of the kept events are not
    // added (access lines are aggregated, so their silence is the symptom).
    t("c.boots", || {
        crate::timeline::assign_boots(&mut events, &inventory.boots)
    });
    inventory.skew = t("c.skew", || crate::timeline::skew(&events));
    let (zone, host) = contexts
        .first()
        .map(|x| (x.zone.clone(), x.host.to_string()))
        .unwrap_or((Zone::Fixed(0), String::new()));
    let t_start = c.files.values().map(|s| s.first.0).min().unwrap_or(0);
    let t_end = c.files.values().map(|s| s.last.0).max().unwrap_or(0);
    let as_of = state
        .as_of
        .as_deref()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.timestamp_micros())
        // A snapshot time from a file's mtime can be the day the bundle was
        // copied, months later: only a time close to the logs' end bounds
        // the window of observation.
        .filter(|&a| a >= t_start && a <= t_end + 2 * 86_400_000_000);
    let by_ip = index_by_ip(&events);
    let w = World {
        by_ip,
        events,
        c: &c,
        state: &state,
        zone,
        host,
        t_start,
        t_end,
        as_of,
        gaps: inventory
            .gaps
            .iter()
            .filter(|g| g.kind != "silence")
            .filter_map(|g| {
                let p = |t: &str| {
                    chrono::DateTime::parse_from_rfc3339(t)
                        .ok()
                        .map(|d| d.timestamp_micros())
                };
                Some((p(&g.start)?, p(&g.end)?))
            })
            .collect(),
        paths: inventory.files.iter().map(|f| f.path.clone()).collect(),
        formats: inventory
            .files
            .iter()
            .filter(|f| f.role == "log" && f.parsed > 0)
            .filter_map(|f| f.format.clone())
            .collect(),
    };
    let syms = t("c.symptoms", || symptoms::detect(&w));
    let mut cands = t("c.causes", || causes::evaluate(&w, &syms));
    cands.sort_by(|a, b| {
        let ra = a.ruled_out.is_some();
        let rb = b.ruled_out.is_some();
        ra.cmp(&rb)
            .then(b.confidence.total_cmp(&a.confidence))
            .then(a.kind.cmp(b.kind))
            .then(a.summary.cmp(&b.summary))
    });
    let top = cands
        .first()
        .filter(|c| c.ruled_out.is_none() && c.confidence >= MIN_CONFIDENCE)
        .cloned();
    let mut missing = Vec::new();
    if c.files.is_empty() {
        missing.push("log lines with time stamps: no log in the bundle could be read, so nothing was analysed".to_string());
    }
    if !syms.is_empty() && top.is_none() {
        let unk = causes::unknown::explain(&w, &syms, &mut missing);
        cands.insert(0, unk);
    }
    let root = if syms.is_empty() {
        None
    } else {
        cands.first().cloned()
    };
    // Keep every positive finding but only the best of each ruled-out kind.
    let mut seen_ruled = std::collections::BTreeSet::new();
    cands.retain(|c| c.ruled_out.is_none() || seen_ruled.insert(c.kind));
    let findings: Vec<Finding> = cands
        .iter()
        .enumerate()
        .map(|(i, c)| Finding {
            rank: i as u32 + 1,
            kind: c.kind.to_string(),
            at: c.at.map(format_ts),
            summary: c.summary.clone(),
            confidence: round2(c.confidence),
            evidence: c.evidence.clone(),
            remediation: c.remediation.clone(),
            ruled_out_because: c.ruled_out.clone(),
        })
        .collect();
    let broke_at = root.as_ref().and_then(|r| break_time(&w, &syms, r));
    let symptoms_out: Vec<Symptom> = syms
        .iter()
        .map(|s| Symptom {
            kind: s.kind.to_string(),
            at: format_ts(s.at),
            summary: s.summary.clone(),
            evidence: s.evidence.clone(),
        })
        .collect();
    let narrative = t("c.narrative", || {
        narrative::build(&w, &syms, root.as_ref(), broke_at)
    });
    let charts = t("c.charts", || charts::build(&w, broke_at));
    let mut cited: std::collections::BTreeSet<SourceRef> = std::collections::BTreeSet::new();
    for f in &findings {
        cited.extend(f.evidence.iter().cloned());
    }
    for s in &symptoms_out {
        cited.extend(s.evidence.iter().cloned());
    }
    for n in &narrative {
        cited.extend(n.evidence.iter().cloned());
    }
    let evidence_lines = t("c.quote", || evidence::quote(&members, &cited));
    let root_cause = root.map(|r| RootCause {
        kind: r.kind.to_string(),
        summary: r.summary.clone(),
        confidence: round2(r.confidence),
    });
    let mut hosts = inventory.hosts.clone();
    hosts.sort();
    Analysis {
        broke_at: broke_at.map(format_ts),
        root_cause,
        symptoms: symptoms_out,
        findings,
        narrative,
        hosts,
        host_zone: w.zone.name(),
        evidence_lines,
        missing,
        charts,
        faultline_version: env!("CARGO_PKG_VERSION").to_string(),
        grammar_set: grammar_ids,
        generated_at,
        inventory,
    }
}

/// When connectivity broke. The first symptom the root cause explains is
/// the first *observed* failure; the change itself is the better answer
/// when it sits next to it: a change just before the first failure (an OOM
/// kill, then 502s a minute later), or just after the last success (the
/// host went down for a reboot, then the firewall came up).
fn break_time(w: &World<'_>, syms: &[Sym], root: &Cand) -> Option<i64> {
    const WINDOW: i64 = 30 * 60_000_000;
    let s0 = symptoms::broke_at(syms, root.kind)?;
    let Some(ra) = root.at else { return Some(s0) };
    if ra >= s0 && ra - s0 <= WINDOW {
        let first_change = w
            .of_kind(&[Kind::SystemShutdown, Kind::SystemBoot])
            .filter(|e| e.ts >= s0 && e.ts <= ra)
            .map(|e| e.ts)
            .min();
        Some(first_change.unwrap_or(ra))
    } else if ra < s0 && s0 - ra <= WINDOW {
        Some(ra)
    } else {
        Some(s0)
    }
}

fn round2(x: f64) -> f64 {
    (x.clamp(0.0, 1.0) * 100.0).round() / 100.0
}

/// `1,204`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Minutes between two µs instants, rounded.
pub fn minutes(a: i64, b: i64) -> i64 {
    ((b - a) as f64 / 60e6).round() as i64
}
