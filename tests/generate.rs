//! The synthetic export generator: deterministic, canonical, and realistic
//! within loose bounds.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::NaiveDate;
use hocr::data::records::Table;
use hocr::data::time::{Clock, MICROS_PER_HOUR};
use hocr::tools::generate::{GenOptions, GenSummary, generate};

fn opts(incidents: u64, seed: u64) -> GenOptions {
    GenOptions {
        incidents,
        seed,
        start: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        days: 365,
    }
}

fn dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("generate-{name}"));
    let _ = fs::remove_dir_all(&d);
    d
}

fn files(d: &Path) -> Vec<Vec<u8>> {
    Table::ALL
        .iter()
        .map(|t| fs::read(d.join(format!("{}.csv", t.name()))).unwrap())
        .collect()
}

/// One 20k-incident export shared by the proportion tests.
fn sample() -> &'static (PathBuf, GenSummary) {
    static SAMPLE: OnceLock<(PathBuf, GenSummary)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let d = dir("sample");
        let s = generate(&d, &opts(20_000, 1)).unwrap();
        (d, s)
    })
}

/// A table's rows as maps from canonical column name to value.
fn rows(table: Table) -> Vec<HashMap<String, String>> {
    let path = sample().0.join(format!("{}.csv", table.name()));
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            assert_eq!(rec.len(), headers.len());
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn within(what: &str, value: f64, lo: f64, hi: f64) {
    assert!(
        (lo..=hi).contains(&value),
        "{what} = {value:.4}, expected {lo}..={hi}"
    );
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (a, b, c) = (dir("seed-a"), dir("seed-b"), dir("seed-c"));
    let sa = generate(&a, &opts(3_000, 42)).unwrap();
    let sb = generate(&b, &opts(3_000, 42)).unwrap();
    let sc = generate(&c, &opts(3_000, 43)).unwrap();
    assert_eq!(sa, sb);
    assert_eq!(files(&a), files(&b));
    assert_ne!(files(&a), files(&c));
    assert_ne!(sa, sc);
    let total: u64 = files(&a).iter().map(|f| f.len() as u64).sum();
    assert_eq!(sa.bytes, total);
}

#[test]
fn summary_counts_rows() {
    let (d, s) = sample();
    assert_eq!(s.incidents, 20_000);
    for (t, n) in Table::ALL.iter().zip([s.incidents, s.crimes, s.updates]) {
        let text = fs::read_to_string(d.join(format!("{}.csv", t.name()))).unwrap();
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(r.records().count() as u64, n, "{}", t.name());
    }
}

#[test]
fn headers_are_the_canonical_field_names() {
    let d = &sample().0;
    for t in Table::ALL {
        let mut r = csv::Reader::from_path(d.join(format!("{}.csv", t.name()))).unwrap();
        let got: Vec<&str> = r.headers().unwrap().iter().collect();
        let want: Vec<&str> = t.fields().iter().map(|f| f.name).collect();
        assert_eq!(got, want, "{}", t.name());
    }
}

#[test]
fn required_fields_are_never_empty_and_times_parse() {
    let clock = Clock::default();
    for t in Table::ALL {
        for row in rows(t) {
            for f in t.fields() {
                let v = &row[f.name];
                if f.required {
                    assert!(!v.is_empty(), "{}.{} empty in {row:?}", t.name(), f.name);
                }
                if f.ty == hocr::data::records::FieldType::Time && !v.is_empty() {
                    clock.parse(v).unwrap_or_else(|e| panic!("{v}: {e}"));
                }
            }
        }
    }
}

#[test]
fn incident_proportions() {
    let incidents = rows(Table::Incidents);
    let n = incidents.len() as f64;
    let crime_related = |r: &HashMap<String, String>| {
        let code = if r["closing_code"].is_empty() {
            &r["opening_code"]
        } else {
            &r["closing_code"]
        };
        code.starts_with("CRIME-")
    };
    let related = incidents.iter().filter(|r| crime_related(r)).count() as f64;
    within("crime-related share", related / n, 0.32, 0.38);
    let open = incidents
        .iter()
        .filter(|r| r["closing_code"].is_empty() && r["closed_at"].is_empty())
        .count() as f64;
    within("open share", open / n, 0.04, 0.06);
    let rape = incidents
        .iter()
        .filter(|r| r["closing_code"] == "CRIME-RAPE" || r["opening_code"] == "CRIME-RAPE")
        .count() as f64;
    within("rape-reported share", rape / n, 0.003, 0.009);

    let crimes = rows(Table::Crimes);
    let mut linked: HashMap<&str, usize> = HashMap::new();
    for c in &crimes {
        *linked.entry(c["incident_id"].as_str()).or_default() += 1;
    }
    let without = incidents
        .iter()
        .filter(|r| crime_related(r) && !linked.contains_key(r["incident_id"].as_str()))
        .collect::<Vec<_>>();
    within(
        "crime-related without crime",
        without.len() as f64 / related,
        0.07,
        0.13,
    );
    let rationale = without
        .iter()
        .filter(|r| !r["non_crime_rationale"].is_empty())
        .count() as f64;
    within(
        "… with a rationale",
        rationale / without.len() as f64,
        0.35,
        0.65,
    );
}

#[test]
fn crime_proportions() {
    let clock = Clock::default();
    let time = |s: &str| clock.parse(s).unwrap().0;
    let incidents: HashMap<String, String> = rows(Table::Incidents)
        .into_iter()
        .map(|r| (r["incident_id"].clone(), r["reported_at"].clone()))
        .collect();
    let crimes = rows(Table::Crimes);
    let n = crimes.len() as f64;
    within(
        "crimes per incident",
        n / incidents.len() as f64,
        0.38,
        0.44,
    );

    let cancelled: Vec<_> = crimes
        .iter()
        .filter(|c| c["status"] == "cancelled")
        .collect();
    within("cancelled share", cancelled.len() as f64 / n, 0.02, 0.04);
    assert!(cancelled.iter().all(|c| c["outcome_code"].is_empty()));

    let mut timed = 0;
    let mut in_24h = 0;
    for c in &crimes {
        let report = match (c["reported_at"].as_str(), incidents.get(&c["incident_id"])) {
            ("", Some(r)) => r.as_str(),
            ("", None) => continue,
            (own, _) => own,
        };
        timed += 1;
        let delay = time(&c["recorded_at"]).0 - time(report).0;
        if delay <= 24 * MICROS_PER_HOUR {
            in_24h += 1;
        }
    }
    within(
        "recorded within 24 h",
        in_24h as f64 / timed as f64,
        0.81,
        0.89,
    );

    let own = crimes
        .iter()
        .filter(|c| !c["reported_at"].is_empty())
        .count() as f64;
    within("own reported_at", own / n, 0.08, 0.20);
    let odd_code = crimes
        .iter()
        .filter(|c| {
            c["offence_code"].contains('.')
                || c["offence_code"].chars().any(|ch| ch.is_ascii_lowercase())
        })
        .count();
    assert!(
        odd_code > 0,
        "some offence codes in `4.1` form or lower case"
    );
    let outcomes = crimes
        .iter()
        .filter(|c| !c["outcome_code"].is_empty())
        .count() as f64;
    within("crimes with an outcome", outcomes / n, 0.75, 0.85);

    let updates = rows(Table::Updates);
    within("updates per crime", updates.len() as f64 / n, 0.45, 0.60);
    let told = updates
        .iter()
        .filter(|u| !u["victim_informed_at"].is_empty())
        .count() as f64;
    within(
        "updates with the victim told",
        told / updates.len() as f64,
        0.85,
        0.95,
    );
}

#[test]
fn the_export_reader_rejects_nothing() {
    let (d, s) = sample();
    let clock = Clock::default();
    let paths = hocr::data::ingest::ExportPaths::from_dir(d).unwrap();
    let export = hocr::data::ingest::read_export(&paths, &clock).unwrap();
    assert!(
        export.rejects.is_empty(),
        "{:?}",
        &export.rejects[..3.min(export.rejects.len())]
    );
    assert_eq!(export.incidents.len() as u64, s.incidents);
    assert_eq!(export.crimes.len() as u64, s.crimes);
    assert_eq!(export.updates.len() as u64, s.updates);
    // Unreadable optional values are deliberate and rare (`victim_count`
    // written `unknown`).
    let invalid = export
        .incidents
        .iter()
        .filter(|i| i.quality.invalid != 0)
        .count();
    assert!(invalid < 50, "{invalid}");
    assert!(export.crimes.iter().all(|c| c.quality.invalid == 0));
}

/// Edition 2's columns: crimes transferred in (with the time they were
/// received, mostly), C1 transfers naming the receiving force, and C3
/// duplicates pointing at earlier crimes of the export, mostly recorded
/// ones, sometimes at themselves, at none or at a crime not in the export.
#[test]
fn transfers_and_duplicates() {
    let crimes = rows(Table::Crimes);
    let n = crimes.len() as f64;
    let status: HashMap<&str, &str> = crimes
        .iter()
        .map(|c| (c["crime_id"].as_str(), c["status"].as_str()))
        .collect();
    let transferred: Vec<_> = crimes
        .iter()
        .filter(|c| !c["transferred_from"].is_empty())
        .collect();
    within("transferred in", transferred.len() as f64 / n, 0.012, 0.03);
    assert!(transferred.iter().all(|c| c["status"] != "cancelled"));
    let received = transferred
        .iter()
        .filter(|c| !c["received_at"].is_empty())
        .count() as f64;
    within(
        "transferred in with received_at",
        received / transferred.len() as f64,
        0.8,
        0.97,
    );
    assert!(
        crimes
            .iter()
            .filter(|c| c["transferred_from"].is_empty())
            .all(|c| c["received_at"].is_empty())
    );
    let code = |c: &HashMap<String, String>, k: &str| {
        c["status"] == "cancelled" && c["cancellation_code"] == k
    };
    let c1: Vec<_> = crimes.iter().filter(|c| code(c, "C1")).collect();
    let named = c1
        .iter()
        .filter(|c| !c["transferred_to"].is_empty())
        .count() as f64;
    within("C1 naming the force", named / c1.len() as f64, 0.8, 0.97);
    assert!(
        crimes
            .iter()
            .filter(|c| !code(c, "C1"))
            .all(|c| c["transferred_to"].is_empty())
    );
    let c3: Vec<_> = crimes.iter().filter(|c| code(c, "C3")).collect();
    let recorded_target = c3
        .iter()
        .filter(|c| {
            let target = c["duplicate_of"].as_str();
            target != c["crime_id"]
                && matches!(status.get(target), Some(&"recorded" | &"RECORDED" | &""))
        })
        .count() as f64;
    within(
        "C3 pointing at a recorded crime",
        recorded_target / c3.len() as f64,
        0.7,
        0.95,
    );
    let unsupported = c3.len() as f64 - recorded_target;
    assert!(unsupported > 0.0, "some C3s point nowhere useful");
    assert!(
        crimes
            .iter()
            .filter(|c| !code(c, "C3"))
            .all(|c| c["duplicate_of"].is_empty())
    );
}
