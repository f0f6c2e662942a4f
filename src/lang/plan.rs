//! Step three: the compiled plan the engine runs. Every name is resolved to
//! an index, every group to a code set, every literal normalised; nothing
//! here refers back to rule text except for what reports quote.

use crate::data::records::{Crime, Incident, Records, Table, Update};
use crate::data::time::{Calendar, Instant, Span as TimeSpan};
use crate::vocab::{CmpOp, Expectation, Quantifier, Span, Subject};
use rustc_hash::FxHashSet;

/// A loaded, checked and compiled rule set.
#[derive(Debug, Default)]
pub struct Plan {
    pub rules: Vec<Rule>,
    /// The audit plans (`audit … { stratum … }`), in file order.
    pub audits: Vec<AuditPlan>,
    pub groups: Vec<CodeSet>,
    pub defines: Vec<CExpr>,
    pub calendar: Calendar,
    /// Whether any rule counts working days (and so needs the calendar).
    pub uses_working_days: bool,
    /// The distinct editions the files state, in file order.
    pub editions: Vec<String>,
    /// sha256 over the rule files' names and texts: same rules, same print.
    pub fingerprint: String,
    pub files: Vec<RuleFile>,
}

impl Plan {
    pub fn edition(&self) -> String {
        if self.editions.is_empty() {
            "unstated".into()
        } else {
            self.editions.join("; ")
        }
    }

    pub fn rule(&self, code: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(code))
    }
}

/// An audit plan: strata of incidents to sample and read by hand
/// (`hocr audit sample`).
#[derive(Debug)]
pub struct AuditPlan {
    pub name: String,
    pub title: String,
    pub sources: Vec<Source>,
    /// In the order written; the checker has made sure there is at least one.
    pub strata: Vec<Stratum>,
    /// Index into [`Plan::files`] and where the plan is written.
    pub file: usize,
    pub span: Span,
}

#[derive(Debug)]
pub struct Stratum {
    pub name: String,
    pub label: Option<String>,
    /// A condition `for each incident`.
    pub filter: CExpr,
    pub size: SampleSize,
}

/// How many incidents of a stratum to sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SampleSize {
    /// `sample 60`: at least 1.
    Count(u64),
    /// `half-width 5% expecting 90%`, as fractions (0.05, 0.9): the size
    /// whose 95% interval is about this wide either side of the rate.
    HalfWidth { half_width: f64, expected: f64 },
}

/// z for a two-sided 95% interval, as the audit formulas write it.
pub const Z95: f64 = 1.96;

impl SampleSize {
    /// The size before any finite-population correction: the count, or
    /// the normal approximation n₀ = z²·p(1 − p) / d², rounded up.
    pub fn base(self) -> u64 {
        match self {
            SampleSize::Count(n) => n,
            SampleSize::HalfWidth {
                half_width: d,
                expected: p,
            } => {
                let n0 = Z95 * Z95 * p * (1.0 - p) / (d * d);
                // Round up, but not past an integer that rounding error
                // nudged above itself (96.00000000001 is 96).
                ((n0 - 1e-9).ceil() as u64).max(1)
            }
        }
    }

    /// The size asked of a stratum of `population` incidents: a count as
    /// written; a size from a half-width with the finite-population
    /// correction n = n₀ / (1 + (n₀ − 1) / N), rounded up.
    pub fn asked(self, population: u64) -> u64 {
        match self {
            SampleSize::Count(n) => n,
            SampleSize::HalfWidth { .. } if population == 0 => self.base(),
            SampleSize::HalfWidth { .. } => {
                let n0 = self.base() as f64;
                let n = n0 / (1.0 + (n0 - 1.0) / population as f64);
                ((n - 1e-9).ceil() as u64).max(1)
            }
        }
    }

    /// The size to draw: what is asked, but never more than the population
    /// (a stratum no larger than its size is taken whole).
    pub fn for_population(self, population: u64) -> u64 {
        self.asked(population).min(population)
    }

