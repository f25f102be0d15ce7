//! Compaction: snapshot the live state at a cut, without stopping changes for long.
//!
//! Snapshot `n` holds the state at the start of log `n`. Compacting from log `g` to `n = g+1`:
//!
//! 1. create the empty `log-n.bin` (header, fsync, directory fsync);
//! 2. the cut, on the writer thread with changes paused for a moment: flush and fsync the
//!    pending records to `log-g`, switch the writer to `log-n`, and start a capture of the
//!    state (its queue ids, a new snapshot mark);
//! 3. on a compactor thread, write `snapshot-n.bin.tmp` chunk by chunk; a change to a queue
//!    not yet written saves the queue first (copy on write), so the file holds exactly the
//!    state at the cut while changes go on into `log-n`;
//! 4. fsync the temp file, rename it to `snapshot-n.bin`, fsync the directory;
//! 5. remove older snapshots and logs; fsync the directory.
//!
//! Opening replays the newest snapshot and every log from its generation on, so a crash at
//! any point loses nothing: before step 4 the old snapshot and both logs are replayed; after
//! it, the new snapshot and `log-n`.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

use super::Inner;
use super::files::{self, LogFile, snapshot_name, snapshot_tmp_name};
use crate::error::{Result, StoreError};
use crate::record::Record;

/// Bytes encoded per chunk (changes pause only while one chunk is encoded; one queue
/// is never split, so a chunk may exceed this by one queue).
#[cfg(not(test))]
const CHUNK_BYTES: usize = 1 << 20;
#[cfg(test)]
const CHUNK_BYTES: usize = 1000;

/// Points after which a test can make compaction stop as if the process died.
#[cfg(test)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    NewLogCreated,
    Cut,
    SnapshotWritten,
    SnapshotSynced,
    SnapshotRenamed,
    DirSynced,
    OldRemoved,
}

/// How a compaction failed.
#[derive(Debug)]
pub(crate) enum CompactError {
    /// The store goes on; the current files stay valid.
    Retry(StoreError),
    /// The log could not be written: the store must stop.
    Fatal(StoreError),
    /// A test stopped the compaction at a step.
    #[cfg(test)]
    Crash,
}

#[cfg(test)]
fn hook(inner: &Inner, step: Step) -> Result<(), CompactError> {
    if *inner.crash_at.lock() == Some(step) {
        return Err(CompactError::Crash);
    }
    Ok(())
}

#[cfg(not(test))]
macro_rules! hook {
    ($inner:expr, $step:ident) => {};
}

#[cfg(test)]
macro_rules! hook {
    ($inner:expr, $step:ident) => {
        hook($inner, Step::$step)?
    };
}

/// The state to snapshot, as of the cut.
pub(crate) struct Cut {
    generation: u64,
    rids: Vec<crate::types::QueueId>,
    queues: u64,
    messages: u64,
}

/// Steps 1-2, on the thread that owns the log.
pub(crate) fn cut(inner: &Inner, log: &mut LogFile) -> Result<Cut, CompactError> {
    let dir = inner.config.dir.as_path();
    let generation = log.generation + 1;
    let next_log = LogFile::create(dir, generation).map_err(CompactError::Retry)?;
    hook!(inner, NewLogCreated);
    let cut = {
        let mut state = inner.state.write();
        let (batch, seq) = {
            let mut p = inner.pending.lock();
            (std::mem::take(&mut p.buf), p.last_seq)
        };
        log.append(&batch, inner.config.durability)
            .and_then(|()| log.sync())
            .map_err(CompactError::Fatal)?;
        inner.signal.durable(seq);
        *log = next_log;
        let counts = state.counts();
        Cut {
            generation,
            rids: state.begin_capture(),
            queues: counts.queues as u64,
            messages: counts.messages as u64,
        }
    };
    hook!(inner, Cut);
    Ok(cut)
}

