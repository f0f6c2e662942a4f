//! Property tests (issue: hardening, item 2): the timestamp parser and
//! formatter agree for every accepted form; deadlines are monotonic; the
//! rule formatter round-trips generated rule files; an export read as CSV
//! and as JSON Lines gives the same findings; the number of evaluation
//! threads never changes the output. Case counts are kept small so that
//! `cargo test` stays fast; raise them with `PROPTEST_CASES`.

use chrono::{NaiveDate, TimeZone};
use hocr::data::ingest::{Export, ExportPaths, Profile, read_export};
use hocr::data::records::Records;
use hocr::data::time::{Calendar, Clock, Instant, Span, deadline};
use hocr::lang::check::check;
use hocr::lang::plan::{Plan, RuleFile};
use hocr::lang::syntax::{format_file, parse_file};
use hocr::run::engine::evaluate_on;
use hocr::run::findings::Outcome;
use hocr::run::stream::check_export;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn scratch() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "hocr-prop-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// ------------------------------------------------------------ timestamps

/// A date and time of day, to the microsecond, in years exports use and
/// well beyond.
fn naive() -> impl Strategy<Value = chrono::NaiveDateTime> {
    (
        1i32..=9999,
        1u32..=12,
        1u32..=31,
        0u32..24,
        0u32..60,
        0u32..60,
        0u32..1_000_000,
    )
        .prop_filter_map("a real date", |(y, mo, d, h, mi, s, us)| {
            NaiveDate::from_ymd_opt(y, mo, d)?.and_hms_micro_opt(h, mi, s, us)
        })
}

fn micros_of(t: chrono::NaiveDateTime) -> i64 {
    t.and_utc().timestamp_micros()
}

proptest! {
    #![proptest_config(config(256))]

    /// Forms with an offset are exact: the instant is the one written, and
    /// it formats in UTC and reads back to the same second.
    #[test]
    fn timestamps_with_an_offset_round_trip(t in naive(), offset_min in -(14 * 60i32)..=(14 * 60), fraction in 0usize..=9) {
        let clock = Clock::default();
        let sign = if offset_min < 0 { '-' } else { '+' };
        let offset = format!("{sign}{:02}:{:02}", offset_min.abs() / 60, offset_min.abs() % 60);
        let frac = if fraction == 0 {
            String::new()
        } else {
            let digits = format!("{:06}000", t.and_utc().timestamp_subsec_micros());
            format!(".{}", &digits[..fraction])
        };
        let kept_micros = if fraction == 0 {
            0
        } else {
            let scale = 10i64.pow(6u32.saturating_sub(fraction as u32));
            i64::from(t.and_utc().timestamp_subsec_micros()) / scale * scale
        };
        let whole = micros_of(t) - i64::from(t.and_utc().timestamp_subsec_micros());
        let expected = whole + kept_micros - i64::from(offset_min) * 60_000_000;
        for text in [
            format!("{}{frac}{offset}", t.format("%Y-%m-%dT%H:%M:%S")),
            format!("{}{frac}Z", t.format("%Y-%m-%dT%H:%M:%S")),
        ] {
            let expected = if text.ends_with('Z') { expected + i64::from(offset_min) * 60_000_000 } else { expected };
            let (got, _) = clock.parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
            prop_assert_eq!(got.0, expected, "{}", text);
            let written = got.format_utc();
            let (back, _) = clock.parse(&written).map_err(|e| TestCaseError::fail(format!("{written}: {e}")))?;
            prop_assert_eq!(back.0, got.0.div_euclid(1_000_000) * 1_000_000, "{} -> {}", text, written);
        }
    }

    /// Local forms (no offset) read in the clock's zone: each form reads the
    /// same local time, which formats in UTC and reads back to the same
    /// second, in London and in UTC.
    #[test]
    fn local_timestamps_round_trip(t in naive()) {
        let t = t.with_nanosecond_zero();
        for (clock, tz) in [(Clock::default(), chrono_tz::Europe::London), (Clock::new(chrono_tz::UTC), chrono_tz::UTC)] {
            let seconds = [
                t.format("%Y-%m-%dT%H:%M:%S").to_string(),
                t.format("%Y-%m-%d %H:%M:%S").to_string(),
            ];
            let minutes = [
                t.format("%Y-%m-%d %H:%M").to_string(),
                t.format("%Y-%m-%dT%H:%M").to_string(),
            ];
            let first = clock.parse(&seconds[0]).map_err(|e| TestCaseError::fail(format!("{}: {e}", seconds[0])))?.0;
            // When the time happens exactly once, it is that instant.
            if let chrono::LocalResult::Single(x) = tz.from_local_datetime(&t) {
                prop_assert_eq!(first.0, x.timestamp_micros());
            }
            for text in &seconds {
                prop_assert_eq!(clock.parse(text).map(|p| p.0), Ok(first), "{}", text);
            }
            let to_minute = clock.parse(&minutes[0]).map_err(|e| TestCaseError::fail(format!("{}: {e}", minutes[0])))?.0;
            for text in &minutes {
                prop_assert_eq!(clock.parse(text).map(|p| p.0), Ok(to_minute), "{}", text);
            }
            let written = first.format_utc();
            prop_assert_eq!(clock.parse(&written).map(|p| p.0), Ok(first), "{}", written);
        }
    }

    /// A later anchor never gives an earlier deadline, and no deadline comes
    /// before its anchor.
    #[test]
    fn deadlines_are_monotonic(a in naive(), step in 0i64..(400 * 86_400_000_000), days in 0u32..30, hours in 0i64..1000) {
        let clock = Clock::default();
        let cal = Calendar::default();
        let early = Instant(micros_of(a));
        let late = early.plus_micros(step);
        for span in [Span::WorkingDays(days), Span::Micros(hours * 3_600_000_000)] {
            if let (Some(d1), Some(d2)) = (deadline(early, span, &clock, &cal), deadline(late, span, &clock, &cal)) {
                prop_assert!(d1.at <= d2.at, "{:?}: {} then {}", span, d1.at, d2.at);
                prop_assert!(d1.at >= early);
            }
        }
    }
}

