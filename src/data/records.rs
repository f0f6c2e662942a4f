//! The canonical export schema and the in-memory records read from it.
//!
//! This is the one place that knows the canonical column names (SPEC §2).
//! Rules refer to fields by these names; the checker resolves each name to
//! an index here before any record is read, so evaluation never looks a
//! field up by name.

use crate::data::time::Instant;
use std::sync::Arc;

/// A normalised code (see [`normalize_code`]). Codes have tiny
/// vocabularies, so the reader shares one copy of each distinct code; a
/// record holds a thin pointer to it (8 bytes, also when optional), not
/// a 16-byte `Arc<str>`: a crime has five codes.
pub type Code = Shared;

/// Text shared by many records or findings (a code; a rule's code, kind
/// or message) behind one thin pointer: 8 bytes, also when optional.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Shared(Arc<Box<str>>);

impl Shared {
    pub fn new(text: &str) -> Shared {
        Shared(Arc::new(text.into()))
    }

    /// Where the shared text lives: the same for every clone, and not
    /// reused for other text while any clone is alive.
    pub fn address(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }
}

impl std::ops::Deref for Shared {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// So that the reader's set of codes can be searched by text.
impl std::borrow::Borrow<str> for Shared {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl std::fmt::Display for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl serde::Serialize for Shared {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

/// The hash by which ids are found (duplicate checks, joins).
///
/// Ids are mostly numbered in sequence (`INC000123`, `INC000124`, …) and
/// exports mostly written in that order, while the tables of a million
/// ids are far larger than the cache. So ids that differ only in the last
/// six bits of the number their last four digits make hash alike but for
/// those bits, kept at the bottom (where hashbrown finds a slot) and mixed
/// into the top seven (its tag, which tells the entries of one probe
/// apart): a stretch of 64 such ids shares one cache line of the table's
/// control bytes and four of its slots, read in order, instead of each id
/// costing misses of its own. Stretches are spread as any hash spreads
/// them; ids without a trailing digit hash as a whole. The hash only ever
/// decides where to look first, never whether ids are equal. (What it
/// saves is measured in BENCHMARKS.md.)
pub fn hash_id(id: impl AsRef<[u8]>) -> u64 {
    use std::hash::BuildHasher;
    let id = id.as_ref();
    // Four digits are enough (a stretch is cut short only at each
    // 10,000th id), and quicker to read than all of them.
    let digits = id
        .iter()
        .rev()
        .take(4)
        .take_while(|c| c.is_ascii_digit())
        .count();
    let (head, tail) = id.split_at(id.len() - digits);
    let number = tail.iter().fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
    let stretch = rustc_hash::FxBuildHasher.hash_one((head, digits, number / STRETCH));
    let low = number % STRETCH;
    (stretch & !(STRETCH - 1) | low) ^ (low << 57)
}

/// Ids in sequence that [`hash_id`] puts side by side (a power of two, at
/// most 128: the offset is also mixed into the seven bits of the tag).
const STRETCH: u64 = 64;

/// A time that may be absent, in 8 bytes (an `Option<Instant>` takes 16):
/// a crime has five. No time an export can hold is the sentinel.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct MaybeTime(i64);

impl MaybeTime {
    pub const NONE: MaybeTime = MaybeTime(i64::MIN);

    pub fn get(self) -> Option<Instant> {
        (self != MaybeTime::NONE).then_some(Instant(self.0))
    }
}

impl MaybeTime {
    pub fn is_none(&self) -> bool {
        *self == MaybeTime::NONE
    }
}

/// As the `Option<Instant>` it stands for.
impl serde::Serialize for MaybeTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(s)
    }
}

impl From<Option<Instant>> for MaybeTime {
    fn from(t: Option<Instant>) -> MaybeTime {
        t.map_or(MaybeTime::NONE, |t| MaybeTime(t.0))
    }
}

impl std::fmt::Debug for MaybeTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.get(), f)
    }
}

/// A record id. Ids are short: up to 16 bytes are kept inline, without an
/// allocation of their own (a million incidents are a million fewer), in
/// 16 bytes, also when optional (a crime holds two ids).
pub type Id = lean_string::LeanString;

