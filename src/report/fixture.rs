//! Hand-built analyses for the renderers' tests: a realistic incident
//! (firewalld started after a reboot and blocked nginx) and a hostile copy
//! of it whose every string is an injection attempt.
//!
//! They live in the library rather than under `tests/` because the unit
//! tests of each renderer and the integration tests (`tests/report_*.rs`,
//! including the headless-browser one) need the same analysis, and a real
//! bundle cannot yet produce one while `correlate` is being written.

use super::model::*;
use crate::event::SourceRef;
use crate::inventory::{Boot, FileEntry, Gap, Inventory, Window};
use sha2::{Digest, Sha256};

const MESSAGES: &str = "var/log/messages";
const ACCESS: &str = "var/log/nginx/access.log";
const FW_STATE: &str = "sos_commands/firewalld/firewall-cmd_--list-all-zones";
const SS: &str = "sos_commands/networking/ss_-tlnp";

/// Unix seconds of 2024-08-06T13:30:00Z, the first chart bucket.
const T0: i64 = 1_722_951_000;

fn src(file: &str, line: u32) -> SourceRef {
    SourceRef {
        file: file.into(),
        line,
    }
}

fn at(h: u32, m: u32, s: u32) -> String {
    format!("2024-08-06T{h:02}:{m:02}:{s:02}.000000Z")
}

fn sha(path: &str) -> Option<String> {
    let d = Sha256::digest(path.as_bytes());
    Some(d.iter().map(|b| format!("{b:02x}")).collect())
}

