//! Opening a store directory: pick the current generation, replay its snapshot and log,
//! drop a torn final record, and clear what an interrupted compaction left behind.

use std::fs::{self, File};
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::files::{self, LogFile, log_name, snapshot_name};
use crate::error::{Result, StoreError};
use crate::frame::{FrameError, FrameReader};
use crate::record::Record;
use crate::state::State;

/// Fewer bytes than any queue creation record takes in a snapshot.
const MIN_QUEUE_RECORD: u64 = 100;

/// What opening the store found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadInfo {
    /// Generation of the snapshot the state was loaded from (0: none yet).
    pub generation: u64,
    /// Records read from the snapshot.
    pub snapshot_records: u64,
    /// Records replayed from the logs.
    pub log_records: u64,
    /// Bytes of a torn final record that were cut off the log (0 normally).
    pub dropped_tail_bytes: u64,
}

pub(crate) struct Loaded {
    pub state: State,
    pub log: LogFile,
    pub info: LoadInfo,
}

fn corrupt(file: &Path, offset: u64, recovered: u64, reason: &str) -> StoreError {
    StoreError::Corrupt {
        file: file.to_path_buf(),
        offset,
        recovered_records: recovered,
        reason: reason.to_owned(),
    }
}

fn open_reader(path: &Path) -> Result<FrameReader<BufReader<File>>> {
    let f = File::open(path).map_err(|e| StoreError::io(path, e))?;
    Ok(FrameReader::new(BufReader::with_capacity(1 << 20, f)))
}

/// Loads the store in `dir` (which must exist).
///
/// The newest snapshot `g` (none: generation 0) is replayed, then every log from `g` on in
/// order; only the last log may end in a torn record. Older files are removed.
pub(crate) fn load(dir: &Path) -> Result<Loaded> {
    let listing = files::list(dir)?;
    for tmp in &listing.temps {
        tracing::warn!(file = %tmp.display(), "removing an unfinished snapshot");
        fs::remove_file(tmp).map_err(|e| StoreError::io(tmp, e))?;
    }
    let generation = listing.snapshots.iter().copied().max().unwrap_or(0);
    let mut state = State::default();
    let mut info = LoadInfo {
        generation,
        ..LoadInfo::default()
    };
    if listing.snapshots.contains(&generation) {
        info.snapshot_records =
            replay_snapshot(&dir.join(snapshot_name(generation)), generation, &mut state)?;
    }
    let mut logs: Vec<u64> = listing
        .logs
        .iter()
        .copied()
        .filter(|g| *g >= generation)
        .collect();
    logs.sort_unstable();
    let mut log = None;
    for (i, &g) in logs.iter().enumerate() {
        let path = dir.join(log_name(g));
        if g != generation + i as u64 {
            return Err(corrupt(
                &path,
                0,
                0,
                "a log of an earlier generation is missing",
            ));
        }
        let last = i + 1 == logs.len();
        let (records, valid_len) = replay_log(&path, g, &mut state)?;
        let len = fs::metadata(&path)
            .map_err(|e| StoreError::io(&path, e))?
            .len();
        if len != valid_len && !last {
            return Err(corrupt(
                &path,
                valid_len,
                records,
                "torn record before the last log",
            ));
        }
        info.log_records += records;
        info.dropped_tail_bytes += len - valid_len;
        if last {
            log = Some(LogFile::reopen(path, g, valid_len)?);
        }
    }
    let log = match log {
        Some(log) => log,
        None => LogFile::create(dir, generation)?,
    };
    remove_stale(dir, &listing, generation)?;
    Ok(Loaded { state, log, info })
}

/// Removes snapshots and logs older than the current generation.
fn remove_stale(dir: &Path, listing: &files::Listing, generation: u64) -> Result<()> {
    let logs = listing.logs.iter().map(|g| (*g, log_name(*g)));
    let snapshots = listing.snapshots.iter().map(|g| (*g, snapshot_name(*g)));
    let stale: Vec<PathBuf> = logs
        .chain(snapshots)
        .filter(|(g, _)| *g < generation)
        .map(|(_, name)| dir.join(name))
        .collect();
    for path in &stale {
        tracing::info!(file = %path.display(), "removing a store file of an older generation");
        fs::remove_file(path).map_err(|e| StoreError::io(path, e))?;
    }
    if !stale.is_empty() || !listing.temps.is_empty() {
        files::sync_dir(dir)?;
    }
    Ok(())
}

