//! Private routing when the proxy relay cannot reach the destination, on real relays
//! (reference `Agent/Client.hs` `sendOrProxySMPCommand`, `serverHostError`,
//! `temporaryAgentError`):
//!
//! - the proxy refuses the destination's host (`PROXY (BROKER HOST)`, here a proxy relay
//!   that requires `.onion` hosts): with fallback allowed the command goes directly;
//!   with fallback prohibited the message is retried, and given up (`MsgErr`) once older
//!   than the message timeout;
//! - the destination relay is down (`PROXY (BROKER NETWORK)`): not a reason to go
//!   directly; the message is retried through the proxy and arrives once the relay is
//!   back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod relay;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use flow::{connect, expect_messages, next_event, send_all};
use simplex_agent::config::{Clock, SmpProxyFallback, SmpProxyMode};
use simplex_agent::store::{ConnId, Timestamp};
use simplex_agent::{Agent, AgentConfig, AgentError, AgentEvent, RelayConfig};
use smp_client::ClientError;
use smp_proto::ErrorType;
use smp_proto::error::{BrokerErrorType, ProxyError};
use tokio::sync::mpsc::Receiver;

/// The sender's configuration: its database at `db`, the relay `r` (its only relay, so
/// the proxy for every other relay), private routing `mode` and `fallback`.
fn sender_config(
    db: &Path,
    r: &relay::Relay,
    mode: SmpProxyMode,
    fallback: SmpProxyFallback,
) -> AgentConfig {
    let mut cfg = r.agent_config(db);
    cfg.relays = vec![RelayConfig {
        connect_addr: Some(r.addr),
        ..RelayConfig::new(r.server.clone())
    }];
    cfg.network.smp_proxy_mode = mode;
    cfg.network.smp_proxy_fallback = fallback;
    cfg
}

/// A relay whose proxy only uses `.onion` hosts: it answers `PRXY` for the loopback
/// relays with `PROXY (BROKER HOST)`.
async fn onion_only_proxy() -> relay::Relay {
    relay::start_relay_with(smp_server::ServerConfig {
        proxy_host_mode: smp_server::ProxyHostMode::Onion,
        proxy_required_host_mode: true,
        ..smp_server::ServerConfig::default()
    })
    .await
}

/// (TLS connections accepted, commands received through a proxy as the destination,
/// `PRXY` refused or failed as a proxy).
fn seen(r: &relay::Relay) -> (u64, u64, u64) {
    let s = &r.handle.env().stats;
    (
        s.sockets_accepted.get(),
        s.relay_forwarded.get(),
        s.proxy_session_errors.get(),
    )
}

/// Waits until `cond` holds (the test fails after a minute).
async fn wait_until(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..600 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting until {what}");
}

/// No event is waiting except `Sent`-free silence: nothing was delivered or reported.
fn no_events(events: &mut Receiver<AgentEvent>, who: &str) {
    if let Ok(ev) = events.try_recv() {
        panic!("{who}: unexpected {ev:?}");
    }
}

fn is_host_error(e: &AgentError) -> bool {
    matches!(
        e,
        AgentError::Relay(ClientError::Proxy(ErrorType::Proxy(p)))
            if **p == ProxyError::Broker(BrokerErrorType::Host)
    )
}

/// Alice on r1 (direct), and Carol whose only relay is r2 with private routing `mode`
/// and `fallback`, connected by Alice's invitation. Returns both and their connections.
async fn alice_and_carol(
    (r1, r2): (&relay::Relay, &relay::Relay),
    dir: &Path,
    mode: SmpProxyMode,
    fallback: SmpProxyFallback,
) -> (
    (Agent, Receiver<AgentEvent>, ConnId),
    (Agent, Receiver<AgentEvent>, ConnId),
) {
    let (a, mut a_events) = Agent::open(r1.agent_config(&dir.join("a.db")))
        .await
        .unwrap();
    let c_cfg = sender_config(&dir.join("c.db"), r2, mode, fallback);
    let (c, mut c_events) = Agent::open(c_cfg).await.unwrap();
    let (a_conn, c_conn) = connect(&a, &mut a_events, &c, &mut c_events).await;
    ((a, a_events, a_conn), (c, c_events, c_conn))
}

/// Alice on r1; Carol's only relay r2 refuses r1's host as a proxy. With fallback allowed
/// (the default), Carol's `SKEY`, confirmation and messages go directly to r1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_host_error_falls_back_to_a_direct_send() {
    let (r1, r2) = (relay::start_relay().await, onion_only_proxy().await);
    let dir = tempfile::tempdir().unwrap();
    let (mode, fallback) = (SmpProxyMode::Always, SmpProxyFallback::Allow);
    let ((a, mut a_events, a_conn), (c, mut c_events, c_conn)) =
        alice_and_carol((&r1, &r2), dir.path(), mode, fallback).await;
    send_all(&c, &c_conn, "to alice", 3).await;
    expect_messages(&mut a_events, &a_conn, "to alice", 3).await;
    send_all(&a, &a_conn, "to carol", 1).await;
    expect_messages(&mut c_events, &c_conn, "to carol", 1).await;

    let (accepted, proxied, _) = seen(&r1);
    assert_eq!(proxied, 0, "nothing reached r1 through a proxy");
    assert!(accepted >= 2, "Alice and Carol connected to r1 themselves");
    assert!(seen(&r2).2 >= 1, "r2 refused to proxy");
}