    /// As written in a rule file: `sample 60`, `half-width 5% expecting 90%`.
    pub fn words(self) -> String {
        match self {
            SampleSize::Count(n) => format!("sample {n}"),
            SampleSize::HalfWidth {
                half_width,
                expected,
            } => format!(
                "half-width {}% expecting {}%",
                trim_percent(half_width),
                trim_percent(expected)
            ),
        }
    }
}

/// A fraction as a percentage without float noise: 0.05 as `5`.
fn trim_percent(f: f64) -> String {
    let s = format!("{:.6}", f * 100.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A rule file as loaded, kept for diagnostics, `explain` and `rules test`.
#[derive(Clone, Debug)]
pub struct RuleFile {
    pub name: String,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|v| v.name().eq_ignore_ascii_case(s))
    }
}

/// A document a rule or audit plan comes from: title (and section where
/// known), and its address. The checker requires the address on a rule's
/// source; an audit plan's may be the force's own unpublished plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub text: String,
    pub address: Option<String>,
}

impl std::fmt::Display for Source {
    /// `Title, section (https://…)`, or the title alone.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.address {
            Some(a) => write!(f, "{} ({a})", self.text),
            None => f.write_str(&self.text),
        }
    }
}

/// The kinds of finding a rule may report (SPEC §3).
pub const KINDS: &[&str] = &["late", "missing", "invalid", "undercount", "data"];

#[derive(Debug)]
pub struct Rule {
    pub code: String,
    pub name: String,
    pub title: String,
    pub sources: Vec<Source>,
    /// Verbatim text of the documents in `sources`: "the source says".
    pub quotes: Vec<String>,
    /// Force policy or this project's reading of the rules: "force
    /// policy", never shown as a quote.
    pub policies: Vec<String>,
    pub theme: String,
    pub message: Option<String>,
    pub checks: Vec<Check>,
    pub examples: Vec<Example>,
    /// Index into [`Plan::files`] and where the rule is written.
    pub file: usize,
    pub span: Span,
}

impl Rule {
    pub fn message(&self) -> &str {
        self.message.as_deref().unwrap_or(&self.title)
    }
}

/// An author's worked example (`example "…" { … }` in a rule), read and
/// checked: its rows already records, as `hocr rules test` runs it against
/// its rule alone. The checker reads it (`crate::lang::examples`); a plan
/// holds only examples that read cleanly.
#[derive(Debug)]
pub struct Example {
    pub name: String,
    pub incidents: Vec<Incident>,
    pub crimes: Vec<Crime>,
    pub updates: Vec<Update>,
    /// The `as of` written, if any.
    pub as_of: Option<Instant>,
    pub expect: Expectation,
    /// Where the example is written, in its rule's file.
    pub span: Span,
}

/// The as-of time of an example without `as of`: after every deadline, so
/// nothing is pending.
pub const AFTER_EVERY_DEADLINE: Instant = Instant(i64::MAX);

impl Example {
    pub fn records(&self) -> Records<'_> {
        Records {
            incidents: &self.incidents,
            crimes: &self.crimes,
            updates: &self.updates,
        }
    }

    /// When the example is judged: its `as of`, or after every deadline.
    pub fn judged_at(&self) -> Instant {
        self.as_of.unwrap_or(AFTER_EVERY_DEADLINE)
    }
}

/// One `for each …` of a rule.
#[derive(Debug)]
pub struct Check {
    pub subject: Subject,
    pub filters: Vec<CExpr>,
    pub exemptions: Vec<CExpr>,
    pub requirement: Requirement,
    /// The kind reported when a plain requirement fails.
    pub kind: String,
    pub severity: SeverityPlan,
    /// `applies from … until …`: the dates between which subjects are
    /// judged; those outside are not applicable (counted as outside).
    pub window: Option<Window>,
    /// `needs …`: fields (of the subject's table) without which the check
    /// cannot judge. Where no record of the export holds one of them, the
    /// subjects are counted as not judged instead of being judged.
    pub needs: Vec<(Table, usize)>,
}

