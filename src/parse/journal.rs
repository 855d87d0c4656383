//! journald exports: `journalctl -o json` (one object a line) and
//! `journalctl -o export` (binary-safe `KEY=value` blocks separated by
//! blank lines; a field holding newlines is written as `KEY\n`, a 64-bit
//! little-endian length, the raw bytes and `\n`). `__REALTIME_TIMESTAMP` is
//! microseconds since the epoch, UTC.

use std::borrow::Cow;

/// One journal entry with the fields faultline uses.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Entry<'a> {
    pub realtime_us: Option<i64>,
    /// `_SOURCE_REALTIME_TIMESTAMP`: when the sender made the message, as
    /// opposed to when journald received it. journalctl's text outputs
    /// print this one when present, so faultline does too.
    pub source_realtime_us: Option<i64>,
    /// `UNIT=`/`USER_UNIT=`: the unit a systemd message is about (the
    /// sender's own unit is `_SYSTEMD_UNIT`, `init.scope` for PID 1).
    pub subject_unit: Option<Cow<'a, [u8]>>,
    pub host: Option<Cow<'a, [u8]>>,
    pub identifier: Option<Cow<'a, [u8]>>,
    pub comm: Option<Cow<'a, [u8]>>,
    pub unit: Option<Cow<'a, [u8]>>,
    pub pid: Option<u32>,
    pub message: Option<Cow<'a, [u8]>>,
    pub boot_id: Option<Cow<'a, [u8]>>,
    pub priority: Option<u8>,
    /// 1-based line where the entry starts.
    pub line: u32,
}

impl Entry<'_> {
    /// The instant journalctl would print for the entry.
    pub fn time_us(&self) -> Option<i64> {
        self.source_realtime_us.or(self.realtime_us)
    }

    /// The program name as syslog would show it.
    pub fn program(&self) -> Option<&[u8]> {
        self.identifier.as_deref().or(self.comm.as_deref())
    }

    pub(crate) fn set(&mut self, key: &[u8], val: Cow<'_, [u8]>) -> bool {
        let own = |v: Cow<'_, [u8]>| -> Cow<'static, [u8]> { Cow::Owned(v.into_owned()) };
        match key {
            // Stamps outside 1970..2200 are forged or corrupt: the entry
            // has no usable time (and is counted unparsed), rather than an
            // event in 1969 or an unprintable instant.
            b"__REALTIME_TIMESTAMP" => self.realtime_us = num(&val).filter(plausible_us),
            b"_SOURCE_REALTIME_TIMESTAMP" => {
                self.source_realtime_us = num(&val).filter(plausible_us)
            }
            b"UNIT" | b"USER_UNIT" => self.subject_unit = Some(own(val)),
            b"_HOSTNAME" => self.host = Some(own(val)),
            b"SYSLOG_IDENTIFIER" => self.identifier = Some(own(val)),
            b"_COMM" => self.comm = Some(own(val)),
            b"_SYSTEMD_UNIT" => self.unit = Some(own(val)),
            b"_PID" => self.pid = num(&val),
            // Kernel-forwarded and early-boot entries carry only the pid the
            // sender claimed; journalctl shows it when `_PID` is absent.
            b"SYSLOG_PID" => {
                if self.pid.is_none() {
                    self.pid = num(&val)
                }
            }
            b"MESSAGE" => self.message = Some(own(val)),
            b"_BOOT_ID" => self.boot_id = Some(own(val)),
            b"PRIORITY" => self.priority = num(&val),
            _ => return false,
        }
        true
    }
}

/// Microseconds between 1970 and 2200.
fn plausible_us(us: &i64) -> bool {
    (0..7_258_118_400_000_000).contains(us)
}

fn num<T: std::str::FromStr>(v: &[u8]) -> Option<T> {
    std::str::from_utf8(v).ok()?.trim().parse().ok()
}

/// The `_BOOT_ID` of the last entry of `data` (whole `-o json` lines) that
/// the parser would read as an event: the boot a chunk starting after
/// `data` continues. Lines longer than `max_line` are skipped, as the
/// parser cuts them and cannot read them.
pub fn last_boot_id(data: &[u8], max_line: usize) -> Option<Vec<u8>> {
    let finder = memchr::memmem::FinderRev::new(b"\"_BOOT_ID\"");
    let mut end = data.len();
    while let Some(p) = finder.rfind(&data[..end]) {
        let start = memchr::memrchr(b'\n', &data[..p]).map_or(0, |i| i + 1);
        let stop = memchr::memchr(b'\n', &data[p..]).map_or(data.len(), |i| p + i);
        let line = &data[start..stop];
        if line.len() <= max_line
            && let Some(e) = json_line(line, 0)
            && e.time_us().is_some()
            && let Some(b) = e.boot_id
        {
            return Some(b.into_owned());
        }
        end = start;
    }
    None
}

