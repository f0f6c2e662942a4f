//! `hocr trend`: compliance over the nights from nightly JSON reports. The
//! reports are made here by `hocr check --format json` over the sample
//! export at several as-of times (a night missing, the rule set changed
//! half way), then put together as a page, JSON and CSV.

mod common;
use common::{hocr, temp};

use std::fs;
use std::path::{Path, PathBuf};

/// Nightly reports of the sample export into `dir`: 1, 2, 3, 5 and 6
/// November (the 4th missing); from the 5th on, the rules carry one more
/// comment line, so their fingerprint changes.
fn nights(name: &str) -> PathBuf {
    let dir = temp(&format!("trend-{name}"));
    let reports = dir.join("reports");
    let rules = dir.join("rules");
    fs::create_dir_all(&reports).unwrap();
    fs::create_dir_all(&rules).unwrap();
    for f in fs::read_dir("rules").unwrap() {
        let f = f.unwrap().path();
        fs::copy(&f, rules.join(f.file_name().unwrap())).unwrap();
    }
    let recording = rules.join("recording.hocr");
    let text = fs::read_to_string(&recording).unwrap();
    fs::write(&recording, format!("{text}# reviewed\n")).unwrap();
    for day in ["01", "02", "03", "05", "06"] {
        let out = reports.join(format!("2025-11-{day}.json"));
        let as_of = format!("2025-11-{day}T00:00:00Z");
        let mut args = vec![
            "check",
            "fixtures/sample",
            "--as-of",
            &as_of,
            "--format",
            "json",
            "--output",
            out.to_str().unwrap(),
        ];
        let r = rules.to_str().unwrap().to_string();
        if day >= "05" {
            args.extend(["--rules", &r]);
        }
        let (code, _, err) = hocr(&args);
        assert_eq!(code, 0, "{err}");
    }
    reports
}

/// How many compliance themes and rules the last night's report has.
fn figures(reports: &Path) -> (usize, usize) {
    let r = json_of(&reports.join("2025-11-06.json"));
    (
        r["themes"].as_array().unwrap().len(),
        r["stats"].as_array().unwrap().len(),
    )
}

