//! The relay's durable store opened on fuzzed files.
//!
//! Store files are sequences of frames `u32 len (LE) ‖ u8 kind ‖ payload ‖ u32 crc32 (LE)`
//! (`crates/smp-store/src/frame.rs`); a generation `g` is `snapshot-g.bin` (absent for 0)
//! plus `log-g.bin`, and each file starts with a header record (`record.rs`). Random bytes
//! almost never pass the CRC, so besides raw files the input can describe frames that this
//! module writes with valid checksums.

use smp_store::{Durability, DurableStore, MsgStore, StoreConfig, StoreCounts, StoreError};
use std::path::Path;

/// File magic and format version of every store file header.
const MAGIC: &[u8; 8] = b"SMPSTORE";
const FORMAT_VERSION: u16 = 1;
const LOG_HEADER: u8 = 1;
const SNAPSHOT_HEADER: u8 = 2;

/// Frame "kinds" in the fuzz input that are instructions to this writer, not records.
/// Switch from the snapshot file to the log file.
pub const SWITCH_TO_LOG: u8 = 0xFF;
/// Write the frame with a wrong checksum.
pub const BAD_CRC: u8 = 0xFE;
/// Append `len` zero bytes (a zero-filled torn tail).
pub const ZEROS: u8 = 0xFD;

/// How the fuzz input is laid out into store files (low two bits of the first byte).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// The input is `log-0.bin` as is.
    RawLog,
    /// A valid log header, then the input's frames, as `log-0.bin`.
    FramedLog,
    /// A valid snapshot header (announcing as many queues and messages as the input's
    /// frames hold), then the input's frames, as `snapshot-1.bin`.
    FramedSnapshot,
    /// Like `FramedSnapshot`; frames after [`SWITCH_TO_LOG`] go into `log-1.bin` (after a
    /// valid log header).
    SnapshotAndLog,
}

impl Layout {
    /// The layout a selector byte picks.
    pub fn from_selector(sel: u8) -> Layout {
        match sel & 3 {
            0 => Layout::RawLog,
            1 => Layout::FramedLog,
            2 => Layout::FramedSnapshot,
            _ => Layout::SnapshotAndLog,
        }
    }

    /// The selector byte for this layout (with compaction on open when `compact`).
    pub fn selector(self, compact: bool) -> u8 {
        let l = match self {
            Layout::RawLog => 0,
            Layout::FramedLog => 1,
            Layout::FramedSnapshot => 2,
            Layout::SnapshotAndLog => 3,
        };
        l | if compact { 4 } else { 0 }
    }
}

/// Appends one frame with a valid checksum.
pub fn put_frame(out: &mut Vec<u8>, kind: u8, payload: &[u8]) {
    let start = out.len();
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.push(kind);
    out.extend_from_slice(payload);
    let crc = crc32fast::hash(&out[start..]);
    out.extend_from_slice(&crc.to_le_bytes());
}

fn header_payload(generation: u64, counts: Option<(u64, u64)>) -> Vec<u8> {
    let mut p = MAGIC.to_vec();
    p.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    p.extend_from_slice(&generation.to_le_bytes());
    if let Some((q, m)) = counts {
        p.extend_from_slice(&q.to_le_bytes());
        p.extend_from_slice(&m.to_le_bytes());
    }
    p
}

/// Encodes one frame description of the fuzz input: `kind ‖ len ‖ payload`, where `len`
/// is one byte, or `0xFF` followed by a `u16` (LE) for longer payloads.
pub fn describe_frame(out: &mut Vec<u8>, kind: u8, payload: &[u8]) {
    out.push(kind);
    match u8::try_from(payload.len()) {
        Ok(n) if n < 0xFF => out.push(n),
        _ => {
            out.push(0xFF);
            let n = u16::try_from(payload.len()).unwrap_or(u16::MAX);
            out.extend_from_slice(&n.to_le_bytes());
        }
    }
    out.extend_from_slice(payload);
}

/// Kinds of the records a snapshot header counts.
const CREATE_QUEUE: u8 = 10;
const APPEND_MSG: u8 = 20;

