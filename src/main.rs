//! The binary edge: parse arguments, run the pipeline, write the output.
//! Exit codes (SPEC): 0 done, 1 the work could not be done, 2 bad usage.

use anyhow::{Context, Result, anyhow};
use clap::Parser;
use faultline::cli::{
    AnalyzeFormat, Cli, Command, Common, GrammarsAction, TextJson, TimelineFormat,
};
use faultline::decode::Limits;
use faultline::event::Kind;
use faultline::parse::VecSink;
use faultline::pipeline::{self, Options};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

fn main() {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    match run(cli) {
        Ok(()) => {}
        Err(e) => {
            // A closed pipe (`| head`) is not an error worth a message.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                std::process::exit(0);
            }
            eprintln!("faultline: error: {e:#}");
            std::process::exit(1);
        }
    }
}

fn options(c: &Common) -> Result<Options> {
    if let Some(tz) = &c.tz
        && faultline::normalize::Zone::parse(tz).is_none()
    {
        eprintln!(
            "faultline: error: --tz {tz:?} is neither an IANA zone (Europe/Berlin) nor an offset (+09:00)"
        );
        std::process::exit(2);
    }
    if let Some(n) = c.threads {
        // Only the first call configures the pool; later ones are ignored.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    Ok(Options {
        tz: c.tz.clone(),
        year: c.year,
        grammars_dir: c.grammars.clone(),
        limits: Limits {
            max_decoded: c.max_decoded_mib.saturating_mul(1 << 20),
            max_ratio: c.max_ratio.max(1),
            max_depth: c.max_depth,
            max_files: c.max_files,
            max_line: c.max_line_kib.saturating_mul(1024).max(256),
            ..Limits::default()
        },
        progress: !c.no_progress && !c.quiet,
    })
}

fn bound(s: &Option<String>, what: &str) -> Option<i64> {
    s.as_ref()
        .map(|v| match faultline::timeline::parse_bound(v) {
            Some(t) => t,
            None => {
                eprintln!(
                    "faultline: error: {what} {v:?} is not RFC 3339 or `YYYY-MM-DD HH:MM[:SS]`"
                );
                std::process::exit(2);
            }
        })
}

