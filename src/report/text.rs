//! The human summary: inputs, rejects, then per rule what was checked and
//! found. Plain text that reads well in a terminal and in a log.

use super::{Report, percent};
use crate::plan::Severity;
use std::io::{self, Write};

/// How many rejected rows the summary lists before pointing at --rejects.
const REJECTS_SHOWN: usize = 10;

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    let plan = report.plan;
    writeln!(w, "hocr check")?;
    writeln!(w, "  as of     {}", report.as_of)?;
    writeln!(
        w,
        "  rules     {} ({} rules, {})",
        plan.edition(),
        plan.rules.len(),
        plan.fingerprint
    )?;
    writeln!(w)?;
    writeln!(w, "Inputs")?;
    let width = report
        .inputs
        .iter()
        .map(|i| i.path.len())
        .max()
        .unwrap_or(0);
    for i in report.inputs {
        writeln!(
            w,
            "  {:<9} {:<width$}  {:>9} read  {:>9} evaluated  {:>7} rejected",
            i.table.name(),
            i.path,
            i.rows_read,
            i.evaluated,
            i.rejected,
        )?;
    }
    if !report.rejects.is_empty() {
        writeln!(w)?;
        writeln!(w, "Rejected rows: {}", report.rejects.len())?;
        for r in report.rejects.iter().take(REJECTS_SHOWN) {
            writeln!(w, "  {}:{}: {}", r.file, r.line, r.reason)?;
        }
        if report.rejects.len() > REJECTS_SHOWN {
            writeln!(
                w,
                "  … and {} more (write them all with --rejects FILE)",
                report.rejects.len() - REJECTS_SHOWN
            )?;
        }
    }
    writeln!(w)?;
    let name_width = report
        .outcome
        .stats
        .iter()
        .map(|s| s.rule.len() + 1 + s.name.len())
        .max()
        .unwrap_or(0);
    writeln!(
        w,
        "{:<nw$}  {:>9}  {:>8}  {:>7}  {:>10}",
        "Rules",
        "checked",
        "findings",
        "pending",
        "compliance",
        nw = name_width + 2,
    )?;
    for s in &report.outcome.stats {
        writeln!(
            w,
            "  {:<nw$}  {:>9}  {:>8}  {:>7}  {:>10}",
            format!("{} {}", s.rule, s.name),
            s.checked,
            s.findings,
            s.pending,
            percent(s.compliance()),
            nw = name_width,
        )?;
    }
    writeln!(w)?;
    let findings = &report.outcome.findings;
    let by_severity: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .map(|sev| {
            let n = findings.iter().filter(|f| f.severity == *sev).count();
            format!("{n} {}", sev.name())
        })
        .collect();
    writeln!(
        w,
        "Findings: {} ({})",
        findings.len(),
        by_severity.join(", ")
    )?;
    if report.outcome.outside_calendar > 0 {
        writeln!(
            w,
            "warning: {} working-day deadlines counted days in years the holiday calendar does not cover; only weekends were treated as non-working",
            report.outcome.outside_calendar
        )?;
    }
    Ok(())
}
