//! The combined ratio estimator over strata, with its Taylor variance
//! (the formulas are in the parent module's documentation).

use super::Crimes;
use crate::lang::plan::Z95;

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
