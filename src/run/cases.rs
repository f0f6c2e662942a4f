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

use crate::data::ingest::{ExportPaths, Profile};
use crate::data::time::{Clock, Instant};
use crate::lang::plan::Plan;
use crate::util::file as outfile;
use crate::util::text::plural;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The file holding a case's expected findings.
pub const EXPECTED: &str = "expected.jsonl";
/// The file holding a case's as-of time.
pub const AS_OF: &str = "as-of";
/// The file naming a case's force profile, if it has one.
pub const PROFILE: &str = "profile";
/// The directory beside the rule files that holds their cases.
pub use crate::lang::files::CASES_DIR;

/// One finding as a case expects it: what the finding is about and its
/// outcome (severity, due, at), never the message, which is rule text.
/// Fields are written in this order, the optional ones only when set, so
/// the same findings always give the same bytes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Expected {
    pub rule: String,
    pub kind: String,
    pub severity: String,
    pub incident_id: Option<String>,
    pub crime_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub due: Option<String>,
    pub at: Option<String>,
}

impl Expected {
    fn of(f: &crate::run::findings::Finding) -> Expected {
        Expected {
            rule: f.rule.to_string(),
            kind: f.kind.to_string(),
            severity: f.severity.name().to_string(),
            incident_id: f.incident_id.as_deref().map(str::to_string),
            crime_id: f.crime_id.as_deref().map(str::to_string),
            event: f.event.map(|e| e.to_string()),
            event_at: f.event_at.get().map(Instant::format_utc),
            field: f.field.map(|e| e.to_string()),
            due: f.due.get().map(Instant::format_utc),
            at: f.at.get().map(Instant::format_utc),
        }
    }

    /// What makes a finding the same finding across runs: its rule, what
    /// it is about and its kind (sorted rule first, then as SPEC §4 sorts).
    #[allow(clippy::type_complexity)]
    fn key(
        &self,
    ) -> (
        &str,
        &Option<String>,
        &Option<String>,
        &Option<String>,
        &Option<String>,
        &Option<String>,
        &str,
    ) {
        (
            &self.rule,
            &self.incident_id,
            &self.crime_id,
            &self.event_at,
            &self.event,
            &self.field,
            &self.kind,
        )
    }

    /// "incident I1, crime C1, update `arrest` at …, field `recorded_at`"
    fn subject(&self) -> String {
        let mut parts = Vec::new();
        if let Some(id) = &self.incident_id {
            parts.push(format!("incident {id}"));
        }
        if let Some(id) = &self.crime_id {
            parts.push(format!("crime {id}"));
        }
        match (&self.event, &self.event_at) {
            (Some(e), Some(t)) => parts.push(format!("update `{e}` at {t}")),
            (Some(e), None) => parts.push(format!("update `{e}`")),
            (None, Some(t)) => parts.push(format!("update at {t}")),
            (None, None) => {}
        }
        if let Some(f) = &self.field {
            parts.push(format!("field `{f}`"));
        }
        parts.join(", ")
    }

    /// ": due …, at …", or nothing when the finding has neither.
    fn times(&self) -> String {
        let parts: Vec<String> = [("due", &self.due), ("at", &self.at)]
            .into_iter()
            .filter_map(|(w, t)| t.as_ref().map(|t| format!("{w} {t}")))
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!(": {}", parts.join(", "))
        }
    }
}

/// The expected file's text for these findings: one line each, in the
/// order given (the run's, SPEC §4).
pub fn expected_text(findings: &[Expected]) -> String {
    let mut text = String::new();
    for f in findings {
        text.push_str(&serde_json::to_string(f).expect("plain strings serialise"));
        text.push('\n');
    }
    text
}

/// Reads an expected file; an error names the line.
pub fn parse_expected(text: &str) -> Result<Vec<Expected>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Expected = serde_json::from_str(line).map_err(|e| {
            let message = e.to_string();
            let message = message
                .rfind(" at line ")
                .map_or(message.as_str(), |at| &message[..at]);
            format!(
                "line {}: not a finding: {message} (each line is one finding, as `--accept` writes them)",
                n + 1
            )
        })?;
        out.push(f);
    }
    Ok(out)
}

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

// ------------------------------------------------------------ differences

/// How the findings of a run differ from the expected ones.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// Found now, not expected.
    pub added: Vec<Expected>,
    /// Expected, not found now.
    pub gone: Vec<Expected>,
    /// The same finding with another severity, due or at: (was, now).
    pub changed: Vec<(Expected, Expected)>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.gone.is_empty() && self.changed.is_empty()
    }

    fn count(&self) -> usize {
        self.added.len() + self.gone.len() + self.changed.len()
    }
}

