//! `hocr rules test`: every example of the plan run against its own rule
//! alone (its records read by the checker, `crate::lang::examples`), and
//! the results rendered.

use crate::lang::diagnostics::line_col;
use crate::lang::examples::clock;
use crate::lang::plan::{Example, Plan, Rule};
use crate::run::engine::evaluate_rule;
use crate::run::findings::{Finding, Outcome};
use crate::util::text::plural;
use crate::vocab::Expectation;
use std::collections::HashSet;
use std::io::{self, Write};

/// How one example fared.
pub struct Tried<'p> {
    pub rule: &'p Rule,
    pub example: &'p Example,
    pub outcome: Outcome,
    pub passed: bool,
}

/// Every example of every rule of the plan, each run against its rule alone.
pub fn run(plan: &Plan) -> Vec<Tried<'_>> {
    let mut tried = Vec::new();
    for (index, rule) in plan.rules.iter().enumerate() {
        for example in &rule.examples {
            let outcome =
                evaluate_rule(plan, index, example.records(), example.judged_at(), clock());
            let passed = meets(&example.expect, &outcome);
            tried.push(Tried {
                rule,
                example,
                outcome,
                passed,
            });
        }
    }
    tried
}

fn pending(outcome: &Outcome) -> u64 {
    outcome.stats.iter().map(|s| s.pending).sum()
}

/// `no finding` means nothing reported and nothing pending; `pending`
/// means nothing reported and something pending; `2 late` means exactly
/// two findings, both late (pending subjects aside).
fn meets(expect: &Expectation, outcome: &Outcome) -> bool {
    let found = &outcome.findings;
    match expect {
        Expectation::Nothing => found.is_empty() && pending(outcome) == 0,
        Expectation::Pending => found.is_empty() && pending(outcome) > 0,
        Expectation::Finding { kind, count } => {
            found.len() == *count as usize && found.iter().all(|f| *f.kind == **kind)
        }
    }
}

fn expected(expect: &Expectation) -> String {
    match expect {
        Expectation::Nothing => "no finding, nothing pending".into(),
        Expectation::Pending => "no finding, something pending".into(),
        Expectation::Finding { kind, count } => {
            format!("{} ({kind})", plural(u64::from(*count), "finding"))
        }
    }
}

fn actual(outcome: &Outcome) -> String {
    let found = &outcome.findings;
    let mut kinds: Vec<&str> = found.iter().map(|f| &*f.kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let findings = if found.is_empty() {
        "no finding".to_string()
    } else {
        format!(
            "{} ({})",
            plural(found.len() as u64, "finding"),
            kinds.join(", ")
        )
    };
    match pending(outcome) {
        0 => format!("{findings}, nothing pending"),
        n => format!("{findings}, {n} pending"),
    }
}

/// One finding in a line: kind, the records it is about, due and done.
fn describe(f: &Finding) -> String {
    let mut parts = Vec::new();
    if let (Some(event), Some(at)) = (&f.event, f.event_at.get()) {
        parts.push(format!("update `{event}` at {at}"));
    }
    if let Some(id) = &f.crime_id {
        parts.push(format!("crime {id}"));
    }
    if let Some(id) = &f.incident_id {
        parts.push(format!("incident {id}"));
    }
    if let Some(field) = f.field {
        parts.push(format!("field `{field}`"));
    }
    if let Some(due) = f.due.get() {
        parts.push(format!("due {due}"));
    }
    if let Some(at) = f.at.get() {
        parts.push(format!("done {at}"));
    }
    format!("{:<10} {}", f.kind, parts.join(", "))
}

/// `PASS`/`FAIL` per example and what differed for each failure, without
/// the summary: the language server shows this for one rule's examples.
pub fn render_each(plan: &Plan, tried: &[Tried], out: &mut impl Write) -> io::Result<()> {
    for t in tried {
        let verdict = if t.passed { "PASS" } else { "FAIL" };
        writeln!(out, "{verdict} {} \"{}\"", t.rule.code, t.example.name)?;
        if t.passed {
            continue;
        }
        if let Some(file) = plan.files.get(t.rule.file) {
            let (line, col) = line_col(&file.text, t.example.span.start);
            writeln!(out, "  at {}:{line}:{col}", file.name)?;
        }
        match t.example.as_of {
            Some(at) => writeln!(out, "  as of    {at}")?,
            None => writeln!(out, "  as of    after every deadline (no `as of`)")?,
        }
        writeln!(out, "  expected {}", expected(&t.example.expect))?;
        writeln!(out, "  actual   {}", actual(&t.outcome))?;
        for f in &t.outcome.findings {
            writeln!(out, "    {}", describe(f))?;
        }
    }
    Ok(())
}

/// `PASS`/`FAIL` per example, what differed for each failure, then the
/// summary line.
pub fn render(plan: &Plan, tried: &[Tried], out: &mut impl Write) -> io::Result<()> {
    render_each(plan, tried, out)?;
    let passed = tried.iter().filter(|t| t.passed).count() as u64;
    let with_examples: HashSet<&str> = tried.iter().map(|t| t.rule.code.as_str()).collect();
    let without: Vec<&str> = plan
        .rules
        .iter()
        .map(|r| r.code.as_str())
        .filter(|c| !with_examples.contains(c))
        .collect();
    if !tried.is_empty() {
        writeln!(out)?;
    }
    if !without.is_empty() {
        writeln!(out, "rules without examples: {}", without.join(", "))?;
    }
    writeln!(
        out,
        "{}, {}: {} passed, {} failed",
        plural(plan.rules.len() as u64, "rule"),
        plural(tried.len() as u64, "example"),
        passed,
        tried.len() as u64 - passed
    )
}
