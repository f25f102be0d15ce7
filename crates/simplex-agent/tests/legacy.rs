//! The classic duplex handshake (queues their senders cannot secure: the sender key in
//! the confirmation, `KEY` by the recipient, `HELLO` both ways) on a real relay: every
//! mix of legacy and sender-secured queues, restarts mid-handshake, and a `HELLO` the
//! relay refuses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod relay;

use std::path::Path;

use agent_proto::ConnectionRequest;
use flow::{Peer, exchange_one, expect_messages, finish_handshake, next_event, send_all};
use simplex_agent::store::{ConnId, MsgType, QueueMode, QueueStatus};
use simplex_agent::{Agent, AgentEvent};
use tokio::sync::mpsc::Receiver;

/// An agent on `relay` with its database at `dir/name.db`; `legacy` makes its
/// invitation and reply queues without sender-secure.
async fn open(
    relay: &relay::Relay,
    dir: &Path,
    name: &str,
    legacy: bool,
) -> (Agent, Receiver<AgentEvent>) {
    let mut cfg = relay.agent_config(&dir.join(format!("{name}.db")));
    cfg.legacy_invitations = legacy;
    Agent::open(cfg).await.unwrap()
}

/// The type of the sent message `snd_msg_id` of `conn`.
fn sent_type(agent: &Agent, conn: &ConnId, snd_msg_id: i64) -> Option<MsgType> {
    agent
        .store()
        .transaction(|tx| tx.snd_message_by_snd_id(conn, snd_msg_id))
        .unwrap()
        .map(|m| m.msg_type)
}

/// The mode and status of the primary send queue of `conn`.
fn send_queue(agent: &Agent, conn: &ConnId) -> (Option<QueueMode>, QueueStatus) {
    let sqs = agent.store().transaction(|tx| tx.snd_queues(conn)).unwrap();
    let sq = sqs.iter().find(|q| q.primary).unwrap();
    (sq.queue_mode, sq.status)
}

/// The queue mode the invitation link offers.
fn link_queue_mode(link: &str) -> Option<smp_proto::command::QueueMode> {
    match ConnectionRequest::parse_text(link).unwrap() {
        ConnectionRequest::Invitation { data, .. } => data.queues[0].addr.queue_mode,
        ConnectionRequest::Contact { .. } => panic!("not an invitation"),
    }
}

