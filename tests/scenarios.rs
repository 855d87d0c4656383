//! Outages beyond the shipped samples, built in temp dirs from lines in the
//! formats the real programs write: a crashed nginx, a port taken at boot,
//! `ufw enable` without http, a filter upstream of the host (nothing local
//! explains it), and a disk that filled up. Each asserts the root cause and
//! a detail an engineer needs.

mod common;

use common::run;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

const HOST: &str = "web7";

/// `Aug  6 14:02:31` for minute offset `m` (and second `s`) after 12:00 on
/// 2024-08-06, UTC.
fn bsd(m: u32, s: u32) -> String {
    let t = 12 * 60 + m;
    format!("Aug  6 {:02}:{:02}:{:02}", t / 60, t % 60, s)
}

fn clf(m: u32, s: u32) -> String {
    let t = 12 * 60 + m;
    format!("06/Aug/2024:{:02}:{:02}:{:02} +0000", t / 60, t % 60, s)
}

/// Steady traffic from a few clients for minutes `from..to`, 3 requests a
/// minute, plus a local health check every minute until `local_to`.
fn access(from: u32, to: u32, local_to: u32) -> String {
    let mut s = String::new();
    for m in from..local_to.max(to) {
        if m < to {
            for (i, c) in ["198.51.100.7", "203.0.113.20", "192.0.2.44"]
                .iter()
                .enumerate()
            {
                let _ = writeln!(
                    s,
                    "{c} - - [{}] \"GET /page/{i} HTTP/1.1\" 200 {} \"-\" \"Mozilla/5.0\"",
                    clf(m, 10 + i as u32 * 15),
                    500 + m
                );
            }
        }
        if m < local_to {
            let _ = writeln!(
                s,
                "127.0.0.1 - - [{}] \"GET /healthz HTTP/1.1\" 200 2 \"-\" \"curl/7.88.1\"",
                clf(m, 55)
            );
        }
    }
    s
}

/// Background syslog: cron every 5 minutes for minutes `0..to`, plus `extra`
/// lines (minute, second, tag, message), in time order.
fn syslog(to: u32, extra: &[(u32, u32, &str, &str)]) -> String {
    let mut lines: Vec<(u32, u32, String)> = Vec::new();
    for m in (0..to).step_by(5) {
        lines.push((
            m,
            1,
            format!(
                "{} {HOST} CRON[{}]: (root) CMD (   test -x /etc/cron.daily/popularity-contest)",
                bsd(m, 1),
                4000 + m
            ),
        ));
    }
    for (m, s, tag, msg) in extra {
        lines.push((*m, *s, format!("{} {HOST} {tag}: {msg}", bsd(*m, *s))));
    }
    lines.sort_by_key(|l| (l.0, l.1));
    lines.into_iter().map(|l| l.2 + "\n").collect()
}

