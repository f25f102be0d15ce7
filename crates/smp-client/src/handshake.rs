//! The client side of the SMP transport handshake (`protocol-map.md` §2.5-2.6; reference
//! `Transport.hs` `smpClientHandshake`).
//!
//! TCP connect, TLS (identity checked by the fingerprint of `chain[1]`), then: read the
//! relay's hello, check its session id and signed session key, pick the version, send our
//! hello with a fresh X25519 key, and derive the block encryption chain keys (v11+).

use openssl::x509::{X509, X509Ref};
use simplex_crypto::keys::{DhSecret, X25519Public, X25519Secret};
use simplex_crypto::pad::{pad, unpad};
use simplex_crypto::sbchain::{ChainKey, sbc_init};
use simplex_encoding::{Encode, Version, VersionRange};
use simplex_transport::{ClientTls, TlsBlockReader, TlsBlockWriter, TlsConn, fingerprint_der};
use smp_proto::SmpServer;
use smp_proto::address::DEFAULT_SMP_PORT;
use smp_proto::error::{HandshakeError, TransportError};
use smp_proto::handshake::{CertChainPubKey, ClientHello, ServerHello};
use smp_proto::transmission::TParams;
use smp_proto::versions::{
    AUTH_CMDS_V, BLOCK_SIZE, DELETED_EVENT_V, ENCRYPTED_BLOCK_V, PROXY_SERVER_HANDSHAKE_V,
};
use tokio::net::TcpStream;

use crate::config::ClientConfig;
use crate::error::{ClientError, Result};
use crate::socks::{SocksAuth, SocksCredentials, SocksMode, SocksTarget, socks5_connect};

/// A connection whose handshake is done.
pub(crate) struct Established {
    /// Reads whole blocks.
    pub reader: TlsBlockReader,
    /// Writes whole blocks.
    pub writer: TlsBlockWriter,
    /// Version and session id.
    pub params: TParams,
    /// The range the relay offered.
    pub server_versions: VersionRange,
    /// The relay's verified X25519 session key (v7+).
    pub server_key: Option<X25519Public>,
    /// The relay's certificate chain and signed key as sent in its hello.
    pub cert_key: Option<CertChainPubKey>,
    /// DH of our hello key and the relay's session key.
    pub sess_secret: Option<DhSecret>,
    /// Block encryption chain keys (send, receive), v11+.
    pub chain_keys: Option<(ChainKey, ChainKey)>,
}

/// Connects and runs the handshake within `cfg.handshake_timeout`.
pub(crate) async fn connect(server: &SmpServer, cfg: &ClientConfig) -> Result<Established> {
    tokio::time::timeout(cfg.handshake_timeout, connect_inner(server, cfg))
        .await
        .map_err(|_| ClientError::Timeout)?
}

