//! The crate's single error type.

use std::path::PathBuf;

use thiserror::Error;

/// Everything that can go wrong in the transport layer.
///
/// Variants separate "the peer (or a file) gave us something bad" from local failures
/// (OpenSSL or IO errors) so callers can map them to protocol errors.
#[derive(Debug, Error)]
pub enum Error {
    /// A socket or file operation failed.
    #[error("IO error: {0}")]
    Io(#[from] std::io::Error),
    /// Reading or writing a credentials file failed.
    #[error("{path}: {source}")]
    File {
        /// The file concerned.
        path: PathBuf,
        /// What happened.
        source: std::io::Error,
    },
    /// OpenSSL reported an error outside a handshake (key, certificate or context setup).
    #[error("OpenSSL error: {0}")]
    OpenSsl(#[from] openssl::error::ErrorStack),
    /// The TLS handshake failed (the peer is not a compatible TLS peer, or sent garbage).
    #[error("TLS handshake failed: {0}")]
    Handshake(#[source] openssl::ssl::Error),
    /// The TLS handshake did not finish within the allowed time.
    #[error("TLS handshake timed out")]
    HandshakeTimeout,
    /// The handshake finished without a Finished message to derive the session id from.
    #[error("TLS session has no Finished message (no tls-unique session id)")]
    NoSessionId,
    /// The peer's certificate chain does not have an allowed number of certificates.
    #[error("peer certificate chain has {0} certificates; expected {1}")]
    ChainLength(usize, &'static str),
    /// The server's identity certificate does not have the expected fingerprint.
    #[error("server identity mismatch: expected fingerprint {expected}, server presented {actual}")]
    FingerprintMismatch {
        /// The fingerprint the caller expected (base64url).
        expected: String,
        /// The fingerprint of the identity certificate the peer sent (base64url).
        actual: String,
    },
    /// X.509 path validation of the peer's chain failed.
    #[error("peer certificate chain is invalid: {0}")]
    InvalidChain(String),
    /// An ALPN protocol name is empty or longer than 255 bytes.
    #[error("invalid ALPN protocol name {0:?}")]
    InvalidAlpn(String),
    /// The peer closed the connection cleanly between blocks.
    #[error("connection closed")]
    Closed,
    /// The peer closed the connection in the middle of a block.
    #[error("connection closed mid-block after {received} of {expected} bytes")]
    TruncatedBlock {
        /// Bytes of the block that arrived.
        received: usize,
        /// The block size.
        expected: usize,
    },
    /// A block to write does not have the configured block size.
    #[error("block of {len} bytes does not match the block size {expected}")]
    BlockSize {
        /// Length of the block given.
        len: usize,
        /// The configured block size.
        expected: usize,
    },
    /// The block size is zero.
    #[error("block size must not be zero")]
    ZeroBlockSize,
    /// A DER structure (signed session key or SPKI) is malformed.
    #[error("malformed DER: {0}")]
    Der(&'static str),
    /// A key or signature algorithm other than Ed25519/Ed448 was used.
    #[error("unsupported algorithm: {0}")]
    UnsupportedAlgorithm(&'static str),
    /// A signature did not verify.
    #[error("bad signature")]
    BadSignature,
    /// A fingerprint text is not 32 bytes of base64url.
    #[error("invalid fingerprint text")]
    InvalidFingerprint,
    /// A PEM file does not contain what was expected.
    #[error("{path}: {what}")]
    Pem {
        /// The file concerned.
        path: PathBuf,
        /// What was wrong.
        what: String,
    },
}

/// Result with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