fn write(dir: &Path, files: &[(&str, String)]) {
    for (p, text) in files {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn analyze(dir: &Path) -> Value {
    let (code, out, err) = run(&[
        "analyze",
        dir.to_str().unwrap(),
        "--format",
        "json",
        "-q",
        "--year",
        "2024",
    ]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn root(a: &Value) -> (&str, f64, &str) {
    (
        a["root_cause"]["kind"].as_str().unwrap_or("none"),
        a["root_cause"]["confidence"].as_f64().unwrap_or(0.0),
        a["root_cause"]["summary"].as_str().unwrap_or(""),
    )
}

const SS_NGINX: &str = "Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n\
tcp   LISTEN 0      511          0.0.0.0:80        0.0.0.0:*    users:((\"nginx\",pid=900,fd=6))\n\
tcp   LISTEN 0      128          0.0.0.0:22        0.0.0.0:*    users:((\"sshd\",pid=700,fd=3))\n";

#[test]
fn crashed_nginx_is_not_running() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        &[
            ("hostname", format!("{HOST}\n")),
            ("var/log/nginx/access.log", access(0, 120, 120)),
            (
                "var/log/syslog",
                syslog(
                    240,
                    &[
                        (120, 3, "kernel", "[ 8812.120034] nginx[901]: segfault at 0 ip 000055d1c2a4b3f0 sp 00007ffd6b1e2a40 error 4 in nginx[55d1c2a00000+f5000]"),
                        (120, 3, "systemd[1]", "nginx.service: Main process exited, code=killed, status=11/SEGV"),
                        (120, 3, "systemd[1]", "nginx.service: Failed with result 'signal'."),
                    ],
                ),
            ),
            (
                "sos_commands/systemd/systemctl_list-units",
                "  UNIT                      LOAD   ACTIVE SUB     DESCRIPTION\n  nginx.service             loaded failed failed  A high performance web server and a reverse proxy server\n  ssh.service               loaded active running OpenBSD Secure Shell server\n".into(),
            ),
        ],
    );
    let a = analyze(t.path());
    if std::env::var_os("KEEP").is_some() {
        eprintln!("KEPT {}", t.keep().display());
        return;
    }
    let (kind, conf, summary) = root(&a);
    assert_eq!(
        kind, "service_not_running",
        "{summary} {} {}",
        a["symptoms"], a["inventory"]["files"]
    );
    assert!(conf >= 0.5, "{conf}");
    assert!(summary.contains("nginx"), "{summary}");
    let broke = a["broke_at"].as_str().unwrap();
    assert!(broke.starts_with("2024-08-06T14:0"), "{broke}");
}

#[test]
fn port_taken_at_boot_failed_to_start() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        &[
            ("hostname", format!("{HOST}\n")),
            ("var/log/nginx/access.log", access(0, 90, 90)),
            (
                "var/log/nginx/error.log",
                "2024/08/06 13:32:05 [emerg] 1201#1201: bind() to 0.0.0.0:80 failed (98: Address already in use)\n2024/08/06 13:32:05 [emerg] 1201#1201: still could not bind()\n".into(),
            ),
            (
                "var/log/syslog",
                syslog(
                    200,
                    &[
                        (90, 30, "systemd-logind[500]", "The system will reboot now!"),
                        (91, 40, "kernel", "[    0.000000] Linux version 6.1.0-23-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.99-1 (2024-07-15)"),
                        (92, 2, "systemd[1]", "Started apache2.service - The Apache HTTP Server."),
                        (92, 5, "systemd[1]", "nginx.service: Control process exited, code=exited, status=1/FAILURE"),
                        (92, 5, "systemd[1]", "nginx.service: Failed with result 'exit-code'."),
                        (92, 5, "systemd[1]", "Failed to start nginx.service - A high performance web server and a reverse proxy server."),
                    ],
                ),
            ),
            (
                "sos_commands/networking/ss_-tulpn",
                "Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\ntcp   LISTEN 0      511          0.0.0.0:80        0.0.0.0:*    users:((\"apache2\",pid=1100,fd=4))\n".into(),
            ),
        ],
    );
    let a = analyze(t.path());
    let (kind, _, summary) = root(&a);
    assert_eq!(kind, "service_failed_to_start", "{summary}");
    assert!(summary.contains("80"), "{summary}");
    let fix = a["findings"][0]["remediation"][0].as_str().unwrap();
    assert!(fix.contains("ss -ltnp"), "{fix}");
}

#[test]
fn ufw_enable_without_http() {
    let t = tempfile::tempdir().unwrap();
    let mut extra: Vec<(u32, u32, &str, String)> = vec![(
        100,
        0,
        "sudo",
        "    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/sbin/ufw enable"
            .to_string(),
    )];
    for m in 100..160 {
        extra.push((
            m,
            20,
            "kernel",
            format!(
                "[{}.123456] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:aa:bb:cc:52:54:00:dd:ee:ff:08:00 SRC=198.51.100.7 DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID={} DF PROTO=TCP SPT={} DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0",
                5000 + m,
                1000 + m,
                40000 + m
            ),
        ));
    }
    let extra_ref: Vec<(u32, u32, &str, &str)> = extra
        .iter()
        .map(|(a, b, c, d)| (*a, *b, *c, d.as_str()))
        .collect();
    write(
        t.path(),
        &[
            ("hostname", format!("{HOST}\n")),
            ("var/log/nginx/access.log", access(0, 100, 160)),
            ("var/log/syslog", syslog(160, &extra_ref)),
            ("sos_commands/networking/ss_-tulpn", SS_NGINX.into()),
            (
                "sos_commands/ufw/ufw_status_verbose",
                "Status: active\nLogging: on (low)\nDefault: deny (incoming), allow (outgoing), disabled (routed)\nNew profiles: skip\n\nTo                         Action      From\n--                         ------      ----\n22/tcp                     ALLOW IN    Anywhere\n".into(),
            ),
        ],
    );
    let a = analyze(t.path());
    let (kind, conf, summary) = root(&a);
    assert_eq!(kind, "firewall_blocks_service", "{summary}");
    assert!(conf >= 0.8, "{conf}");
    let fixes = a["findings"][0]["remediation"].to_string();
    assert!(fixes.contains("ufw allow 80/tcp"), "{fixes}");
}

