//! Step four: evaluation. Joins crimes to incidents and updates to crimes,
//! runs every check of the plan over its subjects against the as-of time,
//! and produces findings and per-rule statistics. Knows no rule: all it
//! does is walk the compiled plan.

use crate::findings::{Finding, Outcome, RuleStats};
use crate::plan::{CExpr, Check, Const, Plan, Pseudo, Requirement, Severity};
use crate::records::{Crime, Incident, Quality, Record, Table, Update, Val};
use crate::syntax::ast::{CmpOp, Quantifier, Subject};
use crate::time::{Clock, Instant, Span, deadline};
use rustc_hash::FxHashMap;
use std::cell::Cell;

/// The records of an export, as read.
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
            Val::Text(s) | Val::Code(s) => V::Str(s),
            Val::Time(t) => V::Time(t),
            Val::Int(n) => V::Int(n),
            Val::Bool(b) => V::Bool(b),
            Val::List(l) => V::List(l),
        }
    }
}

struct Engine<'a> {
    plan: &'a Plan,
    records: Records<'a>,
    as_of: Instant,
    clock: Clock,
    index: &'a Index,
    /// Working-day deadlines counted through years the calendar lacks.
    outside_calendar: Cell<u64>,
}

/// The joins, resolved once to indices so evaluation never hashes an id:
/// each crime's incident, each update's crime, each incident's crimes.
struct Index {
    /// `NONE` when the record points at nothing in the export.
    incident_of_crime: Vec<u32>,
    crime_of_update: Vec<u32>,
    /// Incident `n`'s crimes are `linked[starts[n]..starts[n + 1]]`.
    starts: Vec<u32>,
    linked: Vec<u32>,
}

const NONE: u32 = u32::MAX;

/// Evaluates every rule of the plan over the records, on as many threads
/// as the machine has cores.
pub fn evaluate(plan: &Plan, records: Records, as_of: Instant, clock: Clock) -> Outcome {
    evaluate_rules(plan, 0..plan.rules.len(), records, as_of, clock, None)
}

/// [`evaluate`] on at most `threads` threads (`--threads`); the output is
/// the same whatever the number.
pub fn evaluate_on(
    plan: &Plan,
    records: Records,
    as_of: Instant,
    clock: Clock,
    threads: usize,
) -> Outcome {
    evaluate_rules(
        plan,
        0..plan.rules.len(),
        records,
        as_of,
        clock,
        Some(threads),
    )
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
    evaluate_rules(plan, rule..rule + 1, records, as_of, clock, None)
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
    let index = Index::new(records);
    let engine = Engine {
        plan,
        records,
        // Conditions never look at the as-of time; only requirements do.
        as_of: Instant(i64::MAX),
        clock,
        index: &index,
        outside_calendar: Cell::new(0),
    };
    conditions
        .iter()
        .map(|c| {
            (0..records.incidents.len())
                .filter(|&n| engine.truth(c, &engine.incident_ctx(n)))
                .collect()
        })
        .collect()
}

/// One rule's results, before they are merged.
struct RuleResult {
    stats: RuleStats,
    findings: Vec<Finding>,
    outside_calendar: u64,
}

/// Rules are independent, so they are shared out among the machine's
/// cores; the results are merged and sorted, so the output is the same
/// whatever the number of threads.
fn evaluate_rules(
    plan: &Plan,
    rules: std::ops::Range<usize>,
    records: Records,
    as_of: Instant,
    clock: Clock,
    threads: Option<usize>,
) -> Outcome {
    let index = Index::new(records);
    let run = |rule_index: usize| {
        let engine = Engine {
            plan,
            records,
            as_of,
            clock,
            index: &index,
            outside_calendar: Cell::new(0),
        };
        let rule = &plan.rules[rule_index];
        let mut stats = RuleStats::new(rule);
        let mut findings = Vec::new();
        for check in &rule.checks {
            engine.run_check(rule_index, check, &mut stats, &mut findings);
        }
        RuleResult {
            stats,
            findings,
            outside_calendar: engine.outside_calendar.get(),
        }
    };
    let threads = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .min(rules.len())
        .max(1);
    let mut results: Vec<(usize, RuleResult)> = if threads == 1 {
        rules.map(|r| (r, run(r))).collect()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let mine: Vec<usize> = rules.clone().skip(t).step_by(threads).collect();
                    let run = &run;
                    scope.spawn(move || mine.into_iter().map(|r| (r, run(r))).collect::<Vec<_>>())
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("evaluation threads do not panic"))
                .collect()
        })
    };
    results.sort_by_key(|(r, _)| *r);
    let mut outcome = Outcome {
        findings: Vec::new(),
        stats: Vec::new(),
        outside_calendar: 0,
    };
    for (_, r) in results {
        outcome.findings.extend(r.findings);
        outcome.stats.push(r.stats);
        outcome.outside_calendar += r.outside_calendar;
    }
    outcome
        .findings
        .sort_by(|a: &Finding, b: &Finding| a.sort_key().cmp(&b.sort_key()));
    outcome
        .stats
        .sort_by(|a: &RuleStats, b: &RuleStats| a.rule.cmp(&b.rule));
    outcome
}

