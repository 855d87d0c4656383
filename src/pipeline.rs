//! Pipeline: wires the stages for one run over one or more bundles.
//!
//! 1. Discover members.
//! 2. In parallel, hash each as stored, decode its head and detect its role.
//! 3. Read the bundle context (host, zone, nginx `log_format`s, a year
//!    reference) from small members.
//! 4. In parallel, decode and parse every log into the caller's [`Sink`].
//! 5. Collect state snapshots.
//! 6. Build the inventory. Nothing is written anywhere.

use crate::decode::{self, Compression, Limits};
use crate::detect::{self, Role};
use crate::discover::{self, EntryKind, Member, Stored};
use crate::event::format_ts;
use crate::grammar::{self, GrammarError, GrammarSet, TimeFormat};
use crate::inventory::{
    Boot, Coverage, FileEntry, Inventory, UnparsedSample, Window, coverage_gaps, dedup_boots,
};
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
    /// The members, to quote evidence lines after the analysis.
    pub members: Vec<Member>,
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
    // A log is hashed while it is parsed (one pass over its bytes instead
    // of two); everything else here.
    let has_bytes = matches!(member.entry, EntryKind::File | EntryKind::Archive);
    let sha256 = (has_bytes && !matches!(role, Role::Log { .. })).then(|| sha256_of(&stored));
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

/// The sha256 of a member as stored, its mapped pages released behind.
fn sha256_of(stored: &Stored) -> String {
    let mut h = sha2::Sha256::new();
    for (a, b) in parse::split_chunks_raw(stored.len(), parse::WINDOW) {
        h.update(&stored[a..b]);
        release(stored, a, b);
    }
    hex(&h.finalize())
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
            // Binary: no lines to look at, and its stamps carry years anyway.
            Format::JournalFile => None,
            Format::JournalExport => line
                .strip_prefix(b"__REALTIME_TIMESTAMP=")
                .and_then(|v| std::str::from_utf8(v).ok()?.trim().parse::<i64>().ok())
                .map(stamp::Stamp::from_unix_us),
        };
        let Some(st) = st else { continue };
        if st.year.is_none() && st.unix_us.is_none() {
            continue;
        }
        if let Some((us, _)) = clock.resolve(&st, 0) {
            let s = us / 1_000_000;
            // One forged line (a journal realtime of -1 or i64::MAX, a
            // year 9999) must not move the year of every year-less file.
            if !(PLAUSIBLE_FROM..PLAUSIBLE_UNTIL).contains(&s) {
                continue;
            }
            best = Some(best.map_or(s, |b: i64| b.max(s)));
        }
    }
    best
}

/// Stamps usable as a year reference: 1990-01-01 to 2200-01-01 UTC.
const PLAUSIBLE_FROM: i64 = 631_152_000;
const PLAUSIBLE_UNTIL: i64 = 7_258_118_400;

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
        // `zoneinfo/posix/…` and `zoneinfo/right/…` name the same zones.
        && let Some(z) = Zone::parse(t[p + 9..].trim_start_matches("posix/").trim_start_matches("right/"))
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
                            "no zone in the bundle and no --tz".to_string(),
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

/// Months of a year-less syslog file, one entry per change of month, and
/// the (month, day) of its first and last stamped lines.
fn month_runs(scan: &mut YearScan, data: &[u8], base: u64) {
    for_each_bsd(data, |pos, st| {
        let pos = base + pos;
        if scan.runs.last().is_none_or(|r| r.1 != st.month) {
            scan.runs.push((pos, st.month, st.day));
        }
        if scan.first.is_none() {
            scan.first = Some((st.month, st.day));
        }
        scan.last = Some((st.month, st.day));
    });
}

/// [`month_runs`] for a line grammar with year-less (`bsd`) stamps.
fn grammar_month_runs(scan: &mut YearScan, data: &[u8], base: u64, g: &crate::grammar::Grammar) {
    let mut last_variant = 0;
    let mut pos = 0usize;
    while pos < data.len() {
        let end = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |p| pos + p);
        let line = &data[pos..end];
        let st = GrammarSet::match_line(g, line, &mut last_variant).and_then(|(c, v)| {
            c.name("ts")
                .and_then(|m| parse::grammar_stamp(v.time, m.as_bytes()))
        });
        if let Some(st) = st.filter(|st| st.year.is_none() && st.unix_us.is_none()) {
            if scan.runs.last().is_none_or(|r| r.1 != st.month) {
                scan.runs.push((base + pos as u64, st.month, st.day));
            }
            scan.first.get_or_insert((st.month, st.day));
            scan.last = Some((st.month, st.day));
        }
        pos = end + 1;
    }
}

/// Call `f(byte offset, stamp)` for every line that starts with a BSD
/// stamp (after an optional `<PRI>`).
fn for_each_bsd(data: &[u8], mut f: impl FnMut(u64, stamp::Stamp)) {
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
            f(pos as u64, st);
        }
        pos = end + 1;
    }
}

