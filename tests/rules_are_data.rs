//! Rules really are data: a rule author changes findings by editing the text
//! of rule files, never the engine. Each test copies the shipped `rules/`
//! directory, edits one piece of rule text, runs `hocr check --rules <copy>`
//! over a small export and compares the findings with the unedited copy's.
//! The last test reads the source tree: no rule code is written in it.

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const AS_OF: &str = "2025-12-01T00:00:00Z";

const CRIME_HEADER: &str = "crime_id,incident_id,offence_code,reported_at,recorded_at,status,cancellation_code,cancelled_at,cancellation_authority,victim_informed_at,outcome_code,outcome_at,victim_views_recorded,offender_history_checked,dpp_consent,victim_enhanced";

/// The export every test runs over. All crimes are reported directly.
/// - T1 theft, recorded 30 hours after the report.
/// - T2 theft, recorded 30 hours late, cancelled (C2) by the DDM, victim told
///   an hour later.
/// - T3 criminal damage cancelled Mon 3 Mar 2025, victim told Tue 11 Mar
///   (5 working days end with Mon 10 Mar: late).
/// - T4 criminal damage cancelled Fri 2 May 2025, victim told Mon 12 May
///   (Mon 5 May is a bank holiday, so 5 working days end with Mon 12: met).
/// - updates of T1: arrest Mon 3 Mar told Tue 11 Mar (late); release Mon
///   3 Mar told Thu 13 Mar (late either way); interview Fri 2 May told Mon
///   12 May (met).
/// - T5 robbery (indictable-only) reported Mon 2 Jun 2025, adult caution
///   without DPP consent (OOC003).
const CRIMES: &[&str] = &[
    "T1,,49,2025-01-06 09:00,2025-01-07 15:00,,,,,,,,,,,",
    "T2,,49,2025-01-06 09:00,2025-01-07 15:00,cancelled,C2,2025-01-08 10:00,DDM,2025-01-08 11:00,,,,,,",
    "T3,,58A,2025-03-03 09:00,2025-03-03 09:30,cancelled,C2,2025-03-03 10:00,DDM,2025-03-11 10:00,,,,,,",
    "T4,,58A,2025-05-02 09:00,2025-05-02 09:30,cancelled,C2,2025-05-02 10:00,DDM,2025-05-12 12:00,,,,,,",
    "T5,,34B,2025-06-02 09:00,2025-06-02 10:00,,,,,,3,2025-06-20 10:00,true,true,,",
];

const UPDATES: &str = "crime_id,event,event_at,victim_informed_at
T1,arrest,2025-03-03 10:00,2025-03-11 10:00
T1,release,2025-03-03 10:00,2025-03-13 10:00
T1,interview,2025-05-02 10:00,2025-05-12 12:00
";

/// A fresh, empty scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("hocr-rules-are-data-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn export(dir: &Path) -> PathBuf {
    let data = dir.join("export");
    fs::create_dir_all(&data).unwrap();
    fs::write(
        data.join("incidents.csv"),
        "incident_id,reported_at,opening_code,closing_code,closed_at,victim_count,qualifiers,non_crime_rationale\n",
    )
    .unwrap();
    let mut crimes = format!("{CRIME_HEADER}\n");
    for c in CRIMES {
        crimes.push_str(c);
        crimes.push('\n');
    }
    fs::write(data.join("crimes.csv"), crimes).unwrap();
    fs::write(data.join("updates.csv"), UPDATES).unwrap();
    data
}

/// A copy of the shipped rule files.
fn copy_rules(dir: &Path) -> PathBuf {
    let rules = dir.join("rules");
    fs::create_dir_all(&rules).unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut copied = 0;
    for entry in fs::read_dir(shipped).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "hocr") {
            fs::copy(&path, rules.join(path.file_name().unwrap())).unwrap();
            copied += 1;
        }
    }
    assert!(copied > 0, "no rule files copied");
    rules
}

