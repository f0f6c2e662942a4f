//! The figures a board reads first, the same in every format: compliance
//! over the compliance rules only, data quality apart, themes worst first
//! with their intervals and counts, changes since the baseline, and the
//! coverage warnings (a rule that checked nothing, codes no rule mentions).

mod common;
use common::{hocr, temp};

use std::fs;
use std::path::Path;

const FIXTURE: &str = "fixtures/sample";

fn as_of(dir: &str) -> String {
    fs::read_to_string(format!("{dir}/as-of"))
        .unwrap()
        .trim()
        .to_string()
}

fn run(dir: &str, extra: &[&str]) -> String {
    let as_of = as_of(dir);
    let mut args = vec!["check", dir, "--as-of", &as_of];
    args.extend(extra);
    let (code, out, err) = hocr(&args);
    assert_eq!(code, 0, "{err}");
    out
}

fn json(dir: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["--format", "json"];
    args.extend(extra);
    serde_json::from_str(&run(dir, &args)).unwrap()
}

/// The summary CSV as (level, name) → row, by column name.
fn summary(dir: &str, extra: &[&str]) -> Vec<std::collections::HashMap<String, String>> {
    let mut args = vec!["--format", "summary-csv"];
    args.extend(extra);
    let text = run(dir, &args);
    assert!(text.starts_with('\u{feff}'), "a byte-order mark for Excel");
    assert!(text.contains("\r\n"));
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
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

/// The sample: 16 compliance rules (416 checks, 49 findings: 88.2%), 5
/// data-quality rules (3,513 checks, 6 findings: 99.8%); all 17 together
/// would read 98.6%, the figure the headline used to show.
#[test]
fn compliance_leaves_data_quality_out_and_says_so_in_every_format() {
    let doc = json(FIXTURE, &[]);
    let overall = &doc["overall"];
    assert_eq!(overall["name"], "compliance rules");
    assert_eq!(
        (
            overall["rules"].as_u64(),
            overall["checked"].as_u64(),
            overall["findings"].as_u64()
        ),
        (Some(16), Some(416), Some(49))
    );
    assert_eq!(overall["compliance"], 0.8822);
    let dq = &doc["data_quality"];
    assert_eq!(
        (
            dq["rules"].as_u64(),
            dq["checked"].as_u64(),
            dq["findings"].as_u64()
        ),
        (Some(5), Some(3513), Some(6))
    );
    assert_eq!(dq["compliance"], 0.9983);
    // Each rule says which it is, from its checks' kinds.
    for s in doc["stats"].as_array().unwrap() {
        let dq = s["rule"].as_str().unwrap().starts_with("DQ");
        assert_eq!(
            s["scope"],
            if dq { "data-quality" } else { "compliance" },
            "{}",
            s["rule"]
        );
    }
    // Themes: compliance themes only, worst first, each with its interval
    // and count.
    let themes: Vec<(&str, f64)> = doc["themes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap(),
                t["compliance"].as_f64().unwrap(),
            )
        })
        .collect();
    let names: Vec<&str> = themes.iter().map(|t| t.0).collect();
    assert_eq!(
        names,
        [
            "rape",
            "cancellation",
            "victims",
            "disposals",
            "timeliness",
            "recording"
        ]
    );
    assert!(themes.windows(2).all(|w| w[0].1 <= w[1].1));
    let rape = &doc["themes"][0];
    assert_eq!(
        (rape["checked"].as_u64(), rape["findings"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(
        (rape["ci_low"].as_f64(), rape["ci_high"].as_f64()),
        (Some(0.0615), Some(0.7923))
    );

    // Text: the same figures.
    let text = run(FIXTURE, &[]);
    assert!(text.contains("Themes, worst first"));
    assert!(text.contains("  compliance rules                                  416        49        0       88.2%     84.8–91.0%"));
    assert!(text.contains("  data quality                                     3513         6        0       99.8%     99.6–99.9%"));
    assert!(text.contains("Compliance 88.2% (95% interval 84.8–91.0%, 416 checks); worst theme rape 33.3% (95% interval 6.1–79.2%, 3 checks); data quality, apart, 99.8% (95% interval 99.6–99.9%, 3513 checks)."));
    assert!(
        !text.contains("all rules    "),
        "no all-rules rate to mistake for the headline"
    );
    let rape_at = text.find("\n  rape  ").unwrap();
    let recording_at = text.find("\n  recording  ").unwrap();
    assert!(rape_at < recording_at, "worst first");

    // Summary CSV: the same figures, the same order.
    let rows = summary(FIXTURE, &[]);
    let themes_csv: Vec<&str> = rows
        .iter()
        .filter(|r| r["level"] == "theme")
        .map(|r| r["name"].as_str())
        .collect();
    assert_eq!(themes_csv, names);
    let row = |level: &str, name: &str| {
        rows.iter()
            .find(|r| r["level"] == level && r["name"] == name)
            .unwrap_or_else(|| panic!("{level} {name}"))
    };
    let c = row("overall", "compliance rules");
    assert_eq!(
        (
            c["checked"].as_str(),
            c["findings"].as_str(),
            c["compliance"].as_str(),
            c["ci_low"].as_str(),
            c["ci_high"].as_str()
        ),
        ("416", "49", "0.8822", "0.8477", "0.9097")
    );
    // Wilson, 367 of 416 worked apart (Python): p = 0.882212, centre
    // (p + z²/832) / (1 + z²/416) = 0.878714, half-width 0.031033.
    assert_eq!(overall["ci_low"], 0.8477);
    assert_eq!(overall["ci_high"], 0.9097);
    assert_eq!(row("overall", "data quality")["compliance"], "0.9983");
    assert_eq!(row("theme", "rape")["ci_high"], "0.7923");
    assert_eq!(row("rule", "DQ002")["scope"], "data-quality");
    assert_eq!(row("rule", "REC001")["checked"], "106");

    // HTML: the same figures in the first cards and the chart.
    let page = run(FIXTURE, &["--format", "html"]);
    assert!(page.contains("<span class=\"big\">88.2%</span><span class=\"label\">95% interval 84.8–91.0% · 416 checks decided, 16 rules</span>"));
    assert!(page.contains("<span class=\"big\">99.8%</span><span class=\"label\">95% interval 99.6–99.9% · 3,513 checks decided, 5 rules</span>"));
    assert!(!page.contains("98.6%"), "the old mixed headline");
    let rape = page
        .find("<g aria-label=\"rape · 3: 33.3% (95% interval 6.1–79.2%)\">")
        .unwrap();
    let recording = page.find("<g aria-label=\"recording · 178: 92.7%").unwrap();
    assert!(rape < recording);
}

/// With `--baseline`: new, persisting and resolved per rule and per theme,
/// the same in text, JSON, summary CSV and HTML.
#[test]
fn changes_since_the_baseline_per_rule_and_theme_in_every_format() {
    let dir = temp("figures-baseline");
    // Last night's report had every finding of tonight but REC001's first,
    // and one RAP001 finding that is gone tonight.
    let mut last_night = json(FIXTURE, &[]);
    let findings = last_night["findings"].as_array_mut().unwrap();
    let first_rec001 = findings.iter().position(|f| f["rule"] == "REC001").unwrap();
    findings.remove(first_rec001);
    findings.push(serde_json::json!({
        "rule": "RAP001", "kind": "missing", "severity": "high", "incident_id": "GONE1",
        "crime_id": null, "due": null, "at": null, "message": "m"
    }));
    let total = findings.len();
    last_night["findings_total"] = total.into();
    let baseline = dir.join("last-night.json");
    fs::write(
        &baseline,
        serde_json::to_string_pretty(&last_night).unwrap(),
    )
    .unwrap();
    let b = baseline.to_str().unwrap();

    let doc = json(FIXTURE, &["--baseline", b]);
    let base = &doc["baseline"];
    assert_eq!(
        (
            base["new"].as_u64(),
            base["persisting"].as_u64(),
            base["resolved"].as_u64()
        ),
        (Some(1), Some(54), Some(1))
    );
    assert_eq!(
        base["per_rule"]["REC001"],
        serde_json::json!({"new": 1, "persisting": 10, "resolved": 0})
    );
    assert_eq!(
        base["per_rule"]["RAP001"],
        serde_json::json!({"new": 0, "persisting": 1, "resolved": 1})
    );
    assert_eq!(
        base["per_theme"]["timeliness"],
        serde_json::json!({"new": 1, "persisting": 10, "resolved": 0})
    );
    assert_eq!(
        base["per_theme"]["rape"],
        serde_json::json!({"new": 0, "persisting": 2, "resolved": 1})
    );

    let text = run(FIXTURE, &["--baseline", b]);
    assert!(text.contains("Since the baseline, by theme"));
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["timeliness", "1", "10", "0"])
    );
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["rape", "0", "2", "1"])
    );

    let rows = summary(FIXTURE, &["--baseline", b]);
    let rape = rows
        .iter()
        .find(|r| r["level"] == "theme" && r["name"] == "rape")
        .unwrap();
    assert_eq!(
        (
            rape["new"].as_str(),
            rape["persisting"].as_str(),
            rape["resolved"].as_str()
        ),
        ("0", "2", "1")
    );
    let c = rows
        .iter()
        .find(|r| r["name"] == "compliance rules")
        .unwrap();
    assert_eq!(
        (
            c["new"].as_str(),
            c["persisting"].as_str(),
            c["resolved"].as_str()
        ),
        ("1", "48", "1")
    );

    let page = run(FIXTURE, &["--format", "html", "--baseline", b]);
    assert!(page.contains("<h2 id=\"h-changes\">Since the baseline</h2>"));
    assert!(page.contains("<tr><th scope=\"row\">timeliness</th><td class=\"num\">1</td><td class=\"num\">10</td><td class=\"num\">0</td></tr>"));
    assert!(page.contains("<tr><th scope=\"row\"><code>RAP001</code></th><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">1</td></tr>"));
    assert!(page.contains("1 new since the baseline, 54 persisting, 1 resolved"));
    // The new finding heads the findings of its severity.
    let new_row = page.find("data-status=\"new\"").unwrap();
    let first_medium_persisting = page
        .find("data-severity=\"medium\" data-status=\"persisting\"")
        .unwrap();
    assert!(new_row < first_medium_persisting);
    assert!(page.contains("<select name=\"status\">"));
}

/// A force whose closing codes are spelt differently (`CRIM-` for
/// `CRIME-`): the rules that look for crime-related incidents judge
/// nothing, silently, at 100%; every format says so, and names the codes
/// no group of the rule set mentions, with their counts.
#[test]
fn a_rule_that_checked_nothing_and_unmentioned_codes_are_warned_everywhere() {
    let dir = temp("figures-coverage");
    let src = Path::new("fixtures/rec002-missing-record");
    for f in ["crimes.csv", "as-of"] {
        fs::copy(src.join(f), dir.join(f)).unwrap();
    }
    let incidents = fs::read_to_string(src.join("incidents.csv"))
        .unwrap()
        .replace("CRIME-", "CRIM-")
        .replace("crime-", "crim-");
    fs::write(dir.join("incidents.csv"), incidents).unwrap();
    let d = dir.to_str().unwrap();

    let doc = json(d, &[]);
    let nothing: Vec<&str> = doc["coverage"]["rules_checking_nothing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    for rule in ["REC002", "RAP001"] {
        assert!(nothing.contains(&rule), "{rule} in {nothing:?}");
    }
    let codes = doc["coverage"]["codes_no_rule_mentions"]
        .as_array()
        .unwrap();
    let closing: Vec<(&str, u64)> = codes
        .iter()
        .filter(|c| c["field"] == "closing_code")
        .map(|c| (c["code"].as_str().unwrap(), c["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        closing,
        [
            ("CRIM-THEFT", 5),
            ("CRIM-RAPE", 2),
            ("ASB", 1),
            ("CRIM-BURGLARY", 1),
            ("CRIM-SEXUAL", 1)
        ]
    );
    assert!(
        codes
            .iter()
            .all(|c| c["table"] == "incidents" || c["table"] == "crimes")
    );

    let expected = "incidents closing_code: 5 codes no group or rule of the rule set mentions: CRIM-THEFT (5), CRIM-RAPE (2), ASB (1), CRIM-BURGLARY (1), CRIM-SEXUAL (1)";
    let text = run(d, &[]);
    assert!(text.contains(&format!("warning: {expected}")), "{text}");
    let warned = text
        .lines()
        .find(|l| l.contains("rules checked nothing"))
        .unwrap();
    assert!(
        warned.contains("REC002") && warned.contains("RAP001"),
        "{warned}"
    );

    let rows = summary(d, &[]);
    let warnings: Vec<&str> = rows
        .iter()
        .filter(|r| r["level"] == "warning")
        .map(|r| r["note"].as_str())
        .collect();
    assert!(warnings.contains(&expected), "{warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("checked nothing") && w.contains("REC002"))
    );

    let page = run(d, &["--format", "html"]);
    assert!(page.contains(&format!("<li>{expected}</li>")));
    assert!(page.contains("<details class=\"note\" id=\"coverage\" open>"));
    // REC002 is listed as checking 0 subjects in the rules table.
    assert!(page.contains("<code>REC002</code>"));
    let rec002 = doc["stats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["rule"] == "REC002")
        .unwrap();
    assert_eq!(rec002["checked"], 0);
}

/// Codes the rules mention, by a group (`C1..C5`, `CRIME-*`) or by name
/// in a rule (`"C3"`), are not warned about.
#[test]
fn codes_a_group_or_rule_mentions_are_not_warned() {
    let doc = json(FIXTURE, &[]);
    let codes = doc["coverage"]["codes_no_rule_mentions"]
        .as_array()
        .unwrap();
    for c in codes {
        let code = c["code"].as_str().unwrap();
        assert!(
            !code.starts_with("CRIME-"),
            "{code} is in crime_related_codes"
        );
        assert!(
            !(c["field"] == "offence_code" && ["8N", "20A", "19C"].contains(&code)),
            "{code}"
        );
    }
    // Offence code 49 is in no group of the shipped rules: warned, counted.
    assert!(
        codes
            .iter()
            .any(|c| c["field"] == "offence_code" && c["code"] == "49" && c["count"] == 12)
    );
}
