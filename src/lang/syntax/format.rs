//! The one canonical layout of a rule file (`hocr rules fmt`).
//!
//! Formatting never changes what a file says. The result parses to the same
//! syntax tree, keeps every comment's text in the same order, and formatting
//! it again changes nothing. [`format_file`] re-parses its own output on
//! every call and refuses rather than hand back a file that would mean
//! something else.
//!
//! The layout, modelled on the shipped files in `rules/`:
//!
//! - Items (`edition`, `group`, `define`, `calendar`, `rule`, `audit`) are
//!   separated by exactly one blank line. A comment block directly above an
//!   item stays attached to it; a block followed by a blank line stays a
//!   paragraph of its own.
//! - Rule, calendar, audit and example bodies are indented two spaces, one
//!   clause (or holiday, example line, stratum) per line, in the order
//!   written, with no blank lines.
//! - Keywords and operators are separated by single spaces; group members
//!   and example fields are joined with `, `.
//! - A line longer than 100 columns is wrapped, and every continuation line
//!   is indented two spaces more than the line it continues:
//!   group members and example fields fill each line and wrap after a `,`;
//!   a `define` puts its value on the next line; a `source` puts `at` and
//!   its address on the next line; a deadline breaks before
//!   `after`, then before `within`; a stratum puts its `where …` and its
//!   sample size on lines of their own; a choice puts each arm on its own line
//!   (`A when C,` … `else E`); a long `and`/`or` chain breaks before each
//!   `and`/`or`. The parts of a part that still does not fit are indented
//!   two spaces further. Quoted text is never wrapped.
//! - Strings are written back with `\"` and `\\` escapes, so their text is
//!   unchanged; parentheses are kept where the author wrote them.
//! - Where the language has two spellings for one meaning, one is chosen:
//!   `is empty` (for `is not present`), `is present` (for `is not empty`),
//!   `1 hour` / `2 hours`, `expect late` (for `expect 1 late`).
//! - A comment keeps its text (less trailing white space). A comment on a
//!   line of its own stays on a line of its own before what followed it, at
//!   that line's indentation (before a closing `}`, at the body's); a comment
//!   after a clause, item header, holiday or `}` stays at the end of that
//!   line. A comment written inside a clause that spans lines moves to its
//!   own line just above the clause.
//! - The file ends with a single new line, and no line ends with a space
//!   (unless quoted text that runs over lines does).

mod comments;
mod exprs;
mod layout;
mod words;

use super::ast::*;
use super::parser::{SyntaxError, parse_file};
use comments::{Comment, comment_texts, comments, next_token};
use exprs::{expr, keyword_expr, source, span_after, stratum};
use layout::{Doc, cat, fill, group, nest, render, text};
use words::{date, expectation, member, opening, quote};

/// Lines longer than this are wrapped where the layout allows.
const WIDTH: usize = 100;
/// One level of indentation.
const INDENT: usize = 2;

/// The canonical text of a rule file, or the file's syntax errors if it
/// does not parse cleanly (a file is never half formatted).
///
/// Also refuses, with a single error at the start of the file, in the
/// should-never-happen case that the formatted text would not parse to the
/// same syntax tree and comments as `text`.
pub fn format_file(text: &str) -> Result<String, Vec<SyntaxError>> {
    let (file, errors) = parse_file(text);
    if !errors.is_empty() {
        return Err(errors);
    }
    let out = Printer::new(text).file(&file);
    let (again, errors) = parse_file(&out);
    if !errors.is_empty() || again != file || comment_texts(&out) != comment_texts(text) {
        return Err(vec![SyntaxError {
            span: Span::default(),
            message: "the formatter could not lay out this file without changing it".into(),
            help: "the file is left as it is; please report it to the maintainers of hocr".into(),
        }]);
    }
    Ok(out)
}

struct Printer<'t> {
    text: &'t str,
    comments: Vec<Comment<'t>>,
    /// The first comment not yet written.
    next: usize,
    out: String,
}

impl<'t> Printer<'t> {
    fn new(text: &'t str) -> Self {
        Printer {
            text,
            comments: comments(text),
            next: 0,
            out: String::new(),
        }
    }

    fn file(mut self, file: &File) -> String {
        for item in &file.items {
            self.item(item);
        }
        // Comments after the last item, as paragraphs.
        self.paragraphs(usize::MAX);
        self.out
    }

