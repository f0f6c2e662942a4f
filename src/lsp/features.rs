//! What the editor asks for, answered from a rule set's parses: hover,
//! definitions and references, symbols, completion, formatting, code
//! lenses, and the checker's diagnostics in LSP form.

use super::index::{Kind, Occurrence};
use super::text::path_to_uri;
use super::workspace::{Parsed, RuleSet};
use crate::data::records::{self, Table};
use crate::lang::check::{link, table_of};
use crate::lang::diagnostics::{self, Level};
use crate::lang::explain;
use crate::lang::syntax::ast::{self, Clause, Item, Member, Span, Subject};
use crate::lang::syntax::parser::{CLAUSE_WORDS, ITEM_WORDS};
use crate::util::text::plural;
use lsp_types::{
    CompletionItem, CompletionItemKind, DiagnosticSeverity, DocumentSymbol, Location,
    MarkupContent, MarkupKind, NumberOrString, Position, SymbolKind, TextEdit,
};
use std::collections::HashSet;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// How many members of a group a hover lists.
const MEMBERS_SHOWN: usize = 20;

// ------------------------------------------------------------ diagnostics

/// A checker diagnostic as the editor shows it: the same code, message and
/// range as `hocr rules check`, the help on a line of its own.
pub fn diagnostic(d: &diagnostics::Diagnostic, file: Option<&Parsed>) -> lsp_types::Diagnostic {
    let range = match file {
        Some(f) => f.lines.range(&f.text, d.span),
        None => lsp_types::Range::default(),
    };
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.level {
            Level::Error => DiagnosticSeverity::ERROR,
            Level::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("hocr".into()),
        message: format!("{}\nhelp: {}", d.message, d.help),
        ..Default::default()
    }
}

// ------------------------------------------------------------ finding names

/// The name written at a byte offset (the narrowest, if names nest).
fn name_at(f: &Parsed, offset: usize) -> Option<&Occurrence> {
    f.names
        .iter()
        .filter(|o| o.span.start <= offset && offset <= o.span.end)
        .min_by_key(|o| o.span.end - o.span.start)
}

/// Whether two names are the same thing: a calendar's uses (`working
/// days`) go with every calendar.
fn same(a: &Occurrence, b: &Occurrence) -> bool {
    match (a.kind, b.kind) {
        (Kind::Calendar, Kind::Calendar) => {
            a.name.is_empty() || b.name.is_empty() || a.name == b.name
        }
        (x, y) => x == y && a.name == b.name,
    }
}

fn location(path: &Path, f: &Parsed, span: Span) -> Location {
    Location::new(path_to_uri(path), f.lines.range(&f.text, span))
}

/// Where what is named at `pos` is declared, in any file of the set.
pub fn definition(set: &RuleSet, path: &Path, pos: Position) -> Vec<Location> {
    let Some(f) = set.file(path) else {
        return Vec::new();
    };
    let Some(at) = name_at(f, f.lines.offset(&f.text, pos)) else {
        return Vec::new();
    };
    every(set, |o| o.decl && same(o, at))
}

/// Every place what is named at `pos` is written, in any file of the set.
pub fn references(set: &RuleSet, path: &Path, pos: Position, with_decl: bool) -> Vec<Location> {
    let Some(f) = set.file(path) else {
        return Vec::new();
    };
    let Some(at) = name_at(f, f.lines.offset(&f.text, pos)) else {
        return Vec::new();
    };
    every(set, |o| (with_decl || !o.decl) && same(o, at))
}

fn every(set: &RuleSet, wanted: impl Fn(&Occurrence) -> bool) -> Vec<Location> {
    let mut out = Vec::new();
    for (p, f) in &set.files {
        let mut found: Vec<&Occurrence> = f.names.iter().filter(|o| wanted(o)).collect();
        found.sort_by_key(|o| o.span.start);
        out.extend(found.into_iter().map(|o| location(p, f, o.span)));
    }
    out
}

// ------------------------------------------------------------ hover

/// What the name (or code) under the cursor is, in Markdown.
pub fn hover(set: &RuleSet, path: &Path, pos: Position) -> Option<MarkupContent> {
    let f = set.file(path)?;
    let offset = f.lines.offset(&f.text, pos);
    let text = match name_at(f, offset) {
        Some(o) => match o.kind {
            Kind::Rule => rule_hover(set, &o.name),
            Kind::Group => group_hover(set, &o.name),
            Kind::Define => define_hover(set, &o.name),
            Kind::Field(t) => field_hover(t, &o.name),
            Kind::Calendar => calendar_hover(set, &o.name),
            Kind::Audit => audit_hover(set, &o.name),
        },
        // A code in a comment, a message or a quote.
        None => {
            let word = word_at(&f.text, offset)?;
            rule_hover(set, word).or_else(|| explain::diagnostic_text(word).map(|t| code_doc(&t)))
        }
    }?;
    Some(MarkupContent {
        kind: MarkupKind::Markdown,
        value: text,
    })
}

