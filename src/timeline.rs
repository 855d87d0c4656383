//! Merge: one time-ordered timeline across sources. Order is `ts`, ties by
//! (file, line). The same record seen twice — syslog and a journal export
//! of the same host — becomes one event listing both sources. Export
//! writers (JSON lines for Timesketch, CSV, aligned text) live here too.

use crate::event::{Event, Fields, Kind, SourceRef, format_ts};
use crate::inventory::{Boot, Gap, Inventory, Skew, silence_threshold_us};
use crate::normalize::Zone;
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap, HashMap, VecDeque};
use std::io::Write;
use std::sync::Arc;

/// Copies of one record in two files are at most this far apart.
const SAME_RECORD_US: i64 = 1_000_000;

/// Sort and fold duplicates: each source is put in (ts, line) order, the
/// sources are merged k-way with ties by (file, line), and a record seen in
/// two files of one host within a second (syslog and a journal export) is
/// one event whose `also` lists the other copies. The copy with the finer
/// stamp (a journal's microseconds over syslog's whole seconds) is primary.
pub fn merge(events: Vec<Event>) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut fold = Folder::default();
    for e in in_order(events) {
        fold.push(e, &mut out);
    }
    // A fold may have moved a primary to its finer stamp, up to a second
    // later; the order is nearly right, so this sort is cheap.
    out.sort_by(|a, b| (a.ts, &a.source).cmp(&(b.ts, &b.source)));
    out
}

/// A source's next event in a k-way heap: (ts, file, line, run).
type Head = Reverse<(i64, Arc<str>, u32, usize)>;

/// Events in (ts, file, line) order; ties keep the order they came in
/// (within a file, the order they were read). The order of a k-way merge
/// of per-file runs, computed on indices: an event is 500-odd bytes, and
/// moving them through per-file runs, a heap and a final sort cost more
/// than the folding itself.
fn in_order(events: Vec<Event>) -> impl Iterator<Item = Event> {
    let mut idx: Vec<u32> = (0..events.len() as u32).collect();
    idx.sort_by(|&a, &b| {
        let (x, y) = (&events[a as usize], &events[b as usize]);
        x.ts.cmp(&y.ts).then_with(|| {
            let same = Arc::ptr_eq(&x.source.file, &y.source.file);
            let by_file = if same {
                Ordering::Equal
            } else {
                x.source.file.cmp(&y.source.file)
            };
            by_file.then(x.source.line.cmp(&y.source.line))
        })
    });
    let mut slots: Vec<Option<Event>> = events.into_iter().map(Some).collect();
    idx.into_iter()
        .filter_map(move |i| slots[i as usize].take())
}

/// The identity of a record across files: same host, program, pid and
/// message.
type RecordKey = (Arc<str>, Option<String>, Option<u32>, u64);

/// Folds copies of a record as events arrive in time order.
#[derive(Default)]
struct Folder {
    /// Key → (index in `out`, ts as first seen) of the last second or so,
    /// oldest first: a message repeated within a second in each of two
    /// files pairs up copy by copy.
    recent: HashMap<RecordKey, Cands>,
    purged_at: i64,
}

/// The recent copies of one record, oldest first.
#[derive(Default)]
struct Cands {
    list: Vec<(usize, i64)>,
    /// Per file, where in `list` its next search starts: every copy before
    /// already holds that file or is too old, and stays so as time only
    /// moves on. Without it a message repeated N times in one second (a
    /// flood, or an attacker's file) cost N² comparisons.
    from: HashMap<Arc<str>, usize>,
}

