//! Step five: what evaluation produces. Findings carry ids and codes only,
//! never free text from the export.

use crate::plan::{Rule, Severity};
use crate::records::Table;
use crate::records::{MaybeTime, Name, Shared};
use crate::time::Instant;
use serde::Serialize;
use std::collections::BTreeMap;

/// Input order: table, record index, field index, and the check's index
/// within its rule (a rule may check one subject more than once).
pub type Order = (Table, u32, u16, u16);

#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// Shared with every finding of the rule (and kind): a run may have
    /// hundreds of thousands of findings, and these never differ.
    pub rule: Shared,
    pub kind: Shared,
    pub severity: Severity,
    pub incident_id: Option<crate::records::Id>,
    pub crime_id: Option<crate::records::Id>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<Name>,
    #[serde(skip_serializing_if = "MaybeTime::is_none")]
    pub event_at: MaybeTime,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<Name>,
    pub due: MaybeTime,
    pub at: MaybeTime,
    pub message: Shared,
    /// With `--baseline`: new since the earlier run, or persisting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<crate::baseline::Status>,
    #[serde(skip)]
    pub order: Order,
}

impl Finding {
    /// SPEC §4: rule, incident_id, crime_id, event time (nulls first), then
    /// input order.
    #[allow(clippy::type_complexity)]
    pub fn sort_key(&self) -> (&str, Option<&str>, Option<&str>, Option<Instant>, Order) {
        let (incident, crime, at, order) = self.key_in_rule();
        (&self.rule, incident, crime, at, order)
    }

    /// The sort key after the rule, which orders the findings of one rule.
    #[allow(clippy::type_complexity)]
    pub fn key_in_rule(&self) -> (Option<&str>, Option<&str>, Option<Instant>, Order) {
        (
            self.incident_id.as_deref(),
            self.crime_id.as_deref(),
            self.event_at.get(),
            self.order,
        )
    }
}

/// Per-rule counts. `checked` includes pending subjects; exempt and
/// not-applicable subjects are not checked.
#[derive(Clone, Debug, Serialize)]
pub struct RuleStats {
    pub rule: String,
    pub name: String,
    pub title: String,
    pub theme: String,
    pub checked: u64,
    pub findings: u64,
    pub by_kind: BTreeMap<String, u64>,
    pub pending: u64,
    pub exempt: u64,
    /// Subjects the rule could not judge (e.g. a crime with no report time),
    /// including those outside its window.
    pub not_applicable: u64,
    /// Of `not_applicable`: subjects whose report time falls outside the
    /// window (`applies`) of the edition the check belongs to.
    pub outside_window: u64,
    /// Subjects not judged because no record of the export holds a field
    /// the check `needs` (an export without the column).
    pub not_judged: u64,
    /// The windows of the rule's checks, as written (`from 2018-04-01
    /// until 2023-05-31`), in check order; empty when it always applies.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub applies: Vec<String>,
    /// The fields its checks need (`needs`), by name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    /// Of `needs`: those no record of the export holds, which left
    /// subjects not judged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

impl RuleStats {
    pub fn new(rule: &Rule) -> RuleStats {
        RuleStats {
            rule: rule.code.clone(),
            name: rule.name.clone(),
            title: rule.title.clone(),
            theme: rule.theme.clone(),
            checked: 0,
            findings: 0,
            by_kind: BTreeMap::new(),
            pending: 0,
            exempt: 0,
            not_applicable: 0,
            outside_window: 0,
            not_judged: 0,
            applies: rule
                .checks
                .iter()
                .filter_map(|c| c.window.as_ref().map(|w| w.words()))
                .collect(),
            needs: rule
                .checks
                .iter()
                .flat_map(|c| &c.needs)
                .map(|&(t, f)| t.fields()[f].name.to_string())
                .collect(),
            missing: Vec::new(),
        }
    }

    /// Adds the counts of the same rule over other subjects.
    pub fn absorb(&mut self, other: &RuleStats) {
        debug_assert_eq!(self.rule, other.rule);
        self.checked += other.checked;
        self.findings += other.findings;
        self.pending += other.pending;
        self.exempt += other.exempt;
        self.not_applicable += other.not_applicable;
        self.outside_window += other.outside_window;
        self.not_judged += other.not_judged;
        for (kind, n) in &other.by_kind {
            *self.by_kind.entry(kind.clone()).or_default() += n;
        }
    }

