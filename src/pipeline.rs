//! Pipeline: wires the stages for one run over one or more bundles.
//!
//! 1. discover members; 2. in parallel, hash each as stored, decode its
//! head and detect its role; 3. read the bundle context (host, zone, nginx
//! `log_format`s, a year reference) from small members; 4. in parallel,
//! decode and parse every log into the caller's [`Sink`]; 5. collect state
//! snapshots; 6. build the inventory. Nothing is written anywhere.

use crate::decode::{self, Compression, Limits};
use crate::detect::{self, Role};
use crate::discover::{self, EntryKind, Member};
use crate::event::format_ts;
use crate::grammar::{self, GrammarError, GrammarSet};
use crate::inventory::{Boot, FileEntry, Inventory, UnparsedSample, Window};
use crate::normalize::{Clock, YearPlan, Zone, anchor_year};
use crate::parse::{self, Format, Sink, Stats, nginx, stamp};
use rayon::prelude::*;
use sha2::Digest;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum PipelineError {
    #[error(transparent)]
    Discover(#[from] discover::DiscoverError),
    #[error(transparent)]
    Grammar(#[from] GrammarError),
    #[error("{0}")]
    Samples(String),
}

/// Options shared by every subcommand.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub tz: Option<String>,
    pub year: Option<i32>,
    pub grammars_dir: Option<PathBuf>,
    pub limits: Limits,
    pub progress: bool,
}

/// Load the embedded grammars plus `--grammars DIR`, and refuse any whose
/// samples fail.
pub fn load_grammars(dir: Option<&Path>) -> Result<GrammarSet, PipelineError> {
    let (mut macros, mut gs) = grammar::load_embedded()?;
    if let Some(d) = dir {
        gs.extend(grammar::load_dir(d, &mut macros)?);
    }
    let set = GrammarSet::new(gs);
    let failures = crate::grammar_check::check_samples(&set);
    if !failures.is_empty() {
        return Err(PipelineError::Samples(failures.join("\n")));
    }
    Ok(set)
}

/// Head bytes decoded per member for detection.
const HEAD: usize = 64 << 10;

/// A member after hashing and detection.
pub struct Scanned {
    pub member: Member,
    pub sha256: Option<String>,
    pub compression: Compression,
    pub role: Role,
    /// Whole decoded content for small non-log members (state, config).
    pub content: Option<Arc<Vec<u8>>>,
    pub head: Vec<u8>,
    pub warnings: Vec<String>,
    /// Last stamp seen in the tail (plain files) or head, for year anchors.
    pub newest_year_stamp: Option<i64>,
}

/// Per-bundle facts used to read its logs.
#[derive(Clone, Debug)]
pub struct BundleContext {
    pub host: Arc<str>,
    pub host_source: String,
    pub zone: Zone,
    pub zone_source: String,
    pub zone_inferred: bool,
    pub nginx_formats: Arc<Vec<nginx::LogFormat>>,
    /// Newest year-bearing stamp in the bundle (Unix seconds) and where.
    pub year_reference: Option<(i64, String)>,
}

/// Everything a run produced besides what the sink kept.
pub struct Run<S> {
    pub inventory: Inventory,
    pub state: crate::state::State,
    pub contexts: Vec<BundleContext>,
    pub sink: S,
    pub grammar_ids: Vec<String>,
}

fn hex(bytes: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(H[(b >> 4) as usize] as char);
        s.push(H[(b & 15) as usize] as char);
    }
    s
}

/// Strip a sosreport's top directory (`sosreport-web1-2024-08-06/`) so
/// paths can be matched as `etc/…`, `var/log/…`, `sos_commands/…`.
pub fn rel_path(path: &str) -> &str {
    for marker in ["sos_commands/", "var/log/", "etc/", "usr/", "proc/", "run/"] {
        if let Some(p) = path.find(marker)
            && (p == 0 || path.as_bytes()[p - 1] == b'/')
        {
            return &path[p..];
        }
    }
    path
}

