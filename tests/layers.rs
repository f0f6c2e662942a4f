//! The folders of `src/` are layers, and layers point one way: the shared
//! words and tools (`vocab`, `util`) know nothing of the rest; the data
//! side knows no rule; the rule side reads the data side's schema but never
//! runs anything; the run never renders; nothing below the command line
//! knows it. Read from the source, as written (comments and test modules
//! aside), so a new `use` that points the wrong way fails here.

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

/// The top-level modules a file's code names as `crate::X` (comments and
/// `#[cfg(test)]` modules left out).
fn names_used(path: &Path) -> BTreeSet<String> {
    let text = fs::read_to_string(path).unwrap();
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut found = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or("");
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
