//! Typed reads and writes of every table.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{
    SERVER, SERVER2, add_rcv_queue, add_snd_queue, new_conn, open_fresh, tx, user_and_conn,
};
use simplex_agent::store::{
    ConfirmationId, ConnId, ConnMode, ConnStatus, DeliveryStatus, Integrity, InternalId,
    InvitationId, MsgType, NewCommand, NewConfirmation, NewDelivery, NewInvitation, NewRcvMessage,
    NewSndMessage, QueueMode, QueueStatus, RcvQueueId, ServerId, SndQueueId, StoreError, Timestamp,
    UserId,
};

fn not_found(r: Result<(), StoreError>) -> bool {
    matches!(r, Err(StoreError::NotFound(_)))
}

#[test]
fn users() {
    let (_dir, store) = open_fresh();
    tx(&store, |tx| {
        assert!(tx.users()?.is_empty());
        let a = tx.create_user()?;
        let b = tx.create_user()?;
        assert_ne!(a, b);
        let all: Vec<UserId> = tx.users()?.iter().map(|u| u.user_id).collect();
        assert_eq!(all, vec![a, b]);
        let ua = tx.user(a)?.unwrap();
        assert!(ua.created_at.0 > 0 && ua.created_at <= Timestamp::now());
        tx.delete_user(a)?;
        assert!(tx.user(a)?.is_none());
        assert!(not_found(tx.delete_user(a)));
        Ok(())
    });
}

#[test]
fn servers() {
    let (_dir, store) = open_fresh();
    let password_address = "smp://aGFzaA:hunter2@relay.example:443";
    tx(&store, |tx| {
        let user = tx.create_user()?;
        let other = tx.create_user()?;
        let s1 = tx.add_server(user, SERVER, true)?;
        let s2 = tx.add_server(user, password_address, false)?;
        // the same address for another user is fine, twice for one user is not
        tx.add_server(other, SERVER, true)?;
        let dup = tx.add_server(user, SERVER, true).unwrap_err();
        assert!(dup.is_constraint_violation(), "{dup:?}");

        let list = tx.servers(user)?;
        assert_eq!(
            list.iter().map(|s| s.server_id).collect::<Vec<_>>(),
            vec![s1, s2]
        );
        assert_eq!(list[1].address, password_address);
        assert!(list[0].enabled && !list[1].enabled);
        let shown = format!("{:?}", list[1]);
        assert!(
            !shown.contains("hunter2") && shown.contains("relay.example"),
            "{shown}"
        );

        tx.set_server_enabled(s2, true)?;
        assert!(tx.server(s2)?.unwrap().enabled);
        tx.delete_server(s1)?;
        assert!(tx.server(s1)?.is_none());
        assert_eq!(tx.servers(user)?.len(), 1);
        assert!(not_found(tx.set_server_enabled(s1, true)));
        assert!(not_found(tx.delete_server(ServerId(999))));
        Ok(())
    });
}

#[test]
fn connections() {
    let (_dir, store) = open_fresh();
    tx(&store, |tx| {
        let user = tx.create_user()?;
        let a = tx.create_conn(&new_conn(user))?;
        let b = tx.create_conn(&simplex_agent::store::NewConn {
            mode: ConnMode::Contact,
            status: ConnStatus::Pending,
            ..new_conn(user)
        })?;
        assert_ne!(a, b);
        assert!(a.as_str().len() >= 16, "12+ random bytes in base64url");

        let ca = tx.conn(&a)?.unwrap();
        assert_eq!(ca.user_id, user);
        assert_eq!(ca.mode, ConnMode::Invitation);
        assert_eq!(ca.status, ConnStatus::New);
        assert_eq!(ca.agent_version, 7);
        assert!(ca.pq_support && !ca.pq_encryption);
        assert_eq!(ca.last_internal_id, InternalId(0));
        assert_eq!((ca.last_snd_msg_id, ca.last_rcv_snd_msg_id), (0, 0));
        assert!(ca.last_snd_hash.is_empty() && ca.last_rcv_hash.is_empty());
        assert_eq!(ca.created_at, ca.updated_at);

        assert_eq!(tx.conns(user)?.len(), 2);
        assert_eq!(tx.conn(&b)?.unwrap().mode, ConnMode::Contact);

        tx.set_conn_status(&a, ConnStatus::Active)?;
        tx.set_conn_agent_version(&a, 8)?;
        tx.set_conn_pq(&a, false, true)?;
        let ca = tx.conn(&a)?.unwrap();
        assert_eq!(ca.status, ConnStatus::Active);
        assert_eq!(ca.agent_version, 8);
        assert!(!ca.pq_support && ca.pq_encryption);
        assert!(ca.updated_at >= ca.created_at);

        let active: Vec<ConnId> = tx
            .conns_with_status(ConnStatus::Active)?
            .into_iter()
            .map(|c| c.conn_id)
            .collect();
        assert_eq!(active, vec![a.clone()]);

        tx.delete_conn(&a)?;
        assert!(tx.conn(&a)?.is_none());
        let missing = ConnId::from("no-such-connection");
        assert!(tx.conn(&missing)?.is_none());
        assert!(not_found(tx.set_conn_status(&missing, ConnStatus::Active)));
        assert!(not_found(tx.delete_conn(&a)));
        Ok(())
    });
}