fn scan(
    member: Member,
    grammars: &GrammarSet,
    formats: &Arc<Vec<nginx::LogFormat>>,
    limits: &Limits,
) -> Scanned {
    let mut warnings = member.warnings.clone();
    let stored = match member.load() {
        Ok(s) => s,
        Err(e) => {
            warnings.push(format!("{e}; check permissions and re-copy the file"));
            return Scanned {
                member,
                sha256: None,
                compression: Compression::None,
                role: Role::Unknown,
                content: None,
                head: Vec::new(),
                warnings,
                newest_year_stamp: None,
            };
        }
    };
    let has_bytes = matches!(member.entry, EntryKind::File | EntryKind::Archive);
    let sha256 = has_bytes.then(|| hex(&sha2::Sha256::digest(&stored[..])));
    let compression = decode::sniff(&stored);
    let (head, complete) = if compression == Compression::None {
        let n = stored.len().min(HEAD);
        (stored[..n].to_vec(), n == stored.len())
    } else {
        let small = Limits {
            max_decoded: HEAD as u64,
            ..limits.clone()
        };
        let d = decode::decompress(&stored[..stored.len().min(1 << 20)], compression, &small);
        let complete = (d.data.len() as u64) < small.max_decoded && stored.len() <= 1 << 20;
        (d.data, complete)
    };
    let role = if member.entry == EntryKind::File {
        detect::detect(rel_path(&member.path), &head, complete, grammars, formats)
    } else {
        Role::Unknown
    };
    let small_text =
        matches!(role, Role::State(_) | Role::Config | Role::Unknown) && stored.len() < 16 << 20;
    let content = if small_text {
        if compression == Compression::None {
            Some(Arc::new(stored.to_vec()))
        } else {
            let d = decode::decompress(&stored, compression, limits);
            warnings.extend(d.warnings);
            Some(Arc::new(d.data))
        }
    } else {
        None
    };
    // The newest stamp with a year, for anchoring year-less files.
    let mut newest = None;
    if let Role::Log { format, .. } = &role {
        let tail: &[u8] = if compression == Compression::None {
            &stored[stored.len().saturating_sub(HEAD)..]
        } else {
            &head
        };
        newest = newest_year_stamp(format, tail, grammars);
    }
    Scanned {
        member,
        sha256,
        compression,
        role,
        content,
        head,
        warnings,
        newest_year_stamp: newest,
    }
}

/// The newest UTC second among lines of `tail` whose stamp carries a year
/// (offset ignored when absent: this is a reference, good to a day).
fn newest_year_stamp(format: &Format, tail: &[u8], grammars: &GrammarSet) -> Option<i64> {
    let clock = Clock::utc(Zone::Fixed(0));
    let mut best: Option<i64> = None;
    for line in tail.split(|&b| b == b'\n').rev().take(200) {
        let st = match format {
            Format::Syslog => parse::syslog::parse(line).map(|f| f.stamp),
            Format::NginxError => parse::nginx::error_line(line).map(|e| e.stamp),
            Format::JournalJson => parse::journal::json_line(line, 0)
                .and_then(|e| e.realtime_us)
                .map(stamp::Stamp::from_unix_us),
            Format::NginxAccess(f) => f.iter().find_map(|f| f.parse(line)).and_then(|a| a.stamp),
            Format::Line(i) => {
                let g = &grammars.grammars[*i];
                let mut last = 0;
                GrammarSet::match_line(g, line, &mut last).and_then(|(c, v)| {
                    c.name("ts")
                        .and_then(|m| parse::grammar_stamp(v.time, m.as_bytes()))
                })
            }
            Format::JournalExport => None,
        };
        let Some(st) = st else { continue };
        if st.year.is_none() && st.unix_us.is_none() {
            continue;
        }
        if let Some((us, _)) = clock.resolve(&st, 0) {
            let s = us / 1_000_000;
            best = Some(best.map_or(s, |b: i64| b.max(s)));
        }
    }
    best
}