/// Replaces rule text in one file of the copy; the text must be there once.
fn edit(rules: &Path, file: &str, from: &str, to: &str) {
    let path = rules.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` should occur exactly once in {file}"
    );
    fs::write(&path, text.replace(from, to)).unwrap();
}

/// Runs `hocr check` with the given rules and returns the JSONL findings.
fn findings(data: &Path, rules: &Path) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_hocr"))
        .arg("check")
        .arg(data)
        .arg("--rules")
        .arg(rules)
        .args(["--as-of", AS_OF, "--format", "jsonl"])
        .output()
        .expect("hocr runs");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "hocr check failed:\n{}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

/// The findings of one rule for one crime (and, for updates, one event).
fn of<'a>(all: &'a [Value], rule: &str, crime: &str, event: Option<&str>) -> Vec<&'a Value> {
    all.iter()
        .filter(|f| f["rule"] == rule && f["crime_id"] == crime)
        .filter(|f| event.is_none_or(|e| f["event"] == e))
        .collect()
}

/// The one finding of a rule for a crime (and event).
fn one<'a>(all: &'a [Value], rule: &str, crime: &str, event: Option<&str>) -> &'a Value {
    let found = of(all, rule, crime, event);
    assert_eq!(found.len(), 1, "{rule} {crime} {event:?}: {all:#?}");
    found[0]
}

fn none(all: &[Value], rule: &str, crime: &str, event: Option<&str>) {
    let found = of(all, rule, crime, event);
    assert!(found.is_empty(), "{rule} {crime} {event:?}: {found:#?}");
}

/// Runs the unedited copy and the edited copy; the unedited copy must find
/// exactly what the rule set built into the binary finds.
fn before_and_after(name: &str, change: impl FnOnce(&Path)) -> (Vec<Value>, Vec<Value>) {
    let dir = scratch(name);
    let data = export(&dir);
    let rules = copy_rules(&dir);
    let before = findings(&data, &rules);
    let builtin = Command::new(env!("CARGO_BIN_EXE_hocr"))
        .arg("check")
        .arg(&data)
        .args(["--as-of", AS_OF, "--format", "jsonl"])
        .output()
        .unwrap();
    let builtin: Vec<Value> = String::from_utf8(builtin.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        before, builtin,
        "the copied rules behave as the shipped ones"
    );
    change(&rules);
    let after = findings(&data, &rules);
    let _ = fs::remove_dir_all(&dir);
    (before, after)
}

#[test]
fn rec001_threshold_is_rule_text() {
    let (before, after) = before_and_after("threshold", |rules| {
        edit(
            rules,
            "recording.hocr",
            "require recorded_at within 24 hours after record_clock_start",
            "require recorded_at within 48 hours after record_clock_start",
        );
    });
    let late = one(&before, "REC001", "T1", None);
    assert_eq!(late["kind"], "late");
    assert_eq!(late["due"], "2025-01-07T09:00:00Z");
    assert_eq!(late["at"], "2025-01-07T15:00:00Z");
    // 30 hours is within 48: met, no finding.
    none(&after, "REC001", "T1", None);
    none(&after, "REC001", "T2", None);
}

/// A rule ends on a day by its text alone (OOC003 when its section of the
/// Act is repealed): crimes reported from that day are not judged, those
/// reported before still are.
#[test]
fn a_rule_ends_on_a_day_by_rule_text() {
    let severity = "message \"adult caution for an indictable-only offence without DPP consent\"";
    let (before, ended) = before_and_after("applies-until", |rules| {
        edit(
            rules,
            "disposals.hocr",
            severity,
            &format!("{severity}\n  applies until 2025-06-02"),
        );
    });
    let caution = one(&before, "OOC003", "T5", None);
    assert_eq!(caution["kind"], "invalid");
    none(&ended, "OOC003", "T5", None);
    // Everything else is as it was.
    let others = |all: &[Value]| -> Vec<Value> {
        all.iter()
            .filter(|f| f["rule"] != "OOC003")
            .cloned()
            .collect()
    };
    assert_eq!(others(&before), others(&ended));
    // Ending it the day after: T5 was reported while it applied.
    let (_, later) = before_and_after("applies-until-later", |rules| {
        edit(
            rules,
            "disposals.hocr",
            severity,
            &format!("{severity}\n  applies until 2025-06-03"),
        );
    });
    one(&later, "OOC003", "T5", None);
}

#[test]
fn offence_groups_are_rule_text() {
    let (before, after) = before_and_after("group", |rules| {
        edit(rules, "groups.hocr", "88D, 88E\n", "88D, 88E, 49\n");
    });
    // Theft is neither sexual nor violence: medium, and a DDM may cancel it.
    assert_eq!(one(&before, "REC001", "T1", None)["severity"], "medium");
    assert_eq!(one(&before, "REC001", "T2", None)["severity"], "medium");
    none(&before, "CAN002", "T2", None);
    // As an other sexual offence: high, and only the FCR may cancel it.
    assert_eq!(one(&after, "REC001", "T1", None)["severity"], "high");
    assert_eq!(one(&after, "REC001", "T2", None)["severity"], "high");
    let can = one(&after, "CAN002", "T2", None);
    assert_eq!(can["kind"], "invalid");
    assert_eq!(can["severity"], "high");
    // Criminal damage is untouched.
    none(&after, "CAN002", "T3", None);
}

#[test]
fn adding_a_bank_holiday_moves_deadlines_a_day_later() {
    let (before, after) = before_and_after("add-holiday", |rules| {
        edit(
            rules,
            "calendar.hocr",
            "  2025-04-18 \"Good Friday\"\n",
            "  2025-03-05 \"Test holiday\"\n  2025-04-18 \"Good Friday\"\n",
        );
    });
    // Mon 3 Mar + 5 working days: end of Mon 10 Mar; with Wed 5 Mar a
    // holiday, end of Tue 11 Mar. Told on Tue 11 Mar: late, then met.
    let can = one(&before, "CAN003", "T3", None);
    assert_eq!(can["kind"], "late");
    assert_eq!(can["due"], "2025-03-11T00:00:00Z");
    none(&after, "CAN003", "T3", None);
    let vic = one(&before, "VIC001", "T1", Some("arrest"));
    assert_eq!(vic["kind"], "late");
    assert_eq!(vic["due"], "2025-03-11T00:00:00Z");
    none(&after, "VIC001", "T1", Some("arrest"));
    // Told on Thu 13 Mar: late either way, the deadline a day later.
    assert_eq!(
        one(&before, "VIC001", "T1", Some("release"))["due"],
        "2025-03-11T00:00:00Z"
    );
    let moved = one(&after, "VIC001", "T1", Some("release"));
    assert_eq!(moved["due"], "2025-03-12T00:00:00Z");
    assert_eq!(moved["kind"], "late");
}

#[test]
fn removing_a_bank_holiday_moves_deadlines_a_day_earlier() {
    let (before, after) = before_and_after("remove-holiday", |rules| {
        edit(
            rules,
            "calendar.hocr",
            "  2025-05-05 \"Early May bank holiday\"\n",
            "",
        );
    });
    // Fri 2 May + 5 working days: end of Mon 12 May while Mon 5 May is a
    // holiday, end of Fri 9 May without it. Told on Mon 12 May: met, then late.
    none(&before, "CAN003", "T4", None);
    let can = one(&after, "CAN003", "T4", None);
    assert_eq!(can["kind"], "late");
    assert_eq!(can["due"], "2025-05-09T23:00:00Z");
    none(&before, "VIC001", "T1", Some("interview"));
    let vic = one(&after, "VIC001", "T1", Some("interview"));
    assert_eq!(vic["kind"], "late");
    assert_eq!(vic["due"], "2025-05-09T23:00:00Z");
}

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// No shipped rule's code appears in the engine's code. Documentation
/// (`//`, `///`, `//!` comments and `--help` examples) may name a rule to
/// show how a command is used; logic may not.
#[test]
fn the_engine_knows_no_rule_code() {
    let (plan, _) = hocr::lang::check::check(hocr::lang::files::shipped());
    let codes: Vec<String> = plan
        .expect("shipped rules")
        .rules
        .iter()
        .map(|r| r.code.clone())
        .collect();
    assert!(codes.len() >= 17);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("build.rs")];
    source_files(&root.join("src"), &mut files);
    assert!(files.len() > 10, "source tree not found: {files:?}");
    for path in files {
        let text = fs::read_to_string(&path).unwrap();
        // The registry of diagnostic codes documents each code in a raw
        // string (`r#"…"#`), documentation as much as a `///` comment.
        let registry = path.ends_with("diagnostics/codes.rs");
        let mut in_doc = false;
        for (n, line) in text.lines().enumerate() {
            if registry {
                if in_doc {
                    in_doc = line != "\"#";
                    continue;
                }
                in_doc = line.ends_with("r#\"");
            }
            let code_part = line.split("//").next().unwrap_or("");
            if code_part.trim_start().starts_with("after_help") {
                continue;
            }
            if let Some(code) = codes.iter().find(|c| code_part.contains(c.as_str())) {
                panic!(
                    "{}:{}: rule code `{code}` in the engine; rules belong in rule files\n{line}",
                    path.display(),
                    n + 1
                );
            }
        }
    }
}