#[test]
fn receive_queues() {
    let (_dir, store) = open_fresh();
    let (user, conn) = user_and_conn(&store);
    tx(&store, |tx| {
        let q1 = add_rcv_queue(tx, &conn, SERVER, b"rcv-1");
        let q = tx.rcv_queue(q1)?.unwrap();
        assert_eq!(q.conn_id, conn);
        assert_eq!(q.server, SERVER);
        assert_eq!(q.rcv_id, b"rcv-1");
        assert_eq!(q.rcv_auth_key.as_bytes(), b"rcv-auth-pkcs8");
        assert_eq!(q.rcv_dh_secret.as_bytes(), b"rcv-dh-secret");
        assert_eq!(q.e2e_private_key.as_bytes(), b"e2e-private");
        assert!(q.e2e_dh_secret.is_none());
        assert_eq!(q.snd_id, b"sender-id");
        assert_eq!(q.queue_mode, Some(QueueMode::Messaging));
        assert_eq!(q.status, QueueStatus::New);
        assert!(q.primary);
        assert!(q.replaced_queue_id.is_none() && q.last_broker_msg_id.is_none());
        let shown = format!("{q:?}");
        assert!(!shown.contains("rcv-dh-secret") && !shown.contains("114, 99, 118, 45, 100"));

        // lookup for an incoming MSG: both the relay and the id must match
        let found = tx.rcv_queue_by_rcv_id(SERVER, b"rcv-1")?.unwrap();
        assert_eq!(found.rcv_queue_id, q1);
        assert!(tx.rcv_queue_by_rcv_id(SERVER2, b"rcv-1")?.is_none());
        assert!(tx.rcv_queue_by_rcv_id(SERVER, b"rcv-2")?.is_none());
        // the same recipient id on another relay is another queue; on the same relay it is refused
        let q2 = add_rcv_queue(tx, &conn, SERVER2, b"rcv-1");
        let dup = tx
            .insert_rcv_queue(&simplex_agent::store::NewRcvQueue {
                conn_id: &conn,
                server: SERVER,
                rcv_id: b"rcv-1",
                rcv_auth_key: b"k",
                rcv_dh_secret: b"s",
                e2e_private_key: b"e",
                e2e_dh_secret: None,
                snd_id: b"x",
                queue_mode: None,
                status: QueueStatus::New,
                primary: false,
                replaced_queue_id: None,
            })
            .unwrap_err();
        assert!(dup.is_constraint_violation());

        tx.set_rcv_queue_status(q1, QueueStatus::Active)?;
        tx.set_rcv_queue_e2e_secret(q1, b"e2e-shared")?;
        tx.set_last_broker_msg(q1, b"broker-7", Timestamp(1_700_000_000_000))?;
        let q = tx.rcv_queue(q1)?.unwrap();
        assert_eq!(q.status, QueueStatus::Active);
        assert_eq!(q.e2e_dh_secret.unwrap().as_bytes(), b"e2e-shared");
        assert_eq!(q.last_broker_msg_id.as_deref(), Some(&b"broker-7"[..]));
        assert_eq!(q.last_broker_ts, Some(Timestamp(1_700_000_000_000)));

        // rotation: q3 replaces q1 and becomes the only primary
        let q3 = tx.insert_rcv_queue(&simplex_agent::store::NewRcvQueue {
            conn_id: &conn,
            server: SERVER2,
            rcv_id: b"rcv-3",
            rcv_auth_key: b"k",
            rcv_dh_secret: b"s",
            e2e_private_key: b"e",
            e2e_dh_secret: Some(b"e2e"),
            snd_id: b"x",
            queue_mode: Some(QueueMode::Contact),
            status: QueueStatus::New,
            primary: false,
            replaced_queue_id: Some(q1),
        })?;
        tx.set_primary_rcv_queue(q3)?;
        let primaries: Vec<(RcvQueueId, bool)> = tx
            .rcv_queues(&conn)?
            .iter()
            .map(|q| (q.rcv_queue_id, q.primary))
            .collect();
        assert_eq!(primaries, vec![(q1, false), (q2, false), (q3, true)]);
        assert_eq!(tx.rcv_queue(q3)?.unwrap().replaced_queue_id, Some(q1));
        assert!(not_found(tx.set_primary_rcv_queue(RcvQueueId(999))));

        // subscriptions: disabled queues and deleted connections are left out
        let other = tx.create_conn(&new_conn(user))?;
        let q4 = add_rcv_queue(tx, &other, SERVER, b"rcv-4");
        tx.set_rcv_queue_status(q2, QueueStatus::Disabled)?;
        let subs: Vec<RcvQueueId> = tx
            .rcv_queues_to_subscribe()?
            .iter()
            .map(|q| q.rcv_queue_id)
            .collect();
        // ordered by relay address, then id
        assert_eq!(subs, vec![q1, q4, q3]);
        tx.set_conn_status(&other, ConnStatus::Deleted)?;
        let subs: Vec<RcvQueueId> = tx
            .rcv_queues_to_subscribe()?
            .iter()
            .map(|q| q.rcv_queue_id)
            .collect();
        assert_eq!(subs, vec![q1, q3]);

        // deleting the replaced queue clears the reference
        tx.delete_rcv_queue(q1)?;
        assert!(tx.rcv_queue(q1)?.is_none());
        assert_eq!(tx.rcv_queue(q3)?.unwrap().replaced_queue_id, None);
        assert!(not_found(tx.delete_rcv_queue(q1)));
        assert!(not_found(tx.set_rcv_queue_status(q1, QueueStatus::New)));
        Ok(())
    });
}

