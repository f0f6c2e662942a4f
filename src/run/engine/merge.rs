//! The evaluators' partial results put together: statistics added, each
//! finding moved once to its rule's place and each rule's stretch sorted
//! (SPEC §4 order), on several threads when there are many.

use crate::data::records::Table;
use crate::run::coverage::CodeTally;
use crate::run::findings::{Finding, Order, Outcome, RuleStats};

/// A finding's place in the input: table, record, field, check, in 12
/// bytes (a run may keep hundreds of thousands of findings). Past four
/// billion records in one table the record numbers would saturate, so
/// findings there could tie and their order could vary between runs; the
/// joins' `u32` indices bound the export to that size anyway.
pub(super) fn order_of(at: (Table, usize, usize), check: usize) -> Order {
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
    pub(super) stats: Vec<RuleStats>,
    /// Each rule's findings (by its place in `stats`), in the order its
    /// subjects were judged.
    pub(super) findings: Vec<Vec<Finding>>,
    pub(super) outside_calendar: u64,
    pub(super) codes: CodeTally,
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
pub(super) fn sort_by_rule(findings: &mut [Finding], ends: &[usize], threads: usize) {
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
pub(super) const PARALLEL_SORT: usize = 1 << 14;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::records::{MaybeTime, Shared};
    use crate::data::time::Instant;
    use crate::lang::plan::Severity;

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
            scope: crate::run::findings::Scope::Compliance,
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
