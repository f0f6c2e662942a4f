//! One table read on several threads. The reader thread only splits the
//! file into rows (CSV parsing, line numbers, the file hash); batches of
//! raw rows are converted to records on worker threads, then committed in
//! file order — the duplicate check and whatever the caller keeps — so
//! that the result is exactly that of reading row by row. After its
//! commit, a worker goes on to the caller's work on the batch (evaluating
//! it) outside the lock.
//!
//! JSON Lines tables are converted on the reader thread (each line is
//! decoded into reused slots there); only the work after the commit is
//! shared out.

use super::columns::{ColumnMap, Names};
use super::csv_split::Record;
use super::intern::Codes;
use super::row::{Cells, Row};
use super::{FromRow, Ids, InputError, InputSummary, Reject, Rows, TableReader, Unique};
use crate::data::records::Line;
use crate::data::time::Clock;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// Rows handed to a worker at a time.
const BATCH: usize = 1024;

/// Batches the reader may be ahead of the workers, at most.
const MAX_WAITING: usize = 16;

/// A row as split from the file: its line, its fields (the buffer is
/// reused for another row once the batch comes back), and whether it can
/// be read.
type RawRow = (Line, Record, Result<(), String>);

enum Job<T> {
    /// Raw rows, numbered in file order, to convert and commit.
    Raw(u64, Vec<RawRow>),
    /// Rows already converted (JSON Lines), numbered in file order.
    Converted(u64, Vec<Result<T, (Line, String)>>),
}

/// A converted row, ready for its commit: the record with its id's hash,
/// or why it is rejected.
type Ready<T> = Result<(T, u64), (Line, String)>;

/// A batch committed: its rows, and what was decided for each (`None`:
/// rejected).
type Committed<T, X> = (Vec<Ready<T>>, Vec<Option<X>>);

/// The state of the in-order commit.
struct Commit<'s, S, T> {
    /// The number of the next batch to commit.
    next: u64,
    /// Converted batches that came before their turn. Nobody waits: a
    /// worker leaves its batch here and goes on; whoever commits the batch
    /// before it commits it too.
    pending: BTreeMap<u64, Vec<Ready<T>>>,
    unique: &'s mut Unique,
    rejects: Vec<Reject>,
    state: &'s mut S,
}

/// What [`read_on_threads`] read.
pub struct ReadOnThreads<W> {
    /// The workers' own states.
    pub workers: Vec<W>,
    pub input: InputSummary,
    /// In file order.
    pub rejects: Vec<Reject>,
    /// The ids of the records kept, numbered in the order they were
    /// committed (for crimes: their index).
    pub ids: Ids,
}

/// Reads `reader`'s table to the end on `threads` workers beside this
/// thread. Each record is passed to `commit` with the state, in file
/// order, with the number of its id if the id was seeded (see
/// [`TableReader::seed_with`]) and this is its first row; the record and
/// what `commit` returned are then passed to `work`, on the worker's own
/// state (made by `worker`): in file order within a batch, batches in no
/// particular order.
pub fn read_on_threads<T, S, X, W>(
    mut reader: TableReader<T>,
    threads: usize,
    state: &mut S,
    commit: impl Fn(&mut S, &T, Option<u32>) -> X + Sync,
    worker: impl Fn() -> W + Sync,
    work: impl Fn(&mut W, T, X) + Sync,
) -> Result<ReadOnThreads<W>, InputError>
where
    T: FromRow + Send,
    S: Send,
    X: Send,
    W: Send,
{
    let threads = threads.max(1);
    let mut unique = std::mem::take(&mut reader.unique);
    // Batches waiting for a worker: enough to keep every worker busy, but
    // bounded whatever the number of workers, as memory is.
    let waiting = (threads * 2).min(MAX_WAITING);
    let (jobs, queue) = sync_channel::<Job<T>>(waiting);
    let (recycle, spare) = sync_channel::<Vec<RawRow>>(waiting * 2);
    let shared = Shared {
        queue: Mutex::new(queue),
        lock: Mutex::new(Commit {
            next: 0,
            pending: BTreeMap::new(),
            unique: &mut unique,
            rejects: Vec::new(),
            state,
        }),
        layout: match &reader.rows {
            Rows::Csv(rows) => Some(rows.layout()),
            Rows::Jsonl(_) => None,
        },
        clock: reader.clock,
        path: reader.path.clone(),
        commit,
    };
    let (workers, failed) = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (shared, worker, work) = (&shared, &worker, &work);
                let recycle = recycle.clone();
                scope.spawn(move || shared.work_on_batches(worker(), work, &recycle))
            })
            .collect();
        drop(recycle);
        let failed = split(&mut reader, jobs, &spare).err();
        let workers: Vec<W> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect();
        (workers, failed)
    });
    if let Some(e) = failed {
        return Err(e);
    }
    let rejects = shared
        .lock
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .rejects;
    reader.rejected += rejects.len() as u64;
    let ids = Ids::from(unique);
    Ok(ReadOnThreads {
        workers,
        input: reader.finish()?,
        rejects,
        ids,
    })
}

