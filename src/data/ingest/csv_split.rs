//! Splitting a CSV file into records: the fields of each and the byte it
//! starts at, exactly as `csv::Reader::read_byte_record` gives them (no
//! header row, rows of any length), read from the file the same way, but
//! into our own [`Record`] and cheaper for the common row.
//!
//! Most rows of an export are one line with no quote and no `\r`: for
//! those, csv_core's state machine (about 16 instructions a byte) can only
//! end up cutting the line at each comma, so the line is copied whole and
//! cut here ([`Splitter::split_plain_line`]: one `memchr3` to find where it
//! ends, a word at a time for its commas). Everything else — quotes, CR line
//! breaks, blank lines, a BOM at the start, a line that runs past the end
//! of the buffer, the end of the file — goes to csv_core exactly as the
//! csv crate would drive it ([`Splitter::read_with_core`]). Switching
//! between the two happens only at record boundaries, where csv_core's
//! state is "start of a record" whichever way the previous record ended
//! (after `\n`, after `\r`, or not at all), so it reads on unaware of the
//! rows cut without it.

use super::tap::Tap;
use csv_core::ReadRecordResult;
use std::io::{self, Read};
use std::ops::Range;

/// How much of the file is held at a time. A line that runs past the end
/// of the buffer goes to csv_core, so larger means fewer of those (the csv
/// crate's own buffer is 8 KiB).
const BUFFER: usize = 64 * 1024;

/// csv_core's output buffers are let go of after a record that made them
/// larger than this, so that one long record does not keep its memory.
const KEPT_OUTPUT: usize = 1 << 20;

/// One record's fields, in buffers reused from record to record.
///
/// Each field is followed in `bytes` by one ASCII separator byte (the
/// line's own commas and `\n` for a plain line, a `,` put there for the
/// others). So when `bytes` is UTF-8 as a whole, every field is too: an
/// ASCII byte never splits a character. A row is then checked once, not
/// field by field (see `Cells::Text`).
#[derive(Debug)]
pub(crate) struct Record {
    bytes: Vec<u8>,
    /// Where each field starts, then one past the last field's separator:
    /// field `i` is `bytes[bounds[i]..bounds[i + 1] - 1]`. Never empty.
    bounds: Vec<usize>,
    /// The byte of the file where reading the record began (before any
    /// blank lines skipped on the way to it), as the csv crate's
    /// `Position::byte`.
    start: u64,
}

impl Default for Record {
    /// With room for a typical export row, so that a new batch of records
    /// does not grow each one a few times (20,000 reallocations on the 100k
    /// export otherwise).
    fn default() -> Record {
        let mut bounds = Vec::with_capacity(32);
        bounds.push(0);
        Record {
            bytes: Vec::with_capacity(256),
            bounds,
            start: 0,
        }
    }
}

impl Record {
    fn clear(&mut self, start: u64) {
        self.bytes.clear();
        self.bounds.truncate(1);
        self.start = start;
    }

    /// Appends a field and its separator.
    fn push_field(&mut self, field: &[u8]) {
        self.bytes.extend_from_slice(field);
        self.bytes.push(b',');
        self.bounds.push(self.bytes.len());
    }

    /// The number of fields.
    pub(crate) fn len(&self) -> usize {
        self.bounds.len() - 1
    }

    /// Where field `i` is in [`Record::as_bytes`].
    pub(crate) fn range(&self, i: usize) -> Option<Range<usize>> {
        let start = *self.bounds.get(i)?;
        let next = *self.bounds.get(i + 1)?;
        // Each field has its separator: `next > start`.
        Some(start..next - 1)
    }

    pub(crate) fn get(&self, i: usize) -> Option<&[u8]> {
        self.bytes.get(self.range(i)?)
    }

    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &[u8]> {
        self.bounds.windows(2).map(|w| &self.bytes[w[0]..w[1] - 1])
    }

    /// The fields, each followed by its separator byte.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The byte of the file where reading the record began.
    pub(crate) fn start(&self) -> u64 {
        self.start
    }
}

