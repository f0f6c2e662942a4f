//! The streamed run (`hocr check`: crimes held, incidents streamed, tables
//! converted on worker threads and committed in file order) against the
//! plain one (every table read into memory, then evaluated): the same
//! findings, statistics, summaries and rejects, whatever the number of
//! threads — on an export large enough to span many batches, with
//! duplicates and bad rows placed across batch boundaries.

use hocr::data::ingest::{ExportPaths, Profile, read_export};
use hocr::data::records::Records;
use hocr::data::time::{Clock, Instant};
use hocr::lang::check::check;
use hocr::lang::plan::Plan;
use hocr::run::engine::evaluate_on;
use hocr::run::stream::check_export;
use hocr::tools::generate::{GenOptions, generate};
use std::fs;
use std::path::Path;

mod common;

fn shipped_plan() -> Plan {
    let (plan, diags) = check(hocr::lang::files::shipped());
    plan.unwrap_or_else(|| panic!("shipped rules check: {diags:?}"))
}

/// Everything a user sees of a run, as text.
fn shown(
    outcome: &hocr::run::findings::Outcome,
    inputs: &[hocr::data::ingest::InputSummary],
    rejects: &[hocr::data::ingest::Reject],
) -> String {
    format!(
        "{}\n{}\n{}\n{}\n{}",
        serde_json::to_string(&outcome.findings).unwrap(),
        outcome.outside_calendar,
        serde_json::to_string(&outcome.stats).unwrap(),
        serde_json::to_string(inputs).unwrap(),
        serde_json::to_string(rejects).unwrap(),
    )
}

/// The plain way: read everything, then evaluate.
fn in_memory(plan: &Plan, paths: &ExportPaths, as_of: Instant) -> String {
    let export = read_export(paths, &Clock::default()).expect("export reads");
    let records = Records {
        incidents: &export.incidents,
        crimes: &export.crimes,
        updates: &export.updates,
    };
    let outcome = evaluate_on(plan, records, as_of, Clock::default(), 1);
    shown(&outcome, &export.inputs, &export.rejects)
}

fn streamed(plan: &Plan, paths: &ExportPaths, as_of: Instant, threads: usize) -> String {
    let run = check_export(
        plan,
        paths,
        &Clock::default(),
        &Profile::canonical(),
        as_of,
        threads,
        true,
    )
    .expect("export reads");
    shown(&run.outcome, &run.inputs, &run.rejects)
}

/// The streamed run on each number of threads shows what reading
/// everything first showed.
fn assert_streams_alike(plan: &Plan, paths: &ExportPaths, expected: &str, threads: &[usize]) {
    for &threads in threads {
        assert_eq!(
            expected,
            streamed(plan, paths, as_of(), threads),
            "{threads} threads"
        );
    }
}

/// Edits a file line by line (line 0 is the header).
fn rework(path: &Path, edit: impl FnOnce(&mut Vec<String>)) {
    let text = fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    edit(&mut lines);
    fs::write(path, lines.join("\n") + "\n").unwrap();
}

fn as_of() -> Instant {
    Clock::default()
        .parse("2026-02-01T00:00:00Z")
        .expect("as-of parses")
        .0
}

