//! Every file hocr writes goes through here (SPEC §6: files are safe).
//!
//! A regular file (or a path that does not exist yet) is written to a
//! temporary file beside it (`.hocr-partial-<name>.XXXXXX`, plainly not a
//! report), flushed and synced, and renamed over the target only by
//! [`Output::commit`]. Until then the target keeps its earlier bytes:
//!
//! - an [`Output`] dropped without a commit (a failed run, a full disk)
//!   removes its temporary;
//! - SIGTERM, SIGINT or SIGHUP remove every temporary not yet committed,
//!   then end the process by the same signal, as if it had not been caught
//!   (so a shell still sees 143, 130 or 129);
//! - after SIGKILL a temporary may stay behind: the next [`Output`] made in
//!   that directory removes it. Each temporary is held under an advisory
//!   lock (`flock`) from its creation to its rename, so a temporary another
//!   running hocr is still writing is never removed.
//!
//! Two runs writing the same target each rename a whole file: the target
//! ends as one of them, never a mixture.
//!
//! A target that is not a regular file (`/dev/stdout`, a FIFO,
//! `/dev/null`) is written directly, streaming: there is nothing there to
//! keep. [`refuse_overlap`] keeps outputs off the inputs and each other.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once, PoisonError};

/// The prefix of every temporary file: plainly not a report.
pub const TEMP_PREFIX: &str = ".hocr-partial-";

/// Temporaries written and not yet renamed, for the signal handler.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static WATCH_SIGNALS: Once = Once::new();

fn pending() -> MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// On SIGTERM, SIGINT or SIGHUP: remove the pending temporaries, then die
/// of the signal. The list stays locked from there on, so no commit can
/// rename a temporary after the signal (a commit already renaming
/// finishes first: the target then holds a whole report).
fn watch_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    WATCH_SIGNALS.call_once(|| {
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let held = pending();
                for temp in held.iter() {
                    let _ = fs::remove_file(temp);
                }
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                // Only if the default action did not end the process.
                std::process::exit(128 + signal);
            }
        });
    });
}

enum Sink {
    File(File),
    Stdout(io::StdoutLock<'static>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::File(f) => f.write(buf),
            Sink::Stdout(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::File(f) => f.flush(),
            Sink::Stdout(s) => s.flush(),
        }
    }
}

/// A file being written; see the module docs.
pub struct Output {
    writer: BufWriter<Sink>,
    /// Where the file goes: the named path, or the file a link names.
    target: PathBuf,
    /// The path as the user gave it, for messages.
    shown: PathBuf,
    /// The temporary, until it is renamed over the target; `None` when
    /// the target is written directly.
    temp: Option<PathBuf>,
}

impl Output {
    /// Standard output, written directly.
    pub fn stdout() -> Output {
        Output {
            writer: BufWriter::new(Sink::Stdout(io::stdout().lock())),
            target: PathBuf::from("standard output"),
            shown: PathBuf::from("standard output"),
            temp: None,
        }
    }

