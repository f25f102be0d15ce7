//! A contact request goes through the persisted delivery worker: when the address's
//! relay cannot be reached it is kept and retried, and it survives the requester being
//! closed and reopened; exactly one request arrives.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod relay;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use flow::{Peer, exchange_one, expect_request, finish_handshake};
use simplex_agent::store::{MsgType, StoreError};
use simplex_agent::{Agent, AgentConfig, AgentEvent, RelayConfig};

/// `own` (the relay of the agent's queues: stored as the user's relay list at the first
/// open), then `other` dialled at `other_addr` (an address override only).
fn config(
    db: &Path,
    own: &relay::Relay,
    other: &relay::Relay,
    other_addr: SocketAddr,
) -> AgentConfig {
    let mut cfg = own.agent_config(db);
    cfg.relays.push(RelayConfig {
        connect_addr: Some(other_addr),
        ..RelayConfig::new(other.server.clone())
    });
    cfg
}

/// A loopback address nothing listens on.
fn closed_port() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contact_request_is_stored_retried_and_resumed() {
    let relay_a = relay::start_relay().await;
    let relay_b = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a_db, b_db) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let (a, mut a_events) = Agent::open(relay_a.agent_config(&a_db)).await.unwrap();
    let (address, link) = a.create_contact_address().await.unwrap();

    // B's relay list is only its own relay
    drop(Agent::open(relay_b.agent_config(&b_db)).await.unwrap());
    // B cannot reach A's relay: the request is stored and retried in the background
    let (b, mut b_events) = Agent::open(config(&b_db, &relay_b, &relay_a, closed_port()))
        .await
        .unwrap();
    let b_conn = b.join(&link, b"bob's info").await.unwrap();
    let pending = |b: &Agent| {
        b.store()
            .transaction(|tx| {
                let msgs = tx
                    .snd_queues(&b_conn)?
                    .iter()
                    .map(|q| tx.next_deliveries(q.snd_queue_id, 10))
                    .collect::<Result<Vec<_>, StoreError>>()?;
                Ok::<_, StoreError>(msgs.into_iter().flatten().count())
            })
            .unwrap()
    };
    assert_eq!(pending(&b), 1, "the request is a stored delivery");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        pending(&b),
        1,
        "still pending while the relay is unreachable"
    );
    let sent_msg = b
        .store()
        .transaction(|tx| tx.snd_message_by_snd_id(&b_conn, 0))
        .unwrap()
        .unwrap();
    assert_eq!(sent_msg.msg_type, MsgType::Invitation);
    while let Ok(ev) = b_events.try_recv() {
        assert!(matches!(ev, AgentEvent::Error { .. }), "unexpected {ev:?}");
    }
    assert!(a_events.try_recv().is_err(), "nothing reached A yet");

    // B restarts with the right address: the worker resumes and the request arrives once
    drop(b);
    drop(b_events);
    let (b, mut b_events) = Agent::open(config(&b_db, &relay_b, &relay_a, relay_a.addr))
        .await
        .unwrap();
    let inv_id = expect_request(&mut a_events, &address, b"bob's info").await;
    let a_conn = a.accept_contact(&inv_id, b"alice's info").await.unwrap();
    let mut initiator = Peer::from((&b, &mut b_events, &b_conn));
    let mut joiner = Peer::from((&a, &mut a_events, &a_conn));
    finish_handshake(&mut initiator, b"bob again", &mut joiner, b"alice's info").await;
    exchange_one(&mut initiator, &mut joiner).await;
    assert_eq!(pending(&b), 0);
    let queues = b.store().transaction(|tx| tx.snd_queues(&b_conn)).unwrap();
    assert_eq!(
        queues.len(),
        1,
        "the address's send queue is gone after delivery"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    while let Ok(ev) = a_events.try_recv() {
        assert!(
            !matches!(ev, AgentEvent::Req { .. }),
            "a second request: {ev:?}"
        );
    }
}
