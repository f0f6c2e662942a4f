//! The expected file (`expected.jsonl`): one finding a line, as a case
//! expects it, written and read back byte for byte.

use crate::data::time::Instant;
use serde::{Deserialize, Serialize};

/// One finding as a case expects it: what the finding is about and its
/// outcome (severity, due, at), never the message, which is rule text.
/// Fields are written in this order, the optional ones only when set, so
/// the same findings always give the same bytes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Expected {
    pub rule: String,
    pub kind: String,
    pub severity: String,
    pub incident_id: Option<String>,
    pub crime_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub due: Option<String>,
    pub at: Option<String>,
}

impl Expected {
    pub(super) fn of(f: &crate::run::findings::Finding) -> Expected {
        Expected {
            rule: f.rule.to_string(),
            kind: f.kind.to_string(),
            severity: f.severity.name().to_string(),
            incident_id: f.incident_id.as_deref().map(str::to_string),
            crime_id: f.crime_id.as_deref().map(str::to_string),
            event: f.event.map(|e| e.to_string()),
            event_at: f.event_at.get().map(Instant::format_utc),
            field: f.field.map(|e| e.to_string()),
            due: f.due.get().map(Instant::format_utc),
            at: f.at.get().map(Instant::format_utc),
        }
    }

    /// What makes a finding the same finding across runs: its rule, what
    /// it is about and its kind (sorted rule first, then as SPEC §4 sorts).
    pub(super) fn key(&self) -> Key<'_> {
        (
            &self.rule,
            &self.incident_id,
            &self.crime_id,
            &self.event_at,
            &self.event,
            &self.field,
            &self.kind,
        )
    }

    /// "incident I1, crime C1, update `arrest` at …, field `recorded_at`"
    pub(super) fn subject(&self) -> String {
        let mut parts = Vec::new();
        if let Some(id) = &self.incident_id {
            parts.push(format!("incident {id}"));
        }
        if let Some(id) = &self.crime_id {
            parts.push(format!("crime {id}"));
        }
        match (&self.event, &self.event_at) {
            (Some(e), Some(t)) => parts.push(format!("update `{e}` at {t}")),
            (Some(e), None) => parts.push(format!("update `{e}`")),
            (None, Some(t)) => parts.push(format!("update at {t}")),
            (None, None) => {}
        }
        if let Some(f) = &self.field {
            parts.push(format!("field `{f}`"));
        }
        parts.join(", ")
    }

    /// ": due …, at …", or nothing when the finding has neither.
    pub(super) fn times(&self) -> String {
        let parts: Vec<String> = [("due", &self.due), ("at", &self.at)]
            .into_iter()
            .filter_map(|(w, t)| t.as_ref().map(|t| format!("{w} {t}")))
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!(": {}", parts.join(", "))
        }
    }
}

/// A finding's identity across runs: rule, incident, crime, update time,
/// update, field, kind ([`Expected::key`]).
pub(super) type Key<'a> = (
    &'a str,
    &'a Option<String>,
    &'a Option<String>,
    &'a Option<String>,
    &'a Option<String>,
    &'a Option<String>,
    &'a str,
);

/// The expected file's text for these findings: one line each, in the
/// order given (the run's, SPEC §4).
pub fn expected_text(findings: &[Expected]) -> String {
    let mut text = String::new();
    for f in findings {
        text.push_str(&serde_json::to_string(f).expect("plain strings serialise"));
        text.push('\n');
    }
    text
}

/// Reads an expected file; an error names the line.
pub fn parse_expected(text: &str) -> Result<Vec<Expected>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Expected = serde_json::from_str(line).map_err(|e| {
            let message = e.to_string();
            let message = message
                .rfind(" at line ")
                .map_or(message.as_str(), |at| &message[..at]);
            format!(
                "line {}: not a finding: {message} (each line is one finding, as `--accept` writes them)",
                n + 1
            )
        })?;
        out.push(f);
    }
    Ok(out)
}
