//! The worksheet's header: which column holds what. Columns are found by
//! name, not place, so an auditor's spreadsheet may reorder them; only
//! the ones scoring needs ([`REQUIRED`]) must be there.

use super::Problem;
use crate::audit::{RECORDED_CORRECTLY, REQUIRED, SHOULD_RECORD};

/// Where each column scoring reads is in this worksheet. An optional
/// column the worksheet lacks is at `usize::MAX`, which no row reaches:
/// its cells read as empty.
#[derive(Clone, Copy, Debug)]
pub(super) struct Columns {
    pub incident_id: usize,
    pub stratum: usize,
    pub population: usize,
    pub sampled: usize,
    pub weight: usize,
    pub verdict: usize,
    pub row_check: usize,
    // Optional: worksheets drawn before they existed have verdicts only.
    pub should_record: usize,
    pub recorded_correctly: usize,
}

/// The columns the first record names, or the problem with it: unreadable,
/// absent (an empty file) or lacking a column scoring needs.
pub(super) fn read_header(
    first: Option<csv::Result<csv::StringRecord>>,
) -> Result<Columns, Problem> {
    let header = match first {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            return Err(Problem {
                line: Some(1),
                message: format!("the header cannot be read: {e}"),
            });
        }
        None => {
            return Err(Problem {
                line: None,
                message: "the worksheet is empty: it has no header".into(),
            });
        }
    };
    let names = column_names(&header);
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|c| !names.iter().any(|n| n == c))
        .collect();
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|c| format!("`{c}`")).collect();
        return Err(Problem {
            line: Some(1),
            message: format!(
                "missing column{} {}: a worksheet from `hocr audit sample` has them; do not delete or rename columns",
                if missing.len() == 1 { "" } else { "s" },
                list.join(", ")
            ),
        });
    }
    let col = |name: &str| names.iter().position(|n| n == name).unwrap_or(usize::MAX);
    Ok(Columns {
        incident_id: col("incident_id"),
        stratum: col("stratum"),
        population: col("population"),
        sampled: col("sampled"),
        weight: col("weight"),
        verdict: col("verdict"),
        row_check: col("row_check"),
        should_record: col(SHOULD_RECORD),
        recorded_correctly: col(RECORDED_CORRECTLY),
    })
}

/// The header's names as scoring compares them: trimmed, lower case, and
/// without the byte-order mark the worksheet starts with (for Excel).
fn column_names(header: &csv::StringRecord) -> Vec<String> {
    header
        .iter()
        .enumerate()
        .map(|(n, h)| {
            let h = if n == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            };
            h.trim().to_ascii_lowercase()
        })
        .collect()
}
