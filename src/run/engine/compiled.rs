//! Expressions as the evaluator runs them.
//!
//! The plan's [`CExpr`] is the checked meaning of a rule; this is the same
//! meaning laid out for speed, built once per evaluator from the plan (a few
//! dozen nodes). It differs from the plan's tree in three ways, all of them
//! about work per subject (a run evaluates millions of conditions):
//!
//! - definitions are inlined, so using one costs no lookup;
//! - the shapes nearly every rule is made of are single nodes that read the
//!   field in place ("superinstructions"): a field compared with a quoted
//!   code ([`Expr::FieldIs`]), with `true` or `false` ([`Expr::FieldIsBool`]),
//!   tested against a group ([`Expr::FieldIn`]) or for presence
//!   ([`Expr::FieldPresent`]); everything else keeps the plan's shape;
//! - conditions are evaluated to a `bool` ([`Evaluator::test`]) and only
//!   values go through the general value type ([`Evaluator::value`]).
//!
//! This is the one evaluator of expressions (rules, examples, audit strata).
//! The test at the end checks it against a plain walk of the plan's tree.

use super::{Ctx, Evaluator, V};
use crate::data::records::{Code, Quality, Record, Table, Val};
use crate::data::time::Span;
use crate::lang::plan::{CExpr, Check, Const, Plan, Pseudo, Requirement, Severity};
use crate::vocab::{CmpOp, Quantifier};

/// A compiled expression (see the module documentation). The variants up to
/// `Choice` are the plan's; the `Field…` ones are the superinstructions.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Expr {
    Field(Table, usize),
    Linked(Table),
    Referenced(usize, usize),
    Pseudo(Pseudo),
    Const(Const),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    Present(Box<Expr>, bool),
    In(Box<Expr>, usize, bool),
    Contains(Box<Expr>, Box<Expr>),
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
    Aggregate(Quantifier, Option<Box<Expr>>),
    Choice(Vec<(Expr, Expr)>, Box<Expr>),
    /// `field is "X"` (`is`: true) or `field is not "X"` (false), the
    /// quoted text normalised as the field is read.
    FieldIs(Table, usize, Box<str>, bool),
    /// `field is true` (`is not true` with false), or a yes/no field
    /// standing alone as a condition.
    FieldIsBool(Table, usize, bool, bool),
    /// `field in group` (`not in`: negated).
    FieldIn(Table, usize, usize, bool),
    /// `field is present` (true) or `field is empty` (false).
    FieldPresent(Table, usize, bool),
}

/// Compiles one expression of `plan`.
pub(super) fn compile(plan: &Plan, e: &CExpr) -> Expr {
    let c = |e: &CExpr| Box::new(compile(plan, e));
    match e {
        CExpr::Define(n) => compile(plan, &plan.defines[*n]),
        CExpr::Field(t, f) => Expr::Field(*t, *f),
        CExpr::Linked(t) => Expr::Linked(*t),
        CExpr::Referenced(via, f) => Expr::Referenced(*via, *f),
        CExpr::Pseudo(p) => Expr::Pseudo(*p),
        CExpr::Const(k) => Expr::Const(k.clone()),
        CExpr::Not(x) => Expr::Not(c(x)),
        CExpr::And(a, b) => Expr::And(c(a), c(b)),
        CExpr::Or(a, b) => Expr::Or(c(a), c(b)),
        CExpr::Cmp(op, a, b) => {
            let (a, b) = (compile(plan, a), compile(plan, b));
            let is = match op {
                CmpOp::Eq => Some(true),
                CmpOp::Ne => Some(false),
                _ => None,
            };
            match (is, a, b) {
                (Some(is), Expr::Field(t, f), Expr::Const(Const::Str(s)))
                | (Some(is), Expr::Const(Const::Str(s)), Expr::Field(t, f)) => {
                    Expr::FieldIs(t, f, s, is)
                }
                (Some(is), Expr::Field(t, f), Expr::Const(Const::Bool(b)))
                | (Some(is), Expr::Const(Const::Bool(b)), Expr::Field(t, f)) => {
                    Expr::FieldIsBool(t, f, b, is)
                }
                (_, a, b) => Expr::Cmp(*op, Box::new(a), Box::new(b)),
            }
        }
        CExpr::Present(x, want) => match compile(plan, x) {
            Expr::Field(t, f) => Expr::FieldPresent(t, f, *want),
            x => Expr::Present(Box::new(x), *want),
        },
        CExpr::In(x, g, negated) => match compile(plan, x) {
            Expr::Field(t, f) => Expr::FieldIn(t, f, *g, *negated),
            x => Expr::In(Box::new(x), *g, *negated),
        },
        CExpr::Contains(l, x) => Expr::Contains(c(l), c(x)),
        CExpr::Add(a, b) => Expr::Add(c(a), c(b)),
        CExpr::Sub(a, b) => Expr::Sub(c(a), c(b)),
        CExpr::Aggregate(q, f) => Expr::Aggregate(*q, f.as_deref().map(c)),
        CExpr::Choice(arms, otherwise) => Expr::Choice(
            arms.iter()
                .map(|(v, w)| (compile(plan, v), compile(plan, w)))
                .collect(),
            c(otherwise),
        ),
    }
}

