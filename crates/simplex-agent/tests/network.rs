//! How agents reach relays: the user's relay list and the choice of relays for new
//! queues, and connecting through a SOCKS5 proxy. Real relays on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod relay;
#[path = "../../smp-client/tests/socks_proxy/mod.rs"]
mod socks_proxy;

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use flow::{connect, next_event};
use simplex_agent::config::{NetworkConfig, SmpProxyMode};
use simplex_agent::pool::server_key;
use simplex_agent::store::ConnId;
use simplex_agent::{
    Agent, AgentConfig, AgentError, AgentEvent, QueueDirection, RelayConfig, SwitchPhase,
};
use smp_client::{ClientError, SocksAuth, SocksProxy, TransportSessionMode};
use smp_proto::error::{HandshakeError, TransportError};
use tokio::sync::mpsc::Receiver;

fn relay_config(r: &relay::Relay) -> RelayConfig {
    RelayConfig {
        connect_addr: Some(r.addr),
        ..RelayConfig::new(r.server.clone())
    }
}

/// An agent configuration with its database at `db` and `relays`.
fn config(db: &Path, relays: &[&relay::Relay]) -> AgentConfig {
    let relays = relays.iter().map(|r| relay_config(r)).collect();
    let mut cfg = AgentConfig::new(db, "test passphrase", relays);
    cfg.request_timeout = Duration::from_secs(10);
    cfg.retry_delay = Duration::from_millis(200);
    cfg
}

/// One message each way.
async fn exchange(
    (a, a_events, a_conn): (&Agent, &mut Receiver<AgentEvent>, &ConnId),
    (b, b_events, b_conn): (&Agent, &mut Receiver<AgentEvent>, &ConnId),
) {
    a.send(a_conn, b"ping").await.unwrap();
    let AgentEvent::Msg { body, .. } = next_event(b_events).await else {
        panic!("expected MSG on b")
    };
    assert_eq!(body, b"ping");
    b.send(b_conn, b"pong").await.unwrap();
    let AgentEvent::Msg { body, .. } = next_event(a_events).await else {
        panic!("expected MSG on a")
    };
    assert_eq!(body, b"pong");
}

/// The relays of a connection's receive queues.
fn rcv_servers(agent: &Agent, conn: &ConnId) -> Vec<String> {
    let conn = conn.clone();
    agent
        .store()
        .transaction(move |tx| {
            let qs = tx.rcv_queues(&conn)?;
            Ok::<_, simplex_agent::store::StoreError>(qs.into_iter().map(|q| q.server).collect())
        })
        .unwrap()
}

/// New queues go to random relays of the user's list; the joiner puts its reply queue on
/// a relay other than the inviter's; the list is stored and can be replaced.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relays_per_user_and_queue_placement() {
    let (r1, r2) = (relay::start_relay().await, relay::start_relay().await);
    let (k1, k2) = (server_key(&r1.server), server_key(&r2.server));
    let dir = tempfile::tempdir().unwrap();
    let (a_db, b_db) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let (a, mut a_events) = Agent::open(config(&a_db, &[&r1])).await.unwrap();
    let (b, mut b_events) = Agent::open(config(&b_db, &[&r1, &r2])).await.unwrap();
    assert_eq!(b.relays().len(), 2);

    // A has only r1, so B (with r1 and r2) must reply on r2.
    let (a_conn, b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;
    assert_eq!(rcv_servers(&a, &a_conn), vec![k1.clone()]);
    assert_eq!(rcv_servers(&b, &b_conn), vec![k2.clone()]);
    exchange((&a, &mut a_events, &a_conn), (&b, &mut b_events, &b_conn)).await;

    // B's invitations land on both of its relays.
    let mut used = HashSet::new();
    for _ in 0..16 {
        let (conn, _) = b.create_invitation().await.unwrap();
        used.extend(rcv_servers(&b, &conn));
    }
    assert_eq!(used, HashSet::from([k1.clone(), k2.clone()]));

    // A switches to r2 only: the list is stored and used after reopening.
    a.set_relays(vec![relay_config(&r2)]).await.unwrap();
    assert!(a.set_relays(Vec::new()).await.is_err());
    drop(a);
    drop(a_events);
    let (a, mut a_events) = Agent::open(config(&a_db, &[&r1, &r2])).await.unwrap();
    let relays: Vec<String> = a.relays().iter().map(|r| server_key(&r.server)).collect();
    assert_eq!(relays, vec![k2.clone()]);
    let (conn, _) = a.create_invitation().await.unwrap();
    assert_eq!(rcv_servers(&a, &conn), vec![k2]);
    // The old connection on r1 still works.
    exchange((&a, &mut a_events, &a_conn), (&b, &mut b_events, &b_conn)).await;
}

