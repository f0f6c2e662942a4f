//! Step two: syntax trees to a checked, compiled [`Plan`]. Every name is
//! resolved against the record schema and the declared groups, every
//! expression is typed, and every problem is reported at once, before any
//! record is read.

mod audit;
mod declare;
mod examples;
mod groups;
mod lints;
mod lower;
mod names;
mod salvage;
mod types;

use crate::data::records::{EVENTS, FieldType, STATUSES, Table, refers_to};
use crate::data::time::{Calendar, MICROS_PER_HOUR, Span as TimeSpan};
use crate::lang::diagnostics::{Code, Diagnostic, Level};
use crate::lang::plan::{
    AuditPlan, CExpr, Check, CodeRange, CodeSet, Const, KINDS, Plan, Pseudo, RangeError,
    Requirement, RuleFile, SampleSize, Severity, SeverityPlan, Stratum, Window,
};
use crate::lang::syntax::ast::{self, Clause, CmpOp, ExprKind, Item, Member, Span, Subject, Unit};
use crate::lang::syntax::{SyntaxError, parse_file};
use crate::util::suggest::{Suggester, did_you_mean};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Checks and compiles rule files. Returns the plan when there are no
/// errors, and every diagnostic (errors and warnings) either way.
pub fn check(files: Vec<RuleFile>) -> (Option<Plan>, Vec<Diagnostic>) {
    let parsed: Vec<_> = files.iter().map(|f| parse_file(&f.text)).collect();
    let trees: Vec<&ast::File> = parsed.iter().map(|(t, _)| t).collect();
    let errors: Vec<&[SyntaxError]> = parsed.iter().map(|(_, e)| e.as_slice()).collect();
    check_parsed(files, &trees, &errors)
}

/// [`check`] for files already parsed: `trees[n]` and `errors[n]` are what
/// `parse_file` gave for `files[n]`. The language server keeps the parses
/// of the files an edit did not touch.
pub fn check_parsed(
    files: Vec<RuleFile>,
    trees: &[&ast::File],
    errors: &[&[SyntaxError]],
) -> (Option<Plan>, Vec<Diagnostic>) {
    let mut cx = Checker {
        diags: Vec::new(),
        file: 0,
        groups: HashMap::new(),
        group_used: HashSet::new(),
        defines: Vec::new(),
        define_depths: Vec::new(),
        group_work: 0,
        group_depth: HashMap::new(),
        plan: Plan::default(),
        names: files.iter().map(|f| f.name.clone()).collect(),
        suggester: Suggester::new(),
        define_at: HashMap::new(),
        defines_of: HashMap::new(),
        syntax_errors: Vec::new(),
    };
    let mut broken = Vec::new();
    for (n, errors) in errors.iter().enumerate() {
        let mut starts: Vec<usize> = errors.iter().map(|e| e.span.start).collect();
        starts.sort_unstable();
        cx.syntax_errors.push(starts);
        for e in errors.iter() {
            broken.push((n, e.span.start));
            cx.diags.push(Diagnostic::error(
                Code::E001,
                n,
                e.span,
                e.message.clone(),
                e.help.clone(),
            ));
        }
    }
    let parsed = trees;
    cx.plan.fingerprint = fingerprint(&files);
    cx.declare(parsed);
    cx.define_all(parsed);
    cx.rules(parsed);
    cx.salvage(&files, parsed, &broken);
    cx.audits(parsed);
    cx.finish(parsed);
    let Checker {
        mut diags,
        mut plan,
        ..
    } = cx;
    diags.sort_by_key(|d| (d.file, d.span.start, d.level, d.code));
    plan.files = files;
    let ok = !diags.iter().any(|d| d.level == Level::Error);
    (ok.then_some(plan), diags)
}

fn fingerprint(files: &[RuleFile]) -> String {
    let mut h = Sha256::new();
    for f in files {
        h.update(f.name.as_bytes());
        h.update([0]);
        h.update(f.text.as_bytes());
        h.update([0]);
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{}", &hex[..16])
}

/// A value's type, as the checker tracks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Bool,
    Int,
    Time,
    Span,
    Code(CodeKind),
    Text,
    List,
    /// A quoted string, typed by what it is compared with.
    Str,
    Link(Table),
    /// Already reported: suppresses follow-on errors.
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CodeKind {
    Plain,
    Offence,
    Status,
    Event,
}

impl Ty {
    fn words(self) -> &'static str {
        match self {
            Ty::Bool => "a yes/no value",
            Ty::Int => "a number",
            Ty::Time => "a time",
            Ty::Span => "a duration",
            Ty::Code(_) => "a code",
            Ty::Text => "text",
            Ty::List => "a list of codes",
            Ty::Str => "quoted text",
            Ty::Link(_) => "a linked record",
            Ty::Error => "an unknown value",
        }
    }

    fn of_field(ft: FieldType) -> Ty {
        match ft {
            FieldType::Id | FieldType::Text => Ty::Text,
            FieldType::Code => Ty::Code(CodeKind::Plain),
            FieldType::Offence => Ty::Code(CodeKind::Offence),
            FieldType::Status => Ty::Code(CodeKind::Status),
            FieldType::Event => Ty::Code(CodeKind::Event),
            FieldType::Time => Ty::Time,
            FieldType::Count => Ty::Int,
            FieldType::Bool => Ty::Bool,
            FieldType::CodeList => Ty::List,
        }
    }
}

