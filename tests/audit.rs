//! `hocr audit sample` and `hocr audit score` from the command line, over
//! the sample export and the worksheet drawn from it with seed 42
//! (`fixtures/sample/audit-seed-42.csv`, its verdicts filled in for
//! illustration: see `fixtures/sample/README.md`).

mod common;
use common::hocr;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// A fresh, empty scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hocr-audit-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

const FIXTURE: &str = "fixtures/sample/audit-seed-42.csv";

fn sample(seed: &str, output: &Path) -> (i32, String, String) {
    hocr(&[
        "audit",
        "sample",
        "fixtures/sample",
        "--seed",
        seed,
        "--output",
        output.to_str().unwrap(),
    ])
}

/// The rows of a worksheet as maps from column to value.
fn rows(text: &str) -> Vec<HashMap<String, String>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn the_same_export_plan_and_seed_draw_the_same_worksheet() {
    let dir = scratch("same");
    let (a, b, c) = (dir.join("a.csv"), dir.join("b.csv"), dir.join("c.csv"));
    assert_eq!(sample("42", &a).0, 0);
    assert_eq!(sample("42", &b).0, 0);
    assert_eq!(sample("43", &c).0, 0);
    let (a, b, c) = (
        fs::read(a).unwrap(),
        fs::read(b).unwrap(),
        fs::read(c).unwrap(),
    );
    assert_eq!(a, b, "same seed, same bytes");
    assert_ne!(a, c, "another seed, another sample");
    // Opens cleanly in Excel: a byte-order mark and CRLF line ends.
    assert!(a.starts_with("\u{feff}incident_id,stratum,population,sampled,weight,".as_bytes()));
    assert!(String::from_utf8(a.clone()).unwrap().contains("\r\n"));
    // The committed worksheet was drawn with seed 42: the same rows, but
    // for the verdicts filled in since. Worksheets drawn today can be drawn
    // again next year.
    let fixture = fs::read_to_string(FIXTURE).unwrap();
    let blanked: Vec<_> = rows(&fixture)
        .into_iter()
        .map(|mut r| {
            for filled in ["verdict", "should_record", "recorded_correctly"] {
                r.insert(filled.into(), String::new());
            }
            r
        })
        .collect();
    assert_eq!(rows(&String::from_utf8(a).unwrap()), blanked);
}

/// The strata of the shipped plan over the sample export, counted here
/// from `incidents.csv` without hocr's engine.
#[test]
fn the_strata_are_filled_and_sampled_as_the_plan_says() {
    let incidents = fs::read_to_string("fixtures/sample/incidents.csv").unwrap();
    let mut expected: HashMap<&str, u64> = HashMap::new();
    for r in rows(&incidents) {
        let (open, close) = (r["opening_code"].as_str(), r["closing_code"].as_str());
        let either = |codes: &[&str]| codes.contains(&open) || codes.contains(&close);
        let crime = |c: &str| c.starts_with("CRIME-");
        let crime_related = crime(close) || (close.is_empty() && crime(open));
        let stratum = if either(&["CRIME-RAPE", "CRIME-SEXUAL"]) {
            "sexual"
        } else if either(&["CRIME-VIOLENCE"]) {
            "violence"
        } else if crime_related {
            "other_crime"
        } else {
            "not_crime"
        };
        *expected.entry(stratum).or_default() += 1;
    }
    let dir = scratch("strata");
    let out = dir.join("w.csv");
    let (code, stdout, _) = sample("42", &out);
    assert_eq!(code, 0);
    let sheet = rows(&fs::read_to_string(&out).unwrap());
    // Sizes: sexual takes its 5 whole (`sample 60`); violence asks for
    // 139 (half-width 5% expecting 90%: 3.8416 × 0.09 / 0.0025 = 138.3),
    // 139 / (1 + 138 / 33) = 26.8 → 27 after the finite-population
    // correction; the others `sample 40`.
    let want = [
        ("sexual", 5),
        ("violence", 27),
        ("other_crime", 40),
        ("not_crime", 40),
    ];
    for (stratum, n) in want {
        let mine: Vec<_> = sheet.iter().filter(|r| r["stratum"] == stratum).collect();
        assert_eq!(mine.len() as u64, n, "{stratum}");
        let population = expected[stratum];
        for r in &mine {
            assert_eq!(r["population"], population.to_string(), "{stratum}");
            assert_eq!(r["sampled"], n.to_string(), "{stratum}");
            let w: f64 = r["weight"].parse().unwrap();
            assert!((w - population as f64 / n as f64).abs() < 1e-6, "{stratum}");
            assert_eq!(r["verdict"], "");
        }
        // Sorted by incident id within the stratum.
        let ids: Vec<&str> = mine.iter().map(|r| r["incident_id"].as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        assert_eq!(ids, sorted);
    }
    assert_eq!(expected.values().sum::<u64>(), 256);
    // No incident twice.
    let mut ids: Vec<&str> = sheet.iter().map(|r| r["incident_id"].as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), sheet.len());
    // Linked crimes are listed: SI02's N100 record.
    let si02 = sheet.iter().find(|r| r["incident_id"] == "SI02").unwrap();
    assert_eq!(
        (si02["crime_ids"].as_str(), si02["offence_codes"].as_str()),
        ("SC01", "N100")
    );
    assert!(stdout.contains("112 of 256 incidents drawn"), "{stdout}");
    assert!(
        stdout.contains("sexual       5 of 5     taken whole: no larger than `sample 60`"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "`half-width 5% expecting 90%` asks for 139; 27 after the finite-population correction"
        ),
        "{stdout}"
    );
}

