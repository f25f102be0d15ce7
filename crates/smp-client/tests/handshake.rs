//! Handshake tests against the in-test fake relay (real TLS on 127.0.0.1).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{FakeOpts, FakeRelay, Seen, start};
use simplex_encoding::VersionRange;
use simplex_transport::SignAlgorithm;
use smp_client::{ClientConfig, ClientError, SmpClient};
use smp_proto::error::{HandshakeError, TransportError};

fn cfg(fake: &FakeRelay) -> ClientConfig {
    ClientConfig {
        connect_addr: Some(fake.addr),
        ..ClientConfig::default()
    }
}

fn vr(a: u16, b: u16) -> VersionRange {
    VersionRange::new(a, b).unwrap()
}

async fn connect_err(opts: FakeOpts, cfg_of: impl Fn(&FakeRelay) -> ClientConfig) -> ClientError {
    let fake = start(opts).await;
    SmpClient::connect(&fake.server, &cfg_of(&fake))
        .await
        .unwrap_err()
}

#[tokio::test]
async fn v18_handshake_encrypts_blocks() {
    let mut fake = start(FakeOpts::default()).await;
    let (client, _events) = SmpClient::connect(&fake.server, &cfg(&fake)).await.unwrap();
    assert_eq!(client.version(), 18);
    assert_eq!(client.session_id().len(), 32);
    assert_eq!(client.server_versions(), vr(6, 18));
    assert!(client.server_session_key().is_some());
    assert_eq!(client.server_cert_key().unwrap().chain.len(), 2);
    assert_eq!(client.server(), &fake.server);
    let hello = Seen::Hello {
        version: 18,
        encrypted: true,
        proxy_server: false,
    };
    assert_eq!(fake.seen.recv().await, Some(hello));
    client.ping().await.unwrap();
    assert_eq!(fake.seen.recv().await, Some(Seen::Block(1)));
}

#[tokio::test]
async fn ed448_relay_and_v10_without_block_encryption() {
    let opts = FakeOpts {
        versions: vr(6, 10),
        alg: SignAlgorithm::Ed448,
        ..FakeOpts::default()
    };
    let mut fake = start(opts).await;
    let (client, _events) = SmpClient::connect(&fake.server, &cfg(&fake)).await.unwrap();
    assert_eq!(client.version(), 10);
    assert!(client.server_session_key().is_some());
    let hello = Seen::Hello {
        version: 10,
        encrypted: false,
        proxy_server: false,
    };
    assert_eq!(fake.seen.recv().await, Some(hello));
    client.ping().await.unwrap();
}

#[tokio::test]
async fn no_hello_key_means_no_block_encryption() {
    let mut fake = start(FakeOpts::default()).await;
    let cfg = ClientConfig {
        agree_secret: false,
        ..cfg(&fake)
    };
    let (client, _events) = SmpClient::connect(&fake.server, &cfg).await.unwrap();
    let hello = Seen::Hello {
        version: 18,
        encrypted: false,
        proxy_server: false,
    };
    assert_eq!(fake.seen.recv().await, Some(hello));
    client.ping().await.unwrap();
}

#[tokio::test]
async fn v6_relay_sends_no_keys_and_session_id_in_transmissions() {
    let opts = FakeOpts {
        versions: vr(6, 6),
        ..FakeOpts::default()
    };
    let fake = start(opts).await;
    let (client, _events) = SmpClient::connect(&fake.server, &cfg(&fake)).await.unwrap();
    assert_eq!(client.version(), 6);
    assert!(client.server_session_key().is_none());
    client.ping().await.unwrap();
}

#[tokio::test]
async fn wrong_session_id_in_hello_is_rejected() {
    let opts = FakeOpts {
        bad_session_id: true,
        ..FakeOpts::default()
    };
    let err = connect_err(opts, cfg).await;
    assert!(
        matches!(err, ClientError::Transport(TransportError::Session)),
        "{err}"
    );
}

#[tokio::test]
async fn wrong_fingerprint_is_rejected_in_tls() {
    let fake = start(FakeOpts::default()).await;
    let mut other = fake.server.clone();
    other.key_hash = [9; 32];
    let err = SmpClient::connect(&other, &cfg(&fake)).await.unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Transport(TransportError::Handshake(HandshakeError::Identity))
        ),
        "{err}"
    );
}

#[tokio::test]
async fn foreign_chain_in_hello_is_rejected() {
    let opts = FakeOpts {
        foreign_chain: true,
        ..FakeOpts::default()
    };
    let err = connect_err(opts, cfg).await;
    assert!(
        matches!(
            err,
            ClientError::Transport(TransportError::Handshake(HandshakeError::Identity))
        ),
        "{err}"
    );
}

#[tokio::test]
async fn no_common_version_is_rejected() {
    let opts = FakeOpts {
        versions: vr(6, 6),
        ..FakeOpts::default()
    };
    let err = connect_err(opts, |fake| ClientConfig {
        versions: vr(7, 18),
        ..cfg(fake)
    })
    .await;
    assert!(
        matches!(err, ClientError::Transport(TransportError::Version)),
        "{err}"
    );
}
