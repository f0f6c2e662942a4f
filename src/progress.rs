//! Progress on stderr for long runs: only when stderr is a terminal (a
//! nightly job's log stays clean) and never with `--quiet`.

use std::io::{IsTerminal, Write};
use std::time::Instant;

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
            eprint!("{what} …");
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
                eprintln!(
                    " done in {secs:.1} s ({} rows/s)",
                    thousands((n as f64 / secs) as u64)
                )
            }
            _ => eprintln!(" done in {secs:.1} s"),
        }
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