#[test]
fn send_queues() {
    let (_dir, store) = open_fresh();
    let (_user, conn) = user_and_conn(&store);
    tx(&store, |tx| {
        let s1 = add_snd_queue(tx, &conn, b"snd-1");
        let q = tx.snd_queue(s1)?.unwrap();
        assert_eq!(q.conn_id, conn);
        assert_eq!(q.server, SERVER2);
        assert_eq!(q.snd_id, b"snd-1");
        assert_eq!(q.snd_auth_key.as_bytes(), b"snd-auth-pkcs8");
        assert_eq!(q.e2e_peer_key, b"peer-e2e-public");
        assert_eq!(q.e2e_dh_secret.as_bytes(), b"snd-e2e-secret");
        assert_eq!(
            (q.queue_mode, q.status, q.primary),
            (None, QueueStatus::New, true)
        );
        assert!(!format!("{q:?}").contains("snd-e2e-secret"));

        let s2 = add_snd_queue(tx, &conn, b"snd-2");
        tx.set_primary_snd_queue(s2)?;
        tx.set_snd_queue_status(s1, QueueStatus::Secured)?;
        let qs: Vec<(SndQueueId, bool, QueueStatus)> = tx
            .snd_queues(&conn)?
            .iter()
            .map(|q| (q.snd_queue_id, q.primary, q.status))
            .collect();
        assert_eq!(
            qs,
            vec![
                (s1, false, QueueStatus::Secured),
                (s2, true, QueueStatus::New)
            ]
        );

        tx.delete_snd_queue(s1)?;
        assert!(tx.snd_queue(s1)?.is_none());
        assert!(not_found(tx.delete_snd_queue(s1)));
        assert!(not_found(tx.set_snd_queue_status(s1, QueueStatus::Active)));
        Ok(())
    });
}

