//! Words for people, the same everywhere they are written.

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
