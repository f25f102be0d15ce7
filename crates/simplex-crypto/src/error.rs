//! The one error type of this crate.

use crate::keys::KeyAlgorithm;

/// Everything that can go wrong in `simplex-crypto`.
///
/// Variants whose name starts with a wire concept (`KeyEncoding`, `Padding`, `Decryption`)
/// mean the peer or the stored data is bad; `Backend` means OpenSSL failed internally.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// A DER key (SPKI or PKCS#8) is malformed, truncated or has trailing bytes.
    #[error("invalid key encoding")]
    KeyEncoding,
    /// A DER key names an algorithm this crate does not know.
    #[error("unknown key algorithm")]
    UnknownKeyAlgorithm,
    /// A DER key is well formed but of another algorithm than the one asked for.
    #[error("expected a {expected} key, found {found}")]
    KeyAlgorithmMismatch {
        /// The algorithm the caller asked for.
        expected: KeyAlgorithm,
        /// The algorithm found in the encoding.
        found: KeyAlgorithm,
    },
    /// A raw byte string has the wrong length for what it should hold.
    #[error("bad length: expected {expected} bytes, got {actual}")]
    BadLength {
        /// Required length in bytes.
        expected: usize,
        /// Length that was given.
        actual: usize,
    },
    /// The message does not fit the padded length (the reference's `CryptoLargeMsgError`).
    #[error("message too large for the padded length")]
    MessageTooLarge,
    /// A padded message is shorter than its length prefix says (`CryptoInvalidMsgError`).
    #[error("invalid padded message")]
    Padding,
    /// Authentication tag mismatch or ciphertext too short (`CBDecryptError`).
    #[error("decryption failed")]
    Decryption,
    /// An X25519 key was asked to sign; it can only make authenticators.
    #[error("this key cannot sign")]
    NotASigningKey,
    /// HKDF was asked for more than 255 hash blocks of output.
    #[error("HKDF output too long")]
    KdfLength,
    /// OpenSSL (used for Ed448 and X448) reported an internal failure.
    #[error("OpenSSL failure: {0}")]
    Backend(String),
}

impl From<openssl::error::ErrorStack> for CryptoError {
    fn from(e: openssl::error::ErrorStack) -> Self {
        CryptoError::Backend(e.to_string())
    }
}

/// Result alias used throughout this crate.
pub type Result<T, E = CryptoError> = core::result::Result<T, E>;
