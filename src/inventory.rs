//! The inventory: what the bundle holds, file by file (SPEC "Inventory"),
//! plus time provenance per source. It is the chain of custody in every
//! report: path, size and sha256 of each member as stored.

use serde::Serialize;

#[derive(Clone, Debug, Default, Serialize)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    pub sha256: Option<String>,
    /// Grammar id of a log, `state:<kind>` for a snapshot, `config` or null.
    pub format: Option<String>,
    /// Second-best grammar and its sniff score, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runner_up: Option<String>,
    /// What the member is: `log`, `state`, `config`, `archive`, `link`,
    /// `special`, `binary`, `unknown`.
    pub role: String,
    pub lines: u64,
    pub parsed: u64,
    pub unparsed: u64,
    pub first_ts: Option<String>,
    pub last_ts: Option<String>,
    pub compression: String,
    pub warnings: Vec<String>,
    /// The first few unparsed lines, to see why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unparsed_samples: Vec<UnparsedSample>,
    /// Zone used for local stamps and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Year anchor for year-less stamps and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year_anchor: Option<String>,
    /// Events whose year or zone was inferred.
    #[serde(skip_serializing_if = "is_zero")]
    pub inferred: u64,
    /// Lines longer than the line limit, cut.
    #[serde(skip_serializing_if = "is_zero")]
    pub long_lines: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub invalid_utf8_lines: u64,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

#[derive(Clone, Debug, Serialize)]
pub struct UnparsedSample {
    pub line: u32,
    pub text: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Window {
    pub start: Option<String>,
    pub end: Option<String>,
}

/// One boot of one host. The same boot seen in several sources (kern.log,
/// syslog, the journal) is one entry: `source` is the earliest sighting,
/// `also` the others.
#[derive(Clone, Debug, Serialize)]
pub struct Boot {
    pub at: String,
    pub host: String,
    pub source: crate::event::SourceRef,
    pub how: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<crate::event::SourceRef>,
    /// Journal `_BOOT_ID`, when a journal saw this boot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boot_id: Option<String>,
    /// UTC microseconds of `at`, for assigning events to boots.
    #[serde(skip)]
    pub at_us: i64,
}

/// A window where silence must not be read as an outage: a source went
/// quiet far beyond its usual spacing (`silence`), consecutive files of a
/// rotation chain leave a hole (`between_files`), or no log of the host
/// covers it at all (`uncovered`).
#[derive(Clone, Debug, Serialize)]
pub struct Gap {
    /// The silent source; for `between_files` the older file (the newer is
    /// in `next_file`); for `uncovered` empty.
    pub file: String,
    pub start: String,
    pub end: String,
    pub seconds: i64,
    pub kind: String,
    pub host: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_file: Option<String>,
}

/// Clock offset between two sources of one host, estimated from events
/// both recorded: `b` reads `seconds` later than `a`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Skew {
    pub a: String,
    pub b: String,
    pub seconds: f64,
    /// What the estimate rests on and how many pairs.
    pub basis: String,
    pub pairs: usize,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Inventory {
    pub files: Vec<FileEntry>,
    pub hosts: Vec<String>,
    pub window: Window,
    pub boots: Vec<Boot>,
    pub gaps: Vec<Gap>,
    /// Filled where events are at hand ([`crate::timeline::annotate`]).
    pub skew: Vec<Skew>,
    pub warnings: Vec<String>,
}

impl Inventory {
    pub fn render_text(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "hosts: {}    window: {} .. {}",
            if self.hosts.is_empty() {
                "-".to_string()
            } else {
                self.hosts.join(", ")
            },
            self.window.start.as_deref().unwrap_or("-"),
            self.window.end.as_deref().unwrap_or("-")
        );
        let _ = writeln!(
            s,
            "{:<48} {:>10} {:<22} {:>8} {:>7} {:<6} SHA256",
            "PATH", "SIZE", "FORMAT", "LINES", "PARSED", "COMP"
        );
        for f in &self.files {
            let rate = if f.lines > 0 {
                format!("{:.1}%", 100.0 * f.parsed as f64 / f.lines as f64)
            } else {
                "-".to_string()
            };
            let _ = writeln!(
                s,
                "{:<48} {:>10} {:<22} {:>8} {:>7} {:<6} {}",
                crate::report::escape::terminal(&f.path),
                f.size,
                f.format.as_deref().unwrap_or(&f.role),
                f.lines,
                rate,
                f.compression,
                f.sha256.as_deref().map(|h| &h[..16]).unwrap_or("-")
            );
            for w in &f.warnings {
                let _ = writeln!(s, "    warning: {}", crate::report::escape::terminal(w));
            }
        }
        for b in &self.boots {
            let _ = writeln!(
                s,
                "boot: {} {} ({}:{}, {})",
                b.at, b.host, b.source.file, b.source.line, b.how
            );
        }
        for g in &self.gaps {
            let what = match &g.next_file {
                Some(n) => format!("{} → {}", g.file, n),
                None if g.file.is_empty() => format!("{} (no log)", g.host),
                None => g.file.clone(),
            };
            let _ = writeln!(
                s,
                "gap: {} {} {} .. {} ({} s)",
                g.kind,
                crate::report::escape::terminal(&what),
                g.start,
                g.end,
                g.seconds
            );
        }
        for k in &self.skew {
            let _ = writeln!(
                s,
                "skew: {} reads {:+.1} s against {} ({})",
                k.b, k.seconds, k.a, k.basis
            );
        }
        for w in &self.warnings {
            let _ = writeln!(s, "warning: {}", crate::report::escape::terminal(w));
        }
        s
    }
}

