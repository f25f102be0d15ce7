//! Real TLS handshakes on 127.0.0.1 between this crate's client and server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::{fixture_credentials, handshake, tcp_pair};
use openssl::ssl::{Ssl, SslContextBuilder, SslMethod, SslVersion};
use simplex_transport::{
    ClientTls, Error, Role, SMP_CLIENT_ALPN, SMP_SERVER_ALPN, ServerTls, SignAlgorithm,
    client_connect, fingerprint_der, generate_credentials, parse_fingerprint,
};
use tokio::io::AsyncWriteExt;

async fn check_handshake(alg: SignAlgorithm) {
    let creds = generate_credentials(alg, "localhost").unwrap();
    let server = ServerTls::new(&creds.server_credentials(), SMP_SERVER_ALPN).unwrap();
    let client = ClientTls::new(SMP_CLIENT_ALPN).unwrap();
    let (c, s) = handshake(&server, &client, creds.fingerprint().unwrap()).await;
    let (c, s) = (c.unwrap(), s.unwrap());

    assert_eq!(c.session_id().len(), 32);
    assert_eq!(c.session_id(), s.session_id());
    assert_eq!(c.role(), Role::Client);
    assert_eq!(s.role(), Role::Server);
    assert_eq!(c.alpn(), Some(&b"smp/1"[..]));
    assert_eq!(s.alpn(), Some(&b"smp/1"[..]));
    assert_eq!(c.ssl().version_str(), "TLSv1.3");
    assert_eq!(
        c.ssl()
            .current_cipher()
            .map(|x| x.standard_name().unwrap_or_default().to_owned()),
        Some("TLS_CHACHA20_POLY1305_SHA256".to_owned())
    );

    // The client sees [leaf, CA]; the server sees no client certificate.
    assert_eq!(c.peer_chain_der().len(), 2);
    assert_eq!(c.peer_chain_der()[0], creds.server_cert.to_der().unwrap());
    assert_eq!(c.peer_chain_der()[1], creds.ca_cert.to_der().unwrap());
    assert_eq!(
        fingerprint_der(&c.peer_chain_der()[1]),
        creds.fingerprint().unwrap()
    );
    assert!(s.peer_chain().is_empty());
}

#[tokio::test]
async fn handshake_with_ed25519_credentials() {
    check_handshake(SignAlgorithm::Ed25519).await;
}

#[tokio::test]
async fn handshake_with_ed448_credentials() {
    check_handshake(SignAlgorithm::Ed448).await;
}

#[tokio::test]
async fn handshake_with_reference_fixture_credentials() {
    let server = ServerTls::new(&fixture_credentials(), SMP_SERVER_ALPN).unwrap();
    let key_hash = parse_fingerprint("LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=").unwrap();
    let (c, s) = tcp_pair().await;
    let (c, s) = tokio::join!(
        client_connect(c, key_hash, SMP_CLIENT_ALPN),
        server.accept(s, Duration::from_secs(10))
    );
    let (c, s) = (c.unwrap(), s.unwrap());
    assert_eq!(c.session_id(), s.session_id());
    assert_eq!(c.session_id().len(), 32);
}

#[tokio::test]
async fn alpn_absent_when_client_offers_none_or_unknown() {
    let creds = generate_credentials(SignAlgorithm::Ed25519, "localhost").unwrap();
    let server = ServerTls::new(&creds.server_credentials(), SMP_SERVER_ALPN).unwrap();
    let fp = creds.fingerprint().unwrap();
    for offer in [&[][..], &["xftp/1"][..]] {
        let client = ClientTls::new(offer).unwrap();
        let (c, s) = handshake(&server, &client, fp).await;
        let (c, s) = (c.unwrap(), s.unwrap());
        assert_eq!(c.alpn(), None, "offer {offer:?}");
        assert_eq!(s.alpn(), None, "offer {offer:?}");
        assert_eq!(c.session_id(), s.session_id());
    }
}

#[tokio::test]
async fn alpn_follows_client_preference_and_server_without_alpn() {
    let creds = generate_credentials(SignAlgorithm::Ed25519, "localhost").unwrap();
    let fp = creds.fingerprint().unwrap();
    let server = ServerTls::new(&creds.server_credentials(), SMP_SERVER_ALPN).unwrap();
    let client = ClientTls::new(&["http/1.1", "smp/1"]).unwrap();
    let (c, s) = handshake(&server, &client, fp).await;
    assert_eq!(c.unwrap().alpn(), Some(&b"http/1.1"[..]));
    assert_eq!(s.unwrap().alpn(), Some(&b"http/1.1"[..]));

    let plain = ServerTls::new(&creds.server_credentials(), &[]).unwrap();
    let client = ClientTls::new(SMP_CLIENT_ALPN).unwrap();
    let (c, s) = handshake(&plain, &client, fp).await;
    assert_eq!(c.unwrap().alpn(), None);
    assert_eq!(s.unwrap().alpn(), None);
}

