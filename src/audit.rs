//! Audit sampling: the recording audit a registrar runs by hand.
//!
//! Rules catch what the data shows; whether an incident should have been
//! recorded as a crime needs a person to read its log. So audits work from
//! samples. An audit plan (`audit … { stratum … }` in a rule file) names
//! strata of incidents, each with a sample size. [`sample`] draws a
//! stratified simple random sample without replacement into a CSV
//! worksheet; auditors fill in its `verdict` column; [`score`] reads the
//! finished worksheet back, checks nobody edited what they should not have,
//! and estimates the recording rate with its 95% interval and the number
//! of crimes not recorded; [`render`] writes that as text, JSON or HTML.
//!
//! The worksheet carries everything scoring needs (stratum, population,
//! sample size, weight), so scoring reads nothing else. Each row also has a
//! `row_check`: a short hash of its incident id, stratum, population and
//! sample size, so a row the sample did not draw, or one whose stratum was
//! changed, is noticed. It guards against slips, not against forgery.

pub mod render;
pub mod sample;
pub mod score;

use sha2::{Digest, Sha256};

/// The worksheet's columns, in order. Scoring needs those in [`REQUIRED`];
/// the rest are context for the auditor, and `note` is theirs to fill in.
pub const COLUMNS: &[&str] = &[
    "incident_id",
    "stratum",
    "population",
    "sampled",
    "weight",
    "reported_at",
    "opening_code",
    "closing_code",
    "qualifiers",
    "rationale_recorded",
    "crime_ids",
    "offence_codes",
    "crime_statuses",
    "verdict",
    SHOULD_RECORD,
    RECORDED_CORRECTLY,
    "note",
    "row_check",
];

/// Per sampled incident: how many crimes the reviewer finds should have
/// been recorded, and how many of those were recorded correctly (HMICFRS's
/// unit is the crime, not the incident). Optional: a `verdict` alone
/// stands for 1 of 1, 0 of 1 or 0 of 0.
pub const SHOULD_RECORD: &str = "should_record";
pub const RECORDED_CORRECTLY: &str = "recorded_correctly";

/// The columns scoring needs.
pub const REQUIRED: &[&str] = &[
    "incident_id",
    "stratum",
    "population",
    "sampled",
    "weight",
    "verdict",
    "row_check",
];

/// An auditor's verdict on one sampled incident.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A crime should have been recorded, and was.
    Recorded,
    /// A crime should have been recorded, and was not.
    Unrecorded,
    /// No crime to record.
    NotCrime,
}

impl Verdict {
    pub const ALL: [Verdict; 3] = [Verdict::Recorded, Verdict::Unrecorded, Verdict::NotCrime];

    pub fn word(self) -> &'static str {
        match self {
            Verdict::Recorded => "recorded",
            Verdict::Unrecorded => "unrecorded",
            Verdict::NotCrime => "not-crime",
        }
    }

    /// A verdict as an auditor may type it: any case, spaces around.
    pub fn parse(s: &str) -> Option<Verdict> {
        let s = s.trim();
        Verdict::ALL
            .into_iter()
            .find(|v| v.word().eq_ignore_ascii_case(s))
    }

    /// y: 1 when a crime was recorded.
    pub fn y(self) -> f64 {
        if self == Verdict::Recorded { 1.0 } else { 0.0 }
    }

    /// x: 1 when there was a crime to record.
    pub fn x(self) -> f64 {
        if self == Verdict::NotCrime { 0.0 } else { 1.0 }
    }
}