/// What the first pass over a year-less syslog file learned.
#[derive(Clone, Debug, Default)]
struct YearScan {
    runs: Vec<(u64, u8, u8)>,
    first: Option<(u8, u8)>,
    last: Option<(u8, u8)>,
}

/// The years of one year-less file and why.
#[derive(Clone, Debug)]
struct YearChoice {
    plan: YearPlan,
    note: String,
    warning: Option<String>,
}

/// `(rotation base, age)` of a log path: `syslog` is 0, `syslog.0` 1,
/// `syslog.1` 2, `syslog.2.gz` 3; dateext names (`syslog-20240805`) are
/// younger the later their date. Same base = one rotation chain.
pub fn rotation(path: &str) -> (String, u64) {
    let mut p = path;
    for ext in [".gz", ".xz", ".zst", ".bz2"] {
        if let Some(x) = p.strip_suffix(ext) {
            p = x;
            break;
        }
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if let Some((b, n)) = p.rsplit_once('.')
        && n.len() <= 4
        && digits(n)
        && let Ok(n) = n.parse::<u64>()
    {
        return (b.to_string(), n + 1);
    }
    if let Some((b, d)) = p.rsplit_once('-')
        && d.len() == 8
        && digits(d)
        && let Ok(d) = d.parse::<u64>()
    {
        return (b.to_string(), 100_000_000u64.saturating_sub(d).max(1));
    }
    (p.to_string(), 0)
}

/// The year in which (month, day) lies nearest to `reference`: a dated
/// line elsewhere in the bundle tells the year, not an upper bound — the
/// syslog may well go on after the access log stopped (that is the outage).
fn nearest_year(month: u8, day: u8, reference: i64) -> i32 {
    let Some(r) = chrono::DateTime::from_timestamp(reference, 0) else {
        return 1970;
    };
    let ry = chrono::Datelike::year(&r);
    let mut best = (i64::MAX, ry);
    for y in [ry - 1, ry, ry + 1] {
        let d = stamp::civil_seconds(y, month, day, 12, 0, 0)
            .or_else(|| stamp::civil_seconds(y, month, 28, 12, 0, 0));
        if let Some(d) = d
            && (d - reference).abs() < best.0
        {
            best = ((d - reference).abs(), y);
        }
    }
    best.1
}

/// The year of the last line of the newest file of a rotation chain.
fn chain_anchor(
    m: u8,
    d: u8,
    s: &Scanned,
    contexts: &[BundleContext],
    opts: &Options,
) -> (i32, String, Option<String>) {
    if let Some(y) = opts.year {
        return (y, "--year".into(), None);
    }
    let ctx = &contexts[s.member.bundle];
    if let Some((r, from)) = &ctx.year_reference {
        return (
            nearest_year(m, d, *r),
            format!(
                "nearest to the newest dated line of this host ({from}, {})",
                format_ts(r * 1_000_000)
            ),
            None,
        );
    }
    // Several hosts collected together share a calendar; another host's
    // dated line beats an mtime that `cp` or git may have reset.
    if let Some((r, from, host)) = contexts
        .iter()
        .filter_map(|c| c.year_reference.as_ref().map(|(r, f)| (*r, f, &c.host)))
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(a.1)))
    {
        return (
            nearest_year(m, d, r),
            format!(
                "nearest to the newest dated line of host {host} ({from}, {}); this host has none",
                format_ts(r * 1_000_000)
            ),
            None,
        );
    }
    if let Some(mt) = s.member.mtime {
        return (
            anchor_year(m, d, mt),
            format!(
                "not after the file modification time {}",
                format_ts(mt * 1_000_000)
            ),
            None,
        );
    }
    (
        1970,
        "none (pass --year)".into(),
        Some("year-less stamps and no year anywhere: pass --year".into()),
    )
}

