//! Post-quantum (sntrup761) encryption through a real relay: two agents with PQ on end
//! up with PQ (KEM) ratchets on both sides; a PQ-on agent still connects with a PQ-off
//! agent, with PQ off; PQ encryption can be switched off per connection.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod relay;

use std::path::Path;

use flow::{Peer, connect, expect_messages, expect_request, finish_handshake, send_all};
use simplex_agent::store::{ConnId, RatchetSyncState, StoreError};
use simplex_agent::{Agent, AgentEvent};
use simplex_ratchet::{PQEncryption, PQSupport, RatchetState};
use tokio::sync::mpsc::Receiver;

async fn open(relay: &relay::Relay, db: &Path, pq: bool) -> (Agent, Receiver<AgentEvent>) {
    let mut cfg = relay.agent_config(db);
    cfg.pq_support = pq;
    Agent::open(cfg).await.unwrap()
}

/// The connection's ratchet state and its stored PQ flags (support, encryption).
fn pq_state(agent: &Agent, conn: &ConnId) -> (RatchetState, (bool, bool)) {
    agent
        .store()
        .transaction(|tx| {
            let state = tx.ratchet(conn)?.and_then(|r| r.state).unwrap();
            let c = tx.conn(conn)?.unwrap();
            Ok::<_, StoreError>((
                RatchetState::from_bytes(state.as_bytes()).unwrap(),
                (c.pq_support, c.pq_encryption),
            ))
        })
        .unwrap()
}

/// A few messages back and forth, so that both sides make several ratchet steps.
async fn ping_pong(
    a: (&Agent, &mut Receiver<AgentEvent>, &ConnId),
    b: (&Agent, &mut Receiver<AgentEvent>, &ConnId),
    rounds: usize,
) {
    for r in 0..rounds {
        let (to_b, to_a) = (format!("a{r}"), format!("b{r}"));
        send_all(a.0, a.2, &to_b, 2).await;
        expect_messages(b.1, b.2, &to_b, 2).await;
        send_all(b.0, b.2, &to_a, 2).await;
        expect_messages(a.1, a.2, &to_a, 2).await;
    }
}

/// Sends one message from `from` and returns the PQ flag of its `Msg` event at `to`.
async fn msg_pq_flag(from: (&Agent, &ConnId), to: (&mut Receiver<AgentEvent>, &ConnId)) -> bool {
    from.0.send(from.1, b"pq?").await.unwrap();
    match flow::next_event(to.0).await {
        AgentEvent::Msg {
            conn_id,
            body,
            pq_encryption,
            ..
        } => {
            assert_eq!(&conn_id, to.1);
            assert_eq!(body, b"pq?");
            pq_encryption
        }
        ev => panic!("expected a message, got {ev:?}"),
    }
}

/// Both PQ flags of the connection and of its ratchet are on, in both chains.
fn assert_pq_on(agent: &Agent, conn: &ConnId) {
    let (state, flags) = pq_state(agent, conn);
    assert_eq!(flags, (true, true));
    assert_eq!(state.pq_support(), PQSupport(true));
    assert_eq!(state.pq_enabled(), PQEncryption::ON);
    assert_eq!(state.snd_pq(), PQEncryption::ON, "sending chain uses KEM");
    assert_eq!(state.rcv_pq(), PQEncryption::ON, "receiving chain uses KEM");
}

/// Messages both ways, then PQ must be on in both ratchets.
async fn ping_pong_pq_on(x: Peer<'_>, y: Peer<'_>) {
    ping_pong((x.agent, x.events, x.conn), (y.agent, y.events, y.conn), 2).await;
    assert_pq_on(x.agent, x.conn);
    assert_pq_on(y.agent, y.conn);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pq_on_by_short_links_and_contact_address() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events) = open(&relay, &dir.path().join("a.db"), true).await;
    let (b, mut b_events) = open(&relay, &dir.path().join("b.db"), true).await;

    // short invitation link: the KEM key is proposed in the link data, not in the
    // printed full link
    let (a_conn, links) = a.create_invitation_link(b"card").await.unwrap();
    let data = b.short_link_data(&links.short).await.unwrap();
    assert!(
        data.full.len() > links.full.len() + 1000,
        "KEM key in link data"
    );
    let b_conn = b.join(&data.full, b"bob").await.unwrap();
    let mut initiator = Peer::from((&a, &mut a_events, &a_conn));
    let mut joiner = Peer::from((&b, &mut b_events, &b_conn));
    finish_handshake(&mut initiator, b"alice", &mut joiner, b"bob").await;
    ping_pong_pq_on(initiator, joiner).await;

    // contact address: the request's invitation carries the KEM key
    let (address, links) = a.create_contact_address_link(b"profile").await.unwrap();
    let b_conn = b.join(&links.short, b"bob").await.unwrap();
    let inv_id = expect_request(&mut a_events, &address, b"bob").await;
    let a_conn = a.accept_contact(&inv_id, b"alice").await.unwrap();
    let mut initiator = Peer::from((&b, &mut b_events, &b_conn));
    let mut joiner = Peer::from((&a, &mut a_events, &a_conn));
    finish_handshake(&mut initiator, b"bob again", &mut joiner, b"alice").await;
    ping_pong_pq_on(initiator, joiner).await;
}

