//! The read path: discover a generated bundle, hash and decode every member
//! and split it into lines, in parallel — the floor under every subcommand.
//! Size with `FAULTLINE_BENCH_MIB` (default 1024); the bundle is generated
//! once per run with a fixed seed under the target directory.

#[path = "bundle_gen.rs"]
mod bundle_gen;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use faultline::decode::{self, Limits};
use faultline::discover;
use rayon::prelude::*;
use sha2::Digest;

fn read_path(c: &mut Criterion) {
    let mib: u64 = std::env::var("FAULTLINE_BENCH_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("target/bench-bundle-{mib}"));
    // A bundle without the current generator's marker (an older version,
    // or a run cut short) is written again from scratch.
    if !dir.is_dir() || !bundle_gen::marker(&dir).exists() {
        if dir.exists() {
            std::fs::remove_dir_all(&dir).expect("remove the old bench bundle");
        }
        let t = std::time::Instant::now();
        let size = bundle_gen::bundle(&dir, mib).expect("generate the bench bundle");
        println!(
            "generated {} ({} bytes on disk) in {:.1} s",
            dir.display(),
            size,
            t.elapsed().as_secs_f64()
        );
    }
    if std::env::var_os("FAULTLINE_BENCH_GEN_ONLY").is_some() {
        // `FAULTLINE_BENCH_GEN_ONLY=1 cargo bench --bench read_path` only
        // writes the bundle (for the README's Performance commands).
        println!("bundle: {}", dir.display());
        return;
    }
    let limits = Limits::default();
    let d = discover::discover(std::slice::from_ref(&dir), &limits).expect("discover");
    let bytes: u64 = d.members.iter().map(|m| m.size).sum();
    let mut g = c.benchmark_group("read_path");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("split_lines", |b| {
        b.iter(|| {
            let d = discover::discover(std::slice::from_ref(&dir), &limits).expect("discover");
            let lines: u64 = d
                .members
                .par_iter()
                .map(|m| {
                    let stored = m.load().expect("load");
                    let c = decode::sniff(&stored);
                    if c == decode::Compression::None {
                        faultline::parse::split_chunks(&stored, 4 << 20)
                            .par_iter()
                            .map(|&(a, z)| memchr::memchr_iter(b'\n', &stored[a..z]).count() as u64)
                            .sum()
                    } else {
                        let dec = decode::decompress(&stored, c, &limits);
                        memchr::memchr_iter(b'\n', &dec.data).count() as u64
                    }
                })
                .sum();
            std::hint::black_box(lines)
        })
    });
    g.bench_function("hash_sha256", |b| {
        b.iter(|| {
            let n: usize = d
                .members
                .par_iter()
                .map(|m| sha2::Sha256::digest(&m.load().expect("load")[..]).len())
                .sum();
            std::hint::black_box(n)
        })
    });
    g.finish();
}

criterion_group!(benches, read_path);
criterion_main!(benches);
