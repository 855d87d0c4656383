//! What the user typed: clap definitions for the SPEC's command line
//! (`../shared/SPEC.md`, "Command line"), kept apart from the run itself.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "faultline",
    version,
    about = "Offline post-mortem of Linux server outages: one UTC timeline and an explanation with evidence"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Explain what changed before connectivity broke.
    Analyze {
        #[arg(required = true)]
        bundles: Vec<PathBuf>,
        #[arg(long, value_enum)]
        format: Option<AnalyzeFormat>,
        /// Write the report here instead of stdout.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// Replace client IPs, user names and host names by stable pseudonyms.
        #[arg(long)]
        redact: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Every event on one UTC timeline.
    Timeline {
        #[arg(required = true)]
        bundles: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "jsonl")]
        format: TimelineFormat,
        /// Only these kinds (comma-separated, e.g. `ban.add,firewall.drop`).
        #[arg(long, value_delimiter = ',')]
        kinds: Vec<String>,
        /// Include `log.other` (lines parsed but not classified).
        #[arg(long)]
        all: bool,
        /// Text format: print UTC (default is the host's local time).
        #[arg(long)]
        utc: bool,
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// What the bundle holds: files, formats, parse rates, sha256.
    Inventory {
        #[arg(required = true)]
        bundles: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: TextJson,
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// What the state snapshots say: listeners, firewall, units, config.
    State {
        #[arg(required = true)]
        bundles: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: TextJson,
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// List or check grammar files.
    Grammars {
        #[command(subcommand)]
        action: Option<GrammarsAction>,
        /// Extra or overriding grammar files.
        #[arg(long, global = true)]
        grammars: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum GrammarsAction {
    /// List the loaded grammars.
    List,
    /// Check grammar files: patterns compile, samples pass.
    Check { files: Vec<PathBuf> },
}

#[derive(Args, Debug, Clone)]
pub struct Common {
    /// Zone of local-time logs when the bundle does not say (IANA name or `+09:00`).
    #[arg(long)]
    pub tz: Option<String>,
    /// Year of year-less syslog stamps when it cannot be inferred.
    #[arg(long)]
    pub year: Option<i32>,
    /// Only events at or after T (RFC 3339 or `YYYY-MM-DD HH:MM[:SS]`, UTC).
    #[arg(long)]
    pub since: Option<String>,
    /// Only events before T.
    #[arg(long)]
    pub until: Option<String>,
    /// Extra or overriding grammar files.
    #[arg(long)]
    pub grammars: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    #[arg(long)]
    pub no_progress: bool,
    /// No warnings on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// Largest decompressed size of one member, MiB.
    #[arg(long, default_value_t = 2048)]
    pub max_decoded_mib: u64,
    /// Largest decompression ratio before a member is treated as a bomb.
    #[arg(long, default_value_t = 1000)]
    pub max_ratio: u64,
    /// Archives inside archives are opened to this depth.
    #[arg(long, default_value_t = 4)]
    pub max_depth: u32,
    /// Members beyond this count are skipped.
    #[arg(long, default_value_t = 200_000)]
    pub max_files: usize,
    /// Lines longer than this (KiB) are cut.
    #[arg(long, default_value_t = 1024)]
    pub max_line_kib: usize,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnalyzeFormat {
    Text,
    Md,
    Html,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimelineFormat {
    Jsonl,
    Csv,
    Text,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextJson {
    Text,
    Json,
}
