//! Opening an export file: what it is (SPEC §2): a regular file only (a
//! FIFO or a device would block or never end), named `.csv` or `.jsonl`,
//! optionally gzip-compressed (`.csv.gz`, `.jsonl.gz`) and then
//! decompressed as it is read, never whole. A compressed file under a
//! plain name is refused, said as such.
//!
//! The summary's `bytes` and `sha256` are always of the file as it is on
//! disk (for a `.gz`, the compressed bytes), so that `sha256sum FILE`
//! checks the report's figure: the decompressor reads through
//! [`OnDisk`], which counts and hashes what it reads.

use super::InputError;
use super::tap::{ByteCounter, hex};
use flate2::read::MultiGzDecoder;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufReader, Read, Seek};
use std::path::Path;

/// The gzip signature (RFC 1952): every gzip file starts with it.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// An export file's format, from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Csv,
    Jsonl,
}

/// The bytes of an export file: as they are, or decompressed.
pub(crate) enum Source {
    Plain(File),
    Gz(Box<MultiGzDecoder<BufReader<OnDisk>>>),
}

/// A compressed file's own bytes, counted and hashed as the decompressor
/// reads them.
pub(crate) struct OnDisk {
    file: File,
    hasher: Option<Sha256>,
    bytes: u64,
    counter: Option<ByteCounter>,
}

impl Read for OnDisk {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        if let (Some(hasher), Some(got)) = (&mut self.hasher, buf.get(..n)) {
            hasher.update(got);
        }
        self.bytes += n as u64;
        if let Some(counter) = &self.counter {
            counter.add(n as u64);
        }
        Ok(n)
    }
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::Plain(f) => f.read(buf),
            Source::Gz(d) => d.read(buf),
        }
    }
}

impl Source {
    /// Opens an export file after checking what it is, without blocking:
    /// its type is looked at before it is opened.
    pub(crate) fn open(path: &Path) -> Result<(Source, Format, u64), InputError> {
        let name = path.display().to_string();
        let (format, compressed) =
            format_of(path).ok_or(InputError::UnknownExtension { path: name.clone() })?;
        let meta = std::fs::metadata(path).map_err(|e| InputError::unreadable(path, &e))?;
        if meta.is_dir() {
            return Err(InputError::Unreadable {
                path: name,
                cause: "is a directory".into(),
            });
        }
        if let Some(kind) = crate::util::file::not_regular(&meta) {
            return Err(InputError::NotRegular { path: name, kind });
        }
        let mut file = File::open(path).map_err(|e| InputError::unreadable(path, &e))?;
        let size = meta.len();
        if compressed {
            let on_disk = OnDisk {
                file,
                hasher: Some(Sha256::new()),
                bytes: 0,
                counter: None,
            };
            let decoder = MultiGzDecoder::new(BufReader::with_capacity(64 * 1024, on_disk));
            return Ok((Source::Gz(Box::new(decoder)), format, size));
        }
        let mut magic = [0u8; 2];
        let start =
            read_up_to(&mut file, &mut magic).map_err(|e| InputError::unreadable(path, &e))?;
        if start == GZIP_MAGIC.len() && magic == GZIP_MAGIC {
            return Err(InputError::LooksCompressed { path: name });
        }
        file.rewind()
            .map_err(|e| InputError::unreadable(path, &e))?;
        Ok((Source::Plain(file), format, size))
    }

    pub(crate) fn is_compressed(&self) -> bool {
        matches!(self, Source::Gz(_))
    }

    /// The compressed file is not hashed either (see
    /// `Readers::without_hashes`).
    pub(crate) fn stop_hashing(&mut self) {
        if let Source::Gz(d) = self {
            d.get_mut().get_mut().hasher = None;
        }
    }

    /// A compressed file's own bytes are counted into `counter`, those
    /// read already too (see [`super::tap::Tap::count_into`]); a plain
    /// file's are counted by its tap.
    pub(crate) fn count_into(&mut self, counter: &ByteCounter) {
        if let Source::Gz(d) = self {
            let on_disk = d.get_mut().get_mut();
            counter.add(on_disk.bytes);
            on_disk.counter = Some(counter.clone());
        }
    }

    /// For a compressed file, its own byte count and hash, the rest of it
    /// read first (bytes after the last gzip member are counted too);
    /// `None` for a plain file, whose reader counted them already.
    pub(crate) fn on_disk(self) -> io::Result<Option<(u64, Option<String>)>> {
        let Source::Gz(decoder) = self else {
            return Ok(None);
        };
        let mut reader = decoder.into_inner();
        io::copy(&mut reader, &mut io::sink())?;
        let on_disk = reader.into_inner();
        Ok(Some((on_disk.bytes, on_disk.hasher.map(hex))))
    }
}

/// The format a file's name says, and whether it says it is compressed:
/// `x.csv`, `x.jsonl`, `x.csv.gz`, `x.jsonl.gz` (any case).
pub(crate) fn format_of(path: &Path) -> Option<(Format, bool)> {
    let lower = path.file_name()?.to_str()?.to_ascii_lowercase();
    let (stem, compressed) = match lower.strip_suffix(".gz") {
        Some(stem) => (stem, true),
        None => (lower.as_str(), false),
    };
    let format = if stem.ends_with(".csv") {
        Format::Csv
    } else if stem.ends_with(".jsonl") {
        Format::Jsonl
    } else {
        return None;
    };
    Some((format, compressed))
}

/// Reads until `buf` is full or the file ends: how many bytes were read.
fn read_up_to(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
