//! Inputs that once broke something (found by the hostile suite or the
//! fuzzers), kept in `tests/data/hostile/` and replayed through the code
//! they broke. The file name says where it goes: `KIND--what.ext`, where
//! KIND is the fuzz target (`syslog`, `nginx`, `journal`, `grammar`,
//! `decompress`, `archive`, `state`) or `bundle` (run the binary on it).
//! A fuzz crash becomes a regression by copying `fuzz/artifacts/T/crash-*`
//! here under that name.

#[path = "hostile_support/mod.rs"]
mod support;

use faultline::decode::{Compression, Limits};
use std::path::{Path, PathBuf};
use std::time::Duration;
use support::*;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hostile")
}

fn inputs() -> Vec<(String, PathBuf)> {
    let mut v: Vec<(String, PathBuf)> = std::fs::read_dir(data_dir())
        .expect("tests/data/hostile")
        .filter_map(|e| e.ok())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    v.sort();
    v
}

fn small_limits() -> Limits {
    Limits {
        max_decoded: 4 << 20,
        ratio_floor: 64 << 10,
        max_ratio: 100,
        max_files: 500,
        ..Limits::default()
    }
}

/// The same paths the `state_collect` fuzz target picks from.
const STATE_PATHS: &[&str] = &[
    "sos_commands/networking/ss_-peaonmi",
    "sos_commands/networking/netstat_-W_-neopa",
    "sos_commands/firewalld/firewall-cmd_--list-all-zones",
    "sos_commands/networking/iptables-save",
    "sos_commands/nft/nft_list_ruleset",
    "sos_commands/nft/nft_-j_list_ruleset",
    "sos_commands/ufw/ufw_status",
    "etc/firewalld/services/x.xml",
    "sos_commands/systemd/systemctl_status_--all",
    "sos_commands/systemd/systemctl_list-units",
    "sos_commands/systemd/systemctl_list-unit-files",
    "sos_commands/systemd/systemctl_is-enabled_nginx",
    "sos_commands/systemd/systemctl_is-active_nginx",
    "etc/nginx/nginx.conf",
    "etc/nginx/conf.d/site.conf",
    "sos_commands/nginx/nginx_-T",
    "etc/ssh/sshd_config",
    "sos_commands/ssh/sshd_-T",
    "etc/hosts",
    "etc/resolv.conf",
    "sos_commands/networking/ip_-d_address",
    "sos_commands/networking/ip_route_show_table_all",
    "sos_commands/filesys/df_-al_-x_autofs",
    "sos_commands/memory/free",
    "etc/pki/tls/certs/site.pem",
    "sos_commands/fail2ban/fail2ban-client_status_sshd",
    "sos_commands/date/date",
    "unknown.txt",
];

/// Replay one input through the library function its name points at.
fn replay(kind: &str, data: &[u8]) {
    match kind {
        "syslog" => {
            for l in data.split(|&b| b == b'\n') {
                let _ = faultline::parse::syslog::parse(l);
            }
        }
        "nginx" => {
            let formats = faultline::parse::nginx::LogFormat::builtin();
            for l in data.split(|&b| b == b'\n') {
                for f in &formats {
                    let _ = f.parse(l);
                }
                let _ = faultline::parse::nginx::error_line(l);
            }
        }
        "journal" => {
            for l in data.split(|&b| b == b'\n') {
                let _ = faultline::parse::journal::json_line(l, 1);
            }
            let _ = faultline::parse::journal::export(data, |_| {});
        }
        "grammar" => {
            let (macros, _) = faultline::grammar::load_embedded().expect("embedded grammars");
            let _ = faultline::grammar::load_text(
                "regression.toml",
                &String::from_utf8_lossy(data),
                &macros,
            );
        }
        "decompress" => {
            for c in [
                Compression::Gzip,
                Compression::Xz,
                Compression::Zstd,
                Compression::Bzip2,
            ] {
                let d = faultline::decode::decompress(data, c, &small_limits());
                assert!(d.data.len() as u64 <= small_limits().max_decoded);
            }
        }
        "archive" => {
            let _ = faultline::discover::discover_bytes("bundle.tar", data, &small_limits());
        }
        "state" => {
            if let Some((&first, rest)) = data.split_first() {
                let inputs = [faultline::state::SnapshotInput {
                    path: STATE_PATHS[first as usize % STATE_PATHS.len()],
                    data: rest,
                    mtime: Some(1_722_930_000),
                }];
                let st = faultline::state::collect(&inputs);
                let _ = faultline::state::render_text(&st);
            }
        }
        "bundle" => {}
        other => panic!("unknown regression kind {other:?}: name files KIND--what"),
    }
}

#[test]
fn every_kept_input_replays_without_panic() {
    let all = inputs();
    assert!(!all.is_empty());
    for (name, path) in &all {
        let kind = name.split("--").next().unwrap_or_default();
        let data = std::fs::read(path).expect("read input");
        // Every input also goes through the kinds it was not found by:
        // a crash in one parser is often a crash in its neighbour.
        for k in [
            kind,
            "syslog",
            "nginx",
            "journal",
            "decompress",
            "archive",
            "state",
        ] {
            let r = std::panic::catch_unwind(|| replay(k, &data));
            assert!(r.is_ok(), "{name} panicked in {k}");
        }
    }
}

#[test]
fn every_kept_input_as_a_bundle_finishes_cleanly() {
    let watched = tempfile::tempdir().expect("tempdir");
    let scratch = tempfile::tempdir().expect("tempdir");
    for (name, path) in inputs() {
        for sub in [
            &["timeline", "--format", "jsonl", "--all"][..],
            &["inventory", "--format", "json"][..],
            &["analyze", "--format", "json"][..],
        ] {
            let mut a = args(sub.iter());
            a.push(path.clone().into());
            let o = run_bounded(&a, watched.path(), scratch.path(), Duration::from_secs(60));
            assert!(
                (o.code == 0 || o.code == 1) && !o.stderr.contains("panicked at"),
                "{name} {sub:?}: exit {}\n{}",
                o.code,
                o.stderr
            );
        }
    }
}

