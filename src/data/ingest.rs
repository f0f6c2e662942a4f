//! The export reader (SPEC §2 "Inputs: the canonical export").
//!
//! Each table is a stream: a format reader (`csv_rows`, `jsonl_rows`)
//! yields one raw [`Row`] at a time from reused buffers, a `ColumnMap`
//! step ties the file's names to canonical fields (through a force
//! [`Profile`] if one is given), and a typed conversion per table
//! ([`FromRow`]) turns the row into a record or a reject. [`TableReader`]
//! puts the three together; [`read_export`] and [`read_export_with`] drain
//! all tables into memory.
//!
//! # How it works
//!
//! Reading exports: CSV and JSON Lines rows streamed one at a time
//! (`TableReader`; CSV split by `csv_split.rs` into a record of its own,
//! quote-free lines cut at their commas directly and everything else by
//! csv_core, then blank lines, line numbers and malformed rows in
//! `csv_rows.rs`; a record over the limit, `--max-record-bytes`, is read
//! past with csv_core's output written over, and a JSON line over it
//! skipped, so memory is bounded whatever the input), a column map from
//! header names to canonical fields (`columns.rs`), typed conversion per
//! table (`convert.rs`), rejects, opening a file (`source.rs`: regular
//! files only, checked before opening; `.gz` decompressed as read, its own
//! bytes counted and hashed below the decompressor), sha256 of the raw
//! bytes (`tap.rs`; only for the reports that show it, `json` and `html`:
//! `Readers::without_hashes`), and the count of bytes read shown as
//! progress (a `ByteCounter` the caller gives, `Readers::counting_bytes`). A force profile (`profile.rs`, `--profile`)
//! is checked whole when loaded, then consulted only by the column map
//! (names) and the conversion (vocabularies, list separators, timestamp
//! formats read through `time.rs`). Codes are interned per table
//! (`intern.rs`: one shared copy per distinct code, a thin pointer per use;
//! a small direct-mapped table of raw texts already read sits in front, a
//! hit still comparing the whole text). Duplicate ids are found by `Unique`
//! (`unique.rs`: all ids of a table end to end in one buffer, a hash table
//! of their numbers, sized when the file is opened from its size and the
//! rows read with the header, `TableReader::rows_expected`; ids hashed so
//! that ids in sequence share the table's cache lines, `records::hash_id`);
//! the crimes' set is kept afterwards as `Ids`, the index the updates are
//! joined through. `Unique` can be seeded with ids expected before reading
//! (`TableReader::seed_with`, which numbers them for whoever groups by
//! them; the run's `IncidentIndex` seeds the groups' incident ids): the
//! first row with a seeded id is told its number. `parallel.rs` reads one table on several threads:
//! the reading thread splits the file into batches of raw rows, workers
//! convert them, and a batch is committed (duplicate check, the caller's
//! own step) strictly in file order — a batch converted early is left for
//! whoever commits the one before it, and only the decisions are made under
//! the lock, records being moved after it — so the result is exactly that
//! of reading row by row. Ids are hashed so that ids in sequence land in
//! neighbouring slots of the duplicate table (`records::hash_id`): in an
//! export in id order, 64 look-ups share a cache line of the table's
//! control bytes instead of each waiting on memory under the lock. A CSV
//! row is checked as UTF-8 once, as a whole, and its fields are sliced from
//! the checked text. JSON Lines tables are converted on the reading thread;
//! only the work after the commit is shared.

mod columns;
mod convert;
mod csv_rows;
mod csv_split;
mod intern;
mod jsonl_rows;
mod parallel;
mod profile;
mod row;
mod source;
mod tap;
#[cfg(test)]
mod tests;
mod unique;

pub use convert::FromRow;
pub use parallel::{ReadOnThreads, read_on_threads};
pub use profile::{Profile, ProfileError};
pub use row::{Field, Row};

