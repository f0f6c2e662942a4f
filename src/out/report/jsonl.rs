//! `--format jsonl`: one finding per line, in the SPEC §4 order.

use super::Report;
use crate::data::time::Instant;
use crate::run::findings::Finding;
use std::io::{self, Write};
use std::sync::mpsc::sync_channel;

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    let findings = &report.outcome.findings;
    let lanes = report.threads.min(MAX_LANES);
    if lanes < 2 || findings.len() < 2 * CHUNK {
        for chunk in findings.chunks(CHUNK) {
            w.write_all(&lines(chunk)?)?;
        }
        return Ok(());
    }
    // Chunks of findings are put into lines on several threads, each taking
    // every `lanes`-th chunk, and written here in turn: the same bytes as
    // one thread would write. A thread is at most two chunks ahead.
    std::thread::scope(|scope| {
        let receivers: Vec<_> = (0..lanes)
            .map(|lane| {
                let (send, receive) = sync_channel(2);
                scope.spawn(move || {
                    for chunk in findings.chunks(CHUNK).skip(lane).step_by(lanes) {
                        // The writer has stopped (an error): so do we.
                        if send.send(lines(chunk)).is_err() {
                            return;
                        }
                    }
                });
                receive
            })
            .collect();
        for n in 0..findings.len().div_ceil(CHUNK) {
            let text = receivers[n % lanes]
                .recv()
                .expect("each lane sends every chunk it takes")?;
            w.write_all(&text)?;
        }
        Ok(())
    })
}

/// Findings as JSON lines. Lines are put together in a buffer of our own
/// and handed over in large pieces.
fn lines(chunk: &[Finding]) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(chunk.len() * 256);
    for f in chunk {
        line(&mut buf, f)?;
    }
    Ok(buf)
}

/// One finding as a JSON line: the bytes `serde_json::to_writer` gives
/// for it (tested), keys and all, written field by field. Through serde's
/// map machinery every key is escaped anew and every time formatted
/// through `fmt`: ~4,300 instructions a finding, a twentieth of a run.
/// Every text value still goes through serde_json's escaping.
fn line(buf: &mut Vec<u8>, f: &Finding) -> io::Result<()> {
    fn text(buf: &mut Vec<u8>, key: &[u8], s: &str) -> io::Result<()> {
        buf.extend_from_slice(key);
        Ok(serde_json::to_writer(&mut *buf, s)?)
    }
    fn time(buf: &mut Vec<u8>, key: &[u8], t: Option<Instant>) -> io::Result<()> {
        buf.extend_from_slice(key);
        match t.and_then(Instant::utc_text) {
            // Digits and ASCII punctuation: nothing to escape.
            Some(utc) => {
                buf.push(b'"');
                buf.extend_from_slice(utc.as_bytes());
                buf.push(b'"');
                Ok(())
            }
            None => Ok(serde_json::to_writer(&mut *buf, &t)?),
        }
    }
    fn id(buf: &mut Vec<u8>, key: &[u8], id: Option<&str>) -> io::Result<()> {
        match id {
            Some(id) => text(buf, key, id),
            None => {
                buf.extend_from_slice(key);
                buf.extend_from_slice(b"null");
                Ok(())
            }
        }
    }
    text(buf, b"{\"rule\":", &f.rule)?;
    text(buf, b",\"kind\":", &f.kind)?;
    buf.extend_from_slice(b",\"severity\":");
    serde_json::to_writer(&mut *buf, &f.severity)?;
    id(buf, b",\"incident_id\":", f.incident_id.as_deref())?;
    id(buf, b",\"crime_id\":", f.crime_id.as_deref())?;
    // The keys `Finding`'s `Serialize` leaves out when empty.
    if let Some(event) = f.event {
        text(buf, b",\"event\":", event)?;
    }
    if let Some(t) = f.event_at.get() {
        time(buf, b",\"event_at\":", Some(t))?;
    }
    if let Some(field) = f.field {
        text(buf, b",\"field\":", field)?;
    }
    time(buf, b",\"due\":", f.due.get())?;
    time(buf, b",\"at\":", f.at.get())?;
    text(buf, b",\"message\":", &f.message)?;
    if let Some(status) = f.status {
        buf.extend_from_slice(b",\"status\":");
        serde_json::to_writer(&mut *buf, &status)?;
    }
    buf.extend_from_slice(b"}\n");
    Ok(())
}

/// Findings put into lines at a time: about 250 KB of text, under the
/// size glibc maps afresh for each buffer (see `main.rs`).
const CHUNK: usize = 1024;

/// Threads putting findings into lines, at most.
const MAX_LANES: usize = 4;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::records::{MaybeTime, Shared, Table};
    use crate::lang::plan::Severity;
    use crate::run::findings::Status;

    /// Findings with every key present and absent, and texts that need
    /// escaping.
    fn findings() -> Vec<Finding> {
        const FIELD: &str = "recorded_at";
        const EVENT: &str = "victim_informed";
        let odd = [
            "INC-1",
            "quote \" and \\ back",
            "tab\tnew\nline\u{1}",
            "é ✓ 🚓",
            "",
        ];
        let times = [
            None,
            Some(Instant(0)),
            Some(Instant(1_700_000_123_456_789)),
            // Past year 9999: not four digits.
            Some(Instant(300_000_000_000_000_000)),
        ];
        let mut out = Vec::new();
        for n in 0..40usize {
            out.push(Finding {
                rule: Shared::new(["R1", "R\"2"][n % 2]),
                kind: Shared::new(["late", "missing", "in\\valid"][n % 3]),
                severity: [
                    Severity::Info,
                    Severity::Low,
                    Severity::Medium,
                    Severity::High,
                ][n % 4],
                incident_id: (n % 3 != 0).then(|| odd[n % odd.len()].into()),
                crime_id: (n % 4 != 1).then(|| odd[(n + 2) % odd.len()].into()),
                event: (n % 5 == 0).then_some(&EVENT),
                event_at: MaybeTime::from(times[n % 4]),
                field: (n % 6 == 1).then_some(&FIELD),
                due: MaybeTime::from(times[(n + 1) % 4]),
                at: MaybeTime::from(times[(n + 3) % 4]),
                message: Shared::new(["a message", "with \"quotes\" and ünïcode"][n % 2]),
                status: [None, Some(Status::New), Some(Status::Persisting)][n % 3],
                order: (Table::Crimes, n as u32, 0, 0),
            });
        }
        out
    }

    #[test]
    fn a_line_is_what_serde_json_writes_for_the_finding() {
        for f in findings() {
            let mut ours = Vec::new();
            line(&mut ours, &f).unwrap();
            let mut theirs = serde_json::to_vec(&f).unwrap();
            theirs.push(b'\n');
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap()
            );
        }
    }
}
