//! A direct-mapped cache: a fixed number of slots, each holding the latest
//! key and value that mapped to it. The hot paths that read the same few
//! things millions of times (a date's offset, a code's normalised text, a
//! code's membership of a group) keep their answers in one, so that nearly
//! every look-up is one slot compared, with no hashing of the whole key and
//! no allocation.
//!
//! Nothing in one is ever wrong, only missing: a slot is overwritten by the
//! next key that maps to it, and a hit compares the whole key. Which slot a
//! key goes to is the caller's choice (it knows which keys differ where);
//! [`slot_of_hash`] helps with a hash.
//!
//! Two ways in: shared (`&self`: thread-locals and caches behind a shared
//! reference) for keys and values that are `Copy`, and exclusive (`&mut
//! self`) for any, which can reuse what a slot holds (its text buffer).

use std::cell::Cell;

/// `N` slots of `(K, V)`, empty at first.
pub struct DirectMapped<K, V, const N: usize> {
    slots: [Cell<Option<(K, V)>>; N],
}

impl<K, V, const N: usize> DirectMapped<K, V, N> {
    /// Empty; `const`, so that a thread-local can start with one.
    pub const fn new() -> Self {
        DirectMapped {
            slots: [const { Cell::new(None) }; N],
        }
    }

    /// The slot `slot` (taken modulo `N`), for the exclusive way in.
    #[inline]
    pub fn slot_mut(&mut self, slot: usize) -> &mut Option<(K, V)> {
        self.slots[slot % N].get_mut()
    }

    /// The value remembered for a key equal to `key` in `slot`, if any.
    #[inline]
    pub fn get_mut<Q>(&mut self, slot: usize, key: &Q) -> Option<&mut V>
    where
        K: PartialEq<Q>,
        Q: ?Sized,
    {
        match self.slot_mut(slot) {
            Some((k, v)) if *k == *key => Some(v),
            _ => None,
        }
    }
}

impl<K: Copy + PartialEq, V: Copy, const N: usize> DirectMapped<K, V, N> {
    /// The value remembered for `key` in `slot` (taken modulo `N`), if any.
    #[inline]
    pub fn get(&self, slot: usize, key: K) -> Option<V> {
        match self.slots[slot % N].get() {
            Some((k, v)) if k == key => Some(v),
            _ => None,
        }
    }

    /// Remembers `value` for `key` in `slot`, in place of what was there.
    #[inline]
    pub fn set(&self, slot: usize, key: K, value: V) {
        self.slots[slot % N].set(Some((key, value)));
    }

    /// The value for `key`: remembered, or made by `make` and remembered.
    #[inline]
    pub fn get_or(&self, slot: usize, key: K, make: impl FnOnce() -> V) -> V {
        if let Some(v) = self.get(slot, key) {
            return v;
        }
        let v = make();
        self.set(slot, key, v);
        v
    }
}

impl<K, V, const N: usize> Default for DirectMapped<K, V, N> {
    fn default() -> Self {
        Self::new()
    }
}

/// A slot out of `N` (a power of two) from the top bits of a hash, which
/// a multiplicative hash mixes best.
#[inline]
pub const fn slot_of_hash<const N: usize>(hash: u64) -> usize {
    debug_assert!(N.is_power_of_two() && N > 1);
    (hash >> (64 - N.trailing_zeros())) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_the_latest_key_of_each_slot() {
        let cache: DirectMapped<u32, char, 4> = DirectMapped::new();
        assert_eq!(cache.get(1, 7), None);
        cache.set(1, 7, 'a');
        assert_eq!(cache.get(1, 7), Some('a'));
        assert_eq!(cache.get(5, 7), Some('a'), "slots are taken modulo N");
        assert_eq!(cache.get(1, 8), None, "a hit compares the whole key");
        cache.set(1, 8, 'b');
        assert_eq!(cache.get(1, 7), None, "overwritten, so missing");
        assert_eq!(cache.get_or(1, 8, || unreachable!()), 'b');
        assert_eq!(cache.get_or(2, 9, || 'c'), 'c');
        assert_eq!(cache.get(2, 9), Some('c'));
    }

    #[test]
    fn exclusive_way_in_compares_and_reuses() {
        let mut cache: DirectMapped<String, u8, 2> = DirectMapped::new();
        assert!(cache.get_mut(0, "x").is_none());
        *cache.slot_mut(0) = Some(("x".to_string(), 1));
        assert_eq!(cache.get_mut(0, "x").copied(), Some(1));
        assert_eq!(cache.get_mut(0, "y"), None);
        if let Some((text, n)) = cache.slot_mut(2) {
            text.clear();
            text.push_str("yz");
            *n = 2;
        }
        assert_eq!(cache.get_mut(0, "yz").copied(), Some(2));
    }

    #[test]
    fn hash_slots_stay_in_range() {
        for h in [0, 1, u64::MAX, 0x9E37_79B9_7F4A_7C15] {
            assert!(slot_of_hash::<512>(h) < 512);
        }
        assert_eq!(slot_of_hash::<256>(u64::MAX), 255);
    }
}
