//! The broken-export corpus (issue: hardening, item 3). Each folder under
//! `tests/broken-exports/` is an export with one kind of damage and an
//! `expected` file:
//!
//! ```text
//! # what the case shows
//! exit: 4                                   the exit code
//! stderr: error: …                          a line stderr must contain (any number)
//! reject: crimes.csv:3: wrong number of …   every reject, in order (file:line: reason)
//! rows: crimes 2 1 1                        read, evaluated, rejected for a table
//! ```
//!
//! Whatever the damage: no panic, and every row read is evaluated or
//! rejected. The huge cases (a field of several MB, thousands of columns)
//! are written at run time instead of being committed.

mod common;
use common::temp;

use std::path::{Path, PathBuf};
use std::process::Command;

const AS_OF: &str = "2025-06-01T00:00:00Z";

struct Run {
    code: i32,
    stderr: String,
    /// (table, read, evaluated, rejected) from `--format json`.
    rows: Vec<(String, u64, u64, u64)>,
    /// `file:line: reason`, the file relative to the export.
    rejects: Vec<String>,
}

fn check(dir: &Path, name: &str) -> Run {
    let rejects_file =
        std::env::temp_dir().join(format!("hocr-broken-{name}-{}.csv", std::process::id()));
    let _ = std::fs::remove_file(&rejects_file);
    let out = Command::new(env!("CARGO_BIN_EXE_hocr"))
        .arg("check")
        .arg(dir)
        .args(["--as-of", AS_OF, "--format", "json", "--rejects"])
        .arg(&rejects_file)
        .output()
        .expect("hocr runs");
    let code = out.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        code != 101 && !stderr.contains("panicked"),
        "{name}: hocr panicked:\n{stderr}"
    );
    let mut rows = Vec::new();
    let mut rejects = Vec::new();
    if code != 2 {
        let report: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        for input in report["inputs"].as_array().expect("inputs") {
            let n = |k: &str| input[k].as_u64().unwrap();
            let (read, evaluated, rejected) = (n("rows_read"), n("evaluated"), n("rejected"));
            assert_eq!(
                read,
                evaluated + rejected,
                "{name}: a row neither evaluated nor rejected"
            );
            rows.push((
                input["table"].as_str().unwrap().to_string(),
                read,
                evaluated,
                rejected,
            ));
        }
        let prefix = format!("{}/", dir.display());
        let mut reader = csv::Reader::from_path(&rejects_file).expect("rejects file");
        for r in reader.records() {
            let r = r.unwrap();
            let file = r[0].strip_prefix(&prefix).unwrap_or(&r[0]);
            rejects.push(format!("{file}:{}: {}", &r[1], &r[2]));
        }
        let total: u64 = rows.iter().map(|r| r.3).sum();
        assert_eq!(
            total,
            rejects.len() as u64,
            "{name}: every reject is written"
        );
    }
    let _ = std::fs::remove_file(&rejects_file);
    Run {
        code,
        stderr,
        rows,
        rejects,
    }
}

fn corpus_case(name: &str) {
    let dir = PathBuf::from("tests/broken-exports").join(name);
    let expected = std::fs::read_to_string(dir.join("expected"))
        .unwrap_or_else(|e| panic!("{name}/expected: {e}"));
    let run = check(&dir, name);
    let mut want_rejects = Vec::new();
    let mut want_rows = Vec::new();
    for line in expected.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (key, value) = line.split_once(": ").unwrap_or_else(|| panic!("{line}"));
        match key {
            "exit" => assert_eq!(
                run.code,
                value.parse::<i32>().unwrap(),
                "{name}: {}",
                run.stderr
            ),
            "stderr" => assert!(
                run.stderr.contains(value),
                "{name}: stderr lacks {value:?}:\n{}",
                run.stderr
            ),
            "reject" => want_rejects.push(value.to_string()),
            "rows" => {
                let f: Vec<&str> = value.split_whitespace().collect();
                let n = |i: usize| f[i].parse::<u64>().unwrap();
                want_rows.push((f[0].to_string(), n(1), n(2), n(3)));
            }
            other => panic!("{name}/expected: unknown key {other}"),
        }
    }
    assert_eq!(run.rejects, want_rejects, "{name}: rejects");
    if run.code != 2 {
        assert_eq!(run.rows, want_rows, "{name}: rows");
    }
}

