//! Two agents with their own encrypted databases connect through a real relay on
//! loopback, exchange messages both ways, and keep working after one is reopened.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod relay;

use flow::{connect, expect_messages, expect_request, finish_and_exchange, open_two, send_all};

use std::time::Duration;

use simplex_agent::store::ConnId;
use simplex_agent::{Agent, AgentEvent};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitation_messages_and_reopen() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a_db, b_db) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let (a, mut a_events) = Agent::open(relay.agent_config(&a_db)).await.unwrap();
    let (b, mut b_events) = Agent::open(relay.agent_config(&b_db)).await.unwrap();

    let (a_conn, b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;

    send_all(&a, &a_conn, "a to b", 50).await;
    send_all(&b, &b_conn, "b to a", 50).await;
    expect_messages(&mut b_events, &b_conn, "a to b", 50).await;
    expect_messages(&mut a_events, &a_conn, "b to a", 50).await;

    // B goes away; A keeps sending; B comes back from its database.
    drop(b);
    drop(b_events);
    send_all(&a, &a_conn, "while b was away", 5).await;
    let (b, mut b_events) = Agent::open(relay.agent_config(&b_db)).await.unwrap();
    expect_messages(&mut b_events, &b_conn, "while b was away", 5).await;
    send_all(&b, &b_conn, "b reopened", 10).await;
    expect_messages(&mut a_events, &a_conn, "b reopened", 10).await;
    send_all(&a, &a_conn, "a again", 10).await;
    expect_messages(&mut b_events, &b_conn, "a again", 10).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_links_are_refused() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (b, _events) = Agent::open(relay.agent_config(&dir.path().join("b.db")))
        .await
        .unwrap();
    assert!(b.join("simplex:/nonsense", b"x").await.is_err());
    let err = b
        .send(&ConnId::from("no such connection"), b"x")
        .await
        .unwrap_err();
    assert!(
        matches!(err, simplex_agent::AgentError::ConnNotFound(_)),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contact_address_accept_and_reject() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events, b, mut b_events) = open_two(&relay, dir.path()).await;

    let (address, link) = a.create_contact_address().await.unwrap();
    assert!(link.starts_with("simplex:/contact#/?"), "{link}");

    // B asks to connect; A accepts by joining B's invitation.
    let b_conn = b.join(&link, b"bob's info").await.unwrap();
    let inv_id = expect_request(&mut a_events, &address, b"bob's info").await;
    let a_conn = a.accept_contact(&inv_id, b"alice's info").await.unwrap();
    assert_ne!(a_conn, address);
    finish_and_exchange(
        (&b, &mut b_events, &b_conn),
        b"bob's info again",
        (&a, &mut a_events, &a_conn),
        b"alice's info",
    )
    .await;

    // A second request to the same address is rejected: no connection on A's side.
    b.join(&link, b"bob again").await.unwrap();
    let rejected = expect_request(&mut a_events, &address, b"bob again").await;
    a.reject_contact(&rejected).await.unwrap();
    assert!(a.accept_contact(&rejected, b"too late").await.is_err());
    let user = a.user_id();
    let (conns, gone) = a
        .store()
        .transaction(|tx| {
            let conns: Vec<ConnId> = tx.conns(user)?.into_iter().map(|c| c.conn_id).collect();
            Ok::<_, simplex_agent::store::StoreError>((conns, tx.invitation(&rejected)?.is_none()))
        })
        .unwrap();
    assert!(gone, "the rejected request is deleted");
    assert_eq!(
        conns.len(),
        2,
        "only the address and the accepted connection"
    );
    assert!(conns.contains(&address) && conns.contains(&a_conn));
    // nothing more happens on either side
    tokio::time::sleep(Duration::from_millis(300)).await;
    for events in [&mut a_events, &mut b_events] {
        while let Ok(ev) = events.try_recv() {
            assert!(matches!(ev, AgentEvent::Sent { .. }), "unexpected {ev:?}");
        }
    }
}