impl Folder {
    fn push(&mut self, e: Event, out: &mut Vec<Event>) {
        // Access lines repeat legitimately and have no second copy.
        if e.kind == Kind::HttpRequest || e.message.is_empty() {
            out.push(e);
            return;
        }
        if e.ts - self.purged_at > 2 * SAME_RECORD_US {
            let horizon = e.ts - SAME_RECORD_US;
            self.recent.retain(|_, c| {
                let before = c.list.len();
                c.list.retain(|(_, t)| *t >= horizon);
                if c.list.len() != before {
                    c.from.clear();
                }
                !c.list.is_empty()
            });
            self.purged_at = e.ts;
        }
        let key: RecordKey = (
            e.host.clone(),
            e.fields.program.clone(),
            e.fields.pid,
            hash_msg(&e.message),
        );
        let cands = self.recent.entry(key).or_default();
        // Repeats inside one file are real repeats, never folded together.
        let has_file = |o: &Event| sources(o).any(|s| s.file == e.source.file);
        let mut k = cands.from.get(&e.source.file).copied().unwrap_or(0);
        while let Some(&(j, t)) = cands.list.get(k) {
            if e.ts - t <= SAME_RECORD_US && !has_file(&out[j]) {
                break;
            }
            k += 1;
        }
        cands.from.insert(e.source.file.clone(), k);
        if let Some(&(j, _)) = cands.list.get(k) {
            fold_into(&mut out[j], e);
            return;
        }
        cands.list.push((out.len(), e.ts));
        out.push(e);
    }
}

fn fold_into(prim: &mut Event, mut dup: Event) {
    let finer = |ts: i64| ts % 1_000_000 != 0;
    if finer(dup.ts) && !finer(prim.ts) {
        std::mem::swap(prim, &mut dup);
        prim.also = std::mem::take(&mut dup.also);
    }
    prim.also.push(dup.source);
    prim.also.sort();
    let f: Fields = dup.fields;
    prim.fields.merge_missing(f);
    if prim.boot.is_none() {
        prim.boot = dup.boot;
    }
}

fn hash_msg(s: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// A source of events for [`stream_merge`]: the next batch of one member
/// (nearly in time order), or `None` at its end.
pub type Batches<'a> = Box<dyn FnMut() -> Option<Vec<Event>> + 'a>;

/// What a streaming merge saw.
#[derive(Debug, Default)]
pub struct StreamStats {
    pub written: u64,
    /// Events that came later than their time: more than a reorder window
    /// out of order in their own file. They are written when read.
    pub late: u64,
}

/// One member in the streaming merge: a buffer kept sorted, refilled from
/// the member's next window when it runs low, so a record out of order by
/// less than about a quarter of a window is put in its place.
struct Run<'a> {
    next: Batches<'a>,
    buf: VecDeque<Event>,
    low: usize,
    done: bool,
}

impl Run<'_> {
    fn fill(&mut self) {
        while !self.done && self.buf.len() <= self.low {
            match (self.next)() {
                Some(b) => {
                    if b.is_empty() {
                        continue;
                    }
                    self.low = self.low.max(b.len() / 4);
                    self.buf.extend(b);
                    // Nearly sorted: the adaptive sort is close to linear.
                    self.buf
                        .make_contiguous()
                        .sort_by_key(|e| (e.ts, e.source.line));
                }
                None => self.done = true,
            }
        }
    }
}

/// [`merge`] as a stream: per-member runs, k-way by (ts, file, line),
/// duplicates folded within a few seconds, boots assigned from `boots`
/// (the inventory's list), and each event handed to `out` in order. Memory
/// is a couple of windows per member and a few seconds of events.
pub fn stream_merge(
    sources: Vec<Batches<'_>>,
    boots: &[Boot],
    mut out: impl FnMut(&Event) -> std::io::Result<()>,
) -> std::io::Result<StreamStats> {
    let mut runs: Vec<Run<'_>> = sources
        .into_iter()
        .map(|next| Run {
            next,
            buf: VecDeque::new(),
            low: 0,
            done: false,
        })
        .collect();
    let mut heap: BinaryHeap<Head> = BinaryHeap::new();
    for (i, r) in runs.iter_mut().enumerate() {
        r.fill();
        if let Some(e) = r.buf.front() {
            heap.push(Reverse((e.ts, e.source.file.clone(), e.source.line, i)));
        }
    }
    let mut by_host: HashMap<&str, Vec<(i64, u32)>> = HashMap::new();
    for (i, b) in boots.iter().enumerate() {
        by_host
            .entry(b.host.as_str())
            .or_default()
            .push((b.at_us, i as u32));
    }
    for v in by_host.values_mut() {
        v.sort();
    }
    let mut stats = StreamStats::default();
    let mut last_out = i64::MIN;
    let mut emit = |mut e: Event, stats: &mut StreamStats| -> std::io::Result<()> {
        e.boot = by_host.get(&*e.host).and_then(|v| {
            let n = v.partition_point(|(t, _)| *t <= e.ts);
            (n > 0).then(|| v[n - 1].1)
        });
        if e.ts < last_out {
            stats.late += 1;
        }
        last_out = last_out.max(e.ts);
        stats.written += 1;
        out(&e)
    };
    let mut fold = StreamFolder::default();
    while let Some(Reverse((_, _, _, i))) = heap.pop() {
        let r = &mut runs[i];
        let Some(e) = r.buf.pop_front() else { continue };
        r.fill();
        if let Some(n) = r.buf.front() {
            heap.push(Reverse((n.ts, n.source.file.clone(), n.source.line, i)));
        }
        let now = e.ts;
        fold.push(e);
        for e in fold.ready(now) {
            emit(e, &mut stats)?;
        }
    }
    for e in fold.ready(i64::MAX) {
        emit(e, &mut stats)?;
    }
    Ok(stats)
}

