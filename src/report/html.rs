//! The HTML view of an analysis: one self-contained file that opens from a
//! mail attachment or an incident ticket and prints to PDF.
//!
//! Security: a strict Content-Security-Policy (`default-src 'none'`, inline
//! styles only, `data:` images) and no script at all; expandable evidence
//! uses `<details>`. Every string from the bundle passes [`super::escape::html`],
//! including text inside the SVG charts. Nothing is fetched: no fonts,
//! images or scripts from anywhere.
//!
//! Layout, for the ten-second read: a summary box (broke at, root cause with
//! confidence, the fix in a copyable `<pre>`), then charts on one shared
//! time axis (requests per minute by status class per service, firewall
//! drops per minute per port, a swimlane of changes), each with the same
//! change markers, then the narrative with its raw evidence lines, the
//! findings and what was ruled out, time provenance and the inventory.

use super::escape::html as e;
use super::model::{Analysis, ChangeMarker, EvidenceLine, Finding, SourceRef};
use super::{
    hhmm, hhmmss, hosts, kind_title, lines_for, local_time, percent, step_local, top_finding, unix,
    utc_short,
};
use std::fmt::Write;

const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// HTML report of `a`.
pub fn render(a: &Analysis) -> String {
    let mut s = String::with_capacity(32 * 1024);
    let h = hosts(a);
    let host = if h.is_empty() {
        "unknown host".to_string()
    } else {
        h.join(", ")
    };
    let _ = writeln!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Outage on {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>",
        e(&host)
    );
    header(&mut s, a, &host);
    summary(&mut s, a);
    charts(&mut s, a);
    narrative(&mut s, a);
    findings(&mut s, a);
    missing(&mut s, a);
    provenance(&mut s, a);
    inventory(&mut s, a);
    let _ = writeln!(
        s,
        "<footer>faultline {} · grammars: {} · generated {}</footer>\n</main>\n</body>\n</html>",
        e(&a.faultline_version),
        e(&a.grammar_set.join(", ")),
        e(&a.generated_at)
    );
    s
}