#[test]
fn ratchets_and_skipped_keys() {
    let (_dir, store) = open_fresh();
    let (_user, conn) = user_and_conn(&store);
    tx(&store, |tx| {
        assert!(tx.ratchet(&conn)?.is_none());
        // skipped keys need a ratchet row
        let err = tx.insert_skipped_key(&conn, b"hk", 1, b"mk").unwrap_err();
        assert!(err.is_constraint_violation());

        tx.create_pending_ratchet(&conn, b"x448-private-1", b"x448-private-2", Some(b"kem"))?;
        let r = tx.ratchet(&conn)?.unwrap();
        assert!(r.state.is_none());
        let x3dh = r.x3dh.unwrap();
        assert_eq!(x3dh.key_1.as_bytes(), b"x448-private-1");
        assert_eq!(x3dh.key_2.as_bytes(), b"x448-private-2");
        assert_eq!(x3dh.pq_kem.unwrap().as_bytes(), b"kem");
        assert!(tx.create_pending_ratchet(&conn, b"a", b"b", None).is_err());

        // the first state ends the handshake: the X3DH keys go
        tx.save_ratchet_state(&conn, b"state-1")?;
        let r = tx.ratchet(&conn)?.unwrap();
        assert_eq!(r.state.as_ref().unwrap().as_bytes(), b"state-1");
        assert!(r.x3dh.is_none());
        assert!(!format!("{r:?}").contains("state-1"));
        tx.save_ratchet_state(&conn, b"state-2")?;
        assert_eq!(
            tx.ratchet(&conn)?.unwrap().state.unwrap().as_bytes(),
            b"state-2"
        );

        tx.insert_skipped_key(&conn, b"hk-b", 5, b"mk-b5")?;
        tx.insert_skipped_key(&conn, b"hk-a", 9, b"mk-a9")?;
        tx.insert_skipped_key(&conn, b"hk-a", 3, b"mk-a3")?;
        tx.insert_skipped_key(&conn, b"hk-a", 3, b"mk-a3-again")?;
        let keys: Vec<(Vec<u8>, u32, Vec<u8>)> = tx
            .skipped_keys(&conn)?
            .iter()
            .map(|k| {
                (
                    k.header_key.as_bytes().to_vec(),
                    k.msg_n,
                    k.msg_key.as_bytes().to_vec(),
                )
            })
            .collect();
        assert_eq!(
            keys,
            vec![
                (b"hk-a".to_vec(), 3, b"mk-a3-again".to_vec()),
                (b"hk-a".to_vec(), 9, b"mk-a9".to_vec()),
                (b"hk-b".to_vec(), 5, b"mk-b5".to_vec()),
            ]
        );
        assert!(tx.delete_skipped_key(&conn, b"hk-a", 3)?);
        assert!(!tx.delete_skipped_key(&conn, b"hk-a", 3)?);
        assert_eq!(tx.skipped_keys(&conn)?.len(), 2);

        // dropping the ratchet (resync) drops its skipped keys
        tx.delete_ratchet(&conn)?;
        assert!(tx.ratchet(&conn)?.is_none());
        assert!(tx.skipped_keys(&conn)?.is_empty());
        assert!(not_found(tx.delete_ratchet(&conn)));
        // the joining side stores a state directly
        tx.save_ratchet_state(&conn, b"joiner-state")?;
        assert!(tx.ratchet(&conn)?.unwrap().state.is_some());
        Ok(())
    });
}

fn snd_msg<'a>(conn: &'a ConnId, id: i64, prev: &'a [u8], hash: &'a [u8]) -> NewSndMessage<'a> {
    NewSndMessage {
        conn_id: conn,
        snd_msg_id: id,
        msg_type: MsgType::Msg,
        prev_hash: prev,
        hash,
        body: b"hello",
        pq_encryption: false,
    }
}

fn rcv_msg<'a>(conn: &'a ConnId, q: RcvQueueId, id: i64, broker: &'a [u8]) -> NewRcvMessage<'a> {
    NewRcvMessage {
        conn_id: conn,
        rcv_queue_id: q,
        snd_msg_id: id,
        broker_msg_id: broker,
        broker_ts: Timestamp(1_700_000_000_000 + id),
        msg_type: MsgType::Msg,
        prev_hash: b"prev",
        hash: broker,
        integrity: Integrity::Ok,
        body: b"incoming body",
        pq_encryption: true,
    }
}