    pub fn add_finding(&mut self, kind: &str) {
        self.findings += 1;
        // Counted without a new String each time once the kind is known.
        match self.by_kind.get_mut(kind) {
            Some(n) => *n += 1,
            None => {
                self.by_kind.insert(kind.to_string(), 1);
            }
        }
    }

    /// 1 − findings ÷ (checked − pending); `None` when nothing was decided.
    pub fn compliance(&self) -> Option<f64> {
        compliance(self.checked, self.pending, self.findings)
    }

    /// The 95% Wilson score interval of the compliance rate.
    pub fn interval(&self) -> Option<(f64, f64)> {
        interval(self.checked, self.pending, self.findings)
    }
}

/// 1 − findings ÷ (checked − pending); `None` when nothing was decided.
pub fn compliance(checked: u64, pending: u64, findings: u64) -> Option<f64> {
    let decided = checked.saturating_sub(pending);
    (decided > 0).then(|| 1.0 - findings as f64 / decided as f64)
}

/// The 95% Wilson score interval for the compliance rate: better than the
/// normal approximation for small samples and rates near 0 or 1, and what
/// HMICFRS-style reporting expects alongside a rate.
pub fn interval(checked: u64, pending: u64, findings: u64) -> Option<(f64, f64)> {
    let n = checked.saturating_sub(pending) as f64;
    let p = compliance(checked, pending, findings)?;
    wilson(p, n)
}

/// Wilson score interval for a proportion `p` of `n` trials, at z = 1.96.
pub fn wilson(p: f64, n: f64) -> Option<(f64, f64)> {
    if n <= 0.0 {
        return None;
    }
    const Z: f64 = 1.959_963_984_540_054;
    let z2 = Z * Z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// Totals over a set of rules (a theme, or all of them).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    pub name: String,
    pub rules: u64,
    pub checked: u64,
    pub findings: u64,
    pub pending: u64,
    pub compliance: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

impl Totals {
    pub fn of<'a>(name: &str, stats: impl IntoIterator<Item = &'a RuleStats>) -> Totals {
        let mut t = Totals {
            name: name.to_string(),
            ..Totals::default()
        };
        for s in stats {
            t.rules += 1;
            t.checked += s.checked;
            t.findings += s.findings;
            t.pending += s.pending;
        }
        t.compliance = compliance(t.checked, t.pending, t.findings);
        let ci = interval(t.checked, t.pending, t.findings);
        t.ci_low = ci.map(|c| c.0);
        t.ci_high = ci.map(|c| c.1);
        t
    }

    /// Per theme, in order of first appearance (rules are sorted by code).
    pub fn by_theme(stats: &[RuleStats]) -> Vec<Totals> {
        let mut themes: Vec<&str> = Vec::new();
        for s in stats {
            if !themes.contains(&s.theme.as_str()) {
                themes.push(&s.theme);
            }
        }
        themes
            .into_iter()
            .map(|t| Totals::of(t, stats.iter().filter(|s| s.theme == t)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_worked_values() {
        // 81 of 100: the Wilson interval is 0.7222 to 0.8749 (worked by hand).
        let (lo, hi) = wilson(0.81, 100.0).unwrap();
        assert!((lo - 0.7222).abs() < 1e-4, "{lo}");
        assert!((hi - 0.8749).abs() < 1e-4, "{hi}");
        // All compliant in 10: the upper end is 1, the lower 0.7225.
        let (lo, hi) = wilson(1.0, 10.0).unwrap();
        assert!((lo - 0.7225).abs() < 1e-4, "{lo}");
        assert!((hi - 1.0).abs() < 1e-9, "{hi}");
        assert_eq!(wilson(0.5, 0.0), None);
    }

    #[test]
    fn compliance_leaves_out_pending() {
        assert_eq!(compliance(10, 2, 2), Some(0.75));
        assert_eq!(compliance(2, 2, 0), None);
    }
}

/// Everything evaluation produced.
#[derive(Debug)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub stats: Vec<RuleStats>,
    /// Working-day deadlines that counted days in years the holiday
    /// calendar does not cover.
    pub outside_calendar: u64,
}
