//! `hocr trend`: compliance over the nights, from the JSON reports of
//! `hocr check --format json` (files, or directories of them).
//!
//! Each report is one night (its `as_of` date, UTC). The nights run from
//! the first to the last, day by day; a night with no report is a gap,
//! never drawn through. Compliance is figured from each report's per-rule
//! statistics the way `hocr check` figures its headline
//! ([`crate::run::findings::Headline`]): per theme and over the compliance rules,
//! data quality apart, with 95% Wilson intervals. A change of the rule set
//! (its edition or fingerprint) is marked on the night it happens: a rule
//! change is not a compliance change.
//!
//! Reports are read leniently (fields they lack are left out, unknown ones
//! ignored), but a file that is not a hocr JSON report, two reports of one
//! night, or reports of different exports (their input files, with the
//! digits of dates set aside, differ) stop the run naming the file.

use crate::out::html::{STYLE, escape};
use crate::out::report::{percent, range, round};
use crate::run::findings::{Headline, RuleStats, Scope, Totals};
use crate::util::text::thousands;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// One night's report, as read.
#[derive(Clone, Debug)]
pub struct Night {
    pub date: NaiveDate,
    pub as_of: String,
    pub path: String,
    pub edition: String,
    pub fingerprint: String,
    /// What the report's inputs are, dates set aside (see [`export_key`]).
    export: String,
    pub stats: Vec<RuleStats>,
}

/// Why the reports cannot be put together; names the file.
#[derive(Debug)]
pub struct TrendError(pub String);

impl std::fmt::Display for TrendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The report files named: files as given, directories for their `*.json`
/// files (in name order).
pub fn report_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, TrendError> {
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| {
                    TrendError(format!("`{}`: cannot read the directory: {e}", p.display()))
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "json"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(TrendError(format!(
                    "`{}` holds no JSON reports (*.json written by `hocr check --format json`)",
                    p.display()
                )));
            }
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    if out.is_empty() {
        return Err(TrendError(
            "name the nightly JSON reports, or a directory of them".into(),
        ));
    }
    Ok(out)
}

/// The export a report is of: its tables and input paths with every run of
/// digits read as `#`, so that `/exports/2025-06-01/incidents.csv` and
/// `/exports/2025-06-02/incidents.csv` are one export and
/// `/exports/force-b/…` another.
fn export_key(inputs: &[(String, String)]) -> String {
    let mut parts: Vec<String> = inputs
        .iter()
        .map(|(table, path)| {
            let mut p = String::new();
            let mut digits = false;
            for c in path.chars() {
                if c.is_ascii_digit() {
                    if !digits {
                        p.push('#');
                    }
                    digits = true;
                } else {
                    p.push(c);
                    digits = false;
                }
            }
            format!("{table}: {p}")
        })
        .collect();
    parts.sort();
    parts.join("; ")
}

/// Reads one report.
pub fn read_night(path: &Path) -> Result<Night, TrendError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| TrendError(format!("`{name}`: cannot read: {e}")))?;
    let not_report = |why: &str| {
        TrendError(format!(
            "`{name}` is not a hocr JSON report ({why}); use files written by `hocr check --format json`"
        ))
    };
    let doc: Value = serde_json::from_str(&text).map_err(|e| not_report(&e.to_string()))?;
    if doc.pointer("/tool/name").and_then(Value::as_str) != Some("hocr") {
        return Err(not_report("no `tool.name` \"hocr\""));
    }
    let text_at = |p: &str| doc.pointer(p).and_then(Value::as_str);
    let as_of = text_at("/as_of").ok_or_else(|| not_report("no `as_of`"))?;
    let date = crate::data::time::Clock::new(chrono_tz::UTC)
        .parse(as_of)
        .ok()
        .and_then(|(t, _)| t.utc_date())
        .ok_or_else(|| not_report("`as_of` is not a time"))?;
    let stats = doc
        .get("stats")
        .and_then(Value::as_array)
        .ok_or_else(|| not_report("no `stats`"))?;
    let mut rules = Vec::new();
    for s in stats {
        let text = |k: &str| s.get(k).and_then(Value::as_str).map(str::to_string);
        let number = |k: &str| s.get(k).and_then(Value::as_u64).unwrap_or(0);
        let rule = text("rule").ok_or_else(|| not_report("a rule in `stats` has no `rule`"))?;
        let scope = match s.get("scope").and_then(Value::as_str) {
            Some("data-quality") => Scope::DataQuality,
            _ => Scope::Compliance,
        };
        rules.push(RuleStats {
            name: text("name").unwrap_or_default(),
            title: text("title").unwrap_or_default(),
            theme: text("theme").unwrap_or_default(),
            scope,
            checked: number("checked"),
            findings: number("findings"),
            by_kind: BTreeMap::new(),
            pending: number("pending"),
            exempt: number("exempt"),
            not_applicable: number("not_applicable"),
            outside_window: number("outside_window"),
            not_judged: number("not_judged"),
            applies: Vec::new(),
            needs: Vec::new(),
            missing: Vec::new(),
            rule,
        });
    }
    let inputs: Vec<(String, String)> = doc
        .get("inputs")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|i| {
                    let t = |k: &str| i.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                    (t("table"), t("path"))
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Night {
        date,
        as_of: as_of.to_string(),
        path: name,
        edition: text_at("/rules/edition").unwrap_or("unstated").to_string(),
        fingerprint: text_at("/rules/fingerprint").unwrap_or("").to_string(),
        export: export_key(&inputs),
        stats: rules,
    })
}