/// What every worker of [`read_on_threads`] shares.
struct Shared<'s, S, T, C> {
    /// Jobs from the reader thread.
    queue: Mutex<Receiver<Job<T>>>,
    lock: Mutex<Commit<'s, S, T>>,
    /// A CSV file's column map and names (`None`: JSON Lines).
    layout: Option<(ColumnMap, Names)>,
    clock: Clock,
    path: String,
    /// The caller's step at the commit.
    commit: C,
}

impl<S, T: FromRow, C> Shared<'_, S, T, C> {
    /// A worker: converts each batch it is given, commits whatever batches
    /// are due, and does the caller's `work` on their records, on its own
    /// state `mine`, until the reader is done.
    fn work_on_batches<X, W>(
        &self,
        mut mine: W,
        work: &impl Fn(&mut W, T, X),
        recycle: &SyncSender<Vec<RawRow>>,
    ) -> W
    where
        C: Fn(&mut S, &T, Option<u32>) -> X,
    {
        let mut codes = Codes::new();
        // A record is moved as little as it can be: it is converted in
        // place in `ready`, and handed to `work` from there.
        let mut ready: Vec<Ready<T>> = Vec::with_capacity(BATCH);
        while let Some(job) = next_job(&self.queue) {
            let seq = self.convert(job, &mut codes, &mut ready, recycle);
            for (mut batch, decided) in self.commit_due(seq, &mut ready) {
                for (row, x) in batch.drain(..).zip(decided) {
                    if let (Ok((t, _)), Some(x)) = (row, x) {
                        work(&mut mine, t, x);
                    }
                }
                if ready.capacity() == 0 {
                    ready = batch;
                }
            }
        }
        mine
    }

    /// Converts a job's rows into `ready`, each with its id's hash (worked
    /// out here, outside the lock): the job's number.
    fn convert(
        &self,
        job: Job<T>,
        codes: &mut Codes,
        ready: &mut Vec<Ready<T>>,
        recycle: &SyncSender<Vec<RawRow>>,
    ) -> u64 {
        match job {
            Job::Raw(seq, rows) => {
                let (map, names) = self.layout.as_ref().expect("raw rows only come from CSV");
                let read = Read {
                    map,
                    names,
                    clock: &self.clock,
                };
                ready.extend(rows.iter().map(|(line, record, raw)| {
                    hashed(read.convert::<T>(*line, record, raw, codes))
                }));
                // Back to the reader with its buffers, to be filled again
                // without allocating.
                let _ = recycle.try_send(rows);
                seq
            }
            Job::Converted(seq, rows) => {
                ready.extend(rows.into_iter().map(hashed));
                seq
            }
        }
    }

    /// Leaves batch `seq` (taken from `ready`) for its turn, then commits
    /// every batch whose turn has come, in file order: each with what was
    /// decided for its rows (`None`: rejected). In the lock only the
    /// decisions are made; records are moved after it.
    fn commit_due<X>(&self, seq: u64, ready: &mut Vec<Ready<T>>) -> Vec<Committed<T, X>>
    where
        C: Fn(&mut S, &T, Option<u32>) -> X,
    {
        let mut committed = Vec::new();
        let mut c = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let c = &mut *c;
        c.pending.insert(seq, std::mem::take(ready));
        while let Some(batch) = c.pending.remove(&c.next) {
            let decided: Vec<Option<X>> = batch
                .iter()
                .map(|row| c.decide(row, &self.path, &self.commit))
                .collect();
            c.next += 1;
            committed.push((batch, decided));
        }
        committed
    }
}

