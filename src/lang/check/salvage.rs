//! Names checked in the part of a clause read before a syntax error, so
//! that a misspelt field on the same line is reported too.

use super::*;

impl Checker {
    /// Names in a clause the parser could not read are checked all the
    /// same, so that a syntax error and a misspelt name on one line are
    /// both reported in one pass: the longest expression that reads
    /// cleanly before each syntax error, in a `where`, `unless` or
    /// `require` clause of a rule, is checked against the rule's subject,
    /// and only what it says about names is kept (a cut-off expression
    /// may not make sense as a whole).
    pub(super) fn salvage(
        &mut self,
        files: &[RuleFile],
        parsed: &[&ast::File],
        broken: &[(usize, usize)],
    ) {
        /// Syntax errors looked into per file, at most: each costs a few
        /// short parses.
        const MAX_PER_FILE: usize = 100;
        let mut per_file = HashMap::new();
        for &(n, at) in broken {
            let seen = per_file.entry(n).or_insert(0);
            *seen += 1;
            if *seen > MAX_PER_FILE {
                continue;
            }
            let text = &files[n].text;
            // A clause longer than this is not worth re-reading (nor is a
            // hostile file's megabyte of expression).
            const MAX_CLAUSE: usize = 4096;
            let Some(start) = clause_start(text, at).filter(|s| at - s <= MAX_CLAUSE) else {
                continue;
            };
            let Some(subject) = subject_at(parsed[n], at) else {
                continue;
            };
            let Some(e) = crate::lang::syntax::parser::expression_before(text, start, at) else {
                continue;
            };
            self.file = n;
            let before = self.diags.len();
            let _ = self.expr(&e, subject);
            let found = self.diags.split_off(before);
            for d in found {
                let known = self
                    .diags
                    .iter()
                    .any(|k| k.code == d.code && k.file == d.file && k.span == d.span);
                if matches!(d.code, Code::E002 | Code::E003) && !known {
                    self.diags.push(d);
                }
            }
        }
    }
}

/// Where the expression of the clause a syntax error at `at` is in
/// begins: just after the `where`, `unless` or `require` that starts its
/// line or one of the two lines before (an expression left open is found
/// wanting on the next line).
pub(super) fn clause_start(text: &str, at: usize) -> Option<usize> {
    let mut line_end = at.min(text.len());
    for _ in 0..3 {
        let line_start = text[..line_end].rfind('\n').map_or(0, |p| p + 1);
        let line = &text[line_start..];
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let word_start = line_start + indent;
        for kw in ["where", "unless", "require"] {
            let after = word_start + kw.len();
            if text[word_start..].starts_with(kw)
                && text[after..].starts_with([' ', '\t'])
                && after < at
            {
                return Some(after);
            }
        }
        if line_start == 0 {
            return None;
        }
        line_end = line_start - 1;
    }
    None
}

/// The subject of the check a position in a rule belongs to: that of the
/// last `for each` before it in the rule around it.
pub(super) fn subject_at(file: &ast::File, at: usize) -> Option<Subject> {
    file.items.iter().find_map(|item| match item {
        Item::Rule(r) if r.span.start <= at && at <= r.span.end => {
            r.clauses.iter().rev().find_map(|c| match c {
                Clause::ForEach(s) if s.span.start < at => Some(s.node),
                _ => None,
            })
        }
        _ => None,
    })
}
