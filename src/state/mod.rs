//! State snapshots: what the host looked like (listeners, firewall, units,
//! config, disks, certificates, bans) and who could reach what.

use serde::Serialize;

/// One snapshot file handed to the state parsers.
pub struct SnapshotInput<'a> {
    /// Path inside the bundle.
    pub path: &'a str,
    pub data: &'a [u8],
    /// Member mtime, seconds since the epoch.
    pub mtime: Option<i64>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct State {}

/// Which snapshot parser, if any, reads this member (by sosreport path or by
/// content).
pub fn snapshot_kind(_path: &str, _head: &[u8]) -> Option<&'static str> {
    None
}

pub fn collect(_inputs: &[SnapshotInput<'_>]) -> State {
    State::default()
}

pub fn render_text(_s: &State) -> String {
    String::new()
}
