//! Codes have tiny vocabularies (a few dozen offence, closing or outcome
//! codes across a million rows), so each distinct normalised code is stored
//! once and shared: reading a code costs a hash lookup, not an allocation.

use crate::records::{Code, trim};
use rustc_hash::FxHashSet;

/// Past this many distinct codes a column is not a vocabulary (a broken or
/// hostile file): new codes are still read, just no longer remembered.
const MAX_CODES: usize = 4096;

#[derive(Default)]
pub struct Codes {
    known: FxHashSet<Code>,
    /// Reused for the normalised text.
    buf: String,
}

impl Codes {
    pub fn new() -> Codes {
        Codes::default()
    }

    /// Trimmed and upper-cased, as [`crate::records::normalize_code`].
    pub fn code(&mut self, raw: &str) -> Code {
        // Nearly every code is read as written: trimmed and upper-case
        // already, and known.
        if trim(raw).len() == raw.len()
            && !raw.bytes().any(|b| b.is_ascii_lowercase())
            && let Some(code) = self.known.get(raw)
        {
            return code.clone();
        }
        self.buf.clear();
        self.buf.push_str(trim(raw));
        self.buf.make_ascii_uppercase();
        self.shared()
    }

    /// Also with `.` read as `/`, as [`crate::records::normalize_offence`].
    pub fn offence(&mut self, raw: &str) -> Code {
        self.buf.clear();
        self.buf.push_str(trim(raw));
        self.buf.make_ascii_uppercase();
        if self.buf.contains('.') {
            self.buf = self.buf.replace('.', "/");
        }
        self.shared()
    }

    fn shared(&mut self) -> Code {
        if let Some(code) = self.known.get(self.buf.as_str()) {
            return code.clone();
        }
        let code = Code::new(&self.buf);
        if self.known.len() < MAX_CODES {
            self.known.insert(code.clone());
        }
        code
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{normalize_code, normalize_offence};

    #[test]
    fn same_text_as_the_normalisers_and_shared() {
        let mut codes = Codes::new();
        for raw in [" crime-1 ", "4.1", "ÄB", "", "a.b"] {
            assert_eq!(&*codes.code(raw), &*normalize_code(raw));
            assert_eq!(&*codes.offence(raw), &*normalize_offence(raw));
        }
        let (a, b) = (codes.code("asb"), codes.code(" ASB"));
        assert!(std::ptr::eq::<str>(&*a, &*b));
    }
}
