//! Queue rotation with its `Switch` events: aborting a switch before the new queue is
//! secured, then a full switch while both sides send (the sender sends to both queues
//! once the new one is secured; every message arrives once, in order, and is reported
//! `Sent` once). Real relays on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod relay;

use std::collections::BTreeSet;
use std::sync::Arc;

use flow::{WAIT, connect, next_event};
use simplex_agent::pool::server_key;
use simplex_agent::store::{ConnId, Integrity};
use simplex_agent::{Agent, AgentEvent, QueueDirection, RelayConfig, SwitchPhase};
use tokio::sync::mpsc::Receiver;
use tokio::time::timeout;

use SwitchPhase::{Completed, Confirmed, Secured, Started};

/// The relays of a connection's receive queues, in queue order.
fn rcv_relays(agent: &Agent, conn: &ConnId) -> Vec<String> {
    let conn = conn.clone();
    let qs = agent.store().transaction(move |tx| tx.rcv_queues(&conn));
    qs.unwrap().into_iter().map(|q| q.server).collect()
}

/// What one side saw while the other switched: message bodies in order, switch phases,
/// ids reported `Sent`.
#[derive(Default)]
struct Seen {
    bodies: Vec<String>,
    phases: Vec<SwitchPhase>,
    sent: Vec<i64>,
}

/// Takes events of `conn` until `n` messages and the `Completed` phase were seen (and
/// `sent` ids reported `Sent`); switch events must be in `direction`.
async fn watch(
    events: &mut Receiver<AgentEvent>,
    conn: &ConnId,
    direction: QueueDirection,
    n: usize,
    sent: usize,
) -> Seen {
    let mut seen = Seen::default();
    while seen.bodies.len() < n || !seen.phases.contains(&Completed) || seen.sent.len() < sent {
        let ev = timeout(WAIT, events.recv()).await.unwrap().unwrap();
        match ev {
            AgentEvent::Msg {
                conn_id,
                body,
                integrity,
                ..
            } => {
                assert_eq!(&conn_id, conn);
                assert_eq!(integrity, Integrity::Ok, "{}", seen.bodies.len());
                seen.bodies.push(String::from_utf8(body).unwrap());
            }
            AgentEvent::Switch {
                conn_id,
                direction: d,
                phase,
            } => {
                assert_eq!(&conn_id, conn);
                assert_eq!(d, direction);
                seen.phases.push(phase);
            }
            AgentEvent::Sent { conn_id, id } => {
                assert_eq!(&conn_id, conn);
                seen.sent.push(id.0);
            }
            ev => panic!("unexpected {ev:?}"),
        }
    }
    seen
}

/// `n` messages `prefix i`, sent from a task.
fn send_in_background(
    agent: &Arc<Agent>,
    conn: &ConnId,
    prefix: &'static str,
    n: usize,
) -> tokio::task::JoinHandle<()> {
    let (agent, conn) = (agent.clone(), conn.clone());
    tokio::spawn(async move {
        for i in 0..n {
            agent
                .send(&conn, format!("{prefix} {i}").as_bytes())
                .await
                .unwrap();
            tokio::task::yield_now().await;
        }
    })
}

