//! The grammar files as a contract: the embedded set loads with every
//! sample passing; `faultline grammars check` points at the file and line
//! of a broken pattern and of a failing sample; `--grammars DIR` replaces
//! an embedded grammar with the same id.

mod common;

use faultline::grammar::{GrammarKind, GrammarSet, load_embedded};

#[test]
fn embedded_set_loads_and_every_sample_passes() {
    let (_, gs) = load_embedded().expect("embedded grammars load");
    for g in &gs {
        assert!(!g.samples.is_empty(), "{} has no samples", g.id);
        for s in &g.samples {
            assert!(
                !s.expect.is_empty(),
                "{}:{} sample without expect",
                g.origin,
                s.at_line
            );
        }
        if g.kind == GrammarKind::Message {
            assert!(!g.programs.is_empty(), "{} names no programs", g.id);
        }
    }
    let n = gs.len();
    let set = GrammarSet::new(gs);
    assert_eq!(set.grammars.len(), n, "embedded ids are unique");
    let failures = faultline::grammar_check::check_samples(&set);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let (code, out, err) = common::run(&["grammars", "list"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("sshd") && out.contains("syslog"), "{out}");
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

#[test]
fn check_points_at_a_broken_pattern() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = write(
        d.path(),
        "broken.toml",
        "id = \"broken\"\nkind = \"message\"\nprograms = [\"x\"]\n\n[[event]]\npattern = '^(unclosed <INT:pid>'\nkind = \"log.other\"\n\n[[sample]]\nmessage = 'a'\nprogram = \"x\"\nexpect = { kind = \"log.other\" }\n",
    );
    let (code, _out, err) = common::run(&["grammars", "check", p.to_str().expect("path")]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("broken.toml:6:"), "no file:line in {err:?}");
}

#[test]
fn check_points_at_a_failing_sample() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = write(
        d.path(),
        "wrong.toml",
        "id = \"wrong\"\nkind = \"message\"\nprograms = [\"demo\"]\n\n[[event]]\npattern = '^hello from <IP:host>'\nkind = \"auth.failure\"\n\n[[sample]]\nmessage = 'hello from 192.0.2.1'\nprogram = \"demo\"\nexpect = { kind = \"auth.success\", src_ip = \"192.0.2.1\" }\n",
    );
    let (code, _out, err) = common::run(&["grammars", "check", p.to_str().expect("path")]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("wrong.toml:10:"), "no file:line in {err:?}");
    assert!(err.contains("auth.success"), "{err}");
}

#[test]
fn grammars_dir_overrides_by_id() {
    let d = tempfile::tempdir().expect("tempdir");
    let gdir = d.path().join("g");
    std::fs::create_dir(&gdir).expect("mkdir");
    // Replace the embedded `sudo` grammar: a command is now a config change.
    write(
        &gdir,
        "sudo.toml",
        "id = \"sudo\"\nkind = \"message\"\nprograms = [\"sudo\"]\n\n[[event]]\npattern = '^\\s*<WORD:user> : .*?COMMAND=(?P<action>.*)$'\nkind = \"config.change\"\n\n[[sample]]\nmessage = 'ops : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/true'\nprogram = \"sudo\"\nexpect = { kind = \"config.change\", user = \"ops\" }\n",
    );
    let log = write(
        d.path(),
        "auth.log",
        "Aug  6 14:02:31 web1 sudo:      ops : TTY=pts/0 ; PWD=/home/ops ; USER=root ; COMMAND=/usr/bin/systemctl disable nginx\n",
    );
    let run = |extra: &[&str]| {
        let mut args = vec![
            "timeline",
            log.to_str().expect("path"),
            "--all",
            "--format",
            "jsonl",
            "--year",
            "2024",
            "--tz",
            "UTC",
        ];
        args.extend_from_slice(extra);
        let (code, out, err) = common::run(&args);
        assert_eq!(code, 0, "{err}");
        out
    };
    assert!(run(&[]).contains("\"kind\":\"sudo.command\""));
    let over = run(&["--grammars", gdir.to_str().expect("path")]);
    assert!(over.contains("\"kind\":\"config.change\""), "{over}");
    let (code, out, _) = common::run(&[
        "grammars",
        "list",
        "--grammars",
        gdir.to_str().expect("path"),
    ]);
    assert_eq!(code, 0);
    let line = out
        .lines()
        .find(|l| l.starts_with("sudo "))
        .expect("sudo listed");
    assert!(
        line.contains("sudo.toml") && !line.contains("embedded"),
        "{line}"
    );
}