/// [`Folder`] over a queue: events are released once no later event can
/// fold into them or sort before them.
#[derive(Default)]
struct StreamFolder {
    /// (ts as first seen, event), in arrival order; `front` is the
    /// sequence number of the first.
    q: VecDeque<(i64, Event)>,
    front: u64,
    recent: HashMap<RecordKey, Vec<(u64, i64)>>,
    purged_at: i64,
    /// Released from `q` but not yet safe to write (moved to a finer stamp).
    held: Vec<Event>,
}

impl StreamFolder {
    fn push(&mut self, e: Event) {
        let seq = self.front + self.q.len() as u64;
        if e.kind == Kind::HttpRequest || e.message.is_empty() {
            self.q.push_back((e.ts, e));
            return;
        }
        if e.ts - self.purged_at > 2 * SAME_RECORD_US {
            let horizon = e.ts - SAME_RECORD_US;
            self.recent.retain(|_, v| {
                v.retain(|(_, t)| *t >= horizon);
                !v.is_empty()
            });
            self.purged_at = e.ts;
        }
        let key: RecordKey = (
            e.host.clone(),
            e.fields.program.clone(),
            e.fields.pid,
            hash_msg(&e.message),
        );
        let cands = self.recent.entry(key).or_default();
        let front = self.front;
        let q = &self.q;
        let has_file = |o: &Event| sources(o).any(|s| s.file == e.source.file);
        if let Some(&(j, _)) = cands.iter().find(|(j, t)| {
            *j >= front && e.ts - t <= SAME_RECORD_US && !has_file(&q[(*j - front) as usize].1)
        }) {
            fold_into(&mut self.q[(j - front) as usize].1, e);
            return;
        }
        cands.push((seq, e.ts));
        self.q.push_back((e.ts, e));
    }

    /// Events that can be written now that the merge has reached `now`:
    /// a fold moves a record at most a second later, and nothing can fold
    /// into a record more than a second older than `now`.
    fn ready(&mut self, now: i64) -> Vec<Event> {
        let limit = now.saturating_sub(3 * SAME_RECORD_US);
        if self.q.front().is_none_or(|(t, _)| *t >= limit) && now != i64::MAX {
            return Vec::new();
        }
        let mut batch = std::mem::take(&mut self.held);
        while let Some((t, _)) = self.q.front() {
            if *t >= limit && now != i64::MAX {
                break;
            }
            let (_, e) = self.q.pop_front().expect("front exists");
            self.front += 1;
            batch.push(e);
        }
        batch.sort_by(|a, b| (a.ts, &a.source).cmp(&(b.ts, &b.source)));
        if now != i64::MAX {
            let keep = batch.partition_point(|e| e.ts < limit);
            self.held = batch.split_off(keep);
        }
        batch
    }
}

/// Everything the inventory can learn only from the events themselves:
/// which boot each event belongs to, per-source silences and clock skew.
/// Call it on the full event list, before filtering by kind or time.
pub fn annotate(inv: &mut Inventory, events: &mut [Event]) {
    assign_boots(events, &inv.boots);
    inv.gaps.extend(silences(events));
    inv.gaps
        .sort_by(|a, b| (&a.start, &a.host, &a.file).cmp(&(&b.start, &b.host, &b.file)));
    inv.skew = skew(events);
}

