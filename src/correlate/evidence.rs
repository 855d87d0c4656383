//! Quote the evidence: the raw text of every cited line, read again from
//! the bundle (read-only) so the report stands without it.

use crate::decode::{self, Limits};

use crate::discover::Member;
use crate::event::SourceRef;
use crate::report::model::EvidenceLine;
use rayon::prelude::*;
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
    // Files are read in parallel: a line cited near the end of a big (or
    // compressed) log costs a pass over everything before it.
    let per_file: Vec<Vec<EvidenceLine>> = by_file
        .into_par_iter()
        .map(|(file, lines)| quote_file(members, file, &lines))
        .collect();
    per_file.into_iter().flatten().collect()
}

/// Skip whole blocks of lines with a vectorised newline count before
/// walking line by line.
const SKIP_BLOCK: usize = 64 << 10;

fn quote_file(members: &[Member], file: &str, lines: &BTreeSet<u32>) -> Vec<EvidenceLine> {
    let mut out = Vec::new();
    let Some(m) = members.iter().find(|m| &*m.path == file) else {
        return out;
    };
    let Ok(stored) = m.load() else { return out };
    let c = decode::sniff(&stored);
    // Window by window (pages released behind, compressed members
    // decoded a window at a time), memchr straight to each cited line.
    let mut wanted = lines.iter().copied().peekable();
    let mut no = 1u32;
    crate::pipeline::for_each_window(&stored, c, &Limits::default(), &mut Vec::new(), |w| {
        let mut pos = 0usize;
        while let Some(&want) = wanted.peek() {
            while no < want && pos + SKIP_BLOCK <= w.len() {
                let block = &w[pos..pos + SKIP_BLOCK];
                let n = memchr::memchr_iter(b'\n', block).count() as u32;
                if no.saturating_add(n) >= want {
                    break;
                }
                no += n;
                pos += SKIP_BLOCK;
            }
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
    out
}
