//! `--format json`: one document with the run's metadata, per-rule
//! statistics and the findings. Fields are documented in docs/report-json.md.

use super::Report;
use crate::baseline::Changes;
use crate::findings::{Finding, RuleStats, Totals};
use crate::ingest::InputSummary;
use crate::time::Instant;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Document<'a> {
    tool: Tool,
    as_of: Instant,
    /// Only when the as-of time is before it: the export's earliest report
    /// (nothing can be late or missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of_before_earliest_report: Option<Instant>,
    rules: RuleSet<'a>,
    inputs: &'a [InputSummary],
    rows: Rows,
    stats: Vec<Stat<'a>>,
    themes: Vec<Totals>,
    overall: Totals,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a Changes>,
    findings: &'a [Finding],
    /// Written last: a baseline's proof that its findings are all there.
    findings_total: u64,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
    /// The one field that differs between identical runs.
    elapsed_seconds: f64,
}

#[derive(Serialize)]
struct RuleSet<'a> {
    edition: String,
    fingerprint: &'a str,
    files: Vec<&'a str>,
    /// Working-day deadlines counted through years the calendar lacks.
    deadlines_outside_calendar: u64,
    /// Every rule's sources, and its quotes kept apart from its policy.
    catalogue: Vec<CatalogueRule<'a>>,
}

/// What a rule rests on: "the source says" (`quotes`, verbatim from
/// `sources`) and "force policy" (`policy`), never mixed.
#[derive(Serialize)]
struct CatalogueRule<'a> {
    rule: &'a str,
    title: &'a str,
    sources: Vec<SourceRef<'a>>,
    quotes: &'a [String],
    policy: &'a [String],
}

#[derive(Serialize)]
struct SourceRef<'a> {
    title: &'a str,
    address: Option<&'a str>,
}

#[derive(Serialize)]
struct Rows {
    read: u64,
    evaluated: u64,
    rejected: u64,
}

#[derive(Serialize)]
struct Stat<'a> {
    #[serde(flatten)]
    stats: &'a RuleStats,
    compliance: Option<f64>,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
}

/// Rates are rounded to 4 decimals so the document stays byte-identical
/// across platforms' last-bit float differences.
fn round(x: Option<f64>) -> Option<f64> {
    x.map(|c| (c * 10_000.0).round() / 10_000.0)
}

fn rounded(mut t: Totals) -> Totals {
    t.compliance = round(t.compliance);
    t.ci_low = round(t.ci_low);
    t.ci_high = round(t.ci_high);
    t
}

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    let read = report.rows_read();
    let rejected = report.rows_rejected();
    let doc = Document {
        tool: Tool {
            name: "hocr",
            version: env!("CARGO_PKG_VERSION"),
            elapsed_seconds: (report.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        },
        as_of: report.as_of,
        as_of_before_earliest_report: report.as_of_before_export(),
        rules: RuleSet {
            edition: report.plan.edition(),
            fingerprint: &report.plan.fingerprint,
            files: report.plan.files.iter().map(|f| f.name.as_str()).collect(),
            deadlines_outside_calendar: report.outcome.outside_calendar,
            catalogue: report
                .plan
                .rules
                .iter()
                .map(|r| CatalogueRule {
                    rule: &r.code,
                    title: &r.title,
                    sources: r
                        .sources
                        .iter()
                        .map(|s| SourceRef {
                            title: &s.text,
                            address: s.address.as_deref(),
                        })
                        .collect(),
                    quotes: &r.quotes,
                    policy: &r.policies,
                })
                .collect(),
        },
        inputs: report.inputs,
        rows: Rows {
            read,
            evaluated: read - rejected,
            rejected,
        },
        stats: report
            .outcome
            .stats
            .iter()
            .map(|s| Stat {
                stats: s,
                compliance: round(s.compliance()),
                ci_low: round(s.interval().map(|c| c.0)),
                ci_high: round(s.interval().map(|c| c.1)),
            })
            .collect(),
        themes: Totals::by_theme(&report.outcome.stats)
            .into_iter()
            .map(rounded)
            .collect(),
        overall: rounded(Totals::of("all rules", &report.outcome.stats)),
        baseline: report.changes,
        findings: &report.outcome.findings,
        findings_total: report.outcome.findings.len() as u64,
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    w.write_all(b"\n")
}
