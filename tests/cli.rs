//! The command line's contract: exit codes (SPEC §5) and failure modes.

mod common;
use common::{hocr, temp};

use std::process::{Command, Stdio};

const AS_OF: &str = "2025-06-01T00:00:00Z";

#[test]
fn exit_0_when_findings_do_not_reach_fail_on() {
    let (code, out, _) = hocr(&["check", "fixtures/rec003-victims", "--as-of", AS_OF]);
    assert_eq!(code, 0);
    assert!(out.contains("REC003 victims-undercounted"), "{out}");
    let (code, _, _) = hocr(&[
        "check",
        "fixtures/rec003-victims",
        "--as-of",
        AS_OF,
        "--fail-on",
        "high",
    ]);
    assert_eq!(code, 0, "only medium and low findings here");
}

#[test]
fn exit_1_with_findings_at_or_above_fail_on() {
    let (code, _, _) = hocr(&[
        "check",
        "fixtures/rec003-victims",
        "--as-of",
        AS_OF,
        "--fail-on",
        "medium",
    ]);
    assert_eq!(code, 1);
}

#[test]
fn exit_5_when_rows_are_rejected_and_findings_reach_fail_on() {
    let (code, _, _) = hocr(&[
        "check",
        "fixtures/rejected-rows",
        "--as-of",
        AS_OF,
        "--fail-on",
        "info",
    ]);
    assert_eq!(code, 5, "bit flags: findings 1 + rejects 4");
}

#[test]
fn rejects_go_to_stderr_without_rejects_flag_for_data_formats() {
    let (code, out, err) = hocr(&[
        "check",
        "fixtures/rejected-rows",
        "--as-of",
        AS_OF,
        "--format",
        "jsonl",
    ]);
    assert_eq!(code, 4);
    assert!(err.contains("6 rows rejected"), "{err}");
    assert!(
        err.contains("fixtures/rejected-rows/incidents.csv:3: `reported_at` is not a timestamp"),
        "{err}"
    );
    assert!(
        out.lines().all(|l| l.starts_with('{')),
        "stdout is only findings: {out}"
    );
}