/// Parse one `-o json` line. `MESSAGE` may be a string, an array of byte
/// values (non-UTF-8 data), or null.
pub fn json_line(line: &[u8], line_no: u32) -> Option<Entry<'static>> {
    let mut e: Entry<'static> = serde_json::from_slice::<JsonEntry>(line).ok()?.0;
    e.line = line_no;
    e.realtime_us?;
    Some(e)
}

/// An entry read straight from the JSON text: the fields faultline uses
/// are kept, the dozens of others skipped without building a value (a
/// `serde_json::Value` per line was most of the cost of an export).
struct JsonEntry(Entry<'static>);

/// A key, borrowed from the line unless it holds escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V)
    }
}

/// A field's value as bytes: a string, an array of byte values (data that
/// is not UTF-8), the first string of an array (a repeated field), or a
/// number's text; anything else is no value.
struct Val(Option<Vec<u8>>);

impl<'de> serde::Deserialize<'de> for Val {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Val;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a journal field value")
            }
            fn visit_str<E>(self, v: &str) -> Result<Val, E> {
                Ok(Val(Some(v.as_bytes().to_vec())))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Val, E> {
                Ok(Val(Some(v.to_string().into_bytes())))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Val, E> {
                Ok(Val(Some(v.to_string().into_bytes())))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Val, E> {
                Ok(Val(Some(serde_json::Number::from_f64(v).map_or_else(
                    || v.to_string().into_bytes(),
                    |n| n.to_string().into_bytes(),
                ))))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Val, E> {
                Ok(Val(None))
            }
            fn visit_unit<E>(self) -> Result<Val, E> {
                Ok(Val(None))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Val, A::Error> {
                while m
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Val(None))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut s: A) -> Result<Val, A::Error> {
                // All byte values → the bytes; otherwise the first string.
                let mut bytes = Vec::new();
                let mut all_bytes = true;
                let mut first_str: Option<Vec<u8>> = None;
                while let Some(x) = s.next_element::<serde_json::Value>()? {
                    match &x {
                        serde_json::Value::Number(n) if n.is_u64() => {
                            bytes.push(n.as_u64().unwrap_or(0) as u8)
                        }
                        _ => all_bytes = false,
                    }
                    if first_str.is_none()
                        && let Some(t) = x.as_str()
                    {
                        first_str = Some(t.as_bytes().to_vec());
                    }
                }
                Ok(Val(if all_bytes { Some(bytes) } else { first_str }))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> serde::Deserialize<'de> for JsonEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = JsonEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a journal entry object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<JsonEntry, A::Error> {
                // The last of duplicate keys wins, and fields are applied in
                // key order (`SYSLOG_PID` before `_PID`, `UNIT` before
                // `USER_UNIT`), as when the line was read into a sorted map.
                let mut vals: [Option<Vec<u8>>; KNOWN.len()] = Default::default();
                while let Some(Key(k)) = m.next_key::<Key<'de>>()? {
                    match KNOWN.iter().position(|x| *x == k.as_ref()) {
                        Some(i) => vals[i] = m.next_value::<Val>()?.0,
                        None => {
                            m.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                let mut e = Entry::default();
                for (k, v) in KNOWN.iter().zip(vals) {
                    if let Some(b) = v {
                        e.set(k.as_bytes(), Cow::Owned(b));
                    }
                }
                Ok(JsonEntry(e))
            }
        }
        d.deserialize_map(V)
    }
}

/// The keys [`Entry::set`] reads, in byte order.
const KNOWN: [&str; 13] = [
    "MESSAGE",
    "PRIORITY",
    "SYSLOG_IDENTIFIER",
    "SYSLOG_PID",
    "UNIT",
    "USER_UNIT",
    "_BOOT_ID",
    "_COMM",
    "_HOSTNAME",
    "_PID",
    "_SOURCE_REALTIME_TIMESTAMP",
    "_SYSTEMD_UNIT",
    "__REALTIME_TIMESTAMP",
];

/// Parse a whole `-o export` stream, calling `f` per entry. Returns the
/// number of lines seen and the number of malformed fields skipped.
pub fn export<'a>(data: &'a [u8], mut f: impl FnMut(Entry<'a>)) -> (u64, u64) {
    let mut i = 0usize;
    let mut line = 1u32;
    let mut bad = 0u64;
    let mut cur = Entry {
        line,
        ..Entry::default()
    };
    let mut has_fields = false;
    while i < data.len() {
        let end = memchr::memchr(b'\n', &data[i..]).map_or(data.len(), |p| i + p);
        let field = &data[i..end];
        if field.is_empty() {
            if has_fields && cur.realtime_us.is_some() {
                f(std::mem::take(&mut cur));
            }
            has_fields = false;
            i = end + 1;
            line += 1;
            cur.line = line;
            continue;
        }
        if !has_fields {
            cur.line = line;
        }
        has_fields = true;
        if let Some(eq) = memchr::memchr(b'=', field) {
            cur.set(&field[..eq], Cow::Borrowed(&field[eq + 1..]));
            i = end + 1;
            line += 1;
        } else {
            // Binary form: name, newline, u64 LE length, data, newline.
            let start = end + 1;
            let Some(len_bytes) = data.get(start..start + 8) else {
                bad += 1;
                break;
            };
            let mut lb = [0u8; 8];
            lb.copy_from_slice(len_bytes);
            let len = u64::from_le_bytes(lb);
            let dstart = start + 8;
            let Some(dend) = usize::try_from(len)
                .ok()
                .and_then(|l| dstart.checked_add(l))
            else {
                bad += 1;
                break;
            };
            let Some(val) = data.get(dstart..dend) else {
                bad += 1;
                break;
            };
            cur.set(field, Cow::Borrowed(val));
            // The value's own newlines still count as lines of the file.
            line += 1 + memchr::memchr_iter(b'\n', &data[start..dend]).count() as u32 + 1;
            i = dend + 1;
        }
    }
    if has_fields && cur.realtime_us.is_some() {
        f(cur);
    }
    (line as u64, bad)
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_keys_are_sorted_so_fields_apply_in_key_order() {
        assert!(KNOWN.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn json_fields_as_a_sorted_map_would_give_them() {
        // _PID wins over SYSLOG_PID in any order, USER_UNIT over UNIT, the
        // last duplicate wins, byte arrays are bytes, numbers their text,
        // unknown nested values are skipped.
        let l = br#"{"_PID":"7","USER_UNIT":"u.service","SYSLOG_PID":"9","UNIT":"x.service","MESSAGE":[104,105,255],"__REALTIME_TIMESTAMP":1722952951000000,"X":{"a":[1,{"b":2}]},"_HOSTNAME":"a","_HOSTNAME":"b","PRIORITY":"3","_BOOT_ID":"b1"}"#;
        let e = json_line(l, 4).unwrap();
        assert_eq!(e.pid, Some(7));
        assert_eq!(e.subject_unit.as_deref(), Some(&b"u.service"[..]));
        assert_eq!(e.message.as_deref(), Some(&b"hi\xff"[..]));
        assert_eq!(e.realtime_us, Some(1_722_952_951_000_000));
        assert_eq!(e.host.as_deref(), Some(&b"b"[..]));
        assert_eq!(e.priority, Some(3));
        assert_eq!(e.line, 4);
        assert!(json_line(br#"["not", "an", "object"]"#, 1).is_none());
        assert!(json_line(br#"{"MESSAGE":"no time"}"#, 1).is_none());
        assert!(json_line(br#"{"__REALTIME_TIMESTAMP":"1722952951000000"} x"#, 1).is_none());
    }
    use super::*;

    #[test]
    fn json_with_byte_array_message() {
        let l = br#"{"__REALTIME_TIMESTAMP":"1681160401215990","_HOSTNAME":"drano","SYSLOG_IDENTIFIER":"sshd","_PID":"9","MESSAGE":[104,105,255]}"#;
        let e = json_line(l, 3).unwrap();
        assert_eq!(e.realtime_us, Some(1681160401215990));
        assert_eq!(e.message.as_deref(), Some(&b"hi\xff"[..]));
        assert_eq!(e.pid, Some(9));
        assert!(json_line(b"{not json", 1).is_none());
    }

    #[test]
    fn export_binary_field() {
        let mut d = Vec::new();
        d.extend_from_slice(b"__REALTIME_TIMESTAMP=5\n_HOSTNAME=h\nMESSAGE\n");
        d.extend_from_slice(&5u64.to_le_bytes());
        d.extend_from_slice(b"a\nb\nc\n\n__REALTIME_TIMESTAMP=6\nMESSAGE=x\n");
        let mut got = Vec::new();
        export(&d, |e| {
            got.push((e.line, e.realtime_us, e.message.map(|m| m.into_owned())))
        });
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], (1, Some(5), Some(b"a\nb\nc".to_vec())));
        // Lines are counted by newlines, as `sed -n 8p` would show them:
        // the value's own two newlines and its terminator each end a line.
        assert_eq!(got[1].0, 8);
    }

    #[test]
    fn truncated_export_keeps_entries() {
        let d = b"__REALTIME_TIMESTAMP=5\nMESSAGE=ok\n\n__REALTIME_TIMESTAMP=6\nMESSAGE\n\x09\x00";
        let mut n = 0;
        let (_, bad) = export(d, |_| n += 1);
        assert_eq!(n, 2);
        assert_eq!(bad, 1);
    }
}
