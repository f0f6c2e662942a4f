//! The joins: the held crimes grouped by incident id, the updates by
//! crime, each group as a range of one index array; reference fields
//! resolved to crime indices once.

use crate::data::ingest::Ids;
use crate::data::records::Records;
use crate::data::records::{Crime, Incident, Record, Table, Update, Val};
use rustc_hash::FxHashMap;

pub(super) const NONE: u32 = u32::MAX;

/// The crimes and updates of an export, held for the joins, with the joins
/// resolved once to indices so evaluation never hashes an id.
///
/// Incidents are not held: they stream past, and each finds its group of
/// crimes by its id among [`Joins::group_ids`] (streamed, through the
/// `IncidentIndex`; held incidents through an [`Ids`]). Crimes
/// with the same `incident_id` form a group; the incident that claims the
/// group is the crimes' incident.
pub struct Joins<'a> {
    /// In input order. References, so that crimes read on several threads
    /// are joined where they lie, not copied into one vector.
    pub(super) crimes: Vec<&'a Crime>,
    pub(super) updates: &'a [Update],
    /// Group `g`'s first crime, whose incident id is the group's.
    pub(super) first_crime: Vec<u32>,
    /// Group `g`'s crimes are `group_crimes[group_starts[g]..group_starts[g + 1]]`,
    /// in input order.
    pub(super) group_starts: Vec<u32>,
    pub(super) group_crimes: Vec<u32>,
    /// Each crime's group; `NONE` when it names no incident.
    pub(super) group_of_crime: Vec<u32>,
    /// Each update's crime (the first crime with its id); `NONE` when the
    /// export has no such crime.
    pub(super) crime_of_update: Vec<u32>,
    /// Crime `c`'s updates are `crime_updates[update_starts[c]..update_starts[c + 1]]`.
    pub(super) update_starts: Vec<u32>,
    pub(super) crime_updates: Vec<u32>,
    /// The crime a reference field of a crime names (`duplicate_of`), by
    /// the field and the referring crime's address (crimes stay where they
    /// are while they are judged): only crimes whose reference is found.
    pub(super) referenced: FxHashMap<(usize, usize), u32>,
    /// By table: the fields some record of the export holds a value for,
    /// as bits by field index (see [`Record::filled`]). Incidents stream
    /// past, so all of theirs count as held.
    pub(super) filled: [u32; 3],
}

/// A group of crimes by incident id, see [`Joins`].
pub type Group = u32;

impl<'a> Joins<'a> {
    /// `crimes` in input order; `crime_ids` numbers them by their index
    /// (first of equal ids). `number` numbers incident ids, from 0 in the
    /// order first given (equal ids keep the first's number; `None` if it
    /// cannot): each group's number is its incident id's. The streamed run
    /// numbers them in the incidents' duplicate check, seeding it as the
    /// crimes are grouped (see `run::incident_index`).
    ///
    /// The updates are joined to their crimes on another thread meanwhile.
    pub fn new(
        crimes: Vec<&'a Crime>,
        updates: &'a [Update],
        crime_ids: &Ids,
        number: &mut dyn FnMut(&str) -> Option<u32>,
    ) -> Joins<'a> {
        let crime_count = crimes.len();
        let ((first_crime, group_of_crime), (crime_of_update, (update_starts, crime_updates))) =
            std::thread::scope(|scope| {
                let updates = scope.spawn(|| {
                    let crime_of_update = updates_to_crimes(crime_ids, updates);
                    let by_crime = buckets(&crime_of_update, crime_count);
                    (crime_of_update, by_crime)
                });
                let groups = group_crimes(&crimes, number);
                let updates = updates
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (groups, updates)
            });
        let (group_starts, group_crimes) = buckets(&group_of_crime, first_crime.len());
        let referenced = references(&crimes, crime_ids);
        let filled = [
            u32::MAX,
            crimes.iter().fold(0, |b, c| b | c.filled()),
            updates.iter().fold(0, |b, u| b | u.filled()),
        ];
        Joins {
            referenced,
            filled,
            crimes,
            updates,
            first_crime,
            group_starts,
            group_crimes,
            group_of_crime,
            crime_of_update,
            update_starts,
            crime_updates,
        }
    }

    /// The joins of crimes and updates held in memory (audit strata, rule
    /// examples): the crimes' index by id and the groups' numbers are
    /// built here.
    pub fn held(records: Records<'a>) -> Joins<'a> {
        let crime_ids = Ids::of(records.crimes.iter().map(|c| c.crime_id.as_str()));
        let mut groups = Ids::default();
        Joins::new(
            records.crimes.iter().collect(),
            records.updates,
            &crime_ids,
            &mut |id| groups.number(id),
        )
    }

    /// The incident id of each group, in group order.
    pub fn group_ids(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.first_crime.len() as u32).map(|g| group_id(&self.crimes, &self.first_crime, g))
    }

    pub fn groups(&self) -> usize {
        self.group_starts.len() - 1
    }

    pub(super) fn group(&self, g: Option<Group>) -> &[u32] {
        match g {
            Some(g) => {
                let g = g as usize;
                &self.group_crimes[self.group_starts[g] as usize..self.group_starts[g + 1] as usize]
            }
            None => &[],
        }
    }

    /// The crime that `crime`'s reference field `field` names, if the
    /// export has it.
    pub(super) fn referenced(&self, field: usize, crime: &Crime) -> Option<&'a Crime> {
        let at = self
            .referenced
            .get(&(field, std::ptr::from_ref(crime) as usize))?;
        Some(self.crimes[*at as usize])
    }

    /// Whether some record of the export holds a value for the field.
    pub fn holds(&self, table: Table, field: usize) -> bool {
        self.filled[table as usize] & (1 << field) != 0
    }

    pub(super) fn updates_of(&self, crime: usize) -> &[u32] {
        &self.crime_updates
            [self.update_starts[crime] as usize..self.update_starts[crime + 1] as usize]
    }
}