async fn connect_inner(server: &SmpServer, cfg: &ClientConfig) -> Result<Established> {
    let tcp = tcp_connect(server, cfg).await?;
    let alpn: Vec<&str> = cfg.alpn.iter().map(String::as_str).collect();
    let tls = ClientTls::new(&alpn)?
        .connect(tcp, &server.key_hash)
        .await
        .map_err(tls_error)?;
    let session_id = tls.session_id().to_vec();
    let leaf = tls_leaf(&tls)?;
    let (mut reader, mut writer) = tls.into_blocks(BLOCK_SIZE)?;

    let block = reader.read_block().await?;
    let hello = unpad(&block)
        .ok()
        .and_then(|b| ServerHello::parse(b).ok())
        .ok_or(ClientError::handshake(HandshakeError::Parse))?;
    if hello.session_id != session_id {
        return Err(ClientError::Transport(TransportError::Session));
    }
    let v = choose_version(&hello.versions, cfg)?;
    let server_key = if hello.versions.max() >= AUTH_CMDS_V {
        let ck = hello
            .cert_key
            .as_ref()
            .ok_or(ClientError::handshake(HandshakeError::BadAuth))?;
        Some(verify_hello_key(ck, &server.key_hash, &leaf)?)
    } else {
        None
    };

    let own_key =
        (cfg.agree_secret && v >= AUTH_CMDS_V).then(|| X25519Secret::generate(&mut rand::rng()));
    let client_hello = ClientHello {
        version: v,
        key_hash: server.key_hash,
        auth_key: own_key.as_ref().map(X25519Secret::public),
        proxy_server: cfg.proxy_server,
        service: None,
    };
    let block = pad(&client_hello.to_bytes(), BLOCK_SIZE)?;
    writer.write_block(&block).await?;

    let sess_secret = match (&own_key, &server_key) {
        (Some(k), Some(sk)) => Some(k.dh(sk)),
        _ => None,
    };
    let chain_keys = match &sess_secret {
        Some(secret) if v >= ENCRYPTED_BLOCK_V && !cfg.proxy_server => {
            // The relay sends with the first key; the client the other way round.
            let (ck1, ck2) = sbc_init(&session_id, secret);
            Some((ck2, ck1))
        }
        _ => None,
    };
    Ok(Established {
        reader,
        writer,
        params: TParams {
            version: v,
            session_id,
        },
        server_versions: hello.versions,
        server_key,
        cert_key: hello.cert_key,
        sess_secret,
        chain_keys,
    })
}

async fn tcp_connect(server: &SmpServer, cfg: &ClientConfig) -> Result<TcpStream> {
    let bad_port = || {
        ClientError::Network(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "bad port in server address",
        ))
    };
    let host = choose_host(&server.hosts, cfg.socks_proxy.is_some());
    let proxy = cfg.socks_proxy.as_ref().filter(|_| match cfg.socks_mode {
        SocksMode::Always => true,
        SocksMode::Onion => is_onion(host),
    });
    if let Some(proxy) = proxy {
        let target = match cfg.connect_addr {
            Some(addr) => SocksTarget::Ip(addr),
            None => {
                let port = server.port_or(DEFAULT_SMP_PORT).ok_or_else(bad_port)?;
                SocksTarget::from_host(host, port)
            }
        };
        let mut tcp = TcpStream::connect(proxy.addr)
            .await
            .map_err(ClientError::Network)?;
        let fixed = match &proxy.auth {
            SocksAuth::Username { username, password } => Some(SocksCredentials {
                username: username.clone(),
                password: password.clone(),
            }),
            _ => None,
        };
        let creds = cfg.socks_credentials.as_ref().or(fixed.as_ref());
        socks5_connect(&mut tcp, &target, creds).await?;
        return Ok(tcp);
    }
    let res = match cfg.connect_addr {
        Some(addr) => TcpStream::connect(addr).await,
        None => {
            let host = host.trim_start_matches('[').trim_end_matches(']');
            let port = server.port_or(DEFAULT_SMP_PORT).ok_or_else(bad_port)?;
            TcpStream::connect((host, port)).await
        }
    };
    res.map_err(ClientError::Network)
}

fn is_onion(host: &str) -> bool {
    host.ends_with(".onion")
}

/// The host to dial (reference `chooseTransportHost` with its default "onion via SOCKS"
/// mode): through a SOCKS proxy the first `.onion` host, otherwise the first public one;
/// the first host when there is no such host.
fn choose_host(hosts: &[String], via_socks: bool) -> &str {
    hosts
        .iter()
        .find(|h| is_onion(h) == via_socks)
        .or(hosts.first())
        .map(String::as_str)
        .unwrap_or_default()
}

/// A TLS identity mismatch is the SMP `HANDSHAKE IDENTITY` error; the rest stay TLS errors.
fn tls_error(e: simplex_transport::Error) -> ClientError {
    match e {
        simplex_transport::Error::FingerprintMismatch { .. } => {
            tracing::debug!("relay identity mismatch: {e}");
            ClientError::handshake(HandshakeError::Identity)
        }
        e => ClientError::Tls(e),
    }
}

