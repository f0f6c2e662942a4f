//! `--format jsonl`: one finding per line, in the SPEC §4 order.

use super::Report;
use std::io::{self, Write};

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    for f in &report.outcome.findings {
        serde_json::to_writer(&mut *w, f)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}
