//! Snapshot tests: `analyze` of every sample bundle in every format is
//! compared byte for byte with `tests/snapshots/<bundle>.<ext>`. A change in
//! a report shows up as a diff to review; `UPDATE_SNAPSHOTS=1 cargo test
//! --test snapshots` rewrites them after the change was checked by eye.
//! `SOURCE_DATE_EPOCH=0` fixes the one wall-clock value.

mod common;

use common::{run, sample};
use std::path::PathBuf;

const SAMPLES: &[&str] = &[
    "firewalld-after-reboot",
    "fail2ban-banned-office",
    "nginx-disabled-after-reboot",
    "nginx-loopback-only",
    "db-oom-502",
    "sshd-port-10022",
    "quiet-host",
];

const FORMATS: &[(&str, &str)] = &[
    ("json", "json"),
    ("md", "md"),
    ("html", "html"),
    ("text", "txt"),
];

fn snapshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// The first differing line, for a readable failure.
fn first_diff(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}:\n  want: {x}\n  got:  {y}", i + 1);
        }
    }
    format!(
        "lengths differ: want {} lines, got {}",
        a.lines().count(),
        b.lines().count()
    )
}

#[test]
fn every_format_of_every_sample_matches_its_snapshot() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    std::fs::create_dir_all(snapshot_dir()).unwrap();
    let mut failures = Vec::new();
    for s in SAMPLES {
        for (fmt, ext) in FORMATS {
            let (code, out, err) = run(&[
                "analyze",
                sample(s).to_str().unwrap(),
                "--format",
                fmt,
                "-q",
            ]);
            assert_eq!(code, 0, "{s} {fmt}: {err}");
            let path = snapshot_dir().join(format!("{s}.{ext}"));
            if update {
                std::fs::write(&path, &out).unwrap();
                continue;
            }
            match std::fs::read_to_string(&path) {
                Ok(want) if want == out => {}
                Ok(want) => {
                    failures.push(format!("{}: {}", path.display(), first_diff(&want, &out)))
                }
                Err(_) => failures.push(format!(
                    "{}: missing (run with UPDATE_SNAPSHOTS=1)",
                    path.display()
                )),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} snapshot(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
