//! `--format jsonl`: one finding per line, in the SPEC §4 order.

use super::Report;
use crate::findings::Finding;
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
/// and handed over in large pieces: serde writes a line in many small
/// pieces, each through the writer.
fn lines(chunk: &[Finding]) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(chunk.len() * 256);
    for f in chunk {
        serde_json::to_writer(&mut buf, f)?;
        buf.push(b'\n');
    }
    Ok(buf)
}

/// Findings put into lines at a time: about 250 KB of text, under the
/// size glibc maps afresh for each buffer (see `main.rs`).
const CHUNK: usize = 1024;

/// Threads putting findings into lines, at most.
const MAX_LANES: usize = 4;