/// `Event.boot`: index into `boots` of the host's latest boot at or before
/// the event. Events before the first known boot stay `None`.
pub fn assign_boots(events: &mut [Event], boots: &[Boot]) {
    let mut by_host: HashMap<&str, Vec<(i64, u32)>> = HashMap::new();
    for (i, b) in boots.iter().enumerate() {
        by_host
            .entry(b.host.as_str())
            .or_default()
            .push((b.at_us, i as u32));
    }
    for v in by_host.values_mut() {
        v.sort();
    }
    for e in events {
        e.boot = by_host.get(&*e.host).and_then(|v| {
            let n = v.partition_point(|(t, _)| *t <= e.ts);
            (n > 0).then(|| v[n - 1].1)
        });
    }
}

/// Silences per source far beyond its usual spacing (the median gap
/// between its consecutive events).
pub fn silences(events: &[Event]) -> Vec<Gap> {
    let mut by_file: BTreeMap<(&str, &str), Vec<i64>> = BTreeMap::new();
    for e in events {
        by_file
            .entry((&e.source.file, &e.host))
            .or_default()
            .push(e.ts);
    }
    let mut out = Vec::new();
    for ((file, host), mut ts) in by_file {
        if ts.len() < 3 {
            continue;
        }
        ts.sort_unstable();
        let mut d: Vec<i64> = ts.windows(2).map(|w| w[1] - w[0]).collect();
        let mid = d.len() / 2;
        let median = *d.select_nth_unstable(mid).1;
        let limit = silence_threshold_us(median);
        for w in ts.windows(2) {
            if w[1] - w[0] > limit {
                out.push(Gap {
                    file: file.to_string(),
                    start: format_ts(w[0]),
                    end: format_ts(w[1]),
                    seconds: (w[1] - w[0]) / 1_000_000,
                    kind: "silence".into(),
                    host: host.to_string(),
                    next_file: None,
                });
            }
        }
    }
    out
}

/// Pairs further apart than this are not the same record.
const SKEW_WINDOW_US: i64 = 15 * 60 * 1_000_000;

/// Skew below this is noise (whole-second stamps).
const SKEW_REPORTED_US: i64 = 1_000_000;

/// Clock offsets between sources of one host, from the same message read
/// in both (a unique message per file, so repeats cannot pair wrongly) and
/// from a service start in the journal/syslog against the daemon's own log
/// of starting. The median of the pairs is the estimate; reported when
/// over a second and seen at least twice (one pair could be a coincidence
/// for the restart basis, so it needs two as well).
pub fn skew(events: &[Event]) -> Vec<Skew> {
    let mut seen: HashMap<RecordKey, HashMap<&str, (i64, u32)>> = HashMap::new();
    for e in events {
        if e.kind == Kind::HttpRequest || e.message.is_empty() {
            continue;
        }
        let key: RecordKey = (
            e.host.clone(),
            e.fields.program.clone(),
            e.fields.pid,
            hash_msg(&e.message),
        );
        let per = seen.entry(key).or_default();
        let c = per.entry(&e.source.file).or_insert((e.ts, 0));
        c.1 += 1;
    }
    let mut deltas: BTreeMap<(&str, &str), Vec<i64>> = BTreeMap::new();
    for per in seen.values() {
        if per.len() < 2 {
            continue;
        }
        let mut uniq: Vec<(&str, i64)> = per
            .iter()
            .filter(|(_, (_, n))| *n == 1)
            .map(|(f, (t, _))| (*f, *t))
            .collect();
        uniq.sort();
        for i in 0..uniq.len() {
            for j in i + 1..uniq.len() {
                let d = uniq[j].1 - uniq[i].1;
                if d.abs() <= SKEW_WINDOW_US {
                    deltas.entry((uniq[i].0, uniq[j].0)).or_default().push(d);
                }
            }
        }
    }
    let mut out = Vec::new();
    for ((a, b), mut d) in deltas {
        report_skew(&mut out, a, b, &mut d, "same message in both");
    }
    for ((a, b), mut d) in restart_pairs(events) {
        report_skew(
            &mut out,
            &a,
            &b,
            &mut d,
            "service start logged by systemd and by the daemon",
        );
    }
    for ((a, b), mut d) in ban_drop_pairs(events) {
        report_skew(
            &mut out,
            &a,
            &b,
            &mut d,
            "firewall drops from a banned address before its ban (a lower bound)",
        );
    }
    out
}

