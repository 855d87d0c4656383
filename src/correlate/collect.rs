//! The analysis sink: keeps the few events that can be changes or
//! evidence, and folds the high-volume ones (access lines, firewall drops,
//! auth failures) into per-minute and per-client aggregates, so memory
//! grows with minutes and distinct clients, not with lines.

use crate::event::{Event, Kind, SourceRef};
use crate::parse::{Sink, Tally};
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

/// The Fx hash (rustc's): keys here are short strings and small tuples
/// hashed once per line; SipHash's DoS resistance buys nothing for maps
/// that live for one run, and it dominated the profile.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(K);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u16(&mut self, i: u16) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Unix minute of a µs timestamp.
pub fn minute(ts: i64) -> i64 {
    ts.div_euclid(60_000_000)
}

/// A first/last pair with its evidence.
#[derive(Clone, Debug)]
pub struct Span {
    pub count: u64,
    pub first: (i64, SourceRef),
    pub last: (i64, SourceRef),
}

/// `(ts, file, line)` against a kept `(ts, source)`; the file's text is
/// compared only when the stamps tie and the paths are not one `Arc`.
fn cmp_at(ts: i64, file: &Arc<str>, line: u32, b: &(i64, SourceRef)) -> Ordering {
    ts.cmp(&b.0).then_with(|| {
        if Arc::ptr_eq(file, &b.1.file) {
            line.cmp(&b.1.line)
        } else {
            (**file).cmp(&*b.1.file).then(line.cmp(&b.1.line))
        }
    })
}

/// Overwrite a kept `(ts, source)`, reusing its `Arc` when the file is the same.
fn set_at(dst: &mut (i64, SourceRef), ts: i64, file: &Arc<str>, line: u32) {
    dst.0 = ts;
    if !Arc::ptr_eq(file, &dst.1.file) {
        dst.1.file = file.clone();
    }
    dst.1.line = line;
}

impl Span {
    fn new_at(ts: i64, file: &Arc<str>, line: u32) -> Span {
        let src = SourceRef {
            file: file.clone(),
            line,
        };
        Span {
            count: 1,
            first: (ts, src.clone()),
            last: (ts, src),
        }
    }

    fn add_at(&mut self, ts: i64, file: &Arc<str>, line: u32) {
        self.count += 1;
        if cmp_at(ts, file, line, &self.first) == Ordering::Less {
            set_at(&mut self.first, ts, file, line);
        }
        if cmp_at(ts, file, line, &self.last) == Ordering::Greater {
            set_at(&mut self.last, ts, file, line);
        }
    }

    fn join(&mut self, o: Span) {
        self.count += o.count;
        if (o.first.0, &o.first.1) < (self.first.0, &self.first.1) {
            self.first = o.first;
        }
        if (o.last.0, &o.last.1) > (self.last.0, &self.last.1) {
            self.last = o.last;
        }
    }
}

fn join_spans<K: std::hash::Hash + Eq>(a: &mut HashMap<K, Span>, b: HashMap<K, Span>) {
    for (k, v) in b {
        match a.get_mut(&k) {
            Some(s) => s.join(v),
            None => {
                a.insert(k, v);
            }
        }
    }
}

/// The number of an IPv4 address written in canonical dotted-quad form.
/// Leading zeros are refused so that the number prints back to the very
/// same text: keys must stay one-to-one with the addresses as logged.
pub fn parse_v4(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    let digit = |i: usize| b.get(i).map(|c| c.wrapping_sub(b'0')).filter(|d| *d < 10);
    let mut i = 0;
    let mut acc = 0u32;
    for k in 0..4 {
        if k > 0 {
            if b.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
        let mut v = digit(i)? as u32;
        i += 1;
        // A leading zero is the whole octet; a digit after it fails below.
        if v != 0 {
            while let Some(d) = digit(i) {
                v = v * 10 + d as u32;
                i += 1;
                if v > 255 {
                    return None;
                }
            }
        }
        acc = acc << 8 | v;
    }
    (i == b.len()).then_some(acc)
}

/// An address as a key: canonical IPv4 as its number, anything else
/// (IPv6, host names, odd spellings) as its text.
#[derive(Clone, Copy)]
enum Addr<'a> {
    V4(u32),
    Name(&'a str),
}

impl<'a> Addr<'a> {
    fn of(s: &'a str) -> Addr<'a> {
        parse_v4(s).map_or(Addr::Name(s), Addr::V4)
    }
}

/// Where and when something was read, with the file as an index into the
/// owning map's file table: 16 bytes and no reference count to bump.
#[derive(Clone, Copy)]
struct At {
    ts: i64,
    file: u32,
    line: u32,
}

/// [`Span`] as kept per address.
#[derive(Clone, Copy)]
struct Hits {
    count: u64,
    first: At,
    last: At,
}

/// `(ts, file, line)` order, as [`cmp_at`]; the paths' text is compared
/// only when the stamps tie across files.
fn cmp_in(files: &[Arc<str>], a: At, b: At) -> Ordering {
    a.ts.cmp(&b.ts).then_with(|| {
        if a.file == b.file {
            a.line.cmp(&b.line)
        } else {
            files[a.file as usize]
                .cmp(&files[b.file as usize])
                .then(a.line.cmp(&b.line))
        }
    })
}

impl Hits {
    fn new(at: At) -> Hits {
        Hits {
            count: 1,
            first: at,
            last: at,
        }
    }

    fn add(&mut self, files: &[Arc<str>], at: At) {
        self.count += 1;
        if cmp_in(files, at, self.first) == Ordering::Less {
            self.first = at;
        }
        if cmp_in(files, at, self.last) == Ordering::Greater {
            self.last = at;
        }
    }

    fn join(&mut self, files: &[Arc<str>], o: Hits, fold: Fold) {
        self.count = match fold {
            Fold::Sum => self.count + o.count,
            // Copies of one record carry its stamp to within a second or
            // two (syslog rounds, the journal keeps µs): hits a minute
            // apart or more are different records, and they add.
            Fold::Copies
                if o.first.ts <= self.last.ts + COPY_SLACK
                    && self.first.ts <= o.last.ts + COPY_SLACK =>
            {
                self.count.max(o.count)
            }
            Fold::Copies => self.count + o.count,
        };
        if cmp_in(files, o.first, self.first) == Ordering::Less {
            self.first = o.first;
        }
        if cmp_in(files, o.last, self.last) == Ordering::Greater {
            self.last = o.last;
        }
    }
}

/// How two aggregates of the same thing combine.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Fold {
    /// Disjoint parts of one log family (chunks of a file, its
    /// rotations): every record is counted once, so counts add.
    Sum,
    /// Two log families that may hold copies of the same records (syslog
    /// and a journal export of the same kernel lines): where they overlap
    /// in time the larger count stands, so a record is not counted once
    /// per copy, and one seen by a single family still counts.
    Copies,
}

/// Hits of one address in two families closer than this overlap (see
/// [`Hits::join`]).
const COPY_SLACK: i64 = 60_000_000;

/// Fold `b` into `a`, walking the smaller of the two: a whole file's map
/// into an empty one is a move. A map just pruned keeps its table, though,
/// and a chunk's few thousand clients go into it: swapping in the chunk's
/// small table would only grow it again, rehashing all the way. (Either
/// fold is symmetric, so which side is walked does not matter.)
fn merge_hits<K: std::hash::Hash + Eq>(
    a: &mut HashMap<K, Hits>,
    mut b: HashMap<K, Hits>,
    files: &[Arc<str>],
    fold: Fold,
) {
    if b.len() > a.len() && b.capacity() >= a.capacity() {
        std::mem::swap(a, &mut b);
    }
    for (k, v) in b {
        match a.entry(k) {
            Entry::Occupied(e) => e.into_mut().join(files, v, fold),
            Entry::Vacant(e) => {
                e.insert(v);
            }
        }
    }
}

/// An IPv4 key, hashed as one word (the default `u32` hash feeds the Fx
/// hasher byte by byte).
#[derive(Clone, Copy, PartialEq, Eq)]
struct V4(u32);

impl std::hash::Hash for V4 {
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u64(self.0 as u64);
    }
}

