//! `--format html`: one self-contained page. Checked as text here (no
//! external references, the charts and tables are there, text is escaped,
//! output is deterministic), snapshotted, and rendered in headless Chromium
//! by `scripts/html-browser-test.sh` when a browser is installed.

mod common;

use std::process::Command;

const FIXTURE: &str = "fixtures/rec002-missing-record";

fn html() -> String {
    let as_of = std::fs::read_to_string(format!("{FIXTURE}/as-of")).expect("fixture has as-of");
    let out = Command::new(env!("CARGO_BIN_EXE_hocr"))
        .args([
            "check",
            FIXTURE,
            "--as-of",
            as_of.trim(),
            "--format",
            "html",
        ])
        .output()
        .expect("hocr runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn html_report_is_self_contained_and_complete() {
    let page = html();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.trim_end().ends_with("</html>"));
    // A rule's source names its address as text; nothing is linked or
    // loaded from elsewhere.
    for external in [
        "href=\"http",
        "src=",
        "<script src",
        "<link",
        "url(",
        "fetch(",
    ] {
        assert!(!page.contains(external), "page references `{external}`");
    }
    // One inline script (the findings' filters), nothing else.
    assert_eq!(page.matches("<script").count(), 1);
    assert!(page.contains("<script>\n(function(){"));
    // Charts: one by theme, one by rule, each an accessible image.
    assert_eq!(page.matches("<svg role=\"img\"").count(), 2);
    assert!(page.contains("<title id=\"themes-title\">Compliance by theme, worst first</title>"));
    assert!(page.contains("<title id=\"rules-title\">Compliance by rule</title>"));
    assert!(page.contains("<th scope=\"col\">"));
    assert!(page.contains("<th scope=\"row\">"));
    // Headline: compliance over the compliance rules only (16 of them: 6
    // findings in 22 checks, 1 pending: 1 − 6/21 = 71.4%), data quality
    // apart (5 rules, 87 checks, nothing found), findings, as-of, rules.
    assert!(page.contains("Compliance with the recording rules</span><span class=\"big\">71.4%</span><span class=\"label\">95% interval 50.0–86.2% · 21 checks decided, 16 rules</span>"));
    assert!(page.contains("Data quality, scored apart</span><span class=\"big\">100.0%</span><span class=\"label\">95% interval 95.8–100.0% · 87 checks decided, 5 rules</span>"));
    // Themes worst first, each with its count: recording (6 of 11 met) first.
    let recording = page
        .find("<g aria-label=\"recording · 11: 54.5%")
        .expect("recording bar");
    let cancellation = page
        .find("<g aria-label=\"cancellation · 3: 100.0%")
        .expect("cancellation bar");
    assert!(recording < cancellation);
    // Coverage: rules that checked nothing, codes no rule mentions.
    assert!(page.contains("<li>8 rules checked nothing: CAN004, OOC001, OOC002, OOC003, OOC004, RAP002, REC004, VIC001"));
    assert!(page.contains(
        "<li>crimes offence_code: 1 code no group or rule of the rule set mentions: 49 (2)</li>"
    ));
    assert!(page.contains("<span class=\"big\">6</span>"));
    assert!(page.contains("Showing 6 of 6 findings: by severity (high first), then rule."));
    assert!(page.contains("2025-06-02T09:00:00Z"));
    assert!(page.contains("HOCR April 2026"));
    assert!(page.contains("sha256:"));
    // Every rule's code and title, every theme.
    for (code, title) in [
        (
            "REC001",
            "Crimes are recorded within 24 hours of the report",
        ),
        (
            "REC002",
            "A crime-related incident has a crime record or a recorded reason why not",
        ),
        (
            "RAP001",
            "A report of rape becomes a rape crime or an N100 record",
        ),
        ("VIC001", "Victims are told of investigation events in time"),
    ] {
        assert!(page.contains(code), "{code}");
        assert!(page.contains(title), "{title}");
    }
    for theme in [
        "cancellation",
        "data-quality",
        "disposals",
        "rape",
        "timeliness",
        "recording",
        "victims",
    ] {
        assert!(page.contains(&format!("<td>{theme}</td>")), "{theme}");
        assert!(
            page.contains(&format!("{theme} · ")) || theme == "data-quality",
            "{theme} in the chart"
        );
    }
    // Quoted source text and citations.
    assert!(page.contains("<blockquote>Forces are required to record a crime within 24 hours"));
    assert!(page.contains("<cite>HMICFRS, Glossary: National crime recording standard</cite>"));
    // What the source says and what the force decided are labelled apart.
    assert!(
        page.contains("<span class=\"said\">the source says</span><blockquote>Forces are required")
    );
    assert!(page.contains(
        "<span class=\"said\">force policy</span><p class=\"policy\">The 24 hours run from"
    ));
    // Text from the rules is escaped.
    assert!(page.contains("the victim&#39;s views"));
    assert!(!page.contains("the victim's views"));
    // Severity counts.
    assert!(page.contains("<li class=\"sev-high\"><span class=\"n\">5</span>high</li>"));
    assert!(page.contains("<li class=\"sev-medium\"><span class=\"n\">1</span>medium</li>"));
}

#[test]
fn html_report_is_deterministic() {
    assert_eq!(html(), html());
}

#[test]
fn html_report_snapshot() {
    insta::assert_snapshot!("html_report_rec002", common::without_fingerprint(&html()));
}

#[test]
fn html_report_renders_in_chromium() {
    common::browser_test("scripts/html-browser-test.sh", FIXTURE.as_ref());
}