    /// Separates one top-level block from the one before it.
    fn blank_line(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    /// Starts an item whose first line ends at `end`: the comments before
    /// it, in paragraphs as written, the last one attached to the item
    /// unless a blank line followed it.
    fn open_item(&mut self, end: usize) {
        if self.paragraphs(end) {
            self.blank_line();
        }
    }

    /// Writes the comments that start before `end` as top-level
    /// paragraphs, a blank line before each. Returns whether the last one
    /// ended its paragraph (or there was none).
    fn paragraphs(&mut self, end: usize) -> bool {
        let mut new_block = true;
        while let Some(&Comment {
            text, blank_after, ..
        }) = self.comments.get(self.next).filter(|c| c.start < end)
        {
            self.next += 1;
            if new_block {
                self.blank_line();
            }
            self.out.push_str(text);
            self.out.push('\n');
            new_block = blank_after;
        }
        new_block
    }

    /// Writes the comments that start before `end`, each on its own line.
    fn comments_before(&mut self, indent: usize, end: usize) {
        while let Some(c) = self.comments.get(self.next).filter(|c| c.start < end) {
            self.next += 1;
            self.out.push_str(&" ".repeat(indent));
            self.out.push_str(c.text);
            self.out.push('\n');
        }
    }

    /// Writes one line (or wrapped lines) for the construct ending at `end`,
    /// then the comment written after it on the same source line, if any.
    fn line(&mut self, indent: usize, end: usize, body: &str) {
        self.out.push_str(&" ".repeat(indent));
        self.out.push_str(body);
        if let Some(c) = self.comments.get(self.next)
            && c.start >= end
            && self.text[end..c.start]
                .chars()
                .all(|ch| ch == ' ' || ch == '\t')
        {
            self.next += 1;
            self.out.push(' ');
            self.out.push_str(c.text);
        }
        self.out.push('\n');
    }

    /// A line inside a body, after the comments that precede it.
    fn unit(&mut self, indent: usize, end: usize, body: &str) {
        self.comments_before(indent, end);
        self.line(indent, end, body);
    }

    /// The closing `}` ending at `end`; comments before it stay at the
    /// body's indentation.
    fn close(&mut self, indent: usize, end: usize) {
        self.comments_before(indent + INDENT, end);
        self.line(indent, end, "}");
    }

    /// The offset just after the `{` or `}` that is the next token after `pos`.
    fn brace_after(&self, pos: usize) -> usize {
        let at = next_token(self.text, pos);
        debug_assert!(matches!(self.text.as_bytes().get(at), Some(b'{' | b'}')));
        at + 1
    }

    fn top(&mut self, end: usize, body: &str) {
        self.open_item(end);
        self.line(0, end, body);
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Edition(s) => self.top(s.span.end, &format!("edition {}", quote(&s.node))),
            Item::Group(g) => self.group_item(g),
            Item::Define(d) => self.define(d),
            Item::Calendar(c) => self.calendar(c),
            Item::Rule(r) => self.rule(r),
            Item::Audit(a) => self.audit(a),
        }
    }

    /// `group NAME = member, …`, filling each line.
    fn group_item(&mut self, g: &Group) {
        let end = g.members.last().map_or(g.name.span.end, |m| m.span.end);
        let body = fill(
            format!("group {} =", g.name.node),
            g.members.iter().map(|m| member(&m.node)).collect(),
            0,
        );
        self.top(end, &body);
    }

    /// `define NAME for each SUBJECT as VALUE`, the value on the next line
    /// if it does not fit.
    fn define(&mut self, d: &Define) {
        let doc = group(cat(vec![
            text(format!(
                "define {} for each {} as",
                d.name.node,
                d.subject.node.words()
            )),
            nest(cat(vec![Doc::Line, nest(expr(&d.value))])),
        ]));
        self.top(d.value.span.end, &render(&doc, 0));
    }

    /// `calendar NAME covers … { … }`, a holiday a line.
    fn calendar(&mut self, c: &Calendar) {
        let mut head = format!("calendar {}", c.name.node);
        let mut after = c.name.span.end;
        if let Some((from, to)) = &c.covers {
            head.push_str(&format!(" covers {} to {}", from.node, to.node));
            after = to.span.end;
        }
        let mut last = self.brace_after(after);
        self.top(last, &opening(&head));
        for day in &c.days {
            let mut body = date(day.date.node);
            last = day.date.span.end;
            if let Some(label) = &day.label {
                body.push(' ');
                body.push_str(&quote(&label.node));
                last = label.span.end;
            }
            self.unit(INDENT, last, &body);
        }
        let end = self.brace_after(last);
        self.close(0, end);
    }

