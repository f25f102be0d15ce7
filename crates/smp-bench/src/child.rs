//! Steps run in a fresh child process, so that their RSS and timings are their own.
//!
//! Each prints `READY` when it starts and `RESULT key=value ...` when done.

use crate::cli::{ChildCmd, StoreKind};
use crate::proc::rss_kib;
use anyhow::{Context, Result};
use smp_store::{
    DhSecret, DurableStore, MemoryStore, Message, MsgStore, NotifierCreds, QueueMode, QueueRec,
    QueueStatus, Store, StoreConfig,
};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// Changes between waits for durability while filling a store (bounds the pending log).
const WAIT_EVERY: u32 = 10_000;

/// Runs a child step.
pub fn run(c: &ChildCmd) -> Result<()> {
    say("READY")?;
    match c {
        ChildCmd::StoreFill {
            queues,
            store,
            notifier,
        } => store_fill(*queues, *store, *notifier),
        ChildCmd::RestartFill { dir, queues, size } => restart_fill(dir, *queues, *size),
        ChildCmd::RestartOpen { dir } => restart_open(dir),
    }
}

fn say(line: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").context("stdout")?;
    out.flush().context("stdout")
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    rand::fill(&mut b[..]);
    b
}

/// Length of an Ed25519 public key as SPKI DER.
const SPKI_LEN: usize = 44;

/// A secured messaging queue as the relay stores it: random ids, one recipient key, a
/// sender key (opaque SPKI-sized bytes), and optionally notifier credentials.
pub fn queue_rec(notifier: bool) -> QueueRec {
    QueueRec {
        recipient_id: random(),
        recipient_keys: vec![random::<SPKI_LEN>().to_vec()],
        rcv_dh_secret: DhSecret::new(random()),
        sender_id: random(),
        sender_key: Some(random::<SPKI_LEN>().to_vec()),
        queue_mode: Some(QueueMode::Messaging),
        link: None,
        notifier: notifier.then(|| NotifierCreds {
            notifier_id: random(),
            notifier_key: random::<SPKI_LEN>().to_vec(),
            rcv_ntf_dh_secret: DhSecret::new(random()),
        }),
        status: QueueStatus::Active,
        updated_at: smp_store::round_to_day(1_700_000_000),
    }
}

/// Adds `n` queues (and a message of `body` bytes to each when `body` is some), waiting
/// for durability every [`WAIT_EVERY`] changes and at the end.
fn fill(s: &dyn Store, n: u32, notifier: bool, body: Option<usize>) -> Result<()> {
    // Messages are stamped now: the relay deletes messages older than its expiry on start.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    for i in 0..n {
        let rec = queue_rec(notifier);
        let rid = rec.recipient_id;
        let mut c = s.add_queue(rec).context("add_queue")?;
        if let Some(len) = body {
            let msg = Message {
                id: random(),
                ts: now,
                ntf_flag: false,
                body: vec![0x5a; len],
            };
            c = s
                .write_msg(&rid, msg, 128)
                .context("write_msg")?
                .map(|_| ());
        }
        if (i + 1) % WAIT_EVERY == 0 || i + 1 == n {
            c.wait_blocking().context("commit")?;
        }
    }
    Ok(())
}

fn store_fill(n: u32, kind: StoreKind, notifier: bool) -> Result<()> {
    let tmp = tempfile::tempdir().context("temporary dir")?;
    let store: Box<dyn Store> = match kind {
        StoreKind::Memory => Box::new(MemoryStore::new()),
        StoreKind::Durable => Box::new(DurableStore::open(StoreConfig::new(tmp.path()))?),
    };
    let before = rss_kib("self")?;
    let t = Instant::now();
    fill(store.as_ref(), n, notifier, None)?;
    let secs = t.elapsed().as_secs_f64();
    let after = rss_kib("self")?;
    let count = store.queue_count()?;
    say(&format!(
        "RESULT rss_before_kb={before} rss_after_kb={after} queues={count} secs={secs:.3}"
    ))?;
    drop(store);
    Ok(())
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok()?.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn restart_fill(dir: &Path, n: u32, size: u32) -> Result<()> {
    let t = Instant::now();
    let s = DurableStore::open(StoreConfig::new(dir))?;
    fill(&s, n, false, Some(size as usize))?;
    let counts = s.counts()?;
    s.close()?;
    say(&format!(
        "RESULT secs={:.3} queues={} messages={} bytes={}",
        t.elapsed().as_secs_f64(),
        counts.queues,
        counts.messages,
        dir_bytes(dir)
    ))
}

fn restart_open(dir: &Path) -> Result<()> {
    let t = Instant::now();
    let s = DurableStore::open(StoreConfig::new(dir))?;
    let open = t.elapsed();
    let counts = s.counts()?;
    let info = s.load_info().clone();
    let rss = rss_kib("self")?;
    s.close()?;
    say(&format!(
        "RESULT open_ms={:.1} queues={} messages={} rss_kb={rss} snapshot_records={} log_records={} bytes={}",
        open.as_secs_f64() * 1e3,
        counts.queues,
        counts.messages,
        info.snapshot_records,
        info.log_records,
        dir_bytes(dir)
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn fill_then_reopen() {
        let tmp = tempfile::tempdir().unwrap();
        let s = DurableStore::open(StoreConfig::new(tmp.path())).unwrap();
        fill(&s, 25, true, Some(10)).unwrap();
        assert_eq!(s.counts().unwrap().messages, 25);
        assert_eq!(s.counts().unwrap().notifiers, 25);
        s.close().unwrap();
        let s = DurableStore::open(StoreConfig::new(tmp.path())).unwrap();
        assert_eq!(s.counts().unwrap().queues, 25);
        assert!(dir_bytes(tmp.path()) > 25 * 100);
        s.close().unwrap();
    }
}
