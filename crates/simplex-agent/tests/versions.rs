//! Agents of different agent-protocol versions connect: one side configured with a
//! lower maximum (as the reference's tests run an older agent) connects either way round
//! over messaging queues, both store the agreed version, and messages flow both ways;
//! below version 5 PQ stays off. Real relay on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod relay;

use flow::{Peer, connect, exchange_one};
use simplex_agent::store::ConnId;
use simplex_agent::{Agent, AgentEvent};
use simplex_encoding::VersionRange;
use tokio::sync::mpsc::Receiver;

/// The stored agent version and PQ support of a connection.
fn agreed(agent: &Agent, conn: &ConnId) -> (u16, bool) {
    let conn = conn.clone();
    let c = agent
        .store()
        .transaction(move |tx| tx.conn(&conn))
        .unwrap()
        .unwrap();
    (c.agent_version, c.pq_support)
}

async fn open(
    relay: &relay::Relay,
    db: &std::path::Path,
    max: u16,
) -> (Agent, Receiver<AgentEvent>) {
    let mut cfg = relay.agent_config(db);
    cfg.agent_versions = VersionRange::new(2, max).unwrap();
    cfg.pq_support = true;
    Agent::open(cfg).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn older_agent_versions_connect_both_ways() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (new, mut new_events) = open(&relay, &dir.path().join("new.db"), 7).await;
    for old_max in [6, 4] {
        let db = dir.path().join(format!("old{old_max}.db"));
        let (old, mut old_events) = open(&relay, &db, old_max).await;
        // the newer agent invites, then the older one does
        for new_invites in [true, false] {
            let (new_conn, old_conn) = if new_invites {
                connect(&new, &mut new_events, &old, &mut old_events).await
            } else {
                let (o, n) = connect(&old, &mut old_events, &new, &mut new_events).await;
                (n, o)
            };
            let pq = old_max >= 5;
            assert_eq!(
                agreed(&new, &new_conn),
                (old_max, pq),
                "{old_max} {new_invites}"
            );
            assert_eq!(
                agreed(&old, &old_conn),
                (old_max, pq),
                "{old_max} {new_invites}"
            );
            let mut a = Peer::from((&new, &mut new_events, &new_conn));
            let mut b = Peer::from((&old, &mut old_events, &old_conn));
            exchange_one(&mut a, &mut b).await;
            exchange_one(&mut b, &mut a).await;
        }
    }
}
