//! `hocr audit score`: reads a finished worksheet and estimates the crime
//! recording rate in HMICFRS's unit: "the number of crimes that are
//! correctly recorded as a crime, as a proportion of the total that should
//! be recorded".
//!
//! Each sampled incident i gives xᵢ, the crimes the reviewer finds should
//! have been recorded (`should_record`), and yᵢ ≤ xᵢ, how many of those were
//! recorded correctly (`recorded_correctly`); a `verdict` alone stands for
//! 1 of 1 (`recorded`), 0 of 1 (`unrecorded`) or 0 of 0 (`not-crime`). With
//! weight w = N_h / n_h in stratum h of N_h incidents of which n_h were read:
//!
//! - the combined ratio estimator R = Σ wᵢyᵢ ÷ Σ wᵢxᵢ, overall and (with one
//!   stratum's rows alone) per stratum, with the Taylor variance
//!   v = (1 / X̂²) Σ_h N_h² (1 − n_h/N_h) s²_eh / n_h, where eᵢ = yᵢ − R·xᵢ,
//!   s²_eh is the sample variance of e in stratum h (denominator n_h − 1;
//!   0 when n_h = 1) and X̂ = Σ wᵢxᵢ; the half-width 1.96·√v, published as
//!   R ± half-width, and the interval R ± half-width clipped to [0, 1];
//! - the estimated crimes not recorded in the population, X̂ − Ŷ
//!   = Σ_h N_h · (x_h − y_h) / n_h (x_h, y_h: the stratum's sums), and, given
//!   the crimes recorded in a year A (`--annual-recorded`), those not
//!   recorded in a year as HMICFRS estimates them: A × (1 − R) ÷ R.
//!
//! With `--allow-incomplete`, rows without a verdict or counts are left
//! out and each stratum is scored on the rows that have them (n_h is then
//! that number), which is sound only if the unfinished rows are no
//! different from the finished ones: the report says how many there were.

use super::{
    RECORDED_CORRECTLY, REQUIRED, SHOULD_RECORD, Verdict, lines_text, row_check, weight_text,
};
use crate::lang::plan::Z95;
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
    /// What the reviewer found in each row; `None` when left blank.
    pub rows: Vec<Option<Crimes>>,
}

/// What the reviewer found in one incident: x, the crimes that should
/// have been recorded, and y, how many of those were recorded correctly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Crimes {
    pub should_record: u64,
    pub recorded_correctly: u64,
}

impl Crimes {
    pub fn x(self) -> f64 {
        self.should_record as f64
    }
    pub fn y(self) -> f64 {
        self.recorded_correctly as f64
    }
    /// The verdict these counts amount to: `not-crime` with nothing to
    /// record, `recorded` when every crime was, else `unrecorded`.
    pub fn verdict(self) -> Verdict {
        if self.should_record == 0 {
            Verdict::NotCrime
        } else if self.recorded_correctly == self.should_record {
            Verdict::Recorded
        } else {
            Verdict::Unrecorded
        }
    }
}

impl From<Verdict> for Crimes {
    /// The shortcut: 1 of 1, 0 of 1, 0 of 0.
    fn from(v: Verdict) -> Crimes {
        Crimes {
            should_record: v.x() as u64,
            recorded_correctly: v.y() as u64,
        }
    }
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
    crimes: Option<Crimes>,
}

/// Reads and checks a worksheet. Every problem is reported, each with its
/// line: missing columns, blank (unless `allow_incomplete`) or unknown
/// verdicts, counts that are not whole numbers, recorded_correctly above
/// should_record, counts that contradict the verdict, duplicated incident ids, rows the sample did not draw (their
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
    let cols = [
        col("incident_id"),
        col("stratum"),
        col("population"),
        col("sampled"),
        col("weight"),
        col("verdict"),
        col("row_check"),
        // Optional: worksheets drawn before they existed have verdicts only.
        col(SHOULD_RECORD),
        col(RECORDED_CORRECTLY),
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
        if let Some(row) = read_row(&record, line, cols, &mut problems, &mut stratum_lines) {
            if row.crimes.is_none() {
                blank.push(line);
            }
            rows.push(row);
        }
    }
    if !blank.is_empty() && !allow_incomplete {
        problems.push(Problem::at(
            blank[0],
            format!(
                "{} without a verdict or counts (line{} {}); fill them in, or score what is done with `--allow-incomplete`",
                rows_word(blank.len()),
                if blank.len() == 1 { "" } else { "s" },
                lines_text(&blank)
            ),
        ));
    }
    let strata = check_rows(&rows, &stratum_lines, &mut problems);
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