#[test]
fn filter_upstream_of_the_host_is_unknown_and_says_so() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        &[
            ("hostname", format!("{HOST}\n")),
            ("var/log/nginx/access.log", access(0, 100, 180)),
            ("var/log/syslog", syslog(180, &[])),
            ("sos_commands/networking/ss_-tulpn", SS_NGINX.into()),
            (
                "sos_commands/iptables/iptables-save",
                "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n".into(),
            ),
        ],
    );
    let a = analyze(t.path());
    let (kind, _, summary) = root(&a);
    assert_eq!(kind, "unknown", "{summary}");
    assert!(summary.contains("upstream of the host"), "{summary}");
    // Local causes are ruled out with reasons.
    let ruled: Vec<String> = a["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            f["ruled_out_because"]
                .as_str()
                .map(|r| format!("{}: {r}", f["kind"]))
        })
        .collect();
    assert!(
        ruled
            .iter()
            .any(|r| r.starts_with("\"service_not_running\"")),
        "{ruled:?}"
    );
    assert!(
        ruled
            .iter()
            .any(|r| r.starts_with("\"firewall_blocks_service\"")),
        "{ruled:?}"
    );
}

#[test]
fn a_full_disk_is_resource_exhausted() {
    let t = tempfile::tempdir().unwrap();
    let mut errors = String::new();
    for m in 100..130 {
        let t2 = 12 * 60 + m;
        let _ = writeln!(
            errors,
            "2024/08/06 {:02}:{:02}:07 [crit] 900#900: *{} pwrite() \"/var/lib/nginx/body/0000000{}\" failed (28: No space left on device), client: 198.51.100.7, server: _, request: \"POST /upload HTTP/1.1\"",
            t2 / 60,
            t2 % 60,
            m,
            m
        );
    }
    let mut acc = access(0, 100, 130);
    for m in 100..130 {
        let _ = writeln!(
            acc,
            "198.51.100.7 - - [{}] \"POST /upload HTTP/1.1\" 500 177 \"-\" \"Mozilla/5.0\"",
            clf(m, 7)
        );
        let _ = writeln!(
            acc,
            "203.0.113.20 - - [{}] \"GET /page/1 HTTP/1.1\" 500 177 \"-\" \"Mozilla/5.0\"",
            clf(m, 9)
        );
    }
    write(
        t.path(),
        &[
            ("hostname", format!("{HOST}\n")),
            ("var/log/nginx/access.log", acc),
            ("var/log/nginx/error.log", errors),
            ("var/log/syslog", syslog(130, &[])),
            (
                "sos_commands/filesys/df_-al",
                "Filesystem     1K-blocks     Used Available Use% Mounted on\n/dev/vda1       30787492 30787492         0 100% /\ntmpfs            1013548        0   1013548   0% /dev/shm\n".into(),
            ),
        ],
    );
    let a = analyze(t.path());
    let (kind, _, summary) = root(&a);
    assert_eq!(kind, "resource_exhausted", "{summary}");
    assert!(
        summary.contains("100%") || summary.contains("No space"),
        "{summary}"
    );
}

/// Only the rotated access log was copied: the silence after its last line
/// is a missing file, not an outage. The same bundle with an empty current
/// access log (nginx wrote nothing after the rotation) is an outage.
#[test]
fn a_missing_current_access_log_is_not_an_outage() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        &[
            ("hostname", format!("{HOST}\n")),
            ("var/log/nginx/access.log.1", access(0, 100, 100)),
            ("var/log/syslog", syslog(200, &[])),
        ],
    );
    let a = analyze(t.path());
    assert!(a["root_cause"].is_null(), "{}", a["root_cause"]);
    assert!(
        a["symptoms"].as_array().unwrap().is_empty(),
        "{}",
        a["symptoms"]
    );

    write(t.path(), &[("var/log/nginx/access.log", String::new())]);
    let a = analyze(t.path());
    let kinds: Vec<&str> = a["symptoms"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"requests_stopped"), "{kinds:?}");
}

