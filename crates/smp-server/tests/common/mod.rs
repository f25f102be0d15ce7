//! A relay on loopback with real TLS, and clients connected to it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod bin;

use simplex_crypto::keys::{AuthAlgorithm, PrivateAuthKey, X25519Secret};
use simplex_transport::{SignAlgorithm, generate_credentials};
use smp_client::{ClientConfig, ServerEvent, SmpClient};
use smp_proto::command::{QueueReqData, SubMode};
use smp_proto::response::QueueIds;
use smp_proto::{BrokerMsg, EntityId, SmpServer};
use smp_server::{Server, ServerConfig, ServerHandle};
use smp_store::{MemoryStore, Store};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::Receiver;

/// A running relay and how to reach it.
pub struct Relay {
    pub handle: ServerHandle,
    pub server: SmpServer,
    pub addr: SocketAddr,
}

pub fn test_config() -> ServerConfig {
    ServerConfig {
        listen: vec![SocketAddr::from(([127, 0, 0, 1], 0))],
        ..ServerConfig::default()
    }
}

pub async fn start_with(config: ServerConfig, store: Arc<dyn Store>) -> Relay {
    start_with_creds(
        config,
        store,
        generate_credentials(SignAlgorithm::Ed25519, "localhost")
            .unwrap()
            .server_credentials(),
    )
    .await
}

pub async fn start_with_creds(
    config: ServerConfig,
    store: Arc<dyn Store>,
    creds: simplex_transport::ServerCredentials,
) -> Relay {
    let fp = creds.fingerprint().unwrap();
    let handle = Server::start(config, store, creds).await.unwrap();
    let addr = handle.local_addrs()[0];
    let server = SmpServer {
        hosts: vec!["localhost".into()],
        port: addr.port().to_string(),
        key_hash: fp,
    };
    Relay {
        handle,
        server,
        addr,
    }
}

pub async fn start() -> Relay {
    start_with(test_config(), Arc::new(MemoryStore::new())).await
}

impl Relay {
    pub fn client_config(&self) -> ClientConfig {
        ClientConfig {
            connect_addr: Some(self.addr),
            request_timeout: Duration::from_secs(10),
            ..ClientConfig::default()
        }
    }

    pub async fn connect(&self) -> (SmpClient, Receiver<ServerEvent>) {
        SmpClient::connect(&self.server, &self.client_config())
            .await
            .unwrap()
    }
}

/// A recipient's keys for one queue.
pub struct RcvQueue {
    pub key: PrivateAuthKey,
    pub dh: X25519Secret,
    pub ids: QueueIds,
}

pub fn ed25519() -> PrivateAuthKey {
    PrivateAuthKey::generate(AuthAlgorithm::Ed25519, &mut rand::rng()).unwrap()
}

pub async fn new_queue(c: &SmpClient, sub: SubMode) -> RcvQueue {
    let key = ed25519();
    let dh = X25519Secret::generate(&mut rand::rng());
    let ids = c
        .create_queue(
            &key,
            &dh.public(),
            None,
            sub,
            Some(QueueReqData::Messaging(None)),
            None,
        )
        .await
        .unwrap();
    RcvQueue { key, dh, ids }
}

/// The next event, failing the test after 5 seconds.
pub async fn next_event(rx: &mut Receiver<ServerEvent>) -> (EntityId, BrokerMsg) {
    match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
        Ok(Some(ServerEvent::Event { entity_id, msg })) => (entity_id, msg),
        other => panic!("expected an event, got {other:?}"),
    }
}

/// Asserts that no event arrives within a short time.
pub async fn no_event(rx: &mut Receiver<ServerEvent>) {
    if let Ok(e) = tokio::time::timeout(Duration::from_millis(200), rx.recv()).await {
        panic!("unexpected event {e:?}");
    }
}

/// Decrypts a delivered message body.
pub fn open(q: &RcvQueue, id: &smp_proto::MsgId, body: &[u8]) -> smp_proto::message::RcvMsgBody {
    smp_client::open_message(&smp_client::rcv_dh_secret(&q.dh, &q.ids), id, body).unwrap()
}

pub fn text(q: &RcvQueue, id: &smp_proto::MsgId, body: &[u8]) -> Vec<u8> {
    match open(q, id, body) {
        smp_proto::message::RcvMsgBody::Message { body, .. } => body,
        other => panic!("expected a message, got {other:?}"),
    }
}
