//! What an evaluator remembers to go faster, named: group membership of
//! the codes it has tested, and working-day deadlines by local date.
//! Nothing remembered changes an answer; a test in `compiled` holds the
//! compiled evaluation to the plain walk of the plan.

use crate::data::records::Code;
use crate::data::time::{Calendar, Clock, Deadline, working_days_after};
use crate::lang::plan::CodeSet;
use crate::util::cache::{DirectMapped, slot_of_hash};
use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use std::cell::RefCell;

/// Past this many codes or texts remembered against a group (a broken or
/// hostile file), membership is worked out every time.
pub(super) const MEMO_CODES: usize = 4096;

/// Whether a code is in a group, remembered: a code is tested against a
/// group many thousand times over a run, and codes are few.
///
/// A code read from a record is one shared copy per distinct code (per
/// reader), so it is remembered by its address, without hashing its text;
/// the memo keeps a reference to every code it remembers, so an address
/// cannot be reused for other text while it is remembered. In front of
/// that map, a small table indexed by a multiplicative hash of address
/// and group holds the latest answers (no hashing of a key, no borrow):
/// nearly every lookup ends there. Any other text (a code that comes out
/// of a `when … else` choice) is remembered by its text.
pub struct GroupMemo {
    /// (address, group) -> inside.
    pub(super) recent: Box<DirectMapped<(usize, usize), bool, RECENT>>,
    pub(super) by_address: RefCell<FxHashMap<(usize, usize), bool>>,
    /// The codes `by_address` refers to.
    pub(super) held: RefCell<Vec<Code>>,
    pub(super) by_text: RefCell<Vec<FxHashMap<Box<str>, bool>>>,
}

/// Entries of [`GroupMemo::recent`], a power of two.
pub(super) const RECENT: usize = 1 << 9;

impl GroupMemo {
    pub fn new(groups: usize) -> GroupMemo {
        GroupMemo {
            recent: Box::default(),
            by_address: RefCell::default(),
            held: RefCell::default(),
            by_text: RefCell::new(vec![FxHashMap::default(); groups]),
        }
    }

    pub(super) fn slot(address: usize, group: usize) -> usize {
        const K: u64 = 0x9E37_79B9_7F4A_7C15;
        slot_of_hash::<RECENT>(((address as u64) ^ (group as u64).wrapping_mul(K)).wrapping_mul(K))
    }

    /// Whether a code read from a record is in group `group` of `sets`.
    #[inline]
    pub fn code_in(&self, sets: &[CodeSet], group: usize, code: &Code) -> bool {
        let address = code.address();
        match self
            .recent
            .get(Self::slot(address, group), (address, group))
        {
            Some(inside) => inside,
            None => self.code_in_slowly(sets, group, code),
        }
    }

    /// [`GroupMemo::code_in`] when the small table does not know.
    #[cold]
    #[inline(never)]
    pub(super) fn code_in_slowly(&self, sets: &[CodeSet], group: usize, code: &Code) -> bool {
        let address = code.address();
        let remember = |inside| {
            self.recent
                .set(Self::slot(address, group), (address, group), inside);
        };
        let mut by_address = self.by_address.borrow_mut();
        if let Some(&inside) = by_address.get(&(address, group)) {
            remember(inside);
            return inside;
        }
        let inside = sets[group].contains(code);
        let mut held = self.held.borrow_mut();
        if held.len() < MEMO_CODES * sets.len().max(1) {
            held.push(code.clone());
            by_address.insert((address, group), inside);
            remember(inside);
        }
        inside
    }

    /// Whether any other text is in group `group` of `sets`.
    pub fn text_in(&self, sets: &[CodeSet], group: usize, code: &str) -> bool {
        let mut memo = self.by_text.borrow_mut();
        let known = &mut memo[group];
        if let Some(&inside) = known.get(code) {
            return inside;
        }
        let inside = sets[group].contains(code);
        if known.len() < MEMO_CODES {
            known.insert(code.into(), inside);
        }
        inside
    }
}

/// Past this many dates remembered (a run over centuries of dates), a
/// working-day deadline is worked out every time.
pub(super) const MEMO_DAYS: usize = 1 << 16;

/// Working-day deadlines by local date and number of days: dates are few,
/// deadlines many.
#[derive(Default)]
pub struct WorkingDays(RefCell<FxHashMap<(NaiveDate, u32), Option<Deadline>>>);

impl WorkingDays {
    /// The deadline `n` working days after local date `day`.
    pub fn after(&self, day: NaiveDate, n: u32, clock: &Clock, cal: &Calendar) -> Option<Deadline> {
        let mut memo = self.0.borrow_mut();
        if let Some(&d) = memo.get(&(day, n)) {
            return d;
        }
        let d = working_days_after(day, n, clock, cal);
        if memo.len() < MEMO_DAYS {
            memo.insert((day, n), d);
        }
        d
    }
}
