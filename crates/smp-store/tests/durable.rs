//! The durable backend across restarts, torn writes, corruption and kills.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs::{self, OpenOptions};
use std::io::{BufRead, BufReader, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use proptest::prelude::*;
use smp_store::{
    Durability, DurableStore, MemoryStore, MsgStore, QueueId, QueueStore, Store, StoreConfig,
    StoreError,
};

/// A mixed history of changes over queues `0..n`, applied to any store.
fn history(s: &impl Store, n: u32) {
    for q in 0..n {
        let rec = if q % 4 == 0 { full_queue(q) } else { queue(q) };
        ok(s.add_queue(rec));
    }
    for q in 0..n {
        let rid = queue(q).recipient_id;
        for m in 0..(q % 7) {
            ok(s.write_msg(&rid, msg(q * 100 + m, i64::from(m)), 4));
        }
        match q % 6 {
            0 => ok(s.secure_queue(&rid, &[0x31; 44])),
            1 => ok(s.update_keys(&rid, vec![b"k1".to_vec(), b"k2".to_vec()])),
            2 => ok(s.suspend_queue(&rid)),
            3 => drop(ok(s.add_notifier(&rid, notifier(q)))),
            4 => drop(ok(s.update_time(&rid, 1_700_000_000))),
            _ => ok(s.set_link(&rid, link(q, b"fixed"))),
        }
        if q % 5 == 0 && q > 0 {
            ok(s.delete_queue(&queue(q - 1).recipient_id));
        }
        if let Some(m) = s.peek(&rid).unwrap() {
            ok(s.del_msg(&rid, m.id()));
        }
    }
    ok(s.expire(None, 2));
}

fn rids(n: u32) -> Vec<QueueId> {
    (0..n).map(|q| queue(q).recipient_id).collect()
}

fn log_path(dir: &Path) -> std::path::PathBuf {
    dir.join("log-0.bin")
}

#[test]
fn reopen_keeps_everything_in_every_mode() {
    for durability in [Durability::Fsync, Durability::Os, Durability::None] {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = StoreConfig::new(dir.path());
        cfg.durability = durability;
        let s = DurableStore::open(cfg.clone()).unwrap();
        history(&s, 60);
        s.close().unwrap();
        let s = DurableStore::open(cfg.clone()).unwrap();
        assert!(s.load_info().log_records > 200);
        assert_eq!(s.load_info().dropped_tail_bytes, 0);
        let mem = MemoryStore::new();
        history(&mem, 60);
        assert_eq!(s.counts().unwrap(), mem.counts().unwrap());
        assert_eq!(dump(&s, &rids(60)), dump(&mem, &rids(60)));
        // The drained state survives too.
        s.close().unwrap();
        let s = DurableStore::open(cfg).unwrap();
        assert_eq!(s.counts().unwrap().messages, 0);
        assert_eq!(s.queue_count().unwrap(), mem.queue_count().unwrap());
    }
}

#[test]
fn reopen_after_compaction() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = StoreConfig::new(dir.path());
    let s = DurableStore::open(cfg.clone()).unwrap();
    history(&s, 30);
    s.compact().unwrap();
    ok(s.add_queue(queue(1000)));
    ok(s.write_msg(&queue(1000).recipient_id, msg(1, 5), 4));
    s.close().unwrap();
    let s = DurableStore::open(cfg).unwrap();
    assert_eq!(s.load_info().generation, 1);
    assert_eq!(s.load_info().log_records, 2);
    let mem = MemoryStore::new();
    history(&mem, 30);
    ok(mem.add_queue(queue(1000)));
    ok(mem.write_msg(&queue(1000).recipient_id, msg(1, 5), 4));
    let mut all = rids(30);
    all.push(queue(1000).recipient_id);
    assert_eq!(dump(&s, &all), dump(&mem, &all));
}

#[test]
fn second_open_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = DurableStore::open(StoreConfig::new(dir.path())).unwrap();
    assert!(matches!(
        DurableStore::open(StoreConfig::new(dir.path())),
        Err(StoreError::Locked(_))
    ));
    drop(s);
    DurableStore::open(StoreConfig::new(dir.path())).unwrap();
}

/// Writes queues 0..n with one message each and returns the log length after each queue.
fn write_queues(dir: &Path, n: u32) -> Vec<u64> {
    let s = DurableStore::open(StoreConfig::new(dir)).unwrap();
    let mut ends = Vec::new();
    for q in 0..n {
        ok(s.add_queue(queue(q)));
        ok(s.write_msg(&queue(q).recipient_id, msg(q, 1), 10));
        ends.push(fs::metadata(log_path(dir)).unwrap().len());
    }
    s.close().unwrap();
    ends
}

