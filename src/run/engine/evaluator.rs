//! One evaluator: judges subjects (an incident with its group's crimes and
//! their updates; the unlinked ones after) against the checks of the rules
//! it was given, keeping its own findings and counts.

use super::compiled::{self, Compiled, Expr, Required};
use super::joins::{Claimed, Group, Joins, NONE, claim_all};
use super::memo::{GroupMemo, WorkingDays};
use super::merge::{Partial, order_of};
use super::{Ctx, V, ValueFact};
use crate::data::records::{Incident, Quality, Record, Shared, Table, event_name};
use crate::data::time::{Clock, Instant, Span, deadline};
use crate::lang::plan::{CExpr, Check, Plan, Pseudo, Requirement, Severity};
use crate::run::coverage::CodeTally;
use crate::run::findings::{Finding, Order, RuleStats};
use crate::vocab::Subject;
use chrono::NaiveDate;
use std::cell::Cell;

/// Evaluates the rules of a plan subject by subject, accumulating findings
/// and statistics. Each thread has its own; [`super::merge()`] puts them together.
pub struct Evaluator<'a> {
    pub(super) plan: &'a Plan,
    pub(super) joins: &'a Joins<'a>,
    pub(super) as_of: Instant,
    pub(super) clock: Clock,
    /// The checks of the rules evaluated, by subject kind,
    /// each with its position in `stats`, in plan order.
    pub(super) checks: BySubject<Vec<CheckRef<'a>>>,
    pub(super) stats: Vec<RuleStats>,
    /// Each rule's code and message, shared by its findings.
    pub(super) names: Vec<(Shared, Shared)>,
    /// Every kind of finding the checks can report, shared by their
    /// findings.
    pub(super) kinds: Vec<Shared>,
    /// Each rule's findings, by its place in `stats`.
    pub(super) findings: Vec<Vec<Finding>>,
    /// Working-day deadlines counted through years the calendar lacks.
    pub(super) outside_calendar: Cell<u64>,
    /// Values without marks, by value kind ([`VALUES`]):
    /// the checks decided for them once are tallied this many times at
    /// the end, not value by value.
    pub(super) clean_values: [u64; 2],
    /// Whether a value kind has a check that must see each clean value.
    pub(super) undecided: [bool; 2],
    /// Each table's [`value_fields`].
    pub(super) value_fields: [[u32; 2]; 3],
    /// Working-day deadlines by local date and number of days (see
    /// [`Evaluator::add`]): dates are few, deadlines many.
    pub(super) working_days: WorkingDays,
    /// Whether each code seen is in each group.
    pub(super) groups: GroupMemo,
    /// By subject kind: the conditions several checks start with, each
    /// evaluated once per subject (see [`compiled::shared_guards`]).
    pub(super) guards: BySubject<Vec<Expr>>,
    /// Scratch for [`Evaluator::checks_on`]: each guard's value for the
    /// subject at hand, once known.
    pub(super) guards_known: Vec<Option<bool>>,
    /// How often each code of the export was read (see [`crate::run::coverage`]).
    pub(super) codes: CodeTally,
}

/// One `T` per subject kind, indexed by the kind.
#[derive(Default)]
pub(super) struct BySubject<T>([T; 5]);

impl<T> BySubject<T> {
    fn place(subject: Subject) -> usize {
        match subject {
            Subject::Incident => 0,
            Subject::Crime => 1,
            Subject::Update => 2,
            Subject::Timestamp => 3,
            Subject::OptionalValue => 4,
        }
    }

    /// Each kind's `T`.
    #[cfg(test)]
    pub(super) fn iter(&self) -> impl Iterator<Item = &T> {
        self.0.iter()
    }

    /// A `U` per kind, made from each kind's `T`.
    fn map_mut<U>(&mut self, f: impl FnMut(&mut T) -> U) -> BySubject<U> {
        BySubject(self.0.each_mut().map(f))
    }
}

impl<T> std::ops::Index<Subject> for BySubject<T> {
    type Output = T;
    fn index(&self, subject: Subject) -> &T {
        &self.0[Self::place(subject)]
    }
}

impl<T> std::ops::IndexMut<Subject> for BySubject<T> {
    fn index_mut(&mut self, subject: Subject) -> &mut T {
        &mut self.0[Self::place(subject)]
    }
}

/// The kinds whose subjects are a record's values, in the order of the
/// value pairs (`clean_values`, `undecided`, [`value_fields`]).
const VALUES: [Subject; 2] = [Subject::Timestamp, Subject::OptionalValue];

