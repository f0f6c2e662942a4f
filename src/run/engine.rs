//! Step four: evaluation. Joins crimes to incidents and updates to crimes,
//! runs every check of the plan over its subjects against the as-of time,
//! and produces findings and per-rule statistics. Knows no rule: all it
//! does is run the compiled plan (its expressions as `compiled` lays
//! them out).
//!
//! # How it works
//!
//! Step four, in rooms: `joins.rs`, `evaluator.rs`, `compiled.rs`,
//! `memo.rs` (what an evaluator remembers), `merge.rs`. `Joins` groups the
//! held crimes by incident id and the updates by crime (each group and each
//! crime's updates as ranges of one index array); an `Evaluator` judges one
//! incident with its group's crimes and their updates (and the value facts
//! of each record: timestamps, optional values), deciding met / late /
//! missing / pending / not applicable, and keeps its own findings and
//! counts; `merge` puts evaluators together. `evaluate` runs it over
//! records held in memory. A value check whose expressions read nothing but
//! the value's marks (`repeated_hour`, `skipped_hour`, `unreadable`) is
//! decided once for all values without marks (`decide_unmarked`): found by
//! looking at the compiled expressions, not at rule codes; such values are
//! then only counted (`clean_values`), their outcome tallied that many
//! times at the end. A check's window (`applies`, an edition's dates as
//! local midnights) is tested after its `where`, by the subject's report
//! time (outside: not applicable, counted as outside); a check that `needs`
//! a field no held record has (`Joins` ORs the held records' `filled` bits)
//! counts its subjects as not judged. Reference fields
//! (`records::REFERENCES`: `duplicate_of`) are resolved to crime indices
//! once, in `Joins::new`, through the crimes' id index, for the crimes that
//! have one (keyed by the referring crime's address): `duplicate_of.status`
//! costs one small look-up and no id index is kept. Expressions are
//! evaluated in a compiled form (`src/engine/compiled.rs`, built from the
//! plan's for each evaluator): definitions inlined, the common shapes
//! (`field is "X"`, `field in group`, `field is present`, a yes/no field)
//! one node each that reads the field in place, conditions evaluated to a
//! `bool`; a condition that several checks of a subject kind start their
//! `where` with is evaluated once per subject (`shared_guards`). Each
//! evaluator remembers whether each code it has tested is in each group (by
//! the shared code's address: codes are few, tests many) and each working-
//! day deadline by local date. Each evaluator keeps its findings by rule;
//! `merge` moves each finding once, to its rule's place in the result, and
//! sorts each rule's stretch there by the rest of the key with the stable
//! sort, which merges runs already in order in linear time (each evaluator
//! judges in file order, and exports are usually in id order), the rules
//! shared between two threads.

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

use crate::data::records::Records;
pub use evaluator::Evaluator;
pub use joins::{Claimed, Group, Joins};
pub use merge::{Partial, merge};

use crate::data::records::{Crime, Incident, Quality, Table, Update, Val};
use crate::data::time::{Clock, Instant, Span};
use crate::lang::plan::{CExpr, Plan};
use crate::run::findings::Outcome;
use joins::claim_all;

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
    List(&'a [crate::data::records::Code]),
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
