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
    let v: serde_json::Value = serde_json::from_slice(line).ok()?;
    let obj = v.as_object()?;
    let mut e = Entry {
        line: line_no,
        ..Entry::default()
    };
    for (k, val) in obj {
        let bytes: Option<Vec<u8>> = match val {
            serde_json::Value::String(s) => Some(s.clone().into_bytes()),
            serde_json::Value::Array(a) => {
                // A byte array, or (for repeated fields) an array of strings:
                // take the first string then.
                if a.iter().all(|x| x.is_u64()) {
                    Some(
                        a.iter()
                            .filter_map(|x| x.as_u64())
                            .map(|b| b as u8)
                            .collect(),
                    )
                } else {
                    a.iter()
                        .find_map(|x| x.as_str())
                        .map(|s| s.as_bytes().to_vec())
                }
            }
            serde_json::Value::Number(n) => Some(n.to_string().into_bytes()),
            _ => None,
        };
        if let Some(b) = bytes {
            e.set(k.as_bytes(), Cow::Owned(b));
        }
    }
    e.realtime_us?;
    Some(e)
}

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
