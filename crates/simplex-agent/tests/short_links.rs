//! Short links through a real relay: an invitation's link data goes with `NEW` and is
//! read with `LKEY`; a contact address's is set with `LSET` and read with `LGET`. A
//! tampered link or a wrong key is refused with a clear error. With private routing, the
//! link's relay sees `LKEY`/`LGET` only from the reader's proxy relay.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod relay;

use std::path::Path;

use agent_proto::conn_request::ConnectionMode;
use agent_proto::{ConnectionRequest, ShortLink};
use flow::{expect_request, finish_and_exchange, open_two};
use simplex_agent::config::SmpProxyMode;
use simplex_agent::store::ConnId;
use simplex_agent::{Agent, AgentConfig, AgentError, AgentEvent, RelayConfig};
use tokio::sync::mpsc::Receiver;

/// An agent and its events.
type Side<'a> = (&'a Agent, &'a mut Receiver<AgentEvent>);

/// B joins A's invitation `a_inv` by `link` (full or short); then the handshake and one
/// message each way.
async fn join_invitation(a: Side<'_>, a_inv: &ConnId, b: Side<'_>, link: &str) {
    let b_conn = b.0.join(link, b"bob's info").await.unwrap();
    finish_and_exchange(
        (a.0, a.1, a_inv),
        b"alice's info",
        (b.0, b.1, &b_conn),
        b"bob's info",
    )
    .await;
}

/// B joins A's contact address `address` by `link` (full or short), A accepts the
/// request; then the handshake and one message each way.
async fn join_address(a: Side<'_>, address: &ConnId, b: Side<'_>, link: &str) {
    let b_conn = b.0.join(link, b"bob's info").await.unwrap();
    let inv_id = expect_request(a.1, address, b"bob's info").await;
    let a_conn = a.0.accept_contact(&inv_id, b"alice's info").await.unwrap();
    finish_and_exchange(
        (b.0, b.1, &b_conn),
        b"bob's info",
        (a.0, a.1, &a_conn),
        b"alice's info",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_by_short_invitation_link() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events, b, mut b_events) = open_two(&relay, dir.path()).await;

    let (a_conn, links) = a.create_invitation_link(b"alice's card").await.unwrap();
    assert!(
        links.full.starts_with("simplex:/invitation#/?"),
        "{}",
        links.full
    );
    assert!(
        links.short.starts_with("https://localhost/i#"),
        "{}",
        links.short
    );
    let short = ShortLink::parse_text(&links.short).unwrap();
    assert_eq!(short.mode(), ConnectionMode::Invitation);

    // reading the data secures the queue (LKEY); joining the full link it returned uses
    // the same sender key
    let data = b.short_link_data(&links.short).await.unwrap();
    assert_eq!(data.mode, ConnectionMode::Invitation);
    assert_eq!(data.user_data, b"alice's card");
    assert_eq!(data.full, links.full);
    let b_conn = b.join(&data.full, b"bob's info").await.unwrap();
    finish_and_exchange(
        (&a, &mut a_events, &a_conn),
        b"alice's info",
        (&b, &mut b_events, &b_conn),
        b"bob's info",
    )
    .await;

    // a second invitation joined directly by its short link
    let (a_conn, links) = a.create_invitation_link(b"again").await.unwrap();
    let b_conn = b.join(&links.short, b"bob's info").await.unwrap();
    finish_and_exchange(
        (&a, &mut a_events, &a_conn),
        b"alice's info",
        (&b, &mut b_events, &b_conn),
        b"bob's info",
    )
    .await;

    // the link is one-time: once secured, another reader is refused by the relay
    let c_dir = dir.path().join("c.db");
    let (c, _c_events) = Agent::open(relay.agent_config(&c_dir)).await.unwrap();
    let err = c.short_link_data(&links.short).await.unwrap_err();
    assert!(matches!(err, AgentError::LinkNotFound), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_by_short_contact_link() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events, b, mut b_events) = open_two(&relay, dir.path()).await;

    let (address, links) = a
        .create_contact_address_link(b"alice's profile")
        .await
        .unwrap();
    assert!(
        links.full.starts_with("simplex:/contact#/?"),
        "{}",
        links.full
    );
    assert!(
        links.short.starts_with("https://localhost/a#"),
        "{}",
        links.short
    );

    // LGET has no side effects: it can be read any number of times
    for _ in 0..2 {
        let data = b.short_link_data(&links.short).await.unwrap();
        assert_eq!(data.mode, ConnectionMode::Contact);
        assert_eq!(data.user_data, b"alice's profile");
        assert_eq!(data.full, links.full);
    }

    let b_conn = b.join(&links.short, b"bob's info").await.unwrap();
    let inv_id = expect_request(&mut a_events, &address, b"bob's info").await;
    let a_conn = a.accept_contact(&inv_id, b"alice's info").await.unwrap();
    finish_and_exchange(
        (&b, &mut b_events, &b_conn),
        b"bob's info again",
        (&a, &mut a_events, &a_conn),
        b"alice's info",
    )
    .await;
}

