//! The folders of `src/` are layers, and layers point one way: the shared
//! words and tools (`vocab`, `util`) know nothing of the rest; the data
//! side knows no rule; the rule side reads the data side's schema but never
//! runs anything; the run never renders; nothing below the command line
//! knows it. Read from the source, as written (comments and test modules
//! aside), so a new `use` that points the wrong way fails here.
//!
//! Within the rule side, the syntax tree stays upstream of the plan: the
//! run and the outputs read the plan (its examples included), never
//! `lang::syntax`. (The language server, an editor tool over rule text,
//! may.)

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Each layer and the layers it may use.
const ALLOWED: &[(&str, &[&str])] = &[
    ("vocab", &[]),
    ("util", &[]),
    ("data", &["util", "vocab"]),
    ("lang", &["data", "util", "vocab"]),
    ("run", &["lang", "data", "util", "vocab"]),
    ("out", &["run", "lang", "data", "util", "vocab"]),
    ("tools", &["data", "util", "vocab"]),
    (
        "audit",
        &["out", "run", "lang", "data", "util", "vocab", "tools"],
    ),
    ("lsp", &["run", "lang", "data", "util", "vocab"]),
];

/// Modules one layer must not use, though its layer may use their parent:
/// (layer, module, why).
const NOT_USED: &[(&str, &str, &str)] = &[
    (
        "run",
        "lang::syntax",
        "the run reads the plan, never the syntax tree",
    ),
    (
        "out",
        "lang::syntax",
        "the outputs read the plan and the findings, never the syntax tree",
    ),
];

/// A file's code: comments and `#[cfg(test)]` modules left out.
fn code_of(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap();
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    code.lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `code` names the module `path` (`lang::syntax`): written out
/// (`lang::syntax::ast`), or as one item of a group (`lang::{plan, syntax}`).
fn names_module(code: &str, path: &str) -> bool {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let (parent, last) = path.rsplit_once("::").unwrap_or(("", path));
    let word_ends = |rest: &str| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_');
    if code
        .match_indices(path)
        .any(|(n, _)| word_ends(&code[n + path.len()..]))
    {
        return true;
    }
    let group = format!("{parent}::{{");
    code.match_indices(&group).any(|(n, _)| {
        // The group's items at its own level, nested groups skipped.
        let mut depth = 0;
        let mut items = vec![String::new()];
        for c in code[n + group.len()..].chars() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => items.push(String::new()),
                _ if depth == 0 => items.last_mut().unwrap().push(c),
                _ => {}
            }
        }
        items
            .iter()
            .any(|item| item == last || item.starts_with(&format!("{last}::")))
    })
}

/// The top-level modules a file's code names as `crate::X` (comments and
/// `#[cfg(test)]` modules left out).
fn names_used(path: &Path) -> BTreeSet<String> {
    let code = code_of(path);
    let mut found = BTreeSet::new();
    for line in code.lines() {
        for (n, _) in line.match_indices("crate::") {
            let name: String = line[n + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            found.insert(name);
        }
    }
    found
}

/// `path` and, if it is a folder, every `.rs` file under it.
fn sources(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for entry in fs::read_dir(path).unwrap() {
            sources(&entry.unwrap().path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

#[test]
fn layers_point_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut checked = 0;
    for (layer, may) in &allowed {
        let mut files = Vec::new();
        sources(&root.join(format!("{layer}.rs")), &mut files);
        sources(&root.join(layer), &mut files);
        assert!(!files.is_empty(), "no source for layer `{layer}`");
        for path in files {
            for name in names_used(&path) {
                checked += 1;
                assert!(
                    name == *layer || may.contains(&name.as_str()),
                    "{} uses `crate::{name}`, but layer `{layer}` may use only {may:?}",
                    path.display()
                );
            }
        }
    }
    assert!(checked > 50, "{checked}");
}

#[test]
fn the_syntax_tree_stays_upstream_of_the_plan() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = 0;
    for (layer, module, why) in NOT_USED {
        let mut files = Vec::new();
        sources(&root.join(format!("{layer}.rs")), &mut files);
        sources(&root.join(layer), &mut files);
        assert!(!files.is_empty(), "no source for layer `{layer}`");
        for path in files {
            checked += 1;
            assert!(
                !names_module(&code_of(&path), module),
                "{} uses `{module}`: {why}",
                path.display()
            );
        }
    }
    assert!(checked > 20, "{checked}");
}

#[test]
fn a_module_is_found_however_it_is_named() {
    let uses = [
        "use crate::lang::syntax::ast::Example;",
        "use crate::lang::{plan::Plan, syntax::ast};",
        "use crate::lang::{\n    plan,\n    syntax,\n};",
        "use crate::lang::{plan::{Example, Plan}, syntax::ast::Span};",
        "let t = crate::lang::syntax::parse_file(text);",
    ];
    for code in uses {
        assert!(names_module(code, "lang::syntax"), "{code}");
    }
    let other = [
        "use crate::lang::plan::{Example, Plan};",
        "use crate::lang::{examples::clock, plan};",
        "use crate::lang::syntax_free::X;",
        "use crate::lang::{plan::{syntax_like, Plan}, examples};",
    ];
    for code in other {
        assert!(!names_module(code, "lang::syntax"), "{code}");
    }
}
