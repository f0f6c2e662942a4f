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

mod page;

use crate::out::html::{STYLE, escape};
use crate::run::findings::{Headline, RuleStats, Scope, Totals};
use crate::util::text::{percent, range, round, thousands};
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

/// Output format of `hocr trend` (`--format`'s list, with its help texts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A self-contained page: a small chart per figure over the nights.
    Html,
    Json,
    /// One row per night and figure (UTF-8 with BOM).
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
        Format::Html => page::html(trend, w),
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
