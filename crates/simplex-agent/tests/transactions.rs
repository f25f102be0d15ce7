//! Atomic steps of the engine, rollback, cascades, and use from several threads.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use common::{SERVER, add_rcv_queue, add_snd_queue, open_fresh, tx, user_and_conn};
use simplex_agent::store::{
    ConnId, Integrity, InternalId, MsgType, NewCommand, NewConfirmation, NewDelivery,
    NewInvitation, NewRcvMessage, NewSndMessage, RcvQueueId, Store, StoreError, Timestamp, Tx,
};

/// An engine-side error type, as the engine will have.
#[derive(Debug)]
enum EngineError {
    Store(StoreError),
    Decrypt,
}

impl From<StoreError> for EngineError {
    fn from(e: StoreError) -> Self {
        EngineError::Store(e)
    }
}

/// What the engine commits for one received message.
fn receive(
    tx: &Tx<'_>,
    conn: &ConnId,
    q: RcvQueueId,
    broker_id: &[u8],
    fail_after_writes: bool,
) -> Result<InternalId, EngineError> {
    let last = tx.conn(conn)?.unwrap().last_rcv_snd_msg_id;
    tx.save_ratchet_state(conn, broker_id)?;
    tx.delete_skipped_key(conn, b"hk", 1)?;
    tx.insert_skipped_key(conn, b"hk", 2, b"mk2")?;
    let id = tx.insert_rcv_message(&NewRcvMessage {
        conn_id: conn,
        rcv_queue_id: q,
        snd_msg_id: last + 1,
        broker_msg_id: broker_id,
        broker_ts: Timestamp(5),
        msg_type: MsgType::Msg,
        prev_hash: b"",
        hash: broker_id,
        integrity: Integrity::Ok,
        body: b"body",
        pq_encryption: false,
    })?;
    tx.set_last_broker_msg(q, broker_id, Timestamp(5))?;
    if fail_after_writes {
        return Err(EngineError::Decrypt);
    }
    Ok(id)
}

fn setup_receiving(store: &Store) -> (ConnId, RcvQueueId) {
    let (_user, conn) = user_and_conn(store);
    let q = tx(store, |tx| {
        let q = add_rcv_queue(tx, &conn, SERVER, b"rcv");
        tx.save_ratchet_state(&conn, b"initial")?;
        tx.insert_skipped_key(&conn, b"hk", 1, b"mk1")?;
        Ok(q)
    });
    (conn, q)
}

fn skipped(store: &Store, conn: &ConnId) -> Vec<u32> {
    tx(store, |tx| {
        Ok(tx.skipped_keys(conn)?.iter().map(|k| k.msg_n).collect())
    })
}

#[test]
fn receive_step_commits_everything_together() {
    let (_dir, store) = open_fresh();
    let (conn, q) = setup_receiving(&store);
    let id = store
        .transaction(|tx| receive(tx, &conn, q, b"broker-1", false))
        .unwrap();
    tx(&store, |tx| {
        assert_eq!(
            tx.ratchet(&conn)?.unwrap().state.unwrap().as_bytes(),
            b"broker-1"
        );
        assert!(tx.rcv_message(&conn, id)?.is_some());
        assert_eq!(
            tx.rcv_queue(q)?.unwrap().last_broker_msg_id.unwrap(),
            b"broker-1"
        );
        assert_eq!(tx.conn(&conn)?.unwrap().last_rcv_snd_msg_id, 1);
        Ok(())
    });
    assert_eq!(skipped(&store, &conn), vec![2]);
}

#[test]
fn an_engine_error_rolls_the_whole_step_back() {
    let (_dir, store) = open_fresh();
    let (conn, q) = setup_receiving(&store);
    let err = store
        .transaction(|tx| receive(tx, &conn, q, b"broker-1", true))
        .unwrap_err();
    assert!(matches!(err, EngineError::Decrypt), "{err:?}");
    tx(&store, |tx| {
        assert_eq!(
            tx.ratchet(&conn)?.unwrap().state.unwrap().as_bytes(),
            b"initial"
        );
        assert!(tx.rcv_message(&conn, InternalId(1))?.is_none());
        assert!(tx.rcv_queue(q)?.unwrap().last_broker_msg_id.is_none());
        let c = tx.conn(&conn)?.unwrap();
        assert_eq!(
            (c.last_internal_id, c.last_rcv_snd_msg_id),
            (InternalId(0), 0)
        );
        Ok(())
    });
    assert_eq!(skipped(&store, &conn), vec![1]);
    // store errors reach the engine's error type
    let err = store
        .transaction(|tx| -> Result<(), EngineError> {
            tx.delete_conn(&ConnId::from("missing"))?;
            Ok(())
        })
        .unwrap_err();
    assert!(
        matches!(err, EngineError::Store(StoreError::NotFound("connection"))),
        "{err:?}"
    );
    // the next attempt gets the ids the failed one would have had
    let id = store
        .transaction(|tx| receive(tx, &conn, q, b"broker-1", false))
        .unwrap();
    assert_eq!(id, InternalId(1));
}