const STYLE: &str = r#"
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;--bad:#c62828;--ok:#2e7d32;--warn:#e69500;--drop:#7b1fa2;--accent:#0b57d0}
*{box-sizing:border-box}
body{margin:0;background:var(--soft);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",Arial,sans-serif}
main{max-width:1180px;margin:0 auto;padding:24px 28px 40px;background:var(--bg)}
h1{font-size:26px;margin:0 0 2px}
h2{font-size:19px;margin:34px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
.sub{color:var(--muted);margin:0 0 16px}
code,pre,.mono{font-family:ui-monospace,"DejaVu Sans Mono","Liberation Mono",Menlo,Consolas,monospace;font-size:13px}
pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:6px 0;padding:8px 10px;background:var(--soft);border:1px solid var(--line);border-radius:6px}
.summary{border:2px solid var(--bad);border-radius:10px;padding:16px 20px;background:#fff7f7}
.summary.none{border-color:var(--line);background:var(--soft)}
.facts{display:grid;grid-template-columns:minmax(220px,1fr) 2.4fr;gap:10px 28px}
.label{font-size:12px;font-weight:600;letter-spacing:.06em;text-transform:uppercase;color:var(--muted)}
.big{font-size:24px;font-weight:700;line-height:1.2}
.broke .big{color:var(--bad)}
.small{color:var(--muted);font-size:13px}
.why{margin:10px 0 12px;font-size:16px}
.conf{display:inline-flex;align-items:center;gap:8px;font-size:13px;color:var(--muted);margin-top:4px}
.bar{display:inline-block;width:120px;height:8px;border-radius:4px;background:#e5e7eb;overflow:hidden}
.bar>span{display:block;height:100%;background:var(--bad)}
pre.fix{font-size:15px;background:#0d1117;color:#e6edf3;border-color:#0d1117;padding:10px 12px;user-select:all}
.symptoms{margin:12px 0 0;padding-left:18px;color:var(--fg)}
.symptoms li{margin:2px 0}
figure{margin:14px 0 4px;break-inside:avoid}
figcaption{font-weight:600;margin-bottom:4px}
.legend{font-weight:400;color:var(--muted);font-size:13px;margin-left:10px}
.sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin:0 4px 0 10px;vertical-align:-1px}
svg{display:block;width:100%;height:auto;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",Arial,sans-serif}
svg text{font-size:11px;fill:#3d444d}
svg .lab{font-size:11.5px;font-weight:600}
svg .lane{font-size:12px;font-weight:600;fill:#1b1f24}
ol.tl{list-style:none;margin:0;padding:0}
ol.tl li{display:grid;grid-template-columns:200px 1fr;gap:2px 16px;padding:8px 0 8px 10px;border-left:4px solid transparent;border-bottom:1px solid #eef0f2;break-inside:avoid}
ol.tl li.after{border-left-color:#f3c1c1}
ol.tl li.break{border-left-color:var(--bad);background:#fff7f7}
.when{font-variant-numeric:tabular-nums}
.when b{display:block}
.when span{color:var(--muted);font-size:13px}
details{margin-top:4px}
summary{cursor:pointer;color:var(--accent);font-size:13px}
.ev pre{margin:4px 0 0}
.ev .src{color:var(--muted);font-size:12px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;margin:10px 0;break-inside:avoid}
.card.cause{border-left:5px solid var(--bad)}
.card.ruled{background:var(--soft);color:var(--muted)}
.card h3{margin:0 0 4px;font-size:16px}
.tag{display:inline-block;font-size:12px;font-weight:600;padding:1px 7px;border-radius:10px;background:#e5e7eb;color:var(--fg);margin-left:6px;vertical-align:1px}
.tag.ro{background:#fff3cd;color:#7a5b00}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--soft)}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.hash{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:11px;overflow-wrap:anywhere}
footer{margin-top:36px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:8px}
@media (max-width:760px){.facts,ol.tl li{grid-template-columns:1fr}}
@media print{
 body{background:#fff;font-size:11pt}
 main{max-width:none;padding:0}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 details::details-content{content-visibility:visible;display:contents}
 details>summary{color:var(--muted)}
 h2{break-after:avoid}
 .summary,figure,.card{break-inside:avoid}
 @page{margin:14mm}
}
"#;

fn header(s: &mut String, a: &Analysis, host: &str) {
    let w = &a.inventory.window;
    let window = match (&w.start, &w.end) {
        (Some(b), Some(x)) => format!("Window {} – {}", e(&utc_short(b)), e(&utc_short(x))),
        _ => "Window unknown".to_string(),
    };
    let zone = if a.host_zone.is_empty() {
        String::new()
    } else {
        format!(" · host zone {}", e(&a.host_zone))
    };
    let _ = writeln!(
        s,
        "<header><h1>Outage on {}</h1><p class=\"sub\">{window}{zone}</p></header>",
        e(host)
    );
}

fn summary(s: &mut String, a: &Analysis) {
    let class = if a.root_cause.is_some() {
        "summary"
    } else {
        "summary none"
    };
    let _ = writeln!(
        s,
        "<section class=\"{class}\" aria-label=\"Summary\">\n<div class=\"facts\">"
    );
    match &a.broke_at {
        Some(at) => {
            let (date, time) = split_utc(at);
            let local = local_time(a, at)
                .map(|l| format!(" · {} host time", e(l.strip_prefix(date.as_str()).map_or(&l, str::trim_start))))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "<div class=\"broke\"><div class=\"label\">Broke at</div><div class=\"big\">{} UTC</div><div class=\"small\">{}{local}</div></div>",
                e(&time),
                e(&date)
            );
        }
        None => s.push_str("<div class=\"broke\"><div class=\"label\">Broke at</div><div class=\"big\">not determined</div></div>\n"),
    }
    match &a.root_cause {
        Some(rc) => {
            let pct = percent(rc.confidence);
            let _ = writeln!(
                s,
                "<div><div class=\"label\">Root cause</div><div class=\"big\">{}</div>\
                 <div class=\"conf\"><span class=\"bar\"><span style=\"width:{pct}\"></span></span>{pct} confidence · <code>{}</code></div></div>",
                e(&kind_title(&rc.kind)),
                e(&rc.kind)
            );
        }
        None => s.push_str(
            "<div><div class=\"label\">Root cause</div><div class=\"big\">not found</div></div>\n",
        ),
    }
    s.push_str("</div>\n");
    if let Some(rc) = &a.root_cause {
        let _ = writeln!(s, "<p class=\"why\">{}</p>", e(&rc.summary));
    }
    match top_finding(a).and_then(|f| f.remediation.first()) {
        Some(fix) => {
            let _ = writeln!(
                s,
                "<div class=\"label\">Fix</div>\n<pre class=\"fix\">{}</pre>",
                e(fix)
            );
        }
        None => s.push_str("<div class=\"label\">Fix</div><p>none proposed</p>\n"),
    }
    if !a.symptoms.is_empty() {
        s.push_str("<div class=\"label\" style=\"margin-top:10px\">Symptoms</div>\n<ul class=\"symptoms\">\n");
        for sy in &a.symptoms {
            let _ = writeln!(
                s,
                "<li><b>{}</b> {}</li>",
                e(&split_utc(&sy.at).1),
                e(&sy.summary)
            );
        }
        s.push_str("</ul>\n");
    }
    // What it was not, in the same glance: reviewers ask that first.
    let ruled: Vec<&Finding> = a
        .findings
        .iter()
        .filter(|f| f.ruled_out_because.is_some())
        .collect();
    if !ruled.is_empty() {
        s.push_str("<div class=\"label\" style=\"margin-top:10px\">Ruled out</div>\n<ul class=\"symptoms\">\n");
        for f in ruled {
            let _ = writeln!(
                s,
                "<li><b>{}</b>: {}</li>",
                e(&kind_title(&f.kind)),
                e(f.ruled_out_because.as_deref().unwrap_or(""))
            );
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</section>\n");
}

/// (`2024-08-06`, `14:02:31`) of an RFC 3339 stamp, or the text twice.
fn split_utc(at: &str) -> (String, String) {
    let u = utc_short(at);
    match u.trim_end_matches(" UTC").split_once(' ') {
        Some((d, t)) => (d.to_string(), t.to_string()),
        None => (u.clone(), u),
    }
}

// ---- charts -------------------------------------------------------------

/// SVG user units; the SVG scales to the page width.
const W: f64 = 1100.0;
/// Left margin shared by every chart, so their time axes line up.
const LEFT: f64 = 120.0;
const RIGHT: f64 = 16.0;
const ROW: f64 = 15.0;

/// The shared time axis of all charts, in whole minutes.
struct Axis {
    t0: i64,
    t1: i64,
}

impl Axis {
    fn x(&self, t: i64) -> f64 {
        let span = (self.t1 - self.t0).max(60) as f64;
        LEFT + (t - self.t0) as f64 / span * (W - LEFT - RIGHT)
    }

    /// Ticks at a round step, at most about ten, and the step in seconds.
    fn ticks(&self) -> (Vec<i64>, i64) {
        let span = self.t1 - self.t0;
        let step = [
            15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
        ]
        .into_iter()
        .find(|st| span / st <= 10)
        .unwrap_or(172_800);
        let first = (self.t0 + step - 1).div_euclid(step) * step;
        let ticks = (0..)
            .map(|i| first + i * step)
            .take_while(|t| *t <= self.t1)
            .collect();
        (ticks, step)
    }
}

fn axis(a: &Analysis) -> Option<Axis> {
    let c = &a.charts;
    let mut ts: Vec<i64> = Vec::new();
    for r in &c.requests {
        ts.extend([r.start, r.start + 60 * r.buckets.len() as i64]);
    }
    for d in &c.drops {
        ts.extend([d.start, d.start + 60 * d.buckets.len() as i64]);
    }
    ts.extend(c.changes.iter().map(|m| m.t));
    ts.extend(a.broke_at.as_deref().and_then(unix));
    let (lo, hi) = (*ts.iter().min()?, *ts.iter().max()?);
    let t0 = lo.div_euclid(60) * 60;
    let t1 = ((hi + 59).div_euclid(60) * 60).max(t0 + 60);
    Some(Axis { t0, t1 })
}

/// A vertical line on every chart: a change, or the moment it broke.
struct Mark {
    t: i64,
    label: String,
    color: &'static str,
    dash: bool,
    tip: String,
}

fn marks(a: &Analysis) -> Vec<Mark> {
    let mut m: Vec<Mark> = a
        .charts
        .changes
        .iter()
        .map(|c| Mark {
            t: c.t,
            label: clip(&c.label, 28),
            color: kind_color(&c.kind),
            dash: true,
            tip: tip(c),
        })
        .collect();
    if let Some(t) = a.broke_at.as_deref().and_then(unix) {
        m.push(Mark {
            t,
            label: "broke".into(),
            color: "#c62828",
            dash: false,
            tip: format!(
                "broke at {}",
                utc_short(a.broke_at.as_deref().unwrap_or_default())
            ),
        });
    }
    m.sort_by_key(|x| x.t);
    m
}

fn tip(c: &ChangeMarker) -> String {
    format!(
        "{} {} {} ({}:{})",
        utc_short(&c.at),
        c.kind,
        c.label,
        c.source.file,
        c.source.line
    )
}

/// Colour of a change by what it does: red stops things, amber filters
/// traffic, blue starts things, grey is the rest (boots).
fn kind_color(kind: &str) -> &'static str {
    if kind.starts_with("ban.")
        || kind.ends_with(".stop")
        || kind.ends_with(".fail")
        || kind.starts_with("resource.")
        || kind == "system.shutdown"
    {
        "#b71c1c"
    } else if kind.starts_with("firewall.") {
        "#d97706"
    } else if kind.ends_with(".start") || kind.ends_with(".reload") || kind.ends_with(".enable") {
        "#1d4ed8"
    } else {
        "#4b5563"
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut c: String = s.chars().take(n - 1).collect();
        c.push('…');
        c
    }
}

/// Rough label width in SVG units at 11.5px: labels are short, and a
/// generous estimate only costs a row.
fn text_w(s: &str) -> f64 {
    s.chars().count() as f64 * 6.6 + 6.0
}

/// Row of each mark's label so no two labels overlap, and the rows used.
fn label_rows(ax: &Axis, marks: &[Mark]) -> (Vec<usize>, usize) {
    let mut ends: Vec<f64> = Vec::new();
    let mut rows = Vec::with_capacity(marks.len());
    for m in marks {
        let x = ax.x(m.t);
        let r = match ends.iter().position(|end| *end < x) {
            Some(r) => r,
            None => {
                ends.push(f64::MIN);
                ends.len() - 1
            }
        };
        ends[r] = x + text_w(&m.label);
        rows.push(r);
    }
    (rows, ends.len())
}

/// Marker lines from `top` to `bottom` with labels in rows above `top`.
fn draw_marks(s: &mut String, ax: &Axis, marks: &[Mark], top: f64, bottom: f64) {
    let (rows, n) = label_rows(ax, marks);
    for (m, r) in marks.iter().zip(rows) {
        let x = ax.x(m.t);
        let ly = top - (n - r) as f64 * ROW + 11.0;
        let dash = if m.dash {
            " stroke-dasharray=\"4 3\""
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "<g><title>{}</title><line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"{}\" stroke-width=\"{}\"{dash}/>\
             <text class=\"lab\" x=\"{:.1}\" y=\"{ly:.1}\" style=\"fill:{}\">{}</text></g>",
            e(&m.tip),
            ly - 10.0,
            m.color,
            if m.dash { 1.3 } else { 2.0 },
            x + 3.0,
            m.color,
            e(&m.label)
        );
    }
}

fn draw_time_axis(s: &mut String, ax: &Axis, y: f64) {
    let _ = writeln!(
        s,
        "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#8c959f\"/>",
        W - RIGHT
    );
    let (ticks, step) = ax.ticks();
    for t in ticks {
        let x = ax.x(t);
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#8c959f\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            y + 4.0,
            y + 16.0,
            if step < 60 { hhmmss(t) } else { hhmm(t) }
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">UTC</text>",
        LEFT - 34.0,
        y + 16.0
    );
}

/// A round upper bound for a y axis, close above `v` so bars fill the
/// plot: 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^n.
fn nice_max(v: u32) -> u32 {
    let v = u64::from(v.max(1));
    let mut p: u64 = 1;
    loop {
        for m in [10, 15, 20, 25, 30, 40, 50, 60, 80] {
            let c = p * m / 10;
            if c >= v && c > 0 && (p > 1 || m % 10 == 0) {
                return u32::try_from(c).unwrap_or(u32::MAX);
            }
        }
        p *= 10;
    }
}

/// Stacked bars, one per minute: `stack[i]` gives the segment heights of
/// minute `start + 60 i`, drawn bottom up in `colors`.
fn bar_chart(
    ax: &Axis,
    marks: &[Mark],
    start: i64,
    stack: &[Vec<u32>],
    colors: &[&str],
    title: &str,
    unit: &str,
) -> String {
    const PLOT_H: f64 = 150.0;
    let (_, rows) = label_rows(ax, marks);
    let top = rows as f64 * ROW + 8.0;
    let bottom = top + PLOT_H;
    let height = bottom + 24.0;
    let max = stack
        .iter()
        .map(|b| b.iter().sum::<u32>())
        .max()
        .unwrap_or(0);
    let ymax = nice_max(max);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg viewBox=\"0 0 {W} {height:.0}\" role=\"img\" aria-label=\"{}\">",
        e(title)
    );
    for (frac, label) in [
        (0.0, "0".to_string()),
        (0.5, fmt_count(ymax / 2)),
        (1.0, fmt_count(ymax)),
    ] {
        let y = bottom - frac * PLOT_H;
        let _ = writeln!(
            s,
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#eaeef2\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{label}</text>",
            W - RIGHT,
            LEFT - 8.0,
            y + 4.0
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 {:.1} {:.1})\">{}</text>",
        LEFT - 52.0,
        top + PLOT_H / 2.0,
        LEFT - 52.0,
        top + PLOT_H / 2.0,
        e(unit)
    );
    for (i, b) in stack.iter().enumerate() {
        let t = start + 60 * i as i64;
        let x = ax.x(t);
        let bw = (ax.x(t + 60) - x - 1.0).max(0.8);
        let mut y = bottom;
        for (v, color) in b.iter().zip(colors) {
            if *v == 0 {
                continue;
            }
            let h = (*v as f64 / ymax as f64 * PLOT_H).max(1.5);
            y -= h;
            let _ = writeln!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"{h:.1}\" fill=\"{color}\"/>"
            );
        }
    }
    draw_marks(&mut s, ax, marks, top, bottom);
    draw_time_axis(&mut s, ax, bottom);
    s.push_str("</svg>\n");
    s
}

fn fmt_count(n: u32) -> String {
    let d = n.to_string();
    let mut out = String::new();
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The swimlane's own axis: changes cluster within minutes of the break,
/// so it spans them (and the break) with a margin rather than the whole
/// window, at least three minutes and never beyond the charts' axis.
fn zoom(a: &Analysis, full: &Axis) -> Axis {
    let ts: Vec<i64> = a
        .charts
        .changes
        .iter()
        .map(|c| c.t)
        .chain(a.broke_at.as_deref().and_then(unix))
        .collect();
    let (Some(lo), Some(hi)) = (ts.iter().min(), ts.iter().max()) else {
        return Axis {
            t0: full.t0,
            t1: full.t1,
        };
    };
    let pad = ((hi - lo) / 4).max(60);
    let (mut t0, mut t1) = (lo - pad, hi + pad);
    if t1 - t0 < 180 {
        let mid = (t0 + t1) / 2;
        (t0, t1) = (mid - 90, mid + 90);
    }
    Axis {
        t0: t0.div_euclid(15) * 15,
        t1: (t1 + 14).div_euclid(15) * 15,
    }
}

/// One lane per source family; each change a dot with its label. Labels
/// that would collide within a lane drop to a second line.
fn swimlane(a: &Analysis, ax: &Axis, marks: &[Mark]) -> String {
    const LANE_H: f64 = 38.0;
    let mut lanes: Vec<&str> = Vec::new();
    for c in &a.charts.changes {
        if !lanes.contains(&c.lane.as_str()) {
            lanes.push(&c.lane);
        }
    }
    let top = 6.0;
    let bottom = top + LANE_H * lanes.len() as f64;
    let height = bottom + 24.0;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg viewBox=\"0 0 {W} {height:.0}\" role=\"img\" aria-label=\"Changes by source\">"
    );
    for (i, lane) in lanes.iter().enumerate() {
        let y0 = top + LANE_H * i as f64;
        let fill = if i % 2 == 0 { "#f6f8fa" } else { "#ffffff" };
        let _ = writeln!(
            s,
            "<rect x=\"{LEFT}\" y=\"{y0:.1}\" width=\"{:.1}\" height=\"{LANE_H}\" fill=\"{fill}\"/><text class=\"lane\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - LEFT - RIGHT,
            LEFT - 8.0,
            y0 + 16.0,
            e(&clip(lane, 14))
        );
    }
    // The moment it broke runs through every lane.
    for m in marks.iter().filter(|m| !m.dash) {
        let x = ax.x(m.t);
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"{}\" stroke-width=\"2\"><title>{}</title></line>",
            m.color,
            e(&m.tip)
        );
    }
    for (i, lane) in lanes.iter().enumerate() {
        let y0 = top + LANE_H * i as f64;
        let mut ends = [f64::MIN, f64::MIN];
        for c in a.charts.changes.iter().filter(|c| c.lane == *lane) {
            let x = ax.x(c.t);
            let label = clip(&c.label, 28);
            let sub = if ends[0] < x {
                0
            } else if ends[1] < x {
                1
            } else {
                0
            };
            ends[sub] = x + 8.0 + text_w(&label);
            let color = kind_color(&c.kind);
            let _ = writeln!(
                s,
                "<g><title>{}</title><circle cx=\"{x:.1}\" cy=\"{:.1}\" r=\"5\" fill=\"{color}\"/><text class=\"lab\" x=\"{:.1}\" y=\"{:.1}\" style=\"fill:{color}\">{}</text></g>",
                e(&tip(c)),
                y0 + 12.0,
                x + 8.0,
                y0 + 16.0 + 15.0 * sub as f64,
                e(&label)
            );
        }
    }
    draw_time_axis(&mut s, ax, bottom);
    s.push_str("</svg>\n");
    s
}

fn charts(s: &mut String, a: &Analysis) {
    let Some(ax) = axis(a) else { return };
    let c = &a.charts;
    if c.requests.is_empty() && c.drops.is_empty() && c.changes.is_empty() {
        return;
    }
    let marks = marks(a);
    s.push_str("<section>\n<h2>What the logs show</h2>\n");
    const STATUS: [&str; 3] = ["#2e7d32", "#e69500", "#c62828"];
    for r in &c.requests {
        let stack: Vec<Vec<u32>> = r.buckets.iter().map(|b| b.to_vec()).collect();
        let total: u64 = r.buckets.iter().flatten().map(|v| u64::from(*v)).sum();
        let _ = writeln!(
            s,
            "<figure><figcaption>Requests per minute: {} <span class=\"legend\">\
             <span class=\"sw\" style=\"background:{}\"></span>1xx–3xx<span class=\"sw\" style=\"background:{}\"></span>4xx\
             <span class=\"sw\" style=\"background:{}\"></span>5xx · {} requests</span></figcaption>\n{}</figure>",
            e(&r.service),
            STATUS[0],
            STATUS[1],
            STATUS[2],
            fmt_count(u32::try_from(total).unwrap_or(u32::MAX)),
            bar_chart(
                &ax,
                &marks,
                r.start,
                &stack,
                &STATUS,
                &format!("Requests per minute, {}", r.service),
                "requests/min"
            )
        );
    }
    for d in &c.drops {
        let stack: Vec<Vec<u32>> = d.buckets.iter().map(|b| vec![*b]).collect();
        let total: u64 = d.buckets.iter().map(|v| u64::from(*v)).sum();
        let _ = writeln!(
            s,
            "<figure><figcaption>Firewall drops per minute to {}/{} <span class=\"legend\">\
             <span class=\"sw\" style=\"background:#7b1fa2\"></span>{} dropped</span></figcaption>\n{}</figure>",
            e(&d.proto),
            d.port,
            fmt_count(u32::try_from(total).unwrap_or(u32::MAX)),
            bar_chart(
                &ax,
                &marks,
                d.start,
                &stack,
                &["#7b1fa2"],
                &format!("Firewall drops per minute, {}/{}", d.proto, d.port),
                "drops/min"
            )
        );
    }
    if !c.changes.is_empty() {
        let _ = writeln!(
            s,
            "<figure><figcaption>Changes by source <span class=\"legend\">\
             <span class=\"sw\" style=\"background:#b71c1c\"></span>stop, ban, shutdown\
             <span class=\"sw\" style=\"background:#d97706\"></span>firewall\
             <span class=\"sw\" style=\"background:#1d4ed8\"></span>start, reload\
             <span class=\"sw\" style=\"background:#4b5563\"></span>other · zoomed to the changes</span></figcaption>\n{}</figure>",
            swimlane(a, &zoom(a, &ax), &marks)
        );
    }
    s.push_str("</section>\n");
}

// ---- narrative, findings, provenance -------------------------------------

fn source_list(ev: &[SourceRef]) -> String {
    ev.iter()
        .map(|r| format!("{}:{}", r.file, r.line))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `<details>` with the raw lines of `ev`; sources not quoted in the
/// report are still named, so a reader can find them in the bundle.
fn evidence(s: &mut String, a: &Analysis, ev: &[SourceRef]) {
    if ev.is_empty() {
        return;
    }
    let quoted: Vec<&EvidenceLine> = lines_for(a, ev);
    let n = ev.len();
    let _ = writeln!(
        s,
        "<details class=\"ev\"><summary>{} evidence line{}: {}</summary>",
        n,
        if n == 1 { "" } else { "s" },
        e(&source_list(ev))
    );
    for r in ev {
        let _ = write!(s, "<div class=\"src\">{}:{}</div>", e(&r.file), r.line);
        match quoted
            .iter()
            .find(|l| l.line == r.line && *l.file == *r.file)
        {
            Some(l) => {
                let _ = writeln!(s, "<pre>{}</pre>", e(&l.text));
            }
            None => s.push_str("<pre>(line not quoted in this report)</pre>\n"),
        }
    }
    s.push_str("</details>\n");
}

fn narrative(s: &mut String, a: &Analysis) {
    if a.narrative.is_empty() {
        return;
    }
    let broke = a.broke_at.as_deref().and_then(unix);
    // The step that is the break: the first at or after `broke_at`.
    let break_idx = broke.and_then(|b| {
        a.narrative
            .iter()
            .position(|st| unix(&st.at).is_some_and(|t| t >= b))
    });
    s.push_str("<section>\n<h2>Timeline</h2>\n<ol class=\"tl\">\n");
    let mut last_date: Option<String> = None;
    for (i, st) in a.narrative.iter().enumerate() {
        let class = match (break_idx, unix(&st.at), broke) {
            (Some(b), _, _) if b == i => " class=\"break\"",
            (_, Some(t), Some(b)) if t > b => " class=\"after\"",
            _ => "",
        };
        let (date, time) = split_utc(&st.at);
        // The date only where it changes, so the column reads as clock times.
        let day = if last_date.as_deref() == Some(date.as_str()) {
            String::new()
        } else {
            format!("<span>{}</span><br>", e(&date))
        };
        let local = step_local(a, st)
            .map(|l| {
                format!(
                    "<span>{} host</span>",
                    e(l.strip_prefix(date.as_str()).map_or(&l, str::trim_start))
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "<li{class}><div class=\"when\"><b>{} UTC</b>{day}{local}</div><div><div>{}</div>",
            e(&time),
            e(&st.text)
        );
        last_date = Some(date);
        evidence(s, a, &st.evidence);
        s.push_str("</div></li>\n");
    }
    s.push_str("</ol>\n</section>\n");
}

fn finding_card(s: &mut String, a: &Analysis, f: &Finding, is_cause: bool) {
    let class = match (&f.ruled_out_because, is_cause) {
        (Some(_), _) => "card ruled",
        (None, true) => "card cause",
        (None, false) => "card",
    };
    let tag = if f.ruled_out_because.is_some() {
        "<span class=\"tag ro\">ruled out</span>"
    } else {
        ""
    };
    let at =
        f.at.as_deref()
            .map(|t| format!(" · {}", e(&utc_short(t))))
            .unwrap_or_default();
    let _ = writeln!(
        s,
        "<div class=\"{class}\"><h3>#{} {}<span class=\"tag\">{} confidence</span>{tag}</h3>\
         <div class=\"small\"><code>{}</code>{at}</div><p>{}</p>",
        f.rank,
        e(&kind_title(&f.kind)),
        percent(f.confidence),
        e(&f.kind),
        e(&f.summary)
    );
    if let Some(why) = &f.ruled_out_because {
        let _ = writeln!(s, "<p><b>Ruled out because</b> {}</p>", e(why));
    }
    if !f.remediation.is_empty() {
        s.push_str("<div class=\"label\">Remediation</div>\n");
        for r in &f.remediation {
            let _ = writeln!(s, "<pre>{}</pre>", e(r));
        }
    }
    evidence(s, a, &f.evidence);
    s.push_str("</div>\n");
}

fn findings(s: &mut String, a: &Analysis) {
    if a.findings.is_empty() {
        return;
    }
    let mut fs: Vec<&Finding> = a.findings.iter().collect();
    fs.sort_by_key(|f| f.rank);
    let top = top_finding(a).map(|f| f.rank);
    let (kept, ruled): (Vec<&Finding>, Vec<&Finding>) =
        fs.into_iter().partition(|f| f.ruled_out_because.is_none());
    s.push_str("<section>\n<h2>Findings</h2>\n");
    for f in kept {
        finding_card(s, a, f, Some(f.rank) == top);
    }
    if !ruled.is_empty() {
        s.push_str("<h2>Ruled out</h2>\n");
        for f in ruled {
            finding_card(s, a, f, false);
        }
    }
    s.push_str("</section>\n");
}

fn missing(s: &mut String, a: &Analysis) {
    if a.missing.is_empty() {
        return;
    }
    s.push_str("<section>\n<h2>Not checked</h2>\n<ul>\n");
    for m in &a.missing {
        let _ = writeln!(s, "<li>{}</li>", e(m));
    }
    s.push_str("</ul>\n</section>\n");
}

fn provenance(s: &mut String, a: &Analysis) {
    let inv = &a.inventory;
    s.push_str("<section>\n<h2>Time provenance</h2>\n");
    let zone = if a.host_zone.is_empty() {
        "not known (UTC assumed)".to_string()
    } else {
        e(&a.host_zone)
    };
    let _ = writeln!(
        s,
        "<p>Host zone: <b>{zone}</b>. Times are UTC unless marked as host time.</p>"
    );
    let timed: Vec<_> = inv
        .files
        .iter()
        .filter(|f| f.zone.is_some() || f.year_anchor.is_some() || f.inferred > 0)
        .collect();
    if !timed.is_empty() {
        s.push_str("<table><thead><tr><th>File</th><th>Zone</th><th>Year</th><th>Inferred stamps</th></tr></thead><tbody>\n");
        for f in timed {
            let _ = writeln!(
                s,
                "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                e(&f.path),
                e(f.zone.as_deref().unwrap_or("-")),
                e(f.year_anchor.as_deref().unwrap_or("-")),
                f.inferred
            );
        }
        s.push_str("</tbody></table>\n");
    }
    if !inv.boots.is_empty() {
        s.push_str("<h3>Boots</h3><table><thead><tr><th>UTC</th><th>Host time</th><th>Host</th><th>How</th><th>Source</th></tr></thead><tbody>\n");
        for b in &inv.boots {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"mono\">{}:{}</td></tr>",
                e(&utc_short(&b.at)),
                e(&local_time(a, &b.at).unwrap_or_default()),
                e(&b.host),
                e(&b.how),
                e(&b.source.file),
                b.source.line
            );
        }
        s.push_str("</tbody></table>\n");
    }
    if !inv.gaps.is_empty() {
        s.push_str("<h3>Gaps</h3><table><thead><tr><th>File</th><th>From (UTC)</th><th>To (UTC)</th><th>Seconds</th></tr></thead><tbody>\n");
        for g in &inv.gaps {
            let _ = writeln!(
                s,
                "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                e(&g.file),
                e(&utc_short(&g.start)),
                e(&utc_short(&g.end)),
                g.seconds
            );
        }
        s.push_str("</tbody></table>\n");
    }
    s.push_str("</section>\n");
}

fn inventory(s: &mut String, a: &Analysis) {
    let inv = &a.inventory;
    s.push_str(
        "<section>\n<h2>Inventory (chain of custody)</h2>\n<table><thead><tr><th>Path</th><th>Size</th><th>Format</th>\
         <th>Lines</th><th>Parsed</th><th>Compression</th><th>SHA-256</th></tr></thead><tbody>\n",
    );
    for f in &inv.files {
        let _ = writeln!(
            s,
            "<tr><td class=\"mono\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"hash\">{}</td></tr>",
            e(&f.path),
            f.size,
            e(f.format.as_deref().unwrap_or(&f.role)),
            f.lines,
            f.parsed,
            e(&f.compression),
            e(f.sha256.as_deref().unwrap_or("not hashed"))
        );
        for w in &f.warnings {
            let _ = writeln!(
                s,
                "<tr><td colspan=\"7\" class=\"small\">warning: {}</td></tr>",
                e(w)
            );
        }
    }
    s.push_str("</tbody></table>\n");
    if !inv.warnings.is_empty() {
        s.push_str("<ul>\n");
        for w in &inv.warnings {
            let _ = writeln!(s, "<li>warning: {}</li>", e(w));
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn csp_summary_and_charts() {
        let s = render(&fixture::firewalld_after_reboot());
        assert!(s.contains(&format!("content=\"{CSP}\"")));
        assert!(!s.contains("<script"));
        assert!(!s.contains(" href=") && !s.contains(" src=") && !s.contains("url("));
        assert!(s.contains("<pre class=\"fix\">firewall-cmd --add-service=http --add-service=https --permanent &amp;&amp; firewall-cmd --reload</pre>"));
        assert_eq!(s.matches("<svg").count(), 3);
        assert!(s.contains(">firewalld start</text>"));
        assert!(s.contains("<details"));
    }

    #[test]
    fn nice_max_rounds_up() {
        assert_eq!(nice_max(0), 1);
        assert_eq!(nice_max(253), 300);
        assert_eq!(nice_max(44), 50);
        assert_eq!(nice_max(3), 3);
        assert_eq!(nice_max(14), 15);
        assert_eq!(nice_max(u32::MAX), u32::MAX);
    }

    #[test]
    fn label_rows_avoid_overlap() {
        let ax = Axis { t0: 0, t1: 3600 };
        assert_eq!(ax.ticks().1, 600);
        let m = |t| Mark {
            t,
            label: "firewalld start".into(),
            color: "#000",
            dash: true,
            tip: String::new(),
        };
        let (rows, n) = label_rows(&ax, &[m(100), m(130), m(3000)]);
        assert_eq!(rows, [0, 1, 0]);
        assert_eq!(n, 2);
    }

    #[test]
    fn hostile_strings_are_inert() {
        let s = render(&fixture::hostile());
        assert!(!s.contains("<script"));
        assert!(!s.contains("<img"));
        assert!(!s.contains("<!--"));
        assert!(!s.contains('\x1b'));
        assert!(!s.contains('\u{202e}'));
    }
}