/// Two PQ agents in `dir`, connected, after `rounds` of [`ping_pong`].
async fn pq_pair(
    relay: &relay::Relay,
    dir: &Path,
    rounds: usize,
) -> (
    Agent,
    Receiver<AgentEvent>,
    ConnId,
    Agent,
    Receiver<AgentEvent>,
    ConnId,
) {
    let (a, mut a_events) = open(relay, &dir.join("a.db"), true).await;
    let (b, mut b_events) = open(relay, &dir.join("b.db"), true).await;
    let (a_conn, b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;
    let (x, y) = ((&a, &mut a_events, &a_conn), (&b, &mut b_events, &b_conn));
    ping_pong(x, y, rounds).await;
    (a, a_events, a_conn, b, b_events, b_conn)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pq_on_both_sides() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events, a_conn, b, mut b_events, b_conn) = pq_pair(&relay, dir.path(), 3).await;
    assert_pq_on(&a, &a_conn);
    assert_pq_on(&b, &b_conn);
    // the messages say they came PQ encrypted
    assert!(msg_pq_flag((&a, &a_conn), (&mut b_events, &b_conn)).await);
    assert!(msg_pq_flag((&b, &b_conn), (&mut a_events, &a_conn)).await);

    // switching PQ encryption off on both sides: later ratchet steps drop the KEM
    a.set_pq_encryption(&a_conn, false).await.unwrap();
    b.set_pq_encryption(&b_conn, false).await.unwrap();
    ping_pong(
        (&a, &mut a_events, &a_conn),
        (&b, &mut b_events, &b_conn),
        3,
    )
    .await;
    for (agent, conn) in [(&a, &a_conn), (&b, &b_conn)] {
        let (state, flags) = pq_state(agent, conn);
        assert_eq!(flags, (true, false));
        assert_eq!(state.pq_support(), PQSupport(true), "support only turns on");
        assert_eq!(state.snd_pq(), PQEncryption::OFF);
        assert_eq!(state.rcv_pq(), PQEncryption::OFF);
    }
    assert!(!msg_pq_flag((&a, &a_conn), (&mut b_events, &b_conn)).await);
    assert!(!msg_pq_flag((&b, &b_conn), (&mut a_events, &a_conn)).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pq_on_with_pq_off_connects_without_pq() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    // both directions of who has PQ: initiator on / joiner off, and the reverse
    for (a_pq, b_pq) in [(true, false), (false, true)] {
        let (a, mut a_events) = open(&relay, &dir.path().join(format!("a{a_pq}.db")), a_pq).await;
        let (b, mut b_events) = open(&relay, &dir.path().join(format!("b{b_pq}.db")), b_pq).await;
        let (a_conn, b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;
        ping_pong(
            (&a, &mut a_events, &a_conn),
            (&b, &mut b_events, &b_conn),
            3,
        )
        .await;
        for (agent, conn) in [(&a, &a_conn), (&b, &b_conn)] {
            let (state, _) = pq_state(agent, conn);
            assert_eq!(state.snd_pq(), PQEncryption::OFF, "{a_pq}/{b_pq}");
            assert_eq!(state.rcv_pq(), PQEncryption::OFF, "{a_pq}/{b_pq}");
        }
        assert!(!msg_pq_flag((&a, &a_conn), (&mut b_events, &b_conn)).await);
        // the PQ-off side cannot switch PQ encryption on
        let (off, off_conn) = if a_pq { (&b, &b_conn) } else { (&a, &a_conn) };
        assert!(off.set_pq_encryption(off_conn, true).await.is_err());
    }
}

/// Takes events until both sides reported the ratchet synchronised (`Ok`).
async fn until_synced(
    x: (&mut Receiver<AgentEvent>, &ConnId),
    y: (&mut Receiver<AgentEvent>, &ConnId),
) {
    for (events, conn) in [x, y] {
        loop {
            match flow::next_event(events).await {
                AgentEvent::RatchetSync {
                    conn_id,
                    state,
                    err,
                } => {
                    assert_eq!(&conn_id, conn);
                    assert_eq!(err, None);
                    if state == RatchetSyncState::Ok {
                        break;
                    }
                }
                ev => panic!("expected RatchetSync, got {ev:?}"),
            }
        }
    }
}

/// A re-synchronised ratchet of a PQ connection is PQ again: the new keys propose KEM
/// keys (the connection's PQ support), and after a few steps both chains use KEM.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resynchronised_ratchet_keeps_pq() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events, a_conn, b, mut b_events, b_conn) = pq_pair(&relay, dir.path(), 1).await;
    assert_pq_on(&a, &a_conn);
    let old_ad = pq_state(&a, &a_conn).0.assoc_data().to_vec();

    a.synchronize_ratchet(&a_conn, true).await.unwrap();
    until_synced((&mut a_events, &a_conn), (&mut b_events, &b_conn)).await;
    assert_ne!(
        pq_state(&a, &a_conn).0.assoc_data(),
        old_ad,
        "a new ratchet"
    );
    assert_eq!(pq_state(&a, &a_conn).0.pq_support(), PQSupport(true));
    assert_eq!(pq_state(&b, &b_conn).0.pq_support(), PQSupport(true));
    ping_pong_pq_on(
        Peer::from((&a, &mut a_events, &a_conn)),
        Peer::from((&b, &mut b_events, &b_conn)),
    )
    .await;
    assert!(msg_pq_flag((&a, &a_conn), (&mut b_events, &b_conn)).await);
}
