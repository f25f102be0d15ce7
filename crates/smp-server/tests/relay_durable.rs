//! The relay with the embedded durable store: restarts keep queues and messages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use simplex_transport::{SignAlgorithm, generate_credentials};
use smp_proto::BrokerMsg;
use smp_proto::command::{MsgFlags, SubMode};
use smp_store::{DurableStore, StoreConfig};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn queues_and_messages_survive_restart() {
    let dir = tempfile::tempdir().unwrap();
    let creds = generate_credentials(SignAlgorithm::Ed25519, "localhost")
        .unwrap()
        .server_credentials();
    let store = Arc::new(DurableStore::open(StoreConfig::new(dir.path())).unwrap());
    let relay = start_with_creds(test_config(), store, creds.clone()).await;
    let (rc, _) = relay.connect().await;
    let q = new_queue(&rc, SubMode::OnlyCreate).await;
    let sk = ed25519();
    rc.sender_secure(&q.ids.snd_id, &sk).await.unwrap();
    for m in [&b"one"[..], b"two"] {
        rc.send(&q.ids.snd_id, Some(&sk), MsgFlags::default(), m)
            .await
            .unwrap();
    }
    let (id1, _) = rc
        .get_message(&q.ids.rcv_id, &q.key)
        .await
        .unwrap()
        .unwrap();
    rc.ack(&q.ids.rcv_id, &q.key, &id1).await.unwrap();
    drop(rc);
    relay.handle.shutdown(Duration::from_secs(2)).await;

    let store = Arc::new(DurableStore::open(StoreConfig::new(dir.path())).unwrap());
    let relay = start_with_creds(test_config(), store, creds).await;
    let (rc, mut ev) = relay.connect().await;
    rc.subscribe(&q.ids.rcv_id, &q.key).await.unwrap();
    let (_, BrokerMsg::Msg(id, body)) = next_event(&mut ev).await else {
        panic!()
    };
    assert_eq!(text(&q, &id, &body), b"two");
    assert!(rc.ack(&q.ids.rcv_id, &q.key, &id).await.unwrap().is_none());
    // The sender key survived too.
    rc.send(&q.ids.snd_id, Some(&sk), MsgFlags::default(), b"three")
        .await
        .unwrap();
    let e = rc
        .send(&q.ids.snd_id, None, MsgFlags::default(), b"x")
        .await
        .unwrap_err();
    assert!(format!("{e}").contains("AUTH"), "{e}");
}
