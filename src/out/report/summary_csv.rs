//! `--format summary-csv`: the figures of the text summary, one row each,
//! for a spreadsheet: compliance themes worst first, compliance over the
//! compliance rules, data quality apart, every rule, and the coverage
//! warnings. UTF-8 with a byte-order mark and CRLF, as `--format csv`.
//! Rates are fractions rounded to 4 decimals, as in `--format json`.

use super::Report;
use crate::run::baseline::ChangeCounts;
use crate::run::findings::{Headline, Scope, Totals};
use crate::util::text::round;
use std::io::{self, Write};

const COLUMNS: &[&str] = &[
    "level",
    "name",
    "scope",
    "checked",
    "findings",
    "pending",
    "compliance",
    "ci_low",
    "ci_high",
    "new",
    "persisting",
    "resolved",
    "note",
];

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    w.write_all("\u{feff}".as_bytes())?;
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(w);
    out.write_record(COLUMNS)?;
    let headline = report.headline();
    let stats = &report.outcome.stats;
    let by_rule = report.compared().map(|c| c.by_rule()).unwrap_or_default();
    let by_theme = report
        .compared()
        .map(|c| c.by_theme(stats))
        .unwrap_or_default();
    let rate = |x: Option<f64>| round(x).map(|r| r.to_string()).unwrap_or_default();
    let changed = |rows: &[(String, ChangeCounts)], name: &str| -> [String; 3] {
        match rows.iter().find(|(n, _)| n == name) {
            Some((_, c)) => [c.new, c.persisting, c.resolved].map(|n| n.to_string()),
            None if report.compared().is_some() => ["0", "0", "0"].map(String::from),
            None => Default::default(),
        }
    };
    let mut row = |level: &str, name: &str, scope: &str, t: &Totals, ch: [String; 3]| {
        let [new, persisting, resolved] = ch;
        out.write_record([
            level,
            name,
            scope,
            &t.checked.to_string(),
            &t.findings.to_string(),
            &t.pending.to_string(),
            &rate(t.compliance),
            &rate(t.ci_low),
            &rate(t.ci_high),
            &new,
            &persisting,
            &resolved,
            "",
        ])
    };
    for t in &headline.themes {
        row(
            "theme",
            &t.name,
            "compliance",
            t,
            changed(&by_theme, &t.name),
        )?;
    }
    // A scope's changes: its rules' added up.
    let of_scope = |scope: Scope| -> [String; 3] {
        if report.compared().is_none() {
            return Default::default();
        }
        let mut sum = ChangeCounts::default();
        for (rule, c) in &by_rule {
            if stats.iter().any(|s| s.rule == *rule && s.scope == scope) {
                sum.new += c.new;
                sum.persisting += c.persisting;
                sum.resolved += c.resolved;
            }
        }
        [sum.new, sum.persisting, sum.resolved].map(|n| n.to_string())
    };
    row(
        "overall",
        Headline::COMPLIANCE,
        "compliance",
        &headline.compliance,
        of_scope(Scope::Compliance),
    )?;
    row(
        "overall",
        Headline::DATA_QUALITY,
        "data-quality",
        &headline.data_quality,
        of_scope(Scope::DataQuality),
    )?;
    for s in stats {
        row(
            "rule",
            &s.rule,
            s.scope.name(),
            &Totals::of(&s.rule, [s]),
            changed(&by_rule, &s.rule),
        )?;
    }
    for warning in report.coverage().warnings() {
        out.write_record([
            "warning", "", "", "", "", "", "", "", "", "", "", "", &warning,
        ])?;
    }
    out.flush()
}