#[test]
fn sent_messages_and_counters() {
    let (_dir, store) = open_fresh();
    let (_user, conn) = user_and_conn(&store);
    tx(&store, |tx| {
        let m1 = tx.insert_snd_message(&snd_msg(&conn, 1, b"", b"hash-1"))?;
        let m2 = tx.insert_snd_message(&snd_msg(&conn, 2, b"hash-1", b"hash-2"))?;
        assert_eq!((m1, m2), (InternalId(1), InternalId(2)));
        let c = tx.conn(&conn)?.unwrap();
        assert_eq!(c.last_internal_id, InternalId(2));
        assert_eq!(c.last_snd_msg_id, 2);
        assert_eq!(c.last_snd_hash, b"hash-2");

        let m = tx.snd_message(&conn, m2)?.unwrap();
        assert_eq!(m.snd_msg_id, 2);
        assert_eq!(m.msg_type, MsgType::Msg);
        assert_eq!(m.prev_hash, b"hash-1");
        assert_eq!(m.hash, b"hash-2");
        assert_eq!(m.body.as_bytes(), b"hello");
        assert!(!m.pq_encryption);
        assert_eq!(tx.snd_message_by_snd_id(&conn, 1)?.unwrap().internal_id, m1);
        assert!(tx.snd_message_by_snd_id(&conn, 3)?.is_none());

        // a repeated sndMsgId is refused
        assert!(
            tx.insert_snd_message(&snd_msg(&conn, 2, b"", b"x"))
                .is_err()
        );
        tx.delete_snd_message(&conn, m1)?;
        assert!(tx.snd_message(&conn, m1)?.is_none());
        assert!(not_found(tx.delete_snd_message(&conn, m1)));
        // no connection, no message
        let missing = ConnId::from("missing");
        assert!(matches!(
            tx.insert_snd_message(&snd_msg(&missing, 1, b"", b"h")),
            Err(StoreError::NotFound(_))
        ));
        Ok(())
    });
}

#[test]
fn received_messages_share_the_internal_id_sequence() {
    let (_dir, store) = open_fresh();
    let (_user, conn) = user_and_conn(&store);
    tx(&store, |tx| {
        let q = add_rcv_queue(tx, &conn, SERVER, b"rcv");
        let s1 = tx.insert_snd_message(&snd_msg(&conn, 1, b"", b"h1"))?;
        let r1 = tx.insert_rcv_message(&rcv_msg(&conn, q, 10, b"b-10"))?;
        let r2 = tx.insert_rcv_message(&NewRcvMessage {
            integrity: Integrity::Skipped { from: 11, to: 11 },
            ..rcv_msg(&conn, q, 12, b"b-12")
        })?;
        assert_eq!((s1, r1, r2), (InternalId(1), InternalId(2), InternalId(3)));
        let c = tx.conn(&conn)?.unwrap();
        assert_eq!(c.last_internal_id, InternalId(3));
        assert_eq!(
            (c.last_rcv_snd_msg_id, c.last_rcv_hash.as_slice()),
            (12, &b"b-12"[..])
        );
        assert_eq!(
            (c.last_snd_msg_id, c.last_snd_hash.as_slice()),
            (1, &b"h1"[..])
        );

        let m = tx.rcv_message(&conn, r2)?.unwrap();
        assert_eq!(m.rcv_queue_id, Some(q));
        assert_eq!(m.snd_msg_id, 12);
        assert_eq!(m.broker_msg_id, b"b-12");
        assert_eq!(m.broker_ts, Timestamp(1_700_000_000_012));
        assert_eq!(m.prev_hash, b"prev");
        assert_eq!(m.integrity, Integrity::Skipped { from: 11, to: 11 });
        assert_eq!(m.body.as_bytes(), b"incoming body");
        assert!(m.pq_encryption && !m.acked);
        assert!(!format!("{m:?}").contains("incoming"));

        // a redelivered relay message is recognised
        assert_eq!(
            tx.rcv_message_by_broker_id(q, b"b-10")?
                .unwrap()
                .internal_id,
            r1
        );
        assert!(tx.rcv_message_by_broker_id(q, b"b-11")?.is_none());

        let unacked: Vec<InternalId> = tx
            .unacked_rcv_messages(&conn)?
            .iter()
            .map(|m| m.internal_id)
            .collect();
        assert_eq!(unacked, vec![r1, r2]);
        // the app's acknowledgement deletes the row (as Agent::ack does)
        tx.delete_rcv_message(&conn, r1)?;
        assert!(tx.rcv_message(&conn, r1)?.is_none());
        let unacked: Vec<InternalId> = tx
            .unacked_rcv_messages(&conn)?
            .iter()
            .map(|m| m.internal_id)
            .collect();
        assert_eq!(unacked, vec![r2]);
        assert!(not_found(tx.delete_rcv_message(&conn, r1)));
        assert!(not_found(tx.delete_rcv_message(&conn, InternalId(99))));

        // the queue goes, the messages stay without it
        tx.delete_rcv_queue(q)?;
        assert_eq!(tx.rcv_message(&conn, r2)?.unwrap().rcv_queue_id, None);
        Ok(())
    });
}