/// Years for every year-less file. Rotation chains are walked newest
/// first: the newest file is anchored by policy ([`chain_anchor`]), each
/// older one must end no later than the next newer one begins.
fn plan_years(
    scanned: &[Scanned],
    scans: &[Option<YearScan>],
    contexts: &[BundleContext],
    opts: &Options,
) -> Vec<Option<YearChoice>> {
    let mut out: Vec<Option<YearChoice>> = vec![None; scanned.len()];
    let mut chains: BTreeMap<(usize, String), Vec<(u64, usize)>> = BTreeMap::new();
    for (i, sc) in scans.iter().enumerate() {
        if let Some(sc) = sc
            && sc.last.is_some()
        {
            let (base, age) = rotation(&scanned[i].member.path);
            chains
                .entry((scanned[i].member.bundle, base))
                .or_default()
                .push((age, i));
        }
    }
    for files in chains.values_mut() {
        files.sort();
        let mut newer: Option<(i64, &str)> = None;
        for &(_, i) in files.iter() {
            let Some(sc) = &scans[i] else { continue };
            let Some((m, d)) = sc.last else { continue };
            let (year, why, warning) = match newer {
                Some((t, p)) => (
                    anchor_year(m, d, t),
                    format!(
                        "ends before the next newer file {p} begins ({})",
                        format_ts(t * 1_000_000)
                    ),
                    None,
                ),
                None => chain_anchor(m, d, &scanned[i], contexts, opts),
            };
            let plan = YearPlan::walk_back(&sc.runs, year);
            if let (Some((fm, fd)), Some(fy)) = (sc.first, plan.spans.first().map(|s| s.1))
                && let Some(t) = stamp::civil_seconds(fy, fm, fd, 0, 0, 0)
            {
                newer = Some((t, &scanned[i].member.path));
            }
            let note = format!("last line in {year}: {why}");
            out[i] = Some(YearChoice {
                plan,
                note,
                warning,
            });
        }
    }
    out
}

/// Ranges of a syslog file in the second pass of a repeated DST hour.
/// Only worth a pass when the file can straddle a transition.
fn late_folds(
    stored: &Stored,
    compression: Compression,
    limits: &Limits,
    clock: &Clock,
    scan: Option<&YearScan>,
) -> Vec<(u64, u64)> {
    if !clock.zone.has_transitions() {
        return Vec::new();
    }
    let year = |off: u64| clock.years.year_at(off).or(clock.fixed_year);
    let edge = |md: Option<(u8, u8)>, off: u64| {
        md.and_then(|(m, d)| stamp::civil_seconds(year(off)?, m, d, 12, 0, 0))
    };
    let (Some(a), Some(b)) = (
        scan.and_then(|s| edge(s.first, 0)),
        scan.and_then(|s| edge(s.last, u64::MAX)),
    ) else {
        return Vec::new();
    };
    // A day of margin either side: the transition may fall on the first
    // or last day of the file.
    let (a, b) = (a - 86400, b + 86400);
    if b - a < 180 * 86400 && clock.zone.offset_at(a) == clock.zone.offset_at(b) {
        return Vec::new();
    }
    // Only the repeated hours and the line after each matter to the plan;
    // keeping just those holds memory to a few entries per transition.
    let mut lines = Vec::new();
    let mut after_fold = false;
    let mut visit = |off: u64, st: stamp::Stamp| {
        if st.offset.is_none()
            && let Some(y) = st.year.or_else(|| year(off))
            && let Some(l) =
                stamp::civil_seconds(y, st.month, st.day, st.hour, st.min, st.sec.min(59))
        {
            let folded = clock.zone.fold(l).is_some();
            if folded || after_fold {
                lines.push((off, l));
            }
            after_fold = folded;
        }
    };
    let mut base = 0u64;
    for_each_window(stored, compression, limits, &mut Vec::new(), |w| {
        for_each_bsd(w, |off, st| visit(base + off, st));
        base += w.len() as u64;
        true
    });
    crate::normalize::fold_plan(&clock.zone, lines)
}

/// Drop the resident pages of `[a, b)` of a memory-mapped member once
/// read: the map stays valid (a later read faults the pages back in from
/// the page cache), but the process's resident set stays near a window
/// instead of growing to the size of every file it read.
pub fn release(stored: &Stored, a: usize, b: usize) {
    const PAGE: usize = 4096;
    let Stored::Map(m) = stored else { return };
    let a = a.next_multiple_of(PAGE);
    let b = if b >= m.len() {
        m.len()
    } else {
        b / PAGE * PAGE
    };
    if b > a {
        // SAFETY: the map is a read-only file mapping that is never
        // written, so dropping its pages loses nothing: the next access
        // (even from another thread) faults them back in from the page
        // cache or the file. Offsets are page-aligned and inside the map.
        let _ = unsafe { m.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, a, b - a) };
    }
}

/// Call `f` on newline-aligned windows of a member's decoded bytes, in
/// order: windows of the map for plain files (released once `f` returns),
/// a window buffer for compressed ones. `f` returns `false` to stop.
pub fn for_each_window(
    stored: &Stored,
    c: Compression,
    limits: &Limits,
    warns: &mut Vec<String>,
    mut f: impl FnMut(&[u8]) -> bool,
) {
    if c == Compression::None {
        for (a, b) in parse::split_chunks(stored, parse::WINDOW) {
            let go = f(&stored[a..b]);
            release(stored, a, b);
            if !go {
                return;
            }
        }
    } else {
        decode::for_each_window(stored, c, limits, parse::WINDOW, warns, f);
    }
}

