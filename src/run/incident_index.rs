//! The incidents' index: for each incident streamed past, whether its id
//! was read before (a duplicate, rejected) and, if not, which group of
//! crimes is its own, answered in one hash look-up.
//!
//! # Why one look-up answers both
//!
//! Reading the incidents, the reader must look up every incident id in its
//! duplicate check, under the lock that commits rows in file order; and
//! every incident must find the crimes that name it. Two hash tables of a
//! million incident ids would cost two look-ups per incident, both missing
//! the cache, and the memory of two tables. So the duplicate check is
//! seeded, before the incidents are read, with the incident ids the crimes
//! name, numbered in the very order the crimes are grouped
//! ([`Joins::new`]): group `g`'s incident id is seeded id `g`. The first
//! row with a seeded id is then told its number by the duplicate check
//! itself, and that number is its group ([`TableReader::seed_with`]).
//! Seeding is one hash pass over the crimes' incident ids that also
//! numbers the groups.
//!
//! The reader owns the table (it is the duplicate check of any table); this
//! type is the one place that fills it with the groups and reads the answer
//! back as a group, claimed at most once. What no incident claims is judged
//! in the last stage of the run ([`Evaluator::unlinked`]).
//!
//! [`Evaluator::unlinked`]: crate::run::engine::Evaluator::unlinked

use crate::data::ingest::{Ids, TableReader};
use crate::data::records::{Crime, Incident, Update};
use crate::run::engine::{Claimed, Group, Joins};

/// The groups of crimes streamed incidents have claimed, found through the
/// incidents reader's duplicate check (see the module documentation).
pub struct IncidentIndex {
    claimed: Claimed,
}

impl IncidentIndex {
    /// Groups the crimes by incident id and joins the updates to them
    /// (`crimes` in file order, `crime_ids` numbering them by index), and
    /// seeds `incidents`, not yet read, with the groups' incident ids.
    pub fn build<'a>(
        crimes: Vec<&'a Crime>,
        updates: &'a [Update],
        crime_ids: &Ids,
        incidents: &mut TableReader<Incident>,
    ) -> (Joins<'a>, IncidentIndex) {
        // At most one group per crime.
        let joins = incidents.seed_with(crimes.len(), |number| {
            Joins::new(crimes, updates, crime_ids, number)
        });
        let claimed = Claimed::new(&joins);
        (joins, IncidentIndex { claimed })
    }

    /// The group of an incident the reader kept (not a duplicate), from
    /// the number its duplicate check gave the id (`None`: not seeded, no
    /// crime names it). Called in file order, so the first incident with
    /// an id claims its group.
    pub fn group_of(&mut self, seeded: Option<u32>) -> Option<Group> {
        // The reader tells a seeded id's number only on its first read, so
        // a group is claimed once; claiming keeps the last stage's record
        // of which groups were.
        seeded.filter(|&g| self.claimed.claim_group(g))
    }

    /// Which groups incidents claimed: the others are judged without one.
    pub fn claimed(&self) -> &Claimed {
        &self.claimed
    }
}
