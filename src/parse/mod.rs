//! Parse: turn the lines of one member into events. Parsing is total: a
//! line that does not parse is counted (and the first few kept), never an
//! error. Big files are cut into newline-aligned chunks parsed by rayon;
//! each chunk feeds its own [`Sink`], joined afterwards, so memory is what
//! the sink keeps, not what the file holds.

pub mod journal;
pub mod journal_file;
pub mod nginx;
pub mod stamp;
pub mod syslog;

use crate::event::{Event, Fields, Kind, SourceRef};
use crate::grammar::{Grammar, GrammarSet, TimeFormat};
use crate::normalize::Clock;
use rayon::prelude::*;
use std::sync::Arc;

/// How a member is split into records.
#[derive(Clone, Debug)]
pub enum Format {
    Syslog,
    JournalJson,
    JournalExport,
    /// systemd's binary journal file (`*.journal`), see [`journal_file`].
    JournalFile,
    /// Formats to try, the configured ones first (lock-on to the last match).
    NginxAccess(Arc<Vec<nginx::LogFormat>>),
    NginxError,
    /// A line grammar, by index into the [`GrammarSet`].
    Line(usize),
}

impl Format {
    /// The frame grammar id a format answers to.
    pub fn frame_id(&self) -> Option<&'static str> {
        Some(match self {
            Format::Syslog => "syslog",
            Format::JournalJson => "journal.json",
            Format::JournalExport => "journal.export",
            Format::JournalFile => "journal.file",
            Format::NginxAccess(_) => "nginx.access",
            Format::NginxError => "nginx.error",
            Format::Line(_) => return None,
        })
    }

    pub fn from_frame(id: &str, formats: &Arc<Vec<nginx::LogFormat>>) -> Option<Format> {
        Some(match id {
            "syslog" => Format::Syslog,
            "journal.json" => Format::JournalJson,
            "journal.export" => Format::JournalExport,
            "journal.file" => Format::JournalFile,
            "nginx.access" => Format::NginxAccess(formats.clone()),
            "nginx.error" => Format::NginxError,
            _ => return None,
        })
    }
}

/// Where parsed events go. Each chunk gets its own fork; forks are joined
/// in file order.
pub trait Sink: Send + Sized {
    fn event(&mut self, ev: Event);
    fn fork(&self) -> Self;
    fn join(&mut self, other: Self);
    /// Whether the sink needs a whole [`Event`] of this kind. When it does
    /// not, the parser hands it a [`Tally`] of borrowed fields instead and
    /// builds no event (no owned strings per line): the fast path for
    /// high-volume kinds that a sink only counts.
    fn wants_event(&self, _kind: Kind) -> bool {
        true
    }
    /// [`Sink::wants_event`], knowing the record's fields (a sink may
    /// count some records of a kept kind, such as login-session scopes).
    fn wants_record(&self, kind: Kind, _fields: &Fields) -> bool {
        self.wants_event(kind)
    }
    /// A record of a kind the sink does not want as an event.
    fn tally(&mut self, _t: &Tally<'_>) {}
}

/// A record reduced to what aggregates need, borrowed from the line.
#[derive(Clone, Copy, Debug)]
pub struct Tally<'a> {
    pub ts: i64,
    pub kind: Kind,
    pub file: &'a Arc<str>,
    pub line: u32,
    pub src_ip: Option<&'a str>,
    pub src_host: Option<&'a str>,
    pub status: Option<u16>,
    pub dst_port: Option<u16>,
    pub proto: Option<&'a str>,
    pub action: Option<&'a str>,
}

impl<'a> Tally<'a> {
    /// A tally of a record whose fields were already filled.
    pub fn of(ts: i64, kind: Kind, file: &'a Arc<str>, line: u32, f: &'a Fields) -> Tally<'a> {
        Tally {
            ts,
            kind,
            file,
            line,
            src_ip: f.src_ip.as_deref(),
            src_host: f.src_host.as_deref(),
            status: f.status,
            dst_port: f.dst_port,
            proto: f.proto.as_deref(),
            action: f.action.as_deref(),
        }
    }
}

/// Hand a record to the sink: a whole event if it wants one, else a tally.
#[allow(clippy::too_many_arguments)]
fn emit<S: Sink>(
    sink: &mut S,
    ts: i64,
    inf: u8,
    kind: Kind,
    host: Arc<str>,
    line: u32,
    ctx: &Ctx<'_>,
    message: &[u8],
    fields: &mut Fields,
) {
    // Fields are handed by reference: the struct is some 500 bytes, and
    // moving it per line was most of a syslog line's memory traffic; only
    // a kept record takes it.
    if sink.wants_record(kind, fields) {
        sink.event(make_event(
            ts,
            inf,
            kind,
            host,
            line,
            ctx,
            text(message),
            std::mem::take(fields),
        ));
    } else {
        sink.tally(&Tally::of(ts, kind, &ctx.file, line, fields));
    }
}

/// A sink that keeps every event (tests, small timelines).
#[derive(Default)]
pub struct VecSink(pub Vec<Event>);

impl Sink for VecSink {
    fn event(&mut self, ev: Event) {
        self.0.push(ev);
    }
    fn fork(&self) -> Self {
        VecSink::default()
    }
    fn join(&mut self, mut other: Self) {
        self.0.append(&mut other.0);
    }
}

/// What the inventory reports per file.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub lines: u64,
    pub parsed: u64,
    pub unparsed: u64,
    pub first_ts: Option<i64>,
    pub last_ts: Option<i64>,
    pub inferred: u64,
    pub long_lines: u64,
    pub invalid_utf8: u64,
    pub unparsed_samples: Vec<(u32, String)>,
    /// Boot markers seen (journal `-- Boot --`, `_BOOT_ID` changes):
    /// (time, line, how).
    pub boots: Vec<(i64, u32, String)>,
    /// Problems with the file as a whole (a truncated binary journal).
    pub warnings: Vec<String>,
    /// The member's sha256 as stored, when its parse computed it.
    pub sha256: Option<String>,
}

