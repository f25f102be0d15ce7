//! Throughput of message write + delete with Fsync (group commit), and reload time.
//!
//! Sizes are small by default; set `SMP_STORE_BENCH_QUEUES` for a bigger reload.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use smp_store::{
    DhSecret, Durability, DurableStore, Message, MsgStore, QueueId, QueueMode, QueueRec,
    QueueStatus, QueueStore, StoreConfig,
};

fn id(tag: u8, n: u32) -> QueueId {
    let mut id = [tag; 24];
    id[..4].copy_from_slice(&n.to_le_bytes());
    id
}

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

const WRITERS: u32 = 64;
const BODY: usize = 256;

/// Each of `WRITERS` threads sends and acknowledges messages on its own queue, waiting
/// for durability each time, as relay clients do. Returns the elapsed time for `per_thread`
/// messages per thread.
fn write_delete(s: &DurableStore, per_thread: u64) -> Duration {
    let start = Instant::now();
    std::thread::scope(|sc| {
        for t in 0..WRITERS {
            sc.spawn(move || {
                let rid = id(1, t);
                for n in 0..per_thread {
                    let mut mid = [9u8; 24];
                    mid[..8].copy_from_slice(&n.to_le_bytes());
                    let msg = Message {
                        id: mid,
                        ts: 1,
                        ntf_flag: false,
                        body: vec![0; BODY],
                    };
                    s.write_msg(&rid, msg, 128)
                        .unwrap()
                        .wait_blocking()
                        .unwrap();
                    s.del_msg(&rid, &mid)
                        .unwrap()
                        .wait_blocking()
                        .unwrap()
                        .unwrap();
                }
            });
        }
    });
    start.elapsed()
}

fn bench_write_delete(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = StoreConfig::new(dir.path());
    cfg.durability = Durability::Fsync;
    let s = DurableStore::open(cfg).unwrap();
    for t in 0..WRITERS {
        s.add_queue(rec(t)).unwrap().wait_blocking().unwrap();
    }
    let mut g = c.benchmark_group("fsync");
    g.throughput(Throughput::Elements(u64::from(WRITERS)));
    g.sample_size(10);
    g.bench_function("write+delete message, 64 writers", |b| {
        b.iter_custom(|iters| write_delete(&s, iters));
    });
    g.finish();
}

fn bench_reload(c: &mut Criterion) {
    let queues: u32 = std::env::var("SMP_STORE_BENCH_QUEUES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = StoreConfig::new(dir.path());
    cfg.durability = Durability::None;
    {
        let s = DurableStore::open(cfg.clone()).unwrap();
        for n in 0..queues {
            s.add_queue(rec(n)).unwrap().wait_blocking().unwrap();
            let msg = Message {
                id: id(9, n),
                ts: 1,
                ntf_flag: true,
                body: vec![0; BODY],
            };
            s.write_msg(&id(1, n), msg, 128)
                .unwrap()
                .wait_blocking()
                .unwrap();
        }
        s.close().unwrap();
    }
    let mut g = c.benchmark_group("reload");
    g.throughput(Throughput::Elements(u64::from(queues)));
    g.sample_size(10);
    g.bench_function(format!("{queues} queues + {queues} messages"), |b| {
        b.iter(|| {
            let s = DurableStore::open(cfg.clone()).unwrap();
            assert_eq!(s.queue_count().unwrap(), queues as usize);
            s.close().unwrap();
        });
    });
    g.finish();
}

criterion_group!(benches, bench_write_delete, bench_reload);
criterion_main!(benches);
