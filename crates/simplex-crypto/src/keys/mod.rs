//! Key types: X25519/X448 (key agreement), Ed25519/Ed448 (signatures), their DER
//! encodings (SPKI for public keys, PKCS#8 for private keys, RFC 8410), and the queue
//! authorization key enums.

pub mod auth;
pub mod der;
pub mod ed25519;
pub mod ed448;
pub mod x25519;
pub mod x448;

use core::fmt;

pub use auth::{AuthAlgorithm, PrivateAuthKey, PublicAuthKey};
pub use ed448::{Ed448Public, Ed448Secret};
pub use ed25519::{Ed25519Public, Ed25519Secret};
pub use x448::{X448DhSecret, X448Public, X448Secret};
pub use x25519::{DhSecret, X25519Public, X25519Secret};

/// The four key algorithms used by SimpleX.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAlgorithm {
    /// Ed25519 signatures.
    Ed25519,
    /// Ed448 signatures.
    Ed448,
    /// X25519 key agreement.
    X25519,
    /// X448 key agreement.
    X448,
}

impl KeyAlgorithm {
    /// Length of a raw public key of this algorithm.
    pub const fn public_len(self) -> usize {
        match self {
            KeyAlgorithm::Ed25519 | KeyAlgorithm::X25519 => 32,
            KeyAlgorithm::Ed448 => 57,
            KeyAlgorithm::X448 => 56,
        }
    }

    /// Detects the algorithm of a DER SubjectPublicKeyInfo from its prefix.
    pub fn of_spki(der: &[u8]) -> crate::Result<Self> {
        der::spki_algorithm(der)
    }

    /// Detects the algorithm of a DER PKCS#8 private key from its prefix.
    pub fn of_pkcs8(der: &[u8]) -> crate::Result<Self> {
        der::pkcs8_algorithm(der)
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyAlgorithm::Ed25519 => "Ed25519",
            KeyAlgorithm::Ed448 => "Ed448",
            KeyAlgorithm::X25519 => "X25519",
            KeyAlgorithm::X448 => "X448",
        })
    }
}

/// Writes `Name(<redacted>)`, used by the Debug impls of secret types.
pub(crate) fn redacted(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    write!(f, "{name}(<redacted>)")
}
