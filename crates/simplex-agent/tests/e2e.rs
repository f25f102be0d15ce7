//! Two agents with their own encrypted databases connect through a real relay on
//! loopback, exchange messages both ways, and keep working after one is reopened.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod relay;

use std::time::Duration;

use simplex_agent::store::{ConnId, Integrity};
use simplex_agent::{Agent, AgentEvent};
use tokio::sync::mpsc::Receiver;
use tokio::time::timeout;

const WAIT: Duration = Duration::from_secs(20);

/// The next event that is not `Sent`, failing on errors.
async fn next_event(events: &mut Receiver<AgentEvent>) -> AgentEvent {
    loop {
        let ev = timeout(WAIT, events.recv())
            .await
            .expect("timed out waiting for an agent event")
            .expect("event channel closed");
        match ev {
            AgentEvent::Sent { .. } => continue,
            AgentEvent::Error { conn_id, err } => panic!("agent error on {conn_id:?}: {err}"),
            ev => return ev,
        }
    }
}

/// Receives `n` messages on `conn`, checking they are `prefix 0..n` in order with intact
/// integrity.
async fn expect_messages(events: &mut Receiver<AgentEvent>, conn: &ConnId, prefix: &str, n: usize) {
    for i in 0..n {
        match next_event(events).await {
            AgentEvent::Msg {
                conn_id,
                body,
                integrity,
                ..
            } => {
                assert_eq!(&conn_id, conn);
                assert_eq!(String::from_utf8(body).unwrap(), format!("{prefix} {i}"));
                assert_eq!(integrity, Integrity::Ok, "message {i}");
            }
            ev => panic!("expected message {i}, got {ev:?}"),
        }
    }
}

/// Connects `a` (initiator) and `b` (joiner) by invitation; returns their connection ids.
async fn connect(
    a: &Agent,
    a_events: &mut Receiver<AgentEvent>,
    b: &Agent,
    b_events: &mut Receiver<AgentEvent>,
) -> (ConnId, ConnId) {
    let (a_conn, link) = a.create_invitation().await.unwrap();
    assert!(link.starts_with("simplex:/invitation#/?"), "{link}");
    let b_conn = b.join(&link, b"bob's info").await.unwrap();
    let conf_id = match next_event(a_events).await {
        AgentEvent::Conf {
            conn_id,
            conf_id,
            info,
        } => {
            assert_eq!(conn_id, a_conn);
            assert_eq!(info, b"bob's info");
            conf_id
        }
        ev => panic!("expected CONF, got {ev:?}"),
    };
    a.allow(&a_conn, &conf_id, b"alice's info").await.unwrap();
    match next_event(a_events).await {
        AgentEvent::Con { conn_id } => assert_eq!(conn_id, a_conn),
        ev => panic!("expected CON on A, got {ev:?}"),
    }
    match next_event(b_events).await {
        AgentEvent::Info { conn_id, info } => {
            assert_eq!(conn_id, b_conn);
            assert_eq!(info, b"alice's info");
        }
        ev => panic!("expected INFO on B, got {ev:?}"),
    }
    match next_event(b_events).await {
        AgentEvent::Con { conn_id } => assert_eq!(conn_id, b_conn),
        ev => panic!("expected CON on B, got {ev:?}"),
    }
    (a_conn, b_conn)
}

async fn send_all(agent: &Agent, conn: &ConnId, prefix: &str, n: usize) {
    for i in 0..n {
        agent
            .send(conn, format!("{prefix} {i}").as_bytes())
            .await
            .unwrap();
    }
}

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
    let (a, mut a_events) = Agent::open(relay.agent_config(&dir.path().join("a.db")))
        .await
        .unwrap();
    let (b, mut b_events) = Agent::open(relay.agent_config(&dir.path().join("b.db")))
        .await
        .unwrap();

    let (address, link) = a.create_contact_address().await.unwrap();
    assert!(link.starts_with("simplex:/contact#/?"), "{link}");

    // B asks to connect; A accepts by joining B's invitation.
    let b_conn = b.join(&link, b"bob's info").await.unwrap();
    let inv_id = match next_event(&mut a_events).await {
        AgentEvent::Req {
            conn_id,
            inv_id,
            info,
        } => {
            assert_eq!(conn_id, address);
            assert_eq!(info, b"bob's info");
            inv_id
        }
        ev => panic!("expected REQ, got {ev:?}"),
    };
    let a_conn = a.accept_contact(&inv_id, b"alice's info").await.unwrap();
    assert_ne!(a_conn, address);
    let conf_id = match next_event(&mut b_events).await {
        AgentEvent::Conf {
            conn_id,
            conf_id,
            info,
        } => {
            assert_eq!(conn_id, b_conn);
            assert_eq!(info, b"alice's info");
            conf_id
        }
        ev => panic!("expected CONF on B, got {ev:?}"),
    };
    b.allow(&b_conn, &conf_id, b"bob's info again")
        .await
        .unwrap();
    match next_event(&mut b_events).await {
        AgentEvent::Con { conn_id } => assert_eq!(conn_id, b_conn),
        ev => panic!("expected CON on B, got {ev:?}"),
    }
    match next_event(&mut a_events).await {
        AgentEvent::Info { conn_id, info } => {
            assert_eq!(conn_id, a_conn);
            assert_eq!(info, b"bob's info again");
        }
        ev => panic!("expected INFO on A, got {ev:?}"),
    }
    match next_event(&mut a_events).await {
        AgentEvent::Con { conn_id } => assert_eq!(conn_id, a_conn),
        ev => panic!("expected CON on A, got {ev:?}"),
    }
    send_all(&a, &a_conn, "a to b", 1).await;
    send_all(&b, &b_conn, "b to a", 1).await;
    expect_messages(&mut b_events, &b_conn, "a to b", 1).await;
    expect_messages(&mut a_events, &a_conn, "b to a", 1).await;

    // A second request to the same address is rejected: no connection on A's side.
    b.join(&link, b"bob again").await.unwrap();
    let rejected = match next_event(&mut a_events).await {
        AgentEvent::Req {
            conn_id,
            inv_id,
            info,
        } => {
            assert_eq!(conn_id, address);
            assert_eq!(info, b"bob again");
            inv_id
        }
        ev => panic!("expected the second REQ, got {ev:?}"),
    };
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