/// firewalld logs no denials by default (`LogDenied=off`): the same outage
/// as the shipped sample, with every REJECT line removed, is still the
/// firewall — from the snapshot and the firewall's start inside the silence.
#[test]
fn firewall_without_logged_denials() {
    use std::io::{Read, Write as _};
    let t = tempfile::tempdir().unwrap();
    let src = common::sample("firewalld-after-reboot");
    for e in walkdir::WalkDir::new(&src) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(&src).unwrap();
        let dst = t.path().join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dst).unwrap();
            continue;
        }
        if e.file_type().is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(e.path()).unwrap(), &dst).unwrap();
            continue;
        }
        let raw = std::fs::read(e.path()).unwrap();
        let gz = raw.starts_with(&[0x1f, 0x8b]);
        let text = if gz {
            let mut s = Vec::new();
            flate2::read::GzDecoder::new(&raw[..])
                .read_to_end(&mut s)
                .unwrap();
            s
        } else {
            raw
        };
        let kept: Vec<u8> = String::from_utf8_lossy(&text)
            .lines()
            .filter(|l| !l.contains("_REJECT"))
            .flat_map(|l| format!("{l}\n").into_bytes())
            .collect();
        let out = if gz {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(&kept).unwrap();
            enc.finish().unwrap()
        } else if rel.starts_with("var/log") {
            kept
        } else {
            text
        };
        std::fs::write(&dst, out).unwrap();
    }
    let (code, out, err) = run(&[
        "analyze",
        t.path().to_str().unwrap(),
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(code, 0, "{err}");
    let a: Value = serde_json::from_str(&out).unwrap();
    let (kind, conf, summary) = root(&a);
    assert_eq!(kind, "firewall_blocks_service", "{summary}");
    assert!(conf >= 0.6, "{conf}");
    assert!(summary.contains("started"), "{summary}");
    assert_eq!(
        a["broke_at"].as_str().unwrap(),
        "2026-06-17T02:05:31.000000Z"
    );
}

/// The admin's own address banned by the sshd jail (iptables-multiport, port
/// 22 only): the web keeps working, but the admin is locked out. The ban of
/// a client that had logged in is a symptom on its own.
#[test]
fn admin_locked_out_by_the_sshd_jail() {
    let t = tempfile::tempdir().unwrap();
    let admin = "198.51.100.9";
    let mut auth: Vec<(u32, u32, &str, String)> = vec![(
        10,
        0,
        "sshd[2001]",
        format!("Accepted publickey for deploy from {admin} port 50022 ssh2: ED25519 SHA256:abc"),
    )];
    for (i, s) in [5u32, 12, 19, 26, 33].iter().enumerate() {
        auth.push((
            120,
            *s,
            "sshd[3001]",
            format!(
                "Failed password for deploy from {admin} port {} ssh2",
                51000 + i
            ),
        ));
    }
    let auth_ref: Vec<(u32, u32, &str, &str)> = auth
        .iter()
        .map(|(a, b, c, d)| (*a, *b, *c, d.as_str()))
        .collect();
    write(
        t.path(),
        &[
            ("hostname", format!("{HOST}\n")),
            ("var/log/nginx/access.log", access(0, 200, 200)),
            ("var/log/auth.log", syslog(200, &auth_ref)),
            (
                "var/log/fail2ban.log",
                format!(
                    "2024-08-06 14:00:33,101 fail2ban.filter         [600]: INFO    [sshd] Found {admin} - 2024-08-06 14:00:33\n\
                     2024-08-06 14:00:34,002 fail2ban.actions        [600]: NOTICE  [sshd] Ban {admin}\n"
                ),
            ),
            (
                "sos_commands/iptables/iptables-save",
                format!(
                    "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:f2b-sshd - [0:0]\n\
                     -A INPUT -p tcp -m multiport --dports 22 -j f2b-sshd\n-A f2b-sshd -s {admin}/32 -j REJECT --reject-with icmp-port-unreachable\n\
                     -A f2b-sshd -j RETURN\nCOMMIT\n"
                ),
            ),
            ("sos_commands/networking/ss_-tulpn", SS_NGINX.into()),
        ],
    );
    let a = analyze(t.path());
    let (kind, conf, summary) = root(&a);
    assert_eq!(kind, "ip_banned", "{summary} {}", a["symptoms"]);
    assert!(conf >= 0.6, "{conf}");
    assert!(summary.contains(admin), "{summary}");
    assert_eq!(
        a["broke_at"].as_str().unwrap(),
        "2024-08-06T14:00:34.002000Z"
    );
    let fix = a["findings"][0]["remediation"][0].as_str().unwrap();
    assert_eq!(fix, format!("fail2ban-client set sshd unbanip {admin}"));
}

/// Two days of an Ubuntu web host, from 2024-08-05 00:00 UTC, in minute
/// offsets: ufw's rules were replaced to allow only 22/tcp, and the reboot
/// at minute [`UFW_BREAK`] brings ufw up with them. Kernel, systemd and sshd
/// lines are in the syslog files *and* in the journal exports a sosreport
/// takes (`-o json` of the last day, `--boot -o short-iso` of the current
/// boot), as on the real host; nginx answers a steady trickle of 502s
/// (its upstream refuses a few connections every hour) all along.
mod ufw_reboot {
    use std::fmt::Write as _;

    /// 2024-08-05T00:00:00Z.
    const DAY0: i64 = 1_722_816_000;
    /// The reboot: 2024-08-06 21:00 UTC.
    pub const BREAK: u32 = 2700;
    pub const END: u32 = 2820;
    /// The journal export starts a day in.
    const JOURNAL_FROM: u32 = 1440;
    pub const ADMIN: &str = "198.51.100.9";
    pub const SCANNER: &str = "45.155.205.17";
    /// The scanner is banned here and tries no more.
    const BAN: u32 = 2000;

    fn unix(m: u32, s: u32) -> i64 {
        DAY0 + m as i64 * 60 + s as i64
    }

    fn parts(m: u32, s: u32) -> (i64, i64, i64, i64) {
        let x = unix(m, s) - DAY0;
        (5 + x / 86_400, x % 86_400 / 3600, x % 3600 / 60, x % 60)
    }

    fn bsd(m: u32, s: u32) -> String {
        let (d, h, mi, se) = parts(m, s);
        format!("Aug {d:>2} {h:02}:{mi:02}:{se:02}")
    }

    fn iso(m: u32, s: u32) -> String {
        let (d, h, mi, se) = parts(m, s);
        format!("2024-08-{d:02}T{h:02}:{mi:02}:{se:02}+0000")
    }

    fn clf(m: u32, s: u32) -> String {
        let (d, h, mi, se) = parts(m, s);
        format!("{d:02}/Aug/2024:{h:02}:{mi:02}:{se:02} +0000")
    }

    fn slashed(m: u32, s: u32) -> String {
        let (d, h, mi, se) = parts(m, s);
        format!("2024/08/{d:02} {h:02}:{mi:02}:{se:02}")
    }

    #[derive(Clone, Copy, PartialEq)]
    enum To {
        Syslog,
        Auth,
    }

    struct Rec {
        m: u32,
        s: u32,
        prog: &'static str,
        pid: u32,
        msg: String,
        to: To,
    }

    /// Seconds since boot of a kernel line, for the `[  812.100001] `
    /// prefix the syslog copy has and the journal's MESSAGE has not.
    fn uptime(m: u32, s: u32) -> f64 {
        if m >= BREAK {
            (unix(m, s) - unix(BREAK, 34)) as f64 + 0.25
        } else {
            (unix(m, s) - DAY0) as f64 + 3_600_000.5
        }
    }

    fn block(src: &str, port: u16, id: u32) -> String {
        format!(
            "[UFW BLOCK] IN=eth0 OUT= MAC=fa:16:3e:5c:21:0b:fe:ff:ff:ff:ff:ff:08:00 SRC={src} DST=203.0.113.10 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID={id} DF PROTO=TCP SPT={} DPT={port} WINDOW=64240 RES=0x00 SYN URGP=0",
            40000 + id % 20000
        )
    }

    fn records() -> Vec<Rec> {
        let mut r = Vec::new();
        let mut add = |m, s, prog, pid, msg: String, to| {
            r.push(Rec {
                m,
                s,
                prog,
                pid,
                msg,
                to,
            })
        };
        for m in 0..END {
            if m % 5 == 0 {
                add(
                    m,
                    1,
                    "CRON",
                    4000 + m,
                    "(root) CMD (   test -x /etc/cron.daily/popularity-contest)".into(),
                    To::Syslog,
                );
            }
            if m % 30 == 15 {
                add(
                    m,
                    5,
                    "sshd",
                    3000 + m,
                    format!(
                        "Accepted publickey for ops from {ADMIN} port {} ssh2: ED25519 SHA256:abc",
                        50000 + m
                    ),
                    To::Auth,
                );
            }
            if m % 15 == 4 && m < BAN {
                add(
                    m,
                    9,
                    "sshd",
                    6000 + m,
                    format!(
                        "Failed password for root from {SCANNER} port {} ssh2",
                        30000 + m
                    ),
                    To::Auth,
                );
            }
            // A scanner knocking on telnet, before and after the reboot.
            if m % 10 == 3 {
                add(
                    m,
                    12,
                    "kernel",
                    0,
                    block("193.20.100.100", 23, m),
                    To::Syslog,
                );
            }
            if m > BREAK {
                add(
                    m,
                    10,
                    "kernel",
                    0,
                    block("203.0.113.20", 443, m),
                    To::Syslog,
                );
                add(
                    m,
                    40,
                    "kernel",
                    0,
                    block("198.51.100.7", 80, m + 1),
                    To::Syslog,
                );
                add(
                    m,
                    50,
                    "kernel",
                    0,
                    block("192.0.2.44", 443, m + 2),
                    To::Syslog,
                );
            }
        }
        add(
            BREAK,
            0,
            "systemd-logind",
            612,
            "System is rebooting.".into(),
            To::Syslog,
        );
        add(BREAK, 34, "kernel", 0, "Linux version 5.15.0-131-generic (buildd@lcy02-amd64-057) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #141-Ubuntu SMP Fri Jan 10 21:18:28 UTC 2025".into(), To::Syslog);
        add(
            BREAK,
            37,
            "systemd",
            1,
            "Starting Uncomplicated firewall...".into(),
            To::Syslog,
        );
        // A second after `Starting`: the report must take the start from
        // `Finished`, the line that says the rules are in place.
        add(
            BREAK,
            38,
            "systemd",
            1,
            "Finished Uncomplicated firewall.".into(),
            To::Syslog,
        );
        add(
            BREAK,
            39,
            "systemd",
            1,
            "Started A high performance web server and a reverse proxy server.".into(),
            To::Syslog,
        );
        r.sort_by_key(|x| (x.m, x.s));
        r
    }

    /// The bundle's files, `(path, text)`.
    pub fn files() -> Vec<(&'static str, String)> {
        let (mut syslog, mut auth, mut json, mut short) =
            (String::new(), String::new(), String::new(), String::new());
        for x in records() {
            let tag = match x.prog {
                "kernel" => "kernel".to_string(),
                p => format!("{p}[{}]", x.pid),
            };
            let up = if x.prog == "kernel" {
                format!("[{:>12.6}] ", uptime(x.m, x.s))
            } else {
                String::new()
            };
            let line = format!("{} web7 {tag}: {up}{}\n", bsd(x.m, x.s), x.msg);
            match x.to {
                To::Syslog => syslog.push_str(&line),
                To::Auth => auth.push_str(&line),
            }
            if x.m >= JOURNAL_FROM {
                let boot = if (x.m, x.s) >= (BREAK, 34) {
                    "b2"
                } else {
                    "b1"
                };
                let transport = if x.prog == "kernel" {
                    "kernel"
                } else {
                    "syslog"
                };
                let _ = writeln!(
                    json,
                    r#"{{"__REALTIME_TIMESTAMP":"{}","_BOOT_ID":"{boot}","_HOSTNAME":"web7","_TRANSPORT":"{transport}","SYSLOG_IDENTIFIER":"{}","_PID":"{}","MESSAGE":"{}"}}"#,
                    unix(x.m, x.s) * 1_000_000 + 381_204,
                    x.prog,
                    x.pid,
                    x.msg
                );
            }
            if (x.m, x.s) >= (BREAK, 34) {
                let _ = writeln!(short, "{} web7 {tag}: {}", iso(x.m, x.s), x.msg);
            }
        }
        let (mut access, mut error) = (String::new(), String::new());
        for m in 0..END {
            if m < BREAK {
                for (i, c) in ["198.51.100.7", "203.0.113.20", "192.0.2.44"]
                    .iter()
                    .enumerate()
                {
                    let s = 10 + i as u32 * 15;
                    // Every hour the upstream refuses three requests.
                    let refused = i == 1 && [7, 9, 12].contains(&(m % 60));
                    let status = if refused { 502 } else { 200 };
                    let _ = writeln!(
                        access,
                        "{c} - - [{}] \"GET /api/cart HTTP/1.1\" {status} 512 \"-\" \"Mozilla/5.0\"",
                        clf(m, s)
                    );
                    if refused {
                        let _ = writeln!(
                            error,
                            "{} [error] 2187#2187: *{} connect() failed (111: Connection refused) while connecting to upstream, client: {c}, server: www.example.com, request: \"GET /api/cart HTTP/1.1\", upstream: \"http://127.0.0.1:8080/api/cart\", host: \"www.example.com\"",
                            slashed(m, s),
                            10_000 + m
                        );
                    }
                }
            }
            let _ = writeln!(
                access,
                "127.0.0.1 - - [{}] \"GET /nginx_status HTTP/1.1\" 200 110 \"-\" \"curl/7.81.0\"",
                clf(m, 55)
            );
        }
        let (_, h, mi, se) = parts(BAN, 0);
        let f2b = format!(
            "2024-08-06 {h:02}:{mi:02}:{se:02},101 fail2ban.actions        [600]: NOTICE  [sshd] Ban {SCANNER}\n"
        );
        vec![
            ("hostname", "web7\n".into()),
            ("etc/timezone", "Etc/UTC\n".into()),
            ("var/log/syslog", syslog),
            ("var/log/auth.log", auth),
            ("var/log/fail2ban.log", f2b),
            ("var/log/nginx/access.log", access),
            ("var/log/nginx/error.log", error),
            ("sos_commands/logs/journalctl_--no-pager_-o_json", json),
            ("sos_commands/logs/journalctl_--no-pager_--boot_-o_short-iso", short),
            (
                "sos_commands/networking/ss_-tulpn",
                "Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n\
tcp   LISTEN 0      511          0.0.0.0:80        0.0.0.0:*    users:((\"nginx\",pid=900,fd=6))\n\
tcp   LISTEN 0      511          0.0.0.0:443       0.0.0.0:*    users:((\"nginx\",pid=900,fd=7))\n\
tcp   LISTEN 0      128          0.0.0.0:22        0.0.0.0:*    users:((\"sshd\",pid=700,fd=3))\n"
                    .into(),
            ),
            (
                "sos_commands/ufw/ufw_status_verbose",
                "Status: active\nLogging: on (low)\nDefault: deny (incoming), allow (outgoing), disabled (routed)\nNew profiles: skip\n\nTo                         Action      From\n--                         ------      ----\n22/tcp                     ALLOW IN    Anywhere\n".into(),
            ),
        ]
    }
}

fn ufw_reboot_report() -> Value {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), &ufw_reboot::files());
    let a = analyze(t.path());
    if std::env::var_os("KEEP").is_some() {
        eprintln!("KEPT {}", t.keep().display());
    }
    a
}

