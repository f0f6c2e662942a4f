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
        loop {
            if !read(&mut self.reader, &mut self.record)? {
                return Ok(None);
            }
            let start = self.record.position().map_or(0, |p| p.byte());
            // Also for blank records, to let go of the line breaks before them.
            let line = self.reader.get_mut().record_start_line(start);
            if is_blank(&self.record) {
                continue;
            }
            if self.runs_to_end_in_quotes() {
                return Ok(Some(Err(BadRow {
                    line,
                    reason: "a quoted field is never closed: the rest of the file is inside it"
                        .into(),
                })));
            }
            let found = self.record.len();
            let expected = self.map.width();
            if found != expected {
                return Ok(Some(Err(BadRow {
                    line,
                    reason: format!("wrong number of fields: expected {expected}, found {found}"),
                })));
            }
            return Ok(Some(Ok(Row {
                line,
                cells: Cells::Csv {
                    record: &self.record,
                    map: &self.map,
                },
                profile: self.names.profile.as_deref(),
            })));
        }
    }

    /// The csv crate ends an unclosed quote at the end of the file without
    /// a word, so the rows after the quote would vanish inside one field.
    /// Such a record's last field runs over line breaks up to the very end
    /// of the file, which does not end with the closing quote.
    fn runs_to_end_in_quotes(&mut self) -> bool {
        let last_spans_lines = self
            .record
            .iter()
            .next_back()
            .is_some_and(|f| f.contains(&b'\n') || f.contains(&b'\r'));
        if !last_spans_lines {
            return false;
        }
        let end = self.reader.position().byte();
        match self.reader.get_ref().ended() {
            Some((bytes, last)) => end == bytes && last != Some(b'"'),
            None => false,
        }
    }

    /// The next non-blank row, copied into `into` (reusing its buffers):
    /// its line, or why it cannot be read. `Ok(None)` at the end.
    pub(crate) fn next_owned(
        &mut self,
        into: &mut ByteRecord,
    ) -> io::Result<Option<(Line, Result<(), String>)>> {
        Ok(self.next_row()?.map(|raw| match raw {
            Ok(row) => {
                if let Cells::Csv { record, .. } = row.cells {
                    // Field by field: `clone_from` would allocate anew.
                    into.clear();
                    record.iter().for_each(|field| into.push_field(field));
                }
                (row.line, Ok(()))
            }
            Err(bad) => (bad.line, Err(bad.reason)),
        }))
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