impl Stats {
    fn note_ts(&mut self, ts: i64, inf: u8) {
        self.parsed += 1;
        self.first_ts = Some(self.first_ts.map_or(ts, |f| f.min(ts)));
        self.last_ts = Some(self.last_ts.map_or(ts, |l| l.max(ts)));
        if inf != 0 {
            self.inferred += 1;
        }
    }

    fn unparsed_line(&mut self, line_no: u32, line: &[u8]) {
        self.unparsed += 1;
        if self.unparsed_samples.len() < 5 {
            let cut = &line[..line.len().min(200)];
            self.unparsed_samples
                .push((line_no, String::from_utf8_lossy(cut).into_owned()));
        }
    }

    /// Fold in the stats of a later part of the same member.
    pub fn join(&mut self, o: Stats) {
        self.lines += o.lines;
        self.parsed += o.parsed;
        self.unparsed += o.unparsed;
        self.first_ts = match (self.first_ts, o.first_ts) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_ts = match (self.last_ts, o.last_ts) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.inferred += o.inferred;
        self.long_lines += o.long_lines;
        self.invalid_utf8 += o.invalid_utf8;
        for s in o.unparsed_samples {
            if self.unparsed_samples.len() < 5 {
                self.unparsed_samples.push(s);
            }
        }
        self.boots.extend(o.boots);
        self.warnings.extend(o.warnings);
        if self.sha256.is_none() {
            self.sha256 = o.sha256;
        }
    }
}

/// Everything a parser needs to know about its member.
pub struct Ctx<'a> {
    pub grammars: &'a GrammarSet,
    pub file: Arc<str>,
    pub format_id: Arc<str>,
    /// Host for lines that do not name one.
    pub host: Arc<str>,
    pub clock: &'a Clock,
    pub max_line: usize,
}

/// Chunks smaller than this are not split.
const CHUNK: usize = 4 << 20;

/// Bytes of a member parsed per window: the chunks of one window are parsed
/// in parallel, then the window's pages can be released, so a file's
/// resident pages stay near this, not its size.
pub const WINDOW: usize = 64 << 20;

/// Parse a whole member.
pub fn parse<S: Sink>(data: &[u8], format: &Format, ctx: &Ctx<'_>, sink: &mut S) -> Stats {
    parse_released(data, format, ctx, sink, &|_, _| {})
}

/// [`parse`], calling `release(start, end)` on each window once parsed
/// (the caller may drop those pages of a memory map).
pub fn parse_released<S: Sink>(
    data: &[u8],
    format: &Format,
    ctx: &Ctx<'_>,
    sink: &mut S,
    release: &(dyn Fn(usize, usize) + Sync),
) -> Stats {
    parse_released_with(data, format, ctx, sink, &mut |_| {}, release)
}

/// [`parse_released`], handing every byte of `data`, in order, to `visit`
/// (a hash of the member) on one thread while the others parse the same
/// window, so the bytes are read once.
pub fn parse_released_with<S: Sink>(
    data: &[u8],
    format: &Format,
    ctx: &Ctx<'_>,
    sink: &mut S,
    visit: &mut (dyn FnMut(&[u8]) + Send),
    release: &(dyn Fn(usize, usize) + Sync),
) -> Stats {
    match format {
        Format::JournalExport => {
            visit(data);
            parse_export(data, ctx, sink)
        }
        Format::JournalFile => {
            visit(data);
            journal_file::parse_file(data, ctx, sink)
        }
        _ => {
            let mut st = Stats::default();
            let mut line = 1u32;
            for (a, b) in split_chunks(data, WINDOW) {
                let ((), (wst, lines)) = rayon::join(
                    || visit(&data[a..b]),
                    || parse_span_at(data, a, b, a as u64, line, CHUNK, format, ctx, sink),
                );
                st.join(wst);
                line = line.saturating_add(lines);
                release(a, b);
            }
            st
        }
    }
}

/// Parse one newline-aligned window of a member whose first byte is at
/// `base` and first line is `first_line`, cut into chunks parsed in
/// parallel. Returns the stats and the number of newlines in the window.
pub fn parse_window<S: Sink>(
    data: &[u8],
    base: u64,
    first_line: u32,
    format: &Format,
    ctx: &Ctx<'_>,
    sink: &mut S,
) -> (Stats, u32) {
    parse_window_in(data, base, first_line, CHUNK, format, ctx, sink)
}

/// [`parse_window`] with chunks of about `chunk` bytes (small windows of a
/// stream use small chunks to keep both cores busy).
#[allow(clippy::too_many_arguments)]
pub fn parse_window_in<S: Sink>(
    data: &[u8],
    base: u64,
    first_line: u32,
    chunk: usize,
    format: &Format,
    ctx: &Ctx<'_>,
    sink: &mut S,
) -> (Stats, u32) {
    // The window alone: a chunk's look-back (a journal entry's boot id)
    // stops at its start. Offsets are shifted to the member's.
    parse_span_at(
        data,
        0,
        data.len(),
        base,
        first_line,
        chunk,
        format,
        ctx,
        sink,
    )
}

/// The state a chunk starting at `before.len()` begins with.
fn initial_state(format: &Format, before: &[u8], max_line: usize) -> LineState {
    let mut ls = LineState::new();
    if matches!(format, Format::JournalJson) && !before.is_empty() {
        ls.boot_id = journal::last_boot_id(before, max_line);
    }
    ls
}

