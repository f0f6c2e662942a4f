//! Step four: evaluation. Joins crimes to incidents and updates to crimes,
//! runs every check of the plan over its subjects against the as-of time,
//! and produces findings and per-rule statistics. Knows no rule: all it
//! does is run the compiled plan (its expressions as `compiled` lays
//! them out).

mod compiled;

use crate::coverage::CodeTally;
use crate::findings::{Finding, Order, Outcome, RuleStats};
use crate::ingest::Ids;
use crate::plan::{CExpr, Check, Plan, Pseudo, Requirement, Severity};
use crate::records::{Crime, Incident, Quality, Record, Shared, Table, Update, Val, event_name};
use crate::syntax::ast::Subject;
use crate::time::{Clock, Deadline, Instant, Span, deadline, working_days_after};
use chrono::NaiveDate;
use compiled::{Compiled, Expr, GroupMemo, Required};
use rustc_hash::FxHashMap;
use std::cell::{Cell, RefCell};

/// Past this many dates remembered (a run over centuries of dates), a
/// working-day deadline is worked out every time.
const MEMO_DAYS: usize = 1 << 16;

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

const NONE: u32 = u32::MAX;

/// The crimes and updates of an export, held for the joins, with the joins
/// resolved once to indices so evaluation never hashes an id.
///
/// Incidents are not held: they stream past, and each finds its group of
/// crimes by its id among [`Joins::group_ids`] (in the reader's duplicate
/// check, seeded with them; held incidents through an [`Ids`]). Crimes
/// with the same `incident_id` form a group; the incident that claims the
/// group is the crimes' incident.
pub struct Joins<'a> {
    /// In input order. References, so that crimes read on several threads
    /// are joined where they lie, not copied into one vector.
    crimes: Vec<&'a Crime>,
    updates: &'a [Update],
    /// Group `g`'s first crime, whose incident id is the group's.
    first_crime: Vec<u32>,
    /// Group `g`'s crimes are `group_crimes[group_starts[g]..group_starts[g + 1]]`,
    /// in input order.
    group_starts: Vec<u32>,
    group_crimes: Vec<u32>,
    /// Each crime's group; `NONE` when it names no incident.
    group_of_crime: Vec<u32>,
    /// Each update's crime (the first crime with its id); `NONE` when the
    /// export has no such crime.
    crime_of_update: Vec<u32>,
    /// Crime `c`'s updates are `crime_updates[update_starts[c]..update_starts[c + 1]]`.
    update_starts: Vec<u32>,
    crime_updates: Vec<u32>,
    /// The crime a reference field of a crime names (`duplicate_of`), by
    /// the field and the referring crime's address (crimes stay where they
    /// are while they are judged): only crimes whose reference is found.
    referenced: FxHashMap<(usize, usize), u32>,
    /// By table: the fields some record of the export holds a value for,
    /// as bits by field index (see [`Record::filled`]). Incidents stream
    /// past, so all of theirs count as held.
    filled: [u32; 3],
}

/// A group of crimes by incident id, see [`Joins`].
pub type Group = u32;

impl<'a> Joins<'a> {
    /// `crimes` in input order; `crime_ids` numbers them by their index
    /// (first of equal ids). `number` numbers incident ids, from 0 in the
    /// order first given (equal ids keep the first's number; `None` if it
    /// cannot): each group's number is its incident id's. The streamed run
    /// numbers them in the incidents' duplicate check, seeding it as the
    /// crimes are grouped (see `TableReader::seed_with`).
    ///
    /// The updates are joined to their crimes on another thread meanwhile.
    pub fn new(
        crimes: Vec<&'a Crime>,
        updates: &'a [Update],
        crime_ids: &Ids,
        number: &mut dyn FnMut(&str) -> Option<u32>,
    ) -> Joins<'a> {
        let crime_count = crimes.len();
        let ((first_crime, group_of_crime), (crime_of_update, (update_starts, crime_updates))) =
            std::thread::scope(|scope| {
                let updates = scope.spawn(|| {
                    let crime_of_update = updates_to_crimes(crime_ids, updates);
                    let by_crime = buckets(&crime_of_update, crime_count);
                    (crime_of_update, by_crime)
                });
                let groups = group_crimes(&crimes, number);
                let updates = updates
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (groups, updates)
            });
        let (group_starts, group_crimes) = buckets(&group_of_crime, first_crime.len());
        let referenced = references(&crimes, crime_ids);
        let filled = [
            u32::MAX,
            crimes.iter().fold(0, |b, c| b | c.filled()),
            updates.iter().fold(0, |b, u| b | u.filled()),
        ];
        Joins {
            referenced,
            filled,
            crimes,
            updates,
            first_crime,
            group_starts,
            group_crimes,
            group_of_crime,
            crime_of_update,
            update_starts,
            crime_updates,
        }
    }

    /// The joins of crimes and updates held in memory (audit strata, rule
    /// examples): the crimes' index by id and the groups' numbers are
    /// built here.
    pub fn held(records: Records<'a>) -> Joins<'a> {
        let crime_ids = Ids::of(records.crimes.iter().map(|c| c.crime_id.as_str()));
        let mut groups = Ids::default();
        Joins::new(
            records.crimes.iter().collect(),
            records.updates,
            &crime_ids,
            &mut |id| groups.number(id),
        )
    }

    /// The incident id of each group, in group order.
    pub fn group_ids(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.first_crime.len() as u32).map(|g| group_id(&self.crimes, &self.first_crime, g))
    }

    pub fn groups(&self) -> usize {
        self.group_starts.len() - 1
    }

    fn group(&self, g: Option<Group>) -> &[u32] {
        match g {
            Some(g) => {
                let g = g as usize;
                &self.group_crimes[self.group_starts[g] as usize..self.group_starts[g + 1] as usize]
            }
            None => &[],
        }
    }

    /// The crime that `crime`'s reference field `field` names, if the
    /// export has it.
    fn referenced(&self, field: usize, crime: &Crime) -> Option<&'a Crime> {
        let at = self
            .referenced
            .get(&(field, std::ptr::from_ref(crime) as usize))?;
        Some(self.crimes[*at as usize])
    }

    /// Whether some record of the export holds a value for the field.
    pub fn holds(&self, table: Table, field: usize) -> bool {
        self.filled[table as usize] & (1 << field) != 0
    }

    fn updates_of(&self, crime: usize) -> &[u32] {
        &self.crime_updates
            [self.update_starts[crime] as usize..self.update_starts[crime + 1] as usize]
    }
}