/// The `row_check` of a worksheet row: 8 hex digits of a SHA-256 over the
/// fields a row must keep as drawn.
pub fn row_check(incident_id: &str, stratum: &str, population: u64, sampled: u64) -> String {
    let mut h = Sha256::new();
    for part in [
        "hocr audit row",
        incident_id,
        stratum,
        &population.to_string(),
        &sampled.to_string(),
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.finalize()[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A weight, population ÷ sampled, as the worksheet writes it: at most six
/// decimals, without trailing zeros (`10`, `2.5`, `3.333333`).
pub fn weight_text(population: u64, sampled: u64) -> String {
    let w = population as f64 / sampled as f64;
    let s = format!("{w:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Line numbers as short runs: `2–5, 9, 11–12`.
pub fn lines_text(lines: &[u64]) -> String {
    let mut sorted = lines.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts = Vec::new();
    let mut k = 0;
    while k < sorted.len() {
        let start = sorted[k];
        let mut end = start;
        while k + 1 < sorted.len() && sorted[k + 1] == end + 1 {
            k += 1;
            end = sorted[k];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}–{end}")
        });
        k += 1;
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_written_without_float_noise() {
        assert_eq!(weight_text(100, 10), "10");
        assert_eq!(weight_text(5, 2), "2.5");
        assert_eq!(weight_text(10, 3), "3.333333");
        assert_eq!(weight_text(4, 4), "1");
    }

    #[test]
    fn line_runs() {
        assert_eq!(lines_text(&[9, 2, 3, 4, 5, 11, 12, 3]), "2–5, 9, 11–12");
        assert_eq!(lines_text(&[7]), "7");
        assert_eq!(lines_text(&[]), "");
    }

    #[test]
    fn row_checks_change_with_every_field_they_cover() {
        let base = row_check("I1", "violence", 100, 10);
        assert_eq!(base.len(), 8);
        assert_eq!(base, row_check("I1", "violence", 100, 10));
        for other in [
            row_check("I2", "violence", 100, 10),
            row_check("I1", "sexual", 100, 10),
            row_check("I1", "violence", 101, 10),
            row_check("I1", "violence", 100, 11),
            // The separator keeps `I1` + `0violence` apart from `I10` + `violence`.
            row_check("I10", "violence", 100, 10),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn verdicts_as_typed() {
        assert_eq!(Verdict::parse(" Recorded "), Some(Verdict::Recorded));
        assert_eq!(Verdict::parse("NOT-CRIME"), Some(Verdict::NotCrime));
        assert_eq!(Verdict::parse("not crime"), None);
        assert_eq!(Verdict::parse(""), None);
    }

    fn checked(text: &str) -> (Option<crate::lang::plan::Plan>, Vec<String>) {
        let (plan, diags) = crate::lang::check::check(vec![crate::lang::plan::RuleFile {
            name: "t.hocr".into(),
            text: format!("edition \"HOCR April 2026\"\n{text}"),
        }]);
        let diags = diags
            .into_iter()
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect();
        (plan, diags)
    }

    #[test]
    fn a_plan_compiles_its_strata_in_order() {
        let (plan, diags) = checked(
            "group v = \"CRIME-VIOLENCE\"\naudit a \"t\" {\n  source \"s\"\n  stratum violence \"Violence\" where closing_code in v sample 60\n  stratum rest where closing_code not in v half-width 5% expecting 90%\n}\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let plan = plan.unwrap();
        let a = &plan.audits[0];
        assert_eq!((a.name.as_str(), a.sources.len()), ("a", 1));
        let names: Vec<&str> = a.strata.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["violence", "rest"]);
        assert_eq!(a.strata[0].label.as_deref(), Some("Violence"));
        assert_eq!(a.strata[0].size, crate::lang::plan::SampleSize::Count(60));
        assert_eq!(
            a.strata[1].size,
            crate::lang::plan::SampleSize::HalfWidth {
                half_width: 0.05,
                expected: 0.9
            }
        );
    }

    #[test]
    fn a_stratum_is_about_incidents() {
        let (plan, diags) =
            checked("audit a \"t\" {\n  stratum s where offence_code is \"8N\" sample 1\n}\n");
        assert!(plan.is_none());
        assert_eq!(diags, ["E002: each incident has no field `offence_code`"]);
        // An incident's crimes are reached as in a rule.
        let (plan, diags) = checked(
            "audit a \"t\" {\n  stratum s where any crimes where offence_code is \"8N\" sample 1\n  stratum t where no crimes sample 1\n}\n",
        );
        assert!(plan.is_some() && diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn names_are_declared_once() {
        let (_, diags) = checked(
            "audit a \"t\" {\n  stratum s where true sample 1\n  stratum s where false sample 1\n}\naudit a \"u\" {\n  stratum x where closing_code is empty sample 1\n}\n",
        );
        assert_eq!(
            diags,
            [
                "W006: stratum `s` takes every incident, so it overlaps every other stratum",
                "E007: stratum `s` is declared twice in audit plan `a`",
                "W002: this condition can never be true",
                "E007: audit plan `a` is declared twice",
            ]
        );
    }
}
