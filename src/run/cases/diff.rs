//! How a case's findings now differ from those it expects, as counts and
//! in plain words.

use super::expected::{Expected, Key};
use std::collections::BTreeMap;

/// How the findings of a run differ from the expected ones.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// Found now, not expected.
    pub added: Vec<Expected>,
    /// Expected, not found now.
    pub gone: Vec<Expected>,
    /// The same finding with another severity, due or at: (was, now).
    pub changed: Vec<(Expected, Expected)>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.gone.is_empty() && self.changed.is_empty()
    }

    pub(super) fn count(&self) -> usize {
        self.added.len() + self.gone.len() + self.changed.len()
    }
}

/// Compares findings as multisets; what is left on both sides about the
/// same subject is a change, the rest added or gone.
pub fn diff(expected: &[Expected], found: &[Expected]) -> Diff {
    let mut counts: BTreeMap<&Expected, i64> = BTreeMap::new();
    for e in expected {
        *counts.entry(e).or_default() -= 1;
    }
    for f in found {
        *counts.entry(f).or_default() += 1;
    }
    let mut by_key: BTreeMap<Key, (Vec<&Expected>, Vec<&Expected>)> = BTreeMap::new();
    for (f, n) in counts {
        let (gone, added) = by_key.entry(f.key()).or_default();
        for _ in 0..n.unsigned_abs() {
            if n < 0 { gone.push(f) } else { added.push(f) }
        }
    }
    let mut d = Diff::default();
    for (_, (gone, added)) in by_key {
        let paired = gone.len().min(added.len());
        for (was, now) in gone.iter().zip(&added) {
            d.changed.push(((*was).clone(), (*now).clone()));
        }
        d.gone.extend(gone[paired..].iter().map(|f| (*f).clone()));
        d.added.extend(added[paired..].iter().map(|f| (*f).clone()));
    }
    d
}

/// Each difference in a line of plain words, ordered by rule, then by what
/// it is about.
pub fn describe(d: &Diff) -> Vec<String> {
    let mut lines: Vec<(Expected, String)> = Vec::new();
    let found = [
        (&d.added, "now found (was not)"),
        (&d.gone, "no longer found (was expected)"),
    ];
    for (findings, what) in found {
        for f in findings {
            let text = format!(
                "{} {}, {}: {}{} — {what}",
                f.rule,
                f.kind,
                f.severity,
                f.subject(),
                f.times()
            );
            lines.push((f.clone(), text));
        }
    }
    for (was, now) in &d.changed {
        let mut then = Vec::new();
        let mut since = Vec::new();
        for (word, a, b) in [
            ("severity", Some(&was.severity), Some(&now.severity)),
            ("due", was.due.as_ref(), now.due.as_ref()),
            ("at", was.at.as_ref(), now.at.as_ref()),
        ] {
            if a != b {
                let say = |t: Option<&String>| match t {
                    Some(t) => format!("{word} {t}"),
                    None => format!("no {word}"),
                };
                then.push(say(a));
                since.push(say(b));
            }
        }
        let text = format!(
            "{} {}: {} — now {} (was {})",
            now.rule,
            now.kind,
            now.subject(),
            since.join(", "),
            then.join(", ")
        );
        lines.push((now.clone(), text));
    }
    lines.sort_by(|(a, ta), (b, tb)| a.key().cmp(&b.key()).then_with(|| ta.cmp(tb)));
    lines.into_iter().map(|(_, t)| t).collect()
}
