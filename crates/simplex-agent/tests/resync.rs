//! Ratchet re-synchronisation: B restores an old copy of its database, so its ratchet is
//! behind A's and neither can read the other; after `synchronize_ratchet` both sides
//! agree a new ratchet and messages flow again. Real relay on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod relay;

use std::path::Path;
use std::time::Duration;

use flow::{WAIT, connect};
use simplex_agent::store::ConnId;
use simplex_agent::{Agent, AgentEvent};
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

/// The next event that is neither `Sent` nor an error (errors are expected while the
/// ratchets disagree).
async fn next_ok_event(events: &mut Receiver<AgentEvent>) -> AgentEvent {
    loop {
        match timeout(WAIT, events.recv()).await.unwrap().unwrap() {
            AgentEvent::Sent { .. } | AgentEvent::Error { .. } => continue,
            ev => return ev,
        }
    }
}

/// Waits for `RatchetSynced` on `conn`, then for the message `body` (in either order).
async fn synced_then(events: &mut Receiver<AgentEvent>, conn: &ConnId) {
    loop {
        match next_ok_event(events).await {
            AgentEvent::RatchetSynced { conn_id } => {
                assert_eq!(&conn_id, conn);
                return;
            }
            AgentEvent::Msg { .. } => continue,
            ev => panic!("unexpected {ev:?}"),
        }
    }
}

/// The next message body on `conn`, skipping anything else that is not an error.
async fn next_body(events: &mut Receiver<AgentEvent>, conn: &ConnId) -> Vec<u8> {
    loop {
        if let AgentEvent::Msg { conn_id, body, .. } = next_ok_event(events).await {
            assert_eq!(&conn_id, conn);
            return body;
        }
    }
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

    // B restores the backup: its ratchet is three steps behind.
    drop(b);
    drop(b_events);
    tokio::time::sleep(Duration::from_millis(300)).await;
    copy_db(&backup, dir.path(), "b.db");
    let (b, mut b_events) = Agent::open(relay.agent_config(&b_db)).await.unwrap();
    b.send(&b_conn, b"from the past").await.unwrap();
    let err = loop {
        match timeout(WAIT, a_events.recv()).await.unwrap().unwrap() {
            AgentEvent::Error { conn_id, err } => break (conn_id, err),
            AgentEvent::Sent { .. } => continue,
            ev => panic!("A read a message of the old ratchet: {ev:?}"),
        }
    };
    assert_eq!(err.0, Some(a_conn.clone()), "{}", err.1);

    // A asks for a new ratchet; both agree and messages flow both ways.
    a.synchronize_ratchet(&a_conn).await.unwrap();
    synced_then(&mut a_events, &a_conn).await;
    synced_then(&mut b_events, &b_conn).await;
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
