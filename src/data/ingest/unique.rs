//! The id table: every id of a table read so far, compactly, for the
//! duplicate check, and (seeded before reading) the numbers the joins group
//! by. [`Ids`] is the crimes' set kept afterwards, the index the updates
//! are joined through.

use super::FromRow;
use crate::data::records::{Line, hash_id};

/// The ids read so far in a table, with the line each was first read on.
///
/// A million incident ids are the largest thing a run keeps that does not
/// grow with the crimes, so they are kept compactly: the ids end to end in
/// one buffer, and a hash table of their numbers (4 bytes each) rather than
/// of owned strings.
#[derive(Default)]
pub(super) struct Unique {
    /// Every id, end to end.
    pub(super) text: Vec<u8>,
    /// Id `k` is `text[ends[k - 1]..ends[k]]` (from 0 for the first).
    pub(super) ends: Vec<u32>,
    pub(super) lines: FirstLines,
    pub(super) table: hashbrown::HashTable<u32>,
    /// Ids `0..seeded` were given before reading (see `Unique::seed`, [`Unique::number`]):
    /// expected, not read; each one's line is `UNSEEN` until a row has it.
    pub(super) seeded: u32,
    /// Which seeded ids a row has had, a bit each: set exactly when the
    /// id's line stops being `UNSEEN`. Most reads of a seeded id are its
    /// first, and this small set answers "first?" where the lines (far
    /// larger than the cache) would cost a miss under the commit lock.
    pub(super) read_seeds: Vec<u64>,
}

/// The line of an id given before reading and not yet read: no row is on
/// line 0 (the first line is 1).
pub(super) const UNSEEN: Line = 0;

/// The line each kept id was first read on, by id number: 4 bytes each
/// (a million incidents' lines in 4 MB, not 8), as an export has fewer
/// than four billion lines; a line past that is kept aside, exactly.
#[derive(Default)]
pub(super) struct FirstLines {
    pub(super) narrow: Vec<u32>,
    /// (id number, line) for lines that do not fit in `narrow`, by number.
    pub(super) wide: Vec<(u32, Line)>,
}

impl FirstLines {
    pub(super) fn push(&mut self, line: Line) {
        match u32::try_from(line) {
            Ok(narrow) if narrow != u32::MAX => self.narrow.push(narrow),
            _ => {
                // `narrow` is no longer than the ids, whose number fits.
                self.wide.push((self.narrow.len() as u32, line));
                self.narrow.push(u32::MAX);
            }
        }
    }

    /// Sets the line of seeded id `k`, pushed as `UNSEEN` (so kept narrow,
    /// never aside) and read for the first time.
    pub(super) fn set_first(&mut self, k: u32, line: Line) {
        debug_assert_eq!(self.narrow[k as usize] as Line, UNSEEN);
        self.narrow[k as usize] = match u32::try_from(line) {
            Ok(narrow) if narrow != u32::MAX => narrow,
            _ => {
                let at = self.wide.partition_point(|&(n, _)| n < k);
                self.wide.insert(at, (k, line));
                u32::MAX
            }
        };
    }

    pub(super) fn get(&self, k: u32) -> Line {
        match self.narrow[k as usize] {
            u32::MAX => self.wide[self.wide.partition_point(|&(n, _)| n < k)].1,
            narrow => Line::from(narrow),
        }
    }
}

impl Unique {
    /// Room for `ids` more ids, so that the table is not rebuilt as it
    /// grows (each rebuild hashes every id again, from all over memory).
    pub(super) fn reserve(&mut self, ids: usize) {
        let Unique {
            text,
            ends,
            lines,
            table,
            ..
        } = self;
        table.reserve(ids, |&k| hash_id(nth(text, ends, k)));
        ends.reserve(ids);
        lines.narrow.reserve(ids);
    }

    /// Duplicates are judged among readable rows only, so this runs after
    /// the conversion; the first row with an id is kept.
    pub(super) fn check<T: FromRow>(&mut self, record: T) -> Result<T, (Line, String)> {
        let hash = Unique::hash_of(&record);
        self.check_hashed(&record, hash).map(|_| record)
    }

