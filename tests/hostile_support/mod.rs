//! Hostile bundles built on the fly (never committed: a gzip bomb or a FIFO
//! has no place in a repository), a bounded runner for the binary that
//! measures time and peak memory, and a tree fingerprint to prove a run
//! changed nothing.
#![allow(dead_code)]

use sha2::Digest;
use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{MetadataExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Peak resident memory allowed to one run (the SPEC-level promise in
/// `docs/HOSTILE.md`).
pub const MAX_RSS_KIB: u64 = 1 << 20;

/// A deterministic byte stream (xorshift64*): the same "random" garbage on
/// every run, so a failure reproduces.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| (self.next() >> 32) as u8).collect()
    }
}

pub fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

/// `n` zero bytes (rounded up to MiB) as concatenated gzip members of one
/// MiB each: a bomb of any size, built in moments even in a debug build
/// (every gzip reader, ours included, reads all members).
pub fn gz_zeros(n: u64) -> Vec<u8> {
    static MIB: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let one = MIB.get_or_init(|| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&vec![0u8; 1 << 20]).expect("gzip");
        e.finish().expect("gzip")
    });
    let k = n.div_ceil(1 << 20) as usize;
    let mut out = Vec::with_capacity(one.len() * k);
    for _ in 0..k {
        out.extend_from_slice(one);
    }
    out
}

/// A bomb that reads as a log: `n` MiB (rounded up) of one syslog line with
/// a 4 KiB message, as concatenated gzip members. Detection sees syslog, so
/// the whole member is decoded, up to the cap.
pub fn gz_log_bomb(n_mib: u64) -> Vec<u8> {
    static MIB: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let one = MIB.get_or_init(|| {
        let mut line = b"Aug  6 07:30:00 web1 bomb[1]: ".to_vec();
        line.resize(4095, b'A');
        line.push(b'\n');
        let text: Vec<u8> = line.iter().copied().cycle().take(1 << 20).collect();
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&text).expect("gzip");
        e.finish().expect("gzip")
    });
    let mut out = Vec::with_capacity(one.len() * n_mib as usize);
    for _ in 0..n_mib {
        out.extend_from_slice(one);
    }
    out
}

pub fn xz(data: &[u8]) -> Vec<u8> {
    let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
    e.write_all(data).expect("xz");
    e.finish().expect("xz")
}

pub fn zst(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 1).expect("zstd")
}

pub fn bz2(data: &[u8]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    e.write_all(data).expect("bzip2");
    e.finish().expect("bzip2")
}