fn first_line_text(c: &[u8]) -> Option<String> {
    let l = c.split(|&b| b == b'\n').next()?;
    let s = String::from_utf8_lossy(l).trim().to_string();
    (!s.is_empty() && s.len() < 256).then_some(s)
}

/// Host, zone, nginx formats and year reference of one bundle.
fn context(
    scanned: &[Scanned],
    bundle: usize,
    label: &str,
    opts: &Options,
    warnings: &mut Vec<String>,
) -> BundleContext {
    let mine: Vec<&Scanned> = scanned
        .iter()
        .filter(|s| s.member.bundle == bundle)
        .collect();
    let by_rel = |want: &str| {
        mine.iter()
            .find(|s| rel_path(&s.member.path) == want || s.member.path.as_ref() == want)
    };
    // Host.
    let mut host = None;
    for cand in [
        "hostname",
        "etc/hostname",
        "sos_commands/general/hostname",
        "sos_commands/host/hostname",
    ] {
        if let Some(s) = by_rel(cand)
            && let Some(c) = &s.content
            && let Some(h) = first_line_text(c)
        {
            host = Some((h, format!("{} ({})", cand, s.member.path)));
            break;
        }
    }
    let host = host.unwrap_or_else(|| {
        // The most common host field of the syslog heads.
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for s in &mine {
            if let Role::Log {
                format: Format::Syslog,
                ..
            } = s.role
            {
                for l in s.head.split(|&b| b == b'\n').take(50) {
                    if let Some(f) = parse::syslog::parse(l)
                        && let Some(h) = f.host
                    {
                        *counts
                            .entry(String::from_utf8_lossy(h).into_owned())
                            .or_default() += 1;
                    }
                }
            }
        }
        match counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        {
            Some((h, _)) => (h, "most common host name in syslog lines".into()),
            None => (
                label.to_string(),
                "bundle name (no hostname file or syslog host)".into(),
            ),
        }
    });
    // Zone.
    let mut zone: Option<(Zone, String)> = None;
    if let Some(s) = by_rel("etc/timezone")
        && let Some(c) = &s.content
        && let Some(z) = first_line_text(c).and_then(|t| Zone::parse(&t))
    {
        zone = Some((z, format!("{}", s.member.path)));
    }
    if zone.is_none()
        && let Some(s) = by_rel("etc/localtime")
        && let EntryKind::Symlink(t) = &s.member.entry
        && let Some(p) = t.find("zoneinfo/")
        && let Some(z) = Zone::parse(&t[p + 9..])
    {
        zone = Some((z, format!("{} -> {t}", s.member.path)));
    }
    if zone.is_none() {
        for s in &mine {
            let rp = rel_path(&s.member.path);
            if rp.contains("timedatectl")
                && let Some(c) = &s.content
            {
                let t = String::from_utf8_lossy(c);
                if let Some(line) = t.lines().find(|l| l.trim_start().starts_with("Time zone:"))
                    && let Some(name) = line.trim_start()["Time zone:".len()..]
                        .split_whitespace()
                        .next()
                    && let Some(z) = Zone::parse(name)
                {
                    zone = Some((z, format!("{} (timedatectl)", s.member.path)));
                    break;
                }
            }
        }
    }
    let mut zone_inferred = false;
    let (zone, zone_source) = match zone {
        Some(z) => z,
        None => match opts.tz.as_deref().and_then(Zone::parse) {
            Some(z) => (z, "--tz".to_string()),
            None => {
                zone_inferred = true;
                match nginx_offset(&mine) {
                    Some((o, path)) => (
                        Zone::Fixed(o),
                        format!(
                            "inferred from the $time_local offset in {path} (the bundle names no zone; pass --tz)"
                        ),
                    ),
                    None => {
                        warnings.push(format!(
                            "{label}: the bundle names no time zone (etc/timezone, etc/localtime, timedatectl); local stamps are read as UTC — pass --tz ZONE if the host was not on UTC"
                        ));
                        (
                            Zone::Fixed(0),
                            "UTC (no zone in the bundle and no --tz)".to_string(),
                        )
                    }
                }
            }
        },
    };
    // nginx log formats from configs.
    let mut fmts: Vec<nginx::LogFormat> = Vec::new();
    for s in &mine {
        let rp = rel_path(&s.member.path);
        if (rp.contains("nginx") || matches!(s.role, Role::State("nginx-conf")))
            && let Some(c) = &s.content
        {
            for f in nginx::log_formats_in_config(&String::from_utf8_lossy(c)) {
                if !fmts.iter().any(|x| x.name == f.name) {
                    fmts.push(f);
                }
            }
        }
    }
    let extra: Vec<_> = nginx::LogFormat::builtin()
        .into_iter()
        .filter(|b| !fmts.iter().any(|x| x.name == b.name))
        .collect();
    fmts.extend(extra);
    // Year reference.
    let year_reference = mine
        .iter()
        .filter_map(|s| s.newest_year_stamp.map(|t| (t, s.member.path.to_string())))
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    BundleContext {
        host: host.0.into(),
        host_source: host.1,
        zone,
        zone_source,
        zone_inferred,
        nginx_formats: Arc::new(fmts),
        year_reference,
    }
}