/// Compares findings as multisets; what is left on both sides about the
/// same subject is a change, the rest added or gone.
pub fn diff(expected: &[Expected], found: &[Expected]) -> Diff {
    let mut counts: BTreeMap<&Expected, i64> = BTreeMap::new();
    for e in expected {
        *counts.entry(e).or_default() -= 1;
    }
    for f in found {
        *counts.entry(f).or_default() += 1;
    }
    type Key<'a> = (
        &'a str,
        &'a Option<String>,
        &'a Option<String>,
        &'a Option<String>,
        &'a Option<String>,
        &'a Option<String>,
        &'a str,
    );
    let mut by_key: BTreeMap<Key, (Vec<&Expected>, Vec<&Expected>)> = BTreeMap::new();
    for (f, n) in counts {
        let (gone, added) = by_key.entry(f.key()).or_default();
        for _ in 0..n.unsigned_abs() {
            if n < 0 { gone.push(f) } else { added.push(f) }
        }
    }
    let mut d = Diff::default();
    for (_, (gone, added)) in by_key {
        let paired = gone.len().min(added.len());
        for (was, now) in gone.iter().zip(&added) {
            d.changed.push(((*was).clone(), (*now).clone()));
        }
        d.gone.extend(gone[paired..].iter().map(|f| (*f).clone()));
        d.added.extend(added[paired..].iter().map(|f| (*f).clone()));
    }
    d
}

/// Each difference in a line of plain words, ordered by rule, then by what
/// it is about.
pub fn describe(d: &Diff) -> Vec<String> {
    let mut lines: Vec<(Expected, String)> = Vec::new();
    for f in &d.added {
        let text = format!(
            "{} {}, {}: {}{} — now found (was not)",
            f.rule,
            f.kind,
            f.severity,
            f.subject(),
            f.times()
        );
        lines.push((f.clone(), text));
    }
    for f in &d.gone {
        let text = format!(
            "{} {}, {}: {}{} — no longer found (was expected)",
            f.rule,
            f.kind,
            f.severity,
            f.subject(),
            f.times()
        );
        lines.push((f.clone(), text));
    }
    for (was, now) in &d.changed {
        let mut then = Vec::new();
        let mut since = Vec::new();
        for (word, a, b) in [
            ("severity", Some(&was.severity), Some(&now.severity)),
            ("due", was.due.as_ref(), now.due.as_ref()),
            ("at", was.at.as_ref(), now.at.as_ref()),
        ] {
            if a != b {
                let say = |t: Option<&String>| match t {
                    Some(t) => format!("{word} {t}"),
                    None => format!("no {word}"),
                };
                then.push(say(a));
                since.push(say(b));
            }
        }
        let text = format!(
            "{} {}: {} — now {} (was {})",
            now.rule,
            now.kind,
            now.subject(),
            since.join(", "),
            then.join(", ")
        );
        lines.push((now.clone(), text));
    }
    lines.sort_by(|(a, ta), (b, tb)| a.key().cmp(&b.key()).then_with(|| ta.cmp(tb)));
    lines.into_iter().map(|(_, t)| t).collect()
}

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
    let mut verdict = Verdict::default();
    let (mut same, mut differ, mut accepted, mut failed, mut skipped) = (0, 0, 0, 0, 0);
    for case in cases {
        // A fixture with rules of its own tests those rules, not this rule
        // set (`tests/golden.rs` runs it with them).
        if case.dir.join("rules").is_dir() {
            writeln!(
                out,
                "case {}: skipped: it has rules of its own (`rules/` in the case)",
                case.name
            )?;
            skipped += 1;
            continue;
        }
        let ran = match run(plan, case) {
            Ok(r) => r,
            Err(e) => {
                writeln!(err, "error: case `{}`: {}", e.case, e.message)?;
                writeln!(out, "case {}: could not be run (see the error)", case.name)?;
                verdict.errors = true;
                failed += 1;
                continue;
            }
        };
        let rejected = match ran.rejected {
            0 => String::new(),
            n => format!("; {} rejected", plural(n as usize, "row")),
        };
        let path = case.dir.join(EXPECTED);
        let Some(expected) = &ran.expected else {
            if accept {
                match write_expected(&path, &ran.found) {
                    Ok(()) => {
                        writeln!(
                            out,
                            "case {}: no expected file yet; accepted {} into {}{rejected}",
                            case.name,
                            plural(ran.found.len(), "finding"),
                            path.display()
                        )?;
                        accepted += 1;
                    }
                    Err(e) => {
                        cannot_write(err, out, case, &path, &e)?;
                        verdict.errors = true;
                        failed += 1;
                    }
                }
            } else {
                writeln!(
                    err,
                    "error: case `{}`: no `{EXPECTED}` in `{}`: write it with `hocr rules test … --accept` once the findings are right",
                    case.name,
                    case.dir.display()
                )?;
                writeln!(out, "case {}: could not be run (see the error)", case.name)?;
                verdict.errors = true;
                failed += 1;
            }
            continue;
        };
        let d = diff(expected, &ran.found);
        if d.is_empty() {
            writeln!(
                out,
                "case {}: as expected ({}{rejected})",
                case.name,
                plural(ran.found.len(), "finding")
            )?;
            same += 1;
            continue;
        }
        differ += 1;
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
        for line in describe(&d) {
            writeln!(out, "  {line}")?;
        }
        if accept {
            match write_expected(&path, &ran.found) {
                Ok(()) => {
                    writeln!(out, "  accepted: rewrote {}", path.display())?;
                    accepted += 1;
                }
                Err(e) => {
                    cannot_write(err, out, case, &path, &e)?;
                    verdict.errors = true;
                }
            }
        } else {
            verdict.different = true;
        }
    }
    if !cases.is_empty() {
        let mut parts = vec![format!("{same} as expected"), format!("{differ} different")];
        if accept {
            parts.push(format!("{accepted} accepted"));
        }
        if failed > 0 {
            parts.push(format!("{failed} could not be run"));
        }
        if skipped > 0 {
            parts.push(format!("{skipped} skipped"));
        }
        writeln!(out, "{}: {}", plural(cases.len(), "case"), parts.join(", "))?;
        if verdict.different {
            writeln!(
                out,
                "if every difference is what the rule change meant, accept them: the same command with --accept"
            )?;
        }
    }
    Ok(verdict)
}

