use hocr::check::check;
use hocr::diagnostics::{ErrorFormat, Source, render};
use hocr::rulefiles::shipped;
use hocr::syntax::ast::Expectation;

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
    // The default audit plan: violence and sexual offences sampled more
    // heavily, and a stratum of incidents not coded as crime-related.
    let audit = plan
        .audits
        .iter()
        .find(|a| a.name == "recording-audit")
        .expect("the shipped audit plan");
    let strata: Vec<&str> = audit.strata.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(strata, ["sexual", "violence", "other_crime", "not_crime"]);
}

/// The shipped offence groups use real Home Office codes: every code and
/// both ends of every range are in the ONS classification in `reference/`.
#[test]
fn offence_groups_follow_the_ons_classification() {
    use hocr::syntax::ast::{Item, Member};
    let reference = include_str!("../reference/ons-offence-classification-2017-18.csv");
    let known: Vec<String> = reference
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .map(|c| c.replace('.', "/"))
        .collect();
    let text = include_str!("../rules/groups.hocr");
    let (file, errors) = hocr::syntax::parse_file(text);
    assert!(errors.is_empty());
    let offence_groups = [
        "rape",
        "other_sexual",
        "violence",
        "indictable_only",
        "victimless",
    ];
    let mut checked = 0;
    for item in &file.items {
        let Item::Group(g) = item else { continue };
        if !offence_groups.contains(&g.name.node.as_str()) {
            continue;
        }
        for m in &g.members {
            let codes = match &m.node {
                Member::Code { text, .. } => vec![text.clone()],
                Member::Range(a, b) => vec![a.clone(), b.clone()],
                Member::Word(_) => continue,
            };
            for c in codes {
                assert!(
                    known.contains(&c.replace('.', "/")),
                    "`{c}` in group `{}` is not an ONS offence code",
                    g.name.node
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "checked {checked} codes");
}

/// Every shipped rule shows, by example, a case that fires and one that
/// does not, and every example passes.
#[test]
fn shipped_examples_pass() {
    let (plan, _) = check(shipped());
    let plan = plan.expect("plan");
    for rule in &plan.rules {
        let fires = rule
            .examples
            .iter()
            .any(|e| matches!(e.expect.node, Expectation::Finding { .. }));
        let quiet = rule
            .examples
            .iter()
            .any(|e| matches!(e.expect.node, Expectation::Nothing | Expectation::Pending));
        assert!(
            fires && quiet,
            "{} needs an example that fires and one that does not",
            rule.code
        );
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hocr"))
        .args(["rules", "test"])
        .output()
        .expect("hocr runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    assert!(stdout.contains(", 0 failed"), "{stdout}");
    assert!(!stdout.contains("without examples"), "{stdout}");
}