/// Flips one character of the base64url link key in a short link's text.
fn tamper_key(link: &str) -> String {
    let hash = link.find('#').unwrap();
    let end = link.find('?').unwrap_or(link.len());
    let key_start = link[..end].rfind('/').filter(|i| *i > hash).unwrap_or(hash) + 1;
    let pos = key_start + 3;
    let c = link.as_bytes()[pos];
    let flipped = if c == b'A' { 'B' } else { 'A' };
    format!("{}{}{}", &link[..pos], flipped, &link[pos + 1..])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_short_links_are_refused() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, _a_events, b, _b_events) = open_two(&relay, dir.path()).await;

    // invitation: the link id is right, so LKEY answers, but the data does not open
    // with the wrong key
    let (_, inv) = a.create_invitation_link(b"card").await.unwrap();
    let bad = tamper_key(&inv.short);
    assert_ne!(bad, inv.short);
    let err = b.join(&bad, b"bob").await.unwrap_err();
    assert!(matches!(err, AgentError::LinkData(_)), "{err}");

    // contact: the link id is derived from the key, so the relay has no such link
    let (_, contact) = a.create_contact_address_link(b"profile").await.unwrap();
    let bad = tamper_key(&contact.short);
    let err = b.short_link_data(&bad).await.unwrap_err();
    assert!(matches!(err, AgentError::LinkNotFound), "{err}");

    // a full link where a short one is expected, and garbage
    assert!(matches!(
        b.short_link_data(&contact.full).await.unwrap_err(),
        AgentError::BadLink(_)
    ));
    assert!(b.join("https://localhost/i#nonsense", b"x").await.is_err());
}

/// An agent configuration using `relays` with the private routing `mode`.
fn routed_config(db: &Path, relays: &[&relay::Relay], mode: SmpProxyMode) -> AgentConfig {
    let mut cfg = relays[0].agent_config(db);
    cfg.relays = relays
        .iter()
        .map(|r| RelayConfig {
            connect_addr: Some(r.addr),
            ..RelayConfig::new(r.server.clone())
        })
        .collect();
    cfg.network.smp_proxy_mode = mode;
    cfg
}

/// What a relay has seen: (TLS connections accepted, commands received through a proxy
/// as the destination, commands forwarded as a proxy).
fn seen(r: &relay::Relay) -> (u64, u64, u64) {
    let s = &r.handle.env().stats;
    (
        s.sockets_accepted.get(),
        s.relay_forwarded.get(),
        s.proxy_forwarded.get(),
    )
}

/// The growth of [`seen`] since `before`.
fn seen_since(r: &relay::Relay, before: (u64, u64, u64)) -> (u64, u64, u64) {
    let now = seen(r);
    (now.0 - before.0, now.1 - before.1, now.2 - before.2)
}