use crate::data::records::{Crime, Incident, Line, Table, Update};
use crate::data::time::Clock;
use columns::{HeaderProblem, MissingColumn, Names};
use csv_rows::{CsvRows, HeaderError};
use intern::Codes;
use jsonl_rows::JsonlRows;
use profile::Mapping;
use row::RawRow;
use source::{Format, Source};
use std::io::{self, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
pub use tap::ByteCounter;
use tap::Tap;
pub use unique::Ids;
use unique::Unique;

/// The longest record read by default (SPEC §2): a longer one is rejected
/// and reading goes on after it, so no input makes memory grow without
/// bound. `hocr check --max-record-bytes` changes it.
pub const MAX_RECORD_BYTES: usize = 16 << 20;

/// Where the tables of an export are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportPaths {
    pub incidents: PathBuf,
    pub crimes: PathBuf,
    pub updates: Option<PathBuf>,
}

impl ExportPaths {
    /// DIR holds incidents.csv|jsonl, crimes.csv|jsonl, optional updates.csv|jsonl.
    pub fn from_dir(dir: &Path) -> Result<ExportPaths, InputError> {
        let meta = std::fs::metadata(dir).map_err(|e| InputError::unreadable(dir, &e))?;
        if !meta.is_dir() {
            return Err(InputError::Unreadable {
                path: dir.display().to_string(),
                cause: "not a directory".into(),
            });
        }
        let missing = |table: Table| InputError::MissingTable {
            dir: dir.display().to_string(),
            table: table.name(),
            others: others(dir, table),
        };
        Ok(ExportPaths {
            incidents: find(dir, Table::Incidents)?.ok_or_else(|| missing(Table::Incidents))?,
            crimes: find(dir, Table::Crimes)?.ok_or_else(|| missing(Table::Crimes))?,
            updates: find(dir, Table::Updates)?,
        })
    }
}

/// The table's file in `dir`: `TABLE.csv`, `.jsonl`, `.csv.gz` or
/// `.jsonl.gz`. None found, the error names whatever else is there under
/// the table's name (`incidents.csv.bz2`, `incidents.txt`).
fn find(dir: &Path, table: Table) -> Result<Option<PathBuf>, InputError> {
    let names = ["csv", "jsonl", "csv.gz", "jsonl.gz"].map(|e| format!("{}.{e}", table.name()));
    // Whatever each is: a FIFO or a directory under the name is refused
    // when opened, with the reason.
    let found: Vec<&String> = names.iter().filter(|n| dir.join(n).exists()).collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(dir.join(one))),
        many => Err(InputError::AmbiguousTable {
            dir: dir.display().to_string(),
            files: ticked(&many.iter().map(|n| n.as_str()).collect::<Vec<_>>()),
        }),
    }
}

/// What else is in `dir` under a table's name, when none of its files is.
fn others(dir: &Path, table: Table) -> String {
    let prefix = format!("{}.", table.name());
    let mut others: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.to_ascii_lowercase().starts_with(&prefix))
        .collect();
    others.sort();
    match others.len() {
        0 => String::new(),
        _ => {
            let shown: Vec<&str> = others.iter().take(5).map(String::as_str).collect();
            format!(
                " (found {}: an export file is `.csv`, `.jsonl`, `.csv.gz` or `.jsonl.gz`)",
                ticked(&shown)
            )
        }
    }
}

/// A row that could not be read. `reason` never quotes the row's values.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reject {
    pub file: String,
    /// The 1-based physical line the row starts on.
    pub line: u64,
    pub reason: String,
}

/// What was read from one file; `rows_read = evaluated + rejected`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InputSummary {
    pub table: Table,
    pub path: String,
    pub rows_read: u64,
    pub evaluated: u64,
    pub rejected: u64,
    pub bytes: u64,
    /// Of the file's raw bytes, lowercase hex; `None` when the run was told
    /// no report would show it (see [`Readers::without_hashes`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// A whole export in memory, each table in input order.
#[derive(Debug)]
pub struct Export {
    pub incidents: Vec<Incident>,
    pub crimes: Vec<Crime>,
    pub updates: Vec<Update>,
    /// incidents, crimes, then updates if given.
    pub inputs: Vec<InputSummary>,
    /// In the order read: incidents, crimes, updates.
    pub rejects: Vec<Reject>,
}

