//! Ratchet re-synchronisation: B restores an old copy of its database, so its ratchet is
//! behind A's and neither can read the other; after `synchronize_ratchet` both sides
//! agree a new ratchet and messages flow again. Real relay on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod relay;

use std::path::Path;
use std::time::Duration;

use flow::{WAIT, connect};
use simplex_agent::store::{ConnId, RatchetSyncState};
use simplex_agent::{Agent, AgentCryptoError, AgentEvent};
use tokio::sync::mpsc::Receiver;
use tokio::time::timeout;

/// Copies the database files `name*` from `from` to `to`.
fn copy_db(from: &Path, to: &Path, name: &str) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let file = e.file_name().into_string().unwrap();
        if file.starts_with(name) {
            std::fs::copy(e.path(), to.join(&file)).unwrap();
        }
    }
}

/// The next event that is not `Sent`, failing on errors.
async fn next_ok_event(events: &mut Receiver<AgentEvent>) -> AgentEvent {
    loop {
        match timeout(WAIT, events.recv()).await.unwrap().unwrap() {
            AgentEvent::Sent { .. } => continue,
            AgentEvent::Error { conn_id, err } => panic!("error on {conn_id:?}: {err}"),
            ev => return ev,
        }
    }
}

/// The next `RatchetSync` event on `conn`: its state and error.
async fn next_sync(
    events: &mut Receiver<AgentEvent>,
    conn: &ConnId,
) -> (RatchetSyncState, Option<AgentCryptoError>) {
    match next_ok_event(events).await {
        AgentEvent::RatchetSync {
            conn_id,
            state,
            err,
        } => {
            assert_eq!(&conn_id, conn);
            (state, err)
        }
        ev => panic!("expected RatchetSync, got {ev:?}"),
    }
}

/// The next message body on `conn`.
async fn next_body(events: &mut Receiver<AgentEvent>, conn: &ConnId) -> Vec<u8> {
    match next_ok_event(events).await {
        AgentEvent::Msg { conn_id, body, .. } => {
            assert_eq!(&conn_id, conn);
            body
        }
        ev => panic!("expected a message, got {ev:?}"),
    }
}

