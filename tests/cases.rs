//! Golden cases kept with a rule set (`hocr rules test`): a rule author
//! changes a rule, reads what changed in plain words, accepts it.

mod common;
use common::{hocr, temp};

use std::fs;
use std::path::{Path, PathBuf};

/// A rule set of one deadline rule (the test's own, so that changes to the
/// shipped rules do not touch it), with one case, `late`, made from
/// `fixtures/rec001-late-record` by `--new-case`.
fn rule_set(name: &str) -> PathBuf {
    let root = temp(name);
    let rules = root.join("rules");
    fs::create_dir_all(&rules).unwrap();
    fs::write(rules.join("late.hocr"), RULES).unwrap();
    let (code, out, err) = hocr(&[
        "rules",
        "test",
        s(&rules),
        "--new-case",
        "late",
        "--from",
        "fixtures/rec001-late-record",
        "--as-of",
        "2025-12-01T00:00:00Z",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    rules
}

const RULES: &str = r#"edition "test"

define report_time for each crime as
  reported_at when reported_at is present, else incident.reported_at

rule LATE001 late-crime-record "Crimes are recorded within 24 hours of the report" {
  source "a test" at "https://example.org/a-test"
  quote "a test"
  theme timeliness
  severity high when offence_code is "8N" or offence_code is "19C", else medium
  message "crime recorded more than 24 hours after it was reported"
  for each crime
  where report_time is present
  require recorded_at within 24 hours after report_time
}
"#;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The deadline from 24 to 48 hours.
fn relax_rule(rules: &Path) {
    let file = rules.join("late.hocr");
    let text = fs::read_to_string(&file).unwrap();
    let relaxed = text.replace("within 24 hours", "within 48 hours");
    assert_ne!(text, relaxed);
    fs::write(&file, relaxed).unwrap();
}

#[test]
fn a_new_case_holds_the_export_and_what_the_rules_find_now() {
    let rules = rule_set("cases-new");
    let case = rules.join("cases/late");
    for f in ["incidents.csv", "crimes.csv", "as-of", "expected.jsonl"] {
        assert!(case.join(f).is_file(), "{f} missing");
    }
    assert_eq!(
        fs::read(case.join("crimes.csv")).unwrap(),
        fs::read("fixtures/rec001-late-record/crimes.csv").unwrap()
    );
    let expected = fs::read_to_string(case.join("expected.jsonl")).unwrap();
    assert_eq!(expected.lines().count(), 4);
    assert!(
        expected.contains(r#"{"rule":"LATE001","kind":"late","severity":"high","incident_id":"I04","crime_id":"C04","due":"2025-01-07T09:00:00Z","at":"2025-01-07T15:00:00Z"}"#),
        "{expected}"
    );
    assert!(
        !expected.contains("message"),
        "rule text stays out of the expected file"
    );
    let (code, out, _) = hocr(&["rules", "test", s(&rules)]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("case late: as expected (4 findings)"), "{out}");
    assert!(
        out.ends_with("1 case: 1 as expected, 0 different\n"),
        "{out}"
    );
}

#[test]
fn a_changed_deadline_shows_which_findings_go_and_change_then_is_accepted() {
    let rules = rule_set("cases-change");
    relax_rule(&rules);
    let (code, out, _) = hocr(&["rules", "test", s(&rules)]);
    assert_eq!(code, 1, "{out}");
    let cases = &out[out.find("case late").expect("the case is reported")..];
    assert_eq!(
        cases,
        concat!(
            "case late: 4 differences (3 no longer found, 1 changed)\n",
            "  LATE001 late, medium: incident I02, crime C02: due 2025-01-07T09:00:00Z, at 2025-01-07T09:00:01Z — no longer found (was expected)\n",
            "  LATE001 late, high: incident I04, crime C04: due 2025-01-07T09:00:00Z, at 2025-01-07T15:00:00Z — no longer found (was expected)\n",
            "  LATE001 late, medium: incident I06, crime C06: due 2025-10-26T11:00:00Z, at 2025-10-26T11:30:00Z — no longer found (was expected)\n",
            "  LATE001 late: incident I08, crime C08 — now due 2025-02-05T10:00:00Z (was due 2025-02-04T10:00:00Z)\n",
            "1 case: 0 as expected, 1 different\n",
            "if every difference is what the rule change meant, accept them: the same command with --accept\n",
        )
    );
    // Same rules and cases: same bytes.
    assert_eq!(hocr(&["rules", "test", s(&rules)]).1, out);

    let (code, out, err) = hocr(&["rules", "test", s(&rules), "--accept"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!(
            "  accepted: rewrote {}\n",
            rules.join("cases/late/expected.jsonl").display()
        )),
        "{out}"
    );
    assert!(
        out.ends_with("1 case: 0 as expected, 1 different, 1 accepted\n"),
        "{out}"
    );
    let expected = fs::read_to_string(rules.join("cases/late/expected.jsonl")).unwrap();
    assert_eq!(expected.lines().count(), 1, "{expected}");
    let (code, out, _) = hocr(&["rules", "test", s(&rules)]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("case late: as expected (1 finding)"), "{out}");
}

#[test]
fn a_finding_now_found_is_said_so() {
    let rules = rule_set("cases-added");
    let expected = rules.join("cases/late/expected.jsonl");
    let text = fs::read_to_string(&expected).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !l.contains("\"C08\""))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&expected, kept).unwrap();
    let (code, out, _) = hocr(&["rules", "test", s(&rules)]);
    assert_eq!(code, 1);
    assert!(out.contains("case late: 1 difference (1 now found)\n  LATE001 late, high: incident I08, crime C08: due 2025-02-04T10:00:00Z, at 2025-02-06T10:00:00Z — now found (was not)\n"), "{out}");
}

#[test]
fn only_the_cases_that_differ_are_rewritten() {
    let rules = rule_set("cases-only");
    let (code, _, err) = hocr(&[
        "rules",
        "test",
        s(&rules),
        "--new-case",
        "quiet",
        "--from",
        "fixtures/rec003-victims",
        "--as-of",
        "2025-12-01T00:00:00Z",
    ]);
    assert_eq!(code, 0, "{err}");
    let quiet = rules.join("cases/quiet/expected.jsonl");
    let before = fs::metadata(&quiet).unwrap().modified().unwrap();
    relax_rule(&rules);
    let (code, out, _) = hocr(&["rules", "test", s(&rules), "--accept"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("case quiet: as expected"), "{out}");
    assert_eq!(out.matches("accepted: rewrote").count(), 1, "{out}");
    assert_eq!(fs::metadata(&quiet).unwrap().modified().unwrap(), before);
}

// ---------------------------------------------------------------- bad input

fn broken(name: &str, damage: impl FnOnce(&Path)) -> (i32, String, String) {
    let rules = rule_set(name);
    damage(&rules.join("cases/late"));
    hocr(&["rules", "test", s(&rules)])
}

#[test]
fn a_case_without_an_expected_file_is_an_error_naming_it() {
    let (code, out, err) = broken("cases-no-expected", |c| {
        fs::remove_file(c.join("expected.jsonl")).unwrap()
    });
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("error: case `late`: no `expected.jsonl` in") && err.contains("--accept"),
        "{err}"
    );
    assert!(out.contains("case late: could not be run"), "{out}");
}

#[test]
fn a_malformed_expected_file_is_an_error_naming_its_line() {
    let (code, _, err) = broken("cases-malformed", |c| {
        let p = c.join("expected.jsonl");
        let text = fs::read_to_string(&p).unwrap();
        fs::write(
            &p,
            text.replacen("\"rule\"", "\"rul\"", 2)
                .replacen("\"rul\"", "\"rule\"", 1),
        )
        .unwrap()
    });
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "error: case `late`: `expected.jsonl` line 2: not a finding: missing field `rule`"
        ),
        "{err}"
    );
}

