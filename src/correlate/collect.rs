//! The analysis sink: keeps the few events that can be changes or
//! evidence, and folds the high-volume ones (access lines, firewall drops,
//! auth failures) into per-minute and per-client aggregates, so memory
//! grows with minutes and distinct clients, not with lines.

use crate::event::{Event, Kind, SourceRef};
use crate::parse::{Sink, Tally};
use std::cmp::Ordering;
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

fn add_span<K: std::hash::Hash + Eq>(
    m: &mut HashMap<K, Span>,
    k: K,
    ts: i64,
    file: &Arc<str>,
    line: u32,
) {
    match m.get_mut(&k) {
        Some(s) => s.add_at(ts, file, line),
        None => {
            m.insert(k, Span::new_at(ts, file, line));
        }
    }
}

fn add_span_str(m: &mut HashMap<String, Span>, k: &str, ts: i64, file: &Arc<str>, line: u32) {
    match m.get_mut(k) {
        Some(s) => s.add_at(ts, file, line),
        None => {
            m.insert(k.to_string(), Span::new_at(ts, file, line));
        }
    }
}

/// Keep a per-address map bounded: past `cap` entries, addresses seen once
/// are forgotten (a scan's one-off sources explain nothing on their own);
/// the cap then doubles if that was not enough.
fn bound<K: std::hash::Hash + Eq>(m: &mut HashMap<K, Span>, cap: &mut usize) {
    if m.len() > (*cap).max(MAX_CLIENTS) {
        m.retain(|_, s| s.count > 1);
        *cap = (m.len() * 2).max(MAX_CLIENTS);
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
    /// Per client address: count, first and last request.
    pub clients: HashMap<String, Span>,
    /// First request of each minute with a 5xx answer (evidence).
    pub first_5xx: BTreeMap<i64, (i64, SourceRef)>,
    pub external_span: Option<Span>,
    pub local_span: Option<Span>,
    /// Clients forgotten after a single request to bound memory.
    pub pruned: u64,
    /// Size that triggers the next pruning.
    cap: usize,
}

impl Http {
    /// A flood of one-off addresses (a scan, a botnet) cannot hold a regular
    /// client that vanished: forget the single-request ones. If that is not
    /// enough, prune again only once the map has doubled.
    fn prune(&mut self) {
        let before = self.clients.len();
        bound(&mut self.clients, &mut self.cap);
        self.pruned += (before - self.clients.len()) as u64;
    }
}

#[derive(Default)]
pub struct Drops {
    /// (port, proto) → per-minute drops.
    pub per_port_minute: BTreeMap<(u16, String), BTreeMap<i64, u32>>,
    pub per_port: HashMap<(u16, String), Span>,
    /// Source address → drops from it.
    pub per_src: HashMap<String, Span>,
    /// (source, port) → drops, to join bans and ports.
    pub per_src_port: HashMap<(String, u16), Span>,
    /// Distinct sources per port, capped.
    pub sources: HashMap<(u16, String), BTreeSet<String>>,
    /// First drop of each minute per port (evidence for a start time),
    /// capped in total.
    pub first_per_minute: BTreeMap<(u16, String), BTreeMap<i64, (i64, SourceRef)>>,
    first_per_minute_len: usize,
    /// The log prefix of the first drop per port (`filter_IN_public_REJECT:`, `BLOCK`).
    pub action: HashMap<(u16, String), String>,
}

pub struct Collector {
    since: Option<i64>,
    until: Option<i64>,
    /// Events that may be changes or evidence, in no particular order.
    pub events: Vec<Event>,
    pub http: Http,
    pub drops: Drops,
    pub auth_failures: HashMap<String, Span>,
    /// Activity of every source per minute (is the host alive?), from all
    /// events including unclassified lines.
    pub activity: BTreeMap<i64, u32>,
    /// Per file: first/last event.
    pub files: HashMap<Arc<str>, Span>,
    /// The file being parsed now, folded into `files` on change.
    current: Option<(Arc<str>, Span)>,
    /// Pruning thresholds of `drops.per_src`, `auth_failures` and
    /// `drops.per_src_port`.
    caps: [usize; 3],
    /// The minute being counted in `activity`, and its count so far.
    last_minute: Option<(i64, u32)>,
    /// The access log being parsed and its service name.
    service: Option<(Arc<str>, String)>,
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
            http: Http::default(),
            drops: Drops::default(),
            auth_failures: HashMap::default(),
            activity: BTreeMap::new(),
            files: HashMap::default(),
            current: None,
            caps: [MAX_CLIENTS; 3],
            last_minute: None,
            service: None,
        }
    }

    fn flush_current(&mut self) {
        self.flush_activity();
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
    }

    fn http(&mut self, t: &Tally<'_>) {
        let Some(ip) = t.src_ip.or(t.src_host) else {
            return;
        };
        let m = minute(t.ts);
        if is_local(ip) {
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
        let service = &self.service.as_ref().expect("set above").1;
        let per = match self.http.external.get_mut(service.as_str()) {
            Some(p) => p,
            None => self.http.external.entry(service.clone()).or_default(),
        };
        per.entry(m).or_default()[c] += 1;
        if c == 2 {
            let src = SourceRef {
                file: t.file.clone(),
                line: t.line,
            };
            let e = self
                .http
                .first_5xx
                .entry(m)
                .or_insert_with(|| (t.ts, src.clone()));
            if (t.ts, &src) < (e.0, &e.1) {
                *e = (t.ts, src);
            }
        }
        if self.http.clients.capacity() == 0 {
            // A chunk of an access log meets thousands of clients: start
            // big instead of rehashing a dozen times on the way.
            self.http.clients.reserve(1 << 14);
        }
        add_span_str(&mut self.http.clients, ip, t.ts, t.file, t.line);
        if self.http.clients.len() > self.http.cap.max(MAX_CLIENTS) {
            self.http.prune();
        }
        match &mut self.http.external_span {
            Some(s) => s.add_at(t.ts, t.file, t.line),
            None => self.http.external_span = Some(Span::new_at(t.ts, t.file, t.line)),
        }
    }

    fn drop(&mut self, t: &Tally<'_>) {
        let port = t.dst_port.unwrap_or(0);
        let proto = t.proto.unwrap_or("?").to_string();
        let key = (port, proto);
        let m = minute(t.ts);
        let src = || SourceRef {
            file: t.file.clone(),
            line: t.line,
        };
        *self
            .drops
            .per_port_minute
            .entry(key.clone())
            .or_default()
            .entry(m)
            .or_default() += 1;
        add_span(&mut self.drops.per_port, key.clone(), t.ts, t.file, t.line);
        let mm = self.drops.first_per_minute.entry(key.clone()).or_default();
        match mm.get_mut(&m) {
            Some(e) if cmp_at(t.ts, t.file, t.line, e) == Ordering::Less => *e = (t.ts, src()),
            Some(_) => {}
            None if self.drops.first_per_minute_len < MAX_FIRST_PER_MINUTE => {
                mm.insert(m, (t.ts, src()));
                self.drops.first_per_minute_len += 1;
            }
            None => {}
        }
        if let Some(ip) = t.src_ip {
            add_span_str(&mut self.drops.per_src, ip, t.ts, t.file, t.line);
            bound(&mut self.drops.per_src, &mut self.caps[0]);
            add_span(
                &mut self.drops.per_src_port,
                (ip.to_string(), port),
                t.ts,
                t.file,
                t.line,
            );
            bound(&mut self.drops.per_src_port, &mut self.caps[2]);
            let set = self.drops.sources.entry(key.clone()).or_default();
            if set.len() < MAX_SOURCES && !set.contains(ip) {
                set.insert(ip.to_string());
            }
        }
        if let Some(a) = t.action {
            self.drops
                .action
                .entry(key)
                .or_insert_with(|| a.trim().to_string());
        }
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
                    add_span_str(&mut self.auth_failures, ip, t.ts, t.file, t.line);
                    bound(&mut self.auth_failures, &mut self.caps[1]);
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
            if !session_scope(ev.kind, &ev.fields) {
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
        Collector::new(self.since, self.until)
    }

    fn join(&mut self, mut o: Self) {
        o.flush_current();
        self.flush_current();
        o.flush_activity();
        self.flush_activity();
        self.events.extend(o.events);
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
        join_spans(&mut self.http.clients, o.http.clients);
        self.http.pruned += o.http.pruned;
        if self.http.clients.len() > self.http.cap.max(MAX_CLIENTS) {
            self.http.prune();
        }
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
        for (k, mm) in o.drops.per_port_minute {
            let e = self.drops.per_port_minute.entry(k).or_default();
            for (m, c) in mm {
                *e.entry(m).or_default() += c;
            }
        }
        join_spans(&mut self.drops.per_port, o.drops.per_port);
        join_spans(&mut self.drops.per_src, o.drops.per_src);
        join_spans(&mut self.drops.per_src_port, o.drops.per_src_port);
        bound(&mut self.drops.per_src_port, &mut self.caps[2]);
        for (k, set) in o.drops.sources {
            let e = self.drops.sources.entry(k).or_default();
            for s in set {
                if e.len() < MAX_SOURCES {
                    e.insert(s);
                }
            }
        }
        for (k, mm) in o.drops.first_per_minute {
            let e = self.drops.first_per_minute.entry(k).or_default();
            for (m, v) in mm {
                match e.get(&m) {
                    Some(cur) if (cur.0, &cur.1) <= (v.0, &v.1) => {}
                    _ => {
                        if e.insert(m, v).is_none() {
                            self.drops.first_per_minute_len += 1;
                        }
                    }
                }
            }
        }
        for (k, a) in o.drops.action {
            self.drops.action.entry(k).or_insert(a);
        }
        join_spans(&mut self.auth_failures, o.auth_failures);
        bound(&mut self.auth_failures, &mut self.caps[1]);
        bound(&mut self.drops.per_src, &mut self.caps[0]);
        for (m, c) in o.activity {
            *self.activity.entry(m).or_default() += c;
        }
        join_spans(&mut self.files, o.files);
    }
}
