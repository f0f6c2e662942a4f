//! The human summary: inputs, rejects, then per rule and per theme what was
//! checked and found. Plain text that reads well in a terminal and a log.

use super::Report;
use crate::lang::plan::Severity;
use crate::run::baseline::Changes;
use crate::run::findings::{Headline, Totals};
use crate::util::text::{percent, range};
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
    inputs(report, w)?;
    let stats = &report.outcome.stats;
    let headline = report.headline();
    let names: Vec<String> = stats
        .iter()
        .map(|s| format!("{} {}", s.rule, s.name))
        .collect();
    let nw = names
        .iter()
        .map(String::len)
        .chain(headline.themes.iter().map(|t| t.name.len()))
        .chain([Headline::COMPLIANCE.len(), "Since the baseline".len() - 2])
        .max()
        .unwrap_or(0)
        .max(9);
    let row = |w: &mut dyn Write, name: &str, t: &Totals| {
        writeln!(
            w,
            "  {:<nw$}  {:>9}  {:>8}  {:>7}  {:>10}  {:>13}",
            name,
            t.checked,
            t.findings,
            t.pending,
            percent(t.compliance),
            range(t.ci_low.zip(t.ci_high)),
        )
    };
    let header = |w: &mut dyn Write, title: &str| {
        writeln!(w)?;
        writeln!(
            w,
            "{:<width$}  {:>9}  {:>8}  {:>7}  {:>10}  {:>13}",
            title,
            "checked",
            "findings",
            "pending",
            "compliance",
            "95% interval",
            width = nw + 2,
        )
    };
    header(w, "Rules")?;
    for (s, name) in stats.iter().zip(&names) {
        row(w, name, &Totals::of(name, [s]))?;
    }
    editions(w, stats)?;
    header(w, "Themes, worst first")?;
    for t in &headline.themes {
        row(w, &t.name, t)?;
    }
    row(w, Headline::COMPLIANCE, &headline.compliance)?;
    if headline.data_quality.rules > 0 {
        header(w, "Data quality, apart")?;
        row(w, Headline::DATA_QUALITY, &headline.data_quality)?;
    }
    if let Some(c) = report.changes {
        writeln!(w)?;
        baseline(w, c, &report.plan.fingerprint, nw, stats)?;
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
    writeln!(w, "{}", headline_sentence(&headline))?;
    for warning in report.coverage().warnings() {
        writeln!(w, "warning: {warning}")?;
    }
    if report.plan.rules.is_empty() {
        writeln!(w, "warning: the rule set has no rules: nothing was checked")?;
    }
    if let Some(earliest) = report.as_of_before_export() {
        writeln!(
            w,
            "warning: the as-of time is before the earliest report in the export ({}): every deadline not met is still pending, none missing",
            earliest.format_utc()
        )?;
    }
    if report.outcome.outside_calendar > 0 {
        writeln!(
            w,
            "warning: {} working-day deadlines counted days in years the holiday calendar does not cover; only weekends were treated as non-working",
            report.outcome.outside_calendar
        )?;
    }
    Ok(())
}

/// The files read, and the rows rejected.
fn inputs(report: &Report, w: &mut dyn Write) -> io::Result<()> {
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
    Ok(())
}

/// The headline in one sentence: compliance over the compliance rules,
/// the worst theme, and data quality apart.
pub fn headline_sentence(h: &Headline) -> String {
    let t = |t: &Totals| {
        format!(
            "{} (95% interval {}, {} checks)",
            percent(t.compliance),
            range(t.ci_low.zip(t.ci_high)),
            t.decided()
        )
    };
    let mut out = format!("Compliance {}", t(&h.compliance));
    if let Some(worst) = h.themes.first().filter(|w| w.compliance.is_some()) {
        out.push_str(&format!("; worst theme {} {}", worst.name, t(worst)));
    }
    if h.data_quality.rules > 0 {
        out.push_str(&format!("; data quality, apart, {}", t(&h.data_quality)));
    }
    out.push('.');
    out
}

/// The rules that apply only within a window of dates (an edition) or
/// need fields the export may lack: what was outside, and what could not
/// be judged. Nothing when every rule applies throughout and was judged.
fn editions(w: &mut dyn Write, stats: &[crate::run::findings::RuleStats]) -> io::Result<()> {
    let shown: Vec<_> = stats
        .iter()
        .filter(|s| !s.applies.is_empty() || s.not_judged > 0)
        .collect();
    if shown.is_empty() {
        return Ok(());
    }
    writeln!(w)?;
    writeln!(w, "Editions and fields")?;
    for s in shown {
        let mut parts = Vec::new();
        if !s.applies.is_empty() {
            parts.push(format!(
                "applies {}: {} outside",
                s.applies.join("; "),
                s.outside_window
            ));
        }
        if s.not_judged > 0 {
            parts.push(format!(
                "{} not judged: no record of the export holds {}",
                s.not_judged,
                s.missing
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        writeln!(w, "  {} {}  {}", s.rule, s.name, parts.join("; "))?;
    }
    Ok(())
}

/// The run-to-run table, and what the baseline was.
fn baseline(
    w: &mut dyn Write,
    c: &Changes,
    fingerprint: &str,
    nw: usize,
    stats: &[crate::run::findings::RuleStats],
) -> io::Result<()> {
    let Some(counts) = &c.counts else {
        return writeln!(
            w,
            "Baseline `{}` does not exist (--baseline-if-exists): no comparison",
            c.file
        );
    };
    let since = match c.as_of {
        Some(t) => format!("Since the baseline (as of {})", t.format_utc()),
        None => "Since the baseline".to_string(),
    };
    writeln!(
        w,
        "{:<width$}  {:>9}  {:>10}  {:>8}",
        since,
        "new",
        "persisting",
        "resolved",
        width = nw + 2
    )?;
    for (rule, (new, persisting, resolved)) in &counts.per_rule {
        writeln!(
            w,
            "  {:<nw$}  {:>9}  {:>10}  {:>8}",
            rule, new, persisting, resolved
        )?;
    }
    writeln!(
        w,
        "  {:<nw$}  {:>9}  {:>10}  {:>8}",
        "all rules", counts.new, counts.persisting, counts.resolved
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "{:<width$}  {:>9}  {:>10}  {:>8}",
        "Since the baseline, by theme",
        "new",
        "persisting",
        "resolved",
        width = nw + 2
    )?;
    for (theme, n) in counts.by_theme(stats) {
        writeln!(
            w,
            "  {:<nw$}  {:>9}  {:>10}  {:>8}",
            theme, n.new, n.persisting, n.resolved
        )?;
    }
    if c.same_rules == Some(false) {
        writeln!(
            w,
            "warning: the baseline was made with another rule set ({}, now {}): findings of rules changed since may show as new or resolved",
            c.rules_fingerprint.as_deref().unwrap_or("?"),
            fingerprint
        )?;
    }
    Ok(())
}
