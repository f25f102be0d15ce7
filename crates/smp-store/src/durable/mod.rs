//! The embedded durable backend: in-memory state plus an append-only log in one directory.

mod compact;
mod files;
mod load;
mod writer;

#[cfg(test)]
mod tests;

use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use parking_lot::{Condvar, Mutex, RwLock};

pub use load::LoadInfo;

use crate::commit::{Commit, CommitSignal};
use crate::error::{Result, StoreError};
use crate::ops::Tx;
use crate::state::State;
use crate::traits::impl_store_traits;

/// When a change counts as stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Durability {
    /// After its record is on disk (`fdatasync`, shared by all changes of a batch).
    #[default]
    Fsync,
    /// After its record is handed to the OS (survives a process crash, not a power loss).
    Os,
    /// At once; records are written in the background.
    None,
}

/// Settings of a [`DurableStore`].
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// Directory holding the store's files (created if missing).
    pub dir: PathBuf,
    /// When changes count as stored.
    pub durability: Durability,
    /// Default queue quota for the server to pass to `write_msg` (the reference's 128).
    pub quota: usize,
    /// The log is compacted only once it is at least this long.
    pub compact_min_log_bytes: u64,
    /// ... and at least this many times the estimated size of the live state.
    pub compact_ratio: u64,
    /// Compact once when opening (as the reference relay does with its store log).
    pub compact_on_open: bool,
}

impl StoreConfig {
    /// Defaults: `Fsync`, quota 128, compaction past 64 MiB and twice the live state.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        StoreConfig {
            dir: dir.into(),
            durability: Durability::Fsync,
            quota: 128,
            compact_min_log_bytes: 64 << 20,
            compact_ratio: 2,
            compact_on_open: false,
        }
    }
}

/// Records waiting for the writer thread.
#[derive(Default)]
pub(crate) struct Pending {
    pub buf: Vec<u8>,
    /// Sequence number of the last record appended to `buf`.
    pub last_seq: u64,
    pub shutdown: bool,
    pub compact_requested: bool,
}

/// What the store handle and the writer thread share.
pub(crate) struct Inner {
    pub state: RwLock<State>,
    pub pending: Mutex<Pending>,
    pub wake: Condvar,
    pub signal: Arc<CommitSignal>,
    pub config: StoreConfig,
    failed: AtomicBool,
    /// A compaction is between its cut and its end.
    pub compacting: AtomicBool,
    /// The thread writing the current (or last) snapshot.
    pub compactor: Mutex<Option<JoinHandle<()>>>,
    #[cfg(test)]
    pub crash_at: Mutex<Option<compact::Step>>,
    /// Makes snapshots slow, so that changes interleave with them.
    #[cfg(test)]
    pub slow_chunks: AtomicBool,
}

impl Inner {
    /// Stops the store: no change is accepted and pending waits fail.
    pub fn fail(&self, why: &str) {
        tracing::error!(error = why, "store stopped");
        self.failed.store(true, Ordering::Release);
        self.signal.fail(why);
    }

    fn check(&self) -> Result<()> {
        if self.failed.load(Ordering::Acquire) {
            let why = self.signal.current().failure;
            return Err(StoreError::Failed(
                why.as_deref().unwrap_or("stopped").to_owned(),
            ));
        }
        Ok(())
    }
}

/// The default relay store: memory-speed reads, changes logged to disk with group commit.
pub struct DurableStore {
    inner: Arc<Inner>,
    writer: Option<JoinHandle<()>>,
    info: LoadInfo,
    _lock: File,
}