/// Replays a snapshot, which must be complete: any defect is corruption.
fn replay_snapshot(path: &Path, generation: u64, state: &mut State) -> Result<u64> {
    let file_len = fs::metadata(path)
        .map_err(|e| StoreError::io(path, e))?
        .len();
    let mut r = open_reader(path)?;
    let mut records = 0u64;
    let (mut queues, mut messages) = (0u64, 0u64);
    let mut announced = (0u64, 0u64);
    let mut ended = false;
    loop {
        let offset = r.offset();
        let frame = match r.next_frame() {
            Ok(Some(f)) => f,
            Ok(None) if ended => return Ok(records),
            Ok(None) => return Err(corrupt(path, offset, records, "snapshot has no end record")),
            Err(FrameError::Truncated) => {
                return Err(corrupt(path, offset, records, "snapshot is truncated"));
            }
            Err(FrameError::Bad(why)) => return Err(corrupt(path, offset, records, why)),
            Err(FrameError::Io(e)) => return Err(StoreError::io(path, e)),
        };
        let rec =
            Record::decode(frame.0, frame.1).map_err(|w| corrupt(path, offset, records, w))?;
        let bad = |why: &str| corrupt(path, offset, records, why);
        match rec {
            _ if ended => return Err(bad("data after the snapshot end")),
            Record::SnapshotHeader {
                generation: g,
                queues: q,
                messages: m,
            } if offset == 0 && g == generation => {
                announced = (q, m);
                // Trust the count only as far as the file could hold that many queues.
                state.reserve(q.min(file_len / MIN_QUEUE_RECORD) as usize);
            }
            _ if offset == 0 => return Err(bad("missing or wrong snapshot header")),
            Record::SnapshotEnd {
                queues: q,
                messages: m,
            } => {
                if (q, m) != (queues, messages) || (q, m) != announced {
                    return Err(bad("snapshot counts do not match its records"));
                }
                ended = true;
            }
            rec @ Record::CreateQueue(_) => {
                state.apply(rec).map_err(bad)?;
                queues += 1;
            }
            rec @ Record::AppendMsg { .. } => {
                state.apply(rec).map_err(bad)?;
                messages += 1;
            }
            _ => return Err(bad("unexpected record in a snapshot")),
        }
        records += 1;
    }
}

/// Replays a log; returns the records applied and the length of its valid prefix.
fn replay_log(path: &Path, generation: u64, state: &mut State) -> Result<(u64, u64)> {
    let mut r = open_reader(path)?;
    let mut records = 0u64;
    loop {
        let offset = r.offset();
        let frame = match r.next_frame() {
            Ok(Some(f)) => f,
            Ok(None) => return Ok((records, offset)),
            Err(FrameError::Truncated) => {
                warn_torn(path, offset, records);
                return Ok((records, offset));
            }
            Err(FrameError::Bad(why)) => {
                if zero_from(path, offset)? {
                    warn_torn(path, offset, records);
                    return Ok((records, offset));
                }
                return Err(corrupt(path, offset, records, why));
            }
            Err(FrameError::Io(e)) => return Err(StoreError::io(path, e)),
        };
        let rec =
            Record::decode(frame.0, frame.1).map_err(|w| corrupt(path, offset, records, w))?;
        if offset == 0 {
            if rec != (Record::LogHeader { generation }) {
                return Err(corrupt(path, 0, 0, "missing or wrong log header"));
            }
            continue;
        }
        state
            .apply(rec)
            .map_err(|why| corrupt(path, offset, records, why))?;
        records += 1;
    }
}

fn warn_torn(path: &Path, offset: u64, records: u64) {
    tracing::warn!(
        file = %path.display(),
        offset,
        recovered_records = records,
        "dropping a truncated final record of the store log (torn write)"
    );
}

/// Whether the file holds only zero bytes from `offset` on (a zero-filled torn tail).
fn zero_from(path: &Path, offset: u64) -> Result<bool> {
    let io = |e| StoreError::io(path, e);
    let mut f = File::open(path).map_err(io)?;
    f.seek(SeekFrom::Start(offset)).map_err(io)?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(io)?;
        if n == 0 {
            return Ok(true);
        }
        if buf[..n].iter().any(|b| *b != 0) {
            return Ok(false);
        }
    }
}