/// Alice's links are on r1. Carol uses only r2 and private routing `always`: her `LGET`
/// and `LKEY` reach r1 through r2 (r1 gets no connection from her, only the proxy's one),
/// and the invitation she resolved that way connects. Dave, with routing `never`, reads
/// the same address directly; Erin, with mode `unknown` and r1 in her list, too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_links_resolved_through_a_proxy_relay() {
    let (r1, r2) = (relay::start_relay().await, relay::start_relay().await);
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events) = Agent::open(r1.agent_config(&dir.path().join("a.db")))
        .await
        .unwrap();
    let (_, address) = a.create_contact_address_link(b"profile").await.unwrap();
    let (a_inv, inv) = a.create_invitation_link(b"card").await.unwrap();

    let carol_cfg = routed_config(&dir.path().join("c.db"), &[&r2], SmpProxyMode::Always);
    let (c, mut c_events) = Agent::open(carol_cfg).await.unwrap();
    let (r1_start, r2_start) = (seen(&r1), seen(&r2));
    let data = c.short_link_data(&address.short).await.unwrap();
    assert_eq!(data.user_data, b"profile");
    assert_eq!(data.full, address.full);
    assert_eq!(seen_since(&r1, r1_start), (1, 1, 0), "one proxied LGET");
    assert_eq!(seen_since(&r2, r2_start).2, 1, "r2 forwarded it");
    // the proxy session is reused
    let again = c.short_link_data(&address.short).await.unwrap();
    assert_eq!(again, data);
    assert_eq!(seen_since(&r1, r1_start), (1, 2, 0));

    // LKEY through the proxy, then the handshake: SEND of the confirmation and the
    // messages to r1 go through r2 as well, with no direct connection to r1
    let c_conn = c.join(&inv.short, b"carol's info").await.unwrap();
    finish_and_exchange(
        (&a, &mut a_events, &a_inv),
        b"alice's info",
        (&c, &mut c_events, &c_conn),
        b"carol's info",
    )
    .await;
    let (accepted, proxied, _) = seen_since(&r1, r1_start);
    assert_eq!(accepted, 1, "still only the proxy's connection");
    assert!(
        proxied >= 4,
        "LGET twice, LKEY, confirmation, message: {proxied}"
    );
    assert_eq!(seen_since(&r2, r2_start).2, proxied);

    // mode never: directly, nothing through a proxy
    let dave_cfg = routed_config(&dir.path().join("d.db"), &[&r2], SmpProxyMode::Never);
    let (d, _d_events) = Agent::open(dave_cfg).await.unwrap();
    let (r1_before, r2_before) = (seen(&r1), seen(&r2));
    let data = d.short_link_data(&address.short).await.unwrap();
    assert_eq!(data.full, address.full);
    assert_eq!(
        seen_since(&r1, r1_before),
        (1, 0, 0),
        "Dave's own connection"
    );
    assert_eq!(seen_since(&r2, r2_before).2, 0);

    // mode unknown: r1 is one of Erin's relays, so she reads it directly
    let erin_cfg = routed_config(&dir.path().join("e.db"), &[&r2, &r1], SmpProxyMode::Unknown);
    let (e, _e_events) = Agent::open(erin_cfg).await.unwrap();
    let r2_before = seen(&r2);
    let r1_proxied = seen(&r1).1;
    assert_eq!(e.short_link_data(&address.short).await.unwrap(), data);
    assert_eq!(seen(&r1).1, r1_proxied);
    assert_eq!(seen_since(&r2, r2_before).2, 0);
}

/// A proxy relay that refuses to proxy is an error for the reader, not a reason to go
/// directly: only a proxy that cannot reach the destination (a host or version error)
/// allows the direct fallback, as in the reference.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusing_proxy_is_not_bypassed() {
    let r1 = relay::start_relay().await;
    let no_proxy = smp_server::ServerConfig {
        allow_proxy: false,
        ..smp_server::ServerConfig::default()
    };
    let r2 = relay::start_relay_with(no_proxy).await;
    let dir = tempfile::tempdir().unwrap();
    let (a, _a_events) = Agent::open(r1.agent_config(&dir.path().join("a.db")))
        .await
        .unwrap();
    let (_, address) = a.create_contact_address_link(b"profile").await.unwrap();
    let cfg = routed_config(&dir.path().join("c.db"), &[&r2], SmpProxyMode::Always);
    let (c, _c_events) = Agent::open(cfg).await.unwrap();
    let r1_before = seen(&r1);
    let err = c.short_link_data(&address.short).await.unwrap_err();
    assert!(
        matches!(err, AgentError::Relay(_)),
        "the proxy's refusal: {err}"
    );
    assert_eq!(seen_since(&r1, r1_before), (0, 0, 0), "r1 saw nothing");
}