#[test]
fn streamed_run_equals_reading_everything_first() {
    let dir = common::temp("stream-equal");
    generate(
        &dir,
        &GenOptions {
            incidents: 9_000,
            seed: 7,
            start: chrono::NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
            days: 120,
        },
    )
    .unwrap();
    rework(&dir.join("incidents.csv"), |lines| {
        // A duplicate of an early incident in a much later batch, and one
        // of a late incident right after it.
        let early = lines[3].clone();
        let late = lines[8_500].clone();
        lines.insert(6_000, early);
        lines.push(late);
        // A row of the wrong width, and one with an unreadable required
        // time, whose id then comes again readable: the second is kept.
        lines.insert(2_049, "I-broken,2025-10-01".into());
        let mut cells: Vec<String> = lines[4_100].split(',').map(str::to_string).collect();
        let id = cells[0].clone();
        cells[1] = "not a time".into();
        lines[4_100] = cells.join(",");
        let mut again: Vec<String> = lines[4_101].split(',').map(str::to_string).collect();
        again[0] = id;
        lines.push(again.join(","));
    });
    rework(&dir.join("crimes.csv"), |lines| {
        let first = lines[1].clone();
        lines.insert(3_000, first);
        lines.insert(10, "C-short,,".into());
    });
    let paths = ExportPaths::from_dir(&dir).unwrap();
    let plan = shipped_plan();
    let expected = in_memory(&plan, &paths, as_of());
    assert!(
        expected.contains("duplicate `incident_id`"),
        "{expected:.300}"
    );
    assert!(expected.contains("duplicate `crime_id`"));
    assert!(expected.contains("wrong number of fields"));
    assert_streams_alike(&plan, &paths, &expected, &[1, 2, 3, 5]);
    let _ = fs::remove_dir_all(&dir);
}

/// JSON Lines tables are converted on the reader thread, not by the
/// workers; the result must be the same as for CSV.
#[test]
fn streamed_jsonl_equals_reading_everything_first() {
    let dir = common::temp("stream-jsonl");
    generate(
        &dir,
        &GenOptions {
            incidents: 5_000,
            seed: 11,
            start: chrono::NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
            days: 90,
        },
    )
    .unwrap();
    // Each CSV table as JSON Lines, every value a string (as an export
    // tool would write them), a duplicate incident at the end.
    for table in ["incidents", "crimes", "updates"] {
        let csv_path = dir.join(format!("{table}.csv"));
        let mut reader = csv::Reader::from_path(&csv_path).unwrap();
        let header = reader.headers().unwrap().clone();
        let mut out = String::new();
        let mut first = None;
        for row in reader.records() {
            let row = row.unwrap();
            let object: serde_json::Map<String, serde_json::Value> = header
                .iter()
                .zip(row.iter())
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
                .collect();
            let line = serde_json::to_string(&object).unwrap();
            first.get_or_insert_with(|| line.clone());
            out.push_str(&line);
            out.push('\n');
        }
        if table == "incidents" {
            out.push_str(first.as_deref().unwrap());
            out.push('\n');
        }
        fs::write(dir.join(format!("{table}.jsonl")), out).unwrap();
        fs::remove_file(csv_path).unwrap();
    }
    let paths = ExportPaths::from_dir(&dir).unwrap();
    let plan = shipped_plan();
    let expected = in_memory(&plan, &paths, as_of());
    assert!(expected.contains("duplicate `incident_id`"));
    assert_streams_alike(&plan, &paths, &expected, &[1, 2, 4]);
    let _ = fs::remove_dir_all(&dir);
}

