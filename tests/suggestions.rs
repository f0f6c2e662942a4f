//! Every suggestion a diagnostic makes checks as written, against the rule
//! set it was made for: a rule author who follows the help must not meet a
//! new error. Diagnostics are generated over a corpus (the broken files of
//! `tests/rule-errors/`, and the shipped rules with broken rules added for
//! each kind of record), and each suggestion is tried:
//!
//! - "did you mean `X`?": `X` is put in place of the text the diagnostic
//!   points at, and the rule set checked again: the same diagnostic must not
//!   come back at that place.
//! - "e.g. `…`": each example that is an expression is checked as the
//!   condition of a rule about the same kind of record, in the same rule
//!   set. It must name only fields, groups and values that exist, and be a
//!   condition or a value of the kind its help says (a duration, a code).

use hocr::lang::check::check;
use hocr::lang::diagnostics::Diagnostic;
use hocr::lang::plan::RuleFile;
use std::path::Path;

fn files_of(path: &Path) -> Vec<RuleFile> {
    hocr::lang::files::from_path(path).unwrap_or_default()
}

/// Rule sets to generate diagnostics from.
fn corpus() -> Vec<(String, Vec<RuleFile>)> {
    let mut sets = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir("tests/rule-errors")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        let files = files_of(&p);
        if !files.is_empty() {
            sets.push((p.display().to_string(), files));
        }
    }
    let shipped = hocr::lang::files::shipped();
    let broken = [
        (
            "incident",
            [
                "closing_code",
                "reported_at",
                "opening_cod",
                "crime_relatd_codes",
            ],
        ),
        (
            "crime",
            ["offence_code", "recorded_at", "offence_cod", "violenc"],
        ),
        ("update", ["event", "event_at", "evnt", "sexual"]),
    ];
    let mut text = String::from("edition \"HOCR April 2026\"\n");
    for (n, (subject, [code, time, misspelt, group])) in broken.iter().enumerate() {
        for (m, condition) in [
            format!("{code} and true"),
            time.to_string(),
            format!("{time} > 5"),
            format!("{time} > 24 hours"),
            format!("{code} = 5 working days"),
            format!("{code} contains \"DA\""),
            format!("{misspelt} is present"),
            format!("{code} in {group}"),
            format!("{time} within 9 dayz after {time}"),
        ]
        .iter()
        .enumerate()
        {
            text.push_str(&format!(
                "rule ZZ{n}{m:02} probe \"probe\" {{\n  source \"s\" at \"https://example.org/s\"\n  quote \"q\"\n  theme recording\n  severity low\n  message \"m\"\n  for each {subject}\n  where {condition}\n  otherwise late\n}}\n"
            ));
        }
    }
    let mut with_broken = shipped.clone();
    with_broken.push(RuleFile {
        name: "broken.hocr".into(),
        text,
    });
    sets.push(("shipped rules and broken.hocr".into(), with_broken));
    // The mistake that started this: a definition used as a condition's
    // operand where a code was meant.
    let mut mended = shipped.clone();
    for f in &mut mended {
        f.text = f.text.replace(
            "where crime_related\n",
            "where closing_code and crime_related\n",
        );
    }
    sets.push(("shipped rules, a code as a condition".into(), mended));
    sets
}

fn diagnostics(files: &[RuleFile]) -> Vec<Diagnostic> {
    check(files.to_vec()).1
}

/// The backticked texts of a help after `marker`.
fn quoted_after<'a>(help: &'a str, marker: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = help;
    while let Some(at) = rest.find(marker) {
        rest = &rest[at + marker.len()..];
        // Every backticked text up to the end of the sentence.
        let sentence = rest.split(". ").next().unwrap_or(rest);
        let mut parts = sentence.split('`');
        parts.next();
        while let (Some(q), _) = (parts.next(), parts.next()) {
            out.push(q);
        }
    }
    out
}

/// The kind of record the rule around `offset` is about.
fn subject_at(text: &str, offset: usize) -> Option<&str> {
    let before = &text[..offset.min(text.len())];
    let at = before.rfind("for each ")?;
    let word = before[at + "for each ".len()..].split_whitespace().next()?;
    ["incident", "crime", "update"]
        .into_iter()
        .find(|s| *s == word)
}

