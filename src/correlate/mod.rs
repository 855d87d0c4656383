//! Correlate: find when connectivity broke (symptoms), what changed before
//! it (candidates), and which change explains it (causes), with evidence.

use crate::event::Event;
use crate::parse::Sink;
use crate::pipeline::Run;
use crate::report::model::Analysis;

pub struct Collector {
    pub events: Vec<Event>,
    since: Option<i64>,
    until: Option<i64>,
}

impl Collector {
    pub fn new(since: Option<i64>, until: Option<i64>) -> Collector {
        Collector {
            events: Vec::new(),
            since,
            until,
        }
    }
}

impl Sink for Collector {
    fn event(&mut self, ev: Event) {
        if self.since.is_some_and(|s| ev.ts < s) || self.until.is_some_and(|u| ev.ts >= u) {
            return;
        }
        self.events.push(ev);
    }
    fn fork(&self) -> Self {
        Collector::new(self.since, self.until)
    }
    fn join(&mut self, mut o: Self) {
        self.events.append(&mut o.events);
    }
}

pub fn analyze(run: Run<Collector>, generated_at: String) -> Analysis {
    Analysis {
        broke_at: None,
        root_cause: None,
        symptoms: Vec::new(),
        findings: Vec::new(),
        narrative: Vec::new(),
        inventory: run.inventory,
        hosts: Vec::new(),
        host_zone: String::new(),
        evidence_lines: Vec::new(),
        missing: Vec::new(),
        charts: Default::default(),
        faultline_version: env!("CARGO_PKG_VERSION").to_string(),
        grammar_set: run.grammar_ids,
        generated_at,
    }
}