pub(crate) struct Splitter<R> {
    tap: Tap<R>,
    /// Boxed as the csv crate boxes it: it holds its whole transition
    /// table, some 500 bytes.
    core: Box<csv_core::Reader>,
    /// The file's bytes read and not yet split are `buf[at..len]`.
    buf: Box<[u8]>,
    at: usize,
    len: usize,
    /// The byte of the file where the next record starts: the one after
    /// the previous record (before any blank lines the next skips).
    pos: u64,
    /// Whether csv_core has seen the start of the file: until then it may
    /// have a BOM to strip, so nothing is split without it.
    started: bool,
    /// The end of the file was reached (or reading it failed): no more
    /// records, as with csv.
    done: bool,
    /// Whether the last record read was ended by the end of the file while
    /// inside a quoted field, which csv_core does without a word.
    ended_in_quotes: bool,
    /// csv_core's output for a record (fields end to end, and where each
    /// ends), copied into the record with separators after.
    out: Vec<u8>,
    ends: Vec<usize>,
    /// The longest record kept, in bytes of its fields (and one per
    /// field): a longer one is read past without being kept.
    limit: usize,
    /// Whether the last record read was longer than `limit`, and so came
    /// back without its fields.
    too_long: bool,
    /// Records split without csv_core, for tests to see that they were.
    #[cfg(test)]
    plain: u64,
}

impl<R: Read> Splitter<R> {
    pub(crate) fn new(tap: Tap<R>) -> Splitter<R> {
        Splitter::with_buffer(tap, BUFFER)
    }

    /// With a buffer of `size` bytes (tests use tiny ones so that records
    /// run over its end). At least 4: csv_core strips a BOM only if its
    /// first input holds all of it, and takes a first input of nothing but
    /// the BOM for the end of the file, so that first read must have room
    /// for a byte after the BOM, as the csv crate's does.
    pub(crate) fn with_buffer(tap: Tap<R>, size: usize) -> Splitter<R> {
        Splitter {
            tap,
            // The csv crate's defaults: `,`, `"` doubled to escape, and any
            // of `\r`, `\n` or `\r\n` ending a record.
            core: Box::new(csv_core::ReaderBuilder::new().build()),
            buf: vec![0; size.max(4)].into_boxed_slice(),
            at: 0,
            len: 0,
            pos: 0,
            started: false,
            done: false,
            ended_in_quotes: false,
            out: Vec::new(),
            ends: Vec::new(),
            limit: usize::MAX,
            too_long: false,
            #[cfg(test)]
            plain: 0,
        }
    }