/// Reads every report and puts them in night order, refusing mixtures.
pub fn read_nights(files: &[PathBuf]) -> Result<Vec<Night>, TrendError> {
    let mut nights: Vec<Night> = files
        .iter()
        .map(|f| read_night(f))
        .collect::<Result<_, _>>()?;
    // Reports written before `scope` existed: a rule is data quality when
    // another report of the set says so of it.
    let dq: Vec<String> = nights
        .iter()
        .flat_map(|n| n.stats.iter())
        .filter(|s| s.scope == Scope::DataQuality)
        .map(|s| s.rule.clone())
        .collect();
    for n in &mut nights {
        for s in &mut n.stats {
            if dq.contains(&s.rule) {
                s.scope = Scope::DataQuality;
            }
        }
    }
    let first = &nights[0];
    for n in &nights[1..] {
        if n.export != first.export {
            return Err(TrendError(format!(
                "`{}` is a report of another export than `{}` ({} against {}): a trend follows one force's nightly export",
                n.path, first.path, n.export, first.export
            )));
        }
    }
    nights.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.path.cmp(&b.path)));
    for w in nights.windows(2) {
        if w[0].date == w[1].date {
            return Err(TrendError(format!(
                "`{}` and `{}` are both reports of the night of {}: keep one",
                w[0].path, w[1].path, w[0].date
            )));
        }
    }
    Ok(nights)
}