fn output(path: &Option<PathBuf>) -> Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p)
                .with_context(|| format!("{}: cannot create the output file", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

fn warn_all(quiet: bool, inv: &faultline::inventory::Inventory) {
    if quiet {
        return;
    }
    let mut stderr = std::io::stderr().lock();
    for w in &inv.warnings {
        let _ = writeln!(
            stderr,
            "faultline: warning: {}",
            faultline::report::escape::terminal(w)
        );
    }
    for f in &inv.files {
        for w in &f.warnings {
            let _ = writeln!(
                stderr,
                "faultline: warning: {}: {}",
                faultline::report::escape::terminal(&f.path),
                faultline::report::escape::terminal(w)
            );
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Inventory {
            bundles,
            format,
            output: out,
            common,
        } => {
            let opts = options(&common)?;
            let g = pipeline::load_grammars(common.grammars.as_deref())?;
            let run = pipeline::run(&bundles, &opts, &g, faultline::parse::CountSink)?;
            warn_all(common.quiet, &run.inventory);
            let mut w = output(&out)?;
            match format {
                TextJson::Json => {
                    serde_json::to_writer_pretty(&mut w, &run.inventory)?;
                    writeln!(w)?;
                }
                TextJson::Text => w.write_all(run.inventory.render_text().as_bytes())?,
            }
            w.flush()?;
        }
        Command::State {
            bundles,
            format,
            output: out,
            common,
        } => {
            let opts = options(&common)?;
            let g = pipeline::load_grammars(common.grammars.as_deref())?;
            let run = pipeline::run(&bundles, &opts, &g, faultline::parse::CountSink)?;
            warn_all(common.quiet, &run.inventory);
            let mut w = output(&out)?;
            match format {
                TextJson::Json => {
                    serde_json::to_writer_pretty(&mut w, &run.state)?;
                    writeln!(w)?;
                }
                TextJson::Text => {
                    w.write_all(faultline::state::render_text(&run.state).as_bytes())?
                }
            }
            w.flush()?;
        }
        Command::Timeline {
            bundles,
            format,
            kinds,
            all,
            utc,
            output: out,
            common,
        } => {
            let opts = options(&common)?;
            let mut wanted = Vec::new();
            for k in &kinds {
                match Kind::parse(k) {
                    Some(k) => wanted.push(k),
                    None => {
                        eprintln!(
                            "faultline: error: --kinds: unknown kind {k:?} (see SPEC \"Event kinds\")"
                        );
                        std::process::exit(2);
                    }
                }
            }
            let since = bound(&common.since, "--since");
            let until = bound(&common.until, "--until");
            let g = pipeline::load_grammars(common.grammars.as_deref())?;
            let prep = pipeline::prepare(&bundles, &opts, &g)?;
            let keep = |k: Kind| {
                (wanted.is_empty() && (all || k != Kind::LogOther)) || wanted.contains(&k)
            };
            if stream_timeline(prep.log_bytes()) {
                return timeline_streamed(
                    prep,
                    &opts,
                    &g,
                    &keep,
                    (since, until),
                    format,
                    utc,
                    &out,
                    common.quiet,
                );
            }
            let mut run = prep.parse_all(&opts, &g, VecSink::default());
            warn_all(common.quiet, &run.inventory);
            // Boots, silences and skew need every event, before filtering.
            let mut all_events = faultline::timeline::merge(std::mem::take(&mut run.sink.0));
            faultline::timeline::annotate(&mut run.inventory, &mut all_events);
            let events: Vec<_> = all_events
                .into_iter()
                .filter(|e| {
                    (wanted.is_empty() && (all || e.kind != Kind::LogOther))
                        || wanted.contains(&e.kind)
                })
                .filter(|e| since.is_none_or(|s| e.ts >= s) && until.is_none_or(|u| e.ts < u))
                .collect();
            let mut w = output(&out)?;
            match format {
                TimelineFormat::Jsonl => faultline::timeline::write_jsonl(&mut w, &events)?,
                TimelineFormat::Csv => faultline::timeline::write_csv(&mut w, &events)?,
                TimelineFormat::Text => {
                    let zone = (!utc)
                        .then(|| run.contexts.first().map(|c| c.zone.clone()))
                        .flatten();
                    faultline::timeline::write_text(&mut w, &events, zone.as_ref())?
                }
            }
            w.flush()?;
        }
        Command::Analyze {
            bundles,
            format,
            output: out,
            redact,
            common,
        } => {
            let opts = options(&common)?;
            let since = bound(&common.since, "--since");
            let until = bound(&common.until, "--until");
            let g = pipeline::load_grammars(common.grammars.as_deref())?;
            let run = pipeline::run(
                &bundles,
                &opts,
                &g,
                faultline::correlate::Collector::new(since, until)
                    .with_many_bundles(bundles.len() > 1),
            )?;
            warn_all(common.quiet, &run.inventory);
            let mut analysis = pipeline::timed("correlate", || {
                faultline::correlate::analyze(run, generated_at())
            });
            if redact {
                analysis = faultline::report::redact::redact(&analysis);
            }
            let tty = out.is_none() && std::io::stdout().is_terminal();
            let fmt = match format {
                Some(f) => f,
                None if tty => AnalyzeFormat::Text,
                None => AnalyzeFormat::Json,
            };
            let color = tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let width = terminal_width();
            let f = match fmt {
                AnalyzeFormat::Text => faultline::report::Format::Text,
                AnalyzeFormat::Md => faultline::report::Format::Markdown,
                AnalyzeFormat::Html => faultline::report::Format::Html,
                AnalyzeFormat::Json => faultline::report::Format::Json,
            };
            let mut w = output(&out)?;
            w.write_all(faultline::report::render(&analysis, f, color, width).as_bytes())?;
            w.flush()?;
        }
        Command::Grammars { action, grammars } => match action.unwrap_or(GrammarsAction::List) {
            GrammarsAction::List => {
                let g = pipeline::load_grammars(grammars.as_deref())?;
                let mut w = output(&None)?;
                for gr in &g.grammars {
                    let kind = match &gr.kind {
                        faultline::grammar::GrammarKind::Frame(f) => format!("frame:{f}"),
                        faultline::grammar::GrammarKind::Line => "line".into(),
                        faultline::grammar::GrammarKind::Message => {
                            format!("message:{}", gr.programs.join(","))
                        }
                    };
                    writeln!(
                        w,
                        "{:<18} {:<40} {} samples  {}",
                        gr.id,
                        kind,
                        gr.samples.len(),
                        gr.origin
                    )?;
                }
                w.flush()?;
            }
            GrammarsAction::Check { files } => {
                if files.is_empty() {
                    eprintln!("faultline: error: grammars check needs at least one FILE");
                    std::process::exit(2);
                }
                check_grammar_files(&files, grammars.as_deref())?;
            }
        },
    }
    Ok(())
}

fn check_grammar_files(files: &[PathBuf], dir: Option<&std::path::Path>) -> Result<()> {
    let (mut macros, mut base) = faultline::grammar::load_embedded()?;
    if let Some(d) = dir {
        base.extend(faultline::grammar::load_dir(d, &mut macros)?);
    }
    let mut errors = Vec::new();
    let mut loaded = Vec::new();
    for f in files {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("{}: cannot read", f.display()))?;
        if f.file_name().is_some_and(|n| n == "_macros.toml") {
            match faultline::grammar::load::parse_macros(&f.display().to_string(), &text) {
                Ok(m) => macros.extend(m),
                Err(e) => errors.push(e.to_string()),
            }
            continue;
        }
        match faultline::grammar::load_text(&f.display().to_string(), &text, &macros) {
            Ok(g) => loaded.push(g),
            Err(e) => errors.push(e.to_string()),
        }
    }
    let names: Vec<String> = loaded.iter().map(|g| g.origin.clone()).collect();
    base.extend(loaded);
    let set = faultline::grammar::GrammarSet::new(base);
    for e in faultline::grammar_check::check_samples(&set) {
        if names.iter().any(|n| e.starts_with(n.as_str())) {
            errors.push(e);
        }
    }
    if errors.is_empty() {
        println!(
            "ok: {} file(s), every pattern compiles and every sample passes",
            files.len()
        );
        Ok(())
    } else {
        for e in &errors {
            eprintln!("{e}");
        }
        Err(anyhow!("{} grammar problem(s)", errors.len()))
    }
}

/// Logs bigger than this in all are streamed by `timeline`.
const STREAM_ABOVE: u64 = 64 << 20;

/// Whether `timeline` streams: above [`STREAM_ABOVE`] bytes of logs, or as
/// `FAULTLINE_TIMELINE_STREAM=1|0` says.
fn stream_timeline(log_bytes: u64) -> bool {
    match std::env::var("FAULTLINE_TIMELINE_STREAM").ok().as_deref() {
        Some("1") => true,
        Some("0") => false,
        _ => log_bytes > STREAM_ABOVE,
    }
}

/// `timeline` in bounded memory: the boots first (a pass over the logs that
/// can report one, building no events), then every member parsed a window
/// at a time and merged as it goes; the output is written while reading.
/// Unlike the in-memory path it does not compute silences and clock skew
/// (they are `inventory`'s and `analyze`'s), and warnings come at the end.
#[allow(clippy::too_many_arguments)]
fn timeline_streamed(
    prep: pipeline::Prepared,
    opts: &Options,
    g: &faultline::grammar::GrammarSet,
    keep: &(dyn Fn(Kind) -> bool + Sync),
    (since, until): (Option<i64>, Option<i64>),
    format: TimelineFormat,
    utc: bool,
    out: &Option<PathBuf>,
    quiet: bool,
) -> Result<()> {
    use faultline::timeline as tl;
    let boots = prep.boots(opts, g);
    let zone = (!utc)
        .then(|| prep.contexts.first().map(|c| c.zone.clone()))
        .flatten();
    let widths = tl::TextWidths {
        kind: 18,
        host: prep
            .contexts
            .iter()
            .map(|c| c.host.chars().count())
            .max()
            .unwrap_or(0)
            .min(24),
        src: 40,
    };
    let (mut streams, failed) = prep.streams(opts);
    let mut w = output(out)?;
    if let TimelineFormat::Csv = format {
        tl::write_csv_header(&mut w)?;
    }
    let stats = {
        let sources: Vec<tl::Batches<'_>> = streams
            .iter_mut()
            .map(|m| -> tl::Batches<'_> { Box::new(move || m.next_batch(opts, g, keep)) })
            .collect();
        let w = &mut w;
        tl::stream_merge(sources, &boots, |e| {
            if !keep(e.kind) || since.is_some_and(|s| e.ts < s) || until.is_some_and(|u| e.ts >= u)
            {
                return Ok(());
            }
            let one = std::slice::from_ref(e);
            match format {
                TimelineFormat::Jsonl => tl::write_jsonl(&mut *w, one),
                TimelineFormat::Csv => tl::write_csv_rows(&mut *w, one),
                TimelineFormat::Text => tl::write_text_rows(&mut *w, one, zone.as_ref(), &widths),
            }
        })?
    };
    w.flush()?;
    let parsed = prep.stream_results(streams, failed);
    let run = prep.finish(opts, g, (), parsed);
    warn_all(quiet, &run.inventory);
    if stats.late > 0 && !quiet {
        eprintln!(
            "faultline: warning: {} event(s) were more than a reorder window out of order in their file and were written where they were read",
            stats.late
        );
    }
    Ok(())
}

/// `SOURCE_DATE_EPOCH` fixes the only wall-clock value in a report.
fn generated_at() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    faultline::event::format_ts(secs * 1_000_000)
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &usize| w >= 40)
        .unwrap_or(100)
}
