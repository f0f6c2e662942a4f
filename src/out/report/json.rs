//! `--format json`: one document with the run's metadata, per-rule
//! statistics and the findings. Fields are documented in docs/report-json.md.

use super::Report;
use crate::data::ingest::InputSummary;
use crate::data::time::Instant;
use crate::run::baseline::{ChangeCounts, Changes};
use crate::run::coverage::Coverage;
use crate::run::findings::{Finding, RuleStats, Totals};
use crate::util::text::round;
use serde::Serialize;
use std::collections::BTreeMap;
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
    /// Compliance themes, worst first.
    themes: Vec<Totals>,
    /// Over the compliance rules only.
    overall: Totals,
    /// Over the data-quality rules, apart.
    data_quality: Totals,
    coverage: Coverage,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<Baseline<'a>>,
    findings: &'a [Finding],
    /// Written last: a baseline's proof that its findings are all there.
    findings_total: u64,
}

#[derive(Serialize)]
struct Baseline<'a> {
    #[serde(flatten)]
    changes: &'a Changes,
    #[serde(skip_serializing_if = "Option::is_none")]
    per_rule: Option<BTreeMap<String, ChangeCounts>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    per_theme: Option<BTreeMap<String, ChangeCounts>>,
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

fn rounded(mut t: Totals) -> Totals {
    t.compliance = round(t.compliance);
    t.ci_low = round(t.ci_low);
    t.ci_high = round(t.ci_high);
    t
}

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    let read = report.rows_read();
    let rejected = report.rows_rejected();
    let headline = report.headline();
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
        themes: headline.themes.into_iter().map(rounded).collect(),
        overall: rounded(headline.compliance),
        data_quality: rounded(headline.data_quality),
        coverage: report.coverage(),
        baseline: report.changes.map(|c| Baseline {
            changes: c,
            per_rule: c.counts.as_ref().map(|n| n.by_rule().into_iter().collect()),
            per_theme: c
                .counts
                .as_ref()
                .map(|n| n.by_theme(&report.outcome.stats).into_iter().collect()),
        }),
        findings: &report.outcome.findings,
        findings_total: report.outcome.findings.len() as u64,
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    w.write_all(b"\n")
}