/// When a check applies, by the report time of its subject (the edition of
/// the rules in force then): from the start of `from` (local time) up to,
/// not including, the start of `until`.
#[derive(Clone, Debug)]
pub struct Window {
    pub from: Option<chrono::NaiveDate>,
    pub until: Option<chrono::NaiveDate>,
    /// The subject's report time.
    pub time: CExpr,
}

impl Window {
    /// As written in a rule file: `from 2018-04-01 until 2023-05-31`.
    pub fn words(&self) -> String {
        let mut parts = Vec::new();
        if let Some(d) = self.from {
            parts.push(format!("from {d}"));
        }
        if let Some(d) = self.until {
            parts.push(format!("until {d}"));
        }
        parts.join(" ")
    }

    /// Whether two windows share a day.
    pub fn overlaps(&self, other: &Window) -> bool {
        let starts_before_end =
            |a: Option<chrono::NaiveDate>, b: Option<chrono::NaiveDate>| match (a, b) {
                (Some(from), Some(until)) => from < until,
                _ => true,
            };
        starts_before_end(self.from, other.until) && starts_before_end(other.from, self.until)
    }
}

impl Check {
    /// The kinds of finding this check can report.
    pub fn reports(&self) -> Vec<&str> {
        match self.requirement {
            Requirement::Deadline { .. } => vec!["late", "missing"],
            Requirement::Holds { .. } => vec![self.kind.as_str()],
        }
    }
}

#[derive(Debug)]
pub enum Requirement {
    /// The condition must hold; with a grace period, a failure before the
    /// grace period ends is pending.
    Holds {
        cond: CExpr,
        grace: Option<(CExpr, CExpr)>,
    },
    /// `done within span after anchor`: met, late, missing or pending.
    Deadline {
        done: CExpr,
        within: CExpr,
        anchor: CExpr,
    },
}

/// `severity high when C, else medium`: first arm whose condition holds.
#[derive(Debug)]
pub struct SeverityPlan {
    pub arms: Vec<(Severity, CExpr)>,
    pub otherwise: Severity,
}

/// Facts about one value, for the `timestamp` and `optional value` subjects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pseudo {
    /// The field's name.
    Field,
    /// The table's name.
    Table,
    RepeatedHour,
    SkippedHour,
    Unreadable,
}

impl Pseudo {
    pub const ALL: [(&'static str, Pseudo); 5] = [
        ("field", Pseudo::Field),
        ("table", Pseudo::Table),
        ("repeated_hour", Pseudo::RepeatedHour),
        ("skipped_hour", Pseudo::SkippedHour),
        ("unreadable", Pseudo::Unreadable),
    ];
}

#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    /// Normalised as the value it is compared with.
    Str(Box<str>),
    Int(i64),
    Bool(bool),
    Span(TimeSpan),
}

/// A compiled expression: no loops but the bounded `Aggregate` over one
/// incident's crimes, no recursion through definitions (the checker forbids
/// cycles), so evaluating it always ends. The engine evaluates a form of
/// it laid out for speed (`engine::compiled`), with the same meaning.
#[derive(Clone, Debug, PartialEq)]
pub enum CExpr {
    /// A field of the record of that table in the evaluation context.
    Field(Table, usize),
    /// Whether the context has a record of that table (`incident is present`).
    Linked(Table),
    /// `duplicate_of.status`: field `.1` of the crime whose id the context
    /// crime's field `.0` holds (a reference, see `records::refers_to`);
    /// empty when the export has no such crime.
    Referenced(usize, usize),
    Pseudo(Pseudo),
    Define(usize),
    Const(Const),
    Not(Box<CExpr>),
    And(Box<CExpr>, Box<CExpr>),
    Or(Box<CExpr>, Box<CExpr>),
    Cmp(CmpOp, Box<CExpr>, Box<CExpr>),
    Present(Box<CExpr>, bool),
    In(Box<CExpr>, usize, bool),
    Contains(Box<CExpr>, Box<CExpr>),
    Add(Box<CExpr>, Box<CExpr>),
    Sub(Box<CExpr>, Box<CExpr>),
    /// Over the context incident's crimes.
    Aggregate(Quantifier, Option<Box<CExpr>>),
    Choice(Vec<(CExpr, CExpr)>, Box<CExpr>),
}

