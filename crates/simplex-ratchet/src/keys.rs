//! Symmetric keys of the ratchet and the X448 key pair it stores. All wipe on drop and
//! print redacted.

use core::fmt;

use simplex_crypto::rand_core::CryptoRng;
use simplex_crypto::{X448Public, X448Secret};
use simplex_encoding::writer::put_short;
use simplex_encoding::{Decode, DecodeError, Encode, Reader};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::Result;

/// A 32-byte symmetric key: root, chain, header or message key.
///
/// Ordered by its bytes, like the reference's `Map` keys, so skipped keys are tried in
/// the same order.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Zeroize, ZeroizeOnDrop)]
pub struct Key32(pub(crate) [u8; 32]);

impl Key32 {
    /// Wraps raw key bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Key32(bytes)
    }

    /// The raw key bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for Key32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key32(<redacted>)")
    }
}

/// A header key: the key the skipped message keys are filed under.
pub type HeaderKey = Key32;

/// A message key with its IV (`MessageKey`), wire form `short(key) ‖ short(iv)`.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct MessageKey {
    key: Key32,
    iv: [u8; 16],
}

impl MessageKey {
    /// Builds a message key from its parts.
    pub const fn new(key: Key32, iv: [u8; 16]) -> Self {
        MessageKey { key, iv }
    }

    /// The AES-256 key.
    pub const fn key(&self) -> &[u8; 32] {
        &self.key.0
    }

    /// The 16-byte IV.
    pub const fn iv(&self) -> &[u8; 16] {
        &self.iv
    }
}

impl fmt::Debug for MessageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MessageKey(<redacted>)")
    }
}

impl Encode for MessageKey {
    fn encode(&self, out: &mut Vec<u8>) {
        put_short(out, &self.key.0);
        put_short(out, &self.iv);
    }
}

impl Decode for MessageKey {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(MessageKey {
            key: Key32(r.short_array()?),
            iv: r.short_array()?,
        })
    }
}

/// An X448 key pair kept as raw bytes, so the state can be cloned without OpenSSL.
#[derive(Clone)]
pub(crate) struct DhKeyPair {
    pub(crate) secret: Zeroizing<[u8; 56]>,
    pub(crate) public: X448Public,
}

impl DhKeyPair {
    pub(crate) fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        Ok(Self::from_secret(&X448Secret::generate(rng)?))
    }

    pub(crate) fn from_secret(secret: &X448Secret) -> Self {
        DhKeyPair {
            secret: secret.to_bytes(),
            public: secret.public(),
        }
    }
}