fn tls_leaf(tls: &TlsConn) -> Result<X509> {
    tls.peer_chain()
        .first()
        .cloned()
        .ok_or(ClientError::handshake(HandshakeError::Identity))
}

/// The highest version in both ranges. A proxy talking to a relay older than v14 caps
/// itself at v10, so that no block encryption is used on that link (as the reference does).
fn choose_version(server: &VersionRange, cfg: &ClientConfig) -> Result<Version> {
    let ours = if cfg.proxy_server && server.max() < PROXY_SERVER_HANDSHAKE_V {
        let min = cfg.versions.min();
        VersionRange::new(min, cfg.versions.max().min(min.max(DELETED_EVENT_V)))
            .unwrap_or(cfg.versions)
    } else {
        cfg.versions
    };
    server
        .negotiate(&ours)
        .ok_or(ClientError::Transport(TransportError::Version))
}

/// Checks the hello's chain (2-4 certificates, `chain[1]` has the expected fingerprint) and
/// returns the X25519 session key signed by the TLS leaf key.
fn verify_hello_key(
    ck: &CertChainPubKey,
    key_hash: &[u8; 32],
    tls_leaf: &X509Ref,
) -> Result<X25519Public> {
    let id_cert = match ck.chain.as_slice() {
        [_, id, ..] if ck.chain.len() <= 4 => id,
        _ => return Err(ClientError::handshake(HandshakeError::BadAuth)),
    };
    if fingerprint_der(id_cert) != *key_hash {
        return Err(ClientError::handshake(HandshakeError::Identity));
    }
    signed_session_key(tls_leaf, &ck.signed_key)
        .ok_or(ClientError::handshake(HandshakeError::BadAuth))
}

/// The X25519 key inside a signed SPKI, if the signature verifies with `leaf`'s key.
pub(crate) fn signed_session_key(leaf: &X509Ref, signed: &[u8]) -> Option<X25519Public> {
    let spki = simplex_transport::verify_signed_spki(leaf, signed).ok()?;
    X25519Public::from_spki(&spki).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn vr(a: u16, b: u16) -> VersionRange {
        VersionRange::new(a, b).unwrap()
    }

    #[test]
    fn version_is_max_of_intersection() {
        let cfg = ClientConfig::default();
        assert_eq!(choose_version(&vr(6, 18), &cfg).unwrap(), 18);
        assert_eq!(choose_version(&vr(6, 12), &cfg).unwrap(), 12);
        assert!(matches!(
            choose_version(&vr(19, 20), &cfg),
            Err(ClientError::Transport(TransportError::Version))
        ));
        let narrow = ClientConfig {
            versions: vr(6, 10),
            ..ClientConfig::default()
        };
        assert_eq!(choose_version(&vr(6, 18), &narrow).unwrap(), 10);
    }

    #[test]
    fn onion_host_only_via_socks() {
        let hosts = vec!["relay.example".to_owned(), "abc.onion".to_owned()];
        assert_eq!(choose_host(&hosts, true), "abc.onion");
        assert_eq!(choose_host(&hosts, false), "relay.example");
        let onion_only = vec!["abc.onion".to_owned()];
        assert_eq!(choose_host(&onion_only, false), "abc.onion");
        assert_eq!(choose_host(&[], true), "");
    }

    /// Transport.hs smpClientHandshake: a proxy facing a relay older than v14 caps at v10.
    #[test]
    fn proxy_caps_version_for_old_relays() {
        let proxy = ClientConfig {
            proxy_server: true,
            ..ClientConfig::default()
        };
        assert_eq!(choose_version(&vr(6, 12), &proxy).unwrap(), 10);
        assert_eq!(choose_version(&vr(6, 18), &proxy).unwrap(), 18);
    }
}
