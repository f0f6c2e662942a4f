use hocr::check::check;
use hocr::diagnostics::{ErrorFormat, Source, render};
use hocr::rulefiles::shipped;

#[test]
fn shipped_rules_check_clean() {
    let files = shipped();
    let (plan, diags) = check(files.clone());
    let sources: Vec<Source> = files
        .iter()
        .map(|f| Source {
            name: &f.name,
            text: &f.text,
        })
        .collect();
    assert!(
        diags.is_empty(),
        "{}",
        render(&diags, &sources, ErrorFormat::Plain)
    );
    let plan = plan.expect("plan");
    let codes: Vec<&str> = plan.rules.iter().map(|r| r.code.as_str()).collect();
    for code in [
        "REC001", "REC002", "REC003", "RAP001", "RAP002", "CAN001", "CAN002", "CAN003", "OOC001",
        "OOC002", "OOC003", "VIC001", "DQ001", "DQ002", "DQ003", "DQ004", "DQ005",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
}