fn cannot_write(
    err: &mut dyn Write,
    out: &mut dyn Write,
    case: &Case,
    path: &Path,
    e: &io::Error,
) -> io::Result<()> {
    writeln!(
        err,
        "error: case `{}`: cannot write `{}`: {}; the expected file is unchanged",
        case.name,
        path.display(),
        crate::data::ingest::io_cause(e)
    )?;
    writeln!(out, "  not accepted (see the error)")
}

/// Replaces the expected file whole (never half-written).
fn write_expected(path: &Path, found: &[Expected]) -> io::Result<()> {
    let text = expected_text(found);
    outfile::write_file(path, |w| w.write_all(text.as_bytes()))
}

// ---------------------------------------------------------------- new case

/// Creates case `name` in `cases_dir` from the export in `from`, judged at
/// `as_of`, its expected file holding what the rules find now. The case
/// appears whole or not at all: it is put together in a hidden directory
/// beside and renamed into place. Returns what to tell the user.
pub fn new_case(
    plan: &Plan,
    cases_dir: &Path,
    name: &str,
    from: &Path,
    as_of: &str,
) -> Result<String, String> {
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !plain {
        return Err(format!(
            "`{name}` cannot name a case: use letters, digits, `-`, `_` and `.` (not first), e.g. `rec001-weekend`"
        ));
    }
    let target = cases_dir.join(name);
    if target.exists() {
        return Err(format!(
            "a case named `{name}` exists already (`{}`): choose another name, or change that case's files",
            target.display()
        ));
    }
    let at = parse_as_of(as_of.trim()).map_err(|e| format!("--as-of: {e}"))?;
    let paths = ExportPaths::from_dir(from).map_err(|e| e.to_string())?;
    let (found, rejected) = findings(plan, from, &Profile::canonical(), at)?;
    std::fs::create_dir_all(cases_dir).map_err(|e| {
        format!(
            "cannot make `{}`: {}",
            cases_dir.display(),
            crate::data::ingest::io_cause(&e)
        )
    })?;
    let cannot = |e: io::Error| {
        format!(
            "cannot write the case into `{}`: {}",
            cases_dir.display(),
            crate::data::ingest::io_cause(&e)
        )
    };
    let partial = tempfile::Builder::new()
        .prefix(&format!("{}{name}.", outfile::TEMP_PREFIX))
        .tempdir_in(cases_dir)
        .map_err(cannot)?;
    for source in [
        Some(&paths.incidents),
        Some(&paths.crimes),
        paths.updates.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        let file_name = source.file_name().expect("an export file has a name");
        let mut input = std::fs::File::open(source).map_err(|e| {
            format!(
                "cannot read `{}`: {}",
                source.display(),
                crate::data::ingest::io_cause(&e)
            )
        })?;
        outfile::write_file(&partial.path().join(file_name), |w| {
            io::copy(&mut input, w).map(drop)
        })
        .map_err(cannot)?;
    }
    outfile::write_file(&partial.path().join(AS_OF), |w| {
        writeln!(w, "{}", at.format_utc())
    })
    .map_err(cannot)?;
    write_expected(&partial.path().join(EXPECTED), &found).map_err(cannot)?;
    std::fs::rename(partial.path(), &target).map_err(cannot)?;
    // Renamed into place: nothing is left for the guard to remove.
    let _ = partial.keep();
    let mut said = format!(
        "created case `{name}` in {}: {} as of {}",
        target.display(),
        plural(found.len(), "finding"),
        at.format_utc()
    );
    if rejected > 0 {
        let _ = write!(said, " ({} rejected)", plural(rejected as usize, "row"));
    }
    said.push_str(
        "\nread its expected.jsonl: these findings are now what the case expects; commit the case with the rules",
    );
    Ok(said)
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