trait ZeroNanos {
    fn with_nanosecond_zero(self) -> Self;
}

impl ZeroNanos for chrono::NaiveDateTime {
    fn with_nanosecond_zero(self) -> Self {
        chrono::Timelike::with_nanosecond(&self, 0).unwrap()
    }
}

// ------------------------------------------------- deadlines, end to end

const DEADLINE_RULES: &str = r#"edition "test"

calendar holidays covers 2020 to 2030 {
  2025-12-25 "Christmas Day"
}

rule T001 elapsed "Recorded within 24 hours" {
  source "s" at "https://example.org/s"
  quote "q"
  theme t
  severity low
  for each crime
  where reported_at is present
  require victim_informed_at within 24 hours after reported_at
}

rule T002 working "Recorded within 3 working days" {
  source "s" at "https://example.org/s"
  quote "q"
  theme t
  severity low
  for each crime
  where reported_at is present
  require victim_informed_at within 3 working days after reported_at
}
"#;

fn plan_of(text: &str) -> Plan {
    let (plan, diags) = check(vec![RuleFile {
        name: "test.hocr".into(),
        text: text.into(),
    }]);
    plan.unwrap_or_else(|| panic!("rules do not check: {diags:?}"))
}

fn read(dir: &Path, ext: &str) -> Export {
    let paths = ExportPaths {
        incidents: dir.join(format!("incidents.{ext}")),
        crimes: dir.join(format!("crimes.{ext}")),
        updates: None,
    };
    read_export(&paths, &Clock::default()).expect("export reads")
}

fn run(plan: &Plan, export: &Export, as_of: Instant, threads: usize) -> Outcome {
    let records = Records {
        incidents: &export.incidents,
        crimes: &export.crimes,
        updates: &export.updates,
    };
    evaluate_on(plan, records, as_of, Clock::default(), threads)
}

/// What became of the one crime under one rule.
fn verdict(outcome: &Outcome, rule: &str) -> &'static str {
    if let Some(f) = outcome.findings.iter().find(|f| &*f.rule == rule) {
        return match &*f.kind {
            "late" => "late",
            "missing" => "missing",
            other => panic!("unexpected kind {other}"),
        };
    }
    let stats = outcome.stats.iter().find(|s| s.rule == rule).unwrap();
    if stats.pending > 0 { "pending" } else { "met" }
}