/// The word (letters, digits, `_`) around a byte offset.
fn word_at(text: &str, offset: usize) -> Option<&str> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(offset, |(n, _)| n);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(text.len(), |(n, _)| offset + n);
    (start < end).then(|| &text[start..end])
}

/// `explain`'s text for a diagnostic code, its first line as a heading.
fn code_doc(text: &str) -> String {
    let (head, body) = text.split_once('\n').unwrap_or((text, ""));
    format!("**{head}**\n{body}")
}

fn rules(set: &RuleSet) -> impl Iterator<Item = (&PathBuf, &Parsed, &ast::Rule)> {
    set.files.iter().flat_map(|(p, f)| {
        f.tree.items.iter().filter_map(move |i| match i {
            Item::Rule(r) => Some((p, &**f, r)),
            _ => None,
        })
    })
}

fn groups(set: &RuleSet) -> impl Iterator<Item = (&PathBuf, &Parsed, &ast::Group)> {
    set.files.iter().flat_map(|(p, f)| {
        f.tree.items.iter().filter_map(move |i| match i {
            Item::Group(g) => Some((p, &**f, g)),
            _ => None,
        })
    })
}

fn defines(set: &RuleSet) -> impl Iterator<Item = (&PathBuf, &Parsed, &ast::Define)> {
    set.files.iter().flat_map(|(p, f)| {
        f.tree.items.iter().filter_map(move |i| match i {
            Item::Define(d) => Some((p, &**f, d)),
            _ => None,
        })
    })
}

fn file_line(path: &Path, f: &Parsed, span: Span) -> String {
    let name = path
        .file_name()
        .map_or(path.to_string_lossy(), |n| n.to_string_lossy());
    format!("{name}:{}", f.lines.position(&f.text, span.start).line + 1)
}

/// A rule's code, name and title, what it quotes (kept apart from force
/// policy, as `explain` keeps them) and where that is from.
fn rule_hover(set: &RuleSet, code: &str) -> Option<String> {
    let (path, f, rule) = rules(set).find(|(_, _, r)| r.code.node == code)?;
    let mut out = format!(
        "**{}** `{}` — {}\n",
        rule.code.node, rule.name.node, rule.title.node
    );
    let mut sources = Vec::new();
    let mut policies = Vec::new();
    let mut examples = 0;
    for c in &rule.clauses {
        match c {
            Clause::Quote(q) => {
                let _ = write!(out, "\n> {}\n", q.node.replace('\n', "\n> "));
            }
            Clause::Policy(p) => policies.push(p.node.as_str()),
            Clause::Applies(a) => {
                let from = a.node.from.as_ref().map(|d| format!(" from {}", d.node));
                let until = a.node.until.as_ref().map(|d| format!(" until {}", d.node));
                let _ = write!(
                    out,
                    "\napplies{}{}\n",
                    from.unwrap_or_default(),
                    until.unwrap_or_default()
                );
            }
            Clause::Source(s) => sources.push(s),
            Clause::Example(_) => examples += 1,
            _ => {}
        }
    }
    for p in policies {
        let _ = write!(out, "\nForce policy: {p}\n");
    }
    for s in sources {
        match &s.address {
            Some(a) => {
                let _ = write!(out, "\nsource: [{}]({})\n", s.text.node, a.node.trim());
            }
            None => {
                let _ = write!(out, "\nsource: {}\n", s.text.node);
            }
        }
    }
    let _ = write!(
        out,
        "\n{} · {}",
        plural(examples, "example"),
        file_line(path, f, rule.code.span)
    );
    Some(out)
}

fn member_text(m: &Member) -> String {
    match m {
        Member::Code { text, quoted: true } => format!("\"{text}\""),
        Member::Code { text, .. } | Member::Word(text) => text.clone(),
        Member::Range(a, b) => format!("{a}..{b}"),
    }
}

