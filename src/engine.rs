//! Step four: evaluation. Joins crimes to incidents and updates to crimes,
//! runs every check of the plan over its subjects against the as-of time,
//! and produces findings and per-rule statistics. Knows no rule: all it
//! does is run the compiled plan (its expressions as `compiled` lays
//! them out).

//!
//! The rooms: `joins` (crimes grouped by incident, updates by crime),
//! `evaluator` (one thread's judging of subjects), `compiled` (expressions
//! as evaluated), `memo` (what an evaluator remembers to go faster),
//! `merge` (the threads' results put together, in the one order). Here:
//! the drivers over records held in memory.

mod compiled;
mod evaluator;
mod joins;
mod memo;
mod merge;

pub use evaluator::Evaluator;
pub use joins::{Claimed, Group, Joins};
pub use merge::{Partial, merge};

use crate::findings::Outcome;
use crate::plan::{CExpr, Plan};
use crate::records::{Crime, Incident, Quality, Table, Update, Val};
use crate::time::{Clock, Instant, Span};
use joins::claim_all;

/// The records of an export held in memory, each table in input order.
#[derive(Clone, Copy)]
pub struct Records<'a> {
    pub incidents: &'a [Incident],
    pub crimes: &'a [Crime],
    pub updates: &'a [Update],
}

/// A fact about one value, the subject of `for each timestamp` and
/// `for each optional value`.
#[derive(Clone, Copy, Debug)]
struct ValueFact {
    table: Table,
    field: usize,
    quality: Quality,
}

/// What an expression can see: the subject and the records it links to.
#[derive(Clone, Copy, Default)]
struct Ctx<'a> {
    incident: Option<&'a Incident>,
    crime: Option<&'a Crime>,
    update: Option<&'a Update>,
    /// The incident's linked crimes (indices into the crimes).
    crimes: &'a [u32],
    fact: Option<ValueFact>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum V<'a> {
    Empty,
    Bool(bool),
    Int(i64),
    Time(Instant),
    Span(Span),
    Str(&'a str),
    List(&'a [crate::records::Code]),
}

impl<'a> From<Val<'a>> for V<'a> {
    fn from(v: Val<'a>) -> Self {
        match v {
            Val::Empty => V::Empty,
            Val::Text(s) => V::Str(s),
            Val::Code(c) => V::Str(c),
            Val::Time(t) => V::Time(t),
            Val::Int(n) => V::Int(n),
            Val::Bool(b) => V::Bool(b),
            Val::List(l) => V::List(l),
        }
    }
}

/// Evaluates every rule of the plan over records held in memory, on as many
/// threads as the machine has cores.
pub fn evaluate(plan: &Plan, records: Records, as_of: Instant, clock: Clock) -> Outcome {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    evaluate_rules(plan, 0..plan.rules.len(), records, as_of, clock, threads)
}

/// [`evaluate`] on at most `threads` threads; the output is the same
/// whatever the number.
pub fn evaluate_on(
    plan: &Plan,
    records: Records,
    as_of: Instant,
    clock: Clock,
    threads: usize,
) -> Outcome {
    evaluate_rules(plan, 0..plan.rules.len(), records, as_of, clock, threads)
}

/// Evaluates one rule of the plan (by index) and no other: how a rule's
/// examples are run.
pub fn evaluate_rule(
    plan: &Plan,
    rule: usize,
    records: Records,
    as_of: Instant,
    clock: Clock,
) -> Outcome {
    evaluate_rules(plan, rule..rule + 1, records, as_of, clock, 1)
}

/// For each condition, the incidents it holds for (indices, in input
/// order), evaluated exactly as a rule's `where` over `for each incident`:
/// how an audit plan's strata are filled. Each condition must be one the
/// checker compiled for incidents, in `plan`.
pub fn incidents_where(
    plan: &Plan,
    records: Records,
    conditions: &[&CExpr],
    clock: Clock,
) -> Vec<Vec<usize>> {
    let joins = Joins::held(records);
    // Conditions never look at the as-of time; only requirements do.
    let evaluator = Evaluator::new(plan, [], &joins, Instant(i64::MAX), clock);
    evaluator.strata(records.incidents, conditions)
}

/// The incidents are shared out among threads in contiguous runs; the
/// results are merged and sorted, so the output is the same whatever the
/// number of threads.
fn evaluate_rules(
    plan: &Plan,
    rules: std::ops::Range<usize>,
    records: Records,
    as_of: Instant,
    clock: Clock,
    threads: usize,
) -> Outcome {
    let joins = Joins::held(records);
    let (claimed, groups) = claim_all(&joins, records.incidents);
    let threads = threads.max(1);
    let per_thread = records.incidents.len().div_ceil(threads).max(1);
    let run = |start: usize| {
        let mut ev = Evaluator::new(plan, rules.clone(), &joins, as_of, clock);
        let end = (start + per_thread).min(records.incidents.len());
        for (n, (incident, group)) in records.incidents[start..end]
            .iter()
            .zip(&groups[start..end])
            .enumerate()
        {
            ev.incident(start + n, incident, *group);
        }
        ev
    };
    let starts: Vec<usize> = (0..records.incidents.len()).step_by(per_thread).collect();
    let mut evaluators: Vec<Evaluator> = if threads == 1 || starts.len() < 2 {
        starts.into_iter().map(run).collect()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = starts
                .into_iter()
                .map(|s| {
                    let run = &run;
                    scope.spawn(move || run(s))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("evaluation threads do not panic"))
                .collect()
        })
    };
    if evaluators.is_empty() {
        evaluators.push(Evaluator::new(plan, rules.clone(), &joins, as_of, clock));
    }
    evaluators[0].unlinked(&claimed, 0, 1);
    merge(
        evaluators.into_iter().map(Evaluator::finish).collect(),
        threads,
    )
}
