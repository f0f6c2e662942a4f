//! `--format csv`: the findings, one per row, with the JSONL columns. UTF-8
//! with a byte-order mark so Excel opens it without mangling text.

use super::Report;
use std::io::{self, Write};

const COLUMNS: &[&str] = &[
    "rule",
    "kind",
    "severity",
    "incident_id",
    "crime_id",
    "event",
    "event_at",
    "field",
    "due",
    "at",
    "message",
    "status",
];

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    write_findings(report, w).map_err(into_io)
}

/// The csv crate wraps I/O errors in its own; unwrapped, a closed pipe is
/// seen as one (`hocr check --format csv | head -1` ends like the other
/// formats), not as "cannot write output".
fn into_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

fn write_findings(report: &Report, w: &mut dyn Write) -> Result<(), csv::Error> {
    w.write_all("\u{feff}".as_bytes())?;
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(w);
    out.write_record(COLUMNS)?;
    let text =
        |t: crate::data::records::MaybeTime| t.get().map(|t| t.format_utc()).unwrap_or_default();
    for f in &report.outcome.findings {
        out.write_record([
            &*f.rule,
            &*f.kind,
            f.severity.name(),
            f.incident_id.as_deref().unwrap_or(""),
            f.crime_id.as_deref().unwrap_or(""),
            f.event.map_or("", |e| e),
            &text(f.event_at),
            f.field.map_or("", |e| e),
            &text(f.due),
            &text(f.at),
            &*f.message,
            f.status.map(|s| s.name()).unwrap_or(""),
        ])?;
    }
    out.flush()?;
    Ok(())
}
