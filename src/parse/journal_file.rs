//! systemd's binary journal files (`*.journal`, `*.journal~`), read
//! directly so a bundle of `/var/log/journal/<machine-id>/` needs no
//! journalctl. Layout after systemd's "Journal File Format"
//! (`JOURNAL_FILE_FORMAT.md`, `journal-def.h`):
//!
//! - a header: signature `LPKSHHRH`, compatible and incompatible flags,
//!   `header_size`, `arena_size`, `n_entries`, `entry_array_offset`, …;
//! - then 8-byte aligned objects, each `type, flags, reserved[6], size`:
//!   DATA (`FIELD=value`, maybe XZ/LZ4/ZSTD compressed per its flags),
//!   ENTRY (seqnum, realtime µs, monotonic, boot id, xor hash, items that
//!   point at DATA objects) and ENTRY_ARRAY (offsets of entries, chained);
//! - `HEADER_INCOMPATIBLE_COMPACT` (systemd 252+) stores entry items and
//!   entry-array slots as 32-bit offsets and gives DATA two more fields.
//!
//! Which entries: the union of the header's entry-array chain (what
//! journalctl lists) and a linear scan of the objects from the header on.
//! The chain alone loses every entry after a broken array; the scan alone
//! loses everything after a broken object header; together they read more
//! of a corrupted or truncated file than either. Entries come out in file
//! offset order, which is the order journald appended them (seqnum order).
//!
//! A binary file has no lines: an entry's `line` is its 1-based index in
//! that order, and the inventory's "lines" are entries.
//!
//! The input is hostile: every offset is bounds-checked, objects must be
//! aligned and of the expected type, a decompressed field is capped at
//! [`MAX_FIELD`], entry-array chains stop at a revisited offset, and
//! nothing here panics. What cannot be read is counted, with a warning.

use super::journal::Entry;
use super::{Ctx, LineState, Sink, Stats};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};
use std::io::Read;

/// The first eight bytes of every journal file.
pub const SIGNATURE: &[u8; 8] = b"LPKSHHRH";

/// Header bytes up to `tail_entry_monotonic`: what the oldest files
/// (before systemd 187) have. Newer fields are not needed here.
const HEADER_MIN: usize = 208;
/// The header systemd writes today (254+); also what [`pack`] writes.
const HEADER_NOW: usize = 272;

const INCOMPAT_XZ: u32 = 1 << 0;
const INCOMPAT_LZ4: u32 = 1 << 1;
const INCOMPAT_KEYED_HASH: u32 = 1 << 2;
const INCOMPAT_ZSTD: u32 = 1 << 3;
const INCOMPAT_COMPACT: u32 = 1 << 4;
const INCOMPAT_KNOWN: u32 =
    INCOMPAT_XZ | INCOMPAT_LZ4 | INCOMPAT_KEYED_HASH | INCOMPAT_ZSTD | INCOMPAT_COMPACT;

const OBJ_DATA: u8 = 1;
const OBJ_ENTRY: u8 = 3;
const OBJ_ENTRY_ARRAY: u8 = 6;
/// OBJECT_TAG, the highest type systemd defines.
const OBJ_MAX: u8 = 7;

/// Object flags: how a DATA payload is compressed.
pub const COMPRESSED_XZ: u8 = 1 << 0;
pub const COMPRESSED_LZ4: u8 = 1 << 1;
pub const COMPRESSED_ZSTD: u8 = 1 << 2;

/// `type, flags, reserved[6], le64 size`.
const OBJ_HEADER: usize = 16;
/// ENTRY: object header, seqnum, realtime, monotonic, boot id, xor hash.
const ENTRY_ITEMS: usize = 64;
/// DATA: object header, hash, next hash, next field, entry, entry array,
/// n_entries; compact files add two le32 before the payload.
const DATA_PAYLOAD: usize = 64;
const DATA_PAYLOAD_COMPACT: usize = 72;
/// ENTRY_ARRAY: object header, next array offset.
const ARRAY_ITEMS: usize = 24;

/// Largest decompressed field kept. journald itself caps fields well
/// below this for normal messages; a bigger one (a core dump) is skipped,
/// so a hostile ratio cannot make us allocate more.
pub const MAX_FIELD: usize = 16 << 20;
/// Entry arrays followed at most: a chain this long is a loop the visited
/// set did not catch (it cannot be, but the cap costs nothing).
const MAX_ARRAYS: usize = 1 << 20;

