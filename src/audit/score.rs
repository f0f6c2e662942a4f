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
//!
//! Reading a worksheet is `worksheet` (the file and the checks across
//! rows), `columns` (the header) and `row` (one row's cells); `estimate`
//! is the ratio estimator; [`score`], here, puts its estimates together.

mod columns;
mod estimate;
mod row;
mod worksheet;

pub use estimate::{Estimate, StratumSample, ratio_estimate};
pub use worksheet::read;

use super::Verdict;

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