/// A check of the plan as an evaluator runs it.
pub(super) struct CheckRef<'a> {
    /// Its rule's place in the evaluator's `stats`.
    pub(super) stats: usize,
    /// Its place in its rule.
    pub(super) n: usize,
    pub(super) check: &'a Check,
    /// Its expressions as evaluated.
    pub(super) code: Compiled,
    /// A condition its `where` starts with and other checks of its
    /// subject kind start with too (see [`compiled::shared_guards`]); its
    /// place in the evaluator's `guards` for the kind. `code.filters` then
    /// holds the rest of the `where`.
    pub(super) guard: Option<usize>,
    /// For a value check that reads nothing but the value's marks: its
    /// outcome for a value with none (see [`Evaluator::decide_unmarked`]).
    pub(super) unmarked: Option<Decided>,
    /// Its window (`applies`): from, until (the local midnights of the
    /// dates; `None`: open) and the subject's report time.
    pub(super) window: Option<(Option<Instant>, Option<Instant>, Expr)>,
    /// A field it `needs` that no record of the export holds: its subjects
    /// are counted as not judged.
    pub(super) unjudged: bool,
}

/// An outcome that needs nothing of the subject but a count.
#[derive(Clone, Copy)]
pub(super) enum Decided {
    Skipped,
    Exempt,
    NotApplicable,
    Met,
    Pending,
}