/// The fields [`Entry`] keeps. Others are not decompressed past their name.
const WANTED: &[&[u8]] = &[
    b"_SOURCE_REALTIME_TIMESTAMP",
    b"UNIT",
    b"USER_UNIT",
    b"_HOSTNAME",
    b"SYSLOG_IDENTIFIER",
    b"_COMM",
    b"_SYSTEMD_UNIT",
    b"_PID",
    b"SYSLOG_PID",
    b"MESSAGE",
    b"_BOOT_ID",
    b"PRIORITY",
];
/// Longer than any wanted field name plus `=`: a compressed field's name
/// is judged from this many decompressed bytes.
const NAME_PEEK: u64 = 64;

/// What reading a file found besides its entries.
#[derive(Debug, Default)]
pub struct Report {
    /// Entries handed to the caller.
    pub entries: u64,
    /// Entries the header says the file holds (`n_entries`).
    pub declared: u64,
    /// Entry objects found (chain or scan) that could not be read.
    pub unreadable: u64,
    /// Fields of read entries that could not be read (bad offset, bad
    /// compression, too large): the entry is kept without them.
    pub bad_fields: u64,
    pub warnings: Vec<String>,
    /// The first few unreadable entries: (index, why).
    pub samples: Vec<(u32, String)>,
}

impl Report {
    /// Entries the file should hold that were not read.
    pub fn missing(&self) -> u64 {
        self.declared.saturating_sub(self.entries + self.unreadable)
    }
}

fn le64(d: &[u8], at: usize) -> Option<u64> {
    let b = d.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(b.try_into().ok()?))
}

fn le32(d: &[u8], at: usize) -> Option<u32> {
    let b = d.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(b.try_into().ok()?))
}

/// Whether `data` starts like a journal file.
pub fn is_journal_file(data: &[u8]) -> bool {
    data.starts_with(SIGNATURE)
}

struct File<'a> {
    d: &'a [u8],
    /// First byte objects may start at.
    objects_from: usize,
    /// One past the last byte objects may use: the arena's end, or the
    /// file's when it is shorter (truncated copy).
    end: usize,
    compact: bool,
}

impl<'a> File<'a> {
    /// The whole object at `off`, checked: aligned, inside the arena, of
    /// type `want`, at least `min` bytes. Returns its bytes and flags.
    fn object(&self, off: u64, want: u8, min: usize) -> Result<(&'a [u8], u8), String> {
        let at = usize::try_from(off).map_err(|_| format!("offset {off:#x} out of range"))?;
        if at % 8 != 0 || at < self.objects_from {
            return Err(format!("bad object offset {off:#x}"));
        }
        if at.checked_add(OBJ_HEADER).is_none_or(|h| h > self.end) {
            return Err(format!("object at {off:#x} lies past the end of the file"));
        }
        let ty = self.d[at];
        let flags = self.d[at + 1];
        if ty != want {
            return Err(format!("object at {off:#x} has type {ty}, expected {want}"));
        }
        let size = le64(self.d, at + 8).unwrap_or(0);
        let size = usize::try_from(size)
            .ok()
            .filter(|&s| s >= min.max(OBJ_HEADER))
            .ok_or_else(|| format!("object at {off:#x} has bad size {size}"))?;
        let stop = at
            .checked_add(size)
            .filter(|&s| s <= self.end)
            .ok_or_else(|| format!("object at {off:#x} runs past the end of the file"))?;
        Ok((&self.d[at..stop], flags))
    }