/// The offset of the first nginx access line of the bundle, if any.
fn nginx_offset(mine: &[&Scanned]) -> Option<(i32, String)> {
    for s in mine {
        if let Role::Log {
            format: Format::NginxAccess(f),
            ..
        } = &s.role
        {
            for l in s.head.split(|&b| b == b'\n').take(20) {
                if let Some(o) = f
                    .iter()
                    .find_map(|f| f.parse(l))
                    .and_then(|a| a.stamp)
                    .and_then(|s| s.offset)
                {
                    return Some((o, s.member.path.to_string()));
                }
            }
        }
    }
    None
}

/// Months of a year-less syslog file, one entry per change of month.
fn month_runs(data: &[u8]) -> (Vec<(u64, u8, u8)>, Option<(u8, u8)>) {
    let mut runs: Vec<(u64, u8, u8)> = Vec::new();
    let mut last: Option<(u8, u8)> = None;
    let mut pos = 0usize;
    while pos < data.len() {
        let end = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |p| pos + p);
        let line = &data[pos..end];
        let l = if line.first() == Some(&b'<') {
            memchr::memchr(b'>', line).map_or(line, |p| &line[p + 1..])
        } else {
            line
        };
        if let Some((st, _)) = stamp::bsd(l) {
            if runs.last().is_none_or(|r| r.1 != st.month) {
                runs.push((pos as u64, st.month, st.day));
            }
            last = Some((st.month, st.day));
        }
        pos = end + 1;
    }
    (runs, last)
}

