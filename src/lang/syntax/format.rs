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

use super::ast::*;
use super::parser::{SyntaxError, parse_file};
use chrono::Datelike;

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

// ---------------------------------------------------------------- comments

/// A `#` comment in the source text.
struct Comment<'t> {
    /// Byte offset of the `#`.
    start: usize,
    /// From `#` to the end of the line, less trailing white space.
    text: &'t str,
    /// A blank line follows the comment's line.
    blank_after: bool,
}

/// Every comment in `text`, in order: each `#` outside a quoted string
/// starts one (no other token of the language contains `#` or `"`).
fn comments(text: &str) -> Vec<Comment<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
            }
            b'#' => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                out.push(Comment {
                    start: i,
                    text: text[i..end].trim_end(),
                    blank_after: blank_line_at(text, end),
                });
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// The text of every comment in `text`, in order, as the formatter keeps
/// them (without trailing white space).
fn comment_texts(text: &str) -> Vec<&str> {
    comments(text).into_iter().map(|c| c.text).collect()
}

/// Whether the line after the one ending at `end` (a `\n` or the end of
/// the text) is blank.
fn blank_line_at(text: &str, end: usize) -> bool {
    let Some(rest) = text[end..].strip_prefix('\n') else {
        return false;
    };
    rest.find('\n').is_some_and(|n| rest[..n].trim().is_empty())
}

/// The offset of the next token at or after `pos`, past white space and
/// comments (as the parser skips them).
fn next_token(text: &str, mut pos: usize) -> usize {
    loop {
        let rest = &text[pos..];
        let trimmed = rest.trim_start();
        pos += rest.len() - trimmed.len();
        if trimmed.starts_with('#') {
            pos += trimmed.find('\n').unwrap_or(trimmed.len());
        } else {
            return pos;
        }
    }
}

// ---------------------------------------------------------------- layout

/// A document to lay out (Wadler's "prettier printer"): a group is written
/// on one line if it fits, else each of its own line breaks is taken.
enum Doc {
    Text(String),
    /// A space, or a new line at the current indentation.
    Line,
    /// Indents the new lines inside by this much more.
    Nest(usize, Box<Doc>),
    Group(Box<Doc>),
    Concat(Vec<Doc>),
}

fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

fn nest(d: Doc) -> Doc {
    Doc::Nest(INDENT, Box::new(d))
}

fn group(d: Doc) -> Doc {
    Doc::Group(Box::new(d))
}

fn cat(parts: Vec<Doc>) -> Doc {
    Doc::Concat(parts)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// The column after writing `s` from column `col` (strings may hold new
/// lines).
fn advance(col: usize, s: &str) -> usize {
    match s.rfind('\n') {
        Some(n) => width(&s[n + 1..]),
        None => col + width(s),
    }
}

/// Writes `doc` starting at column `indent`, with new lines indented from
/// `indent`. The caller writes the first line's indentation.
fn render(doc: &Doc, indent: usize) -> String {
    let mut out = String::new();
    let mut col = indent;
    let mut stack: Vec<(usize, Mode, &Doc)> = vec![(indent, Mode::Break, doc)];
    while let Some((ind, mode, d)) = stack.pop() {
        match d {
            Doc::Text(s) => {
                out.push_str(s);
                col = advance(col, s);
            }
            Doc::Line => match mode {
                Mode::Flat => {
                    out.push(' ');
                    col += 1;
                }
                Mode::Break => {
                    out.push('\n');
                    out.push_str(&" ".repeat(ind));
                    col = ind;
                }
            },
            Doc::Nest(j, inner) => stack.push((ind + j, mode, inner)),
            Doc::Group(inner) => {
                let room = WIDTH as isize - col as isize;
                let m = if mode == Mode::Flat || fits(room, (ind, Mode::Flat, inner), &stack) {
                    Mode::Flat
                } else {
                    Mode::Break
                };
                stack.push((ind, m, inner));
            }
            Doc::Concat(parts) => stack.extend(parts.iter().rev().map(|p| (ind, mode, p))),
        }
    }
    out
}

/// Whether `first`, then what follows it up to the next line break, fits
/// in `room` columns.
fn fits(mut room: isize, first: (usize, Mode, &Doc), rest: &[(usize, Mode, &Doc)]) -> bool {
    let mut stack = vec![first];
    let mut rest = rest.iter().rev();
    loop {
        if room < 0 {
            return false;
        }
        let Some((ind, mode, d)) = stack.pop().or_else(|| rest.next().copied()) else {
            return true;
        };
        match d {
            Doc::Text(s) => match s.split_once('\n') {
                Some((line, _)) => return room >= width(line) as isize,
                None => room -= width(s) as isize,
            },
            Doc::Line => match mode {
                Mode::Flat => room -= 1,
                Mode::Break => return true,
            },
            Doc::Nest(j, inner) => stack.push((ind + j, mode, inner)),
            Doc::Group(inner) => stack.push((ind, mode, inner)),
            Doc::Concat(parts) => stack.extend(parts.iter().rev().map(|p| (ind, mode, p))),
        }
    }
}

/// `head item, item, …`, filling each line and wrapping after a `,` with
/// continuation lines indented two more than `indent`.
fn fill(head: String, items: Vec<String>, indent: usize) -> String {
    let mut out = head;
    let mut col = advance(indent, &out);
    let count = items.len();
    for (k, item) in items.into_iter().enumerate() {
        let piece = if k + 1 < count { item + "," } else { item };
        let first_line = piece.split('\n').next().unwrap_or("");
        if k > 0 && col + 1 + width(first_line) > WIDTH {
            out.push('\n');
            out.push_str(&" ".repeat(indent + INDENT));
            col = indent + INDENT;
        } else {
            out.push(' ');
            col += 1;
        }
        col = advance(col, &piece);
        out.push_str(&piece);
    }
    out
}

// ---------------------------------------------------------------- words

/// A string as written in a rule file: quoted, with `"` and `\` escaped.
fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            q.push('\\');
        }
        q.push(c);
    }
    q.push('"');
    q
}