/// Errors that stop the run before anything is evaluated (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: cannot read: {cause}")]
    Unreadable { path: String, cause: String },
    #[error("{path}: unknown file type (expected `.csv`, `.jsonl`, `.csv.gz` or `.jsonl.gz`)")]
    UnknownExtension { path: String },
    /// A FIFO, a device or a socket: reading it could block or never end.
    #[error("{path}: not a regular file ({kind}); name an export file")]
    NotRegular { path: String, kind: &'static str },
    /// Gzip bytes under a plain name.
    #[error(
        "{path}: looks gzip-compressed (it starts with the gzip signature): name it `….gz` to have it read compressed, or decompress it"
    )]
    LooksCompressed { path: String },
    #[error(
        "{path}: missing required column{} {}",
        plural(columns),
        ticked(columns)
    )]
    MissingColumns {
        path: String,
        columns: Vec<&'static str>,
    },
    #[error("{path}: duplicated column `{column}`")]
    DuplicateColumn { path: String, column: &'static str },
    /// Columns a force profile names that the file lacks.
    #[error(
        "{path}: missing column{} {}, named by profile {profile}",
        plural(columns),
        columns.join(", ")
    )]
    MissingProfileColumns {
        path: String,
        profile: String,
        /// Each as `` `Column` (for `field`) ``, with a suggestion if any.
        columns: Vec<String>,
    },
    /// A column a force profile names, found more than once.
    #[error("{path}: duplicated column `{column}`")]
    DuplicateProfileColumn { path: String, column: String },
    /// The export has a table the profile says nothing about.
    #[error("{path}: profile {profile} has no `{table}` table to read it with")]
    UnmappedTable {
        path: String,
        profile: String,
        table: &'static str,
    },
    #[error("{path}: unreadable CSV header: {cause}")]
    Header { path: String, cause: String },
    #[error("{dir}: no `{table}.csv` or `{table}.jsonl`{others}")]
    MissingTable {
        dir: String,
        table: &'static str,
        /// What is there instead, said in a parenthesis (or nothing).
        others: String,
    },
    #[error("{dir}: {files}, expected one")]
    AmbiguousTable { dir: String, files: String },
}

fn plural<S>(items: &[S]) -> &'static str {
    if items.len() == 1 { "" } else { "s" }
}

fn ticked(items: &[&str]) -> String {
    let ticked: Vec<String> = items.iter().map(|c| format!("`{c}`")).collect();
    ticked.join(", ")
}

impl InputError {
    fn unreadable(path: &Path, e: &io::Error) -> InputError {
        InputError::Unreadable {
            path: path.display().to_string(),
            cause: io_cause(e),
        }
    }
}

/// The OS's words for an I/O error, in the house style (lowercase, no
/// error number).
pub(crate) fn io_cause(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::IsADirectory => "is a directory".into(),
        _ => {
            let text = e.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => "unknown error".into(),
            }
        }
    }
}

/// What a [`TableReader`] yields for each row read.
#[derive(Debug, PartialEq)]
pub enum Parsed<T> {
    Record(T),
    Rejected(Reject),
}

enum Rows {
    Csv(CsvRows<Source>),
    Jsonl(JsonlRows<Source>),
}

impl Rows {
    fn next_row(&mut self) -> io::Result<Option<RawRow<'_>>> {
        match self {
            Rows::Csv(r) => r.next_row(),
            Rows::Jsonl(r) => r.next_row(),
        }
    }

    fn into_tap(self) -> Tap<Source> {
        match self {
            Rows::Csv(r) => r.into_tap(),
            Rows::Jsonl(r) => r.into_tap(),
        }
    }

    fn tap_mut(&mut self) -> &mut Tap<Source> {
        match self {
            Rows::Csv(r) => r.tap_mut(),
            Rows::Jsonl(r) => r.tap_mut(),
        }
    }
}

/// One table, read as a stream of records and rejects in file order.
///
/// Iteration yields `Err` only for an I/O failure part way through the
/// file, after which it ends. Call [`TableReader::finish`] afterwards for
/// the summary.
pub struct TableReader<T> {
    path: String,
    rows: Rows,
    clock: Clock,
    codes: Codes,
    unique: Unique,
    rows_read: u64,
    rejected: u64,
    done: bool,
    record: PhantomData<fn() -> T>,
    /// The file's size when opened (0 if unknown): how many rows to expect.
    size: u64,
}