/// Run one stage; with `FAULTLINE_TIMING` set, print its wall time to
/// stderr (what the README's Performance section uses to find the slow
/// stage).
pub fn timed<T>(stage: &str, f: impl FnOnce() -> T) -> T {
    if std::env::var_os("FAULTLINE_TIMING").is_none() {
        return f();
    }
    let t = std::time::Instant::now();
    let r = f();
    eprintln!("timing: {stage:<10} {:>8.3} s", t.elapsed().as_secs_f64());
    r
}

/// Everything but the sink: what the run learned about the bundles.
pub fn run<S: Sink>(
    paths: &[PathBuf],
    opts: &Options,
    grammars: &GrammarSet,
    sink: S,
) -> Result<Run<S>, PipelineError> {
    Ok(prepare(paths, opts, grammars)?.parse_all(opts, grammars, sink))
}

/// What a run knows before parsing: members scanned and detected, the
/// bundle contexts and the year plans of year-less files.
pub struct Prepared {
    pub scanned: Vec<Scanned>,
    pub contexts: Vec<BundleContext>,
    year_scans: Vec<Option<YearScan>>,
    year_choices: Vec<Option<YearChoice>>,
    pub warnings: Vec<String>,
}

/// Stages 1–3: discover, scan and detect, read the contexts, plan years.
pub fn prepare(
    paths: &[PathBuf],
    opts: &Options,
    grammars: &GrammarSet,
) -> Result<Prepared, PipelineError> {
    let disc = timed("discover", || discover::discover(paths, &opts.limits))?;
    let mut warnings = disc.warnings.clone();
    let builtin = Arc::new(nginx::LogFormat::builtin());
    // Detection needs the config's nginx formats, which need detection of
    // the config: scan once with the built-in formats, then re-detect
    // nginx-looking logs if the config defines custom ones.
    let mut scanned: Vec<Scanned> = timed("scan", || {
        disc.members
            .into_par_iter()
            .map(|m| scan(m, grammars, &builtin, &opts.limits))
            .collect()
    });
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
    // Year-less syslog: a first pass for the months of each file, then
    // years per rotation chain, before the files are parsed in parallel.
    let year_scans: Vec<Option<YearScan>> = timed("years", || {
        scanned
            .par_iter()
            .map(|s| {
                let Role::Log { format, .. } = &s.role else {
                    return None;
                };
                let yearless_grammar = match format {
                    Format::Syslog => None,
                    Format::Line(i)
                        if grammars
                            .grammars
                            .get(*i)
                            .is_some_and(|g| g.lines.iter().any(|v| v.time == TimeFormat::Bsd)) =>
                    {
                        grammars.grammars.get(*i)
                    }
                    _ => return None,
                };
                let stored = s.member.load().ok()?;
                let mut scan = YearScan::default();
                let mut base = 0u64;
                for_each_window(&stored, s.compression, &opts.limits, &mut Vec::new(), |w| {
                    match yearless_grammar {
                        None => month_runs(&mut scan, w, base),
                        Some(g) => grammar_month_runs(&mut scan, w, base, g),
                    }
                    base += w.len() as u64;
                    true
                });
                Some(scan)
            })
            .collect()
    });
    let year_choices = plan_years(&scanned, &year_scans, &contexts, opts);
    Ok(Prepared {
        scanned,
        contexts,
        year_scans,
        year_choices,
        warnings,
    })
}

/// How one log member is read.
pub struct MemberPlan<'a> {
    pub scanned: &'a Scanned,
    pub format: &'a Format,
    pub grammar_id: Arc<str>,
    pub host: Arc<str>,
    pub clock: Clock,
    pub year_note: Option<String>,
    pub warnings: Vec<String>,
}

impl MemberPlan<'_> {
    pub fn ctx<'g>(&'g self, grammars: &'g GrammarSet, opts: &Options) -> parse::Ctx<'g> {
        parse::Ctx {
            grammars,
            file: self.scanned.member.path.clone(),
            format_id: self.grammar_id.clone(),
            host: self.host.clone(),
            clock: &self.clock,
            max_line: opts.limits.max_line,
        }
    }
}

/// One member's parse: its stats (logs only), warnings and the year-anchor
/// note.
pub type Parsed = (Option<Stats>, Vec<String>, Option<String>);