/// What a tar member is.
pub enum TarItem<'a> {
    File(&'a [u8]),
    Symlink(&'a [u8]),
    HardLink(&'a [u8]),
    CharDevice,
    Fifo,
    /// A header that declares more bytes than follow (the archive ends).
    Truncated(u64, &'a [u8]),
}

/// A tar with member names written raw into the header: the `tar` crate's
/// safe setters refuse `..` and absolute names, which is the point here.
pub fn tar(items: &[(&[u8], TarItem<'_>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, item) in items {
        let mut h = tar::Header::new_gnu();
        {
            let old = h.as_old_mut();
            let n = name.len().min(old.name.len());
            old.name[..n].copy_from_slice(&name[..n]);
        }
        h.set_mode(0o644);
        h.set_mtime(1_722_930_000);
        let body: &[u8] = match item {
            TarItem::File(b) => {
                h.set_entry_type(tar::EntryType::Regular);
                h.set_size(b.len() as u64);
                b
            }
            TarItem::Symlink(t) | TarItem::HardLink(t) => {
                h.set_entry_type(if matches!(item, TarItem::Symlink(_)) {
                    tar::EntryType::Symlink
                } else {
                    tar::EntryType::Link
                });
                let old = h.as_old_mut();
                let n = t.len().min(old.linkname.len());
                old.linkname[..n].copy_from_slice(&t[..n]);
                h.set_size(0);
                &[]
            }
            TarItem::CharDevice => {
                h.set_entry_type(tar::EntryType::Char);
                h.set_size(0);
                &[]
            }
            TarItem::Fifo => {
                h.set_entry_type(tar::EntryType::Fifo);
                h.set_size(0);
                &[]
            }
            TarItem::Truncated(declared, b) => {
                h.set_entry_type(tar::EntryType::Regular);
                h.set_size(*declared);
                b
            }
        };
        h.set_cksum();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(body);
        if let TarItem::Truncated(..) = item {
            return out;
        }
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

/// A zip; names are taken as given (`../../tmp/x` included).
pub fn zip(items: &[(&str, &[u8])], symlinks: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in items {
        w.start_file(*name, opts).expect("zip member");
        w.write_all(data).expect("zip write");
    }
    for (name, target) in symlinks {
        w.add_symlink(*name, *target, opts).expect("zip link");
    }
    w.finish().expect("zip").into_inner()
}

/// A few sshd lines a healthy host writes: the analysis must still find
/// them beside the hostile files.
pub const HEALTHY_AUTH: &str = "\
Aug  6 07:30:01 web1 sshd[1234]: Failed password for root from 203.0.113.9 port 50000 ssh2
Aug  6 07:30:03 web1 sshd[1234]: Failed password for root from 203.0.113.9 port 50000 ssh2
Aug  6 07:31:10 web1 sshd[1240]: Accepted publickey for alice from 198.51.100.7 port 51000 ssh2: ED25519 SHA256:abc
";

/// Strings an attacker controls in user agents, user names, paths.
pub const HOSTILE_STRINGS: &[&str] = &[
    "<script>alert(1)</script>",
    "\x1b[2J\x1b]0;owned\x07",
    "\u{202e}txt.exe",
    "[click](javascript:alert(1))",
    "a|b`c``` ~~d~~ *e* _f_ <!-- g",
    "line\nbreak\r\n\u{2028}",
];

/// Build the hostile directory bundle under `root`. `tag` makes the names
/// that try to escape unique to this run (`/tmp/faultline-hostile-TAG`).
pub fn hostile_dir(root: &Path, tag: &str) {
    let log = root.join("var/log");
    std::fs::create_dir_all(log.join("nginx")).expect("mkdir");
    std::fs::create_dir_all(root.join("etc")).expect("mkdir");
    std::fs::write(root.join("etc/timezone"), "UTC\n").expect("write");
    std::fs::write(log.join("auth.log"), HEALTHY_AUTH).expect("write");

    // Links: loops, secrets, endless devices.
    symlink("loop2", log.join("loop1")).expect("symlink");
    symlink("loop1", log.join("loop2")).expect("symlink");
    symlink("self", log.join("self")).expect("symlink");
    symlink("../..", log.join("up")).expect("symlink");
    symlink("/etc/shadow", log.join("shadow")).expect("symlink");
    symlink("/dev/zero", log.join("kern.log")).expect("symlink");
    symlink("/dev/zero", log.join("zero.gz")).expect("symlink");
    let fifo = log.join("messages");
    let ok = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "mkfifo failed");

    // Garbage where logs are expected.
    let mut rng = Rng::new(0x5eed);
    std::fs::write(log.join("syslog"), rng.bytes(256 << 10)).expect("write");
    let mut nul = Vec::new();
    for i in 0..50 {
        nul.extend_from_slice(
            format!("Aug  6 07:{:02}:00 web1 cron[9]: tick {i}\n", i % 60).as_bytes(),
        );
        nul.extend(std::iter::repeat_n(0u8, 4096 * (i % 3)));
    }
    std::fs::write(log.join("daemon.log"), &nul).expect("write");
    std::fs::write(log.join("user.log"), vec![0u8; 1 << 20]).expect("write");

    // Invalid UTF-8 in every field of each format.
    let bad: &[u8] = b"\xff\xfe\xc0\xaf\xed\xa0\x80";
    let mut inv = Vec::new();
    for (i, field) in ["host", "tag", "pid", "msg"].iter().enumerate() {
        let mut parts: Vec<Vec<u8>> = vec![
            b"web1".to_vec(),
            b"sshd".to_vec(),
            b"77".to_vec(),
            b"Failed password for root from 192.0.2.1 port 1 ssh2".to_vec(),
        ];
        parts[i].extend_from_slice(bad);
        let _ = field;
        inv.extend_from_slice(b"Aug  6 07:32:00 ");
        inv.extend_from_slice(&parts[0]);
        inv.push(b' ');
        inv.extend_from_slice(&parts[1]);
        inv.push(b'[');
        inv.extend_from_slice(&parts[2]);
        inv.extend_from_slice(b"]: ");
        inv.extend_from_slice(&parts[3]);
        inv.push(b'\n');
    }
    inv.extend_from_slice(b"Aug\xff 6 07:3\xfe:00 web1 x: y\n");
    std::fs::write(log.join("invalid-utf8.log"), &inv).expect("write");
    let mut acc = Vec::new();
    for field in 0..7 {
        let mut f: Vec<Vec<u8>> = [
            "198.51.100.1",
            "-",
            "06/Aug/2024:07:33:00 +0000",
            "GET /index.html HTTP/1.1",
            "200",
            "https://example.com/",
            "Mozilla/5.0",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        f[field].extend_from_slice(bad);
        acc.extend_from_slice(&f[0]);
        acc.extend_from_slice(b" - ");
        acc.extend_from_slice(&f[1]);
        acc.extend_from_slice(b" [");
        acc.extend_from_slice(&f[2]);
        acc.extend_from_slice(b"] \"");
        acc.extend_from_slice(&f[3]);
        acc.extend_from_slice(b"\" ");
        acc.extend_from_slice(&f[4]);
        acc.extend_from_slice(b" 512 \"");
        acc.extend_from_slice(&f[5]);
        acc.extend_from_slice(b"\" \"");
        acc.extend_from_slice(&f[6]);
        acc.extend_from_slice(b"\"\n");
    }
    // Hostile strings where nginx and sshd put attacker text.
    for s in HOSTILE_STRINGS {
        let one_line = s.replace(['\n', '\r'], " ");
        acc.extend_from_slice(
            format!(
                "203.0.113.66 - {one_line} [06/Aug/2024:07:34:00 +0000] \"GET /{one_line} HTTP/1.1\" 404 0 \"{one_line}\" \"{one_line}\"\n"
            )
            .as_bytes(),
        );
    }
    std::fs::write(log.join("nginx/access.log"), &acc).expect("write");
    let mut err = Vec::new();
    for s in HOSTILE_STRINGS {
        let one_line = s.replace(['\n', '\r'], " ");
        err.extend_from_slice(format!(
            "2024/08/06 07:35:00 [error] 11#11: *1 open() \"/srv/{one_line}\" failed (2: No such file or directory), client: 203.0.113.66, server: _, request: \"GET /{one_line} HTTP/1.1\", host: \"{one_line}\"\n"
        ).as_bytes());
    }
    err.extend_from_slice(b"2024/08/06 07:35:01 [\xff] 11#11: \xfe\n");
    std::fs::write(log.join("nginx/error.log"), &err).expect("write");
    let mut secure = String::new();
    for s in HOSTILE_STRINGS {
        let one_line = s.replace(['\n', '\r'], " ");
        secure.push_str(&format!(
            "Aug  6 07:36:00 web1 sshd[555]: Invalid user {one_line} from 203.0.113.66 port 4444\n\
             Aug  6 07:36:01 web1 sudo: {one_line} : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/{one_line}\n"
        ));
    }
    std::fs::write(log.join("secure"), secure).expect("write");

    // Stamps that cannot be.
    let impossible = "\
Feb 30 12:00:00 web1 sshd[1]: Failed password for root from 192.0.2.2 port 2 ssh2
Aug  6 25:61:61 web1 sshd[1]: Failed password for root from 192.0.2.3 port 3 ssh2
Aug 99 07:00:00 web1 sshd[1]: x
Foo  6 07:00:00 web1 sshd[1]: x
9999-12-31T23:59:59.999999+14:00 web1 sshd[1]: Failed password for root from 192.0.2.4 port 4 ssh2
9999-12-31T23:59:59.999999-99:99 web1 sshd[1]: x
2024-02-30T12:00:00.000000+00:00 web1 sshd[1]: x
2024-08-06T25:61:61.000000+00:00 web1 sshd[1]: x
0000-01-01T00:00:00+00:00 web1 sshd[1]: x
2024-08-06T07:00:00.000000-9999 web1 sshd[1]: x
2024-08-06T07:00:00.99999999999999999999+00:00 web1 sshd[1]: x
<13>1 9999-12-31T23:59:60Z web1 app 1 - - x
<999999>1 2024-08-06T07:00:00Z web1 app 1 - - x
";
    std::fs::write(log.join("impossible.log"), impossible).expect("write");
    let impossible_access = "\
192.0.2.9 - - [30/Feb/2024:25:61:61 -9999] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"
192.0.2.9 - - [31/Dec/9999:23:59:59 +9999] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"
192.0.2.9 - - [01/Jan/0000:00:00:00 +0000] \"GET / HTTP/1.1\" 99999999999999999999 99999999999999999999 \"-\" \"-\"
";
    std::fs::write(log.join("nginx/access.log.1"), impossible_access).expect("write");
    let journal = "\
{\"__REALTIME_TIMESTAMP\":\"99999999999999999999\",\"MESSAGE\":\"x\",\"SYSLOG_IDENTIFIER\":\"sshd\"}
{\"__REALTIME_TIMESTAMP\":\"-1\",\"MESSAGE\":[1,2,3],\"_PID\":\"-5\"}
{\"__REALTIME_TIMESTAMP\":\"9223372036854775807\",\"MESSAGE\":\"y\"}
{\"__REALTIME_TIMESTAMP\":\"1722929700000000\",\"MESSAGE\":\"\\u001b[2J\\u202e <script>\",\"SYSLOG_IDENTIFIER\":\"<script>\"}
{\"__REALTIME_TIMESTAMP\":
";
    std::fs::write(log.join("journal.json"), journal).expect("write");

    // Broken compressed members.
    let text = HEALTHY_AUTH.repeat(200);
    let z = gz(text.as_bytes());
    std::fs::write(log.join("auth.log.2.gz"), &z[..z.len() / 2]).expect("write");
    std::fs::write(log.join("auth.log.3.gz"), [0x1f, 0x8b]).expect("write");
    std::fs::write(log.join("auth.log.4.gz"), b"").expect("write");
    let x = xz(text.as_bytes());
    std::fs::write(log.join("auth.log.5.xz"), &x[..x.len() / 2]).expect("write");
    std::fs::write(log.join("auth.log.6.xz"), &x[..6]).expect("write");
    let s = zst(text.as_bytes());
    std::fs::write(log.join("auth.log.7.zst"), &s[..s.len() / 2]).expect("write");
    std::fs::write(log.join("auth.log.8.zst"), &s[..4]).expect("write");
    let b = bz2(text.as_bytes());
    std::fs::write(log.join("auth.log.9.bz2"), &b[..b.len() / 2]).expect("write");
    // Gzip magic, then garbage.
    let mut g = vec![0x1f, 0x8b, 8, 0];
    g.extend(rng.bytes(4096));
    std::fs::write(log.join("syslog.1.gz"), &g).expect("write");
    // Small bombs: 64 MiB of zeros in 64 KiB (binary: never expanded) and
    // 8 MiB of log lines in 12 KiB (expanded until the fast suite's
    // lowered `--max-decoded-mib 4` stops it).
    std::fs::write(log.join("zeros.log.1.gz"), gz_zeros(64 << 20)).expect("write");
    std::fs::write(log.join("bomb.log.1.gz"), gz_log_bomb(8)).expect("write");

    // Names that attack whoever prints them.
    let names: &[&[u8]] = &[
        b"evil\nname.log",
        b"\x1b[2Jclear.log",
        "\u{202e}gol.txt".as_bytes(),
        b"<script>alert(1)<\\script>.log",
        b"[x](javascript:alert(1)).log",
        b"\xff\xfe-not-utf8.log",
    ];
    for n in names {
        let p = log.join(OsStr::from_bytes(n));
        std::fs::write(p, HEALTHY_AUTH).expect("write");
    }

    // Archives whose members try to escape.
    let escape_rel = format!("../../tmp/faultline-hostile-{tag}");
    let escape_abs = format!("/tmp/faultline-hostile-{tag}-abs");
    let healthy =
        b"Aug  6 07:40:00 web1 sshd[2000]: Failed password for bob from 203.0.113.10 port 1 ssh2\n";
    let t = tar(&[
        (b"../../tmp/x", TarItem::File(b"escaped\n")),
        (b"/tmp/x", TarItem::File(b"escaped\n")),
        (escape_rel.as_bytes(), TarItem::File(b"escaped\n")),
        (escape_abs.as_bytes(), TarItem::File(b"escaped\n")),
        (b"var/log/auth.log", TarItem::File(healthy)),
        (b"var/log/shadow", TarItem::Symlink(b"/etc/shadow")),
        (b"var/log/passwd", TarItem::HardLink(b"/etc/passwd")),
        (b"dev/zero", TarItem::CharDevice),
        (b"var/log/messages", TarItem::Fifo),
        (
            b"var/log/evil\n\x1b[2J\xe2\x80\xae.log",
            TarItem::File(healthy),
        ),
        (b"var/log/big.log", TarItem::Truncated(1 << 40, healthy)),
    ]);
    std::fs::write(root.join("evil.tar"), &t).expect("write");
    let zp = zip(
        &[
            ("../../tmp/x", b"escaped\n"),
            ("/tmp/x", b"escaped\n"),
            (&escape_rel, b"escaped\n"),
            (&escape_abs, b"escaped\n"),
            ("var/log/auth.log", healthy),
            ("var/log/\u{202e}evil\n.log", healthy),
        ],
        &[("var/log/shadow", "/etc/shadow"), ("up", "../../..")],
    );
    std::fs::write(root.join("evil.zip"), &zp).expect("write");
    // A plain tar larger than the fast suite's 4 MiB cap: read to the cap.
    let zeros = vec![0u8; 5 << 20];
    std::fs::write(
        root.join("big.tar"),
        tar(&[(b"var/log/zeros.bin".as_slice(), TarItem::File(&zeros))]),
    )
    .expect("write");
    static NESTED: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    static FANOUT: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    std::fs::write(root.join("nested.tar.gz"), NESTED.get_or_init(|| nested(6))).expect("write");
    // 12 x 512 KiB: each member under the fast suite's 4 MiB cap, the sum over.
    std::fs::write(
        root.join("fanout.zip"),
        FANOUT.get_or_init(|| fanout_zip(12, 512 << 10)),
    )
    .expect("write");
}

/// Archives nested `levels` deep: each level a tar.gz holding a log line
/// and the next level.
pub fn nested(levels: usize) -> Vec<u8> {
    let mut inner = gz(&tar(&[(
        b"var/log/deep.log".as_slice(),
        TarItem::File(
            b"Aug  6 07:50:00 web1 sshd[3000]: Failed password for deep from 203.0.113.11 port 1 ssh2\n",
        ),
    )]));
    for level in 1..levels {
        let name = format!("level{level}.tar.gz");
        let log = format!(
            "Aug  6 07:5{}:00 web1 sshd[3000]: Failed password for level{level} from 203.0.113.11 port 1 ssh2\n",
            level % 10
        );
        inner = gz(&tar(&[
            (name.as_bytes(), TarItem::File(&inner)),
            (
                b"var/log/auth.log".as_slice(),
                TarItem::File(log.as_bytes()),
            ),
        ]));
    }
    inner
}

/// A zip of `n` members each `size` zero bytes: every member under the
/// per-member cap, the sum far over it.
pub fn fanout_zip(n: usize, size: usize) -> Vec<u8> {
    let zeros = vec![0u8; size];
    let names: Vec<String> = (0..n).map(|i| format!("var/log/zero{i}.log")).collect();
    let items: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &zeros[..])).collect();
    zip(&items, &[])
}

/// A fingerprint of a tree: per entry its type, mode, mtime (ns), size and
/// content hash (regular files only: a FIFO is never opened), or its link
/// target. Nothing is followed.
pub fn fingerprint(root: &Path) -> BTreeMap<OsString, String> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(root)
        .follow_links(false)
        .follow_root_links(false)
    {
        let e = e.expect("walk");
        let m = e.path().symlink_metadata().expect("lstat");
        let rel = e
            .path()
            .strip_prefix(root)
            .unwrap_or(e.path())
            .as_os_str()
            .to_owned();
        let ft = m.file_type();
        let what = if ft.is_file() {
            let bytes = std::fs::read(e.path()).expect("read");
            format!("file {:?}", sha2::Sha256::digest(&bytes).as_slice())
        } else if ft.is_symlink() {
            format!("link {:?}", std::fs::read_link(e.path()).expect("readlink"))
        } else if ft.is_dir() {
            "dir".to_string()
        } else {
            "special".to_string()
        };
        out.insert(
            rel,
            format!(
                "{what} mode={:o} mtime={}.{} size={}",
                m.mode(),
                m.mtime(),
                m.mtime_nsec(),
                m.size()
            ),
        );
    }
    out
}

/// One finished run of the binary.
pub struct Outcome {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
    /// Peak RSS in KiB, when `/usr/bin/time` could measure it.
    pub max_rss_kib: Option<u64>,
    pub elapsed: Duration,
    pub timed_out: bool,
}

impl Outcome {
    pub fn stdout_str(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

/// Run the binary with `args`, its working directory and `TMPDIR` set to
/// `cwd` (a directory the caller watches for stray writes), killed after
/// `timeout`. Output goes to files under `scratch`, never to pipes that
/// could fill and stall the child while we wait.
pub fn run_bounded(args: &[OsString], cwd: &Path, scratch: &Path, timeout: Duration) -> Outcome {
    use std::os::unix::process::CommandExt;
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let out_p = scratch.join(format!("out.{n}"));
    let err_p = scratch.join(format!("err.{n}"));
    let rss_p = scratch.join(format!("rss.{n}"));
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_faultline"));
    let time = Path::new("/usr/bin/time");
    let mut cmd = if time.exists() {
        let mut c = Command::new(time);
        c.arg("-f").arg("%M").arg("-o").arg(&rss_p).arg(&bin);
        c
    } else {
        Command::new(&bin)
    };
    cmd.args(args)
        .current_dir(cwd)
        .env("TMPDIR", cwd)
        .env("SOURCE_DATE_EPOCH", "0")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_p).expect("stdout file"))
        .stderr(std::fs::File::create(&err_p).expect("stderr file"))
        .process_group(0);
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn faultline");
    let mut timed_out = false;
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > timeout {
            timed_out = true;
            // The whole group: /usr/bin/time and faultline under it.
            let _ = Command::new("kill")
                .arg("-KILL")
                .arg(format!("-{}", child.id()))
                .status();
            break child.wait().expect("wait");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    let max_rss_kib = std::fs::read_to_string(&rss_p)
        .ok()
        .and_then(|s| s.lines().rev().find_map(|l| l.trim().parse::<u64>().ok()));
    Outcome {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read(&out_p).unwrap_or_default(),
        stderr: String::from_utf8_lossy(&std::fs::read(&err_p).unwrap_or_default()).into_owned(),
        max_rss_kib,
        elapsed,
        timed_out,
    }
}

/// OsString arguments from a mix of strings and paths.
pub fn args<I, S>(items: I) -> Vec<OsString>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    items.into_iter().map(|s| s.as_ref().to_owned()).collect()
}

/// Bytes of a path, for messages about paths that are not UTF-8.
pub fn path_bytes(p: &Path) -> Vec<u8> {
    p.as_os_str().to_owned().into_vec()
}
