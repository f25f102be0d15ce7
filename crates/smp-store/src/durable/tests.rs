//! Compaction interrupted at every step loses nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::compact::Step;
use super::*;
use crate::memory::MemoryStore;
use crate::traits::{MsgStore, QueueStore};
use crate::types::{DhSecret, Message, Msg, QueueId, QueueMode, QueueRec, QueueStatus};

const STEPS: [Step; 7] = [
    Step::NewLogCreated,
    Step::Cut,
    Step::SnapshotWritten,
    Step::SnapshotSynced,
    Step::SnapshotRenamed,
    Step::DirSynced,
    Step::OldRemoved,
];

fn rid(n: u32) -> QueueId {
    let mut id = [1; 24];
    id[..4].copy_from_slice(&n.to_le_bytes());
    id
}

fn rec(n: u32) -> QueueRec {
    let mut sid = rid(n);
    sid[23] = 2;
    QueueRec {
        recipient_id: rid(n),
        recipient_keys: vec![vec![3; 44]],
        rcv_dh_secret: DhSecret::new([4; 32]),
        sender_id: sid,
        sender_key: None,
        queue_mode: Some(QueueMode::Messaging),
        link: None,
        notifier: None,
        status: QueueStatus::Active,
        updated_at: 0,
    }
}

fn msg(q: u32, n: u32) -> Message {
    let mut id = rid(q);
    id[4..8].copy_from_slice(&n.to_le_bytes());
    Message {
        id,
        ts: i64::from(n),
        ntf_flag: false,
        body: vec![n as u8; 50],
    }
}

/// The same changes on any store: queues `from..to`, messages, deletions, a secured queue.
fn populate(s: &(impl QueueStore + MsgStore), from: u32, to: u32) {
    for q in from..to {
        s.add_queue(rec(q)).unwrap().wait_blocking().unwrap();
        for n in 0..5 {
            s.write_msg(&rid(q), msg(q, n), 4)
                .unwrap()
                .wait_blocking()
                .unwrap();
        }
        s.del_msg(&rid(q), &msg(q, 0).id)
            .unwrap()
            .wait_blocking()
            .unwrap();
        if q % 3 == 0 {
            s.secure_queue(&rid(q), b"sender key")
                .unwrap()
                .wait_blocking()
                .unwrap();
        }
        if q % 5 == 4 {
            s.delete_queue(&rid(q - 1))
                .unwrap()
                .wait_blocking()
                .unwrap();
        }
    }
}

fn dump(s: &(impl QueueStore + MsgStore), to: u32) -> Vec<(QueueRec, Vec<Msg>)> {
    let mut out = Vec::new();
    for q in 0..to {
        if let Some(r) = s.queue_by_recipient(&rid(q)).unwrap() {
            let mut msgs = Vec::new();
            while let Some(m) = s.peek(&rid(q)).unwrap() {
                msgs.push(
                    s.del_msg(&rid(q), m.id())
                        .unwrap()
                        .wait_blocking()
                        .unwrap()
                        .unwrap(),
                );
            }
            out.push((r, msgs));
        }
    }
    out
}

fn store_files(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "LOCK")
        .collect();
    names.sort();
    names
}

#[test]
fn compaction_interrupted_at_every_step_loses_nothing() {
    for step in STEPS {
        let dir = tempfile::tempdir().unwrap();
        let cfg = StoreConfig::new(dir.path());
        let mem = MemoryStore::new();
        let s = DurableStore::open(cfg.clone()).unwrap();
        populate(&s, 0, 20);
        populate(&mem, 0, 20);
        // One earlier compaction so that generation 1 files exist to be replaced.
        s.compact().unwrap();
        populate(&s, 20, 25);
        populate(&mem, 20, 25);
        *s.inner.crash_at.lock() = Some(step);
        assert!(s.compact().is_err(), "{step:?}");
        assert!(matches!(s.add_queue(rec(99)), Err(StoreError::Failed(_))));
        drop(s);

        let s = DurableStore::open(cfg.clone()).unwrap();
        let generation = s.load_info().generation;
        let installed = !matches!(
            step,
            Step::NewLogCreated | Step::Cut | Step::SnapshotWritten | Step::SnapshotSynced
        );
        let expected_files: Vec<String> = if installed {
            vec!["log-2.bin".into(), "snapshot-2.bin".into()]
        } else {
            vec![
                "log-1.bin".into(),
                "log-2.bin".into(),
                "snapshot-1.bin".into(),
            ]
        };
        assert_eq!(generation, if installed { 2 } else { 1 }, "{step:?}");
        assert_eq!(store_files(dir.path()), expected_files, "{step:?}");
        populate(&s, 25, 30);
        populate(&mem, 25, 30);
        // A later compaction completes and leaves one generation.
        s.compact().unwrap();
        populate(&s, 30, 32);
        populate(&mem, 30, 32);
        s.close().unwrap();

        let s = DurableStore::open(cfg).unwrap();
        let g = s.load_info().generation;
        assert_eq!(
            store_files(dir.path()),
            vec![format!("log-{g}.bin"), format!("snapshot-{g}.bin")]
        );
        assert_eq!(dump(&s, 32), dump(&mem, 32), "{step:?}");
        s.close().unwrap();
    }
}