/// One crime reported at `reported`, the victim told at `recorded`.
fn one_crime(reported: chrono::NaiveDateTime, recorded: Option<chrono::NaiveDateTime>) -> Export {
    let dir = scratch();
    let f = |t: chrono::NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    std::fs::write(
        dir.join("incidents.csv"),
        format!("incident_id,reported_at\nI1,{}\n", f(reported)),
    )
    .unwrap();
    std::fs::write(
        dir.join("crimes.csv"),
        format!(
            "crime_id,incident_id,offence_code,reported_at,recorded_at,victim_informed_at\nC1,I1,49,{},{},{}\n",
            f(reported),
            f(reported),
            recorded.map(f).unwrap_or_default()
        ),
    )
    .unwrap();
    let export = read(&dir, "csv");
    assert!(export.rejects.is_empty(), "{:?}", export.rejects);
    let _ = std::fs::remove_dir_all(&dir);
    export
}

fn report_time() -> impl Strategy<Value = chrono::NaiveDateTime> {
    (0i64..(3 * 365 * 86_400)).prop_map(|s| {
        NaiveDate::from_ymd_opt(2024, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            + chrono::TimeDelta::seconds(s)
    })
}

proptest! {
    #![proptest_config(config(24))]

    /// A later done-time never turns late into met.
    #[test]
    fn a_later_done_time_never_turns_late_into_met(reported in report_time(), d1 in 0i64..(10 * 86_400), extra in 0i64..(10 * 86_400)) {
        let plan = plan_of(DEADLINE_RULES);
        let as_of = Instant(micros_of(reported) + 40 * 86_400_000_000);
        let done = |d: i64| one_crime(reported, Some(reported + chrono::TimeDelta::seconds(d)));
        let (earlier, later) = (done(d1), done(d1 + extra));
        for rule in ["T001", "T002"] {
            let a = verdict(&run(&plan, &earlier, as_of, 1), rule);
            let b = verdict(&run(&plan, &later, as_of, 1), rule);
            prop_assert!(!(a == "late" && b == "met"), "{}: {} then {}", rule, a, b);
            prop_assert!(matches!(a, "late" | "met") && matches!(b, "late" | "met"));
        }
    }

    /// A later as-of never turns missing into pending.
    #[test]
    fn a_later_as_of_never_turns_missing_into_pending(reported in report_time(), a1 in -(2 * 86_400i64)..(10 * 86_400), extra in 0i64..(10 * 86_400)) {
        let plan = plan_of(DEADLINE_RULES);
        let export = one_crime(reported, None);
        let at = |s: i64| Instant(micros_of(reported) + s * 1_000_000);
        for rule in ["T001", "T002"] {
            let a = verdict(&run(&plan, &export, at(a1), 1), rule);
            let b = verdict(&run(&plan, &export, at(a1 + extra), 1), rule);
            prop_assert!(!(a == "missing" && b == "pending"), "{}: {} then {}", rule, a, b);
        }
    }
}

// ------------------------------------------------- formatter round trip

fn field() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "recorded_at",
        "reported_at",
        "offence_code",
        "status",
        "incident.reported_at",
        "victim_informed_at",
    ])
    .prop_map(String::from)
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        field(),
        prop::sample::select(vec![
            "\"8N\"",
            "\"CRIME-*\"",
            "3",
            "true",
            "24 hours",
            "5 working days"
        ])
        .prop_map(String::from),
        (field(), prop::sample::select(vec!["1 hour", "2 days"]))
            .prop_map(|(f, d)| format!("{f} + {d}")),
    ]
}

fn condition() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        field().prop_map(|f| format!("{f} is present")),
        field().prop_map(|f| format!("{f} is not empty")),
        field().prop_map(|f| format!("{f} in g0")),
        field().prop_map(|f| format!("{f} not in g0")),
        (value(), value()).prop_map(|(a, b)| format!("{a} < {b}")),
        (field(), value()).prop_map(|(a, b)| format!("{a} is {b}")),
        Just("any crimes where status is \"recorded\"".to_string()),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} and {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} or {b}")),
            inner.clone().prop_map(|a| format!("not {a}")),
            inner.prop_map(|a| format!("({a})")),
        ]
    })
}

