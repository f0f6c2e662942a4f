//! Where rule files come from: the set shipped inside the binary, or a
//! file or directory the user names. Reading is all this module does; it
//! never follows anything a rule file says (rule files cannot include).

use crate::lang::diagnostics::{Code, Diagnostic, Level};
use crate::lang::plan::RuleFile;
use crate::vocab::Span;
use std::path::{Path, PathBuf};

/// The folder of a rule set that holds its golden cases (run by
/// `crate::run::cases`), not rules.
pub const CASES_DIR: &str = "cases";

/// The extension of rule files.
pub const EXTENSION: &str = "hocr";

const SHIPPED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/shipped_rules.rs"));

/// The rule set in `rules/`, as compiled into the binary.
pub fn shipped() -> Vec<RuleFile> {
    SHIPPED
        .iter()
        .map(|(name, text)| RuleFile {
            name: (*name).to_string(),
            text: (*text).to_string(),
        })
        .collect()
}

fn problem(message: String, help: &str) -> Diagnostic {
    problem_coded(Code::E012, message, help)
}

fn problem_coded(code: Code, message: String, help: &str) -> Diagnostic {
    Diagnostic {
        code,
        level: Level::Error,
        file: None,
        span: Span::default(),
        message,
        help: help.into(),
    }
}

/// Reads one rule file, or every `*.hocr` file under a directory (sorted by
/// path, so the rule set and its fingerprint do not depend on the disk).
/// Every unreadable file is reported, not just the first.
pub fn from_path(path: &Path) -> Result<Vec<RuleFile>, Vec<Diagnostic>> {
    let mut paths = Vec::new();
    let mut errors = Vec::new();
    if path.is_dir() {
        let mut visited = Vec::new();
        collect(path, &mut paths, &mut errors, &mut visited);
        if paths.is_empty() && errors.is_empty() {
            errors.push(problem(
                format!("no rule files (`*.{EXTENSION}`) in `{}`", path.display()),
                "point --rules at a rule file or a directory of them",
            ));
        }
    } else {
        paths.push(path.to_path_buf());
    }
    paths.sort();
    let mut files = Vec::new();
    for p in paths {
        // Reading a FIFO or a device would wait for a writer, or never end.
        if let Some(kind) = std::fs::metadata(&p)
            .ok()
            .and_then(|m| crate::util::file::not_regular(&m))
        {
            errors.push(problem_coded(
                Code::E028,
                format!("`{}` is not a regular file ({kind})", p.display()),
                "name a rule file, or a directory of them",
            ));
            continue;
        }
        match std::fs::read(&p) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => files.push(RuleFile {
                    name: p.display().to_string(),
                    text,
                }),
                Err(e) => {
                    let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                    let line = good.iter().filter(|b| **b == b'\n').count() + 1;
                    let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |n| n + 1);
                    let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
                    errors.push(problem(
                        format!(
                            "`{}` is not UTF-8 text: line {line}, column {column} holds a byte that is not UTF-8",
                            p.display()
                        ),
                        "save the rule file as UTF-8 (most editors offer it under \"save as\" or \"encoding\")",
                    ))
                }
            },
            Err(e) => errors.push(problem(
                format!("cannot read `{}`: {}", p.display(), lower(&e.to_string())),
                "check the path and its permissions",
            )),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

/// Every `*.hocr` file under `dir`. Symbolic links are followed: a rule
/// file linked into the directory is part of the set, and one whose link
/// is broken is an error, never skipped. A directory reached twice
/// (through a link back up) is read once.
fn collect(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    errors: &mut Vec<Diagnostic>,
    visited: &mut Vec<PathBuf>,
) {
    if let Ok(real) = std::fs::canonicalize(dir) {
        if visited.contains(&real) {
            return;
        }
        visited.push(real);
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(problem(
                format!("cannot read `{}`: {}", dir.display(), lower(&e.to_string())),
                "check the path and its permissions",
            ));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(problem(
                    format!("cannot read `{}`: {}", dir.display(), lower(&e.to_string())),
                    "check the path and its permissions",
                ));
                continue;
            }
        };
        let p = entry.path();
        let is_rule_file = p.extension().is_some_and(|e| e == EXTENSION);
        // Through any link: what the entry is.
        let meta = match std::fs::metadata(&p) {
            Ok(meta) => meta,
            Err(e) if is_rule_file => {
                let target = std::fs::read_link(&p)
                    .map(|t| format!(", a link to `{}` that", t.display()))
                    .unwrap_or_default();
                errors.push(problem(
                    format!(
                        "cannot read `{}`{target}: {}",
                        p.display(),
                        lower(&e.to_string())
                    ),
                    "mend or remove the link: every `*.hocr` file in the directory is part of the rule set",
                ));
                continue;
            }
            Err(_) => continue,
        };
        // `cases/` holds the rule set's golden cases (`crate::run::cases`),
        // not rules.
        if meta.is_dir() {
            if entry.file_name() != CASES_DIR {
                collect(&p, out, errors, visited);
            }
        } else if is_rule_file {
            // Not a regular file: refused when read (E028).
            out.push(p);
        }
    }
}

fn lower(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}