/// Parse `member[a..b]` (newline-aligned) whose first byte is at member
/// offset `base`, in chunks of about `chunk` bytes; the bytes before `a`
/// are there to look back at: a chunk of journal JSON starts with the boot
/// id of the entry before it, so it is split like any other log.
#[allow(clippy::too_many_arguments)]
pub fn parse_span_at<S: Sink>(
    member: &[u8],
    a: usize,
    b: usize,
    base: u64,
    first_line: u32,
    chunk: usize,
    format: &Format,
    ctx: &Ctx<'_>,
    sink: &mut S,
) -> (Stats, u32) {
    // `base` is the member offset of `member[a..]`.
    let data = &member[a..b];
    let chunks = split_chunks(data, chunk);
    if chunks.len() == 1 {
        let mut st = Stats::default();
        let ls = initial_state(format, &member[..a], ctx.max_line);
        parse_lines(data, base, first_line, format, ctx, sink, &mut st, ls);
        let n = memchr::memchr_iter(b'\n', data).count() as u32;
        return (st, n);
    }
    // Line numbers of each chunk's first line.
    let counts: Vec<u32> = chunks
        .par_iter()
        .map(|&(a, b)| memchr::memchr_iter(b'\n', &data[a..b]).count() as u32)
        .collect();
    let mut starts = Vec::with_capacity(chunks.len());
    let mut acc = first_line;
    for c in &counts {
        starts.push(acc);
        acc = acc.saturating_add(*c);
    }
    // Chunks are parsed a batch at a time and joined in file order, so
    // only a batch of forks (with their aggregates) is alive at once:
    // memory follows the thread count, not the file size. (One fork per
    // rayon split instead was slower: a sink's per-client maps grow large
    // and cache-cold, where a chunk's stay small.)
    let batch = rayon::current_num_threads().max(1) * 2;
    let mut st = Stats::default();
    for (cs, ss) in chunks.chunks(batch).zip(starts.chunks(batch)) {
        let forks: Vec<S> = cs.iter().map(|_| sink.fork()).collect();
        let results: Vec<(S, Stats)> = forks
            .into_par_iter()
            .zip(cs.par_iter().zip(ss.par_iter()))
            .map(|(mut s, (&(ca, cb), &first))| {
                let mut st = Stats::default();
                let ls = initial_state(format, &member[..a + ca], ctx.max_line);
                parse_lines(
                    &data[ca..cb],
                    base + ca as u64,
                    first,
                    format,
                    ctx,
                    &mut s,
                    &mut st,
                    ls,
                );
                (s, st)
            })
            .collect();
        for (s, cst) in results {
            sink.join(s);
            st.join(cst);
        }
    }
    (st, acc - first_line)
}

/// `(start, end)` ranges of `size` bytes covering `len` (no alignment).
pub fn split_chunks_raw(len: usize, size: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..len)
        .step_by(size.max(1))
        .map(move |a| (a, a.saturating_add(size).min(len)))
}

/// Newline-aligned `(start, end)` ranges of about `size` bytes.
pub fn split_chunks(data: &[u8], size: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut a = 0;
    while a < data.len() {
        let mut b = a.saturating_add(size).min(data.len());
        if b < data.len() {
            b = memchr::memchr(b'\n', &data[b..]).map_or(data.len(), |p| b + p + 1);
        }
        out.push((a, b));
        a = b;
    }
    if out.is_empty() {
        out.push((0, 0));
    }
    out
}

/// Per-chunk state that spans lines.
struct LineState {
    /// Lock-on index for line grammars and nginx formats.
    last_variant: usize,
    /// A `-- Boot --` marker waits for the next record's time.
    pending_boot: Option<u32>,
    prev_parsed: bool,
    host_cache: Option<(Vec<u8>, Arc<str>)>,
    /// The journal `_BOOT_ID` of the previous entry.
    boot_id: Option<Vec<u8>>,
    /// Time of the last parsed record, for continuation lines.
    last_ts: Option<(i64, u8)>,
}

