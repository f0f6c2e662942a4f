//! Every file hocr writes goes through here (SPEC §6: files are safe).
//!
//! A regular file (or a path that does not exist yet) is written to a
//! temporary file beside it, flushed and synced, and renamed over the
//! target only by [`Output::commit`]. Until then the target keeps its
//! earlier bytes; an [`Output`] dropped without a commit (a failed run)
//! removes its temporary file. A target that is not a regular file
//! (`/dev/stdout`, a FIFO, `/dev/null`) is written directly, streaming:
//! there is nothing there to keep.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The prefix of every temporary file: plainly not a report.
pub const TEMP_PREFIX: &str = ".hocr-partial-";

/// A file being written; see the module docs.
pub struct Output {
    writer: BufWriter<File>,
    /// The temporary file and the target, when the target is replaced
    /// whole; `None` when written directly.
    replace: Option<(tempfile::TempPath, PathBuf)>,
}

impl Output {
    /// Starts writing `target`. Fails, before anything is written, when
    /// the target's directory cannot take a file.
    pub fn create(target: &Path) -> io::Result<Output> {
        match std::fs::metadata(target) {
            Ok(m) if !m.is_file() && !m.is_dir() => {
                let file = File::options().write(true).open(target)?;
                return Ok(Output {
                    writer: BufWriter::new(file),
                    replace: None,
                });
            }
            _ => {}
        }
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = tempfile::Builder::new()
            .prefix(&format!("{TEMP_PREFIX}{name}."))
            .tempfile_in(dir)?;
        let (file, path) = temp.into_parts();
        Ok(Output {
            writer: BufWriter::new(file),
            replace: Some((path, target.to_path_buf())),
        })
    }

    /// Flushes, syncs and puts the file in place of the target.
    pub fn commit(self) -> io::Result<()> {
        let Output { writer, replace } = self;
        let file = writer
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        if let Some((temp, target)) = replace {
            file.sync_all()?;
            drop(file);
            temp.persist(&target).map_err(|e| e.error)?;
            // The rename itself is durable once the directory is synced.
            if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty())
                && let Ok(d) = File::open(dir)
            {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// Writes `target` whole with `contents`, replacing it only if `contents`
/// and the commit succeed.
pub fn write_file(
    target: &Path,
    contents: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut out = Output::create(target)?;
    contents(&mut out)?;
    out.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_earlier_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.json");
        std::fs::write(&target, b"last night").unwrap();
        let failed = write_file(&target, |w| {
            w.write_all(b"half of tonight")?;
            Err(io::Error::other("the run failed"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&target).unwrap(), b"last night");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_committed_write_replaces_the_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.json");
        std::fs::write(&target, b"last night, a longer report").unwrap();
        write_file(&target, |w| w.write_all(b"tonight")).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"tonight");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