/// Steps 3-5, on any thread; the capture is ended whatever happens.
pub(crate) fn snapshot(inner: &Inner, cut: Cut) -> Result<(), CompactError> {
    let started = std::time::Instant::now();
    let dir = inner.config.dir.as_path();
    let tmp = dir.join(snapshot_tmp_name(cut.generation));
    let written = write_snapshot(inner, &tmp, &cut);
    let file = match written {
        Ok(f) => f,
        Err(CompactError::Retry(e)) => {
            inner.state.write().end_capture();
            return Err(retry(&tmp, e));
        }
        Err(other) => return Err(other),
    };
    hook!(inner, SnapshotWritten);
    file.sync_all()
        .map_err(|e| retry(&tmp, StoreError::io(&tmp, e)))?;
    drop(file);
    hook!(inner, SnapshotSynced);
    let snap = dir.join(snapshot_name(cut.generation));
    fs::rename(&tmp, &snap).map_err(|e| retry(&tmp, StoreError::io(&snap, e)))?;
    hook!(inner, SnapshotRenamed);
    files::sync_dir(dir).map_err(CompactError::Retry)?;
    hook!(inner, DirSynced);
    remove_older(dir, cut.generation);
    hook!(inner, OldRemoved);
    if let Err(e) = files::sync_dir(dir) {
        tracing::warn!(error = %e, "could not sync the store directory after compaction");
    }
    tracing::info!(
        generation = cut.generation,
        queues = cut.queues,
        messages = cut.messages,
        ms = started.elapsed().as_millis() as u64,
        "store compacted"
    );
    Ok(())
}

fn retry(tmp: &Path, e: StoreError) -> CompactError {
    if let Err(rm) = fs::remove_file(tmp)
        && rm.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(file = %tmp.display(), error = %rm, "could not remove an unfinished snapshot");
    }
    CompactError::Retry(e)
}

/// Files older than the new snapshot are garbage now; failing to remove them is only a
/// warning (opening the store removes them).
fn remove_older(dir: &Path, generation: u64) {
    let listing = match files::list(dir) {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(error = %e, "could not list the store directory");
            return;
        }
    };
    let snapshots = listing.snapshots.iter().map(|g| (*g, snapshot_name(*g)));
    let logs = listing.logs.iter().map(|g| (*g, files::log_name(*g)));
    for (_, name) in snapshots.chain(logs).filter(|(g, _)| *g < generation) {
        let path = dir.join(name);
        if let Err(e) = fs::remove_file(&path) {
            tracing::warn!(file = %path.display(), error = %e, "could not remove an old store file");
        }
    }
}

/// Writes the snapshot chunk by chunk and returns the file unsynced.
fn write_snapshot(inner: &Inner, path: &Path, cut: &Cut) -> Result<File, CompactError> {
    let io = |e| CompactError::Retry(StoreError::io(path, e));
    let internal = |why| CompactError::Retry(StoreError::Internal(why));
    let file = File::create(path).map_err(io)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut head = Vec::new();
    Record::SnapshotHeader {
        generation: cut.generation,
        queues: cut.queues,
        messages: cut.messages,
    }
    .encode(&mut head)
    .map_err(internal)?;
    out.write_all(&head).map_err(io)?;
    let (mut queues, mut messages) = (0u64, 0u64);
    let mut rest = &cut.rids[..];
    while !rest.is_empty() {
        #[cfg(test)]
        if inner.slow_chunks.load(std::sync::atomic::Ordering::Relaxed) {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let (part, used) = inner
            .state
            .write()
            .capture_chunk(rest, CHUNK_BYTES)
            .map_err(internal)?;
        rest = &rest[used..];
        out.write_all(&part.buf).map_err(io)?;
        queues += part.queues;
        messages += part.messages;
    }
    let tail = inner.state.write().end_capture();
    out.write_all(&tail.buf).map_err(io)?;
    queues += tail.queues;
    messages += tail.messages;
    if (queues, messages) != (cut.queues, cut.messages) {
        return Err(internal("snapshot does not hold the state at the cut"));
    }
    let mut end = Vec::new();
    Record::SnapshotEnd { queues, messages }
        .encode(&mut end)
        .map_err(internal)?;
    out.write_all(&end).map_err(io)?;
    out.into_inner().map_err(|e| io(e.into_error()))
}
