//! The nightly run: reading and evaluation together, so that memory grows
//! with the crimes held for the join, not with the size of the export.
//!
//! 1. The crimes and the updates are read whole, side by side, and grouped
//!    ([`IncidentIndex::build`], the joins).
//! 2. The incidents stream past: the reader thread splits the rows,
//!    evaluation threads convert them (JSON Lines: the reader thread); in
//!    file order each is checked for a duplicate id and finds its group of
//!    crimes, in one look-up ([`IncidentIndex`]). Each incident is judged
//!    with its crimes and their updates, then dropped.
//! 3. What no incident claimed (crimes whose incident is not in the
//!    export, updates whose crime is not) is judged last.
//!
//! Evaluators' results are merged and sorted ([`merge`]), so the output is
//! the same whatever the number of threads and however batches fall.

use crate::data::ingest::{
    ByteCounter, Drained, ExportPaths, InputError, InputSummary, Profile, ReadOnThreads, Readers,
    Reject, TableReader, drain, read_on_threads,
};
use crate::data::records::{Crime, Incident, Update};
use crate::data::time::{Clock, Instant};
use crate::lang::plan::Plan;
use crate::run::engine::{Claimed, Evaluator, Group, Partial, merge};
use crate::run::findings::Outcome;
use crate::run::incident_index::IncidentIndex;

/// More worker threads than this are not started, whatever is asked: each
/// has a stack and buffers for its batches, so memory grows with every
/// worker (BENCHMARKS.md), and a machine gains nothing from more workers
/// than cores.
pub const MAX_THREADS: usize = 256;

/// Crimes per share of the last stage (those no incident claimed), at
/// least: fewer are not worth a thread.
const UNLINKED_SHARE: usize = 8192;

/// What a run read and found.
pub struct Checked {
    pub outcome: Outcome,
    /// incidents, crimes, then updates if given.
    pub inputs: Vec<InputSummary>,
    /// In the order read: incidents, crimes, updates.
    pub rejects: Vec<Reject>,
    /// The records held for the joins.
    pub held: Held,
    /// The earliest `reported_at` of the incidents read (none read: `None`),
    /// to warn of an as-of time before the export begins.
    pub earliest_report: Option<Instant>,
}

/// The crimes and updates a run held for its joins, given back rather
/// than freed when the run ends: a process about to exit can leave them
/// to the system, which takes them back at once, where freeing them is a
/// walk over every record (BENCHMARKS.md).
pub struct Held {
    _crimes: Vec<Vec<Crime>>,
    _updates: Vec<Update>,
}

impl Checked {
    pub fn rows_read(&self) -> u64 {
        self.inputs.iter().map(|i| i.rows_read).sum()
    }
}

/// Reads an export and evaluates every rule of the plan over it, on
/// `threads` threads (at least one) beside the one that reads the files.
/// `hash_files`: whether the inputs' summaries carry each file's sha256
/// (only some reports show it).
pub fn check_export(
    plan: &Plan,
    paths: &ExportPaths,
    clock: &Clock,
    profile: &Profile,
    as_of: Instant,
    threads: usize,
    hash_files: bool,
) -> Result<Checked, InputError> {
    let reading = Reading {
        hash_files,
        max_record_bytes: crate::data::ingest::MAX_RECORD_BYTES,
        bytes_read: None,
    };
    check_export_with(plan, paths, clock, profile, as_of, threads, reading)
}

/// How the export's files are read.
#[derive(Clone, Debug)]
pub struct Reading {
    /// Whether the inputs' summaries carry each file's sha256.
    pub hash_files: bool,
    /// Records longer than this are rejected (`--max-record-bytes`).
    pub max_record_bytes: usize,
    /// Where the files' bytes are counted as they are read, for whoever
    /// shows progress.
    pub bytes_read: Option<ByteCounter>,
}

