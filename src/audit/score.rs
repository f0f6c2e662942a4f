//! `hocr audit score`: reads a finished worksheet and estimates the
//! recording rate.
//!
//! With verdicts y = 1 for `recorded` and x = 1 for `recorded` or
//! `unrecorded` (0 otherwise), and weight w = N_h / n_h in stratum h of
//! N_h incidents of which n_h were read:
//!
//! - per stratum, the rate recorded ÷ (recorded + unrecorded) with its 95%
//!   Wilson score interval;
//! - overall, the combined ratio estimator R = Σ wᵢyᵢ ÷ Σ wᵢxᵢ, with
//!   variance v = (1 / X̂²) Σ_h N_h² (1 − n_h/N_h) s²_eh / n_h, where
//!   eᵢ = yᵢ − R·xᵢ, s²_eh is the sample variance of e in stratum h
//!   (denominator n_h − 1; 0 when n_h = 1) and X̂ = Σ wᵢxᵢ; the interval
//!   R ± 1.96·√v, clipped to [0, 1];
//! - the estimated number of crimes not recorded, Σ_h N_h · unrecorded_h / n_h
//!   (counted by incident: an incident whose crime was not recorded counts
//!   once).
//!
//! With `--allow-incomplete`, rows without a verdict are left out and each
//! stratum is scored on the rows that have one (n_h is then that number),
//! which is sound only if the unfinished rows are no different from the
//! finished ones: the report says how many there were.

use super::{REQUIRED, Verdict, lines_text, row_check, weight_text};
use crate::findings::wilson;
use crate::plan::Z95;
use std::collections::HashMap;
use std::io::Read;

/// A problem with the worksheet, at a line (1-based, as a spreadsheet or
/// editor shows it) or about the whole file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<u64>,
    pub message: String,
}

impl Problem {
    fn at(line: u64, message: String) -> Problem {
        Problem {
            line: Some(line),
            message,
        }
    }
}

/// One stratum as the worksheet has it.
#[derive(Clone, Debug, PartialEq)]
pub struct SheetStratum {
    pub name: String,
    pub population: u64,
    /// How many incidents the sample drew (the `sampled` column).
    pub sampled: u64,
    /// The verdict of each row; `None` when left blank.
    pub verdicts: Vec<Option<Verdict>>,
}

/// A worksheet read and checked: its strata in the order they first appear.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub strata: Vec<SheetStratum>,
}

/// What one row says, once its fields are read.
struct RowFields {
    line: u64,
    incident_id: String,
    stratum: String,
    population: u64,
    sampled: u64,
    verdict: Option<Verdict>,
}