/// A check's expressions, compiled.
pub(super) struct Compiled {
    pub filters: Vec<Expr>,
    pub exemptions: Vec<Expr>,
    pub requirement: Required,
    pub arms: Vec<(Severity, Expr)>,
}

/// [`Requirement`], compiled.
pub(super) enum Required {
    Holds {
        cond: Expr,
        grace: Option<(Expr, Expr)>,
    },
    Deadline {
        done: Expr,
        within: Expr,
        anchor: Expr,
    },
}

impl Compiled {
    pub fn new(plan: &Plan, check: &Check) -> Compiled {
        let c = |e: &CExpr| compile(plan, e);
        Compiled {
            filters: check.filters.iter().map(c).collect(),
            exemptions: check.exemptions.iter().map(c).collect(),
            requirement: match &check.requirement {
                Requirement::Holds { cond, grace } => Required::Holds {
                    cond: c(cond),
                    grace: grace.as_ref().map(|(s, a)| (c(s), c(a))),
                },
                Requirement::Deadline {
                    done,
                    within,
                    anchor,
                } => Required::Deadline {
                    done: c(done),
                    within: c(within),
                    anchor: c(anchor),
                },
            },
            arms: check
                .severity
                .arms
                .iter()
                .map(|(s, e)| (*s, c(e)))
                .collect(),
        }
    }
}

/// Finds the conditions that several checks of one subject kind start
/// their `where` with (`status is "cancelled"` starts three), takes each
/// out of its checks' first filter and returns them: the evaluator works
/// each out once per subject and skips the checks whose guard fails, where
/// each check would have evaluated it (see [`Evaluator::checks_on`]).
///
/// A check's guard is the leftmost operand of its first filter's chain of
/// `and`s, so the filters it leaves are evaluated in the same order as
/// before and only when it holds. A condition that adds a span to a time
/// is never a guard: adding working days counts deadlines past the
/// calendar, which must be counted as often as the checks ask.
pub(super) fn shared_guards(checks: &mut [super::evaluator::CheckRef]) -> Vec<Expr> {
    let firsts: Vec<Option<Expr>> = checks
        .iter()
        .map(|c| {
            let first = leftmost(c.code.filters.first()?);
            (!adds(first)).then(|| first.clone())
        })
        .collect();
    let mut guards: Vec<Expr> = Vec::new();
    for (c, first) in checks.iter_mut().zip(&firsts) {
        let Some(g) = first else { continue };
        if firsts.iter().filter(|f| f.as_ref() == Some(g)).count() < 2 {
            continue;
        }
        let n = match guards.iter().position(|x| x == g) {
            Some(n) => n,
            None => {
                guards.push(g.clone());
                guards.len() - 1
            }
        };
        let first = c.code.filters.remove(0);
        if let Some(rest) = without_leftmost(first) {
            c.code.filters.insert(0, rest);
        }
        c.guard = Some(n);
    }
    guards
}

/// The operand of a chain of `and`s evaluated first.
fn leftmost(e: &Expr) -> &Expr {
    match e {
        Expr::And(a, _) => leftmost(a),
        e => e,
    }
}

/// The chain of `and`s without its [`leftmost`] operand, the others in
/// the same order; `None` if there are no others.
fn without_leftmost(e: Expr) -> Option<Expr> {
    match e {
        Expr::And(a, b) => Some(match without_leftmost(*a) {
            Some(rest) => Expr::And(Box::new(rest), b),
            None => *b,
        }),
        _ => None,
    }
}

/// Whether evaluating it may add a span to a time.
fn adds(e: &Expr) -> bool {
    match e {
        Expr::Add(..) => true,
        Expr::Not(x) | Expr::Present(x, _) | Expr::In(x, ..) => adds(x),
        Expr::And(a, b)
        | Expr::Or(a, b)
        | Expr::Cmp(_, a, b)
        | Expr::Contains(a, b)
        | Expr::Sub(a, b) => adds(a) || adds(b),
        Expr::Aggregate(_, f) => f.as_deref().is_some_and(adds),
        Expr::Choice(arms, otherwise) => {
            arms.iter().any(|(v, c)| adds(v) || adds(c)) || adds(otherwise)
        }
        Expr::Field(..)
        | Expr::Linked(_)
        | Expr::Referenced(..)
        | Expr::Pseudo(_)
        | Expr::Const(_)
        | Expr::FieldIs(..)
        | Expr::FieldIsBool(..)
        | Expr::FieldIn(..)
        | Expr::FieldPresent(..) => false,
    }
}

