//! The crate's error type.

/// Errors of this crate (reading requests and command payloads).
#[derive(Debug, thiserror::Error)]
pub enum ChatApiError {
    /// The JSON did not match the expected shape.
    #[error("bad JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A `/_send` payload was malformed.
    #[error("bad /_send command: {0}")]
    BadSend(&'static str),
}
