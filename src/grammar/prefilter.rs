//! Which rules can match a message, from one scan for literals.
//!
//! Every message used to be run through each rule of its program's
//! grammars and of the generic ones (packet filter lines, disk full, TLS)
//! until one matched: a dozen regex searches per line, most of them
//! failing. For each rule we derive a set of literals one of which must
//! appear in any text the rule matches (its "required factor": `Failed `
//! for sshd's failed-password rule, ` SRC=` for a netfilter rule). One
//! Aho-Corasick scan of the message then marks the rules worth trying;
//! the others cannot match and are skipped. A rule with no usable factor
//! is always tried, so the filter never changes which rule wins.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_syntax::hir::{Class, Hir, HirKind};

/// Shortest literal worth scanning for: shorter ones would hit on almost
/// every message.
const MIN_LEN: usize = 3;

/// Rules tracked by the bitset; rules past this are always tried.
pub const MAX_RULES: usize = 256;

/// The rules a message may match, as a bitset over rule numbers.
pub struct Candidates([u64; MAX_RULES / 64]);

impl Candidates {
    pub fn may_match(&self, rule: usize) -> bool {
        rule >= MAX_RULES || self.0[rule / 64] & (1 << (rule % 64)) != 0
    }
}

pub struct Prefilter {
    ac: Option<AhoCorasick>,
    /// Per literal: the rules it stands for.
    rules_of: Vec<Vec<u32>>,
    /// Rules without a required literal.
    always: [u64; MAX_RULES / 64],
}

impl Prefilter {
    /// `patterns[i]` is rule `i`'s expanded pattern (as compiled: ASCII
    /// classes, bytes).
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Prefilter {
        let mut lits: Vec<Vec<u8>> = Vec::new();
        let mut rules_of: Vec<Vec<u32>> = Vec::new();
        let mut always = [0u64; MAX_RULES / 64];
        for (i, p) in patterns.into_iter().enumerate().take(MAX_RULES) {
            match required_of_pattern(p) {
                Some(set) => {
                    for l in set {
                        match lits.iter().position(|x| *x == l) {
                            Some(k) => rules_of[k].push(i as u32),
                            None => {
                                lits.push(l);
                                rules_of.push(vec![i as u32]);
                            }
                        }
                    }
                }
                None => always[i / 64] |= 1 << (i % 64),
            }
        }
        let ac = if lits.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&lits)
                .ok()
        };
        if ac.is_none() {
            // Should the automaton not build, every rule is tried.
            always = [u64::MAX; MAX_RULES / 64];
        }
        Prefilter {
            ac,
            rules_of,
            always,
        }
    }

    /// The rules `msg` may match.
    pub fn candidates(&self, msg: &[u8]) -> Candidates {
        let mut bits = self.always;
        if let Some(ac) = &self.ac {
            for m in ac.find_overlapping_iter(msg) {
                for &r in &self.rules_of[m.pattern().as_usize()] {
                    bits[r as usize / 64] |= 1 << (r % 64);
                }
            }
        }
        Candidates(bits)
    }
}

/// The required literals of a pattern (lower case), or `None` if it has
/// none worth scanning for (or does not parse, which compile reports).
pub fn required_of_pattern(p: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(p)
        .ok()?;
    let set = required(&hir)?;
    (set.iter().all(|l| l.len() >= MIN_LEN)).then_some(set)
}

/// A byte that the class matches, alone or with its other ASCII case:
/// `[Ff]` is `f` to a case-insensitive scan.
fn class_byte(c: &Class) -> Option<u8> {
    let Class::Bytes(b) = c else { return None };
    let r = b.ranges();
    match r {
        [x] if x.start() == x.end() => Some(x.start().to_ascii_lowercase()),
        [x, y] if x.start() == x.end() && y.start() == y.end() => {
            let (a, b) = (x.start(), y.start());
            (a.is_ascii_alphabetic() && a.eq_ignore_ascii_case(&b)).then(|| a.to_ascii_lowercase())
        }
        _ => None,
    }
}

/// Better of two literal sets: longer shortest member, then fewer members.
fn better(a: &[Vec<u8>], b: &[Vec<u8>]) -> bool {
    let min = |s: &[Vec<u8>]| s.iter().map(Vec::len).min().unwrap_or(0);
    (min(a), std::cmp::Reverse(a.len())) > (min(b), std::cmp::Reverse(b.len()))
}