impl<T: FromRow> TableReader<T> {
    /// Opens the file and, for CSV, reads and checks its header.
    pub fn open(path: &Path, clock: &Clock) -> Result<TableReader<T>, InputError> {
        TableReader::open_with(path, clock, &Profile::canonical())
    }

    /// [`TableReader::open`], with names and value forms mapped by a
    /// force profile.
    pub fn open_with(
        path: &Path,
        clock: &Clock,
        profile: &Profile,
    ) -> Result<TableReader<T>, InputError> {
        TableReader::open_limited(path, clock, profile, MAX_RECORD_BYTES)
    }

    /// [`TableReader::open_with`], rejecting records longer than `limit`
    /// bytes (each CSV record's fields, or each JSON line).
    pub fn open_limited(
        path: &Path,
        clock: &Clock,
        profile: &Profile,
        limit: usize,
    ) -> Result<TableReader<T>, InputError> {
        let name = path.display().to_string();
        let names = match profile.table(T::TABLE) {
            Mapping::Canonical => Names::canonical(T::TABLE),
            Mapping::Mapped(p) => Names {
                table: T::TABLE,
                profile: Some(p.clone()),
            },
            Mapping::Absent { profile } => {
                return Err(InputError::UnmappedTable {
                    path: name,
                    profile: profile.to_string(),
                    table: T::TABLE.name(),
                });
            }
        };
        let profile_name = names.profile.as_ref().map(|p| p.profile.to_string());
        let (file, format, size) = Source::open(path)?;
        let compressed = file.is_compressed();
        // A compressed file's rows are not a guide to its size on disk.
        let size = if compressed { 0 } else { size };
        let mut rows = if format == Format::Csv {
            Rows::Csv(CsvRows::open_limited(file, names, limit).map_err(|e| match e {
                HeaderError::Io(e) => InputError::unreadable(path, &e),
                HeaderError::TooLong { limit } => InputError::Header {
                    path: name.clone(),
                    cause: format!(
                        "the header is longer than {} (the limit on one record; `--max-record-bytes` changes it)",
                        csv_rows::size(limit)
                    ),
                },
                HeaderError::Columns(HeaderProblem::Missing(columns)) => {
                    InputError::MissingColumns {
                        path: name.clone(),
                        columns,
                    }
                }
                HeaderError::Columns(HeaderProblem::Duplicate(column)) => {
                    InputError::DuplicateColumn {
                        path: name.clone(),
                        column,
                    }
                }
                HeaderError::Columns(HeaderProblem::MissingNamed(columns)) => {
                    InputError::MissingProfileColumns {
                        path: name.clone(),
                        profile: profile_name.unwrap_or_default(),
                        columns: columns.iter().map(MissingColumn::describe).collect(),
                    }
                }
                HeaderError::Columns(HeaderProblem::DuplicateNamed(column)) => {
                    InputError::DuplicateProfileColumn {
                        path: name.clone(),
                        column,
                    }
                }
            })?)
        } else {
            Rows::Jsonl(JsonlRows::new(file, names).with_limit(limit))
        };
        if compressed {
            rows.tap_mut().decoded();
        }
        let mut reader = TableReader {
            path: name,
            rows,
            clock: *clock,
            codes: Codes::new(),
            unique: Unique::default(),
            rows_read: 0,
            rejected: 0,
            done: false,
            record: PhantomData,
            size,
        };
        // The duplicate check is sized once, for the rows the file
        // suggests: growing it later would hash every id again (~300k
        // seeded ones on the 1M-incident export) with the reading held up.
        if T::UNIQUE.is_some() {
            reader.unique.reserve(reader.rows_expected());
        }
        Ok(reader)
    }

    /// The summary of the file. Bytes the stream has not reached yet are
    /// read now so the hash covers the whole file; the counts cover only
    /// the rows iterated over.
    pub fn finish(self) -> Result<InputSummary, InputError> {
        let unreadable = |e: io::Error| InputError::Unreadable {
            cause: io_cause(&e),
            path: self.path.clone(),
        };
        let (bytes, sha256, source) = self.rows.into_tap().finish_inner().map_err(unreadable)?;
        let (bytes, sha256) = source
            .on_disk()
            .map_err(unreadable)?
            .unwrap_or((bytes, sha256));
        Ok(InputSummary {
            table: T::TABLE,
            path: self.path,
            rows_read: self.rows_read,
            evaluated: self.rows_read - self.rejected,
            rejected: self.rejected,
            bytes,
            sha256,
        })
    }
}

