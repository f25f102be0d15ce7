//! The one error type of this crate, with the reference's classification
//! (`CryptoError` in `Crypto.hs`, the `CERatchet*` constructors).

use simplex_crypto::CryptoError;
use simplex_encoding::DecodeError;

/// Everything a ratchet operation can report.
///
/// The first group is "the peer sent something we cannot use" (or a replay); the last
/// two are "our own stored data is bad" and "a crypto backend failed".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatchetError {
    /// The message or its decrypted header does not parse (`CryptoHeaderError`).
    #[error("bad ratchet message or header: {0}")]
    Header(DecodeError),
    /// No header key of the state (current, next or skipped) opens the header
    /// (`CERatchetHeader`). Also reported for a message whose header opens with a skipped
    /// key that is no longer current and whose number has no skipped key left, i.e. a
    /// replay of a message already taken from the skipped keys.
    #[error("ratchet header decryption failed")]
    HeaderDecryption,
    /// The message body fails authentication (`AESDecryptError`).
    #[error("ratchet message decryption failed")]
    Decryption,
    /// A decrypted body's length prefix is larger than the body (`CryptoInvalidMsgError`).
    #[error("invalid message padding")]
    Padding,
    /// The plaintext does not fit the padded length (`CryptoLargeMsgError`).
    #[error("message too large for the padded length")]
    MessageTooLarge,
    /// The state lacks the chain the operation needs (`CERatchetState`): the creating
    /// side of a new ratchet must receive a message before it can send.
    #[error("ratchet state has no chain for this operation")]
    MissingChain,
    /// KEM parameters that do not fit the state, e.g. a KEM ciphertext when no KEM key
    /// was proposed (`CERatchetKEMState`).
    #[error("ratchet KEM state mismatch")]
    KemState,
    /// The header's message number is more than 512 past the next expected one
    /// (`CERatchetTooManySkipped`); carries how many keys would have to be skipped.
    #[error("too many skipped messages: {0}")]
    TooManySkipped(u32),
    /// The header's message number is below the next expected one and has no skipped
    /// key (`CERatchetEarlierMessage`); carries how far behind it is.
    #[error("earlier message number, {0} behind")]
    EarlierMessage(u32),
    /// The header's message number is the one just received (`CERatchetDuplicateMessage`).
    #[error("duplicate message")]
    DuplicateMessage,
    /// A stored ratchet state or message key could not be decoded.
    #[error("invalid stored ratchet data: {0}")]
    Stored(DecodeError),
    /// A cryptographic primitive failed (X448 in OpenSSL).
    #[error(transparent)]
    Crypto(CryptoError),
}

impl From<CryptoError> for RatchetError {
    fn from(e: CryptoError) -> Self {
        match e {
            CryptoError::Decryption => RatchetError::Decryption,
            CryptoError::Padding => RatchetError::Padding,
            CryptoError::MessageTooLarge => RatchetError::MessageTooLarge,
            other => RatchetError::Crypto(other),
        }
    }
}

/// Result alias used throughout this crate.
pub type Result<T, E = RatchetError> = core::result::Result<T, E>;
