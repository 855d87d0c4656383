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
        // Window by window (pages released behind, compressed members
        // decoded a window at a time), memchr straight to each cited line.
        let mut wanted = lines.iter().copied().peekable();
        let mut no = 1u32;
        crate::pipeline::for_each_window(&stored, c, &Limits::default(), &mut Vec::new(), |w| {
            let mut pos = 0usize;
            while let Some(&want) = wanted.peek() {
                while no < want && pos < w.len() {
                    match memchr::memchr(b'\n', &w[pos..]) {
                        Some(p) => {
                            pos += p + 1;
                            no += 1;
                        }
                        None => pos = w.len(),
                    }
                }
                if pos >= w.len() {
                    // The next window starts with line `no`.
                    return true;
                }
                wanted.next();
                let end = memchr::memchr(b'\n', &w[pos..]).map_or(w.len(), |e| pos + e);
                let l = &w[pos..end];
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
            wanted.peek().is_some()
        });
    }
    out
}
