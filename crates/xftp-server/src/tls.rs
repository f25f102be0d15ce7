//! TLS for the XFTP port. Without web credentials this is `simplex-transport`'s server
//! (the reference's parameters). With them, as the reference's shared web port: the wide
//! browser parameter set (TLS 1.2 and 1.3, AES-GCM suites, ECDSA/RSA signatures) for all
//! connections, and the web certificate for clients that send SNI; clients without SNI
//! (native XFTP clients) get the XFTP certificate.

use std::fmt;
use std::path::Path;
use std::pin::Pin;
use std::time::Duration;

use openssl::pkey::{PKey, Private};
use openssl::ssl::{
    AlpnError, NameType, SniError, Ssl, SslContext, SslContextBuilder, SslMethod, SslOptions,
    SslSessionCacheMode, SslVersion,
};
use openssl::x509::X509;
use simplex_transport::{DEFAULT_TLS_SETUP_TIMEOUT, ServerCredentials, ServerTls, TlsStream};

use crate::error::ServerError;

/// The certificate chain (leaf first) and key that browsers see.
#[derive(Clone)]
pub struct WebCredentials {
    /// Certificates, leaf first.
    pub chain: Vec<X509>,
    /// The leaf's private key.
    pub key: PKey<Private>,
}

impl fmt::Debug for WebCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebCredentials")
            .field("chain_len", &self.chain.len())
            .field("key", &"<redacted>")
            .finish()
    }
}

impl WebCredentials {
    /// Loads a PEM certificate file (a chain, leaf first) and a PEM key file.
    pub fn load(cert: &Path, key: &Path) -> Result<Self, ServerError> {
        let read = |p: &Path| std::fs::read(p).map_err(|e| ServerError::io(p, e));
        let bad =
            |p: &Path| ServerError::Config(format!("{}: not a PEM certificate/key", p.display()));
        let chain = X509::stack_from_pem(&read(cert)?).map_err(|_| bad(cert))?;
        if chain.is_empty() {
            return Err(bad(cert));
        }
        let key = PKey::private_key_from_pem(&read(key)?).map_err(|_| bad(key))?;
        Ok(WebCredentials { chain, key })
    }
}

const WEB_TLS13_SUITES: &str =
    "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256";
const WEB_TLS12_CIPHERS: &str = "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:\
     ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:\
     ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";
const WEB_GROUPS: &str = "X25519:X448:P-521:ffdhe4096:ffdhe6144:ffdhe8192";
const WEB_SIGALGS: &str = "ed448:ed25519:ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:\
     rsa_pss_rsae_sha512:rsa_pss_rsae_sha384:rsa_pss_rsae_sha256:RSA+SHA512:RSA+SHA384:RSA+SHA256";

/// An accepted connection and what the handshake produced.
pub(crate) struct Accepted {
    pub stream: TlsStream,
    pub session_id: Vec<u8>,
    pub alpn: Option<Vec<u8>>,
    /// The client sent SNI and got the web certificate.
    pub sni: bool,
}

/// The XFTP port's TLS acceptor.
pub(crate) enum Acceptor {
    /// Native clients only.
    Native(ServerTls),
    /// Native clients and browsers.
    Web(SslContext),
}

fn wide_context(
    alpn: &'static [&'static str],
) -> Result<SslContextBuilder, openssl::error::ErrorStack> {
    let mut b = SslContextBuilder::new(SslMethod::tls_server())?;
    b.set_min_proto_version(Some(SslVersion::TLS1_2))?;
    b.set_max_proto_version(Some(SslVersion::TLS1_3))?;
    b.set_ciphersuites(WEB_TLS13_SUITES)?;
    b.set_cipher_list(WEB_TLS12_CIPHERS)?;
    b.set_groups_list(WEB_GROUPS)?;
    b.set_sigalgs_list(WEB_SIGALGS)?;
    b.set_options(SslOptions::NO_TICKET | SslOptions::NO_RENEGOTIATION);
    b.set_session_cache_mode(SslSessionCacheMode::OFF);
    b.set_num_tickets(0)?;
    // OpenSSL takes the ALPN callback from the context in use after SNI: set it on both.
    b.set_alpn_select_callback(move |_, client| {
        let mut protos = client;
        let mut offered = Vec::new();
        while let Some((&n, rest)) = protos.split_first() {
            let Some(p) = rest.get(..n as usize) else {
                break;
            };
            offered.push(p);
            protos = &rest[n as usize..];
        }
        alpn.iter()
            .find_map(|ours| offered.iter().find(|p| **p == ours.as_bytes()).copied())
            .ok_or(AlpnError::NOACK)
    });
    Ok(b)
}