    /// Entry offsets along the entry-array chain starting at `first`.
    fn chain(&self, first: u64, warnings: &mut Vec<String>) -> Vec<u64> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut off = first;
        let step = if self.compact { 4 } else { 8 };
        while off != 0 {
            if !seen.insert(off) || seen.len() > MAX_ARRAYS {
                warnings.push(format!(
                    "entry array chain loops back to {off:#x}; stopped following it"
                ));
                break;
            }
            let obj = match self.object(off, OBJ_ENTRY_ARRAY, ARRAY_ITEMS) {
                Ok((o, _)) => o,
                Err(e) => {
                    warnings.push(format!("entry array chain broken: {e}"));
                    break;
                }
            };
            for item in obj[ARRAY_ITEMS..].chunks_exact(step) {
                let o = if self.compact {
                    le32(item, 0).map(u64::from)
                } else {
                    le64(item, 0)
                };
                match o {
                    // The last array of a chain is allocated larger than
                    // it is filled; unused slots are zero.
                    Some(0) | None => break,
                    Some(o) => out.push(o),
                }
            }
            off = le64(obj, OBJ_HEADER).unwrap_or(0);
        }
        out
    }

    /// Entry offsets met walking the objects one after another.
    fn scan(&self, warnings: &mut Vec<String>) -> Vec<u64> {
        let mut out = Vec::new();
        let mut at = self.objects_from.next_multiple_of(8);
        while at.saturating_add(OBJ_HEADER) <= self.end {
            let ty = self.d[at];
            let size = le64(self.d, at + 8).unwrap_or(0);
            if size == 0 && ty == 0 {
                // Allocated but never written: the end of the objects.
                break;
            }
            let next = usize::try_from(size)
                .ok()
                .filter(|&s| s >= OBJ_HEADER)
                .and_then(|s| at.checked_add(s));
            let Some(next) = next.filter(|_| ty != 0 && ty <= OBJ_MAX) else {
                warnings.push(format!(
                    "object at {at:#x} is broken (type {ty}, size {size}); linear scan stopped there"
                ));
                break;
            };
            if next > self.end {
                warnings.push(format!(
                    "object at {at:#x} runs past the end of the file; linear scan stopped there"
                ));
                break;
            }
            if ty == OBJ_ENTRY {
                out.push(at as u64);
            }
            at = next.next_multiple_of(8);
        }
        out
    }

    /// One field's payload (`NAME=value`), `None` when it is not wanted.
    fn data(&self, off: u64) -> Result<Option<Cow<'a, [u8]>>, String> {
        let from = if self.compact {
            DATA_PAYLOAD_COMPACT
        } else {
            DATA_PAYLOAD
        };
        let (obj, flags) = self.object(off, OBJ_DATA, from)?;
        let payload = &obj[from..];
        match flags & (COMPRESSED_XZ | COMPRESSED_LZ4 | COMPRESSED_ZSTD) {
            0 => Ok(wanted(payload).then_some(Cow::Borrowed(payload))),
            COMPRESSED_XZ => stream(liblzma::read::XzDecoder::new(payload)),
            COMPRESSED_ZSTD => match zstd::stream::read::Decoder::with_buffer(payload) {
                Ok(d) => stream(d),
                Err(e) => Err(format!("zstd: {e}")),
            },
            COMPRESSED_LZ4 => lz4(payload),
            f => Err(format!(
                "DATA at {off:#x} has several compression flags ({f:#x})"
            )),
        }
    }

    fn entry(&self, off: u64, line: u32, bad_fields: &mut u64) -> Result<Entry<'a>, String> {
        let (obj, _) = self.object(off, OBJ_ENTRY, ENTRY_ITEMS)?;
        let realtime = le64(obj, 24).and_then(|r| i64::try_from(r).ok());
        let mut e = Entry {
            realtime_us: realtime,
            line,
            ..Entry::default()
        };
        let step = if self.compact { 4 } else { 16 };
        for item in obj[ENTRY_ITEMS..].chunks_exact(step) {
            let doff = if self.compact {
                le32(item, 0).map(u64::from)
            } else {
                le64(item, 0)
            };
            let Some(doff) = doff.filter(|&o| o != 0) else {
                *bad_fields += 1;
                continue;
            };
            match self.data(doff) {
                Ok(Some(p)) => {
                    if let Some(eq) = memchr::memchr(b'=', &p) {
                        e.set(&p[..eq], Cow::Borrowed(&p[eq + 1..]));
                    }
                }
                Ok(None) => {}
                Err(_) => *bad_fields += 1,
            }
        }
        if e.boot_id.is_none() {
            // `_BOOT_ID=` is a field of every entry journald writes; an
            // entry without it still has the boot id in its header.
            e.boot_id = obj.get(40..56).map(|b| {
                Cow::Owned(
                    b.iter()
                        .flat_map(|x| format!("{x:02x}").into_bytes())
                        .collect(),
                )
            });
        }
        Ok(e)
    }
}

fn wanted(payload: &[u8]) -> bool {
    let Some(eq) = memchr::memchr(b'=', &payload[..payload.len().min(NAME_PEEK as usize)]) else {
        return false;
    };
    WANTED.contains(&&payload[..eq])
}