/// A sent app message row goes once both its last delivery is recorded and its `Ok`
/// receipt came, whichever happens first (the receipt can come before the relay's
/// `OK` is stored).
#[test]
fn sent_row_goes_after_delivery_and_receipt_in_either_order() {
    let (_dir, store) = open_fresh();
    let (_user, conn) = user_and_conn(&store);
    tx(&store, |tx| {
        let q = add_snd_queue(tx, &conn, b"q");
        let mut rows = Vec::new();
        for (id, hash) in [(1, &b"h1"[..]), (2, b"h2")] {
            let m = tx.insert_snd_message(&snd_msg(&conn, id, b"", hash))?;
            let d = tx.insert_delivery(&NewDelivery {
                snd_queue_id: q,
                conn_id: &conn,
                internal_id: m,
                body: b"SEND",
                next_attempt_at: Timestamp(1_000),
            })?;
            rows.push((m, d));
        }
        let [(m1, d1), (m2, d2)] = rows[..] else {
            panic!("two rows")
        };

        // delivery first: the body goes, the row waits for the receipt
        tx.delete_delivery(d1)?;
        assert!(!tx.snd_app_message_sent(&conn, m1)?);
        let kept = tx.snd_message(&conn, m1)?.unwrap();
        assert!(kept.body.as_bytes().is_empty());
        assert_eq!(kept.hash, b"h1");
        assert!(tx.snd_receipt_ok(&conn, m1)?);
        assert!(tx.snd_message(&conn, m1)?.is_none());

        // receipt first: recorded, the row stays while the delivery is pending ...
        assert!(!tx.snd_receipt_ok(&conn, m2)?);
        assert_eq!(
            tx.snd_message(&conn, m2)?.unwrap().body.as_bytes(),
            b"hello"
        );
        // ... and goes when the delivery is recorded
        tx.delete_delivery(d2)?;
        assert!(tx.snd_app_message_sent(&conn, m2)?);
        assert!(tx.snd_message(&conn, m2)?.is_none());
        assert_eq!(tx.message_counts()?, (0, 0));
        Ok(())
    });
}

#[test]
fn deliveries_in_order_with_retries() {
    let (_dir, store) = open_fresh();
    let (_user, conn) = user_and_conn(&store);
    let t0 = Timestamp(1_000);
    tx(&store, |tx| {
        let qa = add_snd_queue(tx, &conn, b"a");
        let qb = add_snd_queue(tx, &conn, b"b");
        let m1 = tx.insert_snd_message(&snd_msg(&conn, 1, b"", b"h1"))?;
        let m2 = tx.insert_snd_message(&snd_msg(&conn, 2, b"h1", b"h2"))?;
        let deliver = |q: SndQueueId, m: InternalId, body: &[u8]| {
            tx.insert_delivery(&NewDelivery {
                snd_queue_id: q,
                conn_id: &conn,
                internal_id: m,
                body,
                next_attempt_at: t0,
            })
        };
        let a1 = deliver(qa, m1, b"SEND a1")?;
        let b1 = deliver(qb, m1, b"SEND b1")?;
        let a2 = deliver(qa, m2, b"SEND a2")?;

        let d = tx.delivery(a1)?.unwrap();
        assert_eq!((d.snd_queue_id, d.internal_id), (qa, m1));
        assert_eq!(d.body, b"SEND a1");
        assert_eq!(
            (d.status, d.attempts, d.next_attempt_at),
            (DeliveryStatus::Pending, 0, t0)
        );
        assert!(
            !format!("{d:?}").contains("83, 69, 78, 68"),
            "body not printed"
        );

        let ids = |q| -> Vec<_> {
            tx.next_deliveries(q, 10)
                .unwrap()
                .iter()
                .map(|d| d.delivery_id)
                .collect()
        };
        assert_eq!(ids(qa), vec![a1, a2]);
        assert_eq!(ids(qb), vec![b1]);
        assert_eq!(tx.next_deliveries(qa, 1)?.len(), 1);

        let heads = tx.pending_queues()?;
        assert_eq!(
            heads
                .iter()
                .map(|p| (p.snd_queue_id, p.head))
                .collect::<Vec<_>>(),
            vec![(qa, a1), (qb, b1)]
        );

        // a retry keeps the order and counts the attempt
        tx.record_delivery_attempt(a1, DeliveryStatus::Pending, Timestamp(3_000))?;
        let d = tx.delivery(a1)?.unwrap();
        assert_eq!((d.attempts, d.next_attempt_at), (1, Timestamp(3_000)));
        assert_eq!(ids(qa), vec![a1, a2]);
        assert_eq!(tx.pending_queues()?[0].next_attempt_at, Timestamp(3_000));

        // QUOTA: stays first in line until A_QCONT
        tx.record_delivery_attempt(a1, DeliveryStatus::Quota, Timestamp(9_000))?;
        assert_eq!(tx.pending_queues()?[0].status, DeliveryStatus::Quota);
        assert_eq!(tx.resume_quota_deliveries(qa, Timestamp(4_000))?, 1);
        let d = tx.delivery(a1)?.unwrap();
        assert_eq!(
            (d.status, d.attempts, d.next_attempt_at),
            (DeliveryStatus::Pending, 2, Timestamp(4_000))
        );

        // sent: removed; failed: skipped by the worker but kept for the engine
        tx.delete_delivery(a1)?;
        assert_eq!(ids(qa), vec![a2]);
        assert_eq!(tx.remaining_deliveries(&conn, m1)?, 1);
        tx.record_delivery_attempt(b1, DeliveryStatus::Failed, Timestamp(5_000))?;
        assert!(ids(qb).is_empty());
        assert_eq!(
            tx.pending_queues()?
                .iter()
                .map(|p| p.snd_queue_id)
                .collect::<Vec<_>>(),
            vec![qa]
        );
        assert_eq!(tx.delivery(b1)?.unwrap().status, DeliveryStatus::Failed);
        // a failed delivery (kept by older versions) is no longer one to wait for
        assert_eq!(tx.remaining_deliveries(&conn, m1)?, 0);
        assert!(not_found(tx.delete_delivery(a1)));
        assert!(not_found(tx.record_delivery_attempt(
            a1,
            DeliveryStatus::Pending,
            t0
        )));

        // deleting a message drops its deliveries; deleting a queue drops its deliveries
        tx.delete_snd_message(&conn, m1)?;
        assert!(tx.delivery(b1)?.is_none());
        assert_eq!(tx.remaining_deliveries(&conn, m1)?, 0);
        tx.delete_snd_queue(qa)?;
        assert!(tx.delivery(a2)?.is_none());
        assert!(tx.pending_queues()?.is_empty());

        // a delivery needs its message
        let err = deliver(qb, InternalId(77), b"x").unwrap_err();
        assert!(err.is_constraint_violation());
        Ok(())
    });
}

