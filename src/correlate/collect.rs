//! The analysis sink: keeps the few events that can be changes or
//! evidence, and folds the high-volume ones (access lines, firewall drops,
//! auth failures) into per-minute and per-client aggregates, so memory
//! grows with minutes and distinct clients, not with lines.

use crate::event::{Event, Kind, SourceRef};
use crate::parse::Sink;
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

impl Span {
    fn new(ts: i64, src: &SourceRef) -> Span {
        Span {
            count: 1,
            first: (ts, src.clone()),
            last: (ts, src.clone()),
        }
    }

    fn add(&mut self, ts: i64, src: &SourceRef) {
        self.count += 1;
        if (ts, src) < (self.first.0, &self.first.1) {
            self.first = (ts, src.clone());
        }
        if (ts, src) > (self.last.0, &self.last.1) {
            self.last = (ts, src.clone());
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

fn add_span<K: std::hash::Hash + Eq>(m: &mut HashMap<K, Span>, k: K, ts: i64, src: &SourceRef) {
    match m.get_mut(&k) {
        Some(s) => s.add(ts, src),
        None => {
            m.insert(k, Span::new(ts, src));
        }
    }
}

fn add_span_str(m: &mut HashMap<String, Span>, k: &str, ts: i64, src: &SourceRef) {
    match m.get_mut(k) {
        Some(s) => s.add(ts, src),
        None => {
            m.insert(k.to_string(), Span::new(ts, src));
        }
    }
}

/// Keep a per-address map bounded: past `cap` entries, addresses seen once
/// are forgotten (a scan's one-off sources explain nothing on their own);
/// the cap then doubles if that was not enough.
fn bound(m: &mut HashMap<String, Span>, cap: &mut usize) {
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
    ip.parse::<std::net::IpAddr>()
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
        self.clients.retain(|_, s| s.count > 1);
        self.pruned += (before - self.clients.len()) as u64;
        self.cap = (self.clients.len() * 2).max(MAX_CLIENTS);
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
    /// Pruning thresholds of `drops.per_src` and `auth_failures`.
    caps: [usize; 2],
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
            caps: [MAX_CLIENTS; 2],
        }
    }

    fn flush_current(&mut self) {
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

    fn http(&mut self, ev: &Event) {
        let Some(ip) = ev
            .fields
            .src_ip
            .as_deref()
            .or(ev.fields.src_host.as_deref())
        else {
            return;
        };
        let m = minute(ev.ts);
        if is_local(ip) {
            self.http.local.entry(m).or_default()[class(ev.fields.status)] += 1;
            match &mut self.http.local_span {
                Some(s) => s.add(ev.ts, &ev.source),
                None => self.http.local_span = Some(Span::new(ev.ts, &ev.source)),
            }
            return;
        }
        let service = crate::detect::unrotated(&ev.source.file).to_string();
        let c = class(ev.fields.status);
        self.http
            .external
            .entry(service)
            .or_default()
            .entry(m)
            .or_default()[c] += 1;
        if c == 2 {
            let e = self
                .http
                .first_5xx
                .entry(m)
                .or_insert_with(|| (ev.ts, ev.source.clone()));
            if (ev.ts, &ev.source) < (e.0, &e.1) {
                *e = (ev.ts, ev.source.clone());
            }
        }
        add_span_str(&mut self.http.clients, ip, ev.ts, &ev.source);
        if self.http.clients.len() > self.http.cap.max(MAX_CLIENTS) {
            self.http.prune();
        }
        match &mut self.http.external_span {
            Some(s) => s.add(ev.ts, &ev.source),
            None => self.http.external_span = Some(Span::new(ev.ts, &ev.source)),
        }
    }

    fn drop(&mut self, ev: &Event) {
        let port = ev.fields.dst_port.unwrap_or(0);
        let proto = ev.fields.proto.clone().unwrap_or_else(|| "?".into());
        let key = (port, proto);
        *self
            .drops
            .per_port_minute
            .entry(key.clone())
            .or_default()
            .entry(minute(ev.ts))
            .or_default() += 1;
        add_span(&mut self.drops.per_port, key.clone(), ev.ts, &ev.source);
        let mm = self.drops.first_per_minute.entry(key.clone()).or_default();
        match mm.get_mut(&minute(ev.ts)) {
            Some(e) if (ev.ts, &ev.source) < (e.0, &e.1) => *e = (ev.ts, ev.source.clone()),
            Some(_) => {}
            None if self.drops.first_per_minute_len < MAX_FIRST_PER_MINUTE => {
                mm.insert(minute(ev.ts), (ev.ts, ev.source.clone()));
                self.drops.first_per_minute_len += 1;
            }
            None => {}
        }
        if let Some(src) = &ev.fields.src_ip {
            add_span_str(&mut self.drops.per_src, src, ev.ts, &ev.source);
            bound(&mut self.drops.per_src, &mut self.caps[0]);
            add_span(
                &mut self.drops.per_src_port,
                (src.clone(), port),
                ev.ts,
                &ev.source,
            );
            let set = self.drops.sources.entry(key.clone()).or_default();
            if set.len() < MAX_SOURCES {
                set.insert(src.clone());
            }
        }
        if let Some(a) = &ev.fields.action {
            self.drops
                .action
                .entry(key)
                .or_insert_with(|| a.trim().to_string());
        }
    }
}

impl Sink for Collector {
    fn event(&mut self, ev: Event) {
        if self.since.is_some_and(|s| ev.ts < s) || self.until.is_some_and(|u| ev.ts >= u) {
            return;
        }
        match self.files.get_mut(&ev.source.file) {
            Some(s) => s.add(ev.ts, &ev.source),
            None => {
                self.files
                    .insert(ev.source.file.clone(), Span::new(ev.ts, &ev.source));
            }
        }
        match ev.kind {
            Kind::HttpRequest => self.http(&ev),
            Kind::FirewallDrop => {
                *self.activity.entry(minute(ev.ts)).or_default() += 1;
                self.drop(&ev)
            }
            Kind::AuthFailure | Kind::AuthInvalidUser => {
                *self.activity.entry(minute(ev.ts)).or_default() += 1;
                if let Some(ip) = ev
                    .fields
                    .src_ip
                    .as_deref()
                    .or(ev.fields.src_host.as_deref())
                {
                    add_span_str(&mut self.auth_failures, ip, ev.ts, &ev.source);
                    bound(&mut self.auth_failures, &mut self.caps[1]);
                }
            }
            Kind::LogOther
            | Kind::FirewallAccept
            | Kind::BanFound
            | Kind::SessionOpen
            | Kind::SessionClose => {
                *self.activity.entry(minute(ev.ts)).or_default() += 1;
            }
            _ => {
                *self.activity.entry(minute(ev.ts)).or_default() += 1;
                self.events.push(ev);
            }
        }
    }

    fn fork(&self) -> Self {
        Collector::new(self.since, self.until)
    }

    fn join(&mut self, mut o: Self) {
        o.flush_current();
        self.flush_current();
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