/// IPv4 maps per [`AddrMap`]: a chunk's join into its file's map is the
/// serial step of parsing a big access log, and shards join in parallel.
const SHARDS: usize = 8;

/// A join with fewer new entries than this stays on the calling thread.
const PAR_JOIN: usize = 4096;

fn shard(a: u32) -> usize {
    // Top bits of a multiplicative hash: the maps place keys by the low
    // bits of theirs, so a shard still spreads over its whole table.
    (a.wrapping_mul(0x9e37_79b9) >> (32 - SHARDS.trailing_zeros())) as usize
}

/// Per-address spans (clients, drop sources, failed logins). There are
/// millions of distinct addresses in a scan or a crowd, nearly all IPv4:
/// those are keyed by number, so a new one allocates nothing and a join
/// hashes a `u32`; evidence files are indices into a table of the paths
/// seen. Read through [`AddrMap::get`] and friends, which give [`Span`]s.
#[derive(Default)]
pub struct AddrMap {
    v4: [HashMap<V4, Hits>; SHARDS],
    names: HashMap<Box<str>, Hits>,
    files: Vec<Arc<str>>,
    /// Index of the file last added from: lines come a file at a time.
    cur: u32,
    /// Size that triggers the next pruning (see [`AddrMap::bound`]).
    cap: usize,
    /// Entries in all: checked after every line, so kept rather than
    /// summed over the shards.
    len: usize,
}

impl AddrMap {
    fn file_index(&mut self, file: &Arc<str>) -> u32 {
        if let Some(f) = self.files.get(self.cur as usize)
            && Arc::ptr_eq(f, file)
        {
            return self.cur;
        }
        let i = match self.files.iter().position(|f| Arc::ptr_eq(f, file)) {
            Some(i) => i,
            None => match self.files.iter().position(|f| **f == **file) {
                Some(i) => i,
                None => {
                    self.files.push(file.clone());
                    self.files.len() - 1
                }
            },
        };
        self.cur = i as u32;
        self.cur
    }

    fn add(&mut self, addr: Addr<'_>, ts: i64, file: &Arc<str>, line: u32) {
        if self.len == 0 && self.v4[0].capacity() == 0 {
            // A chunk of an access log or of an attacked auth.log meets
            // thousands of addresses: start big instead of rehashing a
            // dozen times on the way.
            for m in &mut self.v4 {
                m.reserve((1 << 14) / SHARDS);
            }
        }
        let at = At {
            ts,
            file: self.file_index(file),
            line,
        };
        match addr {
            Addr::V4(a) => match self.v4[shard(a)].entry(V4(a)) {
                Entry::Occupied(e) => e.into_mut().add(&self.files, at),
                Entry::Vacant(e) => {
                    e.insert(Hits::new(at));
                    self.len += 1;
                }
            },
            Addr::Name(n) => match self.names.get_mut(n) {
                Some(h) => h.add(&self.files, at),
                None => {
                    self.names.insert(n.into(), Hits::new(at));
                    self.len += 1;
                }
            },
        }
    }

    /// Keep the map bounded: past its cap, addresses seen once are
    /// forgotten (a scan's one-off sources explain nothing on their own);
    /// the cap then doubles if that was not enough. Returns how many went.
    fn bound(&mut self) -> u64 {
        let before = self.len;
        if before <= self.cap.max(MAX_CLIENTS) {
            return 0;
        }
        self.v4
            .par_iter_mut()
            .for_each(|m| m.retain(|_, h| h.count > 1));
        self.names.retain(|_, h| h.count > 1);
        self.len = self.count();
        self.cap = (self.len * 2).max(MAX_CLIENTS);
        (before - self.len) as u64
    }