/// Groups crimes by incident id, numbered by `number` (see
/// [`Joins::new`]): each group's first crime, and each crime's group
/// (`NONE` when it names no incident).
fn group_crimes(
    crimes: &[&Crime],
    number: &mut dyn FnMut(&str) -> Option<u32>,
) -> (Vec<u32>, Vec<u32>) {
    let mut first_crime: Vec<u32> = Vec::new();
    let group_of_crime: Vec<u32> = crimes
        .iter()
        .enumerate()
        .map(|(c, crime)| {
            let Some(g) = crime.incident_id.as_deref().and_then(&mut *number) else {
                return NONE;
            };
            // Numbers are given in order: a new one is the next group.
            if g as usize == first_crime.len() {
                first_crime.push(c as u32);
            }
            g
        })
        .collect();
    (first_crime, group_of_crime)
}

/// The incident id of group `g`: its first crime's.
fn group_id<'c>(crimes: &[&'c Crime], first_crime: &[u32], g: u32) -> &'c str {
    crimes[first_crime[g as usize] as usize]
        .incident_id
        .as_deref()
        .unwrap_or_default()
}

/// For each reference field of crimes (`records::REFERENCES`) and each
/// crime whose reference names a crime of the export: that crime (the
/// first with the id), by the field and the referring crime's address.
fn references(crimes: &[&Crime], crime_ids: &Ids) -> FxHashMap<(usize, usize), u32> {
    let mut out = FxHashMap::default();
    let fields = (0..Table::Crimes.fields().len())
        .filter(|&f| crate::records::refers_to(Table::Crimes, f) == Some(Table::Crimes));
    for field in fields {
        for crime in crimes {
            if let Val::Text(id) = crime.get(field)
                && let Some(at) = crime_ids.find(id)
            {
                out.insert((field, std::ptr::from_ref(*crime) as usize), at);
            }
        }
    }
    out
}

/// Each update's crime: the first crime with its id, `NONE` if none.
fn updates_to_crimes(crime_ids: &Ids, updates: &[Update]) -> Vec<u32> {
    updates
        .iter()
        .map(|u| crime_ids.find(&u.crime_id).unwrap_or(NONE))
        .collect()
}

/// A counting sort of items by their owner (`NONE`: no owner), keeping
/// input order within each: owner `o`'s items are
/// `items[starts[o]..starts[o + 1]]`.
fn buckets(owner_of: &[u32], owners: usize) -> (Vec<u32>, Vec<u32>) {
    let mut starts = vec![0u32; owners + 1];
    for &o in owner_of.iter().filter(|&&o| o != NONE) {
        starts[o as usize + 1] += 1;
    }
    for n in 1..starts.len() {
        starts[n] += starts[n - 1];
    }
    let mut next = starts.clone();
    let mut items = vec![0u32; starts[owners] as usize];
    for (item, &o) in owner_of.iter().enumerate() {
        if o != NONE {
            items[next[o as usize] as usize] = item as u32;
            next[o as usize] += 1;
        }
    }
    (starts, items)
}

/// Which groups an incident has claimed: after the incidents, the crimes
/// of unclaimed groups are judged without an incident.
pub struct Claimed(Vec<bool>);

impl Claimed {
    pub fn new(joins: &Joins) -> Claimed {
        Claimed(vec![false; joins.groups()])
    }

    /// Claims a group found beforehand; false if it was claimed already.
    pub fn claim_group(&mut self, g: Group) -> bool {
        !std::mem::replace(&mut self.0[g as usize], true)
    }
}

/// Incidents held in memory claim their groups in order: only the first
/// incident with an id has its crimes (the export reader rejects later ones
/// as duplicates; the records of a rule's examples may repeat an id).
fn claim_all(joins: &Joins, incidents: &[Incident]) -> (Claimed, Vec<Option<Group>>) {
    let mut claimed = Claimed::new(joins);
    // Group ids are distinct: each keeps its group's number.
    let groups_by_id = Ids::of(joins.group_ids());
    let groups = incidents
        .iter()
        .map(|i| {
            groups_by_id
                .find(&i.incident_id)
                .filter(|&g| claimed.claim_group(g))
        })
        .collect();
    (claimed, groups)
}

