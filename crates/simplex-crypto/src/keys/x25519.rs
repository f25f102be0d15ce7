//! X25519 keys and the raw Diffie-Hellman output.

use core::fmt;

use rand_core::CryptoRng;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::{KeyAlgorithm, der, redacted};
use crate::error::Result;

/// An X25519 public key (32 raw bytes, not validated, as in the reference).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct X25519Public([u8; 32]);

impl X25519Public {
    /// Wraps raw key bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The raw key bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Decodes a DER SubjectPublicKeyInfo (44 bytes).
    pub fn from_spki(der: &[u8]) -> Result<Self> {
        der::decode_spki(der, KeyAlgorithm::X25519).map(Self)
    }

    /// Encodes as DER SubjectPublicKeyInfo (44 bytes).
    pub fn to_spki(&self) -> Vec<u8> {
        der::encode(&der::SPKI_PREFIX_X25519, &self.0)
    }
}

impl fmt::Debug for X25519Public {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "X25519Public({})", crate::hex(&self.0))
    }
}

/// An X25519 private key. Wiped on drop; Debug is redacted.
pub struct X25519Secret(x25519_dalek::StaticSecret);

impl X25519Secret {
    /// Generates a new key from 32 bytes of `rng`.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(bytes.as_mut());
        Self::from_bytes(*bytes)
    }

    /// Wraps raw private key bytes (clamping happens when the key is used).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(x25519_dalek::StaticSecret::from(bytes))
    }

    /// The raw private key bytes, for storage.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// The matching public key.
    pub fn public(&self) -> X25519Public {
        X25519Public(x25519_dalek::PublicKey::from(&self.0).to_bytes())
    }

    /// X25519 with a peer's public key; the raw 32-byte output, no hashing.
    pub fn dh(&self, peer: &X25519Public) -> DhSecret {
        let shared = self
            .0
            .diffie_hellman(&x25519_dalek::PublicKey::from(peer.0));
        DhSecret(*shared.as_bytes())
    }

    /// Decodes a DER PKCS#8 private key (48 bytes).
    pub fn from_pkcs8(der: &[u8]) -> Result<Self> {
        let raw = der::decode_pkcs8::<32>(der, KeyAlgorithm::X25519)?;
        Ok(Self::from_bytes(*raw))
    }

    /// Encodes as DER PKCS#8 (48 bytes).
    pub fn to_pkcs8(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(der::encode(&der::PKCS8_PREFIX_X25519, self.0.as_bytes()))
    }
}

impl fmt::Debug for X25519Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "X25519Secret")
    }
}

/// A raw X25519 shared secret (the reference's `DhSecret X25519`). Wiped on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct DhSecret([u8; 32]);

impl DhSecret {
    /// Wraps raw shared-secret bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The raw shared-secret bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl PartialEq for DhSecret {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for DhSecret {}

impl fmt::Debug for DhSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "DhSecret")
    }
}