fn duration(n: i64, unit: Unit) -> String {
    let one = n == 1;
    let word = match unit {
        Unit::Minutes if one => "minute",
        Unit::Minutes => "minutes",
        Unit::Hours if one => "hour",
        Unit::Hours => "hours",
        Unit::Days if one => "day",
        Unit::Days => "days",
        Unit::WorkingDays if one => "working day",
        Unit::WorkingDays => "working days",
    };
    format!("{n} {word}")
}

fn date(d: chrono::NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

fn member(m: &Member) -> String {
    match m {
        Member::Code { text, quoted: true } => quote(text),
        Member::Code {
            text,
            quoted: false,
        }
        | Member::Word(text) => text.clone(),
        Member::Range(first, last) => format!("{first}..{last}"),
    }
}

fn expectation(e: &Expectation) -> String {
    match e {
        Expectation::Nothing => "no finding".into(),
        Expectation::Pending => "pending".into(),
        // `expect 1 pending` is a finding of kind `pending`, not `expect pending`.
        Expectation::Finding { kind, count: 1 } if kind != "pending" => kind.clone(),
        Expectation::Finding { kind, count } => format!("{count} {kind}"),
    }
}

// ---------------------------------------------------------------- expressions

fn expr(e: &Expr) -> Doc {
    match &e.kind {
        ExprKind::Path(names) => text(
            names
                .iter()
                .map(|n| n.node.as_str())
                .collect::<Vec<_>>()
                .join("."),
        ),
        ExprKind::Str(s) => text(quote(s)),
        ExprKind::Int(n) => text(n.to_string()),
        ExprKind::Bool(b) => text(if *b { "true" } else { "false" }),
        ExprKind::Duration(n, unit) => text(duration(*n, *unit)),
        ExprKind::Paren(inner) => cat(vec![text("("), nest(expr(inner)), text(")")]),
        ExprKind::Not(inner) => cat(vec![text("not "), expr(inner)]),
        ExprKind::And(..) => chain(e, "and"),
        ExprKind::Or(..) => chain(e, "or"),
        ExprKind::Compare(op, l, r) => binary(l, &format!(" {} ", op.text()), r),
        ExprKind::Presence(l, present) => cat(vec![
            expr(l),
            text(if *present { " is present" } else { " is empty" }),
        ]),
        ExprKind::Is(l, r, negated) => binary(l, if *negated { " is not " } else { " is " }, r),
        ExprKind::In(l, g, negated) => cat(vec![
            expr(l),
            text(format!(
                " {}in {}",
                if *negated { "not " } else { "" },
                g.node
            )),
        ]),
        ExprKind::Contains(l, r) => binary(l, " contains ", r),
        ExprKind::Add(..) | ExprKind::Sub(..) => sum(e),
        ExprKind::Aggregate(q, coll, filter) => {
            let head = text(format!("{} {}", q.word(), coll.node));
            match filter {
                None => head,
                Some(f) => cat(vec![head, text(" where "), nest(expr(f))]),
            }
        }
        ExprKind::Choice(arms, default) => {
            let mut parts = Vec::new();
            for (value, cond) in arms {
                parts.push(group(cat(vec![
                    nest(expr(value)),
                    nest(cat(vec![Doc::Line, text("when "), nest(expr(cond))])),
                ])));
                parts.push(text(","));
                parts.push(Doc::Line);
            }
            parts.push(text("else "));
            parts.push(nest(expr(default)));
            group(cat(parts))
        }
    }
}

fn binary(l: &Expr, op: &str, r: &Expr) -> Doc {
    cat(vec![expr(l), text(op), expr(r)])
}

/// `a + b - c` (nested to the left, walked without recursion).
fn sum(e: &Expr) -> Doc {
    let mut terms = Vec::new();
    let mut cur = e;
    loop {
        match &cur.kind {
            ExprKind::Add(l, r) => {
                terms.push((" + ", &**r));
                cur = l;
            }
            ExprKind::Sub(l, r) => {
                terms.push((" - ", &**r));
                cur = l;
            }
            _ => break,
        }
    }
    let mut parts = vec![expr(cur)];
    for (op, term) in terms.into_iter().rev() {
        parts.push(text(op));
        parts.push(expr(term));
    }
    cat(parts)
}

/// `a and b and c` (the parser nests these to the left), breaking before
/// each `and` if it does not fit.
fn chain(e: &Expr, word: &str) -> Doc {
    let mut operands = Vec::new();
    let mut cur = e;
    loop {
        match (&cur.kind, word) {
            (ExprKind::And(l, r), "and") | (ExprKind::Or(l, r), "or") => {
                operands.push(&**r);
                cur = l;
            }
            _ => {
                operands.push(cur);
                break;
            }
        }
    }
    let mut parts = Vec::new();
    for (k, o) in operands.iter().rev().enumerate() {
        if k > 0 {
            parts.push(Doc::Line);
            parts.push(text(format!("{word} ")));
        }
        parts.push(nest(expr(o)));
    }
    group(cat(parts))
}

/// `keyword EXPR`, its continuation lines indented two more.
fn keyword_expr(keyword: &str, e: &Expr) -> Doc {
    nest(cat(vec![text(format!("{keyword} ")), expr(e)]))
}

/// `keyword A`, then `after B` on the next line if it does not fit.
fn span_after(first: Doc, anchor: &Expr) -> Doc {
    nest(group(cat(vec![
        first,
        Doc::Line,
        text("after "),
        nest(expr(anchor)),
    ])))
}

/// `source "title" at "address"` on one line if it fits, else `at …` on the
/// next line.
fn source(s: &Source) -> Doc {
    let title = text(format!("source {}", quote(&s.text.node)));
    match &s.address {
        Some(a) => nest(group(cat(vec![
            title,
            Doc::Line,
            text(format!("at {}", quote(&a.node))),
        ]))),
        None => title,
    }
}

/// `stratum NAME "label" where CONDITION sample N` on one line if it fits,
/// else `where …` and the size each on a line of their own.
fn stratum(s: &Stratum) -> Doc {
    let mut head = format!("stratum {}", s.name.node);
    if let Some(label) = &s.label {
        head.push(' ');
        head.push_str(&quote(&label.node));
    }
    let size = match &s.size {
        SampleSize::Count(n) => format!("sample {}", n.node),
        SampleSize::HalfWidth {
            half_width,
            expected,
        } => format!(
            "half-width {}% expecting {}%",
            half_width.node, expected.node
        ),
    };
    group(cat(vec![
        text(head),
        nest(cat(vec![
            Doc::Line,
            text("where "),
            nest(expr(&s.filter)),
            Doc::Line,
            text(size),
        ])),
    ]))
}

// ---------------------------------------------------------------- printer

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
            Item::Group(g) => {
                let end = g.members.last().map_or(g.name.span.end, |m| m.span.end);
                let body = fill(
                    format!("group {} =", g.name.node),
                    g.members.iter().map(|m| member(&m.node)).collect(),
                    0,
                );
                self.top(end, &body);
            }
            Item::Define(d) => {
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
            Item::Calendar(c) => {
                let mut head = format!("calendar {}", c.name.node);
                let mut after = c.name.span.end;
                if let Some((from, to)) = &c.covers {
                    head.push_str(&format!(" covers {} to {}", from.node, to.node));
                    after = to.span.end;
                }
                head.push_str(" {");
                let mut last = self.brace_after(after);
                self.top(last, &head);
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
            Item::Rule(r) => {
                let head_end = self.brace_after(r.title.span.end);
                let head = format!(
                    "rule {} {} {} {{",
                    r.code.node,
                    r.name.node,
                    quote(&r.title.node)
                );
                self.top(head_end, &head);
                for c in &r.clauses {
                    self.clause(c, INDENT);
                }
                self.close(0, r.span.end);
            }
            Item::Audit(a) => {
                let head_end = self.brace_after(a.title.span.end);
                let head = format!("audit {} {} {{", a.name.node, quote(&a.title.node));
                self.top(head_end, &head);
                for line in &a.lines {
                    let (end, doc) = match line {
                        AuditLine::Source(s) => (s.span().end, source(s)),
                        AuditLine::Stratum(s) => (s.size.span().end, stratum(s)),
                    };
                    self.unit(INDENT, end, &render(&doc, INDENT));
                }
                self.close(0, a.span.end);
            }
        }
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
            &format!("example {} {{", quote(&e.name.node)),
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
