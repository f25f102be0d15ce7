//! The writer thread: group commit, and the start of compactions.
//!
//! Changes append encoded records to a shared buffer. The thread takes the whole buffer,
//! writes it with one `write`, syncs once (with `Fsync`), then publishes the last record's
//! sequence number, waking every waiter at once. When the log has grown enough it makes the
//! compaction cut and hands the snapshot to a compactor thread.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::compact::{self, CompactError};
use super::files::LogFile;
use super::{Durability, Inner};

/// Largest spare buffer kept between batches.
const KEEP_BUFFER: usize = 16 << 20;

struct Batch {
    bytes: Vec<u8>,
    seq: u64,
    shutdown: bool,
    compact: bool,
}

fn next_batch(inner: &Inner, spare: Vec<u8>) -> Batch {
    let mut p = inner.pending.lock();
    while p.buf.is_empty() && !p.shutdown && !p.compact_requested {
        inner.wake.wait(&mut p);
    }
    Batch {
        bytes: std::mem::replace(&mut p.buf, spare),
        seq: p.last_seq,
        shutdown: p.shutdown,
        compact: std::mem::take(&mut p.compact_requested),
    }
}

/// Whether the log has grown enough past the live state to be worth compacting.
fn due(inner: &Inner, log: &LogFile, floor: u64) -> bool {
    let cfg = &inner.config;
    if log.bytes < cfg.compact_min_log_bytes.max(floor) {
        return false;
    }
    let live = inner.state.read().live_bytes_estimate();
    log.bytes >= live.saturating_mul(cfg.compact_ratio)
}

/// Fails the store if the writer leaves its loop other than by a clean shutdown (for
/// instance by a panic), so that no waiter is left hanging.
struct ExitGuard<'a> {
    inner: &'a Inner,
    clean: bool,
}

impl Drop for ExitGuard<'_> {
    fn drop(&mut self) {
        if !self.clean {
            self.inner.fail("store writer stopped");
        }
    }
}

/// Runs until shutdown (after writing everything pending) or the first failure.
pub(crate) fn run(inner: Arc<Inner>, log: LogFile) {
    let mut guard = ExitGuard {
        inner: &inner,
        clean: false,
    };
    guard.clean = write_loop(&inner, log);
}

/// Records the end of a compaction attempt for [`super::DurableStore::compact`].
pub(crate) fn compaction_done(inner: &Inner, error: Option<String>) {
    if let Some(e) = &error {
        tracing::warn!(error = %e, "store compaction failed; the current files stay in use");
    }
    inner.compacting.store(false, Ordering::Release);
    inner.signal.update(|p| {
        p.compactions += 1;
        p.compact_error = error.map(Arc::from);
    });
}

/// Starts a compaction: the cut here, the snapshot on its own thread.
/// Returns false if the store must stop.
fn start_compaction(inner: &Arc<Inner>, log: &mut LogFile) -> bool {
    inner.compacting.store(true, Ordering::Release);
    let cut = match compact::cut(inner, log) {
        Ok(cut) => cut,
        Err(CompactError::Retry(e)) => {
            compaction_done(inner, Some(e.to_string()));
            return true;
        }
        Err(CompactError::Fatal(e)) => {
            inner.fail(&e.to_string());
            return false;
        }
        #[cfg(test)]
        Err(CompactError::Crash) => {
            inner.fail("simulated crash");
            return false;
        }
    };
    let worker = Arc::clone(inner);
    let spawned = std::thread::Builder::new()
        .name("smp-store-compactor".into())
        .spawn(move || match compact::snapshot(&worker, cut) {
            Ok(()) => compaction_done(&worker, None),
            Err(CompactError::Retry(e) | CompactError::Fatal(e)) => {
                compaction_done(&worker, Some(e.to_string()));
            }
            #[cfg(test)]
            Err(CompactError::Crash) => worker.fail("simulated crash"),
        });
    match spawned {
        Ok(handle) => {
            if let Some(old) = inner.compactor.lock().replace(handle) {
                // The previous compaction has finished (`compacting` was false).
                let _ = old.join();
            }
        }
        Err(e) => {
            inner.state.write().end_capture();
            compaction_done(inner, Some(e.to_string()));
        }
    }
    true
}

/// The writer's loop; returns true on a clean shutdown.
fn write_loop(inner: &Arc<Inner>, mut log: LogFile) -> bool {
    let mut spare = Vec::new();
    // After a failed automatic compaction, wait for the log to grow before trying again.
    let mut floor = 0u64;
    loop {
        let batch = next_batch(inner, spare);
        if !batch.bytes.is_empty() {
            if let Err(e) = log.append(&batch.bytes, inner.config.durability) {
                inner.fail(&e.to_string());
                return false;
            }
            inner.signal.durable(batch.seq);
        }
        spare = batch.bytes;
        spare.clear();
        if spare.capacity() > KEEP_BUFFER {
            spare = Vec::new();
        }
        let busy = inner.compacting.load(Ordering::Acquire);
        if !busy && (batch.compact || due(inner, &log, floor)) {
            let before = log.generation;
            if !start_compaction(inner, &mut log) {
                return false;
            }
            floor = if log.generation == before {
                log.bytes + inner.config.compact_min_log_bytes
            } else {
                0
            };
        }
        if batch.shutdown && inner.pending.lock().buf.is_empty() {
            if inner.config.durability != Durability::Fsync
                && let Err(e) = log.sync()
            {
                inner.fail(&e.to_string());
                return false;
            }
            return true;
        }
    }
}
