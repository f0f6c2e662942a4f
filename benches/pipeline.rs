//! Criterion benches per stage. Run with `cargo bench`; results and the
//! machine they were measured on go in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use hocr::data::ingest::{ExportPaths, Profile, read_export};
use hocr::data::records::Records;
use hocr::data::time::{Clock, Instant};
use hocr::lang::check::check;
use hocr::lang::files::shipped;
use hocr::run::engine::{evaluate, evaluate_rule};
use hocr::run::stream::check_export;
use hocr::tools::generate::{GenOptions, generate};
use std::hint::black_box;
use std::path::PathBuf;

/// A generated export of 20,000 incidents (about 2.5 MB), made once.
fn export() -> ExportPaths {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-export-20k");
    if !dir.join("incidents.csv").exists() {
        let opts = GenOptions {
            incidents: 20_000,
            seed: 1,
            start: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            days: 365,
        };
        generate(&dir, &opts).expect("generate the bench export");
    }
    ExportPaths::from_dir(&dir).unwrap()
}

fn as_of() -> Instant {
    Clock::default().parse("2026-02-01T00:00:00Z").unwrap().0
}

fn reading(c: &mut Criterion) {
    let paths = export();
    let clock = Clock::default();
    c.bench_function("read 20k-incident export", |b| {
        b.iter(|| read_export(black_box(&paths), &clock).unwrap())
    });
}

fn evaluation(c: &mut Criterion) {
    let paths = export();
    let clock = Clock::default();
    let ex = read_export(&paths, &clock).unwrap();
    let records = Records {
        incidents: &ex.incidents,
        crimes: &ex.crimes,
        updates: &ex.updates,
    };
    let plan = check(shipped()).0.unwrap();
    c.bench_function("evaluate every rule, 20k incidents", |b| {
        b.iter(|| evaluate(&plan, records, as_of(), clock))
    });
    let mut group = c.benchmark_group("evaluate one rule, 20k incidents");
    for (n, rule) in plan.rules.iter().enumerate() {
        group.bench_function(&rule.code, |b| {
            b.iter(|| evaluate_rule(&plan, n, records, as_of(), clock))
        });
    }
    group.finish();
}

fn whole_run(c: &mut Criterion) {
    let paths = export();
    let clock = Clock::default();
    let plan = check(shipped()).0.unwrap();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // What `hocr check` runs: crimes held, incidents streamed.
    c.bench_function("read and evaluate (streamed), 20k incidents", |b| {
        b.iter(|| {
            check_export(
                &plan,
                &paths,
                &clock,
                &Profile::canonical(),
                as_of(),
                cores,
                false,
            )
            .unwrap()
            .outcome
            .findings
            .len()
        })
    });
    // Everything read into memory first, as `hocr audit` and the rule
    // examples do.
    c.bench_function("read, then evaluate (in memory), 20k incidents", |b| {
        b.iter(|| {
            let ex = read_export(&paths, &clock).unwrap();
            let records = Records {
                incidents: &ex.incidents,
                crimes: &ex.crimes,
                updates: &ex.updates,
            };
            evaluate(&plan, records, as_of(), clock).findings.len()
        })
    });
}

/// 1,000 rules, as a large force's rule set might grow to.
fn many_rules(c: &mut Criterion) {
    let mut files = shipped();
    let template = files
        .iter()
        .find(|f| f.name.ends_with("recording.hocr"))
        .unwrap()
        .text
        .clone();
    let mut text = String::new();
    for n in 0..334 {
        text.push_str(
            &template
                .replace("define report_time", &format!("define report_time_{n}"))
                .replace("define crime_related", &format!("define crime_related_{n}"))
                .replace("REC00", &format!("X{n}R")),
        );
    }
    files.retain(|f| !f.name.ends_with("recording.hocr"));
    files.push(hocr::lang::plan::RuleFile {
        name: "many.hocr".into(),
        text,
    });
    c.bench_function("load, check and compile about 1,000 rules", |b| {
        b.iter(|| check(black_box(files.clone())).0.map(|p| p.rules.len()))
    });
}

fn rules(c: &mut Criterion) {
    let files = shipped();
    c.bench_function("parse and check shipped rules", |b| {
        b.iter(|| {
            let (plan, _) = check(black_box(files.clone()));
            plan.expect("shipped rules check clean")
        })
    });
}

fn timestamps(c: &mut Criterion) {
    let clock = Clock::default();
    // The three offset-less forms fall on clock-change days (30 March and
    // 26 October 2025), which chrono-tz reads every time.
    let forms = [
        "2025-03-30T10:30:00+01:00",
        "2025-03-30 10:30:00",
        "2025-03-30 10:30",
        "2025-10-26 01:30",
    ];
    c.bench_function("parse timestamps", |b| {
        b.iter(|| {
            for f in forms {
                black_box(clock.parse(black_box(f)).ok());
            }
        })
    });
    // What an export mostly holds: offset-less local times spread over a
    // year (one every 8h 45m, so every date, both clock-change days too).
    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let year: Vec<String> = (0..1000)
        .map(|n| {
            (start + chrono::TimeDelta::minutes(525 * n))
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .collect();
    c.bench_function("parse 1,000 local timestamps over a year", |b| {
        b.iter(|| {
            for s in &year {
                black_box(clock.parse(black_box(s)).ok());
            }
        })
    });
    let instants: Vec<Instant> = year.iter().map(|s| clock.parse(s).unwrap().0).collect();
    c.bench_function("format 1,000 instants", |b| {
        b.iter(|| {
            for t in &instants {
                black_box(black_box(*t).format_utc());
            }
        })
    });
}

criterion_group!(
    benches, rules, timestamps, reading, evaluation, whole_run, many_rules
);
criterion_main!(benches);
