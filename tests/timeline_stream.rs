//! The streaming timeline (big bundles) writes what the in-memory one
//! writes: same events, order, folded duplicates and boots, on every sample
//! and in JSONL and CSV. `FAULTLINE_TIMELINE_STREAM=1|0` forces the path.

mod common;

fn timeline(bundle: &std::path::Path, stream: bool, args: &[&str]) -> String {
    let out = std::process::Command::new(common::bin())
        .arg("timeline")
        .arg(bundle)
        .args(args)
        .arg("-q")
        .env("FAULTLINE_TIMELINE_STREAM", if stream { "1" } else { "0" })
        .output()
        .expect("run faultline");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn streamed_equals_in_memory_on_samples() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("samples/") {
        let path = entry.expect("entry").path();
        if !path.is_dir() {
            continue;
        }
        for args in [
            &["--format", "jsonl", "--all"][..],
            &["--format", "csv"][..],
            &["--format", "jsonl", "--kinds", "system.boot,service.start"][..],
        ] {
            let a = timeline(&path, false, args);
            let b = timeline(&path, true, args);
            assert!(
                a == b,
                "{} {args:?}: streamed output differs",
                path.display()
            );
        }
        seen += 1;
    }
    assert!(seen > 0, "no sample bundles");
}