/// One figure on one night.
#[derive(Clone, Debug, Serialize)]
pub struct Point {
    pub checked: u64,
    pub findings: u64,
    pub pending: u64,
    pub compliance: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

impl Point {
    fn of(t: &Totals) -> Point {
        Point {
            checked: t.checked,
            findings: t.findings,
            pending: t.pending,
            compliance: round(t.compliance),
            ci_low: round(t.ci_low),
            ci_high: round(t.ci_high),
        }
    }
}

/// A figure over the nights: `None` on a night with no report, or whose
/// report does not have it (a rule not yet written).
#[derive(Clone, Debug, Serialize)]
pub struct Series {
    /// `overall` (compliance rules), `data-quality`, `theme` or `rule`.
    pub level: &'static str,
    pub name: String,
    pub points: Vec<Option<Point>>,
}

/// A night on the axis.
#[derive(Clone, Debug, Serialize)]
pub struct NightEntry {
    #[serde(serialize_with = "date_text")]
    pub date: NaiveDate,
    /// The report, or `None`: a missing night.
    pub report: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// The rule set differs from the last report's (edition or
    /// fingerprint): figures before and after are not like for like.
    pub rule_set_changed: bool,
}

fn date_text<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

/// The trend: the nights and every series over them.
#[derive(Clone, Debug, Serialize)]
pub struct Trend {
    pub nights: Vec<NightEntry>,
    pub series: Vec<Series>,
}

/// At most this many nights (a bad date in one report would otherwise
/// ask for millions of gaps).
const MAX_NIGHTS: i64 = 3660;

pub fn build(nights: &[Night]) -> Result<Trend, TrendError> {
    let (first, last) = (nights[0].date, nights[nights.len() - 1].date);
    let days = (last - first).num_days() + 1;
    if days > MAX_NIGHTS {
        return Err(TrendError(format!(
            "the reports span {days} nights ({first} to {last}, `{}` the last): more than {MAX_NIGHTS}",
            nights[nights.len() - 1].path
        )));
    }
    let dates: Vec<NaiveDate> = (0..days)
        .map(|d| first + chrono::Days::new(d as u64))
        .collect();
    let by_date: BTreeMap<NaiveDate, &Night> = nights.iter().map(|n| (n.date, n)).collect();
    let mut entries = Vec::new();
    let mut previous: Option<&Night> = None;
    for d in &dates {
        match by_date.get(d) {
            Some(n) => {
                let changed = previous
                    .is_some_and(|p| p.fingerprint != n.fingerprint || p.edition != n.edition);
                entries.push(NightEntry {
                    date: *d,
                    report: Some(n.path.clone()),
                    as_of: Some(n.as_of.clone()),
                    edition: Some(n.edition.clone()),
                    fingerprint: Some(n.fingerprint.clone()),
                    rule_set_changed: changed,
                });
                previous = Some(n);
            }
            None => entries.push(NightEntry {
                date: *d,
                report: None,
                as_of: None,
                edition: None,
                fingerprint: None,
                rule_set_changed: false,
            }),
        }
    }
    let headlines: Vec<Option<Headline>> = dates
        .iter()
        .map(|d| by_date.get(d).map(|n| Headline::of(&n.stats)))
        .collect();
    let mut series = vec![
        Series {
            level: "overall",
            name: Headline::COMPLIANCE.into(),
            points: headlines
                .iter()
                .map(|h| h.as_ref().map(|h| Point::of(&h.compliance)))
                .collect(),
        },
        Series {
            level: "data-quality",
            name: Headline::DATA_QUALITY.into(),
            points: headlines
                .iter()
                .map(|h| h.as_ref().map(|h| Point::of(&h.data_quality)))
                .collect(),
        },
    ];
    // Themes in the last night's order (worst first), then any others.
    let mut themes: Vec<String> = Vec::new();
    for h in headlines.iter().rev().flatten() {
        for t in &h.themes {
            if !themes.contains(&t.name) {
                themes.push(t.name.clone());
            }
        }
    }
    for theme in themes {
        let points = headlines
            .iter()
            .map(|h| {
                h.as_ref()
                    .and_then(|h| h.themes.iter().find(|t| t.name == theme))
                    .map(Point::of)
            })
            .collect();
        series.push(Series {
            level: "theme",
            name: theme,
            points,
        });
    }
    let mut rules: Vec<String> = nights
        .iter()
        .flat_map(|n| n.stats.iter().map(|s| s.rule.clone()))
        .collect();
    rules.sort();
    rules.dedup();
    for rule in rules {
        let points = dates
            .iter()
            .map(|d| {
                by_date
                    .get(d)
                    .and_then(|n| n.stats.iter().find(|s| s.rule == rule))
                    .map(|s| Point::of(&Totals::of(&rule, [s])))
            })
            .collect();
        series.push(Series {
            level: "rule",
            name: rule,
            points,
        });
    }
    Ok(Trend {
        nights: entries,
        series,
    })
}

/// Output format of `hocr trend`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Html,
    Json,
    Csv,
}

pub fn render(trend: &Trend, format: Format, w: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                tool: &'static str,
                version: &'static str,
                #[serde(flatten)]
                trend: &'a Trend,
            }
            serde_json::to_writer_pretty(
                &mut *w,
                &Doc {
                    tool: "hocr trend",
                    version: env!("CARGO_PKG_VERSION"),
                    trend,
                },
            )?;
            writeln!(w)
        }
        Format::Csv => csv(trend, w),
        Format::Html => html(trend, w),
    }
}