#[test]
fn torn_tail_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let ends = write_queues(dir.path(), 5);
    let full = ends[4];
    // Cut inside the last record (the message of queue 4).
    for cut in [full - 1, full - 20, ends[3] + 3] {
        let d = tempfile::tempdir().unwrap();
        fs::copy(log_path(dir.path()), log_path(d.path())).unwrap();
        OpenOptions::new()
            .write(true)
            .open(log_path(d.path()))
            .unwrap()
            .set_len(cut)
            .unwrap();
        let s = DurableStore::open(StoreConfig::new(d.path())).unwrap();
        let dropped = s.load_info().dropped_tail_bytes;
        assert!(dropped > 0);
        assert_eq!(
            fs::metadata(log_path(d.path())).unwrap().len(),
            cut - dropped
        );
        assert_eq!(s.queue_size(&queue(3).recipient_id).unwrap(), 1);
        if cut == ends[3] + 3 {
            assert_eq!(dropped, 3);
            assert_eq!(s.queue_count().unwrap(), 4);
        } else {
            assert_eq!(s.queue_count().unwrap(), 5);
            assert_eq!(s.queue_size(&queue(4).recipient_id).unwrap(), 0);
        }
        // The store goes on appending after the cut.
        ok(s.add_queue(queue(50)));
        s.close().unwrap();
        let s = DurableStore::open(StoreConfig::new(d.path())).unwrap();
        assert_eq!(s.load_info().dropped_tail_bytes, 0);
        assert!(
            s.queue_by_recipient(&queue(50).recipient_id)
                .unwrap()
                .is_some()
        );
    }
}

#[test]
fn zero_filled_tail_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let ends = write_queues(dir.path(), 3);
    let mut f = OpenOptions::new()
        .append(true)
        .open(log_path(dir.path()))
        .unwrap();
    f.write_all(&[0; 4096]).unwrap();
    drop(f);
    let s = DurableStore::open(StoreConfig::new(dir.path())).unwrap();
    assert_eq!(s.load_info().dropped_tail_bytes, 4096);
    assert_eq!(s.queue_count().unwrap(), 3);
    assert_eq!(fs::metadata(log_path(dir.path())).unwrap().len(), ends[2]);
}

#[test]
fn corruption_in_the_middle_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let ends = write_queues(dir.path(), 5);
    let mut bytes = fs::read(log_path(dir.path())).unwrap();
    // Flip a byte inside queue 2's creation record (just after queue 1's last record).
    bytes[ends[1] as usize + 10] ^= 0x40;
    fs::write(log_path(dir.path()), &bytes).unwrap();
    match DurableStore::open(StoreConfig::new(dir.path())) {
        Err(StoreError::Corrupt {
            file,
            offset,
            recovered_records,
            reason,
        }) => {
            assert_eq!(file, log_path(dir.path()));
            assert_eq!(offset, ends[1]);
            assert_eq!(recovered_records, 4);
            assert!(reason.contains("checksum"), "{reason}");
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("corruption not detected"),
    }
    // The message names the file and the offset.
    let e = DurableStore::open(StoreConfig::new(dir.path()))
        .err()
        .unwrap();
    let text = e.to_string();
    assert!(
        text.contains("log-0.bin") && text.contains(&ends[1].to_string()),
        "{text}"
    );
}

#[test]
fn garbage_after_the_last_record_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    write_queues(dir.path(), 2);
    let mut f = OpenOptions::new()
        .append(true)
        .open(log_path(dir.path()))
        .unwrap();
    // A complete frame with a wrong checksum is not a torn write.
    f.write_all(&[1, 0, 0, 0, 19, 0, 1, 2, 3, 4]).unwrap();
    drop(f);
    assert!(matches!(
        DurableStore::open(StoreConfig::new(dir.path())),
        Err(StoreError::Corrupt { .. })
    ));
}

fn open_result(dir: &Path) -> Result<(), String> {
    // Must return, never panic, whatever the file holds.
    match DurableStore::open(StoreConfig::new(dir)) {
        Ok(s) => {
            let _ = s.counts().unwrap();
            s.close().map_err(|e| e.to_string())
        }
        Err(e) => Err(e.to_string()),
    }
}