impl Prepared {
    /// The plan of member `i` if it is a log: its clock (with the late DST
    /// folds of a syslog file, which takes a pass over it) and notes.
    pub fn plan(&self, i: usize, opts: &Options, stored: &Stored) -> Option<MemberPlan<'_>> {
        let s = &self.scanned[i];
        let Role::Log {
            format, grammar, ..
        } = &s.role
        else {
            return None;
        };
        let ctx = &self.contexts[s.member.bundle];
        let mut warnings = Vec::new();
        let mut clock = Clock {
            zone: ctx.zone.clone(),
            zone_inferred: ctx.zone_inferred,
            years: YearPlan::default(),
            fixed_year: opts.year,
            late_fold: Vec::new(),
        };
        let mut year_note = None;
        if let Some(yc) = &self.year_choices[i] {
            clock.years = yc.plan.clone();
            year_note = Some(yc.note.clone());
            warnings.extend(yc.warning.clone());
        }
        if matches!(format, Format::Syslog) {
            clock.late_fold = late_folds(
                stored,
                s.compression,
                &opts.limits,
                &clock,
                self.year_scans[i].as_ref(),
            );
        }
        Some(MemberPlan {
            scanned: s,
            format,
            grammar_id: grammar.as_str().into(),
            host: ctx.host.clone(),
            clock,
            year_note,
            warnings,
        })
    }

    /// Parse member `i` (if it is a log) into `fork`.
    fn parse_one<S: Sink>(
        &self,
        i: usize,
        opts: &Options,
        grammars: &GrammarSet,
        fork: &mut S,
    ) -> Parsed {
        let s = &self.scanned[i];
        if !matches!(s.role, Role::Log { .. }) {
            return (None, Vec::new(), None);
        }
        let stored = match s.member.load() {
            Ok(st) => st,
            Err(e) => return (None, vec![e], None),
        };
        let Some(mut plan) = self.plan(i, opts, &stored) else {
            return (None, Vec::new(), None);
        };
        let st = timed(&format!("  {}", s.member.path), || {
            parse_member(&mut plan, &stored, opts, grammars, fork)
        });
        (Some(st), plan.warnings, plan.year_note)
    }

    /// Stage 4: parse every log in parallel into forks of `sink`, then
    /// build the inventory and read the snapshots.
    pub fn parse_all<S: Sink>(self, opts: &Options, grammars: &GrammarSet, sink: S) -> Run<S> {
        let progress = make_progress(
            opts.progress,
            self.scanned
                .iter()
                .filter(|s| matches!(s.role, Role::Log { .. }))
                .count(),
        );
        // Longest first: a compressed member is decoded on one thread and
        // cannot be split, so it starts before the plain files that the
        // threads can share; then by size. Results are joined in member
        // order whatever order they finished in.
        let mut order: Vec<usize> = (0..self.scanned.len()).collect();
        order.sort_by_key(|&i| {
            let s = &self.scanned[i];
            let log = matches!(s.role, Role::Log { .. });
            std::cmp::Reverse((log, s.compression != Compression::None, s.member.size))
        });
        let slots: Vec<std::sync::Mutex<Option<(S, Parsed)>>> = self
            .scanned
            .iter()
            .map(|_| std::sync::Mutex::new(None))
            .collect();
        let forks: Vec<(usize, S)> = order.iter().map(|&i| (i, sink.fork())).collect();
        timed("parse", || {
            rayon::scope_fifo(|sc| {
                let me = &self;
                for (i, mut fork) in forks {
                    let (slots, progress) = (&slots, &progress);
                    sc.spawn_fifo(move |_| {
                        let r = me.parse_one(i, opts, grammars, &mut fork);
                        if r.0.is_some()
                            && let Some(p) = progress
                        {
                            p.inc(1);
                        }
                        if let Ok(mut slot) = slots[i].lock() {
                            *slot = Some((fork, r));
                        }
                    });
                }
            })
        });
        let parsed: Vec<(S, Parsed)> = slots
            .into_iter()
            .filter_map(|m| m.into_inner().ok().flatten())
            .collect();
        if let Some(p) = progress {
            p.finish_and_clear();
        }
        let mut sink = sink;
        let mut results = Vec::with_capacity(parsed.len());
        timed("join", || {
            for (fork, r) in parsed {
                sink.join(fork);
                results.push(r);
            }
        });
        timed("finish", || self.finish(opts, grammars, sink, results))
    }

    /// Stages 5–6: the inventory from the parse stats, the snapshots.
    pub fn finish<S>(
        self,
        opts: &Options,
        grammars: &GrammarSet,
        sink: S,
        parsed: Vec<Parsed>,
    ) -> Run<S> {
        let Prepared {
            scanned,
            contexts,
            mut warnings,
            ..
        } = self;
        warnings.shrink_to_fit();
        let mut files = Vec::new();
        let mut boots = Vec::new();
        let mut coverage = Vec::new();
        let mut win_start: Option<i64> = None;
        let mut win_end: Option<i64> = None;
        for (s, (stats, warns, year_note)) in scanned.iter().zip(parsed) {
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
            let sha256 = s
                .sha256
                .clone()
                .or_else(|| stats.as_ref().and_then(|st| st.sha256.clone()))
                .or_else(|| {
                    // A log not hashed by its parse (a streamed timeline,
                    // a member that failed to load).
                    let bytes = matches!(s.member.entry, EntryKind::File | EntryKind::Archive);
                    let log = matches!(s.role, Role::Log { .. });
                    (bytes && log)
                        .then(|| s.member.load().ok())
                        .flatten()
                        .map(|st| sha256_of(&st))
                });
            let mut fe = FileEntry {
                path: s.member.path.to_string(),
                size: s.member.size,
                sha256,
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
                fe.warnings.extend(st.warnings.clone());
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
                fe.zone = Some(match &s.role {
                    Role::Log {
                        format: Format::JournalJson | Format::JournalExport | Format::JournalFile,
                        ..
                    } => "UTC (journal realtime stamps are UTC)".to_string(),
                    _ if ctx.zone_inferred => format!(
                        "{} (inferred: {}; an offset in a line wins)",
                        ctx.zone.name(),
                        ctx.zone_source
                    ),
                    _ => format!(
                        "{} ({}; an offset in a line wins)",
                        ctx.zone.name(),
                        ctx.zone_source
                    ),
                });
                fe.year_anchor = year_note;
                if let (Some(first), Some(last)) = (st.first_ts, st.last_ts) {
                    let (base, age) = rotation(&s.member.path);
                    coverage.push(Coverage {
                        host: ctx.host.to_string(),
                        file: s.member.path.to_string(),
                        first,
                        last,
                        events: st.parsed,
                        chain: (s.member.bundle, base),
                        age,
                    });
                }
                if let Some(a) = st.first_ts {
                    win_start = Some(win_start.map_or(a, |w| w.min(a)));
                }
                if let Some(b) = st.last_ts {
                    win_end = Some(win_end.map_or(b, |w| w.max(b)));
                }
                boots.extend(boots_of(s, ctx, st.boots));
            }
            files.push(fe);
        }
        let boots = dedup_boots(boots);
        let gaps = coverage_gaps(&coverage);
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
            gaps,
            skew: Vec::new(),
            warnings,
        };
        Run {
            inventory,
            state,
            contexts,
            sink,
            grammar_ids: grammars.ids(),
            members: scanned.into_iter().map(|s| s.member).collect(),
        }
    }
}

