//! Measures memory per idle queue and reload time at scale (run in release mode):
//! `cargo run -p smp-store --release --example measure -- 1000000 1000000`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use smp_store::{
    DhSecret, Durability, DurableStore, MemoryStore, Message, MsgStore, QueueId, QueueMode,
    QueueRec, QueueStatus, QueueStore, StoreConfig,
};

fn id(tag: u8, n: u32) -> QueueId {
    let mut id = [tag; 24];
    id[..4].copy_from_slice(&n.to_le_bytes());
    id[20..24].copy_from_slice(&n.wrapping_mul(2_654_435_761).to_le_bytes());
    id
}

/// A secured messaging queue as a relay typically holds: one recipient key, a sender key.
fn rec(n: u32) -> QueueRec {
    QueueRec {
        recipient_id: id(1, n),
        recipient_keys: vec![vec![0x30; 44]],
        rcv_dh_secret: DhSecret::new([7; 32]),
        sender_id: id(2, n),
        sender_key: Some(vec![0x31; 44]),
        queue_mode: Some(QueueMode::Messaging),
        link: None,
        notifier: None,
        status: QueueStatus::Active,
        updated_at: 1_699_920_000,
    }
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let args: Vec<u32> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let queues = args.first().copied().unwrap_or(1_000_000);
    let messages = args.get(1).copied().unwrap_or(queues).min(queues);

    let before = rss_kib();
    let mem = MemoryStore::new();
    for n in 0..queues {
        mem.add_queue(rec(n)).unwrap().wait_blocking().unwrap();
    }
    let after = rss_kib();
    println!(
        "memory: {queues} idle queues take {} MiB, {} bytes per queue",
        (after - before) / 1024,
        (after - before) * 1024 / u64::from(queues.max(1))
    );
    drop(mem);

    let dir = tempfile::tempdir().unwrap();
    let dir_path = match std::env::var("SMP_STORE_MEASURE_DIR") {
        Ok(d) => std::path::PathBuf::from(d),
        Err(_) => dir.path().to_path_buf(),
    };
    let mut cfg = StoreConfig::new(&dir_path);
    cfg.durability = Durability::None;
    let t = Instant::now();
    {
        let s = DurableStore::open(cfg.clone()).unwrap();
        for n in 0..queues {
            s.add_queue(rec(n)).unwrap().wait_blocking().unwrap();
        }
        for n in 0..messages {
            let msg = Message {
                id: id(9, n),
                ts: 1,
                ntf_flag: true,
                body: vec![0; 100],
            };
            s.write_msg(&id(1, n), msg, 128)
                .unwrap()
                .wait_blocking()
                .unwrap();
        }
        s.close().unwrap();
    }
    println!(
        "wrote {queues} queues and {messages} messages in {:?}",
        t.elapsed()
    );
    let log_len = std::fs::metadata(dir_path.join("log-0.bin")).unwrap().len();
    println!("log size: {} MiB", log_len >> 20);

    let t = Instant::now();
    let s = DurableStore::open(cfg.clone()).unwrap();
    println!(
        "reload from the log: {:?} ({:?})",
        t.elapsed(),
        s.load_info()
    );
    let t = Instant::now();
    // Measure how long changes stall while the snapshot is written.
    let done = std::sync::atomic::AtomicBool::new(false);
    let worst = std::thread::scope(|sc| {
        let probe = sc.spawn(|| {
            let mut worst = std::time::Duration::ZERO;
            let rid = id(1, 0);
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let t = Instant::now();
                s.update_time(&rid, 0).unwrap().wait_blocking().unwrap();
                s.update_time(&rid, 86_400)
                    .unwrap()
                    .wait_blocking()
                    .unwrap();
                worst = worst.max(t.elapsed());
            }
            worst
        });
        s.compact().unwrap();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        probe.join().unwrap()
    });
    println!(
        "compaction: {:?}, longest stall of changes meanwhile: {worst:?}",
        t.elapsed()
    );
    s.close().unwrap();

    // Compact away the probe's records, then time a reload from the snapshot alone.
    let mut compacting = cfg.clone();
    compacting.compact_on_open = true;
    DurableStore::open(compacting).unwrap().close().unwrap();
    let t = Instant::now();
    let s = DurableStore::open(cfg).unwrap();
    println!(
        "reload from the snapshot: {:?} ({:?})",
        t.elapsed(),
        s.load_info()
    );
    assert_eq!(s.queue_count().unwrap(), queues as usize);
    assert_eq!(s.counts().unwrap().messages, messages as usize);
    s.close().unwrap();
}
