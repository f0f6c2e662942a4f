//! Reading a finished worksheet: the file, its header ([`super::columns`]),
//! its rows one by one ([`super::row`]), and the checks across rows (each
//! incident once, each stratum as drawn).

use super::columns::{Columns, read_header};
use super::row::{RowFields, read_row};
use super::{Problem, Sheet, SheetStratum};
use crate::audit::lines_text;
use std::collections::HashMap;
use std::io::Read;

/// Reads and checks a worksheet. Every problem is reported, each with its
/// line: missing columns, blank (unless `allow_incomplete`) or unknown
/// verdicts, counts that are not whole numbers, recorded_correctly above
/// should_record, counts that contradict the verdict, duplicated incident ids, rows the sample did not draw (their
/// `row_check` does not match), edited weights, populations or sample sizes,
/// and strata with more or fewer rows than were drawn.
pub fn read(input: impl Read, allow_incomplete: bool) -> Result<Sheet, Vec<Problem>> {
    let bytes = read_bytes(input).map_err(|p| vec![p])?;
    let mut records = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(bytes.as_slice())
        .into_records();
    let cols = read_header(records.next()).map_err(|p| vec![p])?;
    let mut problems = Vec::new();
    let read = read_rows(records, &bytes, &cols, &mut problems);
    if !allow_incomplete && !read.blank.is_empty() {
        problems.push(unfinished(&read.blank));
    }
    let strata = check_rows(&read.rows, &read.stratum_lines, &mut problems);
    if read.rows.is_empty() && problems.is_empty() {
        problems.push(Problem {
            line: None,
            message: "the worksheet has no rows".into(),
        });
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(problems);
    }
    Ok(Sheet {
        strata: strata.into_iter().map(|(s, _)| s).collect(),
    })
}

fn read_bytes(mut input: impl Read) -> Result<Vec<u8>, Problem> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).map_err(|e| Problem {
        line: None,
        message: format!("cannot read: {e}"),
    })?;
    Ok(bytes)
}

/// The line (1-based) of the record that starts at `byte`.
fn line_at(bytes: &[u8], byte: u64) -> u64 {
    // The csv reader's own line count goes astray with CRLF line ends (a
    // record's start is counted before the `\n` of the line end before it):
    // count lines from the record's byte offset instead.
    let mut at = (byte as usize).min(bytes.len());
    while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
        at += 1;
    }
    bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// The rows after the header, as read one by one.
struct Rows {
    /// The rows sound on their own.
    rows: Vec<RowFields>,
    /// The lines of those without a verdict or counts.
    blank: Vec<u64>,
    /// Every row that names a stratum, sound or not, to count each
    /// stratum's rows.
    stratum_lines: Vec<(String, u64)>,
}

fn read_rows(
    records: impl Iterator<Item = csv::Result<csv::StringRecord>>,
    bytes: &[u8],
    cols: &Columns,
    problems: &mut Vec<Problem>,
) -> Rows {
    let mut read = Rows {
        rows: Vec::new(),
        blank: Vec::new(),
        stratum_lines: Vec::new(),
    };
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(bytes, p.byte()));
                problems.push(Problem::at(line, format!("this row cannot be read: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_at(bytes, p.byte()));
        if let Some(row) = read_row(&record, line, cols, problems, &mut read.stratum_lines) {
            if row.crimes.is_none() {
                read.blank.push(line);
            }
            read.rows.push(row);
        }
    }
    read
}

/// The one problem naming every row without a verdict or counts, at the
/// first of them.
fn unfinished(blank: &[u64]) -> Problem {
    Problem::at(
        blank[0],
        format!(
            "{} without a verdict or counts (line{} {}); fill them in, or score what is done with `--allow-incomplete`",
            rows_word(blank.len()),
            if blank.len() == 1 { "" } else { "s" },
            lines_text(blank)
        ),
    )
}

/// Checks across rows: each incident once; each stratum with one population
/// and sample size, and as many rows as were drawn. The strata, each with
/// the line it first appears on.
fn check_rows(
    rows: &[RowFields],
    stratum_lines: &[(String, u64)],
    problems: &mut Vec<Problem>,
) -> Vec<(SheetStratum, u64)> {
    check_incidents_once(rows, problems);
    let strata = gather_strata(rows, problems);
    check_rows_drawn(&strata, stratum_lines, problems);
    strata
}

fn check_incidents_once(rows: &[RowFields], problems: &mut Vec<Problem>) {
    let mut first_line: HashMap<&str, u64> = HashMap::new();
    for r in rows {
        if let Some(&first) = first_line.get(r.incident_id.as_str()) {
            problems.push(Problem::at(
                r.line,
                format!(
                    "incident `{}` is on line {first} too; each sampled incident has one row",
                    r.incident_id
                ),
            ));
        } else {
            first_line.insert(&r.incident_id, r.line);
        }
    }
}

/// The rows gathered by stratum, in the order strata first appear. A row
/// whose population or sample size differs from its stratum's first row
/// is a problem, and left out.
fn gather_strata(rows: &[RowFields], problems: &mut Vec<Problem>) -> Vec<(SheetStratum, u64)> {
    let mut strata: Vec<(SheetStratum, u64)> = Vec::new();
    for r in rows {
        let k = match strata.iter().position(|(s, _)| s.name == r.stratum) {
            Some(k) => k,
            None => {
                strata.push((
                    SheetStratum {
                        name: r.stratum.clone(),
                        population: r.population,
                        sampled: r.sampled,
                        rows: Vec::new(),
                    },
                    r.line,
                ));
                strata.len() - 1
            }
        };
        let (s, first) = &mut strata[k];
        if (r.population, r.sampled) != (s.population, s.sampled) {
            problems.push(Problem::at(
                r.line,
                format!(
                    "stratum `{}` has population {} and sampled {} on line {}, but {} and {} here",
                    s.name, s.population, s.sampled, first, r.population, r.sampled
                ),
            ));
            continue;
        }
        s.rows.push(r.crimes);
    }
    strata
}

/// Each stratum has as many rows naming it as the sample drew: none added
/// or deleted. Rows refused for a problem of their own count too: a row
/// with an unknown verdict is not also a deleted row.
fn check_rows_drawn(
    strata: &[(SheetStratum, u64)],
    stratum_lines: &[(String, u64)],
    problems: &mut Vec<Problem>,
) {
    for (s, _) in strata {
        let lines: Vec<u64> = stratum_lines
            .iter()
            .filter(|(name, _)| *name == s.name)
            .map(|(_, l)| *l)
            .collect();
        if lines.len() as u64 != s.sampled {
            problems.push(Problem::at(
                lines[0],
                format!(
                    "stratum `{}`: the sample drew {} incidents but the worksheet has {} (line{} {}); rows must not be added or deleted",
                    s.name,
                    s.sampled,
                    rows_word(lines.len()),
                    if lines.len() == 1 { "" } else { "s" },
                    lines_text(&lines)
                ),
            ));
        }
    }
}

fn rows_word(n: usize) -> String {
    if n == 1 {
        "1 row".into()
    } else {
        format!("{n} rows")
    }
}
