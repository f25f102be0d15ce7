//! Short links through a real relay: an invitation's link data goes with `NEW` and is
//! read with `LKEY`; a contact address's is set with `LSET` and read with `LGET`. A
//! tampered link or a wrong key is refused with a clear error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod relay;

use agent_proto::ShortLink;
use agent_proto::conn_request::ConnectionMode;
use flow::{expect_request, finish_and_exchange, open_two};
use simplex_agent::{Agent, AgentError};

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
