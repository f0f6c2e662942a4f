//! The nightly run: reading and evaluation together, so that memory grows
//! with the crimes held for the join, not with the size of the export.
//!
//! 1. The crimes and the updates are read whole, side by side, and grouped
//!    ([`Joins`]).
//! 2. The incidents stream past: the reader thread converts each row,
//!    rejects duplicates, looks up the incident's group of crimes, and
//!    hands batches to evaluation threads. Each incident is judged with its
//!    crimes and their updates, then dropped.
//! 3. What no incident claimed (crimes whose incident is not in the
//!    export, updates whose crime is not) is judged last.
//!
//! Evaluators' results are merged and sorted ([`merge`]), so the output is
//! the same whatever the number of threads and however batches fall.

use crate::data::ingest::{
    ExportPaths, InputError, InputSummary, Profile, ReadOnThreads, Readers, Reject, drain,
    read_on_threads,
};
use crate::data::records::{Crime, Incident, Update};
use crate::data::time::{Clock, Instant};
use crate::lang::plan::Plan;
use crate::run::engine::{Claimed, Evaluator, Group, Joins, Partial, merge};
use crate::run::findings::Outcome;

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
    };
    check_export_with(plan, paths, clock, profile, as_of, threads, reading)
}

/// How the export's files are read.
#[derive(Clone, Copy, Debug)]
pub struct Reading {
    /// Whether the inputs' summaries carry each file's sha256.
    pub hash_files: bool,
    /// Records longer than this are rejected (`--max-record-bytes`).
    pub max_record_bytes: usize,
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
    let mut readers = Readers::open_limited(paths, clock, profile, reading.max_record_bytes)?;
    if !reading.hash_files {
        readers = readers.without_hashes();
    }
    // The crimes are converted on the evaluation threads while the updates
    // are read beside them.
    let mut numbered = 0usize;
    let (crimes_read, updates) = std::thread::scope(|scope| {
        let updates = readers.updates.map(|u| scope.spawn(|| drain(u)));
        let crimes_read = read_on_threads(
            readers.crimes,
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
        (crimes_read, updates)
    });
    let mut crimes_read = crimes_read?;
    // The crimes stay where their workers put them; the joins see them in
    // file order through references (a copy would double them for a while).
    let (numbers, kept): (Vec<_>, Vec<_>) =
        std::mem::take(&mut crimes_read.workers).into_iter().unzip();
    let crimes = in_order(numbers, &kept, numbered);
    let updates = updates.transpose()?;
    let update_records = updates.as_ref().map_or(&[][..], |u| &u.records[..]);
    // The crimes' duplicate check numbered them as they were kept: it is
    // the index by crime id the updates are joined through. The groups'
    // incident ids are seeded into the incidents' duplicate check as the
    // crimes are grouped, in group order, so that later one look-up finds
    // both whether an incident id was read before and its group.
    let mut incidents = readers.incidents;
    let joins = incidents.seed_with(crimes.len(), |number| {
        Joins::new(crimes, update_records, &crimes_read.ids, number)
    });
    // Only the join needed the crimes' ids; the incidents are read next.
    drop(std::mem::take(&mut crimes_read.ids));
    let rules = 0..plan.rules.len();
    let evaluator = || Evaluator::new(plan, rules.clone(), &joins, as_of, *clock);

    // Each incident is numbered and finds its crimes in file order, at the
    // commit (one look-up in the seeded duplicate check). It is judged on
    // whichever thread converted it.
    let mut claimed = (Claimed::new(&joins), 0usize, None::<Instant>);
    let incidents_read = read_on_threads(
        incidents,
        threads,
        &mut claimed,
        |(claimed, n, earliest): &mut (Claimed, usize, Option<Instant>),
         incident: &Incident,
         group: Option<Group>| {
            let group = group.filter(|&g| claimed.claim_group(g));
            if earliest.is_none_or(|e| incident.reported_at < e) {
                *earliest = Some(incident.reported_at);
            }
            *n += 1;
            (*n - 1, group)
        },
        evaluator,
        |ev: &mut Evaluator, incident: Incident, (n, group): (usize, Option<Group>)| {
            ev.incident(n, &incident, group);
        },
    )?;
    let ReadOnThreads {
        workers,
        input: incidents_input,
        rejects: mut incident_rejects,
        ids,
    } = incidents_read;
    // The incidents' ids served the duplicate check and nothing after.
    drop(ids);
    let mut partials: Vec<Partial> = workers.into_iter().map(Evaluator::finish).collect();
    // What no incident claimed is judged last, shared between the threads.
    let earliest_report = claimed.2;
    let claimed = &claimed.0;
    let shares = threads.min(1 + numbered / UNLINKED_SHARE);
    let last = |share| {
        let mut ev = evaluator();
        ev.unlinked(claimed, share, shares);
        ev.finish()
    };
    std::thread::scope(|scope| {
        let others: Vec<_> = (1..shares).map(|k| scope.spawn(move || last(k))).collect();
        partials.push(last(0));
        partials.extend(others.into_iter().map(|h| {
            h.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        }));
    });
    let outcome = merge(partials, threads);

    let mut inputs = vec![incidents_input, crimes_read.input];
    incident_rejects.extend(crimes_read.rejects);
    let mut rejects = incident_rejects;
    drop(joins);
    let updates = updates.map_or_else(Vec::new, |u| u.add_to(&mut inputs, &mut rejects));
    Ok(Checked {
        outcome,
        inputs,
        rejects,
        earliest_report,
        held: Held {
            _crimes: kept,
            _updates: updates,
        },
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