impl<S, T: FromRow> Commit<'_, S, T> {
    /// One row at its commit: its id checked for a duplicate, then the
    /// caller's step; or its reject recorded (`None`).
    fn decide<X>(
        &mut self,
        row: &Ready<T>,
        path: &str,
        commit: &impl Fn(&mut S, &T, Option<u32>) -> X,
    ) -> Option<X> {
        let kept = match row {
            Ok((t, hash)) => self
                .unique
                .check_hashed(t, *hash)
                .map(|seeded| commit(self.state, t, seeded)),
            Err((line, reason)) => Err((*line, reason.clone())),
        };
        kept.map_err(|(line, reason)| {
            self.rejects.push(Reject {
                file: path.to_string(),
                line,
                reason,
            })
        })
        .ok()
    }
}

/// A converted row with its id's hash.
fn hashed<T: FromRow>(row: Result<T, (Line, String)>) -> Ready<T> {
    row.map(|t| {
        let hash = Unique::hash_of(&t);
        (t, hash)
    })
}

fn next_job<T>(queue: &Mutex<Receiver<Job<T>>>) -> Option<Job<T>> {
    // The lock is held only while waiting for the next job.
    queue.lock().ok()?.recv().ok()
}

/// The reader thread: splits the file into batches of rows (or, for JSON
/// Lines, of converted records) and queues them.
fn split<T: FromRow>(
    reader: &mut TableReader<T>,
    jobs: SyncSender<Job<T>>,
    spare: &Receiver<Vec<RawRow>>,
) -> Result<(), InputError> {
    let mut seq = 0;
    if let Rows::Csv(rows) = &mut reader.rows {
        loop {
            let mut batch = spare.try_recv().unwrap_or_default();
            let mut filled = 0;
            while filled < BATCH {
                if batch.len() == filled {
                    batch.push((0, Record::default(), Ok(())));
                }
                let slot = &mut batch[filled];
                match rows.next_owned(&mut slot.1) {
                    Ok(Some((line, raw))) => {
                        slot.0 = line;
                        slot.2 = raw;
                        filled += 1;
                    }
                    Ok(None) => break,
                    Err(e) => {
                        reader.done = true;
                        return Err(InputError::Unreadable {
                            path: reader.path.clone(),
                            cause: super::io_cause(&e),
                        });
                    }
                }
            }
            batch.truncate(filled);
            reader.rows_read += filled as u64;
            let last = filled < BATCH;
            if filled > 0 && jobs.send(Job::Raw(seq, batch)).is_err() {
                break;
            }
            seq += 1;
            if last {
                break;
            }
        }
        reader.done = true;
        return Ok(());
    }
    // JSON Lines: converted here, in order; duplicates are still judged at
    // the commit.
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(row) = reader.next_unchecked() {
        batch.push(row?);
        if batch.len() == BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            if jobs.send(Job::Converted(seq, full)).is_err() {
                return Ok(());
            }
            seq += 1;
        }
    }
    if !batch.is_empty() {
        let _ = jobs.send(Job::Converted(seq, batch));
    }
    Ok(())
}

/// What a worker needs to read a raw CSV row.
struct Read<'a> {
    map: &'a ColumnMap,
    names: &'a Names,
    clock: &'a Clock,
}

impl Read<'_> {
    /// The row as a record, or why it is rejected. The row is checked to
    /// be UTF-8 as a whole, once (see [`Cells::of_record`]).
    fn convert<T: FromRow>(
        &self,
        line: Line,
        record: &Record,
        raw: &Result<(), String>,
        codes: &mut Codes,
    ) -> Result<T, (Line, String)> {
        if let Err(reason) = raw {
            return Err((line, reason.clone()));
        }
        self.read_row(line, Cells::of_record(record, self.map), codes)
    }

    fn read_row<T: FromRow>(
        &self,
        line: Line,
        cells: Cells<'_>,
        codes: &mut Codes,
    ) -> Result<T, (Line, String)> {
        let row = Row {
            line,
            cells,
            profile: self.names.profile.as_deref(),
        };
        T::read_row(&row, self.clock, codes).map_err(|reason| (line, reason))
    }
}