/// A field of a record in the context; empty when there is no such record.
#[inline]
fn field<'b>(cx: &Ctx<'b>, t: Table, f: usize) -> Val<'b> {
    match t {
        Table::Incidents => cx.incident.map_or(Val::Empty, |r| r.get(f)),
        Table::Crimes => cx.crime.map_or(Val::Empty, |r| r.get(f)),
        Table::Updates => cx.update.map_or(Val::Empty, |r| r.get(f)),
    }
}

impl<'a> Evaluator<'a> {
    /// Whether a condition holds: its value is `true` (empty is not).
    pub(super) fn test<'b>(&'b self, e: &'b Expr, cx: &Ctx<'b>) -> bool {
        match e {
            Expr::FieldIs(t, f, s, is) => {
                let eq = match field(cx, *t, *f) {
                    Val::Text(v) => v.eq_ignore_ascii_case(s),
                    Val::Code(v) => v.eq_ignore_ascii_case(s),
                    _ => false,
                };
                eq == *is
            }
            Expr::FieldIsBool(t, f, b, is) => (field(cx, *t, *f) == Val::Bool(*b)) == *is,
            Expr::FieldIn(t, f, g, negated) => {
                let inside = match field(cx, *t, *f) {
                    Val::Code(c) => self.code_in_group(*g, c),
                    Val::Text(s) => self.text_in_group(*g, s),
                    _ => false,
                };
                inside != *negated
            }
            Expr::FieldPresent(t, f, want) => (field(cx, *t, *f) != Val::Empty) == *want,
            Expr::Field(t, f) => field(cx, *t, *f) == Val::Bool(true),
            Expr::Const(Const::Bool(b)) => *b,
            Expr::Not(x) => !self.test(x, cx),
            Expr::And(a, b) => self.test(a, cx) && self.test(b, cx),
            Expr::Or(a, b) => self.test(a, cx) || self.test(b, cx),
            Expr::Cmp(op, a, b) => compare(*op, self.value(a, cx), self.value(b, cx)),
            Expr::Present(x, want) => (self.value(x, cx) != V::Empty) == *want,
            Expr::In(x, g, negated) => {
                let inside = match self.value(x, cx) {
                    V::Str(s) => self.text_in_group(*g, s),
                    _ => false,
                };
                inside != *negated
            }
            Expr::Contains(l, x) => match (self.value(l, cx), self.value(x, cx)) {
                (V::List(l), V::Str(s)) => l.iter().any(|c| c.eq_ignore_ascii_case(s)),
                _ => false,
            },
            Expr::Aggregate(q @ (Quantifier::Any | Quantifier::No | Quantifier::All), filter) => {
                self.aggregate(*q, filter.as_deref(), cx) == V::Bool(true)
            }
            Expr::Linked(_)
            | Expr::Referenced(..)
            | Expr::Pseudo(_)
            | Expr::Const(_)
            | Expr::Add(..)
            | Expr::Sub(..)
            | Expr::Aggregate(..)
            | Expr::Choice(..) => self.value(e, cx) == V::Bool(true),
        }
    }

    /// The value of an expression.
    pub(super) fn value<'b>(&'b self, e: &'b Expr, cx: &Ctx<'b>) -> V<'b> {
        match e {
            Expr::Field(t, f) => field(cx, *t, *f).into(),
            Expr::Linked(t) => {
                let present = match t {
                    Table::Incidents => cx.incident.is_some(),
                    Table::Crimes => cx.crime.is_some(),
                    Table::Updates => cx.update.is_some(),
                };
                if present { V::Bool(true) } else { V::Empty }
            }
            Expr::Referenced(via, f) => cx
                .crime
                .and_then(|c| self.joins.referenced(*via, c))
                .map_or(V::Empty, |c| c.get(*f).into()),
            Expr::Pseudo(p) => {
                let Some(f) = cx.fact else { return V::Empty };
                match p {
                    Pseudo::Field => V::Str(f.table.fields()[f.field].name),
                    Pseudo::Table => V::Str(f.table.name()),
                    Pseudo::RepeatedHour => V::Bool(Quality::has(f.quality.repeated, f.field)),
                    Pseudo::SkippedHour => V::Bool(Quality::has(f.quality.skipped, f.field)),
                    Pseudo::Unreadable => V::Bool(Quality::has(f.quality.invalid, f.field)),
                }
            }
            Expr::Const(c) => match c {
                Const::Str(s) => V::Str(s),
                Const::Int(n) => V::Int(*n),
                Const::Bool(b) => V::Bool(*b),
                Const::Span(s) => V::Span(*s),
            },
            Expr::Add(a, b) | Expr::Sub(a, b) => {
                let plus = matches!(e, Expr::Add(..));
                match (self.value(a, cx), self.value(b, cx)) {
                    (V::Int(x), V::Int(y)) => V::Int(if plus {
                        x.saturating_add(y)
                    } else {
                        x.saturating_sub(y)
                    }),
                    (V::Time(t), V::Span(s)) if plus => self.add(t, s).map_or(V::Empty, V::Time),
                    (V::Time(t), V::Span(Span::Micros(m))) => V::Time(t.plus_micros(-m)),
                    _ => V::Empty,
                }
            }
            Expr::Aggregate(q, filter) => self.aggregate(*q, filter.as_deref(), cx),
            Expr::Choice(arms, otherwise) => arms
                .iter()
                .find(|(_, c)| self.test(c, cx))
                .map_or_else(|| self.value(otherwise, cx), |(v, _)| self.value(v, cx)),
            Expr::Not(..)
            | Expr::And(..)
            | Expr::Or(..)
            | Expr::Cmp(..)
            | Expr::Present(..)
            | Expr::In(..)
            | Expr::Contains(..)
            | Expr::FieldIs(..)
            | Expr::FieldIsBool(..)
            | Expr::FieldIn(..)
            | Expr::FieldPresent(..) => V::Bool(self.test(e, cx)),
        }
    }

    /// Over the context incident's crimes.
    fn aggregate<'b>(&'b self, q: Quantifier, filter: Option<&'b Expr>, cx: &Ctx<'b>) -> V<'b> {
        let crimes = &self.joins.crimes;
        let mut matching = cx.crimes.iter().filter(|&&n| {
            let sub = Ctx {
                crime: Some(crimes[n as usize]),
                ..*cx
            };
            filter.is_none_or(|f| self.test(f, &sub))
        });
        match q {
            Quantifier::Any => V::Bool(matching.next().is_some()),
            Quantifier::No => V::Bool(matching.next().is_none()),
            Quantifier::Count => V::Int(matching.count() as i64),
            Quantifier::All => V::Bool(matching.count() == cx.crimes.len()),
        }
    }

    /// Whether a code read from a record is in a group (see
    /// [`GroupMemo`](super::memo::GroupMemo)).
    #[inline]
    fn code_in_group(&self, group: usize, code: &Code) -> bool {
        self.groups.code_in(&self.plan.groups, group, code)
    }

    /// Whether any other text is in a group (see
    /// [`GroupMemo`](super::memo::GroupMemo)).
    fn text_in_group(&self, group: usize, code: &str) -> bool {
        self.groups.text_in(&self.plan.groups, group, code)
    }
}

