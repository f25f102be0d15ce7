//! Delivery receipts through a real relay: the app acknowledges a message with receipt
//! info, the sender gets `Rcvd` naming its own message with `MROk`; receipts are never
//! sent for receipts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod relay;

use flow::{connect, next_event, open_two};
use simplex_agent::store::{InternalId, MsgType};
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

    // neither agent keeps a message body once it is done with it: B's acknowledged
    // messages and A's delivered ones keep only their ids and hashes
    for &id in &received {
        let m = b
            .store()
            .transaction(|tx| tx.rcv_message(&b_conn, id))
            .unwrap()
            .unwrap();
        assert!(m.acked && m.body.is_empty(), "B still holds message {id:?}");
    }
    for &id in &sent {
        let m = a
            .store()
            .transaction(|tx| tx.snd_message(&a_conn, id))
            .unwrap()
            .unwrap();
        assert!(m.body.is_empty(), "A still holds sent message {id:?}");
        assert!(!m.hash.is_empty());
    }

    // the receipts are stored on A as received messages of their own type; they cannot
    // be answered with receipts
    let unacked = a
        .store()
        .transaction(|tx| tx.unacked_rcv_messages(&a_conn))
        .unwrap();
    let receipt_ids: Vec<InternalId> = unacked
        .iter()
        .filter(|m| m.msg_type == MsgType::Rcvd)
        .map(|m| m.internal_id)
        .collect();
    assert_eq!(receipt_ids.len(), 2);
    let err = a
        .ack(&a_conn, receipt_ids[0], Some(b"no"))
        .await
        .unwrap_err();
    assert!(matches!(err, AgentError::Prohibited(_)), "{err}");
    a.ack(&a_conn, receipt_ids[0], None).await.unwrap();

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