/// Joins tokens with white space of any shape, so that the formatter has
/// something to lay out.
fn spaced(tokens: Vec<String>, gaps: &[u8]) -> String {
    let mut out = String::new();
    for (n, t) in tokens.into_iter().enumerate() {
        if n > 0 {
            out.push_str(match gaps[n % gaps.len()] % 4 {
                0 => " ",
                1 => "   ",
                2 => "\n  ",
                _ => "\n\t\t",
            });
        }
        out.push_str(&t);
    }
    out
}

fn rule_file() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(condition(), 2..5),
        prop::collection::vec(any::<u8>(), 1..16),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(conds, gaps, comment, severity_choice)| {
            let mut items = vec![
                "edition \"HOCR test\"".to_string(),
                "group g0 = 8N, \"CRIME-*\", 19C..19H, 4/1..4/10".into(),
                "group g1 = g0, 105A".into(),
                format!("define d0 for each crime as {}", conds[0]),
            ];
            if comment {
                items.push("# a comment between items".into());
            }
            let severity = if severity_choice {
                format!("severity high when {}, else low", conds[1])
            } else {
                "severity medium".into()
            };
            let clauses = vec![
                "source \"s\" at \"https://example.org/s\"".to_string(),
                "quote \"q ‘verbatim’ • – \\\"x\\\"\"".into(),
                "policy \"p\"".into(),
                "theme t".into(),
                severity,
                "for each crime".into(),
                format!("where {}", conds[1]),
                format!("unless {}", conds[conds.len() - 1]),
                "require recorded_at within 24 hours after reported_at".into(),
            ];
            items.push(format!(
                "rule X001 generated \"A generated rule\" {{\n{}\n}}",
                spaced(clauses, &gaps)
            ));
            spaced(items, &[2, 3])
        })
}

proptest! {
    #![proptest_config(config(64))]

    /// Formatting keeps the meaning (the same tree) and is idempotent.
    #[test]
    fn the_formatter_round_trips_generated_rule_files(text in rule_file()) {
        let (tree, errors) = parse_file(&text);
        prop_assert!(errors.is_empty(), "generated text does not parse: {:?}\n{}", errors, text);
        let formatted = format_file(&text).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let (again, errors) = parse_file(&formatted);
        prop_assert!(errors.is_empty(), "{:?}\n{}", errors, formatted);
        prop_assert_eq!(&tree, &again, "{}", formatted);
        prop_assert_eq!(format_file(&formatted).ok(), Some(formatted.clone()));
    }
}

// ------------------------------------------- CSV and JSONL, threads

const INCIDENT_COLUMNS: &[&str] = &[
    "incident_id",
    "reported_at",
    "opening_code",
    "closing_code",
    "closed_at",
    "victim_count",
    "qualifiers",
];
const CRIME_COLUMNS: &[&str] = &[
    "crime_id",
    "incident_id",
    "offence_code",
    "reported_at",
    "recorded_at",
    "status",
    "cancellation_code",
    "cancelled_at",
    "victim_informed_at",
    "outcome_code",
    "outcome_at",
    "victim_enhanced",
    "transferred_from",
    "received_at",
    "transferred_to",
    "duplicate_of",
];

fn time_value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0i64..(60 * 86_400)).prop_map(|s| {
            let t = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap().and_hms_opt(0, 0, 0).unwrap()
                + chrono::TimeDelta::seconds(s * 60);
            t.format("%Y-%m-%d %H:%M").to_string()
        }),
        2 => Just(String::new()),
        1 => Just("soon".to_string()),
        // Either side of the end of REC004's edition (2023-05-31).
        1 => prop::sample::select(vec!["2023-05-30 23:30", "2023-05-31 00:30"])
            .prop_map(String::from),
    ]
}

