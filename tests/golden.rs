//! Golden tests: every folder under `fixtures/` is a small export (with an
//! `as-of` file and, optionally, its own `rules/` and a `profile` file naming
//! the force profile to read it with). The snapshot is what a
//! reviewer needs to see: the exit code, the JSONL findings, the rejects and
//! the text summary. Review changes with `cargo insta review`.

mod common;
use common::hocr;

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
    if !profile.trim().is_empty() {
        args.extend(["--profile", profile.trim()]);
    }
    let rejects = std::env::temp_dir().join(format!("hocr-golden-{name}-rejects.csv"));
    let rejects_arg = rejects.display().to_string();
    let mut jsonl_args = args.clone();
    jsonl_args.extend(["--format", "jsonl", "--rejects", &rejects_arg]);
    let (code, findings, _) = hocr(&jsonl_args);
    let rejected = std::fs::read_to_string(&rejects).unwrap_or_default();
    let (text_code, summary, _) = hocr(&args);
    assert_eq!(code, text_code, "exit code must not depend on the format");
    insta::assert_snapshot!(
        name,
        format!(
            "exit: {code}\n\n--- findings (jsonl)\n{findings}\n--- rejects\n{rejected}\n--- summary\n{summary}"
        )
    );
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
