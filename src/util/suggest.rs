//! "Did you mean …": the closest of the names there are to a word that is
//! none of them (edit distance), for every unknown name hocr reports.

/// Levenshtein distance, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(prev + usize::from(ca != cb));
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The closest candidate, if close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    Suggester::unlimited().suggest(word, candidates)
}

/// Suggestions for many unknown names against many candidates (a rule
/// file with thousands of unknown group names, and thousands of groups),
/// within a budget of comparisons: past it, no more suggestions are
/// looked for, so checking stays linear in the file however many errors
/// it has. The budget is far beyond what a real rule set uses.
pub struct Suggester {
    /// Candidates that may still be compared.
    left: usize,
}

impl Suggester {
    /// Candidates compared, at most, over a whole check.
    pub const BUDGET: usize = 250_000;

    pub fn new() -> Suggester {
        Suggester { left: Self::BUDGET }
    }

    fn unlimited() -> Suggester {
        Suggester { left: usize::MAX }
    }

    /// The closest candidate, if close enough to be a likely typo and the
    /// budget allows looking.
    pub fn suggest<'a>(
        &mut self,
        word: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Option<&'a str> {
        let word = word.to_ascii_lowercase();
        let chars = word.chars().count();
        let limit = (chars / 3).max(2);
        let mut best: Option<(usize, &'a str)> = None;
        for c in candidates {
            if self.left == 0 {
                return None;
            }
            self.left -= 1;
            // A distance is at least the difference in length.
            if c.len().abs_diff(word.len()) > 4 * limit || c.chars().count().abs_diff(chars) > limit
            {
                continue;
            }
            let d = distance(&word, &c.to_ascii_lowercase());
            if d <= limit && best.is_none_or(|(bd, bc)| (d, c) < (bd, bc)) {
                best = Some((d, c));
            }
        }
        best.map(|(_, c)| c)
    }
}

impl Default for Suggester {
    fn default() -> Suggester {
        Suggester::new()
    }
}
