//! Delivery against a full queue and a deleted one, on a real relay whose per-queue quota
//! is small: `ERR QUOTA` holds messages until the recipient's `A_QCONT`, a message held
//! for more than 7 days (injected clock) is given up with `MsgErr`, and `ERR AUTH` fails
//! the message at once (`MsgErr`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod relay;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use flow::{WAIT, connect, expect_messages};
use simplex_agent::config::Clock;
use simplex_agent::pool::parse_server;
use simplex_agent::store::{ConnId, StoreError, Timestamp};
use simplex_agent::{Agent, AgentConfig, AgentError, AgentEvent};
use simplex_crypto::keys::PrivateAuthKey;
use smp_client::{ClientConfig, ClientError, SmpClient};
use smp_proto::{EntityId, ErrorType};
use smp_server::ServerConfig;
use tokio::sync::mpsc::Receiver;
use tokio::time::timeout;

const QUOTA: usize = 3;

async fn small_quota_relay() -> relay::Relay {
    relay::start_relay_with(ServerConfig {
        msg_queue_quota: QUOTA,
        ..ServerConfig::default()
    })
    .await
}

/// A clock that reads the system time plus an offset the test can move forward.
fn shifted_clock() -> (Clock, Arc<AtomicI64>) {
    let offset = Arc::new(AtomicI64::new(0));
    let o = offset.clone();
    let clock = Clock::new(move || Timestamp(Timestamp::now().0 + o.load(Ordering::SeqCst)));
    (clock, offset)
}

fn config(relay: &relay::Relay, db: &Path, slow_retry: Duration, clock: Clock) -> AgentConfig {
    let mut cfg = relay.agent_config(db);
    cfg.delivery.slow_retry_delay = slow_retry;
    cfg.delivery.max_slow_retry_delay = slow_retry;
    cfg.clock = clock;
    cfg
}

async fn send_all(agent: &Agent, conn: &ConnId, prefix: &str, n: usize) {
    for i in 0..n {
        let body = format!("{prefix} {i}");
        agent.send(conn, body.as_bytes()).await.unwrap();
    }
}

/// The next event that is not `Sent`, whatever it is.
async fn next_non_sent(events: &mut Receiver<AgentEvent>) -> AgentEvent {
    loop {
        let ev = timeout(WAIT, events.recv()).await.unwrap().unwrap();
        if !matches!(ev, AgentEvent::Sent { .. }) {
            return ev;
        }
    }
}

/// B is away while A sends twice the quota: the relay keeps 3 messages and refuses the
/// rest (those sent before A saw the first refusal). When B comes back and drains the queue it sends `A_QCONT`, and A sends the rest
/// at once (its slow retry is an hour, so only `A_QCONT` can resume it). All arrive in
/// order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quota_waits_for_qcont() {
    let relay = small_quota_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a_db, b_db) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let hour = Duration::from_secs(3600);
    let (a, mut a_events) = Agent::open(config(&relay, &a_db, hour, Clock::system()))
        .await
        .unwrap();
    let (b, mut b_events) = Agent::open(config(&relay, &b_db, hour, Clock::system()))
        .await
        .unwrap();
    let (a_conn, b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;
    drop(b);
    drop(b_events);

    let n = 2 * QUOTA;
    send_all(&a, &a_conn, "held", n).await;
    // The first QUOTA messages are accepted.
    for _ in 0..QUOTA {
        match timeout(WAIT, a_events.recv()).await.unwrap().unwrap() {
            AgentEvent::Sent { conn_id, .. } => assert_eq!(conn_id, a_conn),
            ev => panic!("expected SENT, got {ev:?}"),
        }
    }
    let stats = &relay.handle.env().stats;
    while stats.msg_sent_quota.get() == 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let (_b, mut b_events) = Agent::open(config(&relay, &b_db, hour, Clock::system()))
        .await
        .unwrap();
    expect_messages(&mut b_events, &b_conn, "held", n).await;
    // A sends the messages of a queue several at a time without waiting for each `OK`,
    // so the ones sent together with the first refused one are refused too; after that
    // A waits for `A_QCONT` (its slow retry is an hour): no message is refused twice.
    let refused = stats.msg_sent_quota.get();
    assert!(
        (1..=(n - QUOTA) as u64).contains(&refused),
        "{refused} refusals: each held message at most once, then A waited for A_QCONT"
    );
}