/// Value checks that read nothing but a value's marks are decided once for
/// unmarked values. The counts must be those of judging every value: each
/// rule here has a twin that also reads `field` (so is judged value by
/// value) and means the same.
#[test]
fn checks_on_marks_alone_count_like_value_by_value() {
    let dir = common::temp("stream-marks");
    generate(
        &dir,
        &GenOptions {
            incidents: 3_000,
            seed: 5,
            start: chrono::NaiveDate::from_ymd_opt(2025, 10, 20).unwrap(),
            days: 20,
        },
    )
    .unwrap();
    // Some unreadable optional values, so that there are marked values of
    // every kind (the dates above cover the October clock change).
    rework(&dir.join("crimes.csv"), |lines| {
        for line in lines.iter_mut().skip(1).step_by(97) {
            let mut cells: Vec<&str> = line.split(',').collect();
            cells[15] = "maybe";
            *line = cells.join(",");
        }
    });
    let mut rules = String::from("edition \"t\"\n");
    let forms = [
        ("timestamp", "", "", "not repeated_hour"),
        ("timestamp", "where repeated_hour", "", "not skipped_hour"),
        (
            "optional value",
            "",
            "unless not unreadable",
            "not unreadable",
        ),
        ("optional value", "where not unreadable", "", "unreadable"),
        (
            "timestamp",
            "where not skipped_hour",
            "",
            "repeated_hour or not repeated_hour",
        ),
    ];
    for (n, (subject, filter, exempt, require)) in forms.iter().enumerate() {
        for (twin, extra) in [("0", ""), ("1", " and field != \"\"")] {
            let filter = if filter.is_empty() {
                format!("where true{extra}")
            } else {
                format!("{filter}{extra}")
            };
            rules.push_str(&format!(
                "rule T{n}{twin} t{n}-{} \"t\" {{\n  source \"s\" at \"https://example.org/s\"\n  quote \"q\"\n  theme t\n  severity low\n  message \"m\"\n  for each {subject}\n  {filter}\n  {exempt}\n  require {require}\n  otherwise data\n}}\n",
                twin
            ));
        }
    }
    let files = vec![hocr::lang::plan::RuleFile {
        name: "t.hocr".into(),
        text: rules,
    }];
    let (plan, diags) = check(files);
    let plan = plan.unwrap_or_else(|| panic!("{diags:?}"));
    let paths = ExportPaths::from_dir(&dir).unwrap();
    let run = check_export(
        &plan,
        &paths,
        &Clock::default(),
        &Profile::canonical(),
        as_of(),
        2,
        true,
    )
    .expect("export reads");
    let stats = &run.outcome.stats;
    assert_eq!(stats.len(), 2 * forms.len());
    for pair in stats.chunks(2) {
        let counts = |s: &hocr::run::findings::RuleStats| {
            (s.checked, s.findings, s.pending, s.exempt, s.not_applicable)
        };
        assert_eq!(
            counts(&pair[0]),
            counts(&pair[1]),
            "{} and {}",
            pair[0].rule,
            pair[1].rule
        );
        assert!(
            pair[0].checked + pair[0].exempt > 0,
            "{} judged nothing",
            pair[0].rule
        );
    }
    // Findings too: the twins find the same values.
    let of = |rule: &str| -> Vec<String> {
        run.outcome
            .findings
            .iter()
            .filter(|f| &*f.rule == rule)
            .map(|f| format!("{:?} {:?} {:?}", f.crime_id, f.incident_id, f.field))
            .collect()
    };
    for n in 0..forms.len() {
        assert_eq!(of(&format!("T{n}0")), of(&format!("T{n}1")));
    }
    assert!(!of("T00").is_empty(), "repeated hours in the export");
    assert!(stats[4].exempt > 0, "unreadable values in the export");
    let _ = fs::remove_dir_all(&dir);
}

/// JSON Lines are put together on several threads, a chunk of findings
/// each: on an export with thousands of findings, the lines are the JSON
/// report's findings, one by one, in its order.
#[test]
fn jsonl_lines_are_the_findings_in_order_however_they_are_put_together() {
    let dir = common::temp("jsonl-lanes");
    generate(
        &dir,
        &GenOptions {
            incidents: 40_000,
            seed: 11,
            start: chrono::NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
            days: 120,
        },
    )
    .unwrap();
    let run = |format: &str, threads: &str| {
        let (code, out, err) = common::hocr(&[
            "check",
            dir.to_str().unwrap(),
            "--as-of",
            "2026-02-01T00:00:00Z",
            "--format",
            format,
            "--threads",
            threads,
            "--quiet",
        ]);
        assert!(code == 0 || code == 1, "{format}: exit {code}: {err}");
        out
    };
    let report: serde_json::Value = serde_json::from_str(&run("json", "1")).unwrap();
    let findings = report["findings"].as_array().expect("findings");
    assert!(findings.len() > 4_000, "{} findings", findings.len());
    // One lane, then three putting chunks together side by side.
    for threads in ["1", "3"] {
        let lines: Vec<serde_json::Value> = run("jsonl", threads)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), findings.len(), "{threads} threads");
        for (n, (line, finding)) in lines.iter().zip(findings).enumerate() {
            assert_eq!(line, finding, "finding {n}, {threads} threads");
        }
    }
}