/// Bytes of a compressed member decoded ahead of the parser: a few chunks
/// for the threads to share, small enough that the buffers in flight stay
/// in memory already faulted in.
const DECODED_WINDOW: usize = 16 << 20;

/// Parse one log member into `sink`: plain files window by window through
/// the map (pages released behind), compressed ones decoded a window ahead
/// on a helper thread while the current window is parsed.
fn parse_member<S: Sink>(
    plan: &mut MemberPlan<'_>,
    stored: &Stored,
    opts: &Options,
    grammars: &GrammarSet,
    sink: &mut S,
) -> Stats {
    let c = plan.scanned.compression;
    let mut warns = Vec::new();
    let mut hasher = sha2::Sha256::new();
    let mut st = {
        let pctx = plan.ctx(grammars, opts);
        if c == Compression::None {
            // Each window is hashed on one thread while the others parse it.
            let mut hash = |w: &[u8]| hasher.update(w);
            parse::parse_released_with(stored, plan.format, &pctx, sink, &mut hash, &|a, b| {
                release(stored, a, b)
            })
        } else if matches!(
            plan.format,
            Format::JournalJson | Format::JournalExport | Format::JournalFile
        ) {
            // Journal formats carry state across entries: parsed whole.
            hasher.update(&stored[..]);
            let d = decode::decompress(stored, c, &opts.limits);
            warns.extend(d.warnings);
            parse::parse(&d.data, plan.format, &pctx, sink)
        } else {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
            // Parsed windows go back to the decoder to be refilled: a fresh
            // 64 MiB buffer per window cost a page fault per 4 KiB.
            let (back_tx, back_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
            std::thread::scope(|sc| {
                let dec = sc.spawn(move || {
                    let mut w =
                        decode::Windows::new(&stored[..], stored.len() as u64, c, &opts.limits);
                    while let Some(piece) = w.next_window(DECODED_WINDOW) {
                        let mut buf = back_rx.try_recv().unwrap_or_default();
                        buf.clear();
                        buf.extend_from_slice(piece);
                        if tx.send(buf).is_err() {
                            break;
                        }
                    }
                    w.warnings
                });
                // The stored bytes are hashed while the first window decodes.
                hasher.update(&stored[..]);
                let mut st = Stats::default();
                let (mut base, mut line) = (0u64, 1u32);
                for win in rx {
                    let (wst, n) = parse::parse_window(&win, base, line, plan.format, &pctx, sink);
                    st.join(wst);
                    base += win.len() as u64;
                    line = line.saturating_add(n);
                    let _ = back_tx.try_send(win);
                }
                warns.extend(dec.join().unwrap_or_default());
                st
            })
        }
    };
    plan.warnings.extend(warns);
    st.sha256 = Some(hex(&hasher.finalize()));
    st
}

/// The boots a member's parse saw, as inventory entries.
fn boots_of(s: &Scanned, ctx: &BundleContext, raw: Vec<(i64, u32, String)>) -> Vec<Boot> {
    raw.into_iter()
        .map(|(ts, line, how)| Boot {
            at: format_ts(ts),
            host: ctx.host.to_string(),
            source: crate::event::SourceRef {
                file: s.member.path.clone(),
                line,
            },
            how,
            also: Vec::new(),
            boot_id: None,
            at_us: ts,
        })
        .collect()
}

/// A sink that keeps nothing and builds no event.
struct NullSink;

impl Sink for NullSink {
    fn event(&mut self, _ev: crate::event::Event) {}
    fn fork(&self) -> Self {
        NullSink
    }
    fn join(&mut self, _other: Self) {}
    fn wants_event(&self, _kind: crate::event::Kind) -> bool {
        false
    }
}

/// A sink for one window of a streamed member: keeps the events of the
/// kinds asked for, builds none of the others.
struct KindSink<'k> {
    keep: &'k (dyn Fn(crate::event::Kind) -> bool + Sync),
    events: Vec<crate::event::Event>,
}

