//! From a raw row to a typed record (SPEC §2 "Value formats" and "Bad rows
//! and bad values"). A required field that is missing or unreadable rejects
//! the row; an unreadable optional field reads as empty and sets the
//! record's `quality.invalid` bit. Reasons name the field, never its value:
//! values may be personal data.
//!
//! A force profile, when the row carries one, changes only the text a value
//! is read from (a vocabulary, a list separator) or the timestamp formats
//! tried; what is kept, flagged or rejected is decided exactly as for
//! canonical input, in the same words.

use super::intern::Codes;
use super::row::{Field, Row};
use crate::data::records::{
    CRIME_FIELDS, Code, Crime, EVENTS, FieldDef, INCIDENT_FIELDS, Id, Incident, Quality, Record,
    STATUSES, Table, Transfer, UPDATE_FIELDS, Update,
};
use crate::data::time::{Clock, Fold, Instant, TimeError};
use crate::util::text::trim;

/// A record type the export reader can produce.
pub trait FromRow: Record + Sized {
    /// The field that must be unique within the table, if any.
    const UNIQUE: Option<&'static str>;

    fn unique_id(&self) -> Option<&str>;

    /// The record, or the reason the row is rejected.
    fn from_row(row: &Row<'_>, clock: &Clock) -> Result<Self, String> {
        Self::read_row(row, clock, &mut Codes::new())
    }

    /// [`FromRow::from_row`], sharing codes already read through `codes`.
    fn read_row(row: &Row<'_>, clock: &Clock, codes: &mut Codes) -> Result<Self, String>;
}

/// The index of a field, checked when the crate is compiled.
macro_rules! at {
    ($fields:expr, $name:literal) => {
        const { index($fields, $name) }
    };
}

const fn index(fields: &[FieldDef], name: &str) -> usize {
    let mut i = 0;
    while i < fields.len() {
        if same(fields[i].name.as_bytes(), name.as_bytes()) {
            return i;
        }
        i += 1;
    }
    panic!("no such field")
}

const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

impl FromRow for Incident {
    const UNIQUE: Option<&'static str> = Some("incident_id");

    fn unique_id(&self) -> Option<&str> {
        Some(&self.incident_id)
    }

    fn read_row(row: &Row<'_>, clock: &Clock, codes: &mut Codes) -> Result<Incident, String> {
        const F: &[FieldDef] = INCIDENT_FIELDS;
        let mut r = Reader::new(row, Table::Incidents, clock, codes);
        let incident_id = r.required(at!(F, "incident_id"), Reader::id)?;
        let reported_at = r.required(at!(F, "reported_at"), Reader::time)?;
        Ok(Incident {
            line: row.line(),
            incident_id,
            reported_at,
            opening_code: r.code(at!(F, "opening_code"))?,
            closing_code: r.code(at!(F, "closing_code"))?,
            closed_at: r.time(at!(F, "closed_at"))?.into(),
            victim_count: r.count(at!(F, "victim_count"))?,
            qualifiers: r.list(at!(F, "qualifiers"))?,
            non_crime_rationale: r.text(at!(F, "non_crime_rationale"))?,
            // Last: the reads above set its bits.
            quality: r.quality,
        })
    }
}

impl FromRow for Crime {
    const UNIQUE: Option<&'static str> = Some("crime_id");

    fn unique_id(&self) -> Option<&str> {
        Some(&self.crime_id)
    }

    fn read_row(row: &Row<'_>, clock: &Clock, codes: &mut Codes) -> Result<Crime, String> {
        const F: &[FieldDef] = CRIME_FIELDS;
        let mut r = Reader::new(row, Table::Crimes, clock, codes);
        let crime_id = r.required(at!(F, "crime_id"), Reader::id)?;
        let incident_id = r.id(at!(F, "incident_id"))?;
        let offence_code = r.required(at!(F, "offence_code"), Reader::offence)?;
        let reported_at = r.time(at!(F, "reported_at"))?;
        let recorded_at = r.required(at!(F, "recorded_at"), Reader::time)?;
        Ok(Crime {
            line: row.line(),
            crime_id,
            incident_id,
            offence_code,
            reported_at: reported_at.into(),
            recorded_at,
            status: r
                .one_of(at!(F, "status"), STATUSES)?
                .unwrap_or_else(|| r.codes.code("RECORDED")),
            cancellation_code: r.code(at!(F, "cancellation_code"))?,
            cancelled_at: r.time(at!(F, "cancelled_at"))?.into(),
            cancellation_authority: r.code(at!(F, "cancellation_authority"))?,
            victim_informed_at: r.time(at!(F, "victim_informed_at"))?.into(),
            outcome_code: r.code(at!(F, "outcome_code"))?,
            outcome_at: r.time(at!(F, "outcome_at"))?.into(),
            victim_views_recorded: r.boolean(at!(F, "victim_views_recorded"))?,
            offender_history_checked: r.boolean(at!(F, "offender_history_checked"))?,
            dpp_consent: r.boolean(at!(F, "dpp_consent"))?,
            victim_enhanced: r.boolean(at!(F, "victim_enhanced"))?,
            transfer: Transfer {
                transferred_from: r.code(at!(F, "transferred_from"))?,
                received_at: r.time(at!(F, "received_at"))?.into(),
                transferred_to: r.code(at!(F, "transferred_to"))?,
                duplicate_of: r.id(at!(F, "duplicate_of"))?,
            }
            .boxed(),
            // Last: the reads above set its bits.
            quality: r.quality,
        })
    }
}

impl FromRow for Update {
    const UNIQUE: Option<&'static str> = None;

