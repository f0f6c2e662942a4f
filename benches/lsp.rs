//! The language server's re-check after an edit (issue 19: within 100 ms
//! for a 5,000-line rule file). Run with `cargo bench --bench lsp`; the
//! numbers go in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use hocr::lang::files::shipped;
use hocr::lsp::Workspace;
use std::hint::black_box;
use std::path::Path;

/// One block of a large rule file: its own groups, definition and rule
/// (with an example), named apart by `n`. 25 lines.
fn block(n: usize) -> String {
    format!(
        r#"group violence_{n} = 1, 2, 3, 4/1..4/10, 5, 8N, 8P

group sexual_{n} = 19C..19H, 20A, 20B, "22*"

define report_time_{n} for each crime as
  reported_at when reported_at is present, else incident.reported_at

rule BIG{n} late-record-{n} "Crimes are recorded within a day ({n})" {{
  source "A benchmark, not a rule" at "https://example.org/hocr"
  quote "Record it within 24 hours."
  theme timeliness
  severity high when offence_code in violence_{n} or offence_code in sexual_{n}, else medium
  message "crime recorded late"
  for each crime
  where report_time_{n} is present and status is "recorded"
  unless cancellation_code is present
  require recorded_at within 24 hours after report_time_{n}
  example "late" {{
    incident with reported_at "2025-03-03 09:00"
    crime with offence_code "8N", recorded_at "2025-03-04 10:00"
    expect late
  }}
}}

"#
    )
}

fn recheck_after_edit(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("hocr-bench-lsp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // The shipped rule set beside the large file, as a force's would be.
    for f in shipped() {
        let name = Path::new(&f.name).file_name().unwrap().to_owned();
        std::fs::write(dir.join(name), f.text).unwrap();
    }
    let mut text = String::from("edition \"HOCR April 2026\"\n\n");
    let mut n = 0;
    while text.lines().count() < 5_000 {
        text.push_str(&block(n));
        n += 1;
    }
    let big = dir.join("big.hocr");
    std::fs::write(&big, &text).unwrap();
    let edited = text.replacen("Record it within 24 hours.", "Record it within a day.", 1);
    println!(
        "big.hocr: {} lines, {} rules, {} bytes",
        text.lines().count(),
        n,
        text.len()
    );

    let mut ws = Workspace::new();
    ws.open(big.clone(), text.clone());
    let first = ws.check(&big);
    assert!(first.plan.is_some(), "{:?}", first.diags.first());

    // Each iteration is one keystroke's work: the edited file parsed again,
    // the other files' parses reused, the whole set checked.
    let mut flip = false;
    c.bench_function("lsp: re-check a 5,000-line rule file after an edit", |b| {
        b.iter(|| {
            flip = !flip;
            ws.change(&big, if flip { edited.clone() } else { text.clone() });
            black_box(ws.check(&big).diags.len())
        })
    });
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, recheck_after_edit);
criterion_main!(benches);
