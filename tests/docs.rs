//! The documents in the repository are the whole documentation: none points
//! outside it (a reader of a clone has nothing else), and every relative
//! link reaches a file that exists.

use std::path::{Path, PathBuf};

fn documents(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if p.is_dir() {
            if !name.starts_with('.') && name != "target" {
                documents(&p, out);
            }
        } else if p.extension().is_some_and(|e| e == "md" || e == "hocr") {
            out.push(p);
        }
    }
}

fn all() -> Vec<PathBuf> {
    let mut out = Vec::new();
    documents(Path::new("."), &mut out);
    out.sort();
    assert!(out.len() > 10, "documents found: {out:?}");
    out
}

#[test]
fn no_document_points_outside_the_repository() {
    for p in all() {
        // Lossy: one rule file of the error corpus is not UTF-8 on purpose.
        let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
        for outside in ["../shared", "SPEC.md", "SPEC §", "/work/"] {
            assert!(
                !text.contains(outside),
                "{} mentions `{outside}`, which is not in the repository",
                p.display()
            );
        }
    }
}

#[test]
fn every_relative_link_reaches_a_file() {
    for p in all()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
    {
        let text = std::fs::read_to_string(&p).unwrap();
        for (n, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(at) = rest.find("](") {
                rest = &rest[at + 2..];
                let Some(end) = rest.find(')') else { break };
                let target = &rest[..end];
                rest = &rest[end..];
                if target.contains("://")
                    || target.starts_with('#')
                    || target.starts_with("mailto:")
                {
                    continue;
                }
                let file = target.split('#').next().unwrap();
                let resolved = p.parent().unwrap().join(file);
                assert!(
                    resolved.exists(),
                    "{}:{}: the link `{target}` reaches nothing",
                    p.display(),
                    n + 1
                );
            }
        }
    }
}

/// A new `--format` is documented where users look: README's list of
/// formats, and (for every format but the human text) its own section of
/// `docs/report-json.md`.
#[test]
fn every_report_format_is_documented() {
    use clap::ValueEnum;
    let readme = std::fs::read_to_string("README.md").unwrap();
    let formats = std::fs::read_to_string("docs/report-json.md").unwrap();
    let headings: Vec<&str> = formats.lines().filter(|l| l.starts_with("## ")).collect();
    for format in hocr::out::report::Format::value_variants() {
        let name = format.to_possible_value().unwrap().get_name().to_string();
        let shown = format!("--format {name}");
        let shows = readme.match_indices(&shown).any(|(at, _)| {
            !readme[at + shown.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '-')
        });
        assert!(shows, "README.md never shows `--format {name}`");
        if name != "text" {
            assert!(
                headings.iter().any(|h| h.contains(&format!("`{name}`"))),
                "docs/report-json.md has no section for `{name}`"
            );
        }
    }
}

/// A new clause or item word of the rule language is documented in the
/// language reference and highlighted by the editor grammar.
#[test]
fn every_rule_language_word_is_documented_and_highlighted() {
    use hocr::lang::syntax::parser::{CLAUSE_WORDS, ITEM_WORDS};
    let reference = std::fs::read_to_string("docs/language.md").unwrap();
    let grammar = std::fs::read_to_string("editors/hocr.tmLanguage.json").unwrap();
    let in_grammar = |word: &str| {
        grammar.match_indices(word).any(|(at, _)| {
            let before = grammar[..at].chars().last();
            let after = &grammar[at + word.len()..];
            matches!(before, Some('(' | '|'))
                && (after.starts_with(['|', ')']) || after.starts_with("\\\\s"))
        })
    };
    for word in CLAUSE_WORDS.iter().chain(ITEM_WORDS) {
        assert!(
            reference.contains(&format!("`{word}")),
            "docs/language.md never shows `{word}`"
        );
        assert!(
            in_grammar(word),
            "editors/hocr.tmLanguage.json does not highlight `{word}`"
        );
    }
}