/// Boot sightings this far apart or less, on one host, are one boot: the
/// kernel banner, the journal's new `_BOOT_ID` and systemd's "Startup
/// finished" of one boot land within a few minutes of each other.
pub const BOOT_WINDOW_US: i64 = 300 * 1_000_000;

/// How a journal file records the boot it starts in (not a boot by itself:
/// an export often begins in the middle of one).
const JOURNAL_FIRST: &str = "journal boot ";

/// One boot per host and window from the sightings of every source.
pub fn dedup_boots(mut raw: Vec<Boot>) -> Vec<Boot> {
    raw.sort_by(|a, b| (&a.host, a.at_us, &a.source).cmp(&(&b.host, b.at_us, &b.source)));
    let (ids, sightings): (Vec<Boot>, Vec<Boot>) = raw
        .into_iter()
        .partition(|b| b.how.starts_with(JOURNAL_FIRST));
    // A user manager (`systemd[1234]`) also logs "Startup finished in 80ms."
    // at every login; only PID 1's line, which splits the time into
    // kernel/initrd/userspace, is a boot on its own.
    let weak = |b: &Boot| {
        b.how.starts_with("Startup finished")
            && !b.how.contains("(kernel)")
            && !b.how.contains("(userspace)")
    };
    let (weak, sightings): (Vec<Boot>, Vec<Boot>) = sightings.into_iter().partition(|b| weak(b));
    let mut out: Vec<Boot> = Vec::new();
    for b in sightings {
        match out.last_mut() {
            Some(c) if c.host == b.host && b.at_us - c.at_us <= BOOT_WINDOW_US => {
                if !c.also.contains(&b.source) && c.source != b.source {
                    c.also.push(b.source);
                }
            }
            _ => out.push(b),
        }
    }
    for w in weak {
        if let Some(c) = out
            .iter_mut()
            .find(|c| c.host == w.host && (0..=BOOT_WINDOW_US).contains(&(w.at_us - c.at_us)))
            && c.source != w.source
            && !c.also.contains(&w.source)
        {
            c.also.push(w.source);
        }
    }
    for j in ids {
        let id = j.how[JOURNAL_FIRST.len()..].to_string();
        if let Some(c) = out
            .iter_mut()
            .find(|c| c.host == j.host && (j.at_us - c.at_us).abs() <= BOOT_WINDOW_US)
        {
            c.boot_id.get_or_insert(id);
            if c.source != j.source && !c.also.contains(&j.source) {
                c.also.push(j.source);
            }
        }
    }
    for b in &mut out {
        b.also.sort();
    }
    out.sort_by(|a, b| (a.at_us, &a.host).cmp(&(b.at_us, &b.host)));
    out
}