fn expected(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix} {i}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abort_then_switch_with_traffic_both_ways() {
    let (r1, r2) = (relay::start_relay().await, relay::start_relay().await);
    let dir = tempfile::tempdir().unwrap();
    let (a_db, b_db) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let (a, mut a_events) = Agent::open(r1.agent_config(&a_db)).await.unwrap();
    let (b, mut b_events) = Agent::open(r1.agent_config(&b_db)).await.unwrap();
    let (a_conn, b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;
    let second = RelayConfig {
        connect_addr: Some(r2.addr),
        ..RelayConfig::new(r2.server.clone())
    };
    let mut relays = a.relays();
    relays.push(second);
    a.set_relays(relays).await.unwrap();
    let (k1, k2) = (server_key(&r1.server), server_key(&r2.server));

    // B is away while A starts a switch, so nothing is secured yet: A aborts it and the
    // new queue is gone.
    drop(b);
    drop(b_events);
    assert!(
        a.abort_connection_switch(&a_conn).await.is_err(),
        "no switch"
    );
    a.switch_connection(&a_conn).await.unwrap();
    match next_event(&mut a_events).await {
        AgentEvent::Switch {
            direction: QueueDirection::Rcv,
            phase: Started,
            ..
        } => {}
        ev => panic!("unexpected {ev:?}"),
    }
    assert_eq!(rcv_relays(&a, &a_conn), [k1.clone(), k2.clone()]);
    a.abort_connection_switch(&a_conn).await.unwrap();
    assert_eq!(rcv_relays(&a, &a_conn), std::slice::from_ref(&k1));

    // B comes back and answers the `QADD` with `QKEY`, which A now refuses; messages
    // still flow through the old queues.
    let (b, mut b_events) = Agent::open(r1.agent_config(&b_db)).await.unwrap();
    let b = Arc::new(b);
    let b_phases = [
        next_event(&mut b_events).await,
        next_event(&mut b_events).await,
    ];
    for (ev, phase) in b_phases.into_iter().zip([Started, Confirmed]) {
        match ev {
            AgentEvent::Switch {
                direction: QueueDirection::Snd,
                phase: p,
                ..
            } => assert_eq!(p, phase),
            ev => panic!("unexpected {ev:?}"),
        }
    }
    match timeout(WAIT, a_events.recv()).await.unwrap().unwrap() {
        AgentEvent::Error { conn_id, err } => {
            assert_eq!(conn_id, Some(a_conn.clone()));
            assert!(err.to_string().contains("QKEY"), "{err}");
        }
        ev => panic!("unexpected {ev:?}"),
    }
    b.send(&b_conn, b"still here").await.unwrap();
    match next_event(&mut a_events).await {
        AgentEvent::Msg { body, .. } => assert_eq!(body, b"still here"),
        ev => panic!("unexpected {ev:?}"),
    }

    // A switches again while both send: every message arrives once and in order on both
    // sides, each side reports all four phases, and B reports each message `Sent` once.
    let a = Arc::new(a);
    let n = 30;
    let b_sender = send_in_background(&b, &b_conn, "b", n);
    a.switch_connection(&a_conn).await.unwrap();
    let a_sender = send_in_background(&a, &a_conn, "a", n);
    let (a_seen, b_seen) = tokio::join!(
        watch(&mut a_events, &a_conn, QueueDirection::Rcv, n, 0),
        watch(&mut b_events, &b_conn, QueueDirection::Snd, n, n + 1),
    );
    a_sender.await.unwrap();
    b_sender.await.unwrap();
    assert_eq!(a_seen.bodies, expected("b", n));
    assert_eq!(b_seen.bodies, expected("a", n));
    assert_eq!(a_seen.phases, [Started, Confirmed, Secured, Completed]);
    assert_eq!(b_seen.phases, [Started, Confirmed, Secured, Completed]);
    let unique: BTreeSet<i64> = b_seen.sent.iter().copied().collect();
    assert_eq!(unique.len(), b_seen.sent.len(), "each message is Sent once");
    assert_eq!(rcv_relays(&a, &a_conn), [k2]);

    // later messages use the new queue only
    let before = r2.handle.env().stats.msg_sent.get();
    b.send(&b_conn, b"after").await.unwrap();
    match next_event(&mut a_events).await {
        AgentEvent::Msg { body, .. } => assert_eq!(body, b"after"),
        ev => panic!("unexpected {ev:?}"),
    }
    assert_eq!(r2.handle.env().stats.msg_sent.get(), before + 1);
}

/// The relay of the new queue is down when A aborts a switch: the switch is aborted all
/// the same, the queue's `DEL` stays recorded (a `del_rcvq` command) and is retried until
/// the relay is back, where the queue is then deleted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aborted_switch_queue_is_deleted_when_its_relay_returns() {
    use smp_store::QueueStore;
    let (r1, r2) = (relay::start_relay().await, relay::start_relay().await);
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events) = Agent::open(r1.agent_config(&dir.path().join("a.db")))
        .await
        .unwrap();
    let (b, mut b_events) = Agent::open(r1.agent_config(&dir.path().join("b.db")))
        .await
        .unwrap();
    let (a_conn, _) = connect(&a, &mut a_events, &b, &mut b_events).await;
    let mut relays = a.relays();
    relays.push(RelayConfig {
        connect_addr: Some(r2.addr),
        ..RelayConfig::new(r2.server.clone())
    });
    a.set_relays(relays).await.unwrap();
    // B is away, so the switch stays abortable
    drop(b);
    drop(b_events);
    a.switch_connection(&a_conn).await.unwrap();
    match next_event(&mut a_events).await {
        AgentEvent::Switch { phase: Started, .. } => {}
        ev => panic!("unexpected {ev:?}"),
    }
    assert_eq!(r2.store.queue_count().unwrap(), 1, "the new queue");

    let k2 = server_key(&r2.server);
    let stopped = r2.stop().await;
    a.abort_connection_switch(&a_conn).await.unwrap();
    assert_eq!(rcv_relays(&a, &a_conn), [server_key(&r1.server)]);
    let recorded = |a: &Agent| {
        let cmds = a.store().transaction(|tx| tx.commands_of_kind("del_rcvq"));
        cmds.unwrap().len()
    };
    assert_eq!(recorded(&a), 1, "the failed DEL is kept for a retry");

    let r2 = stopped.start_again().await;
    loop {
        match timeout(WAIT, a_events.recv()).await.unwrap().unwrap() {
            AgentEvent::RcvQueueDeleted {
                conn_id,
                server,
                err,
                ..
            } => {
                assert_eq!((conn_id, server), (a_conn.clone(), k2));
                assert!(err.is_none(), "{err:?}");
                break;
            }
            // the lost connection to r2 may be reported meanwhile
            AgentEvent::Error { .. } => {}
            ev => panic!("unexpected {ev:?}"),
        }
    }
    assert_eq!(r2.store.queue_count().unwrap(), 0, "deleted on the relay");
    assert_eq!(recorded(&a), 0);
}