/// Long form, one row per night and figure, for a spreadsheet; a missing
/// night is one row with `level` `missing`.
fn csv(trend: &Trend, w: &mut dyn Write) -> io::Result<()> {
    w.write_all("\u{feff}".as_bytes())?;
    let mut out = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(w);
    out.write_record([
        "date",
        "level",
        "name",
        "checked",
        "findings",
        "pending",
        "compliance",
        "ci_low",
        "ci_high",
        "edition",
        "fingerprint",
        "rule_set_changed",
        "report",
    ])?;
    let rate = |x: Option<f64>| x.map(|r| r.to_string()).unwrap_or_default();
    for (k, night) in trend.nights.iter().enumerate() {
        let date = night.date.to_string();
        let Some(report) = &night.report else {
            out.write_record([
                date.as_str(),
                "missing",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ])?;
            continue;
        };
        for s in &trend.series {
            let Some(p) = &s.points[k] else { continue };
            out.write_record([
                date.as_str(),
                s.level,
                &s.name,
                &p.checked.to_string(),
                &p.findings.to_string(),
                &p.pending.to_string(),
                &rate(p.compliance),
                &rate(p.ci_low),
                &rate(p.ci_high),
                night.edition.as_deref().unwrap_or(""),
                night.fingerprint.as_deref().unwrap_or(""),
                if night.rule_set_changed { "yes" } else { "no" },
                report,
            ])?;
        }
    }
    out.flush()
}

// ---------------------------------------------------------------- the page

/// Small-multiple geometry, in SVG user units.
const CW: f64 = 340.0;
const CH: f64 = 150.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 24.0;