/// One of the three tables of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Table {
    Incidents,
    Crimes,
    Updates,
}

impl Table {
    pub const ALL: [Table; 3] = [Table::Incidents, Table::Crimes, Table::Updates];

    pub fn name(self) -> &'static str {
        match self {
            Table::Incidents => "incidents",
            Table::Crimes => "crimes",
            Table::Updates => "updates",
        }
    }

    /// The record kind as rule authors write it (`each incident`).
    pub fn singular(self) -> &'static str {
        match self {
            Table::Incidents => "incident",
            Table::Crimes => "crime",
            Table::Updates => "update",
        }
    }

    pub fn fields(self) -> &'static [FieldDef] {
        match self {
            Table::Incidents => INCIDENT_FIELDS,
            Table::Crimes => CRIME_FIELDS,
            Table::Updates => UPDATE_FIELDS,
        }
    }

    pub fn field_index(self, name: &str) -> Option<usize> {
        self.fields().iter().position(|f| f.name == name)
    }
}

/// How a field's text is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// A record id, compared exactly after trimming.
    Id,
    /// Free text; rules may only ask whether it is present.
    Text,
    /// A code, compared case-insensitively after trimming.
    Code,
    /// A Home Office offence code: a code where `4.1` and `4/1` are equal.
    Offence,
    Time,
    /// A non-negative integer.
    Count,
    Bool,
    /// `recorded` or `cancelled`.
    Status,
    /// One of [`EVENTS`].
    Event,
    /// A list of codes: `;`-separated in CSV, an array in JSON Lines.
    CodeList,
}

#[derive(Debug)]
pub struct FieldDef {
    pub name: &'static str,
    pub ty: FieldType,
    pub required: bool,
}

const fn f(name: &'static str, ty: FieldType, required: bool) -> FieldDef {
    FieldDef { name, ty, required }
}

use FieldType as T;

pub const INCIDENT_FIELDS: &[FieldDef] = &[
    f("incident_id", T::Id, true),
    f("reported_at", T::Time, true),
    f("opening_code", T::Code, false),
    f("closing_code", T::Code, false),
    f("closed_at", T::Time, false),
    f("victim_count", T::Count, false),
    f("qualifiers", T::CodeList, false),
    f("non_crime_rationale", T::Text, false),
];

pub const CRIME_FIELDS: &[FieldDef] = &[
    f("crime_id", T::Id, true),
    f("incident_id", T::Id, false),
    f("offence_code", T::Offence, true),
    f("reported_at", T::Time, false),
    f("recorded_at", T::Time, true),
    f("status", T::Status, false),
    f("cancellation_code", T::Code, false),
    f("cancelled_at", T::Time, false),
    f("cancellation_authority", T::Code, false),
    f("victim_informed_at", T::Time, false),
    f("outcome_code", T::Code, false),
    f("outcome_at", T::Time, false),
    f("victim_views_recorded", T::Bool, false),
    f("offender_history_checked", T::Bool, false),
    f("dpp_consent", T::Bool, false),
    f("victim_enhanced", T::Bool, false),
    // Edition 2: transfers between forces (HOCR Annex A) and duplicates.
    f("transferred_from", T::Code, false),
    f("received_at", T::Time, false),
    f("transferred_to", T::Code, false),
    f("duplicate_of", T::Id, false),
];

pub const UPDATE_FIELDS: &[FieldDef] = &[
    f("crime_id", T::Id, true),
    f("event", T::Event, true),
    f("event_at", T::Time, true),
    f("victim_informed_at", T::Time, false),
];

/// Fields that hold the id of another record of the export, and its
/// table: rules can follow them (`duplicate_of.status`).
pub const REFERENCES: &[(Table, &str, Table)] = &[(Table::Crimes, "duplicate_of", Table::Crimes)];

/// The table whose record field `field` of `table` names, if it is a reference.
pub fn refers_to(table: Table, field: usize) -> Option<Table> {
    let name = table.fields().get(field)?.name;
    REFERENCES
        .iter()
        .find(|(t, f, _)| *t == table && *f == name)
        .map(|(_, _, to)| *to)
}