impl DurableStore {
    /// Opens (or creates) the store in `config.dir`, replaying its snapshot and log.
    pub fn open(config: StoreConfig) -> Result<DurableStore> {
        let dir = config.dir.clone();
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
        let lock_path = dir.join("LOCK");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| StoreError::io(&lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(StoreError::Locked(dir)),
            Err(TryLockError::Error(e)) => return Err(StoreError::io(&lock_path, e)),
        }
        let loaded = load::load(&dir)?;
        let inner = Arc::new(Inner {
            state: RwLock::new(loaded.state),
            pending: Mutex::new(Pending::default()),
            wake: Condvar::new(),
            signal: Arc::new(CommitSignal::new(0)),
            config,
            failed: AtomicBool::new(false),
            compacting: AtomicBool::new(false),
            compactor: Mutex::new(None),
            #[cfg(test)]
            crash_at: Mutex::new(None),
            #[cfg(test)]
            slow_chunks: AtomicBool::new(false),
        });
        let mut log = loaded.log;
        let mut info = loaded.info;
        if inner.config.compact_on_open {
            let done =
                compact::cut(&inner, &mut log).and_then(|cut| compact::snapshot(&inner, cut));
            match done {
                Ok(()) => info.generation = log.generation,
                Err(compact::CompactError::Retry(e)) => {
                    tracing::warn!(error = %e, "store compaction at open failed");
                }
                Err(compact::CompactError::Fatal(e)) => return Err(e),
                #[cfg(test)]
                Err(compact::CompactError::Crash) => {
                    return Err(StoreError::Failed("simulated crash".into()));
                }
            }
        }
        let thread_inner = Arc::clone(&inner);
        let writer = std::thread::Builder::new()
            .name("smp-store-writer".into())
            .spawn(move || writer::run(thread_inner, log))
            .map_err(|e| StoreError::io(&dir, e))?;
        Ok(DurableStore {
            inner,
            writer: Some(writer),
            info,
            _lock: lock,
        })
    }

    /// The settings the store was opened with.
    pub fn config(&self) -> &StoreConfig {
        &self.inner.config
    }

    /// What opening the store found.
    pub fn load_info(&self) -> &LoadInfo {
        &self.info
    }

    /// Compacts now and waits for it (blocking; call from a blocking context). If a
    /// compaction is already running, waits for that one instead.
    pub fn compact(&self) -> Result<()> {
        self.inner.check()?;
        let before = self.inner.signal.current().compactions;
        {
            let mut p = self.inner.pending.lock();
            p.compact_requested = true;
        }
        self.inner.wake.notify_one();
        let p = self.inner.signal.wait_blocking(|p| p.compactions > before);
        if let Some(why) = p.failure {
            return Err(StoreError::Failed(why.to_string()));
        }
        match p.compact_error {
            Some(why) => Err(StoreError::Failed(why.to_string())),
            None => Ok(()),
        }
    }

    /// Writes everything pending, stops the writer and reports an earlier write failure.
    pub fn close(mut self) -> Result<()> {
        self.shutdown();
        self.inner.check()
    }

    fn shutdown(&mut self) {
        {
            let mut p = self.inner.pending.lock();
            p.shutdown = true;
        }
        self.inner.wake.notify_one();
        if let Some(w) = self.writer.take()
            && w.join().is_err()
        {
            self.inner.fail("store writer thread panicked");
        }
        let compactor = self.inner.compactor.lock().take();
        if let Some(c) = compactor
            && c.join().is_err()
        {
            self.inner.fail("store compactor thread panicked");
        }
        // Wake anyone still waiting: nothing more becomes durable.
        self.inner.signal.fail("store closed");
    }

    fn mutate<T>(&self, f: impl FnOnce(&mut Tx) -> Result<T>) -> Result<Commit<T>> {
        let inner = &*self.inner;
        inner.check()?;
        let (result, seq) = {
            let mut state = inner.state.write();
            let mut p = inner.pending.lock();
            let was_empty = p.buf.is_empty();
            let mut tx = Tx::new(&mut state, Some(&mut p.buf));
            let result = f(&mut tx);
            let records = tx.records;
            p.last_seq += records;
            if records > 0 && was_empty {
                inner.wake.notify_one();
            }
            (result, p.last_seq)
        };
        let value = result?;
        Ok(match inner.config.durability {
            Durability::None => Commit::done(value),
            _ => Commit::pending(value, seq, Arc::clone(&inner.signal)),
        })
    }

    fn read<T>(&self, f: impl FnOnce(&State) -> Result<T>) -> Result<T> {
        f(&self.inner.state.read())
    }
}

impl Drop for DurableStore {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl_store_traits!(DurableStore);