/// Evaluates the rules of a plan subject by subject, accumulating findings
/// and statistics. Each thread has its own; [`merge`] puts them together.
pub struct Evaluator<'a> {
    plan: &'a Plan,
    joins: &'a Joins<'a>,
    as_of: Instant,
    clock: Clock,
    /// The checks of the rules evaluated, by subject kind (see [`slot`]),
    /// each with its position in `stats`, in plan order.
    checks: [Vec<CheckRef<'a>>; 5],
    stats: Vec<RuleStats>,
    /// Each rule's code and message, shared by its findings.
    names: Vec<(Shared, Shared)>,
    /// Every kind of finding the checks can report, shared by their
    /// findings.
    kinds: Vec<Shared>,
    /// Each rule's findings, by its place in `stats`.
    findings: Vec<Vec<Finding>>,
    /// Working-day deadlines counted through years the calendar lacks.
    outside_calendar: Cell<u64>,
    /// Values without marks, by value slot (timestamps, optional values):
    /// the checks decided for them once are tallied this many times at
    /// the end, not value by value.
    clean_values: [u64; 2],
    /// Whether a value slot has a check that must see each clean value.
    undecided: [bool; 2],
    /// Each table's [`value_fields`].
    value_fields: [[u32; 2]; 3],
    /// Working-day deadlines by local date and number of days (see
    /// [`Evaluator::add`]): dates are few, deadlines many.
    working_days: RefCell<FxHashMap<(NaiveDate, u32), Option<Deadline>>>,
    /// Whether each code seen is in each group.
    groups: GroupMemo,
    /// By subject kind: the conditions several checks start with, each
    /// evaluated once per subject (see [`compiled::shared_guards`]).
    guards: [Vec<Expr>; 5],
    /// Scratch for [`Evaluator::checks_on`]: each guard's value for the
    /// subject at hand, once known.
    guards_known: Vec<Option<bool>>,
    /// How often each code of the export was read (see [`crate::coverage`]).
    codes: CodeTally,
}

fn slot(subject: Subject) -> usize {
    match subject {
        Subject::Incident => 0,
        Subject::Crime => 1,
        Subject::Update => 2,
        Subject::Timestamp => 3,
        Subject::OptionalValue => 4,
    }
}

/// A check of the plan as an evaluator runs it.
struct CheckRef<'a> {
    /// Its rule's place in the evaluator's `stats`.
    stats: usize,
    /// Its place in its rule.
    n: usize,
    check: &'a Check,
    /// Its expressions as evaluated.
    code: Compiled,
    /// A condition its `where` starts with and other checks of its
    /// subject kind start with too (see [`compiled::shared_guards`]); its
    /// place in the evaluator's `guards` for the kind. `code.filters` then
    /// holds the rest of the `where`.
    guard: Option<usize>,
    /// For a value check that reads nothing but the value's marks: its
    /// outcome for a value with none (see [`Evaluator::decide_unmarked`]).
    unmarked: Option<Decided>,
    /// Its window (`applies`): from, until (the local midnights of the
    /// dates; `None`: open) and the subject's report time.
    window: Option<(Option<Instant>, Option<Instant>, Expr)>,
    /// A field it `needs` that no record of the export holds: its subjects
    /// are counted as not judged.
    unjudged: bool,
}

/// An outcome that needs nothing of the subject but a count.
#[derive(Clone, Copy)]
enum Decided {
    Skipped,
    Exempt,
    NotApplicable,
    Met,
    Pending,
}

/// Whether every expression of a check reads only a value's marks (and
/// constants): then all values without marks fare alike.
fn reads_only_marks(plan: &Plan, check: &Check) -> bool {
    let only = |e: &CExpr| marks_only(plan, e);
    let requirement = match &check.requirement {
        Requirement::Holds { cond, grace } => {
            only(cond) && grace.as_ref().is_none_or(|(a, b)| only(a) && only(b))
        }
        Requirement::Deadline {
            done,
            within,
            anchor,
        } => only(done) && only(within) && only(anchor),
    };
    requirement
        && check.filters.iter().all(only)
        && check.exemptions.iter().all(only)
        && check.severity.arms.iter().all(|(_, c)| only(c))
}

fn marks_only(plan: &Plan, e: &CExpr) -> bool {
    let only = |e: &CExpr| marks_only(plan, e);
    match e {
        CExpr::Pseudo(p) => matches!(
            p,
            Pseudo::RepeatedHour | Pseudo::SkippedHour | Pseudo::Unreadable
        ),
        CExpr::Define(n) => only(&plan.defines[*n]),
        CExpr::Field(..) | CExpr::Linked(_) | CExpr::Referenced(..) | CExpr::Aggregate(..) => false,
        _ => e.children().into_iter().all(only),
    }
}

