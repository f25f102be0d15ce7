//! The decoding error type.

use thiserror::Error;

/// Why a byte string could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The input ended before the value was complete.
    #[error("unexpected end of input: needed {needed} more bytes")]
    Eof {
        /// How many bytes were missing.
        needed: usize,
    },
    /// Bytes were left after a complete value.
    #[error("{0} trailing bytes after a complete value")]
    Trailing(usize),
    /// A tag or marker byte had an unexpected value.
    #[error("unexpected byte {found:#04x} ({what})")]
    BadByte {
        /// The byte that was found.
        found: u8,
        /// What was expected.
        what: &'static str,
    },
    /// A value was well-formed bytes but not a valid instance of its type.
    #[error("invalid value: {0}")]
    Invalid(&'static str),
    /// A length was larger than its field allows.
    #[error("length {len} exceeds the limit {limit}")]
    TooLong {
        /// The length that was given.
        len: usize,
        /// The largest allowed.
        limit: usize,
    },
    /// Text was not valid base64url.
    #[error("invalid base64url text")]
    Base64,
    /// Text was not valid UTF-8.
    #[error("invalid UTF-8")]
    Utf8,
}
