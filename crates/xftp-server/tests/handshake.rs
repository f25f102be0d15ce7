//! The handshake over the first requests: native clients, no-ALPN clients, wrong
//! identity or version, and the browser variant (SNI, web hello header, CORS).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use http_body_util::Full;
use hyper::{Method, Request};
use openssl::x509::X509;
use simplex_crypto::keys::PublicAuthKey;
use xftp_proto::handshake::{ClientHello, pad_block, unpad_block, web_identity_message};
use xftp_proto::{FileCommand, FileResponse, XftpErrorType};
use xftp_server::WebCredentials;

fn error_body(body: &[u8]) -> XftpErrorType {
    let text = unpad_block(body).unwrap();
    XftpErrorType::parse(&mut simplex_encoding::Reader::new(text)).unwrap()
}

#[tokio::test]
async fn wrong_identity_or_version_is_handshake_error() {
    let dir = tempfile::tempdir().unwrap();
    let cr = creds();
    let srv = start(config(dir.path()), &cr.server_credentials()).await;
    let id = cr.fingerprint().unwrap();
    let mut c = Client::connect(srv.addr(), &["xftp/1"], None).await;
    let hs = c.server_hello(&[], &[]).await.unwrap();
    assert_eq!((hs.versions.min(), hs.versions.max()), (1, 3));
    assert!(hs.web_identity_proof.is_none());
    c.check_hello(&hs, id);
    let r = c.client_handshake([0; 32], 3, &[]).await;
    assert_eq!(error_body(&r.body), XftpErrorType::Handshake);
    let r = c.client_handshake(id, 4, &[]).await;
    assert_eq!(error_body(&r.body), XftpErrorType::Handshake);
    // A native client's hello must be empty.
    let mut c2 = Client::connect(srv.addr(), &["xftp/1"], None).await;
    let r = c2.post(b"0".to_vec(), &[]).await;
    assert_eq!(error_body(&r.body), XftpErrorType::Handshake);
    // After a good handshake at version 2 commands work.
    let r = c.client_handshake(id, 2, &[]).await;
    assert!(r.body.is_empty());
    assert_eq!(
        c.cmd(None, b"", &FileCommand::Ping, None).await.0,
        Ok(FileResponse::Pong)
    );
    srv.stop().await;
}

#[tokio::test]
async fn no_alpn_means_version_1_without_handshake() {
    let dir = tempfile::tempdir().unwrap();
    let cr = creds();
    let srv = start(config(dir.path()), &cr.server_credentials()).await;
    let mut c = Client::connect(srv.addr(), &[], None).await;
    let u = Upload::new(20, 1);
    let (_, rids) = upload(&mut c, &u).await;
    assert_eq!(download(&mut c, &u.rcv[0], &rids[0]).await.unwrap(), u.data);
    // Unknown ALPN: empty answers.
    let mut other = Client::connect(srv.addr(), &["h2"], None).await;
    let r = other.post(Vec::new(), &[]).await;
    assert!(r.body.is_empty());
    srv.stop().await;
}

/// A self-signed ECDSA P-256 certificate, the kind browsers accept.
fn web_credentials() -> WebCredentials {
    use openssl::asn1::Asn1Time;
    use openssl::bn::BigNum;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::hash::MessageDigest;
    use openssl::nid::Nid;
    use openssl::pkey::PKey;
    use openssl::x509::{X509Builder, X509NameBuilder};
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    let key = PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "localhost").unwrap();
    let name = name.build();
    let mut b = X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    b.set_serial_number(&BigNum::from_u32(1).unwrap().to_asn1_integer().unwrap())
        .unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(30).unwrap())
        .unwrap();
    b.sign(&key, MessageDigest::sha256()).unwrap();
    WebCredentials {
        chain: vec![b.build()],
        key,
    }
}