/// Whether every expression of a check reads only a value's marks (and
/// constants): then all values without marks fare alike.
pub(super) fn reads_only_marks(plan: &Plan, check: &Check) -> bool {
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

pub(super) fn marks_only(plan: &Plan, e: &CExpr) -> bool {
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

/// How one subject fared against one check.
pub(super) enum Verdict<'a> {
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
        let mut checks: BySubject<Vec<CheckRef<'a>>> = BySubject::default();
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
                checks[check.subject].push(CheckRef {
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
        let guards = checks.map_mut(|c| compiled::shared_guards(c));
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
            working_days: WorkingDays::default(),
            groups: GroupMemo::new(plan.groups.len()),
            guards,
            guards_known: Vec::new(),
            codes: CodeTally::new(),
        };
        evaluator.decide_unmarked();
        for (v, subject) in VALUES.into_iter().enumerate() {
            evaluator.undecided[v] = evaluator.checks[subject]
                .iter()
                .any(|c| c.unmarked.is_none());
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
        self.subject(Subject::Incident, &cx, (Table::Incidents, n, 0));
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
        for (v, subject) in VALUES.into_iter().enumerate() {
            let checks = std::mem::take(&mut self.checks[subject]);
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

    pub(super) fn crime(&mut self, c: usize, incident: Option<&Incident>) {
        let joins = self.joins;
        let crime = joins.crimes[c];
        let cx = Ctx {
            incident,
            crime: Some(crime),
            ..Ctx::default()
        };
        self.codes.record(crime);
        self.subject(Subject::Crime, &cx, (Table::Crimes, c, 0));
        self.values(crime, &cx, c);
        for &u in joins.updates_of(c) {
            self.update(u as usize, cx);
        }
    }

    pub(super) fn update(&mut self, u: usize, crime: Ctx) {
        let update = &self.joins.updates[u];
        let cx = Ctx {
            update: Some(update),
            ..crime
        };
        self.subject(Subject::Update, &cx, (Table::Updates, u, 0));
        self.values(update, &cx, u);
    }

    /// The value checks over a record's timestamps and optional values.
    /// A value without marks is only counted for the checks decided once
    /// (see [`Evaluator::decide_unmarked`]); the others see it.
    pub(super) fn values<R: Record>(&mut self, r: &R, cx: &Ctx, n: usize) {
        if VALUES.iter().all(|&s| self.checks[s].is_empty()) {
            return;
        }
        let q = *r.quality();
        let marked = q.repeated | q.skipped | q.invalid;
        let subjects = value_subjects(r, self.value_fields[R::TABLE as usize]);
        for (v, subject) in VALUES.into_iter().enumerate() {
            if self.checks[subject].is_empty() {
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
                self.checks_on(subject, &cx, (R::TABLE, n, f), marked & (1 << f) == 0);
            }
        }
    }

    /// Runs every check of one subject kind over one subject.
    pub(super) fn subject(&mut self, subject: Subject, cx: &Ctx, order: (Table, usize, usize)) {
        self.checks_on(subject, cx, order, false);
    }

    /// `unmarked`: the subject is a value with no marks, so a check that
    /// reads nothing but marks has its outcome already (and it is counted
    /// in `clean_values`).
    pub(super) fn checks_on(
        &mut self,
        subject: Subject,
        cx: &Ctx,
        order: (Table, usize, usize),
        unmarked: bool,
    ) {
        let checks = std::mem::take(&mut self.checks[subject]);
        let mut known = std::mem::take(&mut self.guards_known);
        known.clear();
        known.resize(self.guards[subject].len(), None);
        for c in &checks {
            if unmarked && c.unmarked.is_some() {
                continue;
            }
            if let Some(g) = c.guard {
                let holds =
                    *known[g].get_or_insert_with(|| self.test(&self.guards[subject][g], cx));
                if !holds {
                    continue;
                }
            }
            self.one(c, cx, order_of(order, c.n));
        }
        self.guards_known = known;
        self.checks[subject] = checks;
    }

    /// Counts `times` subjects with the same outcome.
    pub(super) fn tally(&mut self, rule: usize, decided: Decided, times: u64) {
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
    pub(super) fn decide_unmarked(&mut self) {
        let clean = Ctx {
            fact: Some(ValueFact {
                table: Table::Incidents,
                field: 0,
                quality: Quality::default(),
            }),
            ..Ctx::default()
        };
        for subject in VALUES {
            let mut checks = std::mem::take(&mut self.checks[subject]);
            for c in &mut checks {
                if !reads_only_marks(self.plan, c.check) {
                    continue;
                }
                let guard = c
                    .guard
                    .is_none_or(|g| self.test(&self.guards[subject][g], &clean));
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
            self.checks[subject] = checks;
        }
    }

    pub(super) fn one(&mut self, c: &CheckRef, cx: &Ctx, order: Order) {
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
    pub(super) fn strata(&self, incidents: &[Incident], conditions: &[&CExpr]) -> Vec<Vec<usize>> {
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
    pub(super) fn verdict<'c>(&self, c: &'c CheckRef, cx: &Ctx) -> Verdict<'c> {
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

    pub(super) fn deadline<'b>(
        &'b self,
        span: &'b Expr,
        anchor: &'b Expr,
        cx: &Ctx<'b>,
    ) -> Option<Instant> {
        let (V::Time(t), V::Span(s)) = (self.value(anchor, cx), self.value(span, cx)) else {
            return None;
        };
        self.add(t, s)
    }

    /// The one place a span is added to a time (through the one deadline
    /// calculator), counting how often the calendar ran out. Working-day
    /// deadlines are remembered by local date.
    pub(super) fn add(&self, t: Instant, s: Span) -> Option<Instant> {
        let d = match s {
            Span::WorkingDays(n) => {
                let day = self.clock.local_date(t)?;
                self.working_days
                    .after(day, n, &self.clock, &self.plan.calendar)
            }
            Span::Micros(_) => deadline(t, s, &self.clock, &self.plan.calendar),
        }?;
        if d.outside_calendar {
            self.outside_calendar.set(self.outside_calendar.get() + 1);
        }
        Some(d.at)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn finding(
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

    pub(super) fn kind(&self, kind: &str) -> Shared {
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
pub(super) fn value_subjects<R: Record>(r: &R, fields: [u32; 2]) -> [u32; 2] {
    let filled = r.filled();
    [
        filled & fields[0],
        (filled | r.quality().invalid) & fields[1],
    ]
}

/// A table's timestamp fields and its optional fields, as bits: the
/// fields that may be subjects of a value check.
pub(super) fn value_fields(table: Table) -> [u32; 2] {
    let mut fields = [0u32; 2];
    for (n, def) in table.fields().iter().enumerate() {
        if def.ty == crate::data::records::FieldType::Time {
            fields[0] |= 1 << n;
        }
        if !def.required {
            fields[1] |= 1 << n;
        }
    }
    fields
}

/// The numbers of the bits set, lowest first.
pub(super) fn bits(mut set: u32) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        let n = set.trailing_zeros();
        set &= set.wrapping_sub(1);
        (n < 32).then_some(n as usize)
    })
}

pub(super) fn with_fact<'a, R: Record>(cx: Ctx<'a>, r: &R, field: usize) -> Ctx<'a> {
    Ctx {
        fact: Some(ValueFact {
            table: R::TABLE,
            field,
            quality: *r.quality(),
        }),
        ..cx
    }
}