/// A finding's place in the input: table, record, field, check, in 12
/// bytes (a run may keep hundreds of thousands of findings). Past four
/// billion records in one table the record numbers would saturate, so
/// findings there could tie and their order could vary between runs; the
/// joins' `u32` indices bound the export to that size anyway.
fn order_of(at: (Table, usize, usize), check: usize) -> Order {
    let small = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    (
        at.0,
        u32::try_from(at.1).unwrap_or(u32::MAX),
        small(at.2),
        small(check),
    )
}

/// What one evaluator produced, before merging.
pub struct Partial {
    stats: Vec<RuleStats>,
    /// Each rule's findings (by its place in `stats`), in the order its
    /// subjects were judged.
    findings: Vec<Vec<Finding>>,
    outside_calendar: u64,
    codes: CodeTally,
}

/// Puts the partial results of several evaluators (over the same rules)
/// together. Findings are sorted (SPEC §4), so the result is the same
/// however the subjects were shared out.
///
/// The rule comes first in the sort key, and each evaluator keeps its
/// findings by rule, so only each rule's findings are sorted, by the rest
/// of the key. An evaluator judges its subjects in file order; when the
/// export is in id order (as exports usually are), each part's findings
/// of a rule are runs already in order, which the (adaptive) sort merges
/// in linear time. Rules are sorted on up to `threads` threads (two at
/// most).
pub fn merge(parts: Vec<Partial>, threads: usize) -> Outcome {
    let mut stats: Option<Vec<RuleStats>> = None;
    let mut found: Vec<Vec<Vec<Finding>>> = Vec::with_capacity(parts.len());
    let mut outside_calendar = 0;
    let mut tallies = Vec::with_capacity(parts.len());
    for part in parts {
        match &mut stats {
            None => stats = Some(part.stats),
            Some(stats) => {
                for (total, s) in stats.iter_mut().zip(&part.stats) {
                    total.absorb(s);
                }
            }
        }
        found.push(part.findings);
        outside_calendar += part.outside_calendar;
        tallies.push(part.codes);
    }
    // Rules in code order, with their places in the parts.
    let mut rules: Vec<(RuleStats, usize)> =
        stats.unwrap_or_default().into_iter().zip(0..).collect();
    rules.sort_by(|a, b| a.0.rule.cmp(&b.0.rule));
    // Each finding is moved once, to its rule's place in the result (each
    // part's are freed as soon as they are moved), and sorted there.
    let total = found.iter().flatten().map(Vec::len).sum();
    let mut findings = Vec::with_capacity(total);
    let mut ends = Vec::with_capacity(rules.len());
    let mut stats = Vec::with_capacity(rules.len());
    for (s, rule) in rules {
        for part in &mut found {
            findings.extend(std::mem::take(&mut part[rule]));
        }
        ends.push(findings.len());
        stats.push(s);
    }
    sort_by_rule(&mut findings, &ends, threads);
    Outcome {
        findings,
        stats,
        outside_calendar,
        codes: CodeTally::into_counts(tallies),
    }
}

/// Sorts each rule's findings (`findings[..ends[0]]`, then up to
/// `ends[1]`, …) by the key after the rule. With two threads or more and
/// enough findings, the rules are shared between two threads in two runs
/// of about equal numbers of findings.
fn sort_by_rule(findings: &mut [Finding], ends: &[usize], threads: usize) {
    let mut rules: Vec<&mut [Finding]> = Vec::with_capacity(ends.len());
    let (mut rest, mut at) = (findings, 0);
    for &end in ends {
        let (rule, after) = std::mem::take(&mut rest).split_at_mut(end - at);
        rules.push(rule);
        (rest, at) = (after, end);
    }
    let sort = |rules: &mut [&mut [Finding]]| {
        for found in rules {
            // Stable, and so adaptive to runs; the key is unique (a check
            // judges a subject once), so any sort gives this order.
            found.sort_by(|a, b| a.key_in_rule().cmp(&b.key_in_rule()));
        }
    };
    let total = at;
    if threads < 2 || total < PARALLEL_SORT {
        sort(&mut rules);
        return;
    }
    // The first rules, up to about half the findings, on another thread.
    let split = ends
        .iter()
        .position(|&end| end * 2 >= total)
        .map_or(rules.len(), |last| last + 1);
    let (first, second) = rules.split_at_mut(split);
    std::thread::scope(|scope| {
        scope.spawn(|| sort(first));
        sort(second);
    });
}

/// Fewer findings than this are sorted on one thread.
const PARALLEL_SORT: usize = 1 << 14;

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

/// How one subject fared against one check.
enum Verdict<'a> {
    Met,
    Pending,
    NotApplicable,
    Finding {
        kind: &'a str,
        due: Option<Instant>,
        at: Option<Instant>,
    },
}