/// (fail2ban's file, the firewall log) → first drop minus ban, for bans
/// whose address the firewall dropped *before* the ban: with one clock the
/// drop could only follow it, so the difference is skew (at least).
fn ban_drop_pairs(events: &[Event]) -> BTreeMap<(String, String), Vec<i64>> {
    let mut drops: HashMap<(&str, &str), Vec<&Event>> = HashMap::new();
    for e in events {
        if e.kind == Kind::FirewallDrop
            && let Some(ip) = e.fields.src_ip.as_deref()
        {
            drops.entry((&e.host, ip)).or_default().push(e);
        }
    }
    let mut out: BTreeMap<(String, String), Vec<i64>> = BTreeMap::new();
    for b in events.iter().filter(|e| e.kind == Kind::BanAdd) {
        let Some(ip) = b.fields.src_ip.as_deref() else {
            continue;
        };
        let Some(ds) = drops.get(&(&*b.host, ip)) else {
            continue;
        };
        // The first drop near the ban, from another file.
        let first = ds
            .iter()
            .filter(|d| d.source.file != b.source.file && (d.ts - b.ts).abs() <= SKEW_WINDOW_US)
            .min_by_key(|d| d.ts);
        if let Some(d) = first
            && d.ts - b.ts < -SKEW_REPORTED_US
        {
            out.entry((b.source.file.to_string(), d.source.file.to_string()))
                .or_default()
                .push(d.ts - b.ts);
        }
    }
    out
}

fn report_skew(out: &mut Vec<Skew>, a: &str, b: &str, d: &mut [i64], basis: &str) {
    if d.len() < 2 {
        return;
    }
    d.sort_unstable();
    let median = d[d.len() / 2];
    if median.abs() > SKEW_REPORTED_US {
        out.push(Skew {
            a: a.to_string(),
            b: b.to_string(),
            seconds: median as f64 / 1e6,
            basis: format!("{basis} ({} pairs)", d.len()),
            pairs: d.len(),
        });
    }
}

/// (systemd's file, the daemon's file) → daemon's start minus systemd's,
/// for nginx: `Started nginx` against nginx's `start worker processes`.
fn restart_pairs(events: &[Event]) -> BTreeMap<(String, String), Vec<i64>> {
    let mut starts: Vec<&Event> = Vec::new();
    let mut own: Vec<&Event> = Vec::new();
    for e in events {
        if e.kind == Kind::ServiceStart
            && e.fields
                .unit
                .as_deref()
                .is_some_and(|u| u.starts_with("nginx"))
            && &*e.format != "nginx.error"
        {
            starts.push(e);
        } else if &*e.format == "nginx.error" && e.message.contains("start worker processes") {
            own.push(e);
        }
    }
    let mut out: BTreeMap<(String, String), Vec<i64>> = BTreeMap::new();
    for s in &starts {
        let best = own
            .iter()
            .filter(|o| o.host == s.host)
            .map(|o| (o.ts - s.ts, o))
            .filter(|(d, _)| d.abs() <= SKEW_WINDOW_US)
            .min_by_key(|(d, _)| d.abs());
        if let Some((d, o)) = best {
            // systemd logs "Started" after the daemon forked its workers:
            // the daemon's own line is normally a little earlier.
            out.entry((s.source.file.to_string(), o.source.file.to_string()))
                .or_default()
                .push(d);
        }
    }
    out
}

/// The sources of an event: its own and the folded copies.
pub fn sources(e: &Event) -> impl Iterator<Item = &SourceRef> {
    std::iter::once(&e.source).chain(e.also.iter())
}

/// Parse `--since`/`--until`: RFC 3339, or `YYYY-MM-DD HH:MM[:SS]` in UTC.
pub fn parse_bound(s: &str) -> Option<i64> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp_micros());
    }
    for f in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, f) {
            return Some(t.and_utc().timestamp_micros());
        }
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_micros())
}

