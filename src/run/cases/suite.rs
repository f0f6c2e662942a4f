//! `hocr rules test` over the cases: each run, compared with what it
//! expects, reported in plain words and (with `--accept`) accepted, then
//! one summary line for all.

use super::diff::{Diff, describe, diff};
use super::expected::Expected;
use super::{Case, EXPECTED, Ran, run, write_expected};
use crate::lang::plan::Plan;
use crate::util::text::plural;
use std::io::{self, Write};
use std::path::Path;

/// How a `hocr rules test` run over cases went.
#[derive(Debug, Default)]
pub struct Verdict {
    /// Some case differs from its expected file (and was not accepted).
    pub different: bool,
    /// Some case could not be run, or an accepted file not written.
    pub errors: bool,
}

/// Runs every case, printing per case its differences in plain words and
/// a summary line, then one line for all. With `accept`, the expected files
/// of the cases that differ (or have none yet) are rewritten, each whole
/// or not at all, and named. Errors go to `err`, each naming its case.
pub fn test(
    plan: &Plan,
    cases: &[Case],
    accept: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Verdict> {
    let mut suite = Suite {
        plan,
        accept,
        out,
        err,
        verdict: Verdict::default(),
        tally: Tally::default(),
    };
    for case in cases {
        suite.case(case)?;
    }
    if !cases.is_empty() {
        suite.summary(cases.len())?;
    }
    Ok(suite.verdict)
}

/// The cases so far, by how each went, for the summary line.
#[derive(Default)]
struct Tally {
    same: usize,
    /// Different, accepted or not.
    differ: usize,
    accepted: usize,
    failed: usize,
    skipped: usize,
}

/// One `hocr rules test` run in progress.
struct Suite<'a> {
    plan: &'a Plan,
    accept: bool,
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    verdict: Verdict,
    tally: Tally,
}

impl Suite<'_> {
    fn case(&mut self, case: &Case) -> io::Result<()> {
        // A fixture with rules of its own tests those rules, not this rule
        // set (`tests/golden.rs` runs it with them).
        if case.dir.join("rules").is_dir() {
            writeln!(
                self.out,
                "case {}: skipped: it has rules of its own (`rules/` in the case)",
                case.name
            )?;
            self.tally.skipped += 1;
            return Ok(());
        }
        let ran = match run(self.plan, case) {
            Ok(r) => r,
            Err(e) => return self.could_not_run(&e.case, &e.message),
        };
        let rejected = match ran.rejected {
            0 => String::new(),
            n => format!("; {} rejected", plural(n as usize, "row")),
        };
        match &ran.expected {
            None => self.first_expected(case, &ran, &rejected),
            Some(expected) => self.compare(case, expected, &ran, &rejected),
        }
    }

    /// The error, and the case's line saying it was not run.
    fn could_not_run(&mut self, case: &str, message: &str) -> io::Result<()> {
        writeln!(self.err, "error: case `{case}`: {message}")?;
        writeln!(self.out, "case {case}: could not be run (see the error)")?;
        self.verdict.errors = true;
        self.tally.failed += 1;
        Ok(())
    }

    /// A case without an expected file yet: accepted whole with
    /// `--accept`, else an error, so that no case passes on findings
    /// nobody has read.
    fn first_expected(&mut self, case: &Case, ran: &Ran, rejected: &str) -> io::Result<()> {
        let path = case.dir.join(EXPECTED);
        if !self.accept {
            let message = format!(
                "no `{EXPECTED}` in `{}`: write it with `hocr rules test … --accept` once the findings are right",
                case.dir.display()
            );
            return self.could_not_run(&case.name, &message);
        }
        match write_expected(&path, &ran.found) {
            Ok(()) => {
                writeln!(
                    self.out,
                    "case {}: no expected file yet; accepted {} into {}{rejected}",
                    case.name,
                    plural(ran.found.len(), "finding"),
                    path.display()
                )?;
                self.tally.accepted += 1;
            }
            Err(e) => {
                self.cannot_write(case, &path, &e)?;
                self.verdict.errors = true;
                self.tally.failed += 1;
            }
        }
        Ok(())
    }

    /// What the case found against what it expects: the same, or each
    /// difference in words (then accepted with `--accept`).
    fn compare(
        &mut self,
        case: &Case,
        expected: &[Expected],
        ran: &Ran,
        rejected: &str,
    ) -> io::Result<()> {
        let d = diff(expected, &ran.found);
        if d.is_empty() {
            writeln!(
                self.out,
                "case {}: as expected ({}{rejected})",
                case.name,
                plural(ran.found.len(), "finding")
            )?;
            self.tally.same += 1;
            return Ok(());
        }
        self.tally.differ += 1;
        write_differences(self.out, case, &d, rejected)?;
        if self.accept {
            self.accept_differences(case, &ran.found)
        } else {
            self.verdict.different = true;
            Ok(())
        }
    }

    fn accept_differences(&mut self, case: &Case, found: &[Expected]) -> io::Result<()> {
        let path = case.dir.join(EXPECTED);
        match write_expected(&path, found) {
            Ok(()) => {
                writeln!(self.out, "  accepted: rewrote {}", path.display())?;
                self.tally.accepted += 1;
            }
            Err(e) => {
                self.cannot_write(case, &path, &e)?;
                self.verdict.errors = true;
            }
        }
        Ok(())
    }

    fn cannot_write(&mut self, case: &Case, path: &Path, e: &io::Error) -> io::Result<()> {
        writeln!(
            self.err,
            "error: case `{}`: cannot write `{}`: {}; the expected file is unchanged",
            case.name,
            path.display(),
            crate::data::ingest::io_cause(e)
        )?;
        writeln!(self.out, "  not accepted (see the error)")
    }

    /// One line for all the cases, and what to do when some differ.
    fn summary(&mut self, cases: usize) -> io::Result<()> {
        let t = &self.tally;
        let mut parts = vec![
            format!("{} as expected", t.same),
            format!("{} different", t.differ),
        ];
        if self.accept {
            parts.push(format!("{} accepted", t.accepted));
        }
        if t.failed > 0 {
            parts.push(format!("{} could not be run", t.failed));
        }
        if t.skipped > 0 {
            parts.push(format!("{} skipped", t.skipped));
        }
        writeln!(self.out, "{}: {}", plural(cases, "case"), parts.join(", "))?;
        if self.verdict.different {
            writeln!(
                self.out,
                "if every difference is what the rule change meant, accept them: the same command with --accept"
            )?;
        }
        Ok(())
    }
}

/// A case's line with its counts of differences, then each in words.
fn write_differences(out: &mut dyn Write, case: &Case, d: &Diff, rejected: &str) -> io::Result<()> {
    let mut counts = Vec::new();
    for (n, words) in [
        (d.added.len(), "now found"),
        (d.gone.len(), "no longer found"),
        (d.changed.len(), "changed"),
    ] {
        if n > 0 {
            counts.push(format!("{n} {words}"));
        }
    }
    writeln!(
        out,
        "case {}: {} ({}){rejected}",
        case.name,
        plural(d.count(), "difference"),
        counts.join(", ")
    )?;
    for line in describe(d) {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}