impl Index {
    fn new(records: Records) -> Index {
        let incident_by_id: FxHashMap<&str, u32> = records
            .incidents
            .iter()
            .enumerate()
            .map(|(n, i)| (&*i.incident_id, n as u32))
            .collect();
        let mut crime_by_id: FxHashMap<&str, u32> =
            FxHashMap::with_capacity_and_hasher(records.crimes.len(), Default::default());
        for (n, c) in records.crimes.iter().enumerate() {
            crime_by_id.entry(&*c.crime_id).or_insert(n as u32);
        }
        let incident_of_crime: Vec<u32> = records
            .crimes
            .iter()
            .map(|c| {
                c.incident_id
                    .as_deref()
                    .and_then(|id| incident_by_id.get(id).copied())
                    .unwrap_or(NONE)
            })
            .collect();
        let crime_of_update = records
            .updates
            .iter()
            .map(|u| crime_by_id.get(&*u.crime_id).copied().unwrap_or(NONE))
            .collect();
        // Counting sort of crimes by incident, keeping input order within each.
        let mut starts = vec![0u32; records.incidents.len() + 1];
        for &i in incident_of_crime.iter().filter(|&&i| i != NONE) {
            starts[i as usize + 1] += 1;
        }
        for n in 1..starts.len() {
            starts[n] += starts[n - 1];
        }
        let mut next = starts.clone();
        let mut linked = vec![0u32; starts[starts.len() - 1] as usize];
        for (c, &i) in incident_of_crime.iter().enumerate() {
            if i != NONE {
                linked[next[i as usize] as usize] = c as u32;
                next[i as usize] += 1;
            }
        }
        Index {
            incident_of_crime,
            crime_of_update,
            starts,
            linked,
        }
    }
}

/// How one subject fared against one check.
enum Verdict {
    Met,
    Pending,
    NotApplicable,
    Finding {
        kind: String,
        due: Option<Instant>,
        at: Option<Instant>,
    },
}