/// Decompress a streamed (XZ, ZSTD) payload: the name first, the rest only
/// for a wanted field, never more than [`MAX_FIELD`] bytes.
fn stream<R: Read>(r: R) -> Result<Option<Cow<'static, [u8]>>, String> {
    let mut r = r.take(NAME_PEEK);
    let mut out = Vec::new();
    r.read_to_end(&mut out).map_err(|e| e.to_string())?;
    if !wanted(&out) {
        return Ok(None);
    }
    let mut r = r.into_inner().take(MAX_FIELD as u64 + 1 - out.len() as u64);
    r.read_to_end(&mut out).map_err(|e| e.to_string())?;
    if out.len() > MAX_FIELD {
        return Err(format!("field larger than {MAX_FIELD} bytes"));
    }
    Ok(Some(Cow::Owned(out)))
}

/// systemd's LZ4 payload: le64 decompressed size, then one LZ4 block.
fn lz4(payload: &[u8]) -> Result<Option<Cow<'static, [u8]>>, String> {
    let size = le64(payload, 0).ok_or("LZ4 payload too short")?;
    let size = usize::try_from(size)
        .ok()
        .filter(|&s| s <= MAX_FIELD)
        .ok_or_else(|| format!("LZ4 field of {size} bytes is larger than {MAX_FIELD}"))?;
    let mut out = vec![0u8; size];
    let n = lz4_flex::block::decompress_into(&payload[8..], &mut out)
        .map_err(|e| format!("lz4: {e}"))?;
    out.truncate(n);
    Ok(wanted(&out).then_some(Cow::Owned(out)))
}

/// Read every entry of a journal file, calling `f` per entry in file
/// order. Never fails: problems are in the [`Report`].
pub fn read<'a>(data: &'a [u8], mut f: impl FnMut(Entry<'a>)) -> Report {
    let mut rep = Report::default();
    if !is_journal_file(data) {
        rep.warnings
            .push("not a journal file (no LPKSHHRH signature)".into());
        return rep;
    }
    if data.len() < HEADER_MIN {
        rep.warnings.push(format!(
            "journal header truncated ({} of {HEADER_MIN} bytes)",
            data.len()
        ));
        return rep;
    }
    let incompat = le32(data, 12).unwrap_or(0);
    if incompat & !INCOMPAT_KNOWN != 0 {
        // journalctl refuses such a file; we read it and say so, since a
        // partial story beats none and every read is bounds-checked.
        rep.warnings.push(format!(
            "journal has unknown incompatible flags {:#x}; fields may be misread",
            incompat & !INCOMPAT_KNOWN
        ));
    }
    let header_size = le64(data, 88).unwrap_or(0);
    let arena_size = le64(data, 96).unwrap_or(0);
    rep.declared = le64(data, 152).unwrap_or(0);
    let first_array = le64(data, 176).unwrap_or(0);
    let objects_from = usize::try_from(header_size)
        .ok()
        .filter(|&h| (HEADER_MIN..=data.len()).contains(&h))
        .unwrap_or_else(|| {
            rep.warnings.push(format!(
                "journal header_size {header_size} is implausible; objects looked for from byte {HEADER_MIN}"
            ));
            HEADER_MIN
        });
    let arena_end = header_size.checked_add(arena_size);
    let end = match arena_end.and_then(|e| usize::try_from(e).ok()) {
        Some(e) if e <= data.len() => e,
        _ => {
            rep.warnings.push(format!(
                "journal file truncated: the header describes {} bytes, the file has {}",
                arena_end.map_or_else(|| "more than 2^64".to_string(), |e| e.to_string()),
                data.len()
            ));
            data.len()
        }
    };
    let file = File {
        d: data,
        objects_from,
        end,
        compact: incompat & INCOMPAT_COMPACT != 0,
    };
    let mut offsets: BTreeSet<u64> = file
        .chain(first_array, &mut rep.warnings)
        .into_iter()
        .collect();
    let from_chain = offsets.len();
    offsets.extend(file.scan(&mut rep.warnings));
    if offsets.len() > from_chain && from_chain > 0 {
        rep.warnings.push(format!(
            "{} entries found by scanning the file were not reachable through its entry arrays (read anyway)",
            offsets.len() - from_chain
        ));
    }
    let mut line = 0u32;
    for off in offsets {
        line = line.saturating_add(1);
        match file.entry(off, line, &mut rep.bad_fields) {
            Ok(e) if e.realtime_us.is_some() => {
                rep.entries += 1;
                f(e);
            }
            Ok(_) => {
                rep.unreadable += 1;
                if rep.samples.len() < 5 {
                    rep.samples
                        .push((line, format!("entry at {off:#x} has no realtime stamp")));
                }
            }
            Err(why) => {
                rep.unreadable += 1;
                if rep.samples.len() < 5 {
                    rep.samples.push((line, why));
                }
            }
        }
    }
    if rep.unreadable > 0 {
        rep.warnings.push(format!(
            "{} journal entries could not be read",
            rep.unreadable
        ));
    }
    if rep.missing() > 0 {
        rep.warnings.push(format!(
            "the header counts {} entries, {} were found: {} lost to truncation or corruption",
            rep.declared,
            rep.entries + rep.unreadable,
            rep.missing()
        ));
    }
    if rep.bad_fields > 0 {
        rep.warnings.push(format!(
            "{} fields of journal entries could not be read (bad offset, compression or size)",
            rep.bad_fields
        ));
    }
    rep
}