/// A message refused with `ERR QUOTA` is retried slowly; once it has been waiting for
/// more than 7 days it is given up with `MsgErr`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quota_gives_up_after_seven_days() {
    let relay = small_quota_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (clock, offset) = shifted_clock();
    // A's clock runs a month behind the system clock: the age of a message is judged by
    // the agent's clock, so its delivery must be dated by it too
    let day_ms = 24 * 3600 * 1000;
    offset.store(-30 * day_ms, Ordering::SeqCst);
    let slow = Duration::from_millis(200);
    let (a, mut a_events) = Agent::open(config(&relay, &dir.path().join("a.db"), slow, clock))
        .await
        .unwrap();
    let b_cfg = config(&relay, &dir.path().join("b.db"), slow, Clock::system());
    let (b, mut b_events) = Agent::open(b_cfg).await.unwrap();
    let (a_conn, _b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;
    drop(b);
    drop(b_events);

    send_all(&a, &a_conn, "m", QUOTA).await;
    let refused = a.send(&a_conn, b"one too many").await.unwrap();
    let stats = &relay.handle.env().stats;
    // It is refused again and again (slow retries), and kept.
    while stats.msg_sent_quota.get() < 3 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    offset.store((-30 + 8) * day_ms, Ordering::SeqCst);
    match next_non_sent(&mut a_events).await {
        AgentEvent::MsgErr { conn_id, id, err } => {
            assert_eq!(conn_id, a_conn);
            assert_eq!(id, refused);
            assert!(
                matches!(
                    err,
                    AgentError::Relay(ClientError::Protocol(ErrorType::Quota))
                ),
                "{err}"
            );
        }
        ev => panic!("expected MsgErr, got {ev:?}"),
    }
}

/// When the peer's queue is gone, `ERR AUTH` on `SEND` fails the message for good:
/// `MsgErr` at once, not retried.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_error_fails_the_message() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events) = Agent::open(relay.agent_config(&dir.path().join("a.db")))
        .await
        .unwrap();
    let (b, mut b_events) = Agent::open(relay.agent_config(&dir.path().join("b.db")))
        .await
        .unwrap();
    let (a_conn, b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;

    // Delete B's queue on the relay with B's own recipient key.
    let rq = b
        .store()
        .transaction(|tx| Ok::<_, StoreError>(tx.rcv_queues(&b_conn)?.remove(0)))
        .unwrap();
    let key = PrivateAuthKey::from_pkcs8(rq.rcv_auth_key.as_bytes()).unwrap();
    let cfg = ClientConfig {
        connect_addr: Some(relay.addr),
        ..ClientConfig::default()
    };
    let server = parse_server(&rq.server).unwrap();
    let (client, _events) = SmpClient::connect(&server, &cfg).await.unwrap();
    client
        .delete(&EntityId::new(&rq.rcv_id).unwrap(), &key)
        .await
        .unwrap();

    let sent = a.send(&a_conn, b"to nowhere").await.unwrap();
    match next_non_sent(&mut a_events).await {
        AgentEvent::MsgErr { conn_id, id, err } => {
            assert_eq!((conn_id, id), (a_conn, sent));
            assert!(
                matches!(
                    err,
                    AgentError::Relay(ClientError::Protocol(ErrorType::Auth))
                ),
                "{err}"
            );
        }
        ev => panic!("expected MsgErr, got {ev:?}"),
    }
}
