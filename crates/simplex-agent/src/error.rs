//! The crate's error type.

use crate::store::{ConnId, ConnStatus, StoreError};

/// Everything an agent call or worker can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// The local database failed.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// A relay request failed (network, or the relay's `ERR`).
    #[error("relay: {0}")]
    Relay(#[from] smp_client::ClientError),
    /// An agent wire format could not be built or parsed.
    #[error("agent protocol: {0}")]
    Proto(#[from] agent_proto::AgentProtoError),
    /// Bytes could not be decoded.
    #[error("decoding: {0}")]
    Decode(#[from] simplex_encoding::DecodeError),
    /// The double ratchet failed.
    #[error("ratchet: {0}")]
    Ratchet(#[from] simplex_ratchet::RatchetError),
    /// A cryptographic primitive failed.
    #[error("crypto: {0}")]
    Crypto(#[from] simplex_crypto::CryptoError),
    /// The link is not one this agent can join.
    #[error("bad link: {0}")]
    BadLink(&'static str),
    /// A short link's relay has no such link (`ERR AUTH` to `LKEY`/`LGET`).
    #[error("short link not found on its relay")]
    LinkNotFound,
    /// A short link's data did not decrypt or verify with the link's key (a tampered or
    /// wrong link).
    #[error("short link data: {0}")]
    LinkData(#[source] agent_proto::AgentProtoError),
    /// No compatible protocol version with the peer.
    #[error("incompatible version: {0}")]
    Version(&'static str),
    /// The peer sent something not allowed at this point.
    #[error("prohibited message: {0}")]
    Prohibited(&'static str),
    /// No such connection.
    #[error("connection {0} not found")]
    ConnNotFound(ConnId),
    /// The connection is not in a state that allows the call.
    #[error("connection {conn_id} is {status:?}, not ready for this")]
    WrongState {
        /// The connection.
        conn_id: ConnId,
        /// Its status.
        status: ConnStatus,
    },
    /// No relay is configured for creating queues.
    #[error("no relays configured")]
    NoRelays,
    /// The agent was closed, or a background task ended.
    #[error("agent closed: {0}")]
    Closed(String),
}

/// Result with [`AgentError`].
pub type Result<T, E = AgentError> = std::result::Result<T, E>;

impl From<tokio::task::JoinError> for AgentError {
    fn from(e: tokio::task::JoinError) -> Self {
        AgentError::Closed(e.to_string())
    }
}
