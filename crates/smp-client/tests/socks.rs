//! Connecting through a SOCKS5 proxy: a small proxy inside the test (real TCP on
//! loopback) records what each client asked for and relays to the fake relay.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod socks_proxy;

use std::net::SocketAddr;

use common::{FakeOpts, start};
use smp_client::{
    ClientConfig, ClientError, SmpClient, SocksAuth, SocksMode, SocksProxy, TransportSession,
    TransportSessionMode, socks_credentials,
};
use smp_proto::SmpServer;
use socks_proxy::start_proxy;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn via(proxy: SocketAddr, auth: SocksAuth) -> ClientConfig {
    ClientConfig {
        socks_proxy: Some(SocksProxy { addr: proxy, auth }),
        ..ClientConfig::default()
    }
}

/// The relay under another name: an `.onion` host first, then the loopback address.
fn onion_named(server: &SmpServer) -> SmpServer {
    SmpServer {
        hosts: vec!["xyz.onion".into(), "127.0.0.1".into()],
        ..server.clone()
    }
}

/// With isolation by credentials in per-entity mode, two connections of two entities give
/// the proxy two different usernames; both reach the relay and work.
#[tokio::test]
async fn isolated_connections_get_different_usernames() {
    let fake = start(FakeOpts::default()).await;
    let (proxy, mut seen) = start_proxy(Some(fake.addr)).await;
    let server_uri = fake.server.to_uri("smp", None);
    let mut names = Vec::new();
    for entity in [&b"conn-1"[..], b"conn-2"] {
        let session = TransportSession {
            user_id: 1,
            session_ts: 42,
            server: &server_uri,
            entity: Some(entity),
        };
        let creds = socks_credentials(
            &SocksAuth::IsolateByAuth,
            TransportSessionMode::Entity,
            &session,
        );
        let cfg = ClientConfig {
            socks_credentials: creds,
            ..via(proxy, SocksAuth::IsolateByAuth)
        };
        let (client, _events) = SmpClient::connect(&fake.server, &cfg).await.unwrap();
        client.ping().await.unwrap();
        let req = seen.recv().await.unwrap();
        assert_eq!(req.host, "127.0.0.1");
        assert_eq!(req.port, fake.addr.port());
        names.push(req.username.expect("credentials were offered"));
    }
    assert_ne!(names[0], names[1]);
}

/// Without credentials the client offers no authentication; an `.onion` host is sent to
/// the proxy by name (the proxy resolves it).
#[tokio::test]
async fn onion_host_is_sent_as_a_name() {
    let fake = start(FakeOpts::default()).await;
    let (proxy, mut seen) = start_proxy(Some(fake.addr)).await;
    let server = onion_named(&fake.server);
    let (client, _events) = SmpClient::connect(&server, &via(proxy, SocksAuth::Null))
        .await
        .unwrap();
    client.ping().await.unwrap();
    let req = seen.recv().await.unwrap();
    assert_eq!(req.username, None);
    assert_eq!(req.host, "xyz.onion");
    assert_eq!(req.port, fake.addr.port());
}

/// In onion mode a relay with a public host is dialled directly: the proxy sees nothing.
#[tokio::test]
async fn onion_mode_skips_the_proxy_for_public_hosts() {
    let fake = start(FakeOpts::default()).await;
    let (proxy, mut seen) = start_proxy(Some(fake.addr)).await;
    let cfg = ClientConfig {
        socks_mode: SocksMode::Onion,
        ..via(proxy, SocksAuth::Null)
    };
    let (client, _events) = SmpClient::connect(&fake.server, &cfg).await.unwrap();
    client.ping().await.unwrap();
    assert!(seen.try_recv().is_err(), "the proxy was used");
    // The same relay named by an onion host goes through the proxy.
    let (client, _events) = SmpClient::connect(&onion_named(&fake.server), &cfg)
        .await
        .unwrap();
    client.ping().await.unwrap();
    assert_eq!(seen.recv().await.unwrap().host, "xyz.onion");
}

/// A proxy that refuses every method is a SOCKS error.
#[tokio::test]
async fn refusing_proxy_is_an_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut head = [0u8; 3];
        s.read_exact(&mut head).await.unwrap();
        s.write_all(&[5, 0xff]).await.unwrap();
    });
    let fake = start(FakeOpts::default()).await;
    let err = SmpClient::connect(&fake.server, &via(addr, SocksAuth::Null))
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Socks(_)), "{err}");
}
