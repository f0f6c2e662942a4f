//! Editions over time and exports without the edition-2 columns, as a
//! report reader sees them: the JSON report's per-rule statistics say
//! which window a rule applied in, how many subjects fell outside it, and
//! how many could not be judged for want of a field.

mod common;
use common::hocr;
use serde_json::Value;

fn stats(dir: &str, as_of: &str, rule: &str) -> Value {
    let (code, out, err) = hocr(&["check", dir, "--as-of", as_of, "--format", "json"]);
    assert!(code == 0 || code == 1, "{code}: {err}");
    let report: Value = serde_json::from_str(&out).expect("a JSON report");
    report["stats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["rule"] == rule)
        .unwrap_or_else(|| panic!("{rule} in the stats"))
        .clone()
}

#[test]
fn a_window_shows_what_it_left_outside() {
    let s = stats("fixtures/edition-2", "2025-06-01T00:00:00Z", "REC004");
    assert_eq!(
        s["applies"],
        serde_json::json!(["from 2018-04-01 until 2023-05-31"])
    );
    // I01 and I03 missing, I02 met; I04 (31 May 2023) and I05 (31 Mar 2018) outside.
    assert_eq!(s["checked"], 3);
    assert_eq!(s["findings"], 2);
    assert_eq!(s["outside_window"], 2);
    assert_eq!(s["not_applicable"], 2);
    // A rule without a window says nothing of one.
    let always = stats("fixtures/edition-2", "2025-06-01T00:00:00Z", "REC001");
    assert!(always.get("applies").is_none());
    assert_eq!(always["outside_window"], 0);
}

#[test]
fn an_export_without_the_new_columns_counts_what_it_could_not_judge() {
    // The cancellations fixture predates edition 2: no transfer or
    // duplicate columns. Its C1 and C3 cancellations are not judged, and
    // reported as such, rather than all reported as unsupported.
    let s = stats("fixtures/cancellations", "2025-06-01T00:00:00Z", "CAN004");
    assert_eq!(s["findings"], 0);
    assert_eq!(s["checked"], 0);
    assert!(s["not_judged"].as_u64().unwrap() > 0, "{s}");
    assert_eq!(
        s["missing"],
        serde_json::json!(["transferred_to", "duplicate_of"])
    );
    let (_, text, _) = hocr(&[
        "check",
        "fixtures/cancellations",
        "--as-of",
        "2025-06-01T00:00:00Z",
    ]);
    let line = text
        .lines()
        .find(|l| l.contains("CAN004") && l.contains("not judged"))
        .expect("the summary says what was not judged");
    assert!(line.contains("`transferred_to`, `duplicate_of`"), "{line}");
    // With the columns (edition-2 fixture) the same rule judges.
    let judged = stats("fixtures/edition-2", "2025-06-01T00:00:00Z", "CAN004");
    assert_eq!(judged["not_judged"], 0);
    assert_eq!(judged["checked"], 7);
    assert_eq!(judged["findings"], 5);
    assert!(judged.get("missing").is_none());
}
