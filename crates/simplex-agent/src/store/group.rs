//! Group commit: transactions submitted from async code ([`Store::grouped`]) that arrive
//! while another group is being written run one after another inside one SQLite
//! transaction, each in its own savepoint, and are committed together: one commit (one
//! `fsync` of the WAL) for all of them.
//!
//! Each caller still gets the all-or-nothing behaviour of [`Store::transaction`]: a
//! closure that returns `Err` (or panics) is rolled back to its savepoint without touching
//! the others, and nobody is answered before the commit is on disk. If the commit itself
//! fails, every closure of the group gets an error (none of their changes were kept).
//! Closures run in submission order, so a later one sees the changes of earlier ones, as
//! with separate transactions.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::oneshot;

use super::error::{Result, StoreError};
use super::{Store, Tx};
use crate::config::Clock;

/// Most transactions committed together (bounds the latency of the first one).
const MAX_GROUP: usize = 256;

/// What a finished closure needs after the commit: the commit's outcome.
type Finish = Box<dyn FnOnce(Result<()>) + Send>;

/// A submitted closure: runs in the shared transaction, says whether it succeeded (keep
/// its savepoint) and returns how to answer its caller. Called with `None` when it cannot
/// run (the transaction failed first): its answer is then the group's error.
type Job = Box<dyn FnOnce(Option<&Tx<'_>>) -> (bool, Finish) + Send>;

/// Closures waiting for the next group, whether a runner is on its way, and counts.
#[derive(Default)]
pub(super) struct Pending {
    jobs: VecDeque<Job>,
    runner: bool,
    stats: GroupStats,
}

/// Counts of [`Store::grouped`] transactions since the store was opened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupStats {
    /// Transactions submitted.
    pub submitted: u64,
    /// Transactions waiting for a group now.
    pub queued: u64,
    /// Groups run (each one SQLite transaction, one commit when it succeeds).
    pub groups: u64,
    /// Time spent running the closures of groups, µs.
    pub run_us: u64,
    /// Time spent committing groups (writing the WAL and syncing it), µs.
    pub commit_us: u64,
}

impl Store {
    /// Runs `f` in a transaction like [`Store::transaction`], from async code: the closure
    /// runs on tokio's blocking pool, grouped with the transactions of other tasks that
    /// are waiting at the same time, and the result comes once their common commit is
    /// durable. `f` is rolled back alone when it returns `Err` or panics (a panic gives
    /// [`StoreError::Grouped`]).
    pub async fn grouped<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Tx<'_>) -> Result<T, E> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T, E>>();
        let job: Job = Box::new(move |tx: Option<&Tx<'_>>| match tx.map(f) {
            None => {
                let finish: Finish = Box::new(move |committed: Result<()>| {
                    let e = committed.err().unwrap_or_else(|| not_run("no transaction"));
                    let _ = reply.send(Err(E::from(e)));
                });
                (false, finish)
            }
            Some(Ok(value)) => {
                let finish: Finish = Box::new(move |committed: Result<()>| {
                    let _ = reply.send(committed.map(|()| value).map_err(E::from));
                });
                (true, finish)
            }
            Some(Err(e)) => {
                let finish: Finish = Box::new(move |_: Result<()>| {
                    let _ = reply.send(Err(e));
                });
                (false, finish)
            }
        });
        self.submit(job);
        match answer.await {
            Ok(r) => r,
            Err(_) => Err(E::from(not_run(
                "the transaction panicked and was rolled back",
            ))),
        }
    }

    /// Counts of grouped transactions so far (how many shared a commit).
    pub fn group_stats(&self) -> GroupStats {
        let p = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        GroupStats {
            queued: p.jobs.len() as u64,
            ..p.stats
        }
    }

    /// Queues a job and makes sure a runner will take it.
    fn submit(&self, job: Job) {
        let start = {
            let mut p = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            p.jobs.push_back(job);
            p.stats.submitted += 1;
            !std::mem::replace(&mut p.runner, true)
        };
        if start {
            let store = self.clone();
            // The runner's own handle is not kept: the answers come through the jobs.
            drop(tokio::task::spawn_blocking(move || store.run_groups()));
        }
    }

    /// Runs queued jobs in groups until none are left. The connection is taken first,
    /// so everything queued while it was busy goes into the next group.
    fn run_groups(&self) {
        loop {
            let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
            let group: Vec<Job> = {
                let mut p = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
                if p.jobs.is_empty() {
                    p.runner = false;
                    return;
                }
                let n = p.jobs.len().min(MAX_GROUP);
                p.stats.groups += 1;
                p.jobs.drain(..n).collect()
            };
            let (run, commit) = run_group(&mut conn, &self.clock, group);
            drop(conn);
            let mut p = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            p.stats.run_us += micros(run);
            p.stats.commit_us += micros(commit);
        }
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// Runs one group in one transaction and answers every job. Returns the time the jobs
/// took and the time the commit took.
fn run_group(conn: &mut Connection, clock: &Clock, group: Vec<Job>) -> (Duration, Duration) {
    let started = Instant::now();
    let single = group.len() == 1;
    let mut finishes: Vec<Finish> = Vec::with_capacity(group.len());
    let tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => {
            let why = StoreError::from(e).to_string();
            for job in group {
                let (_, finish) = job(None);
                finish(Err(not_run(&why)));
            }
            return (started.elapsed(), Duration::ZERO);
        }
    };
    let mut broken: Option<String> = None;
    let mut all_ok = true;
    for job in group {
        if broken.is_none()
            && !single
            && let Err(e) = savepoint(&tx, "SAVEPOINT grouped")
        {
            broken = Some(e.to_string());
        }
        if broken.is_some() {
            // the transaction is unusable: the rest are not run
            finishes.push(job(None).1);
            continue;
        }
        let wrapped = Tx { conn: &tx, clock };
        let ran = catch_unwind(AssertUnwindSafe(|| job(Some(&wrapped))));
        let ok = matches!(&ran, Ok((true, _)));
        all_ok &= ok;
        if tx.is_autocommit() {
            // SQLite rolled the whole transaction back (e.g. disk full)
            broken = Some("the database rolled the transaction back".to_owned());
        } else if !single {
            let sql = if ok {
                "RELEASE grouped"
            } else {
                "ROLLBACK TO grouped; RELEASE grouped"
            };
            if let Err(e) = tx.execute_batch(sql) {
                broken = Some(e.to_string());
            }
        }
        // a panicking job dropped its answer channel: its caller is told so
        if let Ok((_, finish)) = ran {
            finishes.push(finish);
        }
    }
    let ran = started.elapsed();
    let committed: Result<()> = match broken {
        Some(why) => Err(not_run(&why)),
        None if single && !all_ok => tx.rollback().map_err(StoreError::from),
        None => tx.commit().map_err(StoreError::from),
    };
    let why = committed.err().map(|e| e.to_string());
    for finish in finishes {
        finish(match &why {
            None => Ok(()),
            Some(w) => Err(not_run(w)),
        });
    }
    let total = started.elapsed();
    (ran, total.saturating_sub(ran))
}

/// The error of a grouped transaction that did not commit.
fn not_run(why: &str) -> StoreError {
    StoreError::Grouped(why.to_owned())
}

fn savepoint(conn: &Connection, sql: &str) -> Result<()> {
    conn.prepare_cached(sql)?.execute([])?;
    Ok(())
}

impl Pending {
    /// An empty queue with no runner.
    pub(super) fn new() -> Mutex<Pending> {
        Mutex::new(Pending::default())
    }
}
