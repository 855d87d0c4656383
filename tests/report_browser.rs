//! Renders the HTML report of the hand-built firewalld incident in Debian's
//! headless chromium: the page must load under its own CSP with no network
//! and show its SVG charts. The screenshot is kept under
//! `target/report-artifacts/` for a person to look at.
//!
//! Without chromium the test says "skipped: no chromium", unless `CI=true`,
//! where a missing browser is a failure (CI must install it).

use faultline::report::{fixture, html, markdown, text};
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |d| d.join(name)))
        .find(|p| p.is_file())
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/report-artifacts");
    std::fs::create_dir_all(&dir).expect("create artifacts dir");
    dir
}

fn run(browser: &Path, profile: &Path, extra: &[&str], url: &str) -> std::process::Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("run chromium")
}

#[test]
fn html_report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("chromium is not installed on CI");
        }
        println!("skipped: no chromium");
        return;
    };
    let out = artifacts();
    // The other views beside it, for a person comparing them.
    let a = fixture::firewalld_after_reboot();
    std::fs::write(out.join("firewalld_after_reboot.md"), markdown::render(&a)).expect("write md");
    std::fs::write(
        out.join("firewalld_after_reboot.txt"),
        text::render(&a, false, 100),
    )
    .expect("write txt");
    let tmp = tempfile::tempdir().expect("tempdir");
    let page = out.join("firewalld_after_reboot.html");
    std::fs::write(&page, html::render(&fixture::firewalld_after_reboot())).expect("write html");
    let url = format!("file://{}", page.display());

    let dom = run(&browser, &tmp.path().join("p1"), &["--dump-dom"], &url);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("<svg"), "no SVG in the DOM:\n{dom}");
    assert!(dom.contains("Firewall blocks the service"));
    assert!(dom.contains("firewall-cmd --add-service=http"));

    let png = out.join("firewalld_after_reboot.png");
    let _ = std::fs::remove_file(&png);
    let shot = run(
        &browser,
        &tmp.path().join("p2"),
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,2000",
        ],
        &url,
    );
    let meta = std::fs::metadata(&png).unwrap_or_else(|_| {
        panic!(
            "no screenshot; stderr:\n{}",
            String::from_utf8_lossy(&shot.stderr)
        )
    });
    assert!(meta.len() > 10_000, "screenshot suspiciously small");

    // The hostile report must load too, and nothing in it may become markup.
    let evil = out.join("hostile.html");
    std::fs::write(&evil, html::render(&fixture::hostile())).expect("write html");
    let dom = run(
        &browser,
        &tmp.path().join("p3"),
        &["--dump-dom"],
        &format!("file://{}", evil.display()),
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("<svg"));
    assert!(!dom.contains("<script"), "script element in hostile DOM");
    assert!(!dom.contains("<img"), "img element in hostile DOM");
}

/// A real sample's report, as `analyze --format html` writes it: charts in
/// the DOM, no console errors (a CSP violation or a script error would log
/// one), and a screenshot kept for a person to look at.
#[test]
fn sample_report_renders_without_console_errors() {
    let Some(browser) = chromium() else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("chromium is not installed on CI");
        }
        println!("skipped: no chromium");
        return;
    };
    let out = artifacts();
    let page = out.join("sample_firewalld_after_reboot.html");
    let bundle = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/firewalld-after-reboot");
    let st = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args([
            "analyze",
            bundle.to_str().unwrap(),
            "--format",
            "html",
            "-q",
            "-o",
            page.to_str().unwrap(),
        ])
        .env("SOURCE_DATE_EPOCH", "0")
        .status()
        .expect("run faultline");
    assert!(st.success());
    let tmp = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", page.display());
    let dom = run(
        &browser,
        &tmp.path().join("p1"),
        &["--dump-dom", "--enable-logging=stderr", "--v=0"],
        &url,
    );
    let html = String::from_utf8_lossy(&dom.stdout);
    let log = String::from_utf8_lossy(&dom.stderr);
    assert!(
        html.matches("<svg").count() >= 2,
        "expected request and drop charts in the DOM"
    );
    assert!(html.contains("firewall-cmd"), "the fix is not on the page");
    let console: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Refused to") || l.contains("Uncaught"))
        .collect();
    assert!(
        console.is_empty(),
        "console errors:\n{}",
        console.join("\n")
    );
    let png = out.join("sample_firewalld_after_reboot.png");
    let _ = std::fs::remove_file(&png);
    run(
        &browser,
        &tmp.path().join("p2"),
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,2400",
        ],
        &url,
    );
    assert!(
        std::fs::metadata(&png)
            .map(|m| m.len() > 10_000)
            .unwrap_or(false),
        "no screenshot"
    );
}