fn sample_log() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let s = DurableStore::open(StoreConfig::new(dir.path())).unwrap();
    history(&s, 12);
    s.close().unwrap();
    fs::read(log_path(dir.path())).unwrap()
}

fn frame(kind: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = (payload.len() as u32).to_le_bytes().to_vec();
    out.push(kind);
    out.extend_from_slice(payload);
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    // Bitwise CRC-32 (IEEE), independent of the crate's implementation.
    let mut crc = !0u32;
    for b in data {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_log_files_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let dir = tempfile::tempdir().unwrap();
        fs::write(log_path(dir.path()), &bytes).unwrap();
        let _ = open_result(dir.path());
    }

    #[test]
    fn random_snapshots_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("snapshot-1.bin"), &bytes).unwrap();
        prop_assert!(open_result(dir.path()).is_err());
    }

    #[test]
    fn bit_flipped_logs_never_panic(flips in proptest::collection::vec((any::<usize>(), 0u8..8), 1..4)) {
        let mut log = sample_log();
        for (pos, bit) in flips {
            let i = pos % log.len();
            log[i] ^= 1 << bit;
        }
        let dir = tempfile::tempdir().unwrap();
        fs::write(log_path(dir.path()), &log).unwrap();
        let _ = open_result(dir.path());
    }

    #[test]
    fn well_framed_garbage_never_panics(
        frames in proptest::collection::vec((0u8..30, proptest::collection::vec(any::<u8>(), 0..200)), 0..20)
    ) {
        let mut log = sample_log();
        for (kind, payload) in frames {
            log.extend_from_slice(&frame(kind, &payload));
        }
        let dir = tempfile::tempdir().unwrap();
        fs::write(log_path(dir.path()), &log).unwrap();
        let _ = open_result(dir.path());
    }
}

#[test]
fn self_check_crc() {
    // The check value of CRC-32/IEEE for "123456789".
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(crc32(b"123456789"), crc32fast::hash(b"123456789"));
}

const CHILD_ENV: &str = "SMP_STORE_KILL_CHILD_DIR";
const BASE_ENV: &str = "SMP_STORE_KILL_CHILD_BASE";

/// In the child: write with Fsync from 4 threads, print every acknowledged id, forever.
fn crash_child(dir: &str, base: u32) {
    // Compact often, so that kills also land inside compactions.
    let mut cfg = StoreConfig::new(dir);
    cfg.compact_min_log_bytes = 32 * 1024;
    cfg.compact_ratio = 0;
    let s = DurableStore::open(cfg).unwrap();
    let out = std::sync::Mutex::new(std::io::stdout());
    std::thread::scope(|sc| {
        for t in 0..4u32 {
            let (s, out) = (&s, &out);
            sc.spawn(move || {
                for n in 0.. {
                    let q = base + t * 1_000_000 + n;
                    ok(s.add_queue(queue(q)));
                    ok(s.write_msg(&queue(q).recipient_id, msg(q, 1), 10));
                    let mut o = out.lock().unwrap();
                    writeln!(o, "ACK {q}").unwrap();
                    o.flush().unwrap();
                }
            });
        }
    });
}

#[test]
fn kill_9_keeps_every_acknowledged_write() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        let base = std::env::var(BASE_ENV).unwrap().parse().unwrap();
        crash_child(&dir, base);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for round in 0..3u32 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "kill_9_keeps_every_acknowledged_write",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, dir.path())
            .env(BASE_ENV, (round * 10_000_000).to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut acked = Vec::new();
        let started = Instant::now();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        while acked.len() < 300 && started.elapsed() < Duration::from_secs(60) {
            let Some(line) = lines.next() else { break };
            if let Some(q) = line.unwrap().strip_prefix("ACK ") {
                acked.push(q.parse::<u32>().unwrap());
            }
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        assert!(
            acked.len() >= 300,
            "round {round}: child acknowledged only {}",
            acked.len()
        );
        let s = DurableStore::open(StoreConfig::new(dir.path())).unwrap();
        assert!(
            s.load_info().generation > 0,
            "round {round}: no compaction happened"
        );
        for q in &acked {
            let rid = queue(*q).recipient_id;
            assert!(
                s.queue_by_recipient(&rid).unwrap().is_some(),
                "round {round}: queue {q} lost"
            );
            assert_eq!(
                s.peek(&rid).unwrap(),
                Some(smp_store::Msg::Message(msg(*q, 1)))
            );
        }
        s.close().unwrap();
    }
}