/// reboot 14:01:49–14:02:00, firewalld start 14:02:31, 1,204 drops to
/// tcp/80, external nginx access stops; nginx itself answered localhost.
pub fn firewalld_after_reboot() -> Analysis {
    let fix =
        "firewall-cmd --add-service=http --add-service=https --permanent && firewall-cmd --reload";
    let evidence_lines = vec![
        EvidenceLine {
            file: ACCESS.into(),
            line: 88412,
            text: "198.51.100.23 - - [06/Aug/2024:16:01:47 +0200] \"GET /checkout HTTP/1.1\" 200 5120 \"https://shop.example.com/cart\" \"Mozilla/5.0 (X11; Linux x86_64)\"".into(),
        },
        EvidenceLine {
            file: MESSAGES.into(),
            line: 4803,
            text: "Aug  6 16:01:49 web01 systemd-logind[712]: The system will reboot now!".into(),
        },
        EvidenceLine {
            file: MESSAGES.into(),
            line: 4821,
            text: "Aug  6 16:02:00 web01 kernel: Linux version 5.14.0-427.13.1.el9_4.x86_64 (mockbuild@x86-64-01.build.eng.rdu2.redhat.com)".into(),
        },
        EvidenceLine {
            file: MESSAGES.into(),
            line: 5012,
            text: "Aug  6 16:02:31 web01 systemd[1]: Started firewalld.service - firewalld - dynamic firewall daemon.".into(),
        },
        EvidenceLine {
            file: FW_STATE.into(),
            line: 12,
            text: "  services: cockpit dhcpv6-client ssh".into(),
        },
        EvidenceLine {
            file: MESSAGES.into(),
            line: 5044,
            text: "Aug  6 16:02:33 web01 systemd[1]: Started nginx.service - The nginx HTTP and reverse proxy server.".into(),
        },
        EvidenceLine {
            file: SS.into(),
            line: 7,
            text: "LISTEN 0      511          0.0.0.0:80        0.0.0.0:*    users:((\"nginx\",pid=1187,fd=6))".into(),
        },
        EvidenceLine {
            file: MESSAGES.into(),
            line: 5101,
            text: "Aug  6 16:02:41 web01 kernel: filter_IN_public_REJECT: IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=198.51.100.23 DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=4242 DF PROTO=TCP SPT=51234 DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0".into(),
        },
        EvidenceLine {
            file: ACCESS.into(),
            line: 88413,
            text: "127.0.0.1 - - [06/Aug/2024:16:05:02 +0200] \"GET /healthz HTTP/1.1\" 200 2 \"-\" \"curl/7.76.1\"".into(),
        },
    ];

    let narrative = vec![
        step(
            at(14, 1, 47),
            "16:01:47",
            "Last request from an outside client answered (GET /checkout, 200).",
            vec![src(ACCESS, 88412)],
        ),
        step(
            at(14, 1, 49),
            "16:01:49",
            "web01 reboots: systemd-logind announces the reboot.",
            vec![src(MESSAGES, 4803)],
        ),
        step(
            at(14, 2, 0),
            "16:02:00",
            "Kernel starts: boot 2 of web01 begins.",
            vec![src(MESSAGES, 4821)],
        ),
        step(
            at(14, 2, 31),
            "16:02:31",
            "firewalld starts at boot; zone public allows ssh, cockpit and dhcpv6-client only, not http or https.",
            vec![src(MESSAGES, 5012), src(FW_STATE, 12)],
        ),
        step(
            at(14, 2, 33),
            "16:02:33",
            "nginx starts and listens on 0.0.0.0:80.",
            vec![src(MESSAGES, 5044), src(SS, 7)],
        ),
        step(
            at(14, 2, 41),
            "16:02:41",
            "First of 1,204 firewall rejects to tcp/80 (from 198.51.100.23).",
            vec![src(MESSAGES, 5101)],
        ),
        step(
            at(14, 5, 2),
            "16:05:02",
            "nginx answers a local health check from 127.0.0.1: the service itself works.",
            vec![src(ACCESS, 88413)],
        ),
    ];

    let findings = vec![
        Finding {
            rank: 1,
            kind: "firewall_blocks_service".into(),
            at: Some(at(14, 2, 31)),
            summary: "firewalld started at boot with zone public lacking http/https; nginx listens on 0.0.0.0:80 but 1,204 client connections to tcp/80 were rejected.".into(),
            confidence: 0.93,
            evidence: vec![src(MESSAGES, 5012), src(FW_STATE, 12), src(SS, 7), src(MESSAGES, 5101)],
            remediation: vec![fix.into()],
            ruled_out_because: None,
        },
        Finding {
            rank: 2,
            kind: "service_not_running".into(),
            at: Some(at(14, 1, 49)),
            summary: "nginx stopped with the reboot.".into(),
            confidence: 0.04,
            evidence: vec![src(ACCESS, 88413), src(MESSAGES, 5044)],
            remediation: vec![],
            ruled_out_because: Some("nginx was running: it answered 127.0.0.1 at 14:05".into()),
        },
    ];

    let symptoms = vec![
        Symptom {
            kind: "requests_stopped".into(),
            at: at(14, 1, 47),
            summary: "Outside requests to nginx :80 stopped after 14:01:47 UTC (about 240 a minute before); only 127.0.0.1 was answered afterwards.".into(),
            evidence: vec![src(ACCESS, 88412), src(ACCESS, 88413)],
        },
        Symptom {
            kind: "firewall_drops_to_served_port".into(),
            at: at(14, 2, 41),
            summary: "1,204 firewall rejects to tcp/80, a port nginx listens on, from 14:02:41 to 14:29:58 UTC.".into(),
            evidence: vec![src(MESSAGES, 5101), src(SS, 7)],
        },
    ];

    Analysis {
        broke_at: Some(at(14, 2, 31)),
        root_cause: Some(RootCause {
            kind: "firewall_blocks_service".into(),
            summary: "firewalld started after the reboot at 14:02 UTC without http/https in zone public, so tcp/80 to nginx was rejected.".into(),
            confidence: 0.93,
        }),
        symptoms,
        findings,
        narrative,
        inventory: inventory(),
        hosts: vec!["web01".into()],
        host_zone: "Europe/Berlin".into(),
        evidence_lines,
        missing: vec![
            "No nginx error log in the bundle: upstream errors could not be checked.".into(),
        ],
        charts: charts(),
        faultline_version: "0.1.0".into(),
        grammar_set: vec![
            "firewalld".into(),
            "kernel.netfilter".into(),
            "nginx.access".into(),
            "syslog.bsd".into(),
            "systemd".into(),
        ],
        generated_at: "2024-08-07T09:00:00Z".into(),
    }
}