impl<'a> Evaluator<'a> {
    /// An evaluator of the plan's rules at `rules` (indices into
    /// `plan.rules`).
    pub fn new(
        plan: &'a Plan,
        rules: impl IntoIterator<Item = usize>,
        joins: &'a Joins<'a>,
        as_of: Instant,
        clock: Clock,
    ) -> Evaluator<'a> {
        let mut checks: [Vec<CheckRef<'a>>; 5] = Default::default();
        let mut stats = Vec::new();
        let mut names = Vec::new();
        let mut kinds = Vec::new();
        for r in rules {
            let rule = &plan.rules[r];
            for (n, check) in rule.checks.iter().enumerate() {
                for kind in check.reports() {
                    if !kinds.iter().any(|k: &Shared| **k == *kind) {
                        kinds.push(Shared::new(kind));
                    }
                }
                let midnight = |d: Option<NaiveDate>| {
                    d.map(|d| {
                        clock
                            .from_local(d.and_time(chrono::NaiveTime::MIN))
                            .map_or(Instant(i64::MIN), |(t, _)| t)
                    })
                };
                let window = check.window.as_ref().map(|w| {
                    (
                        midnight(w.from),
                        midnight(w.until),
                        compiled::compile(plan, &w.time),
                    )
                });
                let unjudged = check.needs.iter().any(|&(t, f)| !joins.holds(t, f));
                checks[slot(check.subject)].push(CheckRef {
                    stats: stats.len(),
                    n,
                    check,
                    code: Compiled::new(plan, check),
                    guard: None,
                    unmarked: None,
                    window,
                    unjudged,
                });
            }
            let mut st = RuleStats::new(rule);
            for &(t, f) in rule.checks.iter().flat_map(|c| &c.needs) {
                let name = t.fields()[f].name;
                if !joins.holds(t, f) && !st.missing.iter().any(|m| m == name) {
                    st.missing.push(name.to_string());
                }
            }
            stats.push(st);
            names.push((Shared::new(&rule.code), Shared::new(rule.message())));
        }
        let findings = stats.iter().map(|_| Vec::new()).collect();
        let guards = checks.each_mut().map(|c| compiled::shared_guards(c));
        let mut evaluator = Evaluator {
            plan,
            joins,
            as_of,
            clock,
            checks,
            stats,
            names,
            kinds,
            findings,
            outside_calendar: Cell::new(0),
            clean_values: [0; 2],
            undecided: [false; 2],
            value_fields: Table::ALL.map(value_fields),
            working_days: RefCell::default(),
            groups: GroupMemo::new(plan.groups.len()),
            guards,
            guards_known: Vec::new(),
            codes: CodeTally::new(),
        };
        evaluator.decide_unmarked();
        for (v, slot) in [3, 4].into_iter().enumerate() {
            evaluator.undecided[v] = evaluator.checks[slot].iter().any(|c| c.unmarked.is_none());
        }
        evaluator
    }

    /// Judges one incident (`n`: its place among the incidents read), its
    /// group's crimes and their updates.
    pub fn incident(&mut self, n: usize, incident: &Incident, group: Option<Group>) {
        let joins = self.joins;
        let crimes = joins.group(group);
        let cx = Ctx {
            incident: Some(incident),
            crimes,
            ..Ctx::default()
        };
        self.codes.record(incident);
        self.subject(0, &cx, (Table::Incidents, n, 0));
        self.values(incident, &cx, n);
        for &c in crimes {
            self.crime(c as usize, Some(incident));
        }
    }

    /// After the incidents: the crimes whose incident is not in the export
    /// (or who name none) and their updates, then the updates whose crime
    /// is not in the export; share `share` of `shares` (each a stretch of
    /// the crimes and one of the updates), so that several evaluators can
    /// share the work.
    pub fn unlinked(&mut self, claimed: &Claimed, share: usize, shares: usize) {
        let joins = self.joins;
        let stretch = |len: usize| {
            let per = len.div_ceil(shares.max(1));
            (share * per).min(len)..((share + 1) * per).min(len)
        };
        let crimes = stretch(joins.group_of_crime.len());
        for (c, &g) in joins.group_of_crime[crimes.clone()].iter().enumerate() {
            if g == NONE || !claimed.0[g as usize] {
                self.crime(crimes.start + c, None);
            }
        }
        let updates = stretch(joins.crime_of_update.len());
        for (u, &c) in joins.crime_of_update[updates.clone()].iter().enumerate() {
            if c == NONE {
                let cx = Ctx::default();
                self.update(updates.start + u, cx);
            }
        }
    }

    pub fn finish(mut self) -> Partial {
        for (v, slot) in [3, 4].into_iter().enumerate() {
            let checks = std::mem::take(&mut self.checks[slot]);
            for c in &checks {
                if let Some(decided) = c.unmarked {
                    self.tally(c.stats, decided, self.clean_values[v]);
                }
            }
        }
        Partial {
            stats: self.stats,
            findings: self.findings,
            outside_calendar: self.outside_calendar.get(),
            codes: self.codes,
        }
    }

    fn crime(&mut self, c: usize, incident: Option<&Incident>) {
        let joins = self.joins;
        let crime = joins.crimes[c];
        let cx = Ctx {
            incident,
            crime: Some(crime),
            ..Ctx::default()
        };
        self.codes.record(crime);
        self.subject(1, &cx, (Table::Crimes, c, 0));
        self.values(crime, &cx, c);
        for &u in joins.updates_of(c) {
            self.update(u as usize, cx);
        }
    }

    fn update(&mut self, u: usize, crime: Ctx) {
        let update = &self.joins.updates[u];
        let cx = Ctx {
            update: Some(update),
            ..crime
        };
        self.subject(2, &cx, (Table::Updates, u, 0));
        self.values(update, &cx, u);
    }

