//! `hocr explain CODE`: what a rule checks and why, quoted from its rule
//! file (which is written to be read), or what a rule-file diagnostic means
//! and how to fix it, from the registry of codes
//! ([`crate::lang::diagnostics::codes`]). Nothing here is written about any one
//! rule or code: it all comes from the rule files and the registry.

use crate::lang::diagnostics::{self, line_col};
use crate::lang::plan::{Plan, Rule};
use crate::lang::syntax::ast::{Clause, Item, Span};
use crate::lang::syntax::parse_file;
use crate::util::suggest::did_you_mean;
use std::fmt::Write;

/// A code that is neither a rule nor a diagnostic.
#[derive(Debug, PartialEq, Eq)]
pub struct Unknown {
    pub code: String,
    pub suggestion: Option<String>,
}

/// The explanation of a rule code or a diagnostic code (any case).
pub fn explain(plan: &Plan, code: &str) -> Result<String, Unknown> {
    if let Some(rule) = plan.rule(code.trim()) {
        return Ok(rule_text(plan, rule));
    }
    if let Some(text) = diagnostic_text(code) {
        return Ok(text);
    }
    let codes = all_codes(plan);
    Err(Unknown {
        code: code.to_string(),
        suggestion: did_you_mean(&code.trim().to_ascii_uppercase(), codes.iter().copied())
            .map(str::to_string),
    })
}

/// The explanation of a diagnostic code (any case), which needs no rules:
/// the language server shows it on hover even while the rules have errors.
pub fn diagnostic_text(code: &str) -> Option<String> {
    diagnostics::doc(code).map(|doc| format!("{} {}\n\n{}\n", doc.code, doc.title, doc.body))
}

fn all_codes(plan: &Plan) -> Vec<&str> {
    plan.rules
        .iter()
        .map(|r| r.code.as_str())
        .chain(diagnostics::documented().map(|d| d.code))
        .collect()
}

/// Every code with its title: the rules, then the diagnostics.
pub fn list(plan: &Plan) -> String {
    let mut rules: Vec<&Rule> = plan.rules.iter().collect();
    rules.sort_by(|a, b| a.code.cmp(&b.code));
    let code_width = all_codes(plan).iter().map(|c| c.len()).max().unwrap_or(0);
    let name_width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = format!("rules ({})\n", plan.edition());
    for r in rules {
        let _ = writeln!(
            out,
            "  {:<code_width$}  {:<name_width$}  {}",
            r.code, r.name, r.title
        );
    }
    out.push_str("\nrule-file diagnostics\n");
    for d in diagnostics::documented() {
        let _ = writeln!(out, "  {:<code_width$}  {}", d.code, d.title);
    }
    out
}

