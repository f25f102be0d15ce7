//! The crate's single error type.

use simplex_crypto::CryptoError;
use smp_proto::ErrorType;
use smp_proto::error::{HandshakeError, TransportError};
use thiserror::Error;

/// Everything a client call can fail with.
///
/// [`ClientError::Protocol`] is the relay's business answer (`ERR AUTH`, `ERR QUOTA`, ...);
/// the other variants mean the exchange itself went wrong.
#[derive(Debug, Error)]
pub enum ClientError {
    /// The relay answered `ERR e` (for proxied commands: the destination relay did).
    #[error("relay error: {}", error_text(.0))]
    Protocol(ErrorType),
    /// The proxy relay itself answered `ERR e` to a proxied command (`PFWD`, `PRXY`).
    #[error("proxy error: {}", error_text(.0))]
    Proxy(ErrorType),
    /// A transport or handshake failure in the SMP sense (version, session, identity...).
    #[error("transport error: {}", transport_text(.0))]
    Transport(TransportError),
    /// TLS setup or block IO failed.
    #[error("TLS: {0}")]
    Tls(#[from] simplex_transport::Error),
    /// The TCP connection could not be made.
    #[error("network: {0}")]
    Network(#[source] std::io::Error),
    /// The SOCKS5 proxy refused or failed the connection.
    #[error("SOCKS proxy: {0}")]
    Socks(String),
    /// The connection is closed (or was lost while the request was pending).
    #[error("connection closed: {0}")]
    Disconnected(String),
    /// No response within the configured time.
    #[error("timed out")]
    Timeout,
    /// The relay answered with a response that does not fit the command (its tag).
    #[error("unexpected response {0}")]
    UnexpectedResponse(String),
    /// The relay's response could not be parsed.
    #[error("unparsable response: {}", error_text(.0))]
    Response(ErrorType),
    /// Encryption or decryption failed.
    #[error("crypto: {0}")]
    Crypto(#[from] CryptoError),
    /// The caller passed a correlation id that is already in use on this connection.
    #[error("correlation id already in use")]
    DuplicateCorrId,
}

impl ClientError {
    /// A handshake error of the given kind.
    pub(crate) fn handshake(e: HandshakeError) -> Self {
        ClientError::Transport(TransportError::Handshake(e))
    }
}

/// Result with [`ClientError`].
pub type Result<T> = std::result::Result<T, ClientError>;

/// The wire text of an error (`AUTH`, `CMD SYNTAX`, ...).
pub fn error_text(e: &ErrorType) -> String {
    let mut out = Vec::new();
    e.encode(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn transport_text(e: &TransportError) -> String {
    let mut out = Vec::new();
    e.encode(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}