/// Fixed in `src/inventory.rs`: a file with events at i64::MAX µs and at
/// -1 µs overflowed the mean-spacing subtraction (debug builds panicked in
/// every subcommand).
#[test]
fn absurd_journal_stamps_do_not_overflow_the_inventory() {
    let watched = tempfile::tempdir().expect("tempdir");
    let scratch = tempfile::tempdir().expect("tempdir");
    let f = data_dir().join("bundle--journal-realtime-extremes.json");
    let o = run_bounded(
        &args([
            "inventory".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            f.as_os_str(),
        ]),
        watched.path(),
        scratch.path(),
        Duration::from_secs(60),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
}

/// Fixed in `src/pipeline.rs`: one journal line with a realtime of -1 (or
/// i64::MAX) was the bundle's newest dated line, so every year-less syslog
/// file was read as 1969/1970 and its lines dropped or misdated.
#[test]
fn one_forged_stamp_does_not_move_the_year_of_other_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("auth.log"), HEALTHY_AUTH).expect("write");
    std::fs::write(
        dir.path().join("app.log"),
        "2024-08-07T10:00:00.000000+00:00 web1 app[1]: dated line\n",
    )
    .expect("write");
    for forged in ["-1", "9223372036854775807", "253402300799000000"] {
        std::fs::write(
            dir.path().join("journal.json"),
            format!("{{\"__REALTIME_TIMESTAMP\":\"{forged}\",\"MESSAGE\":\"forged\"}}\n"),
        )
        .expect("write");
        let (code, out, err) = run_in(dir.path(), &["timeline", "--format", "jsonl"]);
        assert_eq!(code, 0, "{err}");
        let auth: Vec<&str> = out
            .lines()
            .filter(|l| l.contains("\"file\":\"auth.log\""))
            .collect();
        assert_eq!(
            auth.len(),
            3,
            "realtime {forged}: auth.log lines lost:\n{out}"
        );
        assert!(
            auth.iter().all(|l| l.contains("\"ts\":\"2024-08-06T")),
            "realtime {forged}: auth.log not anchored to 2024:\n{out}"
        );
    }
}

/// Found by the hostile suite in `src/parse/journal.rs`: a
/// `__REALTIME_TIMESTAMP` of i64::MAX µs printed `"ts":"invalid"` (not
/// RFC 3339) and -1 became an event in 1969.
#[test]
fn journal_realtime_out_of_range_is_not_an_event() {
    let f = data_dir().join("bundle--journal-realtime-extremes.json");
    let (code, out, err) = run_in(
        &data_dir(),
        &[
            "timeline",
            "--format",
            "jsonl",
            "--all",
            &f.to_string_lossy(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("\"ts\":\"invalid\""), "{out}");
    assert!(!out.contains("\"ts\":\"1969-"), "{out}");
    // The entries in range are read (1722929700 s = 2024-08-06 07:35 UTC)
    // and are the only events: an unread file would pass the checks above
    // (and did: with one good line of four, the file was not even
    // detected as a journal export, so its extremes were never parsed).
    let evs: Vec<&str> = out.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(evs.len(), 5, "{out}");
    assert!(evs[0].contains("\"ts\":\"2024-08-06T07:35:00"), "{out}");
    assert!(evs[0].contains("\"message\":\"ok\""), "{out}");
    assert!(
        evs.iter()
            .all(|e| e.contains("\"ts\":\"2024-08-06T07:35:0")),
        "{out}"
    );
}

fn run_in(dir: &Path, a: &[&str]) -> (i32, String, String) {
    let scratch = tempfile::tempdir().expect("tempdir");
    let watched = tempfile::tempdir().expect("tempdir");
    let mut all = args(a.iter());
    if !a.iter().any(|x| x.starts_with('/')) {
        all.push(dir.as_os_str().to_owned());
    }
    let o = run_bounded(
        &all,
        watched.path(),
        scratch.path(),
        Duration::from_secs(60),
    );
    (o.code, o.stdout_str(), o.stderr)
}

/// Fixed in `src/timeline.rs`: one message repeated N times in one second
/// (a flood, or a 4 MiB gzip of one line) made the duplicate folding scan
/// every earlier copy: 40,000 lines took 18 s in release, a log bomb hours.
/// Two files with the same flood must still pair copy by copy.
#[test]
fn a_flood_of_one_message_merges_in_linear_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let flood = "Aug  6 07:30:00 web1 app[1]: same\n".repeat(30_000);
    std::fs::write(dir.path().join("syslog"), &flood).expect("write");
    std::fs::write(dir.path().join("messages"), &flood).expect("write");
    let scratch = tempfile::tempdir().expect("tempdir");
    let o = run_bounded(
        &args([
            "timeline".as_ref(),
            "--all".as_ref(),
            "--format".as_ref(),
            "jsonl".as_ref(),
            "--year=2024".as_ref(),
            dir.path().as_os_str(),
        ]),
        scratch.path(),
        scratch.path(),
        Duration::from_secs(60),
    );
    assert!(!o.timed_out, "timeline on a flood took over a minute");
    assert_eq!(o.code, 0, "{}", o.stderr);
    let out = o.stdout_str();
    // Every syslog copy folds with its messages copy: 30,000 events.
    assert_eq!(out.lines().count(), 30_000);
    assert!(out.lines().all(|l| l.contains("also_in")));
}