    fn unique_id(&self) -> Option<&str> {
        None
    }

    fn read_row(row: &Row<'_>, clock: &Clock, codes: &mut Codes) -> Result<Update, String> {
        const F: &[FieldDef] = UPDATE_FIELDS;
        let mut r = Reader::new(row, Table::Updates, clock, codes);
        let crime_id = r.required(at!(F, "crime_id"), Reader::id)?;
        let event = r.required(at!(F, "event"), |r, i| r.one_of(i, EVENTS))?;
        let event_at = r.required(at!(F, "event_at"), Reader::time)?;
        Ok(Update {
            line: row.line(),
            crime_id,
            event,
            event_at,
            victim_informed_at: r.time(at!(F, "victim_informed_at"))?.into(),
            quality: r.quality,
        })
    }
}

/// Why a value could not be read.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Problem {
    /// `is not {0}`.
    NotA(&'static str),
    OutOfRange,
    NotOneOf(&'static [&'static str]),
    /// A JSON value of the wrong type, e.g. `a JSON object`.
    WrongType(&'static str),
    NotUtf8,
}

fn reason(name: &str, problem: Problem) -> String {
    match problem {
        Problem::NotA(what) => format!("`{name}` is not {what}"),
        Problem::OutOfRange => format!("`{name}` is out of range"),
        Problem::NotOneOf(allowed) => {
            let allowed: Vec<String> = allowed.iter().map(|a| a.to_ascii_lowercase()).collect();
            format!("`{name}` is not one of {}", allowed.join(", "))
        }
        Problem::WrongType(what) => format!("`{name}` cannot be {what}"),
        Problem::NotUtf8 => format!("`{name}` is not valid UTF-8"),
    }
}

/// Reads one row's fields as their types, collecting quality marks.
///
/// Each method returns `Ok(None)` for an empty field or an unreadable
/// optional one, and `Err(reason)` when the row must be rejected.
struct Reader<'r, 'a> {
    row: &'r Row<'a>,
    fields: &'static [FieldDef],
    clock: &'r Clock,
    codes: &'r mut Codes,
    quality: Quality,
}

type Read<T> = Result<Option<T>, String>;

impl<'r, 'a> Reader<'r, 'a> {
    fn new(
        row: &'r Row<'a>,
        table: Table,
        clock: &'r Clock,
        codes: &'r mut Codes,
    ) -> Reader<'r, 'a> {
        Reader {
            row,
            fields: table.fields(),
            clock,
            codes,
            quality: Quality::default(),
        }
    }

    fn name(&self, field: usize) -> &'static str {
        self.fields.get(field).map_or("?", |f| f.name)
    }

    fn required<T>(
        &mut self,
        field: usize,
        read: impl FnOnce(&mut Self, usize) -> Read<T>,
    ) -> Result<T, String> {
        read(self, field)?.ok_or_else(|| format!("missing required field `{}`", self.name(field)))
    }

    fn unreadable<T>(&mut self, field: usize, problem: Problem) -> Read<T> {
        let required = self.fields.get(field).is_some_and(|f| f.required);
        // An optional value that cannot be read, bytes that are not text
        // included, is read as empty and flagged (SPEC §2): the row stays.
        if required {
            return Err(reason(self.name(field), problem));
        }
        Quality::mark(&mut self.quality.invalid, field);
        Ok(None)
    }

    /// A single value: trimmed, non-empty text handed to `parse`.
    fn scalar<T>(
        &mut self,
        field: usize,
        parse: impl FnOnce(&str) -> Result<T, Problem>,
    ) -> Read<T> {
        self.scalar_as(field, false, |s, _| parse(s))
    }

    /// A code-like value: as [`Reader::scalar`], translated through the
    /// profile's vocabulary for the field first.
    fn coded<T>(
        &mut self,
        field: usize,
        parse: impl FnOnce(&str, &mut Codes) -> Result<T, Problem>,
    ) -> Read<T> {
        self.scalar_as(field, true, parse)
    }

