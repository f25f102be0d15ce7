//! Operational behaviour: idle clients are disconnected (what the relay logs is checked in
//! `relay_logs.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use smp_client::ServerEvent;
use smp_proto::command::SubMode;
use smp_server::config::InactiveClients;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn idle_clients_without_subscriptions_are_disconnected() {
    let mut cfg = test_config();
    cfg.inactive_clients = Some(InactiveClients {
        ttl: Duration::from_millis(300),
        check_interval: Duration::from_millis(100),
    });
    let relay = start_with(cfg, Arc::new(smp_store::MemoryStore::new())).await;
    let (idle, mut idle_ev) = relay.connect().await;
    let (subscribed, mut sub_ev) = relay.connect().await;
    let _q = new_queue(&subscribed, SubMode::Subscribe).await;
    idle.ping().await.unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(5), idle_ev.recv())
        .await
        .unwrap();
    assert!(
        matches!(ended, Some(ServerEvent::Disconnected { .. })),
        "{ended:?}"
    );
    // A connection holding a subscription stays.
    assert!(
        tokio::time::timeout(Duration::from_millis(800), sub_ev.recv())
            .await
            .is_err()
    );
    subscribed.ping().await.unwrap();
}
