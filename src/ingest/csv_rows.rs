//! CSV rows, one at a time, into a reused record buffer.

use super::columns::{ColumnMap, HeaderProblem, Names};
use super::row::{BadRow, Cells, RawRow, Row};
use super::tap::Tap;
use crate::records::Line;
use csv::ByteRecord;
use std::io::{self, Read};

pub(crate) struct CsvRows<R> {
    reader: csv::Reader<Tap<R>>,
    record: ByteRecord,
    map: ColumnMap,
    names: Names,
}

#[derive(Debug)]
pub(crate) enum HeaderError {
    Io(io::Error),
    NotUtf8 { column: usize },
    Columns(HeaderProblem),
}

impl<R: Read> CsvRows<R> {
    /// Reads the header and maps its columns to the table's fields.
    pub(crate) fn open(inner: R, names: Names) -> Result<CsvRows<R>, HeaderError> {
        let mut reader = csv::ReaderBuilder::new()
            // The header is read as an ordinary record so that it goes
            // through the same line accounting as the rows.
            .has_headers(false)
            // Rows of the wrong length are rejected one by one, not fatal.
            .flexible(true)
            .from_reader(Tap::with_line_breaks(inner));
        let mut record = ByteRecord::new();
        // An empty file has no header: every required column is missing.
        read(&mut reader, &mut record).map_err(HeaderError::Io)?;
        let mut header = Vec::with_capacity(record.len());
        for (column, bytes) in record.iter().enumerate() {
            let name = std::str::from_utf8(bytes)
                .map_err(|_| HeaderError::NotUtf8 { column: column + 1 })?;
            header.push(name);
        }
        let map = ColumnMap::from_header(&names, header).map_err(HeaderError::Columns)?;
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
                cells: Cells::Csv {
                    record: &self.record,
                    map: &self.map,
                },
                profile: self.names.profile.as_deref(),
            }),
            Err(reason) => Err(BadRow { line, reason }),
        }))
    }

    /// The next non-blank row, read into `into` (reusing its buffers): its
    /// line, and why it cannot be read if it cannot. `Ok(None)` at the end.
    pub(crate) fn next_owned(
        &mut self,
        into: &mut ByteRecord,
    ) -> io::Result<Option<(Line, Result<(), String>)>> {
        advance(&mut self.reader, self.map.width(), into)
    }

    /// What a row copied by [`CsvRows::next_owned`] needs to be read
    /// elsewhere.
    pub(crate) fn layout(&self) -> (ColumnMap, Names) {
        (self.map.clone(), self.names.clone())
    }

    pub(crate) fn into_tap(self) -> Tap<R> {
        self.reader.into_inner()
    }
}

/// Reads the next non-blank record into `record`: its line, and whether it
/// has the header's `width` and ends where it should.
fn advance<R: Read>(
    reader: &mut csv::Reader<Tap<R>>,
    width: usize,
    record: &mut ByteRecord,
) -> io::Result<Option<(Line, Result<(), String>)>> {
    loop {
        if !read(reader, record)? {
            return Ok(None);
        }
        let start = record.position().map_or(0, |p| p.byte());
        // Also for blank records, to let go of the line breaks before them.
        let line = reader.get_mut().record_start_line(start);
        if is_blank(record) {
            continue;
        }
        if runs_to_end_in_quotes(reader, record) {
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

/// The csv crate ends an unclosed quote at the end of the file without a
/// word, so the rows after the quote would vanish inside one field. Such a
/// record's last field runs over line breaks up to the very end of the
/// file, which does not end with the closing quote.
fn runs_to_end_in_quotes<R: Read>(reader: &csv::Reader<Tap<R>>, record: &ByteRecord) -> bool {
    let last_spans_lines = record
        .iter()
        .next_back()
        .is_some_and(|f| f.contains(&b'\n') || f.contains(&b'\r'));
    if !last_spans_lines {
        return false;
    }
    let end = reader.position().byte();
    match reader.get_ref().ended() {
        Some((bytes, last)) => end == bytes && last != Some(b'"'),
        None => false,
    }
}

fn read<R: Read>(reader: &mut csv::Reader<R>, record: &mut ByteRecord) -> io::Result<bool> {
    reader
        .read_byte_record(record)
        .map_err(|e| match e.into_kind() {
            csv::ErrorKind::Io(e) => e,
            // Only I/O can fail with flexible byte records.
            _ => io::Error::other("unexpected CSV reader error"),
        })
}

/// The csv crate skips empty lines itself; a line of only spaces or tabs
/// reaches us as one field, and is blank too.
fn is_blank(record: &ByteRecord) -> bool {
    record.len() == 1 && record.iter().all(|f| f.trim_ascii().is_empty())
}
