//! Helpers shared by the integration tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::Thread;

use smp_store::{
    Commit, DhSecret, LinkData, Message, Msg, MsgStore, NotifierCreds, QueueId, QueueMode,
    QueueRec, QueueStatus, QueueStore, Result,
};

/// Waits for a change to be durable and returns its result, failing the test on error.
pub fn ok<T>(r: Result<Commit<T>>) -> T {
    r.unwrap().wait_blocking().unwrap()
}

/// An id filled with one byte.
pub fn id(b: u8) -> QueueId {
    [b; 24]
}

/// An id made from a number (for many queues).
pub fn num_id(tag: u8, n: u32) -> QueueId {
    let mut id = [tag; 24];
    id[..4].copy_from_slice(&n.to_le_bytes());
    id
}

/// A plain messaging queue whose ids derive from `n`.
pub fn queue(n: u32) -> QueueRec {
    QueueRec {
        recipient_id: num_id(1, n),
        recipient_keys: vec![vec![0x30; 44]],
        rcv_dh_secret: DhSecret::new([n as u8; 32]),
        sender_id: num_id(2, n),
        sender_key: None,
        queue_mode: Some(QueueMode::Messaging),
        link: None,
        notifier: None,
        status: QueueStatus::Active,
        updated_at: 0,
    }
}

/// A queue with every optional part set.
pub fn full_queue(n: u32) -> QueueRec {
    QueueRec {
        sender_key: Some(vec![0x31; 44]),
        queue_mode: Some(QueueMode::Contact),
        link: Some(link(n, b"fixed")),
        notifier: Some(notifier(n)),
        status: QueueStatus::Blocked("{\"reason\":\"spam\"}".into()),
        updated_at: 1_699_920_000,
        recipient_keys: vec![vec![0x32; 44], vec![0x33; 44]],
        ..queue(n)
    }
}

pub fn link(n: u32, fixed: &[u8]) -> LinkData {
    LinkData {
        link_id: num_id(3, n),
        enc_fixed: fixed.to_vec(),
        enc_user: b"user".to_vec(),
    }
}

pub fn notifier(n: u32) -> NotifierCreds {
    NotifierCreds {
        notifier_id: num_id(4, n),
        notifier_key: vec![0x34; 44],
        rcv_ntf_dh_secret: DhSecret::new([0x35; 32]),
    }
}

/// A message with a body derived from its number.
pub fn msg(n: u32, ts: i64) -> Message {
    Message {
        id: num_id(9, n),
        ts,
        ntf_flag: n.is_multiple_of(2),
        body: format!("message {n}").into_bytes(),
    }
}

/// Everything observable about the given queues: records and all entries (drains them).
pub fn dump<S: QueueStore + MsgStore>(s: &S, rids: &[QueueId]) -> Vec<(QueueRec, Vec<Msg>)> {
    let mut out = Vec::new();
    for rid in rids {
        let Some(rec) = s.queue_by_recipient(rid).unwrap() else {
            continue;
        };
        out.push((rec, drain(s, rid)));
    }
    out
}

/// Drains a queue, returning all its entries in order.
pub fn drain<S: MsgStore>(s: &S, rid: &QueueId) -> Vec<Msg> {
    let mut out = Vec::new();
    while let Some(m) = s.peek(rid).unwrap() {
        let deleted = ok(s.del_msg(rid, m.id())).unwrap();
        out.push(deleted);
    }
    out
}

struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs a future to completion on this thread (enough for `Commit::wait`).
pub fn block_on<F: Future>(f: F) -> F::Output {
    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut f = pin!(f);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::park();
    }
}
