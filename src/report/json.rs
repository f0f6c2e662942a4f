//! `--format json`: one document with the run's metadata, per-rule
//! statistics and the findings. Fields are documented in docs/report-json.md.

use super::Report;
use crate::findings::{Finding, RuleStats};
use crate::ingest::InputSummary;
use crate::time::Instant;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Document<'a> {
    tool: Tool,
    as_of: Instant,
    rules: RuleSet<'a>,
    inputs: &'a [InputSummary],
    rows: Rows,
    stats: Vec<Stat<'a>>,
    findings: &'a [Finding],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct RuleSet<'a> {
    edition: String,
    fingerprint: &'a str,
    files: Vec<&'a str>,
    /// Working-day deadlines counted through years the calendar lacks.
    deadlines_outside_calendar: u64,
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
}

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    let read = report.rows_read();
    let rejected = report.rows_rejected();
    let doc = Document {
        tool: Tool {
            name: "hocr",
            version: env!("CARGO_PKG_VERSION"),
        },
        as_of: report.as_of,
        rules: RuleSet {
            edition: report.plan.edition(),
            fingerprint: &report.plan.fingerprint,
            files: report.plan.files.iter().map(|f| f.name.as_str()).collect(),
            deadlines_outside_calendar: report.outcome.outside_calendar,
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
                compliance: s.compliance().map(|c| (c * 10_000.0).round() / 10_000.0),
            })
            .collect(),
        findings: &report.outcome.findings,
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    w.write_all(b"\n")
}
