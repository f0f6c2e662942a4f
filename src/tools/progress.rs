//! Progress on stderr for long runs: only when stderr is a terminal (a
//! nightly job's log stays clean) and never with `--quiet`.

use crate::data::ingest::ByteCounter;
use crate::util::text::thousands;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub struct Progress {
    enabled: bool,
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        Progress {
            enabled: !quiet && std::io::stderr().is_terminal(),
        }
    }

    /// Starts a stage: `reading 127.5 MB …`.
    pub fn stage(&self, what: &str) -> Stage {
        if self.enabled {
            let _ = write!(std::io::stderr(), "{what} …");
            let _ = std::io::stderr().flush();
        }
        Stage {
            enabled: self.enabled,
            started: Instant::now(),
        }
    }
}

pub struct Stage {
    enabled: bool,
    started: Instant,
}

/// Shows the share of `total` bytes read (as `read` counts them), updated
/// a few times a second, while `work` runs; then ends the stage with the
/// rate in rows per second. `and` names what else happens meanwhile (`and
/// evaluating 17 rules`).
pub fn reading<T>(
    progress: &Progress,
    read: &ByteCounter,
    total: u64,
    and: &str,
    work: impl FnOnce() -> T,
    rows: impl FnOnce(&T) -> u64,
) -> T {
    let what = format!("reading {:.1} MB {and}", total as f64 / 1e6)
        .trim_end()
        .to_string();
    if !progress.enabled {
        return work();
    }
    let stage = progress.stage(&what);
    let start = read.get();
    let done = AtomicBool::new(false);
    let result = std::thread::scope(|scope| {
        let shower = scope.spawn(|| {
            loop {
                // Woken early when the work is done: the run does not wait
                // out the rest of a quarter second to end.
                std::thread::park_timeout(Duration::from_millis(250));
                if done.load(Ordering::Acquire) {
                    break;
                }
                let read = read.get().saturating_sub(start);
                let share = (read * 100).checked_div(total).map_or(100, |s| s.min(100));
                let _ = write!(std::io::stderr(), "\r{what} … {share}%");
                let _ = std::io::stderr().flush();
            }
        });
        let result = work();
        done.store(true, Ordering::Release);
        shower.thread().unpark();
        result
    });
    let _ = write!(std::io::stderr(), "\r{what} …");
    stage.done(Some(rows(&result)));
    result
}

impl Stage {
    /// Ends the stage, with a rate when there is a count: `done in 2.1 s
    /// (480,000 rows/s)`.
    pub fn done(self, rows: Option<u64>) {
        if !self.enabled {
            return;
        }
        let secs = self.started.elapsed().as_secs_f64();
        match rows {
            Some(n) if secs > 0.0 => {
                let _ = writeln!(
                    std::io::stderr(),
                    " done in {secs:.1} s ({} rows/s)",
                    thousands((n as f64 / secs) as u64)
                );
            }
            _ => {
                let _ = writeln!(std::io::stderr(), " done in {secs:.1} s");
            }
        }
    }
}