    /// Fold another map in; the cap stays this map's.
    fn join(&mut self, mut o: AddrMap, fold: Fold) {
        if fold == Fold::Copies && self.len == 0 && self.files.is_empty() {
            *self = o;
            return;
        }
        let remap: Vec<u32> = o.files.iter().map(|f| self.file_index(f)).collect();
        if remap.iter().enumerate().any(|(i, &j)| i as u32 != j) {
            for h in o.v4.iter_mut().flat_map(|m| m.values_mut()) {
                h.first.file = remap[h.first.file as usize];
                h.last.file = remap[h.last.file as usize];
            }
            for h in o.names.values_mut() {
                h.first.file = remap[h.first.file as usize];
                h.last.file = remap[h.last.file as usize];
            }
        }
        let files = &self.files[..];
        if o.v4.iter().map(|m| m.len()).sum::<usize>() < PAR_JOIN {
            for (a, b) in self.v4.iter_mut().zip(o.v4) {
                merge_hits(a, b, files, fold);
            }
        } else {
            self.v4
                .par_iter_mut()
                .zip(o.v4)
                .for_each(|(a, b)| merge_hits(a, b, files, fold));
        }
        merge_hits(&mut self.names, o.names, &self.files, fold);
        self.len = self.count();
    }

    fn hits(&self, addr: &str) -> Option<&Hits> {
        match Addr::of(addr) {
            Addr::V4(a) => self.v4[shard(a)].get(&V4(a)),
            Addr::Name(n) => self.names.get(n),
        }
    }

    fn span(&self, h: &Hits) -> Span {
        let at = |a: At| {
            (
                a.ts,
                SourceRef {
                    file: self.files[a.file as usize].clone(),
                    line: a.line,
                },
            )
        };
        Span {
            count: h.count,
            first: at(h.first),
            last: at(h.last),
        }
    }

    fn count(&self) -> usize {
        self.v4.iter().map(|m| m.len()).sum::<usize>() + self.names.len()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains_key(&self, addr: &str) -> bool {
        self.hits(addr).is_some()
    }

    pub fn get(&self, addr: &str) -> Option<Span> {
        self.hits(addr).map(|h| self.span(h))
    }

    /// The addresses whose `(count, first ts, last ts)` pass `keep`, with
    /// their spans, in no particular order; the test runs before any text
    /// is made.
    pub fn select(&self, keep: impl Fn(u64, i64, i64) -> bool) -> Vec<(String, Span)> {
        let keep = |h: &Hits| keep(h.count, h.first.ts, h.last.ts);
        let v4 = self
            .v4
            .iter()
            .flatten()
            .filter(|(_, h)| keep(h))
            .map(|(a, h)| (std::net::Ipv4Addr::from(a.0).to_string(), self.span(h)));
        let names = self
            .names
            .iter()
            .filter(|(_, h)| keep(h))
            .map(|(n, h)| (n.to_string(), self.span(h)));
        v4.chain(names).collect()
    }
}

/// Per-minute request counts: [2xx/3xx/1xx, 4xx, 5xx].
pub type Buckets = BTreeMap<i64, [u32; 3]>;

fn class(status: Option<u16>) -> usize {
    match status {
        Some(s) if (500..600).contains(&s) => 2,
        Some(s) if (400..500).contains(&s) => 1,
        _ => 0,
    }
}

/// Whether an address is the host talking to itself.
pub fn is_local(ip: &str) -> bool {
    // Only `127.…` and IPv6 text can be loopback: skip the parse otherwise.
    (ip.starts_with("127.") || ip.contains(':'))
        && ip
            .parse::<std::net::IpAddr>()
            .is_ok_and(|a| a.is_loopback())
        || ip == "localhost"
}

#[derive(Default)]
pub struct Http {
    /// Service (access log path without rotation) → per-minute buckets of
    /// requests from outside the host.
    pub external: BTreeMap<String, Buckets>,
    /// Requests from the host itself (health checks), per minute.
    pub local: Buckets,
    /// Per client address: count, first and last request. Clients
    /// seen once are forgotten past a cap (see [`AddrMap::bound`]): a flood
    /// of one-off addresses (a scan, a botnet) cannot hold a regular
    /// client that vanished.
    pub clients: AddrMap,
    /// First request of each minute with a 5xx answer (evidence).
    pub first_5xx: BTreeMap<i64, (i64, SourceRef)>,
    pub external_span: Option<Span>,
    pub local_span: Option<Span>,
    /// Clients forgotten after a single request to bound memory.
    pub pruned: u64,
}

#[derive(Default)]
pub struct Drops {
    /// (port, proto) → per-minute drops.
    pub per_port_minute: BTreeMap<(u16, String), BTreeMap<i64, u32>>,
    pub per_port: HashMap<(u16, String), Span>,
    /// Source address → drops from it.
    pub per_src: AddrMap,
    /// Distinct sources per port, capped.
    pub sources: HashMap<(u16, String), BTreeSet<String>>,
    /// First drop of each minute per port (evidence for a start time),
    /// capped in total.
    pub first_per_minute: BTreeMap<(u16, String), BTreeMap<i64, (i64, SourceRef)>>,
    first_per_minute_len: usize,
    /// The log prefix of the first drop per port (`filter_IN_public_REJECT:`, `BLOCK`).
    pub action: HashMap<(u16, String), String>,
}

impl Drops {
    fn add(&mut self, key: &(u16, String), t: &Tally<'_>) {
        let m = minute(t.ts);
        let src = || SourceRef {
            file: t.file.clone(),
            line: t.line,
        };
        let per = match self.per_port_minute.get_mut(key) {
            Some(p) => p,
            None => self.per_port_minute.entry(key.clone()).or_default(),
        };
        *per.entry(m).or_default() += 1;
        match self.per_port.get_mut(key) {
            Some(s) => s.add_at(t.ts, t.file, t.line),
            None => {
                self.per_port
                    .insert(key.clone(), Span::new_at(t.ts, t.file, t.line));
            }
        }
        let mm = match self.first_per_minute.get_mut(key) {
            Some(mm) => mm,
            None => self.first_per_minute.entry(key.clone()).or_default(),
        };
        match mm.get_mut(&m) {
            Some(e) if cmp_at(t.ts, t.file, t.line, e) == Ordering::Less => *e = (t.ts, src()),
            Some(_) => {}
            None if self.first_per_minute_len < MAX_FIRST_PER_MINUTE => {
                mm.insert(m, (t.ts, src()));
                self.first_per_minute_len += 1;
            }
            None => {}
        }
        if let Some(ip) = t.src_ip {
            self.per_src.add(Addr::of(ip), t.ts, t.file, t.line);
            self.per_src.bound();
            let set = match self.sources.get_mut(key) {
                Some(set) => set,
                None => self.sources.entry(key.clone()).or_default(),
            };
            if set.len() < MAX_SOURCES && !set.contains(ip) {
                set.insert(ip.to_string());
            }
        }
        if let Some(a) = t.action
            && !self.action.contains_key(key)
        {
            self.action.insert(key.clone(), a.trim().to_string());
        }
    }