fn cell(column: &'static str, ids: usize) -> BoxedStrategy<String> {
    let pick = |v: &[&'static str]| {
        prop::sample::select(v.to_vec())
            .prop_map(String::from)
            .boxed()
    };
    match column {
        "incident_id" => (0..ids).prop_map(|n| format!("I{n}")).boxed(),
        "crime_id" | "duplicate_of" => (0..ids * 2).prop_map(|n| format!("C{n}")).boxed(),
        c if c.ends_with("_at") => time_value().boxed(),
        "opening_code" | "closing_code" => pick(&[
            "CRIME-THEFT",
            "CRIME-RAPE",
            "ASB",
            "",
            "NON-CRIME",
            "crime-stalking",
        ]),
        "offence_code" => pick(&["49", "8N", "19C", "105A", "4/1", "28E", "", "8q", "92D"]),
        "victim_count" => pick(&["1", "2", "0", "", "many"]),
        "qualifiers" => pick(&["", "DA", "DA;hate", " child ;Vulnerable"]),
        "status" => pick(&["", "recorded", "cancelled", "open"]),
        "cancellation_code" => pick(&["", "C1", "C2", "C9", "c3"]),
        "outcome_code" => pick(&["", "1", "14", "16", "OC99", "8"]),
        "victim_enhanced" => pick(&["", "yes", "no"]),
        "transferred_from" | "transferred_to" => pick(&["", "", "GMP"]),
        _ => Just(String::new()).boxed(),
    }
}

fn table(
    columns: &'static [&'static str],
    rows: usize,
    ids: usize,
) -> BoxedStrategy<Vec<Vec<String>>> {
    let row: Vec<BoxedStrategy<String>> = columns.iter().map(|c| cell(c, ids)).collect();
    prop::collection::vec(row, 0..rows).boxed()
}