/// With a SOCKS5 proxy that isolates by credentials per relay, every relay connection of
/// an agent goes through the proxy, with one username per relay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_connect_through_socks() {
    let r1 = relay::start_relay().await;
    let r2 = relay::start_relay().await;
    // A goes through the proxy, B directly.
    let (proxy, mut seen) = socks_proxy::start_proxy(None).await;
    let dir = tempfile::tempdir().unwrap();
    let mut a_cfg = config(&dir.path().join("a.db"), &[&r1]);
    // Without an address override the proxy gets the relay's host name.
    a_cfg.relays[0].connect_addr = None;
    a_cfg.network = NetworkConfig {
        socks_proxy: Some(SocksProxy {
            addr: proxy,
            auth: SocksAuth::IsolateByAuth,
        }),
        session_mode: TransportSessionMode::Server,
        ..NetworkConfig::default()
    };
    let (a, mut a_events) = Agent::open(a_cfg).await.unwrap();
    let (b, mut b_events) = Agent::open(config(&dir.path().join("b.db"), &[&r2]))
        .await
        .unwrap();
    let (a_conn, b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;
    exchange((&a, &mut a_events, &a_conn), (&b, &mut b_events, &b_conn)).await;

    // A connected to r1 (its queue) and r2 (B's queue), both through the proxy, by name.
    let mut requests = Vec::new();
    while let Ok(r) = seen.try_recv() {
        requests.push(r);
    }
    let ports: HashSet<u16> = requests.iter().map(|r| r.port).collect();
    assert_eq!(ports, HashSet::from([r1.addr.port(), r2.addr.port()]));
    assert!(requests.iter().all(|r| r.host == "localhost"));
    let names: HashSet<String> = requests
        .iter()
        .map(|r| r.username.clone().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "one username per relay");
}

/// The relay counters of private routing: (PRXY sessions, PFWD forwarded as a proxy,
/// RFWD received as a destination).
fn proxy_stats(r: &relay::Relay) -> (u64, u64, u64) {
    let s = &r.handle.env().stats;
    (
        s.proxy_sessions.get(),
        s.proxy_forwarded.get(),
        s.relay_forwarded.get(),
    )
}

fn with_proxy_mode(mut cfg: AgentConfig, mode: SmpProxyMode) -> AgentConfig {
    cfg.network.smp_proxy_mode = mode;
    cfg
}