const TREND_STYLE: &str = r#"
.multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:16px 20px}
.multiple{border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.multiple h3{font-size:15px;margin:0 0 2px}
.multiple .now{color:var(--muted);font-size:13px;margin:0 0 4px}
svg .band{fill:#5b8fb9;opacity:.22}
svg .line{stroke:#1f4e79;stroke-width:2;fill:none}
svg .dot{fill:#1f4e79}
svg .gapband{fill:#f5f7fa}
.legend{color:var(--muted);font-size:14px}
.legend .swatch{display:inline-block;width:14px;height:10px;vertical-align:middle;margin:0 4px 0 10px}
"#;

/// The inline script of the page: which series to show, kept in the
/// address (`trend.html#show=rule`).
const SHOW_SCRIPT: &str = r##"
(function(){
var form=document.getElementById("show"),sel=form&&form.elements["show"];
if(!sel)return;
var figs=Array.prototype.slice.call(document.querySelectorAll(".multiple"));
function apply(){
var n=0;
figs.forEach(function(f){var ok=!sel.value||f.getAttribute("data-level")===sel.value;f.hidden=!ok;if(ok)n++;});
form.setAttribute("data-shown",n);
document.getElementById("show-count").textContent=n+" of "+figs.length+" charts shown";
if(history.replaceState)history.replaceState(null,"",sel.value?"#show="+sel.value:location.pathname+location.search);
}
var m=/^#show=([a-z-]+)$/.exec(location.hash);if(m)sel.value=m[1];
sel.addEventListener("change",apply);form.hidden=false;apply();
})();
"##;

fn html(trend: &Trend, w: &mut dyn Write) -> io::Result<()> {
    let nights = &trend.nights;
    let reported: Vec<&NightEntry> = nights.iter().filter(|n| n.report.is_some()).collect();
    let missing = nights.len() - reported.len();
    let (first, last) = (nights[0].date, nights[nights.len() - 1].date);
    writeln!(w, "<!DOCTYPE html>")?;
    writeln!(w, "<html lang=\"en\">")?;
    writeln!(w, "<head>")?;
    writeln!(w, "<meta charset=\"utf-8\">")?;
    writeln!(
        w,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        w,
        "<title>Crime recording compliance over the nights, {first} to {last}</title>"
    )?;
    writeln!(w, "<style>{STYLE}{TREND_STYLE}</style>")?;
    writeln!(w, "</head>")?;
    writeln!(w, "<body>")?;
    writeln!(w, "<main>")?;
    writeln!(w, "<header>")?;
    writeln!(w, "<h1>Crime recording compliance over the nights</h1>")?;
    writeln!(
        w,
        "<p class=\"meta\">{} to {} · {} nights, {} with a report, {} missing</p>",
        first,
        last,
        thousands(nights.len() as u64),
        thousands(reported.len() as u64),
        thousands(missing as u64)
    )?;
    let changes: Vec<&NightEntry> = nights.iter().filter(|n| n.rule_set_changed).collect();
    writeln!(
        w,
        "<p class=\"legend\">Line: compliance each night<span class=\"swatch\" style=\"background:rgba(91,143,185,.35)\"></span>95% interval<span class=\"swatch\" style=\"border-top:2px dashed #a15c07;height:0\"></span>the rule set changed (edition or fingerprint): not a change in compliance<span class=\"swatch\" style=\"background:#e4ebf2\"></span>no report that night</p>"
    )?;
    writeln!(w, "</header>")?;
    if !changes.is_empty() {
        writeln!(
            w,
            "<section class=\"note\" role=\"note\"><strong>The rule set changed</strong> on {} night{}: figures either side are not like for like.<ul>",
            changes.len(),
            if changes.len() == 1 { "" } else { "s" }
        )?;
        for c in &changes {
            writeln!(
                w,
                "<li>{}: {} <code>{}</code></li>",
                c.date,
                escape(c.edition.as_deref().unwrap_or("")),
                escape(c.fingerprint.as_deref().unwrap_or(""))
            )?;
        }
        writeln!(w, "</ul></section>")?;
    }
    writeln!(w, "<section aria-labelledby=\"h-series\">")?;
    writeln!(
        w,
        "<h2 id=\"h-series\">Compliance, data quality, themes and rules</h2>"
    )?;
    writeln!(
        w,
        "<form id=\"show\" class=\"filters\" hidden aria-label=\"Which charts to show\"><label>Show <select name=\"show\"><option value=\"\">all</option><option value=\"overall\">compliance overall</option><option value=\"data-quality\">data quality</option><option value=\"theme\">themes</option><option value=\"rule\">rules</option></select></label><output id=\"show-count\" aria-live=\"polite\"></output></form>"
    )?;
    writeln!(w, "<div class=\"multiples\">")?;
    for (k, s) in trend.series.iter().enumerate() {
        multiple(w, trend, s, k)?;
    }
    writeln!(w, "</div>")?;
    writeln!(w, "<script>{SHOW_SCRIPT}</script>")?;
    writeln!(w, "</section>")?;

    writeln!(w, "<section aria-labelledby=\"h-nights\">")?;
    writeln!(w, "<h2 id=\"h-nights\">Nights</h2>")?;
    writeln!(w, "<div class=\"table-wrap\">")?;
    writeln!(w, "<table>")?;
    writeln!(
        w,
        "<thead><tr><th scope=\"col\">Night</th><th scope=\"col\" class=\"num\">Compliance</th><th scope=\"col\" class=\"num\">Data quality</th><th scope=\"col\">Rule set</th><th scope=\"col\">Report</th></tr></thead>"
    )?;
    writeln!(w, "<tbody>")?;
    let overall = &trend.series[0];
    let dq = &trend.series[1];
    for (k, n) in nights.iter().enumerate() {
        match &n.report {
            None => writeln!(
                w,
                "<tr class=\"missing\"><th scope=\"row\">{}</th><td colspan=\"4\"><em>no report</em></td></tr>",
                n.date
            )?,
            Some(report) => {
                let cell = |p: &Option<Point>| {
                    p.as_ref().map_or_else(
                        || "-".to_string(),
                        |p| {
                            format!(
                                "{}<span class=\"sub\">{}</span>",
                                percent(p.compliance),
                                range(p.ci_low.zip(p.ci_high))
                            )
                        },
                    )
                };
                writeln!(
                    w,
                    "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}{} <code class=\"hash\">{}</code></td><td><code>{}</code></td></tr>",
                    n.date,
                    cell(&overall.points[k]),
                    cell(&dq.points[k]),
                    if n.rule_set_changed {
                        "<strong>changed:</strong> "
                    } else {
                        ""
                    },
                    escape(n.edition.as_deref().unwrap_or("")),
                    escape(n.fingerprint.as_deref().unwrap_or("")),
                    escape(report)
                )?;
            }
        }
    }
    writeln!(w, "</tbody>")?;
    writeln!(w, "</table>")?;
    writeln!(w, "</div>")?;
    writeln!(w, "</section>")?;
    writeln!(
        w,
        "<footer>Generated by hocr {} from {} nightly reports. Compliance is over the compliance rules only; data quality is scored apart. Intervals are 95% Wilson score intervals.</footer>",
        env!("CARGO_PKG_VERSION"),
        thousands(reported.len() as u64)
    )?;
    writeln!(w, "</main>")?;
    writeln!(w, "</body>")?;
    writeln!(w, "</html>")
}

/// One series as a small chart: the rate as a line (broken at gaps), its
/// interval as a band, missing nights shaded, rule-set changes dashed.
fn multiple(w: &mut dyn Write, trend: &Trend, s: &Series, k: usize) -> io::Result<()> {
    let n = trend.nights.len();
    let plot_w = CW - LEFT - RIGHT;
    let plot_h = CH - TOP - BOTTOM;
    // The rate axis: from a round tenth below the lowest interval to 100%.
    let lowest = s
        .points
        .iter()
        .flatten()
        .filter_map(|p| p.ci_low.or(p.compliance))
        .fold(1.0_f64, f64::min);
    let floor = ((lowest * 10.0).floor() / 10.0).clamp(0.0, 0.9);
    let x = |i: usize| {
        LEFT + if n == 1 {
            plot_w / 2.0
        } else {
            plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |r: f64| TOP + plot_h * (1.0 - (r.clamp(floor, 1.0) - floor) / (1.0 - floor));
    let last = s.points.iter().rev().flatten().next();
    let id = format!("s{k}");
    let title = match s.level {
        "rule" => format!("Rule {}", s.name),
        "theme" => format!("Theme {}", s.name),
        _ => format!("{}{}", s.name[..1].to_uppercase(), &s.name[1..]),
    };
    let now = last.map_or_else(
        || "nothing decided".to_string(),
        |p| {
            format!(
                "last night {} ({}, {} checks)",
                percent(p.compliance),
                range(p.ci_low.zip(p.ci_high)),
                thousands(p.checked - p.pending)
            )
        },
    );
    let desc: Vec<String> = trend
        .nights
        .iter()
        .zip(&s.points)
        .map(|(night, p)| match (p, &night.report) {
            (_, None) => format!("{}: no report", night.date),
            (None, _) => format!("{}: not in the report", night.date),
            (Some(p), _) => format!(
                "{}: {} ({})",
                night.date,
                percent(p.compliance),
                range(p.ci_low.zip(p.ci_high))
            ),
        })
        .collect();
    writeln!(w, "<figure class=\"multiple\" data-level=\"{}\">", s.level)?;
    writeln!(
        w,
        "<h3>{}</h3><p class=\"now\">{}</p>",
        escape(&title),
        escape(&now)
    )?;
    writeln!(
        w,
        "<svg role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {CW:.0} {CH:.0}\" width=\"{CW:.0}\" height=\"{CH:.0}\">"
    )?;
    writeln!(
        w,
        "<title id=\"{id}-title\">{} over the nights</title>",
        escape(&title)
    )?;
    writeln!(
        w,
        "<desc id=\"{id}-desc\">{}</desc>",
        escape(&desc.join("; "))
    )?;
    // Missing nights, shaded.
    let step = if n > 1 {
        plot_w / (n - 1) as f64
    } else {
        plot_w
    };
    for (i, night) in trend.nights.iter().enumerate() {
        if night.report.is_none() {
            writeln!(
                w,
                "<rect class=\"gapband\" x=\"{:.1}\" y=\"{TOP:.1}\" width=\"{:.1}\" height=\"{plot_h:.1}\"><title>{}: no report</title></rect>",
                x(i) - step / 2.0,
                step,
                night.date
            )?;
        }
    }
    // Grid: the floor, the middle and 100%.
    for r in [floor, (floor + 1.0) / 2.0, 1.0] {
        writeln!(
            w,
            "<line class=\"grid\" x1=\"{LEFT:.1}\" y1=\"{0:.1}\" x2=\"{1:.1}\" y2=\"{0:.1}\"/><text class=\"axis\" x=\"{2:.1}\" y=\"{3:.1}\" text-anchor=\"end\">{4:.0}%</text>",
            y(r),
            LEFT + plot_w,
            LEFT - 6.0,
            y(r) + 4.0,
            r * 100.0
        )?;
    }
    // Dates at the ends.
    writeln!(
        w,
        "<text class=\"axis\" x=\"{LEFT:.1}\" y=\"{0:.1}\">{1}</text><text class=\"axis\" x=\"{2:.1}\" y=\"{0:.1}\" text-anchor=\"end\">{3}</text>",
        CH - 6.0,
        trend.nights[0].date,
        LEFT + plot_w,
        trend.nights[n - 1].date
    )?;
    // Rule-set changes.
    for (i, night) in trend.nights.iter().enumerate() {
        if night.rule_set_changed {
            let cx = x(i) - step / 2.0;
            writeln!(
                w,
                "<line class=\"edition\" x1=\"{cx:.1}\" y1=\"{TOP:.1}\" x2=\"{cx:.1}\" y2=\"{:.1}\"><title>{}: the rule set changed</title></line>",
                TOP + plot_h,
                night.date
            )?;
        }
    }
    // Runs of nights with a rate: band and line, broken at gaps.
    let mut i = 0;
    while i < n {
        if s.points[i].as_ref().and_then(|p| p.compliance).is_none() {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && s.points[i].as_ref().and_then(|p| p.compliance).is_some() {
            i += 1;
        }
        let run: Vec<(usize, &Point)> = (start..i)
            .map(|j| (j, s.points[j].as_ref().unwrap()))
            .collect();
        let top: Vec<String> = run
            .iter()
            .map(|(j, p)| {
                format!(
                    "{:.1},{:.1}",
                    x(*j),
                    y(p.ci_high.or(p.compliance).unwrap_or(1.0))
                )
            })
            .collect();
        let bottom: Vec<String> = run
            .iter()
            .rev()
            .map(|(j, p)| {
                format!(
                    "{:.1},{:.1}",
                    x(*j),
                    y(p.ci_low.or(p.compliance).unwrap_or(0.0))
                )
            })
            .collect();
        if run.len() > 1 {
            writeln!(
                w,
                "<polygon class=\"band\" points=\"{} {}\"/>",
                top.join(" "),
                bottom.join(" ")
            )?;
            let line: Vec<String> = run
                .iter()
                .map(|(j, p)| format!("{:.1},{:.1}", x(*j), y(p.compliance.unwrap_or(0.0))))
                .collect();
            writeln!(
                w,
                "<polyline class=\"line\" points=\"{}\"/>",
                line.join(" ")
            )?;
        }
        for (j, p) in &run {
            let (lo, hi) = (
                p.ci_low.or(p.compliance).unwrap_or(0.0),
                p.ci_high.or(p.compliance).unwrap_or(1.0),
            );
            if run.len() == 1 {
                writeln!(
                    w,
                    "<line class=\"whisker\" x1=\"{0:.1}\" y1=\"{1:.1}\" x2=\"{0:.1}\" y2=\"{2:.1}\"/>",
                    x(*j),
                    y(hi),
                    y(lo)
                )?;
            }
            writeln!(
                w,
                "<circle class=\"dot\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\"><title>{}: {} ({})</title></circle>",
                x(*j),
                y(p.compliance.unwrap_or(0.0)),
                trend.nights[*j].date,
                percent(p.compliance),
                range(p.ci_low.zip(p.ci_high))
            )?;
        }
    }
    writeln!(w, "</svg>")?;
    writeln!(w, "</figure>")
}

/// `hocr trend`: reads the reports, writes the trend.
pub fn run(inputs: &[PathBuf], format: Format, output: Option<&Path>) -> Result<(), TrendError> {
    let files = report_files(inputs)?;
    if let Some(out) = output {
        let reports: Vec<crate::util::file::Role> = files
            .iter()
            .map(|f| ("the report".to_string(), f.as_path()))
            .collect();
        crate::util::file::refuse_overlap(&[("--output".to_string(), out)], &reports)
            .map_err(TrendError)?;
    }
    let nights = read_nights(&files)?;
    let trend = build(&nights)?;
    match output {
        Some(p) => crate::util::file::write_file(p, |w| render(&trend, format, w))
            .map_err(|e| TrendError(format!("cannot write `{}`: {e}", p.display()))),
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            match render(&trend, format, &mut out).and_then(|()| out.flush()) {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                    Err(TrendError(format!("cannot write the output: {e}")))
                }
                _ => Ok(()),
            }
        }
    }
}