/// The files (snapshot, log) that an input describes. A snapshot's header announces as
/// many queues and messages as the described snapshot frames hold (the loader checks it).
pub fn build_files(layout: Layout, input: &[u8]) -> (Option<Vec<u8>>, Vec<u8>) {
    if layout == Layout::RawLog {
        return (None, input.to_vec());
    }
    let in_snapshot = matches!(layout, Layout::FramedSnapshot | Layout::SnapshotAndLog);
    let mut log = Vec::new();
    put_frame(
        &mut log,
        LOG_HEADER,
        &header_payload(u64::from(in_snapshot), None),
    );
    let mut snap = Vec::new();
    let mut counts = (0u64, 0u64);
    let mut to_log = !in_snapshot;
    let mut rest = input;
    while let [kind, n, tail @ ..] = rest {
        let (len, tail) = match (*n, tail) {
            (0xFF, [a, b, t @ ..]) => (usize::from(u16::from_le_bytes([*a, *b])), t),
            (0xFF, t) => (t.len(), t),
            (n, t) => (usize::from(n), t),
        };
        let take = len.min(tail.len());
        let (payload, after) = tail.split_at(take);
        rest = after;
        if *kind == SWITCH_TO_LOG && layout == Layout::SnapshotAndLog {
            to_log = true;
            continue;
        }
        if !to_log {
            match *kind {
                CREATE_QUEUE => counts.0 += 1,
                APPEND_MSG => counts.1 += 1,
                _ => {}
            }
        }
        write_described(
            if to_log { &mut log } else { &mut snap },
            *kind,
            len,
            payload,
        );
    }
    let snapshot = in_snapshot.then(|| {
        let mut s = Vec::with_capacity(snap.len() + 43);
        put_frame(&mut s, SNAPSHOT_HEADER, &header_payload(1, Some(counts)));
        s.extend_from_slice(&snap);
        s
    });
    (snapshot, log)
}

/// Writes one described frame (`len` is what the description announced; `payload` may be
/// shorter when the input ended: then the frame is torn).
fn write_described(out: &mut Vec<u8>, kind: u8, len: usize, payload: &[u8]) {
    match kind {
        ZEROS => out.resize(out.len() + len.min(1 << 16), 0),
        BAD_CRC => {
            put_frame(out, kind, payload);
            if let Some(last) = out.last_mut() {
                *last ^= 1;
            }
        }
        k if payload.len() < len => {
            // A torn final write: the frame's start without its end.
            let mut f = Vec::new();
            put_frame(&mut f, k, payload);
            f.truncate(5 + payload.len());
            out.extend_from_slice(&f);
        }
        k => put_frame(out, k, payload),
    }
}

fn scratch_dir() -> std::io::Result<tempfile::TempDir> {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        tempfile::Builder::new().prefix("smp-fuzz-").tempdir_in(shm)
    } else {
        tempfile::Builder::new().prefix("smp-fuzz-").tempdir()
    }
}

fn open(dir: &Path, compact: bool) -> Result<DurableStore, StoreError> {
    let mut cfg = StoreConfig::new(dir);
    cfg.durability = Durability::None;
    cfg.compact_on_open = compact;
    DurableStore::open(cfg)
}

fn counts(s: &DurableStore) -> StoreCounts {
    match s.counts() {
        Ok(c) => c,
        Err(e) => panic!("counts of an open store: {e}"),
    }
}

/// What opening a store on fuzzed files gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to open (empty input, or the scratch files could not be written).
    Skipped,
    /// Opening failed with `Corrupt`.
    Refused,
    /// The store opened (and reopened) with these contents.
    Opened(StoreCounts),
}

/// `store_log`: writes the files the input describes into a fresh directory and opens a
/// `DurableStore` there. Opening must succeed or fail with `Corrupt`; a store that opened
/// must close cleanly and open again with the same contents.
pub fn check_store_log(data: &[u8]) -> Outcome {
    let Some((sel, input)) = data.split_first() else {
        return Outcome::Skipped;
    };
    let layout = Layout::from_selector(*sel);
    let compact = sel & 4 != 0;
    let (snapshot, log) = build_files(layout, input);
    let Ok(dir) = scratch_dir() else {
        return Outcome::Skipped;
    };
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).is_ok();
    let generation = if snapshot.is_some() { 1 } else { 0 };
    if let Some(s) = &snapshot
        && !write("snapshot-1.bin", s)
    {
        return Outcome::Skipped;
    }
    if !write(&format!("log-{generation}.bin"), &log) {
        return Outcome::Skipped;
    }
    let store = match open(dir.path(), compact) {
        Ok(s) => s,
        Err(StoreError::Corrupt { .. }) => return Outcome::Refused,
        Err(e) => panic!("opening a store on bad files must fail as Corrupt, got: {e}"),
    };
    let before = counts(&store);
    if let Err(e) = store.close() {
        panic!("closing a freshly opened store: {e}");
    }
    match open(dir.path(), false) {
        Ok(again) => {
            assert_eq!(counts(&again), before, "contents changed across a reopen");
            if let Err(e) = again.close() {
                panic!("closing the reopened store: {e}");
            }
            Outcome::Opened(before)
        }
        Err(e) => panic!("a store that opened once must open again: {e}"),
    }
}