/// A group's members, those of the groups it includes in their place.
fn group_hover(set: &RuleSet, name: &str) -> Option<String> {
    let (path, f, group) = groups(set).find(|(_, _, g)| g.name.node == name)?;
    let mut members = Vec::new();
    let mut seen = HashSet::from([name.to_string()]);
    flatten(set, group, &mut seen, &mut members);
    let shown: Vec<String> = members
        .iter()
        .take(MEMBERS_SHOWN)
        .map(|m| format!("`{m}`"))
        .collect();
    let more = members.len().saturating_sub(MEMBERS_SHOWN);
    let mut out = format!(
        "**group {name}**: {}\n\n{}",
        plural(members.len(), "member"),
        shown.join(", ")
    );
    if more > 0 {
        let _ = write!(out, ", … and {more} more");
    }
    let _ = write!(out, "\n\n{}", file_line(path, f, group.name.span));
    Some(out)
}

fn flatten(set: &RuleSet, g: &ast::Group, seen: &mut HashSet<String>, out: &mut Vec<String>) {
    for m in &g.members {
        if let Member::Word(w) = &m.node
            && let Some((_, _, inner)) = groups(set).find(|(_, _, x)| x.name.node == *w)
        {
            // A circle is the checker's to report (E009); list each group once.
            if seen.insert(w.clone()) {
                flatten(set, inner, seen, out);
            }
            continue;
        }
        out.push(member_text(&m.node));
    }
}

/// A definition as written.
fn define_hover(set: &RuleSet, name: &str) -> Option<String> {
    let mut out = String::new();
    for (path, f, d) in defines(set).filter(|(_, _, d)| d.name.node == name) {
        let line_start = f.text[..d.name.span.start].rfind('\n').map_or(0, |n| n + 1);
        let end = d.value.span.end.min(f.text.len());
        let _ = write!(
            out,
            "```hocr\n{}\n```\n{}\n\n",
            &f.text[line_start..end],
            file_line(path, f, d.name.span)
        );
    }
    (!out.is_empty()).then(|| out.trim_end().to_string())
}

/// A field's type and meaning, from the export schema.
fn field_hover(table: Table, name: &str) -> Option<String> {
    let field = table.fields().get(table.field_index(name)?)?;
    let mut out = format!(
        "**{name}**: field of each {}\n\n{}, {}",
        table.singular(),
        field.ty.words(),
        if field.required {
            "required"
        } else {
            "optional"
        }
    );
    if let Some(m) = records::meaning(table, name) {
        let _ = write!(out, "\n\n{m}");
    }
    Some(out)
}

fn calendar_hover(set: &RuleSet, name: &str) -> Option<String> {
    let mut out = String::new();
    for (path, f) in &set.files {
        for item in &f.tree.items {
            let Item::Calendar(c) = item else { continue };
            if !name.is_empty() && c.name.node != name {
                continue;
            }
            let covers = match &c.covers {
                Some((a, b)) => format!(", covers {} to {}", a.node, b.node),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "**calendar {}**: {}{covers} · {}\n",
                c.name.node,
                plural(c.days.len(), "holiday"),
                file_line(path, f, c.name.span)
            );
        }
    }
    if name.is_empty() {
        out.insert_str(
            0,
            "Working days are Monday to Friday except these calendars' holidays.\n\n",
        );
    }
    (!out.is_empty()).then(|| out.trim_end().to_string())
}

fn audit_hover(set: &RuleSet, name: &str) -> Option<String> {
    for (path, f) in &set.files {
        for item in &f.tree.items {
            if let Item::Audit(a) = item
                && a.name.node == name
            {
                let strata = a
                    .lines
                    .iter()
                    .filter(|l| matches!(l, ast::AuditLine::Stratum(_)))
                    .count();
                return Some(format!(
                    "**audit {name}** — {}\n\n{} · {}",
                    a.title.node,
                    plural(strata, "stratum"),
                    file_line(path, f, a.name.span)
                ));
            }
        }
    }
    None
}

// ------------------------------------------------------------ symbols

fn span_range(f: &Parsed, span: Span) -> lsp_types::Range {
    f.lines.range(&f.text, span)
}

#[allow(deprecated)] // `deprecated` is a required field of the type.
fn symbol(
    f: &Parsed,
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    whole: Span,
    name_span: Span,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: span_range(f, whole.to(name_span)),
        selection_range: span_range(f, name_span),
        children,
    }
}

