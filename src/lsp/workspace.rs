//! The server's view of the rule files: open buffers over the files on
//! disk, grouped into rule sets (a file's set is every rule file in its
//! directory), each file parsed once per text.

use super::index::{Occurrence, occurrences};
use super::text::LineIndex;
use crate::lang::check::check_parsed;
use crate::lang::diagnostics::Diagnostic;
use crate::lang::files as rulefiles;
use crate::lang::plan::{Plan, RuleFile};
use crate::lang::syntax::ast;
use crate::lang::syntax::{SyntaxError, parse_file};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One text, parsed, with its line index and the names written in it.
#[derive(Debug)]
pub struct Parsed {
    pub text: String,
    pub tree: ast::File,
    pub errors: Vec<SyntaxError>,
    pub lines: LineIndex,
    pub names: Vec<Occurrence>,
}

impl Parsed {
    pub fn new(text: String) -> Parsed {
        let (tree, errors) = parse_file(&text);
        let lines = LineIndex::new(&text);
        let names = occurrences(&tree);
        Parsed {
            text,
            tree,
            errors,
            lines,
            names,
        }
    }
}

/// The files of one rule set, in the order `hocr rules check` reads them.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub files: Vec<(PathBuf, Arc<Parsed>)>,
}

impl RuleSet {
    pub fn file(&self, path: &Path) -> Option<&Arc<Parsed>> {
        self.files.iter().find(|(p, _)| p == path).map(|(_, f)| f)
    }
}

/// A rule set checked: the plan when it has no errors, and every
/// diagnostic, by index into `set.files` (as the checker gives them).
pub struct Checked {
    pub set: RuleSet,
    pub plan: Option<Plan>,
    pub diags: Vec<Diagnostic>,
}

#[derive(Default)]
pub struct Workspace {
    /// Open buffers: what the editor shows wins over the disk.
    open: BTreeMap<PathBuf, String>,
    /// The last parse of each file, reused while its text is unchanged.
    parses: HashMap<PathBuf, Arc<Parsed>>,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace::default()
    }

    pub fn open(&mut self, path: PathBuf, text: String) {
        self.open.insert(path, text);
    }

    pub fn change(&mut self, path: &Path, text: String) {
        self.open.insert(path.to_path_buf(), text);
    }

    pub fn close(&mut self, path: &Path) {
        self.open.remove(path);
    }

    pub fn is_open(&self, path: &Path) -> bool {
        self.open.contains_key(path)
    }

    /// The directories of the open files: the rule sets the editor shows.
    pub fn open_dirs(&self) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = self
            .open
            .keys()
            .filter_map(|p| p.parent().map(Path::to_path_buf))
            .collect();
        dirs.sort();
        dirs.dedup();
        dirs
    }

    /// The parse of a text, from the cache when the text is unchanged.
    fn parsed(&mut self, path: &Path, text: String) -> Arc<Parsed> {
        if let Some(p) = self.parses.get(path)
            && p.text == text
        {
            return p.clone();
        }
        let p = Arc::new(Parsed::new(text));
        self.parses.insert(path.to_path_buf(), p.clone());
        p
    }

    /// The rule set a file belongs to: every rule file in its directory,
    /// open buffers in place of their files, and the file itself even if
    /// it is not saved yet.
    pub fn set_of(&mut self, path: &Path) -> RuleSet {
        let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        self.set_in(&dir, Some(path))
    }

    /// The rule set of a directory (and the file `with`, if it is not there).
    pub fn set_in(&mut self, dir: &Path, with: Option<&Path>) -> RuleSet {
        let mut texts: BTreeMap<PathBuf, String> = BTreeMap::new();
        for f in rule_files_in(dir) {
            texts.insert(PathBuf::from(f.name), f.text);
        }
        for (p, text) in &self.open {
            if texts.contains_key(p) || p.parent() == Some(dir) || Some(p.as_path()) == with {
                texts.insert(p.clone(), text.clone());
            }
        }
        let files = texts
            .into_iter()
            .map(|(p, text)| {
                let parsed = self.parsed(&p, text);
                (p, parsed)
            })
            .collect();
        RuleSet { files }
    }

    /// Checks the set a file belongs to.
    pub fn check(&mut self, path: &Path) -> Checked {
        check_set(self.set_of(path))
    }
}

/// Checks a rule set with the parses it holds.
pub fn check_set(set: RuleSet) -> Checked {
    let files: Vec<RuleFile> = set
        .files
        .iter()
        .map(|(p, f)| RuleFile {
            name: p.display().to_string(),
            text: f.text.clone(),
        })
        .collect();
    let trees: Vec<&ast::File> = set.files.iter().map(|(_, f)| &f.tree).collect();
    let errors: Vec<&[SyntaxError]> = set.files.iter().map(|(_, f)| f.errors.as_slice()).collect();
    let (plan, diags) = check_parsed(files, &trees, &errors);
    Checked { set, plan, diags }
}

/// The rule files directly in a directory that can be read, each read as
/// `hocr rules check` reads it. Subdirectories are not searched: a file
/// opened in a large directory (a home directory) must not start a walk of
/// everything under it.
fn rule_files_in(dir: &Path) -> Vec<RuleFile> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let p = e.path();
        // Symbolic links are not followed, as `rulefiles` does not.
        let is_file = e.file_type().is_ok_and(|t| t.is_file());
        if is_file
            && p.extension().is_some_and(|x| x == rulefiles::EXTENSION)
            && let Ok(files) = rulefiles::from_path(&p)
        {
            out.extend(files);
        }
    }
    out
}
