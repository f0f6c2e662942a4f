//! The splitter against the csv crate: for any bytes, the rows, their
//! positions and lines, the rejects and the file's hash must be those the
//! csv::Reader-based code (kept here as the oracle) gives.

use super::*;
use crate::data::ingest::Field;
use crate::data::records::Table;
use csv::ByteRecord;
use proptest::prelude::*;

/// The old reading code: `csv::Reader` over the tap, and the same checks
/// on each record. Only the test for a quote never closed is new: it asks
/// the csv crate about the record's bytes in the file (`file`).
mod oracle {
    use super::*;

    fn is_blank(record: &ByteRecord) -> bool {
        record.len() == 1
            && record
                .iter()
                .all(|f| !f.is_empty() && f.trim_ascii().is_empty())
    }

    pub(super) fn open<R: Read>(inner: R) -> csv::Reader<Tap<R>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(Tap::with_line_breaks(inner))
    }

    pub(super) fn read<R: Read>(
        reader: &mut csv::Reader<R>,
        record: &mut ByteRecord,
    ) -> io::Result<bool> {
        reader
            .read_byte_record(record)
            .map_err(|e| match e.into_kind() {
                csv::ErrorKind::Io(e) => e,
                _ => io::Error::other("unexpected CSV reader error"),
            })
    }

    pub(super) fn advance<R: Read>(
        reader: &mut csv::Reader<Tap<R>>,
        width: usize,
        record: &mut ByteRecord,
        file: &[u8],
    ) -> io::Result<Option<(Line, Result<(), String>)>> {
        loop {
            if !read(reader, record)? {
                return Ok(None);
            }
            let start = record.position().map_or(0, |p| p.byte());
            let line = reader.get_mut().record_start_line(start);
            if is_blank(record) {
                continue;
            }
            if record.get(0).is_some_and(|f| f.starts_with(BOM)) {
                return Ok(Some((line, Err(BOM_REASON.into()))));
            }
            if runs_to_end_in_quotes(reader, record, file) {
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

    /// The record is the rest of the file, whose end is inside quotes.
    fn runs_to_end_in_quotes<R: Read>(
        reader: &csv::Reader<Tap<R>>,
        record: &ByteRecord,
        file: &[u8],
    ) -> bool {
        let start = record.position().map_or(0, |p| p.byte()) as usize;
        let end = reader.position().byte() as usize;
        end == file.len() && ends_in_quotes(&file[start..])
    }

    /// Whether CSV text ends inside a quoted field, as the csv crate tells:
    /// then a line break added after it is read into the last field, and
    /// anywhere else it ends the record or is skipped. (After a blank line,
    /// so that a BOM at its start is read as text, as it is mid-file.)
    fn ends_in_quotes(text: &[u8]) -> bool {
        let first = |extra: &[u8]| {
            let bytes = [b"\n", text, extra].concat();
            let mut reader = open(&bytes[..]);
            let mut record = ByteRecord::new();
            read(&mut reader, &mut record).unwrap();
            csv_fields(&record)
        };
        first(b"") != first(b"\n")
    }
}

/// Hands out at most `chunk` bytes a read, as a pipe or a slow disk might:
/// records then end and start anywhere in the buffer.
struct Trickle {
    bytes: Vec<u8>,
    at: usize,
    chunk: usize,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.chunk).min(self.bytes.len() - self.at);
        buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// One row as the caller sees it: fields, the byte where reading the
/// record began, its physical line, whether it is rejected and why, the
/// byte where the reader stands after it, and the row's canonical fields
/// as the conversion reads them (twice for the splitter: through the
/// worker's row checked once as a whole, and field by field).
type Seen = (
    Vec<Vec<u8>>,
    u64,
    Line,
    Result<(), String>,
    u64,
    [Vec<Cell>; 2],
);

/// A field as `Row::field` gives it: `None` for no such column, then the
/// text, `None` if it is not UTF-8.
type Cell = Option<Option<String>>;

/// The columns of the updates table's canonical fields in [`HEADER`]
/// (`victim_informed_at` has none).
const COLUMNS: [Option<usize>; 4] = [Some(1), Some(3), Some(0), None];
const HEADER: [&str; 4] = ["event_at", "crime_id", "x", "event"];

fn cell(field: Field<'_>) -> Cell {
    match field {
        Field::Empty => None,
        Field::Text(s) => Some(Some(s.to_string())),
        Field::NotUtf8 => Some(None),
        other => panic!("not a CSV field: {other:?}"),
    }
}

/// The canonical fields of `record` read through `Row::field`, with the
/// record checked as a whole (`checked`) or not.
fn cells(record: &Record, map: &ColumnMap, checked: bool) -> Vec<Cell> {
    let cells = if checked {
        Cells::of_record(record, map)
    } else {
        Cells::Csv { record, map }
    };
    let row = Row {
        line: 0,
        cells,
        profile: None,
    };
    (0..COLUMNS.len()).map(|f| cell(row.field(f))).collect()
}

/// What those reads must give: each column on its own as UTF-8.
fn csv_cells(record: &ByteRecord) -> Vec<Cell> {
    let text = |bytes| std::str::from_utf8(bytes).ok().map(String::from);
    COLUMNS
        .iter()
        .map(|c| c.and_then(|c| record.get(c)).map(text))
        .collect()
}

/// What reading gives: the header and the rows, then the tap's byte count
/// and sha256 once `stop` rows were taken.
type Outcome = (Vec<Vec<u8>>, Vec<Seen>, (u64, Option<String>));

fn fields(record: &Record) -> Vec<Vec<u8>> {
    record.iter().map(<[u8]>::to_vec).collect()
}

fn csv_fields(record: &ByteRecord) -> Vec<Vec<u8>> {
    record.iter().map(<[u8]>::to_vec).collect()
}

fn with_splitter(input: Trickle, buffer: usize, width: usize, stop: usize) -> Outcome {
    let names = Names::canonical(Table::Updates);
    let map = ColumnMap::from_header(&names, HEADER).unwrap();
    let mut reader = Splitter::with_buffer(Tap::with_line_breaks(input), buffer);
    let mut record = Record::default();
    reader.read(&mut record).unwrap();
    let header = fields(&record);
    let mut rows = Vec::new();
    while rows.len() < stop {
        let Some((line, read)) = advance(&mut reader, width, &mut record).unwrap() else {
            break;
        };
        let read_as = [cells(&record, &map, true), cells(&record, &map, false)];
        let at = (record.start(), reader.position());
        rows.push((fields(&record), at.0, line, read, at.1, read_as));
    }
    (header, rows, reader.into_tap().finish().unwrap())
}

fn with_csv(input: Trickle, width: usize, stop: usize) -> Outcome {
    let file = input.bytes.clone();
    let mut reader = oracle::open(input);
    let mut record = ByteRecord::new();
    oracle::read(&mut reader, &mut record).unwrap();
    let header = csv_fields(&record);
    let mut rows = Vec::new();
    while rows.len() < stop {
        let Some((line, read)) = oracle::advance(&mut reader, width, &mut record, &file).unwrap()
        else {
            break;
        };
        let at = record.position().map_or(0, |p| p.byte());
        let after = reader.position().byte();
        let read_as = [csv_cells(&record), csv_cells(&record)];
        rows.push((csv_fields(&record), at, line, read, after, read_as));
    }
    (header, rows, reader.into_inner().finish().unwrap())
}

/// Bytes rich in what CSV treats specially, plain text, a two-byte
/// character, bytes that are not UTF-8 (a lone lead byte, 0xff) and BOMs.
fn csv_bytes() -> impl Strategy<Value = Vec<u8>> {
    let pieces: Vec<&[u8]> = vec![
        b",",
        b",",
        b"\"",
        b"\r",
        b"\n",
        b"\n",
        b"\r\n",
        b"a",
        b"ab",
        // Long plain stretches, and `-` (a comma XOR 1) after a comma,
        // which looks like a comma to the usual zero-byte test.
        b"abcdefghijk",
        b"-",
        "é".as_bytes(),
        b" ",
        b"\xc3",
        b"\xff",
        // A continuation byte: `\xc3` `,` `\xa9` is no character, though
        // its fields end to end would be.
        b"\xa9",
        b"\xef\xbb\xbf",
    ];
    let piece = prop::sample::select(pieces);
    // Short files too, where the end of the file is never far.
    let pieces = prop_oneof![
        prop::collection::vec(piece.clone(), 0..12),
        prop::collection::vec(piece, 0..80),
    ];
    (any::<bool>(), pieces).prop_map(|(bom, pieces)| {
        let mut bytes = if bom {
            b"\xef\xbb\xbf".to_vec()
        } else {
            Vec::new()
        };
        bytes.extend(pieces.concat());
        bytes
    })
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(4_000),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Whatever the bytes, the buffer size and how the file hands them
    /// out, and wherever the caller stops, the splitter reads what the csv
    /// crate read.
    #[test]
    fn the_splitter_reads_what_csv_read(
        bytes in csv_bytes(),
        width in 1usize..4,
        chunk in prop_oneof![1usize..16, Just(usize::MAX)],
        buffer in prop_oneof![4usize..24, Just(64 * 1024)],
        stop in prop_oneof![0usize..4, Just(usize::MAX)],
    ) {
        let input = || Trickle { bytes: bytes.clone(), at: 0, chunk };
        let fast = with_splitter(input(), buffer, width, stop);
        let csv = with_csv(input(), width, stop);
        prop_assert_eq!(fast, csv);
    }
}

/// Cases the random bytes above are unlikely to hit, read every way: with
/// each buffer size and each size of read, stopping after each row.
#[test]
fn edge_cases_read_as_csv_read() {
    let cases: &[&[u8]] = &[
        b"",
        b"\xef\xbb\xbf",
        b"\xef\xbb\xbfa",
        b"\xef\xbb\xbfa,b\nc,d\n",
        b"\xef\xbb\xbf\xef\xbb\xbfa\nb",
        b"\n\n\xef\xbb\xbfa\nb\n",
        b"h\n\n\n",
        b"h\r\n\r\n",
        b"h,i\r\na,b\r\nc,d\r\n",
        b"h,i\ra,b\rc,d",
        b"h,i\na,b\rc,d\r\ne,f\n\rg,h\n",
        // A quoted line break in the last field, the record ending with the
        // file: unclosed, or closed with something after the quote.
        b"h\n\"a\nb\nc",
        b"h\n\"a\nb\nc\n",
        b"h\n\"a\rb\"c\r",
        b"h\n\"\r\"a\r",
        b"h\n\"\r\"a\n",
        b"h\n\"\r\"a",
        b"h\n\"a\nb\"\n",
        b"h\n\"a\nb\"",
        // Closed, then stray bytes to the end of the file; or a doubled
        // (so escaped) quote at the end, still inside the field.
        b"h\n\"a\nb\"x",
        b"h\n\"a\nb\"x\n",
        b"h\n\"a\nb\" \r\n",
        b"h\n\"a\nb\"\"",
        b"h\n\"a\nb\"\"\"",
        b"h\nx,\"a\rb\"\"\n",
        b"h,i\nx,\"a,\"\"b\"\"\nc\"\ny,z\n",
        b"h,i\n \n\t\na,b\n,\n,,\n",
        b"h,i\n\xff,\xc3\na\xc3\xa9,b\n",
        b"h,i\n\xc3,\xa9\n\"\xc3\",\"\xa9\"\n",
        b"h,i\n,-,--,-,,-,\n2025-05-01,-1\n",
    ];
    let mut buffers: Vec<usize> = (4..=12).collect();
    buffers.push(64 * 1024);
    for &bytes in cases {
        for chunk in (1..=8).chain([usize::MAX]) {
            for &buffer in &buffers {
                for stop in 0..=6 {
                    let input = || Trickle {
                        bytes: bytes.to_vec(),
                        at: 0,
                        chunk,
                    };
                    let fast = with_splitter(input(), buffer, 2, stop);
                    let csv = with_csv(input(), 2, stop);
                    assert_eq!(
                        fast, csv,
                        "{bytes:?}, chunk {chunk}, buffer {buffer}, stop {stop}"
                    );
                }
            }
        }
    }
}

/// The properties above hold trivially if nothing takes the fast path: an
/// export's plain rows do, all but the header (read by csv_core, which
/// strips a BOM) and a quoted row.
#[test]
fn plain_rows_are_split_without_csv_core() {
    let text = "\u{feff}id,at,note\nI1,2025-05-01 09:00,\nI2,,\"a, b\"\nI3,x,y\n\nI4,é,\n";
    let input = Trickle {
        bytes: text.as_bytes().to_vec(),
        at: 0,
        chunk: usize::MAX,
    };
    let mut reader = Splitter::new(Tap::with_line_breaks(input));
    let mut record = Record::default();
    let mut rows = Vec::new();
    while reader.read(&mut record).unwrap() {
        rows.push(fields(&record));
    }
    let want: Vec<Vec<&[u8]>> = vec![
        vec![b"id", b"at", b"note"],
        vec![b"I1", b"2025-05-01 09:00", b""],
        vec![b"I2", b"", b"a, b"],
        vec![b"I3", b"x", b"y"],
        vec![b"I4", "é".as_bytes(), b""],
    ];
    assert_eq!(rows, want);
    // I1 and I3; I2 has a quote, I4 follows a blank line.
    assert_eq!(reader.plain_lines(), 2);
}

/// Records longer than the limit are rejected with their line, nothing of
/// them kept, and reading goes on at the record after: whatever the
/// buffer size and however the file hands its bytes out. The rest is read
/// exactly as without a limit.
#[test]
fn records_over_the_limit_are_rejected_and_read_past() {
    let long = "x".repeat(50);
    let quoted = "z\n".repeat(20);
    let nul = "\0".repeat(100);
    // Each row: its line, and its fields or `Err` for a record too long.
    type Rows<'a> = Vec<(Line, Result<Vec<&'a str>, ()>)>;
    let cases: Vec<(String, Rows)> = vec![
        (
            format!("h1,h2\na,b\n{long},y\nc,d\n"),
            vec![
                (2, Ok(vec!["a", "b"])),
                (3, Err(())),
                (4, Ok(vec!["c", "d"])),
            ],
        ),
        (
            format!("h1,h2\n\"{quoted}\",q\ne,f\n"),
            vec![(2, Err(())), (23, Ok(vec!["e", "f"]))],
        ),
        (
            format!("h1,h2\r\na,b\r\n{long}\r\n\r\nc,d\r\n"),
            vec![
                (2, Ok(vec!["a", "b"])),
                (3, Err(())),
                (5, Ok(vec!["c", "d"])),
            ],
        ),
        (format!("h1,h2\n{nul}"), vec![(2, Err(()))]),
        (
            format!("h1,h2\na,b\n{long}"),
            vec![(2, Ok(vec!["a", "b"])), (3, Err(()))],
        ),
    ];
    for (text, want) in &cases {
        for buffer in [4, 7, 16, 64 * 1024] {
            for chunk in [1, 5, usize::MAX] {
                let input = Trickle {
                    bytes: text.as_bytes().to_vec(),
                    at: 0,
                    chunk,
                };
                let mut reader = Splitter::with_buffer(Tap::with_line_breaks(input), buffer);
                reader.set_limit(20);
                let mut record = Record::default();
                reader.read(&mut record).unwrap();
                assert_eq!(fields(&record), [b"h1".to_vec(), b"h2".to_vec()]);
                let mut got = Vec::new();
                while let Some((line, read)) = advance(&mut reader, 2, &mut record).unwrap() {
                    got.push(match read {
                        Ok(()) => (line, Ok(fields(&record))),
                        Err(reason) => {
                            assert_eq!(reason, too_long(20));
                            assert_eq!(record.len(), 0, "nothing of it is kept");
                            (line, Err(()))
                        }
                    });
                }
                let want: Vec<_> = want
                    .iter()
                    .map(|(line, r)| {
                        let r = r
                            .as_ref()
                            .map(|f| f.iter().map(|f| f.as_bytes().to_vec()).collect());
                        (*line, r.map_err(|_| ()))
                    })
                    .collect();
                assert_eq!(got, want, "{text:?}, buffer {buffer}, chunk {chunk}");
            }
        }
    }
}

#[test]
fn sizes_are_said_as_people_write_them() {
    assert_eq!(size(16 << 20), "16 MiB");
    assert_eq!(size(64 << 10), "64 KiB");
    assert_eq!(size(1000), "1000 bytes");
}
