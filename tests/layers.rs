//! The folders of `src/` are layers, and layers point one way: the shared
//! words and tools (`vocab`, `util`) know nothing of the rest; the data
//! side knows no rule; the rule side reads the data side's schema but never
//! runs anything; the run never renders; nothing below the command line
//! knows it. Read from the source, as written (comments and test modules
//! aside), so a new `use` that points the wrong way fails here.
//!
//! Within a layer, its modules (`run::findings`, `run::baseline`, …) use
//! one another without a circle, so each can be read knowing only those
//! below it.
//!
//! Within the rule side, the syntax tree stays upstream of the plan: the
//! run, the outputs and the audit read the plan (its examples included),
//! never `lang::syntax`. (The language server, an editor tool over rule text,
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
    ("audit", &["out", "run", "lang", "data", "util", "vocab"]),
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
    (
        "audit",
        "lang::syntax",
        "the audit reads the plan's strata, never the syntax tree",
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
    let code = squeezed(code);
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
        items.iter().any(|item| {
            item == last
                || item.starts_with(&format!("{last}::"))
                || item.starts_with(&format!("{last} "))
        })
    })
}

/// `code` with white space only where it parts two words (`use a::b as
/// c`), so that a path or group reads the same however it is laid out.
fn squeezed(code: &str) -> String {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::new();
    let mut space = false;
    for c in code.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && word(c) && out.ends_with(word) {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
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
        "use crate::lang::syntax as tree;",
        "use crate::lang::{\n    syntax as tree,\n    plan,\n};",
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

/// The modules of a layer folder (`run` → `findings`, `engine`, …), each
/// with its files (`engine.rs` and everything under `engine/`).
fn modules_of(layer: &Path) -> BTreeMap<String, Vec<std::path::PathBuf>> {
    let mut modules: BTreeMap<String, Vec<std::path::PathBuf>> = BTreeMap::new();
    for entry in fs::read_dir(layer).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        sources(&path, modules.entry(name).or_default());
    }
    modules
}

/// A circle among `uses` (module → the modules it uses), as the path
/// round it, if there is one.
fn circle(uses: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        at: &str,
        uses: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|m| m == at) {
            let mut round = path[start..].to_vec();
            round.push(at.to_string());
            return Some(round);
        }
        if done.contains(at) {
            return None;
        }
        path.push(at.to_string());
        for next in uses.get(at).into_iter().flatten() {
            if let Some(round) = visit(next, uses, path, done) {
                return Some(round);
            }
        }
        path.pop();
        done.insert(at.to_string());
        None
    }
    let mut done = BTreeSet::new();
    uses.keys()
        .find_map(|m| visit(m, uses, &mut Vec::new(), &mut done))
}

#[test]
fn the_modules_of_a_layer_use_one_another_without_a_circle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut edges = 0;
    for (layer, _) in ALLOWED {
        let folder = root.join(layer);
        if !folder.is_dir() {
            continue;
        }
        let modules = modules_of(&folder);
        let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (module, files) in &modules {
            for path in files {
                let code = code_of(path);
                // A module's top file names its siblings through `super::`.
                let top = path.parent() == Some(folder.as_path());
                for other in modules.keys().filter(|o| *o != module) {
                    if names_module(&code, &format!("{layer}::{other}"))
                        || (top && names_module(&code, &format!("super::{other}")))
                    {
                        uses.entry(module.clone())
                            .or_default()
                            .insert(other.clone());
                    }
                }
            }
        }
        edges += uses.values().map(BTreeSet::len).sum::<usize>();
        if let Some(round) = circle(&uses) {
            panic!(
                "the modules of `{layer}` use one another in a circle: {}",
                round.join(" -> ")
            );
        }
    }
    assert!(edges > 10, "{edges}");
}

#[test]
fn a_circle_is_found() {
    let graph = |edges: &[(&str, &str)]| {
        let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in edges {
            uses.entry(from.to_string())
                .or_default()
                .insert(to.to_string());
        }
        uses
    };
    let round = circle(&graph(&[
        ("findings", "baseline"),
        ("baseline", "records"),
        ("records", "findings"),
    ]));
    assert_eq!(
        round.unwrap(),
        ["baseline", "records", "findings", "baseline"]
    );
    assert_eq!(
        circle(&graph(&[
            ("stream", "engine"),
            ("stream", "findings"),
            ("engine", "findings")
        ])),
        None
    );
}