/// Everything but the sink: what the run learned about the bundles.
pub fn run<S: Sink>(
    paths: &[PathBuf],
    opts: &Options,
    grammars: &GrammarSet,
    sink: S,
) -> Result<Run<S>, PipelineError> {
    let disc = discover::discover(paths, &opts.limits)?;
    let mut warnings = disc.warnings.clone();
    let builtin = Arc::new(nginx::LogFormat::builtin());
    // Detection needs the config's nginx formats, which need detection of
    // the config: scan once with the built-in formats, then re-detect
    // nginx-looking logs if the config defines custom ones.
    let mut scanned: Vec<Scanned> = disc
        .members
        .into_par_iter()
        .map(|m| scan(m, grammars, &builtin, &opts.limits))
        .collect();
    let contexts: Vec<BundleContext> = disc
        .bundles
        .iter()
        .enumerate()
        .map(|(i, label)| context(&scanned, i, label, opts, &mut warnings))
        .collect();
    for s in scanned.iter_mut() {
        let ctx = &contexts[s.member.bundle];
        if ctx.nginx_formats.len() > builtin.len() && !matches!(s.role, Role::State(_)) {
            let complete = s.head.len() < HEAD;
            let role = detect::detect(
                rel_path(&s.member.path),
                &s.head,
                complete,
                grammars,
                &ctx.nginx_formats,
            );
            if let Role::Log { .. } = role {
                s.role = role;
            }
        } else if let Role::Log {
            format: Format::NginxAccess(_),
            grammar,
            score,
            runner_up,
        } = &s.role
        {
            s.role = Role::Log {
                format: Format::NginxAccess(ctx.nginx_formats.clone()),
                grammar: grammar.clone(),
                score: *score,
                runner_up: runner_up.clone(),
            };
        }
    }
    // Parse logs in parallel.
    let progress = make_progress(
        opts.progress,
        scanned
            .iter()
            .filter(|s| matches!(s.role, Role::Log { .. }))
            .count(),
    );
    let forks: Vec<S> = scanned.iter().map(|_| sink.fork()).collect();
    let parsed: Vec<(S, Option<Stats>, Vec<String>, Option<String>)> = forks
        .into_par_iter()
        .zip(scanned.par_iter())
        .map(|(mut fork, s)| {
            let Role::Log {
                format, grammar, ..
            } = &s.role
            else {
                return (fork, None, Vec::new(), None);
            };
            let ctx = &contexts[s.member.bundle];
            let mut warns = Vec::new();
            let stored = match s.member.load() {
                Ok(st) => st,
                Err(e) => return (fork, None, vec![e], None),
            };
            let owned;
            let data: &[u8] = if s.compression == Compression::None {
                &stored
            } else {
                let d = decode::decompress(&stored, s.compression, &opts.limits);
                warns.extend(d.warnings);
                owned = d.data;
                &owned
            };
            let mut clock = Clock {
                zone: ctx.zone.clone(),
                zone_inferred: ctx.zone_inferred,
                years: YearPlan::default(),
                fixed_year: opts.year,
            };
            let mut year_note = None;
            if matches!(format, Format::Syslog) {
                let (runs, last) = month_runs(data);
                if let Some((m, d)) = last {
                    let (last_year, why) = if let Some(y) = opts.year {
                        (y, "--year".to_string())
                    } else if let Some((r, from)) = &ctx.year_reference {
                        (
                            anchor_year(m, d, *r),
                            format!(
                                "newest dated line in the bundle ({from}, {})",
                                format_ts(r * 1_000_000)
                            ),
                        )
                    } else if let Some(mt) = s.member.mtime {
                        (
                            anchor_year(m, d, mt),
                            format!("file modification time {}", format_ts(mt * 1_000_000)),
                        )
                    } else {
                        warns.push("year-less stamps and no year anywhere: pass --year".into());
                        (1970, "none (pass --year)".to_string())
                    };
                    clock.years = YearPlan::walk_back(&runs, last_year);
                    if !runs.is_empty() {
                        year_note = Some(format!("last line in {last_year}, from {why}"));
                    }
                }
            }
            let pctx = parse::Ctx {
                grammars,
                file: s.member.path.clone(),
                format_id: grammar.as_str().into(),
                host: ctx.host.clone(),
                clock: &clock,
                max_line: opts.limits.max_line,
            };
            let st = parse::parse(data, format, &pctx, &mut fork);
            if let Some(p) = &progress {
                p.inc(1);
            }
            (fork, Some(st), warns, year_note)
        })
        .collect();
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    let mut sink = sink;
    let mut files = Vec::new();
    let mut boots = Vec::new();
    let mut win_start: Option<i64> = None;
    let mut win_end: Option<i64> = None;
    for (s, (fork, stats, warns, year_note)) in scanned.iter().zip(parsed) {
        sink.join(fork);
        let ctx = &contexts[s.member.bundle];
        let mut w = s.warnings.clone();
        w.extend(warns);
        let (format, runner_up) = match &s.role {
            Role::Log {
                grammar, runner_up, ..
            } => (
                Some(grammar.clone()),
                runner_up.as_ref().map(|(g, sc)| format!("{g} ({sc:.2})")),
            ),
            Role::State(k) => (Some(format!("state:{k}")), None),
            Role::Config => (Some("config".into()), None),
            _ => (None, None),
        };
        let role = match (&s.member.entry, &s.role) {
            (EntryKind::Symlink(_), _) => "link".to_string(),
            (EntryKind::Special(_), _) => "special".to_string(),
            (EntryKind::Archive, _) => "archive".to_string(),
            (_, r) => r.name().to_string(),
        };
        let mut fe = FileEntry {
            path: s.member.path.to_string(),
            size: s.member.size,
            sha256: s.sha256.clone(),
            format,
            runner_up,
            role,
            compression: s.compression.as_str().to_string(),
            warnings: w,
            ..FileEntry::default()
        };
        if let Some(st) = stats {
            fe.lines = st.lines;
            fe.parsed = st.parsed;
            fe.unparsed = st.unparsed;
            fe.first_ts = st.first_ts.map(format_ts);
            fe.last_ts = st.last_ts.map(format_ts);
            fe.inferred = st.inferred;
            fe.long_lines = st.long_lines;
            fe.invalid_utf8_lines = st.invalid_utf8;
            if st.long_lines > 0 {
                fe.warnings.push(format!(
                    "{} line(s) longer than {} bytes were cut (raise --max-line-kib)",
                    st.long_lines, opts.limits.max_line
                ));
            }
            fe.unparsed_samples = st
                .unparsed_samples
                .into_iter()
                .map(|(line, text)| UnparsedSample { line, text })
                .collect();
            fe.zone = Some(format!("{} ({})", ctx.zone.name(), ctx.zone_source));
            fe.year_anchor = year_note;
            if let Some(a) = st.first_ts {
                win_start = Some(win_start.map_or(a, |w| w.min(a)));
            }
            if let Some(b) = st.last_ts {
                win_end = Some(win_end.map_or(b, |w| w.max(b)));
            }
            for (ts, line, how) in st.boots {
                boots.push(Boot {
                    at: format_ts(ts),
                    host: ctx.host.to_string(),
                    source: crate::event::SourceRef {
                        file: s.member.path.clone(),
                        line,
                    },
                    how,
                });
            }
        }
        files.push(fe);
    }
    boots.sort_by(|a, b| (&a.at, &a.source).cmp(&(&b.at, &b.source)));
    // State snapshots and configs.
    let inputs: Vec<crate::state::SnapshotInput<'_>> = scanned
        .iter()
        .filter(|s| matches!(s.role, Role::State(_) | Role::Config))
        .filter_map(|s| {
            s.content.as_ref().map(|c| crate::state::SnapshotInput {
                path: &s.member.path,
                data: c.as_slice(),
                mtime: s.member.mtime,
            })
        })
        .collect();
    let state = crate::state::collect(&inputs);
    let mut hosts: Vec<String> = contexts.iter().map(|c| c.host.to_string()).collect();
    hosts.sort();
    hosts.dedup();
    let inventory = Inventory {
        files,
        hosts,
        window: Window {
            start: win_start.map(format_ts),
            end: win_end.map(format_ts),
        },
        boots,
        gaps: Vec::new(),
        warnings,
    };
    Ok(Run {
        inventory,
        state,
        contexts,
        sink,
        grammar_ids: grammars.ids(),
    })
}

fn make_progress(enabled: bool, n: usize) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !enabled || n < 2 || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = indicatif::ProgressBar::new(n as u64);
    pb.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} parsing {pos}/{len} files {wide_bar} {elapsed}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(pb)
}
