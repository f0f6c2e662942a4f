//! Golden cases (`hocr rules test`): small exports kept with a rule set,
//! each with the findings the rules are expected to make on it.
//!
//! A case is a directory: the export (`incidents.csv|jsonl`,
//! `crimes.csv|jsonl`, optionally `updates.csv|jsonl`), an `as-of` file
//! (the time deadlines are judged at), `expected.jsonl` (one finding a line,
//! see [`Expected`]) and, for an export in a force's own format, a
//! `profile` file naming the force profile (a path relative to the case).
//! Anything else in it (a `README.md`) is the author's. A case with a
//! `rules/` directory of its own is skipped: it tests those rules, not the
//! rule set it sits beside.
//!
//! Cases are found in `cases/` beside the rule files and in each
//! `--cases DIR`; a case's name is its directory's name, unique across
//! them. Each case is run the way `hocr check` runs an export
//! ([`crate::run::stream::check_export`]), so a case shows exactly what the
//! nightly run would find. The expected file leaves out everything that
//! changes with the rule text alone (the message, the rule set's
//! fingerprint): a rule edit changes the cases whose findings change.
//!
//! Finding and running one case is here; `expected` is the expected
//! file, `diff` what changed (in words), `suite` `hocr rules test` over
//! every case (and `--accept`), `new_case` `--new-case`.

mod diff;
mod expected;
mod new_case;
mod suite;

pub use diff::{Diff, describe, diff};
pub use expected::{Expected, expected_text, parse_expected};
pub use new_case::new_case;
pub use suite::{Verdict, test};

use crate::data::ingest::{ExportPaths, Profile};
use crate::data::time::{Clock, Instant};
use crate::lang::plan::Plan;
use crate::util::file as outfile;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// The file holding a case's expected findings.
pub const EXPECTED: &str = "expected.jsonl";
/// The file holding a case's as-of time.
pub const AS_OF: &str = "as-of";
/// The file naming a case's force profile, if it has one.
pub const PROFILE: &str = "profile";
/// The directory beside the rule files that holds their cases.
pub use crate::lang::files::CASES_DIR;

// ---------------------------------------------------------------- finding

/// A golden case on disk.
#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    pub dir: PathBuf,
}

/// The cases directory beside a rule set given as a path: `DIR/cases` for
/// a directory of rule files, `cases/` beside a single rule file.
pub fn beside(rules: &Path) -> PathBuf {
    if rules.is_dir() {
        rules.join(CASES_DIR)
    } else {
        match rules.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.join(CASES_DIR),
            _ => PathBuf::from(CASES_DIR),
        }
    }
}

/// Every case in these directories, by name. Two cases with one name, or a
/// directory that cannot be read, are errors: nothing runs.
pub fn find(dirs: &[PathBuf]) -> Result<Vec<Case>, Vec<String>> {
    let mut by_name: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let mut errors = Vec::new();
    for dir in dirs {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                errors.push(format!(
                    "cannot read the cases directory `{}`: {}",
                    dir.display(),
                    crate::data::ingest::io_cause(&e)
                ));
                continue;
            }
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // Hidden directories (`.git`, a half-made case) are not cases.
            if name.starts_with('.') || !entry.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            by_name.entry(name).or_default().push(entry.path());
        }
    }
    let mut cases = Vec::new();
    for (name, mut paths) in by_name {
        paths.sort();
        if paths.len() > 1 {
            let listed: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
            errors.push(format!(
                "two cases are named `{name}`: {}; rename one (a case's name is its directory's)",
                listed.join(" and ")
            ));
            continue;
        }
        cases.push(Case {
            name,
            dir: paths.remove(0),
        });
    }
    if errors.is_empty() {
        Ok(cases)
    } else {
        Err(errors)
    }
}

// ---------------------------------------------------------------- running

/// Why a case could not be run (exit 2, not a difference).
#[derive(Debug)]
pub struct CaseError {
    pub case: String,
    pub message: String,
}

/// What running one case gave.
pub struct Ran {
    pub case: Case,
    pub found: Vec<Expected>,
    /// `None`: the case has no expected file yet.
    pub expected: Option<Vec<Expected>>,
    pub rejected: u64,
}

fn read_as_of(case: &Case) -> Result<Instant, String> {
    let path = case.dir.join(AS_OF);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "no `{AS_OF}` file ({}): write the time deadlines are judged at in it, e.g. `2025-12-01T00:00:00Z`",
            crate::data::ingest::io_cause(&e)
        )
    })?;
    parse_as_of(text.trim()).map_err(|e| format!("`{AS_OF}`: {e}"))
}

fn parse_as_of(text: &str) -> Result<Instant, String> {
    if text.is_empty() {
        return Err("no time given (write one such as `2025-12-01T00:00:00Z`)".into());
    }
    Clock::default()
        .parse(text)
        .map(|(at, _)| at)
        .map_err(|e| e.to_string())
}