#[test]
fn a_store_error_rolls_back_earlier_writes() {
    let (_dir, store) = open_fresh();
    let (user, conn) = user_and_conn(&store);
    let err = store
        .transaction(|tx| {
            tx.add_server(user, SERVER, true)?;
            tx.add_server(user, SERVER, true) // duplicate
        })
        .unwrap_err();
    assert!(err.is_constraint_violation());
    assert!(tx(&store, |tx| tx.servers(user)).is_empty());
    assert!(tx(&store, |tx| tx.conn(&conn)).is_some());
}

#[test]
fn a_panic_rolls_back_and_the_store_stays_usable() {
    let (_dir, store) = open_fresh();
    let (user, _conn) = user_and_conn(&store);
    let result = catch_unwind(AssertUnwindSafe(|| {
        store.transaction(|tx| -> Result<(), StoreError> {
            tx.add_server(user, SERVER, true)?;
            panic!("engine bug");
        })
    }));
    assert!(result.is_err());
    assert!(tx(&store, |tx| tx.servers(user)).is_empty());
    tx(&store, |tx| tx.add_server(user, SERVER, true));
    assert_eq!(tx(&store, |tx| tx.servers(user)).len(), 1);
}

#[test]
fn send_step_commits_ratchet_message_and_deliveries() {
    let (_dir, store) = open_fresh();
    let (_user, conn) = user_and_conn(&store);
    let (qa, qb) = tx(&store, |tx| {
        tx.save_ratchet_state(&conn, b"r0")?;
        Ok((
            add_snd_queue(tx, &conn, b"a"),
            add_snd_queue(tx, &conn, b"b"),
        ))
    });
    let send = |fail: bool| {
        store.transaction(|tx| -> Result<InternalId, EngineError> {
            let c = tx.conn(&conn)?.unwrap();
            tx.save_ratchet_state(&conn, b"r1")?;
            let id = tx.insert_snd_message(&NewSndMessage {
                conn_id: &conn,
                snd_msg_id: c.last_snd_msg_id + 1,
                msg_type: MsgType::Msg,
                prev_hash: &c.last_snd_hash,
                hash: b"h1",
                body: b"hi",
                pq_encryption: false,
            })?;
            for q in [qa, qb] {
                tx.insert_delivery(&NewDelivery {
                    snd_queue_id: q,
                    conn_id: &conn,
                    internal_id: id,
                    body: b"SEND",
                    next_attempt_at: Timestamp(0),
                })?;
            }
            if fail {
                return Err(EngineError::Decrypt);
            }
            Ok(id)
        })
    };
    assert!(send(true).is_err());
    tx(&store, |tx| {
        assert_eq!(tx.ratchet(&conn)?.unwrap().state.unwrap().as_bytes(), b"r0");
        assert!(tx.pending_queues()?.is_empty());
        assert_eq!(tx.conn(&conn)?.unwrap().last_snd_msg_id, 0);
        Ok(())
    });
    let id = send(false).unwrap();
    tx(&store, |tx| {
        assert_eq!(tx.ratchet(&conn)?.unwrap().state.unwrap().as_bytes(), b"r1");
        assert_eq!(tx.snd_message(&conn, id)?.unwrap().snd_msg_id, 1);
        assert_eq!(tx.pending_queues()?.len(), 2);
        assert_eq!(tx.remaining_deliveries(&conn, id)?, 2);
        Ok(())
    });
}

/// Row counts of every table under a connection.
fn counts(store: &Store) -> Vec<(&'static str, i64)> {
    // count through a second connection to the same file (WAL allows it)
    let raw = rusqlite::Connection::open(store.path()).unwrap();
    raw.pragma_update(None, "key", common::PASSPHRASE).unwrap();
    [
        "connections",
        "rcv_queues",
        "snd_queues",
        "ratchets",
        "skipped_keys",
        "snd_messages",
        "snd_deliveries",
        "rcv_messages",
        "confirmations",
        "commands",
        "invitations",
        "servers",
        "users",
    ]
    .into_iter()
    .map(|t| {
        let n: i64 = raw
            .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap();
        (t, n)
    })
    .collect()
}

