//! Detect: choose a grammar for each member.