fn write_csv(path: &Path, columns: &[&str], rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(columns).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

fn write_jsonl(path: &Path, columns: &[&str], rows: &[Vec<String>]) {
    let mut out = String::new();
    for r in rows {
        let mut object = serde_json::Map::new();
        for (c, v) in columns.iter().zip(r) {
            let value = if v.is_empty() {
                // Absent and null both mean empty.
                if c.len() % 2 == 0 {
                    continue;
                } else {
                    serde_json::Value::Null
                }
            } else if *c == "qualifiers" {
                serde_json::Value::Array(v.split(';').map(|q| q.into()).collect())
            } else {
                serde_json::Value::String(v.clone())
            };
            object.insert((*c).to_string(), value);
        }
        out.push_str(&serde_json::Value::Object(object).to_string());
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

/// `duplicate … (first on line N)` names a file line: N less the header.
fn shift_first_line(reason: &str, header: u64) -> String {
    match reason.split_once("(first on line ") {
        Some((head, tail)) => {
            let n: u64 = tail.trim_end_matches(')').parse().unwrap();
            format!("{head}(first on line {})", n - header)
        }
        None => reason.to_string(),
    }
}

fn shipped_plan() -> Plan {
    let (plan, diags) = check(hocr::lang::files::shipped());
    plan.unwrap_or_else(|| panic!("shipped rules check: {diags:?}"))
}

/// Everything a report shows, as text.
fn shown(outcome: &Outcome) -> String {
    format!(
        "{}\n{}\n{}",
        serde_json::to_string(&outcome.findings).unwrap(),
        serde_json::to_string(&outcome.stats).unwrap(),
        outcome.outside_calendar
    )
}

proptest! {
    #![proptest_config(config(16))]

    /// The same export as CSV and as JSON Lines: the same records, the same
    /// rejects (at the same rows), the same findings.
    #[test]
    fn csv_and_jsonl_give_the_same_findings(
        incidents in table(INCIDENT_COLUMNS, 12, 10),
        crimes in table(CRIME_COLUMNS, 16, 10),
    ) {
        let dir = scratch();
        write_csv(&dir.join("incidents.csv"), INCIDENT_COLUMNS, &incidents);
        write_csv(&dir.join("crimes.csv"), CRIME_COLUMNS, &crimes);
        write_jsonl(&dir.join("incidents.jsonl"), INCIDENT_COLUMNS, &incidents);
        write_jsonl(&dir.join("crimes.jsonl"), CRIME_COLUMNS, &crimes);
        let (csv, jsonl) = (read(&dir, "csv"), read(&dir, "jsonl"));
        let _ = std::fs::remove_dir_all(&dir);
        // A CSV row is one line further down, under its header.
        let where_ = |e: &Export, header: u64| -> Vec<(u64, String)> {
            e.rejects.iter().map(|r| (r.line - header, shift_first_line(&r.reason, header))).collect()
        };
        prop_assert_eq!(where_(&csv, 1), where_(&jsonl, 0));
        for (c, j) in csv.inputs.iter().zip(&jsonl.inputs) {
            prop_assert_eq!((c.rows_read, c.evaluated, c.rejected), (j.rows_read, j.evaluated, j.rejected));
            prop_assert_eq!(c.rows_read, c.evaluated + c.rejected);
        }
        let plan = shipped_plan();
        let as_of = Instant(micros_of(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap().and_hms_opt(0, 0, 0).unwrap()));
        prop_assert_eq!(shown(&run(&plan, &csv, as_of, 2)), shown(&run(&plan, &jsonl, as_of, 2)));
    }

    /// One thread or many: the same output.
    #[test]
    fn thread_count_never_changes_the_output(
        incidents in table(INCIDENT_COLUMNS, 12, 10),
        crimes in table(CRIME_COLUMNS, 16, 10),
        threads in 2usize..9,
    ) {
        let (dir, export, plan, as_of) = csv_export(&incidents, &crimes);
        let _ = std::fs::remove_dir_all(&dir);
        prop_assert_eq!(shown(&run(&plan, &export, as_of, 1)), shown(&run(&plan, &export, as_of, threads)));
    }

    /// `hocr check`'s streamed run (crimes held, incidents streamed,
    /// rows converted on workers and committed in order) finds, counts and
    /// rejects exactly what reading everything first does, on any content.
    #[test]
    fn streamed_run_equals_reading_everything(
        incidents in table(INCIDENT_COLUMNS, 12, 10),
        crimes in table(CRIME_COLUMNS, 16, 10),
        threads in 1usize..5,
    ) {
        let (dir, export, plan, as_of) = csv_export(&incidents, &crimes);
        let paths = ExportPaths {
            incidents: dir.join("incidents.csv"),
            crimes: dir.join("crimes.csv"),
            updates: None,
        };
        let streamed = check_export(&plan, &paths, &Clock::default(), &Profile::canonical(), as_of, threads, true)
            .expect("export reads");
        let _ = std::fs::remove_dir_all(&dir);
        prop_assert_eq!(shown(&run(&plan, &export, as_of, 1)), shown(&streamed.outcome));
        prop_assert_eq!(&export.rejects, &streamed.rejects);
        prop_assert_eq!(&export.inputs, &streamed.inputs);
    }
}

/// Generated tables written as a CSV export in a scratch directory (left
/// for the caller to remove) and read back, with the shipped rules and an
/// as-of time.
fn csv_export(
    incidents: &[Vec<String>],
    crimes: &[Vec<String>],
) -> (PathBuf, Export, Plan, Instant) {
    let dir = scratch();
    write_csv(&dir.join("incidents.csv"), INCIDENT_COLUMNS, incidents);
    write_csv(&dir.join("crimes.csv"), CRIME_COLUMNS, crimes);
    let export = read(&dir, "csv");
    let as_of = Instant(micros_of(
        NaiveDate::from_ymd_opt(2025, 6, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap(),
    ));
    (dir, export, shipped_plan(), as_of)
}

/// The command line's `--threads`: byte-identical JSON on the sample
/// export, one thread or four.
#[test]
fn threads_flag_gives_identical_reports() {
    let run = |threads: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_hocr"))
            .args([
                "check",
                "fixtures/sample",
                "--as-of",
                "2025-06-01T00:00:00Z",
                "--format",
                "jsonl",
                "--threads",
                threads,
            ])
            .output()
            .unwrap();
        assert!(out.status.code().is_some_and(|c| c != 2), "{out:?}");
        out.stdout
    };
    let one = run("1");
    assert!(!one.is_empty());
    assert_eq!(one, run("4"));
}
