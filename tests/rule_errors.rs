//! Snapshots of what a rule author sees. Every entry under
//! `tests/rule-errors/` is a small broken rule file (or a folder of them)
//! showing one kind of mistake; its snapshot is `hocr rules check … --error-format plain`:
//! the exit code and every message, with position, caret and help.
//! Review changes with `cargo insta review`: messages are lowercase, plain
//! words, and say how to fix the problem.

mod common;
use common::hocr;

fn rules_check(entry: &str) {
    let path = format!("tests/rule-errors/{entry}");
    let (code, stdout, stderr) = hocr(&["rules", "check", &path, "--error-format", "plain"]);
    assert_eq!(stdout, "", "diagnostics go to stderr");
    let name = entry.trim_end_matches(".hocr");
    insta::assert_snapshot!(name, format!("exit: {code}\n\n{stderr}"));
}

macro_rules! corpus {
    ($($test:ident => $entry:literal),* $(,)?) => {
        $(#[test] fn $test() { rules_check($entry); })*

        /// Every entry of the corpus has a test above.
        #[test]
        fn every_entry_is_tested() {
            let listed = [$($entry),*];
            for entry in std::fs::read_dir("tests/rule-errors").unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                assert!(listed.contains(&name.as_str()), "tests/rule-errors/{name} has no test");
            }
        }
    };
}

corpus! {
    e001_missing_brace => "e001-missing-brace.hocr",
    e001_missing_keyword => "e001-missing-keyword.hocr",
    e001_unterminated_string => "e001-unterminated-string.hocr",
    e001_deep_nesting => "e001-deep-nesting.hocr",
    e001_audit_stratum => "e001-audit-stratum.hocr",
    e001_unknown_unit => "e001-unknown-unit.hocr",
    e002_after_syntax_error => "e002-after-syntax-error.hocr",
    e002_unknown_field => "e002-unknown-field.hocr",
    e003_unknown_group => "e003-unknown-group.hocr",
    e004_time_vs_number => "e004-time-vs-number.hocr",
    e004_duration_vs_code => "e004-duration-vs-code.hocr",
    e005_duplicate_code => "e005-duplicate-code",
    e006_no_source_or_quote => "e006-no-source-or-quote.hocr",
    e007_group_declared_twice => "e007-group-declared-twice.hocr",
    e008_bad_range => "e008-bad-range.hocr",
    e009_group_cycle => "e009-group-cycle.hocr",
    e010_clause_out_of_place => "e010-clause-out-of-place.hocr",
    e011_unknown_kind => "e011-unknown-kind.hocr",
    e012_not_utf8 => "e012-not-utf8.hocr",
    e013_example_unknown_field => "e013-example-unknown-field.hocr",
    e014_example_bad_value => "e014-example-bad-value.hocr",
    e015_example_expectation => "e015-example-expectation.hocr",
    e016_audit_sizes => "e016-audit-sizes.hocr",
    e017_too_deep => "e017-too-deep.hocr",
    e018_window_not_a_date => "e018-window-not-a-date.hocr",
    e019_window_backwards => "e019-window-backwards.hocr",
    e020_versions_overlap => "e020-versions-overlap.hocr",
    e021_window_and_needs_misplaced => "e021-window-and-needs-misplaced.hocr",
    e022_empty_quote_or_policy => "e022-empty-quote-or-policy.hocr",
    e023_source_without_address => "e023-source-without-address.hocr",
    e024_address_not_web => "e024-address-not-web.hocr",
    w001_unused_group => "w001-unused-group.hocr",
    w002_never_true => "w002-never-true.hocr",
    w003_calendar => "w003-calendar.hocr",
    w004_no_edition => "w004-no-edition.hocr",
    w005_example_name_twice => "w005-example-name-twice.hocr",
    w006_strata_overlap => "w006-strata-overlap.hocr",
    w007_needs_unread => "w007-needs-unread.hocr",
    w009_no_quote_or_policy => "w009-no-quote-or-policy.hocr",
    w010_said_twice => "w010-said-twice.hocr",
}

