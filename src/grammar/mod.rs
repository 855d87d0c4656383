//! Grammars: formats as data (`grammars/*.toml`, embedded at build time,
//! overridable with `--grammars DIR`). Three kinds:
//!
//! - `frame`: a hot, fixed format split by a hand-written parser
//!   (`syslog`, `journal.json`, `journal.export`, `nginx.access`,
//!   `nginx.error`); the file gives detection and samples.
//! - `line`: a whole-line format split by regex variants (`fail2ban.log`,
//!   `dpkg.log`, ...), with the stamp parsed by a named fixed-position
//!   parser, never a format string.
//! - `message`: rules on the message of syslog and journal records alike,
//!   chosen by program or unit (`sshd`, `systemd`, `kernel`, ...), so a
//!   rule is written once.
//!
//! Patterns use `<MACRO:field>` placeholders from `grammars/_macros.toml`
//! and compile as ASCII byte regexes. A grammar whose samples do not pass
//! does not load.

pub mod load;
mod matcher;
mod pattern;
mod prefilter;

pub use load::{GrammarError, load_dir, load_embedded, load_text};
pub use matcher::{GrammarSet, fill as fill_fields};
pub use pattern::{Caps, Match, Pattern};

use crate::event::Kind;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GrammarKind {
    Frame(String),
    Line,
    Message,
}

/// How to read the `ts` capture of a line grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeFormat {
    /// `YYYY-MM-DD[T ]hh:mm:ss[.,frac][offset]`, also `YYYY/MM/DD`.
    Iso,
    /// `Mmm dd hh:mm:ss` (year-less).
    Bsd,
    /// `dd/Mmm/yyyy:hh:mm:ss ±hhmm`.
    Clf,
    /// Seconds since the epoch, optional fraction (`1722952951.123`).
    Epoch,
    /// `[Tue Aug 06 14:02:31.123456 2024]`-style: weekday, BSD stamp, year.
    Ctime,
    /// `06-Aug-2024 14:02:31[.f]` (PHP-FPM, Java/Tomcat style).
    Dmy,
    /// `240806 14:02:31` or `240806  4:02:31` (MySQL ≤ 5.6, MariaDB crash
    /// reports): two-digit year, read as 20yy.
    Yymmdd,
}

impl TimeFormat {
    pub fn parse(s: &str) -> Option<TimeFormat> {
        Some(match s {
            "iso" => TimeFormat::Iso,
            "bsd" => TimeFormat::Bsd,
            "clf" => TimeFormat::Clf,
            "epoch" => TimeFormat::Epoch,
            "ctime" => TimeFormat::Ctime,
            "dmy" => TimeFormat::Dmy,
            "yymmdd" => TimeFormat::Yymmdd,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct Detect {
    pub paths: Vec<String>,
    pub globs: globset::GlobSet,
    /// Fraction of sniffed lines that must parse.
    pub min_ratio: f64,
    /// Tie-break between grammars that parse equally well.
    pub priority: i32,
}

#[derive(Clone, Debug)]
pub struct LineVariant {
    pub re: Pattern,
    pub time: TimeFormat,
}

#[derive(Clone, Debug)]
pub struct EventRule {
    pub re: Pattern,
    pub kind: Kind,
    /// Constant fields set when the rule matches.
    pub set: Vec<(String, String)>,
    /// The pattern text as written, for error messages.
    pub source: String,
}

#[derive(Clone, Debug)]
pub struct Sample {
    /// A whole line (frame and line grammars) or a message (message grammars).
    pub text: String,
    /// For message grammars: the program the message comes from.
    pub program: Option<String>,
    pub expect: Vec<(String, String)>,
    /// 1-based line of the `[[sample]]` in its file.
    pub at_line: usize,
}

#[derive(Clone, Debug)]
pub struct Grammar {
    pub id: String,
    pub kind: GrammarKind,
    pub description: String,
    pub detect: Option<Detect>,
    /// Message grammars: programs or units (lower case, `.service` stripped)
    /// they apply to; `*` for all.
    pub programs: Vec<String>,
    pub lines: Vec<LineVariant>,
    pub events: Vec<EventRule>,
    /// Line grammars: kind of a parsed line no rule matched.
    pub fallback: Kind,
    /// Line grammars: lines without a stamp that belong to the record
    /// before them (apt history blocks). They take that record's time.
    pub continuation: Option<Pattern>,
    pub samples: Vec<Sample>,
    /// Where it was loaded from (`embedded:sshd.toml` or a path).
    pub origin: String,
}