#[tokio::test]
async fn web_certificate_only_with_sni() {
    let dir = tempfile::tempdir().unwrap();
    let cr = creds();
    let web = web_credentials();
    let web_der = web.chain[0].to_der().unwrap();
    let mut cfg = config(dir.path());
    cfg.web = Some(web);
    let srv = start(cfg, &cr.server_credentials()).await;
    let id = cr.fingerprint().unwrap();
    let browser = Client::connect(srv.addr(), &["h2"], Some("localhost")).await;
    assert_eq!(browser.peer_chain[0].to_der().unwrap(), web_der);
    // A native client (no SNI) still gets the XFTP chain and the native handshake.
    let mut native = Client::connect_xftp(srv.addr(), id).await;
    assert_eq!(native.peer_chain.len(), 2);
    assert_eq!(
        simplex_transport::fingerprint(&native.peer_chain[1]).unwrap(),
        id
    );
    // No CORS headers without SNI.
    let r = native.post(Vec::new(), &[]).await;
    assert!(!r.headers.contains_key("access-control-allow-origin"));
    let u = Upload::new(22, 1);
    let (_, rids) = upload(&mut native, &u).await;
    assert_eq!(
        download(&mut native, &u.rcv[0], &rids[0]).await.unwrap(),
        u.data
    );
    srv.stop().await;
}

#[tokio::test]
async fn browser_variant_with_sni() {
    let dir = tempfile::tempdir().unwrap();
    let cr = creds();
    let mut cfg = config(dir.path());
    cfg.web = Some(web_credentials());
    let srv = start(cfg, &cr.server_credentials()).await;
    let id = cr.fingerprint().unwrap();

    // CORS preflight.
    let mut c = Client::connect(srv.addr(), &["h2"], Some("localhost")).await;
    let req = Request::builder()
        .method(Method::OPTIONS)
        .uri("/")
        .body(Full::default())
        .unwrap();
    let r = c.request(req).await;
    assert_eq!(r.headers["access-control-allow-methods"], "POST, OPTIONS");
    assert_eq!(r.headers["access-control-max-age"], "86400");
    // A hello without the web header is refused on an SNI connection.
    let r = c.post(Vec::new(), &[]).await;
    assert_eq!(error_body(&r.body), XftpErrorType::Session);
    assert_eq!(r.headers["access-control-allow-origin"], "*");

    // Web hello with a challenge: the proof is the leaf key's signature.
    let challenge = [42u8; 32];
    let mut hello = Vec::new();
    ClientHello {
        web_challenge: Some(challenge),
    }
    .encode(&mut hello);
    let web = [("xftp-web-hello", "1")];
    let hs = c
        .server_hello(&pad_block(&hello).unwrap(), &web)
        .await
        .unwrap();
    c.check_hello(&hs, id);
    let leaf = X509::from_der(&hs.cert_key.chain[0]).unwrap();
    let leaf_key =
        PublicAuthKey::from_spki(&leaf.public_key().unwrap().public_key_to_der().unwrap()).unwrap();
    let proof = hs.web_identity_proof.clone().unwrap();
    assert!(leaf_key.verify(&web_identity_message(&challenge, &c.session_id), &proof));
    assert!(c.client_handshake(id, 3, &[]).await.body.is_empty());
    let first_key = c.server_key.clone();

    // A page reload re-runs the hello on the same connection, keeping the session key.
    let hs2 = c
        .server_hello(&pad_block(&hello).unwrap(), &web)
        .await
        .unwrap();
    c.check_hello(&hs2, id);
    assert_eq!(c.server_key, first_key);
    assert!(
        c.client_handshake(id, 3, &[("xftp-handshake", "1")])
            .await
            .body
            .is_empty()
    );
    let u = Upload::new(21, 1);
    let (_, rids) = upload(&mut c, &u).await;
    assert_eq!(download(&mut c, &u.rcv[0], &rids[0]).await.unwrap(), u.data);
    srv.stop().await;
}