/// Parse a journal file into events through the same path as `-o export`
/// (message grammars, boots, units). "Lines" are entries.
pub(super) fn parse_file<S: Sink>(data: &[u8], ctx: &Ctx<'_>, sink: &mut S) -> Stats {
    let mut st = Stats::default();
    let mut ls = LineState::new();
    let rep = read(data, |e| {
        super::journal_entry(e, ctx, sink, &mut st, &mut ls)
    });
    st.lines = rep.entries + rep.unreadable + rep.missing();
    // journal_entry counted the parsed entries (note_ts).
    st.unparsed = rep.unreadable + rep.missing();
    st.unparsed_samples = rep.samples;
    st.warnings = rep.warnings;
    st
}

/// One entry for [`pack`]: realtime µs and its `NAME=value` fields.
pub type PackEntry = (u64, Vec<Vec<u8>>);

/// A compressor for [`pack`]: the object flag and compressed payload, or
/// `None` to store a field as is.
pub type Compress<'c> = &'c dyn Fn(&[u8]) -> Option<(u8, Vec<u8>)>;

/// Write a minimal journal file: header, one DATA object per field (not
/// deduplicated), ENTRY objects and one ENTRY_ARRAY. It has no hash
/// tables, so journalctl would not open it; [`read`] does not need them.
/// For grammar samples (a binary frame's sample is written as export
/// text, see [`pack_export`]) and tests (compressions journald here does
/// not write).
pub fn pack(entries: &[PackEntry], compact: bool, compress: Compress<'_>) -> Vec<u8> {
    let mut out = vec![0u8; HEADER_NOW];
    let mut incompat = if compact { INCOMPAT_COMPACT } else { 0 };
    let mut entry_offs = Vec::new();
    let mut tail = 0u64;
    let mut n_objects = 0u64;
    let push_obj = |out: &mut Vec<u8>, ty: u8, flags: u8, body: &[u8]| -> u64 {
        let at = out.len() as u64;
        out.push(ty);
        out.push(flags);
        out.extend_from_slice(&[0; 6]);
        out.extend_from_slice(&((OBJ_HEADER + body.len()) as u64).to_le_bytes());
        out.extend_from_slice(body);
        out.resize(out.len().next_multiple_of(8), 0);
        at
    };
    for (realtime, fields) in entries {
        let mut items = Vec::new();
        for p in fields {
            let (flags, payload) = compress(p).unwrap_or((0, p.clone()));
            incompat |= match flags {
                COMPRESSED_XZ => INCOMPAT_XZ,
                COMPRESSED_LZ4 => INCOMPAT_LZ4,
                COMPRESSED_ZSTD => INCOMPAT_ZSTD,
                _ => 0,
            };
            // hash, next hash, next field, entry, entry array, n_entries
            // (+ two le32 when compact): left zero, the reader ignores them.
            let mut body = vec![0u8; if compact { 56 } else { 48 }];
            body.extend_from_slice(&payload);
            items.push(push_obj(&mut out, OBJ_DATA, flags, &body));
            n_objects += 1;
        }
        let mut body = Vec::new();
        body.extend_from_slice(&(entry_offs.len() as u64 + 1).to_le_bytes());
        body.extend_from_slice(&realtime.to_le_bytes());
        body.extend_from_slice(&[0; 8]); // monotonic
        body.extend_from_slice(&[0x5a; 16]); // boot id
        body.extend_from_slice(&[0; 8]); // xor hash
        for o in items {
            if compact {
                body.extend_from_slice(&(o as u32).to_le_bytes());
            } else {
                body.extend_from_slice(&o.to_le_bytes());
                body.extend_from_slice(&[0; 8]);
            }
        }
        tail = push_obj(&mut out, OBJ_ENTRY, 0, &body);
        entry_offs.push(tail);
        n_objects += 1;
    }
    let mut body = vec![0u8; 8];
    for o in &entry_offs {
        if compact {
            body.extend_from_slice(&(*o as u32).to_le_bytes());
        } else {
            body.extend_from_slice(&o.to_le_bytes());
        }
    }
    let array = if entry_offs.is_empty() {
        0
    } else {
        n_objects += 1;
        tail = push_obj(&mut out, OBJ_ENTRY_ARRAY, 0, &body);
        tail
    };
    let total = out.len() as u64;
    let put64 =
        |out: &mut Vec<u8>, at: usize, v: u64| out[at..at + 8].copy_from_slice(&v.to_le_bytes());
    out[..8].copy_from_slice(SIGNATURE);
    out[12..16].copy_from_slice(&incompat.to_le_bytes());
    put64(&mut out, 88, HEADER_NOW as u64);
    put64(&mut out, 96, total - HEADER_NOW as u64);
    put64(&mut out, 136, tail);
    put64(&mut out, 144, n_objects);
    put64(&mut out, 152, entry_offs.len() as u64);
    put64(&mut out, 176, array);
    put64(&mut out, 184, entries.first().map_or(0, |e| e.0));
    put64(&mut out, 192, entries.last().map_or(0, |e| e.0));
    out
}