/// The table a subject's records come from (none for values).
pub fn table_of(s: Subject) -> Option<Table> {
    match s {
        Subject::Incident => Some(Table::Incidents),
        Subject::Crime => Some(Table::Crimes),
        Subject::Update => Some(Table::Updates),
        Subject::Timestamp | Subject::OptionalValue => None,
    }
}

fn subject_of(t: Table) -> Subject {
    match t {
        Table::Incidents => Subject::Incident,
        Table::Crimes => Subject::Crime,
        Table::Updates => Subject::Update,
    }
}

/// Links from a record to the one record it points at (`crime.incident`).
pub fn link(from: Subject, name: &str) -> Option<Table> {
    match (from, name) {
        (Subject::Crime, "incident") => Some(Table::Incidents),
        (Subject::Update, "crime") => Some(Table::Crimes),
        _ => None,
    }
}

struct DefineInfo {
    name: String,
    ty: Ty,
    index: usize,
}

/// How deep evaluation may go: expression levels, counting through the
/// definitions an expression uses. Evaluation recurses, so this bounds its
/// stack whatever the rule files say.
const MAX_EVAL_DEPTH: usize = 128;
/// How deep groups may include groups.
const MAX_GROUP_DEPTH: usize = 64;
/// How many members (codes, ranges, patterns), counted each time a group is
/// copied into another, all groups may come to.
const MAX_GROUP_WORK: usize = 1_000_000;

/// Every declared group, each after the groups it includes (where there is
/// no circle), found without recursion however long the chains are.
fn included_first(decls: &BTreeMap<String, (usize, &ast::Group)>) -> Vec<String> {
    let includes = |name: &str| -> Vec<&str> {
        decls.get(name).map_or_else(Vec::new, |(_, g)| {
            g.members
                .iter()
                .filter_map(|m| match &m.node {
                    Member::Word(w) if decls.contains_key(w) => Some(w.as_str()),
                    _ => None,
                })
                .collect()
        })
    };
    let mut seen: HashSet<&str> = HashSet::new();
    let mut order = Vec::with_capacity(decls.len());
    for root in decls.keys() {
        if !seen.insert(root) {
            continue;
        }
        // Each entry: a group and the included groups still to visit.
        let mut stack: Vec<(&str, Vec<&str>)> = vec![(root, includes(root))];
        while let Some((name, pending)) = stack.last_mut() {
            match pending.pop() {
                Some(next) => {
                    if seen.insert(next) {
                        let more = includes(next);
                        stack.push((next, more));
                    }
                }
                None => {
                    order.push(name.to_string());
                    stack.pop();
                }
            }
        }
    }
    order
}

/// The evaluation depth of a compiled expression; `defines` holds the
/// depth of each definition compiled so far.
fn eval_depth(c: &CExpr, defines: &[usize]) -> usize {
    1 + match c {
        CExpr::Define(n) => defines.get(*n).copied().unwrap_or(0),
        _ => c
            .children()
            .into_iter()
            .map(|x| eval_depth(x, defines))
            .max()
            .unwrap_or(0),
    }
}

struct Checker {
    diags: Vec<Diagnostic>,
    /// The file being checked.
    file: usize,
    groups: HashMap<String, (usize, usize)>,
    group_used: HashSet<String>,
    defines: Vec<DefineInfo>,
    /// The evaluation depth of each compiled definition.
    define_depths: Vec<usize>,
    /// Members copied so far while compiling groups (`MAX_GROUP_WORK`).
    group_work: usize,
    /// How many levels of groups each compiled group is made of.
    group_depth: HashMap<String, usize>,
    plan: Plan,
    names: Vec<String>,
    /// "Did you mean" for names that may be many (groups, definitions).
    suggester: Suggester,
    /// Each definition's place in `defines`, by name and subject: looked
    /// up for every name in every expression, so not by a scan.
    define_at: HashMap<(String, Subject), usize>,
    /// The definitions for each subject, in order (places in `defines`).
    defines_of: HashMap<Subject, Vec<usize>>,
    /// Where each file's syntax errors start, in order (see
    /// [`Checker::unreadable`]).
    syntax_errors: Vec<Vec<usize>>,
}

type Typed = (CExpr, Ty);

/// What a name or expression that could not be typed stands for, once
/// reported: a value that suppresses follow-on errors.
fn unknown() -> Typed {
    (CExpr::Const(Const::Bool(false)), Ty::Error)
}

/// The most names a help line lists ("each crime has: …").
const NAMES_LISTED: usize = 40;

impl Checker {
    /// Whether the parser could not read something in `span` of the
    /// current file (a syntax error starts there): a binary search, as
    /// it is asked for every rule.
    fn unreadable(&self, span: Span) -> bool {
        let starts = self
            .syntax_errors
            .get(self.file)
            .map_or(&[][..], Vec::as_slice);
        let first = starts.partition_point(|&s| s < span.start);
        starts.get(first).is_some_and(|&s| s < span.end)
    }

    fn error(&mut self, code: Code, span: Span, message: String, help: impl Into<String>) {
        self.diags.push(Diagnostic::error(
            code,
            self.file,
            span,
            message,
            help.into(),
        ));
    }

    fn warn(&mut self, code: Code, span: Span, message: String, help: impl Into<String>) {
        self.diags.push(Diagnostic::warning(
            code,
            self.file,
            span,
            message,
            help.into(),
        ));
    }

    fn error_count(&self) -> usize {
        self.diags
            .iter()
            .filter(|d| d.level == Level::Error)
            .count()
    }
}