/// The owner changes the user data of its short links (`LSET` with the same link id and
/// fixed data): readers see the new data under the same link, also after the owner's
/// agent restarts; an invitation can change only until it is used; an address made
/// without a short link gets one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_link_data_can_be_changed() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, a_events, b, mut b_events) = open_two(&relay, dir.path()).await;

    let (address, links) = a.create_contact_address_link(b"profile v1").await.unwrap();
    let same = a
        .set_conn_short_link(&address, b"profile v2")
        .await
        .unwrap();
    assert_eq!(same, links.short);
    let data = b.short_link_data(&links.short).await.unwrap();
    assert_eq!(data.user_data, b"profile v2");
    assert_eq!(data.full, links.full);

    // the credentials are stored: a restarted agent changes the data again
    drop(a);
    drop(a_events);
    let (a, mut a_events) = Agent::open(relay.agent_config(&dir.path().join("a.db")))
        .await
        .unwrap();
    let same = a
        .set_conn_short_link(&address, b"profile v3")
        .await
        .unwrap();
    assert_eq!(same, links.short);
    let data = b.short_link_data(&links.short).await.unwrap();
    assert_eq!(data.user_data, b"profile v3");

    // an invitation, before anyone used it
    let (a_inv, inv) = a.create_invitation_link(b"card v1").await.unwrap();
    let same = a.set_conn_short_link(&a_inv, b"card v2").await.unwrap();
    assert_eq!(same, inv.short);
    let data = b.short_link_data(&inv.short).await.unwrap();
    assert_eq!(data.user_data, b"card v2");
    assert_eq!(data.full, inv.full);
    let b_conn = b.join(&data.full, b"bob's info").await.unwrap();
    finish_and_exchange(
        (&a, &mut a_events, &a_inv),
        b"alice's info",
        (&b, &mut b_events, &b_conn),
        b"bob's info",
    )
    .await;
    let err = a.set_conn_short_link(&a_inv, b"card v3").await.unwrap_err();
    assert!(matches!(err, AgentError::WrongState { .. }), "{err}");

    // an invitation without a short link cannot get one
    let (plain_inv, _) = a.create_invitation().await.unwrap();
    let err = a.set_conn_short_link(&plain_inv, b"x").await.unwrap_err();
    assert!(matches!(err, AgentError::Prohibited(_)), "{err}");

    // an address without a short link gets one naming its full link; later changes keep it
    let (plain, full) = a.create_contact_address().await.unwrap();
    let short = a.set_conn_short_link(&plain, b"new profile").await.unwrap();
    assert!(short.starts_with("https://localhost/a#"), "{short}");
    let data = b.short_link_data(&short).await.unwrap();
    assert_eq!(
        (data.full, data.user_data),
        (full.clone(), b"new profile".to_vec())
    );
    let again = a.set_conn_short_link(&plain, b"newer").await.unwrap();
    assert_eq!(again, short);
    assert_eq!(b.short_link_data(&short).await.unwrap().user_data, b"newer");
    let b_conn = b.join(&short, b"bob again").await.unwrap();
    let inv_id = expect_request(&mut a_events, &plain, b"bob again").await;
    let a_conn = a.accept_contact(&inv_id, b"alice's info").await.unwrap();
    finish_and_exchange(
        (&b, &mut b_events, &b_conn),
        b"bob again",
        (&a, &mut a_events, &a_conn),
        b"alice's info",
    )
    .await;
}

/// Two concurrent updates of an address without a short link make one link between them
/// (the reference's per-connection lock): a later update still passes the relay's check
/// of the link id and fixed data, and readers see its data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_short_link_updates_agree() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, _a_events, b, _b_events) = open_two(&relay, dir.path()).await;

    // several addresses, four updates each, for the race to show
    for _ in 0..3 {
        let (plain, full) = a.create_contact_address().await.unwrap();
        let (r1, r2, r3, r4) = tokio::join!(
            a.set_conn_short_link(&plain, b"one"),
            a.set_conn_short_link(&plain, b"two"),
            a.set_conn_short_link(&plain, b"three"),
            a.set_conn_short_link(&plain, b"four"),
        );
        let first = r1.unwrap();
        for other in [r2, r3, r4] {
            assert_eq!(other.unwrap(), first, "all updates use the same link");
        }
        let last = a.set_conn_short_link(&plain, b"last").await.unwrap();
        assert_eq!(last, first);
        let data = b.short_link_data(&last).await.unwrap();
        assert_eq!((data.full, data.user_data), (full, b"last".to_vec()));
    }
}