macro_rules! corpus {
    ($($test:ident => $case:literal),* $(,)?) => {
        $(#[test] fn $test() { corpus_case($case); })*

        /// Every case of the corpus has a test above.
        #[test]
        fn every_case_is_tested() {
            let listed = [$($case),*];
            for entry in std::fs::read_dir("tests/broken-exports").unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                assert!(listed.contains(&name.as_str()), "tests/broken-exports/{name} has no test");
            }
        }
    };
}

corpus! {
    empty_file => "empty-file",
    header_only => "header-only",
    missing_column => "missing-column",
    duplicated_column => "duplicated-column",
    unterminated_quote => "unterminated-quote",
    unterminated_quote_last_column => "unterminated-quote-last-column",
    wrong_field_count => "wrong-field-count",
    invalid_utf8_and_nul => "invalid-utf8-and-nul",
    jsonl_not_objects => "jsonl-not-objects",
    jsonl_truncated_last_line => "jsonl-truncated-last-line",
    timestamps_out_of_range => "timestamps-out-of-range",
    ids_repeated_across_files => "ids-repeated-across-files",
    non_utf8_optional_field => "non-utf8-optional-field",
    lone_cr_line_endings => "lone-cr-line-endings",
    bom_on_a_later_line => "bom-on-a-later-line",
    quote_lines_and_open_quote_at_end => "quote-lines-and-open-quote-at-end",
}

// ------------------------------------------------ generated at run time

const CRIMES: &str = "crime_id,incident_id,offence_code,reported_at,recorded_at\n\
    C1,I1,49,,2025-05-01 10:00\n";

#[test]
fn a_field_of_several_megabytes() {
    let dir = temp("huge-field");
    let big = "x".repeat(8 << 20);
    std::fs::write(
        dir.join("incidents.csv"),
        format!(
            "incident_id,reported_at,non_crime_rationale\n\
             I1,2025-05-01 09:00,\"{big}\"\n\
             I2,{big},\n\
             I3,2025-05-01 09:00,\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("crimes.csv"), CRIMES).unwrap();
    let run = check(&dir, "huge-field");
    assert_eq!(run.code, 4, "{}", run.stderr);
    // The huge free-text field is read; the huge timestamp is rejected
    // without being quoted.
    assert_eq!(
        run.rejects,
        ["incidents.csv:3: `reported_at` is not a timestamp"]
    );
    assert_eq!(run.rows[0], ("incidents".into(), 3, 2, 1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn thousands_of_columns() {
    let dir = temp("wide");
    let extra = 5_000;
    let mut header = String::from("incident_id,reported_at");
    let mut row = String::from("I1,2025-05-01 09:00");
    for n in 0..extra {
        header.push_str(&format!(",extra_{n}"));
        row.push_str(&format!(",{n}"));
    }
    std::fs::write(
        dir.join("incidents.csv"),
        format!("{header}\n{row}\nI2,2025-05-01 09:00\n"),
    )
    .unwrap();
    std::fs::write(dir.join("crimes.csv"), CRIMES).unwrap();
    let run = check(&dir, "wide");
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(
        run.rejects,
        [format!(
            "incidents.csv:3: wrong number of fields: expected {}, found 2",
            extra + 2
        )]
    );
    assert_eq!(run.rows[0], ("incidents".into(), 2, 1, 1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_jsonl_line_of_several_megabytes() {
    let dir = temp("huge-line");
    let big = "y".repeat(8 << 20);
    std::fs::write(
        dir.join("incidents.jsonl"),
        format!(
            "{{\"incident_id\": \"I1\", \"reported_at\": \"2025-05-01 09:00\", \"notes\": \"{big}\"}}\n\
             {{\"incident_id\": \"I2\", \"reported_at\": \"{big}\"}}\n\
             [\"{big}\"\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("crimes.csv"), CRIMES).unwrap();
    let run = check(&dir, "huge-line");
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(run.rejects.len(), 2, "{:?}", run.rejects);
    assert!(run.rejects[0].starts_with("incidents.jsonl:2: `reported_at` is not a timestamp"));
    assert!(run.rejects[1].starts_with("incidents.jsonl:3: invalid JSON"));
    assert!(
        run.rejects.iter().all(|r| r.len() < 200),
        "values are never quoted"
    );
    assert_eq!(run.rows[0], ("incidents".into(), 3, 1, 2));
    let _ = std::fs::remove_dir_all(&dir);
}