/// A shifted clock: the system time plus an offset the test moves.
fn shifted_clock() -> (Clock, Arc<AtomicI64>) {
    let offset = Arc::new(AtomicI64::new(0));
    let o = offset.clone();
    let clock = Clock::new(move || Timestamp(Timestamp::now().0 + o.load(Ordering::SeqCst)));
    (clock, offset)
}

/// With fallback prohibited, a message the proxy cannot forward (`BROKER HOST`) is not
/// sent directly and not failed at once: it is retried (as the reference's
/// `temporaryOrHostError`), arrives when fallback is allowed again, and is given up
/// with `MsgErr` once older than the message timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_host_error_without_fallback_is_retried_then_given_up() {
    let (r1, r2) = (relay::start_relay().await, onion_only_proxy().await);
    let dir = tempfile::tempdir().unwrap();
    let c_db = dir.path().join("c.db");
    let (a, mut a_events) = Agent::open(r1.agent_config(&dir.path().join("a.db")))
        .await
        .unwrap();
    // connected directly first
    let direct = sender_config(&c_db, &r2, SmpProxyMode::Never, SmpProxyFallback::Allow);
    let (c, mut c_events) = Agent::open(direct).await.unwrap();
    let (a_conn, c_conn) = connect(&a, &mut a_events, &c, &mut c_events).await;
    drop((c, c_events));

    let (clock, offset) = shifted_clock();
    let prohibit = || {
        let mut cfg = sender_config(&c_db, &r2, SmpProxyMode::Always, SmpProxyFallback::Prohibit);
        cfg.clock = clock.clone();
        cfg
    };
    let (c, mut c_events) = Agent::open(prohibit()).await.unwrap();
    let (r1_before, refused_before) = (seen(&r1), seen(&r2).2);
    send_all(&c, &c_conn, "held", 1).await;
    wait_until("r2 refused twice", || seen(&r2).2 >= refused_before + 2).await;
    no_events(&mut a_events, "alice");
    no_events(&mut c_events, "carol");
    assert_eq!(seen(&r1).1, r1_before.1);

    // fallback allowed again: the same message goes directly
    drop((c, c_events));
    let allow = sender_config(&c_db, &r2, SmpProxyMode::Always, SmpProxyFallback::Allow);
    let (c, c_events) = Agent::open(allow).await.unwrap();
    expect_messages(&mut a_events, &a_conn, "held", 1).await;
    assert!(seen(&r1).0 > r1_before.0, "Carol connected to r1 herself");
    drop((c, c_events));

    // prohibited again, and the message is older than the message timeout
    let (c, mut c_events) = Agent::open(prohibit()).await.unwrap();
    offset.store(3 * 24 * 3600 * 1000, Ordering::SeqCst);
    let id = c.send(&c_conn, b"too late").await.unwrap();
    offset.store(3 * 24 * 3600 * 1000 * 2, Ordering::SeqCst);
    expect_msg_err(&mut c_events, &c_conn, id).await;
    no_events(&mut a_events, "alice");
}

/// The next event must be `MsgErr` for message `id` with the proxy's host error.
async fn expect_msg_err(
    events: &mut Receiver<AgentEvent>,
    conn: &ConnId,
    id: simplex_agent::store::InternalId,
) {
    match next_event(events).await {
        AgentEvent::MsgErr {
            conn_id,
            id: got,
            err,
        } => {
            assert_eq!((&conn_id, got), (conn, id));
            assert!(is_host_error(&err), "{err}");
        }
        ev => panic!("expected MERR, got {ev:?}"),
    }
}

/// The destination relay is down: the proxy answers `PROXY (BROKER NETWORK)`, which is
/// temporary and no reason to go directly; the message is retried through the proxy and
/// arrives when the relay is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destination_down_is_retried_through_the_proxy() {
    let (r1, r2) = (relay::start_relay().await, relay::start_relay().await);
    let dir = tempfile::tempdir().unwrap();
    let (mode, fallback) = (SmpProxyMode::Always, SmpProxyFallback::Allow);
    let ((_a, mut a_events, a_conn), (c, mut c_events, c_conn)) =
        alice_and_carol((&r1, &r2), dir.path(), mode, fallback).await;
    assert_eq!(
        seen(&r1).0,
        2,
        "Alice and the proxy; Carol never connects to r1"
    );

    let stopped = r1.stop().await;
    let failed_before = seen(&r2).2;
    send_all(&c, &c_conn, "while down", 1).await;
    wait_until("r2 failed to reach r1 twice", || {
        seen(&r2).2 >= failed_before + 2
    })
    .await;
    while let Ok(ev) = c_events.try_recv() {
        // the relay being down is no connection error
        assert!(
            !matches!(
                ev,
                AgentEvent::Error {
                    conn_id: Some(_),
                    ..
                } | AgentEvent::MsgErr { .. }
            ),
            "{ev:?}"
        );
    }

    let r1 = stopped.start_again().await;
    expect_messages(&mut a_events, &a_conn, "while down", 1).await;
    assert!(seen(&r1).1 >= 1, "it came through the proxy");
}
