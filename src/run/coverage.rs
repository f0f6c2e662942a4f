//! Coverage: whether the rules saw what the export holds. A rule that
//! checked nothing, and codes that no group (and no code written in a
//! rule) of the rule set mentions, are the first sign that a force's code
//! mapping is wrong: a closing code spelt `CRIM-VIOLENCE` is never
//! `crime-related`, and the rule that should judge it judges nothing,
//! silently, at 100%.
//!
//! Which fields are counted comes from the schema: every field read as a
//! code, an offence code or a list of codes (`records::FieldType`), that
//! is, every field whose vocabulary is the force's own. Fields with a
//! fixed vocabulary (`status`, `event`) are checked when read.

use crate::data::records::{Code, FieldType, Record, Table, Val};
use crate::lang::plan::{CExpr, Const, Plan};
use crate::run::findings::{CodeCount, RuleStats};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// Whether the export's codes of this field are counted.
fn counted(ty: FieldType) -> bool {
    matches!(
        ty,
        FieldType::Code | FieldType::Offence | FieldType::CodeList
    )
}

/// Counts each code of each counted field, per evaluator (each thread has
/// its own; [`CodeTally::into_counts`] puts them together). Codes are
/// shared copies (see `ingest::intern`), so a code is counted by its
/// address, without hashing its text, in a small direct-mapped table per
/// field (a column's vocabulary is a few dozen codes); a code that loses
/// its slot has its count moved to a hash map. Each slot keeps its code,
/// so an address stays that code's while it is counted.
pub struct CodeTally {
    /// Per table, the counted fields: (field index, its tally).
    fields: [Vec<(usize, FieldTally)>; 3],
}

/// Slots in each field's table.
const SLOTS: usize = 256;

struct FieldTally {
    slots: Box<[Option<(Code, u64)>]>,
    /// Counts moved out of their slot, by address.
    spilled: FxHashMap<usize, (Code, u64)>,
}

impl FieldTally {
    fn new() -> FieldTally {
        FieldTally {
            slots: (0..SLOTS).map(|_| None).collect(),
            spilled: FxHashMap::default(),
        }
    }

    #[inline]
    fn add(&mut self, c: &Code) {
        let address = c.address();
        // Fibonacci hashing: the top 8 bits of the product.
        let k = (address as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56;
        match &mut self.slots[k as usize] {
            Some((code, n)) if code.address() == address => *n += 1,
            slot => Self::miss(slot, &mut self.spilled, c),
        }
    }

    #[cold]
    fn miss(slot: &mut Option<(Code, u64)>, spilled: &mut FxHashMap<usize, (Code, u64)>, c: &Code) {
        if let Some((old, n)) = slot.take() {
            spilled.entry(old.address()).or_insert((old, 0)).1 += n;
        }
        *slot = Some((c.clone(), 1));
    }

    fn drain(self) -> impl Iterator<Item = (Code, u64)> {
        self.slots
            .into_vec()
            .into_iter()
            .flatten()
            .chain(self.spilled.into_values())
    }
}

impl Default for CodeTally {
    fn default() -> CodeTally {
        CodeTally::new()
    }
}

impl CodeTally {
    pub fn new() -> CodeTally {
        CodeTally {
            fields: Table::ALL.map(|t| {
                t.fields()
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| counted(f.ty))
                    .map(|(n, _)| (n, FieldTally::new()))
                    .collect()
            }),
        }
    }

    /// Counts the codes of one record.
    #[inline]
    pub fn record<R: Record>(&mut self, r: &R) {
        for (field, tally) in &mut self.fields[R::TABLE as usize] {
            match r.get(*field) {
                Val::Code(c) => tally.add(c),
                Val::List(list) => {
                    for c in list {
                        tally.add(c);
                    }
                }
                _ => {}
            }
        }
    }

    /// Every code counted, by table, field and code; counts of codes with
    /// the same text (read by different threads) added together.
    pub fn into_counts(tallies: impl IntoIterator<Item = CodeTally>) -> Vec<CodeCount> {
        let mut by_text: std::collections::BTreeMap<(Table, usize, String), u64> =
            std::collections::BTreeMap::new();
        for tally in tallies {
            for (t, fields) in tally.fields.into_iter().enumerate() {
                for (f, field) in fields {
                    for (code, n) in field.drain() {
                        *by_text
                            .entry((Table::ALL[t], f, code.to_string()))
                            .or_default() += n;
                    }
                }
            }
        }
        by_text
            .into_iter()
            .map(|((table, field, code), count)| CodeCount {
                table,
                field: table.fields()[field].name,
                code,
                count,
            })
            .collect()
    }
}

/// What a report warns about coverage.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Coverage {
    /// Rules that checked no subject at all, where neither their window
    /// (`applies`) nor a missing column (`needs`) says why: those are told
    /// apart in the reports' editions section.
    pub rules_checking_nothing: Vec<String>,
    /// Codes in the export that no group of the rule set contains and no
    /// rule names, most frequent first within each field.
    pub codes_no_rule_mentions: Vec<CodeCount>,
}

