//! Golden tests: every folder under `fixtures/` is a small export (with an
//! `as-of` file and, optionally, its own `rules/` and a `profile` file naming
//! the force profile to read it with, relative to the folder). Each is also
//! a golden case of the shipped rules (`expected.jsonl`), run here through
//! `hocr rules test rules --cases fixtures` as a registrar would run it.
//!
//! The snapshot is what a reviewer needs to see: the exit code, the JSONL
//! findings, the rejects and the text summary, without the rule set's
//! fingerprint (it changes with any edit to any rule file, and would
//! change every snapshot). Review changes with `cargo insta review`
//! (CONTRIBUTING.md).

mod common;
use common::{hocr, without_fingerprint};

use std::path::Path;

fn golden(name: &str) {
    let dir = format!("fixtures/{name}");
    let as_of = std::fs::read_to_string(format!("{dir}/as-of")).expect("fixture has an as-of file");
    let mut args = vec!["check", &dir, "--as-of", as_of.trim()];
    let rules = format!("{dir}/rules");
    if Path::new(&rules).is_dir() {
        args.extend(["--rules", &rules]);
    }
    let profile = std::fs::read_to_string(format!("{dir}/profile")).unwrap_or_default();
    let profile = format!("{dir}/{}", profile.trim());
    if !profile.ends_with('/') {
        args.extend(["--profile", &profile]);
    }
    let rejects = std::env::temp_dir().join(format!("hocr-golden-{name}-rejects.csv"));
    let rejects_arg = rejects.display().to_string();
    let mut jsonl_args = args.clone();
    jsonl_args.extend(["--format", "jsonl", "--rejects", &rejects_arg]);
    let (code, findings, _) = hocr(&jsonl_args);
    let rejected = std::fs::read_to_string(&rejects).unwrap_or_default();
    let (text_code, summary, _) = hocr(&args);
    assert_eq!(code, text_code, "exit code must not depend on the format");
    let summary = without_fingerprint(&summary);
    insta::assert_snapshot!(
        name,
        format!(
            "exit: {code}\n\n--- findings (jsonl)\n{findings}\n--- rejects\n{rejected}\n--- summary\n{summary}"
        )
    );
}

#[test]
fn the_fingerprint_is_left_out_of_snapshots() {
    assert_eq!(
        without_fingerprint("rules     HOCR April 2026 (17 rules, sha256:7b1a22ba13b5308b)\n"),
        "rules     HOCR April 2026 (17 rules, sha256:…)\n"
    );
}

/// Every fixture is a golden case of the shipped rules, and its findings
/// are the ones it expects: the command a registrar runs, and CI runs.
#[test]
fn the_fixtures_are_golden_cases_of_the_shipped_rules() {
    let (code, out, err) = hocr(&["rules", "test", "rules", "--cases", "fixtures"]);
    assert_eq!(code, 0, "{out}{err}");
    for entry in std::fs::read_dir("fixtures").unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let own_rules = Path::new("fixtures").join(&name).join("rules").is_dir();
        assert!(
            out.contains(&format!("case {name}: as expected"))
                || (own_rules && out.contains(&format!("case {name}: skipped"))),
            "fixtures/{name} was not run as a case:\n{out}"
        );
    }
}

macro_rules! fixtures {
    ($($test:ident => $dir:literal),* $(,)?) => {
        $(#[test] fn $test() { golden($dir); })*

        /// Every fixture folder has a test above.
        #[test]
        fn every_fixture_is_tested() {
            let listed = [$($dir),*];
            for entry in std::fs::read_dir("fixtures").unwrap() {
                let entry = entry.unwrap();
                let name = entry.file_name().into_string().unwrap();
                if entry.path().join("as-of").is_file() {
                    assert!(listed.contains(&name.as_str()), "fixtures/{name} has no golden test");
                }
            }
        }
    };
}

fixtures! {
    rec001_late_record => "rec001-late-record",
    rec002_missing_record => "rec002-missing-record",
    rec003_victims => "rec003-victims",
    data_quality => "data-quality",
    rejected_rows => "rejected-rows",
    sample => "sample",
    rap_n100 => "rap-n100",
    cancellations => "cancellations",
    cancellation_victim_told => "cancellation-victim-told",
    out_of_court_disposals => "out-of-court-disposals",
    victim_updates => "victim-updates",
    calendar_end => "calendar-end",
    example_force => "example-force",
    example_force_canonical => "example-force-canonical",
    edition_2 => "edition-2",
}