    /// The value checks over a record's timestamps and optional values.
    /// A value without marks is only counted for the checks decided once
    /// (see [`Evaluator::decide_unmarked`]); the others see it.
    fn values<R: Record>(&mut self, r: &R, cx: &Ctx, n: usize) {
        if self.checks[3].is_empty() && self.checks[4].is_empty() {
            return;
        }
        let q = *r.quality();
        let marked = q.repeated | q.skipped | q.invalid;
        let subjects = value_subjects(r, self.value_fields[R::TABLE as usize]);
        for (v, slot) in [3, 4].into_iter().enumerate() {
            if self.checks[slot].is_empty() {
                continue;
            }
            let fields = subjects[v];
            self.clean_values[v] += u64::from((fields & !marked).count_ones());
            let seen = if self.undecided[v] {
                fields
            } else {
                fields & marked
            };
            for f in bits(seen) {
                let cx = with_fact(*cx, r, f);
                self.checks_on(slot, &cx, (R::TABLE, n, f), marked & (1 << f) == 0);
            }
        }
    }

    /// Runs every check of one subject kind over one subject.
    fn subject(&mut self, slot: usize, cx: &Ctx, order: (Table, usize, usize)) {
        self.checks_on(slot, cx, order, false);
    }

    /// `unmarked`: the subject is a value with no marks, so a check that
    /// reads nothing but marks has its outcome already (and it is counted
    /// in `clean_values`).
    fn checks_on(&mut self, slot: usize, cx: &Ctx, order: (Table, usize, usize), unmarked: bool) {
        let checks = std::mem::take(&mut self.checks[slot]);
        let mut known = std::mem::take(&mut self.guards_known);
        known.clear();
        known.resize(self.guards[slot].len(), None);
        for c in &checks {
            if unmarked && c.unmarked.is_some() {
                continue;
            }
            if let Some(g) = c.guard {
                let holds = *known[g].get_or_insert_with(|| self.test(&self.guards[slot][g], cx));
                if !holds {
                    continue;
                }
            }
            self.one(c, cx, order_of(order, c.n));
        }
        self.guards_known = known;
        self.checks[slot] = checks;
    }

    /// Counts `times` subjects with the same outcome.
    fn tally(&mut self, rule: usize, decided: Decided, times: u64) {
        let st = &mut self.stats[rule];
        match decided {
            Decided::Skipped => {}
            Decided::Exempt => st.exempt += times,
            Decided::NotApplicable => st.not_applicable += times,
            Decided::Met => st.checked += times,
            Decided::Pending => {
                st.checked += times;
                st.pending += times;
            }
        }
    }

    /// Decides, once, the value checks that read nothing but a value's
    /// marks (repeated or skipped hour, unreadable) for values with none:
    /// every such value gets the same outcome, unless it is a finding.
    fn decide_unmarked(&mut self) {
        let clean = Ctx {
            fact: Some(ValueFact {
                table: Table::Incidents,
                field: 0,
                quality: Quality::default(),
            }),
            ..Ctx::default()
        };
        for slot in [3, 4] {
            let mut checks = std::mem::take(&mut self.checks[slot]);
            for c in &mut checks {
                if !reads_only_marks(self.plan, c.check) {
                    continue;
                }
                let guard = c
                    .guard
                    .is_none_or(|g| self.test(&self.guards[slot][g], &clean));
                c.unmarked = if !guard || !c.code.filters.iter().all(|f| self.test(f, &clean)) {
                    Some(Decided::Skipped)
                } else if c.code.exemptions.iter().any(|f| self.test(f, &clean)) {
                    Some(Decided::Exempt)
                } else {
                    match self.verdict(c, &clean) {
                        Verdict::Met => Some(Decided::Met),
                        Verdict::Pending => Some(Decided::Pending),
                        Verdict::NotApplicable => Some(Decided::NotApplicable),
                        Verdict::Finding { .. } => None,
                    }
                };
            }
            self.checks[slot] = checks;
        }
    }

    fn one(&mut self, c: &CheckRef, cx: &Ctx, order: Order) {
        let rule = c.stats;
        if !c.code.filters.iter().all(|f| self.test(f, cx)) {
            return;
        }
        if let Some((from, until, time)) = &c.window {
            let inside = match self.value(time, cx) {
                V::Time(t) => from.is_none_or(|f| t >= f) && until.is_none_or(|u| t < u),
                _ => false,
            };
            if !inside {
                let st = &mut self.stats[rule];
                st.not_applicable += 1;
                st.outside_window += 1;
                return;
            }
        }
        if c.code.exemptions.iter().any(|f| self.test(f, cx)) {
            self.stats[rule].exempt += 1;
            return;
        }
        if c.unjudged {
            self.stats[rule].not_judged += 1;
            return;
        }
        let verdict = self.verdict(c, cx);
        let st = &mut self.stats[rule];
        match verdict {
            Verdict::NotApplicable => st.not_applicable += 1,
            Verdict::Met => st.checked += 1,
            Verdict::Pending => {
                st.checked += 1;
                st.pending += 1;
            }
            Verdict::Finding { kind, due, at } => {
                st.checked += 1;
                st.add_finding(kind);
                let severity = c
                    .code
                    .arms
                    .iter()
                    .find(|(_, e)| self.test(e, cx))
                    .map_or(c.check.severity.otherwise, |(s, _)| *s);
                let finding = self.finding(rule, kind, severity, cx, due, at, order);
                self.findings[rule].push(finding);
            }
        }
    }