/// [`pack`] an `-o export`-like text (textual fields only): entries
/// separated by blank lines, `__REALTIME_TIMESTAMP=` gives the entry's
/// time, other `__` fields are journalctl's and not stored.
pub fn pack_export(text: &[u8]) -> Vec<u8> {
    let mut entries = Vec::new();
    let mut cur: PackEntry = (0, Vec::new());
    let mut flush = |cur: &mut PackEntry| {
        if cur.0 != 0 || !cur.1.is_empty() {
            entries.push(std::mem::take(cur));
        }
    };
    for l in text.split(|&b| b == b'\n') {
        if l.is_empty() {
            flush(&mut cur);
        } else if let Some(v) = l.strip_prefix(b"__REALTIME_TIMESTAMP=") {
            cur.0 = std::str::from_utf8(v)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
        } else if !l.starts_with(b"__") {
            cur.1.push(l.to_vec());
        }
    }
    flush(&mut cur);
    pack(&entries, true, &|_| None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(v: &[&str]) -> Vec<Vec<u8>> {
        v.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    fn sample() -> Vec<PackEntry> {
        vec![
            (
                1_722_945_600_000_017,
                fields(&[
                    "_HOSTNAME=web1",
                    "SYSLOG_IDENTIFIER=sshd",
                    "_PID=812",
                    "MESSAGE=hello",
                    "_BOOT_ID=b1",
                ]),
            ),
            (
                1_722_945_601_000_000,
                fields(&[
                    "_HOSTNAME=web1",
                    "SYSLOG_IDENTIFIER=nginx",
                    &format!("MESSAGE={}", "y".repeat(3000)),
                    "CODE_FILE=x.c",
                ]),
            ),
        ]
    }

    fn read_all(d: &[u8]) -> (Vec<(u32, i64, String, String)>, Report) {
        let mut got = Vec::new();
        let rep = read(d, |e| {
            got.push((
                e.line,
                e.realtime_us.unwrap_or(0),
                String::from_utf8_lossy(e.program().unwrap_or(b"")).into_owned(),
                String::from_utf8_lossy(e.message.as_deref().unwrap_or(b"")).into_owned(),
            ))
        });
        (got, rep)
    }

    /// Every compression journald has written, compact or not, reads back.
    #[test]
    fn compressions_and_layouts() {
        let xz = |p: &[u8]| {
            let mut out = Vec::new();
            let mut enc = liblzma::read::XzEncoder::new(p, 6);
            enc.read_to_end(&mut out).ok()?;
            Some((COMPRESSED_XZ, out))
        };
        let lz4 = |p: &[u8]| {
            let mut out = (p.len() as u64).to_le_bytes().to_vec();
            out.extend(lz4_flex::block::compress(p));
            Some((COMPRESSED_LZ4, out))
        };
        let zst = |p: &[u8]| Some((COMPRESSED_ZSTD, zstd::encode_all(p, 3).ok()?));
        let none = |_: &[u8]| None;
        let cs: [Compress<'_>; 4] = [&xz, &lz4, &zst, &none];
        for c in cs {
            for compact in [true, false] {
                let d = pack(&sample(), compact, c);
                let (got, rep) = read_all(&d);
                assert!(rep.warnings.is_empty(), "{:?}", rep.warnings);
                assert_eq!(got.len(), 2);
                assert_eq!(
                    got[0],
                    (1, 1_722_945_600_000_017, "sshd".into(), "hello".into())
                );
                assert_eq!(got[1].3.len(), 3000);
                assert_eq!(got[1].2, "nginx");
            }
        }
    }

    #[test]
    fn boot_id_from_entry_header_when_field_missing() {
        let d = pack(&sample(), true, &|_| None);
        let mut boots = Vec::new();
        read(&d, |e| boots.push(e.boot_id.map(|b| b.into_owned())));
        assert_eq!(boots[0].as_deref(), Some(&b"b1"[..]));
        assert_eq!(boots[1].as_deref(), Some("5a".repeat(16).as_bytes()));
    }

    #[test]
    fn truncation_keeps_the_entries_before_it() {
        let d = pack(&sample(), true, &|_| None);
        // Cut inside the second entry's big MESSAGE.
        let cut = &d[..d.len() - 200];
        let (got, rep) = read_all(cut);
        assert_eq!(got.len(), 1);
        assert_eq!(rep.declared, 2);
        assert_eq!(rep.missing(), 1);
        assert!(
            rep.warnings.iter().any(|w| w.contains("truncated")),
            "{:?}",
            rep.warnings
        );
    }

    #[test]
    fn hostile_sizes_and_loops() {
        // An LZ4 field claiming 2^40 bytes is refused, not allocated.
        let huge = |p: &[u8]| {
            let mut out = (1u64 << 40).to_le_bytes().to_vec();
            out.extend(lz4_flex::block::compress(p));
            Some((COMPRESSED_LZ4, out))
        };
        let d = pack(&sample(), true, &huge);
        let (got, rep) = read_all(&d);
        assert_eq!(got.len(), 2);
        assert!(rep.bad_fields > 0);
        // An entry array pointing at itself as its next array.
        let mut d = pack(&sample(), true, &|_| None);
        let arr = le64(&d, 176).unwrap() as usize;
        let me = (arr as u64).to_le_bytes();
        d[arr + 16..arr + 24].copy_from_slice(&me);
        let (got, rep) = read_all(&d);
        assert_eq!(got.len(), 2);
        assert!(
            rep.warnings.iter().any(|w| w.contains("loops")),
            "{:?}",
            rep.warnings
        );
    }

    #[test]
    fn export_text_packs() {
        let d = pack_export(b"__CURSOR=s=1\n__REALTIME_TIMESTAMP=5\n_HOSTNAME=h\nMESSAGE=m\n\n__REALTIME_TIMESTAMP=6\nMESSAGE=n");
        let (got, _) = read_all(&d);
        assert_eq!(
            got.iter().map(|g| (g.1, g.3.as_str())).collect::<Vec<_>>(),
            vec![(5, "m"), (6, "n")]
        );
    }

    mod never_panic {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(400))]

            /// Flipped bytes anywhere in a valid file, and any cut.
            #[test]
            fn corrupted(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..12), cut in any::<usize>(), compact in any::<bool>()) {
                let zst = |p: &[u8]| if p.len() > 100 { Some((COMPRESSED_ZSTD, zstd::encode_all(p, 1).ok()?)) } else { None };
                let mut d = pack(&sample(), compact, &zst);
                for (i, b) in flips {
                    let n = d.len();
                    d[i % n] ^= b;
                }
                let n = d.len();
                d.truncate(cut % (n + 1));
                let _ = read(&d, |_| {});
            }

            #[test]
            fn arbitrary(mut b in proptest::collection::vec(any::<u8>(), 0..600)) {
                let _ = read(&b, |_| {});
                b.splice(0..0, SIGNATURE.iter().copied());
                let _ = read(&b, |_| {});
            }
        }
    }
}