impl CExpr {
    /// The expressions this one is made of (not through definitions).
    pub fn children(&self) -> Vec<&CExpr> {
        match self {
            CExpr::Not(x) | CExpr::Present(x, _) | CExpr::In(x, _, _) => vec![x],
            CExpr::And(a, b)
            | CExpr::Or(a, b)
            | CExpr::Cmp(_, a, b)
            | CExpr::Contains(a, b)
            | CExpr::Add(a, b)
            | CExpr::Sub(a, b) => vec![a, b],
            CExpr::Aggregate(_, f) => f.as_deref().into_iter().collect(),
            CExpr::Choice(arms, otherwise) => arms
                .iter()
                .flat_map(|(v, c)| [v, c])
                .chain([&**otherwise])
                .collect(),
            CExpr::Field(..)
            | CExpr::Linked(_)
            | CExpr::Referenced(..)
            | CExpr::Pseudo(_)
            | CExpr::Define(_)
            | CExpr::Const(_) => Vec::new(),
        }
    }
}

// ---------------------------------------------------------------- code sets

/// A code split into comparable parts: `4/10` is `[4, "/", 10]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Part {
    Num(u64),
    Text(String),
}

fn parts(code: &str) -> Vec<Part> {
    let mut out = Vec::new();
    let mut chars = code.chars().peekable();
    while let Some(&c) = chars.peek() {
        let digit = c.is_ascii_digit();
        let mut run = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_ascii_digit() != digit {
                break;
            }
            run.push(c);
            chars.next();
        }
        // `03` is not `3`: a leading zero keeps a number as text, so a range
        // treats a code exactly as a listed code or an `is` comparison would.
        let leading_zero = run.len() > 1 && run.starts_with('0');
        out.push(match run.parse::<u64>() {
            Ok(n) if digit && !leading_zero => Part::Num(n),
            _ => Part::Text(run),
        });
    }
    out
}

/// `19C..19H`: codes equal to both ends but in one part, which lies between.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CodeRange {
    lo: Vec<Part>,
    hi: Vec<Part>,
    at: usize,
}

/// Why a range cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RangeError {
    /// The ends differ in more than one part, or in a part that has no order.
    Shape,
    /// The first end comes after the last.
    Backwards,
}

impl CodeRange {
    pub fn new(lo: &str, hi: &str) -> Result<CodeRange, RangeError> {
        let (lo, hi) = (parts(&normalize(lo)), parts(&normalize(hi)));
        if lo.len() != hi.len() {
            return Err(RangeError::Shape);
        }
        let differing: Vec<usize> = (0..lo.len()).filter(|&n| lo[n] != hi[n]).collect();
        let [at] = differing[..] else {
            return Err(RangeError::Shape);
        };
        let ordered = match (&lo[at], &hi[at]) {
            (Part::Num(a), Part::Num(b)) => a <= b,
            (Part::Text(a), Part::Text(b)) if a.len() == 1 && b.len() == 1 => a <= b,
            _ => return Err(RangeError::Shape),
        };
        if !ordered {
            return Err(RangeError::Backwards);
        }
        Ok(CodeRange { lo, hi, at })
    }

    fn contains(&self, code: &[Part]) -> bool {
        if code.len() != self.lo.len() {
            return false;
        }
        code.iter().enumerate().all(|(n, p)| {
            if n != self.at {
                return *p == self.lo[n];
            }
            match (p, &self.lo[n], &self.hi[n]) {
                (Part::Num(v), Part::Num(a), Part::Num(b)) => a <= v && v <= b,
                (Part::Text(v), Part::Text(a), Part::Text(b)) => v.len() == 1 && a <= v && v <= b,
                _ => false,
            }
        })
    }
}

/// The compiled members of a `group`.
#[derive(Clone, Debug, Default)]
pub struct CodeSet {
    pub name: String,
    exact: FxHashSet<Box<str>>,
    ranges: Vec<CodeRange>,
    globs: Vec<Box<str>>,
}

