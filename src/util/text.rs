//! Words and numbers for people, written the same everywhere: plurals,
//! thousands, rates, intervals.

use std::fmt::Display;

/// `1 rule`, `2 rules`, `0 rules`.
pub fn plural<N: Display + PartialEq + From<u8>>(n: N, word: &str) -> String {
    let s = if n == N::from(1) { "" } else { "s" };
    format!("{n} {word}{s}")
}

/// `str::trim`, without the Unicode scan when there is plainly nothing to
/// trim (a visible ASCII character at each end), as for nearly every value.
pub fn trim(s: &str) -> &str {
    match s.as_bytes() {
        [] => s,
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => s,
        [only] if only.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A 95% interval as `90.1–97.2%`; nothing decided as `-`.
pub fn range(ci: Option<(f64, f64)>) -> String {
    ci.map_or_else(
        || "-".to_string(),
        |(lo, hi)| format!("{:.1}–{:.1}%", lo * 100.0, hi * 100.0),
    )
}

/// A rate as reports for tools write it: rounded to 4 decimals, so the
/// output stays byte-identical across platforms' last-bit differences.
pub fn round(x: Option<f64>) -> Option<f64> {
    x.map(|c| (c * 10_000.0).round() / 10_000.0)
}

/// A half-width as HMICFRS publishes it beside a rate: `± 1.93%`;
/// nothing as `-`.
pub fn plus_minus(half_width: Option<f64>) -> String {
    half_width.map_or_else(|| "-".to_string(), |h| format!("± {:.2}%", h * 100.0))
}

/// `0.9412` as `94.1%`; nothing decided as `-`.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "-".to_string(), |r| format!("{:.1}%", r * 100.0))
}

#[cfg(test)]
mod tests {
    use super::plural;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(plural(1usize, "rule"), "1 rule");
        assert_eq!(plural(0u64, "rule"), "0 rules");
        assert_eq!(plural(2usize, "case"), "2 cases");
    }
}
