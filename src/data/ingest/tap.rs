//! The one pass over a file's bytes: everything that must see the raw bytes
//! (the sha256 and byte count in the summary, the physical line numbers of
//! CSV records) watches them here as the parser pulls them, so no file is
//! read twice.

use crate::data::records::Line;
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A count of the export files' own bytes read so far, for whoever shows
/// progress: made by the caller, given to the readers (see
/// `Readers::counting_bytes`), read from any thread. Clones count into the
/// same total. Only for showing progress, so a relaxed counter is enough.
#[derive(Clone, Debug, Default)]
pub struct ByteCounter(Arc<AtomicU64>);

impl ByteCounter {
    /// The bytes counted so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    pub(crate) fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
}

pub(crate) struct Tap<R> {
    inner: R,
    /// `None` once nobody wants the hash (see [`Tap::stop_hashing`]).
    hasher: Option<Sha256>,
    bytes: u64,
    breaks: Option<LineBreaks>,
    /// Where the bytes read are counted, if anywhere (never when they are
    /// decompressed: the file's own bytes are counted below).
    counter: Option<ByteCounter>,
}

impl<R: Read> Tap<R> {
    pub(crate) fn new(inner: R) -> Tap<R> {
        Tap {
            inner,
            hasher: Some(Sha256::new()),
            bytes: 0,
            breaks: None,
            counter: None,
        }
    }

    /// The bytes read are not the file's own (they come out of a
    /// decompressor, which counts and hashes the file's): neither hashed
    /// nor counted here.
    pub(crate) fn decoded(&mut self) {
        self.hasher = None;
    }

    /// Counts the bytes read, from the first (those read already are
    /// added now), into `counter`.
    pub(crate) fn count_into(&mut self, counter: &ByteCounter) {
        counter.add(self.bytes);
        self.counter = Some(counter.clone());
    }

    pub(crate) fn get_ref(&self) -> &R {
        &self.inner
    }

    pub(crate) fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// Also remembers where line breaks are, for [`Tap::record_start_line`].
    pub(crate) fn with_line_breaks(inner: R) -> Tap<R> {
        Tap {
            breaks: Some(LineBreaks::default()),
            ..Tap::new(inner)
        }
    }

    /// The 1-based line of the first byte at or after byte offset `start`
    /// that is not a line break, which is where a CSV record read from
    /// `start` really begins.
    ///
    /// The csv crate's `Position::line()` cannot be used for this: it is the
    /// line where the parser resumed, before the blank lines it skips and,
    /// with CRLF endings, before the `\n` left over from the previous record,
    /// so it is one or more lines early. Offsets must not go backwards
    /// between calls.
    pub(crate) fn record_start_line(&mut self, start: u64) -> Line {
        match &mut self.breaks {
            Some(b) => b.record_start_line(start),
            None => 0,
        }
    }

    /// The file's hash will not be asked for: the bytes are no longer
    /// hashed, and [`Tap::finish_inner`] gives none.
    pub(crate) fn stop_hashing(&mut self) {
        self.hasher = None;
    }

    /// Reads whatever the parser left unread (so the count and the hash
    /// cover the whole file) and returns the byte count and the lowercase
    /// hex sha256, unless hashing was stopped.
    #[cfg(test)]
    pub(crate) fn finish(self) -> io::Result<(u64, Option<String>)> {
        self.finish_inner().map(|(bytes, hex, _)| (bytes, hex))
    }

    /// `Tap::finish` (which tests call), also giving back what was read from.
    pub(crate) fn finish_inner(mut self) -> io::Result<(u64, Option<String>, R)> {
        self.breaks = None;
        io::copy(&mut self, &mut io::sink())?;
        let hex = self.hasher.take().map(hex);
        Ok((self.bytes, hex, self.inner))
    }
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let got = buf
            .get(..n)
            .ok_or_else(|| io::Error::other("reader returned more bytes than asked for"))?;
        if let Some(hasher) = &mut self.hasher {
            hasher.update(got);
        }
        if let Some(b) = &mut self.breaks {
            b.observe(self.bytes, got);
        }
        self.bytes += n as u64;
        if let Some(counter) = &self.counter {
            counter.add(n as u64);
        }
        Ok(n)
    }
}

/// A finished hash in lowercase hex.
pub(crate) fn hex(hasher: Sha256) -> String {
    let digest = hasher.finalize();
    let mut hex = String::with_capacity(2 * digest.len());
    for b in digest.iter() {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// Runs of `\r`/`\n` bytes read but not yet passed by the parser. Only the
/// read-ahead and the current record are held, and a stretch of blank
/// lines is one run, so memory stays bounded by the longest record.
#[derive(Default)]
struct LineBreaks {
    pending: VecDeque<Run>,
    /// `\n` bytes already passed.
    newlines: u64,
}

struct Run {
    start: u64,
    end: u64,
    /// Line breaks in the run: each `\n`, and each `\r` not followed by
    /// `\n` (`\r\n` is one break, a lone `\r` one, as csv_core reads them).
    newlines: u64,
    /// Whether the run ends in `\r` (a `\n` next is part of that break).
    after_cr: bool,
}

impl LineBreaks {
    fn observe(&mut self, at: u64, bytes: &[u8]) {
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            let cr = bytes[i] == b'\r';
            let offset = at + i as u64;
            match self.pending.back_mut() {
                Some(run) if run.end == offset => {
                    run.end += 1;
                    // The `\n` of `\r\n` was counted with its `\r`.
                    run.newlines += u64::from(cr || !run.after_cr);
                    run.after_cr = cr;
                }
                _ => self.pending.push_back(Run {
                    start: offset,
                    end: offset + 1,
                    newlines: 1,
                    after_cr: cr,
                }),
            }
        }
    }

    fn record_start_line(&mut self, start: u64) -> Line {
        // Every run that begins before the parser's resume point, and the
        // run it resumes in (blank lines, a left-over `\n`: all skipped
        // before the record's first byte), lies before the record.
        while let Some(run) = self.pending.front() {
            if run.start > start {
                break;
            }
            self.newlines += run.newlines;
            self.pending.pop_front();
        }
        self.newlines + 1
    }
}