/// Groups match codes case-insensitively, with `.` and `/` sub-class
/// forms the same.
pub fn normalize(code: &str) -> String {
    code.trim().to_ascii_uppercase().replace('.', "/")
}

impl CodeSet {
    pub fn new(name: &str) -> CodeSet {
        CodeSet {
            name: name.into(),
            ..CodeSet::default()
        }
    }

    pub fn add_code(&mut self, code: &str) {
        let code = normalize(code);
        if code.contains(['*', '?']) {
            self.globs.push(code.into());
        } else {
            self.exact.insert(code.into());
        }
    }

    pub fn add_range(&mut self, range: CodeRange) {
        self.ranges.push(range);
    }

    /// Adds another set's members; a range or pattern already here is not
    /// added again, so groups that include a group twice stay small.
    pub fn extend(&mut self, other: &CodeSet) {
        self.exact.extend(other.exact.iter().cloned());
        let have: FxHashSet<&CodeRange> = self.ranges.iter().collect();
        let new: Vec<CodeRange> = other
            .ranges
            .iter()
            .filter(|r| !have.contains(r))
            .cloned()
            .collect();
        self.ranges.extend(new);
        let have: FxHashSet<&str> = self.globs.iter().map(|g| &**g).collect();
        let new: Vec<Box<str>> = other
            .globs
            .iter()
            .filter(|g| !have.contains(&***g))
            .cloned()
            .collect();
        self.globs.extend(new);
    }

    /// How many members the set holds (codes, ranges and patterns).
    pub fn len(&self) -> usize {
        self.exact.len() + self.ranges.len() + self.globs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.ranges.is_empty() && self.globs.is_empty()
    }

    pub fn contains(&self, code: &str) -> bool {
        let normalized;
        let code = if code.contains('.') || code.bytes().any(|b| b.is_ascii_lowercase()) {
            normalized = normalize(code);
            normalized.as_str()
        } else {
            crate::util::text::trim(code)
        };
        if self.exact.contains(code) || self.globs.iter().any(|g| glob_match(g, code)) {
            return true;
        }
        if self.ranges.is_empty() {
            return false;
        }
        let p = parts(code);
        self.ranges.iter().any(|r| r.contains(&p))
    }
}

/// `*` matches any run of characters, `?` any one.
fn glob_match(pattern: &str, text: &str) -> bool {
    // Codes are nearly always ASCII, where a byte is a character: match the
    // bytes in place rather than collecting characters for every lookup.
    if pattern.is_ascii() && text.is_ascii() {
        return glob_match_in(pattern.as_bytes(), text.as_bytes(), b'*', b'?');
    }
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    glob_match_in(&p, &t, '*', '?')
}