#[test]
fn confirmations() {
    let (_dir, store) = open_fresh();
    let (_user, conn) = user_and_conn(&store);
    tx(&store, |tx| {
        let id = tx.create_confirmation(&NewConfirmation {
            conn_id: &conn,
            peer_info: b"bob's profile",
            reply_queues: b"encoded queues",
        })?;
        let c = tx.confirmation(&id)?.unwrap();
        assert_eq!(c.conn_id, conn);
        assert_eq!(c.peer_info.as_bytes(), b"bob's profile");
        assert_eq!(c.reply_queues, b"encoded queues");
        assert!(!c.accepted && c.own_info.is_none());
        assert!(!format!("{c:?}").contains("bob"));

        tx.accept_confirmation(&id, b"alice's profile")?;
        let c = tx.confirmation(&id)?.unwrap();
        assert!(c.accepted);
        assert_eq!(c.own_info.unwrap().as_bytes(), b"alice's profile");
        assert_eq!(tx.confirmations(&conn)?.len(), 1);

        tx.delete_confirmation(&id)?;
        assert!(tx.confirmation(&id)?.is_none());
        let missing = ConfirmationId::from("missing");
        assert!(not_found(tx.accept_confirmation(&missing, b"")));
        assert!(not_found(tx.delete_confirmation(&id)));
        Ok(())
    });
}

#[test]
fn invitations_outlive_their_contact_address() {
    let (_dir, store) = open_fresh();
    let (user, address) = user_and_conn(&store);
    let link = "simplex:/invitation#/?v=2-7&smp=...";
    tx(&store, |tx| {
        let id = tx.create_invitation(&NewInvitation {
            user_id: user,
            contact_conn_id: &address,
            invitation_link: link,
            peer_info: b"carol",
        })?;
        let i = tx.invitation(&id)?.unwrap();
        assert_eq!(
            (i.user_id, i.contact_conn_id.as_ref()),
            (user, Some(&address))
        );
        assert_eq!(i.invitation_link, link);
        assert_eq!(i.peer_info.as_bytes(), b"carol");
        assert!(!i.accepted && i.own_info.is_none());
        assert!(!format!("{i:?}").contains("simplex:/"));

        tx.accept_invitation(&id, b"me")?;
        assert_eq!(
            tx.invitation(&id)?.unwrap().own_info.unwrap().as_bytes(),
            b"me"
        );
        assert_eq!(tx.invitations(user)?.len(), 1);

        tx.delete_conn(&address)?;
        let i = tx.invitation(&id)?.unwrap();
        assert_eq!(i.contact_conn_id, None);

        tx.delete_invitation(&id)?;
        assert!(tx.invitation(&id)?.is_none());
        assert!(not_found(tx.delete_invitation(&id)));
        assert!(not_found(
            tx.accept_invitation(&InvitationId::from("x"), b"")
        ));
        Ok(())
    });
}