/// Checks across rows: each incident once; each stratum with one population
/// and sample size, and as many rows as were drawn. The strata, each with
/// the line it first appears on.
fn check_rows(
    rows: &[RowFields],
    stratum_lines: &[(String, u64)],
    problems: &mut Vec<Problem>,
) -> Vec<(SheetStratum, u64)> {
    // Each incident once.
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
    // Each stratum: one population and sample size, and as many rows as drawn.
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
    strata
}

/// One row read and checked against its sample: its fields, or `None`
/// with the problems pushed (a row of empty cells is no row at all). A row
/// naming a stratum is counted in `stratum_lines`, sound or not.
fn read_row(
    record: &csv::StringRecord,
    line: u64,
    cols: [usize; 9],
    problems: &mut Vec<Problem>,
    stratum_lines: &mut Vec<(String, u64)>,
) -> Option<RowFields> {
    let [
        id_c,
        stratum_c,
        pop_c,
        sampled_c,
        weight_c,
        verdict_c,
        check_c,
        should_c,
        correct_c,
    ] = cols;
    // Spreadsheets leave rows of empty cells behind: not rows at all.
    if record.iter().all(|f| f.trim().is_empty()) {
        return None;
    }
    let field = |c: usize| record.get(c).unwrap_or("").trim();
    let mut bad = |message: String| problems.push(Problem::at(line, message));
    let incident_id = field(id_c).to_string();
    let stratum = field(stratum_c).to_string();
    if incident_id.is_empty() {
        bad("no `incident_id`".into());
        return None;
    }
    if stratum.is_empty() {
        bad(format!("incident `{incident_id}` has no `stratum`"));
        return None;
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
    let (population, sampled) = match (number(pop_c, "population"), number(sampled_c, "sampled")) {
        (Ok(p), Ok(s)) => (p, s),
        (Err(m), _) | (_, Err(m)) => {
            bad(m);
            return None;
        }
    };
    if sampled == 0 || sampled > population {
        bad(format!(
            "incident `{incident_id}`: a sample of {sampled} from a population of {population} cannot have been drawn"
        ));
        return None;
    }
    if field(check_c) != row_check(&incident_id, &stratum, population, sampled) {
        bad(format!(
            "incident `{incident_id}` in stratum `{stratum}` (population {population}, sampled {sampled}) is not a row the sample drew: its `row_check` does not match; the incident id, stratum, population and sampled columns must stay as drawn"
        ));
        return None;
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
        "" => None,
        v => match Verdict::parse(v) {
            Some(v) => Some(v),
            None => {
                bad(format!(
                    "the verdict of incident `{incident_id}` is `{v}`; a verdict is `recorded`, `unrecorded` or `not-crime`"
                ));
                return None;
            }
        },
    };
    let count = |c: usize, name: &str| -> Result<Option<u64>, String> {
        match field(c) {
            "" => Ok(None),
            text => text.parse::<u64>().map(Some).map_err(|_| {
                format!(
                    "`{name}` of incident `{incident_id}` is `{text}`: a count of crimes is a whole number, 0 or more"
                )
            }),
        }
    };
    let counts = match (
        count(should_c, SHOULD_RECORD),
        count(correct_c, RECORDED_CORRECTLY),
    ) {
        (Err(m), _) | (_, Err(m)) => {
            bad(m);
            return None;
        }
        (Ok(Some(should_record)), Ok(Some(recorded_correctly))) => Some(Crimes {
            should_record,
            recorded_correctly,
        }),
        (Ok(None), Ok(None)) => None,
        (Ok(_), Ok(_)) => {
            bad(format!(
                "incident `{incident_id}` has one of `{SHOULD_RECORD}` and `{RECORDED_CORRECTLY}` without the other; give both (or neither, and a verdict)"
            ));
            return None;
        }
    };
    if let Some(c) = counts
        && c.recorded_correctly > c.should_record
    {
        bad(format!(
            "incident `{incident_id}`: {} crimes recorded correctly of {} that should have been recorded; `{RECORDED_CORRECTLY}` cannot be more than `{SHOULD_RECORD}`",
            c.recorded_correctly, c.should_record
        ));
        return None;
    }
    if let (Some(c), Some(v)) = (counts, verdict)
        && c.verdict() != v
    {
        bad(format!(
            "incident `{incident_id}`: the verdict `{}` contradicts its counts, {} of {} crimes recorded correctly (that is `{}`); correct one or leave the verdict empty",
            v.word(),
            c.recorded_correctly,
            c.should_record,
            c.verdict().word()
        ));
        return None;
    }
    let crimes = counts.or(verdict.map(Crimes::from));
    Some(RowFields {
        line,
        incident_id,
        stratum,
        population,
        sampled,
        crimes,
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
    /// Incidents whose every crime was recorded correctly (at least one).
    pub recorded: u64,
    /// Incidents with a crime that should have been recorded and was not.
    pub unrecorded: u64,
    /// Incidents with no crime to record.
    pub not_crime: u64,
    /// Rows without a verdict or counts (only with `--allow-incomplete`).
    pub blank: u64,
    /// Σ x: crimes the reviewers found should have been recorded.
    pub should_record: u64,
    /// Σ y: of those, crimes recorded correctly.
    pub recorded_correctly: u64,
    /// The ratio estimate R (here, y ÷ x); `None` when x = 0.
    pub rate: Option<f64>,
    /// 1.96·√v: the rate is published as rate ± half-width.
    pub half_width: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Overall {
    /// The combined ratio estimate R; `None` when no sampled incident had
    /// a crime to record.
    pub rate: Option<f64>,
    /// 1.96·√v.
    pub half_width: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// X̂ − Ŷ: the estimated crimes in the population not recorded.
    pub estimated_unrecorded: f64,
    /// X̂ = Σ wᵢxᵢ: the estimated crimes in the population that should have
    /// been recorded.
    pub estimated_should_record: f64,
    /// Given the crimes recorded in a year A: A × (1 − R) ÷ R.
    pub annual_recorded: Option<u64>,
    pub estimated_unrecorded_per_year: Option<f64>,
    /// v, the estimated variance of R.
    pub variance: Option<f64>,
    pub population: u64,
    pub sampled: u64,
    pub recorded: u64,
    pub unrecorded: u64,
    pub not_crime: u64,
    pub blank: u64,
    pub should_record: u64,
    pub recorded_correctly: u64,
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
            should_record: self.should_record,
            recorded_correctly: self.recorded_correctly,
            rate: self.rate,
            half_width: self.half_width,
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

/// A stratum's population and what the incidents read held.
#[derive(Clone, Debug)]
pub struct StratumSample<'a> {
    pub population: u64,
    pub rows: &'a [Crimes],
}

/// The combined ratio estimator over strata, with its Taylor variance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// R = Ŷ ÷ X̂; `None` when X̂ = 0.
    pub rate: Option<f64>,
    /// v; `None` when X̂ = 0, or when v is 0 only because every sampled
    /// stratum's crimes fared alike (all recorded, or none): a sample
    /// that does not vary says nothing of how much the rate could.
    pub variance: Option<f64>,
    /// X̂ = Σ wᵢxᵢ.
    pub x_hat: f64,
    /// Ŷ = Σ wᵢyᵢ.
    pub y_hat: f64,
}

impl Estimate {
    /// 1.96·√v.
    pub fn half_width(&self) -> Option<f64> {
        self.variance.map(|v| Z95 * v.sqrt())
    }

    /// R ± 1.96·√v, clipped to [0, 1].
    pub fn interval(&self) -> Option<(f64, f64)> {
        self.rate
            .zip(self.half_width())
            .map(|(r, h)| ((r - h).max(0.0), (r + h).min(1.0)))
    }
}

/// The combined ratio estimator over strata. A stratum with no rows read
/// is left out.
pub fn ratio_estimate(strata: &[StratumSample]) -> Estimate {
    let strata: Vec<&StratumSample> = strata.iter().filter(|s| !s.rows.is_empty()).collect();
    let weight = |s: &StratumSample| s.population as f64 / s.rows.len() as f64;
    let (mut y_hat, mut x_hat) = (0.0, 0.0);
    for s in &strata {
        let w = weight(s);
        y_hat += w * s.rows.iter().map(|c| c.y()).sum::<f64>();
        x_hat += w * s.rows.iter().map(|c| c.x()).sum::<f64>();
    }
    if x_hat == 0.0 {
        return Estimate {
            rate: None,
            variance: None,
            x_hat,
            y_hat,
        };
    }
    let r = y_hat / x_hat;
    let mut sum = 0.0;
    // A stratum sampled (not read whole) with crimes in it, all of whose
    // rows have e = 0 (every crime recorded, or none), has a sample
    // variance of 0 though its rate is not known exactly: when all the
    // variance there is comes from such strata, there is no interval.
    let mut sampled_with_crimes = false;
    for s in &strata {
        if (s.rows.len() as u64) < s.population && s.rows.iter().any(|c| c.should_record > 0) {
            sampled_with_crimes = true;
        }
        let n = s.rows.len() as f64;
        let big_n = s.population as f64;
        let e: Vec<f64> = s.rows.iter().map(|c| c.y() - r * c.x()).collect();
        let s2 = if s.rows.len() < 2 {
            0.0
        } else {
            let mean = e.iter().sum::<f64>() / n;
            e.iter().map(|e| (e - mean) * (e - mean)).sum::<f64>() / (n - 1.0)
        };
        sum += big_n * big_n * (1.0 - n / big_n) * s2 / n;
    }
    Estimate {
        rate: Some(r),
        variance: (sum > 0.0 || !sampled_with_crimes).then(|| sum / (x_hat * x_hat)),
        x_hat,
        y_hat,
    }
}

/// Scores a checked worksheet; `annual_recorded` is the crimes the force
/// recorded in a year, for the unrecorded crimes a year.
pub fn score(sheet: &Sheet, annual_recorded: Option<u64>) -> Score {
    let done: Vec<Vec<Crimes>> = sheet
        .strata
        .iter()
        .map(|s| s.rows.iter().flatten().copied().collect())
        .collect();
    let mut strata = Vec::new();
    let mut samples = Vec::new();
    for (s, rows) in sheet.strata.iter().zip(&done) {
        let count = |v: Verdict| rows.iter().filter(|c| c.verdict() == v).count() as u64;
        let sample = StratumSample {
            population: s.population,
            rows,
        };
        let est = ratio_estimate(std::slice::from_ref(&sample));
        let ci = est.interval();
        strata.push(StratumScore {
            stratum: s.name.clone(),
            population: s.population,
            sampled: s.rows.len() as u64,
            recorded: count(Verdict::Recorded),
            unrecorded: count(Verdict::Unrecorded),
            not_crime: count(Verdict::NotCrime),
            blank: (s.rows.len() - rows.len()) as u64,
            should_record: rows.iter().map(|c| c.should_record).sum(),
            recorded_correctly: rows.iter().map(|c| c.recorded_correctly).sum(),
            rate: est.rate,
            half_width: est.half_width(),
            ci_low: ci.map(|c| c.0),
            ci_high: ci.map(|c| c.1),
        });
        samples.push(sample);
    }
    let est = ratio_estimate(&samples);
    let ci = est.interval();
    let per_year = annual_recorded
        .zip(est.rate)
        .filter(|(_, r)| *r > 0.0)
        .map(|(a, r)| a as f64 * (1.0 - r) / r);
    let sum = |f: fn(&StratumScore) -> u64| strata.iter().map(f).sum::<u64>();
    Score {
        overall: Overall {
            rate: est.rate,
            half_width: est.half_width(),
            ci_low: ci.map(|c| c.0),
            ci_high: ci.map(|c| c.1),
            estimated_unrecorded: est.x_hat - est.y_hat,
            estimated_should_record: est.x_hat,
            annual_recorded,
            estimated_unrecorded_per_year: per_year,
            variance: est.variance,
            population: sum(|s| s.population),
            sampled: sum(|s| s.sampled),
            recorded: sum(|s| s.recorded),
            unrecorded: sum(|s| s.unrecorded),
            not_crime: sum(|s| s.not_crime),
            blank: sum(|s| s.blank),
            should_record: sum(|s| s.should_record),
            recorded_correctly: sum(|s| s.recorded_correctly),
        },
        strata,
    }
}

#[cfg(test)]
mod tests;
