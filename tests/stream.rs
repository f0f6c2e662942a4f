//! The streamed run (`hocr check`: crimes held, incidents streamed, tables
//! converted on worker threads and committed in file order) against the
//! plain one (every table read into memory, then evaluated): the same
//! findings, statistics, summaries and rejects, whatever the number of
//! threads — on an export large enough to span many batches, with
//! duplicates and bad rows placed across batch boundaries.

use hocr::check::check;
use hocr::engine::{Records, evaluate_on};
use hocr::generate::{GenOptions, generate};
use hocr::ingest::{ExportPaths, Profile, read_export};
use hocr::plan::Plan;
use hocr::stream::check_export;
use hocr::time::{Clock, Instant};
use std::fs;
use std::path::Path;

mod common;

fn shipped_plan() -> Plan {
    let (plan, diags) = check(hocr::rulefiles::shipped());
    plan.unwrap_or_else(|| panic!("shipped rules check: {diags:?}"))
}

/// Everything a user sees of a run, as text.
fn shown(
    outcome: &hocr::findings::Outcome,
    inputs: &[hocr::ingest::InputSummary],
    rejects: &[hocr::ingest::Reject],
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
    )
    .expect("export reads");
    shown(&run.outcome, &run.inputs, &run.rejects)
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
    for threads in [1, 2, 3, 5] {
        assert_eq!(
            expected,
            streamed(&plan, &paths, as_of(), threads),
            "{threads} threads"
        );
    }
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
    for threads in [1, 2, 4] {
        assert_eq!(
            expected,
            streamed(&plan, &paths, as_of(), threads),
            "{threads} threads"
        );
    }
    let _ = fs::remove_dir_all(&dir);
}