    /// Records longer than `limit` bytes are read past, not kept (see
    /// [`Splitter::too_long`]).
    pub(crate) fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }

    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    /// Whether the last record read was longer than the limit: it came
    /// back with no fields, and reading went on after its end.
    pub(crate) fn too_long(&self) -> bool {
        self.too_long
    }

    /// Reads the next record into `record`, `Ok(false)` at the end of the
    /// file: `csv::Reader::read_byte_record` without headers, flexible.
    pub(crate) fn read(&mut self, record: &mut Record) -> io::Result<bool> {
        record.clear(self.pos);
        self.ended_in_quotes = false;
        self.too_long = false;
        if self.done {
            return Ok(false);
        }
        // The csv crate reads from the file when, and only when, its
        // buffer is used up: so does this, so that the end of the file is
        // seen at the same point (see `runs_to_end_in_quotes`).
        if self.at == self.len {
            self.fill()?;
        }
        if self.started && self.split_plain_line(record) {
            return Ok(true);
        }
        self.read_with_core(record)
    }

    /// The fast path: if the buffer holds a whole non-empty line with no
    /// `"` and no `\r`, it is the next record, its fields the bytes between
    /// commas — csv_core would make the same of it — and it is taken.
    fn split_plain_line(&mut self, record: &mut Record) -> bool {
        let rest = &self.buf[self.at..self.len];
        // One pass finds the end of the line and anything in it that needs
        // csv_core.
        let Some(end) = memchr::memchr3(b'\n', b'"', b'\r', rest) else {
            return false;
        };
        // An empty line is skipped by csv_core, which reads on into the
        // next line as this record.
        // A line over the limit is left to csv_core, which reads past it.
        if end == 0 || end >= self.limit || rest[end] != b'\n' {
            return false;
        }
        // The line with its `\n`: the commas and the `\n` are the fields'
        // separators.
        record.bytes.extend_from_slice(&rest[..=end]);
        push_field_starts(&mut record.bounds, &rest[..end]);
        record.bounds.push(end + 1);
        self.at += end + 1;
        self.pos += end as u64 + 1;
        #[cfg(test)]
        {
            self.plain += 1;
        }
        true
    }

    /// The slow path, `csv::Reader::read_byte_record_impl` over this
    /// buffer: csv_core is given what is left of the buffer, which is
    /// refilled whenever it is used up, until it has a whole record.
    fn read_with_core(&mut self, record: &mut Record) -> io::Result<bool> {
        self.started = true;
        let mut quotes = Quotes::FieldStart;
        let (mut nout, mut nend) = (0, 0);
        loop {
            let input = &self.buf[self.at..self.len];
            // Nothing left to give csv_core only at the end of the file:
            // it then ends the record it is in, even inside quotes.
            if input.is_empty() {
                self.ended_in_quotes = quotes == Quotes::Open;
            }
            let (res, nin, out, end) =
                self.core
                    .read_record(input, &mut self.out[nout..], &mut self.ends[nend..]);
            quotes = quotes.after(&input[..nin]);
            self.at += nin;
            self.pos += nin as u64;
            nout += out;
            nend += end;
            // Past the limit the record is rejected: what csv_core has
            // made of it so far is dropped and its output buffers written
            // over from the start, so memory stays bounded however long
            // it runs (a file of NUL bytes, a quote never closed). csv_core
            // reads on to the record's end as usual, where the next one
            // starts; only the field count matters from here.
            if nout + nend > self.limit {
                self.too_long = true;
                (nout, nend) = (0, 0);
            }
            match res {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    if nout == self.out.len() {
                        grow(&mut self.out);
                    }
                }
                ReadRecordResult::OutputEndsFull => {
                    if nend == self.ends.len() {
                        grow(&mut self.ends);
                    }
                }
                ReadRecordResult::Record if self.too_long => {
                    if self.out.len() > KEPT_OUTPUT {
                        self.out = Vec::new();
                    }
                    if self.ends.len() > KEPT_OUTPUT {
                        self.ends = Vec::new();
                    }
                    return Ok(true);
                }
                ReadRecordResult::Record => {
                    let mut start = 0;
                    for &end in &self.ends[..nend] {
                        record.push_field(&self.out[start..end]);
                        start = end;
                    }
                    return Ok(true);
                }
                ReadRecordResult::End => {
                    self.done = true;
                    return Ok(false);
                }
            }
            if self.at == self.len {
                self.fill()?;
            }
        }
    }

    /// Reads the next bytes of the file into the (used up) buffer; none at
    /// the end of the file.
    fn fill(&mut self) -> io::Result<()> {
        match self.tap.read(&mut self.buf) {
            Ok(n) => {
                (self.at, self.len) = (0, n);
                Ok(())
            }
            Err(e) => {
                // As with csv: a file that failed once has no more records.
                self.done = true;
                Err(e)
            }
        }
    }

    /// Whether the last record read was cut short by the end of the file
    /// inside a quoted field.
    pub(crate) fn ended_in_quotes(&self) -> bool {
        self.ended_in_quotes
    }

    /// The byte where the next record starts (after the last one read),
    /// for tests to compare with csv's.
    #[cfg(test)]
    pub(crate) fn position(&self) -> u64 {
        self.pos
    }

    /// The bytes read from the file and not yet split, and whether they
    /// are the rest of the file (the buffer was not filled).
    pub(crate) fn buffered(&self) -> (&[u8], bool) {
        (&self.buf[self.at..self.len], self.len < self.buf.len())
    }

    pub(crate) fn tap_mut(&mut self) -> &mut Tap<R> {
        &mut self.tap
    }

    #[cfg(test)]
    pub(crate) fn plain_lines(&self) -> u64 {
        self.plain
    }

    /// The file, with whatever is still in the buffer dropped: the tap has
    /// seen those bytes already.
    pub(crate) fn into_tap(self) -> Tap<R> {
        self.tap
    }
}

