//! The one error type of this crate.

use simplex_crypto::CryptoError;
use simplex_encoding::DecodeError;

use crate::conn_request::ConnectionMode;

/// Everything that can go wrong in `agent-proto`.
///
/// `Decode` means the peer (or a link) sent bytes or text that do not parse; `Crypto`
/// wraps a failed decryption or a message too large for its padding; the link variants
/// are failed checks of short-link data (the reference's `A_LINK` errors).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgentProtoError {
    /// Malformed binary or text input.
    #[error("malformed input: {0}")]
    Decode(#[from] DecodeError),
    /// Decryption failed, or a message does not fit its padded length.
    #[error("crypto: {0}")]
    Crypto(#[from] CryptoError),
    /// A link or link data is of the other connection mode.
    #[error("expected {expected:?} link data, found {found:?}")]
    WrongMode {
        /// The mode the caller asked for.
        expected: ConnectionMode,
        /// The mode found.
        found: ConnectionMode,
    },
    /// SHA3-256 of the fixed link data is not the link key.
    #[error("link data hash")]
    LinkDataHash,
    /// The fixed link data is not signed by its root key.
    #[error("link data signature")]
    LinkDataSignature,
    /// The user link data is signed by neither the root key nor an owner.
    #[error("user data signature")]
    UserDataSignature,
    /// An owner uses the root key (the owner id is given in unpadded base64url).
    #[error("owner key for ID {0} matches root key")]
    OwnerIsRoot(String),
    /// Two owners share an id or a key.
    #[error("duplicate owner key or ID {0}")]
    DuplicateOwner(String),
    /// An owner is signed by neither the root key nor an earlier owner.
    #[error("invalid authorization of owner ID {0}")]
    OwnerNotAuthorized(String),
}

/// Result alias of this crate.
pub type Result<T, E = AgentProtoError> = core::result::Result<T, E>;