#[test]
fn unfinished_snapshot_is_ignored_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = StoreConfig::new(dir.path());
    let s = DurableStore::open(cfg.clone()).unwrap();
    populate(&s, 0, 10);
    *s.inner.crash_at.lock() = Some(Step::SnapshotWritten);
    assert!(s.compact().is_err());
    drop(s);
    // Cut the temp snapshot short, as a crash during its write would.
    let tmp = dir.path().join("snapshot-1.bin.tmp");
    let len = std::fs::metadata(&tmp).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&tmp)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    let s = DurableStore::open(cfg).unwrap();
    assert_eq!(s.load_info().generation, 0);
    assert_eq!(
        store_files(dir.path()),
        vec!["log-0.bin".to_string(), "log-1.bin".to_string()]
    );
    let mem = MemoryStore::new();
    populate(&mem, 0, 10);
    assert_eq!(dump(&s, 10), dump(&mem, 10));
}

#[test]
fn compaction_on_open_and_automatic() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = StoreConfig::new(dir.path());
    cfg.compact_min_log_bytes = 4096;
    cfg.compact_ratio = 1;
    let mem = MemoryStore::new();
    let s = DurableStore::open(cfg.clone()).unwrap();
    populate(&s, 0, 40);
    populate(&mem, 0, 40);
    s.close().unwrap();
    let s = DurableStore::open(cfg.clone()).unwrap();
    assert!(s.load_info().generation >= 1, "{:?}", s.load_info());
    s.close().unwrap();
    cfg.compact_on_open = true;
    cfg.compact_min_log_bytes = u64::MAX;
    let s = DurableStore::open(cfg.clone()).unwrap();
    let g = s.load_info().generation;
    s.close().unwrap();
    let s = DurableStore::open(cfg).unwrap();
    assert_eq!(s.load_info().generation, g + 1);
    assert_eq!(s.load_info().log_records, 0);
    assert_eq!(dump(&s, 40), dump(&mem, 40));
}

/// Deterministic changes of many kinds over queues `0..n`, varied by `round`.
fn churn(s: &(impl QueueStore + MsgStore), n: u32, round: u32) {
    for q in 0..n {
        let r = rid(q);
        if s.queue_by_recipient(&r).unwrap().is_none() {
            s.add_queue(rec(q)).unwrap().wait_blocking().unwrap();
            continue;
        }
        match (q + round) % 7 {
            0 => {
                s.write_msg(&r, msg(q, 1000 + round), 6)
                    .unwrap()
                    .wait_blocking()
                    .unwrap();
            }
            1 => {
                if let Some(m) = s.peek(&r).unwrap() {
                    s.del_msg(&r, m.id()).unwrap().wait_blocking().unwrap();
                }
            }
            2 => {
                s.update_keys(&r, vec![vec![round as u8; 10]])
                    .unwrap()
                    .wait_blocking()
                    .unwrap();
            }
            3 if q % 4 == 0 => {
                s.delete_queue(&r).unwrap().wait_blocking().unwrap();
            }
            4 => {
                s.update_time(&r, i64::from(round) * 86_400)
                    .unwrap()
                    .wait_blocking()
                    .unwrap();
            }
            5 => {
                s.expire(Some(&r), i64::from(round))
                    .unwrap()
                    .wait_blocking()
                    .unwrap();
            }
            _ => {
                s.write_msg(&r, msg(q, 2000 + round), 6)
                    .unwrap()
                    .wait_blocking()
                    .unwrap();
            }
        }
    }
}

#[test]
fn changes_during_compaction_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = StoreConfig::new(dir.path());
    let s = DurableStore::open(cfg.clone()).unwrap();
    s.inner
        .slow_chunks
        .store(true, std::sync::atomic::Ordering::Relaxed);
    let mem = MemoryStore::new();
    populate(&s, 0, 40);
    populate(&mem, 0, 40);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let rounds = std::thread::scope(|sc| {
        let compactor = sc.spawn(|| {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) || n < 3 {
                s.compact().unwrap();
                n += 1;
            }
            n
        });
        for round in 0..30 {
            churn(&s, 45, round);
            churn(&mem, 45, round);
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        compactor.join().unwrap()
    });
    assert!(rounds >= 3);
    s.close().unwrap();
    let s = DurableStore::open(cfg).unwrap();
    assert!(s.load_info().generation >= 3);
    assert_eq!(s.counts().unwrap(), mem.counts().unwrap());
    assert_eq!(dump(&s, 45), dump(&mem, 45));
}
