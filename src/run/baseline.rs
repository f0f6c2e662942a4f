//! Run-to-run changes: compares this run's findings with an earlier run's
//! output (`--baseline`), marking each finding new or persisting and
//! counting the baseline's findings that are gone as resolved. Only a
//! whole `--format json` report is a baseline (docs/report-json.md).

use crate::data::time::Instant;
use crate::run::findings::Finding;
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

use crate::run::findings::Status;

/// What a report says about its baseline: the file, whether it was there
/// (`--baseline-if-exists`), what it was made from and, when compared, the
/// counts.
#[derive(Clone, Debug, Serialize)]
pub struct Changes {
    pub file: String,
    /// False only under `--baseline-if-exists` with no file: no comparison.
    pub found: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Instant>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules_fingerprint: Option<String>,
    /// Whether the baseline was made with this run's rule set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_rules: Option<bool>,
    #[serde(flatten)]
    pub counts: Option<Counts>,
}

impl Changes {
    /// What stderr says about the baseline, when anything: a summary in
    /// JSON may not be read by a person.
    pub fn note(&self) -> Option<String> {
        if !self.found {
            Some(format!(
                "note: baseline `{}` does not exist: no comparison",
                self.file
            ))
        } else if self.same_rules == Some(false) {
            Some(format!(
                "warning: baseline `{}` was made with another rule set: findings of rules changed since may show as new or resolved",
                self.file
            ))
        } else {
            None
        }
    }
}

/// The counts a report shows, overall and per rule.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Counts {
    pub new: u64,
    pub persisting: u64,
    pub resolved: u64,
    #[serde(skip)]
    pub per_rule: BTreeMap<String, (u64, u64, u64)>,
    pub resolved_findings: Vec<Identity>,
}

/// New, persisting and resolved findings of one rule or theme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ChangeCounts {
    pub new: u64,
    pub persisting: u64,
    pub resolved: u64,
}

impl Counts {
    /// Per rule, in code order.
    pub fn by_rule(&self) -> Vec<(String, ChangeCounts)> {
        self.per_rule
            .iter()
            .map(|(rule, &(new, persisting, resolved))| {
                (
                    rule.clone(),
                    ChangeCounts {
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
    pub fn by_theme(
        &self,
        stats: &[crate::run::findings::RuleStats],
    ) -> Vec<(String, ChangeCounts)> {
        let mut out: Vec<(String, ChangeCounts)> = Vec::new();
        for s in stats {
            if !out.iter().any(|(t, _)| *t == s.theme) {
                out.push((s.theme.clone(), ChangeCounts::default()));
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
                    out.push((theme.to_string(), ChangeCounts::default()));
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

/// An earlier `--format json` report, checked whole.
#[derive(Debug)]
pub struct Baseline {
    pub file: String,
    pub as_of: Instant,
    pub rules_fingerprint: String,
    pub findings: Vec<Identity>,
}

/// Reads the baseline at `path`. `Ok(None)`: there is no such file and
/// `if_exists` allows that (the first night). Everything else that is not
/// a whole hocr JSON report as of no later than `as_of` is an error with
/// the reason: a baseline that cannot be trusted must never make every
/// finding "new" or every missing one "resolved".
pub fn load(path: &Path, if_exists: bool, as_of: Instant) -> Result<Option<Baseline>, String> {
    let file = path.display().to_string();
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && if_exists => return Ok(None),
        Err(e) => {
            let hint = if e.kind() == std::io::ErrorKind::NotFound {
                " (on the first night there is none: use --baseline-if-exists)"
            } else {
                ""
            };
            return Err(format!("cannot read baseline `{file}`: {e}{hint}"));
        }
    };
    let unusable = |why: String| {
        format!(
            "baseline `{file}` cannot be used: {why}; a baseline is a whole report written by `hocr check --format json`"
        )
    };
    let text = String::from_utf8(text).map_err(|_| unusable("it is not UTF-8 text".into()))?;
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(unusable(
            "it is empty (was the run that wrote it cut short?)".into(),
        ));
    }
    let first_line = trimmed.lines().next().unwrap_or("");
    let is_finding = serde_json::from_str::<serde_json::Value>(first_line)
        .is_ok_and(|v| v.get("rule").is_some() && v.get("tool").is_none());
    if is_finding {
        return Err(unusable(
            "it is JSON Lines (`--format jsonl`), which cannot show that it is complete: a file cut at a line boundary reads like a whole one".into(),
        ));
    }
    #[derive(Deserialize)]
    struct Tool {
        name: String,
    }
    #[derive(Deserialize)]
    struct Rules {
        fingerprint: String,
    }
    #[derive(Deserialize)]
    struct Document {
        tool: Tool,
        as_of: String,
        rules: Rules,
        findings: Vec<Identity>,
        /// Written last; older reports lack it (their JSON still proves
        /// them whole: a cut document does not parse).
        findings_total: Option<u64>,
    }
    let doc: Document = match serde_json::from_str(&text) {
        Ok(doc) => doc,
        Err(e) if e.is_eof() => {
            return Err(unusable(format!(
                "it is cut short after {} bytes",
                text.len()
            )));
        }
        Err(e) => return Err(unusable(format!("it is not an hocr JSON report ({e})"))),
    };
    if doc.tool.name != "hocr" {
        return Err(unusable(format!(
            "it was written by `{}`, not hocr",
            doc.tool.name
        )));
    }
    if let Some(total) = doc.findings_total
        && total != doc.findings.len() as u64
    {
        return Err(unusable(format!(
            "it says it holds {total} findings but holds {}: it was edited or damaged",
            doc.findings.len()
        )));
    }
    let then = crate::data::time::Clock::new(chrono_tz::UTC)
        .parse(&doc.as_of)
        .map_err(|e| unusable(format!("its `as_of` is not a time ({e})")))?
        .0;
    if then > as_of {
        return Err(format!(
            "baseline `{file}` is as of {}, later than this run's as-of {}: comparing with a later report would count findings still to come as resolved; check the file name and --as-of",
            then.format_utc(),
            as_of.format_utc()
        ));
    }
    Ok(Some(Baseline {
        file,
        as_of: then,
        rules_fingerprint: doc.rules.fingerprint,
        findings: doc.findings.into_iter().map(Identity::normalised).collect(),
    }))
}

/// What the report says when `--baseline-if-exists` found no file.
pub fn absent(path: &Path) -> Changes {
    Changes {
        file: path.display().to_string(),
        found: false,
        as_of: None,
        rules_fingerprint: None,
        same_rules: None,
        counts: None,
    }
}

/// Marks each finding and counts what changed.
/// `fingerprint` is this run's rule set's.
pub fn compare(baseline: &Baseline, fingerprint: &str, findings: &mut [Finding]) -> Changes {
    let before: HashSet<&Identity> = baseline.findings.iter().collect();
    let mut now = HashSet::new();
    let mut changes = Counts::default();
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
    for id in &baseline.findings {
        if !now.contains(id) && seen.insert(id) {
            changes.resolved += 1;
            changes.per_rule.entry(id.rule.clone()).or_default().2 += 1;
            changes.resolved_findings.push(id.clone());
        }
    }
    Changes {
        file: baseline.file.clone(),
        found: true,
        as_of: Some(baseline.as_of),
        rules_fingerprint: Some(baseline.rules_fingerprint.clone()),
        same_rules: Some(baseline.rules_fingerprint == fingerprint),
        counts: Some(changes),
    }
}