impl<T: FromRow> Iterator for TableReader<T> {
    type Item = Result<Parsed<T>, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        let read = match self.next_unchecked()? {
            Ok(read) => read,
            Err(e) => return Some(Err(e)),
        };
        Some(Ok(
            match read.and_then(|record| self.unique.check(record)) {
                Ok(record) => Parsed::Record(record),
                Err((line, reason)) => {
                    self.rejected += 1;
                    Parsed::Rejected(Reject {
                        file: self.path.clone(),
                        line,
                        reason,
                    })
                }
            },
        ))
    }
}

/// A row converted to a record, or the line and reason it is rejected.
type Converted<T> = Result<T, (Line, String)>;

impl<T: FromRow> TableReader<T> {
    /// Ids expected in the table, given before it is read, one by one to
    /// `number` inside `give`, which is told each one's number (as
    /// [`Ids::number`]; see `Unique::seed`): a record with the `n`th is
    /// committed with `Some(n)` by [`read_on_threads`], the first time its
    /// id is read, so the duplicate check's one look-up also finds what
    /// the caller numbered by the id (the incidents' groups of crimes:
    /// `run::incident_index`). `expected`: about how many ids will be
    /// given.
    pub fn seed_with<R>(
        &mut self,
        expected: usize,
        give: impl FnOnce(&mut dyn FnMut(&str) -> Option<u32>) -> R,
    ) -> R {
        let unique = &mut self.unique;
        debug_assert!(unique.ends.is_empty(), "seeded after reading");
        unique.reserve(expected);
        let given = give(&mut |id| unique.number(id));
        unique.end_seeding();
        given
    }

    /// The file's own bytes (compressed ones for a `.gz`) are counted into
    /// `counter` as they are read, those read with the header too.
    pub fn count_bytes_into(&mut self, counter: &ByteCounter) {
        let tap = self.rows.tap_mut();
        if tap.get_ref().is_compressed() {
            tap.get_mut().count_into(counter);
        } else {
            tap.count_into(counter);
        }
    }

    /// About how many rows the file holds (0 if there is no telling), from
    /// its size and the rows buffered with the header.
    pub(crate) fn rows_expected(&self) -> usize {
        match &self.rows {
            Rows::Csv(rows) => rows.rows_expected(self.size),
            Rows::Jsonl(_) => 0,
        }
    }

    /// The next row, converted but not yet checked for a duplicate id.
    fn next_unchecked(&mut self) -> Option<Result<Converted<T>, InputError>> {
        if self.done {
            return None;
        }
        let raw = match self.rows.next_row() {
            Ok(Some(raw)) => raw,
            Ok(None) => {
                self.done = true;
                return None;
            }
            Err(e) => {
                self.done = true;
                return Some(Err(InputError::Unreadable {
                    path: self.path.clone(),
                    cause: io_cause(&e),
                }));
            }
        };
        self.rows_read += 1;
        Some(Ok(match raw {
            Ok(row) => T::read_row(&row, &self.clock, &mut self.codes)
                .map_err(|reason| (row.line(), reason)),
            Err(bad) => Err((bad.line, bad.reason)),
        }))
    }
}

/// Reads a whole export: incidents and crimes (side by side), then updates.
pub fn read_export(paths: &ExportPaths, clock: &Clock) -> Result<Export, InputError> {
    read_export_with(paths, clock, &Profile::canonical())
}