/// ufw is a oneshot unit: systemd says `Finished Uncomplicated firewall.`,
/// never `Started`. That line is the firewall coming up with the new rules.
#[test]
fn ufw_finished_at_boot_is_the_firewall_start() {
    let a = ufw_reboot_report();
    let (kind, conf, summary) = root(&a);
    assert_eq!(kind, "firewall_blocks_service", "{summary}");
    assert!(
        summary.contains("since it started at 2024-08-06 21:00:38 UTC"),
        "{summary}"
    );
    assert!(conf >= 0.9, "{conf}");
}

/// Logins count from the break the report states, not from the first
/// symptom of any kind (here a trickle of upstream errors since the
/// logs began), and a login in auth.log and in the journal is one login.
#[test]
fn ssh_logins_after_the_break_count_from_the_break() {
    let a = ufw_reboot_report();
    // The host going down for the reboot (the journal's copy, to the µs).
    assert_eq!(
        a["broke_at"].as_str().unwrap(),
        "2024-08-06T21:00:00.381204Z"
    );
    let steps: Vec<&str> = a["narrative"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["text"].as_str())
        .collect();
    let ssh: Vec<&&str> = steps
        .iter()
        .filter(|s| s.starts_with("ssh kept working"))
        .collect();
    // Minutes 2715, 2745, 2775 and 2805.
    assert_eq!(
        ssh,
        [
            &"ssh kept working: 4 login(s) after the break, the last at 2024-08-06 22:45:05 UTC (22:45:05 UTC)."
        ],
        "{steps:#?}"
    );
}

