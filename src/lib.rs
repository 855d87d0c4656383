//! faultline: an offline post-mortem of Linux server outages.
//!
//! Data flows one way, one module per stage:
//! [`discover`] → [`decode`] → [`detect`] → [`parse`] → [`normalize`] →
//! [`timeline`] (merge) → [`correlate`] → [`report`] (render).
//! [`grammar`] holds the declarative formats the parsers run; [`state`]
//! turns snapshots (`ss`, `firewall-cmd`, `systemctl`, ...) into facts.
//! [`pipeline`] wires the stages for the command line.

pub mod cli;
pub mod correlate;
pub mod decode;
pub mod detect;
pub mod discover;
pub mod event;
pub mod grammar;
pub mod grammar_check;
pub mod inventory;
pub mod normalize;
pub mod parse;
pub mod pipeline;
pub mod report;
pub mod state;
pub mod timeline;