impl LineState {
    fn new() -> LineState {
        LineState {
            last_variant: 0,
            pending_boot: None,
            prev_parsed: false,
            host_cache: None,
            boot_id: None,
            last_ts: None,
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn parse_lines<S: Sink>(
    data: &[u8],
    base: u64,
    first_line: u32,
    format: &Format,
    ctx: &Ctx<'_>,
    sink: &mut S,
    st: &mut Stats,
    mut ls: LineState,
) {
    let line_grammar = match format {
        Format::Line(i) => ctx.grammars.grammars.get(*i),
        _ => None,
    };
    let mut line_no = first_line;
    let mut pos = 0usize;
    // One validation of the whole chunk; lines are checked one by one only
    // in a chunk that has invalid UTF-8 somewhere.
    let chunk_utf8 = std::str::from_utf8(data).is_ok();
    while pos < data.len() {
        let end = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |p| pos + p);
        let mut line = &data[pos..end];
        let offset = base + pos as u64;
        pos = end + 1;
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        st.lines += 1;
        let this = line_no;
        line_no = line_no.saturating_add(1);
        let mut cut = false;
        if line.len() > ctx.max_line {
            st.long_lines += 1;
            line = &line[..ctx.max_line];
            cut = true;
        }
        if line.iter().all(|b| b.is_ascii_whitespace()) || is_comment(line) {
            // Blank lines and `#` comments (W3C log headers, annotated test
            // logs) are neither events nor failures.
            st.lines -= 1;
            continue;
        }
        if (!chunk_utf8 || cut) && std::str::from_utf8(line).is_err() {
            st.invalid_utf8 += 1;
        }
        let ok = match format {
            Format::Syslog => syslog_line(line, offset, this, ctx, sink, st, &mut ls),
            Format::JournalJson => json_line(line, this, ctx, sink, st, &mut ls),
            Format::NginxAccess(fmts) => {
                access_line(line, offset, this, fmts, ctx, sink, st, &mut ls)
            }
            Format::NginxError => error_line(line, offset, this, ctx, sink, st),
            Format::Line(gi) => match line_grammar {
                Some(g) => grammar_line(g, *gi, line, offset, this, ctx, sink, st, &mut ls),
                None => false,
            },
            Format::JournalExport | Format::JournalFile => false,
        };
        if ok {
            ls.prev_parsed = true;
        } else if ls.prev_parsed && continues_record(line, format) {
            // A continuation of the previous record: journalctl short output
            // indents the rest of a multi-line message; rsyslog without
            // control-character escaping and nginx relaying FastCGI stderr
            // write it unindented.
            st.parsed += 1;
        } else {
            ls.prev_parsed = false;
            st.unparsed_line(this, line);
        }
    }
}

/// Whether a line that did not parse continues the record before it
/// rather than being a record gone wrong. Indented lines always do. For the
/// syslog and nginx error frames, so does a line that does not even start
/// like a record (a stamp's digit, `<PRI>`, or `Mmm d`); `MMM 22 07:54:32 …`
/// or `Mar 23 Wrong line` stay unparsed, as plaso rejects them too.
fn continues_record(line: &[u8], format: &Format) -> bool {
    if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
        return true;
    }
    let starts_like_record = match line {
        [d, ..] if d.is_ascii_digit() || *d == b'<' || *d == b'[' || *d == b'{' => true,
        [a, b, c, b' ', d, ..] => {
            a.is_ascii_alphabetic()
                && b.is_ascii_alphabetic()
                && c.is_ascii_alphabetic()
                && (d.is_ascii_digit() || *d == b' ')
        }
        _ => false,
    };
    matches!(format, Format::Syslog | Format::NginxError) && !starts_like_record
}

/// A `# ...` line. No syslog, access or journal record starts with `#`.
pub fn is_comment(line: &[u8]) -> bool {
    line.first() == Some(&b'#')
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn host_of(raw: Option<&[u8]>, ctx: &Ctx<'_>, ls: &mut LineState) -> Arc<str> {
    let Some(h) = raw.filter(|h| !h.is_empty()) else {
        return ctx.host.clone();
    };
    if let Some((k, v)) = &ls.host_cache
        && k == h
    {
        return v.clone();
    }
    let v: Arc<str> = text(h).into();
    ls.host_cache = Some((h.to_vec(), v.clone()));
    v
}

#[allow(clippy::too_many_arguments)]
fn make_event(
    ts: i64,
    inf: u8,
    kind: Kind,
    host: Arc<str>,
    line: u32,
    ctx: &Ctx<'_>,
    message: String,
    fields: Fields,
) -> Event {
    Event {
        ts,
        ts_inferred: inf,
        kind,
        host,
        source: SourceRef {
            file: ctx.file.clone(),
            line,
        },
        also: Vec::new(),
        format: ctx.format_id.clone(),
        message,
        fields,
        boot: None,
    }
}

fn boot_event(
    ts: i64,
    host: Arc<str>,
    line: u32,
    ctx: &Ctx<'_>,
    how: &str,
    st: &mut Stats,
) -> Event {
    st.boots.push((ts, line, how.to_string()));
    make_event(
        ts,
        0,
        Kind::SystemBoot,
        host,
        line,
        ctx,
        how.to_string(),
        Fields::default(),
    )
}

fn syslog_line<S: Sink>(
    line: &[u8],
    offset: u64,
    no: u32,
    ctx: &Ctx<'_>,
    sink: &mut S,
    st: &mut Stats,
    ls: &mut LineState,
) -> bool {
    let Some(f) = syslog::parse(line) else {
        if let Some(m) = syslog::marker(line) {
            if m == syslog::Marker::Boot {
                ls.pending_boot = Some(no);
            }
            // Markers are structure, not failures.
            st.parsed += 1;
            return true;
        }
        return false;
    };
    let Some((ts, inf)) = ctx.clock.resolve(&f.stamp, offset) else {
        return false;
    };
    st.note_ts(ts, inf);
    let host = host_of(f.host, ctx, ls);
    if let Some(bl) = ls.pending_boot.take() {
        sink.event(boot_event(
            ts,
            host.clone(),
            bl,
            ctx,
            "journal boot marker",
            st,
        ));
    }
    let mut fields = Fields {
        pid: f.pid,
        ..Fields::default()
    };
    let body = repeated_inner(f.message).unwrap_or(f.message);
    let kind = ctx
        .grammars
        .match_message(f.program, None, body, &mut fields)
        .unwrap_or(Kind::LogOther);
    let kind = crate::normalize::refine(kind, &mut fields, body);
    if fields.program.is_none() && sink.wants_record(kind, &fields) {
        // The tag names the program unless a rule captured another (the
        // process an OOM kill names); set only for a record kept whole, so
        // a line the sink only counts costs no string for it.
        fields.program = f.program.map(text);
    }
    if kind == Kind::SystemBoot {
        st.boots.push((ts, no, text(f.message)));
    }
    emit(sink, ts, inf, kind, host, no, ctx, f.message, &mut fields);
    true
}

/// rsyslog's `message repeated 5 times: [ Failed password for ...]`: the
/// repeated message, so it is classified as itself (one event stands for
/// the run; the count stays in the message).
fn repeated_inner(msg: &[u8]) -> Option<&[u8]> {
    let r = msg.strip_prefix(b"message repeated ")?;
    let p = memchr::memmem::find(r, b" times: [")?;
    let inner = &r[p + b" times: [".len()..];
    let inner = inner.strip_suffix(b"]").unwrap_or(inner);
    Some(inner.strip_prefix(b" ").unwrap_or(inner))
}

fn json_line<S: Sink>(
    line: &[u8],
    no: u32,
    ctx: &Ctx<'_>,
    sink: &mut S,
    st: &mut Stats,
    ls: &mut LineState,
) -> bool {
    let Some(e) = journal::json_line(line, no) else {
        return false;
    };
    journal_entry(e, ctx, sink, st, ls);
    true
}

fn journal_entry<S: Sink>(
    e: journal::Entry<'_>,
    ctx: &Ctx<'_>,
    sink: &mut S,
    st: &mut Stats,
    ls: &mut LineState,
) {
    let Some(ts) = e.time_us() else { return };
    st.note_ts(ts, 0);
    let host = host_of(e.host.as_deref(), ctx, ls);
    // A new `_BOOT_ID` starts a boot.
    if let Some(b) = e.boot_id.as_deref() {
        let key: &[u8] = b;
        if ls.boot_id.as_deref() != Some(key) {
            let first = ls.boot_id.is_none();
            ls.boot_id = Some(key.to_vec());
            if !first {
                sink.event(boot_event(
                    ts,
                    host.clone(),
                    e.line,
                    ctx,
                    "journal _BOOT_ID changed",
                    st,
                ));
            } else {
                st.boots
                    .push((ts, e.line, format!("journal boot {}", text(key))));
            }
        }
    }
    let msg: &[u8] = e.message.as_deref().unwrap_or(b"");
    let unit = e.unit.as_deref().map(|u| u.to_vec());
    let mut fields = Fields {
        pid: e.pid,
        program: e.program().map(text),
        unit: unit.as_deref().map(text),
        ..Fields::default()
    };
    let kind = ctx
        .grammars
        .match_message(e.program(), unit.as_deref(), msg, &mut fields)
        .unwrap_or(Kind::LogOther);
    if let Some(u) = e.subject_unit.as_deref()
        && fields
            .unit
            .as_deref()
            .is_none_or(|x| x == "init.scope" || x.starts_with("user@"))
        && kind != Kind::LogOther
    {
        // systemd's own messages: the unit they are about, not PID 1's scope.
        fields.unit = Some(text(u));
    }
    let kind = crate::normalize::refine(kind, &mut fields, msg);
    if kind == Kind::SystemBoot {
        st.boots.push((ts, e.line, text(msg)));
    }
    emit(sink, ts, 0, kind, host, e.line, ctx, msg, &mut fields);
}

fn parse_export<S: Sink>(data: &[u8], ctx: &Ctx<'_>, sink: &mut S) -> Stats {
    let mut st = Stats::default();
    let mut ls = LineState::new();
    let mut entries = 0u64;
    let (lines, bad) = journal::export(data, |e| {
        entries += 1;
        journal_entry(e, ctx, sink, &mut st, &mut ls);
    });
    // Every line of an export belongs to an entry; report lines, and count
    // the entries as parsed records.
    st.lines = lines.saturating_sub(1);
    st.parsed = st.lines.saturating_sub(bad);
    st.unparsed = bad;
    let _ = entries;
    st
}

#[allow(clippy::too_many_arguments)]
fn access_line<S: Sink>(
    line: &[u8],
    offset: u64,
    no: u32,
    fmts: &[nginx::LogFormat],
    ctx: &Ctx<'_>,
    sink: &mut S,
    st: &mut Stats,
    ls: &mut LineState,
) -> bool {
    let n = fmts.len();
    let mut hit = None;
    for k in 0..n {
        let i = (ls.last_variant + k) % n;
        if let Some(a) = fmts[i].parse(line) {
            ls.last_variant = i;
            hit = Some(a);
            break;
        }
    }
    let Some(a) = hit else { return false };
    let Some(stamp) = a.stamp else { return false };
    let Some((ts, inf)) = ctx.clock.resolve(&stamp, offset) else {
        return false;
    };
    st.note_ts(ts, inf);
    let client = a.client();
    if !sink.wants_event(Kind::HttpRequest)
        && let Ok(c) = std::str::from_utf8(client)
    {
        // The fast path: nothing owned, nothing allocated.
        let c = Some(c.trim()).filter(|c| !c.is_empty() && *c != "-");
        let ip = c.filter(|c| crate::event::looks_like_ip(c));
        let (src_ip, src_host) = match (c, ip) {
            (Some(c), None) => (None, Some(c)),
            (_, ip) => (ip, None),
        };
        sink.tally(&Tally {
            ts,
            kind: Kind::HttpRequest,
            file: &ctx.file,
            line: no,
            src_ip,
            src_host,
            status: a.status,
            dst_port: a.server_port,
            proto: None,
            action: None,
        });
        return true;
    }
    let opt = |v: Option<&[u8]>| v.map(text);
    let mut fields = Fields {
        user: opt(a.user),
        method: opt(a.method),
        path: opt(a.path),
        status: a.status,
        bytes: a.bytes,
        user_agent: opt(a.user_agent),
        request_time: a.request_time,
        upstream: opt(a.upstream),
        vhost: opt(a.vhost),
        dst_port: a.server_port,
        program: Some("nginx".into()),
        ..Fields::default()
    };
    fields.set("host", &String::from_utf8_lossy(client));
    // Apache's `%v:%p` vhost prefix (`shop.example:443`): the port is the
    // server's, which the per-service story needs.
    if let Some((h, p)) = fields.vhost.as_deref().and_then(|v| v.rsplit_once(':'))
        && fields.dst_port.is_none()
        && !h.contains(':')
        && let Ok(port) = p.parse::<u16>()
    {
        fields.vhost = Some(h.to_string());
        fields.dst_port = Some(port);
    }
    sink.event(make_event(
        ts,
        inf,
        Kind::HttpRequest,
        ctx.host.clone(),
        no,
        ctx,
        text(line),
        fields,
    ));
    true
}

fn error_line<S: Sink>(
    line: &[u8],
    offset: u64,
    no: u32,
    ctx: &Ctx<'_>,
    sink: &mut S,
    st: &mut Stats,
) -> bool {
    let Some(e) = nginx::error_line(line) else {
        return false;
    };
    let Some((ts, inf)) = ctx.clock.resolve(&e.stamp, offset) else {
        return false;
    };
    st.note_ts(ts, inf);
    let opt = |v: Option<&[u8]>| v.map(text);
    let mut fields = Fields {
        level: Some(text(e.level).to_ascii_lowercase()),
        pid: e.pid,
        upstream: opt(e.upstream),
        vhost: opt(e.server),
        program: Some("nginx".into()),
        ..Fields::default()
    };
    if let Some(c) = e.client {
        fields.set("host", &String::from_utf8_lossy(c));
    }
    if let Some(r) = e.request {
        let mut parts = r.splitn(3, |&c| c == b' ');
        fields.method = parts.next().map(text);
        fields.path = parts.next().map(text);
    }
    let kind = ctx
        .grammars
        .match_message(Some(b"nginx"), None, e.message, &mut fields)
        .filter(|k| *k != Kind::LogOther)
        .unwrap_or(Kind::HttpError);
    emit(
        sink,
        ts,
        inf,
        kind,
        ctx.host.clone(),
        no,
        ctx,
        e.message,
        &mut fields,
    );
    true
}

/// An ISO stamp as line grammars meet it: also `YYYY-MM-DD  hh:mm:ss`
/// (apt history pads with two spaces) and a trailing zone abbreviation
/// (`... 14:02:31.123 CEST`, PostgreSQL's `%m`).
fn iso_loose(s: &[u8]) -> Option<stamp::Stamp> {
    let mut buf = [0u8; 40];
    let s = if s.len() > 12 && s.len() <= buf.len() && s.get(10..12) == Some(b"  ") {
        buf[..10].copy_from_slice(&s[..10]);
        buf[10] = b' ';
        let rest = &s[12..];
        buf[11..11 + rest.len()].copy_from_slice(rest);
        &buf[..11 + rest.len()]
    } else {
        s
    };
    let (mut st, used) = stamp::iso(s)?;
    if st.offset.is_none()
        && let Some(z) = s.get(used..).and_then(|r| r.strip_prefix(b" "))
    {
        st.offset = stamp::zone_abbr(z);
    }
    Some(st)
}

/// Read a line grammar's `ts` capture.
pub fn grammar_stamp(tf: TimeFormat, s: &[u8]) -> Option<stamp::Stamp> {
    match tf {
        TimeFormat::Iso => iso_loose(s),
        TimeFormat::Yymmdd => {
            // `240806 14:02:31`, the hour may be space-padded.
            if s.get(6) != Some(&b' ') {
                return None;
            }
            let mut t = [b'0'; 8];
            let rest = s.get(7..)?;
            let rest = rest.strip_prefix(b" ").unwrap_or(rest);
            let hms = if rest.get(1) == Some(&b':') {
                (rest.get(..7)?, 1)
            } else {
                (rest.get(..8)?, 0)
            };
            t[hms.1..].copy_from_slice(hms.0);
            let (hour, min, sec) = stamp::hms(&t, 0)?;
            let st = stamp::Stamp {
                year: Some(2000 + stamp::num2(s, 0)? as i32),
                month: stamp::num2(s, 2)?,
                day: stamp::num2(s, 4)?,
                hour,
                min,
                sec,
                ..stamp::Stamp::default()
            };
            st.plausible().then_some(st)
        }
        TimeFormat::Dmy => {
            // `06-Aug-2024 14:02:31[.f]`
            if s.get(2) != Some(&b'-') || s.get(6) != Some(&b'-') || s.get(11) != Some(&b' ') {
                return None;
            }
            let (hour, min, sec) = stamp::hms(s, 12)?;
            let (micros, _) = stamp::fraction(s, 20);
            let st = stamp::Stamp {
                year: Some(stamp::num4(s, 7)?),
                month: stamp::month_abbr(s.get(3..6)?)?,
                day: stamp::num2(s, 0)?,
                hour,
                min,
                sec,
                micros,
                ..stamp::Stamp::default()
            };
            st.plausible().then_some(st)
        }
        TimeFormat::Bsd => stamp::bsd(s).map(|x| x.0),
        TimeFormat::Clf => stamp::clf(s),
        TimeFormat::Epoch => {
            let t = std::str::from_utf8(s).ok()?;
            let f: f64 = t.trim().parse().ok()?;
            if !(0.0..7.3e9).contains(&f) {
                return None;
            }
            Some(stamp::Stamp::from_unix_us((f * 1e6) as i64))
        }
        TimeFormat::Ctime => {
            // `Tue Aug 06 14:02:31[.ffffff] 2024`
            let r = s.get(4..)?;
            let (mut st, used) = stamp::bsd(r)?;
            let y = r.get(used + 1..used + 5)?;
            st.year = Some(stamp::num4(y, 0)?);
            Some(st)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn grammar_line<S: Sink>(
    g: &Grammar,
    gi: usize,
    line: &[u8],
    offset: u64,
    no: u32,
    ctx: &Ctx<'_>,
    sink: &mut S,
    st: &mut Stats,
    ls: &mut LineState,
) -> bool {
    let Some((caps, variant)) = GrammarSet::match_line(g, line, &mut ls.last_variant) else {
        let cont = continuation_line(g, line, no, ctx, sink, ls);
        if cont {
            st.parsed += 1;
        }
        return cont;
    };
    let Some(ts_m) = caps.name("ts") else {
        return false;
    };
    let Some(stamp) = grammar_stamp(variant.time, ts_m.as_bytes()) else {
        return false;
    };
    let Some((ts, inf)) = ctx.clock.resolve(&stamp, offset) else {
        return false;
    };
    st.note_ts(ts, inf);
    ls.last_ts = Some((ts, inf));
    let mut fields = Fields::default();
    crate::grammar::fill_fields(&mut fields, &variant.re, &caps);
    if fields.program.is_none() {
        // A line grammar naming programs (mysql.error → mysqld) hands its
        // messages to their message grammars.
        fields.program = g.programs.first().cloned();
    }
    let msg = caps.name("message").map_or(line, |m| m.as_bytes());
    let host = host_of(caps.name("hostname").map(|m| m.as_bytes()), ctx, ls);
    let kind = ctx
        .grammars
        .match_events(gi, msg, &mut fields)
        .or_else(|| {
            // A line grammar whose message carries a program (firewalld,
            // mysqld) may defer to message grammars.
            let prog = fields.program.clone();
            prog.and_then(|p| {
                ctx.grammars
                    .match_message(Some(p.as_bytes()), None, msg, &mut fields)
            })
        })
        .unwrap_or(g.fallback);
    emit(sink, ts, inf, kind, host, no, ctx, msg, &mut fields);
    true
}

/// A stamp-less line that continues the record before it (apt history
/// `Install:` lines). It is an event only when a rule gives it a kind of its
/// own; either way it counts as parsed.
fn continuation_line<S: Sink>(
    g: &Grammar,
    line: &[u8],
    no: u32,
    ctx: &Ctx<'_>,
    sink: &mut S,
    ls: &LineState,
) -> bool {
    let (Some(re), Some((ts, inf))) = (&g.continuation, ls.last_ts) else {
        return false;
    };
    if !re.is_match(line) {
        return false;
    }
    let mut fields = Fields::default();
    let mut kind = None;
    for r in &g.events {
        if let Some(c) = r.re.captures(line) {
            crate::grammar::fill_fields(&mut fields, &r.re, &c);
            for (k, v) in &r.set {
                fields.set(k, v);
            }
            kind = Some(r.kind);
            break;
        }
    }
    if kind.is_none()
        && let Some(p) = g.programs.first()
    {
        // mysqld's crash report (`240806 14:02:31 [ERROR] mysqld got
        // signal 11 ;`) continues the log without its usual stamp.
        kind = ctx
            .grammars
            .match_message(Some(p.as_bytes()), None, line, &mut fields);
        fields.program = Some(p.clone());
    }
    if let Some(kind) = kind.filter(|k| *k != Kind::LogOther) {
        sink.event(make_event(
            ts,
            inf,
            kind,
            ctx.host.clone(),
            no,
            ctx,
            text(line),
            fields,
        ));
    }
    true
}

/// Parse one line with a grammar set as a sample check does: returns the
/// event, if any. Used by `faultline grammars check` and tests.
pub fn parse_one(
    line: &[u8],
    format: &Format,
    grammars: &GrammarSet,
    clock: &Clock,
) -> Option<Event> {
    let ctx = Ctx {
        grammars,
        file: "sample".into(),
        format_id: "sample".into(),
        host: "sample-host".into(),
        clock,
        max_line: 1 << 20,
    };
    let mut sink = VecSink::default();
    let mut data = line.to_vec();
    if matches!(format, Format::JournalExport) {
        data.extend_from_slice(b"\n\n");
    }
    if matches!(format, Format::JournalFile) {
        // A binary frame's sample is written as export text (TOML holds no
        // binary) and packed into a journal file here.
        data = journal_file::pack_export(line);
    }
    parse(&data, format, &ctx, &mut sink);
    let mut evs = sink.0;
    let pos = evs
        .iter()
        .position(|e| e.kind != Kind::SystemBoot)
        .unwrap_or(0);
    (!evs.is_empty()).then(|| evs.swap_remove(pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_grammar_stamps() {
        let s = grammar_stamp(TimeFormat::Dmy, b"06-Aug-2024 14:02:31.5").expect("dmy");
        assert_eq!(
            (s.year, s.month, s.day, s.micros),
            (Some(2024), 8, 6, 500_000)
        );
        let s = grammar_stamp(TimeFormat::Iso, b"2022-10-04  06:22:29").expect("apt");
        assert_eq!((s.day, s.hour, s.sec), (4, 6, 29));
        let s = grammar_stamp(TimeFormat::Iso, b"2024-08-06 14:02:31.123 CEST").expect("pg");
        assert_eq!(s.offset, Some(7200));
        assert!(grammar_stamp(TimeFormat::Dmy, b"06-Foo-2024 14:02:31").is_none());
        let s = grammar_stamp(TimeFormat::Yymmdd, b"240806  4:02:31").expect("yymmdd");
        assert_eq!((s.year, s.month, s.day, s.hour), (Some(2024), 8, 6, 4));
    }

    #[test]
    fn repeated_message_is_classified_as_itself() {
        assert_eq!(
            repeated_inner(b"message repeated 5 times: [ Failed password for root from 5.36.59.76 port 42393 ssh2]"),
            Some(&b"Failed password for root from 5.36.59.76 port 42393 ssh2"[..])
        );
        assert_eq!(repeated_inner(b"last message repeated 3 times"), None);
    }

    #[test]
    fn apt_block_lines_take_the_start_time() {
        let (_, gs) = crate::grammar::load_embedded().expect("embedded");
        let set = GrammarSet::new(gs);
        let gi = set
            .grammars
            .iter()
            .position(|g| g.id == "apt.history")
            .expect("apt grammar");
        let clock = Clock::utc(crate::normalize::Zone::Fixed(0));
        let ctx = Ctx {
            grammars: &set,
            file: "history.log".into(),
            format_id: "apt.history".into(),
            host: "h".into(),
            clock: &clock,
            max_line: 4096,
        };
        let data = b"Start-Date: 2024-08-06  14:02:31\nCommandline: apt-get remove nginx\nRemove: nginx:amd64 (1.22.1-9)\nEnd-Date: 2024-08-06  14:02:33\n\nUpgrade: orphan (1, 2)\n";
        let mut sink = VecSink::default();
        let st = parse(data, &Format::Line(gi), &ctx, &mut sink);
        let kinds: Vec<_> = sink
            .0
            .iter()
            .map(|e| (e.source.line, e.kind, e.fields.action.clone()))
            .collect();
        assert!(
            kinds.contains(&(3, Kind::PackageChange, Some("Remove".into()))),
            "{kinds:?}"
        );
        let remove = sink.0.iter().find(|e| e.source.line == 3).expect("remove");
        assert_eq!(remove.ts, sink.0[0].ts);
        // The orphan line after the block still continues it (same chunk).
        assert_eq!((st.lines, st.parsed, st.unparsed), (5, 5, 0));
    }

    #[test]
    fn chunks_align_to_newlines() {
        let data = b"aaaa\nbbbb\ncccc\ndd";
        let c = split_chunks(data, 6);
        assert_eq!(c, vec![(0, 10), (10, 17)]);
        let joined: Vec<u8> = c.iter().flat_map(|&(a, b)| data[a..b].to_vec()).collect();
        assert_eq!(joined, data);
        assert_eq!(split_chunks(b"", 4), vec![(0, 0)]);
    }
}

/// A sink that keeps nothing: for runs that need only the inventory.
#[derive(Default)]
pub struct CountSink;

impl Sink for CountSink {
    fn event(&mut self, _ev: Event) {}
    fn wants_event(&self, _kind: Kind) -> bool {
        false
    }
    fn fork(&self) -> Self {
        CountSink
    }
    fn join(&mut self, _other: Self) {}
}

/// Frames never panic, whatever the bytes: attackers write our input.
#[cfg(test)]
mod never_panic {
    use super::*;
    use proptest::prelude::*;

    /// Bytes biased towards the shapes the frames look for, so the fuzzing
    /// reaches past the first check.
    fn loggy() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(b"Aug  6 14:02:31 ".to_vec()),
            Just(b"2024-08-06T14:02:31.5+02:00 ".to_vec()),
            Just(b"<38>1 ".to_vec()),
            Just(b"[06/Aug/2024:14:02:31 +0200] ".to_vec()),
            Just(b"2024/08/06 14:02:31 [error] 1#1: ".to_vec()),
            Just(b"sshd[812]: ".to_vec()),
            Just(b"\"GET / HTTP/1.1\" ".to_vec()),
            Just(b", client: ".to_vec()),
            Just(b"__REALTIME_TIMESTAMP=1\n".to_vec()),
            Just(b"MESSAGE\n\xff\xff\xff\xff\xff\xff\xff\x7f".to_vec()),
            Just(b"{\"MESSAGE\":[1,2,300],\"__REALTIME_TIMESTAMP\":\"9\"}".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..24),
        ];
        proptest::collection::vec(piece, 0..8).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        #[test]
        fn syslog_frame(b in loggy()) {
            let _ = syslog::parse(&b);
            let _ = syslog::marker(&b);
        }

        #[test]
        fn nginx_frames(b in loggy()) {
            for f in nginx::LogFormat::builtin() {
                let _ = f.parse(&b);
            }
            let _ = nginx::error_line(&b);
            let s = String::from_utf8_lossy(&b);
            for f in nginx::log_formats_in_config(&s) {
                let _ = f.parse(&b);
            }
            let _ = nginx::LogFormat::compile("x", &s).parse(&b);
        }

        #[test]
        fn journal_frames(b in loggy()) {
            let _ = journal::json_line(&b, 1);
            let _ = journal::export(&b, |_| {});
        }

        #[test]
        fn stamps(b in loggy()) {
            let _ = stamp::bsd(&b);
            let _ = stamp::iso(&b);
            let _ = stamp::clf(&b);
            let _ = stamp::offset(&b, 0);
            let _ = stamp::fraction(&b, 0);
            let _ = stamp::zone_abbr(&b);
            for tf in [TimeFormat::Iso, TimeFormat::Bsd, TimeFormat::Clf, TimeFormat::Epoch, TimeFormat::Ctime, TimeFormat::Dmy, TimeFormat::Yymmdd] {
                let _ = grammar_stamp(tf, &b);
            }
        }

        #[test]
        fn whole_pipeline_of_a_member(b in loggy()) {
            static SET: std::sync::OnceLock<GrammarSet> = std::sync::OnceLock::new();
            let set = SET.get_or_init(|| GrammarSet::new(crate::grammar::load_embedded().expect("embedded").1));
            let clock = Clock { fixed_year: Some(2024), ..Clock::utc(crate::normalize::Zone::Fixed(0)) };
            let fmts = Arc::new(nginx::LogFormat::builtin());
            let mut formats = vec![Format::Syslog, Format::JournalJson, Format::JournalExport, Format::NginxAccess(fmts), Format::NginxError];
            formats.extend((0..set.grammars.len()).map(Format::Line));
            for f in &formats {
                let ctx = Ctx { grammars: set, file: "f".into(), format_id: "f".into(), host: "h".into(), clock: &clock, max_line: 4096 };
                let mut sink = VecSink::default();
                let st = parse(&b, f, &ctx, &mut sink);
                prop_assert!(st.parsed + st.unparsed <= st.lines + 1 || matches!(f, Format::JournalExport));
            }
        }
    }
}
