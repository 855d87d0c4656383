//! A compiled grammar pattern whose search state lives in the calling
//! thread, not in a pool shared by the threads.
//!
//! `regex::bytes::Regex` keeps its scratch space in a pool; only the first
//! thread to use a regex gets the lock-free slot, every other thread pays
//! for a guarded stack on each call. With two parser threads running every
//! message through dozens of rules, taking and returning that scratch was
//! 11 % of `analyze`'s CPU on syslog and auth logs. Here each thread keeps
//! one cache and one capture buffer per pattern in a thread-local table,
//! taken for a search and put back after it.

use regex_automata::meta::{self, Regex};
use regex_automata::util::captures::Captures;
use regex_automata::util::syntax;
use regex_automata::{Input, MatchKind};
use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Process-wide pattern numbers: the index of a pattern's slot in every
/// thread's table.
static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// A thread's search state for one pattern. The cache is boxed: it is a
/// few kilobytes inline, and moving it in and out of the slot per search
/// was a tenth of the time of an auth log.
#[derive(Default)]
struct Slot {
    cache: Option<Box<meta::Cache>>,
    caps: Option<Captures>,
}

thread_local! {
    static SLOTS: RefCell<Vec<Slot>> = const { RefCell::new(Vec::new()) };
}

fn with_slot<R>(id: usize, f: impl FnOnce(&mut Slot) -> R) -> R {
    SLOTS.with(|s| {
        let mut s = s.borrow_mut();
        if s.len() <= id {
            s.resize_with(id + 1, Slot::default);
        }
        f(&mut s[id])
    })
}

/// A byte regex as grammars write them: ASCII classes (`unicode(false)`),
/// matching arbitrary bytes, leftmost-first.
#[derive(Debug)]
pub struct Pattern {
    re: Regex,
    id: usize,
    /// The expanded pattern text (macros replaced).
    text: String,
}

impl Clone for Pattern {
    fn clone(&self) -> Pattern {
        // A clone is a new pattern as far as thread caches go; sharing an
        // id would be harmless too, but a fresh one keeps slots 1:1.
        Pattern {
            re: self.re.clone(),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            text: self.text.clone(),
        }
    }
}

/// Same limits as the `regex` crate's defaults, but a pattern of ours
/// must stay under 8 MiB of NFA.
const NFA_LIMIT: usize = 8 << 20;
const DFA_CACHE: usize = 2 << 20;

impl Pattern {
    pub fn new(text: &str) -> Result<Pattern, String> {
        let re = Regex::builder()
            .syntax(syntax::Config::new().unicode(false).utf8(false))
            .configure(
                Regex::config()
                    .match_kind(MatchKind::LeftmostFirst)
                    .utf8_empty(false)
                    .nfa_size_limit(Some(NFA_LIMIT))
                    .hybrid_cache_capacity(DFA_CACHE),
            )
            .build(text)
            .map_err(|e| e.to_string())?;
        Ok(Pattern {
            re,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            text: text.to_string(),
        })
    }

    /// The expanded pattern text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Capture group names by group index (`None` for unnamed groups).
    pub fn capture_names(&self) -> impl Iterator<Item = Option<&str>> {
        self.re
            .group_info()
            .pattern_names(regex_automata::PatternID::ZERO)
    }

    pub fn is_match(&self, hay: &[u8]) -> bool {
        let input = Input::new(hay).earliest(true);
        let mut cache = with_slot(self.id, |s| s.cache.take())
            .unwrap_or_else(|| Box::new(self.re.create_cache()));
        let m = self.re.search_with(&mut cache, &input).is_some();
        with_slot(self.id, |s| s.cache = Some(cache));
        m
    }

    /// The captures of the leftmost-first match, if any.
    pub fn captures<'h>(&self, hay: &'h [u8]) -> Option<Caps<'_, 'h>> {
        let (cache, caps) = with_slot(self.id, |s| (s.cache.take(), s.caps.take()));
        let mut cache = cache.unwrap_or_else(|| Box::new(self.re.create_cache()));
        let mut caps = caps.unwrap_or_else(|| self.re.create_captures());
        self.re
            .search_captures_with(&mut cache, &Input::new(hay), &mut caps);
        let found = caps.is_match();
        with_slot(self.id, |s| s.cache = Some(cache));
        let c = Caps {
            pat: self,
            hay,
            caps: Some(caps),
        };
        // A miss returns the buffer to the slot when `c` drops.
        found.then_some(c)
    }
}

/// Captures of one match; the buffer goes back to the thread's slot on drop.
pub struct Caps<'p, 'h> {
    pat: &'p Pattern,
    hay: &'h [u8],
    caps: Option<Captures>,
}

/// A captured span of the haystack.
#[derive(Clone, Copy, Debug)]
pub struct Match<'h> {
    hay: &'h [u8],
    start: usize,
    end: usize,
}

impl<'h> Match<'h> {
    pub fn as_bytes(&self) -> &'h [u8] {
        &self.hay[self.start..self.end]
    }
    pub fn start(&self) -> usize {
        self.start
    }
    pub fn end(&self) -> usize {
        self.end
    }
}

impl<'h> Caps<'_, 'h> {
    /// Group `i` (0 is the whole match), if it took part.
    pub fn get(&self, i: usize) -> Option<Match<'h>> {
        let sp = self.caps.as_ref()?.get_group(i)?;
        Some(Match {
            hay: self.hay,
            start: sp.start,
            end: sp.end,
        })
    }

    /// The group named `name`, if it exists and took part.
    pub fn name(&self, name: &str) -> Option<Match<'h>> {
        let sp = self.caps.as_ref()?.get_group_by_name(name)?;
        Some(Match {
            hay: self.hay,
            start: sp.start,
            end: sp.end,
        })
    }
}

impl Drop for Caps<'_, '_> {
    fn drop(&mut self) {
        if let Some(c) = self.caps.take() {
            // `try_with`: during thread teardown the table may be gone.
            let id = self.pat.id;
            let _ = SLOTS.try_with(|s| {
                if let Ok(mut s) = s.try_borrow_mut()
                    && let Some(slot) = s.get_mut(id)
                {
                    slot.caps = Some(c);
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_nested_on_one_thread() {
        let p = Pattern::new(r"^(?P<a>[a-z]+) (?P<b>[0-9]+)$").unwrap();
        let c1 = p.captures(b"abc 12").unwrap();
        // The same pattern again while the first captures are alive: a
        // fresh buffer, the first one is untouched.
        let c2 = p.captures(b"xy 3").unwrap();
        assert_eq!(c1.name("a").unwrap().as_bytes(), b"abc");
        assert_eq!(c2.name("b").unwrap().as_bytes(), b"3");
        assert_eq!(c1.get(2).unwrap().as_bytes(), b"12");
        drop((c1, c2));
        assert!(p.captures(b"nope").is_none());
        assert!(p.is_match(b"q 1"));
        assert!(!p.is_match(b"q"));
    }

    #[test]
    fn bytes_not_utf8() {
        let p = Pattern::new(r"^a(?P<x>.)c").unwrap();
        let c = p.captures(b"a\xffc").unwrap();
        assert_eq!(c.name("x").unwrap().as_bytes(), b"\xff");
    }
}
