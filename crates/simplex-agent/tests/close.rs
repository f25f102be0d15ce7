//! Closing an agent closes its relay connections, also when one of its tasks is in the
//! middle of connecting to a relay (holding the pool's connections): the relay sees the
//! client go (its subscription of the agent's queue ends).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod relay;

use flow::{WAIT, connect};
use simplex_agent::{Agent, AgentEvent, RelayConfig};
use tokio::net::TcpListener;
use tokio::sync::mpsc::Receiver;
use tokio::time::{sleep, timeout};

/// Whether `relay` has a subscriber for its queue `rcv_id`.
fn subscribed(relay: &relay::Relay, rcv_id: &[u8]) -> bool {
    let id: [u8; 24] = rcv_id.try_into().unwrap();
    relay.handle.env().subscribers.get(&id).is_some()
}

/// Waits until `relay` no longer has a subscriber for `rcv_id`.
async fn expect_unsubscribed(relay: &relay::Relay, rcv_id: &[u8]) {
    timeout(WAIT, async {
        while subscribed(relay, rcv_id) {
            sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the relay still serves the closed agent");
}

/// A (receiving on `r1`) connected with B (receiving on `r2`), A reopened with `r2`
/// dialled at a listener that accepts but never answers: A is subscribed on `r1`, and
/// its delivery worker, sending to B, is stuck connecting to `r2` (holding the pool's
/// connections) when this returns.
struct Stuck {
    r1: relay::Relay,
    _r2: relay::Relay,
    _dir: tempfile::TempDir,
    a: Agent,
    _a_events: Receiver<AgentEvent>,
    _b: Agent,
    /// A's receive queue on `r1`.
    rcv_id: Vec<u8>,
    /// The listener standing in for `r2` (kept open).
    _hole: (TcpListener, tokio::net::TcpStream),
}

impl Stuck {
    async fn start() -> Stuck {
        let (r1, r2) = (relay::start_relay().await, relay::start_relay().await);
        let dir = tempfile::tempdir().unwrap();
        let a_db = dir.path().join("a.db");
        let (a, mut a_events) = Agent::open(r1.agent_config(&a_db)).await.unwrap();
        let (b, mut b_events) = Agent::open(r2.agent_config(&dir.path().join("b.db")))
            .await
            .unwrap();
        let (a_conn, _) = connect(&a, &mut a_events, &b, &mut b_events).await;
        let queues = a.store().transaction(|tx| tx.rcv_queues(&a_conn)).unwrap();
        let rcv_id = queues[0].rcv_id.clone();
        drop(a);
        drop(a_events);

        let hole = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut cfg = r1.agent_config(&a_db);
        cfg.relays.push(RelayConfig {
            connect_addr: Some(hole.local_addr().unwrap()),
            ..RelayConfig::new(r2.server.clone())
        });
        let (a, a_events) = Agent::open(cfg).await.unwrap();
        a.send(&a_conn, b"stuck").await.unwrap();
        let (conn, _) = timeout(WAIT, hole.accept()).await.unwrap().unwrap();
        // the TCP connection is up: the worker now waits for the TLS handshake
        timeout(WAIT, async {
            while !subscribed(&r1, &rcv_id) {
                sleep(std::time::Duration::from_millis(20)).await;
            }
        })
        .await
        .expect("A subscribed on r1");
        Stuck {
            r1,
            _r2: r2,
            _dir: dir,
            a,
            _a_events: a_events,
            _b: b,
            rcv_id,
            _hole: (hole, conn),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_while_a_task_connects_closes_the_relay_connections() {
    let s = Stuck::start().await;
    assert!(subscribed(&s.r1, &s.rcv_id));
    s.a.close().await;
    expect_unsubscribed(&s.r1, &s.rcv_id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_while_a_task_connects_closes_the_relay_connections() {
    let s = Stuck::start().await;
    assert!(subscribed(&s.r1, &s.rcv_id));
    drop(s.a);
    expect_unsubscribed(&s.r1, &s.rcv_id).await;
}
