//! The behaviour suite, run against every backend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use smp_store::{
    DeletedQueue, Message, Msg, QueueStatus, QueueStore, Store, StoreCounts, StoreError, Write,
};

fn add_and_get(s: &impl Store) {
    let q = full_queue(1);
    ok(s.add_queue(q.clone()));
    ok(s.add_queue(queue(2)));
    assert_eq!(
        s.queue_by_recipient(&q.recipient_id).unwrap(),
        Some(q.clone())
    );
    assert_eq!(s.queue_by_sender(&q.sender_id).unwrap(), Some(q.clone()));
    assert_eq!(
        s.queue_by_notifier(&notifier(1).notifier_id).unwrap(),
        Some(q.clone())
    );
    assert_eq!(
        s.queue_by_link(&link(1, b"").link_id).unwrap(),
        Some(q.clone())
    );
    assert_eq!(s.queue_by_recipient(&id(0xee)).unwrap(), None);
    assert_eq!(s.queue_by_sender(&q.recipient_id).unwrap(), None);
    assert_eq!(s.queue_by_notifier(&id(0xee)).unwrap(), None);
    assert_eq!(s.queue_by_link(&id(0xee)).unwrap(), None);
    assert_eq!(s.queue_count().unwrap(), 2);
    assert_eq!(s.counts().unwrap().notifiers, 1);
}

fn duplicate_ids(s: &impl Store) {
    ok(s.add_queue(full_queue(1)));
    let same_rid = full_queue(1);
    assert!(matches!(s.add_queue(same_rid), Err(StoreError::Duplicate)));
    let mut same_sid = queue(2);
    same_sid.sender_id = full_queue(1).sender_id;
    assert!(matches!(s.add_queue(same_sid), Err(StoreError::Duplicate)));
    let mut same_nid = queue(3);
    same_nid.notifier = Some(notifier(1));
    assert!(matches!(s.add_queue(same_nid), Err(StoreError::Duplicate)));
    let mut same_lid = queue(4);
    same_lid.link = Some(link(1, b"other"));
    assert!(matches!(s.add_queue(same_lid), Err(StoreError::Duplicate)));
    assert_eq!(s.queue_count().unwrap(), 1);
    // Nothing of the refused queues was indexed.
    assert_eq!(s.queue_by_recipient(&queue(3).recipient_id).unwrap(), None);
}