impl<'a> Engine<'a> {
    fn incident_ctx(&self, n: usize) -> Ctx<'a> {
        let ix = self.index;
        Ctx {
            incident: Some(&self.records.incidents[n]),
            crimes: &ix.linked[ix.starts[n] as usize..ix.starts[n + 1] as usize],
            ..Ctx::default()
        }
    }

    fn crime_ctx(&self, n: usize) -> Ctx<'a> {
        let i = self.index.incident_of_crime[n];
        Ctx {
            incident: (i != NONE).then(|| &self.records.incidents[i as usize]),
            crime: Some(&self.records.crimes[n]),
            ..Ctx::default()
        }
    }

    fn update_ctx(&self, n: usize) -> Ctx<'a> {
        let c = self.index.crime_of_update[n];
        let mut cx = if c == NONE {
            Ctx::default()
        } else {
            self.crime_ctx(c as usize)
        };
        cx.update = Some(&self.records.updates[n]);
        cx
    }

    fn run_check(
        &self,
        rule_index: usize,
        check: &'a Check,
        st: &mut RuleStats,
        out: &mut Vec<Finding>,
    ) {
        let mut one = |cx: Ctx<'a>, order: (Table, usize, usize)| {
            if !check.filters.iter().all(|f| self.truth(f, &cx)) {
                return;
            }
            if check.exemptions.iter().any(|f| self.truth(f, &cx)) {
                st.exempt += 1;
                return;
            }
            match self.verdict(check, &cx) {
                Verdict::NotApplicable => st.not_applicable += 1,
                Verdict::Met => st.checked += 1,
                Verdict::Pending => {
                    st.checked += 1;
                    st.pending += 1;
                }
                Verdict::Finding { kind, due, at } => {
                    st.checked += 1;
                    st.add_finding(&kind);
                    let severity = check
                        .severity
                        .arms
                        .iter()
                        .find(|(_, c)| self.truth(c, &cx))
                        .map_or(check.severity.otherwise, |(s, _)| *s);
                    out.push(self.finding(rule_index, kind, severity, &cx, due, at, order));
                }
            }
        };
        let r = self.records;
        match check.subject {
            Subject::Incident => {
                for n in 0..r.incidents.len() {
                    one(self.incident_ctx(n), (Table::Incidents, n, 0));
                }
            }
            Subject::Crime => {
                for n in 0..r.crimes.len() {
                    one(self.crime_ctx(n), (Table::Crimes, n, 0));
                }
            }
            Subject::Update => {
                for n in 0..r.updates.len() {
                    one(self.update_ctx(n), (Table::Updates, n, 0));
                }
            }
            Subject::Timestamp | Subject::OptionalValue => {
                for (n, i) in r.incidents.iter().enumerate() {
                    let cx = self.incident_ctx(n);
                    for f in fields_of(i, check.subject) {
                        one(with_fact(cx, i, f), (Table::Incidents, n, f));
                    }
                }
                for (n, c) in r.crimes.iter().enumerate() {
                    let cx = self.crime_ctx(n);
                    for f in fields_of(c, check.subject) {
                        one(with_fact(cx, c, f), (Table::Crimes, n, f));
                    }
                }
                for (n, u) in r.updates.iter().enumerate() {
                    let cx = self.update_ctx(n);
                    for f in fields_of(u, check.subject) {
                        one(with_fact(cx, u, f), (Table::Updates, n, f));
                    }
                }
            }
        }
    }

    fn verdict(&self, check: &'a Check, cx: &Ctx<'a>) -> Verdict {
        match &check.requirement {
            Requirement::Holds { cond, grace } => {
                if self.truth(cond, cx) {
                    return Verdict::Met;
                }
                let Some((span, anchor)) = grace else {
                    return Verdict::Finding {
                        kind: check.kind.clone(),
                        due: None,
                        at: None,
                    };
                };
                let Some(due) = self.deadline(span, anchor, cx) else {
                    return Verdict::NotApplicable;
                };
                if self.as_of > due {
                    Verdict::Finding {
                        kind: check.kind.clone(),
                        due: Some(due),
                        at: None,
                    }
                } else {
                    Verdict::Pending
                }
            }
            Requirement::Deadline {
                done,
                within,
                anchor,
            } => {
                let Some(due) = self.deadline(within, anchor, cx) else {
                    return Verdict::NotApplicable;
                };
                match self.eval(done, cx) {
                    V::Time(t) if t <= due => Verdict::Met,
                    V::Time(t) => Verdict::Finding {
                        kind: "late".into(),
                        due: Some(due),
                        at: Some(t),
                    },
                    _ if self.as_of > due => Verdict::Finding {
                        kind: "missing".into(),
                        due: Some(due),
                        at: None,
                    },
                    _ => Verdict::Pending,
                }
            }
        }
    }

    fn deadline(&self, span: &'a CExpr, anchor: &'a CExpr, cx: &Ctx<'a>) -> Option<Instant> {
        let (V::Time(t), V::Span(s)) = (self.eval(anchor, cx), self.eval(span, cx)) else {
            return None;
        };
        self.add(t, s)
    }

    /// The one place a span is added to a time (through the one deadline
    /// calculator), counting how often the calendar ran out.
    fn add(&self, t: Instant, s: Span) -> Option<Instant> {
        let d = deadline(t, s, &self.clock, &self.plan.calendar)?;
        if d.outside_calendar {
            self.outside_calendar.set(self.outside_calendar.get() + 1);
        }
        Some(d.at)
    }

    #[allow(clippy::too_many_arguments)]
    fn finding(
        &self,
        rule_index: usize,
        kind: String,
        severity: Severity,
        cx: &Ctx<'a>,
        due: Option<Instant>,
        at: Option<Instant>,
        order: (Table, usize, usize),
    ) -> Finding {
        let rule = &self.plan.rules[rule_index];
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
            rule: rule.code.clone(),
            kind,
            severity,
            incident_id,
            crime_id,
            event: cx.update.map(|u| u.event.to_ascii_lowercase()),
            event_at: cx.update.map(|u| u.event_at),
            field: cx.fact.map(|f| f.table.fields()[f.field].name),
            due,
            at,
            message: rule.message().to_string(),
            status: None,
            order,
        }
    }

    fn truth(&self, e: &'a CExpr, cx: &Ctx<'a>) -> bool {
        self.eval(e, cx) == V::Bool(true)
    }

    fn eval(&self, e: &'a CExpr, cx: &Ctx<'a>) -> V<'a> {
        match e {
            CExpr::Field(t, f) => match t {
                Table::Incidents => cx.incident.map_or(V::Empty, |r| r.get(*f).into()),
                Table::Crimes => cx.crime.map_or(V::Empty, |r| r.get(*f).into()),
                Table::Updates => cx.update.map_or(V::Empty, |r| r.get(*f).into()),
            },
            CExpr::Linked(t) => {
                let present = match t {
                    Table::Incidents => cx.incident.is_some(),
                    Table::Crimes => cx.crime.is_some(),
                    Table::Updates => cx.update.is_some(),
                };
                if present { V::Bool(true) } else { V::Empty }
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
            CExpr::Define(n) => self.eval(&self.plan.defines[*n], cx),
            CExpr::Const(c) => match c {
                Const::Str(s) => V::Str(s),
                Const::Int(n) => V::Int(*n),
                Const::Bool(b) => V::Bool(*b),
                Const::Span(s) => V::Span(*s),
            },
            CExpr::Not(x) => V::Bool(!self.truth(x, cx)),
            CExpr::And(a, b) => V::Bool(self.truth(a, cx) && self.truth(b, cx)),
            CExpr::Or(a, b) => V::Bool(self.truth(a, cx) || self.truth(b, cx)),
            CExpr::Cmp(op, a, b) => V::Bool(compare(*op, self.eval(a, cx), self.eval(b, cx))),
            CExpr::Present(x, want) => V::Bool((self.eval(x, cx) != V::Empty) == *want),
            CExpr::In(x, g, negated) => {
                let inside = match self.eval(x, cx) {
                    V::Str(s) => self.plan.groups[*g].contains(s),
                    _ => false,
                };
                V::Bool(inside != *negated)
            }
            CExpr::Contains(l, x) => V::Bool(match (self.eval(l, cx), self.eval(x, cx)) {
                (V::List(l), V::Str(s)) => l.iter().any(|c| c.eq_ignore_ascii_case(s)),
                _ => false,
            }),
            CExpr::Add(a, b) | CExpr::Sub(a, b) => {
                let plus = matches!(e, CExpr::Add(..));
                match (self.eval(a, cx), self.eval(b, cx)) {
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
            CExpr::Aggregate(q, filter) => {
                let crimes = self.records.crimes;
                let mut matching = cx.crimes.iter().filter(|&&n| {
                    let sub = Ctx {
                        crime: Some(&crimes[n as usize]),
                        ..*cx
                    };
                    filter.as_deref().is_none_or(|f| self.truth(f, &sub))
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
                .find(|(_, c)| self.truth(c, cx))
                .map_or_else(|| self.eval(default, cx), |(v, _)| self.eval(v, cx)),
        }
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

/// The fields of a record that are subjects of a value check: present
/// timestamps, or non-empty optional values (those read as empty because
/// they could not be parsed included).
fn fields_of<R: Record>(r: &R, subject: Subject) -> impl Iterator<Item = usize> + '_ {
    R::TABLE
        .fields()
        .iter()
        .enumerate()
        .filter(move |(n, def)| {
            let present = !matches!(r.get(*n), Val::Empty)
                && !matches!(r.get(*n), Val::List(l) if l.is_empty());
            match subject {
                Subject::Timestamp => def.ty == crate::records::FieldType::Time && present,
                _ => !def.required && (present || Quality::has(r.quality().invalid, *n)),
            }
        })
        .map(|(n, _)| n)
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
