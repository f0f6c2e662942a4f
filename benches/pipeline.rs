//! Criterion benches per stage. Run with `cargo bench`; results and the
//! machine they were measured on go in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use hocr::check::check;
use hocr::rulefiles::shipped;
use hocr::time::Clock;
use std::hint::black_box;

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
}

criterion_group!(benches, rules, timestamps);
criterion_main!(benches);