/// The rule as written: its file is parsed again so everything shown is
/// the author's own text.
fn rule_text(plan: &Plan, rule: &Rule) -> String {
    let Some(file) = plan.files.get(rule.file) else {
        return format!("{} {}\n{}\n", rule.code, rule.name, rule.title);
    };
    let text = file.text.as_str();
    let (tree, _) = parse_file(text);
    let edition = tree.items.iter().find_map(|i| match i {
        Item::Edition(e) => Some(e.node.clone()),
        _ => None,
    });
    let clauses: &[Clause] = tree
        .items
        .iter()
        .find_map(|i| match i {
            Item::Rule(r) if r.code.node == rule.code => Some(r.clauses.as_slice()),
            _ => None,
        })
        .unwrap_or(&[]);
    let severity = clauses.iter().find_map(|c| match c {
        Clause::Severity(e) => Some(one_line(slice(text, e.span))),
        _ => None,
    });

    let (line, _) = line_col(text, rule.span.start);
    let mut out = format!("{} {}\n{}\n\n", rule.code, rule.name, rule.title);
    let mut field = |name: &str, value: &str| {
        let _ = writeln!(out, "{name:<9} {value}");
    };
    field("theme", &rule.theme);
    field("severity", severity.as_deref().unwrap_or("medium"));
    field("edition", edition.as_deref().unwrap_or("unstated"));
    field("file", &format!("{}:{line}", file.name));

    out.push_str("\nwhat it checks\n");
    // The plan's examples know where they are written.
    let example_spans: Vec<Span> = rule.examples.iter().map(|e| e.span).collect();
    let checks = without(text, rule.span, &example_spans);
    out.push_str(&indent(&checks));
    let used = definitions_used(plan, &checks);
    if !used.is_empty() {
        out.push_str("\nwith these definitions\n");
        for d in used {
            out.push_str(&indent(&d));
        }
    }

    out.push_str("\nsource\n");
    if rule.sources.is_empty() {
        out.push_str("  (none: this rule rests on force policy alone)\n");
    }
    for s in &rule.sources {
        let _ = writeln!(out, "  {}", s.text);
        if let Some(a) = &s.address {
            let _ = writeln!(out, "    {a}");
        }
    }
    // What the document says and what the force decided are kept apart, so
    // a reader never takes a force's reading for the published text.
    out.push_str("\nThe source says\n");
    if rule.quotes.is_empty() {
        out.push_str("  (nothing quoted)\n");
    }
    for q in &rule.quotes {
        let _ = writeln!(out, "  \"{q}\"");
    }
    out.push_str("\nForce policy\n");
    if rule.policies.is_empty() {
        out.push_str("  (none)\n");
    }
    for p in &rule.policies {
        let _ = writeln!(out, "  {p}");
    }
    out.push_str("\nexamples\n");
    if rule.examples.is_empty() {
        out.push_str("  none: add one with `example \"…\" { … }` (see docs/language.md)\n");
    }
    for (n, e) in rule.examples.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        out.push_str(&indent(&dedent(text, e.span)));
    }
    out
}

/// The text of every `define` whose name the rule's text uses.
fn definitions_used(plan: &Plan, rule_text: &str) -> Vec<String> {
    let words: std::collections::HashSet<&str> = rule_text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    let mut out = Vec::new();
    for file in &plan.files {
        let text = file.text.as_str();
        for item in parse_file(text).0.items {
            if let Item::Define(d) = item
                && words.contains(d.name.node.as_str())
            {
                let start = text[..d.name.span.start]
                    .rfind("define")
                    .unwrap_or(d.name.span.start);
                out.push(dedent(
                    text,
                    Span {
                        start,
                        end: d.value.span.end,
                    },
                ));
            }
        }
    }
    out
}

fn slice(text: &str, span: Span) -> &str {
    text.get(span.start..span.end.min(text.len())).unwrap_or("")
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn indent(block: &str) -> String {
    block
        .lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("  {l}\n")
            }
        })
        .collect()
}

/// The text of `span`, its later lines shifted left as far as its first.
fn dedent(text: &str, span: Span) -> String {
    let (_, col) = line_col(text, span.start);
    let shift = col - 1;
    slice(text, span)
        .lines()
        .enumerate()
        .map(|(n, l)| {
            let l = if n == 0 {
                l
            } else {
                let spaces = l.len() - l.trim_start_matches(' ').len();
                &l[spaces.min(shift)..]
            };
            format!("{}\n", l.trim_end())
        })
        .collect()
}

/// The lines of `span` except those inside any of `cut`, without the
/// blank lines the cut leaves behind.
fn without(text: &str, span: Span, cut: &[Span]) -> String {
    let mut kept: Vec<&str> = Vec::new();
    let mut offset = span.start;
    for line in slice(text, span).split_inclusive('\n') {
        let start = offset + (line.len() - line.trim_start().len());
        offset += line.len();
        let inside = cut.iter().any(|c| c.start <= start && start < c.end);
        let line = line.trim_end();
        let blank_after_blank = line.is_empty() && kept.last().is_none_or(|l| l.is_empty());
        if !inside && !blank_after_blank {
            kept.push(line);
        }
    }
    // A blank line left just before the closing `}`.
    if let [.., blank, _] = kept.as_slice()
        && blank.is_empty()
    {
        kept.remove(kept.len() - 2);
    }
    kept.iter().map(|l| format!("{l}\n")).collect()
}