    /// For each condition, the incidents it holds for (indices, in input
    /// order), evaluated exactly as a rule's `where` over `for each
    /// incident`: how an audit plan's strata are filled.
    fn strata(&self, incidents: &[Incident], conditions: &[&CExpr]) -> Vec<Vec<usize>> {
        let (_, contexts) = claim_all(self.joins, incidents);
        conditions
            .iter()
            .map(|c| {
                let c = compiled::compile(self.plan, c);
                incidents
                    .iter()
                    .zip(&contexts)
                    .enumerate()
                    .filter(|(_, (i, g))| {
                        let cx = Ctx {
                            incident: Some(i),
                            crimes: self.joins.group(**g),
                            ..Ctx::default()
                        };
                        self.test(&c, &cx)
                    })
                    .map(|(n, _)| n)
                    .collect()
            })
            .collect()
    }
    fn verdict<'c>(&self, c: &'c CheckRef, cx: &Ctx) -> Verdict<'c> {
        let check = c.check;
        match &c.code.requirement {
            Required::Holds { cond, grace } => {
                if self.test(cond, cx) {
                    return Verdict::Met;
                }
                let Some((span, anchor)) = grace else {
                    return Verdict::Finding {
                        kind: &check.kind,
                        due: None,
                        at: None,
                    };
                };
                let Some(due) = self.deadline(span, anchor, cx) else {
                    return Verdict::NotApplicable;
                };
                if self.as_of > due {
                    Verdict::Finding {
                        kind: &check.kind,
                        due: Some(due),
                        at: None,
                    }
                } else {
                    Verdict::Pending
                }
            }
            Required::Deadline {
                done,
                within,
                anchor,
            } => {
                let Some(due) = self.deadline(within, anchor, cx) else {
                    return Verdict::NotApplicable;
                };
                match self.value(done, cx) {
                    V::Time(t) if t <= due => Verdict::Met,
                    V::Time(t) => Verdict::Finding {
                        kind: "late",
                        due: Some(due),
                        at: Some(t),
                    },
                    _ if self.as_of > due => Verdict::Finding {
                        kind: "missing",
                        due: Some(due),
                        at: None,
                    },
                    _ => Verdict::Pending,
                }
            }
        }
    }

    fn deadline<'b>(&'b self, span: &'b Expr, anchor: &'b Expr, cx: &Ctx<'b>) -> Option<Instant> {
        let (V::Time(t), V::Span(s)) = (self.value(anchor, cx), self.value(span, cx)) else {
            return None;
        };
        self.add(t, s)
    }

    /// The one place a span is added to a time (through the one deadline
    /// calculator), counting how often the calendar ran out. Working-day
    /// deadlines are remembered by local date.
    fn add(&self, t: Instant, s: Span) -> Option<Instant> {
        let d = match s {
            Span::WorkingDays(n) => {
                let day = self.clock.local_date(t)?;
                let mut memo = self.working_days.borrow_mut();
                match memo.get(&(day, n)) {
                    Some(&d) => d,
                    None => {
                        let d = working_days_after(day, n, &self.clock, &self.plan.calendar);
                        if memo.len() < MEMO_DAYS {
                            memo.insert((day, n), d);
                        }
                        d
                    }
                }
            }
            Span::Micros(_) => deadline(t, s, &self.clock, &self.plan.calendar),
        }?;
        if d.outside_calendar {
            self.outside_calendar.set(self.outside_calendar.get() + 1);
        }
        Some(d.at)
    }

    #[allow(clippy::too_many_arguments)]
    fn finding(
        &self,
        rule: usize,
        kind: &str,
        severity: Severity,
        cx: &Ctx,
        due: Option<Instant>,
        at: Option<Instant>,
        order: Order,
    ) -> Finding {
        let (incident_id, crime_id) = match (cx.update, cx.crime, cx.incident) {
            (Some(u), crime, _) => (
                crime.and_then(|c| c.incident_id.clone()),
                Some(u.crime_id.clone()),
            ),
            (None, Some(c), _) => (c.incident_id.clone(), Some(c.crime_id.clone())),
            (None, None, Some(i)) => (Some(i.incident_id.clone()), None),
            (None, None, None) => (None, None),
        };
        Finding {
            rule: self.names[rule].0.clone(),
            kind: self.kind(kind),
            severity,
            incident_id,
            crime_id,
            event: cx.update.and_then(|u| event_name(&u.event)),
            event_at: cx.update.map(|u| u.event_at).into(),
            field: cx.fact.map(|f| &f.table.fields()[f.field].name),
            due: due.into(),
            at: at.into(),
            message: self.names[rule].1.clone(),
            status: None,
            order,
        }
    }

    fn kind(&self, kind: &str) -> Shared {
        match self.kinds.iter().find(|k| ***k == *kind) {
            Some(k) => k.clone(),
            // Every kind a check reports is listed in `new`.
            None => Shared::new(kind),
        }
    }
}

