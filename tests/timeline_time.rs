//! One UTC timeline: zones, year inference across rotation and New Year,
//! DST folds, journal renderings agreeing, and the timeline CLI filters.
//! Expected values are exact UTC stamps worked out by hand from each
//! fixture's zone (see `../shared/corpus/PROVENANCE.md`).

mod common;

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

/// `timeline ARGS --format jsonl`, parsed; panics on a non-zero exit.
fn timeline(args: &[&str]) -> Vec<Value> {
    let mut a = vec!["timeline"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--format", "jsonl", "-q"]);
    let (code, out, err) = common::run(&a);
    assert_eq!(code, 0, "faultline {a:?} failed: {err}");
    out.lines()
        .map(|l| serde_json::from_str(l).expect("jsonl line"))
        .collect()
}

fn ts(evs: &[Value]) -> Vec<String> {
    evs.iter()
        .map(|e| e["ts"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn lines_of(evs: &[Value], file_suffix: &str) -> Vec<(u64, String)> {
    evs.iter()
        .filter(|e| {
            e["source"]["file"]
                .as_str()
                .is_some_and(|f| f.ends_with(file_suffix))
        })
        .map(|e| {
            (
                e["source"]["line"].as_u64().unwrap_or(0),
                e["ts"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn inferred(e: &Value) -> Vec<String> {
    e["ts_inferred"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn write_gz(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let f = std::fs::File::create(path).expect("create");
    let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::default());
    gz.write_all(text.as_bytes()).expect("gz");
    gz.finish().expect("gz finish");
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn lnav_syslog_rollover_in_one_file() {
    let Some(c) = common::corpus() else { return };
    let evs = timeline(&[
        s(&c.join("lnav/logfile_syslog.1")),
        "--all",
        "--tz",
        "UTC",
        "--year",
        "2007",
    ]);
    assert_eq!(
        ts(&evs),
        [
            "2006-12-03T09:23:38.000000Z",
            "2006-12-03T09:23:38.000000Z",
            "2006-12-03T09:23:38.000000Z",
            "2007-01-03T09:47:02.000000Z"
        ]
    );
    assert!(evs.iter().all(|e| inferred(e) == ["year"]));
}

#[test]
fn lnav_syslog_rotation_chain_each_file_anchored_by_the_newer() {
    let Some(c) = common::corpus() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let read = |n: &str| std::fs::read_to_string(c.join("lnav").join(n)).expect("corpus file");
    let log = dir.path().join("var/log");
    write(&log.join("messages"), &read("logfile_syslog.0"));
    write(&log.join("messages.1"), &read("logfile_syslog.1"));
    write_gz(&log.join("messages.2.gz"), &read("logfile_syslog.2"));
    write(&log.join("messages.3"), &read("logfile_syslog.3"));
    let evs = timeline(&[s(dir.path()), "--all", "--tz", "UTC", "--year", "2007"]);
    let files: Vec<&str> = evs
        .iter()
        .filter_map(|e| e["source"]["file"].as_str())
        .collect();
    // Oldest file first, each in one block: the chain comes out in order.
    let mut blocks: Vec<&str> = files.clone();
    blocks.dedup();
    assert_eq!(
        blocks,
        [
            "var/log/messages.3",
            "var/log/messages.2.gz",
            "var/log/messages.1",
            "var/log/messages"
        ]
    );
    assert_eq!(
        lines_of(&evs, "messages.3")[0].1,
        "2006-08-16T00:10:45.000000Z"
    );
    assert_eq!(
        lines_of(&evs, "messages.2.gz")[0].1,
        "2006-11-03T09:23:38.000000Z"
    );
    assert_eq!(
        lines_of(&evs, "messages.1")[0].1,
        "2006-12-03T09:23:38.000000Z"
    );
    assert_eq!(
        lines_of(&evs, "messages.1")[3].1,
        "2007-01-03T09:47:02.000000Z"
    );
    assert_eq!(
        lines_of(&evs, "var/log/messages")[3].1,
        "2007-11-03T09:47:02.000000Z"
    );
}

#[test]
fn lnav_dst_fall_back_hour_comes_out_in_order() {
    let Some(c) = common::corpus() else { return };
    // 2013-11-03 is the US fall-back day: 01:00–01:59 happens twice, and
    // the file steps back from 01:59 to 01:24 when the clock does.
    let evs = timeline(&[
        s(&c.join("lnav/logfile_dst.0")),
        "--all",
        "--tz",
        "America/New_York",
        "--year",
        "2013",
    ]);
    let got = lines_of(&evs, "logfile_dst.0");
    let want = [
        (1, "2013-11-03T05:01:03.000000Z"),
        (2, "2013-11-03T05:13:04.000000Z"),
        (3, "2013-11-03T05:23:29.000000Z"),
        (4, "2013-11-03T05:41:30.000000Z"),
        (5, "2013-11-03T05:59:14.000000Z"),
        (6, "2013-11-03T06:24:56.000000Z"),
        (7, "2013-11-03T06:38:13.000000Z"),
        (8, "2013-11-03T06:50:16.000000Z"),
        (9, "2013-11-03T07:08:19.000000Z"),
        (10, "2013-11-03T07:25:02.000000Z"),
    ];
    let want: Vec<(u64, String)> = want.iter().map(|(l, t)| (*l, t.to_string())).collect();
    assert_eq!(
        got, want,
        "file order is time order once the fold is read right"
    );
}

#[test]
fn lnav_offsets_in_the_line_win() {
    let Some(c) = common::corpus() else { return };
    // A zone that would shift everything if it were (wrongly) applied.
    let evs = timeline(&[
        s(&c.join("lnav/logfile_with_zones.0")),
        "--all",
        "--tz",
        "Asia/Tokyo",
    ]);
    assert_eq!(
        ts(&evs),
        [
            "2022-08-27T14:22:01.613000Z",
            "2022-08-27T14:22:01.694554Z",
            "2022-08-27T14:22:01.888000Z"
        ]
    );
    assert!(evs.iter().all(|e| e.get("ts_inferred").is_none()));
}

#[test]
fn lnav_mixed_times_sorted_without_a_false_new_year() {
    let Some(c) = common::corpus() else { return };
    let evs = timeline(&[
        s(&c.join("lnav/logfile_syslog_with_mixed_times.0")),
        "--all",
        "--tz",
        "UTC",
        "--year",
        "2013",
    ]);
    let order: Vec<u64> = lines_of(&evs, "mixed_times.0")
        .iter()
        .map(|l| l.0)
        .collect();
    assert_eq!(order, [1, 2, 3, 6, 4, 5, 7, 8, 12, 9, 10, 11, 13]);
    let t = ts(&evs);
    assert_eq!(t[0], "2013-09-13T00:58:45.000000Z");
    assert_eq!(t[3], "2013-09-13T01:25:39.000000Z");
    assert_eq!(t[12], "2013-09-13T03:46:03.000000Z");
}

#[test]
fn beats_tz_offset_and_half_hour_offset() {
    let Some(c) = common::corpus() else { return };
    // tz-offset.log-expected.json: event.timezone +00:00.
    let evs = timeline(&[
        s(&c.join("elastic-beats/filebeat/module/system/syslog/test/tz-offset.log")),
        "--all",
        "--tz",
        "+00:00",
    ]);
    assert_eq!(
        ts(&evs),
        [
            "1986-04-25T21:23:45.101000Z",
            "1986-04-25T21:23:45.388424Z",
            "2019-06-14T10:40:20.912134Z"
        ]
    );
    assert!(evs.iter().all(|e| e.get("ts_inferred").is_none()));
    // timestamp.log-expected.json: test zone -02:00; the +01:30 line keeps its own offset.
    let evs = timeline(&[
        s(&c.join("elastic-beats/filebeat/module/system/auth/test/timestamp.log")),
        "--all",
        "--tz=-02:00",
    ]);
    assert_eq!(
        lines_of(&evs, "timestamp.log"),
        [
            (2, "2019-06-14T11:31:15.412000Z".to_string()),
            (1, "2019-06-14T12:40:20.912134Z".to_string())
        ]
    );
    // Without --tz and without a zone in the bundle, the zone-less line is
    // read as UTC and says so.
    let evs = timeline(&[
        s(&c.join("elastic-beats/filebeat/module/system/auth/test/timestamp.log")),
        "--all",
    ]);
    let first = evs
        .iter()
        .find(|e| e["source"]["line"] == 1)
        .expect("line 1");
    assert_eq!(first["ts"], "2019-06-14T10:40:20.912134Z");
    assert_eq!(inferred(first), ["zone"]);
    let second = evs
        .iter()
        .find(|e| e["source"]["line"] == 2)
        .expect("line 2");
    assert!(second.get("ts_inferred").is_none());
}

/// The instant journalctl prints for each JSON entry: it shows
/// `_SOURCE_REALTIME_TIMESTAMP` when the entry has one, else
/// `__REALTIME_TIMESTAMP`.
fn printed_instants(json: &Path) -> (Vec<i64>, Vec<i64>) {
    let text = std::fs::read_to_string(json).expect("json rendering");
    let mut shown = Vec::new();
    let mut realtime = Vec::new();
    for l in text.lines() {
        let v: Value = serde_json::from_str(l).expect("json entry");
        let num = |k: &str| v[k].as_str().and_then(|s| s.parse::<i64>().ok());
        let rt = num("__REALTIME_TIMESTAMP").expect("realtime");
        realtime.push(rt);
        shown.push(num("_SOURCE_REALTIME_TIMESTAMP").unwrap_or(rt));
    }
    (shown, realtime)
}

fn us_of(t: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(t)
        .expect("rfc3339")
        .timestamp_micros()
}

#[test]
fn s4_journal_renderings_agree() {
    let Some(c) = common::corpus() else { return };
    let dir = c.join("s4-journal-rendered");
    let one = |name: &str, extra: &[&str]| -> Vec<i64> {
        let mut args = vec![s(&dir.join(name)).to_string(), "--all".into()];
        args.extend(extra.iter().map(|a| a.to_string()));
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let evs = timeline(&a);
        let mut l = lines_of(&evs, name);
        l.sort();
        l.into_iter().map(|(_, t)| us_of(&t)).collect()
    };
    let (shown, realtime) = printed_instants(&dir.join("RHE_91_system.window.json.txt"));
    assert_eq!(realtime.len(), 232);
    // Journal stamps are UTC whatever --tz says.
    let json = one("RHE_91_system.window.json.txt", &["--tz", "Asia/Tokyo"]);
    let export = one("RHE_91_system.window.export.txt", &["--tz", "Asia/Tokyo"]);
    // The structured exports take the instant journalctl itself shows
    // (`_SOURCE_REALTIME_TIMESTAMP`, the sender's own clock, when present),
    // so every rendering lands on the same instants.
    assert_eq!(json, shown);
    assert_eq!(export, shown);
    // The year-less short forms, with the rendering's zone (UTC) and year,
    // land on the very instants journalctl printed: to the µs and the second.
    let precise = one(
        "RHE_91_system.window.short-precise.txt",
        &["--tz", "UTC", "--year", "2023"],
    );
    assert_eq!(precise, shown);
    let secs = |v: &[i64]| -> Vec<i64> { v.iter().map(|t| t.div_euclid(1_000_000)).collect() };
    assert_eq!(
        secs(&one(
            "RHE_91_system.window.short.txt",
            &["--tz", "UTC", "--year", "2023"]
        )),
        secs(&shown)
    );
    assert_eq!(
        secs(&one("RHE_91_system.window.short-iso.txt", &[])),
        secs(&shown)
    );
    assert_eq!(json[0], 1_681_160_401_215_990);
    // Together, without --year or --tz: the JSON's dates anchor the short
    // forms, and the renderings of an entry fold into one event.
    let evs = timeline(&[s(&dir), "--all"]);
    assert!(evs.iter().all(|e| {
        e["ts"]
            .as_str()
            .is_some_and(|t| t.starts_with("2023-04-10T21:"))
    }));
    let folded = evs
        .iter()
        .filter(|e| e["also_in"].as_array().is_some_and(|a| a.len() == 4))
        .count();
    assert!(
        folded >= 200,
        "only {folded} of 232 entries folded across the five renderings"
    );
    assert_eq!(evs[0]["ts"], "2023-04-10T21:00:01.215990Z");
    assert!(
        evs[0]["format"]
            .as_str()
            .is_some_and(|f| f.starts_with("journal."))
    );
}

/// A host on Europe/Berlin rotated across New Year: year-less syslog in
/// three files and an nginx access log with years.
fn new_year_bundle() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let b = dir.path().join("web1");
    write(&b.join("etc/hostname"), "web1\n");
    write(&b.join("etc/timezone"), "Europe/Berlin\n");
    write_gz(
        &b.join("var/log/syslog.2.gz"),
        "Dec 30 10:00:00 web1 CRON[100]: (root) CMD (a)\nDec 31 23:00:00 web1 CRON[101]: (root) CMD (b)\n",
    );
    write(
        &b.join("var/log/syslog.1"),
        "Dec 31 23:30:00 web1 CRON[102]: (root) CMD (c)\nJan  1 00:30:00 web1 CRON[103]: (root) CMD (d)\n",
    );
    write(
        &b.join("var/log/syslog"),
        "Jan  1 01:00:00 web1 CRON[104]: (root) CMD (e)\nJan  2 08:00:00 web1 CRON[105]: (root) CMD (f)\n",
    );
    write(
        &b.join("var/log/nginx/access.log"),
        "1.2.3.4 - - [30/Dec/2024:09:00:00 +0100] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl\"\n\
         1.2.3.4 - - [02/Jan/2025:07:00:00 +0100] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl\"\n",
    );
    dir
}

fn bundle_path(d: &tempfile::TempDir) -> PathBuf {
    d.path().join("web1")
}

#[test]
fn new_year_rotation_comes_out_in_order_with_the_right_years() {
    let d = new_year_bundle();
    let evs = timeline(&[s(&bundle_path(&d)), "--all"]);
    let got: Vec<(String, String)> = evs
        .iter()
        .map(|e| {
            (
                e["ts"].as_str().unwrap_or_default().to_string(),
                e["source"]["file"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let want = [
        ("2024-12-30T08:00:00.000000Z", "var/log/nginx/access.log"),
        ("2024-12-30T09:00:00.000000Z", "var/log/syslog.2.gz"),
        ("2024-12-31T22:00:00.000000Z", "var/log/syslog.2.gz"),
        ("2024-12-31T22:30:00.000000Z", "var/log/syslog.1"),
        // Jan 1 00:30 in Berlin is still 2024 in UTC.
        ("2024-12-31T23:30:00.000000Z", "var/log/syslog.1"),
        ("2025-01-01T00:00:00.000000Z", "var/log/syslog"),
        ("2025-01-02T06:00:00.000000Z", "var/log/nginx/access.log"),
        ("2025-01-02T07:00:00.000000Z", "var/log/syslog"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);
    for e in &evs {
        let syslog = e["format"] == "syslog";
        assert_eq!(
            inferred(e),
            if syslog {
                vec!["year".to_string()]
            } else {
                vec![]
            },
            "{e}"
        );
    }
}

#[test]
fn new_year_inventory_provenance() {
    let d = new_year_bundle();
    let (code, out, err) = common::run(&["inventory", s(&bundle_path(&d)), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let inv: Value = serde_json::from_str(&out).expect("json");
    let file = |p: &str| {
        inv["files"]
            .as_array()
            .and_then(|a| a.iter().find(|f| f["path"] == p))
            .cloned()
            .expect(p)
    };
    let cur = file("var/log/syslog");
    assert!(
        cur["zone"]
            .as_str()
            .is_some_and(|z| z.starts_with("Europe/Berlin") && z.contains("etc/timezone")),
        "{cur}"
    );
    let anchor = cur["year_anchor"].as_str().unwrap_or_default();
    assert!(
        anchor.starts_with("last line in 2025") && anchor.contains("access.log"),
        "{anchor}"
    );
    let old = file("var/log/syslog.2.gz");
    let anchor = old["year_anchor"].as_str().unwrap_or_default();
    assert!(
        anchor.starts_with("last line in 2024") && anchor.contains("syslog.1"),
        "{anchor}"
    );
    assert_eq!(old["first_ts"], "2024-12-30T09:00:00.000000Z");
    assert_eq!(old["last_ts"], "2024-12-31T22:00:00.000000Z");
    assert_eq!(old["inferred"], 2);
    assert!(
        file("var/log/nginx/access.log")
            .get("year_anchor")
            .is_none()
    );
    assert_eq!(inv["window"]["start"], "2024-12-30T08:00:00.000000Z");
    assert_eq!(inv["window"]["end"], "2025-01-02T07:00:00.000000Z");
    for key in ["boots", "gaps", "skew"] {
        assert!(inv[key].is_array(), "inventory lacks {key}");
    }
}

#[test]
fn dated_line_beats_a_reset_mtime_and_mtime_is_the_last_resort() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("h/var/log/syslog");
    write(
        &log,
        "Dec 31 23:59:00 h CRON[1]: (root) CMD (x)\nJan  3 10:00:00 h CRON[2]: (root) CMD (y)\n",
    );
    let set_mtime = |p: &Path, secs: u64| {
        let f = std::fs::File::options().write(true).open(p).expect("open");
        f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
            .expect("mtime");
    };
    // 2025-01-03T12:00:00Z.
    set_mtime(&log, 1_735_905_600);
    let evs = timeline(&[s(&dir.path().join("h")), "--all", "--tz", "UTC"]);
    assert_eq!(
        ts(&evs),
        ["2024-12-31T23:59:00.000000Z", "2025-01-03T10:00:00.000000Z"]
    );
    // A copy made years later (`cp` without -p) next to a dated log.
    set_mtime(&log, 1_893_456_000);
    write(
        &dir.path().join("h/var/log/dpkg.log"),
        "2025-01-02 09:00:00 status installed nginx:amd64 1.22\n",
    );
    let (_, out, _) = common::run(&[
        "inventory",
        s(&dir.path().join("h")),
        "--format",
        "json",
        "--tz",
        "UTC",
    ]);
    let inv: Value = serde_json::from_str(&out).expect("json");
    let sys = inv["files"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["path"] == "var/log/syslog"))
        .cloned()
        .expect("syslog");
    assert_eq!(sys["last_ts"], "2025-01-03T10:00:00.000000Z", "{sys}");
}

#[test]
fn cli_filters_and_formats() {
    let d = new_year_bundle();
    let b = bundle_path(&d);
    let evs = timeline(&[
        s(&b),
        "--all",
        "--since",
        "2024-12-31 22:15",
        "--until",
        "2025-01-01T00:00:00Z",
    ]);
    assert_eq!(
        ts(&evs),
        ["2024-12-31T22:30:00.000000Z", "2024-12-31T23:30:00.000000Z"]
    );
    let evs = timeline(&[s(&b), "--kinds", "http.request"]);
    assert_eq!(
        ts(&evs),
        ["2024-12-30T08:00:00.000000Z", "2025-01-02T06:00:00.000000Z"]
    );
    for e in &evs {
        assert_eq!(e["datetime"], e["ts"]);
        assert_eq!(e["timestamp_desc"], "http.request");
        assert!(e["message"].is_string());
    }
    // Without --all, unclassified lines stay out.
    let evs = timeline(&[s(&b)]);
    assert!(evs.iter().all(|e| e["kind"] != "log.other"));
    let (code, csv, _) = common::run(&[
        "timeline",
        s(&b),
        "--kinds",
        "http.request",
        "--format",
        "csv",
        "-q",
    ]);
    assert_eq!(code, 0);
    let mut rows = csv.lines();
    assert!(
        rows.next()
            .is_some_and(|h| h.starts_with("datetime,timestamp_desc,message,"))
    );
    assert!(
        rows.next()
            .is_some_and(|r| r.starts_with("2024-12-30T08:00:00.000000Z,http.request,"))
    );
    let (_, text, _) = common::run(&[
        "timeline",
        s(&b),
        "--kinds",
        "http.request",
        "--format",
        "text",
        "-q",
    ]);
    assert!(text.starts_with("2024-12-30 09:00:00 CET"), "{text}");
    let (_, text, _) = common::run(&[
        "timeline",
        s(&b),
        "--kinds",
        "http.request",
        "--format",
        "text",
        "--utc",
        "-q",
    ]);
    assert!(text.starts_with("2024-12-30T08:00:00.000000Z"), "{text}");
    let (code, _, _) = common::run(&["timeline", s(&b), "--since", "last tuesday"]);
    assert_eq!(code, 2);
}

#[test]
fn zone_from_localtime_symlink_in_a_tar() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tar_path = dir.path().join("host.tar");
    let mut t = tar::Builder::new(std::fs::File::create(&tar_path).expect("tar"));
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Symlink);
    h.set_size(0);
    h.set_mode(0o777);
    t.append_link(
        &mut h,
        "host/etc/localtime",
        "../usr/share/zoneinfo/posix/America/New_York",
    )
    .expect("symlink");
    let log = b"Jul  4 12:00:00 h CRON[1]: (root) CMD (x)\n";
    let mut h = tar::Header::new_gnu();
    h.set_size(log.len() as u64);
    h.set_mode(0o644);
    h.set_mtime(1_720_200_000);
    t.append_data(&mut h, "host/var/log/syslog", &log[..])
        .expect("log");
    t.into_inner().expect("finish").sync_all().expect("sync");
    let evs = timeline(&[s(&tar_path), "--all"]);
    // EDT is UTC-4; the year comes from the tar header's mtime (2024-07-05).
    assert_eq!(ts(&evs), ["2024-07-04T16:00:00.000000Z"]);
    assert_eq!(inferred(&evs[0]), ["year"]);
}

#[test]
fn zone_from_timedatectl_half_hour_and_from_nginx_as_a_last_resort() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sos = dir.path().join("sosreport-web1");
    write(
        &sos.join("sos_commands/systemd/timedatectl"),
        "               Local time: Tue 2024-08-06 16:02:31 IST\n           Universal time: Tue 2024-08-06 10:32:31 UTC\n                Time zone: Asia/Kolkata (IST, +0530)\n",
    );
    write(
        &sos.join("var/log/syslog"),
        "Aug  6 16:00:00 web1 CRON[1]: (root) CMD (x)\n",
    );
    let evs = timeline(&[s(&sos), "--all", "--year", "2024", "--tz", "Europe/Berlin"]);
    // The bundle's own zone beats --tz.
    assert_eq!(ts(&evs), ["2024-08-06T10:30:00.000000Z"]);
    assert_eq!(inferred(&evs[0]), ["year"]);
    // No zone anywhere: nginx's $time_local offset stands in, marked inferred.
    let b = dir.path().join("bare");
    write(
        &b.join("var/log/syslog"),
        "Aug  6 16:00:00 web1 CRON[1]: (root) CMD (x)\n",
    );
    write(
        &b.join("var/log/nginx/access.log"),
        "1.2.3.4 - - [06/Aug/2024:15:59:00 +0200] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl\"\n",
    );
    let evs = timeline(&[s(&b), "--all"]);
    assert_eq!(
        lines_of(&evs, "var/log/syslog"),
        [(1, "2024-08-06T14:00:00.000000Z".to_string())]
    );
    let sys = evs
        .iter()
        .find(|e| e["format"] == "syslog")
        .expect("syslog event");
    assert_eq!(inferred(sys), ["year", "zone"]);
    let (_, out, _) = common::run(&["inventory", s(&b), "--format", "json"]);
    let inv: Value = serde_json::from_str(&out).expect("json");
    let zone = inv["files"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["path"] == "var/log/syslog"))
        .map(|f| f["zone"].clone());
    assert!(
        zone.as_ref()
            .and_then(|z| z.as_str())
            .is_some_and(|z| z.starts_with("+02:00 (inferred")),
        "{zone:?}"
    );
}

#[test]
fn yearless_line_grammar_gets_a_year_plan_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("grammars/app.toml"),
        r#"id = "app.log"
kind = "line"
description = "an app logging year-less stamps in brackets"

[detect]
paths = ["**/app.log"]
min_ratio = 0.6
priority = 5

[[line]]
pattern = '^\[(?P<ts>[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2})\] (?P<message>.*)$'
time = "bsd"

[[sample]]
line = '[Dec 31 23:59:00] worker ready'
expect = { kind = "log.other" }
"#,
    );
    let b = dir.path().join("h");
    write(
        &b.join("var/log/app.log"),
        "[Dec 31 23:59:00] a\n[Jan  1 00:01:00] b\n",
    );
    write(
        &b.join("var/log/nginx/access.log"),
        "1.2.3.4 - - [01/Jan/2025:00:00:30 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl\"\n",
    );
    let g = dir.path().join("grammars");
    let evs = timeline(&[s(&b), "--all", "--tz", "UTC", "--grammars", s(&g)]);
    assert_eq!(
        lines_of(&evs, "app.log"),
        [
            (1, "2024-12-31T23:59:00.000000Z".to_string()),
            (2, "2025-01-01T00:01:00.000000Z".to_string())
        ]
    );
}

#[test]
fn inventory_lists_one_boot_per_reboot_and_rotated_away_windows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let b = dir.path().join("web1");
    write(&b.join("etc/hostname"), "web1\n");
    write(&b.join("etc/timezone"), "Etc/UTC\n");
    let banner = "Aug  6 10:00:00 web1 kernel: [    0.000000] Linux version 6.1.0-23-amd64 (debian-kernel@lists.debian.org) #1 SMP\n";
    write(&b.join("var/log/kern.log"), banner);
    write(
        &b.join("var/log/syslog"),
        &format!(
            "{banner}Aug  6 10:00:20 web1 systemd[1]: Startup finished in 2.1s (kernel) + 15s (userspace) = 17.1s.\n\
             Aug  6 11:00:00 web1 systemd[900]: Startup finished in 80ms.\n"
        ),
    );
    // A request a minute, then a day that no kept file covers.
    let access = |d: u32, h: u32| -> String {
        (0..10)
            .map(|m| format!("1.2.3.4 - - [{d:02}/Aug/2024:{h:02}:{m:02}:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl\"\n"))
            .collect()
    };
    write_gz(&b.join("var/log/nginx/access.log.2.gz"), &access(5, 9));
    write(&b.join("var/log/nginx/access.log.1"), &access(6, 10));
    let (code, out, err) = common::run(&["inventory", s(&b), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let inv: Value = serde_json::from_str(&out).expect("json");
    let boots = inv["boots"].as_array().expect("boots");
    assert_eq!(boots.len(), 1, "{boots:?}");
    assert_eq!(boots[0]["at"], "2024-08-06T10:00:00.000000Z");
    assert_eq!(boots[0]["host"], "web1");
    assert_eq!(boots[0]["source"]["file"], "var/log/kern.log");
    let also: Vec<(&str, u64)> = boots[0]["also"]
        .as_array()
        .expect("also")
        .iter()
        .map(|s| {
            (
                s["file"].as_str().unwrap_or_default(),
                s["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(also, [("var/log/syslog", 1), ("var/log/syslog", 2)]);
    let gap = inv["gaps"]
        .as_array()
        .and_then(|g| g.iter().find(|g| g["kind"] == "between_files"))
        .expect("a between_files gap");
    assert_eq!(gap["file"], "var/log/nginx/access.log.2.gz");
    assert_eq!(gap["next_file"], "var/log/nginx/access.log.1");
    assert_eq!(
        (gap["start"].as_str(), gap["end"].as_str()),
        (
            Some("2024-08-05T09:09:00.000000Z"),
            Some("2024-08-06T10:00:00.000000Z")
        )
    );
    assert_eq!(gap["seconds"], 89_460);
}