/// Every documented code is shown by some entry of the corpus.
#[test]
fn every_code_has_a_broken_file() {
    let docs = std::fs::read_to_string("docs/diagnostics.md").unwrap();
    let mut shown = String::new();
    for entry in std::fs::read_dir("tests/snapshots").unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("rule_errors__") {
            shown.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    for line in docs.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            let code = heading.split(' ').next().unwrap();
            assert!(
                shown.contains(&format!("[{code}]")),
                "no file in tests/rule-errors shows {code}"
            );
        }
    }
}

/// Codes are emitted by name (`Code::E004`), so the compiler holds every
/// emitted code to the registry, where `explain` and the docs read it: no
/// code is written as text anywhere else in the source.
#[test]
fn codes_are_emitted_only_through_the_registry() {
    let mut sources = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.ends_with("diagnostics/codes.rs")
            {
                sources.push((path.clone(), std::fs::read_to_string(path).unwrap()));
            }
        }
    }
    let mut by_name = 0;
    for (path, text) in &sources {
        by_name += text.matches("Code::E0").count() + text.matches("Code::W0").count();
        for (n, _) in text.match_indices("\"E0").chain(text.match_indices("\"W0")) {
            let code = &text[n + 1..(n + 5).min(text.len())];
            let literal = code.len() == 4
                && code[1..].chars().all(|c| c.is_ascii_digit())
                && text[n + 5..].starts_with('"');
            assert!(
                !literal,
                "{}: code {code} written as text; use `Code::{code}` from the registry",
                path.display()
            );
        }
    }
    assert!(by_name > 20, "{by_name}");
}

#[test]
fn json_error_format() {
    let (code, _, stderr) = hocr(&[
        "rules",
        "check",
        "tests/rule-errors/e003-unknown-group.hocr",
        "--error-format",
        "json",
    ]);
    insta::assert_snapshot!("json-error-format", format!("exit: {code}\n\n{stderr}"));
}

#[test]
fn explain_a_rule() {
    let (code, stdout, stderr) = hocr(&["explain", "REC001"]);
    insta::assert_snapshot!(
        "explain-rec001",
        format!("exit: {code}\n\n{stdout}{stderr}")
    );
}

#[test]
fn explain_a_diagnostic() {
    let (code, stdout, stderr) = hocr(&["explain", "e004"]);
    insta::assert_snapshot!("explain-e004", format!("exit: {code}\n\n{stdout}{stderr}"));
}

#[test]
fn explain_list() {
    let (code, stdout, stderr) = hocr(&["explain", "--list"]);
    insta::assert_snapshot!("explain-list", format!("exit: {code}\n\n{stdout}{stderr}"));
}

