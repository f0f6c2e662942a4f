//! The syntax tree of a rule file: exactly what the author wrote, with the
//! byte span of every part, before any name is resolved or type checked.

pub use crate::vocab::{CmpOp, Expectation, Quantifier, Span, Subject};

/// A value and where it was written. Equality ignores the span, so two
/// trees that say the same thing compare equal wherever they were written
/// (the formatter's soundness test relies on this).
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

pub type Name = Spanned<String>;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Edition(Spanned<String>),
    Group(Group),
    Calendar(Calendar),
    Define(Define),
    Rule(Rule),
    Audit(Audit),
}

/// `group violence = 1, 2, 4/1..4/10, "CRIME-*"`
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub name: Name,
    pub members: Vec<Spanned<Member>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Member {
    /// A code, or a pattern with `*`/`?` wildcards. Written bare or quoted.
    Code { text: String, quoted: bool },
    /// `19C..19H`: codes that differ from both ends in one part only.
    Range(String, String),
    /// A bare word naming another group; the checker decides.
    Word(String),
}

/// `calendar bank_holidays covers 2024 to 2026 { 2024-01-01 "New Year's Day" … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Calendar {
    pub name: Name,
    pub covers: Option<(Spanned<i32>, Spanned<i32>)>,
    pub days: Vec<Holiday>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Holiday {
    pub date: Spanned<chrono::NaiveDate>,
    pub label: Option<Spanned<String>>,
}

/// `audit recording-audit "Crime recording audit" { stratum … }`: a plan
/// for sampling incidents to be read by hand.
#[derive(Clone, Debug)]
pub struct Audit {
    /// `recording-audit`: how `hocr audit sample --plan` names it.
    pub name: Name,
    pub title: Spanned<String>,
    /// The lines of the body, in the order written.
    pub lines: Vec<AuditLine>,
    pub span: Span,
}

/// Equality ignores where the plan was written, as for `Spanned`.
impl PartialEq for Audit {
    fn eq(&self, other: &Self) -> bool {
        let Audit {
            name,
            title,
            lines,
            span: _,
        } = self;
        *name == other.name && *title == other.title && *lines == other.lines
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum AuditLine {
    /// `source "…"`: where the plan comes from (an address is optional).
    Source(Source),
    Stratum(Stratum),
}

/// `stratum violence "Reports of violence" where violence_report sample 60`
#[derive(Clone, Debug, PartialEq)]
pub struct Stratum {
    pub name: Name,
    pub label: Option<Spanned<String>>,
    /// Which incidents belong to the stratum.
    pub filter: Expr,
    pub size: SampleSize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SampleSize {
    /// `sample 60`
    Count(Spanned<i64>),
    /// `half-width 5% expecting 90%`: the size that gives a 95% interval
    /// this wide either side of the expected recording rate (percentages).
    HalfWidth {
        half_width: Spanned<f64>,
        expected: Spanned<f64>,
    },
}

impl SampleSize {
    /// Where the size is written.
    pub fn span(&self) -> Span {
        match self {
            SampleSize::Count(n) => n.span,
            SampleSize::HalfWidth {
                half_width,
                expected,
            } => half_width.span.to(expected.span),
        }
    }
}

/// `define report_time for each crime = …`
#[derive(Clone, Debug, PartialEq)]
pub struct Define {
    pub name: Name,
    pub subject: Spanned<Subject>,
    pub value: Expr,
}

#[derive(Clone, Debug)]
pub struct Rule {
    /// The rule's code: capital letters, then digits
    pub code: Name,
    /// `late-crime-record`
    pub name: Name,
    pub title: Spanned<String>,
    pub clauses: Vec<Clause>,
    pub span: Span,
}

/// Equality ignores where the rule was written, as for `Spanned`.
impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        let Rule {
            code,
            name,
            title,
            clauses,
            span: _,
        } = self;
        *code == other.code
            && *name == other.name
            && *title == other.title
            && *clauses == other.clauses
    }
}

/// `source "HOCR General Rules, Section A" at "https://…"`: the document
/// (title, section where known) and where a reader finds it. The address is
/// optional in the syntax so that the checker, not the parser, can say it
/// is missing (a rule's source needs one; an audit plan's need not).
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub text: Spanned<String>,
    pub address: Option<Spanned<String>>,
}

