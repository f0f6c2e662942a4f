//! Run-to-run changes: compares this run's findings with an earlier run's
//! output (`--baseline`), marking each finding new or persisting and
//! counting the baseline's findings that are gone as resolved.

use crate::findings::Finding;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// What makes two findings the same: the rule, the kind and the subject
/// (incident, crime, update event or value), never the message.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Identity {
    pub rule: String,
    pub kind: String,
    pub incident_id: Option<String>,
    pub crime_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Identity {
    pub fn of(f: &Finding) -> Identity {
        Identity {
            rule: f.rule.to_string(),
            kind: f.kind.to_string(),
            // A crime's identity is the crime, whatever incident it moves to.
            incident_id: if f.crime_id.is_some() {
                None
            } else {
                f.incident_id.as_deref().map(str::to_string)
            },
            crime_id: f.crime_id.as_deref().map(str::to_string),
            event: f.event.map(|e| e.to_string()),
            event_at: f.event_at.get().map(|t| t.format_utc()),
            field: f.field.map(|e| e.to_string()),
        }
    }

    fn normalised(mut self) -> Identity {
        if self.crime_id.is_some() {
            self.incident_id = None;
        }
        self
    }
}

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

/// The counts a report shows, overall and per rule.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Changes {
    pub new: u64,
    pub persisting: u64,
    pub resolved: u64,
    #[serde(skip)]
    pub per_rule: BTreeMap<String, (u64, u64, u64)>,
    pub resolved_findings: Vec<Identity>,
}

/// New, persisting and resolved findings of one rule or theme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub new: u64,
    pub persisting: u64,
    pub resolved: u64,
}

impl Changes {
    /// Per rule, in code order.
    pub fn by_rule(&self) -> Vec<(String, Counts)> {
        self.per_rule
            .iter()
            .map(|(rule, &(new, persisting, resolved))| {
                (
                    rule.clone(),
                    Counts {
                        new,
                        persisting,
                        resolved,
                    },
                )
            })
            .collect()
    }

    /// Per theme of the rules in `stats`, in their order of first
    /// appearance; a rule the rule set no longer has is under `(rule gone)`.
    pub fn by_theme(&self, stats: &[crate::findings::RuleStats]) -> Vec<(String, Counts)> {
        let mut out: Vec<(String, Counts)> = Vec::new();
        for s in stats {
            if !out.iter().any(|(t, _)| *t == s.theme) {
                out.push((s.theme.clone(), Counts::default()));
            }
        }
        for (rule, c) in self.by_rule() {
            let theme = stats
                .iter()
                .find(|s| s.rule == rule)
                .map_or("(rule gone)", |s| s.theme.as_str());
            let k = match out.iter().position(|(t, _)| t == theme) {
                Some(k) => k,
                None => {
                    out.push((theme.to_string(), Counts::default()));
                    out.len() - 1
                }
            };
            let t = &mut out[k].1;
            t.new += c.new;
            t.persisting += c.persisting;
            t.resolved += c.resolved;
        }
        out
    }
}

/// Reads an earlier run's `--format jsonl` or `--format json` output.
pub fn load(path: &Path) -> Result<Vec<Identity>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline `{}`: {e}", path.display()))?;
    let not_output = |why: String| {
        format!(
            "`{}` is not an earlier hocr output ({why}); use a file written by `hocr check --format jsonl` or `--format json`",
            path.display()
        )
    };
    let trimmed = text.trim_start();
    if trimmed.starts_with('{')
        && !trimmed
            .lines()
            .next()
            .is_some_and(|l| l.trim_end().ends_with('}'))
    {
        #[derive(Deserialize)]
        struct Document {
            findings: Vec<Identity>,
        }
        let doc: Document = serde_json::from_str(&text).map_err(|e| not_output(e.to_string()))?;
        return Ok(doc.findings.into_iter().map(Identity::normalised).collect());
    }
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let id: Identity =
            serde_json::from_str(line).map_err(|e| not_output(format!("line {}: {e}", n + 1)))?;
        out.push(id.normalised());
    }
    Ok(out)
}

/// Marks each finding and counts what changed.
pub fn compare(baseline: &[Identity], findings: &mut [Finding]) -> Changes {
    let before: HashSet<&Identity> = baseline.iter().collect();
    let mut now = HashSet::new();
    let mut changes = Changes::default();
    for f in findings.iter_mut() {
        let id = Identity::of(f);
        let entry = changes.per_rule.entry(f.rule.to_string()).or_default();
        if before.contains(&id) {
            f.status = Some(Status::Persisting);
            changes.persisting += 1;
            entry.1 += 1;
        } else {
            f.status = Some(Status::New);
            changes.new += 1;
            entry.0 += 1;
        }
        now.insert(id);
    }
    let mut seen = HashSet::new();
    for id in baseline {
        if !now.contains(id) && seen.insert(id) {
            changes.resolved += 1;
            changes.per_rule.entry(id.rule.clone()).or_default().2 += 1;
            changes.resolved_findings.push(id.clone());
        }
    }
    changes
}