/// [`check_export`], with how the files are read spelt out.
pub fn check_export_with(
    plan: &Plan,
    paths: &ExportPaths,
    clock: &Clock,
    profile: &Profile,
    as_of: Instant,
    threads: usize,
    reading: Reading,
) -> Result<Checked, InputError> {
    let threads = threads.clamp(1, MAX_THREADS);
    let Readers {
        mut incidents,
        crimes,
        updates,
    } = open(paths, clock, profile, &reading)?;
    let CrimesAndUpdates {
        crimes: mut crimes_read,
        numbered,
        updates,
    } = read_held(crimes, updates, threads)?;
    // The crimes stay where their workers put them; the joins see them in
    // file order through references (a copy would double them for a while).
    let (numbers, kept): (Vec<_>, Vec<_>) =
        std::mem::take(&mut crimes_read.workers).into_iter().unzip();
    let crimes = in_order(numbers, &kept, numbered);
    let updates = updates.transpose()?;
    let update_records = updates.as_ref().map_or(&[][..], |u| &u.records[..]);
    // The crimes' duplicate check numbered them as they were kept: it is
    // the index by crime id the updates are joined through.
    let (joins, mut index) =
        IncidentIndex::build(crimes, update_records, &crimes_read.ids, &mut incidents);
    // Only the joins needed the crimes' ids; the incidents are read next.
    drop(std::mem::take(&mut crimes_read.ids));
    let rules = 0..plan.rules.len();
    let evaluator = || Evaluator::new(plan, rules.clone(), &joins, as_of, *clock);
    let streamed = stream_incidents(incidents, threads, &mut index, &evaluator)?;
    let mut partials = streamed.partials;
    partials.extend(judge_unclaimed(
        index.claimed(),
        threads,
        numbered,
        &evaluator,
    ));
    let outcome = merge(partials, threads);

    let mut inputs = vec![streamed.input, crimes_read.input];
    let mut rejects = streamed.rejects;
    rejects.extend(crimes_read.rejects);
    drop(joins);
    let updates = updates.map_or_else(Vec::new, |u| u.add_to(&mut inputs, &mut rejects));
    Ok(Checked {
        outcome,
        inputs,
        rejects,
        earliest_report: streamed.earliest_report,
        held: Held {
            _crimes: kept,
            _updates: updates,
        },
    })
}

/// Opens the export's files (every header read and checked), read as
/// `reading` says.
fn open(
    paths: &ExportPaths,
    clock: &Clock,
    profile: &Profile,
    reading: &Reading,
) -> Result<Readers, InputError> {
    let mut readers = Readers::open_limited(paths, clock, profile, reading.max_record_bytes)?;
    if !reading.hash_files {
        readers = readers.without_hashes();
    }
    if let Some(counter) = &reading.bytes_read {
        readers = readers.counting_bytes(counter);
    }
    Ok(readers)
}

/// The crimes and the updates, read whole for the joins.
struct CrimesAndUpdates {
    /// Each worker's crimes with their numbers in file order (a worker's
    /// own are in order).
    crimes: ReadOnThreads<(Vec<u32>, Vec<Crime>)>,
    /// How many crimes were kept.
    numbered: usize,
    updates: Option<Result<Drained<Update>, InputError>>,
}

