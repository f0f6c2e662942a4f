//! Step six: findings and statistics to output. One renderer per format,
//! all over the same [`Report`]; adding a format never touches a rule.

pub mod csv;
pub mod html;
pub mod json;
pub mod jsonl;
pub mod summary_csv;
pub mod text;

use crate::data::ingest::{InputSummary, Reject};
use crate::data::time::Instant;
use crate::lang::plan::Plan;
use crate::run::baseline::Changes;
use crate::run::coverage::Coverage;
use crate::run::findings::{Headline, Outcome};

/// The report formats (`hocr check --format`): one renderer each, chosen in
/// [`render`]. A new format is one file in `report/`, one value here and
/// its arm in [`render`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Jsonl,
    /// The findings as CSV (UTF-8 with BOM, opens cleanly in Excel).
    Csv,
    /// A self-contained page for the board: charts, rules and findings.
    Html,
    /// The summary's figures as CSV: themes, compliance, data quality, rules, coverage warnings.
    SummaryCsv,
}

impl Format {
    /// Whether the format shows each input file's sha256 (hashing is only
    /// paid for when a report shows it).
    pub fn shows_file_hashes(self) -> bool {
        matches!(self, Format::Json | Format::Html)
    }

    /// Whether the format has a place for the run's warnings (coverage,
    /// an empty rule set): the findings-only formats have none, so the
    /// command line says them on stderr instead.
    pub fn carries_warnings(self) -> bool {
        !matches!(self, Format::Jsonl | Format::Csv)
    }
}

/// The report in the format asked for.
pub fn render(
    format: Format,
    report: &Report,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Text => text::render(report, out),
        Format::Json => json::render(report, out),
        Format::Jsonl => jsonl::render(report, out),
        Format::Csv => csv::render(report, out),
        Format::Html => html::render(report, out),
        Format::SummaryCsv => summary_csv::render(report, out),
    }
}

/// Everything a report may show about one run.
pub struct Report<'a> {
    pub as_of: Instant,
    pub plan: &'a Plan,
    pub inputs: &'a [InputSummary],
    pub rejects: &'a [Reject],
    pub outcome: &'a Outcome,
    /// Wall time from start to evaluation done; only the JSON report shows
    /// it, so every other output stays byte-identical between runs.
    pub elapsed: std::time::Duration,
    /// With `--baseline`: what changed since the earlier run.
    pub changes: Option<&'a Changes>,
    /// Threads the output may be put together on (`--threads`).
    pub threads: usize,
    /// The earliest report time among the incidents read, to say when the
    /// as-of time is before it (see [`Report::as_of_before_export`]).
    pub earliest_report: Option<Instant>,
}

impl Report<'_> {
    /// The earliest report in the export, when the as-of time is before
    /// it: every deadline then lies after the as-of time, so nothing can be
    /// late or missing (probably a mistyped `--as-of`).
    pub fn as_of_before_export(&self) -> Option<Instant> {
        self.earliest_report.filter(|&e| self.as_of < e)
    }
    pub fn rows_read(&self) -> u64 {
        self.inputs.iter().map(|i| i.rows_read).sum()
    }
    pub fn rows_rejected(&self) -> u64 {
        self.inputs.iter().map(|i| i.rejected).sum()
    }
    /// Compliance by theme (worst first) and overall, data quality apart.
    pub fn headline(&self) -> Headline {
        Headline::of(&self.outcome.stats)
    }
    /// With a baseline that was there: what changed since it.
    pub fn compared(&self) -> Option<&crate::run::baseline::Counts> {
        self.changes.and_then(|c| c.counts.as_ref())
    }
    /// Rules that checked nothing and codes no rule mentions.
    pub fn coverage(&self) -> Coverage {
        Coverage::of(self.plan, &self.outcome.stats, &self.outcome.codes)
    }
}
