//! The loaded grammar set and its matchers: message rules by program,
//! line variants with lock-on (the variant that matched last is tried
//! first, as fail2ban's date detector does).

use super::prefilter::{Candidates, Prefilter};
use super::{Caps, Grammar, GrammarKind, LineVariant, Pattern};
use crate::event::{Fields, Kind};
use std::collections::HashMap;

pub struct GrammarSet {
    pub grammars: Vec<Grammar>,
    /// Program or unit name → message grammars, in load order.
    by_program: HashMap<Vec<u8>, Vec<usize>>,
    /// Message grammars that apply to every program (`programs = ["*"]`).
    generic: Vec<usize>,
    /// Number of grammar `i`'s first event rule among all grammars' rules.
    rule_base: Vec<usize>,
    prefilter: Prefilter,
}

impl GrammarSet {
    /// Build the set; later grammars with the same id replace earlier ones
    /// (`--grammars DIR` overrides the embedded set).
    pub fn new(grammars: Vec<Grammar>) -> GrammarSet {
        let mut uniq: Vec<Grammar> = Vec::new();
        for g in grammars {
            if let Some(old) = uniq.iter_mut().find(|o| o.id == g.id) {
                *old = g;
            } else {
                uniq.push(g);
            }
        }
        let mut by_program: HashMap<Vec<u8>, Vec<usize>> = HashMap::new();
        let mut generic = Vec::new();
        for (i, g) in uniq.iter().enumerate() {
            if g.kind != GrammarKind::Message {
                continue;
            }
            for p in &g.programs {
                if p == "*" {
                    generic.push(i);
                } else {
                    by_program.entry(p.as_bytes().to_vec()).or_default().push(i);
                }
            }
        }
        let mut rule_base = Vec::with_capacity(uniq.len());
        let mut n = 0;
        for g in &uniq {
            rule_base.push(n);
            n += g.events.len();
        }
        let prefilter = Prefilter::new(
            uniq.iter()
                .flat_map(|g| g.events.iter().map(|r| r.re.as_str())),
        );
        GrammarSet {
            grammars: uniq,
            by_program,
            generic,
            rule_base,
            prefilter,
        }
    }

    pub fn get(&self, id: &str) -> Option<&Grammar> {
        self.grammars.iter().find(|g| g.id == id)
    }

    /// Classify a message by the rules of its program's grammars, then the
    /// generic ones. Fills `fields` from the captures. `None`: no rule
    /// matched (the record is `log.other`).
    pub fn match_message(
        &self,
        program: Option<&[u8]>,
        unit: Option<&[u8]>,
        msg: &[u8],
        fields: &mut Fields,
    ) -> Option<Kind> {
        // `sshd[3]:  Accepted ...`: padding after the tag is not part of
        // what rules describe (the event keeps the message as written).
        let msg = msg.trim_ascii_start();
        let cand = self.prefilter.candidates(msg);
        let mut buf = [0u8; 64];
        for name in [program, unit].into_iter().flatten() {
            for key in program_keys(name, &mut buf).into_iter().flatten() {
                if let Some(ids) = self.by_program.get(key) {
                    for &i in ids {
                        if let Some(k) = self.apply_rules(i, msg, fields, &cand) {
                            return Some(k);
                        }
                    }
                }
            }
        }
        for &i in &self.generic {
            if let Some(k) = self.apply_rules(i, msg, fields, &cand) {
                return Some(k);
            }
        }
        None
    }

    /// Classify `msg` by the event rules of grammar `gi` alone (a line
    /// grammar's own rules).
    pub fn match_events(&self, gi: usize, msg: &[u8], fields: &mut Fields) -> Option<Kind> {
        let cand = self.prefilter.candidates(msg);
        self.apply_rules(gi, msg, fields, &cand)
    }

    fn apply_rules(
        &self,
        gi: usize,
        msg: &[u8],
        fields: &mut Fields,
        cand: &Candidates,
    ) -> Option<Kind> {
        let base = self.rule_base[gi];
        for (k, r) in self.grammars[gi].events.iter().enumerate() {
            if !cand.may_match(base + k) {
                continue;
            }
            if let Some(c) = r.re.captures(msg) {
                fill(fields, &r.re, &c);
                for (k, v) in &r.set {
                    fields.set(k, v);
                }
                return Some(r.kind);
            }
        }
        None
    }

    /// Run a line grammar's variants on a line. `last` is the lock-on
    /// state: the index of the variant that matched last.
    pub fn match_line<'l>(
        g: &'l Grammar,
        line: &'l [u8],
        last: &mut usize,
    ) -> Option<(Caps<'l, 'l>, &'l LineVariant)> {
        let n = g.lines.len();
        for k in 0..n {
            let i = (*last + k) % n;
            if let Some(c) = g.lines[i].re.captures(line) {
                *last = i;
                return Some((c, &g.lines[i]));
            }
        }
        None
    }

    pub fn ids(&self) -> Vec<String> {
        self.grammars.iter().map(|g| g.id.clone()).collect()
    }
}

/// Lower-cased lookup keys for a program: the name itself, without a
/// `.service`-style suffix, without a path (`/usr/sbin/sshd`), and the part
/// before `/` (`postfix/smtpd` → `postfix`) or `@` (`getty@tty1`).
fn program_keys<'b>(name: &[u8], buf: &'b mut [u8; 64]) -> [Option<&'b [u8]>; 3] {
    let base = match name.iter().rposition(|&c| c == b'/') {
        // A leading path (`/usr/sbin/sshd`) vs a sub-program (`postfix/smtpd`).
        Some(p) if name.first() == Some(&b'/') => &name[p + 1..],
        _ => name,
    };
    let n = base.len().min(64);
    for (d, s) in buf.iter_mut().zip(&base[..n]) {
        *d = s.to_ascii_lowercase();
    }
    let full: &'b [u8] = &buf[..n];
    let stem = full
        .iter()
        .rposition(|&c| c == b'.')
        .filter(|&p| matches!(&full[p..], b".service" | b".socket" | b".scope" | b".timer"))
        .map(|p| &full[..p]);
    let head = full
        .iter()
        .position(|&c| c == b'/' || c == b'@')
        .map(|p| &full[..p]);
    [Some(full), stem, head]
}

/// Copy named captures into `fields` (invalid UTF-8 is kept lossily).
pub fn fill(fields: &mut Fields, re: &Pattern, c: &Caps<'_, '_>) {
    for (i, name) in re.capture_names().enumerate() {
        let Some(name) = name else { continue };
        if matches!(name, "ts" | "message" | "hostname") || name.starts_with('_') {
            continue;
        }
        if let Some(m) = c.get(i) {
            let mut v = m.as_bytes();
            if matches!(name, "host" | "src_ip" | "dst_ip" | "client") {
                // An IPv4 client on a dual-stack socket: `::ffff:1.2.3.4`.
                if let Some(r) = v.strip_prefix(b"::ffff:").filter(|r| r.contains(&b'.')) {
                    v = r;
                }
            }
            let v = String::from_utf8_lossy(v);
            fields.set(name, &v);
        }
    }
}
