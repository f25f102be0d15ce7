//! What the agent keeps of messages on a real relay (reference `Agent.hs`
//! `ackMessage'`, `deleteSndMsgDelivery`, `cleanupManager`): a received message until
//! the app acknowledges it, a sent app message's row (without its body) until its
//! receipt, anything else not beyond its processing or delivery; delivered sent messages
//! whose receipt never came expire after the stored-data TTL by the agent's clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod relay;

use std::sync::atomic::Ordering;
use std::time::Duration;

use flow::{connect, next_event, open_two, shifted_clock};
use simplex_agent::store::{ConnId, InternalId};
use simplex_agent::{Agent, AgentEvent, MsgReceiptStatus};
use tokio::sync::mpsc::Receiver;

/// (sent, received) message rows in the agent's store, all connections.
fn rows(agent: &Agent) -> (u64, u64) {
    agent.store().transaction(|tx| tx.message_counts()).unwrap()
}

/// Waits until `agent` keeps `want` (sent, received) rows (deliveries are recorded after
/// the relay's `OK`, which may trail the events of the other side).
async fn settles_at(agent: &Agent, want: (u64, u64)) {
    let settled = tokio::time::timeout(flow::WAIT, async {
        while rows(agent) != want {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(settled.is_ok(), "rows {:?}, expected {want:?}", rows(agent));
}

/// Waits for `Sent` of each of `ids`, in order (reported once the delivery is recorded,
/// so that a receipt cannot overtake it).
async fn expect_sent(events: &mut Receiver<AgentEvent>, ids: &[InternalId]) {
    for want in ids {
        let ev = tokio::time::timeout(flow::WAIT, events.recv()).await;
        match ev.expect("no Sent").expect("event channel closed") {
            AgentEvent::Sent { id, .. } => assert_eq!(&id, want),
            ev => panic!("expected Sent, got {ev:?}"),
        }
    }
}

/// The next app message on `conn`: its id and body.
async fn next_msg(events: &mut Receiver<AgentEvent>, conn: &ConnId) -> (InternalId, Vec<u8>) {
    match next_event(events).await {
        AgentEvent::Msg {
            conn_id, id, body, ..
        } => {
            assert_eq!(&conn_id, conn);
            (id, body)
        }
        ev => panic!("expected a message, got {ev:?}"),
    }
}

/// The next receipt on `conn`: the sent message it names, which must match.
async fn next_receipt(events: &mut Receiver<AgentEvent>, conn: &ConnId) -> InternalId {
    match next_event(events).await {
        AgentEvent::Rcvd {
            conn_id,
            id,
            status,
        } => {
            assert_eq!(&conn_id, conn);
            assert_eq!(status, MsgReceiptStatus::Ok);
            id
        }
        ev => panic!("expected a receipt, got {ev:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_and_confirmed_messages_leave_no_rows() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events, b, mut b_events) = open_two(&relay, dir.path()).await;
    let (a_conn, b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;
    // the handshake's messages are gone once delivered and processed
    settles_at(&a, (0, 0)).await;
    settles_at(&b, (0, 0)).await;

    let mut sent = Vec::new();
    for i in 0..3 {
        sent.push(a.send(&a_conn, format!("m {i}").as_bytes()).await.unwrap());
    }
    expect_sent(&mut a_events, &sent).await;
    for (i, &sent_id) in sent.iter().enumerate() {
        let (id, body) = next_msg(&mut b_events, &b_conn).await;
        assert_eq!(body, format!("m {i}").as_bytes());
        // kept, with its body, until the app acknowledges it
        let kept = b.store().transaction(|tx| tx.rcv_message(&b_conn, id));
        assert_eq!(kept.unwrap().unwrap().body.as_bytes(), body);
        b.ack(&b_conn, id, Some(b"seen")).await.unwrap();
        assert_eq!(next_receipt(&mut a_events, &a_conn).await, sent_id);
    }
    // B's receipts are delivered and A processed them: nothing is left on either side
    settles_at(&a, (0, 0)).await;
    settles_at(&b, (0, 0)).await;

    // and the connection goes on: ids and hashes live on in the connection
    b.send(&b_conn, b"reply").await.unwrap();
    let (id, body) = next_msg(&mut a_events, &a_conn).await;
    assert_eq!(body, b"reply");
    a.ack(&a_conn, id, None).await.unwrap();
    settles_at(&a, (0, 0)).await;
    // no receipt asked: B keeps the row of its message (without the body) for one
    settles_at(&b, (1, 0)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restarts_between_delivery_and_receipt_lose_nothing() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events, b, mut b_events) = open_two(&relay, dir.path()).await;
    let (a_conn, b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;
    let sent = a.send(&a_conn, b"across restarts").await.unwrap();
    expect_sent(&mut a_events, &[sent]).await;
    let (id, body) = next_msg(&mut b_events, &b_conn).await;
    assert_eq!(body, b"across restarts");
    // A's row waits for the receipt without the body
    assert_eq!(rows(&a), (1, 0));
    let waiting = a.store().transaction(|tx| tx.snd_message(&a_conn, sent));
    assert!(waiting.unwrap().unwrap().body.is_empty());

    // both stop before B's app acknowledges the message
    drop((a, a_events, b, b_events));
    let (a, mut a_events, b, mut b_events) = open_two(&relay, dir.path()).await;
    let kept = b.store().transaction(|tx| tx.rcv_message(&b_conn, id));
    assert_eq!(kept.unwrap().unwrap().body.as_bytes(), b"across restarts");
    b.ack(&b_conn, id, Some(b"after restart")).await.unwrap();
    assert_eq!(next_receipt(&mut a_events, &a_conn).await, sent);
    settles_at(&a, (0, 0)).await;
    settles_at(&b, (0, 0)).await;

    a.send(&a_conn, b"still connected").await.unwrap();
    assert_eq!(next_msg(&mut b_events, &b_conn).await.1, b"still connected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sent_messages_without_receipts_expire() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    // A's clock is far behind the system clock: messages are dated by the agent's clock,
    // the one their age is judged by
    let mut a_cfg = relay.agent_config(&dir.path().join("a.db"));
    let ttl_ms = i64::try_from(a_cfg.cleanup.stored_data_ttl.as_millis()).unwrap();
    let offset = shifted_clock(&mut a_cfg, -2 * ttl_ms);
    let (a, mut a_events) = Agent::open(a_cfg).await.unwrap();
    let (b, mut b_events) = Agent::open(relay.agent_config(&dir.path().join("b.db")))
        .await
        .unwrap();
    let (a_conn, b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;

    // acknowledged without receipts: A keeps both rows for receipts that never come
    for body in [&b"old 1"[..], b"old 2"] {
        let sent = a.send(&a_conn, body).await.unwrap();
        expect_sent(&mut a_events, &[sent]).await;
        let (id, got) = next_msg(&mut b_events, &b_conn).await;
        assert_eq!(got, body);
        b.ack(&b_conn, id, None).await.unwrap();
    }
    assert_eq!(rows(&a), (2, 0));
    a.cleanup().await.unwrap();
    assert_eq!(rows(&a), (2, 0), "nothing is old yet");

    // one TTL (and a minute) later by A's clock, still a TTL behind the system clock; a
    // message sent now is young
    offset.store(-ttl_ms + 60_000, Ordering::SeqCst);
    let young = a.send(&a_conn, b"young").await.unwrap();
    expect_sent(&mut a_events, &[young]).await;
    let (id, _) = next_msg(&mut b_events, &b_conn).await;
    b.ack(&b_conn, id, None).await.unwrap();
    assert_eq!(rows(&a), (3, 0));
    a.cleanup().await.unwrap();
    assert_eq!(rows(&a), (1, 0));
    let left = a.store().transaction(|tx| tx.snd_message(&a_conn, young));
    assert!(left.unwrap().is_some(), "the young message expired");

    a.send(&a_conn, b"still here").await.unwrap();
    assert_eq!(next_msg(&mut b_events, &b_conn).await.1, b"still here");
}

/// Rows of sent message `id` on `conn` in the database file at `path`: (messages with a
/// body, messages, deliveries), read through a second connection to the file.
fn snd_rows_in_file(path: &std::path::Path, conn: &ConnId, id: InternalId) -> (i64, i64, i64) {
    let raw = rusqlite::Connection::open(path).unwrap();
    raw.pragma_update(None, "key", "test passphrase").unwrap();
    let count = |sql: &str| -> i64 {
        raw.query_row(sql, rusqlite::params![conn, id], |r| r.get(0))
            .unwrap()
    };
    (
        count(
            "SELECT count(*) FROM snd_messages
             WHERE conn_id = ?1 AND internal_id = ?2 AND length(body) > 0",
        ),
        count("SELECT count(*) FROM snd_messages WHERE conn_id = ?1 AND internal_id = ?2"),
        count("SELECT count(*) FROM snd_deliveries WHERE conn_id = ?1 AND internal_id = ?2"),
    )
}

/// A message the relay refuses for good (`ERR AUTH`: the peer deleted the connection and
/// its queue) is reported with `MsgErr` and leaves neither its body nor its rows behind
/// (reference `notifyDel`; it used to stay as a failed delivery forever).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_refused_for_good_leaves_no_rows() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events, b, mut b_events) = open_two(&relay, dir.path()).await;
    let (a_conn, b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;
    settles_at(&a, (0, 0)).await;
    b.delete_connection(&b_conn).await.unwrap();

    let sent = a.send(&a_conn, b"to a deleted queue").await.unwrap();
    let failed = tokio::time::timeout(flow::WAIT, async {
        loop {
            match a_events.recv().await.expect("event channel closed") {
                AgentEvent::MsgErr { conn_id, id, err } => break (conn_id, id, err),
                AgentEvent::Sent { .. } => {}
                ev => panic!("expected MsgErr, got {ev:?}"),
            }
        }
    })
    .await
    .expect("no MsgErr");
    assert_eq!((&failed.0, failed.1), (&a_conn, sent));
    assert!(
        matches!(
            failed.2,
            simplex_agent::AgentError::Relay(smp_client::ClientError::Protocol(
                smp_proto::ErrorType::Auth
            ))
        ),
        "{}",
        failed.2
    );
    // deleted in the transaction before the event: nothing of it is left in the file
    let path = dir.path().join("a.db");
    assert_eq!(snd_rows_in_file(&path, &a_conn, sent), (0, 0, 0));
    assert_eq!(rows(&a), (0, 0));
    // and it is not retried: the worker has nothing left to send
    let pending = a.store().transaction(|tx| tx.pending_queues()).unwrap();
    assert!(pending.is_empty(), "{pending:?}");
}