#[test]
fn exit_2_for_bad_rules_with_every_error() {
    let dir = temp("bad-rules");
    std::fs::write(
        dir.join("bad.hocr"),
        "edition \"x\"\nrule REC001 a \"t\" {\n  source \"s\" at \"https://example.org/s\"\n  quote \"q\"\n  theme t\n  severity high\n  for each crime\n  require recored_at within 24 hours after reported_at\n}\nrule REC001 b \"t\" {\n  for each crime\n  require recorded_at > 5\n}\n",
    )
    .unwrap();
    let (code, out, err) = hocr(&[
        "check",
        "fixtures/rec003-victims",
        "--as-of",
        AS_OF,
        "--rules",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "nothing evaluated: {out}");
    assert!(
        err.contains("bad.hocr:8:11: error[E002]: each crime has no field `recored_at`"),
        "{err}"
    );
    assert!(err.contains("did you mean `recorded_at`?"), "{err}");
    assert!(
        err.contains("error[E005]: rule code `REC001` is used twice"),
        "{err}"
    );
    assert!(
        err.contains("error[E004]: cannot compare a time with a number"),
        "{err}"
    );
    assert!(err.contains("^"), "a caret under the cause: {err}");
}

#[test]
fn exit_2_for_missing_input_file_or_column() {
    let (code, _, err) = hocr(&["check", "fixtures/no-such-dir", "--as-of", AS_OF]);
    assert_eq!(code, 2);
    assert!(err.contains("fixtures/no-such-dir"), "{err}");

    let dir = temp("missing-column");
    std::fs::write(
        dir.join("incidents.csv"),
        "incident_id,opening_code\nI1,X\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("crimes.csv"),
        "crime_id,offence_code,recorded_at\n",
    )
    .unwrap();
    let (code, out, err) = hocr(&["check", dir.to_str().unwrap(), "--as-of", AS_OF]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("missing required column `reported_at`"),
        "{err}"
    );
}

#[test]
fn exit_2_for_bad_usage() {
    assert_eq!(hocr(&["check"]).0, 2);
    assert_eq!(
        hocr(&["check", "fixtures/rec003-victims", "--as-of", "soon"]).0,
        2
    );
    assert_eq!(
        hocr(&["check", "fixtures/rec003-victims", "--format", "pdf"]).0,
        2
    );
    assert_eq!(hocr(&["frobnicate"]).0, 2);
}

#[test]
fn unwritable_output_fails_before_reading() {
    let (code, _, err) = hocr(&[
        "check",
        "fixtures/rec002-missing-record",
        "--as-of",
        AS_OF,
        "--output",
        "/nonexistent-dir/out.txt",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent-dir/out.txt"), "{err}");
}

#[test]
fn an_earlier_output_file_is_replaced_whole_and_kept_by_a_failed_run() {
    let dir = temp("earlier-output");
    let path = dir.join("findings.jsonl");
    let out = path.to_str().unwrap();
    let earlier = "a finding of last night\n".repeat(100_000);
    std::fs::write(&path, &earlier).unwrap();
    let args = |export| ["check", export, "--as-of", AS_OF, "--format", "jsonl"];
    let (code, _, _) = hocr(
        &[
            &args("fixtures/rec002-missing-record")[..],
            &["--output", out],
        ]
        .concat(),
    );
    assert_eq!(code, 0);
    let (_, printed, _) = hocr(&args("fixtures/rec002-missing-record"));
    assert!(!printed.is_empty());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), printed);
    // A run that fails leaves the earlier file as it was, and nothing else.
    std::fs::write(&path, &earlier).unwrap();
    let (code, _, _) = hocr(&[&args("fixtures/no-such-export")[..], &["--output", out]].concat());
    assert_eq!(code, 2);
    assert!(std::fs::read_to_string(&path).unwrap() == earlier);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn output_is_byte_identical_between_runs() {
    for format in ["text", "jsonl", "csv"] {
        let run = || {
            hocr(&[
                "check",
                "fixtures/rec002-missing-record",
                "--as-of",
                AS_OF,
                "--format",
                format,
            ])
            .1
        };
        assert_eq!(run(), run(), "{format}");
    }
    // JSON too, but for the run's elapsed time.
    let run = || {
        let out = hocr(&[
            "check",
            "fixtures/rec002-missing-record",
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ])
        .1;
        let mut doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert!(doc["tool"]["elapsed_seconds"].is_number());
        doc["tool"]["elapsed_seconds"] = serde_json::Value::Null;
        doc
    };
    let first = run();
    assert!(
        first["rules"]["fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    assert_eq!(first, run());
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hocr"))
        .args(["check", "fixtures/rec001-late-record", "--as-of", AS_OF])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // like `| head -0`
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn rules_check_reports_clean_shipped_rules() {
    let (code, _, err) = hocr(&["rules", "check", "rules", "--error-format", "plain"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 errors and 0 warnings"), "{err}");
}

#[test]
fn rules_fmt_check_finds_unformatted_files_and_fmt_fixes_them() {
    let dir = temp("fmt");
    let file = dir.join("messy.hocr");
    std::fs::write(&file, "edition   \"x\"\ngroup a=1,2\n").unwrap();
    let path = file.to_str().unwrap();
    let (code, out, _) = hocr(&["rules", "fmt", "--check", path]);
    assert_eq!(code, 1);
    assert!(out.contains("not formatted"), "{out}");
    assert_eq!(hocr(&["rules", "fmt", path]).0, 0);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "edition \"x\"\n\ngroup a = 1, 2\n"
    );
    assert_eq!(hocr(&["rules", "fmt", "--check", path]).0, 0);
    std::fs::write(&file, "group = 1\n").unwrap();
    assert_eq!(hocr(&["rules", "fmt", path]).0, 2);
}

#[test]
fn csv_format_opens_in_excel_with_the_jsonl_findings() {
    let (code, csv, _) = hocr(&[
        "check",
        "fixtures/rec002-missing-record",
        "--as-of",
        AS_OF,
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0);
    assert!(csv.starts_with("\u{feff}rule,kind,severity,incident_id,crime_id,event,event_at,field,due,at,message,status\r\n"), "{csv}");
    let (_, jsonl, _) = hocr(&[
        "check",
        "fixtures/rec002-missing-record",
        "--as-of",
        AS_OF,
        "--format",
        "jsonl",
    ]);
    assert_eq!(csv.lines().count() - 1, jsonl.lines().count());
    assert!(
        csv.contains("REC002,missing,high,I02,,,,,2025-05-31T09:00:00Z,,"),
        "{csv}"
    );
}

/// A `--format json` report of `fixtures/rec002-missing-record` as of `as_of`.
fn json_report(as_of: &str) -> String {
    let (code, json, err) = hocr(&[
        "check",
        "fixtures/rec002-missing-record",
        "--as-of",
        as_of,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    json
}

#[test]
fn baseline_marks_new_and_persisting_and_counts_resolved() {
    let dir = temp("baseline");
    let before = dir.join("before.json");
    // As of 2 June 09:00Z, I03's grace period has not ended (pending).
    let json = json_report("2025-06-02T09:00:00Z");
    let earlier: serde_json::Value = serde_json::from_str(&json).unwrap();
    let earlier_count = earlier["findings"].as_array().unwrap().len();
    assert_eq!(earlier["findings_total"], earlier_count);
    std::fs::write(&before, &json).unwrap();
    // A day later I03 is missing: one new finding, the rest persist.
    let (code, out, err) = hocr(&[
        "check",
        "fixtures/rec002-missing-record",
        "--as-of",
        "2025-06-03T09:00:00Z",
        "--format",
        "json",
        "--baseline",
        before.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["baseline"]["found"], true);
    assert_eq!(doc["baseline"]["as_of"], "2025-06-02T09:00:00Z");
    assert_eq!(doc["baseline"]["same_rules"], true);
    assert_eq!(doc["baseline"]["new"], 1);
    assert_eq!(doc["baseline"]["persisting"], earlier_count);
    assert_eq!(doc["baseline"]["resolved"], 0);
    let new: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "new")
        .collect();
    assert_eq!(new.len(), 1);
    assert_eq!(new[0]["incident_id"], "I03");

    // Against a baseline with a finding that is gone, it is resolved.
    let gone = dir.join("gone.json");
    let mut with_more = earlier.clone();
    with_more["findings"].as_array_mut().unwrap().push(serde_json::json!(
        {"rule": "REC002", "kind": "missing", "incident_id": "I77", "crime_id": null, "message": "x"}
    ));
    with_more["findings_total"] = (earlier_count + 1).into();
    std::fs::write(&gone, with_more.to_string()).unwrap();
    let (_, out, _) = hocr(&[
        "check",
        "fixtures/rec002-missing-record",
        "--as-of",
        "2025-06-02T09:00:00Z",
        "--baseline",
        gone.to_str().unwrap(),
    ]);
    assert!(
        out.contains("Since the baseline (as of 2025-06-02T09:00:00Z)"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.trim_start().starts_with("REC002") && l.trim_end().ends_with('1')),
        "{out}"
    );
}

/// Runs `check` against `baseline` and expects exit 2 with `reason`.
fn refused_baseline(baseline: &std::path::Path, reason: &str) {
    let (code, out, err) = hocr(&[
        "check",
        "fixtures/rec002-missing-record",
        "--as-of",
        "2025-06-03T09:00:00Z",
        "--baseline",
        baseline.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "nothing is reported: {out}");
    assert!(err.contains(reason), "expected `{reason}` in: {err}");
}

#[test]
fn an_empty_cut_short_or_foreign_baseline_stops_the_run() {
    let dir = temp("bad-baseline");
    let json = json_report("2025-06-02T09:00:00Z");
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    refused_baseline(&write("empty.json", ""), "it is empty");
    refused_baseline(&write("blank.json", "\n\n"), "it is empty");
    refused_baseline(
        &write("cut.json", &json[..json.len() / 2]),
        "it is cut short",
    );
    refused_baseline(&write("junk.json", "hello\n"), "not an hocr JSON report");
    refused_baseline(
        &write(
            "foreign.json",
            r#"{"tool":{"name":"other"},"as_of":"2025-06-01T00:00:00Z","rules":{"fingerprint":"x"},"findings":[]}"#,
        ),
        "written by `other`, not hocr",
    );
    // A count that does not match the findings: edited or damaged.
    let mut doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    doc["findings"].as_array_mut().unwrap().pop();
    refused_baseline(&write("short.json", &doc.to_string()), "but holds");
    // JSON Lines cannot prove it is whole: cut at a line, it looks whole.
    let (_, jsonl, _) = hocr(&[
        "check",
        "fixtures/rec002-missing-record",
        "--as-of",
        "2025-06-02T09:00:00Z",
        "--format",
        "jsonl",
    ]);
    let first_line = jsonl.lines().next().unwrap();
    refused_baseline(
        &write("cut.jsonl", &format!("{first_line}\n")),
        "JSON Lines",
    );
    // A missing baseline is an error unless --baseline-if-exists.
    refused_baseline(&dir.join("missing.json"), "--baseline-if-exists");
}

#[test]
fn a_baseline_from_the_future_is_refused_and_another_rule_set_is_said() {
    let dir = temp("baseline-fit");
    let later = dir.join("later.json");
    std::fs::write(&later, json_report("2025-06-04T09:00:00Z")).unwrap();
    refused_baseline(&later, "later than this run's as-of 2025-06-03T09:00:00Z");

    let mut doc: serde_json::Value =
        serde_json::from_str(&json_report("2025-06-02T09:00:00Z")).unwrap();
    doc["rules"]["fingerprint"] = "sha256:0000000000000000".into();
    let other = dir.join("other-rules.json");
    std::fs::write(&other, doc.to_string()).unwrap();
    let (code, out, err) = hocr(&[
        "check",
        "fixtures/rec002-missing-record",
        "--as-of",
        "2025-06-03T09:00:00Z",
        "--baseline",
        other.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("was made with another rule set"), "{err}");
    assert!(
        out.contains(
            "warning: the baseline was made with another rule set (sha256:0000000000000000"
        ),
        "{out}"
    );
}

#[test]
fn baseline_if_exists_runs_the_first_night_and_says_so() {
    let dir = temp("baseline-first-night");
    let yesterday = dir.join("yesterday.json");
    let run = |format: &str| {
        hocr(&[
            "check",
            "fixtures/rec002-missing-record",
            "--as-of",
            "2025-06-03T09:00:00Z",
            "--format",
            format,
            "--baseline-if-exists",
            yesterday.to_str().unwrap(),
        ])
    };
    let (code, out, err) = run("text");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("does not exist (--baseline-if-exists): no comparison"),
        "{out}"
    );
    assert!(err.contains("no comparison"), "{err}");
    let (code, out, _) = run("json");
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["baseline"]["found"], false);
    assert!(doc["baseline"].get("new").is_none(), "nothing was compared");
    // The second night: the file is there and is compared.
    std::fs::write(&yesterday, json_report("2025-06-02T09:00:00Z")).unwrap();
    let (code, out, _) = run("json");
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["baseline"]["found"], true);
    assert_eq!(doc["baseline"]["new"], 1);
    // A file that is there but empty still stops the run.
    std::fs::write(&yesterday, "").unwrap();
    let (code, _, err) = run("json");
    assert_eq!(code, 2);
    assert!(err.contains("it is empty"), "{err}");
}

#[test]
fn quiet_silences_everything_but_errors() {
    let (code, out, err) = hocr(&[
        "check",
        "fixtures/rejected-rows",
        "--as-of",
        AS_OF,
        "--format",
        "jsonl",
        "--quiet",
    ]);
    assert_eq!(code, 4, "the exit code still says rows were rejected");
    assert!(err.is_empty(), "{err}");
    assert!(!out.is_empty(), "the report itself is still written");
    let (code, _, err) = hocr(&[
        "check",
        "fixtures/calendar-end",
        "--as-of",
        "2027-03-01T00:00:00Z",
        "--format",
        "jsonl",
    ]);
    assert_eq!(code, 0);
    assert!(err.contains("holiday calendar does not cover"), "{err}");
    let (_, _, err) = hocr(&[
        "check",
        "fixtures/calendar-end",
        "--as-of",
        "2027-03-01T00:00:00Z",
        "--format",
        "jsonl",
        "-q",
    ]);
    assert!(err.is_empty(), "{err}");
    let (code, _, err) = hocr(&["check", "fixtures/no-such-dir", "--as-of", AS_OF, "--quiet"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-dir"), "errors still show: {err}");
}

#[test]
fn rejects_are_summarised_on_stderr_for_the_text_summary_too() {
    let (code, out, err) = hocr(&["check", "fixtures/rejected-rows", "--as-of", AS_OF]);
    assert_eq!(code, 4);
    assert!(err.contains("6 rows rejected"), "{err}");
    assert!(out.contains("Rejected rows: 6"), "{out}");
    let rejects = temp("rejects-file").join("rejects.csv");
    let (_, _, err) = hocr(&[
        "check",
        "fixtures/rejected-rows",
        "--as-of",
        AS_OF,
        "--rejects",
        rejects.to_str().unwrap(),
    ]);
    assert!(
        !err.contains("rows rejected"),
        "with --rejects they go to the file: {err}"
    );
    let written = std::fs::read_to_string(&rejects).unwrap();
    assert_eq!(
        written.lines().count(),
        7,
        "header and six rejects: {written}"
    );
}

/// `--threads` is bounded: a number no machine needs is a usage error
/// (exit 2, saying the range), not thousands of threads and a crash; the
/// largest allowed number gives the same findings as one thread.
#[test]
fn threads_beyond_the_bound_are_a_usage_error() {
    for n in ["0", "257", "65535"] {
        let (code, out, err) =
            hocr(&["check", "fixtures/sample", "--as-of", AS_OF, "--threads", n]);
        assert_eq!(code, 2, "--threads {n}: {err}");
        assert!(out.is_empty());
        assert!(err.contains("1..=256"), "--threads {n}: {err}");
    }
    let run = |n: &str| {
        hocr(&[
            "check",
            "fixtures/sample",
            "--as-of",
            AS_OF,
            "--format",
            "jsonl",
            "--threads",
            n,
        ])
    };
    let (one, many) = (run("1"), run("256"));
    assert_eq!(one.0, many.0, "{}", many.2);
    assert!(!one.1.is_empty());
    assert_eq!(one.1, many.1);
}

/// A reader of any report tells the published text from force policy:
/// the JSON report keeps them in separate lists, and `explain` prints them
/// under separate headings.
#[test]
fn quotes_and_policy_are_kept_apart() {
    let (_, out, _) = hocr(&[
        "check",
        "fixtures/rec002-missing-record",
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let catalogue = doc["rules"]["catalogue"].as_array().unwrap();
    let rule = |code: &str| {
        catalogue
            .iter()
            .find(|r| r["rule"] == code)
            .unwrap_or_else(|| panic!("{code} not in {catalogue:?}"))
    };
    let rec001 = rule("REC001");
    assert_eq!(
        rec001["quotes"][0],
        "Forces are required to record a crime within 24 hours of it being reported."
    );
    assert!(
        rec001["sources"][0]["address"]
            .as_str()
            .unwrap()
            .starts_with("https://"),
        "{rec001}"
    );
    let dq001 = rule("DQ001");
    assert_eq!(dq001["quotes"].as_array().unwrap().len(), 0, "{dq001}");
    assert!(
        dq001["policy"][0].as_str().unwrap().contains("report time"),
        "{dq001}"
    );

    let (code, out, _) = hocr(&["explain", "DQ001"]);
    assert_eq!(code, 0);
    let says = out.find("\nThe source says\n").expect(&out);
    let policy = out.find("\nForce policy\n").expect(&out);
    assert!(says < policy, "{out}");
    assert!(out[says..policy].contains("(nothing quoted)"), "{out}");
    assert!(out[policy..].contains("this project flags it"), "{out}");
}

#[test]
fn findings_only_formats_say_the_coverage_warnings_on_stderr() {
    let check = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "fixtures/sample",
            "--as-of",
            "2026-02-01T00:00:00Z",
        ];
        args.extend(extra);
        hocr(&args)
    };
    let (_, text, _) = check(&[]);
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| {
            l.starts_with("warning: ")
                && (l.contains("checked nothing") || l.contains("no group or rule"))
        })
        .collect();
    assert!(
        warnings.len() >= 2,
        "the sample has coverage warnings: {text}"
    );
    for format in ["jsonl", "csv"] {
        let (_, out, err) = check(&["--format", format]);
        for warning in &warnings {
            assert!(
                err.contains(warning),
                "--format {format}: {warning} not on stderr: {err}"
            );
        }
        assert!(
            !out.contains("warning"),
            "--format {format} findings only on stdout"
        );
        let (_, _, quiet) = check(&["--format", format, "--quiet"]);
        assert!(!quiet.contains("no group or rule"), "--quiet: {quiet}");
    }
    // The formats with a place for them keep them there, not on stderr too.
    let (_, _, err) = check(&["--format", "json"]);
    assert!(!err.contains("no group or rule"), "{err}");
}