fn step(at: String, local: &str, text: &str, evidence: Vec<SourceRef>) -> NarrativeStep {
    NarrativeStep {
        at_local: Some(format!("2024-08-06 {local} CEST")),
        at,
        text: text.into(),
        evidence,
    }
}

fn charts() -> Charts {
    // Busy shop traffic until the reboot, then only the local health check.
    let buckets = (0..60)
        .map(|m: u32| match m {
            0..=30 => [230 + (m * 7) % 23, 6 + m % 5, u32::from(m % 11 == 3)],
            31 => [182, 5, 0],
            35 => [1, 0, 0],
            _ => [0, 0, 0],
        })
        .collect();
    // 1,204 rejects from 14:02 to 14:29.
    let drops = (0..60)
        .map(|m: u32| match m {
            32 => 30,
            33..=46 => 44,
            47..=58 => 43,
            59 => 42,
            _ => 0,
        })
        .collect::<Vec<u32>>();
    debug_assert_eq!(drops.iter().sum::<u32>(), 1204);
    let marker = |h, m, s, kind: &str, label: &str, lane: &str, file: &str, line| ChangeMarker {
        at: at(h, m, s),
        t: T0 + i64::from((h - 13) * 3600 + m * 60 + s) - 1800,
        kind: kind.into(),
        label: label.into(),
        lane: lane.into(),
        source: src(file, line),
    };
    Charts {
        requests: vec![RequestSeries {
            service: "nginx :80".into(),
            start: T0,
            buckets,
        }],
        drops: vec![DropSeries {
            port: 80,
            proto: "tcp".into(),
            start: T0,
            buckets: drops,
        }],
        changes: vec![
            marker(
                14,
                1,
                49,
                "system.shutdown",
                "reboot",
                "systemd",
                MESSAGES,
                4803,
            ),
            marker(14, 2, 0, "system.boot", "boot 2", "kernel", MESSAGES, 4821),
            marker(
                14,
                2,
                31,
                "firewall.start",
                "firewalld start",
                "firewalld",
                MESSAGES,
                5012,
            ),
            marker(
                14,
                2,
                33,
                "service.start",
                "nginx start",
                "systemd",
                MESSAGES,
                5044,
            ),
        ],
    }
}

fn inventory() -> Inventory {
    let file =
        |path: &str, size, format: Option<&str>, role: &str, lines, parsed, comp: &str| FileEntry {
            path: path.into(),
            size,
            sha256: sha(path),
            format: format.map(Into::into),
            role: role.into(),
            lines,
            parsed,
            unparsed: lines - parsed,
            compression: comp.into(),
            ..FileEntry::default()
        };
    let mut messages = file(
        MESSAGES,
        1_184_220,
        Some("syslog.bsd"),
        "log",
        6120,
        6098,
        "none",
    );
    messages.first_ts = Some(at(13, 30, 0));
    messages.last_ts = Some(at(14, 29, 58));
    messages.zone =
        Some("Europe/Berlin (etc/localtime -> ../usr/share/zoneinfo/Europe/Berlin)".into());
    messages.year_anchor = Some("2024 (tar header mtime of var/log/messages)".into());
    messages.inferred = 6098;
    let mut access = file(
        ACCESS,
        15_022_870,
        Some("nginx.access"),
        "log",
        88413,
        88413,
        "none",
    );
    access.first_ts = Some("2024-08-05T03:12:09.000000Z".into());
    access.last_ts = Some(at(14, 5, 2));
    let mut rotated = file(
        "var/log/messages-20240804.gz",
        402_113,
        Some("syslog.bsd"),
        "log",
        30110,
        30110,
        "gzip",
    );
    rotated.year_anchor = Some("2024 (tar header mtime of var/log/messages-20240804.gz)".into());
    rotated.zone = messages.zone.clone();
    rotated.inferred = 30110;
    Inventory {
        files: vec![
            file("etc/localtime", 0, None, "link", 0, 0, "none"),
            file(
                "etc/nginx/nginx.conf",
                2_311,
                Some("config"),
                "config",
                0,
                0,
                "none",
            ),
            file(
                FW_STATE,
                1_904,
                Some("state:firewall"),
                "state",
                0,
                0,
                "none",
            ),
            file(SS, 611, Some("state:listeners"), "state", 0, 0, "none"),
            messages,
            rotated,
            access,
        ],
        hosts: vec!["web01".into()],
        window: Window {
            start: Some(at(13, 30, 0)),
            end: Some(at(14, 29, 58)),
        },
        boots: vec![
            Boot {
                at: "2024-07-29T03:10:12.000000Z".into(),
                host: "web01".into(),
                source: src("var/log/messages-20240804.gz", 1),
                how: "kernel banner".into(),
                also: vec![],
                boot_id: None,
                at_us: 0,
            },
            Boot {
                at: at(14, 2, 0),
                host: "web01".into(),
                source: src(MESSAGES, 4821),
                how: "kernel banner".into(),
                also: vec![],
                boot_id: None,
                at_us: 0,
            },
        ],
        gaps: vec![Gap {
            file: ACCESS.into(),
            start: at(14, 1, 47),
            end: at(14, 5, 2),
            seconds: 195,
            kind: "silence".into(),
            host: "web01".into(),
            next_file: None,
        }],
        skew: vec![],
        warnings: vec![],
    }
}