/// The rules (with their examples), groups, definitions, calendars and
/// audit plans of a file.
pub fn document_symbols(f: &Parsed) -> Vec<DocumentSymbol> {
    let mut out = Vec::new();
    for item in &f.tree.items {
        match item {
            Item::Edition(_) => {}
            Item::Rule(r) => {
                let examples = r
                    .clauses
                    .iter()
                    .filter_map(|c| match c {
                        Clause::Example(e) => Some(symbol(
                            f,
                            e.name.node.clone(),
                            None,
                            SymbolKind::EVENT,
                            e.span,
                            e.name.span,
                            None,
                        )),
                        _ => None,
                    })
                    .collect();
                out.push(symbol(
                    f,
                    r.code.node.clone(),
                    Some(format!("{} — {}", r.name.node, r.title.node)),
                    SymbolKind::FUNCTION,
                    r.span,
                    r.code.span,
                    Some(examples),
                ));
            }
            Item::Group(g) => {
                let end = g.members.last().map_or(g.name.span, |m| m.span);
                out.push(symbol(
                    f,
                    g.name.node.clone(),
                    Some("group".into()),
                    SymbolKind::ENUM,
                    g.name.span.to(end),
                    g.name.span,
                    None,
                ));
            }
            Item::Define(d) => out.push(symbol(
                f,
                d.name.node.clone(),
                Some(format!("for each {}", d.subject.node.words())),
                SymbolKind::VARIABLE,
                d.name.span.to(d.value.span),
                d.name.span,
                None,
            )),
            Item::Calendar(c) => {
                let end = c.days.last().map_or(c.name.span, |d| d.date.span);
                out.push(symbol(
                    f,
                    c.name.node.clone(),
                    Some("calendar".into()),
                    SymbolKind::NAMESPACE,
                    c.name.span.to(end),
                    c.name.span,
                    None,
                ));
            }
            Item::Audit(a) => out.push(symbol(
                f,
                a.name.node.clone(),
                Some(a.title.node.clone()),
                SymbolKind::MODULE,
                a.span,
                a.name.span,
                None,
            )),
        }
    }
    out
}

/// Rules whose code (or name) contains the query, any case.
#[allow(deprecated)] // `deprecated` is a required field of the type.
pub fn workspace_symbols(set: &RuleSet, query: &str) -> Vec<lsp_types::SymbolInformation> {
    let query = query.to_ascii_lowercase();
    rules(set)
        .filter(|(_, _, r)| {
            r.code.node.to_ascii_lowercase().contains(&query)
                || r.name.node.to_ascii_lowercase().contains(&query)
        })
        .map(|(p, f, r)| lsp_types::SymbolInformation {
            name: format!("{} {}", r.code.node, r.name.node),
            kind: SymbolKind::FUNCTION,
            tags: None,
            deprecated: None,
            location: location(p, f, r.code.span),
            container_name: Some(r.title.node.clone()),
        })
        .collect()
}

// ------------------------------------------------------------ formatting

/// The edit that formats a file: none when it is formatted already; an
/// error (nothing changed) when it has syntax errors.
pub fn format(f: &Parsed) -> Result<Vec<TextEdit>, String> {
    match crate::lang::syntax::format_file(&f.text) {
        Ok(text) if text == f.text => Ok(Vec::new()),
        Ok(text) => Ok(vec![TextEdit::new(f.lines.whole(&f.text), text)]),
        Err(errors) => {
            let first = errors.first().map(|e| {
                let at = f.lines.position(&f.text, e.span.start);
                format!(
                    " (the first at line {}, column {}: {})",
                    at.line + 1,
                    at.character + 1,
                    e.message
                )
            });
            Err(format!(
                "not formatted: the file has {}{}; mend {} first",
                plural(errors.len(), "syntax error"),
                first.unwrap_or_default(),
                if errors.len() == 1 { "it" } else { "them" }
            ))
        }
    }
}

// ------------------------------------------------------------ completion

/// Words that may follow or join expressions.
const EXPRESSION_WORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "is",
    "present",
    "empty",
    "in",
    "contains",
    "within",
    "after",
    "any",
    "no",
    "all",
    "count",
    "crimes",
    "where",
    "when",
    "else",
    "true",
    "false",
    "minutes",
    "hours",
    "days",
    "working days",
];

fn item(label: &str, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        ..Default::default()
    }
}

