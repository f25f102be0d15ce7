//! The crate's error type.

use xftp_proto::XftpErrorType;

/// Errors of connections, commands and file transfers.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// TLS connection or certificate check failed.
    #[error("transport: {0}")]
    Transport(#[from] simplex_transport::Error),
    /// The HTTP/2 layer failed (connection closed, stream reset).
    #[error("HTTP/2: {0}")]
    Http(String),
    /// Connecting or a request took too long.
    #[error("timeout: {0}")]
    Timeout(&'static str),
    /// The relay's handshake was not acceptable.
    #[error("handshake: {0}")]
    Handshake(&'static str),
    /// The relay answered with an error.
    #[error("relay error: {0:?}")]
    Relay(XftpErrorType),
    /// The relay answered with something that does not fit the command.
    #[error("unexpected response: {0}")]
    Unexpected(&'static str),
    /// Encoding a command failed.
    #[error("protocol: {0}")]
    Proto(#[from] xftp_proto::ProtoError),
    /// A downloaded chunk failed its encryption tag, size or SHA-256 digest check.
    #[error("chunk {chunk_no}: {what} (the relay sent altered or wrong data)")]
    ChunkCorrupt {
        /// 1-based chunk number (0 for a single command without a file).
        chunk_no: u32,
        /// Which check failed.
        what: &'static str,
    },
    /// The downloaded file does not match the description.
    #[error("file {0} mismatch: the chunks do not make up the described file")]
    FileMismatch(&'static str),
    /// A description, encryption or decryption problem.
    #[error(transparent)]
    Desc(#[from] xftp_desc::DescError),
    /// A redirect description was bad.
    #[error("redirect: {0}")]
    Redirect(&'static str),
    /// Bad arguments (no relays, no recipients, bad file name…).
    #[error("invalid argument: {0}")]
    Invalid(&'static str),
    /// A file system error.
    #[error("file IO: {0}")]
    Io(#[from] std::io::Error),
}

impl ClientError {
    /// Whether trying again on a fresh connection may help (network trouble, not an
    /// answer from the relay or bad data).
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Transport(_) | Self::Http(_) | Self::Timeout(_))
    }
}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, ClientError>;