    /// Starts writing `target`. Fails, before anything is written, when
    /// the target's directory cannot take a file.
    pub fn create(target: &Path) -> io::Result<Output> {
        if let Some(file) = standard_stream(target)? {
            return Ok(Output::direct(file, target));
        }
        match fs::metadata(target) {
            Ok(m) if m.is_dir() => Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "it is a directory",
            )),
            Ok(m) if !m.is_file() => {
                let file = File::options().write(true).open(target)?;
                Ok(Output::direct(file, target))
            }
            // A symbolic link stays a link: the file it names is replaced.
            Ok(m) => Output::replace(&fs::canonicalize(target)?, Some(m.permissions()), target),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Output::replace(target, None, target),
            Err(e) => Err(e),
        }
    }

    fn direct(file: File, target: &Path) -> Output {
        Output {
            writer: BufWriter::new(Sink::File(file)),
            target: target.to_path_buf(),
            shown: target.to_path_buf(),
            temp: None,
        }
    }

    fn replace(real: &Path, earlier: Option<fs::Permissions>, named: &Path) -> io::Result<Output> {
        watch_signals();
        let dir = match real.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        tidy(dir);
        let name = real
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        loop {
            // Created, locked and listed under the list's lock: a signal
            // cannot come between the file's creation and its listing.
            let mut held = pending();
            let (file, temp) = tempfile::Builder::new()
                .prefix(&format!("{TEMP_PREFIX}{name}."))
                // A new report is readable as any new file would be (the
                // umask applies); a replaced one keeps its mode below.
                .permissions(fs::Permissions::from_mode(0o666))
                .tempfile_in(dir)?
                .into_parts();
            let temp = temp.keep().map_err(|e| e.error)?;
            file.lock()?;
            // Another hocr may have tidied the file away between its
            // creation and the lock: then start again.
            let ours = fs::metadata(&temp).is_ok_and(|m| same_inode(&m, &file));
            if !ours {
                continue;
            }
            if let Some(perms) = earlier.clone() {
                file.set_permissions(perms)?;
            }
            held.push(temp.clone());
            drop(held);
            return Ok(Output {
                writer: BufWriter::new(Sink::File(file)),
                target: real.to_path_buf(),
                shown: named.to_path_buf(),
                temp: Some(temp),
            });
        }
    }

    /// The path as the messages name it.
    pub fn name(&self) -> String {
        self.shown.display().to_string()
    }

    /// Whether the target is replaced whole on commit (rather than written
    /// directly): then a failure leaves any earlier file as it was.
    pub fn replaces(&self) -> bool {
        self.temp.is_some()
    }

    /// Flushes, syncs and puts the file in place of the target.
    pub fn commit(mut self) -> io::Result<()> {
        self.writer.flush()?;
        let Some(temp) = self.temp.take() else {
            return Ok(());
        };
        let Sink::File(file) = self.writer.get_ref() else {
            unreachable!("a temporary is always a file");
        };
        if let Err(e) = file.sync_all() {
            self.temp = Some(temp);
            return Err(e);
        }
        {
            let mut held = pending();
            // Renamed while still locked: a tidying hocr cannot take it.
            if let Err(e) = fs::rename(&temp, &self.target) {
                drop(held);
                self.temp = Some(temp);
                return Err(e);
            }
            held.retain(|p| p != &temp);
        }
        // The rename itself is durable once the directory is synced.
        if let Some(dir) = self.target.parent().filter(|d| !d.as_os_str().is_empty())
            && let Ok(d) = File::open(dir)
        {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            let mut held = pending();
            let _ = fs::remove_file(&temp);
            held.retain(|p| p != &temp);
        }
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

/// Standard output or error named as a path: written through the
/// process's own descriptor (reopening `/dev/stdout` when it is a file
/// would start again at its first byte, and it must never be renamed over).
/// Any other `/dev/fd/N` or `/proc/…` path is opened and written directly.
fn standard_stream(target: &Path) -> io::Result<Option<File>> {
    let Some(text) = target.to_str() else {
        return Ok(None);
    };
    let fd = match text {
        "/dev/stdout" | "/dev/fd/1" | "/proc/self/fd/1" => {
            io::stdout().as_fd().try_clone_to_owned()?
        }
        "/dev/stderr" | "/dev/fd/2" | "/proc/self/fd/2" => {
            io::stderr().as_fd().try_clone_to_owned()?
        }
        _ if text.starts_with("/dev/fd/") || text.starts_with("/proc/") => {
            return File::options().write(true).open(target).map(Some);
        }
        _ => return Ok(None),
    };
    Ok(Some(File::from(fd)))
}

/// Removes the temporaries left in `dir` by runs that were killed outright
/// (SIGKILL, a power cut): those no process holds locked.
fn tidy(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let is_temp = entry
            .file_name()
            .as_encoded_bytes()
            .starts_with(TEMP_PREFIX.as_bytes());
        if !is_temp || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let Ok(file) = File::open(&path) else {
            continue;
        };
        if file.try_lock().is_ok() && fs::metadata(&path).is_ok_and(|m| same_inode(&m, &file)) {
            let _ = fs::remove_file(&path);
        }
    }
}

fn same_inode(m: &fs::Metadata, file: &File) -> bool {
    file.metadata()
        .is_ok_and(|f| f.dev() == m.dev() && f.ino() == m.ino())
}

/// A file a run reads or writes, as messages name it: e.g. ("--output",
/// "report.json") or ("the crimes export", "x/crimes.csv").
pub type Role<'a> = (String, &'a Path);

/// Refuses, before anything is read or written, an output that is the same
/// file as an input or as another output, through any spelling, symbolic
/// link or hard link (same device and inode). Outputs that are not regular
/// files (`/dev/null`, a terminal, a FIFO) are not compared: nothing there
/// is lost. Returns the message naming both paths.
pub fn refuse_overlap(outputs: &[Role], inputs: &[Role]) -> Result<(), String> {
    for (i, (out_role, out)) in outputs.iter().enumerate() {
        let Some(id) = identity(out) else {
            continue;
        };
        let others = outputs[i + 1..].iter().map(|o| (o, "another output"));
        let inputs = inputs.iter().map(|o| (o, "an input"));
        for ((role, path), what) in inputs.chain(others) {
            if identity(path).as_ref() == Some(&id) {
                return Err(format!(
                    "{out_role} `{}` is the same file as {role} `{}`: refusing to write over {what} (nothing was read or written)",
                    out.display(),
                    path.display()
                ));
            }
        }
    }
    Ok(())
}

