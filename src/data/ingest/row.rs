//! One raw row, whatever the file format: the typed conversion asks it for
//! canonical fields by index and never sees CSV or JSON.

use super::columns::ColumnMap;
use super::csv_split::Record;
use super::jsonl_rows::Slot;
use super::profile::TableProfile;
use crate::data::records::Line;

/// A field's raw value before it is read as its type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Field<'a> {
    /// No such column or key, or JSON `null`.
    Empty,
    /// Text as written (not trimmed). JSON numbers arrive here as their text.
    Text(&'a str),
    /// A JSON boolean.
    Bool(bool),
    /// A JSON array of strings or numbers.
    List(&'a [String]),
    /// A JSON value no field can hold, e.g. `a JSON object`.
    Other(&'static str),
    /// CSV bytes that are not UTF-8.
    NotUtf8,
}

/// A row read from a file, borrowed from the reader's buffers until the
/// next row is read.
pub struct Row<'a> {
    pub(crate) line: Line,
    pub(crate) cells: Cells<'a>,
    /// How values are written, when a force profile says so.
    pub(crate) profile: Option<&'a TableProfile>,
}

pub(crate) enum Cells<'a> {
    Csv {
        record: &'a Record,
        map: &'a ColumnMap,
    },
    /// A CSV row already known to be UTF-8 as a whole (`text`, its fields
    /// end to end with a separator after each): its fields are not checked
    /// again one by one. Fields are split at ASCII separators, so each
    /// one's bytes are whole characters.
    Text {
        text: &'a str,
        record: &'a Record,
        map: &'a ColumnMap,
    },
    /// One slot per canonical field.
    Json(&'a [Slot]),
    /// One value per canonical field, written out by hand: an example in a
    /// rule file.
    Fields(&'a [Field<'a>]),
}

impl<'a> Cells<'a> {
    /// A CSV record's cells, the record checked to be UTF-8 as a whole,
    /// once; only when it is not are its fields checked one by one (as
    /// they are read), to name the one that is not.
    pub(crate) fn of_record(record: &'a Record, map: &'a ColumnMap) -> Cells<'a> {
        match std::str::from_utf8(record.as_bytes()) {
            Ok(text) => Cells::Text { text, record, map },
            Err(_) => Cells::Csv { record, map },
        }
    }
}

impl<'a> Row<'a> {
    /// A row given field by field, one value per canonical field of its
    /// table (`Field::Empty` where there is none). The examples in rule
    /// files are read through this, so they are read exactly like exports.
    pub fn from_fields(line: Line, fields: &'a [Field<'a>]) -> Row<'a> {
        Row {
            line,
            cells: Cells::Fields(fields),
            profile: None,
        }
    }

    /// The 1-based physical line the row starts on.
    pub fn line(&self) -> Line {
        self.line
    }

    /// The raw value of canonical field `field` of the row's table.
    ///
    /// Inlined: each typed read then matches on the value it builds in
    /// place, not on one returned through memory.
    #[inline(always)]
    pub fn field(&self, field: usize) -> Field<'_> {
        match &self.cells {
            Cells::Csv { record, map } => match map.column(field).and_then(|c| record.get(c)) {
                None => Field::Empty,
                Some(bytes) => std::str::from_utf8(bytes).map_or(Field::NotUtf8, Field::Text),
            },
            Cells::Text { text, record, map } => {
                match map.column(field).and_then(|c| record.range(c)) {
                    None => Field::Empty,
                    Some(range) => text.get(range).map_or(Field::NotUtf8, Field::Text),
                }
            }
            Cells::Json(slots) => slots.get(field).map_or(Field::Empty, Slot::field),
            Cells::Fields(fields) => fields.get(field).copied().unwrap_or(Field::Empty),
        }
    }
}

/// A row that cannot be read at all (before its fields are looked at).
#[derive(Debug)]
pub(crate) struct BadRow {
    pub(crate) line: Line,
    pub(crate) reason: String,
}

pub(crate) type RawRow<'a> = Result<Row<'a>, BadRow>;
