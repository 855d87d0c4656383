//! Quote the evidence: the raw text of every cited line, read again from
//! the bundle (read-only) so the report stands without it.

use crate::decode::{self, Limits};
use crate::discover::Member;
use crate::event::SourceRef;
use crate::report::model::EvidenceLine;
use std::collections::{BTreeMap, BTreeSet};

/// Longest quoted line; the rest is elided.
const MAX_QUOTE: usize = 2000;

pub fn quote(members: &[Member], cited: &BTreeSet<SourceRef>) -> Vec<EvidenceLine> {
    let mut by_file: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
    for s in cited {
        if s.line > 0 {
            by_file.entry(&s.file).or_default().insert(s.line);
        }
    }
    let mut out = Vec::new();
    for (file, lines) in by_file {
        let Some(m) = members.iter().find(|m| &*m.path == file) else {
            continue;
        };
        let Ok(stored) = m.load() else { continue };
        let c = decode::sniff(&stored);
        let owned;
        let data: &[u8] = if c == decode::Compression::None {
            &stored
        } else {
            owned = decode::decompress(&stored, c, &Limits::default()).data;
            &owned
        };
        // Walk newlines with memchr straight to each cited line.
        let mut no = 1u32;
        let mut pos = 0usize;
        let mut nl = memchr::memchr_iter(b'\n', data);
        for &want in &lines {
            while no < want {
                match nl.next() {
                    Some(p) => {
                        pos = p + 1;
                        no += 1;
                    }
                    None => break,
                }
            }
            if no != want {
                break;
            }
            {
                let end = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |e| pos + e);
                let l = &data[pos..end];
                let l = l.strip_suffix(b"\r").unwrap_or(l);
                let mut text = String::from_utf8_lossy(&l[..l.len().min(MAX_QUOTE)]).into_owned();
                if l.len() > MAX_QUOTE {
                    text.push_str(" …");
                }
                out.push(EvidenceLine {
                    file: file.to_string(),
                    line: no,
                    text,
                });
            }
        }
    }
    out
}