/// What may be written at the cursor: subjects after `for each`; groups
/// after `in`; clause (or item) keywords at the start of a line; fields of
/// the subject being checked, definitions, groups and operators elsewhere.
pub fn completion(set: &RuleSet, path: &Path, pos: Position) -> Vec<CompletionItem> {
    let Some(f) = set.file(path) else {
        return Vec::new();
    };
    let offset = f.lines.offset(&f.text, pos);
    let line_start = f.text[..offset].rfind('\n').map_or(0, |n| n + 1);
    let before = &f.text[line_start..offset];
    // The words typed so far on this line, the one being typed left out.
    let typed: Vec<&str> = before.split_whitespace().collect();
    let done: &[&str] = if before.ends_with(char::is_whitespace) || before.is_empty() {
        &typed
    } else {
        &typed[..typed.len().saturating_sub(1)]
    };
    if done.last() == Some(&"each") || (done.last() == Some(&"for") && done.len() == 1) {
        let subjects = Subject::ALL
            .iter()
            .map(|s| item(s.words(), CompletionItemKind::ENUM_MEMBER, None));
        return if done.last() == Some(&"for") {
            std::iter::once(item("each", CompletionItemKind::KEYWORD, None)).collect()
        } else {
            subjects.collect()
        };
    }
    if done.last() == Some(&"in") {
        return group_items(set);
    }
    if done.is_empty() {
        let indented = before.starts_with(char::is_whitespace);
        let words: Vec<&str> = if indented {
            CLAUSE_WORDS.to_vec()
        } else {
            ITEM_WORDS.to_vec()
        };
        return words
            .into_iter()
            .map(|w| {
                let label = if w == "for" { "for each" } else { w };
                item(label, CompletionItemKind::KEYWORD, None)
            })
            .collect();
    }
    let mut subject = subject_at(&f.text, offset);
    // `incident.` (after `for each crime`): the linked record's fields.
    let typing = if done.len() < typed.len() {
        typed.last().copied()
    } else {
        None
    };
    let through_link = typing.and_then(|w| w.rsplit_once('.'));
    if let Some((links, _)) = through_link {
        for name in links.split('.') {
            match link(subject, name)
                .and_then(|t| Subject::ALL.into_iter().find(|s| table_of(*s) == Some(t)))
            {
                Some(s) => subject = s,
                None => return Vec::new(),
            }
        }
    }
    let mut out = Vec::new();
    if let Some(t) = table_of(subject) {
        for field in t.fields() {
            out.push(item(
                field.name,
                CompletionItemKind::FIELD,
                Some(format!("{}: {}", t.singular(), field.ty.words())),
            ));
        }
    }
    for (_, _, d) in defines(set).filter(|(_, _, d)| d.subject.node == subject) {
        out.push(item(
            &d.name.node,
            CompletionItemKind::VARIABLE,
            Some(format!("define for each {}", subject.words())),
        ));
    }
    if through_link.is_some() {
        return out;
    }
    out.extend(group_items(set));
    out.extend(
        EXPRESSION_WORDS
            .iter()
            .map(|w| item(w, CompletionItemKind::KEYWORD, None)),
    );
    out
}

fn group_items(set: &RuleSet) -> Vec<CompletionItem> {
    groups(set)
        .map(|(_, _, g)| {
            item(
                &g.name.node,
                CompletionItemKind::ENUM,
                Some(format!("group of {}", plural(g.members.len(), "member"))),
            )
        })
        .collect()
}

/// The kind of record an expression at `offset` is about, read from the
/// text (which may be half typed): the last `for each X` (or `define … for
/// each X`) of the item the cursor is in, or a crime inside `any crimes
/// where …` on the cursor's line.
fn subject_at(text: &str, offset: usize) -> Subject {
    let line_start = text[..offset].rfind('\n').map_or(0, |n| n + 1);
    if text[line_start..offset].contains(" crimes where ") {
        return Subject::Crime;
    }
    for line in text[..offset].lines().rev() {
        if let Some(rest) = line.split("for each ").nth(1)
            && let Some(s) = Subject::ALL.iter().find(|s| rest.starts_with(s.words()))
        {
            return *s;
        }
        // The start of the item: no `for each` in it before the cursor.
        if line.starts_with(|c: char| c.is_ascii_alphabetic()) {
            break;
        }
    }
    Subject::Incident
}

// ------------------------------------------------------------ code lenses

/// Each rule of a file, where its code is written and how many examples it has.
pub fn rules_with_examples(f: &Parsed) -> Vec<(String, lsp_types::Range, usize)> {
    f.tree
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Rule(r) => Some((
                r.code.node.clone(),
                span_range(f, r.code.span),
                r.clauses
                    .iter()
                    .filter(|c| matches!(c, Clause::Example(_)))
                    .count(),
            )),
            _ => None,
        })
        .collect()
}