impl Sink for KindSink<'_> {
    fn event(&mut self, ev: crate::event::Event) {
        if (self.keep)(ev.kind) {
            self.events.push(ev);
        }
    }
    fn fork(&self) -> Self {
        KindSink {
            keep: self.keep,
            events: Vec::new(),
        }
    }
    fn join(&mut self, mut other: Self) {
        self.events.append(&mut other.events);
    }
    fn wants_event(&self, kind: crate::event::Kind) -> bool {
        (self.keep)(kind)
    }
}

/// A read-only cursor over a shared member, for decoders that own their
/// input.
struct SharedReader {
    stored: Arc<Stored>,
    pos: usize,
}

impl std::io::Read for SharedReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = &self.stored[self.pos.min(self.stored.len())..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
}

/// One log member parsed lazily, a window at a time, for the streaming
/// timeline.
pub struct MemberStream<'p> {
    index: usize,
    plan: MemberPlan<'p>,
    stored: Arc<Stored>,
    decoder: Option<decode::Windows<'static>>,
    /// Next byte of a plain member; `base`/`line` of the next window.
    pos: usize,
    base: u64,
    line: u32,
    window: usize,
    pub stats: Stats,
    done: bool,
}

impl MemberStream<'_> {
    /// The events of the next window (possibly none), or `None` at the end.
    pub fn next_batch(
        &mut self,
        opts: &Options,
        grammars: &GrammarSet,
        keep: &(dyn Fn(crate::event::Kind) -> bool + Sync),
    ) -> Option<Vec<crate::event::Event>> {
        if self.done {
            return None;
        }
        let mut sink = KindSink {
            keep,
            events: Vec::new(),
        };
        let c = self.plan.scanned.compression;
        let whole_json = matches!(self.plan.format, Format::JournalJson) && c != Compression::None;
        if whole_json
            || matches!(
                self.plan.format,
                Format::JournalExport | Format::JournalFile
            )
        {
            // Export streams and binary journals carry state across entries
            // and are parsed whole; a plain JSON export streams like a log
            // (each window looks back for the previous entry's boot id).
            self.done = true;
            let pctx = self.plan.ctx(grammars, opts);
            let st = if c == Compression::None {
                parse::parse(&self.stored, self.plan.format, &pctx, &mut sink)
            } else {
                let d = decode::decompress(&self.stored, c, &opts.limits);
                let st = parse::parse(&d.data, self.plan.format, &pctx, &mut sink);
                self.plan.warnings.extend(d.warnings);
                st
            };
            self.stats.join(st);
            return Some(sink.events);
        }
        let pctx = self.plan.ctx(grammars, opts);
        let mut late_warnings = Vec::new();
        let (st, n, len) = if c == Compression::None {
            let data: &[u8] = &self.stored;
            if self.pos >= data.len() {
                self.done = true;
                return None;
            }
            let end = (self.pos + self.window).min(data.len());
            let end = if end < data.len() {
                memchr::memchr(b'\n', &data[end..]).map_or(data.len(), |p| end + p + 1)
            } else {
                end
            };
            let (a, b) = (self.pos, end);
            let (st, n) = parse::parse_span_at(
                data,
                a,
                b,
                self.base,
                self.line,
                STREAM_CHUNK,
                self.plan.format,
                &pctx,
                &mut sink,
            );
            release(&self.stored, a, b);
            self.pos = b;
            (st, n, b - a)
        } else {
            let dec = self.decoder.get_or_insert_with(|| {
                let r = SharedReader {
                    stored: self.stored.clone(),
                    pos: 0,
                };
                decode::Windows::new(r, self.stored.len() as u64, c, &opts.limits)
            });
            let Some(w) = dec.next_window(self.window) else {
                self.done = true;
                late_warnings.append(&mut dec.warnings);
                drop(pctx);
                self.plan.warnings.append(&mut late_warnings);
                return None;
            };
            let (st, n) = parse::parse_window_in(
                w,
                self.base,
                self.line,
                STREAM_CHUNK,
                self.plan.format,
                &pctx,
                &mut sink,
            );
            (st, n, w.len())
        };
        self.stats.join(st);
        self.base += len as u64;
        self.line = self.line.saturating_add(n);
        Some(sink.events)
    }
}