    /// `rule CODE NAME "title" { … }`, a clause a line.
    fn rule(&mut self, r: &Rule) {
        let head_end = self.brace_after(r.title.span.end);
        let head = format!(
            "rule {} {} {}",
            r.code.node,
            r.name.node,
            quote(&r.title.node)
        );
        self.top(head_end, &opening(&head));
        for c in &r.clauses {
            self.clause(c, INDENT);
        }
        self.close(0, r.span.end);
    }

    /// `audit NAME "title" { … }`, a source or stratum a line.
    fn audit(&mut self, a: &Audit) {
        let head_end = self.brace_after(a.title.span.end);
        let head = format!("audit {} {}", a.name.node, quote(&a.title.node));
        self.top(head_end, &opening(&head));
        for line in &a.lines {
            let (end, doc) = match line {
                AuditLine::Source(s) => (s.span().end, source(s)),
                AuditLine::Stratum(s) => (s.size.span().end, stratum(s)),
            };
            self.unit(INDENT, end, &render(&doc, INDENT));
        }
        self.close(0, a.span.end);
    }

    fn clause(&mut self, c: &Clause, indent: usize) {
        let (end, doc) = match c {
            Clause::Source(s) => (s.span().end, source(s)),
            Clause::Quote(s) => (s.span.end, text(format!("quote {}", quote(&s.node)))),
            Clause::Policy(s) => (s.span.end, text(format!("policy {}", quote(&s.node)))),
            Clause::Message(s) => (s.span.end, text(format!("message {}", quote(&s.node)))),
            Clause::Theme(t) => (t.span.end, text(format!("theme {}", t.node))),
            Clause::Severity(e) => (e.span.end, keyword_expr("severity", e)),
            Clause::ForEach(s) => (s.span.end, text(format!("for each {}", s.node.words()))),
            Clause::Where(e) => (e.span.end, keyword_expr("where", e)),
            Clause::Unless(e) => (e.span.end, keyword_expr("unless", e)),
            Clause::Require(Requirement::Holds(e)) => (e.span.end, keyword_expr("require", e)),
            Clause::Require(Requirement::Deadline {
                done,
                within,
                anchor,
            }) => {
                let first = group(cat(vec![
                    text("require "),
                    nest(expr(done)),
                    Doc::Line,
                    text("within "),
                    nest(expr(within)),
                ]));
                (anchor.span.end, span_after(first, anchor))
            }
            Clause::Grace { span_expr, anchor } => {
                let first = cat(vec![text("grace "), nest(expr(span_expr))]);
                (anchor.span.end, span_after(first, anchor))
            }
            Clause::Otherwise(k) => (k.span.end, text(format!("otherwise {}", k.node))),
            Clause::Applies(a) => {
                let mut line = String::from("applies");
                let span = a.span;
                for (word, date) in [("from", &a.node.from), ("until", &a.node.until)] {
                    if let Some(d) = date {
                        line.push_str(&format!(" {word} {}", d.node));
                    }
                }
                (span.end, text(line))
            }
            Clause::Needs(fields) => {
                let names: Vec<&str> = fields.iter().map(|f| f.node.as_str()).collect();
                let end = fields.last().map_or(0, |f| f.span.end);
                (end, text(format!("needs {}", names.join(", "))))
            }
            Clause::Example(e) => return self.example(e, indent),
        };
        self.unit(indent, end, &render(&doc, indent));
    }

    fn example(&mut self, e: &Example, indent: usize) {
        let inner = indent + INDENT;
        let head_end = self.brace_after(e.name.span.end);
        self.unit(
            indent,
            head_end,
            &opening(&format!("example {}", quote(&e.name.node))),
        );
        // The lines in the order written (the tree keeps them apart).
        let mut lines: Vec<(usize, usize, String)> = Vec::new();
        if let Some(t) = &e.as_of {
            lines.push((
                t.span.start,
                t.span.end,
                format!("as of {}", quote(&t.node)),
            ));
        }
        for row in &e.rows {
            let end = row
                .fields
                .last()
                .map_or(row.table.span.end, |(_, v)| v.span.end);
            let body = fill(
                format!("{} with", row.table.node.words()),
                row.fields
                    .iter()
                    .map(|(name, value)| format!("{} {}", name.node, quote(&value.node)))
                    .collect(),
                inner,
            );
            lines.push((row.table.span.start, end, body));
        }
        lines.push((
            e.expect.span.start,
            e.expect.span.end,
            format!("expect {}", expectation(&e.expect.node)),
        ));
        lines.sort_by_key(|&(start, ..)| start);
        for (_, end, body) in lines {
            self.unit(inner, end, &body);
        }
        self.close(indent, e.span.end);
    }
}

#[cfg(test)]
mod tests;