#[test]
fn every_suggestion_checks_as_written() {
    let mut tried = 0;
    let mut wrong = Vec::new();
    for (name, files) in corpus() {
        for d in diagnostics(&files) {
            let Some(file) = d.file else { continue };
            let text = &files[file].text;
            for suggestion in quoted_after(&d.help, "did you mean ") {
                tried += 1;
                let mut changed = files.clone();
                let (start, end) = (d.span.start, d.span.end);
                changed[file].text = format!("{}{suggestion}{}", &text[..start], &text[end..]);
                let again = diagnostics(&changed);
                if again
                    .iter()
                    .any(|e| e.code == d.code && e.file == Some(file) && e.span.start == start)
                {
                    wrong.push(format!(
                        "{name}: {} `{}`: did you mean `{suggestion}` does not mend it",
                        d.code,
                        &text[start..end]
                    ));
                }
            }
            let Some(subject) = subject_at(text, d.span.start) else {
                continue;
            };
            for example in quoted_after(&d.help, "e.g. ") {
                let condition = example.strip_prefix("require ").unwrap_or(example);
                if condition.contains('…') || condition.starts_with('"') {
                    continue;
                }
                tried += 1;
                let mut probed = files.clone();
                probed.push(RuleFile {
                    name: "probe.hocr".into(),
                    text: format!(
                        "rule PROBE1 probe \"probe\" {{\n  source \"s\" at \"https://example.org/s\"\n  quote \"q\"\n  theme recording\n  severity low\n  message \"m\"\n  for each {subject}\n  where {condition}\n  require {condition}\n  otherwise late\n}}\n"
                    ),
                });
                let probe = probed.len() - 1;
                let found = diagnostics(&probed);
                // Not an expression (an example row's field, a clause):
                // not something to try as a condition.
                if found
                    .iter()
                    .any(|e| e.file == Some(probe) && e.code == "E001")
                {
                    continue;
                }
                for e in found {
                    let not_a_condition = e.code == "E004"
                        && (e.message.starts_with("expected a condition")
                            || e.message.contains("needs a condition"));
                    if e.file == Some(probe)
                        && e.level == hocr::lang::diagnostics::Level::Error
                        && !not_a_condition
                    {
                        wrong.push(format!(
                            "{name}: {} suggests `{example}` about each {subject}, which gives {}: {}",
                            d.code, e.code, e.message
                        ));
                    }
                }
            }
        }
    }
    assert!(tried > 30, "only {tried} suggestions tried");
    eprintln!("{tried} suggestions tried");
    assert!(
        wrong.is_empty(),
        "{} suggestions do not check:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn no_never_true_warning_follows_an_error_in_the_same_condition() {
    for (name, files) in corpus() {
        let diags = diagnostics(&files);
        for w in diags.iter().filter(|d| d.code == "W002") {
            let inside = diags.iter().any(|e| {
                e.level == hocr::lang::diagnostics::Level::Error
                    && e.file == w.file
                    && w.span.start <= e.span.start
                    && e.span.end <= w.span.end
            });
            assert!(!inside, "{name}: W002 after an error in the same condition");
        }
    }
}

#[test]
fn an_unknown_duration_unit_lists_the_units() {
    let files = vec![RuleFile {
        name: "t.hocr".into(),
        text: "rule T001 t \"t\" {\n  source \"s\" at \"https://example.org/s\"\n  quote \"q\"\n  theme x\n  severity low\n  message \"m\"\n  for each crime\n  require recorded_at within 90 dayz after reported_at\n  otherwise late\n}\n".into(),
    }];
    let diags = diagnostics(&files);
    let d = diags
        .iter()
        .find(|d| d.code == "E001")
        .expect("a syntax error");
    assert_eq!(d.message, "`dayz` is not a unit of time");
    assert!(d.help.starts_with("did you mean `days`?"), "{}", d.help);
    for unit in ["`minutes`", "`hours`", "`days`", "`working days`"] {
        assert!(d.help.contains(unit), "{}", d.help);
    }
}

fn rule_with(clauses: &str) -> Vec<RuleFile> {
    vec![RuleFile {
        name: "t.hocr".into(),
        text: format!(
            "rule T001 t \"t\" {{\n  source \"s\" at \"https://example.org/s\"\n  quote \"q\"\n  theme x\n  severity low\n  message \"m\"\n  for each crime\n{clauses}\n  otherwise late\n}}\n"
        ),
    }]
}

#[test]
fn a_syntax_error_and_a_misspelt_name_on_one_line_are_both_reported() {
    for clauses in [
        // The syntax error on the same line.
        "  where offenc_code is \"8N\" and and status is \"recorded\"\n  require recorded_at is present",
        // An expression left open: found wanting on the next line.
        "  where offenc_code is \"8N\" and (status is\n  require recorded_at is present",
        // In `unless`, a name of another field.
        "  unless offenc_code is \"8N\" or or\n  require recorded_at is present",
    ] {
        let diags = diagnostics(&rule_with(clauses));
        let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
        assert!(codes.contains(&"E001"), "{clauses}: {codes:?}");
        let name = diags
            .iter()
            .find(|d| d.code == "E002")
            .unwrap_or_else(|| panic!("{clauses}: no E002 in {codes:?}"));
        assert_eq!(name.message, "each crime has no field `offenc_code`");
        assert_eq!(name.help, "did you mean `offence_code`?");
    }
}

#[test]
fn a_clause_that_parsed_is_not_reported_twice() {
    let diags = diagnostics(&rule_with(
        "  where offenc_code is \"8N\"\n  requre recorded_at is present",
    ));
    assert_eq!(
        diags.iter().filter(|d| d.code == "E002").count(),
        1,
        "{diags:?}"
    );
}