    /// Gives ids expected in the table before it is read, numbered from 0
    /// in order (an empty set only; equal ids keep the first number). A
    /// row with one of them is then told its number (see
    /// [`Unique::check_hashed`]), in the same look-up as the duplicate
    /// check: for incidents, the group of crimes naming the id. (Runs
    /// give them one by one, through `TableReader::seed_with`.)
    #[cfg(test)]
    pub(super) fn seed<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>) {
        debug_assert!(self.ends.is_empty(), "seeded after reading");
        let ids = ids.into_iter();
        for id in ids {
            self.number(id);
        }
        self.end_seeding();
    }

    /// The ids given so far are the seeded ones.
    pub(super) fn end_seeding(&mut self) {
        self.seeded = self.ends.len() as u32;
        self.read_seeds = vec![0; self.ends.len().div_ceil(64)];
    }

    /// The number of an id, added (not yet read: line `UNSEEN`) if new.
    /// `None` past four billion ids or 4 GiB of them.
    pub(super) fn number(&mut self, id: &str) -> Option<u32> {
        let hash = hash_id(id);
        match self.find_hashed(id, hash) {
            Some(k) => Some(k),
            None => self.insert_new(id, hash, UNSEEN),
        }
    }

    /// The number of an id already in the table.
    pub(super) fn find_hashed(&self, id: &str, hash: u64) -> Option<u32> {
        let Unique {
            text, ends, table, ..
        } = self;
        table
            .find(hash, |&k| nth(text, ends, k) == id.as_bytes())
            .copied()
    }

    /// The hash of the record's id, worked out apart from the check (on
    /// another thread, outside the commit's lock).
    pub(super) fn hash_of<T: FromRow>(record: &T) -> u64 {
        record.unique_id().map_or(0, hash_id)
    }

    /// `Ok(Some(n))`: the record's id is the `n`th seeded one.
    pub(super) fn check_hashed<T: FromRow>(
        &mut self,
        record: &T,
        hash: u64,
    ) -> Result<Option<u32>, (Line, String)> {
        let (Some(field), Some(id)) = (T::UNIQUE, record.unique_id()) else {
            return Ok(None);
        };
        match self.add_hashed(id, hash, record.line()) {
            Ok(seeded) => Ok(seeded),
            Err(Some(first)) => Err((
                record.line(),
                format!("duplicate `{field}` (first on line {first})"),
            )),
            // Past four billion ids, or 4 GiB of them: an export this tool
            // was not sized for. Said, not silently misjudged.
            Err(None) => Err((
                record.line(),
                format!("too many `{field}` values to check for duplicates"),
            )),
        }
    }

    /// Adds an id first read on `line`, unless it is there already.
    pub(super) fn add(&mut self, id: &str, line: Line) {
        let _ = self.add_hashed(id, hash_id(id), line);
    }

    /// `Ok(Some(n))`: the id is the `n`th seeded one, read for the first
    /// time; `Err(Some(line))`: the id was first read on that line;
    /// `Err(None)`: no room for more ids.
    pub(super) fn add_hashed(
        &mut self,
        id: &str,
        hash: u64,
        line: Line,
    ) -> Result<Option<u32>, Option<Line>> {
        let Some(k) = self.find_hashed(id, hash) else {
            return match self.insert_new(id, hash, line) {
                Some(_) => Ok(None),
                None => Err(None),
            };
        };
        if k < self.seeded {
            let (word, bit) = (k as usize / 64, 1u64 << (k % 64));
            if self.read_seeds[word] & bit == 0 {
                self.read_seeds[word] |= bit;
                self.lines.set_first(k, line);
                return Ok(Some(k));
            }
        }
        Err(Some(self.lines.get(k)))
    }

    /// Adds an id not in the table, first read on `line`: its number, or
    /// `None` past four billion ids or 4 GiB of them.
    pub(super) fn insert_new(&mut self, id: &str, hash: u64, line: Line) -> Option<u32> {
        let Unique {
            text,
            ends,
            lines,
            table,
            ..
        } = self;
        let end = u32::try_from(text.len() + id.len()).ok()?;
        let k = u32::try_from(ends.len()).ok()?;
        table.insert_unique(hash, k, |&k| hash_id(nth(text, ends, k)));
        text.extend_from_slice(id.as_bytes());
        ends.push(end);
        lines.push(line);
        Some(k)
    }
}

/// The ids of a table's records, each numbered by the order it was first
/// kept: what the duplicate check built, kept to find records by id.
#[derive(Default)]
pub struct Ids(Unique);

impl Ids {
    /// Numbers ids in order, the first of equal ids keeping its number.
    pub fn of<'a>(ids: impl IntoIterator<Item = &'a str>) -> Ids {
        let mut unique = Unique::default();
        for (n, id) in ids.into_iter().enumerate() {
            unique.add(id, n as Line);
        }
        Ids(unique)
    }

    /// The ids of a finished table: the lines they were read on are no
    /// longer needed.
    pub(super) fn from(mut unique: Unique) -> Ids {
        unique.lines = FirstLines::default();
        unique.read_seeds = Vec::new();
        Ids(unique)
    }

    /// The number of an id, the next number if it is new (`None` past
    /// four billion ids or 4 GiB of them).
    pub fn number(&mut self, id: &str) -> Option<u32> {
        self.0.number(id)
    }

    /// The number of the record with this id.
    pub fn find(&self, id: &str) -> Option<u32> {
        let Unique {
            text, ends, table, ..
        } = &self.0;
        table
            .find(hash_id(id), |&k| nth(text, ends, k) == id.as_bytes())
            .copied()
    }
}

fn nth<'t>(text: &'t [u8], ends: &[u32], k: u32) -> &'t [u8] {
    let k = k as usize;
    let start = if k == 0 { 0 } else { ends[k - 1] as usize };
    &text[start..ends[k] as usize]
}