    fn join(&mut self, o: Drops, fold: Fold) {
        if fold == Fold::Copies && self.per_port.is_empty() && self.per_src.is_empty() {
            *self = o;
            return;
        }
        for (k, mm) in o.per_port_minute {
            let e = self.per_port_minute.entry(k).or_default();
            for (m, c) in mm {
                let n = e.entry(m).or_default();
                *n = match fold {
                    Fold::Sum => *n + c,
                    Fold::Copies => (*n).max(c),
                };
            }
        }
        join_spans(&mut self.per_port, o.per_port);
        if fold == Fold::Copies {
            // The spans' counts were summed: recount from the minutes,
            // which hold every drop.
            for (k, s) in &mut self.per_port {
                if let Some(mm) = self.per_port_minute.get(k) {
                    s.count = mm.values().map(|&c| c as u64).sum();
                }
            }
        }
        self.per_src.join(o.per_src, fold);
        self.per_src.bound();
        for (k, set) in o.sources {
            let e = self.sources.entry(k).or_default();
            for s in set {
                if e.len() < MAX_SOURCES {
                    e.insert(s);
                }
            }
        }
        for (k, mm) in o.first_per_minute {
            let e = self.first_per_minute.entry(k).or_default();
            for (m, v) in mm {
                match e.get(&m) {
                    Some(cur) if (cur.0, &cur.1) <= (v.0, &v.1) => {}
                    _ => {
                        if e.insert(m, v).is_none() {
                            self.first_per_minute_len += 1;
                        }
                    }
                }
            }
        }
        for (k, a) in o.action {
            self.action.entry(k).or_insert(a);
        }
    }
}

/// Drops and failed logins as one log family told them: a file with its
/// rotations (`syslog`, `syslog.1`, `syslog.2.gz`), or one journal export.
/// The same kernel or sshd line is often in several families (syslog,
/// kern.log, ufw.log, the journal and each export of it), so they are
/// kept apart while parsing and folded as [`Fold::Copies`] at the end:
/// a report must not count a packet once per copy of the log.
struct Family {
    name: Box<str>,
    drops: Drops,
    auth_failures: AddrMap,
}

impl Family {
    fn join(&mut self, o: Family, fold: Fold) {
        self.drops.join(o.drops, fold);
        self.auth_failures.join(o.auth_failures, fold);
        self.auth_failures.bound();
    }
}

/// The log family of a file: its path without rotation suffixes, and a
/// binary journal's archived files (`system@…-….journal`) with the active
/// one (`system.journal`), as they hold one stream in turn.
fn family_of(path: &str) -> String {
    let p = crate::detect::unrotated(path);
    let (dir, name) = p.rsplit_once('/').map_or(("", p), |(d, n)| (d, n));
    if let Some((stem, _)) = name.split_once('@')
        && (name.ends_with(".journal") || name.ends_with(".journal~"))
    {
        return if dir.is_empty() {
            format!("{stem}.journal")
        } else {
            format!("{dir}/{stem}.journal")
        };
    }
    p.to_string()
}

pub struct Collector {
    since: Option<i64>,
    until: Option<i64>,
    /// Events that may be changes or evidence, in no particular order.
    pub events: Vec<Event>,
    /// nginx's failures to reach its upstream, in (time, source) order
    /// once finished: one per failed request in a 502 storm, so a compact
    /// record each rather than an event.
    pub upstream_errors: Vec<UpstreamError>,
    pub http: Http,
    /// Drops over all log families; filled by [`Collector::finish`].
    pub drops: Drops,
    /// Failed logins per address over all log families; filled by
    /// [`Collector::finish`].
    pub auth_failures: AddrMap,
    /// Drops and failed logins per log family, in the order first met.
    families: Vec<Family>,
    /// Member paths start with their bundle's name (several bundles, so
    /// several hosts, in one run): families of different bundles are not
    /// copies of each other and their counts add.
    many_bundles: bool,
    /// The file last tallied into `families` and the index of its family.
    family: Option<(Arc<str>, usize)>,
    /// Activity of every source per minute (is the host alive?), from all
    /// events including unclassified lines.
    pub activity: BTreeMap<i64, u32>,
    /// Per file: first/last event.
    pub files: HashMap<Arc<str>, Span>,
    /// The file being parsed now, folded into `files` on change.
    current: Option<(Arc<str>, Span)>,
    /// The `(port, proto)` of the last drop, reused as the lookup key so
    /// that a drop allocates only when it adds a key.
    drop_key: (u16, String),
    /// The minute being counted in `activity`, and its count so far.
    last_minute: Option<(i64, u32)>,
    /// The access log being parsed and its service name.
    service: Option<(Arc<str>, String)>,
    /// External requests to that service in the minute being counted: an
    /// access log comes in time order, so most lines add to the same
    /// minute and need no lookup. Folded into `http.external` on a new
    /// minute or file.
    http_minute: Option<(i64, [u32; 3])>,
}

/// Distinct clients kept per sink before one-off ones are pruned.
const MAX_CLIENTS: usize = 250_000;

/// Per-minute first drops kept in all.
const MAX_FIRST_PER_MINUTE: usize = 200_000;

/// Sources kept per port for the narrative.
const MAX_SOURCES: usize = 50;

impl Collector {
    pub fn new(since: Option<i64>, until: Option<i64>) -> Collector {
        Collector {
            since,
            until,
            events: Vec::new(),
            upstream_errors: Vec::new(),
            http: Http::default(),
            drops: Drops::default(),
            auth_failures: AddrMap::default(),
            families: Vec::new(),
            many_bundles: false,
            family: None,
            activity: BTreeMap::new(),
            files: HashMap::default(),
            current: None,
            drop_key: (0, String::new()),
            last_minute: None,
            service: None,
            http_minute: None,
        }
    }