    fn scalar_as<T>(
        &mut self,
        field: usize,
        translate: bool,
        parse: impl FnOnce(&str, &mut Codes) -> Result<T, Problem>,
    ) -> Read<T> {
        let row = self.row;
        let text = match row.field(field) {
            Field::Empty => return Ok(None),
            Field::Text(s) => trim(s),
            Field::Bool(_) => return self.unreadable(field, Problem::WrongType("a JSON boolean")),
            Field::List(_) => return self.unreadable(field, Problem::WrongType("a JSON array")),
            Field::Other(what) => return self.unreadable(field, Problem::WrongType(what)),
            Field::NotUtf8 => return self.unreadable(field, Problem::NotUtf8),
        };
        if text.is_empty() {
            return Ok(None);
        }
        let text = match row.profile {
            Some(profile) if translate => profile.translate(field, text),
            _ => text,
        };
        match parse(text, self.codes) {
            Ok(v) => Ok(Some(v)),
            Err(problem) => self.unreadable(field, problem),
        }
    }

    /// Ids are compared exactly, so only the surrounding space goes.
    fn id(&mut self, field: usize) -> Read<Id> {
        self.scalar(field, |s| Ok(Id::from(s)))
    }

    fn text(&mut self, field: usize) -> Read<Box<str>> {
        self.scalar(field, |s| Ok(s.into()))
    }

    fn code(&mut self, field: usize) -> Read<Code> {
        self.coded(field, |s, codes| Ok(codes.code(s)))
    }

    fn offence(&mut self, field: usize) -> Read<Code> {
        self.coded(field, |s, codes| Ok(codes.offence(s)))
    }

    fn count(&mut self, field: usize) -> Read<u32> {
        self.scalar(field, |s| {
            s.parse()
                .map_err(|_| Problem::NotA("a whole number of 0 or more"))
        })
    }

    fn one_of(&mut self, field: usize, allowed: &'static [&'static str]) -> Read<Code> {
        self.coded(field, |s, codes| {
            let code = codes.code(s);
            if allowed.contains(&&*code) {
                Ok(code)
            } else {
                Err(Problem::NotOneOf(allowed))
            }
        })
    }

    fn time(&mut self, field: usize) -> Read<Instant> {
        // A force profile's formats go through the same clock, so repeated
        // and skipped hours are judged the same way.
        let clock = self.clock;
        let formats = self.row.profile.and_then(|p| p.formats(field));
        let parsed = self.scalar(field, |s| {
            match formats {
                Some(formats) => clock.parse_as(s, formats),
                None => clock.parse(s),
            }
            .map_err(|e| match e {
                TimeError::Format => Problem::NotA("a timestamp"),
                TimeError::OutOfRange => Problem::OutOfRange,
            })
        })?;
        Ok(parsed.map(|(t, fold)| {
            match fold {
                Fold::Unique => {}
                Fold::Repeated => Quality::mark(&mut self.quality.repeated, field),
                Fold::Skipped => Quality::mark(&mut self.quality.skipped, field),
            }
            t
        }))
    }

    fn boolean(&mut self, field: usize) -> Read<bool> {
        if let Field::Bool(b) = self.row.field(field) {
            return Ok(Some(b));
        }
        // Compared in place, ignoring case: no lower-cased copy per value.
        let is = |s: &str, words: [&str; 4]| words.iter().any(|w| s.eq_ignore_ascii_case(w));
        self.coded(field, |s, _| {
            if is(s, ["true", "yes", "y", "1"]) {
                Ok(true)
            } else if is(s, ["false", "no", "n", "0"]) {
                Ok(false)
            } else {
                Err(Problem::NotA("true/false, yes/no, y/n or 1/0"))
            }
        })
    }

    /// `;`-separated text (or the profile's separator), or a JSON array;
    /// empty items are dropped, the others translated by the profile.
    fn list(&mut self, field: usize) -> Result<Box<[Code]>, String> {
        let row = self.row;
        let profile = row.profile;
        let shared = &mut *self.codes;
        let mut codes = |items: &mut dyn Iterator<Item = &str>| -> Box<[Code]> {
            items
                .map(trim)
                .filter(|s| !s.is_empty())
                .map(|s| profile.map_or(s, |p| p.translate(field, s)))
                .map(|s| shared.code(s))
                .collect()
        };
        let separator = profile.map_or(";", |p| p.separator(field));
        let list = match row.field(field) {
            Field::Empty => Box::default(),
            Field::Text(s) if trim(s).is_empty() => Box::default(),
            // A one-character separator (nearly always) is found without a
            // substring searcher set up for every row.
            Field::Text(s) => match separator.parse::<char>() {
                Ok(c) => codes(&mut s.split(c)),
                Err(_) => codes(&mut s.split(separator)),
            },
            Field::List(items) => codes(&mut items.iter().map(String::as_str)),
            Field::Bool(_) => {
                self.unreadable::<()>(field, Problem::WrongType("a JSON boolean"))?;
                Box::default()
            }
            Field::Other(what) => {
                self.unreadable::<()>(field, Problem::WrongType(what))?;
                Box::default()
            }
            Field::NotUtf8 => {
                self.unreadable::<()>(field, Problem::NotUtf8)?;
                Box::default()
            }
        };
        Ok(list)
    }
}