/// Bytes per window of a streamed member: the parse of a window is split
/// across the cores, and its events are what a member holds in memory.
pub const STREAM_WINDOW: usize = 4 << 20;

/// Chunks of a streamed window, parsed in parallel.
const STREAM_CHUNK: usize = 1 << 20;

impl Prepared {
    /// Total stored bytes of the log members.
    pub fn log_bytes(&self) -> u64 {
        self.scanned
            .iter()
            .filter(|s| matches!(s.role, Role::Log { .. }))
            .map(|s| s.member.size)
            .sum()
    }

    /// The boots of the bundles, deduplicated as the inventory lists them,
    /// from a pass over the members that can report one (syslog, journals,
    /// line grammars) that builds no events.
    pub fn boots(&self, opts: &Options, grammars: &GrammarSet) -> Vec<Boot> {
        let raw: Vec<Vec<Boot>> = self
            .scanned
            .par_iter()
            .enumerate()
            .map(|(i, s)| {
                let Role::Log { format, .. } = &s.role else {
                    return Vec::new();
                };
                if matches!(format, Format::NginxAccess(_) | Format::NginxError) {
                    return Vec::new();
                }
                let Ok(stored) = s.member.load() else {
                    return Vec::new();
                };
                let Some(mut plan) = self.plan(i, opts, &stored) else {
                    return Vec::new();
                };
                let st = parse_member(&mut plan, &stored, opts, grammars, &mut NullSink);
                boots_of(s, &self.contexts[s.member.bundle], st.boots)
            })
            .collect();
        dedup_boots(raw.into_iter().flatten().collect())
    }

    /// A lazy stream per log member.
    pub fn streams(&self, opts: &Options) -> (Vec<MemberStream<'_>>, Vec<(usize, String)>) {
        let mut out = Vec::new();
        let mut failed = Vec::new();
        for (i, s) in self.scanned.iter().enumerate() {
            if !matches!(s.role, Role::Log { .. }) {
                continue;
            }
            let stored = match s.member.load() {
                Ok(st) => st,
                Err(e) => {
                    failed.push((i, e));
                    continue;
                }
            };
            let Some(plan) = self.plan(i, opts, &stored) else {
                continue;
            };
            out.push(MemberStream {
                index: i,
                plan,
                stored: Arc::new(stored),
                decoder: None,
                pos: 0,
                base: 0,
                line: 1,
                window: STREAM_WINDOW,
                stats: Stats::default(),
                done: false,
            });
        }
        (out, failed)
    }

    /// The per-member results of a streamed parse, for [`Prepared::finish`].
    pub fn stream_results(
        &self,
        streams: Vec<MemberStream<'_>>,
        failed: Vec<(usize, String)>,
    ) -> Vec<Parsed> {
        let mut parsed: Vec<Parsed> = self
            .scanned
            .iter()
            .map(|_| (None, Vec::new(), None))
            .collect();
        for m in streams {
            parsed[m.index] = (Some(m.stats), m.plan.warnings, m.plan.year_note);
        }
        for (i, e) in failed {
            parsed[i].1.push(e);
        }
        parsed
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_chains() {
        assert_eq!(rotation("var/log/syslog"), ("var/log/syslog".into(), 0));
        assert_eq!(rotation("var/log/syslog.0"), ("var/log/syslog".into(), 1));
        assert_eq!(rotation("var/log/syslog.1"), ("var/log/syslog".into(), 2));
        assert_eq!(
            rotation("var/log/syslog.3.gz"),
            ("var/log/syslog".into(), 4)
        );
        let (b, young) = rotation("var/log/messages-20240806");
        let (_, old) = rotation("var/log/messages-20240730.xz");
        assert_eq!(b, "var/log/messages");
        assert!(0 < young && young < old);
        // A dotted name that is not a rotation index stays whole.
        assert_eq!(
            rotation("var/log/nginx/access.log"),
            ("var/log/nginx/access.log".into(), 0)
        );
    }

    #[test]
    fn nearest_year_goes_both_ways() {
        let r = stamp::civil_seconds(2025, 1, 2, 12, 0, 0).unwrap();
        assert_eq!(nearest_year(12, 31, r), 2024);
        // The syslog may run on for days after the dated source stopped.
        assert_eq!(nearest_year(1, 9, r), 2025);
        let r = stamp::civil_seconds(2024, 12, 30, 0, 0, 0).unwrap();
        assert_eq!(nearest_year(1, 3, r), 2025);
        assert_eq!(nearest_year(2, 29, r), 2025);
    }
}