/// A connection with a row in every table that hangs off it.
fn populate(
    tx: &Tx<'_>,
    user: simplex_agent::store::UserId,
    conn: &ConnId,
) -> Result<(), StoreError> {
    let q = add_rcv_queue(tx, conn, SERVER, conn.as_str().as_bytes());
    let s = add_snd_queue(tx, conn, b"snd");
    tx.save_ratchet_state(conn, b"state")?;
    tx.insert_skipped_key(conn, b"hk", 1, b"mk")?;
    let m = tx.insert_snd_message(&NewSndMessage {
        conn_id: conn,
        snd_msg_id: 1,
        msg_type: MsgType::Hello,
        prev_hash: b"",
        hash: b"h",
        body: b"",
        pq_encryption: false,
    })?;
    tx.insert_delivery(&NewDelivery {
        snd_queue_id: s,
        conn_id: conn,
        internal_id: m,
        body: b"SEND",
        next_attempt_at: Timestamp(0),
    })?;
    tx.insert_rcv_message(&NewRcvMessage {
        conn_id: conn,
        rcv_queue_id: q,
        snd_msg_id: 1,
        broker_msg_id: b"b",
        broker_ts: Timestamp(0),
        msg_type: MsgType::Msg,
        prev_hash: b"",
        hash: b"h",
        integrity: Integrity::Ok,
        body: b"x",
        pq_encryption: false,
    })?;
    tx.create_confirmation(&NewConfirmation {
        conn_id: conn,
        peer_info: b"i",
        reply_queues: b"",
    })?;
    tx.insert_command(&NewCommand {
        user_id: user,
        conn_id: Some(conn),
        server: None,
        kind: "NEW",
        payload: b"",
    })?;
    tx.create_invitation(&NewInvitation {
        user_id: user,
        contact_conn_id: conn,
        invitation_link: "simplex:/invitation",
        peer_info: b"",
    })?;
    Ok(())
}

#[test]
fn deleting_a_connection_cascades_to_everything_under_it() {
    let (_dir, store) = open_fresh();
    let (user, conn) = user_and_conn(&store);
    let keep = tx(&store, |tx| {
        let keep = tx.create_conn(&common::new_conn(user))?;
        tx.add_server(user, SERVER, true)?;
        populate(tx, user, &conn)?;
        populate(tx, user, &keep)?;
        Ok(keep)
    });
    let before = counts(&store);
    for (table, n) in &before {
        let expected = if *table == "users" || *table == "servers" {
            1
        } else {
            2
        };
        assert_eq!(*n, expected, "{table} before");
    }
    tx(&store, |tx| tx.delete_conn(&conn));
    for (table, n) in counts(&store) {
        // the contact request stays, without its contact connection
        let expected = match table {
            "users" | "servers" => 1,
            "invitations" => 2,
            _ => 1,
        };
        assert_eq!(n, expected, "{table} after deleting one connection");
    }
    tx(&store, |tx| {
        assert!(tx.conn(&keep)?.is_some());
        assert_eq!(tx.skipped_keys(&keep)?.len(), 1);
        let orphan = tx
            .invitations(user)?
            .into_iter()
            .filter(|i| i.contact_conn_id.is_none())
            .count();
        assert_eq!(orphan, 1);
        Ok(())
    });
}

#[test]
fn deleting_a_user_cascades_to_everything() {
    let (_dir, store) = open_fresh();
    let (user, conn) = user_and_conn(&store);
    let (other, other_conn) = user_and_conn(&store);
    tx(&store, |tx| {
        tx.add_server(user, SERVER, true)?;
        populate(tx, user, &conn)?;
        populate(tx, other, &other_conn)
    });
    tx(&store, |tx| tx.delete_user(user));
    for (table, n) in counts(&store) {
        let expected = if table == "servers" { 0 } else { 1 };
        assert_eq!(n, expected, "{table} after deleting a user");
    }
}

#[test]
fn store_is_shared_across_threads() {
    fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync_clone::<Store>();

    let (_dir, store) = open_fresh();
    let (_user, conn) = user_and_conn(&store);
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let store = store.clone();
            let conn = conn.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    store
                        .transaction(|tx| {
                            let c = tx.conn(&conn)?.unwrap();
                            let hash = format!("{t}-{i}");
                            tx.insert_snd_message(&NewSndMessage {
                                conn_id: &conn,
                                snd_msg_id: c.last_snd_msg_id + 1,
                                msg_type: MsgType::Msg,
                                prev_hash: &c.last_snd_hash,
                                hash: hash.as_bytes(),
                                body: b"",
                                pq_encryption: false,
                            })
                        })
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let c = tx(&store, |tx| tx.conn(&conn)).unwrap();
    assert_eq!(c.last_snd_msg_id, 100);
    assert_eq!(c.last_internal_id, InternalId(100));
    // every message's prevMsgHash is the previous message's hash: no interleaving
    tx(&store, |tx| {
        let mut prev = Vec::new();
        for id in 1..=100 {
            let m = tx.snd_message(&conn, InternalId(id))?.unwrap();
            assert_eq!(m.snd_msg_id, id);
            assert_eq!(m.prev_hash, prev);
            prev = m.hash.clone();
        }
        Ok(())
    });
}