    /// Say whether the run reads several bundles (member paths then start
    /// with the bundle's name).
    pub fn with_many_bundles(mut self, many: bool) -> Collector {
        self.many_bundles = many;
        self
    }

    fn flush_http_minute(&mut self) {
        let Some((m, counts)) = self.http_minute.take() else {
            return;
        };
        let service = &self.service.as_ref().expect("counted with its service").1;
        let per = match self.http.external.get_mut(service.as_str()) {
            Some(p) => p,
            None => self.http.external.entry(service.clone()).or_default(),
        };
        let e = per.entry(m).or_default();
        for i in 0..3 {
            e[i] += counts[i];
        }
    }

    fn flush_current(&mut self) {
        self.flush_activity();
        self.flush_http_minute();
        if let Some((f, s)) = self.current.take() {
            match self.files.get_mut(&f) {
                Some(x) => x.join(s),
                None => {
                    self.files.insert(f, s);
                }
            }
        }
    }

    /// Fold pending state; call once parsing is over.
    pub fn finish(&mut self) {
        self.flush_current();
        self.upstream_errors
            .sort_by(|a, b| (a.ts, &a.source).cmp(&(b.ts, &b.source)));
        // Within a bundle, families may be copies of one another (syslog
        // and a journal export); across bundles they are different hosts.
        let mut hosts: Vec<(Box<str>, Family)> = Vec::new();
        for f in std::mem::take(&mut self.families) {
            let bundle = match self.many_bundles {
                true => f.name.split_once('/').map_or("", |(b, _)| b),
                false => "",
            };
            match hosts.iter_mut().find(|(b, _)| **b == *bundle) {
                Some((_, h)) => h.join(f, Fold::Copies),
                None => hosts.push((bundle.into(), f)),
            }
        }
        for (_, h) in hosts {
            self.drops.join(h.drops, Fold::Sum);
            self.auth_failures.join(h.auth_failures, Fold::Sum);
        }
    }

    /// The family the file of a tally belongs to: a lookup only when the
    /// file changes.
    fn family(&mut self, file: &Arc<str>) -> &mut Family {
        let i = match &self.family {
            Some((f, i)) if Arc::ptr_eq(f, file) => *i,
            _ => {
                let name = family_of(file);
                let i = match self.families.iter().position(|f| *f.name == *name) {
                    Some(i) => i,
                    None => {
                        self.families.push(Family {
                            name: name.into(),
                            drops: Drops::default(),
                            auth_failures: AddrMap::default(),
                        });
                        self.families.len() - 1
                    }
                };
                self.family = Some((file.clone(), i));
                i
            }
        };
        &mut self.families[i]
    }

    fn http(&mut self, t: &Tally<'_>) {
        let Some(ip) = t.src_ip.or(t.src_host) else {
            return;
        };
        let m = minute(t.ts);
        let addr = Addr::of(ip);
        let local = match addr {
            Addr::V4(a) => a >> 24 == 127,
            Addr::Name(n) => is_local(n),
        };
        if local {
            self.http.local.entry(m).or_default()[class(t.status)] += 1;
            match &mut self.http.local_span {
                Some(s) => s.add_at(t.ts, t.file, t.line),
                None => self.http.local_span = Some(Span::new_at(t.ts, t.file, t.line)),
            }
            return;
        }
        let c = class(t.status);
        // The service of the file being parsed, looked up once per file.
        let svc_ok = self
            .service
            .as_ref()
            .is_some_and(|(f, _)| Arc::ptr_eq(f, t.file));
        if !svc_ok {
            let name = crate::detect::unrotated(t.file).to_string();
            self.service = Some((t.file.clone(), name));
        }
        match &mut self.http_minute {
            Some((pm, counts)) if *pm == m => counts[c] += 1,
            _ => {
                self.flush_http_minute();
                let mut counts = [0; 3];
                counts[c] = 1;
                self.http_minute = Some((m, counts));
            }
        }
        if c == 2 {
            match self.http.first_5xx.get_mut(&m) {
                Some(e) => {
                    if cmp_at(t.ts, t.file, t.line, e) == Ordering::Less {
                        set_at(e, t.ts, t.file, t.line);
                    }
                }
                None => {
                    let src = SourceRef {
                        file: t.file.clone(),
                        line: t.line,
                    };
                    self.http.first_5xx.insert(m, (t.ts, src));
                }
            }
        }
        self.http.clients.add(addr, t.ts, t.file, t.line);
        self.http.pruned += self.http.clients.bound();
        match &mut self.http.external_span {
            Some(s) => s.add_at(t.ts, t.file, t.line),
            None => self.http.external_span = Some(Span::new_at(t.ts, t.file, t.line)),
        }
    }

    fn drop(&mut self, t: &Tally<'_>) {
        let port = t.dst_port.unwrap_or(0);
        let proto = t.proto.unwrap_or("?");
        if self.drop_key.0 != port || self.drop_key.1 != proto {
            self.drop_key.0 = port;
            self.drop_key.1.clear();
            self.drop_key.1.push_str(proto);
        }
        // Out of `self` for the borrow of the family; put back after.
        let key = std::mem::take(&mut self.drop_key);
        self.family(t.file).drops.add(&key, t);
        self.drop_key = key;
    }

    /// Per file first/last, on the file being parsed now.
    fn note_file(&mut self, ts: i64, file: &Arc<str>, line: u32) {
        match &mut self.current {
            Some((f, s)) if Arc::ptr_eq(f, file) => s.add_at(ts, file, line),
            _ => {
                self.flush_current();
                self.current = Some((file.clone(), Span::new_at(ts, file, line)));
            }
        }
    }

    /// Whether a kind is folded into aggregates rather than kept.
    fn folded(kind: Kind) -> bool {
        matches!(
            kind,
            Kind::HttpRequest
                | Kind::FirewallDrop
                | Kind::AuthFailure
                | Kind::AuthInvalidUser
                | Kind::LogOther
                | Kind::FirewallAccept
                | Kind::BanFound
                | Kind::SessionOpen
                | Kind::SessionClose
        )
    }

