//! Step five: what evaluation produces. Findings carry ids and codes only,
//! never free text from the export.

use crate::plan::{Rule, Severity};
use crate::records::Table;
use crate::time::Instant;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub rule: String,
    pub kind: String,
    pub severity: Severity,
    pub incident_id: Option<Box<str>>,
    pub crime_id: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_at: Option<Instant>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    pub due: Option<Instant>,
    pub at: Option<Instant>,
    pub message: String,
    /// Input order: table, record index, field index.
    #[serde(skip)]
    pub order: (Table, usize, usize),
}

impl Finding {
    /// SPEC §4: rule, incident_id, crime_id, event time (nulls first), then
    /// input order.
    #[allow(clippy::type_complexity)]
    pub fn sort_key(
        &self,
    ) -> (
        &str,
        Option<&str>,
        Option<&str>,
        Option<Instant>,
        (Table, usize, usize),
    ) {
        (
            &self.rule,
            self.incident_id.as_deref(),
            self.crime_id.as_deref(),
            self.event_at,
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
    /// Subjects the rule could not judge (e.g. a crime with no report time).
    pub not_applicable: u64,
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
        }
    }

    pub fn add_finding(&mut self, kind: &str) {
        self.findings += 1;
        *self.by_kind.entry(kind.to_string()).or_default() += 1;
    }

    /// 1 − findings ÷ (checked − pending); `None` when nothing was decided.
    pub fn compliance(&self) -> Option<f64> {
        let decided = self.checked.saturating_sub(self.pending);
        (decided > 0).then(|| 1.0 - self.findings as f64 / decided as f64)
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
