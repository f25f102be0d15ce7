//! Driving two agents in tests: waiting for events, connecting, sending and checking
//! numbered messages.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use simplex_agent::store::{ConnId, Integrity};
use simplex_agent::{Agent, AgentEvent};
use tokio::sync::mpsc::Receiver;
use tokio::time::timeout;

pub const WAIT: Duration = Duration::from_secs(20);

/// The next event that is not `Sent`, failing on errors.
pub async fn next_event(events: &mut Receiver<AgentEvent>) -> AgentEvent {
    loop {
        let ev = timeout(WAIT, events.recv())
            .await
            .expect("timed out waiting for an agent event")
            .expect("event channel closed");
        match ev {
            AgentEvent::Sent { .. } => continue,
            AgentEvent::Error { conn_id, err } => panic!("agent error on {conn_id:?}: {err}"),
            ev => return ev,
        }
    }
}

/// Receives `n` messages on `conn`, checking they are `prefix 0..n` in order with intact
/// integrity.
pub async fn expect_messages(
    events: &mut Receiver<AgentEvent>,
    conn: &ConnId,
    prefix: &str,
    n: usize,
) {
    for i in 0..n {
        match next_event(events).await {
            AgentEvent::Msg {
                conn_id,
                body,
                integrity,
                ..
            } => {
                assert_eq!(&conn_id, conn);
                assert_eq!(String::from_utf8(body).unwrap(), format!("{prefix} {i}"));
                assert_eq!(integrity, Integrity::Ok, "message {i}");
            }
            ev => panic!("expected message {i}, got {ev:?}"),
        }
    }
}

/// Connects `a` (initiator) and `b` (joiner) by invitation; returns their connection ids.
pub async fn connect(
    a: &Agent,
    a_events: &mut Receiver<AgentEvent>,
    b: &Agent,
    b_events: &mut Receiver<AgentEvent>,
) -> (ConnId, ConnId) {
    let (a_conn, link) = a.create_invitation().await.unwrap();
    assert!(link.starts_with("simplex:/invitation#/?"), "{link}");
    let b_conn = b.join(&link, b"bob's info").await.unwrap();
    let mut initiator = Peer::from((a, a_events, &a_conn));
    let mut joiner = Peer::from((b, b_events, &b_conn));
    finish_handshake(&mut initiator, b"alice's info", &mut joiner, b"bob's info").await;
    (a_conn, b_conn)
}

/// One side of a connection in a test: the agent, its events and the connection.
pub struct Peer<'a> {
    pub agent: &'a Agent,
    pub events: &'a mut Receiver<AgentEvent>,
    pub conn: &'a ConnId,
}

impl<'a> From<(&'a Agent, &'a mut Receiver<AgentEvent>, &'a ConnId)> for Peer<'a> {
    fn from((agent, events, conn): (&'a Agent, &'a mut Receiver<AgentEvent>, &'a ConnId)) -> Self {
        Peer {
            agent,
            events,
            conn,
        }
    }
}

/// After the joiner joined with `joiner_info`: the initiator gets `CONF` with it, allows
/// with `info`, and both sides get `CON` (the joiner `INFO` first).
pub async fn finish_handshake(
    initiator: &mut Peer<'_>,
    info: &[u8],
    joiner: &mut Peer<'_>,
    joiner_info: &[u8],
) {
    let conn = initiator.conn;
    let conf_id = match next_event(initiator.events).await {
        AgentEvent::Conf {
            conn_id,
            conf_id,
            info: peer_info,
        } => {
            assert_eq!(&conn_id, conn);
            assert_eq!(peer_info, joiner_info);
            conf_id
        }
        ev => panic!("expected CONF, got {ev:?}"),
    };
    initiator.agent.allow(conn, &conf_id, info).await.unwrap();
    match next_event(initiator.events).await {
        AgentEvent::Con { conn_id } => assert_eq!(&conn_id, conn),
        ev => panic!("expected CON on the initiator, got {ev:?}"),
    }
    match next_event(joiner.events).await {
        AgentEvent::Info {
            conn_id,
            info: peer_info,
        } => {
            assert_eq!(&conn_id, joiner.conn);
            assert_eq!(peer_info, info);
        }
        ev => panic!("expected INFO on the joiner, got {ev:?}"),
    }
    match next_event(joiner.events).await {
        AgentEvent::Con { conn_id } => assert_eq!(&conn_id, joiner.conn),
        ev => panic!("expected CON on the joiner, got {ev:?}"),
    }
}

/// [`finish_handshake`], then one message each way.
pub async fn finish_and_exchange<'a, 'b>(
    initiator: impl Into<Peer<'a>>,
    info: &[u8],
    joiner: impl Into<Peer<'b>>,
    joiner_info: &[u8],
) {
    let (mut initiator, mut joiner) = (initiator.into(), joiner.into());
    finish_handshake(&mut initiator, info, &mut joiner, joiner_info).await;
    exchange_one(&mut initiator, &mut joiner).await;
}

/// Gives `cfg` the system clock shifted by an offset in ms, starting at `offset_ms`;
/// returns the offset, which tests move to age what the agent stored.
pub fn shifted_clock(
    cfg: &mut simplex_agent::AgentConfig,
    offset_ms: i64,
) -> std::sync::Arc<std::sync::atomic::AtomicI64> {
    use simplex_agent::store::Timestamp;
    use std::sync::atomic::{AtomicI64, Ordering};
    let offset = std::sync::Arc::new(AtomicI64::new(offset_ms));
    let shift = offset.clone();
    cfg.clock = simplex_agent::config::Clock::new(move || {
        Timestamp(Timestamp::now().0 + shift.load(Ordering::SeqCst))
    });
    offset
}

/// Two agents with databases in `dir`, both using `relay`.
pub async fn open_two(
    relay: &crate::relay::Relay,
    dir: &std::path::Path,
) -> (Agent, Receiver<AgentEvent>, Agent, Receiver<AgentEvent>) {
    let (a, a_events) = Agent::open(relay.agent_config(&dir.join("a.db")))
        .await
        .unwrap();
    let (b, b_events) = Agent::open(relay.agent_config(&dir.join("b.db")))
        .await
        .unwrap();
    (a, a_events, b, b_events)
}

/// The next event must be `REQ` on `address` with `info`; returns the request id.
pub async fn expect_request(
    events: &mut Receiver<AgentEvent>,
    address: &ConnId,
    info: &[u8],
) -> simplex_agent::store::InvitationId {
    match next_event(events).await {
        AgentEvent::Req {
            conn_id,
            inv_id,
            info: req_info,
        } => {
            assert_eq!(&conn_id, address);
            assert_eq!(req_info, info);
            inv_id
        }
        ev => panic!("expected REQ, got {ev:?}"),
    }
}

/// Sends one message each way and checks both arrive.
pub async fn exchange_one(a: &mut Peer<'_>, b: &mut Peer<'_>) {
    send_all(a.agent, a.conn, "a to b", 1).await;
    send_all(b.agent, b.conn, "b to a", 1).await;
    expect_messages(b.events, b.conn, "a to b", 1).await;
    expect_messages(a.events, a.conn, "b to a", 1).await;
}

/// Sends `prefix 0..n` on `conn`.
pub async fn send_all(agent: &Agent, conn: &ConnId, prefix: &str, n: usize) {
    for i in 0..n {
        agent
            .send(conn, format!("{prefix} {i}").as_bytes())
            .await
            .unwrap();
    }
}