/// The stored ratchet synchronisation state of a connection.
fn sync_state(agent: &Agent, conn: &ConnId) -> RatchetSyncState {
    let conn = conn.clone();
    agent
        .store()
        .transaction(|tx| tx.ratchet_sync_state(&conn))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resync_after_restoring_an_old_database() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup");
    let (a_db, b_db) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let (a, mut a_events) = Agent::open(relay.agent_config(&a_db)).await.unwrap();
    let (b, mut b_events) = Agent::open(relay.agent_config(&b_db)).await.unwrap();
    let (a_conn, b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;
    assert!(
        a.synchronize_ratchet(&a_conn, false).await.is_err(),
        "nothing to re-synchronise yet"
    );

    // B's backup is taken, then both ratchets move on.
    drop(b);
    drop(b_events);
    tokio::time::sleep(Duration::from_millis(300)).await;
    copy_db(dir.path(), &backup, "b.db");
    let (b, mut b_events) = Agent::open(relay.agent_config(&b_db)).await.unwrap();
    for round in 0..3 {
        a.send(&a_conn, format!("a {round}").as_bytes())
            .await
            .unwrap();
        assert_eq!(
            next_body(&mut b_events, &b_conn).await,
            format!("a {round}").as_bytes()
        );
        b.send(&b_conn, format!("b {round}").as_bytes())
            .await
            .unwrap();
        assert_eq!(
            next_body(&mut a_events, &a_conn).await,
            format!("b {round}").as_bytes()
        );
    }

    // B restores the backup: its ratchet is three steps behind. A cannot open B's
    // message's header: re-synchronisation is required and A stops sending.
    drop(b);
    drop(b_events);
    tokio::time::sleep(Duration::from_millis(300)).await;
    copy_db(&backup, dir.path(), "b.db");
    let (b, mut b_events) = Agent::open(relay.agent_config(&b_db)).await.unwrap();
    b.send(&b_conn, b"from the past").await.unwrap();
    assert_eq!(
        next_sync(&mut a_events, &a_conn).await,
        (
            RatchetSyncState::Required,
            Some(AgentCryptoError::RatchetHeader)
        )
    );
    assert_eq!(sync_state(&a, &a_conn), RatchetSyncState::Required);
    assert!(
        a.send(&a_conn, b"not now").await.is_err(),
        "sending stopped"
    );

    // A asks for a new ratchet; both agree, then each sees the first message of the new
    // ratchet (`EREADY`), and messages flow both ways.
    a.synchronize_ratchet(&a_conn, false).await.unwrap();
    assert_eq!(sync_state(&a, &a_conn), RatchetSyncState::Started);
    assert!(a.send(&a_conn, b"not yet").await.is_err(), "still stopped");
    assert_eq!(
        next_sync(&mut b_events, &b_conn).await,
        (RatchetSyncState::Agreed, None)
    );
    assert_eq!(
        next_sync(&mut a_events, &a_conn).await,
        (RatchetSyncState::Agreed, None)
    );
    assert_eq!(
        next_sync(&mut a_events, &a_conn).await,
        (RatchetSyncState::Ok, None)
    );
    assert_eq!(
        next_sync(&mut b_events, &b_conn).await,
        (RatchetSyncState::Ok, None)
    );
    assert_eq!(sync_state(&a, &a_conn), RatchetSyncState::Ok);
    assert_eq!(sync_state(&b, &b_conn), RatchetSyncState::Ok);
    for i in 0..3 {
        a.send(&a_conn, format!("after {i}").as_bytes())
            .await
            .unwrap();
        b.send(&b_conn, format!("reply {i}").as_bytes())
            .await
            .unwrap();
    }
    for i in 0..3 {
        assert_eq!(
            next_body(&mut b_events, &b_conn).await,
            format!("after {i}").as_bytes()
        );
        assert_eq!(
            next_body(&mut a_events, &a_conn).await,
            format!("reply {i}").as_bytes()
        );
    }
}

/// The hashes of received messages are kept for the stored-data TTL by the agent's clock,
/// then the cleanup deletes them; the connection goes on working.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn received_message_hashes_expire() {
    use std::sync::atomic::Ordering;

    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    // B's clock runs far behind the system clock: ages are judged by the agent's clock,
    // so the hashes must be recorded with it too
    let mut b_cfg = relay.agent_config(&dir.path().join("b.db"));
    let ttl_ms = i64::try_from(b_cfg.cleanup.stored_data_ttl.as_millis()).unwrap();
    let ahead = flow::shifted_clock(&mut b_cfg, -2 * ttl_ms);
    let (a, mut a_events) = Agent::open(relay.agent_config(&dir.path().join("a.db")))
        .await
        .unwrap();
    let (b, mut b_events) = Agent::open(b_cfg).await.unwrap();
    let (a_conn, b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;
    for i in 0..3 {
        a.send(&a_conn, format!("m {i}").as_bytes()).await.unwrap();
        assert_eq!(
            next_body(&mut b_events, &b_conn).await,
            format!("m {i}").as_bytes()
        );
    }
    let counts = |b: &Agent| b.store().transaction(|tx| tx.hash_counts()).unwrap();
    let (_, kept) = counts(&b);
    assert!(kept >= 3, "one hash per received message: {kept}");

    assert_eq!(b.cleanup().await.unwrap(), 0, "nothing is old yet");
    assert_eq!(counts(&b).1, kept);
    // one TTL (and a minute) later by B's clock, still a TTL behind the system clock
    ahead.store(-ttl_ms + 60_000, Ordering::SeqCst);
    assert_eq!(b.cleanup().await.unwrap(), usize::try_from(kept).unwrap());
    assert_eq!(counts(&b), (0, 0));

    a.send(&a_conn, b"still here").await.unwrap();
    assert_eq!(next_body(&mut b_events, &b_conn).await, b"still here");
}
