//! Per-frame throughput on generated input (fixed seed, no files): the
//! syslog and nginx frames alone, and the whole parse of a member (frame,
//! grammars, events into a counting sink). Target: ≥ 300 MB/s per frame on
//! one core. `cargo bench --bench frames`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use faultline::grammar::{GrammarSet, load_embedded};
use faultline::normalize::{Clock, Zone};
use faultline::parse::{self, CountSink, Ctx, Format, nginx, syslog};
use std::hint::black_box;
use std::sync::Arc;

/// xorshift64*: a fixed, dependency-free sequence.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn syslog_input(lines: usize) -> Vec<u8> {
    let mut r = Rng(0x5eed_1234_abcd_0001);
    let mut out = Vec::with_capacity(lines * 110);
    let msgs = [
        (
            "sshd",
            "Failed password for invalid user admin from 203.0.113.{} port {} ssh2",
        ),
        (
            "sshd",
            "Accepted publickey for ops from 198.51.100.{} port {} ssh2: ED25519 SHA256:abc",
        ),
        (
            "systemd",
            "Started nginx.service - A high performance web server and a reverse proxy server.{}{}",
        ),
        (
            "kernel",
            "[UFW BLOCK] IN=eth0 OUT= MAC=aa SRC=192.0.2.{} DST=192.0.2.10 LEN=44 PROTO=TCP SPT={} DPT=22",
        ),
        (
            "CRON",
            "pam_unix(cron:session): session opened for user root(uid=0) by (uid={}{})",
        ),
        (
            "rsyslogd",
            "[origin software=\"rsyslogd\"] rsyslogd was HUPed {} {}",
        ),
    ];
    for _ in 0..lines {
        let (prog, m) = msgs[r.below(msgs.len() as u64) as usize];
        let msg = m.replacen("{}", &r.below(255).to_string(), 1).replacen(
            "{}",
            &(1024 + r.below(60000)).to_string(),
            1,
        );
        let line = format!(
            "{} {:>2} {:02}:{:02}:{:02} web{} {}[{}]: {}\n",
            MONTHS[r.below(12) as usize],
            1 + r.below(28),
            r.below(24),
            r.below(60),
            r.below(60),
            r.below(4),
            prog,
            r.below(99999),
            msg
        );
        out.extend_from_slice(line.as_bytes());
    }
    out
}

fn nginx_input(lines: usize) -> Vec<u8> {
    let mut r = Rng(0x5eed_1234_abcd_0002);
    let mut out = Vec::with_capacity(lines * 180);
    let paths = [
        "/",
        "/index.html",
        "/api/v1/items?page=3",
        "/static/app.3f2a.js",
        "/login",
        "/wp-login.php",
    ];
    let agents = [
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "curl/8.5.0",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    ];
    for _ in 0..lines {
        let line = format!(
            "203.0.113.{} - - [{:02}/{}/2024:{:02}:{:02}:{:02} +0200] \"{} {} HTTP/1.1\" {} {} \"-\" \"{}\"\n",
            r.below(255),
            1 + r.below(28),
            MONTHS[r.below(12) as usize],
            r.below(24),
            r.below(60),
            r.below(60),
            if r.below(5) == 0 { "POST" } else { "GET" },
            paths[r.below(paths.len() as u64) as usize],
            [200, 200, 200, 304, 404, 502][r.below(6) as usize],
            r.below(100_000),
            agents[r.below(agents.len() as u64) as usize]
        );
        out.extend_from_slice(line.as_bytes());
    }
    out
}

fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split(|&b| b == b'\n').filter(|l| !l.is_empty())
}

fn frames(c: &mut Criterion) {
    let sys = syslog_input(200_000);
    let acc = nginx_input(200_000);
    let combined = nginx::LogFormat::compile("combined", nginx::COMBINED);

    let mut g = c.benchmark_group("frame");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(sys.len() as u64));
    g.bench_function("syslog_bsd", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for l in lines(&sys) {
                if let Some(f) = syslog::parse(l) {
                    n += f.message.len();
                }
            }
            black_box(n)
        })
    });
    g.throughput(Throughput::Bytes(acc.len() as u64));
    g.bench_function("nginx_combined", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for l in lines(&acc) {
                if let Some(a) = combined.parse(l) {
                    n += a.status.unwrap_or(0) as usize;
                }
            }
            black_box(n)
        })
    });
    g.finish();

    // The whole member: frame, message grammars, events (one thread, so
    // the figure is per core).
    let set = GrammarSet::new(load_embedded().expect("embedded grammars").1);
    let clock = Clock {
        fixed_year: Some(2024),
        ..Clock::utc(Zone::Fixed(0))
    };
    let ctx = Ctx {
        grammars: &set,
        file: "bench".into(),
        format_id: "bench".into(),
        host: "bench".into(),
        clock: &clock,
        max_line: 1 << 20,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let fmts = Arc::new(nginx::LogFormat::builtin());
    let mut g = c.benchmark_group("member");
    g.sample_size(10);
    for (name, data, fmt) in [
        ("syslog", &sys, Format::Syslog),
        ("nginx_access", &acc, Format::NginxAccess(fmts)),
    ] {
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                pool.install(|| black_box(parse::parse(data, &fmt, &ctx, &mut CountSink).parsed))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, frames);
criterion_main!(benches);