#[tokio::test]
async fn wrong_fingerprint_is_rejected() {
    let creds = generate_credentials(SignAlgorithm::Ed448, "localhost").unwrap();
    let server = ServerTls::new(&creds.server_credentials(), SMP_SERVER_ALPN).unwrap();
    let client = ClientTls::new(SMP_CLIENT_ALPN).unwrap();
    let mut wrong = creds.fingerprint().unwrap();
    wrong[0] ^= 1;
    let (c, _s) = handshake(&server, &client, wrong).await;
    let err = c.unwrap_err();
    assert!(matches!(err, Error::FingerprintMismatch { .. }), "{err}");
    assert!(
        err.to_string().contains("server identity mismatch"),
        "{err}"
    );

    // The fingerprint of the online (leaf) certificate is not the identity either.
    let leaf_fp = simplex_transport::fingerprint(&creds.server_cert).unwrap();
    let (c, _s) = handshake(&server, &client, leaf_fp).await;
    assert!(matches!(c.unwrap_err(), Error::FingerprintMismatch { .. }));
}

#[tokio::test]
async fn single_certificate_chain_is_rejected() {
    // A server that sends only its self-signed certificate, built directly with OpenSSL.
    let creds = generate_credentials(SignAlgorithm::Ed25519, "localhost").unwrap();
    let mut builder = SslContextBuilder::new(SslMethod::tls()).unwrap();
    builder
        .set_min_proto_version(Some(SslVersion::TLS1_3))
        .unwrap();
    builder.set_certificate(&creds.ca_cert).unwrap();
    builder.set_private_key(&creds.ca_key).unwrap();
    let ctx = builder.build();

    let (c, s) = tcp_pair().await;
    let server = tokio::spawn(async move {
        let mut stream = tokio_openssl::SslStream::new(Ssl::new(&ctx).unwrap(), s).unwrap();
        let _ = std::pin::Pin::new(&mut stream).accept().await;
        stream
    });
    let err = client_connect(c, creds.fingerprint().unwrap(), SMP_CLIENT_ALPN)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ChainLength(1, _)), "{err}");
    drop(server.await.unwrap());
}

#[tokio::test]
async fn garbage_bytes_fail_the_server_handshake_quickly() {
    let creds = generate_credentials(SignAlgorithm::Ed25519, "localhost").unwrap();
    let server = ServerTls::new(&creds.server_credentials(), SMP_SERVER_ALPN).unwrap();
    let inputs: [&[u8]; 2] = [
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        &[0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5],
    ];
    for input in inputs {
        let (mut c, s) = tcp_pair().await;
        c.write_all(input).await.unwrap();
        let res = tokio::time::timeout(
            Duration::from_secs(10),
            server.accept(s, Duration::from_secs(5)),
        )
        .await
        .expect("accept hung on garbage");
        assert!(matches!(res, Err(Error::Handshake(_))), "{res:?}");
    }
}

#[tokio::test]
async fn silent_peer_hits_the_setup_timeout() {
    let creds = generate_credentials(SignAlgorithm::Ed25519, "localhost").unwrap();
    let server = ServerTls::new(&creds.server_credentials(), SMP_SERVER_ALPN).unwrap();
    let (mut c, s) = tcp_pair().await;
    c.write_all(&[0x16, 0x03]).await.unwrap(); // half a record header, then nothing
    let res = server.accept(s, Duration::from_millis(300)).await;
    assert!(matches!(res, Err(Error::HandshakeTimeout)), "{res:?}");
}

#[tokio::test]
async fn invalid_alpn_names_are_rejected() {
    assert!(matches!(ClientTls::new(&[""]), Err(Error::InvalidAlpn(_))));
    let creds = generate_credentials(SignAlgorithm::Ed25519, "localhost").unwrap();
    let long = "p".repeat(300);
    assert!(matches!(
        ServerTls::new(&creds.server_credentials(), &[long.as_str()]),
        Err(Error::InvalidAlpn(_))
    ));
}

#[tokio::test]
async fn client_certificate_chain_is_exposed_to_the_server() {
    let server_creds = generate_credentials(SignAlgorithm::Ed25519, "localhost").unwrap();
    let server = ServerTls::new(&server_creds.server_credentials(), SMP_SERVER_ALPN).unwrap();
    let fp = server_creds.fingerprint().unwrap();
    let service = generate_credentials(SignAlgorithm::Ed448, "service").unwrap();
    let chain = [service.server_cert.clone(), service.ca_cert.clone()];
    let client = ClientTls::with_certificate(SMP_CLIENT_ALPN, &chain, &service.server_key).unwrap();
    let (c, s) = handshake(&server, &client, fp).await;
    let (c, s) = (c.unwrap(), s.unwrap());
    assert_eq!(c.session_id(), s.session_id());
    let seen: Vec<Vec<u8>> = s.peer_chain_der().to_vec();
    assert_eq!(
        seen,
        vec![chain[0].to_der().unwrap(), chain[1].to_der().unwrap()]
    );

    // A client chain whose leaf the last certificate did not sign is refused by the server.
    let other = generate_credentials(SignAlgorithm::Ed448, "other").unwrap();
    let bad = [service.server_cert.clone(), other.ca_cert.clone()];
    let client = ClientTls::with_certificate(SMP_CLIENT_ALPN, &bad, &service.server_key).unwrap();
    let (_c, s) = handshake(&server, &client, fp).await;
    assert!(matches!(s, Err(Error::InvalidChain(_))), "{s:?}");

    // A key that does not match the leaf is refused locally.
    assert!(ClientTls::with_certificate(SMP_CLIENT_ALPN, &chain, &other.server_key).is_err());
    assert!(ClientTls::with_certificate(SMP_CLIENT_ALPN, &[], &other.server_key).is_err());
}