pub fn write_jsonl(out: &mut dyn Write, events: &[Event]) -> std::io::Result<()> {
    for e in events {
        serde_json::to_writer(&mut *out, e)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

const CSV_COLUMNS: &[&str] = &[
    "datetime",
    "timestamp_desc",
    "message",
    "ts",
    "kind",
    "host",
    "file",
    "line",
    "format",
    "ts_inferred",
];

fn csv_field(s: &str) -> String {
    // Control characters, escape sequences and bidi overrides become
    // visible `\u{..}` text (a CSV is `cat` to terminals and opened in
    // spreadsheets); spreadsheet formulas are neutralised as well.
    let s = crate::report::escape::terminal(s);
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub fn write_csv(out: &mut dyn Write, events: &[Event]) -> std::io::Result<()> {
    write_csv_header(out)?;
    write_csv_rows(out, events)
}

pub fn write_csv_header(out: &mut dyn Write) -> std::io::Result<()> {
    let mut header: Vec<&str> = CSV_COLUMNS.to_vec();
    header.extend(Fields::NAMES.iter().copied());
    header.extend(["also_in", "boot"]);
    writeln!(out, "{}", header.join(","))
}

pub fn write_csv_rows(out: &mut dyn Write, events: &[Event]) -> std::io::Result<()> {
    for e in events {
        let ts = format_ts(e.ts);
        let mut inf = Vec::new();
        if e.ts_inferred & crate::event::inferred::YEAR != 0 {
            inf.push("year");
        }
        if e.ts_inferred & crate::event::inferred::ZONE != 0 {
            inf.push("zone");
        }
        let mut row = vec![
            ts.clone(),
            e.kind.as_str().to_string(),
            e.message.clone(),
            ts,
            e.kind.as_str().to_string(),
            e.host.to_string(),
            e.source.file.to_string(),
            e.source.line.to_string(),
            e.format.to_string(),
            inf.join(" "),
        ];
        for n in Fields::NAMES {
            row.push(e.fields.get(n).unwrap_or_default());
        }
        let also: Vec<String> = e
            .also
            .iter()
            .map(|a| format!("{}:{}", a.file, a.line))
            .collect();
        row.push(also.join(" "));
        row.push(e.boot.map(|b| b.to_string()).unwrap_or_default());
        let line: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        writeln!(out, "{}", line.join(","))?;
    }
    Ok(())
}

/// Aligned text: time (`~` marks an inferred year or zone), kind, host,
/// `file:line`, message. Column widths come from the events (capped, so
/// one odd host name cannot push every message off screen); every field is
/// passed through the terminal sanitiser because log lines are
/// attacker-written.
pub fn write_text(
    out: &mut dyn Write,
    events: &[Event],
    zone: Option<&Zone>,
) -> std::io::Result<()> {
    let width =
        |f: &dyn Fn(&Event) -> usize, cap: usize| events.iter().map(f).max().unwrap_or(0).min(cap);
    let widths = TextWidths {
        kind: width(&|e| e.kind.as_str().len(), 18),
        host: width(&|e| e.host.chars().count(), 24),
        src: width(
            &|e| e.source.file.chars().count() + 1 + e.source.line.to_string().len(),
            40,
        ),
    };
    write_text_rows(out, events, zone, &widths)
}

/// Column widths of the text timeline.
pub struct TextWidths {
    pub kind: usize,
    pub host: usize,
    pub src: usize,
}

pub fn write_text_rows(
    out: &mut dyn Write,
    events: &[Event],
    zone: Option<&Zone>,
    w: &TextWidths,
) -> std::io::Result<()> {
    use crate::report::escape::terminal;
    let (kind_w, host_w, src_w) = (w.kind, w.host, w.src);
    for e in events {
        let t = match zone {
            Some(z) => z.format_local(e.ts),
            None => format_ts(e.ts),
        };
        let mark = if e.ts_inferred != 0 { "~" } else { " " };
        let src = format!("{}:{}", terminal(&e.source.file), e.source.line);
        writeln!(
            out,
            "{t}{mark} {:<kind_w$} {:<host_w$} {:<src_w$}  {}",
            e.kind.as_str(),
            terminal(&e.host),
            src,
            terminal(&e.message)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::SourceRef;

    fn ev(ts: i64, file: &str, line: u32, msg: &str) -> Event {
        Event {
            ts,
            ts_inferred: 0,
            kind: Kind::ServiceStart,
            host: "h".into(),
            source: SourceRef {
                file: file.into(),
                line,
            },
            also: Vec::new(),
            format: "syslog".into(),
            message: msg.into(),
            fields: Fields {
                program: Some("systemd".into()),
                pid: Some(1),
                ..Fields::default()
            },
            boot: None,
        }
    }

    #[test]
    fn folds_syslog_and_journal_copies() {
        let evs = vec![
            ev(2_000_000, "var/log/syslog", 5, "Started nginx.service."),
            ev(2_123_456, "journal.json", 9, "Started nginx.service."),
            ev(2_500_000, "var/log/syslog", 6, "Started nginx.service."),
            ev(1_000_000, "var/log/syslog", 4, "other"),
        ];
        let m = merge(evs);
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].message, "other");
        // The journal's microseconds make it the primary copy.
        assert_eq!(&*m[1].source.file, "journal.json");
        assert_eq!(m[1].ts, 2_123_456);
        assert_eq!(
            m[1].also,
            vec![SourceRef {
                file: "var/log/syslog".into(),
                line: 5
            }]
        );
        // Sorted, and the same-file repeat is kept.
        assert_eq!(
            (&*m[2].source.file, m[2].source.line, m[2].also.len()),
            ("var/log/syslog", 6, 0)
        );
    }

    #[test]
    fn ties_by_file_then_line_and_sources_stay_ordered() {
        let evs = vec![
            ev(5_000_000, "b.log", 2, "x2"),
            ev(5_000_000, "b.log", 1, "x1"),
            ev(5_000_000, "a.log", 9, "y"),
            ev(4_000_000, "b.log", 3, "z"),
        ];
        let m = merge(evs);
        let order: Vec<(&str, u32)> = m.iter().map(|e| (&*e.source.file, e.source.line)).collect();
        assert_eq!(
            order,
            vec![("b.log", 3), ("a.log", 9), ("b.log", 1), ("b.log", 2)]
        );
    }

    fn boot(host: &str, at_us: i64, file: &str, how: &str) -> Boot {
        Boot {
            at: format_ts(at_us),
            host: host.into(),
            source: SourceRef {
                file: file.into(),
                line: 1,
            },
            how: how.into(),
            also: Vec::new(),
            boot_id: None,
            at_us,
        }
    }

    #[test]
    fn boots_dedup_and_assignment() {
        let raw = vec![
            boot("h", 100_000_000, "var/log/kern.log", "Linux version 6.1"),
            boot("h", 100_000_000, "var/log/syslog", "Linux version 6.1"),
            boot("h", 100_500_000, "journal.json", "journal boot 4a5b"),
            Boot {
                source: SourceRef {
                    file: "var/log/syslog".into(),
                    line: 7,
                },
                ..boot(
                    "h",
                    130_000_000,
                    "var/log/syslog",
                    "Startup finished in 2s (kernel) + 18s (userspace) = 20s.",
                )
            },
            // A user manager at a login two hours later: not a boot.
            boot(
                "h",
                7_300_000_000,
                "var/log/syslog",
                "Startup finished in 80ms.",
            ),
            boot("h", 5_000_000_000, "var/log/syslog", "Linux version 6.1"),
            boot("other", 100_000_000, "x/syslog", "Linux version 5.4"),
        ];
        let b = crate::inventory::dedup_boots(raw);
        assert_eq!(b.len(), 3);
        assert_eq!(
            (&*b[0].source.file, b[0].also.len(), b[0].boot_id.as_deref()),
            ("var/log/kern.log", 3, Some("4a5b"))
        );
        assert_eq!(b[1].host, "other");
        assert_eq!(b[2].at, "1970-01-01T01:23:20.000000Z");
        let mut evs = vec![
            ev(50_000_000, "s", 1, "before"),
            ev(200_000_000, "s", 2, "in first"),
            ev(6_000_000_000, "s", 3, "in second"),
        ];
        assign_boots(&mut evs, &b);
        assert_eq!(
            evs.iter().map(|e| e.boot).collect::<Vec<_>>(),
            vec![None, Some(0), Some(2)]
        );
    }

    #[test]
    fn silence_far_beyond_usual_spacing() {
        // Every minute for an hour, then nothing for 3 hours, then again.
        let mut evs: Vec<Event> = (0..60)
            .map(|i| ev(i * 60_000_000, "syslog", i as u32 + 1, "tick"))
            .collect();
        evs.push(ev(4 * 3_600_000_000, "syslog", 61, "tick"));
        let g = silences(&evs);
        assert_eq!(g.len(), 1);
        assert_eq!(
            (g[0].start.as_str(), g[0].end.as_str(), g[0].seconds),
            (
                "1970-01-01T00:59:00.000000Z",
                "1970-01-01T04:00:00.000000Z",
                10_860
            )
        );
        assert_eq!(g[0].kind, "silence");
    }

    #[test]
    fn skew_from_messages_seen_twice() {
        let mut evs = Vec::new();
        for i in 0..5 {
            let msg = format!("event {i}");
            evs.push(ev(i * 100_000_000, "syslog", i as u32, &msg));
            evs.push(ev(
                i * 100_000_000 + 7_000_000,
                "remote/messages",
                i as u32,
                &msg,
            ));
        }
        let k = skew(&evs);
        assert_eq!(k.len(), 1);
        assert_eq!(
            (k[0].a.as_str(), k[0].b.as_str(), k[0].seconds, k[0].pairs),
            ("remote/messages", "syslog", -7.0, 5)
        );
        // Whole-second truncation is not skew.
        let evs = vec![
            ev(1_000_000, "syslog", 1, "m"),
            ev(1_400_000, "j", 1, "m"),
            ev(9_000_000, "syslog", 2, "n"),
            ev(9_400_000, "j", 2, "n"),
        ];
        assert!(skew(&evs).is_empty());
    }

    #[test]
    fn skew_from_drops_before_bans() {
        let mut evs = Vec::new();
        for (i, ip) in ["203.0.113.7", "203.0.113.8"].iter().enumerate() {
            let t = (i as i64 + 1) * 600_000_000;
            let mut ban = ev(
                t,
                "var/log/fail2ban.log",
                i as u32 + 1,
                &format!("Ban {ip}"),
            );
            ban.kind = Kind::BanAdd;
            ban.fields.src_ip = Some(ip.to_string());
            let mut drop = ev(
                t - 42_000_000,
                "var/log/kern.log",
                i as u32 + 1,
                &format!("DROP SRC={ip}"),
            );
            drop.kind = Kind::FirewallDrop;
            drop.fields.src_ip = Some(ip.to_string());
            evs.push(ban);
            evs.push(drop);
        }
        let k = skew(&evs);
        assert_eq!(k.len(), 1);
        assert_eq!(
            (k[0].a.as_str(), k[0].b.as_str(), k[0].seconds),
            ("var/log/fail2ban.log", "var/log/kern.log", -42.0)
        );
    }

    #[test]
    fn coverage_gaps_between_rotated_files() {
        use crate::inventory::{Coverage, coverage_gaps};
        let c = |file: &str, age, first: i64, last: i64| Coverage {
            host: "h".into(),
            file: file.into(),
            first: first * 1_000_000,
            last: last * 1_000_000,
            events: 100,
            chain: (0, "access.log".into()),
            age,
        };
        let g = coverage_gaps(&[
            c("access.log.2.gz", 3, 0, 3600),
            c("access.log.1", 2, 90_000, 93_600),
            c("access.log", 0, 93_700, 97_200),
        ]);
        let kinds: Vec<(&str, &str, i64)> = g
            .iter()
            .map(|g| (g.kind.as_str(), g.file.as_str(), g.seconds))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("uncovered", "", 86_400),
                ("between_files", "access.log.2.gz", 86_400)
            ]
        );
        assert_eq!(g[1].next_file.as_deref(), Some("access.log.1"));
    }

    #[test]
    fn bounds() {
        assert_eq!(parse_bound("1970-01-01 00:01"), Some(60_000_000));
        assert_eq!(parse_bound("1970-01-01T00:00:01Z"), Some(1_000_000));
        assert_eq!(parse_bound("yesterday"), None);
    }
}