fn read_profile(case: &Case) -> Result<Profile, String> {
    let path = case.dir.join(PROFILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Profile::canonical());
    };
    let named = text.trim();
    if named.is_empty() {
        return Ok(Profile::canonical());
    }
    Profile::load(&case.dir.join(named)).map_err(|e| e.to_string())
}

/// The findings `hocr check` makes on an export at `as_of`.
fn findings(
    plan: &Plan,
    export: &Path,
    profile: &Profile,
    as_of: Instant,
) -> Result<(Vec<Expected>, u64), String> {
    let paths = ExportPaths::from_dir(export).map_err(|e| e.to_string())?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let checked = crate::run::stream::check_export(
        plan,
        &paths,
        &Clock::default(),
        profile,
        as_of,
        threads,
        false,
    )
    .map_err(|e| e.to_string())?;
    let found = checked.outcome.findings.iter().map(Expected::of).collect();
    Ok((found, checked.rejects.len() as u64))
}

/// Runs one case against the plan.
pub fn run(plan: &Plan, case: &Case) -> Result<Ran, CaseError> {
    let fail = |message: String| CaseError {
        case: case.name.clone(),
        message,
    };
    let as_of = read_as_of(case).map_err(fail)?;
    let profile = read_profile(case).map_err(fail)?;
    let expected = match std::fs::read_to_string(case.dir.join(EXPECTED)) {
        Ok(text) => Some(parse_expected(&text).map_err(|e| fail(format!("`{EXPECTED}` {e}")))?),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(fail(format!(
                "cannot read `{EXPECTED}`: {}",
                crate::data::ingest::io_cause(&e)
            )));
        }
    };
    let (found, rejected) =
        findings(plan, &case.dir, &profile, as_of).map_err(|e| fail(format!("the export: {e}")))?;
    Ok(Ran {
        case: case.clone(),
        found,
        expected,
        rejected,
    })
}

/// Replaces the expected file whole (never half-written).
fn write_expected(path: &Path, found: &[Expected]) -> io::Result<()> {
    let text = expected_text(found);
    outfile::write_file(path, |w| w.write_all(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &str, crime: &str, due: &str) -> Expected {
        Expected {
            rule: rule.into(),
            kind: "late".into(),
            severity: "medium".into(),
            incident_id: Some(format!("I{crime}")),
            crime_id: Some(format!("C{crime}")),
            event: None,
            event_at: None,
            field: None,
            due: Some(due.into()),
            at: Some("2025-01-07T09:00:01Z".into()),
        }
    }

    #[test]
    fn expected_lines_read_back_as_written() {
        let fs = vec![finding("T001", "1", "2025-01-07T09:00:00Z")];
        let text = expected_text(&fs);
        assert_eq!(
            text,
            "{\"rule\":\"T001\",\"kind\":\"late\",\"severity\":\"medium\",\"incident_id\":\"I1\",\"crime_id\":\"C1\",\"due\":\"2025-01-07T09:00:00Z\",\"at\":\"2025-01-07T09:00:01Z\"}\n"
        );
        assert_eq!(parse_expected(&text).unwrap(), fs);
    }

    #[test]
    fn a_malformed_line_is_named() {
        let e = parse_expected("{\"rule\":\"T001\"}\n").unwrap_err();
        assert!(e.starts_with("line 1: not a finding: missing field"), "{e}");
    }

    #[test]
    fn differences_are_added_gone_or_changed() {
        let was = vec![
            finding("T001", "1", "2025-01-07T09:00:00Z"),
            finding("T001", "2", "2025-01-07T09:00:00Z"),
        ];
        let now = vec![
            finding("T001", "2", "2025-01-08T09:00:00Z"),
            finding("T001", "3", "2025-01-07T09:00:00Z"),
        ];
        let d = diff(&was, &now);
        assert_eq!(
            describe(&d),
            [
                "T001 late, medium: incident I1, crime C1: due 2025-01-07T09:00:00Z, at 2025-01-07T09:00:01Z — no longer found (was expected)",
                "T001 late: incident I2, crime C2 — now due 2025-01-08T09:00:00Z (was due 2025-01-07T09:00:00Z)",
                "T001 late, medium: incident I3, crime C3: due 2025-01-07T09:00:00Z, at 2025-01-07T09:00:01Z — now found (was not)",
            ]
        );
        assert!(diff(&now, &now).is_empty());
    }

    #[test]
    fn a_finding_expected_twice_and_found_once_is_gone_once() {
        let one = finding("T001", "1", "2025-01-07T09:00:00Z");
        let d = diff(&[one.clone(), one.clone()], std::slice::from_ref(&one));
        assert_eq!(d.gone, [one]);
        assert!(d.added.is_empty() && d.changed.is_empty());
    }
}
