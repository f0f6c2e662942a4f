//! Step five: what evaluation produces. Findings carry ids and codes only,
//! never free text from the export.

use crate::data::records::Table;
use crate::data::records::{MaybeTime, Name, Shared};
use crate::data::time::Instant;
use crate::lang::plan::{Rule, Severity};
use serde::{Deserialize, Serialize};
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
    pub incident_id: Option<crate::data::records::Id>,
    pub crime_id: Option<crate::data::records::Id>,
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
    pub status: Option<Status>,
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
    /// Whether the rule's findings are breaches of the recording rules or
    /// facts about the export's data (see [`Scope`]).
    pub scope: Scope,
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
            scope: Scope::of(rule),
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

/// What a rule's rate means. A rule whose every check reports `data`
/// findings (the language's kind for facts about the export rather than
/// breaches of the rules) measures data quality; every other rule measures
/// compliance. Read from the rule's checks, never from its code or theme,
/// so a force's own rules are scored the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    Compliance,
    DataQuality,
}

impl Scope {
    pub fn of(rule: &Rule) -> Scope {
        let data_only = !rule.checks.is_empty()
            && rule
                .checks
                .iter()
                .all(|c| c.reports().iter().all(|k| *k == DATA_KIND));
        if data_only {
            Scope::DataQuality
        } else {
            Scope::Compliance
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Scope::Compliance => "compliance",
            Scope::DataQuality => "data-quality",
        }
    }
}

/// The kind of finding about the export's data (`otherwise data`).
pub const DATA_KIND: &str = "data";

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

    /// Per theme, over the rules of `scope`, in order of first appearance
    /// (rules are sorted by code).
    pub fn by_theme(stats: &[RuleStats], scope: Scope) -> Vec<Totals> {
        let stats: Vec<&RuleStats> = stats.iter().filter(|s| s.scope == scope).collect();
        let mut themes: Vec<&str> = Vec::new();
        for s in &stats {
            if !themes.contains(&s.theme.as_str()) {
                themes.push(&s.theme);
            }
        }
        themes
            .into_iter()
            .map(|t| Totals::of(t, stats.iter().copied().filter(|s| s.theme == t)))
            .collect()
    }

    /// Checks decided: checked − pending (the count behind the rate).
    pub fn decided(&self) -> u64 {
        self.checked.saturating_sub(self.pending)
    }
}

/// The figures a board reads first, the same in every format: compliance
/// per theme, worst first, and overall over the compliance rules only; data
/// quality scored apart (its checks outnumber the rest many times over and
/// would otherwise drown them).
#[derive(Clone, Debug)]
pub struct Headline {
    /// Compliance themes, the lowest rate first (themes with nothing
    /// decided last), ties by name.
    pub themes: Vec<Totals>,
    /// Over every compliance rule.
    pub compliance: Totals,
    /// Over every data-quality rule.
    pub data_quality: Totals,
}

impl Headline {
    pub const COMPLIANCE: &'static str = "compliance rules";
    pub const DATA_QUALITY: &'static str = "data quality";

    pub fn of(stats: &[RuleStats]) -> Headline {
        let mut themes = Totals::by_theme(stats, Scope::Compliance);
        themes.sort_by(|a, b| {
            let rate = |t: &Totals| t.compliance.unwrap_or(f64::INFINITY);
            rate(a)
                .total_cmp(&rate(b))
                .then_with(|| a.name.cmp(&b.name))
        });
        let of =
            |name: &str, scope: Scope| Totals::of(name, stats.iter().filter(|s| s.scope == scope));
        Headline {
            themes,
            compliance: of(Headline::COMPLIANCE, Scope::Compliance),
            data_quality: of(Headline::DATA_QUALITY, Scope::DataQuality),
        }
    }
}

/// A finding compared with the baseline run (`--baseline`): new since
/// then, or there already.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    New,
    Persisting,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Persisting => "persisting",
        }
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

    fn stat(rule: &str, theme: &str, scope: Scope, checked: u64, findings: u64) -> RuleStats {
        RuleStats {
            rule: rule.into(),
            name: String::new(),
            title: String::new(),
            theme: theme.into(),
            scope,
            checked,
            findings,
            by_kind: BTreeMap::new(),
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

    #[test]
    fn the_headline_leaves_data_quality_apart_and_puts_the_worst_theme_first() {
        let stats = [
            stat("A1", "alpha", Scope::Compliance, 10, 1),
            stat("A2", "alpha", Scope::Compliance, 10, 1),
            stat("B1", "beta", Scope::Compliance, 4, 2),
            stat("C1", "gamma", Scope::Compliance, 0, 0),
            stat("D1", "data", Scope::DataQuality, 1000, 1),
            // A data-quality rule in a compliance theme counts apart too.
            stat("D2", "alpha", Scope::DataQuality, 50, 50),
        ];
        let h = Headline::of(&stats);
        let themes: Vec<(&str, Option<f64>)> = h
            .themes
            .iter()
            .map(|t| (t.name.as_str(), t.compliance))
            .collect();
        assert_eq!(
            themes,
            [("beta", Some(0.5)), ("alpha", Some(0.9)), ("gamma", None)]
        );
        // 4 findings in 24 checks; the data-quality rules' 51 in 1,050 apart.
        assert_eq!((h.compliance.checked, h.compliance.findings), (24, 4));
        assert_eq!(h.compliance.rules, 4);
        assert_eq!(
            (h.data_quality.checked, h.data_quality.findings),
            (1050, 51)
        );
        assert_eq!(h.data_quality.rules, 2);
    }

    #[test]
    fn a_rule_is_about_data_quality_when_all_it_finds_is_data() {
        let (plan, diags) = crate::lang::check::check(vec![crate::lang::plan::RuleFile {
            name: "t.hocr".into(),
            text: "edition \"HOCR April 2026\"\n\
rule X001 a \"t\" {\n  source \"s\" at \"https://example.org/s\"\n  quote \"q\"\n  theme t\n  severity low\n  for each crime\n  require offence_code is present\n  otherwise data\n}\n\
rule X002 b \"t\" {\n  source \"s\" at \"https://example.org/s\"\n  quote \"q\"\n  theme t\n  severity low\n  for each crime\n  require offence_code is present\n  otherwise data\n  for each incident\n  require reported_at is present\n}\n"
                .into(),
        }]);
        assert!(
            diags.iter().all(|d| d.code.as_str().starts_with('W')),
            "{diags:?}"
        );
        let plan = plan.unwrap();
        assert_eq!(Scope::of(&plan.rules[0]), Scope::DataQuality);
        // One check finding something other than data: a compliance rule.
        assert_eq!(Scope::of(&plan.rules[1]), Scope::Compliance);
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
    /// How often each code was read, per code field (see
    /// [`crate::run::coverage`]).
    pub codes: Vec<CodeCount>,
}

/// One code of one field, and how many records had it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CodeCount {
    pub table: Table,
    pub field: &'static str,
    pub code: String,
    pub count: u64,
}