impl Acceptor {
    pub fn new(
        creds: &ServerCredentials,
        web: Option<&WebCredentials>,
        alpn: &'static [&'static str],
    ) -> Result<Acceptor, ServerError> {
        let Some(web) = web else {
            return Ok(Acceptor::Native(ServerTls::new(creds, alpn)?));
        };
        let tls = |e: openssl::error::ErrorStack| ServerError::Config(format!("TLS setup: {e}"));
        let mut w = wide_context(alpn).map_err(tls)?;
        let mut chain = web.chain.iter();
        if let Some(leaf) = chain.next() {
            w.set_certificate(leaf).map_err(tls)?;
        }
        for c in chain {
            w.add_extra_chain_cert(c.clone()).map_err(tls)?;
        }
        w.set_private_key(&web.key).map_err(tls)?;
        w.check_private_key().map_err(tls)?;
        let web_ctx = w.build();
        let mut b = wide_context(alpn).map_err(tls)?;
        b.set_certificate(&creds.server_cert).map_err(tls)?;
        b.add_extra_chain_cert(creds.ca_cert.clone()).map_err(tls)?;
        b.set_private_key(&creds.server_key).map_err(tls)?;
        b.check_private_key().map_err(tls)?;
        b.set_servername_callback(move |ssl, _| {
            if ssl.servername(NameType::HOST_NAME).is_some() {
                ssl.set_ssl_context(&web_ctx)
                    .map_err(|_| SniError::ALERT_FATAL)?;
            }
            Ok(())
        });
        Ok(Acceptor::Web(b.build()))
    }

    /// Runs the TLS handshake.
    pub async fn accept(&self, tcp: tokio::net::TcpStream) -> Option<Accepted> {
        match self {
            Acceptor::Native(t) => {
                let conn = t.accept(tcp, DEFAULT_TLS_SETUP_TIMEOUT).await.ok()?;
                Some(Accepted {
                    session_id: conn.session_id().to_vec(),
                    alpn: conn.alpn().map(<[u8]>::to_vec),
                    sni: false,
                    stream: conn.into_stream(),
                })
            }
            Acceptor::Web(ctx) => accept_web(ctx, tcp, DEFAULT_TLS_SETUP_TIMEOUT).await,
        }
    }
}

async fn accept_web(
    ctx: &SslContext,
    tcp: tokio::net::TcpStream,
    limit: Duration,
) -> Option<Accepted> {
    let mut stream = tokio_openssl::SslStream::new(Ssl::new(ctx).ok()?, tcp).ok()?;
    match tokio::time::timeout(limit, Pin::new(&mut stream).accept()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::debug!("TLS accept: {e}");
            return None;
        }
        Err(_) => return None,
    }
    let ssl = stream.ssl();
    // tls-unique: the client's Finished message, which the server reads as the peer's.
    let mut buf = [0u8; 64];
    let n = ssl.peer_finished(&mut buf);
    let session_id = buf.get(..n).filter(|s| !s.is_empty())?.to_vec();
    Some(Accepted {
        session_id,
        alpn: ssl.selected_alpn_protocol().map(<[u8]>::to_vec),
        sni: ssl.servername(NameType::HOST_NAME).is_some(),
        stream,
    })
}
