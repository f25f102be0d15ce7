//! The crate's one error type.

use thiserror::Error;

/// Why a chat message could not be decoded or encoded.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ChatProtoError {
    /// The peer sent bytes that are not valid JSON (or not the expected JSON shape).
    #[error("bad JSON: {0}")]
    Json(String),
    /// A required field is missing from an object.
    #[error("missing field `{0}`")]
    MissingField(&'static str),
    /// A field or value has the wrong form.
    #[error("invalid {0}")]
    Invalid(&'static str),
    /// The event name is not a chat event name (`x.…`).
    #[error("bad event tag")]
    BadEventTag,
    /// The message is empty.
    #[error("empty message")]
    Empty,
    /// The first byte of an element is not a known format prefix.
    #[error("invalid element prefix {0:#04x}")]
    BadPrefix(u8),
    /// The binary framing (lengths, counts, tags) is malformed.
    #[error("bad binary framing: {0}")]
    Binary(#[from] simplex_encoding::error::DecodeError),
    /// A compressed part did not decompress within the limit.
    #[error("decompression failed: {0}")]
    Decompress(String),
    /// The encoded message is larger than the limit it must fit into.
    #[error("message too large: {len} > {limit}")]
    TooLarge {
        /// The encoded length.
        len: usize,
        /// The limit.
        limit: usize,
    },
}

impl From<serde_json::Error> for ChatProtoError {
    fn from(e: serde_json::Error) -> Self {
        ChatProtoError::Json(e.to_string())
    }
}
