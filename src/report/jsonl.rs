//! `--format jsonl`: one finding per line, in the SPEC §4 order.

use super::Report;
use std::io::{self, Write};

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    // Lines are put together in a buffer of our own and handed over in
    // large pieces: serde writes a line in many small pieces, each through
    // the `dyn Write`.
    let mut buf = Vec::with_capacity(BUFFER + 1024);
    for f in &report.outcome.findings {
        serde_json::to_writer(&mut buf, f)?;
        buf.push(b'\n');
        if buf.len() >= BUFFER {
            w.write_all(&buf)?;
            buf.clear();
        }
    }
    w.write_all(&buf)
}

const BUFFER: usize = 64 * 1024;