/// Literals one of which occurs in every match of `h`, if known.
fn required(h: &Hir) -> Option<Vec<Vec<u8>>> {
    match h.kind() {
        HirKind::Literal(l) => Some(vec![l.0.to_ascii_lowercase()]),
        HirKind::Class(c) => class_byte(c).map(|b| vec![vec![b]]),
        HirKind::Empty | HirKind::Look(_) => None,
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        HirKind::Repetition(_) => None,
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Alternation(alts) => {
            let mut out: Vec<Vec<u8>> = Vec::new();
            for a in alts {
                for l in required(a)? {
                    if !out.contains(&l) {
                        out.push(l);
                    }
                }
            }
            Some(out)
        }
        HirKind::Concat(parts) => {
            // Adjacent literal bytes form one run (`F`,`ailed ` →
            // `failed `); look-arounds consume nothing and keep a run going.
            let mut best: Option<Vec<Vec<u8>>> = None;
            let mut run: Vec<u8> = Vec::new();
            let offer = |cand: Vec<Vec<u8>>, best: &mut Option<Vec<Vec<u8>>>| {
                if best.as_ref().is_none_or(|b| better(&cand, b)) {
                    *best = Some(cand);
                }
            };
            for p in parts {
                match p.kind() {
                    HirKind::Literal(l) => run.extend(l.0.to_ascii_lowercase()),
                    HirKind::Class(c) if class_byte(c).is_some() => {
                        run.extend(class_byte(c));
                    }
                    HirKind::Look(_) | HirKind::Empty => {}
                    _ => {
                        if !run.is_empty() {
                            offer(vec![std::mem::take(&mut run)], &mut best);
                        }
                        if let Some(s) = required(p) {
                            offer(s, &mut best);
                        }
                    }
                }
            }
            if !run.is_empty() {
                offer(vec![run], &mut best);
            }
            best
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(p: &str) -> Option<Vec<String>> {
        required_of_pattern(p).map(|v| {
            v.into_iter()
                .map(|l| String::from_utf8(l).unwrap())
                .collect()
        })
    }

    #[test]
    fn factors() {
        assert_eq!(
            req(
                r"^(?:\[ID [0-9]+ [a-z]+\.[a-z]+\] )?Failed (?P<a>\S+) for (?P<u>.*?) from (?P<h>\S+)$"
            ),
            Some(vec!["failed ".into()])
        );
        assert_eq!(
            req(r"No space left on device|[Dd]isk quota exceeded|[Ff]ilesystem (?:is )?full"),
            Some(vec![
                "no space left on device".into(),
                "disk quota exceeded".into(),
                "filesystem ".into()
            ])
        );
        assert_eq!(
            req(r"(?i)certificate (?:has )?expired|certificate verify failed"),
            // The parser lifts the alternatives' common prefix out.
            Some(vec!["certificate ".into()])
        );
        // An optional prefix gives nothing; what follows does.
        assert_eq!(
            req(r"^(?:\[\s*[0-9.]+\] )?(?P<action>[^=]*?)\s*IN=(?P<i>\S*) OUT=\S*"),
            Some(vec![" out=".into()])
        );
        // No literal of three bytes: always tried.
        assert_eq!(req(r"^[a-z]+ [0-9]+$"), None);
        assert_eq!(req(r"^(?:ab|[0-9]+x)"), None);
    }

    #[test]
    fn candidates_never_drop_a_match() {
        let pats = [
            r"^Failed (?P<x>\S+) for",
            r"^[Ii](?:nvalid|llegal) user (?P<u>.*?) from",
            r"^[a-z]+$",
        ];
        let pf = Prefilter::new(pats);
        for (msg, want) in [
            ("Failed password for root", [true, false, false]),
            ("Illegal user x from 1.2.3.4", [false, true, false]),
            ("INVALID USER x FROM", [false, true, false]),
            ("abc", [false, false, true]),
        ] {
            let c = pf.candidates(msg.as_bytes());
            for (i, w) in want.iter().enumerate() {
                let re = regex::bytes::Regex::new(pats[i]).unwrap();
                if re.is_match(msg.as_bytes()) {
                    assert!(c.may_match(i), "{msg:?} rule {i}");
                }
                if *w {
                    assert!(c.may_match(i), "{msg:?} rule {i}");
                }
            }
        }
        // Rule 2 has no literal: always a candidate.
        assert!(pf.candidates(b"zzz").may_match(2));
        assert!(!pf.candidates(b"zzz").may_match(0));
    }

    /// Over every embedded rule and every embedded sample (lines and
    /// messages alike): a rule that matches is always a candidate.
    #[test]
    fn no_embedded_rule_is_filtered_out_of_a_match() {
        let (_, gs) = crate::grammar::load_embedded().unwrap();
        let rules: Vec<&crate::grammar::EventRule> =
            gs.iter().flat_map(|g| g.events.iter()).collect();
        let pf = Prefilter::new(rules.iter().map(|r| r.re.as_str()));
        let mut checked = 0;
        for g in &gs {
            for s in &g.samples {
                let t = s.text.as_bytes();
                let c = pf.candidates(t);
                for (i, r) in rules.iter().enumerate() {
                    if r.re.is_match(t) {
                        assert!(c.may_match(i), "{:?} on {:?}", r.source, s.text);
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100, "only {checked} matches checked");
    }
}
