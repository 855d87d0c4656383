//! Deterministic bundle generator for the benches (fixed seed; std, flate2
//! and walkdir only): a sosreport-like bundle of an Ubuntu 22.04 web host,
//! `www1`, zone `Etc/UTC`, from 2025-12-30 06:00 to the collection on
//! 2026-01-01 13:17:42 UTC — across New Year, so the year-less syslog and
//! auth.log need the rotation and nginx's dated stamps to place their lines.
//!
//! One clock drives every file, second by second:
//!
//! - `var/log/nginx/access.log{.2.gz,.1,}` (about 70 % of the bytes): nginx
//!   `combined` lines from a fixed population of 50 000 clients drawn
//!   Zipf-like (a few hundred make most requests), about 5 % one-off
//!   scanner addresses, bots, a local stub_status scraper and an external
//!   probe; a diurnal rate; rotated daily at 00:00:09.
//! - `var/log/nginx/error.log`: open() failed for scanner paths, upstream
//!   connect() failed / timed out matching the access log's 502 and 504.
//! - `var/log/auth.log{.1,}`: sshd brute force (invalid users, root),
//!   preauth probes, a CI deploy user's publickey sessions every half hour,
//!   pam and logind session lines, CRON pam lines, sudo.
//! - `var/log/syslog{.1,}`: `[UFW BLOCK]` kernel lines for scanned ports,
//!   systemd timers and session scopes, CRON, rsyslogd.
//! - `var/log/fail2ban.log`: Found / Ban / Unban of the sshd jail.
//! - `sos_commands/logs/journalctl_--no-pager_-o_json`: the same records
//!   (syslog and auth) as journald holds them, for the tail sos keeps (its
//!   first line cut mid-record, as a size-limited tail is).
//! - `sos_commands/logs/journalctl_--no-pager_--boot_-o_short-iso`: the
//!   current boot.
//! - Snapshots: hostname, etc/timezone, os-release, date, ss, ip addr, ufw
//!   status, `etc/ufw/user.rules`.
//!
//! The planted incident (2026-01-01, UTC): at 10:39 the admin `mlopez`
//! copies a "baseline" `/etc/ufw/user.rules` from another host (it allows
//! only 22/tcp) without reloading ufw, upgrades the kernel and at 10:58:30
//! reboots. At boot ufw loads the new rules: from 10:59:07 every SYN to
//! 80/443 is dropped (`[UFW BLOCK] ... DPT=443`), the access log holds only
//! 127.0.0.1 (the stub_status scraper, the admin's curl), ssh keeps
//! working. Expected: `firewall_blocks_service`, fix `ufw allow 80/tcp`,
//! `ufw allow 443/tcp`.
//!
//! `mib` sizes the logs as read (decompressed); the bundle on disk is
//! smaller by what the `.gz` saves.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Bump when the output changes: benches regenerate bundles without it.
pub const VERSION: u32 = 2;

/// The marker written next to a finished bundle (`bench-bundle-64` →
/// `bench-bundle-64.generated-v2`), outside it so it is no member.
pub fn marker(dir: &Path) -> PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".generated-v{VERSION}"));
    dir.with_file_name(name)
}