/// How long a source may be quiet before the silence is worth listing:
/// half an hour, or twenty of its usual spacings if it is sparser.
pub fn silence_threshold_us(usual_spacing_us: i64) -> i64 {
    (30 * 60 * 1_000_000i64).max(usual_spacing_us.saturating_mul(20))
}

/// What the inventory knows of one log file's time coverage.
#[derive(Clone, Debug)]
pub struct Coverage {
    pub host: String,
    pub file: String,
    pub first: i64,
    pub last: i64,
    pub events: u64,
    /// Rotation chain (bundle, base) and age within it (0 = current).
    pub chain: (usize, String),
    pub age: u64,
}

impl Coverage {
    /// Mean spacing of the file's events: the cheap stand-in for a median
    /// that needs only first, last and a count.
    pub fn spacing_us(&self) -> i64 {
        if self.events < 2 {
            0
        } else {
            // Absurd stamps (year 9999 beside year 0) must not overflow.
            self.last.saturating_sub(self.first) / (self.events as i64 - 1)
        }
    }
}

/// Holes between consecutive files of a rotation chain, and windows of a
/// host that no log file covers.
pub fn coverage_gaps(files: &[Coverage]) -> Vec<Gap> {
    use crate::event::format_ts;
    let mut gaps = Vec::new();
    let mut chains: std::collections::BTreeMap<&(usize, String), Vec<&Coverage>> =
        std::collections::BTreeMap::new();
    for f in files {
        chains.entry(&f.chain).or_default().push(f);
    }
    for chain in chains.values_mut() {
        // Oldest first.
        chain.sort_by(|a, b| b.age.cmp(&a.age).then(a.first.cmp(&b.first)));
        for w in chain.windows(2) {
            let (older, newer) = (w[0], w[1]);
            let limit = silence_threshold_us(older.spacing_us().max(newer.spacing_us()));
            if newer.first - older.last > limit {
                gaps.push(Gap {
                    file: older.file.clone(),
                    start: format_ts(older.last),
                    end: format_ts(newer.first),
                    seconds: (newer.first - older.last) / 1_000_000,
                    kind: "between_files".into(),
                    host: older.host.clone(),
                    next_file: Some(newer.file.clone()),
                });
            }
        }
    }
    let mut hosts: std::collections::BTreeMap<&str, Vec<&Coverage>> =
        std::collections::BTreeMap::new();
    for f in files {
        hosts.entry(&f.host).or_default().push(f);
    }
    for (host, mut fs) in hosts {
        fs.sort_by_key(|f| (f.first, f.last));
        let spacing = fs.iter().map(|f| f.spacing_us()).max().unwrap_or(0);
        let limit = silence_threshold_us(spacing);
        let mut end = fs[0].last;
        for f in &fs[1..] {
            if f.first - end > limit {
                gaps.push(Gap {
                    file: String::new(),
                    start: format_ts(end),
                    end: format_ts(f.first),
                    seconds: (f.first - end) / 1_000_000,
                    kind: "uncovered".into(),
                    host: host.to_string(),
                    next_file: None,
                });
            }
            end = end.max(f.last);
        }
    }
    gaps.sort_by(|a, b| (&a.start, &a.host, &a.file).cmp(&(&b.start, &b.host, &b.file)));
    gaps
}