/// Agents on two relays, proxy mode `always`: every SKEY and SEND reaches the peer's relay
/// through the agent's own relay, with one proxy session per destination; in mode `never`
/// nothing goes through a proxy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_routing_through_own_relay() {
    let (r1, r2) = (relay::start_relay().await, relay::start_relay().await);
    let dir = tempfile::tempdir().unwrap();
    let always = |name: &str, r: &relay::Relay| {
        with_proxy_mode(config(&dir.path().join(name), &[r]), SmpProxyMode::Always)
    };
    let (a, mut a_events) = Agent::open(always("a.db", &r1)).await.unwrap();
    let (b, mut b_events) = Agent::open(always("b.db", &r2)).await.unwrap();
    let (a_conn, b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;
    for _ in 0..5 {
        exchange((&a, &mut a_events, &a_conn), (&b, &mut b_events, &b_conn)).await;
    }
    // A → r2 through r1: SKEY of B's reply queue, the confirmation (A_CONN info) and 5
    // messages; B → r1 through r2: SKEY, the confirmation and 5 messages. One session each.
    let (s1, fwd1, rfwd1) = proxy_stats(&r1);
    let (s2, fwd2, rfwd2) = proxy_stats(&r2);
    assert_eq!((s1, s2), (1, 1), "one proxy session per destination");
    assert_eq!((fwd1, rfwd2), (7, 7));
    assert_eq!((fwd2, rfwd1), (7, 7));

    // Mode `never`: two more agents on the same relays add no proxy traffic.
    let never = |name: &str, r: &relay::Relay| {
        with_proxy_mode(config(&dir.path().join(name), &[r]), SmpProxyMode::Never)
    };
    let (c, mut c_events) = Agent::open(never("c.db", &r1)).await.unwrap();
    let (d, mut d_events) = Agent::open(never("d.db", &r2)).await.unwrap();
    let (c_conn, d_conn) = connect(&c, &mut c_events, &d, &mut d_events).await;
    exchange((&c, &mut c_events, &c_conn), (&d, &mut d_events, &d_conn)).await;
    assert_eq!(proxy_stats(&r1), (s1, fwd1, rfwd1));
    assert_eq!(proxy_stats(&r2), (s2, fwd2, rfwd2));

    // Mode `unknown`: a relay in the user's list is reached directly, others by proxy.
    let unknown = |name: &str, rs: &[&relay::Relay]| {
        with_proxy_mode(config(&dir.path().join(name), rs), SmpProxyMode::Unknown)
    };
    let (e, mut e_events) = Agent::open(unknown("e.db", &[&r1])).await.unwrap();
    let (f, mut f_events) = Agent::open(unknown("f.db", &[&r2])).await.unwrap();
    let (e_conn, f_conn) = connect(&e, &mut e_events, &f, &mut f_events).await;
    exchange((&e, &mut e_events, &e_conn), (&f, &mut f_events, &f_conn)).await;
    let (_, fwd1_now, _) = proxy_stats(&r1);
    assert_eq!(
        fwd1_now,
        fwd1 + 3,
        "e's three commands to r2 went through r1"
    );
}

