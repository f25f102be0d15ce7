//! Seeds for the `store_log` target: the files of a real store, made through the store's
//! public API, turned into fuzz inputs of each layout.

use crate::store::{Layout, SWITCH_TO_LOG, describe_frame};
use smp_store::{
    DhSecret, Durability, DurableStore, LinkData, Message, MsgStore, NotifierCreds, QueueMode,
    QueueRec, QueueStatus, QueueStore, StoreConfig,
};
use std::error::Error;
use std::path::Path;

type Res<T> = Result<T, Box<dyn Error>>;

fn queue(n: u8) -> QueueRec {
    QueueRec {
        recipient_id: [n; 24],
        recipient_keys: vec![vec![n; 44]],
        rcv_dh_secret: DhSecret::new([n; 32]),
        sender_id: [n + 100; 24],
        sender_key: None,
        queue_mode: Some(QueueMode::Messaging),
        link: None,
        notifier: None,
        status: QueueStatus::Active,
        updated_at: 1_700_000_000,
    }
}

/// Makes a store with every kind of change; returns its directory's files.
fn fill(dir: &Path, compact: bool) -> Res<(Option<Vec<u8>>, Vec<u8>)> {
    let mut cfg = StoreConfig::new(dir);
    cfg.durability = Durability::Os;
    let store = DurableStore::open(cfg)?;
    for n in 1..=3u8 {
        store.add_queue(queue(n))?.wait_blocking()?;
    }
    let (a, b) = ([1; 24], [2; 24]);
    store.secure_queue(&a, &[9; 44])?.wait_blocking()?;
    store
        .update_keys(&b, vec![vec![8; 44], vec![7; 44]])?
        .wait_blocking()?;
    let link = LinkData {
        link_id: [50; 24],
        enc_fixed: b"fixed".to_vec(),
        enc_user: b"user".to_vec(),
    };
    store.set_link(&b, link)?.wait_blocking()?;
    let creds = NotifierCreds {
        notifier_id: [60; 24],
        notifier_key: vec![6; 44],
        rcv_ntf_dh_secret: DhSecret::new([61; 32]),
    };
    store.add_notifier(&a, creds)?.wait_blocking()?;
    for i in 0..3u8 {
        let msg = Message {
            id: [i + 10; 24],
            ts: 1_700_000_000 + i64::from(i),
            ntf_flag: i == 1,
            body: vec![i; 20],
        };
        store.write_msg(&a, msg, 128)?.wait_blocking()?;
    }
    store.del_msg(&a, &[10; 24])?.wait_blocking()?;
    store
        .block_queue(&b, "reason=spam".into())?
        .wait_blocking()?;
    if compact {
        store.compact()?;
        store.suspend_queue(&a)?.wait_blocking()?;
        store.expire(None, 1_700_000_002)?.wait_blocking()?;
    }
    store.delete_queue(&[3; 24])?.wait_blocking()?;
    store.close()?;
    let generation = u8::from(compact);
    let snapshot = if compact {
        Some(std::fs::read(dir.join("snapshot-1.bin"))?)
    } else {
        None
    };
    Ok((
        snapshot,
        std::fs::read(dir.join(format!("log-{generation}.bin")))?,
    ))
}

/// Fuzz inputs made from two real stores: one with only a log, one compacted once
/// (snapshot and log).
pub fn store_seeds() -> Res<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    for compact in [false, true] {
        let tmp = tempfile::tempdir()?;
        let (snapshot, log) = fill(tmp.path(), compact)?;
        out.extend(store_inputs(snapshot.as_deref(), &log));
    }
    Ok(out)
}

/// Reads a store file's frames as `(kind, payload)` pairs (stops at the first bad frame).
pub fn read_frames(file: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    let mut rest = file;
    while let [a, b, c, d, kind, tail @ ..] = rest {
        let len = u32::from_le_bytes([*a, *b, *c, *d]) as usize;
        if tail.len() < len + 4 {
            break;
        }
        out.push((*kind, tail[..len].to_vec()));
        rest = &tail[len + 4..];
    }
    out
}

/// Turns real store files into fuzz inputs: the raw log, and frame descriptions for the
/// framed layouts (the header records are left out: the input builder adds them).
pub fn store_inputs(snapshot: Option<&[u8]>, log: &[u8]) -> Vec<Vec<u8>> {
    let describe = |frames: &[(u8, Vec<u8>)], out: &mut Vec<u8>| {
        for (k, p) in frames.iter().skip(1) {
            describe_frame(out, *k, p);
        }
    };
    let log_frames = read_frames(log);
    let mut out = Vec::new();
    match snapshot {
        None => {
            out.push([&[Layout::RawLog.selector(false)], log].concat());
            let mut framed = vec![Layout::FramedLog.selector(false)];
            describe(&log_frames, &mut framed);
            out.push(framed);
        }
        Some(s) => {
            let mut framed = vec![Layout::SnapshotAndLog.selector(true)];
            describe(&read_frames(s), &mut framed);
            framed.extend_from_slice(&[SWITCH_TO_LOG, 0]);
            describe(&log_frames, &mut framed);
            out.push(framed);
        }
    }
    out
}