/// The values `status` may take (normalised, see [`normalize_code`]).
pub const STATUSES: &[&str] = &["RECORDED", "CANCELLED"];
/// The values `event` may take (normalised).
pub const EVENTS: &[&str] = &[
    "ARREST",
    "INTERVIEW",
    "RELEASE",
    "BAIL",
    "RUI",
    "NO_INVESTIGATION",
];

/// How findings name an event: [`EVENTS`] in lower case, in the same order.
const EVENT_NAMES: &[&str] = &[
    "arrest",
    "interview",
    "release",
    "bail",
    "rui",
    "no_investigation",
];

/// A name from a static table (a field's, an event's), by a thin
/// reference: 8 bytes where a `&str` takes 16, in every finding.
pub type Name = &'static &'static str;

/// The lower-case name of an event code (as read, one of [`EVENTS`]).
pub fn event_name(event: &str) -> Option<Name> {
    EVENTS
        .iter()
        .position(|e| *e == event)
        .map(|n| &EVENT_NAMES[n])
}

/// Codes compare case-insensitively after trimming: store them upper-cased.
pub fn normalize_code(s: &str) -> Box<str> {
    s.trim().to_ascii_uppercase().into_boxed_str()
}

/// Offence codes also treat the ONS sub-class form `4.1` as HOCR's `4/1`.
pub fn normalize_offence(s: &str) -> Box<str> {
    s.trim()
        .to_ascii_uppercase()
        .replace('.', "/")
        .into_boxed_str()
}

impl FieldType {
    /// What values of this type are, in a rule author's words.
    pub fn words(self) -> &'static str {
        match self {
            FieldType::Id => "a record id (text, compared exactly)",
            FieldType::Text => "free text (rules ask only whether it is present)",
            FieldType::Code => "a code (compared without regard to case)",
            FieldType::Offence => "a Home Office offence code (`4.1` and `4/1` are the same)",
            FieldType::Time => "a time",
            FieldType::Count => "a whole number of 0 or more",
            FieldType::Bool => "yes or no (empty means unknown)",
            FieldType::Status => "`recorded` or `cancelled`",
            FieldType::Event => {
                "an event: `arrest`, `interview`, `release`, `bail`, `rui` or `no_investigation`"
            }
            FieldType::CodeList => "a list of codes (`;`-separated in CSV, an array in JSON Lines)",
        }
    }
}

/// What a field of the export holds (SPEC §2), for people reading rules
/// (the language server's hover). Every field has one (a test checks).
pub fn meaning(table: Table, field: &str) -> Option<&'static str> {
    let m = match (table, field) {
        (Table::Incidents, "incident_id") => "unique incident reference",
        (Table::Incidents, "reported_at") => "when police received the report",
        (Table::Incidents, "opening_code") => "incident category when opened",
        (Table::Incidents, "closing_code") => "category when closed; empty while open",
        (Table::Incidents, "closed_at") => "when the incident was closed",
        (Table::Incidents, "victim_count") => "identified victims",
        (Table::Incidents, "qualifiers") => "flags such as `DA`, `HATE`, `VULNERABLE`",
        (Table::Incidents, "non_crime_rationale") => {
            "the recorded reason why a crime-related incident produced no crime record"
        }
        (Table::Crimes, "crime_id") => "unique crime reference",
        (Table::Crimes, "incident_id") => "the incident it came from; empty when reported directly",
        (Table::Crimes, "offence_code") => {
            "Home Office classification, e.g. `8N`, `105A`, `19C`, `4/1`; `N100` for rape reports not recorded as rape"
        }
        (Table::Crimes, "reported_at") => {
            "when reported; defaults to the linked incident's `reported_at`"
        }
        (Table::Crimes, "recorded_at") => "when the crime record was created",
        (Table::Crimes, "status") => "`recorded` (the default) or `cancelled`",
        (Table::Crimes, "cancellation_code") => "`C1`..`C5` when cancelled",
        (Table::Crimes, "cancelled_at") => "when the crime was cancelled",
        (Table::Crimes, "cancellation_authority") => {
            "role that authorised the cancellation: `FCR`, `DDM`, or other"
        }
        (Table::Crimes, "victim_informed_at") => "when the victim was told of the cancellation",
        (Table::Crimes, "outcome_code") => "Home Office outcome type number (`1`..`22`)",
        (Table::Crimes, "outcome_at") => "when the outcome was assigned",
        (Table::Crimes, "victim_views_recorded") => {
            "victim's views on an out-of-court disposal recorded"
        }
        (Table::Crimes, "offender_history_checked") => {
            "offender's previous history checked before the disposal"
        }
        (Table::Crimes, "dpp_consent") => "CPS/DPP consent obtained for a caution",
        (Table::Crimes, "victim_enhanced") => {
            "victim entitled to enhanced rights under the Victims' Code"
        }
        (Table::Crimes, "transferred_from") => {
            "the force a crime was transferred in from (HOCR Annex A); empty for the force's own crimes"
        }
        (Table::Crimes, "received_at") => {
            "when a transferred-in crime was received from the other force"
        }
        (Table::Crimes, "transferred_to") => "the force a C1-cancelled crime was transferred to",
        (Table::Crimes, "duplicate_of") => {
            "for a C3 (duplicate) cancellation: the `crime_id` of the crime it duplicates"
        }
        (Table::Updates, "crime_id") => "the crime the update is about",
        (Table::Updates, "event") => "what happened in the investigation",
        (Table::Updates, "event_at") => "when it happened",
        (Table::Updates, "victim_informed_at") => "when the victim was told of it",
        _ => return None,
    };
    Some(m)
}