/// The rule files under `path` (a file, or a directory searched through),
/// for [`refuse_overlap`]: every regular file or link to one.
pub fn files_under(path: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            match fs::metadata(&p) {
                Ok(m) if m.is_dir() && depth < 16 => walk(&p, out, depth + 1),
                Ok(m) if m.is_file() => out.push(p),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    if path.is_dir() {
        walk(path, &mut out, 0);
    } else {
        out.push(path.to_path_buf());
    }
    out
}

#[derive(PartialEq, Eq)]
enum Identity {
    Inode(u64, u64),
    /// A file not there yet: its directory, resolved, and its name.
    Path(PathBuf),
}

fn identity(path: &Path) -> Option<Identity> {
    match fs::metadata(path) {
        Ok(m) if m.is_file() => Some(Identity::Inode(m.dev(), m.ino())),
        Ok(_) => None,
        Err(_) => {
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let dir = fs::canonicalize(dir).ok()?;
            Some(Identity::Path(dir.join(path.file_name()?)))
        }
    }
}

/// What a file that is not a regular file is, if it is not one.
pub fn not_regular(meta: &std::fs::Metadata) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_file() {
        None
    } else if kind.is_fifo() {
        Some("a FIFO")
    } else if kind.is_char_device() || kind.is_block_device() {
        Some("a device")
    } else if kind.is_socket() {
        Some("a socket")
    } else if kind.is_dir() {
        Some("a directory")
    } else {
        Some("not a file")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_failed_write_leaves_the_earlier_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.json");
        fs::write(&target, b"last night").unwrap();
        let failed = write_file(&target, |w| {
            w.write_all(b"half of tonight")?;
            Err(io::Error::other("the run failed"))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read(&target).unwrap(), b"last night");
        assert_eq!(names(dir.path()), ["report.json"]);
    }

    #[test]
    fn a_committed_write_replaces_the_file_whole_and_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.json");
        fs::write(&target, b"last night, a longer report").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
        write_file(&target, |w| w.write_all(b"tonight")).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"tonight");
        assert_eq!(
            fs::metadata(&target).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(names(dir.path()), ["report.json"]);
    }

    #[test]
    fn a_link_to_the_report_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("2025-06-01.json");
        let link = dir.path().join("latest.json");
        fs::write(&real, b"last night").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_file(&link, |w| w.write_all(b"tonight")).unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"tonight");
    }

    #[test]
    fn stray_temporaries_are_tidied_but_locked_ones_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let stray = dir.path().join(format!("{TEMP_PREFIX}report.json.abc123"));
        fs::write(&stray, b"killed half way").unwrap();
        // A run still writing: its temporary is locked.
        let mut writing = Output::create(&dir.path().join("other.json")).unwrap();
        writing.write_all(b"still going").unwrap();
        let target = dir.path().join("report.json");
        write_file(&target, |w| w.write_all(b"tonight")).unwrap();
        assert!(!stray.exists(), "the killed run's temporary is gone");
        let left = names(dir.path());
        assert_eq!(left.len(), 2, "{left:?}");
        assert!(left[0].starts_with(TEMP_PREFIX), "{left:?}");
        writing.commit().unwrap();
        assert_eq!(names(dir.path()), ["other.json", "report.json"]);
    }

    #[test]
    fn non_regular_targets_are_written_directly() {
        let mut out = Output::create(Path::new("/dev/null")).unwrap();
        out.write_all(b"nothing kept").unwrap();
        out.commit().unwrap();
    }

    #[test]
    fn overlaps_are_found_through_links_and_spellings() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("crimes.csv");
        fs::write(&input, b"id\n").unwrap();
        let hard = dir.path().join("hard.csv");
        fs::hard_link(&input, &hard).unwrap();
        let inputs = [("the crimes export".to_string(), input.as_path())];
        let spelled = dir.path().join(".").join("crimes.csv");
        for out in [&hard, &spelled] {
            let err = refuse_overlap(&[("--output".into(), out)], &inputs).unwrap_err();
            assert!(err.contains("crimes.csv"), "{err}");
        }
        let new = dir.path().join("new.json");
        let again = dir.path().join(".").join("new.json");
        assert!(refuse_overlap(&[("--output".into(), &new)], &inputs).is_ok());
        assert!(
            refuse_overlap(
                &[("--output".into(), &new), ("--rejects".into(), &again)],
                &inputs
            )
            .is_err()
        );
    }
}