/// `LDEL` (reference `deleteConnShortLink`): the owner deletes a short link; readers get
/// the relay's `ERR AUTH` ([`AgentError::LinkNotFound`]) while the address or invitation
/// keeps working by its full link. Deleting again is harmless, and the kept credentials
/// let `set_conn_short_link` bring the same link back (as the reference does).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleted_short_link_stops_resolving_but_the_connection_works() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events, b, mut b_events) = open_two(&relay, dir.path()).await;

    // a contact address
    let (address, links) = a.create_contact_address_link(b"profile").await.unwrap();
    assert_eq!(
        b.short_link_data(&links.short).await.unwrap().user_data,
        b"profile"
    );
    a.delete_conn_short_link(&address).await.unwrap();
    let err = b.short_link_data(&links.short).await.unwrap_err();
    assert!(matches!(err, AgentError::LinkNotFound), "{err}");
    let err = b.join(&links.short, b"bob").await.unwrap_err();
    assert!(matches!(err, AgentError::LinkNotFound), "{err}");
    a.delete_conn_short_link(&address).await.unwrap();

    // the address itself still takes requests by its full link
    let (a_side, b_side) = ((&a, &mut a_events), (&b, &mut b_events));
    join_address(a_side, &address, b_side, &links.full).await;

    // the same link comes back with new data
    let again = a.set_conn_short_link(&address, b"profile 2").await.unwrap();
    assert_eq!(again, links.short);
    let data = b.short_link_data(&links.short).await.unwrap();
    assert_eq!(
        (data.full, data.user_data),
        (links.full, b"profile 2".to_vec())
    );

    // a one-time invitation no one used yet
    let (a_inv, inv) = a.create_invitation_link(b"card").await.unwrap();
    a.delete_conn_short_link(&a_inv).await.unwrap();
    let err = b.short_link_data(&inv.short).await.unwrap_err();
    assert!(matches!(err, AgentError::LinkNotFound), "{err}");
    join_invitation((&a, &mut a_events), &a_inv, (&b, &mut b_events), &inv.full).await;
    // an established connection has no short link to delete
    let err = a.delete_conn_short_link(&a_inv).await.unwrap_err();
    assert!(matches!(err, AgentError::WrongState { .. }), "{err}");
}

/// Whether `agent` keeps an `LKEY` sender key for the queue on `relay` that the full
/// invitation link `full` names.
fn stored_lkey(agent: &Agent, relay: &relay::Relay, full: &str) -> bool {
    let req = ConnectionRequest::parse_text(full).unwrap();
    let snd_id = req.data().queues[0].addr.sender_id.as_bytes().to_vec();
    let server = simplex_agent::pool::server_key(&relay.server);
    let key = agent
        .store()
        .transaction(|tx| tx.inv_short_link_snd_key(&server, &snd_id))
        .unwrap();
    key.is_some()
}

/// The sender key `LKEY` secured an invitation's queue with is stored (reference
/// `inv_short_links`): the joining agent, restarted between reading the link and
/// joining, still joins (securing the queue again with a new key would be refused), and
/// reading the link again after a restart repeats `LKEY` with the same key. Once
/// joined, the key is forgotten.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lkey_sender_key_survives_a_restart() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let b_db = dir.path().join("b.db");
    let (a, mut a_events, b, b_events) = open_two(&relay, dir.path()).await;
    let (a_inv, inv) = a.create_invitation_link(b"card").await.unwrap();
    let data = b.short_link_data(&inv.short).await.unwrap();
    assert!(stored_lkey(&b, &relay, &data.full));

    drop((b, b_events));
    let (b, b_events) = Agent::open(relay.agent_config(&b_db)).await.unwrap();
    assert_eq!(b.short_link_data(&inv.short).await.unwrap(), data);

    drop((b, b_events));
    let (b, mut b_events) = Agent::open(relay.agent_config(&b_db)).await.unwrap();
    assert!(stored_lkey(&b, &relay, &data.full));
    join_invitation((&a, &mut a_events), &a_inv, (&b, &mut b_events), &data.full).await;
    assert!(!stored_lkey(&b, &relay, &data.full));

    // joining by the short link after a restart: LKEY, restart, LKEY again, join
    let (a_inv, inv) = a.create_invitation_link(b"card 2").await.unwrap();
    b.short_link_data(&inv.short).await.unwrap();
    drop((b, b_events));
    let (b, mut b_events) = Agent::open(relay.agent_config(&b_db)).await.unwrap();
    join_invitation((&a, &mut a_events), &a_inv, (&b, &mut b_events), &inv.short).await;
    assert!(!stored_lkey(&b, &relay, &inv.full));
}
