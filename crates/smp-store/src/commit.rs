//! Commit handles: a change is applied in memory at once and becomes durable later.
//!
//! The durable store numbers every log record. Its writer thread publishes the number of
//! the last record that reached the disk; a [`Commit`] waits for its own number.

use std::sync::Arc;

use parking_lot::{Condvar, Mutex};
use tokio::sync::watch;

use crate::error::{Result, StoreError};

/// How far the log has been made durable.
#[derive(Clone, Debug, Default)]
pub(crate) struct Progress {
    /// Sequence number of the last durable record.
    pub durable: u64,
    /// Set once the writer failed or stopped: no further record becomes durable.
    pub failure: Option<Arc<str>>,
    /// Finished compaction attempts (for [`crate::DurableStore::compact`]).
    pub compactions: u64,
    /// Why the last compaction attempt failed, if it did.
    pub compact_error: Option<Arc<str>>,
}

/// Where the writer thread publishes [`Progress`], for async and blocking waiters.
pub(crate) struct CommitSignal {
    state: Mutex<Progress>,
    cond: Condvar,
    watch: watch::Sender<Progress>,
}

impl CommitSignal {
    pub(crate) fn new(durable: u64) -> Self {
        let p = Progress {
            durable,
            ..Progress::default()
        };
        CommitSignal {
            state: Mutex::new(p.clone()),
            cond: Condvar::new(),
            watch: watch::Sender::new(p),
        }
    }

    /// Applies `f` to the progress and wakes every waiter.
    pub(crate) fn update(&self, f: impl FnOnce(&mut Progress)) {
        let snapshot = {
            let mut p = self.state.lock();
            f(&mut p);
            p.clone()
        };
        self.cond.notify_all();
        self.watch.send_replace(snapshot);
    }

    /// Marks the records up to `seq` durable.
    pub(crate) fn durable(&self, seq: u64) {
        self.update(|p| p.durable = p.durable.max(seq));
    }

    /// Records a failure (the first one wins).
    pub(crate) fn fail(&self, why: &str) {
        self.update(|p| {
            if p.failure.is_none() {
                p.failure = Some(Arc::from(why));
            }
        });
    }

    pub(crate) fn current(&self) -> Progress {
        self.state.lock().clone()
    }

    /// Blocks until `done(progress)` holds or a failure is recorded; returns the progress.
    pub(crate) fn wait_blocking(&self, done: impl Fn(&Progress) -> bool) -> Progress {
        let mut p = self.state.lock();
        while !done(&p) && p.failure.is_none() {
            self.cond.wait(&mut p);
        }
        p.clone()
    }

    async fn wait_seq(&self, seq: u64) -> Result<()> {
        let mut rx = self.watch.subscribe();
        match rx
            .wait_for(|p| p.durable >= seq || p.failure.is_some())
            .await
        {
            Ok(p) => outcome(&p, seq),
            Err(_) => Err(StoreError::Failed("store closed".into())),
        }
    }
}

fn outcome(p: &Progress, seq: u64) -> Result<()> {
    if p.durable >= seq {
        Ok(())
    } else {
        let why = p.failure.as_deref().unwrap_or("store closed");
        Err(StoreError::Failed(why.to_owned()))
    }
}

#[derive(Clone)]
enum Ticket {
    Done,
    Pending { seq: u64, signal: Arc<CommitSignal> },
}

/// The result of a change, together with the promise that it will be durable.
///
/// The change is already visible to readers. Call [`Commit::wait`] (async) or
/// [`Commit::wait_blocking`] before telling a client it was stored.
#[must_use = "a change is durable only once its Commit has been waited for"]
pub struct Commit<T = ()> {
    value: T,
    ticket: Ticket,
}

impl<T> Commit<T> {
    /// A change that needs no waiting (memory store, `Durability::None`, nothing written).
    pub fn done(value: T) -> Self {
        Commit {
            value,
            ticket: Ticket::Done,
        }
    }

    pub(crate) fn pending(value: T, seq: u64, signal: Arc<CommitSignal>) -> Self {
        Commit {
            value,
            ticket: Ticket::Pending { seq, signal },
        }
    }

    /// The change's result, readable before it is durable.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// Whether the change is known to be durable already (no waiting needed).
    pub fn is_durable(&self) -> bool {
        match &self.ticket {
            Ticket::Done => true,
            Ticket::Pending { seq, signal } => signal.current().durable >= *seq,
        }
    }

    /// The change's position in the store's commit order (0 when already done). Changes
    /// become durable in this order.
    pub fn seq(&self) -> u64 {
        match &self.ticket {
            Ticket::Done => 0,
            Ticket::Pending { seq, .. } => *seq,
        }
    }

    /// Maps the result, keeping the durability promise.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Commit<U> {
        Commit {
            value: f(self.value),
            ticket: self.ticket,
        }
    }

    /// Waits without blocking a thread until the change is durable, then returns its result.
    pub async fn wait(self) -> Result<T> {
        match self.ticket {
            Ticket::Done => Ok(self.value),
            Ticket::Pending { seq, signal } => {
                let now = signal.current();
                if now.durable >= seq {
                    return Ok(self.value);
                }
                signal.wait_seq(seq).await.map(|()| self.value)
            }
        }
    }

    /// Blocks the calling thread until the change is durable, then returns its result.
    pub fn wait_blocking(self) -> Result<T> {
        match self.ticket {
            Ticket::Done => Ok(self.value),
            Ticket::Pending { seq, signal } => {
                let p = signal.wait_blocking(|p| p.durable >= seq);
                outcome(&p, seq).map(|()| self.value)
            }
        }
    }
}

impl<T: Clone> Clone for Commit<T> {
    /// Another handle on the same promise (waiting on either waits for the same change).
    fn clone(&self) -> Self {
        Commit {
            value: self.value.clone(),
            ticket: self.ticket.clone(),
        }
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Commit<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Commit")
            .field("value", &self.value)
            .field("durable", &self.is_durable())
            .finish()
    }
}