impl Coverage {
    pub fn of(plan: &Plan, stats: &[RuleStats], codes: &[CodeCount]) -> Coverage {
        let (literals, classified) = mentions(plan);
        let mut unmentioned: Vec<CodeCount> = codes
            .iter()
            .filter(|c| {
                c.table
                    .field_index(c.field)
                    .is_some_and(|f| classified.contains(&(c.table, f)))
            })
            .filter(|c| {
                !literals.contains(c.code.as_str())
                    && !plan.groups.iter().any(|g| g.contains(&c.code))
            })
            .cloned()
            .collect();
        let place = |c: &CodeCount| (c.table, c.table.field_index(c.field));
        unmentioned.sort_by(|a, b| {
            place(a)
                .cmp(&place(b))
                .then(b.count.cmp(&a.count))
                .then_with(|| a.code.cmp(&b.code))
        });
        Coverage {
            rules_checking_nothing: stats
                .iter()
                .filter(|s| s.checked == 0 && s.outside_window == 0 && s.not_judged == 0)
                .map(|s| s.rule.clone())
                .collect(),
            codes_no_rule_mentions: unmentioned,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rules_checking_nothing.is_empty() && self.codes_no_rule_mentions.is_empty()
    }

    /// The warnings as sentences, the same in every format: one per rule
    /// that checked nothing, one per field with codes no rule mentions.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self.rules_checking_nothing.as_slice() {
            [] => {}
            [rule] => out.push(format!(
                "rule {rule} checked nothing: no record of the export met its conditions (are the export's codes mapped as the rules expect?)"
            )),
            rules => out.push(format!(
                "{} rules checked nothing: {} (no record of the export met their conditions: are the export's codes mapped as the rules expect?)",
                rules.len(),
                rules.join(", ")
            )),
        }
        let mut k = 0;
        let codes = &self.codes_no_rule_mentions;
        while k < codes.len() {
            let (table, field) = (codes[k].table, codes[k].field);
            let end = codes[k..]
                .iter()
                .position(|c| (c.table, c.field) != (table, field))
                .map_or(codes.len(), |e| k + e);
            let listed: Vec<String> = codes[k..end]
                .iter()
                .map(|c| format!("{} ({})", c.code, c.count))
                .collect();
            out.push(format!(
                "{} {field}: {} code{} no group or rule of the rule set mentions: {}",
                table.name(),
                end - k,
                if end - k == 1 { "" } else { "s" },
                listed.join(", ")
            ));
            k = end;
        }
        out
    }
}

/// Every text literal of the plan's rules, definitions and audit strata
/// (normalised as codes are), and the fields the plan classifies: those
/// tested against a group or compared with a literal. Only those fields'
/// codes are warned about: a field the rules only ask to be present (a
/// force's name in a transfer) has no vocabulary the rules must know.
type Mentions<'p> = (
    rustc_hash::FxHashSet<&'p str>,
    rustc_hash::FxHashSet<(Table, usize)>,
);

fn mentions(plan: &Plan) -> Mentions<'_> {
    fn walk<'p>(e: &'p CExpr, out: &mut Mentions<'p>) {
        match e {
            CExpr::Const(Const::Str(s)) => {
                out.0.insert(s);
            }
            CExpr::In(x, _, _) | CExpr::Cmp(_, x, _) | CExpr::Contains(x, _) => {
                if let CExpr::Field(t, f) = **x {
                    out.1.insert((t, f));
                }
            }
            _ => {}
        }
        if let CExpr::Cmp(_, _, y) = e
            && let CExpr::Field(t, f) = **y
        {
            out.1.insert((t, f));
        }
        for c in e.children() {
            walk(c, out);
        }
    }
    let mut out: Mentions = Default::default();
    for e in &plan.defines {
        walk(e, &mut out);
    }
    for rule in &plan.rules {
        for check in &rule.checks {
            let exprs = check.filters.iter().chain(&check.exemptions);
            for e in exprs.chain(check.severity.arms.iter().map(|(_, c)| c)) {
                walk(e, &mut out);
            }
            match &check.requirement {
                crate::lang::plan::Requirement::Holds { cond, grace } => {
                    walk(cond, &mut out);
                    if let Some((a, b)) = grace {
                        walk(a, &mut out);
                        walk(b, &mut out);
                    }
                }
                crate::lang::plan::Requirement::Deadline {
                    done,
                    within,
                    anchor,
                } => {
                    for e in [done, within, anchor] {
                        walk(e, &mut out);
                    }
                }
            }
        }
    }
    for audit in &plan.audits {
        for s in &audit.strata {
            walk(&s.filter, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// More codes than slots: every count survives being moved out of its
    /// slot, and the same text counted by two tallies is added up.
    #[test]
    fn counts_survive_spilling_and_merging() {
        let codes: Vec<Code> = (0..1000).map(|n| Code::new(&format!("C{n}"))).collect();
        let mut one = FieldTally::new();
        for round in 0..3 {
            for (n, c) in codes.iter().enumerate() {
                if n % 3 >= round {
                    one.add(c);
                }
            }
        }
        let mut counted: Vec<(String, u64)> = Vec::new();
        for (c, n) in one.drain() {
            match counted.iter_mut().find(|(t, _)| **t == *c) {
                Some((_, m)) => *m += n,
                None => counted.push((c.to_string(), n)),
            }
        }
        counted.sort();
        assert_eq!(counted.len(), 1000);
        for (text, n) in counted {
            let k: usize = text[1..].parse().unwrap();
            assert_eq!(n, (k % 3 + 1) as u64, "{text}");
        }
    }
}
