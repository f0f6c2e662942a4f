//! CSV rows, one at a time, into a reused record buffer.

use super::columns::{ColumnMap, HeaderProblem, Names};
use super::csv_split::{Record, Splitter};
use super::row::{BadRow, Cells, RawRow, Row};
use super::tap::Tap;
use crate::data::records::Line;
use std::io::{self, Read};

/// The most rows [`CsvRows::rows_expected`] guesses.
const MAX_EXPECTED: usize = 1 << 22;

pub(crate) struct CsvRows<R> {
    reader: Splitter<R>,
    record: Record,
    map: ColumnMap,
    names: Names,
}

#[derive(Debug)]
pub(crate) enum HeaderError {
    Io(io::Error),
    /// The header is longer than the record limit.
    TooLong {
        limit: usize,
    },
    Columns(HeaderProblem),
}

impl<R: Read> CsvRows<R> {
    /// Reads the header and maps its columns to the table's fields.
    #[cfg(test)]
    pub(crate) fn open(inner: R, names: Names) -> Result<CsvRows<R>, HeaderError> {
        CsvRows::open_limited(inner, names, usize::MAX)
    }

    /// `CsvRows::open` (which tests call), rejecting records longer than
    /// `limit` bytes.
    pub(crate) fn open_limited(
        inner: R,
        names: Names,
        limit: usize,
    ) -> Result<CsvRows<R>, HeaderError> {
        // The header is read as an ordinary record so that it goes through
        // the same line accounting as the rows. Rows of the wrong length
        // are rejected one by one, not fatal.
        let mut reader = Splitter::new(Tap::with_line_breaks(inner));
        reader.set_limit(limit);
        let mut record = Record::default();
        // An empty file has no header: every required column is missing.
        reader.read(&mut record).map_err(HeaderError::Io)?;
        if reader.too_long() {
            return Err(HeaderError::TooLong { limit });
        }
        // A name that is not UTF-8 is no column's name: with the bytes
        // replaced (U+FFFD), it is an unknown column, ignored like any
        // other, or a required one reported missing.
        let header: Vec<std::borrow::Cow<str>> =
            record.iter().map(String::from_utf8_lossy).collect();
        let map = ColumnMap::from_header(&names, header.iter().map(|n| n.as_ref()))
            .map_err(HeaderError::Columns)?;
        Ok(CsvRows {
            reader,
            record,
            map,
            names,
        })
    }

    /// The next non-blank row, `Ok(None)` at the end of the file.
    pub(crate) fn next_row(&mut self) -> io::Result<Option<RawRow<'_>>> {
        let next = advance(&mut self.reader, self.map.width(), &mut self.record)?;
        Ok(next.map(|(line, read)| match read {
            Ok(()) => Ok(Row {
                line,
                cells: Cells::of_record(&self.record, &self.map),
                profile: self.names.profile.as_deref(),
            }),
            Err(reason) => Err(BadRow { line, reason }),
        }))
    }

    /// The next non-blank row, read into `into` (reusing its buffers): its
    /// line, and why it cannot be read if it cannot. `Ok(None)` at the end.
    pub(crate) fn next_owned(
        &mut self,
        into: &mut Record,
    ) -> io::Result<Option<(Line, Result<(), String>)>> {
        advance(&mut self.reader, self.map.width(), into)
    }

    /// About how many rows are left, if the file's `size` is known: the
    /// bytes after the header read with it (up to the reader's 64 KiB)
    /// are taken as typical. A guess, for sizing tables before reading;
    /// bounded, so a first stretch of tiny rows cannot ask for much.
    pub(crate) fn rows_expected(&self, size: u64) -> usize {
        let (ahead, rest_of_file) = self.reader.buffered();
        let lines = memchr::memchr_iter(b'\n', ahead).count();
        let guess = if rest_of_file || lines == 0 {
            lines + usize::from(!ahead.is_empty() && !ahead.ends_with(b"\n"))
        } else {
            // The header and the bytes already buffered are in `size`.
            (size as f64 / ahead.len() as f64 * lines as f64) as usize
        };
        guess.min(MAX_EXPECTED)
    }

    /// What a row copied by [`CsvRows::next_owned`] needs to be read
    /// elsewhere.
    pub(crate) fn layout(&self) -> (ColumnMap, Names) {
        (self.map.clone(), self.names.clone())
    }

    pub(crate) fn into_tap(self) -> Tap<R> {
        self.reader.into_tap()
    }

    pub(crate) fn tap_mut(&mut self) -> &mut Tap<R> {
        self.reader.tap_mut()
    }
}

/// Reads the next non-blank record into `record`: its line, and whether it
/// has the header's `width` and ends where it should.
fn advance<R: Read>(
    reader: &mut Splitter<R>,
    width: usize,
    record: &mut Record,
) -> io::Result<Option<(Line, Result<(), String>)>> {
    loop {
        if !reader.read(record)? {
            return Ok(None);
        }
        // Also for blank records, to let go of the line breaks before them.
        let line = reader.tap_mut().record_start_line(record.start());
        if reader.too_long() {
            return Ok(Some((line, Err(too_long(reader.limit())))));
        }
        if is_blank(record) {
            continue;
        }
        if record.get(0).is_some_and(|f| f.starts_with(BOM)) {
            return Ok(Some((line, Err(BOM_REASON.into()))));
        }
        if runs_to_end_in_quotes(reader) {
            let reason = "a quoted field is never closed: the rest of the file is inside it";
            return Ok(Some((line, Err(reason.into()))));
        }
        let found = record.len();
        if found != width {
            let reason = format!("wrong number of fields: expected {width}, found {found}");
            return Ok(Some((line, Err(reason))));
        }
        return Ok(Some((line, Ok(()))));
    }
}

/// Why a record longer than the limit is rejected (SPEC §2).
pub(crate) fn too_long(limit: usize) -> String {
    format!(
        "record longer than {} (the limit on one record; `--max-record-bytes` changes it)",
        size(limit)
    )
}

/// A size in bytes as people write it: `16 MiB`, `1000 bytes`.
pub(crate) fn size(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

/// csv_core ends an unclosed quote at the end of the file without a
/// word, so the rows after the quote would vanish inside one field. Such a
/// record was still inside its last field's quotes at the end of the file,
/// and that field runs over line breaks. (A quote left open on the last
/// line hides no rows: the field is read as it is, as csv reads it.)
fn runs_to_end_in_quotes<R: Read>(reader: &Splitter<R>) -> bool {
    // Also on the last line: a field cut short there may have lost text,
    // and the row is not read as if it were whole.
    reader.ended_in_quotes()
}

/// The UTF-8 byte-order mark. Only a file's first line may start with
/// one (csv_core strips it there).
pub(crate) const BOM: &[u8] = b"\xef\xbb\xbf";

/// Why a later line that starts with a byte-order mark is rejected: its
/// first field would carry the invisible mark into an id.
pub(crate) const BOM_REASON: &str =
    "line starts with a byte-order mark (U+FEFF), as if another file were joined on here";

/// csv_core skips empty lines itself; a line of only spaces or tabs
/// reaches us as one field, and is blank too. One empty field is a line
/// such as `""`: a row with an empty field, not a blank line.
fn is_blank(record: &Record) -> bool {
    record.len() == 1
        && record
            .iter()
            .all(|f| !f.is_empty() && f.trim_ascii().is_empty())
}

#[cfg(test)]
mod tests;