#[test]
fn commands() {
    let (_dir, store) = open_fresh();
    let (user, conn) = user_and_conn(&store);
    tx(&store, |tx| {
        let c1 = tx.insert_command(&NewCommand {
            user_id: user,
            conn_id: Some(&conn),
            server: Some(SERVER),
            kind: "NEW",
            payload: b"keys",
        })?;
        let c2 = tx.insert_command(&NewCommand {
            user_id: user,
            conn_id: None,
            server: None,
            kind: "DEL",
            payload: b"",
        })?;
        let c = tx.command(c1)?.unwrap();
        assert_eq!((c.user_id, c.conn_id.as_ref()), (user, Some(&conn)));
        assert_eq!(
            (c.server.as_deref(), c.kind.as_str()),
            (Some(SERVER), "NEW")
        );
        assert_eq!(c.payload.as_bytes(), b"keys");
        let all: Vec<_> = tx.commands()?.iter().map(|c| c.command_id).collect();
        assert_eq!(all, vec![c1, c2]);
        assert_eq!(tx.conn_commands(&conn)?.len(), 1);
        tx.delete_command(c1)?;
        assert!(tx.command(c1)?.is_none());
        assert!(not_found(tx.delete_command(c1)));
        Ok(())
    });
}

#[test]
fn short_link_creds() {
    let (_dir, store) = open_fresh();
    let (_user, conn) = user_and_conn(&store);
    let creds = |data: &[u8]| simplex_agent::store::ShortLinkCreds {
        link_id: b"link id".to_vec(),
        link_key: [7; 32].to_vec(),
        link_priv_sig_key: simplex_agent::store::SecretBytes::from_slice(&[9; 32]),
        link_enc_fixed_data: data.to_vec(),
    };
    tx(&store, |tx| {
        let rq = add_rcv_queue(tx, &conn, SERVER, b"rq");
        assert!(tx.short_link_creds(rq)?.is_none());
        tx.set_short_link_creds(rq, &creds(b"fixed 1"))?;
        tx.set_short_link_creds(rq, &creds(b"fixed 2"))?;
        let got = tx.short_link_creds(rq)?.unwrap();
        assert_eq!(got.link_id, b"link id");
        assert_eq!(got.link_key, [7; 32]);
        assert_eq!(got.link_priv_sig_key.as_bytes(), [9; 32]);
        assert_eq!(got.link_enc_fixed_data, b"fixed 2", "replaced");
        assert!(
            !format!("{got:?}").contains("9, 9"),
            "the signing key is redacted"
        );
        // they go with their queue
        tx.delete_rcv_queue(rq)?;
        assert!(tx.short_link_creds(rq)?.is_none());
        Ok(())
    });
}

#[test]
fn expired_hashes_are_deleted_oldest_first_in_batches() {
    let (_dir, store) = open_fresh();
    let (_user, conn) = user_and_conn(&store);
    tx(&store, |tx| {
        for h in [b"k1", b"k2"] {
            assert!(tx.add_processed_ratchet_key_hash(&conn, h, Timestamp::now())?);
        }
        for h in [b"m1", b"m2", b"m3"] {
            assert!(tx.add_rcv_msg_hash(&conn, h, Timestamp::now())?);
        }
        assert_eq!(tx.hash_counts()?, (2, 3));
        // nothing recorded before a time long past
        assert_eq!(tx.delete_expired_hashes(Timestamp(0), 100)?, 0);
        assert_eq!(tx.hash_counts()?, (2, 3));
        // all recorded before a time ahead, at most 2 of each kind per call
        let later = Timestamp(Timestamp::now().0 + 60_000);
        assert_eq!(tx.delete_expired_hashes(later, 2)?, 4);
        assert_eq!(tx.hash_counts()?, (0, 1));
        assert_eq!(tx.delete_expired_hashes(later, 2)?, 1);
        assert_eq!(tx.hash_counts()?, (0, 0));
        // an expired hash is forgotten: the same message would count as new again
        assert!(tx.add_rcv_msg_hash(&conn, b"m1", Timestamp::now())?);
        Ok(())
    });
}
