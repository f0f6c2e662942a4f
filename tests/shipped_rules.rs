use hocr::lang::check::check;
use hocr::lang::diagnostics::{ErrorFormat, Source, render};
use hocr::lang::files::shipped;
use hocr::vocab::Expectation;

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
    use hocr::lang::syntax::ast::{Item, Member};
    let reference = include_str!("../reference/ons-offence-classification-2017-18.csv");
    let known: Vec<String> = reference
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .map(|c| c.replace('.', "/"))
        .collect();
    let text = include_str!("../rules/groups.hocr");
    let (file, errors) = hocr::lang::syntax::parse_file(text);
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
            .any(|e| matches!(e.expect, Expectation::Finding { .. }));
        let quiet = rule
            .examples
            .iter()
            .any(|e| matches!(e.expect, Expectation::Nothing | Expectation::Pending));
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

/// One entry of `reference/sources.md`: its id, address and passages.
struct Entry {
    id: String,
    address: String,
    passages: Vec<String>,
}

/// Runs of white space as one space: the only normalisation the verbatim
/// check allows (quote marks, dashes and bullets must match exactly).
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `## ID title`, a `- address: URL` line, and `>` blocks (consecutive
/// `>` lines are one passage).
fn reference_sources() -> Vec<Entry> {
    let text = std::fs::read_to_string("reference/sources.md").unwrap();
    let mut entries: Vec<Entry> = Vec::new();
    let mut in_passage = false;
    for line in text.lines() {
        if let Some(head) = line.strip_prefix("## ") {
            entries.push(Entry {
                id: head.split(' ').next().unwrap().to_string(),
                address: String::new(),
                passages: Vec::new(),
            });
        } else if let Some(entry) = entries.last_mut() {
            if let Some(a) = line.strip_prefix("- address: ") {
                entry.address = a.trim().to_string();
            } else if let Some(p) = line.strip_prefix('>') {
                if in_passage {
                    let last = entry.passages.last_mut().unwrap();
                    last.push(' ');
                    last.push_str(p);
                } else {
                    entry.passages.push(p.to_string());
                }
                in_passage = true;
                continue;
            }
        }
        in_passage = false;
    }
    for e in &mut entries {
        e.passages = e.passages.iter().map(|p| squash(p)).collect();
    }
    entries
}

/// Every shipped quote is the published text: found word for word (white
/// space aside) in a passage of `reference/sources.md` whose address is
/// one of the rule's own `source` addresses.
#[test]
fn every_shipped_quote_is_verbatim_in_reference_sources() {
    let entries = reference_sources();
    assert!(entries.len() > 20, "reference/sources.md was not read");
    for e in &entries {
        assert!(
            e.address.starts_with("https://") || e.address.starts_with("http://"),
            "{} has no address",
            e.id
        );
        assert!(!e.passages.is_empty(), "{} has no passage", e.id);
    }
    let plan = check(shipped()).0.expect("the shipped rules check clean");
    let mut quotes = 0;
    for rule in &plan.rules {
        assert!(
            !rule.quotes.is_empty() || !rule.policies.is_empty(),
            "{} has neither quote nor policy",
            rule.code
        );
        let addresses: Vec<&str> = rule
            .sources
            .iter()
            .map(|s| {
                s.address
                    .as_deref()
                    .expect("a rule's source has an address")
            })
            .collect();
        for q in &rule.quotes {
            quotes += 1;
            let q = squash(q);
            let found = entries.iter().any(|e| {
                addresses.contains(&e.address.as_str()) && e.passages.iter().any(|p| p.contains(&q))
            });
            assert!(
                found,
                "{}: this quote is not found verbatim in reference/sources.md under any of its sources ({addresses:?}):\n{q}",
                rule.code
            );
        }
    }
    assert!(quotes > 15, "only {quotes} quotes checked");
}

/// The check above can fail: a paraphrase, or a true quote under the wrong
/// source, is not accepted.
#[test]
fn the_verbatim_check_refuses_paraphrase_and_wrong_source() {
    let entries = reference_sources();
    let found = |address: &str, quote: &str| {
        entries
            .iter()
            .any(|e| e.address == address && e.passages.iter().any(|p| p.contains(&squash(quote))))
    };
    let glossary =
        "https://hmicfrs.justiceinspectorates.gov.uk/glossary/national-crime-recording-standard/";
    assert!(found(
        glossary,
        "Forces are required to record\n   a crime within 24 hours of it being reported."
    ));
    assert!(!found(
        glossary,
        "Forces must record a crime within 24 hours of it being reported."
    ));
    assert!(!found(
        "https://hmicfrs.justiceinspectorates.gov.uk/glossary/community-resolution/",
        "Forces are required to record a crime within 24 hours of it being reported."
    ));
}

/// docs/rules.md lists every shipped rule, with its sources' addresses,
/// its quotes and its policy as the rule files say them.
#[test]
fn docs_rules_lists_every_shipped_rule() {
    let docs = std::fs::read_to_string("docs/rules.md").unwrap();
    let docs_flat = squash(&docs);
    let plan = check(shipped()).0.expect("the shipped rules check clean");
    for rule in &plan.rules {
        let code = &rule.code;
        assert!(
            docs.contains(&format!("\n## {code}\n")) || docs.contains(&format!("\n### {code}\n")),
            "docs/rules.md has no section for {code}"
        );
        let said = rule.quotes.iter().chain(&rule.policies);
        let addresses = rule.sources.iter().filter_map(|s| s.address.as_ref());
        for text in said.chain(addresses) {
            assert!(
                docs_flat.contains(&squash(text)),
                "docs/rules.md does not say what {code} says:\n{text}"
            );
        }
    }
}