/// A (`a_legacy`) invites, B (`b_legacy`) joins; both get `CON`, messages flow both
/// ways; `HELLO` is exchanged exactly when B's reply queue is a legacy one.
async fn connect_mixed(a_legacy: bool, b_legacy: bool) {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events) = open(&relay, dir.path(), "a", a_legacy).await;
    let (b, mut b_events) = open(&relay, dir.path(), "b", b_legacy).await;

    let (a_conn, link) = a.create_invitation().await.unwrap();
    let expected_mode = (!a_legacy).then_some(smp_proto::command::QueueMode::Messaging);
    assert_eq!(link_queue_mode(&link), expected_mode);
    let b_conn = b.join(&link, b"bob's info").await.unwrap();
    let mut initiator = Peer::from((&a, &mut a_events, &a_conn));
    let mut joiner = Peer::from((&b, &mut b_events, &b_conn));
    finish_handshake(&mut initiator, b"alice's info", &mut joiner, b"bob's info").await;
    exchange_one(&mut initiator, &mut joiner).await;

    // B sends to A's queue: secured by B itself, or by A with B's key
    let b_mode = (!a_legacy).then_some(QueueMode::Messaging);
    assert_eq!(send_queue(&b, &b_conn), (b_mode, QueueStatus::Active));
    let a_mode = (!b_legacy).then_some(QueueMode::Messaging);
    assert_eq!(send_queue(&a, &a_conn), (a_mode, QueueStatus::Active));
    // message 1 is each side's confirmation, then `HELLO` only in the legacy exchange,
    // then the app message of `exchange_one`
    let hello = i64::from(b_legacy);
    for (agent, conn) in [(&a, &a_conn), (&b, &b_conn)] {
        let last = agent
            .store()
            .transaction(|tx| tx.conn(conn))
            .unwrap()
            .unwrap()
            .last_snd_msg_id;
        assert_eq!(last, 2 + hello);
        assert_eq!(sent_type(agent, conn, last), Some(MsgType::Msg));
    }

    send_all(&a, &a_conn, "a to b", 20).await;
    send_all(&b, &b_conn, "b to a", 20).await;
    expect_messages(&mut b_events, &b_conn, "a to b", 20).await;
    expect_messages(&mut a_events, &a_conn, "b to a", 20).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_queues_legacy() {
    connect_mixed(true, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_invitation_secured_reply() {
    connect_mixed(true, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secured_invitation_legacy_reply() {
    connect_mixed(false, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_queues_secured_control() {
    connect_mixed(false, false).await;
}

/// Waits until the confirmation to the peer on `conn` is delivered (no event tells it
/// when the peer's queue is a legacy one: `CON` follows the `HELLO`s).
async fn confirmation_delivered(agent: &Agent, conn: &ConnId) {
    tokio::time::timeout(flow::WAIT, async {
        while send_queue(agent, conn).1 != QueueStatus::Confirmed {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the confirmation was not delivered");
}

/// The next event (other than `Sent`) is `ERR AUTH` on `conn`.
async fn expect_auth(events: &mut Receiver<AgentEvent>, conn: &ConnId) {
    let (conn_id, err) = tokio::time::timeout(flow::WAIT, async {
        loop {
            match events.recv().await.unwrap() {
                AgentEvent::Sent { .. } => continue,
                AgentEvent::Error { conn_id, err } => return (conn_id, err),
                ev => panic!("expected ERR AUTH, got {ev:?}"),
            }
        }
    })
    .await
    .expect("no error reported");
    assert_eq!(conn_id.as_ref(), Some(conn));
    assert!(
        matches!(
            err,
            simplex_agent::AgentError::Relay(smp_client::ClientError::Protocol(
                smp_proto::ErrorType::Auth
            ))
        ),
        "{err}"
    );
}

/// `CON` on `conn`.
async fn expect_con(events: &mut Receiver<AgentEvent>, conn: &ConnId) {
    match next_event(events).await {
        AgentEvent::Con { conn_id } => assert_eq!(&conn_id, conn),
        ev => panic!("expected CON, got {ev:?}"),
    }
}

/// `CONF` on `conn`; returns its id.
async fn expect_conf(
    events: &mut Receiver<AgentEvent>,
    conn: &ConnId,
) -> simplex_agent::store::ConfirmationId {
    match next_event(events).await {
        AgentEvent::Conf {
            conn_id, conf_id, ..
        } => {
            assert_eq!(&conn_id, conn);
            conf_id
        }
        ev => panic!("expected CONF, got {ev:?}"),
    }
}

/// `INFO` on `conn`.
async fn expect_info(events: &mut Receiver<AgentEvent>, conn: &ConnId) {
    match next_event(events).await {
        AgentEvent::Info { conn_id, info } => {
            assert_eq!(&conn_id, conn);
            assert_eq!(info, b"alice's info");
        }
        ev => panic!("expected INFO, got {ev:?}"),
    }
}

/// Two legacy agents after the joiner's confirmation was delivered and reported to the
/// initiator (`CONF`).
struct Confirmed {
    relay: relay::Relay,
    dir: tempfile::TempDir,
    a: Agent,
    a_events: Receiver<AgentEvent>,
    b: Agent,
    b_events: Receiver<AgentEvent>,
    a_conn: ConnId,
    b_conn: ConnId,
    conf_id: simplex_agent::store::ConfirmationId,
}

async fn legacy_confirmed() -> Confirmed {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events) = open(&relay, dir.path(), "a", true).await;
    let (b, b_events) = open(&relay, dir.path(), "b", true).await;
    let (a_conn, link) = a.create_invitation().await.unwrap();
    let b_conn = b.join(&link, b"bob's info").await.unwrap();
    let conf_id = expect_conf(&mut a_events, &a_conn).await;
    // (recorded as delivered: resent after A's `KEY`, B's confirmation would be refused
    // with `AUTH`, failing the connection as in the reference)
    confirmation_delivered(&b, &b_conn).await;
    Confirmed {
        relay,
        dir,
        a,
        a_events,
        b,
        b_events,
        a_conn,
        b_conn,
        conf_id,
    }
}

/// Both sides get `CON`, then one message each way.
async fn connected(
    a: (&Agent, &mut Receiver<AgentEvent>, &ConnId),
    b: (&Agent, &mut Receiver<AgentEvent>, &ConnId),
) {
    let (mut a_peer, mut b_peer) = (Peer::from(a), Peer::from(b));
    expect_con(a_peer.events, a_peer.conn).await;
    expect_con(b_peer.events, b_peer.conn).await;
    exchange_one(&mut a_peer, &mut b_peer).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initiator_restarts_after_allowing() {
    let mut c = legacy_confirmed().await;
    c.a.allow(&c.a_conn, &c.conf_id, b"alice's info")
        .await
        .unwrap();
    // A stops once its confirmation is out (B's `HELLO` most likely not in yet): B
    // secures its queue and sends `HELLO` to A's queue, where it waits
    confirmation_delivered(&c.a, &c.a_conn).await;
    drop(c.a);
    drop(c.a_events);
    expect_info(&mut c.b_events, &c.b_conn).await;
    let (a, mut a_events) = open(&c.relay, c.dir.path(), "a", true).await;
    let b = (&c.b, &mut c.b_events, &c.b_conn);
    connected((&a, &mut a_events, &c.a_conn), b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joiner_restarts_after_the_confirmation() {
    let mut c = legacy_confirmed().await;
    // B stops before A's confirmation arrives; on reopening it receives it, secures
    // its queue and sends `HELLO` (or resumes whichever of these it had stored)
    drop(c.b);
    drop(c.b_events);
    c.a.allow(&c.a_conn, &c.conf_id, b"alice's info")
        .await
        .unwrap();
    let (b, mut b_events) = open(&c.relay, c.dir.path(), "b", true).await;
    expect_info(&mut b_events, &c.b_conn).await;
    // and once more, right after the confirmation was stored
    drop(b);
    drop(b_events);
    let (b, mut b_events) = open(&c.relay, c.dir.path(), "b", true).await;
    let a = (&c.a, &mut c.a_events, &c.a_conn);
    connected(a, (&b, &mut b_events, &c.b_conn)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hello_to_a_deleted_queue_is_reported_not_retried() {
    let c = legacy_confirmed().await;
    let (a, a_conn, b_conn) = (&c.a, &c.a_conn, &c.b_conn);
    drop(c.b);
    drop(c.b_events);
    // A allows (its confirmation waits for B on the relay), then deletes the connection
    // with its queue
    a.allow(a_conn, &c.conf_id, b"alice's info").await.unwrap();
    confirmation_delivered(a, a_conn).await;
    a.delete_connection(a_conn).await.unwrap();
    let (b, mut b_events) = open(&c.relay, c.dir.path(), "b", true).await;
    expect_info(&mut b_events, b_conn).await;
    // B's `HELLO` to the deleted queue: `ERR AUTH` on B's connection
    expect_auth(&mut b_events, b_conn).await;
    // not retried: the delivery is dropped and the connection never completes
    let (status, conn_status) = b
        .store()
        .transaction(|tx| {
            let sq = tx.snd_queues(b_conn)?.into_iter().find(|q| q.primary);
            let conn = tx.conn(b_conn)?;
            Ok::<_, simplex_agent::store::StoreError>((
                sq.map(|q| q.status),
                conn.map(|c| c.status),
            ))
        })
        .unwrap();
    assert_eq!(status, Some(QueueStatus::Confirmed));
    assert_eq!(conn_status, Some(simplex_agent::store::ConnStatus::Joined));
    let pending = b.store().transaction(|tx| tx.pending_queues()).unwrap();
    assert!(pending.is_empty(), "HELLO is still due for delivery");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn used_legacy_link_is_refused_with_auth() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events) = open(&relay, dir.path(), "a", true).await;
    let (b, mut b_events) = open(&relay, dir.path(), "b", true).await;
    let (c, mut c_events) = open(&relay, dir.path(), "c", true).await;
    let (a_conn, link) = a.create_invitation().await.unwrap();
    let b_conn = b.join(&link, b"bob's info").await.unwrap();
    let mut initiator = Peer::from((&a, &mut a_events, &a_conn));
    let mut joiner = Peer::from((&b, &mut b_events, &b_conn));
    finish_handshake(&mut initiator, b"alice's info", &mut joiner, b"bob's info").await;
    // A's queue is secured with B's key now: C's unsigned confirmation is refused by the
    // relay (joining needs no relay command first, so `join` itself succeeds)
    let c_conn = c.join(&link, b"carol's info").await.unwrap();
    expect_auth(&mut c_events, &c_conn).await;
    // A and B are not disturbed
    exchange_one(&mut initiator, &mut joiner).await;
}