/// Per-record data-quality marks, one bit per field index of the record's
/// table. They are facts about the input that rules ask about (repeated or skipped hours, unreadable values).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Quality {
    /// A local time in the hour repeated when clocks go back.
    pub repeated: u32,
    /// A local time in the hour skipped when clocks go forward.
    pub skipped: u32,
    /// A non-empty optional value that could not be read (read as empty).
    pub invalid: u32,
}

impl Quality {
    pub fn mark(bits: &mut u32, field: usize) {
        *bits |= 1 << field;
    }
    pub fn has(bits: u32, field: usize) -> bool {
        bits & (1 << field) != 0
    }
}

/// Where a record came from: the 1-based physical line its text starts on.
pub type Line = u64;

#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    pub line: Line,
    pub incident_id: Id,
    pub reported_at: Instant,
    pub opening_code: Option<Code>,
    pub closing_code: Option<Code>,
    pub closed_at: MaybeTime,
    pub victim_count: Option<u32>,
    pub qualifiers: Box<[Code]>,
    pub non_crime_rationale: Option<Box<str>>,
    pub quality: Quality,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Crime {
    pub line: Line,
    pub crime_id: Id,
    pub incident_id: Option<Id>,
    pub offence_code: Code,
    pub reported_at: MaybeTime,
    pub recorded_at: Instant,
    /// `RECORDED` or `CANCELLED`; empty reads as `RECORDED` (SPEC §2).
    pub status: Code,
    pub cancellation_code: Option<Code>,
    pub cancelled_at: MaybeTime,
    pub cancellation_authority: Option<Code>,
    pub victim_informed_at: MaybeTime,
    pub outcome_code: Option<Code>,
    pub outcome_at: MaybeTime,
    pub victim_views_recorded: Option<bool>,
    pub offender_history_checked: Option<bool>,
    pub dpp_consent: Option<bool>,
    pub victim_enhanced: Option<bool>,
    /// The transfer and duplicate columns, when any is filled.
    pub transfer: Option<Box<Transfer>>,
    pub quality: Quality,
}

/// The edition-2 columns of a crime. Boxed apart because few crimes fill
/// any of them (transfers and duplicate cancellations): the rest pay one
/// empty pointer (8 bytes) instead of 40, on every crime held for the join.
#[derive(Clone, Debug, PartialEq)]
pub struct Transfer {
    /// The force a crime was transferred in from (a force code, shared).
    pub transferred_from: Option<Code>,
    /// When a transferred-in crime was received from the other force.
    pub received_at: MaybeTime,
    /// The force a C1-cancelled crime was transferred to.
    pub transferred_to: Option<Code>,
    /// For a C3 (duplicate) cancellation, the crime it duplicates.
    pub duplicate_of: Option<Id>,
}

