//! Grammar samples as tests: every `[[sample]]` runs through the real
//! parsers (frame, line variants, message rules) and must produce the
//! expected kind and fields. A grammar that fails does not load; `faultline
//! grammars check` prints the failures with file and line.

use crate::event::Fields;
use crate::grammar::{GrammarKind, GrammarSet};
use crate::normalize::{Clock, Zone};
use crate::parse::{self, Format, nginx};
use std::sync::Arc;

/// Failures as `file:line: message`.
pub fn check_samples(set: &GrammarSet) -> Vec<String> {
    let clock = Clock {
        fixed_year: Some(2024),
        ..Clock::utc(Zone::Fixed(0))
    };
    let formats = Arc::new(nginx::LogFormat::builtin());
    let mut out = Vec::new();
    // The embedded samples are the test suite's to keep green
    // (tests/grammars.rs). Once user grammars are loaded, an override may
    // rightly change what an embedded frame sample classifies to, so only
    // the user's own samples are held against the set.
    let user = set
        .grammars
        .iter()
        .any(|g| !g.origin.starts_with("embedded:"));
    for (gi, g) in set.grammars.iter().enumerate() {
        if user && g.origin.starts_with("embedded:") {
            continue;
        }
        for s in &g.samples {
            let got: Option<(String, Fields)> = match &g.kind {
                GrammarKind::Message => {
                    let mut f = Fields::default();
                    let k = set.match_message(
                        s.program.as_deref().map(str::as_bytes),
                        None,
                        s.text.as_bytes(),
                        &mut f,
                    );
                    Some((k.map_or("log.other", |k| k.as_str()).to_string(), f))
                }
                GrammarKind::Line => {
                    parse::parse_one(s.text.as_bytes(), &Format::Line(gi), set, &clock)
                        .map(|e| (e.kind.as_str().to_string(), e.fields))
                }
                GrammarKind::Frame(id) => match Format::from_frame(id, &formats) {
                    Some(f) => parse::parse_one(s.text.as_bytes(), &f, set, &clock)
                        .map(|e| (e.kind.as_str().to_string(), e.fields)),
                    None => {
                        out.push(format!("{}:{}: unknown frame {id:?}", g.origin, s.at_line));
                        continue;
                    }
                },
            };
            let Some((kind, fields)) = got else {
                out.push(format!(
                    "{}:{}: sample does not parse: {:?}",
                    g.origin, s.at_line, s.text
                ));
                continue;
            };
            for (k, want) in &s.expect {
                let have = if k == "kind" {
                    Some(kind.clone())
                } else {
                    fields.get(k)
                };
                if have.as_deref() != Some(want.as_str()) {
                    out.push(format!(
                        "{}:{}: sample {:?}: expected {k} = {want:?}, got {have:?}",
                        g.origin, s.at_line, s.text
                    ));
                }
            }
        }
    }
    out
}
