//! Deterministic bundle generator for the benches: a fixed seed, a realistic
//! mix (about 70 % nginx combined access lines, auth.log with sshd noise,
//! syslog with UFW drops and systemd lines, fail2ban.log, a gzip-rotated
//! access log) and no dependency beyond the standard library and flate2.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;

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
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const PATHS: [&str; 8] = [
    "/",
    "/index.html",
    "/api/v1/cart",
    "/static/app.js",
    "/static/site.css",
    "/login",
    "/products?id=42",
    "/healthz",
];
const AGENTS: [&str; 4] = [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "curl/8.5.0",
    "Googlebot/2.1 (+http://www.google.com/bot.html)",
];

fn ip(r: &mut Rng) -> String {
    format!(
        "{}.{}.{}.{}",
        1 + r.below(223),
        r.below(256),
        r.below(256),
        1 + r.below(254)
    )
}

/// Seconds since 2024-01-01 → (month index, day, h, m, s) in a 30-day-month
/// approximation that never produces an impossible date.
fn civil(t: u64) -> (usize, u64, u64, u64, u64) {
    let day = t / 86400;
    (
        (day / 28 % 12) as usize,
        day % 28 + 1,
        t / 3600 % 24,
        t / 60 % 60,
        t % 60,
    )
}

fn access_line(r: &mut Rng, t: u64) -> String {
    let (mo, d, h, mi, s) = civil(t);
    let status = match r.below(100) {
        0..=84 => 200,
        85..=92 => 304,
        93..=97 => 404,
        _ => 502,
    };
    format!(
        "{} - - [{:02}/{}/2024:{:02}:{:02}:{:02} +0000] \"GET {} HTTP/1.1\" {} {} \"-\" \"{}\"\n",
        ip(r),
        d,
        MONTHS[mo],
        h,
        mi,
        s,
        PATHS[r.below(8) as usize],
        status,
        r.below(50_000),
        AGENTS[r.below(4) as usize]
    )
}

fn syslog_line(r: &mut Rng, t: u64) -> String {
    let (mo, d, h, mi, s) = civil(t);
    let stamp = format!("{} {:2} {:02}:{:02}:{:02}", MONTHS[mo], d, h, mi, s);
    match r.below(4) {
        0 => format!(
            "{stamp} web1 kernel: [{}.{:06}] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56 SRC={} DST=192.0.2.10 LEN=44 TOS=0x00 PREC=0x00 TTL=242 ID=54321 PROTO=TCP SPT={} DPT={} WINDOW=1024 RES=0x00 SYN URGP=0\n",
            r.below(99999),
            r.below(1_000_000),
            ip(r),
            1024 + r.below(60000),
            [22, 23, 3389, 8080, 445][r.below(5) as usize]
        ),
        1 => format!(
            "{stamp} web1 systemd[1]: Started session-{}.scope - Session {} of User ops.\n",
            r.below(9999),
            r.below(9999)
        ),
        2 => format!(
            "{stamp} web1 CRON[{}]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)\n",
            r.below(65535)
        ),
        _ => format!("{stamp} web1 rsyslogd: [origin software=\"rsyslogd\"] rsyslogd was HUPed\n"),
    }
}

fn auth_line(r: &mut Rng, t: u64) -> String {
    let (mo, d, h, mi, s) = civil(t);
    let stamp = format!("{} {:2} {:02}:{:02}:{:02}", MONTHS[mo], d, h, mi, s);
    match r.below(3) {
        0 => format!(
            "{stamp} web1 sshd[{}]: Failed password for invalid user admin from {} port {} ssh2\n",
            r.below(65535),
            ip(r),
            r.below(65535)
        ),
        1 => format!(
            "{stamp} web1 sshd[{}]: Invalid user oracle from {} port {}\n",
            r.below(65535),
            ip(r),
            r.below(65535)
        ),
        _ => format!(
            "{stamp} web1 sshd[{}]: Connection closed by authenticating user root {} port {} [preauth]\n",
            r.below(65535),
            ip(r),
            r.below(65535)
        ),
    }
}

fn fail2ban_line(r: &mut Rng, t: u64) -> String {
    let (mo, d, h, mi, s) = civil(t);
    format!(
        "2024-{:02}-{:02} {:02}:{:02}:{:02},{:03} fail2ban.filter         [812]: INFO    [sshd] Found {} - 2024-{:02}-{:02} {:02}:{:02}:{:02}\n",
        mo + 1,
        d,
        h,
        mi,
        s,
        r.below(1000),
        ip(r),
        mo + 1,
        d,
        h,
        mi,
        s
    )
}

fn write_file(
    path: &Path,
    bytes: u64,
    seed: u64,
    line: fn(&mut Rng, u64) -> String,
) -> std::io::Result<()> {
    let mut r = Rng::new(seed);
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut written = 0u64;
    let mut t = 0u64;
    while written < bytes {
        let l = line(&mut r, t);
        t += r.below(3);
        written += l.len() as u64;
        w.write_all(l.as_bytes())?;
    }
    w.flush()
}

/// Write a bundle of about `mib` MiB under `dir` (created); returns its size.
pub fn bundle(dir: &Path, mib: u64) -> std::io::Result<u64> {
    let total = mib << 20;
    let log = dir.join("var/log");
    std::fs::create_dir_all(log.join("nginx"))?;
    std::fs::write(dir.join("etc_hostname"), "web1\n")?;
    write_file(
        &log.join("nginx/access.log"),
        total * 62 / 100,
        1,
        access_line,
    )?;
    write_file(&log.join("syslog"), total * 14 / 100, 2, syslog_line)?;
    write_file(&log.join("auth.log"), total * 12 / 100, 3, auth_line)?;
    write_file(&log.join("fail2ban.log"), total * 4 / 100, 4, fail2ban_line)?;
    // A rotated, compressed access log (~8 % of the plain bytes).
    let plain = dir.join("access.log.1.tmp");
    write_file(&plain, total * 8 / 100, 5, access_line)?;
    let data = std::fs::read(&plain)?;
    std::fs::remove_file(&plain)?;
    let mut e = flate2::write::GzEncoder::new(
        std::fs::File::create(log.join("nginx/access.log.1.gz"))?,
        flate2::Compression::fast(),
    );
    e.write_all(&data)?;
    e.finish()?;
    let mut size = 0;
    for e in walkdir::WalkDir::new(dir) {
        let e = e?;
        if e.file_type().is_file() {
            size += e.metadata()?.len();
        }
    }
    Ok(size)
}