/// Where a record read by csv_core stands with quotes. csv_core does not
/// say (and a copy of it cannot be asked: the `Clone` of csv_core 0.1.13
/// leaves most of its DFA behind), and it ends a record cut short by the
/// end of the file inside quotes without a word, so its input is followed
/// here by the quoting rules alone: a `"` opens a quoted field only at the
/// start of a field, `""` in it is a quote, and any other `"` closes it
/// (what follows is read on into the field). A BOM csv_core strips from
/// the start of the file is taken for text here: only the header can start
/// with one, and it is never asked about.
#[derive(Clone, Copy, PartialEq)]
enum Quotes {
    FieldStart,
    Unquoted,
    Open,
    /// A `"` in a quoted field: closing it, or the first of two.
    Closing,
}

impl Quotes {
    fn after(self, bytes: &[u8]) -> Quotes {
        bytes.iter().fold(self, |q, &b| match (q, b) {
            (Quotes::Open, b'"') => Quotes::Closing,
            (Quotes::Open, _) => Quotes::Open,
            (Quotes::Closing, b'"') => Quotes::Open,
            (Quotes::FieldStart, b'"') => Quotes::Open,
            (_, b',' | b'\n' | b'\r') => Quotes::FieldStart,
            _ => Quotes::Unquoted,
        })
    }
}

/// Pushes where each field of `line` but the first starts: after each
/// comma.
///
/// Fields are short (a dozen bytes), and a `memchr` call per comma costs
/// more than the field (`memchr_iter` here was 86M instructions on the 100k
/// export, this a fraction of it), so the line is looked at eight bytes at
/// a time: XOR-ing a word with eight commas turns each comma into a zero
/// byte, and the zero bytes are found with integer arithmetic.
fn push_field_starts(bounds: &mut Vec<usize>, line: &[u8]) {
    const COMMAS: u64 = u64::from_ne_bytes([b','; 8]);
    const LOW7: u64 = u64::from_ne_bytes([0x7f; 8]);
    let words = line.chunks_exact(8);
    let tail = words.remainder();
    for (w, word) in words.enumerate() {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(word);
        let x = u64::from_le_bytes(bytes) ^ COMMAS;
        // Per byte: adding 0x7f to its low seven bits sets its top bit
        // unless they are all zero (no carry into the next byte); OR-ing
        // in the byte itself adds its own top bit. What is left unset,
        // after the NOT, is the top bit of exactly the zero bytes, i.e.
        // the commas (no false hits, unlike the usual `(x - 0x01..) & !x`
        // test, which only tells whether there is one).
        let mut commas = !(((x & LOW7) + LOW7) | x | LOW7);
        while commas != 0 {
            // Little-endian: the lowest set bit is the first comma.
            let at = w * 8 + (commas.trailing_zeros() / 8) as usize;
            bounds.push(at + 1);
            commas &= commas - 1;
        }
    }
    let tail_at = line.len() - tail.len();
    for (i, &b) in tail.iter().enumerate() {
        if b == b',' {
            bounds.push(tail_at + i + 1);
        }
    }
}

/// Doubles a csv_core output buffer it found full (as the csv crate does).
fn grow<T: Default + Clone>(buf: &mut Vec<T>) {
    let len = (buf.len() * 2).max(4);
    buf.resize(len, T::default());
}
