//! Ed25519 signing keys.

use core::fmt;

use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::{KeyAlgorithm, der, redacted};
use crate::error::Result;

/// Length of an Ed25519 signature.
pub const ED25519_SIGNATURE_LEN: usize = 64;

/// An Ed25519 public key.
///
/// Any 32 bytes are accepted when decoding, as in the reference; a key that is not a
/// valid curve point simply verifies nothing.
#[derive(Clone)]
pub struct Ed25519Public {
    bytes: [u8; 32],
    point: Option<VerifyingKey>,
}

impl Ed25519Public {
    /// Wraps raw key bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self {
            bytes,
            point: VerifyingKey::from_bytes(&bytes).ok(),
        }
    }

    /// The raw key bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// Decodes a DER SubjectPublicKeyInfo (44 bytes).
    pub fn from_spki(der: &[u8]) -> Result<Self> {
        der::decode_spki(der, KeyAlgorithm::Ed25519).map(Self::from_bytes)
    }

    /// Encodes as DER SubjectPublicKeyInfo (44 bytes).
    pub fn to_spki(&self) -> Vec<u8> {
        der::encode(&der::SPKI_PREFIX_ED25519, &self.bytes)
    }

    /// Verifies a 64-byte signature of `msg` (RFC 8032 Ed25519, cofactorless, as the
    /// reference's ed25519-donna). Any malformed input gives `false`.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        let (Some(point), Ok(sig)) = (&self.point, Signature::from_slice(sig)) else {
            return false;
        };
        point.verify(msg, &sig).is_ok()
    }
}

impl PartialEq for Ed25519Public {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for Ed25519Public {}

impl core::hash::Hash for Ed25519Public {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.bytes.hash(state);
    }
}

impl fmt::Debug for Ed25519Public {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ed25519Public({})", crate::hex(&self.bytes))
    }
}

/// An Ed25519 private key (the 32-byte seed). Wiped on drop; Debug is redacted.
pub struct Ed25519Secret(SigningKey);

impl Ed25519Secret {
    /// Generates a new key from 32 bytes of `rng`.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut seed = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(seed.as_mut());
        Self::from_bytes(&seed)
    }

    /// Builds the key from its 32-byte seed.
    pub fn from_bytes(seed: &[u8; 32]) -> Self {
        Self(SigningKey::from_bytes(seed))
    }

    /// The 32-byte seed, for storage.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// The matching public key.
    pub fn public(&self) -> Ed25519Public {
        let point = self.0.verifying_key();
        Ed25519Public {
            bytes: point.to_bytes(),
            point: Some(point),
        }
    }

    /// Signs `msg` (deterministic RFC 8032 Ed25519); 64 bytes.
    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
        self.sign_array(msg).to_vec()
    }

    /// Signs `msg`, returning the signature as an array.
    pub fn sign_array(&self, msg: &[u8]) -> [u8; ED25519_SIGNATURE_LEN] {
        self.0.sign(msg).to_bytes()
    }

    /// Decodes a DER PKCS#8 private key (48 bytes).
    pub fn from_pkcs8(der: &[u8]) -> Result<Self> {
        let seed = der::decode_pkcs8::<32>(der, KeyAlgorithm::Ed25519)?;
        Ok(Self::from_bytes(&seed))
    }

    /// Encodes as DER PKCS#8 (48 bytes).
    pub fn to_pkcs8(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(der::encode(&der::PKCS8_PREFIX_ED25519, self.0.as_bytes()))
    }
}

impl fmt::Debug for Ed25519Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "Ed25519Secret")
    }
}