    fn fold(&mut self, t: &Tally<'_>) {
        match t.kind {
            Kind::HttpRequest => self.http(t),
            Kind::FirewallDrop => {
                self.activity(t.ts);
                self.drop(t)
            }
            Kind::AuthFailure | Kind::AuthInvalidUser => {
                self.activity(t.ts);
                if let Some(ip) = t.src_ip.or(t.src_host) {
                    let f = &mut self.family(t.file).auth_failures;
                    f.add(Addr::of(ip), t.ts, t.file, t.line);
                    f.bound();
                }
            }
            _ => self.activity(t.ts),
        }
    }

    /// Activity per minute; lines come in time order, so the last minute
    /// is cached.
    fn activity(&mut self, ts: i64) {
        let m = minute(ts);
        if let Some((lm, n)) = &mut self.last_minute {
            if *lm == m {
                *n += 1;
                return;
            }
            *self.activity.entry(*lm).or_default() += *n;
        }
        self.last_minute = Some((m, 1));
    }

    fn flush_activity(&mut self) {
        if let Some((m, n)) = self.last_minute.take() {
            *self.activity.entry(m).or_default() += n;
        }
    }

    fn in_window(&self, ts: i64) -> bool {
        !(self.since.is_some_and(|s| ts < s) || self.until.is_some_and(|u| ts >= u))
    }
}

/// A login session's scope starting or stopping (`session-42.scope`):
/// one per login, never a service, so counted as activity and not kept
/// (on a busy host they were most of the kept events).
fn session_scope(kind: Kind, fields: &crate::event::Fields) -> bool {
    matches!(kind, Kind::ServiceStart | Kind::ServiceStop)
        && fields
            .unit
            .as_deref()
            .is_some_and(|u| u.starts_with("session-") && u.ends_with(".scope"))
}

/// An nginx error line saying the upstream could not be reached.
#[derive(Clone, Debug)]
pub struct UpstreamError {
    pub ts: i64,
    pub source: SourceRef,
    /// The upstream as nginx names it (`http://127.0.0.1:8080/api`).
    pub upstream: Option<Box<str>>,
}

/// Whether an nginx error line is kept as an event: only name resolution
/// and routing errors are read as events (dns_resolution, routing). The
/// rest (a missing file behind a 404, a client that went away) is counted
/// as activity, and upstream failures become [`UpstreamError`]s, so a busy
/// error log does not grow memory by an event per line.
fn kept_http_error(ev: &Event) -> bool {
    super::causes::dns_resolution::mentions(&ev.message)
        || super::causes::routing::mentions(&ev.message)
}

impl Sink for Collector {
    fn event(&mut self, ev: Event) {
        if !self.in_window(ev.ts) {
            return;
        }
        self.note_file(ev.ts, &ev.source.file, ev.source.line);
        if Collector::folded(ev.kind) {
            self.fold(&Tally::of(
                ev.ts,
                ev.kind,
                &ev.source.file,
                ev.source.line,
                &ev.fields,
            ));
        } else {
            self.activity(ev.ts);
            if ev.kind == Kind::HttpError {
                if super::symptoms::is_upstream_failure(&ev.message) {
                    self.upstream_errors.push(UpstreamError {
                        ts: ev.ts,
                        source: ev.source.clone(),
                        upstream: ev.fields.upstream.as_deref().map(Into::into),
                    });
                }
                if kept_http_error(&ev) {
                    self.events.push(ev);
                }
            } else if !session_scope(ev.kind, &ev.fields) {
                self.events.push(ev);
            }
        }
    }

    fn wants_event(&self, kind: Kind) -> bool {
        !Collector::folded(kind)
    }

    fn wants_record(&self, kind: Kind, fields: &crate::event::Fields) -> bool {
        !Collector::folded(kind) && !session_scope(kind, fields)
    }

    fn tally(&mut self, t: &Tally<'_>) {
        if !self.in_window(t.ts) {
            return;
        }
        self.note_file(t.ts, t.file, t.line);
        self.fold(t);
    }

    fn fork(&self) -> Self {
        Collector::new(self.since, self.until).with_many_bundles(self.many_bundles)
    }