/// The same incident with hostile strings in every field a log or a file
/// name can reach: markup, scripts, link syntax, terminal escapes, bidi
/// overrides, newlines and pipes in paths, backtick runs.
pub fn hostile() -> Analysis {
    let mut a = firewalld_after_reboot();
    let evil = "<script>alert(1)</script> \x1b[2J\u{202e}txt.exe ](javascript:alert(1)) <img src=x onerror=alert(1)> <!-- ```` | x |\n# head";
    let path = "var/log/evil\n| a | b |`<b>`.log";
    a.hosts = vec!["web<script>alert(1)</script>".into(), "h\u{202e}ost".into()];
    a.host_zone = "Europe/Berlin<script>".into();
    for l in &mut a.evidence_lines {
        l.text = format!(
            "{} user=\x1b[2J UA=\"<script>alert(1)</script>\" {evil}",
            l.text
        );
    }
    a.evidence_lines.push(EvidenceLine {
        file: path.into(),
        line: 1,
        text: evil.into(),
    });
    for s in &mut a.narrative {
        s.text = format!("{} {evil}", s.text);
        s.at_local = Some(format!("16:02 {evil}"));
        s.evidence.push(src(path, 1));
    }
    for s in &mut a.symptoms {
        s.summary = evil.into();
        s.kind = evil.into();
    }
    for f in &mut a.findings {
        f.summary = evil.into();
        f.remediation.push(evil.into());
        if f.ruled_out_because.is_some() {
            f.ruled_out_because = Some(evil.into());
        }
        f.evidence.push(src(path, 1));
    }
    if let Some(rc) = &mut a.root_cause {
        rc.summary = evil.into();
        rc.kind = "<img src=x onerror=alert(1)>".into();
    }
    a.missing.push(evil.into());
    a.grammar_set.push(evil.into());
    a.faultline_version = evil.into();
    a.generated_at = evil.into();
    a.charts.requests[0].service = evil.into();
    a.charts.drops[0].proto = evil.into();
    for c in &mut a.charts.changes {
        c.label = evil.into();
        c.lane = evil.into();
        c.kind = evil.into();
    }
    a.inventory.files[0].path = path.into();
    a.inventory.files[0].warnings.push(evil.into());
    a.inventory.files[1].format = Some(evil.into());
    a.inventory.files[4].zone = Some(evil.into());
    a.inventory.files[4].year_anchor = Some(evil.into());
    a.inventory.boots[0].how = evil.into();
    a.inventory.gaps[0].file = path.into();
    a.inventory.warnings.push(evil.into());
    a
}

/// An analysis of a bundle where nothing was found: every optional part
/// absent, every list empty.
pub fn empty() -> Analysis {
    Analysis {
        broke_at: None,
        root_cause: None,
        symptoms: vec![],
        findings: vec![],
        narrative: vec![],
        inventory: Inventory::default(),
        hosts: vec![],
        host_zone: String::new(),
        evidence_lines: vec![],
        missing: vec![],
        charts: Charts::default(),
        faultline_version: "0.1.0".into(),
        grammar_set: vec![],
        generated_at: "1970-01-01T00:00:00Z".into(),
    }
}