/// The same kernel `[UFW BLOCK]` and sshd lines are in syslog and in both
/// journal exports: a packet is one packet, a failed login one failure,
/// however many copies of the log the bundle holds.
#[test]
fn drops_and_failures_in_syslog_and_journal_count_once() {
    let a = ufw_reboot_report();
    let (_, _, summary) = root(&a);
    // 119 minutes after the boot, one drop to 80 and two to 443 in each.
    assert!(
        summary.contains("; 357 packets to the served port(s)"),
        "{summary}"
    );
    let syms: Vec<&str> = a["symptoms"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "firewall_drops_served_port")
        .filter_map(|s| s["summary"].as_str())
        .collect();
    assert_eq!(syms.len(), 2, "{syms:#?}");
    assert!(syms[0].starts_with("238 packets to tcp/443 "), "{syms:#?}");
    assert!(syms[1].starts_with("119 packets to tcp/80 "), "{syms:#?}");
    let drops: Vec<u64> = a["charts"]["drops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            s["buckets"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|b| b.as_u64())
                .sum()
        })
        .collect();
    assert_eq!(drops, [119, 238]);
    // The scanner failed every quarter hour until its ban: 134 times in
    // auth.log, 38 of them also in the journal export.
    let ban = a["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "ip_banned")
        .unwrap();
    let why = ban["ruled_out_because"].as_str().unwrap();
    assert!(why.contains("(134 failed logins)"), "{why}");
}