/// xorshift64*: fast, deterministic, good enough for synthetic logs.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// A whole count with mean `lambda` (floor plus a Bernoulli remainder).
    pub fn count(&mut self, lambda: f64) -> u64 {
        let n = lambda.floor();
        n as u64 + u64::from(self.chance(lambda - n))
    }
    /// Zipf-like rank in 0..n (density ∝ 1/rank): log-uniform.
    pub fn zipf(&mut self, n: usize) -> usize {
        ((n as f64).powf(self.unit()) as usize)
            .saturating_sub(1)
            .min(n - 1)
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// splitmix64: a fixed hash for per-client attributes.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

// ------------------------------------------------------------------ time

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Unix seconds of a UTC civil time.
const fn utc(y: i64, mo: u32, d: u32, h: i64, mi: i64, s: i64) -> i64 {
    // const version of days_from_civil
    let yy = if mo <= 2 { y - 1 } else { y };
    let era = if yy >= 0 { yy } else { yy - 399 } / 400;
    let yoe = yy - era * 400;
    let mp = (mo as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) * 86_400 + h * 3600 + mi * 60 + s
}

const T_START: i64 = utc(2025, 12, 30, 6, 0, 0);
/// logrotate.timer (daily, 00:00 plus its delay).
const ROTATE_1: i64 = utc(2025, 12, 31, 0, 0, 9);
const ROTATE_2: i64 = utc(2026, 1, 1, 0, 0, 9);
/// The previous boot (uptime of the kernel lines).
const BOOT_0: i64 = utc(2025, 11, 17, 4, 12, 33);
/// sos keeps a tail of the journal export: it starts here.
const JOURNAL_FROM: i64 = utc(2026, 1, 1, 8, 12, 0);
const ADMIN_LOGIN: i64 = utc(2026, 1, 1, 10, 38, 12);
const COPY_RULES: i64 = utc(2026, 1, 1, 10, 39, 40);
const UPGRADE: i64 = utc(2026, 1, 1, 10, 41, 3);
/// `sudo reboot`: nginx stops a second later, rsyslog a few after.
const REBOOT: i64 = utc(2026, 1, 1, 10, 58, 30);
const RSYSLOG_DOWN: i64 = REBOOT + 3;
/// The kernel starts; rsyslog (and with it syslog/auth.log) is back at +3 s.
const BOOT_1: i64 = utc(2026, 1, 1, 10, 59, 4);
const RSYSLOG_UP: i64 = BOOT_1 + 3;
const UFW_UP: i64 = BOOT_1 + 3;
const NGINX_UP: i64 = BOOT_1 + 4;
const ADMIN_BACK: i64 = utc(2026, 1, 1, 11, 1, 20);
const SOS_LOGIN: i64 = utc(2026, 1, 1, 13, 14, 2);
/// Collection (sos_commands/date/date); the logs end here.
const T_END: i64 = utc(2026, 1, 1, 13, 17, 42);

const HOST: &str = "www1";
const HOST_IP: &str = "203.0.113.10";
const ADMIN_IP: u32 = ip4(198, 51, 100, 24);
const CI_IP: u32 = ip4(198, 51, 100, 70);
const PROBE_IP: u32 = ip4(192, 0, 2, 250);
const LOCAL: u32 = ip4(127, 0, 0, 1);
const MACHINE_ID: &str = "6a0f3c2e9b1d4f7a8c5e2b1d0f9a7c3e";
const BOOT_ID_0: &str = "d41e7b0c95a84f1f8e0b6c2a7d3f9e15";
const BOOT_ID_1: &str = "8f2c61a0b7e34d5c9a1f0e6b2d8c4a73";
const MAC: &str = "fa:16:3e:5c:21:0b:fe:ff:ff:ff:ff:ff:08:00";

const fn ip4(a: u32, b: u32, c: u32, d: u32) -> u32 {
    (a << 24) | (b << 16) | (c << 8) | d
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The stamps of one second in every format the bundle uses.
#[derive(Default)]
struct Stamps {
    /// `30/Dec/2025:06:00:00 +0000` (nginx `$time_local`)
    clf: Vec<u8>,
    /// `Dec 30 06:00:00` (rsyslog traditional)
    bsd: Vec<u8>,
    /// `2025-12-30T06:00:00+0000` (journalctl -o short-iso)
    iso: Vec<u8>,
    /// `2025-12-30 06:00:00` (fail2ban, before `,mmm`)
    f2b: Vec<u8>,
    /// `2025/12/30 06:00:00` (nginx error.log)
    ngx: Vec<u8>,
}

impl Stamps {
    fn set(&mut self, t: i64) {
        let (y, m, d) = civil_from_days(t.div_euclid(86_400));
        let s = t.rem_euclid(86_400);
        let (hh, mm, ss) = (s / 3600, s / 60 % 60, s % 60);
        let mon = MONTHS[m as usize - 1];
        for b in [
            &mut self.clf,
            &mut self.bsd,
            &mut self.iso,
            &mut self.f2b,
            &mut self.ngx,
        ] {
            b.clear();
        }
        let hms = |b: &mut Vec<u8>| {
            two(b, hh as u64);
            b.push(b':');
            two(b, mm as u64);
            b.push(b':');
            two(b, ss as u64);
        };
        two(&mut self.clf, d.into());
        self.clf.push(b'/');
        self.clf.extend_from_slice(mon.as_bytes());
        self.clf.push(b'/');
        num(&mut self.clf, y as u64);
        self.clf.push(b':');
        hms(&mut self.clf);
        self.clf.extend_from_slice(b" +0000");

        self.bsd.extend_from_slice(mon.as_bytes());
        self.bsd.push(b' ');
        if d < 10 {
            self.bsd.push(b' ');
        }
        num(&mut self.bsd, d.into());
        self.bsd.push(b' ');
        hms(&mut self.bsd);

        for (b, sep, t_sep) in [
            (&mut self.iso, b'-', b'T'),
            (&mut self.f2b, b'-', b' '),
            (&mut self.ngx, b'/', b' '),
        ] {
            num(b, y as u64);
            b.push(sep);
            two(b, m.into());
            b.push(sep);
            two(b, d.into());
            b.push(t_sep);
            hms(b);
        }
        self.iso.extend_from_slice(b"+0000");
    }
}

// ------------------------------------------------------- byte formatting

fn num(b: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    b.extend_from_slice(&tmp[i..]);
}

fn two(b: &mut Vec<u8>, n: u64) {
    b.push(b'0' + (n / 10 % 10) as u8);
    b.push(b'0' + (n % 10) as u8);
}

/// Zero-padded to `width` digits.
fn padded(b: &mut Vec<u8>, n: u64, width: usize) {
    let start = b.len();
    num(b, n);
    let len = b.len() - start;
    if len < width {
        b.splice(start..start, std::iter::repeat_n(b'0', width - len));
    }
}

fn hex(b: &mut Vec<u8>, n: u64) {
    const H: &[u8; 16] = b"0123456789abcdef";
    let digits = (64 - n.leading_zeros()).div_ceil(4).max(1);
    for i in (0..digits).rev() {
        b.push(H[(n >> (i * 4) & 15) as usize]);
    }
}

fn ip(b: &mut Vec<u8>, a: u32) {
    num(b, u64::from(a >> 24));
    b.push(b'.');
    num(b, u64::from(a >> 16 & 255));
    b.push(b'.');
    num(b, u64::from(a >> 8 & 255));
    b.push(b'.');
    num(b, u64::from(a & 255));
}

fn s(b: &mut Vec<u8>, x: &str) {
    b.extend_from_slice(x.as_bytes());
}

/// JSON string contents.
fn json_str(b: &mut Vec<u8>, x: &[u8]) {
    for &c in x {
        match c {
            b'"' => b.extend_from_slice(b"\\\""),
            b'\\' => b.extend_from_slice(b"\\\\"),
            c if c < 0x20 => {
                b.extend_from_slice(b"\\u00");
                two(b, u64::from(c >> 4));
                b.pop();
                b.pop();
                b.push(b"0123456789abcdef"[(c >> 4) as usize]);
                b.push(b"0123456789abcdef"[(c & 15) as usize]);
            }
            c => b.push(c),
        }
    }
}

// --------------------------------------------------------------- outputs

enum Sink {
    Plain(BufWriter<File>),
    Gz(Box<flate2::write::GzEncoder<BufWriter<File>>>),
}

impl Sink {
    fn create(path: &Path) -> io::Result<Sink> {
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        let w = BufWriter::with_capacity(1 << 20, File::create(path)?);
        Ok(if path.extension().is_some_and(|e| e == "gz") {
            Sink::Gz(Box::new(flate2::write::GzEncoder::new(
                w,
                flate2::Compression::fast(),
            )))
        } else {
            Sink::Plain(w)
        })
    }
    fn write(&mut self, b: &[u8]) -> io::Result<()> {
        match self {
            Sink::Plain(w) => w.write_all(b),
            Sink::Gz(w) => w.write_all(b),
        }
    }
    fn finish(self) -> io::Result<()> {
        match self {
            Sink::Plain(mut w) => w.flush(),
            Sink::Gz(w) => w.finish()?.flush(),
        }
    }
}

/// A log and its rotations: `parts[i]` takes lines before `parts[i].0`.
struct Rotated {
    parts: Vec<(i64, PathBuf)>,
    idx: usize,
    cur: Option<Sink>,
    buf: Vec<u8>,
}

impl Rotated {
    fn new(parts: Vec<(i64, PathBuf)>) -> Rotated {
        Rotated {
            parts,
            idx: 0,
            cur: None,
            buf: Vec::with_capacity(1 << 16),
        }
    }
    /// Take `buf` as lines stamped `t`.
    fn flush_at(&mut self, t: i64) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        while self.idx + 1 < self.parts.len() && t >= self.parts[self.idx].0 {
            if let Some(c) = self.cur.take() {
                c.finish()?;
            } else {
                Sink::create(&self.parts[self.idx].1)?.finish()?;
            }
            self.idx += 1;
        }
        if self.cur.is_none() {
            self.cur = Some(Sink::create(&self.parts[self.idx].1)?);
        }
        self.cur.as_mut().unwrap().write(&self.buf)?;
        self.buf.clear();
        Ok(())
    }
    fn finish(mut self) -> io::Result<()> {
        // Files no line reached still exist (empty), as after a rotation.
        if let Some(c) = self.cur.take() {
            c.finish()?;
        }
        for (_, p) in &self.parts[self.idx..] {
            if !p.exists() {
                Sink::create(p)?.finish()?;
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- records

/// Who writes a syslog/journal record.
#[derive(Clone, Copy)]
struct Prog {
    name: &'static str,
    fac: u8,
    pri: u8,
    unit: &'static str,
    exe: &'static str,
    transport: &'static str,
}

const fn prog(name: &'static str, fac: u8, unit: &'static str, exe: &'static str) -> Prog {
    Prog {
        name,
        fac,
        pri: 6,
        unit,
        exe,
        transport: "syslog",
    }
}

const SSHD: Prog = prog("sshd", 4, "ssh.service", "/usr/sbin/sshd");
const SSHD_PAM: Prog = Prog {
    pri: 5,
    fac: 10,
    ..SSHD
};
const SUDO: Prog = prog("sudo", 10, "session-1.scope", "/usr/bin/sudo");
const LOGIND: Prog = Prog {
    transport: "journal",
    ..prog(
        "systemd-logind",
        4,
        "systemd-logind.service",
        "/lib/systemd/systemd-logind",
    )
};
const CRON: Prog = prog("CRON", 9, "cron.service", "/usr/sbin/cron");
const CRON_PAM: Prog = prog("CRON", 10, "cron.service", "/usr/sbin/cron");
const SYSTEMD: Prog = Prog {
    transport: "journal",
    ..prog("systemd", 3, "init.scope", "/lib/systemd/systemd")
};
const KERNEL: Prog = Prog {
    pri: 4,
    transport: "kernel",
    ..prog("kernel", 0, "", "")
};
const RSYSLOGD: Prog = prog("rsyslogd", 5, "rsyslog.service", "/usr/sbin/rsyslogd");

#[derive(Clone, Copy)]
struct Rec {
    us: u32,
    prog: Prog,
    pid: u32,
    /// Written to syslog/auth.log and to the journal exports.
    to_syslog: bool,
    to_journal: bool,
    /// Kernel uptime (µs) when it is not this second's.
    uptime: Option<u64>,
    a: usize,
    z: usize,
}

/// Fail2ban log lines of one second: (µs, what, address).
#[derive(Clone, Copy)]
enum F2b {
    Found(u32),
    Ban(u32),
    Unban(u32),
}

struct Attacker {
    window: i64,
    fails: u32,
    banned: bool,
}

// ------------------------------------------------------------- generator

/// First octets: web clients and attackers/scanners come from disjoint
/// ranges, so no brute-forcer is also a customer.
const WEB_NETS: [u32; 24] = [
    24, 31, 37, 46, 62, 68, 71, 73, 76, 79, 81, 82, 84, 86, 88, 90, 92, 94, 98, 99, 108, 174, 176,
    178,
];
const SCAN_NETS: [u32; 16] = [
    5, 23, 45, 61, 77, 89, 91, 103, 112, 116, 118, 121, 141, 162, 185, 193,
];

const USERS: [&str; 24] = [
    "admin",
    "test",
    "user",
    "ubuntu",
    "oracle",
    "postgres",
    "git",
    "deploy",
    "pi",
    "ftpuser",
    "guest",
    "support",
    "mysql",
    "hadoop",
    "jenkins",
    "minecraft",
    "ansible",
    "vagrant",
    "centos",
    "debian",
    "steam",
    "solana",
    "sol",
    "es",
];
const SCAN_PORTS: [u16; 16] = [
    23, 445, 3389, 5900, 8080, 8443, 3306, 5432, 6379, 27017, 1433, 2375, 9200, 11211, 8888, 81,
];
const BROWSERS: [&str; 6] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
];
const BOTS: [(&str, u32); 3] = [
    (
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        ip4(66, 249, 66, 1),
    ),
    (
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        ip4(157, 55, 39, 12),
    ),
    (
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        ip4(54, 36, 148, 77),
    ),
];
const SCAN_AGENTS: [&str; 6] = [
    "Mozilla/5.0 zgrab/0.x",
    "python-requests/2.31.0",
    "Go-http-client/1.1",
    "Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)",
    "-",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.129 Safari/537.36",
];
const SCAN_PATHS: [&str; 14] = [
    "/.env",
    "/wp-login.php",
    "/.git/config",
    "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
    "/cgi-bin/luci/;stok=/locale",
    "/actuator/env",
    "/phpmyadmin/index.php",
    "/boaform/admin/formLogin",
    "/server-status",
    "/admin/config.php",
    "/owa/auth/logon.aspx",
    "/HNAP1/",
    "/wp-content/plugins/wp-file-manager/readme.txt",
    "/.aws/credentials",
];
const CATEGORIES: [&str; 8] = [
    "shoes", "jackets", "bags", "sale", "kids", "outdoor", "socks", "gifts",
];
const SEARCHES: [&str; 6] = [
    "boots",
    "rain+jacket",
    "wool+socks",
    "backpack",
    "gift+card",
    "sneakers",
];

/// Lines per second at rate 1.0 of each stream, per MiB of bundle. Tuned
/// so the mix by bytes lands near 70 % access.
const ACCESS_PER_MIB: f64 = 0.0167;
const ATTEMPTS_PER_MIB: f64 = 0.00118;
const UFW_PER_MIB: f64 = 0.00086;
const N_CLIENTS: usize = 50_000;
const N_ATTACKERS: usize = 3_000;
const N_PORTSCAN: usize = 200_000;

struct Gen {
    r: Rng,
    st: Stamps,
    t: i64,
    scale: f64,
    // outputs
    access: Rotated,
    syslog: Rotated,
    auth: Rotated,
    error: Rotated,
    f2b: Rotated,
    json: Rotated,
    short: Rotated,
    // population
    clients: Vec<u32>,
    attackers: Vec<u32>,
    // per-second records
    arena: Vec<u8>,
    recs: Vec<Rec>,
    f2b_now: Vec<(u32, F2b)>,
    // state
    pid: u32,
    session: u32,
    conn: u64,
    journal_seq: u64,
    att: HashMap<u32, Attacker>,
    unban: VecDeque<(i64, u32)>,
    ci: (u32, u32, u16),
    script: Vec<Scripted>,
    script_i: usize,
    json_started: u64,
    short_started: bool,
}

/// Traffic through the day (UTC): low at 03:00, high at 15:00.
fn diurnal(t: i64) -> f64 {
    let h = t.rem_euclid(86_400) as f64 / 3600.0;
    1.0 + 0.55 * ((h - 9.0) / 24.0 * std::f64::consts::TAU).sin()
}

impl Gen {
    fn new(dir: &Path, mib: u64) -> Gen {
        let log = dir.join("var/log");
        let nginx = log.join("nginx");
        let logs = dir.join("sos_commands/logs");
        let mut r = Rng::new(0x5eed_fa17_11e0_2026);
        let clients = (0..N_CLIENTS as u64)
            .map(|i| {
                let h = mix(i ^ 0xC11E);
                (WEB_NETS[(h % WEB_NETS.len() as u64) as usize] << 24)
                    | ((h >> 8) as u32 & 0x00FF_FFFF).max(1)
            })
            .collect();
        let attackers = (0..N_ATTACKERS as u64)
            .map(|i| {
                let h = mix(i ^ 0xBAD5);
                (SCAN_NETS[(h % SCAN_NETS.len() as u64) as usize] << 24)
                    | ((h >> 8) as u32 & 0x00FF_FFFF).max(1)
            })
            .collect();
        let _ = r.next_u64();
        Gen {
            r,
            st: Stamps::default(),
            t: T_START,
            scale: mib.max(1) as f64,
            access: Rotated::new(vec![
                (ROTATE_1, nginx.join("access.log.2.gz")),
                (ROTATE_2, nginx.join("access.log.1")),
                (i64::MAX, nginx.join("access.log")),
            ]),
            syslog: Rotated::new(vec![
                (ROTATE_2, log.join("syslog.1")),
                (i64::MAX, log.join("syslog")),
            ]),
            auth: Rotated::new(vec![
                (ROTATE_2, log.join("auth.log.1")),
                (i64::MAX, log.join("auth.log")),
            ]),
            error: Rotated::new(vec![(i64::MAX, nginx.join("error.log"))]),
            f2b: Rotated::new(vec![(i64::MAX, log.join("fail2ban.log"))]),
            json: Rotated::new(vec![(i64::MAX, logs.join("journalctl_--no-pager_-o_json"))]),
            short: Rotated::new(vec![(
                i64::MAX,
                logs.join("journalctl_--no-pager_--boot_-o_short-iso"),
            )]),
            clients,
            attackers,
            arena: Vec::with_capacity(1 << 16),
            recs: Vec::with_capacity(256),
            f2b_now: Vec::new(),
            pid: 402_117,
            session: 1_204,
            conn: 18_442_051,
            journal_seq: 0x2f_4a10,
            att: HashMap::new(),
            unban: VecDeque::new(),
            ci: (0, 0, 0),
            script: script(),
            script_i: 0,
            json_started: 0,
            short_started: false,
        }
    }

    fn next_pid(&mut self) -> u32 {
        self.pid += 1 + self.r.below(7) as u32;
        if self.pid > 4_194_000 {
            self.pid = 1_000;
        }
        self.pid
    }

    fn nginx_up(&self) -> bool {
        self.t <= REBOOT || self.t >= NGINX_UP
    }

    fn boot(&self) -> (i64, &'static str) {
        if self.t >= BOOT_1 {
            (BOOT_1, BOOT_ID_1)
        } else {
            (BOOT_0, BOOT_ID_0)
        }
    }

    // ------------------------------------------------------ record helpers

    /// Start a record's message; finish it with [`Gen::end`].
    fn begin(&self) -> usize {
        self.arena.len()
    }

    fn end(&mut self, a: usize, us: u32, prog: Prog, pid: u32) {
        self.recs.push(Rec {
            us,
            prog,
            pid,
            to_syslog: true,
            to_journal: true,
            uptime: None,
            a,
            z: self.arena.len(),
        });
    }

    fn msg(&mut self, us: u32, prog: Prog, pid: u32, text: &str) {
        let a = self.begin();
        s(&mut self.arena, text);
        self.end(a, us, prog, pid);
    }

    fn us(&mut self) -> u32 {
        self.r.below(1_000_000) as u32
    }

    // ------------------------------------------------------------- access

    fn access_second(&mut self) {
        let t = self.t;
        let lambda = ACCESS_PER_MIB * self.scale * diurnal(t);
        let n = self.r.count(lambda);
        let outage = t > REBOOT;
        for _ in 0..n {
            if outage {
                // Clients keep trying; after ufw is up their SYNs are dropped
                // (a browser retries a connection, not every request).
                if t >= UFW_UP && self.r.chance(0.3) {
                    let c = self.client();
                    let port = if self.r.chance(0.85) { 443 } else { 80 };
                    self.ufw_block(c, port, true);
                }
                continue;
            }
            self.access_line();
        }
        // nginx-prometheus-exporter scrapes stub_status on loopback.
        if t % 15 == 3 && self.nginx_up() {
            let bytes = 110 + self.r.below(4);
            self.simple_access(
                LOCAL,
                "GET /nginx_status HTTP/1.1",
                200,
                bytes,
                "-",
                "NGINX-Prometheus-Exporter/v1.3.0",
            );
        }
        // The external uptime probe, once a minute.
        if t % 60 == 46 {
            if !outage {
                self.simple_access(
                    PROBE_IP,
                    "GET /healthz HTTP/2.0",
                    200,
                    2,
                    "-",
                    "Blackbox Exporter/0.25.0",
                );
            } else if t >= UFW_UP {
                self.ufw_block(PROBE_IP, 443, true);
            }
        }
        if t == ADMIN_BACK + 41 {
            self.simple_access(LOCAL, "HEAD / HTTP/1.1", 200, 0, "-", "curl/7.81.0");
        }
    }

    fn client(&mut self) -> u32 {
        let i = self.r.zipf(N_CLIENTS);
        self.clients[i]
    }

    fn simple_access(
        &mut self,
        who: u32,
        request: &str,
        status: u16,
        bytes: u64,
        referer: &str,
        agent: &str,
    ) {
        let b = &mut self.access.buf;
        ip(b, who);
        s(b, " - - [");
        b.extend_from_slice(&self.st.clf);
        s(b, "] \"");
        s(b, request);
        s(b, "\" ");
        num(b, status.into());
        b.push(b' ');
        num(b, bytes);
        s(b, " \"");
        s(b, referer);
        s(b, "\" \"");
        s(b, agent);
        s(b, "\"\n");
    }

    fn access_line(&mut self) {
        let r = &mut self.r;
        if r.chance(0.05) {
            return self.scanner_line();
        }
        let rank = r.zipf(N_CLIENTS);
        let h = mix(rank as u64);
        // A few of the busiest clients are crawlers.
        let bot = match rank {
            1 => Some(0),
            4 => Some(1),
            9 => Some(2),
            _ => None,
        };
        let (who, agent, proto) = match bot {
            Some(k) => (BOTS[k].1, BOTS[k].0, "HTTP/1.1"),
            None => (
                self.clients[rank],
                BROWSERS[(h % BROWSERS.len() as u64) as usize],
                "HTTP/2.0",
            ),
        };
        let mut path = Vec::with_capacity(64);
        let mut method = "GET";
        let mut referer: Vec<u8> = b"-".to_vec();
        let product = 1 + r.below(4000);
        let (status, bytes, upstream): (u16, u64, bool) = if bot.is_some() {
            s(&mut path, "/products/");
            num(&mut path, product);
            if r.chance(0.02) {
                (404, 9_214, true)
            } else {
                (200, 24_000 + r.below(9_000), true)
            }
        } else {
            let page = |r: &mut Rng, b: &mut Vec<u8>| {
                s(b, "https://www.example.com/products/");
                num(b, 1 + r.below(4000));
            };
            match r.below(100) {
                0..=7 => {
                    s(&mut path, "/");
                    if r.chance(0.3) {
                        referer = b"https://www.google.com/".to_vec();
                    }
                    (200, 31_877 + r.below(900), true)
                }
                8..=27 => {
                    s(&mut path, "/products/");
                    num(&mut path, product);
                    referer.clear();
                    s(&mut referer, "https://www.example.com/category/");
                    s(&mut referer, r.pick(&CATEGORIES));
                    if r.chance(0.01) {
                        (404, 9_214, true)
                    } else {
                        (200, 24_000 + r.below(9_000), true)
                    }
                }
                28..=35 => {
                    s(&mut path, "/category/");
                    s(&mut path, r.pick(&CATEGORIES));
                    referer = b"https://www.example.com/".to_vec();
                    (200, 41_000 + r.below(12_000), true)
                }
                36..=55 => {
                    let (p, size) = r.pick(&[
                        ("/static/css/app.3f9a1c.css", 48_213u64),
                        ("/static/js/app.3f9a1c.js", 183_442),
                        ("/static/js/vendor.91be0d.js", 402_118),
                        ("/static/fonts/inter-var.woff2", 96_020),
                    ]);
                    s(&mut path, p);
                    referer.clear();
                    page(r, &mut referer);
                    if r.chance(0.35) {
                        (304, 0, false)
                    } else {
                        (200, size, false)
                    }
                }
                56..=75 => {
                    s(&mut path, "/static/img/p/");
                    num(&mut path, product);
                    s(
                        &mut path,
                        if r.chance(0.5) {
                            "-800.webp"
                        } else {
                            "-320.webp"
                        },
                    );
                    referer.clear();
                    page(r, &mut referer);
                    if r.chance(0.25) {
                        (304, 0, false)
                    } else {
                        (200, 8_000 + r.below(110_000), false)
                    }
                }
                76..=85 => {
                    if r.chance(0.3) {
                        method = "POST";
                    }
                    s(&mut path, "/api/v1/cart");
                    referer.clear();
                    page(r, &mut referer);
                    (200, 180 + r.below(2_400), true)
                }
                86..=90 => {
                    s(&mut path, "/api/v1/search?q=");
                    s(&mut path, r.pick(&SEARCHES));
                    referer = b"https://www.example.com/".to_vec();
                    (200, 900 + r.below(6_000), true)
                }
                91..=93 => {
                    s(&mut path, "/favicon.ico");
                    (if r.chance(0.5) { 304 } else { 200 }, 15_086, false)
                }
                94..=96 => {
                    if r.chance(0.4) {
                        method = "POST";
                        s(&mut path, "/login");
                        referer = b"https://www.example.com/login".to_vec();
                        (302, 0, true)
                    } else {
                        s(&mut path, "/account/orders");
                        (200, 14_000 + r.below(4_000), true)
                    }
                }
                _ => {
                    s(&mut path, "/checkout");
                    referer = b"https://www.example.com/api/v1/cart".to_vec();
                    (200, 22_000 + r.below(3_000), true)
                }
            }
        };
        // The upstream app fails now and then: 502 and 504 with their
        // error.log lines.
        let (status, bytes) = if upstream && r.chance(0.0015) {
            let timed_out = r.chance(0.3);
            let code = if timed_out { 504 } else { 502 };
            self.upstream_error(who, method, &path, proto, timed_out);
            (code, if timed_out { 562 } else { 552 })
        } else {
            (status, bytes)
        };
        let b = &mut self.access.buf;
        ip(b, who);
        s(b, " - - [");
        b.extend_from_slice(&self.st.clf);
        s(b, "] \"");
        s(b, method);
        b.push(b' ');
        b.extend_from_slice(&path);
        b.push(b' ');
        s(b, proto);
        s(b, "\" ");
        num(b, status.into());
        b.push(b' ');
        num(b, bytes);
        s(b, " \"");
        b.extend_from_slice(&referer);
        s(b, "\" \"");
        s(b, agent);
        s(b, "\"\n");
    }

    /// A one-off address probing for well-known holes.
    fn scanner_line(&mut self) {
        let r = &mut self.r;
        let who = (SCAN_NETS[r.below(SCAN_NETS.len() as u64) as usize] << 24)
            | (r.next_u64() as u32 & 0x00FF_FFFF);
        let agent = r.pick(&SCAN_AGENTS);
        if r.chance(0.04) {
            // A TLS hello on the plain port: nginx logs the bytes escaped.
            let b = &mut self.access.buf;
            ip(b, who);
            s(b, " - - [");
            b.extend_from_slice(&self.st.clf);
            s(
                b,
                "] \"\\x16\\x03\\x01\\x00\\xEE\\x01\\x00\\x00\\xEA\\x03\\x03\" 400 157 \"-\" \"-\"\n",
            );
            return;
        }
        let path = r.pick(&SCAN_PATHS);
        let method = if r.chance(0.15) { "POST" } else { "GET" };
        let (status, bytes): (u16, u64) = if path == "/server-status" {
            (403, 162)
        } else {
            (404, 162)
        };
        if status == 404 && r.chance(0.6) {
            let e = &mut self.error.buf;
            e.extend_from_slice(&self.st.ngx);
            s(e, " [error] ");
            let w = 1_184 + r.below(4) as u32 + if self.t >= BOOT_1 { 0 } else { 1_000 };
            num(e, w.into());
            e.push(b'#');
            num(e, w.into());
            s(e, ": *");
            self.conn += 1 + r.below(40);
            num(e, self.conn);
            s(e, " open() \"/var/www/shop/public");
            s(e, path.split('?').next().unwrap_or(path));
            s(e, "\" failed (2: No such file or directory), client: ");
            ip(e, who);
            s(e, ", server: www.example.com, request: \"");
            s(e, method);
            e.push(b' ');
            s(e, path);
            s(e, " HTTP/1.1\", host: \"");
            s(e, HOST_IP);
            s(e, "\"\n");
        }
        let b = &mut self.access.buf;
        ip(b, who);
        s(b, " - - [");
        b.extend_from_slice(&self.st.clf);
        s(b, "] \"");
        s(b, method);
        b.push(b' ');
        s(b, path);
        s(b, " HTTP/1.1\" ");
        num(b, status.into());
        b.push(b' ');
        num(b, bytes);
        s(b, " \"-\" \"");
        s(b, agent);
        s(b, "\"\n");
    }

    fn upstream_error(
        &mut self,
        who: u32,
        method: &str,
        path: &[u8],
        proto: &str,
        timed_out: bool,
    ) {
        let r = &mut self.r;
        let e = &mut self.error.buf;
        e.extend_from_slice(&self.st.ngx);
        s(e, " [error] ");
        let w = 1_184 + r.below(4) as u32 + if self.t >= BOOT_1 { 0 } else { 1_000 };
        num(e, w.into());
        e.push(b'#');
        num(e, w.into());
        s(e, ": *");
        self.conn += 1 + r.below(40);
        num(e, self.conn);
        if timed_out {
            s(
                e,
                " upstream timed out (110: Connection timed out) while reading response header from upstream, client: ",
            );
        } else {
            s(
                e,
                " connect() failed (111: Connection refused) while connecting to upstream, client: ",
            );
        }
        ip(e, who);
        s(e, ", server: www.example.com, request: \"");
        s(e, method);
        e.push(b' ');
        e.extend_from_slice(path);
        e.push(b' ');
        s(e, proto);
        s(e, "\", upstream: \"http://127.0.0.1:8080");
        e.extend_from_slice(path);
        s(e, "\", host: \"www.example.com\"\n");
    }

    // ------------------------------------------------------------ kernel

    /// `[UFW BLOCK]` for a SYN from `src` to `port`: a web client's (DF,
    /// window 64240) or a scanner's.
    fn ufw_block(&mut self, src: u32, port: u16, web: bool) {
        let us = self.us();
        let r = &mut self.r;
        let a = self.arena.len();
        let m = &mut self.arena;
        s(m, "[UFW BLOCK] IN=eth0 OUT= MAC=");
        s(m, MAC);
        s(m, " SRC=");
        ip(m, src);
        s(m, " DST=");
        s(m, HOST_IP);
        if web {
            s(m, " LEN=60 TOS=0x00 PREC=0x00 TTL=");
            num(m, 44 + r.below(20));
            s(m, " ID=");
            num(m, r.below(65_536));
            s(m, " DF PROTO=TCP SPT=");
            num(m, 32_768 + r.below(28_000));
            s(m, " DPT=");
            num(m, port.into());
            s(m, " WINDOW=64240 RES=0x00 SYN URGP=0 ");
        } else {
            s(m, " LEN=44 TOS=0x00 PREC=0x00 TTL=");
            num(m, 230 + r.below(20));
            s(m, " ID=");
            num(m, r.below(65_536));
            s(m, " PROTO=TCP SPT=");
            num(m, 1_024 + r.below(64_000));
            s(m, " DPT=");
            num(m, port.into());
            s(m, " WINDOW=1024 RES=0x00 SYN URGP=0 ");
        }
        self.end(a, us, KERNEL, 0);
    }

    fn syslog_second(&mut self) {
        let t = self.t;
        let up = !(REBOOT..UFW_UP).contains(&t);
        // Port scans against the firewall (scanners' favourites first).
        if up {
            let n = self.r.count(UFW_PER_MIB * self.scale);
            for _ in 0..n {
                let i = self.r.zipf(N_PORTSCAN) as u64;
                let h = mix(i ^ 0x5CA7);
                let src = (SCAN_NETS[(h % SCAN_NETS.len() as u64) as usize] << 24)
                    | ((h >> 8) as u32 & 0x00FF_FFFF);
                let port = SCAN_PORTS[self.r.zipf(SCAN_PORTS.len())];
                self.ufw_block(src, port, false);
            }
        }
        let sec = t.rem_euclid(86_400);
        let (min, s_) = (sec / 60 % 60, sec % 60);
        // cron: hourly run-parts, sysstat every 10 minutes.
        if min == 17 && s_ == 1 {
            self.cron("cd / && run-parts --report /etc/cron.hourly");
        }
        if min % 10 == 5 && s_ == 1 {
            self.cron("command -v debian-sa1 > /dev/null && debian-sa1 1 1");
        }
        // Timers.
        if (min == 9 || min == 39) && s_ == 12 {
            self.msg(100_000, SYSTEMD, 1, "Starting Clean php session files...");
            self.msg(
                620_000,
                SYSTEMD,
                1,
                "phpsessionclean.service: Deactivated successfully.",
            );
            self.msg(620_500, SYSTEMD, 1, "Finished Clean php session files.");
        }
        if t == ROTATE_1 || t == ROTATE_2 {
            self.msg(1_000, SYSTEMD, 1, "Starting Rotate log files...");
            self.msg(
                300_000,
                RSYSLOGD,
                601,
                "[origin software=\"rsyslogd\" swVersion=\"8.2112.0\" x-pid=\"601\" x-info=\"https://www.rsyslog.com\"] rsyslogd was HUPed",
            );
            self.msg(
                700_000,
                SYSTEMD,
                1,
                "logrotate.service: Deactivated successfully.",
            );
            self.msg(700_200, SYSTEMD, 1, "Finished Rotate log files.");
        }
        if sec == 6 * 3600 + 25 * 60 + 3 {
            self.msg(
                5_000,
                SYSTEMD,
                1,
                "Starting Daily apt upgrade and clean activities...",
            );
            self.msg(
                900_000,
                SYSTEMD,
                1,
                "apt-daily-upgrade.service: Deactivated successfully.",
            );
            self.msg(
                900_100,
                SYSTEMD,
                1,
                "Finished Daily apt upgrade and clean activities.",
            );
        }
    }

    fn cron(&mut self, cmd: &str) {
        let pid = self.next_pid();
        self.msg(
            10_000,
            CRON_PAM,
            pid,
            "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
        );
        let a = self.begin();
        s(&mut self.arena, "(root) CMD (");
        s(&mut self.arena, cmd);
        s(&mut self.arena, ")");
        self.end(a, 12_000, CRON, pid);
        self.msg(
            400_000,
            CRON_PAM,
            pid,
            "pam_unix(cron:session): session closed for user root",
        );
    }

    // -------------------------------------------------------------- auth

    fn auth_second(&mut self) {
        let t = self.t;
        let sshd_up = !(REBOOT..BOOT_1 + 4).contains(&t);
        if sshd_up {
            let n = self
                .r
                .count(ATTEMPTS_PER_MIB * self.scale * (0.6 + 0.4 * diurnal(t + 7 * 3600)));
            for _ in 0..n {
                self.attempt();
            }
            // check_ssh from the monitoring host every five minutes.
            if t % 300 == 20 {
                let pid = self.next_pid();
                let a = self.begin();
                s(&mut self.arena, "Connection closed by ");
                ip(&mut self.arena, PROBE_IP);
                s(&mut self.arena, " port ");
                num(&mut self.arena, 32_768 + self.r.below(28_000));
                s(&mut self.arena, " [preauth]");
                self.end(a, 402_000, SSHD, pid);
            }
            // The CI deploy user, twice an hour.
            if t % 1800 == 305 {
                self.login("deploy", 1001, CI_IP);
            }
            if t % 1800 == 305 + 23 {
                self.logout("deploy", CI_IP);
            }
        }
        // Unbans due now.
        while let Some(&(at, who)) = self.unban.front() {
            if at > t {
                break;
            }
            self.unban.pop_front();
            if let Some(a) = self.att.get_mut(&who) {
                a.banned = false;
                a.fails = 0;
            }
            let us = self.us();
            self.f2b_now.push((us, F2b::Unban(who)));
        }
    }

    fn attempt(&mut self) {
        let t = self.t;
        let who = self.attackers[self.r.zipf(N_ATTACKERS)];
        let a = self.att.entry(who).or_insert(Attacker {
            window: t,
            fails: 0,
            banned: false,
        });
        if a.banned {
            // fail2ban's iptables-multiport rejects it before sshd.
            return;
        }
        let pid = self.next_pid();
        let port = 32_768 + self.r.below(28_000);
        let us = self.r.below(400_000) as u32;
        let kind = self.r.below(100);
        let m = |g: &mut Gen, us: u32, p: Prog, f: &dyn Fn(&mut Vec<u8>)| {
            let a = g.begin();
            f(&mut g.arena);
            g.end(a, us, p, pid);
        };
        if kind < 15 {
            m(self, us, SSHD, &|b| {
                s(b, "Connection closed by ");
                ip(b, who);
                s(b, " port ");
                num(b, port);
                s(b, " [preauth]");
            });
            return;
        }
        let user = if kind < 45 {
            None
        } else {
            Some(self.r.pick(&USERS))
        };
        if let Some(u) = user {
            m(self, us, SSHD, &|b| {
                s(b, "Invalid user ");
                s(b, u);
                s(b, " from ");
                ip(b, who);
                s(b, " port ");
                num(b, port);
            });
            m(self, us + 200_000, SSHD_PAM, &|b| {
                s(b, "pam_unix(sshd:auth): check pass; user unknown")
            });
        }
        m(self, us + 200_100, SSHD_PAM, &|b| {
            s(
                b,
                "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=",
            );
            ip(b, who);
            s(b, if user.is_none() { "  user=root" } else { " " });
        });
        m(self, us + 400_000, SSHD, &|b| {
            s(b, "Failed password for ");
            match user {
                Some(u) => {
                    s(b, "invalid user ");
                    s(b, u);
                }
                None => s(b, "root"),
            }
            s(b, " from ");
            ip(b, who);
            s(b, " port ");
            num(b, port);
            s(b, " ssh2");
        });
        m(self, us + 500_000, SSHD, &|b| {
            s(b, "Received disconnect from ");
            ip(b, who);
            s(b, " port ");
            num(b, port);
            s(b, ":11: Bye Bye [preauth]");
        });
        m(self, us + 500_100, SSHD, &|b| {
            match user {
                Some(u) => {
                    s(b, "Disconnected from invalid user ");
                    s(b, u);
                }
                None => s(b, "Disconnected from authenticating user root"),
            }
            b.push(b' ');
            ip(b, who);
            s(b, " port ");
            num(b, port);
            s(b, " [preauth]");
        });
        // fail2ban (sshd jail: maxretry 5, findtime 10m, bantime 10m).
        self.f2b_now.push((us + 410_000, F2b::Found(who)));
        let a = self.att.get_mut(&who).unwrap();
        if t - a.window > 600 {
            a.window = t;
            a.fails = 0;
        }
        a.fails += 1;
        if a.fails >= 5 {
            a.banned = true;
            self.f2b_now.push((us + 590_000, F2b::Ban(who)));
            self.unban.push_back((t + 600, who));
        }
    }

    fn login(&mut self, user: &str, uid: u32, from: u32) {
        let pid = self.next_pid();
        let port = 32_768 + self.r.below(28_000) as u16;
        self.session += 1;
        self.ci = (pid, self.session, port);
        let sess = self.session;
        let a = self.begin();
        let b = &mut self.arena;
        s(b, "Accepted publickey for ");
        s(b, user);
        s(b, " from ");
        ip(b, from);
        s(b, " port ");
        num(b, port.into());
        s(
            b,
            " ssh2: ED25519 SHA256:Qm7Hc1yF0k3v9xTz2LrW8pN4sD6aB5eJ1gK0uV7cX3E",
        );
        self.end(a, 120_000, SSHD, pid);
        let a = self.begin();
        s(
            &mut self.arena,
            "pam_unix(sshd:session): session opened for user ",
        );
        s(&mut self.arena, user);
        s(&mut self.arena, "(uid=");
        num(&mut self.arena, uid.into());
        s(&mut self.arena, ") by (uid=0)");
        self.end(a, 125_000, SSHD_PAM, pid);
        let a = self.begin();
        s(&mut self.arena, "New session ");
        num(&mut self.arena, sess.into());
        s(&mut self.arena, " of user ");
        s(&mut self.arena, user);
        s(&mut self.arena, ".");
        self.end(a, 131_000, LOGIND, 712);
        let a = self.begin();
        s(&mut self.arena, "Started Session ");
        num(&mut self.arena, sess.into());
        s(&mut self.arena, " of User ");
        s(&mut self.arena, user);
        s(&mut self.arena, ".");
        self.end(a, 133_000, SYSTEMD, 1);
    }

    fn logout(&mut self, user: &str, from: u32) {
        let (pid, sess, port) = self.ci;
        let a = self.begin();
        s(&mut self.arena, "Received disconnect from ");
        ip(&mut self.arena, from);
        s(&mut self.arena, " port ");
        num(&mut self.arena, port.into());
        s(&mut self.arena, ":11: disconnected by user");
        self.end(a, 10_000, SSHD, pid);
        let a = self.begin();
        s(&mut self.arena, "Disconnected from user ");
        s(&mut self.arena, user);
        self.arena.push(b' ');
        ip(&mut self.arena, from);
        s(&mut self.arena, " port ");
        num(&mut self.arena, port.into());
        self.end(a, 10_100, SSHD, pid);
        let a = self.begin();
        s(
            &mut self.arena,
            "pam_unix(sshd:session): session closed for user ",
        );
        s(&mut self.arena, user);
        self.end(a, 11_000, SSHD_PAM, pid);
        let a = self.begin();
        s(&mut self.arena, "Session ");
        num(&mut self.arena, sess.into());
        s(
            &mut self.arena,
            " logged out. Waiting for processes to exit.",
        );
        self.end(a, 12_000, LOGIND, 712);
        let a = self.begin();
        s(&mut self.arena, "session-");
        num(&mut self.arena, sess.into());
        s(&mut self.arena, ".scope: Deactivated successfully.");
        self.end(a, 15_000, SYSTEMD, 1);
        let a = self.begin();
        s(&mut self.arena, "Removed session ");
        num(&mut self.arena, sess.into());
        s(&mut self.arena, ".");
        self.end(a, 16_000, LOGIND, 712);
    }

    fn sudo(&mut self, us: u32, user: &str, command: &str) {
        let pid = self.next_pid();
        let a = self.begin();
        s(&mut self.arena, "  ");
        s(&mut self.arena, user);
        s(&mut self.arena, " : TTY=pts/0 ; PWD=/home/");
        s(&mut self.arena, user);
        s(&mut self.arena, " ; USER=root ; COMMAND=");
        s(&mut self.arena, command);
        self.end(a, us, SUDO, pid);
        let a = self.begin();
        s(
            &mut self.arena,
            "pam_unix(sudo:session): session opened for user root(uid=0) by ",
        );
        s(&mut self.arena, user);
        s(&mut self.arena, "(uid=1000)");
        self.end(a, us + 2_000, SUDO, pid);
        if command != "/usr/sbin/reboot" {
            self.msg(
                us + 600_000,
                SUDO,
                pid,
                "pam_unix(sudo:session): session closed for user root",
            );
        }
    }

    // ----------------------------------------------------------- incident

    fn incident_second(&mut self) {
        let t = self.t;
        match t {
            ADMIN_LOGIN | ADMIN_BACK | SOS_LOGIN => self.login("mlopez", 1000, ADMIN_IP),
            COPY_RULES => {
                self.sudo(
                    100_000,
                    "mlopez",
                    "/usr/bin/cp /home/mlopez/baseline/user.rules /etc/ufw/user.rules",
                );
                self.sudo(
                    900_000,
                    "mlopez",
                    "/usr/bin/cp /home/mlopez/baseline/user6.rules /etc/ufw/user6.rules",
                );
            }
            UPGRADE => self.sudo(300_000, "mlopez", "/usr/bin/apt-get -y dist-upgrade"),
            REBOOT => self.sudo(50_000, "mlopez", "/usr/sbin/reboot"),
            _ if t == ADMIN_BACK + 135 || t == T_END - 1 => self.logout("mlopez", ADMIN_IP),
            _ if t == SOS_LOGIN + 40 => {
                self.sudo(200_000, "mlopez", "/usr/bin/sos report --batch --all-logs")
            }
            _ => {}
        }
    }

    /// The fixed lines of the shutdown and boot (see [`script`]) due now,
    /// and fail2ban's restart.
    fn script_second(&mut self) {
        while let Some(e) = self.script.get(self.script_i).copied() {
            if e.t > self.t {
                break;
            }
            self.script_i += 1;
            let a = self.begin();
            s(&mut self.arena, e.msg);
            self.end(a, e.us, e.prog, e.pid);
            let r = self.recs.last_mut().unwrap();
            r.to_syslog = e.dest != Dest::Journal;
            r.to_journal = e.dest != Dest::Syslog;
            r.uptime = e.uptime;
        }
        if self.t == REBOOT {
            let f = &mut self.f2b.buf;
            for (ms, logger, level, m) in [
                (131, "fail2ban.server", "INFO", "Shutdown in progress..."),
                (
                    131,
                    "fail2ban.observer",
                    "INFO",
                    "Observer stop ... try to end queue 5 seconds",
                ),
                (
                    152,
                    "fail2ban.observer",
                    "INFO",
                    "Observer stopped, 0 events remaining.",
                ),
                (190, "fail2ban.server", "INFO", "Stopping all jails"),
                (
                    191,
                    "fail2ban.filter",
                    "INFO",
                    "Removed logfile: '/var/log/auth.log'",
                ),
                (
                    482,
                    "fail2ban.actions",
                    "NOTICE",
                    "[sshd] Flush ticket(s) with iptables-multiport",
                ),
                (490, "fail2ban.jail", "INFO", "Jail 'sshd' stopped"),
                (
                    497,
                    "fail2ban.database",
                    "INFO",
                    "Connection to database closed.",
                ),
                (498, "fail2ban.server", "INFO", "Exiting Fail2ban"),
            ] {
                f2b_line(f, &self.st.f2b, ms, logger, 873, level, m.as_bytes());
            }
        }
        if self.t == NGINX_UP {
            let f = &mut self.f2b.buf;
            for (ms, logger, level, m) in [
                (
                    412,
                    "fail2ban.server",
                    "INFO",
                    "--------------------------------------------------",
                ),
                (412, "fail2ban.server", "INFO", "Starting Fail2ban v0.11.2"),
                (413, "fail2ban.observer", "INFO", "Observer start..."),
                (
                    422,
                    "fail2ban.database",
                    "INFO",
                    "Connected to fail2ban persistent database '/var/lib/fail2ban/fail2ban.sqlite3'",
                ),
                (424, "fail2ban.jail", "INFO", "Creating new jail 'sshd'"),
                (
                    431,
                    "fail2ban.jail",
                    "INFO",
                    "Jail 'sshd' uses pyinotify {}",
                ),
                (
                    436,
                    "fail2ban.filter",
                    "INFO",
                    "Added logfile: '/var/log/auth.log' (pos = 0, hash = 5b1f0c8e3a2d7f4e9c6b1a0d8e7f2c3b4a5d6e7f)",
                ),
            ] {
                f2b_line(f, &self.st.f2b, ms, logger, 731, level, m.as_bytes());
            }
            // Bans still in the database come back.
            let mut ms = 452;
            for &(_, who) in &self.unban {
                let mut m = b"[sshd] Restore Ban ".to_vec();
                ip(&mut m, who);
                f2b_line(f, &self.st.f2b, ms, "fail2ban.actions", 731, "NOTICE", &m);
                ms = (ms + 3).min(999);
            }
            f2b_line(
                f,
                &self.st.f2b,
                ms.min(998) + 1,
                "fail2ban.jail",
                731,
                "INFO",
                b"Jail 'sshd' started",
            );
        }
    }

    /// Write this second's records and fail2ban lines, then the buffers.
    fn flush_second(&mut self) -> io::Result<()> {
        let t = self.t;
        self.recs.sort_by_key(|r| r.us);
        let rsyslog_up = !(RSYSLOG_DOWN..RSYSLOG_UP).contains(&t);
        let (boot_t, boot_id) = self.boot();
        for i in 0..self.recs.len() {
            let r = self.recs[i];
            let msg = &self.arena[r.a..r.z];
            let uptime = r
                .uptime
                .unwrap_or(((t - boot_t) * 1_000_000) as u64 + u64::from(r.us));
            if r.to_syslog && rsyslog_up {
                let out = if r.prog.fac == 4 || r.prog.fac == 10 {
                    &mut self.auth.buf
                } else {
                    &mut self.syslog.buf
                };
                out.extend_from_slice(&self.st.bsd);
                out.push(b' ');
                s(out, HOST);
                out.push(b' ');
                s(out, r.prog.name);
                if r.pid != 0 {
                    out.push(b'[');
                    num(out, r.pid.into());
                    out.push(b']');
                }
                s(out, ": ");
                if r.prog.transport == "kernel" {
                    let secs = uptime / 1_000_000;
                    out.push(b'[');
                    for _ in 0..5usize.saturating_sub(digits(secs)) {
                        out.push(b' ');
                    }
                    num(out, secs);
                    out.push(b'.');
                    padded(out, uptime % 1_000_000, 6);
                    s(out, "] ");
                }
                out.extend_from_slice(msg);
                out.push(b'\n');
            }
            if !r.to_journal {
                continue;
            }
            let real = t as u64 * 1_000_000 + u64::from(r.us);
            if t >= JOURNAL_FROM {
                let j = &mut self.json.buf;
                if self.json_started == 0 {
                    // sos keeps a size-limited tail: the first line is
                    // the end of a record.
                    s(
                        j,
                        "DEFAULT\",\"_HOSTNAME\":\"www1\",\"MESSAGE\":\"pam_unix(cron:session): session closed for user root\"}\n",
                    );
                }
                self.json_started += 1;
                self.journal_seq += 1;
                s(j, "{\"__CURSOR\":\"s=3c1f7a9e2b6d4e08a5c7f1d3b9e2a640;i=");
                hex(j, self.journal_seq);
                s(j, ";b=");
                s(j, boot_id);
                s(j, ";m=");
                hex(j, uptime);
                s(j, ";t=");
                hex(j, real);
                s(j, ";x=");
                hex(j, mix(self.journal_seq));
                s(j, "\",\"__REALTIME_TIMESTAMP\":\"");
                num(j, real);
                s(j, "\",\"__MONOTONIC_TIMESTAMP\":\"");
                num(j, uptime);
                s(j, "\",\"_BOOT_ID\":\"");
                s(j, boot_id);
                s(j, "\",\"_TRANSPORT\":\"");
                s(j, r.prog.transport);
                s(j, "\",\"PRIORITY\":\"");
                num(j, r.prog.pri.into());
                s(j, "\",\"SYSLOG_FACILITY\":\"");
                num(j, r.prog.fac.into());
                s(j, "\",\"SYSLOG_IDENTIFIER\":\"");
                s(j, r.prog.name);
                if r.pid != 0 {
                    if r.prog.transport == "syslog" {
                        s(j, "\",\"SYSLOG_PID\":\"");
                        num(j, r.pid.into());
                    }
                    s(j, "\",\"_PID\":\"");
                    num(j, r.pid.into());
                    s(j, "\",\"_UID\":\"0\",\"_GID\":\"0\",\"_COMM\":\"");
                    s(j, r.prog.exe.rsplit('/').next().unwrap_or(""));
                    s(j, "\",\"_EXE\":\"");
                    s(j, r.prog.exe);
                    s(
                        j,
                        "\",\"_CAP_EFFECTIVE\":\"1ffffffffff\",\"_SYSTEMD_CGROUP\":\"/system.slice/",
                    );
                    s(j, r.prog.unit);
                    s(j, "\",\"_SYSTEMD_UNIT\":\"");
                    s(j, r.prog.unit);
                    s(
                        j,
                        "\",\"_SYSTEMD_SLICE\":\"system.slice\",\"_SYSTEMD_INVOCATION_ID\":\"",
                    );
                    hex(j, mix(u64::from(r.pid)) | 1 << 63);
                    hex(j, mix(u64::from(r.pid) + 1) | 1 << 63);
                } else {
                    s(j, "\",\"_SOURCE_MONOTONIC_TIMESTAMP\":\"");
                    num(j, uptime);
                }
                if r.prog.transport == "syslog" {
                    s(j, "\",\"SYSLOG_TIMESTAMP\":\"");
                    j.extend_from_slice(&self.st.bsd);
                    j.push(b' ');
                }
                s(j, "\",\"_MACHINE_ID\":\"");
                s(j, MACHINE_ID);
                s(j, "\",\"_HOSTNAME\":\"");
                s(j, HOST);
                s(j, "\",\"MESSAGE\":\"");
                json_str(j, msg);
                s(j, "\"}\n");
            }
            if t >= BOOT_1 {
                let o = &mut self.short.buf;
                if !self.short_started {
                    self.short_started = true;
                    s(
                        o,
                        "-- Logs begin at Mon 2025-11-17 04:12:33 UTC, end at Thu 2026-01-01 13:17:42 UTC. --\n",
                    );
                }
                o.extend_from_slice(&self.st.iso);
                o.push(b' ');
                s(o, HOST);
                o.push(b' ');
                s(o, r.prog.name);
                if r.pid != 0 {
                    o.push(b'[');
                    num(o, r.pid.into());
                    o.push(b']');
                }
                s(o, ": ");
                o.extend_from_slice(msg);
                o.push(b'\n');
            }
        }
        self.recs.clear();
        self.arena.clear();
        // fail2ban reads auth.log a moment after sshd writes it.
        self.f2b_now.sort_by_key(|e| e.0);
        for i in 0..self.f2b_now.len() {
            let (us, e) = self.f2b_now[i];
            let mut m = Vec::with_capacity(64);
            let (logger, level, who) = match e {
                F2b::Found(w) => {
                    s(&mut m, "[sshd] Found ");
                    ("fail2ban.filter", "INFO", w)
                }
                F2b::Ban(w) => {
                    s(&mut m, "[sshd] Ban ");
                    ("fail2ban.actions", "NOTICE", w)
                }
                F2b::Unban(w) => {
                    s(&mut m, "[sshd] Unban ");
                    ("fail2ban.actions", "NOTICE", w)
                }
            };
            ip(&mut m, who);
            if let F2b::Found(_) = e {
                s(&mut m, " - ");
                m.extend_from_slice(&self.st.f2b);
            }
            let pid = if t >= NGINX_UP { 731 } else { 873 };
            f2b_line(
                &mut self.f2b.buf,
                &self.st.f2b,
                (us / 1000).min(999),
                logger,
                pid,
                level,
                &m,
            );
        }
        self.f2b_now.clear();
        for out in [
            &mut self.access,
            &mut self.syslog,
            &mut self.auth,
            &mut self.error,
            &mut self.f2b,
            &mut self.json,
            &mut self.short,
        ] {
            if out.buf.len() > 1 << 16 || t + 1 >= T_END {
                out.flush_at(t)?;
            }
        }
        Ok(())
    }

    fn run(mut self) -> io::Result<()> {
        while self.t < T_END {
            let t = self.t;
            // A rotation flushes what is buffered into the old file first.
            if t == ROTATE_1 || t == ROTATE_2 {
                for out in [&mut self.access, &mut self.syslog, &mut self.auth] {
                    out.flush_at(t - 1)?;
                }
            }
            self.st.set(t);
            self.script_second();
            self.incident_second();
            self.access_second();
            self.syslog_second();
            self.auth_second();
            self.flush_second()?;
            self.t += 1;
        }
        for out in [
            self.access,
            self.syslog,
            self.auth,
            self.error,
            self.f2b,
            self.json,
            self.short,
        ] {
            out.finish()?;
        }
        Ok(())
    }
}

fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// `2025-12-30 06:00:01,234 fail2ban.filter         [873]: INFO    msg`
fn f2b_line(
    f: &mut Vec<u8>,
    stamp: &[u8],
    ms: u32,
    logger: &str,
    pid: u32,
    level: &str,
    msg: &[u8],
) {
    f.extend_from_slice(stamp);
    f.push(b',');
    padded(f, ms.into(), 3);
    f.push(b' ');
    s(f, logger);
    for _ in logger.len()..24 {
        f.push(b' ');
    }
    f.push(b'[');
    num(f, pid.into());
    s(f, "]: ");
    s(f, level);
    for _ in level.len()..8 {
        f.push(b' ');
    }
    f.extend_from_slice(msg);
    f.push(b'\n');
}

#[derive(Clone, Copy, PartialEq)]
enum Dest {
    Both,
    Syslog,
    Journal,
}

#[derive(Clone, Copy)]
struct Scripted {
    t: i64,
    us: u32,
    prog: Prog,
    pid: u32,
    msg: &'static str,
    dest: Dest,
    uptime: Option<u64>,
}

const KERNEL_BOOT: [(u32, &str); 7] = [
    (
        0,
        "Linux version 5.15.0-131-generic (buildd@lcy02-amd64-057) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #141-Ubuntu SMP Fri Jan 10 21:18:28 UTC 2025 (Ubuntu 5.15.0-131.141-generic 5.15.173)",
    ),
    (
        1_000,
        "Command line: BOOT_IMAGE=/boot/vmlinuz-5.15.0-131-generic root=UUID=0c6b1f8e-2d4a-4f3b-9e51-7a2c8d0b6e14 ro console=tty1 console=ttyS0",
    ),
    (
        12_000,
        "DMI: OpenStack Foundation OpenStack Nova, BIOS 1.15.0-1 04/01/2014",
    ),
    (16_000, "Hypervisor detected: KVM"),
    (
        210_000,
        "Memory: 3993636K/4193756K available (16393K kernel code, 4390K rwdata, 10832K rodata, 3348K init, 6556K bss, 199860K reserved, 0K cma-reserved)",
    ),
    (
        987_000,
        "Freeing unused kernel image (initmem) memory: 3348K",
    ),
    (
        1_402_000,
        "EXT4-fs (vda1): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none.",
    ),
];

/// The shutdown at [`REBOOT`] and the boot at [`BOOT_1`], in time order
/// (systemd 249 messages: units named by their description).
fn script() -> Vec<Scripted> {
    let mut v = Vec::new();
    let mut at = |t: i64, us: u32, prog: Prog, pid: u32, msg: &'static str, dest: Dest| {
        let (t, us) = (t + i64::from(us / 1_000_000), us % 1_000_000);
        v.push(Scripted {
            t,
            us,
            prog,
            pid,
            msg,
            dest,
            uptime: None,
        });
    };
    use Dest::*;
    let r = REBOOT;
    at(r, 90_000, LOGIND, 712, "System is rebooting.", Both);
    for (us, m) in [
        (
            120_000,
            "Stopping A high performance web server and a reverse proxy server...",
        ),
        (130_000, "Stopping Fail2Ban Service..."),
        (140_000, "Stopping OpenBSD Secure Shell server..."),
        (
            150_000,
            "Stopping Regular background program processing daemon...",
        ),
        (300_000, "ssh.service: Deactivated successfully."),
        (300_100, "Stopped OpenBSD Secure Shell server."),
        (310_000, "cron.service: Deactivated successfully."),
        (
            310_100,
            "Stopped Regular background program processing daemon.",
        ),
        (620_000, "nginx.service: Deactivated successfully."),
        (
            620_100,
            "Stopped A high performance web server and a reverse proxy server.",
        ),
        (700_000, "fail2ban.service: Deactivated successfully."),
        (700_100, "Stopped Fail2Ban Service."),
        (2_100_000, "Stopping System Logging Service..."),
    ] {
        at(r, us, SYSTEMD, 1, m, Both);
    }
    at(
        r,
        145_000,
        SSHD,
        811,
        "Received signal 15; terminating.",
        Both,
    );
    at(
        r,
        2_200_000,
        RSYSLOGD,
        601,
        "[origin software=\"rsyslogd\" swVersion=\"8.2112.0\" x-pid=\"601\" x-info=\"https://www.rsyslog.com\"] exiting on signal 15.",
        Both,
    );
    for (us, m) in [
        (3_100_000, "rsyslog.service: Deactivated successfully."),
        (3_100_100, "Stopped System Logging Service."),
        (3_400_000, "Reached target System Shutdown."),
        (3_410_000, "Reached target Late Shutdown Services."),
    ] {
        at(r, us, SYSTEMD, 1, m, Journal);
    }
    let b = BOOT_1;
    for (us, m) in KERNEL_BOOT {
        at(b, us, KERNEL, 0, m, Journal);
    }
    for (us, m) in [
        (
            2_400_000,
            "systemd 249.11-0ubuntu3.12 running in system mode (+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK +SECCOMP +GCRYPT +GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN +IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY -P11KIT -QRENCODE +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified)",
        ),
        (2_400_100, "Detected virtualization kvm."),
        (2_400_200, "Detected architecture x86-64."),
        (2_430_000, "Hostname set to <www1>."),
    ] {
        at(b, us, SYSTEMD, 1, m, Journal);
    }
    // rsyslog starts and reads the kernel ring buffer.
    at(
        b,
        3_000_000,
        RSYSLOGD,
        601,
        "imuxsock: Acquired UNIX socket '/run/systemd/journal/syslog' (fd 3) from systemd.  [v8.2112.0]",
        Both,
    );
    at(
        b,
        3_000_100,
        RSYSLOGD,
        601,
        "[origin software=\"rsyslogd\" swVersion=\"8.2112.0\" x-pid=\"601\" x-info=\"https://www.rsyslog.com\"] start",
        Both,
    );
    for (i, (us, m)) in KERNEL_BOOT.iter().enumerate() {
        v.push(Scripted {
            t: b + 3,
            us: 10_000 + i as u32,
            prog: KERNEL,
            pid: 0,
            msg: m,
            dest: Syslog,
            uptime: Some(u64::from(*us)),
        });
    }
    let mut at = |t: i64, us: u32, prog: Prog, pid: u32, msg: &'static str| {
        let (t, us) = (t + i64::from(us / 1_000_000), us % 1_000_000);
        v.push(Scripted {
            t,
            us,
            prog,
            pid,
            msg,
            dest: Both,
            uptime: None,
        });
    };
    at(
        b,
        3_200_000,
        SYSTEMD,
        1,
        "Starting Uncomplicated firewall...",
    );
    at(b, 3_380_000, SYSTEMD, 1, "Finished Uncomplicated firewall.");
    at(
        b,
        3_400_000,
        SYSTEMD,
        1,
        "Starting Regular background program processing daemon...",
    );
    at(
        b,
        3_400_100,
        SYSTEMD,
        1,
        "Started Regular background program processing daemon.",
    );
    at(b, 3_402_000, CRON, 603, "(CRON) INFO (pidfile fd = 3)");
    at(
        b,
        3_403_000,
        CRON,
        603,
        "(CRON) INFO (Running @reboot jobs)",
    );
    at(
        b,
        3_500_000,
        SYSTEMD,
        1,
        "Starting OpenBSD Secure Shell server...",
    );
    at(
        b,
        3_620_000,
        SSHD,
        702,
        "Server listening on 0.0.0.0 port 22.",
    );
    at(b, 3_620_100, SSHD, 702, "Server listening on :: port 22.");
    at(
        b,
        3_621_000,
        SYSTEMD,
        1,
        "Started OpenBSD Secure Shell server.",
    );
    at(
        b,
        3_700_000,
        SYSTEMD,
        1,
        "Starting A high performance web server and a reverse proxy server...",
    );
    at(
        b,
        3_980_000,
        SYSTEMD,
        1,
        "Started A high performance web server and a reverse proxy server.",
    );
    at(b, 4_000_000, SYSTEMD, 1, "Starting Fail2Ban Service...");
    at(b, 4_010_000, SYSTEMD, 1, "Started Fail2Ban Service.");
    at(
        b,
        4_200_000,
        SYSTEMD,
        1,
        "Reached target Multi-User System.",
    );
    at(
        b,
        4_210_000,
        SYSTEMD,
        1,
        "Startup finished in 2.141s (kernel) + 2.069s (userspace) = 4.210s.",
    );
    v.sort_by_key(|e| (e.t, e.us));
    v
}

// -------------------------------------------------------------- snapshots

fn snapshots(dir: &Path) -> io::Result<()> {
    let put = |rel: &str, text: &str| -> io::Result<()> {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap())?;
        std::fs::write(p, text)
    };
    put("hostname", "www1\n")?;
    put("etc/hostname", "www1\n")?;
    put("etc/timezone", "Etc/UTC\n")?;
    put(
        "etc/os-release",
        "PRETTY_NAME=\"Ubuntu 22.04.5 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nVERSION=\"22.04.5 LTS (Jammy Jellyfish)\"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n",
    )?;
    put("sos_commands/date/date", "Thu Jan  1 13:17:42 UTC 2026\n")?;
    put(
        "sos_commands/date/date_--utc",
        "Thu Jan  1 13:17:42 UTC 2026\n",
    )?;
    put(
        "sos_commands/networking/ip_-o_addr",
        "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n\
         1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever\n\
         2: eth0    inet 203.0.113.10/24 metric 100 brd 203.0.113.255 scope global dynamic eth0\\       valid_lft 85622sec preferred_lft 85622sec\n",
    )?;
    put(
        "sos_commands/networking/ss_-tulpn",
        "Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\n\
         udp   UNCONN 0      0      127.0.0.53%lo:53         0.0.0.0:*    users:((\"systemd-resolve\",pid=540,fd=13))\n\
         tcp   LISTEN 0      4096   127.0.0.53%lo:53         0.0.0.0:*    users:((\"systemd-resolve\",pid=540,fd=14))\n\
         tcp   LISTEN 0      128          0.0.0.0:22         0.0.0.0:*    users:((\"sshd\",pid=702,fd=3))\n\
         tcp   LISTEN 0      511          0.0.0.0:80         0.0.0.0:*    users:((\"nginx\",pid=1185,fd=6),(\"nginx\",pid=1184,fd=6),(\"nginx\",pid=1183,fd=6))\n\
         tcp   LISTEN 0      511          0.0.0.0:443        0.0.0.0:*    users:((\"nginx\",pid=1185,fd=8),(\"nginx\",pid=1184,fd=8),(\"nginx\",pid=1183,fd=8))\n\
         tcp   LISTEN 0      2048       127.0.0.1:8080       0.0.0.0:*    users:((\"gunicorn\",pid=918,fd=5))\n\
         tcp   LISTEN 0      128             [::]:22            [::]:*    users:((\"sshd\",pid=702,fd=4))\n\
         tcp   LISTEN 0      511             [::]:80            [::]:*    users:((\"nginx\",pid=1185,fd=7),(\"nginx\",pid=1184,fd=7),(\"nginx\",pid=1183,fd=7))\n\
         tcp   LISTEN 0      511             [::]:443           [::]:*    users:((\"nginx\",pid=1185,fd=9),(\"nginx\",pid=1184,fd=9),(\"nginx\",pid=1183,fd=9))\n",
    )?;
    put(
        "sos_commands/ufw/ufw_status_verbose",
        "Status: active\nLogging: on (low)\nDefault: deny (incoming), allow (outgoing), disabled (routed)\nNew profiles: skip\n\n\
         To                         Action      From\n\
         --                         ------      ----\n\
         22/tcp                     ALLOW IN    Anywhere                  \n\
         22/tcp (v6)                ALLOW IN    Anywhere (v6)             \n\n",
    )?;
    put(
        "etc/ufw/user.rules",
        "*filter\n:ufw-user-input - [0:0]\n:ufw-user-output - [0:0]\n:ufw-user-forward - [0:0]\n\
         :ufw-user-logging-input - [0:0]\n:ufw-user-logging-output - [0:0]\n:ufw-user-logging-forward - [0:0]\n\
         :ufw-user-limit - [0:0]\n:ufw-user-limit-accept - [0:0]\n### RULES ###\n\n\
         ### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 22 -j ACCEPT\n\n\
         ### END RULES ###\n\n### LOGGING ###\n\
         -A ufw-user-logging-input -j RETURN\n-A ufw-user-logging-output -j RETURN\n-A ufw-user-logging-forward -j RETURN\n\
         ### END LOGGING ###\n\n### RATE LIMITING ###\n\
         -A ufw-user-limit -m limit --limit 3/minute -j LOG --log-prefix \"[UFW LIMIT BLOCK] \"\n\
         -A ufw-user-limit -j REJECT\n-A ufw-user-limit-accept -j ACCEPT\n### END RATE LIMITING ###\nCOMMIT\n",
    )?;
    Ok(())
}

/// Write a bundle of about `mib` MiB of logs (as read) under `dir`
/// (created); returns its size on disk.
pub fn bundle(dir: &Path, mib: u64) -> io::Result<u64> {
    std::fs::create_dir_all(dir)?;
    snapshots(dir)?;
    Gen::new(dir, mib).run()?;
    let mut size = 0;
    for e in walkdir::WalkDir::new(dir) {
        let e = e?;
        if e.file_type().is_file() {
            size += e.metadata()?.len();
        }
    }
    std::fs::write(marker(dir), format!("{size}\n"))?;
    Ok(size)
}