    fn join(&mut self, mut o: Self) {
        o.flush_current();
        self.flush_current();
        o.flush_activity();
        self.flush_activity();
        self.events.extend(o.events);
        self.upstream_errors.extend(o.upstream_errors);
        for (svc, b) in o.http.external {
            let mine = self.http.external.entry(svc).or_default();
            for (m, c) in b {
                let e = mine.entry(m).or_default();
                for i in 0..3 {
                    e[i] += c[i];
                }
            }
        }
        for (m, c) in o.http.local {
            let e = self.http.local.entry(m).or_default();
            for i in 0..3 {
                e[i] += c[i];
            }
        }
        self.http.clients.join(o.http.clients, Fold::Sum);
        self.http.pruned += o.http.pruned;
        self.http.pruned += self.http.clients.bound();
        for (m, s) in o.http.first_5xx {
            match self.http.first_5xx.get(&m) {
                Some(cur) if *cur <= s => {}
                _ => {
                    self.http.first_5xx.insert(m, s);
                }
            }
        }
        for (dst, src) in [
            (&mut self.http.external_span, o.http.external_span),
            (&mut self.http.local_span, o.http.local_span),
        ] {
            match (dst.as_mut(), src) {
                (Some(a), Some(b)) => a.join(b),
                (None, Some(b)) => *dst = Some(b),
                _ => {}
            }
        }
        // A fork holds one file's lines (or a chunk of them): the same
        // family adds up, another one waits for `finish`.
        for f in o.families {
            match self.families.iter_mut().find(|x| x.name == f.name) {
                Some(x) => x.join(f, Fold::Sum),
                None => self.families.push(f),
            }
        }
        for (m, c) in o.activity {
            *self.activity.entry(m).or_default() += c;
        }
        join_spans(&mut self.files, o.files);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real nginx error lines through the real parser: the routine ones are
    /// counted, the ones a detector reads are kept.
    #[test]
    fn nginx_errors_are_counted_kept_or_compacted() {
        let gs = crate::grammar::GrammarSet::new(crate::grammar::load_embedded().unwrap().1);
        let clock = crate::normalize::Clock::utc(crate::normalize::Zone::Fixed(0));
        let lines: [&[u8]; 4] = [
            b"2024/08/06 14:05:01 [error] 812#812: *19 open() \"/var/www/html/favicon.ico\" failed (2: No such file or directory), client: 203.0.113.9, server: _, request: \"GET /favicon.ico HTTP/1.1\", host: \"www\"",
            b"2024/08/06 14:05:02 [error] 812#812: *20 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.9, server: _, request: \"GET /api HTTP/1.1\", upstream: \"http://127.0.0.1:8080/api\", host: \"www\"",
            b"2024/08/06 14:05:03 [error] 812#812: *21 db.internal could not be resolved (3: Host not found), client: 203.0.113.9, server: _, request: \"GET /x HTTP/1.1\", host: \"www\"",
            b"2024/08/06 14:05:04 [info] 812#812: *22 client prematurely closed connection while reading client request line, client: 203.0.113.9, server: _",
        ];
        let mut c = Collector::new(None, None);
        for l in lines {
            let ev = crate::parse::parse_one(l, &crate::parse::Format::NginxError, &gs, &clock)
                .expect("an nginx error line");
            c.event(ev);
        }
        c.finish();
        let kept: Vec<&str> = c.events.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert!(kept[0].contains("could not be resolved"));
        // The upstream failure is a compact record with its evidence.
        assert_eq!(c.upstream_errors.len(), 1);
        let u = &c.upstream_errors[0];
        assert_eq!(u.upstream.as_deref(), Some("http://127.0.0.1:8080/api"));
        assert_eq!((&*u.source.file, u.source.line), ("sample", 1));
        // All four still count as the host being alive.
        assert_eq!(c.activity.values().sum::<u32>(), 4);
    }

    #[test]
    fn v4_keys_are_one_to_one_with_their_text() {
        for s in [
            "0.0.0.0",
            "1.2.3.4",
            "10.0.0.255",
            "127.0.0.1",
            "255.255.255.255",
        ] {
            let a = parse_v4(s).expect(s);
            assert_eq!(std::net::Ipv4Addr::from(a).to_string(), s);
            assert_eq!(s.parse::<std::net::Ipv4Addr>().map(u32::from), Ok(a));
        }
        for s in [
            "",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "1.2.3.00",
            "256.1.1.1",
            "1.2.3.1000",
            "1..2.3",
            ".1.2.3",
            "1.2.3.",
            "1.2.3.4 ",
            "::1",
            "a.b.c.d",
            "1.2.3.-4",
            "localhost",
            "1.2.3.4444",
        ] {
            assert_eq!(parse_v4(s), None, "{s}");
        }
    }

    #[test]
    fn v4_parse_agrees_with_std_on_short_strings() {
        let alpha = b"01259.";
        let mut buf = Vec::new();
        for len in 1..=7u32 {
            for mut n in 0..alpha.len().pow(len) {
                buf.clear();
                for _ in 0..len {
                    buf.push(alpha[n % alpha.len()]);
                    n /= alpha.len();
                }
                let s = std::str::from_utf8(&buf).unwrap();
                let std = s.parse::<std::net::Ipv4Addr>().ok().map(u32::from);
                assert_eq!(parse_v4(s), std, "{s}");
            }
        }
        for s in [
            "255.255.255.255",
            "192.168.100.200",
            "256.0.0.0",
            "1.2.3.04",
            "99.99.99.999",
        ] {
            let std = s.parse::<std::net::Ipv4Addr>().ok().map(u32::from);
            assert_eq!(parse_v4(s), std, "{s}");
        }
    }

    #[test]
    fn addr_map_ties_break_on_path_then_line_across_joins() {
        let a: Arc<str> = "b/access.log".into();
        let b: Arc<str> = "a/access.log".into();
        let mut m = AddrMap::default();
        m.add(Addr::of("1.2.3.4"), 10, &a, 7);
        m.add(Addr::of("host.example"), 10, &a, 8);
        let mut o = AddrMap::default();
        o.add(Addr::of("1.2.3.4"), 10, &b, 9);
        o.add(Addr::of("1.2.3.4"), 10, &a, 3);
        o.add(Addr::of("5.6.7.8"), 11, &b, 1);
        m.join(o, Fold::Sum);
        let s = m.get("1.2.3.4").unwrap();
        assert_eq!(s.count, 3);
        assert_eq!(
            (s.first.0, &*s.first.1.file, s.first.1.line),
            (10, "a/access.log", 9)
        );
        assert_eq!(
            (s.last.0, &*s.last.1.file, s.last.1.line),
            (10, "b/access.log", 7)
        );
        assert_eq!(m.get("5.6.7.8").unwrap().first.1.file, b);
        assert!(m.contains_key("host.example"));
        assert!(!m.contains_key("01.2.3.4"));
        assert_eq!(m.len(), 3);
    }

    /// `(file, minute, second, kind, addr, port)`.
    type Rec<'a> = (&'a str, i64, i64, Kind, &'a str, u16);

    /// One fork per file (or per chunk of one), joined in file order, as
    /// the pipeline does.
    fn collect(files: &[&[Rec<'_>]]) -> Collector {
        collect_in(Collector::new(None, None), files)
    }

    fn collect_in(root: Collector, files: &[&[Rec<'_>]]) -> Collector {
        let mut c = root.fork();
        for recs in files {
            let mut fork = root.fork();
            for (i, &(file, m, s, kind, addr, port)) in recs.iter().enumerate() {
                let file: Arc<str> = file.into();
                fork.tally(&Tally {
                    ts: m * 60_000_000 + s * 1_000_000,
                    kind,
                    file: &file,
                    line: i as u32 + 1,
                    src_ip: Some(addr),
                    src_host: None,
                    status: None,
                    dst_port: Some(port),
                    proto: Some("tcp"),
                    action: Some("[UFW BLOCK]"),
                });
            }
            c.join(fork);
        }
        c.finish();
        c
    }

    #[test]
    fn two_hosts_drops_add_up_while_one_hosts_copies_do_not() {
        use Kind::FirewallDrop as D;
        let files: [&[Rec<'_>]; 3] = [
            &[("web1/var/log/syslog", 0, 10, D, "1.1.1.1", 80)],
            &[("web2/var/log/syslog", 0, 10, D, "2.2.2.2", 80)],
            // web1's journal holds a copy of its drop.
            &[("web1/journal.json", 0, 10, D, "1.1.1.1", 80)],
        ];
        let many = collect_in(Collector::new(None, None).with_many_bundles(true), &files);
        let key = (80, "tcp".to_string());
        assert_eq!(many.drops.per_port[&key].count, 2);
        assert_eq!(many.drops.per_src.get("1.1.1.1").map(|s| s.count), Some(1));
        assert_eq!(many.drops.per_src.get("2.2.2.2").map(|s| s.count), Some(1));
        // Read as one bundle, the same paths are families of one host.
        let one = collect(&files);
        assert_eq!(one.drops.per_port[&key].count, 1);
    }

    #[test]
    fn copies_of_a_log_count_once_and_a_record_in_one_copy_counts() {
        use Kind::FirewallDrop as D;
        let (s1, s0) = ("var/log/syslog.1", "var/log/syslog");
        let (j, k) = (
            "sos_commands/logs/journalctl_--no-pager_-o_json",
            "var/log/kern.log",
        );
        let c = collect(&[
            // Minute 0 straddles the rotation: one drop in each file.
            &[(s1, 0, 10, D, "1.1.1.1", 80)],
            &[(s0, 0, 50, D, "2.2.2.2", 80), (s0, 9, 1, D, "1.1.1.1", 80)],
            &[(s0, 9, 2, D, "3.3.3.3", 80), (s0, 9, 3, D, "3.3.3.3", 80)],
            // The journal has all of those (to the µs, so up to a second
            // later), and a drop in minute 5 that syslog lost. 4.4.4.4 is
            // in syslog at minute 0 and only in the journal at minute
            // 100: two drops.
            &[
                (j, 0, 11, D, "1.1.1.1", 80),
                (j, 0, 51, D, "2.2.2.2", 80),
                (j, 5, 0, D, "5.5.5.5", 80),
                (j, 9, 2, D, "1.1.1.1", 80),
                (j, 9, 3, D, "3.3.3.3", 80),
                (j, 9, 4, D, "3.3.3.3", 80),
                (j, 100, 0, D, "4.4.4.4", 23),
            ],
            &[(s0, 0, 30, D, "4.4.4.4", 23)],
            // kern.log has minute 9 only.
            &[
                (k, 9, 1, D, "1.1.1.1", 80),
                (k, 9, 2, D, "3.3.3.3", 80),
                (k, 9, 3, D, "3.3.3.3", 80),
            ],
        ]);
        let key = (80, "tcp".to_string());
        let mm: Vec<(i64, u32)> = c.drops.per_port_minute[&key]
            .iter()
            .map(|(m, n)| (*m, *n))
            .collect();
        assert_eq!(mm, [(0, 2), (5, 1), (9, 3)]);
        let span = &c.drops.per_port[&key];
        assert_eq!(span.count, 6);
        assert_eq!((span.first.0, &*span.first.1.file), (10_000_000, s1));
        assert_eq!(c.drops.per_port[&(23, "tcp".to_string())].count, 2);
        let n = |a: &str| c.drops.per_src.get(a).map(|s| s.count);
        assert_eq!(
            [
                n("1.1.1.1"),
                n("2.2.2.2"),
                n("3.3.3.3"),
                n("4.4.4.4"),
                n("5.5.5.5")
            ],
            [Some(2), Some(1), Some(2), Some(2), Some(1)]
        );
        assert_eq!(c.drops.sources[&key].len(), 4);
    }

    #[test]
    fn failed_logins_in_auth_log_and_the_journal_count_once() {
        use Kind::AuthFailure as F;
        let (a1, a0) = ("var/log/auth.log.1", "var/log/auth.log");
        let j = "var/log/journal/6a0f/system@00061e-1.journal";
        let j0 = "var/log/journal/6a0f/system.journal";
        let c = collect(&[
            &[(a1, 0, 0, F, "9.9.9.9", 22), (a1, 1, 0, F, "9.9.9.9", 22)],
            &[(a0, 2, 0, F, "9.9.9.9", 22), (a0, 3, 0, F, "9.9.9.9", 22)],
            // The archived journal file and the active one are one family.
            &[(j, 1, 0, F, "9.9.9.9", 22)],
            &[(j0, 2, 0, F, "9.9.9.9", 22), (j0, 3, 0, F, "9.9.9.9", 22)],
        ]);
        let s = c.auth_failures.get("9.9.9.9").unwrap();
        assert_eq!((s.count, s.first.0, s.last.0), (4, 0, 180_000_000));
        assert_eq!(family_of(j), "var/log/journal/6a0f/system.journal");
        assert_eq!(family_of("var/log/syslog.2.gz"), "var/log/syslog");
    }

    #[test]
    fn addr_map_forgets_one_off_addresses_past_the_cap() {
        let f: Arc<str> = "access.log".into();
        let mut m = AddrMap::default();
        m.add(Addr::of("host.example"), 0, &f, 1);
        m.add(Addr::of("host.example"), 1, &f, 2);
        m.add(Addr::of("9.9.9.9"), 0, &f, 3);
        m.add(Addr::of("9.9.9.9"), 1, &f, 4);
        let mut pruned = 0;
        for i in 0..MAX_CLIENTS as u32 - 2 {
            m.add(Addr::V4(0x0a00_0000 + i), 2, &f, 5);
            pruned += m.bound();
        }
        assert_eq!((m.len(), pruned), (MAX_CLIENTS, 0));
        m.add(Addr::of("other.example"), 3, &f, 6);
        assert_eq!(m.bound(), MAX_CLIENTS as u64 - 1);
        assert_eq!(m.len(), 2);
        assert_eq!(m.get("9.9.9.9").unwrap().count, 2);
        assert!(m.contains_key("host.example") && !m.contains_key("10.0.0.1"));
    }
}