/// Three refused upstream connections every hour for two days are how
/// this upstream always behaves: not a symptom, and not the cause of the
/// firewall outage; the report says why it ruled them out.
#[test]
fn a_steady_trickle_of_upstream_errors_is_background() {
    let a = ufw_reboot_report();
    let kinds: Vec<&str> = a["symptoms"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["kind"].as_str())
        .collect();
    assert!(!kinds.contains(&"upstream_refused"), "{kinds:?}");
    let dep = a["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "dependency_down")
        .expect("dependency_down is ruled out, not left out");
    assert_eq!(dep["confidence"].as_f64(), Some(0.0));
    let why = dep["ruled_out_because"].as_str().unwrap();
    assert!(
        why.starts_with(
            "nginx could not reach its upstream 135 time(s) between 2024-08-05 00:07:25 UTC"
        ) && why.contains("a steady 3.1 an hour with no burst"),
        "{why}"
    );
}

/// The same trickle, then the upstream goes down for good at 20:00 on the
/// second day: every `/api/` request fails while static pages still load.
/// The burst is the symptom, from its start, and the cause.
#[test]
fn an_upstream_outage_stands_out_of_its_trickle() {
    let t = tempfile::tempdir().unwrap();
    let mut files = ufw_reboot::files();
    let down = 2640;
    let (mut access, mut error) = (String::new(), String::new());
    for m in 0..ufw_reboot::END {
        let (d, h, mi) = (5 + m / 1440, m % 1440 / 60, m % 60);
        for (i, c) in ["198.51.100.7", "203.0.113.20", "192.0.2.44"]
            .iter()
            .enumerate()
        {
            let s = 10 + i as u32 * 15;
            let api = i == 1;
            let refused = api && (m >= down || [7, 9, 12].contains(&mi));
            let status = if refused { 502 } else { 200 };
            let path = if api { "/api/cart" } else { "/static/app.css" };
            let _ = writeln!(
                access,
                "{c} - - [{d:02}/Aug/2024:{h:02}:{mi:02}:{s:02} +0000] \"GET {path} HTTP/1.1\" {status} 512 \"-\" \"Mozilla/5.0\""
            );
            if refused {
                let _ = writeln!(
                    error,
                    "2024/08/{d:02} {h:02}:{mi:02}:{s:02} [error] 2187#2187: *{} connect() failed (111: Connection refused) while connecting to upstream, client: {c}, server: www.example.com, request: \"GET {path} HTTP/1.1\", upstream: \"http://127.0.0.1:8080{path}\", host: \"www.example.com\"",
                    10_000 + m
                );
            }
        }
    }
    // No reboot and no firewall here: only the upstream's story.
    files.retain(|(p, _)| {
        !p.starts_with("sos_commands/logs")
            && !p.starts_with("sos_commands/ufw")
            && *p != "var/log/syslog"
    });
    for (p, text) in &mut files {
        match *p {
            "var/log/nginx/access.log" => *text = access.clone(),
            "var/log/nginx/error.log" => *text = error.clone(),
            _ => {}
        }
    }
    write(t.path(), &files);
    let a = analyze(t.path());
    let (kind, conf, summary) = root(&a);
    assert_eq!(kind, "dependency_down", "{summary} {}", a["symptoms"]);
    assert!(conf >= 0.5, "{conf}");
    assert_eq!(
        a["broke_at"].as_str().unwrap(),
        "2024-08-06T20:00:25.000000Z"
    );
    let up = a["symptoms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "upstream_refused")
        .unwrap();
    assert_eq!(up["at"].as_str().unwrap(), "2024-08-06T20:00:25.000000Z");
}
