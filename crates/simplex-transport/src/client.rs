//! The client side of the TLS handshake (`Transport/Client.hs`).

use std::pin::Pin;

use openssl::pkey::{PKeyRef, Private};
use openssl::ssl::{Ssl, SslContext, SslContextBuilder, SslVerifyMode};
use openssl::x509::X509;
use tokio::net::TcpStream;
use tokio_openssl::SslStream;

use crate::chain::verify_server_chain;
use crate::conn::{Role, TlsConn};
use crate::error::{Error, Result};
use crate::tls_config::{alpn_wire, base_context};

/// ALPN protocols an SMP client offers by default.
pub const SMP_CLIENT_ALPN: &[&str] = &["smp/1"];

/// A configured TLS client: no SNI, no host name check; the server is identified by the
/// fingerprint of its identity certificate.
pub struct ClientTls {
    ctx: SslContext,
}

impl std::fmt::Debug for ClientTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientTls").finish_non_exhaustive()
    }
}

impl ClientTls {
    /// Builds the client context offering the `alpn` protocols (none if empty).
    pub fn new(alpn: &[&str]) -> Result<Self> {
        Ok(ClientTls {
            ctx: client_context(alpn)?.build(),
        })
    }

    /// Like [`ClientTls::new`], and also presents the certificate `chain` (leaf first, at most
    /// 4 certificates) with the leaf's `key` when the server asks for one (SMP "services").
    pub fn with_certificate(alpn: &[&str], chain: &[X509], key: &PKeyRef<Private>) -> Result<Self> {
        let (leaf, rest) = chain.split_first().ok_or(Error::ChainLength(0, "1 to 4"))?;
        if chain.len() > 4 {
            return Err(Error::ChainLength(chain.len(), "1 to 4"));
        }
        let mut builder = client_context(alpn)?;
        builder.set_certificate(leaf)?;
        builder.set_private_key(key)?;
        for cert in rest {
            builder.add_extra_chain_cert(cert.clone())?;
        }
        builder.check_private_key()?;
        Ok(ClientTls {
            ctx: builder.build(),
        })
    }

    /// Runs the TLS handshake over `tcp` and checks the server chain against
    /// `expected_key_hash` (SHA-256 of the identity certificate, `chain[1]`).
    ///
    /// There is no timeout here; wrap the call in `tokio::time::timeout` (the reference
    /// bounds TCP connect plus TLS setup together).
    pub async fn connect(&self, tcp: TcpStream, expected_key_hash: &[u8; 32]) -> Result<TlsConn> {
        let mut stream = SslStream::new(Ssl::new(&self.ctx)?, tcp)?;
        Pin::new(&mut stream)
            .connect()
            .await
            .map_err(Error::Handshake)?;
        let conn = TlsConn::from_stream(stream, Role::Client)?;
        verify_server_chain(conn.peer_chain(), expected_key_hash)?;
        Ok(conn)
    }
}

fn client_context(alpn: &[&str]) -> Result<SslContextBuilder> {
    let mut builder = base_context()?;
    if !alpn.is_empty() {
        builder.set_alpn_protos(&alpn_wire(alpn)?)?;
    }
    // Accept during the handshake; `connect` checks the chain right after it.
    builder.set_verify_callback(SslVerifyMode::PEER, |_, _| true);
    Ok(builder)
}

/// Connects with a one-off [`ClientTls`] offering `alpn` (see [`SMP_CLIENT_ALPN`]).
pub async fn client_connect(
    tcp: TcpStream,
    expected_key_hash: [u8; 32],
    alpn: &[&str],
) -> Result<TlsConn> {
    ClientTls::new(alpn)?.connect(tcp, &expected_key_hash).await
}
