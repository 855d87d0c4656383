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

#[derive(Clone, Debug, Serialize)]
pub struct Boot {
    pub at: String,
    pub host: String,
    pub source: crate::event::SourceRef,
    pub how: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Gap {
    pub file: String,
    pub start: String,
    pub end: String,
    pub seconds: i64,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Inventory {
    pub files: Vec<FileEntry>,
    pub hosts: Vec<String>,
    pub window: Window,
    pub boots: Vec<Boot>,
    pub gaps: Vec<Gap>,
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
            "{:<48} {:>10} {:<22} {:>8} {:>7} {:<6} {}",
            "PATH", "SIZE", "FORMAT", "LINES", "PARSED", "COMP", "SHA256"
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
            let _ = writeln!(
                s,
                "gap: {} {} .. {} ({} s)",
                g.file, g.start, g.end, g.seconds
            );
        }
        for w in &self.warnings {
            let _ = writeln!(s, "warning: {}", crate::report::escape::terminal(w));
        }
        s
    }
}