/// Reads and checks a worksheet. Every problem is reported, each with its
/// line: missing columns, blank (unless `allow_incomplete`) or unknown
/// verdicts, duplicated incident ids, rows the sample did not draw (their
/// `row_check` does not match), edited weights, populations or sample sizes,
/// and strata with more or fewer rows than were drawn.
pub fn read(mut input: impl Read, allow_incomplete: bool) -> Result<Sheet, Vec<Problem>> {
    let mut bytes = Vec::new();
    if let Err(e) = input.read_to_end(&mut bytes) {
        return Err(vec![Problem {
            line: None,
            message: format!("cannot read: {e}"),
        }]);
    }
    // The csv reader's own line count goes astray with CRLF line ends (a
    // record's start is counted before the `\n` of the line end before it):
    // count lines from the record's byte offset instead.
    let line_at = |byte: u64| -> u64 {
        let mut at = (byte as usize).min(bytes.len());
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(bytes.as_slice());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            return Err(vec![Problem {
                line: Some(1),
                message: format!("the header cannot be read: {e}"),
            }]);
        }
        None => {
            return Err(vec![Problem {
                line: None,
                message: "the worksheet is empty: it has no header".into(),
            }]);
        }
    };
    let names: Vec<String> = header
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
        .collect();
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|c| !names.iter().any(|n| n == c))
        .collect();
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|c| format!("`{c}`")).collect();
        return Err(vec![Problem {
            line: Some(1),
            message: format!(
                "missing column{} {}: a worksheet from `hocr audit sample` has them; do not delete or rename columns",
                if missing.len() == 1 { "" } else { "s" },
                list.join(", ")
            ),
        }]);
    }
    let col = |name: &str| names.iter().position(|n| n == name).unwrap_or(usize::MAX);
    let [
        id_c,
        stratum_c,
        pop_c,
        sampled_c,
        weight_c,
        verdict_c,
        check_c,
    ] = [
        col("incident_id"),
        col("stratum"),
        col("population"),
        col("sampled"),
        col("weight"),
        col("verdict"),
        col("row_check"),
    ];
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    let mut blank = Vec::new();
    // Every row that names a stratum, sound or not, to count each stratum's rows.
    let mut stratum_lines: Vec<(String, u64)> = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(p.byte()));
                problems.push(Problem::at(line, format!("this row cannot be read: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        // Spreadsheets leave rows of empty cells behind: not rows at all.
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let field = |c: usize| record.get(c).unwrap_or("").trim();
        let mut bad = |message: String| problems.push(Problem::at(line, message));
        let incident_id = field(id_c).to_string();
        let stratum = field(stratum_c).to_string();
        if incident_id.is_empty() {
            bad("no `incident_id`".into());
            continue;
        }
        if stratum.is_empty() {
            bad(format!("incident `{incident_id}` has no `stratum`"));
            continue;
        }
        stratum_lines.push((stratum.clone(), line));
        let number = |c: usize, name: &str| -> Result<u64, String> {
            field(c).parse::<u64>().map_err(|_| {
                format!(
                    "`{name}` of incident `{incident_id}` is `{}`, not a whole number",
                    field(c)
                )
            })
        };
        let (population, sampled) =
            match (number(pop_c, "population"), number(sampled_c, "sampled")) {
                (Ok(p), Ok(s)) => (p, s),
                (Err(m), _) | (_, Err(m)) => {
                    bad(m);
                    continue;
                }
            };
        if sampled == 0 || sampled > population {
            bad(format!(
                "incident `{incident_id}`: a sample of {sampled} from a population of {population} cannot have been drawn"
            ));
            continue;
        }
        if field(check_c) != row_check(&incident_id, &stratum, population, sampled) {
            bad(format!(
                "incident `{incident_id}` in stratum `{stratum}` (population {population}, sampled {sampled}) is not a row the sample drew: its `row_check` does not match; the incident id, stratum, population and sampled columns must stay as drawn"
            ));
            continue;
        }
        let expected = population as f64 / sampled as f64;
        match field(weight_c).parse::<f64>() {
            Ok(w) if (w - expected).abs() <= 1e-6 * expected.max(1.0) => {}
            _ => bad(format!(
                "the weight of incident `{incident_id}` is `{}`, but population ÷ sampled is {population} ÷ {sampled} = {}; weights must not be edited",
                field(weight_c),
                weight_text(population, sampled)
            )),
        }
        let verdict = match field(verdict_c) {
            "" => {
                blank.push(line);
                None
            }
            v => match Verdict::parse(v) {
                Some(v) => Some(v),
                None => {
                    bad(format!(
                        "the verdict of incident `{incident_id}` is `{v}`; a verdict is `recorded`, `unrecorded` or `not-crime`"
                    ));
                    continue;
                }
            },
        };
        rows.push(RowFields {
            line,
            incident_id,
            stratum,
            population,
            sampled,
            verdict,
        });
    }
    if !blank.is_empty() && !allow_incomplete {
        problems.push(Problem::at(
            blank[0],
            format!(
                "{} without a verdict (line{} {}); fill them in, or score what is done with `--allow-incomplete`",
                rows_word(blank.len()),
                if blank.len() == 1 { "" } else { "s" },
                lines_text(&blank)
            ),
        ));
    }
    // Each incident once.
    let mut first_line: HashMap<&str, u64> = HashMap::new();
    for r in &rows {
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
    // Each stratum: one population and sample size, and as many rows as drawn.
    let mut strata: Vec<(SheetStratum, u64)> = Vec::new();
    for r in &rows {
        let k = match strata.iter().position(|(s, _)| s.name == r.stratum) {
            Some(k) => k,
            None => {
                strata.push((
                    SheetStratum {
                        name: r.stratum.clone(),
                        population: r.population,
                        sampled: r.sampled,
                        verdicts: Vec::new(),
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
        s.verdicts.push(r.verdict);
    }
    for (s, _) in &strata {
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
    if rows.is_empty() && problems.is_empty() {
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

fn rows_word(n: usize) -> String {
    if n == 1 {
        "1 row".into()
    } else {
        format!("{n} rows")
    }
}

/// One stratum's results.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct StratumScore {
    pub stratum: String,
    pub population: u64,
    /// Rows in the worksheet (incidents drawn).
    pub sampled: u64,
    pub recorded: u64,
    pub unrecorded: u64,
    pub not_crime: u64,
    /// Rows without a verdict (only with `--allow-incomplete`).
    pub blank: u64,
    /// recorded ÷ (recorded + unrecorded); `None` when there were none.
    pub rate: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Overall {
    /// The combined ratio estimate R; `None` when no sampled incident had
    /// a crime to record.
    pub rate: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Σ_h N_h · unrecorded_h / n_h.
    pub estimated_unrecorded: f64,
    /// X̂ = Σ wᵢxᵢ: the estimated incidents with a crime to record.
    pub estimated_crime_incidents: f64,
    /// v, the estimated variance of R.
    pub variance: Option<f64>,
    pub population: u64,
    pub sampled: u64,
    pub recorded: u64,
    pub unrecorded: u64,
    pub not_crime: u64,
    pub blank: u64,
}

impl Overall {
    /// The totals as a row beside the strata (with the weighted rate), for
    /// the tables in the reports.
    pub fn as_row(&self, name: &str) -> StratumScore {
        StratumScore {
            stratum: name.into(),
            population: self.population,
            sampled: self.sampled,
            recorded: self.recorded,
            unrecorded: self.unrecorded,
            not_crime: self.not_crime,
            blank: self.blank,
            rate: self.rate,
            ci_low: self.ci_low,
            ci_high: self.ci_high,
        }
    }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Score {
    pub overall: Overall,
    pub strata: Vec<StratumScore>,
}

/// A stratum's population and the verdicts of the incidents read.
#[derive(Clone, Debug)]
pub struct StratumSample<'a> {
    pub population: u64,
    pub verdicts: &'a [Verdict],
}

/// The combined ratio estimator over strata: (R, v, X̂), R and v `None`
/// when X̂ = 0. A stratum with no verdicts is left out.
pub fn ratio_estimate(strata: &[StratumSample]) -> (Option<f64>, Option<f64>, f64) {
    let strata: Vec<&StratumSample> = strata.iter().filter(|s| !s.verdicts.is_empty()).collect();
    let weight = |s: &StratumSample| s.population as f64 / s.verdicts.len() as f64;
    let (mut y_hat, mut x_hat) = (0.0, 0.0);
    for s in &strata {
        let w = weight(s);
        y_hat += w * s.verdicts.iter().map(|v| v.y()).sum::<f64>();
        x_hat += w * s.verdicts.iter().map(|v| v.x()).sum::<f64>();
    }
    if x_hat == 0.0 {
        return (None, None, 0.0);
    }
    let r = y_hat / x_hat;
    let mut sum = 0.0;
    for s in &strata {
        let n = s.verdicts.len() as f64;
        let big_n = s.population as f64;
        let e: Vec<f64> = s.verdicts.iter().map(|v| v.y() - r * v.x()).collect();
        let s2 = if s.verdicts.len() < 2 {
            0.0
        } else {
            let mean = e.iter().sum::<f64>() / n;
            e.iter().map(|e| (e - mean) * (e - mean)).sum::<f64>() / (n - 1.0)
        };
        sum += big_n * big_n * (1.0 - n / big_n) * s2 / n;
    }
    (Some(r), Some(sum / (x_hat * x_hat)), x_hat)
}

/// Scores a checked worksheet.
pub fn score(sheet: &Sheet) -> Score {
    let done: Vec<Vec<Verdict>> = sheet
        .strata
        .iter()
        .map(|s| s.verdicts.iter().flatten().copied().collect())
        .collect();
    let mut strata = Vec::new();
    let mut samples = Vec::new();
    let mut estimated_unrecorded = 0.0;
    for (s, verdicts) in sheet.strata.iter().zip(&done) {
        let count = |v: Verdict| verdicts.iter().filter(|&&x| x == v).count() as u64;
        let (recorded, unrecorded) = (count(Verdict::Recorded), count(Verdict::Unrecorded));
        let crimes = recorded + unrecorded;
        let rate = (crimes > 0).then(|| recorded as f64 / crimes as f64);
        let ci = rate.and_then(|p| wilson(p, crimes as f64));
        if !verdicts.is_empty() {
            estimated_unrecorded += s.population as f64 * unrecorded as f64 / verdicts.len() as f64;
        }
        strata.push(StratumScore {
            stratum: s.name.clone(),
            population: s.population,
            sampled: s.verdicts.len() as u64,
            recorded,
            unrecorded,
            not_crime: count(Verdict::NotCrime),
            blank: (s.verdicts.len() - verdicts.len()) as u64,
            rate,
            ci_low: ci.map(|c| c.0),
            ci_high: ci.map(|c| c.1),
        });
        samples.push(StratumSample {
            population: s.population,
            verdicts,
        });
    }
    let (rate, variance, x_hat) = ratio_estimate(&samples);
    let ci = rate.zip(variance).map(|(r, v)| {
        let half = Z95 * v.sqrt();
        ((r - half).max(0.0), (r + half).min(1.0))
    });
    let sum = |f: fn(&StratumScore) -> u64| strata.iter().map(f).sum::<u64>();
    Score {
        overall: Overall {
            rate,
            ci_low: ci.map(|c| c.0),
            ci_high: ci.map(|c| c.1),
            estimated_unrecorded,
            estimated_crime_incidents: x_hat,
            variance,
            population: sum(|s| s.population),
            sampled: sum(|s| s.sampled),
            recorded: sum(|s| s.recorded),
            unrecorded: sum(|s| s.unrecorded),
            not_crime: sum(|s| s.not_crime),
            blank: sum(|s| s.blank),
        },
        strata,
    }
}

#[cfg(test)]
mod tests;