/// Comparisons with an empty value are false; `!=` is the negation of `=`,
/// so "authority is not FCR" holds when no authority is recorded.
fn compare(op: CmpOp, a: V, b: V) -> bool {
    use std::cmp::Ordering;
    let eq = || match (a, b) {
        (V::Str(x), V::Str(y)) => x.eq_ignore_ascii_case(y),
        (V::Empty, _) | (_, V::Empty) => false,
        _ => a == b,
    };
    let ord = || -> Option<Ordering> {
        match (a, b) {
            (V::Int(x), V::Int(y)) => Some(x.cmp(&y)),
            (V::Time(x), V::Time(y)) => Some(x.cmp(&y)),
            _ => None,
        }
    };
    match op {
        CmpOp::Eq => eq(),
        CmpOp::Ne => !eq(),
        CmpOp::Lt => ord() == Some(Ordering::Less),
        CmpOp::Le => matches!(ord(), Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Gt => ord() == Some(Ordering::Greater),
        CmpOp::Ge => matches!(ord(), Some(Ordering::Greater | Ordering::Equal)),
    }
}

#[cfg(test)]
mod tests {
    //! The compiled form against a plain walk of the plan's tree (the
    //! evaluator as it was before expressions were compiled), over every
    //! expression of the shipped rules and a few shapes they do not use,
    //! on random records in every kind of context.

    use super::*;
    use crate::data::records::Records;
    use crate::data::records::{Crime, Incident, MaybeTime, Transfer, Update};
    use crate::data::time::{Clock, Instant};
    use crate::run::engine::{Joins, ValueFact, claim_all};

    /// The plain walk: what `eval` was.
    fn walk<'b>(ev: &'b Evaluator, e: &'b CExpr, cx: &Ctx<'b>) -> V<'b> {
        let truth = |e: &'b CExpr| walk(ev, e, cx) == V::Bool(true);
        match e {
            CExpr::Field(t, f) => field(cx, *t, *f).into(),
            CExpr::Linked(t) => {
                let present = match t {
                    Table::Incidents => cx.incident.is_some(),
                    Table::Crimes => cx.crime.is_some(),
                    Table::Updates => cx.update.is_some(),
                };
                if present { V::Bool(true) } else { V::Empty }
            }
            CExpr::Referenced(via, f) => {
                // By id, as a reader would look it up: the first crime
                // with the id the reference holds.
                let Some(Val::Text(id)) = cx.crime.map(|c| c.get(*via)) else {
                    return V::Empty;
                };
                ev.joins
                    .crimes
                    .iter()
                    .find(|c| c.crime_id == id)
                    .map_or(V::Empty, |c| c.get(*f).into())
            }
            CExpr::Pseudo(p) => {
                let Some(f) = cx.fact else { return V::Empty };
                match p {
                    Pseudo::Field => V::Str(f.table.fields()[f.field].name),
                    Pseudo::Table => V::Str(f.table.name()),
                    Pseudo::RepeatedHour => V::Bool(Quality::has(f.quality.repeated, f.field)),
                    Pseudo::SkippedHour => V::Bool(Quality::has(f.quality.skipped, f.field)),
                    Pseudo::Unreadable => V::Bool(Quality::has(f.quality.invalid, f.field)),
                }
            }
            CExpr::Define(n) => walk(ev, &ev.plan.defines[*n], cx),
            CExpr::Const(c) => match c {
                Const::Str(s) => V::Str(s),
                Const::Int(n) => V::Int(*n),
                Const::Bool(b) => V::Bool(*b),
                Const::Span(s) => V::Span(*s),
            },
            CExpr::Not(x) => V::Bool(!truth(x)),
            CExpr::And(a, b) => V::Bool(truth(a) && truth(b)),
            CExpr::Or(a, b) => V::Bool(truth(a) || truth(b)),
            CExpr::Cmp(op, a, b) => V::Bool(compare(*op, walk(ev, a, cx), walk(ev, b, cx))),
            CExpr::Present(x, want) => V::Bool((walk(ev, x, cx) != V::Empty) == *want),
            CExpr::In(x, g, negated) => {
                let inside = match walk(ev, x, cx) {
                    V::Str(s) => ev.plan.groups[*g].contains(s),
                    _ => false,
                };
                V::Bool(inside != *negated)
            }
            CExpr::Contains(l, x) => V::Bool(match (walk(ev, l, cx), walk(ev, x, cx)) {
                (V::List(l), V::Str(s)) => l.iter().any(|c| c.eq_ignore_ascii_case(s)),
                _ => false,
            }),
            CExpr::Add(a, b) | CExpr::Sub(a, b) => {
                let plus = matches!(e, CExpr::Add(..));
                match (walk(ev, a, cx), walk(ev, b, cx)) {
                    (V::Int(x), V::Int(y)) => V::Int(if plus {
                        x.saturating_add(y)
                    } else {
                        x.saturating_sub(y)
                    }),
                    // The deadline calculator itself, not the evaluator's
                    // memo of working-day deadlines.
                    (V::Time(t), V::Span(s)) if plus => {
                        crate::data::time::deadline(t, s, &ev.clock, &ev.plan.calendar)
                            .map_or(V::Empty, |d| V::Time(d.at))
                    }
                    (V::Time(t), V::Span(Span::Micros(m))) => V::Time(t.plus_micros(-m)),
                    _ => V::Empty,
                }
            }
            CExpr::Aggregate(q, filter) => {
                let mut matching = cx.crimes.iter().filter(|&&n| {
                    let sub = Ctx {
                        crime: Some(ev.joins.crimes[n as usize]),
                        ..*cx
                    };
                    filter
                        .as_deref()
                        .is_none_or(|f| walk(ev, f, &sub) == V::Bool(true))
                });
                match q {
                    Quantifier::Any => V::Bool(matching.next().is_some()),
                    Quantifier::No => V::Bool(matching.next().is_none()),
                    Quantifier::Count => V::Int(matching.count() as i64),
                    Quantifier::All => V::Bool(matching.count() == cx.crimes.len()),
                }
            }
            CExpr::Choice(arms, default) => arms
                .iter()
                .find(|(_, c)| truth(c))
                .map_or_else(|| walk(ev, default, cx), |(v, _)| walk(ev, v, cx)),
        }
    }

    /// xorshift64*: records that are random but the same every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn chance(&mut self, percent: u64) -> bool {
            self.next() % 100 < percent
        }
    }

    const CODES: &[&str] = &[
        "CRIME-RAPE",
        "CRIME-SEXUAL",
        "CRIME-VIOLENCE",
        "CRIME-OTHER",
        "ASB",
        "19C",
        "19H",
        "17A",
        "8N",
        "4/1",
        "N100",
        "N100/2",
        "92A",
        "C1",
        "C3",
        "C7",
        "1",
        "2",
        "3",
        "7",
        "FCR",
        "DDM",
        "SGT",
        "RECORDED",
        "CANCELLED",
        "DA",
    ];

    /// Records with codes from a shared vocabulary, each code sometimes
    /// a fresh copy (as another reader would hold it), many values empty,
    /// times around weekends and bank holidays, random quality marks.
    fn records(rng: &mut Rng) -> (Vec<Incident>, Vec<Crime>, Vec<Update>) {
        let shared: Vec<Code> = CODES.iter().map(|c| Code::new(c)).collect();
        let code = |rng: &mut Rng| {
            let n = rng.below(CODES.len());
            if rng.chance(20) {
                Code::new(CODES[n])
            } else {
                shared[n].clone()
            }
        };
        let opt = |rng: &mut Rng, percent| rng.chance(percent).then(|| code(rng));
        // 2025-03-01 and the next 120 days, to the minute.
        let base = 1_740_787_200_000_000i64;
        let time = |rng: &mut Rng| Instant(base + (rng.below(120 * 24 * 60) as i64) * 60_000_000);
        let maybe = |rng: &mut Rng| MaybeTime::from(rng.chance(60).then(|| time(rng)));
        let boolean = |rng: &mut Rng| rng.chance(70).then(|| rng.chance(50));
        let quality = |rng: &mut Rng| Quality {
            repeated: if rng.chance(10) { rng.next() as u32 } else { 0 },
            skipped: if rng.chance(10) { rng.next() as u32 } else { 0 },
            invalid: if rng.chance(10) { rng.next() as u32 } else { 0 },
        };
        let incidents: Vec<Incident> = (0..40)
            .map(|n| Incident {
                line: n,
                incident_id: format!("I{}", n % 35).as_str().into(),
                reported_at: time(rng),
                opening_code: opt(rng, 80),
                closing_code: opt(rng, 60),
                closed_at: maybe(rng),
                victim_count: rng.chance(70).then(|| rng.below(4) as u32),
                qualifiers: (0..rng.below(3)).map(|_| code(rng)).collect(),
                non_crime_rationale: rng.chance(20).then(|| "text".into()),
                quality: quality(rng),
            })
            .collect();
        let crimes: Vec<Crime> = (0..60)
            .map(|n| Crime {
                line: n,
                crime_id: format!("C{}", n % 55).as_str().into(),
                incident_id: rng
                    .chance(90)
                    .then(|| format!("I{}", rng.below(45)).as_str().into()),
                offence_code: code(rng),
                reported_at: maybe(rng),
                recorded_at: time(rng),
                status: if rng.chance(40) {
                    Code::new("CANCELLED")
                } else {
                    Code::new("RECORDED")
                },
                cancellation_code: opt(rng, 50),
                cancelled_at: maybe(rng),
                cancellation_authority: opt(rng, 50),
                victim_informed_at: maybe(rng),
                outcome_code: opt(rng, 50),
                outcome_at: maybe(rng),
                victim_views_recorded: boolean(rng),
                offender_history_checked: boolean(rng),
                dpp_consent: boolean(rng),
                victim_enhanced: boolean(rng),
                transfer: Transfer {
                    transferred_from: opt(rng, 20),
                    received_at: maybe(rng),
                    transferred_to: opt(rng, 20),
                    // Some crimes of the set, itself, and ids not in it.
                    duplicate_of: rng
                        .chance(50)
                        .then(|| format!("C{}", rng.below(65)).as_str().into()),
                }
                .boxed(),
                quality: quality(rng),
            })
            .collect();
        let updates: Vec<Update> = (0..40)
            .map(|n| Update {
                line: n,
                crime_id: format!("C{}", rng.below(65)).as_str().into(),
                event: Code::new(["ARREST", "RUI", "BAIL"][rng.below(3)]),
                event_at: time(rng),
                victim_informed_at: maybe(rng),
                quality: quality(rng),
            })
            .collect();
        (incidents, crimes, updates)
    }

    /// [`Record::filled`] against reading every field.
    fn filled_by_get<R: Record>(r: &R) -> u32 {
        (0..R::TABLE.fields().len())
            .filter(|&n| match r.get(n) {
                Val::Empty => false,
                Val::List(l) => !l.is_empty(),
                _ => true,
            })
            .fold(0, |b, n| b | 1 << n)
    }

    #[test]
    fn filled_fields_are_the_fields_get_reads_as_something() {
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        for _ in 0..40 {
            let (incidents, crimes, updates) = records(&mut rng);
            for r in &incidents {
                assert_eq!(r.filled(), filled_by_get(r), "{r:?}");
            }
            for r in &crimes {
                assert_eq!(r.filled(), filled_by_get(r), "{r:?}");
            }
            for r in &updates {
                assert_eq!(r.filled(), filled_by_get(r), "{r:?}");
            }
        }
    }

    /// Guards shared between rules (see [`shared_guards`]) never change
    /// what a rule finds or counts: every rule evaluated together is every
    /// rule evaluated alone (where nothing is shared).
    #[test]
    fn shared_guards_change_no_rule_outcome() {
        let plan = crate::lang::check::check(crate::lang::files::shipped())
            .0
            .unwrap();
        let (mut evaluator_guards, mut findings) = (0, 0);
        let mut rng = Rng(0xD1B5_4A32_D192_ED03);
        for _ in 0..40 {
            let (incidents, crimes, updates) = records(&mut rng);
            let records = Records {
                incidents: &incidents,
                crimes: &crimes,
                updates: &updates,
            };
            let joins = Joins::held(records);
            let all = Evaluator::new(
                &plan,
                0..plan.rules.len(),
                &joins,
                Instant(0),
                Clock::default(),
            );
            evaluator_guards = all.guards.iter().map(Vec::len).sum();
            // An as-of time inside the records' months: some pending.
            let as_of = Instant(1_746_057_600_000_000);
            let together =
                crate::run::engine::evaluate_on(&plan, records, as_of, Clock::default(), 1);
            findings += together.findings.len();
            for (n, rule) in plan.rules.iter().enumerate() {
                let alone =
                    crate::run::engine::evaluate_rule(&plan, n, records, as_of, Clock::default());
                let mine: Vec<_> = together
                    .findings
                    .iter()
                    .filter(|f| *f.rule == *rule.code)
                    .collect();
                assert_eq!(
                    json(&mine),
                    json(&alone.findings.iter().collect::<Vec<_>>()),
                    "{}",
                    rule.code
                );
                let stats = together.stats.iter().find(|s| s.rule == rule.code).unwrap();
                assert_eq!(json(&stats), json(&&alone.stats[0]), "{}", rule.code);
            }
        }
        // The shipped rules do share some (else this test proves little).
        assert!(evaluator_guards >= 2, "{evaluator_guards}");
        assert!(findings > 1000, "{findings}");
    }

    fn json<T: serde::Serialize>(v: &T) -> String {
        serde_json::to_string(v).unwrap()
    }

    /// Shapes the shipped rules do not use: the general nodes the
    /// superinstructions stand in for, on values that are not fields.
    fn other_shapes(plan: &Plan) -> Vec<CExpr> {
        let b = Box::new;
        let field = |t: Table, name: &str| CExpr::Field(t, t.field_index(name).unwrap());
        let s = |text: &str| CExpr::Const(Const::Str(text.into()));
        let either = CExpr::Choice(
            vec![(
                field(Table::Incidents, "closing_code"),
                CExpr::Present(b(field(Table::Incidents, "closing_code")), true),
            )],
            b(field(Table::Incidents, "opening_code")),
        );
        let hours = |h: i64| CExpr::Const(Const::Span(Span::Micros(h * 3_600_000_000)));
        let days = |n: u32| CExpr::Const(Const::Span(Span::WorkingDays(n)));
        // Every group of the plan, by its place (not by name: the shipped
        // rules may change).
        let groups = (0..plan.groups.len()).flat_map(|g| {
            [
                CExpr::In(b(either.clone()), g, g % 2 == 1),
                CExpr::In(b(s("CRIME-RAPE")), g, false),
            ]
        });
        let mut shapes: Vec<CExpr> = groups.collect();
        shapes.extend([
            CExpr::Cmp(
                CmpOp::Ne,
                b(s("ddm")),
                b(field(Table::Crimes, "cancellation_authority")),
            ),
            CExpr::Cmp(CmpOp::Eq, b(field(Table::Crimes, "crime_id")), b(s("c7"))),
            CExpr::Cmp(
                CmpOp::Ne,
                b(CExpr::Const(Const::Bool(false))),
                b(field(Table::Crimes, "dpp_consent")),
            ),
            CExpr::Cmp(
                CmpOp::Eq,
                b(field(Table::Crimes, "dpp_consent")),
                b(field(Table::Crimes, "victim_enhanced")),
            ),
            CExpr::Contains(b(field(Table::Incidents, "qualifiers")), b(s("DA"))),
            CExpr::Present(b(field(Table::Incidents, "qualifiers")), false),
            CExpr::Present(b(either.clone()), true),
            CExpr::Cmp(
                CmpOp::Lt,
                b(CExpr::Sub(
                    b(field(Table::Crimes, "outcome_at")),
                    b(hours(2)),
                )),
                b(CExpr::Add(
                    b(field(Table::Crimes, "recorded_at")),
                    b(hours(30)),
                )),
            ),
            CExpr::Cmp(
                CmpOp::Le,
                b(CExpr::Add(
                    b(field(Table::Crimes, "outcome_at")),
                    b(days(1)),
                )),
                b(CExpr::Add(
                    b(field(Table::Crimes, "recorded_at")),
                    b(days(5)),
                )),
            ),
            CExpr::Cmp(
                CmpOp::Ge,
                b(CExpr::Sub(
                    b(field(Table::Incidents, "victim_count")),
                    b(CExpr::Const(Const::Int(1))),
                )),
                b(CExpr::Aggregate(Quantifier::Count, None)),
            ),
            CExpr::Aggregate(
                Quantifier::All,
                Some(b(field(Table::Crimes, "victim_enhanced"))),
            ),
            CExpr::Aggregate(Quantifier::No, Some(b(CExpr::Linked(Table::Incidents)))),
            // A reference followed inside an aggregate, to a time.
            CExpr::Aggregate(
                Quantifier::Any,
                Some(b(CExpr::Cmp(
                    CmpOp::Lt,
                    b(CExpr::Referenced(
                        Table::Crimes.field_index("duplicate_of").unwrap(),
                        Table::Crimes.field_index("recorded_at").unwrap(),
                    )),
                    b(field(Table::Crimes, "recorded_at")),
                ))),
            ),
            CExpr::Not(b(field(Table::Updates, "victim_informed_at"))),
            CExpr::Pseudo(Pseudo::Field),
            CExpr::Cmp(CmpOp::Eq, b(CExpr::Pseudo(Pseudo::Table)), b(s("CRIMES"))),
            either,
        ]);
        shapes
    }

    /// Every expression of a plan, definitions and audit strata included.
    fn expressions(plan: &Plan) -> Vec<&CExpr> {
        let mut all: Vec<&CExpr> = plan.defines.iter().collect();
        for check in plan.rules.iter().flat_map(|r| &r.checks) {
            all.extend(&check.filters);
            all.extend(&check.exemptions);
            match &check.requirement {
                Requirement::Holds { cond, grace } => {
                    all.push(cond);
                    if let Some((a, b)) = grace {
                        all.extend([a, b]);
                    }
                }
                Requirement::Deadline {
                    done,
                    within,
                    anchor,
                } => all.extend([done, within, anchor]),
            }
            all.extend(check.severity.arms.iter().map(|(_, c)| c));
        }
        for audit in &plan.audits {
            all.extend(audit.strata.iter().map(|s| &s.filter));
        }
        // Every node on the way down, too.
        let mut n = 0;
        while n < all.len() {
            let children = all[n].children();
            all.extend(children);
            n += 1;
        }
        all
    }

    #[test]
    fn compiled_expressions_agree_with_the_plain_walk() {
        let plan = crate::lang::check::check(crate::lang::files::shipped())
            .0
            .unwrap();
        let extra = other_shapes(&plan);
        let mut exprs = expressions(&plan);
        exprs.extend(&extra);
        let compiled: Vec<Expr> = exprs.iter().map(|e| compile(&plan, e)).collect();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut contexts = 0;
        for _ in 0..40 {
            let (incidents, crimes, updates) = records(&mut rng);
            let records = Records {
                incidents: &incidents,
                crimes: &crimes,
                updates: &updates,
            };
            let joins = Joins::held(records);
            let (_, groups) = claim_all(&joins, &incidents);
            let ev = Evaluator::new(&plan, [], &joins, Instant(0), Clock::default());
            let mut cxs: Vec<Ctx> = Vec::new();
            for (i, g) in incidents.iter().zip(&groups) {
                let crimes = joins.group(*g);
                cxs.push(Ctx {
                    incident: Some(i),
                    crimes,
                    ..Ctx::default()
                });
                for &c in crimes {
                    let crime = Ctx {
                        incident: Some(i),
                        crime: Some(joins.crimes[c as usize]),
                        ..Ctx::default()
                    };
                    cxs.push(crime);
                    for &u in joins.updates_of(c as usize) {
                        cxs.push(Ctx {
                            update: Some(&updates[u as usize]),
                            ..crime
                        });
                    }
                }
            }
            for c in &crimes {
                cxs.push(Ctx {
                    crime: Some(c),
                    ..Ctx::default()
                });
            }
            for u in &updates {
                cxs.push(Ctx {
                    update: Some(u),
                    ..Ctx::default()
                });
            }
            // A fact about a value of each table, with the record's marks.
            let facts: Vec<Ctx> = cxs
                .iter()
                .map(|cx| {
                    let (table, quality) = match (cx.update, cx.crime, cx.incident) {
                        (Some(u), ..) => (Table::Updates, u.quality),
                        (None, Some(c), _) => (Table::Crimes, c.quality),
                        (None, None, Some(i)) => (Table::Incidents, i.quality),
                        _ => unreachable!(),
                    };
                    let field = rng.below(table.fields().len());
                    Ctx {
                        fact: Some(ValueFact {
                            table,
                            field,
                            quality,
                        }),
                        ..*cx
                    }
                })
                .collect();
            cxs.extend(facts);
            for cx in &cxs {
                for (e, c) in exprs.iter().zip(&compiled) {
                    let want = walk(&ev, e, cx);
                    assert_eq!(ev.value(c, cx), want, "{e:?}");
                    assert_eq!(ev.test(c, cx), want == V::Bool(true), "{e:?}");
                }
                contexts += 1;
            }
        }
        assert!(contexts > 5000, "{contexts}");
        // The superinstructions are used (else this test proves little).
        for shape in ["FieldIs(", "FieldIsBool(", "FieldIn(", "FieldPresent("] {
            assert!(
                compiled.iter().any(|c| format!("{c:?}").contains(shape)),
                "{shape}"
            );
        }
    }
}
