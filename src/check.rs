//! Step two: syntax trees to a checked, compiled [`Plan`]. Every name is
//! resolved against the record schema and the declared groups, every
//! expression is typed, and every problem is reported at once, before any
//! record is read.

use crate::diagnostics::{Code, Diagnostic, Level, Suggester, did_you_mean};
use crate::plan::{
    AuditPlan, CExpr, Check, CodeRange, CodeSet, Const, KINDS, Plan, Pseudo, RangeError,
    Requirement, RuleFile, SampleSize, Severity, SeverityPlan, Stratum, Window,
};
use crate::records::{EVENTS, FieldType, STATUSES, Table, refers_to};
use crate::syntax::ast::{self, Clause, CmpOp, ExprKind, Item, Member, Span, Subject, Unit};
use crate::syntax::{SyntaxError, parse_file};
use crate::time::{Calendar, MICROS_PER_HOUR, Span as TimeSpan};
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

    // ------------------------------------------------------------ declarations

    fn declare(&mut self, parsed: &[&ast::File]) {
        let mut group_decls: BTreeMap<String, (usize, &ast::Group)> = BTreeMap::new();
        let mut calendars: HashMap<String, Span> = HashMap::new();
        let mut holidays = Vec::new();
        let mut covers: Option<(i32, i32)> = None;
        for (n, f) in parsed.iter().enumerate() {
            self.file = n;
            let mut has_edition = false;
            for item in &f.items {
                match item {
                    Item::Edition(e) => {
                        has_edition = true;
                        if !self.plan.editions.contains(&e.node) {
                            self.plan.editions.push(e.node.clone());
                        }
                    }
                    Item::Group(g) => {
                        if let Some((other, _)) = group_decls.get(&g.name.node) {
                            let other = *other;
                            self.error(
                                Code::E007,
                                g.name.span,
                                format!("group `{}` is declared twice", g.name.node),
                                format!(
                                    "rename one of them, or merge them (the other is in {})",
                                    self.where_is(other)
                                ),
                            );
                        } else {
                            group_decls.insert(g.name.node.clone(), (n, g));
                        }
                    }
                    Item::Calendar(c) => {
                        if calendars.insert(c.name.node.clone(), c.name.span).is_some() {
                            self.error(
                                Code::E007,
                                c.name.span,
                                format!("calendar `{}` is declared twice", c.name.node),
                                "give each calendar its own name",
                            );
                        }
                        let (lo, hi) = match &c.covers {
                            Some((a, b)) => {
                                if a.node > b.node {
                                    self.error(
                                        Code::E008,
                                        a.span.to(b.span),
                                        "the years covered run backwards".into(),
                                        "write the earlier year first",
                                    );
                                }
                                (a.node, b.node)
                            }
                            None => {
                                let years =
                                    c.days.iter().map(|d| chrono::Datelike::year(&d.date.node));
                                match (years.clone().min(), years.max()) {
                                    (Some(a), Some(b)) => (a, b),
                                    _ => continue,
                                }
                            }
                        };
                        for d in &c.days {
                            let y = chrono::Datelike::year(&d.date.node);
                            if y < lo || y > hi {
                                self.warn(
                                    Code::W003,
                                    d.date.span,
                                    format!("this holiday is outside the years `{}` covers ({lo} to {hi})", c.name.node),
                                    "widen `covers`, or remove the date",
                                );
                            }
                            holidays.push(d.date.node);
                        }
                        covers = Some(match covers {
                            Some((a, b)) => (a.min(lo), b.max(hi)),
                            None => (lo, hi),
                        });
                    }
                    _ => {}
                }
            }
            if !has_edition && !f.items.is_empty() {
                self.warn(
                    Code::W004,
                    Span::default(),
                    "this rule file does not say which HOCR edition it follows".into(),
                    "add a line such as `edition \"HOCR April 2025\"` at the top",
                );
            }
        }
        self.plan.calendar = Calendar {
            holidays: holidays.into_iter().collect(),
            covers,
        };
        // Groups: compile each, following references, refusing cycles.
        let names: Vec<String> = group_decls.keys().cloned().collect();
        let mut done: HashMap<String, CodeSet> = HashMap::new();
        // Included groups first, so compiling one only looks up the groups
        // it includes: recursion goes deeper only around a circle.
        for name in &included_first(&group_decls) {
            let mut stack = Vec::new();
            self.compile_group(name, &group_decls, &mut done, &mut stack);
        }
        for name in names {
            let (file, decl) = group_decls[&name];
            let set = done.remove(&name).unwrap_or_else(|| CodeSet::new(&name));
            self.groups.insert(name, (self.plan.groups.len(), file));
            let _ = decl;
            self.plan.groups.push(set);
        }
    }

    /// Where another declaration is, in words: `this file` or its name.
    fn where_is(&self, n: usize) -> String {
        if n == self.file {
            "this file".into()
        } else {
            format!("`{}`", self.names.get(n).map_or("", String::as_str))
        }
    }

    fn compile_group(
        &mut self,
        name: &str,
        decls: &BTreeMap<String, (usize, &ast::Group)>,
        done: &mut HashMap<String, CodeSet>,
        stack: &mut Vec<String>,
    ) -> Option<CodeSet> {
        if let Some(s) = done.get(name) {
            return Some(s.clone());
        }
        let (file, g) = *decls.get(name)?;
        if stack.iter().any(|s| s == name) {
            self.file = file;
            self.error(
                Code::E009,
                g.name.span,
                format!(
                    "group `{name}` includes itself: {}",
                    stack
                        .iter()
                        .skip_while(|s| *s != name)
                        .chain([&name.to_string()])
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(" → ")
                ),
                "a group may include other groups, but not in a circle",
            );
            return None;
        }
        if stack.len() >= MAX_GROUP_DEPTH {
            self.file = file;
            self.error(
                Code::E017,
                g.name.span,
                format!("group `{name}` is made of more than {MAX_GROUP_DEPTH} levels of groups"),
                "list the codes in fewer levels of groups",
            );
            return None;
        }
        stack.push(name.to_string());
        let mut set = CodeSet::new(name);
        let mut depth = 1;
        for m in &g.members {
            self.file = file;
            match &m.node {
                Member::Code { text, .. } => set.add_code(text),
                Member::Range(a, b) => match CodeRange::new(a, b) {
                    Ok(r) => set.add_range(r),
                    Err(RangeError::Shape) => self.error(
                        Code::E008,
                        m.span,
                        format!("`{a}..{b}` is not a range hocr can read"),
                        "the two ends must differ in one number or one letter only, e.g. `19C..19H` or `4/1..4/10`",
                    ),
                    Err(RangeError::Backwards) => self.error(
                        Code::E008,
                        m.span,
                        format!("the range `{a}..{b}` runs backwards"),
                        format!("write it as `{b}..{a}`"),
                    ),
                },
                Member::Word(w) => {
                    if decls.contains_key(w) {
                        self.group_used.insert(w.clone());
                        if let Some(inner) = self.compile_group(w, decls, done, stack) {
                            let inner_depth = self.group_depth.get(w).copied().unwrap_or(1);
                            depth = depth.max(inner_depth + 1);
                            if self.group_work > MAX_GROUP_WORK {
                                // Said once already; copy nothing more.
                                continue;
                            }
                            self.group_work = self.group_work.saturating_add(inner.len());
                            if self.group_work > MAX_GROUP_WORK {
                                self.file = file;
                                self.error(
                                    Code::E017,
                                    m.span,
                                    format!("groups including groups come to more than {MAX_GROUP_WORK} members"),
                                    "include each group once, in fewer levels of groups",
                                );
                                continue;
                            }
                            set.extend(&inner);
                        }
                    } else {
                        self.file = file;
                        let hint = match self.suggester.suggest(w, decls.keys().map(String::as_str)) {
                            Some(s) => format!("did you mean the group `{s}`? To mean the code itself, quote it: `\"{w}\"`"),
                            None => format!("declare `group {w} = …`, or quote it to mean the code: `\"{w}\"`"),
                        };
                        self.error(Code::E003, m.span, format!("unknown group `{w}`"), hint);
                    }
                }
            }
        }
        stack.pop();
        if depth == MAX_GROUP_DEPTH + 1 {
            // Said at the first group past the limit, not at every one after.
            self.file = file;
            self.error(
                Code::E017,
                g.name.span,
                format!("group `{name}` is made of more than {MAX_GROUP_DEPTH} levels of groups"),
                "list the codes in fewer levels of groups",
            );
        }
        self.group_depth.insert(name.to_string(), depth);
        done.insert(name.to_string(), set.clone());
        Some(set)
    }

    fn define_all(&mut self, parsed: &[&ast::File]) {
        for (n, f) in parsed.iter().enumerate() {
            self.file = n;
            for item in &f.items {
                let Item::Define(d) = item else { continue };
                if self
                    .define_at
                    .contains_key(&(d.name.node.clone(), d.subject.node))
                {
                    self.error(
                        Code::E007,
                        d.name.span,
                        format!(
                            "`{}` is already defined for each {}",
                            d.name.node,
                            d.subject.node.words()
                        ),
                        "give the definition another name",
                    );
                    continue;
                }
                if self.field_exists(d.subject.node, &d.name.node) {
                    self.error(
                        Code::E007,
                        d.name.span,
                        format!(
                            "`{}` is already a field of each {}",
                            d.name.node,
                            d.subject.node.words()
                        ),
                        "give the definition another name",
                    );
                    continue;
                }
                let (e, ty) = self.expr(&d.value, d.subject.node);
                let depth = eval_depth(&e, &self.define_depths);
                let index = self.plan.defines.len();
                self.define_depths.push(depth);
                self.plan.defines.push(e);
                self.define_at
                    .insert((d.name.node.clone(), d.subject.node), self.defines.len());
                self.defines_of
                    .entry(d.subject.node)
                    .or_default()
                    .push(self.defines.len());
                self.defines.push(DefineInfo {
                    name: d.name.node.clone(),
                    ty,
                    index,
                });
            }
        }
    }

    fn field_exists(&self, subject: Subject, name: &str) -> bool {
        match table_of(subject) {
            Some(t) => t.field_index(name).is_some() || link(subject, name).is_some(),
            None => Pseudo::ALL.iter().any(|(n, _)| *n == name),
        }
    }

    // ------------------------------------------------------------ rules

    fn rules(&mut self, parsed: &[&ast::File]) {
        let mut seen: HashMap<String, (usize, Span)> = HashMap::new();
        for (n, f) in parsed.iter().enumerate() {
            self.file = n;
            for item in &f.items {
                let Item::Rule(r) = item else { continue };
                if let Some((file, _)) = seen.get(&r.code.node) {
                    let file = *file;
                    self.error(
                        Code::E005,
                        r.code.span,
                        format!("rule code `{}` is used twice", r.code.node),
                        format!(
                            "rule codes are the stable contract of reports: give this rule a new code (the first `{}` is in {})",
                            r.code.node,
                            self.where_is(file)
                        ),
                    );
                    // Still check its body, so every error shows at once.
                    let _ = self.rule(r);
                    continue;
                }
                seen.insert(r.code.node.clone(), (n, r.code.span));
                if let Some(rule) = self.rule(r) {
                    self.plan.rules.push(rule);
                }
            }
        }
    }

    fn rule(&mut self, r: &ast::Rule) -> Option<crate::plan::Rule> {
        let mut sources = Vec::new();
        let mut quotes = Vec::new();
        let mut policies = Vec::new();
        let mut theme = None;
        let mut message = None;
        let mut severity: Option<&ast::Expr> = None;
        let mut examples = Vec::new();
        // Group the clauses into checks, each starting at `for each`.
        struct Draft<'a> {
            subject: ast::Spanned<Subject>,
            wheres: Vec<&'a ast::Expr>,
            unless: Vec<&'a ast::Expr>,
            require: Option<&'a ast::Requirement>,
            require_span: Span,
            grace: Option<(&'a ast::Expr, &'a ast::Expr)>,
            otherwise: Option<&'a ast::Name>,
            applies: Option<&'a Clause>,
            needs: Vec<&'a ast::Name>,
        }
        let mut drafts: Vec<Draft> = Vec::new();
        // `applies` before the first `for each`: every check's window.
        let mut rule_applies: Option<&Clause> = None;
        for c in &r.clauses {
            let in_check = drafts.last_mut();
            match c {
                Clause::Source(s) => {
                    sources.push(crate::plan::Source {
                        text: s.text.node.clone(),
                        address: s.address.as_ref().map(|a| a.node.clone()),
                    });
                }
                Clause::Quote(s) => {
                    self.attribution(r, "quote", s, &quotes, &policies);
                    quotes.push(s.node.clone());
                }
                Clause::Policy(s) => {
                    self.attribution(r, "policy", s, &policies, &quotes);
                    policies.push(s.node.clone());
                }
                Clause::Theme(t) => {
                    if theme.is_some() {
                        self.error(
                            Code::E010,
                            t.span,
                            "a rule has one `theme`".into(),
                            "remove one of the `theme` lines",
                        );
                    }
                    theme = Some(t.node.clone());
                }
                Clause::Message(m) => message = Some(m.node.clone()),
                Clause::Severity(e) => {
                    if severity.is_some() {
                        self.error(
                            Code::E010,
                            e.span,
                            "a rule has one `severity`".into(),
                            "combine them: `severity high when …, else medium`",
                        );
                    }
                    severity = Some(e);
                }
                Clause::Example(e) => examples.push(e.clone()),
                Clause::ForEach(s) => drafts.push(Draft {
                    subject: s.clone(),
                    wheres: Vec::new(),
                    unless: Vec::new(),
                    require: None,
                    require_span: s.span,
                    grace: None,
                    otherwise: None,
                    applies: None,
                    needs: Vec::new(),
                }),
                Clause::Applies(a) => {
                    let span = &a.span;
                    let slot = match in_check {
                        Some(d) => &mut d.applies,
                        None => &mut rule_applies,
                    };
                    if slot.is_some() {
                        self.error(
                            Code::E010,
                            *span,
                            "a rule or check has one `applies`".into(),
                            "write the window once: `applies from 2018-04-01 until 2023-05-31`; for another version of the rule start another check with `for each`",
                        );
                        continue;
                    }
                    *slot = Some(c);
                }
                Clause::Needs(names) => {
                    let Some(d) = in_check else {
                        self.error(
                            Code::E010,
                            names[0].span,
                            "`needs` belongs to a check".into(),
                            "put `for each crime` (or update) before it",
                        );
                        continue;
                    };
                    d.needs.extend(names);
                }
                Clause::Where(e) | Clause::Unless(e) | Clause::Grace { span_expr: e, .. } => {
                    let Some(d) = in_check else {
                        let word = match c {
                            Clause::Where(_) => "where",
                            Clause::Unless(_) => "unless",
                            _ => "grace",
                        };
                        self.error(
                            Code::E010,
                            e.span,
                            format!("`{word}` belongs to a check"),
                            "put `for each crime` (or incident, update) before it",
                        );
                        continue;
                    };
                    match c {
                        Clause::Where(e) => d.wheres.push(e),
                        Clause::Unless(e) => d.unless.push(e),
                        Clause::Grace { span_expr, anchor } => {
                            if d.grace.is_some() {
                                self.error(
                                    Code::E010,
                                    span_expr.span,
                                    "a check has one grace period".into(),
                                    "remove one of the `grace` lines",
                                );
                            }
                            d.grace = Some((span_expr, anchor));
                        }
                        _ => {}
                    }
                }
                Clause::Require(req) => {
                    let span = match req {
                        ast::Requirement::Holds(e) => e.span,
                        ast::Requirement::Deadline { done, anchor, .. } => {
                            done.span.to(anchor.span)
                        }
                    };
                    let Some(d) = in_check else {
                        self.error(
                            Code::E010,
                            span,
                            "`require` belongs to a check".into(),
                            "put `for each crime` (or incident, update) before it",
                        );
                        continue;
                    };
                    if d.require.is_some() {
                        self.error(Code::E010, span, "a check has one `require`".into(), "combine the conditions with `and`, or start another check with `for each`");
                    }
                    d.require = Some(req);
                    d.require_span = span;
                }
                Clause::Otherwise(k) => {
                    let Some(d) = in_check else {
                        self.error(
                            Code::E010,
                            k.span,
                            "`otherwise` belongs to a check".into(),
                            "put it after the check's `require`",
                        );
                        continue;
                    };
                    d.otherwise = Some(k);
                }
            }
        }
        let missing = |what: &str, example: &str| {
            (
                format!("rule `{}` has no `{what}`", r.code.node),
                format!("add a line such as `{example}`"),
            )
        };
        let mut problems = Vec::new();
        // A quote needs the document it is copied from; a rule that rests
        // on force policy alone may have none to name.
        let policy_alone = quotes.is_empty() && !policies.is_empty();
        if sources.is_empty() && !policy_alone {
            problems.push(missing(
                "source",
                "source \"HOCR General Rules, Section A\" at \"https://www.gov.uk/government/publications/counting-rules-for-recorded-crime\"",
            ));
        }
        if theme.is_none() {
            problems.push(missing("theme", "theme timeliness"));
        }
        if severity.is_none() {
            problems.push(missing("severity", "severity medium"));
        }
        if drafts.is_empty() {
            problems.push(missing("for each", "for each crime"));
        }
        // A clause the parser could not read is not missing: say nothing
        // more until the syntax error is mended.
        let unreadable_clause = self.unreadable(r.span);
        if unreadable_clause {
            problems.clear();
        }
        for (m, h) in problems {
            self.error(Code::E006, r.code.span, m, h);
        }
        for c in &r.clauses {
            if let Clause::Source(s) = c {
                // A string left open swallows the text after it, address
                // and all: the syntax error says what is wrong.
                self.source(s, unreadable_clause);
            }
        }
        // A rule may stand on the published text, on force policy, or on
        // both; one with neither asks the reader to trust its logic alone.
        if quotes.is_empty() && policies.is_empty() && !unreadable_clause {
            self.warn(
                Code::W009,
                r.code.span,
                format!("rule `{}` has no `quote` and no `policy`", r.code.node),
                "add the published words it implements (`quote \"…\"`, verbatim from its source), or say what force policy it applies (`policy \"…\"`)",
            );
        }
        let mut checks = Vec::new();
        // Where each check's window is written, for overlaps (E020).
        let mut window_spans = Vec::new();
        for d in drafts {
            let subject = d.subject.node;
            let applies = d.applies.or(rule_applies);
            let window = applies.and_then(|a| self.window(a, d.subject.clone()));
            let needs = self.needs(&d.needs, subject);
            let filters = d
                .wheres
                .iter()
                .map(|e| self.condition_checked(e, subject))
                .collect::<Vec<_>>();
            let filters = filters
                .into_iter()
                .zip(&d.wheres)
                .map(|((c, clean), e)| {
                    // A condition with an error in it stands as `false`:
                    // that it can never be true is the error's doing.
                    if clean && never_true(&c) {
                        self.warn(
                            Code::W002,
                            e.span,
                            "this condition can never be true".into(),
                            "the check will never apply; correct or remove the condition",
                        );
                    }
                    c
                })
                .collect::<Vec<_>>();
            let exemptions = d
                .unless
                .iter()
                .map(|e| self.condition(e, subject))
                .collect();
            let Some(req) = d.require else {
                if unreadable_clause {
                    continue;
                }
                let example = self.condition_examples(subject);
                let first = example
                    .split(" or ")
                    .next()
                    .unwrap_or_default()
                    .trim_matches('`');
                let help = format!(
                    "add what must hold, e.g. `require {first}`, or a deadline: `require … within 24 hours after …`"
                );
                self.error(
                    Code::E006,
                    d.subject.span,
                    format!("this check of rule `{}` has no `require`", r.code.node),
                    help,
                );
                continue;
            };
            let requirement = match req {
                ast::Requirement::Holds(e) => {
                    let cond = self.condition(e, subject);
                    let grace = d.grace.map(|(s, a)| {
                        (
                            self.typed(s, subject, Ty::Span, "a duration such as `24 hours`"),
                            self.typed(a, subject, Ty::Time, "a time"),
                        )
                    });
                    Requirement::Holds { cond, grace }
                }
                ast::Requirement::Deadline {
                    done,
                    within,
                    anchor,
                } => {
                    if let Some((g, _)) = d.grace {
                        self.error(
                            Code::E010,
                            g.span,
                            "a deadline has no grace period".into(),
                            "a deadline is already pending until it passes; remove `grace`",
                        );
                    }
                    if let Some(k) = d.otherwise {
                        self.error(
                            Code::E010,
                            k.span,
                            "a deadline's findings are always `late` or `missing`".into(),
                            "remove `otherwise`",
                        );
                    }
                    Requirement::Deadline {
                        done: self.typed(done, subject, Ty::Time, "the time the thing was done"),
                        within: self.typed(
                            within,
                            subject,
                            Ty::Span,
                            "a duration such as `24 hours` or `5 working days`",
                        ),
                        anchor: self.typed(
                            anchor,
                            subject,
                            Ty::Time,
                            "the time the deadline counts from",
                        ),
                    }
                }
            };
            let kind = match d.otherwise {
                Some(k) if KINDS.contains(&k.node.as_str()) => k.node.clone(),
                Some(k) => {
                    let hint = match did_you_mean(&k.node, KINDS.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("use one of: {}", KINDS.join(", ")),
                    };
                    self.error(
                        Code::E011,
                        k.span,
                        format!("`{}` is not a kind of finding", k.node),
                        hint,
                    );
                    k.node.clone()
                }
                None => match (req, d.grace) {
                    (_, Some(_)) => "missing".into(),
                    _ => "invalid".into(),
                },
            };
            let severity = match severity {
                Some(e) => self.severity(e, subject),
                None => SeverityPlan {
                    arms: Vec::new(),
                    otherwise: Severity::Medium,
                },
            };
            let check = Check {
                subject,
                filters,
                exemptions,
                requirement,
                kind,
                severity,
                window,
                needs,
            };
            self.unread_needs(&check, &d.needs);
            window_spans.push(match applies {
                Some(Clause::Applies(a)) => a.span,
                _ => d.subject.span,
            });
            checks.push(check);
        }
        self.overlapping_versions(&r.code.node, &checks, &window_spans);
        self.examples(r, &examples, &checks);
        Some(crate::plan::Rule {
            code: r.code.node.clone(),
            name: r.name.node.clone(),
            title: r.title.node.clone(),
            sources,
            quotes,
            policies,
            theme: theme.unwrap_or_default(),
            message,
            checks,
            examples,
            file: self.file,
            span: r.span,
        })
    }

    /// `applies from … until …`: both dates real (E018), in order (E019),
    /// on a subject with a report time (E021).
    fn window(&mut self, applies: &Clause, subject: ast::Spanned<Subject>) -> Option<Window> {
        let Clause::Applies(a) = applies else {
            return None;
        };
        let (from, until, span) = (&a.node.from, &a.node.until, &a.span);
        let mut read = |d: &Option<ast::Spanned<String>>| -> Result<Option<NaiveDate>, ()> {
            let Some(d) = d else { return Ok(None) };
            match NaiveDate::parse_from_str(&d.node, "%Y-%m-%d") {
                Ok(date) if d.node.len() == 10 => Ok(Some(date)),
                _ => {
                    self.error(
                        Code::E018,
                        d.span,
                        format!("`{}` is not a date", d.node),
                        "write the day as year-month-day, e.g. `2018-04-01`",
                    );
                    Err(())
                }
            }
        };
        let (from_date, until_date) = (read(from), read(until));
        let (Ok(from_date), Ok(until_date)) = (from_date, until_date) else {
            return None;
        };
        if let (Some(a), Some(b), Some(u)) = (from_date, until_date, until)
            && b <= a
        {
            self.error(
                Code::E019,
                u.span,
                format!("the window ends ({b}) before it starts ({a})"),
                "a window runs from its first day up to, not including, its `until` day: write the later date after `until`",
            );
            return None;
        }
        let time = match report_time(subject.node) {
            Some(t) => t,
            None => {
                self.error(
                    Code::E021,
                    *span,
                    format!(
                        "each {} has no report time to judge a window by",
                        subject.node.words()
                    ),
                    "put `applies` in a check of each incident, crime or update",
                );
                return None;
            }
        };
        Some(Window {
            from: from_date,
            until: until_date,
            time,
        })
    }

    /// `needs …`: fields of a held table (crimes, updates), whose presence
    /// in the export is known before anything is judged.
    fn needs(&mut self, names: &[&ast::Name], subject: Subject) -> Vec<(Table, usize)> {
        let mut out = Vec::new();
        for name in names {
            let table = match subject {
                Subject::Crime => Table::Crimes,
                Subject::Update => Table::Updates,
                _ => {
                    self.error(
                        Code::E021,
                        name.span,
                        format!("a check of each {} cannot say what it `needs`", subject.words()),
                        "`needs` is for checks of each crime or update: their tables are read whole before anything is judged, so whether they hold a field is known",
                    );
                    continue;
                }
            };
            match table.field_index(&name.node) {
                Some(f) => out.push((table, f)),
                None => {
                    let hint = match did_you_mean(&name.node, table.fields().iter().map(|f| f.name))
                    {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "each {} has: {}",
                            subject.words(),
                            table
                                .fields()
                                .iter()
                                .map(|f| f.name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    self.error(
                        Code::E002,
                        name.span,
                        format!("each {} has no field `{}`", subject.words(), name.node),
                        hint,
                    );
                }
            }
        }
        out
    }

    /// W007: a field a check `needs` that none of its expressions reads.
    fn unread_needs(&mut self, check: &Check, names: &[&ast::Name]) {
        for ((table, field), name) in check.needs.iter().zip(names) {
            let read = check_exprs(check).any(|e| reads(&self.plan, e, *table, *field));
            if !read {
                self.warn(
                    Code::W007,
                    name.span,
                    format!("this check never reads `{}`", name.node),
                    "`needs` names the fields the check cannot judge without; remove it, or use the field",
                );
            }
        }
    }

    /// E020: two checks of one subject kind in a rule (versions of it)
    /// whose windows share a day judge the same subjects twice.
    fn overlapping_versions(&mut self, code: &str, checks: &[Check], spans: &[Span]) {
        let always = Window {
            from: None,
            until: None,
            time: CExpr::Const(Const::Bool(false)),
        };
        for (n, c) in checks.iter().enumerate() {
            for earlier in &checks[..n] {
                if earlier.subject != c.subject || (c.window.is_none() && earlier.window.is_none())
                {
                    continue;
                }
                let (a, b) = (
                    earlier.window.as_ref().unwrap_or(&always),
                    c.window.as_ref().unwrap_or(&always),
                );
                if a.overlaps(b) {
                    let words = |w: &Window| match w.words() {
                        w if w.is_empty() => "always".to_string(),
                        w => w,
                    };
                    self.error(
                        Code::E020,
                        spans[n],
                        format!(
                            "this version of rule `{code}` ({}) overlaps an earlier check of each {} ({})",
                            words(b),
                            c.subject.words(),
                            words(a)
                        ),
                        "versions of a rule must not share a day: end the earlier with `until D` and start the later with `from D`",
                    );
                    break;
                }
            }
        }
    }

    /// A rule's source: a title and a web address a reader can follow.
    fn source(&mut self, s: &ast::Source, unreadable_clause: bool) {
        self.source_text(s);
        match &s.address {
            None if unreadable_clause => {}
            None => self.error(
                Code::E023,
                s.text.span,
                "this `source` has no address".into(),
                "say where a reader finds the document, e.g. `source \"HOCR General Rules, Section A\" at \"https://www.gov.uk/government/publications/counting-rules-for-recorded-crime\"`",
            ),
            Some(a) if !is_web_address(&a.node) => self.error(
                Code::E024,
                a.span,
                format!("`{}` is not a web address", a.node.trim()),
                "give the document's address, starting `https://` (or `http://`), with no spaces",
            ),
            Some(_) => {}
        }
    }

    /// A source's title (for rules and audit plans alike) says something.
    fn source_text(&mut self, s: &ast::Source) {
        if s.text.node.trim().is_empty() {
            self.error(
                Code::E022,
                s.text.span,
                "this `source` is empty".into(),
                "name the document, and the section where known, e.g. `source \"HOCR General Rules, Section A\"`",
            );
        }
    }

    /// A `quote` or `policy` says something, and says it once.
    fn attribution(
        &mut self,
        r: &ast::Rule,
        word: &str,
        s: &ast::Spanned<String>,
        same: &[String],
        other: &[String],
    ) {
        let text = normalise_space(&s.node);
        if text.is_empty() {
            let help = if word == "quote" {
                "copy the words of the source exactly as published, or remove the line"
            } else {
                "say what the force decided (or how this rule reads the source), or remove the line"
            };
            self.error(Code::E022, s.span, format!("this `{word}` is empty"), help);
        } else if same.iter().any(|t| normalise_space(t) == text) {
            self.warn(
                Code::W010,
                s.span,
                format!("rule `{}` has this `{word}` twice", r.code.node),
                "remove the repeated line",
            );
        } else if other.iter().any(|t| normalise_space(t) == text) {
            self.warn(
                Code::W010,
                s.span,
                format!(
                    "rule `{}` gives this text as both a `quote` and a `policy`",
                    r.code.node
                ),
                "keep one: a `quote` is the source's own words, a `policy` the force's reading",
            );
        }
    }

    /// Every example must be readable as records and expect something the
    /// rule can report; running them is `hocr rules test`'s business.
    fn examples(&mut self, r: &ast::Rule, examples: &[ast::Example], checks: &[Check]) {
        let may_be_unreadable = crate::examples::may_hold_unreadable(checks);
        let mut reports: Vec<&str> = checks.iter().flat_map(Check::reports).collect();
        reports.sort_unstable();
        reports.dedup();
        let mut names = HashSet::new();
        for ex in examples {
            if !names.insert(ex.name.node.as_str()) {
                self.warn(
                    Code::W005,
                    ex.name.span,
                    format!(
                        "rule `{}` has two examples called `{}`",
                        r.code.node, ex.name.node
                    ),
                    "name each example after what it shows",
                );
            }
            if let Err(problems) = crate::examples::read(ex, may_be_unreadable) {
                for p in problems {
                    self.error(p.code, p.span, p.message, p.help);
                }
            }
            self.expectation(r, ex, &reports);
        }
    }

    fn expectation(&mut self, r: &ast::Rule, ex: &ast::Example, reports: &[&str]) {
        let span = ex.expect.span;
        match &ex.expect.node {
            ast::Expectation::Nothing => {}
            ast::Expectation::Pending => {
                if ex.as_of.is_none() {
                    self.error(
                        Code::E015,
                        span,
                        "without `as of`, nothing is pending".into(),
                        "an example without `as of` is judged after every deadline; add `as of \"…\"` with a time before the deadline",
                    );
                }
            }
            ast::Expectation::Finding { kind, count } => {
                if kind == "pending" {
                    self.error(
                        Code::E015,
                        span,
                        "pending subjects are not counted".into(),
                        "write `expect pending`",
                    );
                } else if !KINDS.contains(&kind.as_str()) {
                    let hint = match did_you_mean(kind, KINDS.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "expect `no finding`, `pending` or a kind of finding: {}",
                            KINDS.join(", ")
                        ),
                    };
                    self.error(
                        Code::E015,
                        span,
                        format!("`{kind}` is not a kind of finding"),
                        hint,
                    );
                } else if *count == 0 {
                    self.error(
                        Code::E015,
                        span,
                        format!("`expect 0 {kind}` expects nothing"),
                        "write `expect no finding`",
                    );
                } else if !reports.is_empty() && !reports.contains(&kind.as_str()) {
                    self.error(
                        Code::E015,
                        span,
                        format!("rule `{}` never reports `{kind}`", r.code.node),
                        format!(
                            "expect {} or `no finding`",
                            reports
                                .iter()
                                .chain(&["pending"])
                                .map(|k| format!("`{k}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
            }
        }
    }

    fn severity(&mut self, e: &ast::Expr, subject: Subject) -> SeverityPlan {
        let level = |cx: &mut Checker, e: &ast::Expr| -> Severity {
            if let ExprKind::Path(p) = &e.kind
                && let [one] = p.as_slice()
                && let Some(s) = Severity::parse(&one.node)
            {
                return s;
            }
            let names: Vec<&str> = Severity::ALL.iter().map(|s| s.name()).collect();
            let text = match &e.kind {
                ExprKind::Path(p) => p
                    .iter()
                    .map(|n| n.node.as_str())
                    .collect::<Vec<_>>()
                    .join("."),
                _ => String::from("this"),
            };
            let hint = match did_you_mean(&text, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("use one of: {}", names.join(", ")),
            };
            cx.error(
                Code::E011,
                e.span,
                format!("`{text}` is not a severity"),
                hint,
            );
            Severity::Medium
        };
        match &e.kind {
            ExprKind::Choice(arms, default) => {
                let mut out = Vec::new();
                for (v, c) in arms {
                    let s = level(self, v);
                    let c = self.condition(c, subject);
                    out.push((s, c));
                }
                SeverityPlan {
                    arms: out,
                    otherwise: level(self, default),
                }
            }
            _ => SeverityPlan {
                arms: Vec::new(),
                otherwise: level(self, e),
            },
        }
    }

    fn finish(&mut self, parsed: &[&ast::File]) {
        let mut exprs: Vec<&CExpr> = self.plan.defines.iter().collect();
        for r in &self.plan.rules {
            for c in &r.checks {
                match &c.requirement {
                    Requirement::Holds {
                        grace: Some((s, a)),
                        ..
                    } => exprs.extend([s, a]),
                    Requirement::Deadline { within, anchor, .. } => exprs.extend([within, anchor]),
                    Requirement::Holds { .. } => {}
                }
            }
        }
        self.plan.uses_working_days = exprs.into_iter().any(counts_working_days);
        if self.plan.uses_working_days && self.plan.calendar.covers.is_none() {
            self.diags.push(Diagnostic {
                code: Code::W003,
                level: Level::Warning,
                file: None,
                span: Span::default(),
                message: "rules count working days, but no holiday calendar is declared".into(),
                help: "declare `calendar bank_holidays covers 2024 to 2026 { 2024-01-01 \"New Year's Day\" … }`; until then only weekends are non-working".into(),
            });
        }
        for (n, f) in parsed.iter().enumerate() {
            self.file = n;
            for item in &f.items {
                if let Item::Group(g) = item
                    && !self.group_used.contains(&g.name.node)
                {
                    self.warn(
                        Code::W001,
                        g.name.span,
                        format!("group `{}` is never used", g.name.node),
                        "use it in a rule, or remove it",
                    );
                }
            }
        }
    }

    // ------------------------------------------------------------ audit plans

    fn audits(&mut self, parsed: &[&ast::File]) {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (n, f) in parsed.iter().enumerate() {
            self.file = n;
            for item in &f.items {
                let Item::Audit(a) = item else { continue };
                if let Some(&other) = seen.get(&a.name.node) {
                    self.error(
                        Code::E007,
                        a.name.span,
                        format!("audit plan `{}` is declared twice", a.name.node),
                        format!(
                            "give each plan its own name (the other is in {})",
                            self.where_is(other)
                        ),
                    );
                } else {
                    seen.insert(a.name.node.clone(), n);
                }
                let plan = self.audit(a);
                self.plan.audits.push(plan);
            }
        }
    }

    fn audit(&mut self, a: &ast::Audit) -> AuditPlan {
        let mut sources = Vec::new();
        let mut strata: Vec<(Stratum, &ast::Stratum)> = Vec::new();
        for line in &a.lines {
            let s = match line {
                ast::AuditLine::Source(s) => {
                    self.source_text(s);
                    sources.push(crate::plan::Source {
                        text: s.text.node.clone(),
                        address: s.address.as_ref().map(|a| a.node.clone()),
                    });
                    continue;
                }
                ast::AuditLine::Stratum(s) => s,
            };
            if strata.iter().any(|(t, _)| t.name == s.name.node) {
                self.error(
                    Code::E007,
                    s.name.span,
                    format!(
                        "stratum `{}` is declared twice in audit plan `{}`",
                        s.name.node, a.name.node
                    ),
                    "give each stratum its own name",
                );
            }
            let (filter, clean) = self.condition_checked(&s.filter, Subject::Incident);
            if clean && never_true(&filter) {
                self.warn(
                    Code::W002,
                    s.filter.span,
                    "this condition can never be true".into(),
                    "the stratum will always be empty; correct or remove the condition",
                );
            }
            let size = self.sample_size(&s.size);
            strata.push((
                Stratum {
                    name: s.name.node.clone(),
                    label: s.label.as_ref().map(|l| l.node.clone()),
                    filter,
                    size,
                },
                s,
            ));
        }
        let unreadable = self.unreadable(a.span);
        if strata.is_empty() && !unreadable {
            self.error(
                Code::E016,
                a.name.span,
                format!("audit plan `{}` has no strata", a.name.node),
                "add a line such as `stratum violence where closing_code in violence_codes sample 60`",
            );
        }
        self.overlaps(&strata);
        AuditPlan {
            name: a.name.node.clone(),
            title: a.title.node.clone(),
            sources,
            strata: strata.into_iter().map(|(s, _)| s).collect(),
            file: self.file,
            span: a.span,
        }
    }

    fn sample_size(&mut self, size: &ast::SampleSize) -> SampleSize {
        match size {
            ast::SampleSize::Count(n) => {
                if n.node < 1 {
                    self.error(
                        Code::E016,
                        n.span,
                        "a stratum's sample needs at least one incident".into(),
                        "write `sample 1` or more",
                    );
                }
                SampleSize::Count(u64::try_from(n.node).unwrap_or(1).max(1))
            }
            ast::SampleSize::HalfWidth {
                half_width,
                expected,
            } => {
                if !(half_width.node > 0.0 && half_width.node <= 50.0) {
                    self.error(
                        Code::E016,
                        half_width.span,
                        format!(
                            "a half-width of {}% cannot give a sample size",
                            half_width.node
                        ),
                        "the half-width of the 95% interval is more than 0% and at most 50%, e.g. `5%`",
                    );
                }
                if !(expected.node > 0.0 && expected.node < 100.0) {
                    self.error(
                        Code::E016,
                        expected.span,
                        format!(
                            "expecting {}% gives no sample size: the formula needs a rate between 0% and 100%",
                            expected.node
                        ),
                        "write the rate you expect, strictly between 0% and 100%, e.g. `expecting 90%`; to sample a number of incidents write `sample 60`",
                    );
                }
                let clamp = |v: f64, lo: f64, hi: f64| v.clamp(lo, hi) / 100.0;
                SampleSize::HalfWidth {
                    half_width: clamp(half_width.node, 0.1, 50.0),
                    expected: clamp(expected.node, 1.0, 99.0),
                }
            }
        }
    }

    /// Strata must not overlap. That is checked for every incident when a
    /// sample is drawn; here, what can be seen in the text: two strata with
    /// the same condition, or a condition that always holds beside others.
    fn overlaps(&mut self, strata: &[(Stratum, &ast::Stratum)]) {
        for (k, (a, sa)) in strata.iter().enumerate() {
            if strata.len() > 1 && self.always_true(&a.filter) {
                self.warn(
                    Code::W006,
                    sa.filter.span,
                    format!(
                        "stratum `{}` takes every incident, so it overlaps every other stratum",
                        a.name
                    ),
                    "give it a condition that leaves out the other strata's incidents: `… and not …` with another stratum's condition",
                );
                continue;
            }
            let same = strata[..k]
                .iter()
                .find(|(b, _)| format!("{:?}", b.filter) == format!("{:?}", a.filter));
            if let Some((b, _)) = same {
                self.warn(
                    Code::W006,
                    sa.filter.span,
                    format!(
                        "strata `{}` and `{}` have the same condition, so they overlap",
                        b.name, a.name
                    ),
                    "each incident must fall in at most one stratum: merge them, or make the conditions exclusive",
                );
            }
        }
    }

    /// Whether a condition is the constant `true`, through definitions.
    fn always_true(&self, c: &CExpr) -> bool {
        match c {
            CExpr::Const(Const::Bool(true)) => true,
            CExpr::Define(n) => self
                .plan
                .defines
                .get(*n)
                .is_some_and(|d| self.always_true(d)),
            CExpr::Or(a, b) => self.always_true(a) || self.always_true(b),
            CExpr::And(a, b) => self.always_true(a) && self.always_true(b),
            _ => false,
        }
    }

    // ------------------------------------------------------------ expressions

    fn condition(&mut self, e: &ast::Expr, subject: Subject) -> CExpr {
        self.typed(e, subject, Ty::Bool, "a condition (yes or no)")
    }

    /// [`Self::condition`], and whether it was compiled without an error.
    fn condition_checked(&mut self, e: &ast::Expr, subject: Subject) -> (CExpr, bool) {
        let errors = self.error_count();
        let c = self.condition(e, subject);
        (c, self.error_count() == errors)
    }

    fn error_count(&self) -> usize {
        self.diags
            .iter()
            .filter(|d| d.level == Level::Error)
            .count()
    }

    /// Names in a clause the parser could not read are checked all the
    /// same, so that a syntax error and a misspelt name on one line are
    /// both reported in one pass: the longest expression that reads
    /// cleanly before each syntax error, in a `where`, `unless` or
    /// `require` clause of a rule, is checked against the rule's subject,
    /// and only what it says about names is kept (a cut-off expression
    /// may not make sense as a whole).
    fn salvage(&mut self, files: &[RuleFile], parsed: &[&ast::File], broken: &[(usize, usize)]) {
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
            let Some(e) = crate::syntax::parser::expression_before(text, start, at) else {
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

    /// Conditions about each `subject` for a help text, made of its own
    /// fields and this rule set's groups, so that the suggestion checks
    /// as written wherever it is made (never a name only the shipped
    /// rules declare).
    fn condition_examples(&self, subject: Subject) -> String {
        let mut out = Vec::new();
        match table_of(subject) {
            Some(t) => {
                let fields = t.fields();
                if let Some(f) = fields.iter().find(|f| f.ty == FieldType::Bool) {
                    out.push(format!("`{} is true`", f.name));
                }
                let code = fields
                    .iter()
                    .find(|f| matches!(f.ty, FieldType::Code | FieldType::Offence));
                match (code, self.groups.keys().min()) {
                    (Some(f), Some(g)) => out.push(format!("`{} in {g}`", f.name)),
                    (Some(f), None) => out.push(format!("`{} is present`", f.name)),
                    _ => {}
                }
                if out.is_empty()
                    && let Some(f) = fields.iter().find(|f| f.ty == FieldType::Time)
                {
                    out.push(format!("`{} is present`", f.name));
                }
            }
            None => out.extend(
                Pseudo::ALL
                    .iter()
                    .filter(|(_, p)| !matches!(p, Pseudo::Field | Pseudo::Table))
                    .take(1)
                    .map(|(n, _)| format!("`{n}`")),
            ),
        }
        out.join(" or ")
    }

    /// A comparison of a code about each `subject`, for a help text: a
    /// code field of its own with a quoted code, and with a group of the
    /// rule set if it has one.
    /// `compared`: the expressions compared, one of which may be a code
    /// field to write the example with.
    fn code_examples(&self, subject: Subject, compared: [&CExpr; 2]) -> Option<String> {
        let is_code =
            |f: &&crate::records::FieldDef| matches!(f.ty, FieldType::Code | FieldType::Offence);
        let own = compared.iter().find_map(|c| match c {
            CExpr::Field(t, i) => t.fields().get(*i).filter(is_code),
            _ => None,
        });
        let f = match own {
            Some(f) => f,
            None => table_of(subject)?.fields().iter().find(is_code)?,
        };
        Some(match self.groups.keys().min() {
            Some(g) => format!(
                "e.g. `{} is \"X1\"`, or with a group: `{} in {g}`",
                f.name, f.name
            ),
            None => format!("e.g. `{} is \"X1\"`", f.name),
        })
    }

    fn typed(&mut self, e: &ast::Expr, subject: Subject, want: Ty, words: &str) -> CExpr {
        let (c, ty) = self.expr(e, subject);
        if ty != want && ty != Ty::Error {
            let help = match (want, ty) {
                (Ty::Bool, Ty::Time) => {
                    let times: Vec<&str> = table_of(subject)
                        .map(|t| t.fields())
                        .unwrap_or_default()
                        .iter()
                        .filter(|f| f.ty == FieldType::Time)
                        .map(|f| f.name)
                        .collect();
                    match times[..] {
                        [a, b, ..] => format!("compare it, e.g. `{a} is present` or `{b} > {a}`"),
                        [a] => format!("compare it, e.g. `{a} is present`"),
                        [] => "compare it with another time, or ask whether it `is present`"
                            .to_string(),
                    }
                }
                (Ty::Bool, _) => format!(
                    "write a condition, e.g. {}",
                    self.condition_examples(subject)
                ),
                (Ty::Span, Ty::Int) => {
                    "add a unit: `24 hours`, `2 days`, `5 working days`".to_string()
                }
                _ => format!("this needs {words}"),
            };
            self.error(
                Code::E004,
                e.span,
                format!("expected {words}, found {}", ty.words()),
                help,
            );
        }
        c
    }

    /// A whole expression (a clause or a definition), its depth bounded.
    fn expr(&mut self, e: &ast::Expr, subject: Subject) -> Typed {
        let typed = self.expr_in(e, subject, false);
        if eval_depth(&typed.0, &self.define_depths) > MAX_EVAL_DEPTH {
            self.error(
                Code::E017,
                e.span,
                format!(
                    "this expression nests more than {MAX_EVAL_DEPTH} levels deep, counting the definitions it uses"
                ),
                "use fewer levels of definitions, or split the expression up",
            );
            return (CExpr::Const(Const::Bool(false)), Ty::Error);
        }
        typed
    }

    fn expr_in(&mut self, e: &ast::Expr, subject: Subject, in_aggregate: bool) -> Typed {
        let rec = |cx: &mut Checker, x: &ast::Expr| cx.expr_in(x, subject, in_aggregate);
        match &e.kind {
            ExprKind::Path(p) => self.path(p, subject, e.span),
            ExprKind::Str(s) => (CExpr::Const(Const::Str(s.as_str().into())), Ty::Str),
            ExprKind::Int(n) => (CExpr::Const(Const::Int(*n)), Ty::Int),
            ExprKind::Bool(b) => (CExpr::Const(Const::Bool(*b)), Ty::Bool),
            ExprKind::Duration(n, u) => {
                let span = match u {
                    Unit::Minutes => TimeSpan::Micros(n.saturating_mul(MICROS_PER_HOUR / 60)),
                    Unit::Hours => TimeSpan::Micros(n.saturating_mul(MICROS_PER_HOUR)),
                    Unit::Days => TimeSpan::Micros(n.saturating_mul(24 * MICROS_PER_HOUR)),
                    Unit::WorkingDays => match u32::try_from(*n) {
                        Ok(d) if d <= 3660 => TimeSpan::WorkingDays(d),
                        _ => {
                            self.error(
                                Code::E004,
                                e.span,
                                "too many working days".into(),
                                "use at most 3660 working days",
                            );
                            TimeSpan::WorkingDays(0)
                        }
                    },
                };
                (CExpr::Const(Const::Span(span)), Ty::Span)
            }
            ExprKind::Paren(x) => rec(self, x),
            ExprKind::Not(x) => {
                let c = self.bool_operand(x, subject, in_aggregate, "`not`");
                (CExpr::Not(Box::new(c)), Ty::Bool)
            }
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                let word = if matches!(e.kind, ExprKind::And(..)) {
                    "`and`"
                } else {
                    "`or`"
                };
                let ca = self.bool_operand(a, subject, in_aggregate, word);
                let cb = self.bool_operand(b, subject, in_aggregate, word);
                let c = if matches!(e.kind, ExprKind::And(..)) {
                    CExpr::And(Box::new(ca), Box::new(cb))
                } else {
                    CExpr::Or(Box::new(ca), Box::new(cb))
                };
                (c, Ty::Bool)
            }
            ExprKind::Compare(op, a, b) => self.compare(*op, a, b, subject, in_aggregate, e.span),
            ExprKind::Is(a, b, negated) => {
                let op = if *negated { CmpOp::Ne } else { CmpOp::Eq };
                self.compare(op, a, b, subject, in_aggregate, e.span)
            }
            ExprKind::Presence(x, present) => {
                let (c, _) = rec(self, x);
                (CExpr::Present(Box::new(c), *present), Ty::Bool)
            }
            ExprKind::In(x, g, negated) => {
                let (c, ty) = rec(self, x);
                if !matches!(ty, Ty::Code(_) | Ty::Error) {
                    self.error(
                        Code::E004,
                        x.span,
                        format!("only codes can be `in` a group; this is {}", ty.words()),
                        "groups hold codes such as offence codes or closing codes",
                    );
                }
                let idx = self.group_ref(g);
                (CExpr::In(Box::new(c), idx, *negated), Ty::Bool)
            }
            ExprKind::Contains(list, item) => {
                let (cl, tl) = rec(self, list);
                let (ci, ti) = rec(self, item);
                if !matches!(tl, Ty::List | Ty::Error) {
                    self.error(
                        Code::E004,
                        list.span,
                        format!("`contains` needs a list of codes; this is {}", tl.words()),
                        match table_of(subject)
                            .and_then(|t| t.fields().iter().find(|f| f.ty == FieldType::CodeList))
                        {
                            Some(f) => {
                                format!("`{0}` is a list, e.g. `{0} contains \"DA\"`", f.name)
                            }
                            None => format!("each {} has no list of codes", subject.words()),
                        },
                    );
                }
                let ci = match (ci, ti) {
                    (CExpr::Const(Const::Str(s)), Ty::Str) => {
                        CExpr::Const(Const::Str(crate::records::normalize_code(&s)))
                    }
                    (c, Ty::Code(_) | Ty::Error) => c,
                    (c, t) => {
                        self.error(
                            Code::E004,
                            item.span,
                            format!("a list holds codes, not {}", t.words()),
                            "write the code in quotes, e.g. `\"DA\"`",
                        );
                        c
                    }
                };
                (CExpr::Contains(Box::new(cl), Box::new(ci)), Ty::Bool)
            }
            ExprKind::Add(a, b) | ExprKind::Sub(a, b) => {
                let plus = matches!(e.kind, ExprKind::Add(..));
                let (ca, ta) = rec(self, a);
                let (cb, tb) = rec(self, b);
                let ty = match (ta, tb) {
                    (Ty::Time, Ty::Span) => Ty::Time,
                    (Ty::Int, Ty::Int) => Ty::Int,
                    (Ty::Error, _) | (_, Ty::Error) => Ty::Error,
                    _ => {
                        let help = match (ta, tb) {
                            (Ty::Time, Ty::Int) => {
                                "a number needs a unit to be a duration: `reported_at + 24 hours`"
                            }
                            _ => {
                                "add a duration to a time (`reported_at + 24 hours`) or numbers to numbers"
                            }
                        };
                        self.error(
                            Code::E004,
                            e.span,
                            format!(
                                "cannot {} {} and {}",
                                if plus { "add" } else { "subtract" },
                                ta.words(),
                                tb.words()
                            ),
                            help,
                        );
                        Ty::Error
                    }
                };
                let c = if plus {
                    CExpr::Add(Box::new(ca), Box::new(cb))
                } else {
                    CExpr::Sub(Box::new(ca), Box::new(cb))
                };
                (c, ty)
            }
            ExprKind::Aggregate(q, coll, filter) => {
                if subject != Subject::Incident || coll.node != "crimes" {
                    let help = if subject == Subject::Incident {
                        "an incident's linked records are its `crimes`".to_string()
                    } else {
                        format!(
                            "only `for each incident` checks can look at linked `crimes`; this check is about each {}",
                            subject.words()
                        )
                    };
                    self.error(
                        Code::E002,
                        coll.span,
                        format!("`{}` is not a list of linked records here", coll.node),
                        help,
                    );
                    return (
                        CExpr::Const(Const::Bool(false)),
                        if *q == ast::Quantifier::Count {
                            Ty::Int
                        } else {
                            Ty::Bool
                        },
                    );
                }
                if in_aggregate {
                    self.error(
                        Code::E004,
                        e.span,
                        "`any`, `all`, `no` and `count` cannot be nested".into(),
                        "write the inner condition directly",
                    );
                }
                let f = filter.as_ref().map(|f| {
                    let (c, ty) = self.expr_in(f, Subject::Crime, true);
                    if ty != Ty::Bool && ty != Ty::Error {
                        self.error(
                            Code::E004,
                            f.span,
                            format!("expected a condition, found {}", ty.words()),
                            "write a condition about each crime, e.g. `status is \"recorded\"`",
                        );
                    }
                    Box::new(c)
                });
                let ty = if *q == ast::Quantifier::Count {
                    Ty::Int
                } else {
                    Ty::Bool
                };
                (CExpr::Aggregate(*q, f), ty)
            }
            ExprKind::Choice(arms, default) => {
                let (cd, td) = rec(self, default);
                let mut out = Vec::new();
                for (v, c) in arms {
                    let (cv, tv) = rec(self, v);
                    if tv != td && tv != Ty::Error && td != Ty::Error {
                        self.error(
                            Code::E004,
                            v.span,
                            format!(
                                "each choice must be the same type: this is {}, the `else` is {}",
                                tv.words(),
                                td.words()
                            ),
                            "make every value the same kind of thing",
                        );
                    }
                    let cc = self.bool_operand(c, subject, in_aggregate, "`when`");
                    out.push((cv, cc));
                }
                (CExpr::Choice(out, Box::new(cd)), td)
            }
        }
    }

    fn bool_operand(
        &mut self,
        x: &ast::Expr,
        subject: Subject,
        in_aggregate: bool,
        word: &str,
    ) -> CExpr {
        let (c, ty) = self.expr_in(x, subject, in_aggregate);
        if ty != Ty::Bool && ty != Ty::Error {
            let help = format!(
                "write a condition, e.g. {}",
                self.condition_examples(subject)
            );
            self.error(
                Code::E004,
                x.span,
                format!("{word} needs a condition, found {}", ty.words()),
                help,
            );
        }
        c
    }

    fn compare(
        &mut self,
        op: CmpOp,
        a: &ast::Expr,
        b: &ast::Expr,
        subject: Subject,
        in_aggregate: bool,
        span: Span,
    ) -> Typed {
        let (ca, ta) = self.expr_in(a, subject, in_aggregate);
        let (cb, tb) = self.expr_in(b, subject, in_aggregate);
        let ordered = matches!(op, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge);
        let ok = match (ta, tb) {
            (Ty::Error, _) | (_, Ty::Error) => true,
            (Ty::Int, Ty::Int) | (Ty::Time, Ty::Time) => true,
            (Ty::Code(_), Ty::Code(_)) | (Ty::Text, Ty::Text) => !ordered,
            (Ty::Code(_) | Ty::Text, Ty::Str) | (Ty::Str, Ty::Code(_) | Ty::Text) => !ordered,
            (Ty::Bool, Ty::Bool) => !ordered,
            _ => false,
        };
        if !ok {
            let help = match (ta, tb) {
                (Ty::Time, Ty::Int) | (Ty::Int, Ty::Time) => format!(
                    "a time compares with a time; to allow a delay write {}",
                    delay_example(subject)
                ),
                (Ty::Time, Ty::Span) | (Ty::Span, Ty::Time) => {
                    format!("add the duration to a time: {}", delay_example(subject))
                }
                (Ty::Code(_) | Ty::Text, _) | (_, Ty::Code(_) | Ty::Text) if !ordered => match self
                    .code_examples(subject, [&ca, &cb])
                {
                    Some(e) => {
                        format!("a code is compared with a code in quotes or with a group, {e}")
                    }
                    None => "a code is compared with a code in quotes, or with a group with `in`"
                        .to_string(),
                },
                _ if ordered => {
                    "`<` and `>` compare numbers or times; codes are compared with `is` or `in`"
                        .to_string()
                }
                _ => "compare like with like: a code with a quoted code, a time with a time"
                    .to_string(),
            };
            self.error(
                Code::E004,
                span,
                format!("cannot compare {} with {}", ta.words(), tb.words()),
                help,
            );
            return (CExpr::Const(Const::Bool(false)), Ty::Bool);
        }
        let ca = self.literal_for(ca, tb, a.span);
        let cb = self.literal_for(cb, ta, b.span);
        (CExpr::Cmp(op, Box::new(ca), Box::new(cb)), Ty::Bool)
    }

    /// Normalises a quoted literal the way the value it meets was read.
    fn literal_for(&mut self, c: CExpr, other: Ty, span: Span) -> CExpr {
        let CExpr::Const(Const::Str(s)) = &c else {
            return c;
        };
        let (norm, allowed): (Box<str>, Option<(&str, &[&str])>) = match other {
            Ty::Code(CodeKind::Offence) => (crate::records::normalize_offence(s), None),
            Ty::Code(CodeKind::Status) => (
                crate::records::normalize_code(s),
                Some(("status", STATUSES)),
            ),
            Ty::Code(CodeKind::Event) => {
                (crate::records::normalize_code(s), Some(("event", EVENTS)))
            }
            Ty::Code(CodeKind::Plain) => (crate::records::normalize_code(s), None),
            _ => (s.trim().into(), None),
        };
        if let Some((field, values)) = allowed
            && !values.contains(&&*norm)
        {
            let lower: Vec<String> = values.iter().map(|v| v.to_ascii_lowercase()).collect();
            let hint = match did_you_mean(s, lower.iter().map(String::as_str)) {
                Some(v) => format!("did you mean `\"{v}\"`?"),
                None => format!("`{field}` is one of: {}", lower.join(", ")),
            };
            self.error(Code::E011, span, format!("`{field}` is never `{s}`"), hint);
        }
        CExpr::Const(Const::Str(norm))
    }

    fn group_ref(&mut self, g: &ast::Name) -> usize {
        if let Some((idx, _)) = self.groups.get(&g.node) {
            self.group_used.insert(g.node.clone());
            return *idx;
        }
        let hint = match self
            .suggester
            .suggest(&g.node, self.groups.keys().map(String::as_str))
        {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("declare it: `group {} = …`", g.node),
        };
        self.error(
            Code::E003,
            g.span,
            format!("unknown group `{}`", g.node),
            hint,
        );
        usize::MAX
    }

    fn path(&mut self, p: &[ast::Name], subject: Subject, span: Span) -> Typed {
        let mut at = subject;
        for (n, name) in p.iter().enumerate() {
            let last = n + 1 == p.len();
            if let Some(t) = link(at, &name.node) {
                if last {
                    return (CExpr::Linked(t), Ty::Link(t));
                }
                at = subject_of(t);
                continue;
            }
            // `duplicate_of.status`: a field of the crime a reference names.
            let reference = table_of(at)
                .and_then(|t| Some((t, t.field_index(&name.node)?)))
                .and_then(|(t, idx)| Some((idx, refers_to(t, idx)?)));
            if let (Some((via, Table::Crimes)), Some(next)) = (reference, p.get(n + 1)) {
                if n + 2 == p.len()
                    && let Some(f) = Table::Crimes.field_index(&next.node)
                {
                    return (
                        CExpr::Referenced(via, f),
                        Ty::of_field(Table::Crimes.fields()[f].ty),
                    );
                }
                self.error(
                    Code::E002,
                    next.span,
                    format!(
                        "`{}` names a crime, which has no field `{}`",
                        name.node, next.node
                    ),
                    format!(
                        "follow it to one field of the crime it names, e.g. `{}.status`",
                        name.node
                    ),
                );
                return (CExpr::Const(Const::Bool(false)), Ty::Error);
            }
            if !last {
                let links: Vec<&str> = ["incident", "crime"]
                    .into_iter()
                    .filter(|l| link(at, l).is_some())
                    .collect();
                let help = if links.is_empty() {
                    format!("each {} links to no other record", at.words())
                } else {
                    format!("each {} links to its `{}`", at.words(), links.join("`, `"))
                };
                self.error(
                    Code::E002,
                    name.span,
                    format!(
                        "`{}` is not a linked record of each {}",
                        name.node,
                        at.words()
                    ),
                    help,
                );
                return (CExpr::Const(Const::Bool(false)), Ty::Error);
            }
            // A field, a definition or a fact about a value.
            match table_of(at) {
                Some(t) => {
                    if let Some(idx) = t.field_index(&name.node) {
                        return (CExpr::Field(t, idx), Ty::of_field(t.fields()[idx].ty));
                    }
                }
                None => {
                    if let Some((_, ps)) = Pseudo::ALL.iter().find(|(n, _)| *n == name.node) {
                        let ty = match ps {
                            Pseudo::Field | Pseudo::Table => Ty::Code(CodeKind::Plain),
                            _ => Ty::Bool,
                        };
                        return (CExpr::Pseudo(*ps), ty);
                    }
                }
            }
            if let Some(d) = self
                .define_at
                .get(&(name.node.clone(), at))
                .map(|&k| &self.defines[k])
            {
                return (CExpr::Define(d.index), d.ty);
            }
            if at == Subject::Incident && name.node == "crimes" {
                self.error(Code::E004, span, "`crimes` is a list of linked records".into(), "ask about it with `any crimes where …`, `no crimes …`, `all crimes …` or `count crimes …`");
                return (CExpr::Const(Const::Bool(false)), Ty::Error);
            }
            let mut known: Vec<&str> = match table_of(at) {
                Some(t) => t.fields().iter().map(|f| f.name).collect(),
                None => Pseudo::ALL.iter().map(|(n, _)| *n).collect(),
            };
            known.extend(
                ["incident", "crime"]
                    .into_iter()
                    .filter(|l| link(at, l).is_some()),
            );
            let defines = self
                .defines_of
                .get(&at)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|&k| self.defines[k].name.as_str());
            let defined_later = !Subject::ALL
                .iter()
                .any(|&s| self.define_at.contains_key(&(name.node.clone(), s)));
            let suggested = self
                .suggester
                .suggest(&name.node, known.iter().copied().chain(defines.clone()));
            let hint = match suggested {
                Some(s) => format!("did you mean `{s}`?"),
                None if !defined_later => {
                    format!("`{}` is defined for another kind of record", name.node)
                }
                None => {
                    // The fields, then the definitions: a long list is cut
                    // short (thousands of definitions in every message
                    // would make the messages grow with their number).
                    let total = known.len() + defines.len();
                    known.extend(defines.take(NAMES_LISTED.saturating_sub(known.len())));
                    let more = if total > known.len() {
                        format!(" (and {} more)", total - known.len())
                    } else {
                        String::new()
                    };
                    format!("each {} has: {}{more}", at.words(), known.join(", "))
                }
            };
            self.error(
                Code::E002,
                name.span,
                format!("each {} has no field `{}`", at.words(), name.node),
                hint,
            );
            return (CExpr::Const(Const::Bool(false)), Ty::Error);
        }
        (CExpr::Const(Const::Bool(false)), Ty::Error)
    }
}

/// Where the expression of the clause a syntax error at `at` is in
/// begins: just after the `where`, `unless` or `require` that starts its
/// line or one of the two lines before (an expression left open is found
/// wanting on the next line).
fn clause_start(text: &str, at: usize) -> Option<usize> {
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
fn subject_at(file: &ast::File, at: usize) -> Option<Subject> {
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

/// A delay written out for each `subject`, for a help text: its own time
/// fields, so that it checks as written.
fn delay_example(subject: Subject) -> String {
    let times: Vec<&str> = table_of(subject)
        .map(|t| t.fields())
        .unwrap_or_default()
        .iter()
        .filter(|f| f.ty == FieldType::Time)
        .map(|f| f.name)
        .collect();
    match times[..] {
        [a, b, ..] => format!("`{b} > {a} + 24 hours`"),
        [a] => format!("a time plus a duration, e.g. `{a} + 24 hours`"),
        [] => "a time plus a duration, e.g. `… + 24 hours`".to_string(),
    }
}

/// A subject's report time, by which a window places it: an incident's
/// `reported_at`; a crime's own, else its incident's; an update's event.
fn report_time(subject: Subject) -> Option<CExpr> {
    let field = |t: Table, name: &str| CExpr::Field(t, t.field_index(name).expect("schema field"));
    match subject {
        Subject::Incident => Some(field(Table::Incidents, "reported_at")),
        Subject::Crime => Some(CExpr::Choice(
            vec![(
                field(Table::Crimes, "reported_at"),
                CExpr::Present(Box::new(field(Table::Crimes, "reported_at")), true),
            )],
            Box::new(field(Table::Incidents, "reported_at")),
        )),
        Subject::Update => Some(field(Table::Updates, "event_at")),
        Subject::Timestamp | Subject::OptionalValue => None,
    }
}

/// Every expression of a check.
fn check_exprs(check: &Check) -> impl Iterator<Item = &CExpr> {
    let requirement: Vec<&CExpr> = match &check.requirement {
        Requirement::Holds { cond, grace } => std::iter::once(cond)
            .chain(grace.iter().flat_map(|(a, b)| [a, b]))
            .collect(),
        Requirement::Deadline {
            done,
            within,
            anchor,
        } => vec![done, within, anchor],
    };
    check
        .filters
        .iter()
        .chain(&check.exemptions)
        .chain(requirement)
        .chain(check.severity.arms.iter().map(|(_, c)| c))
}

/// Whether an expression reads a field, through definitions too.
fn reads(plan: &Plan, e: &CExpr, table: Table, field: usize) -> bool {
    match e {
        CExpr::Field(t, f) => *t == table && *f == field,
        CExpr::Referenced(via, f) => table == Table::Crimes && (*via == field || *f == field),
        CExpr::Define(n) => plan
            .defines
            .get(*n)
            .is_some_and(|d| reads(plan, d, table, field)),
        _ => e
            .children()
            .into_iter()
            .any(|c| reads(plan, c, table, field)),
    }
}

/// `https://host/…` or `http://host/…`, with something after the scheme
/// and no white space: what a reader can paste into a browser.
fn is_web_address(s: &str) -> bool {
    ["https://", "http://"].iter().any(|scheme| {
        s.strip_prefix(scheme)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace))
    })
}

/// Runs of white space as one space, none at the ends.
fn normalise_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn counts_working_days(c: &CExpr) -> bool {
    match c {
        CExpr::Const(Const::Span(TimeSpan::WorkingDays(_))) => true,
        CExpr::Not(x) | CExpr::Present(x, _) | CExpr::In(x, _, _) => counts_working_days(x),
        CExpr::And(a, b)
        | CExpr::Or(a, b)
        | CExpr::Cmp(_, a, b)
        | CExpr::Contains(a, b)
        | CExpr::Add(a, b)
        | CExpr::Sub(a, b) => counts_working_days(a) || counts_working_days(b),
        CExpr::Aggregate(_, f) => f.as_deref().is_some_and(counts_working_days),
        CExpr::Choice(arms, d) => {
            counts_working_days(d)
                || arms
                    .iter()
                    .any(|(v, c)| counts_working_days(v) || counts_working_days(c))
        }
        CExpr::Field(..)
        | CExpr::Linked(_)
        | CExpr::Referenced(..)
        | CExpr::Pseudo(_)
        | CExpr::Define(_)
        | CExpr::Const(_) => false,
    }
}

/// Cheap proof that a filter never holds: a constant `false`, or a
/// conjunction that asks for a value to be both present and empty.
fn never_true(c: &CExpr) -> bool {
    fn presences<'a>(c: &'a CExpr, out: &mut Vec<(&'a CExpr, bool)>) {
        match c {
            CExpr::And(a, b) => {
                presences(a, out);
                presences(b, out);
            }
            CExpr::Present(x, p) => out.push((x, *p)),
            _ => {}
        }
    }
    match c {
        CExpr::Const(Const::Bool(false)) => true,
        CExpr::And(a, b) if never_true(a) || never_true(b) => true,
        CExpr::Or(a, b) => never_true(a) && never_true(b),
        _ => {
            let mut ps = Vec::new();
            presences(c, &mut ps);
            ps.iter()
                .any(|(e, p)| ps.iter().any(|(f, q)| e == f && p != q))
        }
    }
}