/// Groups crimes by incident id, numbered by `number` (see
/// [`Joins::new`]): each group's first crime, and each crime's group
/// (`NONE` when it names no incident).
pub(super) fn group_crimes(
    crimes: &[&Crime],
    number: &mut dyn FnMut(&str) -> Option<u32>,
) -> (Vec<u32>, Vec<u32>) {
    let mut first_crime: Vec<u32> = Vec::new();
    let group_of_crime: Vec<u32> = crimes
        .iter()
        .enumerate()
        .map(|(c, crime)| {
            let Some(g) = crime.incident_id.as_deref().and_then(&mut *number) else {
                return NONE;
            };
            // Numbers are given in order: a new one is the next group.
            if g as usize == first_crime.len() {
                first_crime.push(c as u32);
            }
            g
        })
        .collect();
    (first_crime, group_of_crime)
}

/// The incident id of group `g`: its first crime's.
pub(super) fn group_id<'c>(crimes: &[&'c Crime], first_crime: &[u32], g: u32) -> &'c str {
    crimes[first_crime[g as usize] as usize]
        .incident_id
        .as_deref()
        .unwrap_or_default()
}

/// For each reference field of crimes (`records::REFERENCES`) and each
/// crime whose reference names a crime of the export: that crime (the
/// first with the id), by the field and the referring crime's address.
pub(super) fn references(crimes: &[&Crime], crime_ids: &Ids) -> FxHashMap<(usize, usize), u32> {
    let mut out = FxHashMap::default();
    let fields = (0..Table::Crimes.fields().len())
        .filter(|&f| crate::data::records::refers_to(Table::Crimes, f) == Some(Table::Crimes));
    for field in fields {
        for crime in crimes {
            if let Val::Text(id) = crime.get(field)
                && let Some(at) = crime_ids.find(id)
            {
                out.insert((field, std::ptr::from_ref(*crime) as usize), at);
            }
        }
    }
    out
}

/// Each update's crime: the first crime with its id, `NONE` if none.
pub(super) fn updates_to_crimes(crime_ids: &Ids, updates: &[Update]) -> Vec<u32> {
    updates
        .iter()
        .map(|u| crime_ids.find(&u.crime_id).unwrap_or(NONE))
        .collect()
}

/// A counting sort of items by their owner (`NONE`: no owner), keeping
/// input order within each: owner `o`'s items are
/// `items[starts[o]..starts[o + 1]]`.
pub(super) fn buckets(owner_of: &[u32], owners: usize) -> (Vec<u32>, Vec<u32>) {
    let mut starts = vec![0u32; owners + 1];
    for &o in owner_of.iter().filter(|&&o| o != NONE) {
        starts[o as usize + 1] += 1;
    }
    for n in 1..starts.len() {
        starts[n] += starts[n - 1];
    }
    let mut next = starts.clone();
    let mut items = vec![0u32; starts[owners] as usize];
    for (item, &o) in owner_of.iter().enumerate() {
        if o != NONE {
            items[next[o as usize] as usize] = item as u32;
            next[o as usize] += 1;
        }
    }
    (starts, items)
}

/// Which groups an incident has claimed: after the incidents, the crimes
/// of unclaimed groups are judged without an incident.
pub struct Claimed(pub(super) Vec<bool>);

impl Claimed {
    pub fn new(joins: &Joins) -> Claimed {
        Claimed(vec![false; joins.groups()])
    }

    /// Claims a group found beforehand; false if it was claimed already.
    pub fn claim_group(&mut self, g: Group) -> bool {
        !std::mem::replace(&mut self.0[g as usize], true)
    }
}

/// Incidents held in memory claim their groups in order: only the first
/// incident with an id has its crimes (the export reader rejects later ones
/// as duplicates; the records of a rule's examples may repeat an id).
pub(super) fn claim_all(joins: &Joins, incidents: &[Incident]) -> (Claimed, Vec<Option<Group>>) {
    let mut claimed = Claimed::new(joins);
    // Group ids are distinct: each keeps its group's number.
    let groups_by_id = Ids::of(joins.group_ids());
    let groups = incidents
        .iter()
        .map(|i| {
            groups_by_id
                .find(&i.incident_id)
                .filter(|&g| claimed.claim_group(g))
        })
        .collect();
    (claimed, groups)
}
