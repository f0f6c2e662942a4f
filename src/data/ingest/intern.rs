//! Codes have tiny vocabularies (a few dozen offence, closing or outcome
//! codes across a million rows), so each distinct normalised code is stored
//! once and shared: reading a code costs a lookup, not an allocation.

use crate::data::records::Code;
use crate::util::cache::{DirectMapped, slot_of_hash};
use crate::util::text::trim;
use rustc_hash::FxHashSet;

/// Past this many distinct codes a column is not a vocabulary (a broken or
/// hostile file): new codes are still read, just no longer remembered.
const MAX_CODES: usize = 4096;

/// Slots in each [`Recent`] table: a whole export's vocabulary (a few dozen
/// codes) fits with few sharing a slot.
const RECENT_SLOTS: usize = 256;

/// Raw text as written, and the code it normalised to, in a direct-mapped
/// cache (slot by [`slot`]): nearly every code in an export is a text read
/// before, and finding it here skips the trimming, the upper-casing and
/// the hash set. Each slot's text keeps its buffer when overwritten, so a
/// slot that changes hands does not allocate.
type Recent = Box<DirectMapped<String, Code, RECENT_SLOTS>>;

#[derive(Default)]
pub struct Codes {
    known: FxHashSet<Code>,
    /// Raw texts already read by [`Codes::code`] and [`Codes::offence`]
    /// (kept apart: the same text can normalise differently in each).
    recent_codes: Recent,
    recent_offences: Recent,
    /// Reused for the normalised text.
    buf: String,
}

impl Codes {
    pub fn new() -> Codes {
        Codes::default()
    }

    /// Trimmed and upper-cased, as [`crate::data::records::normalize_code`].
    #[inline]
    pub fn code(&mut self, raw: &str) -> Code {
        let slot = slot(raw);
        match self.recent_codes.get_mut(slot, raw) {
            Some(code) => code.clone(),
            None => self.new_code(slot, raw),
        }
    }

    /// Also with `.` read as `/`, as [`crate::data::records::normalize_offence`].
    #[inline]
    pub fn offence(&mut self, raw: &str) -> Code {
        let slot = slot(raw);
        match self.recent_offences.get_mut(slot, raw) {
            Some(code) => code.clone(),
            None => self.new_offence(slot, raw),
        }
    }

    // The rare case, kept out of line so that the common one (a text read
    // before) is a few instructions where it is used, with no registers
    // saved for calls it does not make.

    #[cold]
    #[inline(never)]
    fn new_code(&mut self, slot: usize, raw: &str) -> Code {
        let code = self.normalised(raw, false);
        remember(&mut self.recent_codes, slot, raw, &code);
        code
    }

    #[cold]
    #[inline(never)]
    fn new_offence(&mut self, slot: usize, raw: &str) -> Code {
        let code = self.normalised(raw, true);
        remember(&mut self.recent_offences, slot, raw, &code);
        code
    }

    /// `raw` trimmed and upper-cased (and for an offence, `.` read as
    /// `/`), shared.
    fn normalised(&mut self, raw: &str, offence: bool) -> Code {
        self.buf.clear();
        self.buf.push_str(trim(raw));
        self.buf.make_ascii_uppercase();
        if offence && self.buf.contains('.') {
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

/// The slot for `raw`: its length and three of its bytes, mixed. Codes of
/// one column mostly differ in their first or last bytes or their length,
/// and hashing every byte would cost as much as the hash set.
#[inline]
fn slot(raw: &str) -> usize {
    let b = raw.as_bytes();
    let (first, middle, last) = match b {
        [] => (0, 0, 0),
        [.., last] => (b[0], b[b.len() / 2], *last),
    };
    let key =
        (b.len() as u32) << 24 | u32::from(first) << 16 | u32::from(middle) << 8 | u32::from(last);
    slot_of_hash::<RECENT_SLOTS>(u64::from(key.wrapping_mul(0x9E37_79B1)) << 32)
}

/// Remembers `code` for `raw` in `slot`, reusing the slot's text buffer.
fn remember(recent: &mut Recent, slot: usize, raw: &str, code: &Code) {
    match recent.slot_mut(slot) {
        Some((text, remembered)) => {
            text.clear();
            text.push_str(raw);
            *remembered = code.clone();
        }
        empty => *empty = Some((raw.to_string(), code.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::records::{normalize_code, normalize_offence};

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

    /// Texts read again (remembered) and texts sharing a slot (forgotten,
    /// then read afresh) read as the normalisers read them, as codes and as
    /// offences alike, whatever order they come in.
    #[test]
    fn remembered_texts_read_as_the_normalisers_read_them() {
        let mut texts: Vec<String> = [
            "",
            " ",
            "asb",
            "ASB",
            " asb ",
            "Asb",
            "ASB ",
            "4.1",
            "4/1",
            " 4.1",
            "a.b",
            "A.B",
            "ÄB",
            "äb",
            "x",
            "X",
            "recorded",
            "RECORDED",
            "no_investigation",
            "9A",
            "9a",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Enough texts that many share slots.
        texts.extend((0..2000).map(|i| format!("c{i}.{}", i % 7)));
        texts.extend((0..2000).map(|i| format!(" C{i}/{} ", i % 7)));
        let mut codes = Codes::new();
        for round in 0..3 {
            for (i, raw) in texts.iter().enumerate() {
                // Alternate which reader sees a text first.
                if (i + round) % 2 == 0 {
                    assert_eq!(&*codes.code(raw), &*normalize_code(raw), "{raw:?}");
                    assert_eq!(&*codes.offence(raw), &*normalize_offence(raw), "{raw:?}");
                } else {
                    assert_eq!(&*codes.offence(raw), &*normalize_offence(raw), "{raw:?}");
                    assert_eq!(&*codes.code(raw), &*normalize_code(raw), "{raw:?}");
                }
            }
        }
    }

    #[test]
    fn remembered_codes_are_shared() {
        let mut codes = Codes::new();
        let first = codes.code("asb");
        let again = codes.code("asb");
        let other_spelling = codes.code("ASB");
        assert!(std::ptr::eq::<str>(&*first, &*again));
        assert!(std::ptr::eq::<str>(&*first, &*other_spelling));
    }
}
