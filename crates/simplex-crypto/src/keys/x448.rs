//! X448 keys, computed with OpenSSL from raw key bytes (no OpenSSL RNG is used).
//! The double ratchet of the agent uses X448.

use core::fmt;

use openssl::derive::Deriver;
use openssl::pkey::{Id, PKey};
use rand_core::CryptoRng;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::{KeyAlgorithm, der, redacted};
use crate::error::{CryptoError, Result};

/// Length of a raw X448 key (public, private or shared secret).
pub const X448_KEY_LEN: usize = 56;

/// An X448 public key (56 raw bytes, not validated).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct X448Public([u8; X448_KEY_LEN]);

impl X448Public {
    /// Wraps raw key bytes.
    pub const fn from_bytes(bytes: [u8; X448_KEY_LEN]) -> Self {
        Self(bytes)
    }

    /// The raw key bytes.
    pub const fn as_bytes(&self) -> &[u8; X448_KEY_LEN] {
        &self.0
    }

    /// Decodes a DER SubjectPublicKeyInfo (68 bytes).
    pub fn from_spki(der: &[u8]) -> Result<Self> {
        der::decode_spki(der, KeyAlgorithm::X448).map(Self)
    }

    /// Encodes as DER SubjectPublicKeyInfo (68 bytes).
    pub fn to_spki(&self) -> Vec<u8> {
        der::encode(&der::SPKI_PREFIX_X448, &self.0)
    }
}

impl fmt::Debug for X448Public {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "X448Public({})", crate::hex(&self.0))
    }
}

/// An X448 private key with its public key. Wiped on drop; Debug is redacted.
pub struct X448Secret {
    raw: Zeroizing<[u8; X448_KEY_LEN]>,
    public: X448Public,
}

impl X448Secret {
    /// Generates a new key from 56 bytes of `rng`.
    ///
    /// Fails only if OpenSSL fails internally.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        let mut raw = Zeroizing::new([0u8; X448_KEY_LEN]);
        rng.fill_bytes(raw.as_mut());
        Self::from_bytes(&raw)
    }

    /// Builds the key from its 56 raw bytes, computing the public key.
    pub fn from_bytes(raw: &[u8; X448_KEY_LEN]) -> Result<Self> {
        let pkey = PKey::private_key_from_raw_bytes(raw, Id::X448)?;
        let public: [u8; X448_KEY_LEN] = pkey
            .raw_public_key()?
            .try_into()
            .map_err(|_| CryptoError::Backend("X448 public key of wrong length".into()))?;
        Ok(Self {
            raw: Zeroizing::new(*raw),
            public: X448Public(public),
        })
    }

    /// The 56 raw private key bytes, for storage.
    pub fn to_bytes(&self) -> Zeroizing<[u8; X448_KEY_LEN]> {
        self.raw.clone()
    }

    /// The matching public key.
    pub fn public(&self) -> X448Public {
        self.public.clone()
    }

    /// X448 with a peer's public key; the raw 56-byte output.
    ///
    /// OpenSSL refuses peers that yield an all-zero secret (small-order points).
    pub fn dh(&self, peer: &X448Public) -> Result<X448DhSecret> {
        let own = PKey::private_key_from_raw_bytes(self.raw.as_ref(), Id::X448)?;
        let theirs = PKey::public_key_from_raw_bytes(&peer.0, Id::X448)?;
        let mut deriver = Deriver::new(&own)?;
        deriver.set_peer(&theirs)?;
        let mut out = X448DhSecret([0u8; X448_KEY_LEN]);
        let n = deriver.derive(&mut out.0)?;
        if n != X448_KEY_LEN {
            return Err(CryptoError::Backend("X448 secret of wrong length".into()));
        }
        Ok(out)
    }

    /// Decodes a DER PKCS#8 private key (72 bytes).
    pub fn from_pkcs8(der: &[u8]) -> Result<Self> {
        let raw = der::decode_pkcs8::<X448_KEY_LEN>(der, KeyAlgorithm::X448)?;
        Self::from_bytes(&raw)
    }

    /// Encodes as DER PKCS#8 (72 bytes).
    pub fn to_pkcs8(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(der::encode(&der::PKCS8_PREFIX_X448, self.raw.as_ref()))
    }
}

impl fmt::Debug for X448Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "X448Secret")
    }
}

/// A raw X448 shared secret (56 bytes). Wiped on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct X448DhSecret([u8; X448_KEY_LEN]);

impl X448DhSecret {
    /// Wraps raw shared-secret bytes.
    pub const fn from_bytes(bytes: [u8; X448_KEY_LEN]) -> Self {
        Self(bytes)
    }

    /// The raw shared-secret bytes.
    pub const fn as_bytes(&self) -> &[u8; X448_KEY_LEN] {
        &self.0
    }
}

impl PartialEq for X448DhSecret {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for X448DhSecret {}

impl fmt::Debug for X448DhSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "X448DhSecret")
    }
}
