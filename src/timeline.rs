//! Merge: one time-ordered timeline across sources. Order is `ts`, ties by
//! (file, line). The same record seen twice — syslog and a journal export
//! of the same host — becomes one event listing both sources. Export
//! writers (JSON lines for Timesketch, CSV, aligned text) live here too.

use crate::event::{Event, Fields, Kind, format_ts};
use crate::normalize::Zone;
use std::collections::HashMap;
use std::io::Write;

/// Sort and fold duplicates. The copy with the finer stamp (a journal's
/// microseconds over syslog's seconds) is kept as the primary source.
pub fn merge(mut events: Vec<Event>) -> Vec<Event> {
    events.sort_by(|a, b| (a.ts, &a.source).cmp(&(b.ts, &b.source)));
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    // Key → index in `out`, for events of the last two seconds.
    let mut recent: HashMap<(i64, &str, Option<u32>, u64), usize> = HashMap::new();
    let mut recent_sec = i64::MIN;
    let keyed: Vec<(u64, i64)> = events
        .iter()
        .map(|e| (hash_msg(&e.message), e.ts.div_euclid(1_000_000)))
        .collect();
    // Indices are resolved after the loop to keep borrows simple.
    let mut fold_into: Vec<Option<usize>> = vec![None; events.len()];
    let mut kept_index: Vec<usize> = vec![usize::MAX; events.len()];
    let mut next = 0usize;
    for (i, e) in events.iter().enumerate() {
        let (h, sec) = keyed[i];
        if sec > recent_sec + 1 {
            recent.clear();
        }
        recent_sec = recent_sec.max(sec);
        let prog = e.fields.program.as_deref().unwrap_or("");
        let mut dup = None;
        if e.kind != Kind::HttpRequest && !e.message.is_empty() {
            for s in [sec, sec - 1, sec + 1] {
                if let Some(&j) = recent.get(&(s, prog, e.fields.pid, h)) {
                    // Only across different files: repeats inside one
                    // file are real repeats.
                    if events[j].source.file != e.source.file && events[j].host == e.host {
                        dup = Some(j);
                        break;
                    }
                }
            }
        }
        match dup {
            Some(j) => fold_into[i] = Some(j),
            None => {
                recent.insert((sec, prog, e.fields.pid, h), i);
                kept_index[i] = next;
                next += 1;
            }
        }
    }
    let mut also: HashMap<usize, Vec<Event>> = HashMap::new();
    for (i, e) in events.into_iter().enumerate() {
        match fold_into[i] {
            Some(j) => also.entry(j).or_default().push(e),
            None => {
                let _ = kept_index[i];
                out.push(e);
            }
        }
    }
    // Attach folded copies; keep the finer stamp's fields where missing.
    let mut idx_of_original: HashMap<usize, usize> = HashMap::new();
    let mut k = 0;
    for (i, f) in fold_into.iter().enumerate() {
        if f.is_none() {
            idx_of_original.insert(i, k);
            k += 1;
        }
    }
    let mut folds: Vec<(usize, Vec<Event>)> = also.into_iter().collect();
    folds.sort_by_key(|(j, _)| *j);
    for (j, dups) in folds {
        let Some(&oi) = idx_of_original.get(&j) else {
            continue;
        };
        let prim = &mut out[oi];
        for d in dups {
            prim.also.push(d.source.clone());
            let f: Fields = d.fields;
            prim.fields.merge_missing(f);
        }
        prim.also.sort();
    }
    out
}

fn hash_msg(s: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
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
    // Neutralise spreadsheet formulas as well as quoting.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub fn write_csv(out: &mut dyn Write, events: &[Event]) -> std::io::Result<()> {
    let mut header: Vec<&str> = CSV_COLUMNS.to_vec();
    header.extend(Fields::NAMES.iter().copied());
    writeln!(out, "{}", header.join(","))?;
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
        let line: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        writeln!(out, "{}", line.join(","))?;
    }
    Ok(())
}

pub fn write_text(
    out: &mut dyn Write,
    events: &[Event],
    zone: Option<&Zone>,
) -> std::io::Result<()> {
    for e in events {
        let t = match zone {
            Some(z) => z.format_local(e.ts),
            None => format_ts(e.ts),
        };
        let msg = crate::report::escape::terminal(&e.message);
        let mark = if e.ts_inferred != 0 { "~" } else { " " };
        writeln!(
            out,
            "{t}{mark} {:<18} {:<12} {}:{}  {}",
            e.kind.as_str(),
            crate::report::escape::terminal(&e.host),
            crate::report::escape::terminal(&e.source.file),
            e.source.line,
            msg
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
        assert_eq!(m[1].also.len(), 1);
        assert_eq!(&*m[1].also[0].file, "journal.json");
        // Sorted, and the same-file repeat is kept.
        assert!(m.windows(2).all(|w| w[0].ts <= w[1].ts));
    }

    #[test]
    fn bounds() {
        assert_eq!(parse_bound("1970-01-01 00:01"), Some(60_000_000));
        assert_eq!(parse_bound("1970-01-01T00:00:01Z"), Some(1_000_000));
        assert_eq!(parse_bound("yesterday"), None);
    }
}
