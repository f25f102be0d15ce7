//! The server side of the TLS handshake (`Transport/Server.hs`).

use std::pin::Pin;
use std::time::Duration;

use openssl::ssl::{AlpnError, Ssl, SslContext, SslVerifyMode};
use tokio::net::TcpStream;
use tokio_openssl::SslStream;

use crate::chain::verify_client_chain;
use crate::conn::{Role, TlsConn};
use crate::credentials::ServerCredentials;
use crate::error::{Error, Result};
use crate::tls_config::{alpn_wire, base_context, select_alpn};

/// ALPN protocols an SMP server accepts (`smp/1`, then the web ones for shared ports).
pub const SMP_SERVER_ALPN: &[&str] = &["smp/1", "h2", "http/1.1"];
/// How long the reference server allows for TLS setup.
pub const DEFAULT_TLS_SETUP_TIMEOUT: Duration = Duration::from_secs(60);

/// A configured TLS server: sends the chain `[server_cert, ca_cert]`, requests (but does not
/// require) a client certificate, and negotiates ALPN from its list by client preference.
pub struct ServerTls {
    ctx: SslContext,
}

impl std::fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerTls").finish_non_exhaustive()
    }
}

impl ServerTls {
    /// Builds the server context. With an empty `alpn` list no protocol is ever negotiated.
    pub fn new(creds: &ServerCredentials, alpn: &[&str]) -> Result<Self> {
        let mut builder = base_context()?;
        builder.set_certificate(&creds.server_cert)?;
        builder.set_private_key(&creds.server_key)?;
        builder.add_extra_chain_cert(creds.ca_cert.clone())?;
        builder.check_private_key()?;
        // Ask for a client certificate; accept whatever comes during the handshake and check
        // it afterwards (ordinary clients send none).
        builder.set_verify_callback(SslVerifyMode::PEER, |_, _| true);
        if !alpn.is_empty() {
            alpn_wire(alpn)?;
            let known: Vec<Vec<u8>> = alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
            builder.set_alpn_select_callback(move |_, client| {
                select_alpn(&known, client).ok_or(AlpnError::NOACK)
            });
        }
        Ok(ServerTls {
            ctx: builder.build(),
        })
    }

    /// Runs the TLS handshake on an accepted TCP connection, failing if it takes longer than
    /// `timeout` (see [`DEFAULT_TLS_SETUP_TIMEOUT`]), and checks any client chain.
    pub async fn accept(&self, tcp: TcpStream, timeout: Duration) -> Result<TlsConn> {
        let mut stream = SslStream::new(Ssl::new(&self.ctx)?, tcp)?;
        match tokio::time::timeout(timeout, Pin::new(&mut stream).accept()).await {
            Err(_) => return Err(Error::HandshakeTimeout),
            Ok(Err(e)) => {
                tracing::debug!("TLS accept failed: {e}");
                return Err(Error::Handshake(e));
            }
            Ok(Ok(())) => {}
        }
        let conn = TlsConn::from_stream(stream, Role::Server)?;
        verify_client_chain(conn.peer_chain())?;
        Ok(conn)
    }
}