fn json_of(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_nights_gaps_and_rule_changes_in_json_and_csv() {
    let reports = nights("json");
    let out = reports.parent().unwrap().join("trend.json");
    let (code, _, err) = hocr(&[
        "trend",
        reports.to_str().unwrap(),
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let t = json_of(&out);
    let nights = t["nights"].as_array().unwrap();
    let dates: Vec<&str> = nights.iter().map(|n| n["date"].as_str().unwrap()).collect();
    assert_eq!(
        dates,
        [
            "2025-11-01",
            "2025-11-02",
            "2025-11-03",
            "2025-11-04",
            "2025-11-05",
            "2025-11-06"
        ]
    );
    // The 4th is a gap; the rule set changed on the 5th, and only then.
    assert!(nights[3]["report"].is_null());
    let changed: Vec<bool> = nights
        .iter()
        .map(|n| n["rule_set_changed"].as_bool().unwrap())
        .collect();
    assert_eq!(changed, [false, false, false, false, true, false]);
    assert_ne!(nights[4]["fingerprint"], nights[2]["fingerprint"]);
    // Series: compliance, data quality, every theme, every rule.
    let series = t["series"].as_array().unwrap();
    let of = |level: &str| series.iter().filter(|s| s["level"] == level).count();
    let (themes, rules) = figures(&reports);
    assert_eq!(
        (of("overall"), of("data-quality"), of("theme"), of("rule")),
        (1, 1, themes, rules)
    );
    // Each night's figures are its report's own: the headline of each.
    for (k, night) in nights.iter().enumerate() {
        let point = &series[0]["points"][k];
        match night["report"].as_str() {
            None => assert!(point.is_null()),
            Some(report) => {
                let r = json_of(Path::new(report));
                for key in [
                    "checked",
                    "findings",
                    "pending",
                    "compliance",
                    "ci_low",
                    "ci_high",
                ] {
                    assert_eq!(point[key], r["overall"][key], "{report} {key}");
                    assert_eq!(
                        series[1]["points"][k][key], r["data_quality"][key],
                        "{report} {key}"
                    );
                }
                let rape = series.iter().find(|s| s["name"] == "rape").unwrap();
                let theme = r["themes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|t| t["name"] == "rape")
                    .unwrap();
                assert_eq!(rape["points"][k]["compliance"], theme["compliance"]);
            }
        }
    }
    // CSV: a row per night and figure, the gap a row of its own.
    let (code, csv, _) = hocr(&["trend", reports.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(code, 0);
    assert!(csv.starts_with("\u{feff}date,level,name,checked,findings,pending,compliance,ci_low,ci_high,edition,fingerprint,rule_set_changed,report\r\n"));
    assert!(csv.contains("\r\n2025-11-04,missing,"));
    assert_eq!(csv.matches("\r\n2025-11-05,").count(), 2 + themes + rules);
    assert!(
        csv.lines()
            .any(|l| l.starts_with("2025-11-05,overall,compliance rules,") && l.contains(",yes,"))
    );
}

/// Reports written before rules said which are data quality (no `scope`):
/// read leniently, the rule's scope taken from the other nights.
#[test]
fn reports_without_scope_are_read_with_the_other_nights_scopes() {
    let reports = nights("scope");
    let old = reports.join("2025-11-01.json");
    let text: String = fs::read_to_string(&old)
        .unwrap()
        .lines()
        .filter(|l| !l.contains("\"scope\""))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&old, text).unwrap();
    let (code, out, err) = hocr(&["trend", reports.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let t: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(t["series"][1]["points"][0]["checked"], 3513);
    assert_eq!(
        t["series"][0]["points"][0]["checked"],
        t["series"][0]["points"][1]["checked"]
    );
}

#[test]
fn what_cannot_be_a_trend_is_refused_naming_the_file() {
    let reports = nights("errors");
    let dir = reports.parent().unwrap();
    let r = |name: &str| reports.join(name).to_str().unwrap().to_string();

    // Not a hocr JSON report.
    let other = dir.join("package.json");
    fs::write(&other, "{\"name\": \"x\"}").unwrap();
    let (code, out, err) = hocr(&["trend", &r("2025-11-01.json"), other.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.contains(&format!(
            "`{}` is not a hocr JSON report (no `tool.name` \"hocr\")",
            other.display()
        )),
        "{err}"
    );
    let text = dir.join("findings.jsonl");
    fs::write(&text, "{\"rule\":\"REC001\"}\n{\"rule\":\"REC002\"}\n").unwrap();
    let (code, _, err) = hocr(&["trend", text.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!("`{}` is not a hocr JSON report", text.display())),
        "{err}"
    );

    // Another export: the rec002 fixture's report among the sample's.
    let foreign = dir.join("other-force.json");
    let as_of = "2025-11-04T00:00:00Z";
    let (code, _, _) = hocr(&[
        "check",
        "fixtures/rec002-missing-record",
        "--as-of",
        as_of,
        "--format",
        "json",
        "--output",
        foreign.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let (code, _, err) = hocr(&["trend", &r("2025-11-01.json"), foreign.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!(
            "`{}` is a report of another export than `{}`",
            foreign.display(),
            r("2025-11-01.json")
        )),
        "{err}"
    );

    // Two reports of one night.
    let again = dir.join("2025-11-01-rerun.json");
    fs::copy(reports.join("2025-11-01.json"), &again).unwrap();
    let (code, _, err) = hocr(&["trend", reports.to_str().unwrap(), again.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("are both reports of the night of 2025-11-01"),
        "{err}"
    );

    // A directory with no reports; a file that is not there.
    let empty = dir.join("empty");
    fs::create_dir_all(&empty).unwrap();
    let (code, _, err) = hocr(&["trend", empty.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("holds no JSON reports"), "{err}");
    let (code, _, err) = hocr(&["trend", &r("2025-11-09.json")]);
    assert_eq!(code, 2);
    assert!(err.contains("2025-11-09.json`: cannot read"), "{err}");
    // An output over one of the reports is refused, the report kept.
    let before = fs::read(reports.join("2025-11-01.json")).unwrap();
    let (code, _, err) = hocr(&[
        "trend",
        reports.to_str().unwrap(),
        "--output",
        &r("2025-11-01.json"),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("is the same file as the report"), "{err}");
    assert_eq!(fs::read(reports.join("2025-11-01.json")).unwrap(), before);
    // Nothing half-written where the output was to go.
    let target = dir.join("trend.html");
    let (code, _, _) = hocr(&[
        "trend",
        other.to_str().unwrap(),
        "--output",
        target.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(!target.exists());
}

#[test]
fn the_page_is_self_contained_with_gaps_and_changes_marked() {
    let reports = nights("page");
    let (code, page, err) = hocr(&["trend", reports.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(page.starts_with("<!DOCTYPE html>"));
    for external in ["http://", "https://", "src=", "<link", "url("] {
        assert!(!page.contains(external), "page references `{external}`");
    }
    assert_eq!(page.matches("<script>").count(), 1);
    // A chart for compliance, data quality, each theme and each rule, each
    // with the missing night shaded and the change dashed.
    let (themes, rules) = figures(&reports);
    let charts = 2 + themes + rules;
    assert_eq!(page.matches("<figure class=\"multiple\"").count(), charts);
    assert_eq!(page.matches("class=\"gapband\"").count(), charts);
    assert_eq!(page.matches("<line class=\"edition\"").count(), charts);
    assert!(page.contains("2025-11-04: no report"));
    assert!(page.contains("<strong>The rule set changed</strong> on 1 night"));
    assert!(page.contains("6 nights, 5 with a report, 1 missing"));
    // Deterministic.
    let (_, again, _) = hocr(&["trend", reports.to_str().unwrap()]);
    assert_eq!(page, again);
}

#[test]
fn the_page_renders_and_filters_in_chromium() {
    let reports = nights("browser");
    common::browser_test("scripts/trend-browser-test.sh", reports.as_os_str());
}
