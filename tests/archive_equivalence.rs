//! A bundle reads the same whether it is a directory, a tar.gz or a zip:
//! same members, same sha256 of the logs, same formats, line counts, parse
//! rates and time ranges. Archives are built in a temp dir from a shipped
//! sample (never extracted by faultline: it reads them in place).

mod common;

use common::{run, sample};
use serde_json::Value;
use std::io::Write;
use std::path::Path;

fn inventory(path: &Path) -> Value {
    let (code, out, err) = run(&[
        "inventory",
        path.to_str().unwrap(),
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// (path, size, sha256, format, lines, parsed, first_ts, last_ts) per file, keyed by path
/// with `prefix` stripped.
fn summary(inv: &Value, prefix: &str) -> Vec<String> {
    let mut v: Vec<String> = inv["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["role"] != "archive")
        .map(|f| {
            let p = f["path"].as_str().unwrap();
            let p = p.strip_prefix(prefix).unwrap_or(p);
            format!(
                "{p} {} {} {} {} {} {} {}",
                f["size"],
                f["sha256"],
                f["format"],
                f["lines"],
                f["parsed"],
                f["first_ts"],
                f["last_ts"]
            )
        })
        .collect();
    v.sort();
    v
}

fn files(root: &Path) -> Vec<(String, std::path::PathBuf)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(root).sort_by_file_name() {
        let e = e.unwrap();
        if e.depth() == 0 || e.file_type().is_dir() {
            continue;
        }
        let rel = e
            .path()
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        out.push((rel, e.path().to_path_buf()));
    }
    out
}

fn tar_gz(root: &Path, out: &Path, prefix: &str) {
    let f = std::fs::File::create(out).unwrap();
    let gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
    let mut t = tar::Builder::new(gz);
    t.follow_symlinks(false);
    for (rel, p) in files(root) {
        t.append_path_with_name(&p, format!("{prefix}{rel}"))
            .unwrap();
    }
    t.into_inner().unwrap().finish().unwrap();
}

fn zip(root: &Path, out: &Path) {
    let f = std::fs::File::create(out).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (rel, p) in files(root) {
        let meta = std::fs::symlink_metadata(&p).unwrap();
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&p).unwrap();
            z.add_symlink(rel, target.to_string_lossy(), opts).unwrap();
        } else {
            z.start_file(rel, opts).unwrap();
            z.write_all(&std::fs::read(&p).unwrap()).unwrap();
        }
    }
    z.finish().unwrap();
}

#[test]
fn tar_gz_and_zip_read_like_the_directory() {
    let dir = sample("nginx-loopback-only");
    let want = summary(&inventory(&dir), "");
    assert!(want.len() > 20, "sample too small: {want:?}");
    let tmp = tempfile::tempdir().unwrap();

    let flat = tmp.path().join("bundle.tar.gz");
    tar_gz(&dir, &flat, "");
    assert_eq!(
        summary(&inventory(&flat), ""),
        want,
        "tar.gz without a top directory"
    );

    // A sosreport has a top directory: the paths carry it, nothing else changes.
    let sos = tmp.path().join("sosreport-shop-web-2026-09-02.tar.gz");
    tar_gz(&dir, &sos, "sosreport-shop-web-2026-09-02/");
    assert_eq!(
        summary(&inventory(&sos), "sosreport-shop-web-2026-09-02/"),
        want,
        "tar.gz with a top directory"
    );

    let z = tmp.path().join("bundle.zip");
    zip(&dir, &z);
    assert_eq!(summary(&inventory(&z), ""), want, "zip");
}

#[test]
fn analysis_of_an_archive_matches_the_directory() {
    let dir = sample("fail2ban-banned-office");
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("b.tar.gz");
    tar_gz(&dir, &a, "");
    let get = |p: &Path| {
        let (code, out, err) = run(&["analyze", p.to_str().unwrap(), "--format", "json", "-q"]);
        assert_eq!(code, 0, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        (
            v["broke_at"].clone(),
            v["root_cause"].clone(),
            v["findings"].clone(),
        )
    };
    assert_eq!(get(&dir), get(&a));
}