/// A moves its receive queue from r1 to r2 while B keeps sending: every message arrives
/// once, in order, with intact integrity; A reports the switch phases, the old queue is
/// deleted (also when A restarts before that), and later messages come through r2.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switch_receive_queue_during_traffic() {
    let (r1, r2) = (relay::start_relay().await, relay::start_relay().await);
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events) = Agent::open(config(&dir.path().join("a.db"), &[&r1]))
        .await
        .unwrap();
    let (b, mut b_events) = Agent::open(config(&dir.path().join("b.db"), &[&r1]))
        .await
        .unwrap();
    let (a_conn, b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;
    // the relay list is stored: after a restart A still has both
    a.set_relays(vec![relay_config(&r1), relay_config(&r2)])
        .await
        .unwrap();

    let b = std::sync::Arc::new(b);
    let sender = {
        let (b, b_conn) = (b.clone(), b_conn.clone());
        tokio::spawn(async move {
            for i in 0..40 {
                b.send(&b_conn, format!("m {i}").as_bytes()).await.unwrap();
                tokio::task::yield_now().await;
            }
        })
    };
    a.switch_connection(&a_conn).await.unwrap();
    assert!(
        a.switch_connection(&a_conn).await.is_err(),
        "one switch at a time"
    );
    let mut received = 0;
    let mut phases = Vec::new();
    while received < 40 || !phases.contains(&SwitchPhase::Secured) {
        match next_event(&mut a_events).await {
            AgentEvent::Msg {
                conn_id,
                body,
                integrity,
                ..
            } => {
                assert_eq!(conn_id, a_conn);
                assert_eq!(body, format!("m {received}").as_bytes());
                assert_eq!(integrity, simplex_agent::store::Integrity::Ok);
                received += 1;
            }
            AgentEvent::Switch {
                conn_id,
                direction,
                phase,
            } => {
                assert_eq!(conn_id, a_conn);
                assert_eq!(direction, QueueDirection::Rcv);
                phases.push(phase);
            }
            ev => panic!("unexpected {ev:?}"),
        }
    }
    use SwitchPhase::{Completed, Confirmed, Secured, Started};
    assert_eq!(phases[..3], [Started, Confirmed, Secured]);
    sender.await.unwrap();

    // A restarts right after the switch: deleting the old queue (once drained) is
    // resumed at open if it had not happened yet. A then receives on r2 only.
    drop(a);
    drop(a_events);
    let (a, mut a_events) = Agent::open(config(&dir.path().join("a.db"), &[&r1, &r2]))
        .await
        .unwrap();
    let k2 = server_key(&r2.server);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    while rcv_servers(&a, &a_conn) != vec![k2.clone()] {
        assert!(
            tokio::time::Instant::now() < deadline,
            "old queue not deleted"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // `Completed` came before the restart, or comes now
    if !phases.contains(&Completed) {
        match next_event(&mut a_events).await {
            AgentEvent::Switch { phase, .. } => assert_eq!(phase, Completed),
            ev => panic!("unexpected {ev:?}"),
        }
    }
    // B, the sender, went through the same phases on its side
    let mut b_phases = Vec::new();
    while b_phases.len() < 4 {
        match next_event(&mut b_events).await {
            AgentEvent::Switch {
                direction: QueueDirection::Snd,
                phase,
                ..
            } => b_phases.push(phase),
            ev => panic!("unexpected {ev:?}"),
        }
    }
    assert_eq!(b_phases, [Started, Confirmed, Secured, Completed]);
    let before = r2.handle.env().stats.msg_sent.get();
    exchange((&a, &mut a_events, &a_conn), (&b, &mut b_events, &b_conn)).await;
    assert!(
        r2.handle.env().stats.msg_sent.get() > before,
        "B sent to r2"
    );
}

/// A relay presenting another identity than the one its address names (here: the
/// address dials a different relay) fails a message at once with `HANDSHAKE IDENTITY`
/// (`MsgErr`), as the reference's `temporaryOrHostError` has it, rather than retrying it
/// until the message timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_with_another_identity_fails_the_message() {
    let relay = relay::start_relay().await;
    let impostor = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events, b, mut b_events) = flow::open_two(&relay, dir.path()).await;
    let (a_conn, _b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;
    drop((a, a_events));

    let mut cfg = relay.agent_config(&dir.path().join("a.db"));
    cfg.relays[0].connect_addr = Some(impostor.addr);
    let (a, mut a_events) = Agent::open(cfg).await.unwrap();
    let sent = a.send(&a_conn, b"to the impostor").await.unwrap();
    // (other events, such as A's own queue failing to subscribe the same way, are skipped)
    let failed = tokio::time::timeout(flow::WAIT, async {
        loop {
            let ev = a_events.recv().await.expect("event channel closed");
            if let AgentEvent::MsgErr { conn_id, id, err } = ev {
                return (conn_id, id, err);
            }
        }
    })
    .await;
    let (conn_id, id, err) = failed.expect("no MsgErr: the message is still retried");
    assert_eq!((conn_id, id), (a_conn, sent));
    assert!(
        matches!(
            err,
            AgentError::Relay(ClientError::Transport(TransportError::Handshake(
                HandshakeError::Identity
            )))
        ),
        "{err}"
    );
    let pending = a.store().transaction(|tx| tx.pending_queues()).unwrap();
    assert!(pending.is_empty(), "still retried: {pending:?}");
}