impl Transfer {
    /// The box a crime holds: none when every column is empty.
    pub fn boxed(self) -> Option<Box<Transfer>> {
        let empty = self.transferred_from.is_none()
            && self.received_at.is_none()
            && self.transferred_to.is_none()
            && self.duplicate_of.is_none();
        (!empty).then(|| Box::new(self))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Update {
    pub line: Line,
    pub crime_id: Id,
    pub event: Code,
    pub event_at: Instant,
    pub victim_informed_at: MaybeTime,
    pub quality: Quality,
}

/// A field's value as the evaluator sees it. Empty is a value: every
/// comparison with it is false (see the language reference).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val<'a> {
    Empty,
    Text(&'a str),
    /// A code as read: the shared copy (see [`Shared::address`]).
    Code(&'a Code),
    Time(Instant),
    Int(i64),
    Bool(bool),
    List(&'a [Code]),
}

fn text(v: &Option<Box<str>>) -> Val<'_> {
    v.as_deref().map_or(Val::Empty, Val::Text)
}
fn code(v: &Option<Code>) -> Val<'_> {
    v.as_ref().map_or(Val::Empty, Val::Code)
}
fn time(v: MaybeTime) -> Val<'static> {
    v.get().map_or(Val::Empty, Val::Time)
}
fn boolean(v: Option<bool>) -> Val<'static> {
    v.map_or(Val::Empty, Val::Bool)
}

/// Bit `n` set if `filled[n]`.
fn bits<const N: usize>(filled: [bool; N]) -> u32 {
    filled
        .iter()
        .enumerate()
        .fold(0, |b, (n, &f)| b | (u32::from(f) << n))
}

/// Field access by the index in the table's field list.
pub trait Record {
    const TABLE: Table;
    fn get(&self, field: usize) -> Val<'_>;
    /// The fields that hold something, as bits by field index: those
    /// [`Record::get`] does not read as empty, a list only if it has a
    /// member. The same as asking `get` field by field, without doing so
    /// (the value checks need it for every record).
    fn filled(&self) -> u32;
    fn line(&self) -> Line;
    fn quality(&self) -> &Quality;
}

impl Record for Incident {
    const TABLE: Table = Table::Incidents;
    #[inline]
    fn get(&self, field: usize) -> Val<'_> {
        match field {
            0 => Val::Text(&self.incident_id),
            1 => Val::Time(self.reported_at),
            2 => code(&self.opening_code),
            3 => code(&self.closing_code),
            4 => time(self.closed_at),
            5 => self.victim_count.map_or(Val::Empty, |n| Val::Int(n.into())),
            6 => Val::List(&self.qualifiers),
            7 => text(&self.non_crime_rationale),
            _ => Val::Empty,
        }
    }
    fn filled(&self) -> u32 {
        bits([
            true,
            true,
            self.opening_code.is_some(),
            self.closing_code.is_some(),
            !self.closed_at.is_none(),
            self.victim_count.is_some(),
            !self.qualifiers.is_empty(),
            self.non_crime_rationale.is_some(),
        ])
    }
    fn line(&self) -> Line {
        self.line
    }
    fn quality(&self) -> &Quality {
        &self.quality
    }
}

