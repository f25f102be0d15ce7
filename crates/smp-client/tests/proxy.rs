//! Private routing against the fake relay, which acts as both proxy and destination.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{FakeOpts, Seen, start};
use simplex_crypto::keys::{AuthAlgorithm, PrivateAuthKey, X25519Public};
use smp_client::{ClientConfig, ClientError, SmpClient};
use smp_proto::command::MsgFlags;
use smp_proto::error::{HandshakeError, TransportError};
use smp_proto::proxy::FwdTransmission;
use smp_proto::{CorrId, EntityId, ErrorType};

#[tokio::test]
async fn proxied_commands_round_trip() {
    let fake = start(FakeOpts::default()).await;
    let cfg = ClientConfig {
        connect_addr: Some(fake.addr),
        ..ClientConfig::default()
    };
    let (client, _events) = SmpClient::connect(&fake.server, &cfg).await.unwrap();
    let relay = client
        .connect_proxied_relay(&fake.server, None)
        .await
        .unwrap();
    assert_eq!(relay.session_id().as_bytes(), client.session_id());
    assert_eq!(relay.version(), 17, "PKEY range is capped at 17");
    assert_eq!(
        Some(relay.server_key().clone()),
        client.server_session_key()
    );

    let sid = EntityId::from([5; 24]);
    relay
        .proxied_send(&sid, None, MsgFlags::default(), b"proxied")
        .await
        .unwrap();
    let err = relay
        .proxied_send(&sid, None, MsgFlags::default(), b"other")
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Protocol(ErrorType::Auth)),
        "{err}"
    );
    for alg in [AuthAlgorithm::Ed25519, AuthAlgorithm::X25519] {
        let k = PrivateAuthKey::generate(alg, &mut rand::rng()).unwrap();
        relay.proxied_sender_secure(&sid, &k).await.unwrap();
    }
    let (snd_id, data) = relay
        .proxied_link_get(&EntityId::from([6; 24]))
        .await
        .unwrap();
    assert_eq!(snd_id, EntityId::from([2; 24]));
    assert_eq!(data.fixed, b"fixed");
}

#[tokio::test]
async fn proxied_relay_with_wrong_identity_is_rejected() {
    let fake = start(FakeOpts::default()).await;
    let cfg = ClientConfig {
        connect_addr: Some(fake.addr),
        ..ClientConfig::default()
    };
    let (client, _events) = SmpClient::connect(&fake.server, &cfg).await.unwrap();
    let mut other = fake.server.clone();
    other.key_hash = [1; 32];
    let err = client
        .connect_proxied_relay(&other, None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Transport(TransportError::Handshake(HandshakeError::Identity))
        ),
        "{err}"
    );
}

/// A relay acting as proxy connects with `proxyServer = T` (no block encryption) and
/// forwards with RFWD; the fake echoes the forwarded bytes.
#[tokio::test]
async fn proxy_side_forwarding() {
    let mut fake = start(FakeOpts::default()).await;
    let cfg = ClientConfig {
        connect_addr: Some(fake.addr),
        proxy_server: true,
        ..ClientConfig::default()
    };
    let (client, _events) = SmpClient::connect(&fake.server, &cfg).await.unwrap();
    let hello = Seen::Hello {
        version: 18,
        encrypted: false,
        proxy_server: true,
    };
    assert_eq!(fake.seen.recv().await, Some(hello));
    let fwd = FwdTransmission {
        corr_id: CorrId::from([8; 24]),
        version: 17,
        key: X25519Public::from_bytes([3; 32]),
        enc: b"client bytes".to_vec(),
    };
    let resp = client.forward_transmission(&fwd).await.unwrap();
    assert_eq!(resp, b"echo:client bytes");
}