/// Reads the crimes and the updates: the crimes are converted on the
/// evaluation threads while the updates are read beside them.
fn read_held(
    crimes: TableReader<Crime>,
    updates: Option<TableReader<Update>>,
    threads: usize,
) -> Result<CrimesAndUpdates, InputError> {
    let mut numbered = 0usize;
    let (crimes, updates) = std::thread::scope(|scope| {
        let updates = updates.map(|u| scope.spawn(|| drain(u)));
        let crimes = read_on_threads(
            crimes,
            threads,
            &mut numbered,
            |n: &mut usize, _, _| {
                *n += 1;
                *n - 1
            },
            <(Vec<u32>, Vec<Crime>)>::default,
            |(numbers, mine), crime: Crime, n: usize| {
                // Crimes are numbered in u32 throughout the joins.
                numbers.push(n as u32);
                mine.push(crime);
            },
        );
        let updates = updates.map(|u| {
            u.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (crimes, updates)
    });
    Ok(CrimesAndUpdates {
        crimes: crimes?,
        numbered,
        updates,
    })
}

/// What streaming the incidents gave.
struct Streamed {
    /// Each thread's results.
    partials: Vec<Partial>,
    input: InputSummary,
    rejects: Vec<Reject>,
    earliest_report: Option<Instant>,
}

/// The incidents stream past: each is numbered and finds its group of
/// crimes in file order, at the commit (see [`IncidentIndex`]), and is
/// judged on whichever thread converted it, then dropped.
fn stream_incidents<'j>(
    incidents: TableReader<Incident>,
    threads: usize,
    index: &mut IncidentIndex,
    evaluator: &(impl Fn() -> Evaluator<'j> + Sync),
) -> Result<Streamed, InputError> {
    let mut committed = (index, 0usize, None::<Instant>);
    let read = read_on_threads(
        incidents,
        threads,
        &mut committed,
        |(index, n, earliest): &mut (&mut IncidentIndex, usize, Option<Instant>),
         incident: &Incident,
         seeded: Option<u32>| {
            if earliest.is_none_or(|e| incident.reported_at < e) {
                *earliest = Some(incident.reported_at);
            }
            *n += 1;
            (*n - 1, index.group_of(seeded))
        },
        evaluator,
        |ev: &mut Evaluator, incident: Incident, (n, group): (usize, Option<Group>)| {
            ev.incident(n, &incident, group);
        },
    )?;
    // The incidents' ids served the duplicate check and nothing after.
    drop(read.ids);
    Ok(Streamed {
        partials: read.workers.into_iter().map(Evaluator::finish).collect(),
        input: read.input,
        rejects: read.rejects,
        earliest_report: committed.2,
    })
}

/// What no incident claimed (crimes whose incident is not in the export,
/// updates whose crime is not), judged last, shared between the threads:
/// each share's results.
fn judge_unclaimed<'j>(
    claimed: &Claimed,
    threads: usize,
    crimes: usize,
    evaluator: &(impl Fn() -> Evaluator<'j> + Sync),
) -> Vec<Partial> {
    let shares = threads.min(1 + crimes / UNLINKED_SHARE);
    let share = |k| {
        let mut ev = evaluator();
        ev.unlinked(claimed, k, shares);
        ev.finish()
    };
    std::thread::scope(|scope| {
        let others: Vec<_> = (1..shares).map(|k| scope.spawn(move || share(k))).collect();
        let mut partials = vec![share(0)];
        partials.extend(others.into_iter().map(|h| {
            h.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        }));
        partials
    })
}

/// Warns on stderr of a run that is probably not what was meant: no rules
/// to check, or an as-of time before the first report in the export (every
/// deadline then lies after it: nothing can be late or missing).
pub fn warn_if_probably_wrong(rules: usize, as_of: Instant, earliest: Option<Instant>) {
    use std::io::Write;
    let mut err = std::io::stderr();
    if rules == 0 {
        let _ = writeln!(
            err,
            "warning: the rule set has no rules: nothing is checked (is --rules the right path?)"
        );
    }
    if let Some(earliest) = earliest
        && as_of < earliest
    {
        let _ = writeln!(
            err,
            "warning: --as-of {} is before the earliest report in the export ({}): every deadline not met is still pending, none missing",
            as_of.format_utc(),
            earliest.format_utc()
        );
    }
}

/// The records the workers kept, by the numbers of their commits, in
/// that order (the numbers are freed). Each worker's are in order already
/// (a worker commits batches in file order), so this merges runs.
fn in_order<T>(numbers: Vec<Vec<u32>>, parts: &[Vec<T>], total: usize) -> Vec<&T> {
    let mut out = Vec::with_capacity(total);
    let mut parts: Vec<_> = numbers
        .into_iter()
        .zip(parts)
        .map(|(numbers, records)| numbers.into_iter().zip(records).peekable())
        .collect();
    loop {
        let next = parts
            .iter_mut()
            .filter_map(|p| Some((p.peek()?.0, p)))
            .min_by_key(|(n, _)| *n);
        let Some((_, part)) = next else { break };
        if let Some((_, record)) = part.next() {
            out.push(record);
        }
    }
    out
}