#[test]
fn an_export_that_does_not_load_is_an_error_naming_the_case() {
    let (code, _, err) = broken("cases-no-export", |c| {
        fs::remove_file(c.join("crimes.csv")).unwrap()
    });
    assert_eq!(code, 2);
    assert!(err.contains("error: case `late`: the export:"), "{err}");
    assert!(err.contains("crimes"), "{err}");
}

#[test]
fn a_case_without_an_as_of_is_an_error_naming_the_case() {
    let (code, _, err) = broken("cases-no-as-of", |c| {
        fs::remove_file(c.join("as-of")).unwrap()
    });
    assert_eq!(code, 2);
    assert!(
        err.contains("error: case `late`: no `as-of` file") && err.contains("2025-12-01T00:00:00Z"),
        "{err}"
    );
    let (code, _, err) = broken("cases-bad-as-of", |c| {
        fs::write(c.join("as-of"), "soon\n").unwrap()
    });
    assert_eq!(code, 2);
    assert!(err.contains("error: case `late`: `as-of`:"), "{err}");
}

#[test]
fn two_cases_with_one_name_are_refused_before_anything_runs() {
    let rules = rule_set("cases-twice");
    let other = rules.parent().unwrap().join("more");
    fs::create_dir_all(other.join("late")).unwrap();
    let beside = rules.join("cases");
    let (code, out, err) = hocr(&[
        "rules",
        "test",
        s(&rules),
        "--cases",
        s(&beside),
        "--cases",
        s(&other),
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("two cases are named `late`"), "{err}");
    assert!(out.is_empty(), "{out}");
}

#[test]
fn a_new_case_is_refused_when_its_name_is_taken_or_its_export_bad() {
    let rules = rule_set("cases-new-bad");
    let run = |name: &str, from: &str, as_of: &str| {
        hocr(&[
            "rules",
            "test",
            s(&rules),
            "--new-case",
            name,
            "--from",
            from,
            "--as-of",
            as_of,
        ])
    };
    let (code, _, err) = run("late", "fixtures/rec003-victims", "2025-12-01");
    assert_eq!(code, 2);
    assert!(
        err.contains("case `late`: a case named `late` exists already"),
        "{err}"
    );
    let (code, _, err) = run("empty", "fixtures/no-such-export", "2025-12-01");
    assert_eq!(code, 2);
    assert!(err.contains("case `empty`:"), "{err}");
    let (code, _, err) = run("early", "fixtures/rec003-victims", "tomorrow");
    assert_eq!(code, 2);
    assert!(err.contains("case `early`: --as-of:"), "{err}");
    let (code, _, err) = run("../up", "fixtures/rec003-victims", "2025-12-01");
    assert_eq!(code, 2);
    assert!(err.contains("cannot name a case"), "{err}");
    let mut names: Vec<String> = fs::read_dir(rules.join("cases"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["late"], "nothing half-made is left behind");
}

#[test]
fn accepting_into_a_read_only_case_fails_and_leaves_the_file() {
    let rules = rule_set("cases-read-only");
    relax_rule(&rules);
    let case = rules.join("cases/late");
    let before = fs::read(case.join("expected.jsonl")).unwrap();
    let writable = fs::metadata(&case).unwrap().permissions();
    let mut read_only = writable.clone();
    read_only.set_readonly(true);
    fs::set_permissions(&case, read_only).unwrap();
    let probe = case.join("probe");
    if fs::write(&probe, b"").is_ok() {
        // Running as root: permissions do not stop writes, so this cannot
        // be tried here.
        let _ = fs::remove_file(&probe);
        fs::set_permissions(&case, writable).unwrap();
        eprintln!("skipped: permissions do not stop this user's writes");
        return;
    }
    let (code, out, err) = hocr(&["rules", "test", s(&rules), "--accept"]);
    fs::set_permissions(&case, writable).unwrap();
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("error: case `late`: cannot write")
            && err.contains("the expected file is unchanged"),
        "{err}"
    );
    assert_eq!(fs::read(case.join("expected.jsonl")).unwrap(), before);
    assert_eq!(fs::read_dir(&case).unwrap().count(), 4, "no temporary left");
}

#[test]
fn a_rules_directory_without_cases_runs_its_examples_alone() {
    let (code, out, _) = hocr(&["rules", "test", "rules"]);
    assert_eq!(code, 0);
    assert!(
        !out.lines()
            .any(|l| l.starts_with("case ") || l.contains(" cases: ")),
        "{out}"
    );
}

#[test]
fn a_case_with_rules_of_its_own_is_skipped_and_said_so() {
    let rules = rule_set("cases-own-rules");
    fs::create_dir_all(rules.join("cases/late/rules")).unwrap();
    fs::remove_file(rules.join("cases/late/expected.jsonl")).unwrap();
    let (code, out, err) = hocr(&["rules", "test", s(&rules)]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("case late: skipped: it has rules of its own (`rules/` in the case)\n"),
        "{out}"
    );
    assert!(
        out.ends_with("1 case: 0 as expected, 0 different, 1 skipped\n"),
        "{out}"
    );
}