const OVERLAPPING: &str = r#"edition "HOCR April 2026"

group crime_codes = "CRIME-*"

audit overlapping "Strata that overlap" {
  stratum crime where closing_code in crime_codes sample 10
  stratum violence where closing_code is "CRIME-VIOLENCE" sample 10
  stratum rest where closing_code not in crime_codes sample 10
}
"#;

#[test]
fn strata_that_overlap_are_refused() {
    let dir = scratch("overlap");
    fs::write(dir.join("plan.hocr"), OVERLAPPING).unwrap();
    let out = dir.join("w.csv");
    let (code, _, stderr) = hocr(&[
        "audit",
        "sample",
        "fixtures/sample",
        "--rules",
        dir.join("plan.hocr").to_str().unwrap(),
        "--seed",
        "1",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    // 28 incidents are closed as CRIME-VIOLENCE; the first is INC000000024.
    assert!(
        stderr.contains("error: audit plan `overlapping`: strata `crime` and `violence` overlap: incident `INC000000024` (and 27 more) falls in both"),
        "{stderr}"
    );
    assert!(
        !out.exists(),
        "no worksheet is written from strata that overlap"
    );
}

#[test]
fn a_plan_is_named_or_the_only_one() {
    let dir = scratch("plan");
    let out = dir.join("w.csv");
    let (code, _, stderr) = hocr(&[
        "audit",
        "sample",
        "fixtures/sample",
        "--plan",
        "recording-audt",
        "--seed",
        "1",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no audit plan `recording-audt`: did you mean `recording-audit`?"),
        "{stderr}"
    );
    let (code, _, _) = hocr(&[
        "audit",
        "sample",
        "--incidents",
        "fixtures/sample/incidents.csv",
        "--crimes",
        "fixtures/sample/crimes.csv",
        "--plan",
        "recording-audit",
        "--seed",
        "42",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    // The updates table plays no part in a sample.
    let drawn = fs::read(&out).unwrap();
    let again = dir.join("again.csv");
    assert_eq!(sample("42", &again).0, 0);
    assert_eq!(drawn, fs::read(&again).unwrap());
}

#[test]
fn the_finished_worksheet_is_scored() {
    let (code, stdout, stderr) = hocr(&["audit", "score", FIXTURE, "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let o = &v["overall"];
    let f = |x: &serde_json::Value| x.as_f64().unwrap();
    // Worked in Python, independently, from the rows as (x, y): crimes
    // that should have been recorded, of them recorded correctly; a verdict
    // alone is (1, 1), (1, 0) or (0, 0). Four violence incidents have two
    // or three crimes: (2, 2) three times and (3, 2).
    //   sexual      N 5:   (1,1)×4, (1,0)
    //   violence    N 33:  (1,1)×20, (2,2)×3, (3,2), (1,0), (0,0)×2
    //   other_crime N 58:  (1,1)×39, (1,0)
    //   not_crime   N 160: (1,0)×2, (0,0)×38
    // Ŷ = 4 + 28·33/27 + 39·58/40 + 0 = 94.772222; X̂ = 5 + 30·33/27 + 40·58/40 + 2·4 = 107.666667
    // R = 0.880237; v = 0.00165704; half-width 1.96·√v = 0.0797852: 0.800452 to 0.960023
    // unrecorded = X̂ − Ŷ = 12.894444; with 50,000 recorded a year, 50,000 × (1 − R) ÷ R = 6802.86
    assert!((f(&o["rate"]) - 0.880237).abs() < 1e-6, "{o}");
    assert!((f(&o["half_width"]) - 0.0797852).abs() < 1e-6, "{o}");
    assert!((f(&o["ci_low"]) - 0.800452).abs() < 1e-6, "{o}");
    assert!((f(&o["ci_high"]) - 0.960023).abs() < 1e-6, "{o}");
    assert!(
        (f(&o["estimated_unrecorded"]) - 12.894444).abs() < 1e-6,
        "{o}"
    );
    assert!(o["estimated_unrecorded_per_year"].is_null(), "{o}");
    assert_eq!(
        (
            o["should_record"].as_u64(),
            o["recorded_correctly"].as_u64()
        ),
        (Some(77), Some(71))
    );
    let (_, with_year, _) = hocr(&[
        "audit",
        "score",
        FIXTURE,
        "--format",
        "json",
        "--annual-recorded",
        "50000",
    ]);
    let with_year: serde_json::Value = serde_json::from_str(&with_year).unwrap();
    assert!((f(&with_year["overall"]["estimated_unrecorded_per_year"]) - 6802.86).abs() < 0.01);
    let violence = &v["strata"][1];
    assert_eq!(
        (
            violence["should_record"].as_u64(),
            violence["recorded_correctly"].as_u64()
        ),
        (Some(30), Some(28))
    );
    let strata = v["strata"].as_array().unwrap();
    let names: Vec<&str> = strata
        .iter()
        .map(|s| s["stratum"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sexual", "violence", "other_crime", "not_crime"]);
    let not_crime = &strata[3];
    assert_eq!(not_crime["population"], 160);
    assert_eq!(not_crime["sampled"], 40);
    assert_eq!(not_crime["recorded"], 0);
    assert_eq!(not_crime["unrecorded"], 2);
    assert_eq!(not_crime["not_crime"], 38);
    assert_eq!(not_crime["rate"], 0.0);
    for key in [
        "rate",
        "half_width",
        "ci_low",
        "ci_high",
        "should_record",
        "recorded_correctly",
    ] {
        assert!(strata[0].get(key).is_some(), "{key}");
    }
    let (code, text, _) = hocr(&["audit", "score", FIXTURE]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("score-text", text);
}

#[test]
fn the_score_as_a_page() {
    let dir = scratch("html");
    let out = dir.join("audit.html");
    let (code, _, _) = hocr(&[
        "audit",
        "score",
        FIXTURE,
        "--format",
        "html",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let page = fs::read_to_string(out).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<h1>Crime recording audit</h1>"));
    assert!(page.contains(
        "<span class=\"big\">88.0%</span><span class=\"label\">± 7.98% · 95% interval 80.0–96.0%</span>"
    ));
    assert!(page.contains("<span class=\"big\">12.9</span>"));
    // `not_crime`: 0 of 2 crimes recorded; a sample that does not vary
    // gives a rate but no interval, drawn without a whisker.
    assert!(page.contains("<g aria-label=\"not_crime: 0.0% (no interval)\">"));
    assert!(page.contains("<tspan class=\"axis\">no interval</tspan>"));
    assert!(
        !page.contains("<script") && !page.contains("http"),
        "self-contained"
    );
}

/// The fixture worksheet with some of its lines changed by `edit`.
fn edited(name: &str, edit: impl Fn(usize, &str) -> Option<String>) -> PathBuf {
    let text = fs::read_to_string(FIXTURE).unwrap();
    let mut out = String::new();
    for (n, line) in text.split_inclusive("\r\n").enumerate() {
        match edit(n + 1, line.trim_end_matches("\r\n")) {
            Some(l) => {
                out.push_str(&l);
                out.push_str("\r\n");
            }
            None => out.push_str(line),
        }
    }
    let path = scratch(name).join("worksheet.csv");
    fs::write(&path, out).unwrap();
    path
}

/// Sets the field `column` (0-based) of a CSV line with no quoted fields.
fn set(line: &str, column: usize, value: &str) -> String {
    let mut fields: Vec<&str> = line.split(',').collect();
    fields[column] = value;
    fields.join(",")
}

const VERDICT: usize = 13;
const SHOULD_RECORD: usize = 14;
const RECORDED_CORRECTLY: usize = 15;
const WEIGHT: usize = 4;

#[test]
fn a_worksheet_with_problems_is_not_scored() {
    let path = edited("bad", |n, line| match n {
        3 => Some(set(line, VERDICT, "")),
        4 => Some(set(line, VERDICT, "maybe")),
        10 => Some(set(line, WEIGHT, "2")),
        _ => None,
    });
    let p = path.to_str().unwrap();
    let (code, stdout, stderr) = hocr(&["audit", "score", p]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(
        stderr.contains(&format!("{p}:3: 1 row without a verdict or counts (line 3); fill them in, or score what is done with `--allow-incomplete`")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{p}:4: the verdict of incident `SI01` is `maybe`")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{p}:10: the weight of incident `INC000000035` is `2`, but population ÷ sampled is 33 ÷ 27 = 1.222222")),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: the worksheet has 3 problems; nothing scored"),
        "{stderr}"
    );
}

/// Counts that cannot be: exit 2, each named with its line, nothing scored.
#[test]
fn bad_crime_counts_are_named_with_their_lines() {
    let path = edited("counts", |n, line| match n {
        // A negative count.
        2 => Some(set(
            &set(line, SHOULD_RECORD, "-1"),
            RECORDED_CORRECTLY,
            "0",
        )),
        // More recorded correctly than should have been recorded.
        6 => Some(set(&set(line, SHOULD_RECORD, "1"), RECORDED_CORRECTLY, "2")),
        // `recorded` (line 7 says so) but one of two crimes not recorded.
        7 => Some(set(&set(line, SHOULD_RECORD, "2"), RECORDED_CORRECTLY, "1")),
        _ => None,
    });
    let p = path.to_str().unwrap();
    let (code, stdout, stderr) = hocr(&["audit", "score", p]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stdout, "");
    assert!(stderr.contains(&format!("{p}:2: `should_record` of incident `INC000000003` is `-1`: a count of crimes is a whole number, 0 or more")), "{stderr}");
    assert!(stderr.contains(&format!("{p}:6: incident `SI04`: 2 crimes recorded correctly of 1 that should have been recorded")), "{stderr}");
    assert!(stderr.contains(&format!("{p}:7: incident `INC000000024`: the verdict `recorded` contradicts its counts, 1 of 2 crimes recorded correctly (that is `unrecorded`)")), "{stderr}");
    assert!(
        stderr.contains("error: the worksheet has 3 problems; nothing scored"),
        "{stderr}"
    );
}

#[test]
fn edited_ids_strata_and_rows_are_named() {
    // Line 2 copied over line 5: a duplicate. Line 40 moved from
    // `other_crime` to `not_crime`.
    let text = fs::read_to_string(FIXTURE).unwrap();
    let line2 = text.split("\r\n").nth(1).unwrap().to_string();
    let path = edited("ids", move |n, line| match n {
        5 => Some(line2.clone()),
        40 => Some(line.replacen(",other_crime,", ",not_crime,", 1)),
        _ => None,
    });
    let p = path.to_str().unwrap();
    let (code, _, stderr) = hocr(&["audit", "score", p]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("{p}:5: incident `INC000000003` is on line 2 too")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{p}:40: incident `INC000000085` in stratum `not_crime` (population 58, sampled 40) is not a row the sample drew")),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "stratum `other_crime`: the sample drew 40 incidents but the worksheet has 39 rows"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "stratum `not_crime`: the sample drew 40 incidents but the worksheet has 41 rows"
        ),
        "{stderr}"
    );
}

#[test]
fn missing_columns_are_named() {
    let path = edited("columns", |_, line| {
        let fields: Vec<&str> = line.split(',').collect();
        Some(
            [&fields[..WEIGHT], &fields[WEIGHT + 1..VERDICT]]
                .concat()
                .join(","),
        )
    });
    let p = path.to_str().unwrap();
    let (code, _, stderr) = hocr(&["audit", "score", p]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("{p}:1: missing columns `weight`, `verdict`")),
        "{stderr}"
    );
}

#[test]
fn an_unfinished_worksheet_is_scored_only_when_allowed() {
    // The last 20 rows (of `not_crime`) not done yet.
    let path = edited("unfinished", |n, line| {
        (n > 93).then(|| set(line, VERDICT, ""))
    });
    let p = path.to_str().unwrap();
    let (code, _, stderr) = hocr(&["audit", "score", p]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!(
            "{p}:94: 20 rows without a verdict or counts (lines 94–113)"
        )),
        "{stderr}"
    );
    let (code, stdout, _) = hocr(&[
        "audit",
        "score",
        p,
        "--allow-incomplete",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["overall"]["blank"], 20);
    assert_eq!(v["strata"][3]["blank"], 20);
    assert_eq!(v["strata"][3]["sampled"], 40);
    let (_, text, _) = hocr(&["audit", "score", p, "--allow-incomplete"]);
    assert!(
        text.contains("Incomplete: 20 of 112 sampled incidents have no verdict yet."),
        "{text}"
    );
}