/// Reads a whole export written the way a force profile describes.
pub fn read_export_with(
    paths: &ExportPaths,
    clock: &Clock,
    profile: &Profile,
) -> Result<Export, InputError> {
    let Readers {
        incidents,
        crimes,
        updates,
    } = Readers::open(paths, clock, profile)?;
    // The two big tables are read side by side; everything after is as if
    // they had been read one after the other: an error in the incidents
    // wins, and rejects are listed incidents first.
    let (incidents, crimes) = std::thread::scope(|scope| {
        let crimes = scope.spawn(|| drain(crimes));
        let incidents = drain(incidents);
        let crimes = crimes
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (incidents, crimes)
    });
    let mut inputs = Vec::new();
    let mut rejects = Vec::new();
    let incidents = incidents?.add_to(&mut inputs, &mut rejects);
    let crimes = crimes?.add_to(&mut inputs, &mut rejects);
    let updates = match updates {
        Some(u) => drain(u)?.add_to(&mut inputs, &mut rejects),
        None => Vec::new(),
    };
    Ok(Export {
        incidents,
        crimes,
        updates,
        inputs,
        rejects,
    })
}

/// The tables of an export, opened (headers read and checked) but not yet
/// read.
pub struct Readers {
    pub incidents: TableReader<Incident>,
    pub crimes: TableReader<Crime>,
    pub updates: Option<TableReader<Update>>,
}

impl Readers {
    /// Opens every file first: a missing file or column must stop the run
    /// before a large table is read for nothing.
    pub fn open(
        paths: &ExportPaths,
        clock: &Clock,
        profile: &Profile,
    ) -> Result<Readers, InputError> {
        Readers::open_limited(paths, clock, profile, MAX_RECORD_BYTES)
    }

    /// [`Readers::open`], rejecting records longer than `limit` bytes.
    pub fn open_limited(
        paths: &ExportPaths,
        clock: &Clock,
        profile: &Profile,
        limit: usize,
    ) -> Result<Readers, InputError> {
        Ok(Readers {
            incidents: TableReader::open_limited(&paths.incidents, clock, profile, limit)?,
            crimes: TableReader::open_limited(&paths.crimes, clock, profile, limit)?,
            updates: match &paths.updates {
                Some(p) => Some(TableReader::open_limited(p, clock, profile, limit)?),
                None => None,
            },
        })
    }

    /// No file is hashed: for a run whose report does not show the inputs'
    /// sha256 (only `--format json` and `html` do). Hashing is a twentieth
    /// of a run's work on a large export.
    pub fn without_hashes(mut self) -> Readers {
        for tap in [
            Some(self.incidents.rows.tap_mut()),
            Some(self.crimes.rows.tap_mut()),
            self.updates.as_mut().map(|u| u.rows.tap_mut()),
        ]
        .into_iter()
        .flatten()
        {
            tap.stop_hashing();
            tap.get_mut().stop_hashing();
        }
        self
    }

    /// Every file's own bytes are counted into `counter` as they are read
    /// (for showing progress).
    pub fn counting_bytes(mut self, counter: &ByteCounter) -> Readers {
        self.incidents.count_bytes_into(counter);
        self.crimes.count_bytes_into(counter);
        if let Some(updates) = &mut self.updates {
            updates.count_bytes_into(counter);
        }
        self
    }
}

/// One table read to the end.
pub struct Drained<T> {
    pub records: Vec<T>,
    pub rejects: Vec<Reject>,
    pub input: InputSummary,
}

impl<T> Drained<T> {
    /// Moves the summary and rejects out (in reading order), keeping the
    /// records.
    pub fn add_to(self, inputs: &mut Vec<InputSummary>, rejects: &mut Vec<Reject>) -> Vec<T> {
        inputs.push(self.input);
        rejects.extend(self.rejects);
        self.records
    }
}

/// Reads a table to the end, holding every record.
pub fn drain<T: FromRow>(mut reader: TableReader<T>) -> Result<Drained<T>, InputError> {
    let mut records = Vec::new();
    let mut rejects = Vec::new();
    for parsed in reader.by_ref() {
        match parsed? {
            Parsed::Record(r) => records.push(r),
            Parsed::Rejected(r) => rejects.push(r),
        }
    }
    Ok(Drained {
        records,
        rejects,
        input: reader.finish()?,
    })
}

/// Writes rejects as CSV with header `file,line,reason`.
pub fn write_rejects<W: Write>(w: W, rejects: &[Reject]) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["file", "line", "reason"])?;
    for r in rejects {
        out.write_record([r.file.as_str(), &r.line.to_string(), &r.reason])?;
    }
    out.flush()
}