fn invalid_records(s: &impl Store) {
    let mut no_keys = queue(1);
    no_keys.recipient_keys.clear();
    assert!(matches!(s.add_queue(no_keys), Err(StoreError::Invalid(_))));
    ok(s.add_queue(queue(1)));
    let rid = queue(1).recipient_id;
    assert!(matches!(
        s.update_keys(&rid, vec![]),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.secure_queue(&rid, &[]),
        Err(StoreError::Invalid(_))
    ));
    let mut big = msg(1, 1);
    big.body = vec![0; smp_store::MAX_BODY + 1];
    assert!(matches!(
        s.write_msg(&rid, big, 10),
        Err(StoreError::Invalid(_))
    ));
    let huge_link = smp_store::LinkData {
        enc_user: vec![0; smp_store::MAX_LINK_PART + 1],
        ..link(1, b"f")
    };
    assert!(matches!(
        s.set_link(&rid, huge_link),
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(s.queue_size(&rid).unwrap(), 0);
}

fn secure_is_idempotent(s: &impl Store) {
    let q = queue(1);
    let rid = q.recipient_id;
    ok(s.add_queue(q));
    ok(s.secure_queue(&rid, b"key-1"));
    ok(s.secure_queue(&rid, b"key-1"));
    assert!(matches!(
        s.secure_queue(&rid, b"key-2"),
        Err(StoreError::Auth(_))
    ));
    let rec = s.queue_by_recipient(&rid).unwrap().unwrap();
    assert_eq!(rec.sender_key.as_deref(), Some(&b"key-1"[..]));
}

fn update_keys_replaces_list(s: &impl Store) {
    let rid = queue(1).recipient_id;
    ok(s.add_queue(queue(1)));
    ok(s.update_keys(&rid, vec![b"a".to_vec(), b"bb".to_vec(), b"ccc".to_vec()]));
    let rec = s.queue_by_recipient(&rid).unwrap().unwrap();
    assert_eq!(
        rec.recipient_keys,
        vec![b"a".to_vec(), b"bb".to_vec(), b"ccc".to_vec()]
    );
}

fn link_rules(s: &impl Store) {
    let rid = queue(1).recipient_id;
    ok(s.add_queue(queue(1)));
    ok(s.add_queue(full_queue(2)));
    // The link id of queue 2 cannot be taken by queue 1.
    assert!(matches!(
        s.set_link(&rid, link(2, b"f")),
        Err(StoreError::Duplicate)
    ));
    ok(s.set_link(&rid, link(1, b"fixed")));
    let mut newer = link(1, b"fixed");
    newer.enc_user = b"user 2".to_vec();
    ok(s.set_link(&rid, newer.clone()));
    assert_eq!(
        s.queue_by_link(&newer.link_id).unwrap().unwrap().link,
        Some(newer.clone())
    );
    assert!(matches!(
        s.set_link(&rid, link(1, b"other fixed")),
        Err(StoreError::Auth(_))
    ));
    let mut other_id = newer.clone();
    other_id.link_id = id(0x77);
    assert!(matches!(
        s.set_link(&rid, other_id.clone()),
        Err(StoreError::Auth(_))
    ));
    ok(s.delete_link(&rid));
    ok(s.delete_link(&rid));
    assert_eq!(s.queue_by_link(&newer.link_id).unwrap(), None);
    assert_eq!(s.queue_by_recipient(&rid).unwrap().unwrap().link, None);
    ok(s.set_link(&rid, other_id.clone()));
    assert_eq!(
        s.queue_by_link(&other_id.link_id)
            .unwrap()
            .unwrap()
            .recipient_id,
        rid
    );
}

fn notifier_rules(s: &impl Store) {
    let rid = queue(1).recipient_id;
    ok(s.add_queue(queue(1)));
    ok(s.add_queue(full_queue(2)));
    assert_eq!(ok(s.add_notifier(&rid, notifier(1))), None);
    assert_eq!(
        s.queue_by_notifier(&notifier(1).notifier_id)
            .unwrap()
            .unwrap()
            .recipient_id,
        rid
    );
    // The same notifier id again, or one used by another queue, is a duplicate.
    assert!(matches!(
        s.add_notifier(&rid, notifier(1)),
        Err(StoreError::Duplicate)
    ));
    assert!(matches!(
        s.add_notifier(&rid, notifier(2)),
        Err(StoreError::Duplicate)
    ));
    assert_eq!(ok(s.add_notifier(&rid, notifier(3))), Some(notifier(1)));
    assert_eq!(s.queue_by_notifier(&notifier(1).notifier_id).unwrap(), None);
    assert_eq!(s.counts().unwrap().notifiers, 2);
    assert_eq!(ok(s.delete_notifier(&rid)), Some(notifier(3)));
    assert_eq!(ok(s.delete_notifier(&rid)), None);
    assert_eq!(s.queue_by_notifier(&notifier(3).notifier_id).unwrap(), None);
    assert_eq!(s.counts().unwrap().notifiers, 1);
}

fn status_changes(s: &impl Store) {
    let rid = queue(1).recipient_id;
    ok(s.add_queue(queue(1)));
    let status = |s: &dyn QueueStore| s.queue_by_recipient(&rid).unwrap().unwrap().status;
    ok(s.suspend_queue(&rid));
    assert_eq!(status(s), QueueStatus::Off);
    ok(s.block_queue(&rid, "info".into()));
    assert_eq!(status(s), QueueStatus::Blocked("info".into()));
    ok(s.unblock_queue(&rid));
    assert_eq!(status(s), QueueStatus::Active);
}

fn update_time_is_daily(s: &impl Store) {
    let rid = queue(1).recipient_id;
    ok(s.add_queue(queue(1)));
    assert!(ok(s.update_time(&rid, 1_700_000_123)));
    assert!(!ok(s.update_time(&rid, 1_700_000_999)));
    assert_eq!(
        s.queue_by_recipient(&rid).unwrap().unwrap().updated_at,
        1_699_920_000
    );
    assert!(ok(s.update_time(&rid, 1_700_100_000)));
    assert_eq!(
        s.queue_by_recipient(&rid).unwrap().unwrap().updated_at,
        1_700_092_800
    );
}

fn quota_rule(s: &impl Store) {
    // The sequence follows MsgStore/STM.hs writeMsg with quota 3.
    let rid = queue(1).recipient_id;
    ok(s.add_queue(queue(1)));
    let w = |n| ok(s.write_msg(&rid, msg(n, i64::from(n)), 3));
    assert_eq!(w(1), Write::Stored { was_empty: true });
    assert_eq!(w(2), Write::Stored { was_empty: false });
    assert_eq!(w(3), Write::Stored { was_empty: false });
    // At quota: the marker takes the refused message's id and time.
    assert_eq!(w(4), Write::QuotaExceeded);
    assert_eq!(s.queue_size(&rid).unwrap(), 4);
    assert_eq!(w(5), Write::QuotaExceeded);
    assert_eq!(s.queue_size(&rid).unwrap(), 4);
    for n in 1..=3 {
        let m = s.peek(&rid).unwrap().unwrap();
        assert_eq!(m, Msg::Message(msg(n, i64::from(n))));
        assert_eq!(ok(s.del_msg(&rid, m.id())), Some(m));
    }
    // Only the marker is left: still refused, nothing stored.
    assert_eq!(w(6), Write::QuotaExceeded);
    assert_eq!(s.queue_size(&rid).unwrap(), 1);
    let marker = s.peek(&rid).unwrap().unwrap();
    assert_eq!(
        marker,
        Msg::Quota {
            id: msg(4, 0).id,
            ts: 4
        }
    );
    assert!(marker.is_quota());
    assert_eq!(ok(s.del_msg(&rid, marker.id())), Some(marker));
    // Fully drained: writing resumes.
    assert_eq!(w(7), Write::Stored { was_empty: true });
    assert_eq!(drain(s, &rid), vec![Msg::Message(msg(7, 7))]);
}

fn quota_resumes_only_when_empty(s: &impl Store) {
    let rid = queue(1).recipient_id;
    ok(s.add_queue(queue(1)));
    let w = |n| ok(s.write_msg(&rid, msg(n, 0), 2));
    assert_eq!(w(1), Write::Stored { was_empty: true });
    assert_eq!(w(2), Write::Stored { was_empty: false });
    assert_eq!(w(3), Write::QuotaExceeded);
    // Draining below quota does not reopen the queue while the marker is queued.
    ok(s.del_msg(&rid, &msg(1, 0).id));
    assert_eq!(w(4), Write::QuotaExceeded);
    assert_eq!(s.queue_size(&rid).unwrap(), 2);
    ok(s.del_msg(&rid, &msg(2, 0).id));
    assert_eq!(w(5), Write::QuotaExceeded);
    ok(s.del_msg(&rid, &msg(3, 0).id));
    assert_eq!(w(6), Write::Stored { was_empty: true });
    // A zero quota stores a marker at once.
    let rid2 = queue(2).recipient_id;
    ok(s.add_queue(queue(2)));
    assert_eq!(ok(s.write_msg(&rid2, msg(8, 0), 0)), Write::QuotaExceeded);
    assert_eq!(s.queue_size(&rid2).unwrap(), 1);
}

fn del_msg_needs_first_id(s: &impl Store) {
    let rid = queue(1).recipient_id;
    ok(s.add_queue(queue(1)));
    assert_eq!(ok(s.del_msg(&rid, &msg(1, 0).id)), None);
    assert_eq!(ok(s.del_peek(&rid, &msg(1, 0).id)), (None, None));
    for n in 1..=3 {
        ok(s.write_msg(&rid, msg(n, 0), 10));
    }
    let (m1, m2, m3) = (
        Msg::Message(msg(1, 0)),
        Msg::Message(msg(2, 0)),
        Msg::Message(msg(3, 0)),
    );
    assert_eq!(ok(s.del_msg(&rid, &msg(2, 0).id)), None);
    assert_eq!(
        ok(s.del_peek(&rid, &msg(3, 0).id)),
        (None, Some(m1.clone()))
    );
    assert_eq!(s.queue_size(&rid).unwrap(), 3);
    assert_eq!(
        ok(s.del_peek(&rid, &msg(1, 0).id)),
        (Some(m1), Some(m2.clone()))
    );
    assert_eq!(
        ok(s.del_peek(&rid, &msg(2, 0).id)),
        (Some(m2), Some(m3.clone()))
    );
    assert_eq!(ok(s.del_peek(&rid, &msg(3, 0).id)), (Some(m3), None));
    assert_eq!(s.queue_size(&rid).unwrap(), 0);
}

fn expiry(s: &impl Store) {
    let (r1, r2, r3) = (
        queue(1).recipient_id,
        queue(2).recipient_id,
        queue(3).recipient_id,
    );
    for n in 1..=3 {
        ok(s.add_queue(queue(n)));
    }
    for (n, ts) in [(1, 10), (2, 20), (3, 30), (4, 15)] {
        ok(s.write_msg(&r1, msg(n, ts), 10));
    }
    ok(s.write_msg(&r2, msg(5, 5), 10));
    // Quota markers expire like messages.
    ok(s.write_msg(&r3, msg(6, 7), 0));
    assert_eq!(ok(s.expire(Some(&r1), 25)), 2);
    assert_eq!(s.peek(&r1).unwrap().unwrap().id(), &msg(3, 0).id);
    // Expiry stops at the first young entry, even if older ones follow.
    assert_eq!(ok(s.expire(Some(&r1), 25)), 0);
    assert_eq!(ok(s.expire(None, 8)), 2);
    assert_eq!(s.queue_size(&r2).unwrap(), 0);
    assert_eq!(s.queue_size(&r3).unwrap(), 0);
    assert_eq!(ok(s.expire(None, 100)), 2);
    assert_eq!(s.counts().unwrap().messages, 0);
    assert!(matches!(
        s.expire(Some(&id(0xee)), 1),
        Err(StoreError::NoQueue)
    ));
}

fn delete_removes_messages(s: &impl Store) {
    let q = full_queue(1);
    let rid = q.recipient_id;
    ok(s.add_queue(q.clone()));
    ok(s.add_queue(queue(2)));
    ok(s.write_msg(&rid, msg(1, 0), 10));
    ok(s.write_msg(&rid, msg(2, 0), 10));
    ok(s.write_msg(&queue(2).recipient_id, msg(3, 0), 10));
    assert_eq!(
        ok(s.delete_queue(&rid)),
        DeletedQueue {
            rec: q.clone(),
            msg_count: 2
        }
    );
    assert_eq!(s.queue_by_recipient(&rid).unwrap(), None);
    assert_eq!(s.queue_by_sender(&q.sender_id).unwrap(), None);
    assert_eq!(s.queue_by_notifier(&notifier(1).notifier_id).unwrap(), None);
    assert_eq!(s.queue_by_link(&link(1, b"").link_id).unwrap(), None);
    assert!(matches!(s.peek(&rid), Err(StoreError::NoQueue)));
    let c = s.counts().unwrap();
    assert_eq!(
        c,
        StoreCounts {
            queues: 1,
            notifiers: 0,
            messages: 1,
            msg_bytes: 9
        }
    );
    // The ids can be used again.
    ok(s.add_queue(q));
    assert_eq!(s.queue_size(&rid).unwrap(), 0);
}

fn missing_queue(s: &impl Store) {
    let rid = id(0xee);
    let no = |r: Result<_, StoreError>| matches!(r, Err(StoreError::NoQueue));
    assert!(no(s.secure_queue(&rid, b"k").map(drop)));
    assert!(no(s.update_keys(&rid, vec![b"k".to_vec()]).map(drop)));
    assert!(no(s.set_link(&rid, link(1, b"f")).map(drop)));
    assert!(no(s.delete_link(&rid).map(drop)));
    assert!(no(s.add_notifier(&rid, notifier(1)).map(drop)));
    assert!(no(s.delete_notifier(&rid).map(drop)));
    assert!(no(s.suspend_queue(&rid).map(drop)));
    assert!(no(s.block_queue(&rid, String::new()).map(drop)));
    assert!(no(s.unblock_queue(&rid).map(drop)));
    assert!(no(s.update_time(&rid, 1).map(drop)));
    assert!(no(s.delete_queue(&rid).map(drop)));
    assert!(no(s.write_msg(&rid, msg(1, 0), 1).map(drop)));
    assert!(no(s.peek(&rid).map(drop)));
    assert!(no(s.del_msg(&rid, &[0; 24]).map(drop)));
    assert!(no(s.del_peek(&rid, &[0; 24]).map(drop)));
    assert!(no(s.queue_size(&rid).map(drop)));
}

fn counts_track_bytes(s: &impl Store) {
    let rid = queue(1).recipient_id;
    ok(s.add_queue(queue(1)));
    let body = |n: usize| Message {
        id: [n as u8; 24],
        ts: 0,
        ntf_flag: false,
        body: vec![1; n],
    };
    ok(s.write_msg(&rid, body(10), 2));
    ok(s.write_msg(&rid, body(20), 2));
    ok(s.write_msg(&rid, body(30), 2));
    assert_eq!(
        s.counts().unwrap(),
        StoreCounts {
            queues: 1,
            notifiers: 0,
            messages: 3,
            msg_bytes: 30
        }
    );
    ok(s.del_msg(&rid, &[10; 24]));
    assert_eq!(s.counts().unwrap().msg_bytes, 20);
}

fn async_wait(s: &impl Store) {
    let rid = queue(1).recipient_id;
    block_on(s.add_queue(queue(1)).unwrap().wait()).unwrap();
    let w = block_on(s.write_msg(&rid, msg(1, 0), 5).unwrap().wait()).unwrap();
    assert_eq!(w, Write::Stored { was_empty: true });
    let c = s.del_msg(&rid, &msg(1, 0).id).unwrap();
    assert_eq!(c.value().as_ref().map(|m| *m.id()), Some(msg(1, 0).id));
    assert!(block_on(c.wait()).unwrap().is_some());
}

macro_rules! suite {
    ($($name:ident),* $(,)?) => {
        mod memory {
            $(
                #[test]
                fn $name() {
                    super::$name(&smp_store::MemoryStore::new());
                }
            )*
        }
        mod durable {
            $(
                #[test]
                fn $name() {
                    let dir = tempfile::tempdir().unwrap();
                    let cfg = smp_store::StoreConfig::new(dir.path());
                    let s = smp_store::DurableStore::open(cfg).unwrap();
                    super::$name(&s);
                    s.close().unwrap();
                }
            )*
        }
        mod durable_os {
            $(
                #[test]
                fn $name() {
                    let dir = tempfile::tempdir().unwrap();
                    let mut cfg = smp_store::StoreConfig::new(dir.path());
                    cfg.durability = smp_store::Durability::Os;
                    let s = smp_store::DurableStore::open(cfg).unwrap();
                    super::$name(&s);
                    s.close().unwrap();
                }
            )*
        }
    };
}

suite!(
    add_and_get,
    duplicate_ids,
    invalid_records,
    secure_is_idempotent,
    update_keys_replaces_list,
    link_rules,
    notifier_rules,
    status_changes,
    update_time_is_daily,
    quota_rule,
    quota_resumes_only_when_empty,
    del_msg_needs_first_id,
    expiry,
    delete_removes_messages,
    missing_queue,
    counts_track_bytes,
    async_wait,
);

#[test]
fn commit_futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    fn assert_sync<T: Send + Sync>() {}
    assert_sync::<smp_store::DurableStore>();
    assert_sync::<smp_store::MemoryStore>();
    let dir = tempfile::tempdir().unwrap();
    let s = smp_store::DurableStore::open(smp_store::StoreConfig::new(dir.path())).unwrap();
    let fut = s.add_queue(queue(1)).unwrap().wait();
    assert_send(&fut);
    block_on(fut).unwrap();
}