impl Source {
    /// Where the whole clause is written, address included.
    pub fn span(&self) -> Span {
        match &self.address {
            Some(a) => self.text.span.to(a.span),
            None => self.text.span,
        }
    }
}

/// One line of a rule body, in the order written.
#[derive(Clone, Debug, PartialEq)]
pub enum Clause {
    Source(Source),
    /// Text copied word for word from the document the `source` names.
    Quote(Spanned<String>),
    /// Force policy, or this project's reading of the rules: what the
    /// published text does not say itself. Never shown as a quote.
    Policy(Spanned<String>),
    Theme(Name),
    Message(Spanned<String>),
    /// `severity high when …, else medium`
    Severity(Expr),
    /// `for each crime`: starts a check; the clauses after it belong to it.
    ForEach(Spanned<Subject>),
    /// `where …`: which subjects the check is about.
    Where(Expr),
    /// `unless …`: subjects exempt from the check (counted as exempt).
    Unless(Expr),
    Require(Requirement),
    /// `grace 24 hours after reported_at`
    Grace {
        span_expr: Expr,
        anchor: Expr,
    },
    /// `otherwise missing`: the kind of finding when the requirement fails.
    Otherwise(Name),
    /// `applies from 2018-04-01 until 2023-05-31`: the dates (as written,
    /// read by the checker) between which subjects are judged, by their
    /// report time. Before the first `for each`, for every check of the
    /// rule; after one, for that check (a version of the rule).
    Applies(Spanned<Applies>),
    /// `needs transferred_to, duplicate_of`: fields without which the
    /// check cannot judge; where no record of the export holds one,
    /// its subjects are counted as not judged.
    Needs(Vec<Name>),
    Example(Example),
}

/// The dates of an `applies` clause, as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Applies {
    pub from: Option<Spanned<String>>,
    pub until: Option<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Requirement {
    /// `require CONDITION`
    Holds(Expr),
    /// `require DONE within SPAN after ANCHOR`
    Deadline {
        done: Expr,
        within: Expr,
        anchor: Expr,
    },
}

/// An author's worked example: rows, an as-of time and what must happen.
#[derive(Clone, Debug)]
pub struct Example {
    pub name: Spanned<String>,
    pub as_of: Option<Spanned<String>>,
    pub rows: Vec<ExampleRow>,
    pub expect: Spanned<Expectation>,
    pub span: Span,
}

/// Equality ignores where the example was written, as for `Spanned`.
impl PartialEq for Example {
    fn eq(&self, other: &Self) -> bool {
        let Example {
            name,
            as_of,
            rows,
            expect,
            span: _,
        } = self;
        *name == other.name
            && *as_of == other.as_of
            && *rows == other.rows
            && *expect == other.expect
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExampleRow {
    pub table: Spanned<Subject>,
    pub fields: Vec<(Name, Spanned<String>)>,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Minutes,
    Hours,
    Days,
    WorkingDays,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `recorded_at`, `incident.reported_at`, `crime.incident`
    Path(Vec<Name>),
    Str(String),
    Int(i64),
    Bool(bool),
    Duration(i64, Unit),
    Paren(Box<Expr>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare(CmpOp, Box<Expr>, Box<Expr>),
    /// `x is present` (`true`) / `x is empty` (`false`)
    Presence(Box<Expr>, bool),
    /// `x is "C1"` / `x is not "C1"`: equality in words.
    Is(Box<Expr>, Box<Expr>, bool),
    /// `x in GROUP` / `x not in GROUP`
    In(Box<Expr>, Name, bool),
    /// `qualifiers contains "DA"`
    Contains(Box<Expr>, Box<Expr>),
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
    /// `any crimes where …`
    Aggregate(Quantifier, Name, Option<Box<Expr>>),
    /// `A when C, B when D, else E`
    Choice(Vec<(Expr, Expr)>, Box<Expr>),
}
