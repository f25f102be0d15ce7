//! Delivery receipts through a real relay: the app acknowledges a message with receipt
//! info, the sender gets `Rcvd` naming its own message with `MROk`; receipts are never
//! sent for receipts; neither side keeps rows of messages it is done with.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod relay;

use flow::{connect, next_event, open_two};
use simplex_agent::store::InternalId;
use simplex_agent::{AgentError, AgentEvent, MsgReceiptStatus};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts_name_the_sent_message() {
    let relay = relay::start_relay().await;
    let dir = tempfile::tempdir().unwrap();
    let (a, mut a_events, b, mut b_events) = open_two(&relay, dir.path()).await;
    let (a_conn, b_conn) = connect(&a, &mut a_events, &b, &mut b_events).await;

    let mut sent = Vec::new();
    for i in 0..3 {
        sent.push(a.send(&a_conn, format!("m{i}").as_bytes()).await.unwrap());
    }
    let mut received: Vec<InternalId> = Vec::new();
    while received.len() < 3 {
        if let AgentEvent::Msg { conn_id, id, .. } = next_event(&mut b_events).await {
            assert_eq!(conn_id, b_conn);
            received.push(id);
        }
    }
    // B acknowledges the first and third with receipts, the second without
    b.ack(&b_conn, received[0], Some(b"read")).await.unwrap();
    b.ack(&b_conn, received[1], None).await.unwrap();
    b.ack(&b_conn, received[2], Some(b"read too"))
        .await
        .unwrap();
    let mut rcvd = Vec::new();
    while rcvd.len() < 2 {
        match next_event(&mut a_events).await {
            AgentEvent::Rcvd {
                conn_id,
                id,
                status,
            } => {
                assert_eq!(conn_id, a_conn);
                assert_eq!(status, MsgReceiptStatus::Ok);
                rcvd.push(id);
            }
            ev => panic!("expected RCVD, got {ev:?}"),
        }
    }
    assert_eq!(rcvd, vec![sent[0], sent[2]]);

    // B keeps no row of the messages its app acknowledged, A none of those the receipts
    // confirmed; the one without a receipt keeps its ids and hash, not its body
    for &id in &received {
        let m = b.store().transaction(|tx| tx.rcv_message(&b_conn, id));
        assert!(m.unwrap().is_none(), "B still holds message {id:?}");
    }
    let kept = |id| {
        a.store()
            .transaction(|tx| tx.snd_message(&a_conn, id))
            .unwrap()
    };
    assert!(kept(sent[0]).is_none() && kept(sent[2]).is_none());
    // (its delivery is recorded after the relay's `OK`, which may trail B's receipts)
    let unconfirmed = tokio::time::timeout(flow::WAIT, async {
        loop {
            let m = kept(sent[1]).expect("the message without a receipt");
            if m.body.is_empty() {
                return m;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("A still holds the body of its delivered message");
    assert!(!unconfirmed.hash.is_empty());
    // a second acknowledgement finds nothing
    let err = b.ack(&b_conn, received[0], None).await.unwrap_err();
    assert!(matches!(err, AgentError::Prohibited(_)), "{err}");

    // the receipts are handled by A's agent: no row waits for A's app (so none can be
    // answered with a receipt)
    let unacked = a
        .store()
        .transaction(|tx| tx.unacked_rcv_messages(&a_conn))
        .unwrap();
    assert!(unacked.is_empty(), "{unacked:?}");

    // the stream goes on normally afterwards, and nothing arrives on B but A's message
    b.send(&b_conn, b"after receipts").await.unwrap();
    match next_event(&mut a_events).await {
        AgentEvent::Msg { body, .. } => assert_eq!(body, b"after receipts"),
        ev => panic!("expected the message, got {ev:?}"),
    }
    a.send(&a_conn, b"still fine").await.unwrap();
    match next_event(&mut b_events).await {
        AgentEvent::Msg { body, .. } => assert_eq!(body, b"still fine"),
        ev => panic!("expected the message, got {ev:?}"),
    }
}