impl Record for Crime {
    const TABLE: Table = Table::Crimes;
    #[inline]
    fn get(&self, field: usize) -> Val<'_> {
        match field {
            0 => Val::Text(&self.crime_id),
            1 => self.incident_id.as_deref().map_or(Val::Empty, Val::Text),
            2 => Val::Code(&self.offence_code),
            3 => time(self.reported_at),
            4 => Val::Time(self.recorded_at),
            5 => Val::Code(&self.status),
            6 => code(&self.cancellation_code),
            7 => time(self.cancelled_at),
            8 => code(&self.cancellation_authority),
            9 => time(self.victim_informed_at),
            10 => code(&self.outcome_code),
            11 => time(self.outcome_at),
            12 => boolean(self.victim_views_recorded),
            13 => boolean(self.offender_history_checked),
            14 => boolean(self.dpp_consent),
            15 => boolean(self.victim_enhanced),
            16..=19 => self
                .transfer
                .as_deref()
                .map_or(Val::Empty, |t| match field {
                    16 => code(&t.transferred_from),
                    17 => time(t.received_at),
                    18 => code(&t.transferred_to),
                    _ => t.duplicate_of.as_deref().map_or(Val::Empty, Val::Text),
                }),
            _ => Val::Empty,
        }
    }
    fn filled(&self) -> u32 {
        let t = self.transfer.as_deref();
        bits([
            true,
            self.incident_id.is_some(),
            true,
            !self.reported_at.is_none(),
            true,
            true,
            self.cancellation_code.is_some(),
            !self.cancelled_at.is_none(),
            self.cancellation_authority.is_some(),
            !self.victim_informed_at.is_none(),
            self.outcome_code.is_some(),
            !self.outcome_at.is_none(),
            self.victim_views_recorded.is_some(),
            self.offender_history_checked.is_some(),
            self.dpp_consent.is_some(),
            self.victim_enhanced.is_some(),
            t.is_some_and(|t| t.transferred_from.is_some()),
            t.is_some_and(|t| !t.received_at.is_none()),
            t.is_some_and(|t| t.transferred_to.is_some()),
            t.is_some_and(|t| t.duplicate_of.is_some()),
        ])
    }
    fn line(&self) -> Line {
        self.line
    }
    fn quality(&self) -> &Quality {
        &self.quality
    }
}

impl Record for Update {
    const TABLE: Table = Table::Updates;
    #[inline]
    fn get(&self, field: usize) -> Val<'_> {
        match field {
            0 => Val::Text(&self.crime_id),
            1 => Val::Code(&self.event),
            2 => Val::Time(self.event_at),
            3 => time(self.victim_informed_at),
            _ => Val::Empty,
        }
    }
    fn filled(&self) -> u32 {
        bits([true, true, true, !self.victim_informed_at.is_none()])
    }
    fn line(&self) -> Line {
        self.line
    }
    fn quality(&self) -> &Quality {
        &self.quality
    }
}

/// The records of an export held in memory, each table in input order.
#[derive(Clone, Copy)]
pub struct Records<'a> {
    pub incidents: &'a [Incident],
    pub crimes: &'a [Crime],
    pub updates: &'a [Update],
}

#[cfg(test)]
mod tests {
    use super::{STRETCH, Table, hash_id, meaning};

    #[test]
    fn every_field_says_what_it_holds() {
        for t in Table::ALL {
            for f in t.fields() {
                assert!(
                    meaning(t, f.name).is_some(),
                    "{}.{}: add its meaning to records::meaning (rule authors see it on hover)",
                    t.name(),
                    f.name
                );
            }
        }
    }

    #[test]
    fn ids_in_sequence_hash_to_neighbouring_slots_with_tags_of_their_own() {
        let slot = |h: u64| h & ((1 << 20) - 1);
        let tag = |h: u64| h >> 57;
        let (from, to) = (0x100, 0x100 + STRETCH);
        let stretch: Vec<u64> = (from..to).map(|n| hash_id(format!("INC{n:09}"))).collect();
        let first = slot(stretch[0]);
        for (k, &h) in stretch.iter().enumerate() {
            assert_eq!(slot(h), first + k as u64, "id {k} of the stretch");
        }
        let mut tags: Vec<u64> = stretch.iter().map(|&h| tag(h)).collect();
        tags.sort();
        tags.dedup();
        assert_eq!(
            tags.len() as u64,
            STRETCH,
            "tags tell a stretch's ids apart"
        );
        // The next stretch, another prefix, or the same number written
        // with more digits, lands elsewhere.
        let elsewhere = [
            hash_id(format!("INC{to:09}")),
            hash_id(format!("CR{from:09}")),
            hash_id(format!("INC{from:010}")),
        ];
        for h in elsewhere {
            assert!(slot(h).abs_diff(first) > STRETCH, "{h:x}");
        }
        // Ids with no trailing number are hashed whole.
        assert_ne!(hash_id("ABC-X"), hash_id("ABC-Y"));
    }
}