#[test]
fn explain_an_unknown_code() {
    let (code, stdout, stderr) = hocr(&["explain", "REC01"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(stderr.contains("did you mean `REC001`?"), "{stderr}");
}

#[test]
fn explain_with_other_rules() {
    let (code, stdout, _) = hocr(&[
        "explain",
        "RAP002",
        "--rules",
        "tests/rule-errors/w005-example-name-twice.hocr",
    ]);
    assert_eq!(code, 0);
    assert!(stdout.contains("example \"an N100\""), "{stdout}");
    let (code, _, stderr) = hocr(&[
        "explain",
        "REC001",
        "--rules",
        "tests/rule-errors/e002-unknown-field.hocr",
    ]);
    assert_eq!(code, 2, "rule-file errors stop explain: {stderr}");
}

// ------------------------------------------------ made at run time
// (a FIFO and symbolic links are not kept in the repository)

/// A FIFO named as the rules is refused at once (E028), never waited on.
#[test]
fn e028_fifo() {
    let dir = common::temp("rules-fifo");
    common::mkfifo(&dir.join("rules.hocr"));
    let (code, stdout, stderr) = common::hocr_within(
        &["rules", "check", "rules.hocr", "--error-format", "plain"],
        Some(&dir),
        20,
    )
    .expect("a FIFO as the rules must not block");
    assert_eq!(stdout, "");
    insta::assert_snapshot!("e028-fifo", format!("exit: {code}\n\n{stderr}"));
    // Inside a rules directory too, for `hocr check`.
    let (code, _, stderr) = common::hocr_within(
        &[
            "check",
            "--rules",
            ".",
            "--incidents",
            "i.csv",
            "--crimes",
            "c.csv",
        ],
        Some(&dir),
        20,
    )
    .expect("a FIFO in the rules directory must not block");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("error[E028]: `./rules.hocr` is not a regular file (a FIFO)"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

const LINKED_RULE: &str = "edition \"HOCR April 2026\"\n\n\
rule LNK001 linked-rule \"a rule kept outside the directory\" {\n  \
source \"nowhere\" at \"https://example.org/nowhere\"\n  quote \"nothing\"\n  theme timeliness\n  severity low\n  \
for each crime\n  require recorded_at is present\n}\n";

/// A rule file linked into a rules directory is part of the set; a link
/// whose target is gone is an error naming it, never skipped.
#[test]
fn symlinked_rule_files() {
    let dir = common::temp("rules-links");
    let rules = dir.join("rules");
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("linked.hocr"), LINKED_RULE).unwrap();
    for entry in std::fs::read_dir("rules").unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, rules.join(p.file_name().unwrap())).unwrap();
        }
    }
    std::os::unix::fs::symlink(elsewhere.join("linked.hocr"), rules.join("linked.hocr")).unwrap();
    let path = rules.display().to_string();
    let (code, stdout, stderr) = hocr(&["explain", "--list", "--rules", &path]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("LNK001"),
        "the linked rule is in the set:\n{stdout}"
    );
    assert!(stdout.contains("REC001"), "{stdout}");

    std::fs::remove_file(elsewhere.join("linked.hocr")).unwrap();
    let (code, _, stderr) = hocr(&["rules", "check", &path, "--error-format", "plain"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("error[E012]: cannot read `")
            && stderr.contains("linked.hocr`, a link to `")
            && stderr.contains("no such file or directory"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Thousands of errors: the first 50 on screen and a count of the rest
/// (exit 2 all the same); JSON, for tools, has every one.
#[test]
fn long_error_lists_are_capped_on_screen() {
    let dir = common::temp("rules-many-errors");
    let file = dir.join("broken.hocr");
    std::fs::write(&file, "rule\n".repeat(3000)).unwrap();
    let path = file.display().to_string();
    let (code, _, stderr) = hocr(&["rules", "check", &path, "--error-format", "plain"]);
    assert_eq!(code, 2);
    assert_eq!(stderr.matches("error[E001]").count(), 50, "{stderr}");
    assert!(
        stderr.contains(
            "… and 1450 more (1450 errors and 0 warnings; `--error-format json` lists every one)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.trim_end().ends_with("1500 errors and 0 warnings"),
        "{stderr}"
    );
    let (code, _, stderr) = hocr(&["rules", "check", &path, "--error-format", "json"]);
    assert_eq!(code, 2);
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    assert_eq!(lines.len(), 1500);
    // Positions are right to the last one (each error on an even line,
    // where the next `rule` shows the one before unfinished).
    assert_eq!(lines[1499]["line"], 3000);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A code the shipped rules do not have may be a custom rule set's: the
/// error says how to explain those.
#[test]
fn explaining_an_unknown_code_mentions_rules_dir() {
    let (code, out, err) = hocr(&["explain", "XYZ123"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(err.contains("`hocr explain XYZ123 --rules DIR`"), "{err}");
    let (_, _, err) = hocr(&["explain", "XYZ123", "--rules", "rules"]);
    assert!(!err.contains("--rules DIR"), "{err}");
}
