//! Compaction: write the live state as the next generation's snapshot, then start its log.
//!
//! Steps (each is safe to crash after):
//! 1. with changes paused, flush pending records to the current log, then write the state to
//!    `snapshot-(g+1).bin.tmp` (changes resume after this);
//! 2. fsync the temp file; 3. rename it to `snapshot-(g+1).bin`; 4. fsync the directory;
//! 5. create `log-(g+1).bin` (header, fsync, directory fsync) and switch to it;
//! 6. remove generation g's files; fsync the directory.
//!
//! Until step 3 the old generation is current and the temp file is ignored (and removed at
//! open); from step 3 on the new snapshot holds everything in the old log. Records made after
//! step 1 are written only after step 5, to the new log.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

use super::Inner;
use super::files::{self, LogFile, log_name, snapshot_name, snapshot_tmp_name};
use crate::error::{Result, StoreError};
use crate::record::{Record, encode_append, encode_view};
use crate::state::State;

/// Points after which a test can make compaction stop as if the process died.
#[cfg(test)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    LogFlushed,
    SnapshotWritten,
    SnapshotSynced,
    SnapshotRenamed,
    DirSynced,
    NewLogCreated,
    OldRemoved,
}

/// How a compaction failed.
#[derive(Debug)]
pub(crate) enum CompactError {
    /// Nothing changed: the old generation stays current and the store goes on.
    Retry(StoreError),
    /// The directory may be ahead of the writer: the store must stop.
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

/// Compacts the store; runs on the writer thread (or at open, before it starts).
pub(crate) fn run(inner: &Inner, log: &mut LogFile) -> Result<(), CompactError> {
    let dir = inner.config.dir.as_path();
    let next = log.generation + 1;
    let tmp = dir.join(snapshot_tmp_name(next));
    let written = {
        let state = inner.state.read();
        let (batch, seq) = {
            let mut p = inner.pending.lock();
            (std::mem::take(&mut p.buf), p.last_seq)
        };
        if !batch.is_empty() {
            log.append(&batch, inner.config.durability)
                .map_err(CompactError::Fatal)?;
        }
        inner.signal.durable(seq);
        hook!(inner, LogFlushed);
        write_snapshot(&tmp, next, &state)
    };
    let file = match written {
        Ok(f) => f,
        Err(e) => return Err(retry(&tmp, e)),
    };
    hook!(inner, SnapshotWritten);
    file.sync_all()
        .map_err(|e| retry(&tmp, StoreError::io(&tmp, e)))?;
    drop(file);
    hook!(inner, SnapshotSynced);
    let snap = dir.join(snapshot_name(next));
    fs::rename(&tmp, &snap).map_err(|e| retry(&tmp, StoreError::io(&snap, e)))?;
    hook!(inner, SnapshotRenamed);
    files::sync_dir(dir).map_err(CompactError::Fatal)?;
    hook!(inner, DirSynced);
    let old = std::mem::replace(
        log,
        LogFile::create(dir, next).map_err(CompactError::Fatal)?,
    );
    hook!(inner, NewLogCreated);
    remove_old(dir, old.generation);
    hook!(inner, OldRemoved);
    if let Err(e) = files::sync_dir(dir) {
        tracing::warn!(error = %e, "could not sync the store directory after compaction");
    }
    tracing::info!(generation = next, "store compacted");
    Ok(())
}

fn retry(tmp: &Path, e: StoreError) -> CompactError {
    if let Err(rm) = fs::remove_file(tmp) {
        tracing::warn!(file = %tmp.display(), error = %rm, "could not remove an unfinished snapshot");
    }
    CompactError::Retry(e)
}

/// Old files are only garbage now; failing to remove them is not an error (open retries).
fn remove_old(dir: &Path, generation: u64) {
    for name in [snapshot_name(generation), log_name(generation)] {
        let path = dir.join(name);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e, "could not remove an old store file")
            }
        }
    }
}

/// Writes the state as a snapshot file and returns it unsynced.
fn write_snapshot(path: &Path, generation: u64, state: &State) -> Result<File> {
    let io = |e| StoreError::io(path, e);
    let file = File::create(path).map_err(io)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut buf = Vec::with_capacity(1 << 20);
    let enc = |r: Result<(), &'static str>| r.map_err(StoreError::Internal);
    let counts = state.counts();
    enc(Record::SnapshotHeader {
        generation,
        queues: counts.queues as u64,
        messages: counts.messages as u64,
    }
    .encode(&mut buf))?;
    let (mut queues, mut messages) = (0u64, 0u64);
    for (rid, entry) in state.iter() {
        enc(encode_view(&mut buf, &entry.view(rid)))?;
        queues += 1;
        for m in entry.msgs().into_iter().flatten() {
            enc(encode_append(&mut buf, rid, m))?;
            messages += 1;
        }
        if buf.len() >= 1 << 20 {
            out.write_all(&buf).map_err(io)?;
            buf.clear();
        }
    }
    enc(Record::SnapshotEnd { queues, messages }.encode(&mut buf))?;
    out.write_all(&buf).map_err(io)?;
    out.into_inner().map_err(|e| io(e.into_error()))
}