fn glob_match_in<C: Copy + PartialEq>(p: &[C], t: &[C], any_run: C, any_one: C) -> bool {
    // Classic two-pointer match with backtracking to the last `*`.
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == any_one || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == any_run {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == any_run)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(members: &[&str]) -> CodeSet {
        let mut s = CodeSet::new("t");
        for m in members {
            match m.split_once("..") {
                Some((a, b)) => s.add_range(CodeRange::new(a, b).unwrap()),
                None => s.add_code(m),
            }
        }
        s
    }

    #[test]
    fn ranges_over_letters_and_subclasses() {
        let s = set(&["19C..19H", "4/1..4/10", "70..73", "N100/1..N100/3"]);
        for yes in [
            "19C", "19e", "19H", "4/1", "4.7", "4/10", "71", "N100/2", "n100.3",
        ] {
            assert!(s.contains(yes), "{yes}");
        }
        for no in [
            "19B", "19I", "19", "4/11", "4", "74", "71A", "N100", "N100/4", "119C",
        ] {
            assert!(!s.contains(no), "{no}");
        }
    }

    #[test]
    fn globs_and_exact_codes() {
        let s = set(&["CRIME-*", "8N"]);
        assert!(s.contains("crime-rape"));
        assert!(s.contains(" CRIME- "));
        assert!(s.contains("8n"));
        assert!(!s.contains("NONCRIME-X"));
        assert!(!s.contains("8"));
        assert!(glob_match("A?C*", "ABCDEF"));
        assert!(!glob_match("A?C", "AC"));
    }

    /// Windows run from the start of `from` up to, not including, the
    /// start of `until`: one ending on a day and one starting that day do
    /// not overlap; an open end overlaps everything on its side.
    #[test]
    fn windows_overlap_only_when_they_share_a_day() {
        let d = |s: &str| Some(s.parse::<chrono::NaiveDate>().unwrap());
        let w = |from, until| Window {
            from,
            until,
            time: CExpr::Const(Const::Bool(false)),
        };
        let old = w(d("2018-04-01"), d("2023-05-31"));
        assert!(!old.overlaps(&w(d("2023-05-31"), None)));
        assert!(old.overlaps(&w(d("2023-05-30"), None)));
        assert!(old.overlaps(&w(None, None)));
        assert!(!old.overlaps(&w(None, d("2018-04-01"))));
        assert!(old.overlaps(&w(None, d("2018-04-02"))));
        assert_eq!(old.words(), "from 2018-04-01 until 2023-05-31");
        assert_eq!(w(None, d("2030-01-01")).words(), "until 2030-01-01");
    }

    #[test]
    fn leading_zeros_are_not_in_ranges() {
        let s = set(&["C1..C5"]);
        assert!(s.contains("c3"));
        assert!(!s.contains("C03"));
    }

    #[test]
    fn bad_ranges_are_refused() {
        assert_eq!(CodeRange::new("19C", "20H"), Err(RangeError::Shape));
        assert_eq!(CodeRange::new("19H", "19C"), Err(RangeError::Backwards));
        assert_eq!(CodeRange::new("4/1", "4/1/2"), Err(RangeError::Shape));
    }

    /// Sizes from a half-width, worked by hand with z = 1.96 (z² = 3.8416).
    #[test]
    fn sample_sizes_from_a_half_width() {
        let hw = |d: f64, p: f64| SampleSize::HalfWidth {
            half_width: d,
            expected: p,
        };
        // 3.8416 × 0.5 × 0.5 / 0.05² = 384.16 → 385 (the textbook 385).
        assert_eq!(hw(0.05, 0.5).base(), 385);
        // 3.8416 × 0.9 × 0.1 / 0.0025 = 138.2976 → 139.
        assert_eq!(hw(0.05, 0.9).base(), 139);
        // 3.8416 × 0.95 × 0.05 / 0.0025 = 72.9904 → 73.
        assert_eq!(hw(0.05, 0.95).base(), 73);
        // 3.8416 × 0.5 × 0.5 / 0.098² = 100 exactly (up to rounding error): 100, not 101.
        assert_eq!(hw(0.098, 0.5).base(), 100);
        // Finite population: 139 / (1 + 138 / 500) = 108.93 → 109.
        assert_eq!(hw(0.05, 0.9).asked(500), 109);
        assert_eq!(hw(0.05, 0.9).for_population(500), 109);
        // 73 / (1 + 72 / 150) = 49.32 → 50.
        assert_eq!(hw(0.05, 0.95).for_population(150), 50);
        // 139 / (1 + 138 / 28) = 23.45 → 24: less than the whole stratum.
        assert_eq!(hw(0.05, 0.9).for_population(28), 24);
        // A stratum of one: 139 / (1 + 138) = 1.
        assert_eq!(hw(0.05, 0.9).for_population(1), 1);
        assert_eq!(hw(0.05, 0.9).for_population(0), 0);
        // A count is a count, capped at the population.
        assert_eq!(SampleSize::Count(60).for_population(500), 60);
        assert_eq!(SampleSize::Count(60).for_population(8), 8);
        assert_eq!(SampleSize::Count(60).asked(8), 60);
        assert_eq!(hw(0.05, 0.9).words(), "half-width 5% expecting 90%");
        assert_eq!(hw(0.025, 0.875).words(), "half-width 2.5% expecting 87.5%");
    }
}