/// The fields of a record that are subjects of a value check, as bits:
/// present timestamps, and non-empty optional values (those read as empty
/// because they could not be parsed included). Each field is read once.
/// `fields`: the table's [`value_fields`].
fn value_subjects<R: Record>(r: &R, fields: [u32; 2]) -> [u32; 2] {
    let filled = r.filled();
    [
        filled & fields[0],
        (filled | r.quality().invalid) & fields[1],
    ]
}

/// A table's timestamp fields and its optional fields, as bits: the
/// fields that may be subjects of a value check.
fn value_fields(table: Table) -> [u32; 2] {
    let mut fields = [0u32; 2];
    for (n, def) in table.fields().iter().enumerate() {
        if def.ty == crate::records::FieldType::Time {
            fields[0] |= 1 << n;
        }
        if !def.required {
            fields[1] |= 1 << n;
        }
    }
    fields
}

/// The numbers of the bits set, lowest first.
fn bits(mut set: u32) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        let n = set.trailing_zeros();
        set &= set.wrapping_sub(1);
        (n < 32).then_some(n as usize)
    })
}

fn with_fact<'a, R: Record>(cx: Ctx<'a>, r: &R, field: usize) -> Ctx<'a> {
    Ctx {
        fact: Some(ValueFact {
            table: R::TABLE,
            field,
            quality: *r.quality(),
        }),
        ..cx
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::MaybeTime;

    /// Findings of a few rules, many sharing ids, in a scrambled order.
    fn scrambled(n: u32) -> Vec<Finding> {
        let rules = ["R3", "R1", "R5", "R2", "R4"].map(Shared::new);
        let kind = Shared::new("late");
        // A fixed permutation: n is odd and 7919 is prime to it.
        (0..n)
            .map(|k| {
                let i = (k as u64 * 7919 % n as u64) as u32;
                Finding {
                    rule: rules[(i % 7 % 5) as usize].clone(),
                    kind: kind.clone(),
                    severity: Severity::High,
                    incident_id: (!i.is_multiple_of(3))
                        .then(|| format!("I{}", i % 500).as_str().into()),
                    crime_id: (!i.is_multiple_of(4))
                        .then(|| format!("C{}", i % 900).as_str().into()),
                    event: None,
                    event_at: MaybeTime::from(
                        i.is_multiple_of(5)
                            .then_some(Instant(i64::from(i % 11) * 1_000_000)),
                    ),
                    field: None,
                    due: MaybeTime::from(None),
                    at: MaybeTime::from(None),
                    message: kind.clone(),
                    status: None,
                    order: (Table::Crimes, i, 0, (i % 2) as u16),
                }
            })
            .collect()
    }

    fn stats_of(rule: &str) -> RuleStats {
        RuleStats {
            rule: rule.to_string(),
            name: String::new(),
            title: String::new(),
            theme: String::new(),
            scope: crate::findings::Scope::Compliance,
            checked: 0,
            findings: 0,
            by_kind: Default::default(),
            pending: 0,
            exempt: 0,
            not_applicable: 0,
            outside_window: 0,
            not_judged: 0,
            applies: Vec::new(),
            needs: Vec::new(),
            missing: Vec::new(),
        }
    }

    /// Findings shared out between `k` evaluators' partial results, each
    /// keeping them by rule in the same (plan, not code) order of rules.
    fn partials(findings: Vec<Finding>, k: usize) -> Vec<Partial> {
        let plan_order = ["R4", "R2", "R5", "R1", "R3"];
        let mut parts: Vec<Partial> = (0..k)
            .map(|_| Partial {
                stats: plan_order.iter().map(|r| stats_of(r)).collect(),
                findings: plan_order.iter().map(|_| Vec::new()).collect(),
                outside_calendar: 1,
                codes: CodeTally::default(),
            })
            .collect();
        for (n, f) in findings.into_iter().enumerate() {
            let part = &mut parts[n * 7 % k];
            let rule = plan_order.iter().position(|r| **r == *f.rule).unwrap();
            part.stats[rule].findings += 1;
            part.findings[rule].push(f);
        }
        parts
    }

    #[test]
    fn merged_findings_are_in_the_one_order_however_shared_and_sorted() {
        let keys = |f: &[Finding]| {
            f.iter()
                .map(|f| format!("{:?}", f.sort_key()))
                .collect::<Vec<_>>()
        };
        for n in [0, 1, 99, PARALLEL_SORT as u32 * 2 + 1] {
            let mut plain = scrambled(n);
            plain.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            for (k, threads) in [(1, 1), (3, 1), (3, 2), (4, 7)] {
                let merged = merge(partials(scrambled(n), k), threads);
                assert_eq!(
                    keys(&merged.findings),
                    keys(&plain),
                    "{n} findings, {k} parts"
                );
                let codes: Vec<_> = merged.stats.iter().map(|s| s.rule.as_str()).collect();
                assert_eq!(codes, ["R1", "R2", "R3", "R4", "R5"]);
                let counted: u64 = merged.stats.iter().map(|s| s.findings).sum();
                assert_eq!(counted, u64::from(n));
                assert_eq!(merged.outside_calendar, k as u64);
            }
        }
    }
}
