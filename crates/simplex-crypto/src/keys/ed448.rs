//! Ed448 signing keys, computed with OpenSSL from raw key bytes (no OpenSSL RNG is used).

use core::fmt;

use openssl::pkey::{Id, PKey};
use openssl::sign::{Signer, Verifier};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::{KeyAlgorithm, der, redacted};
use crate::error::{CryptoError, Result};

/// Length of a raw Ed448 key (public or private).
pub const ED448_KEY_LEN: usize = 57;
/// Length of an Ed448 signature.
pub const ED448_SIGNATURE_LEN: usize = 114;

/// An Ed448 public key (57 raw bytes, not validated until used, as in the reference).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Ed448Public([u8; ED448_KEY_LEN]);

impl Ed448Public {
    /// Wraps raw key bytes.
    pub const fn from_bytes(bytes: [u8; ED448_KEY_LEN]) -> Self {
        Self(bytes)
    }

    /// The raw key bytes.
    pub const fn as_bytes(&self) -> &[u8; ED448_KEY_LEN] {
        &self.0
    }

    /// Decodes a DER SubjectPublicKeyInfo (69 bytes).
    pub fn from_spki(der: &[u8]) -> Result<Self> {
        der::decode_spki(der, KeyAlgorithm::Ed448).map(Self)
    }

    /// Encodes as DER SubjectPublicKeyInfo (69 bytes).
    pub fn to_spki(&self) -> Vec<u8> {
        der::encode(&der::SPKI_PREFIX_ED448, &self.0)
    }

    /// Verifies a 114-byte signature of `msg` (RFC 8032 pure Ed448, empty context).
    /// Any malformed input gives `false`.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        sig.len() == ED448_SIGNATURE_LEN && self.try_verify(msg, sig).unwrap_or(false)
    }

    fn try_verify(&self, msg: &[u8], sig: &[u8]) -> Result<bool> {
        let pkey = PKey::public_key_from_raw_bytes(&self.0, Id::ED448)?;
        Ok(Verifier::new_without_digest(&pkey)?.verify_oneshot(sig, msg)?)
    }
}

impl fmt::Debug for Ed448Public {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ed448Public({})", crate::hex(&self.0))
    }
}

/// An Ed448 private key (57 raw bytes) with its public key. Wiped on drop; Debug is
/// redacted.
pub struct Ed448Secret {
    raw: Zeroizing<[u8; ED448_KEY_LEN]>,
    public: Ed448Public,
}

impl Ed448Secret {
    /// Generates a new key from 57 bytes of `rng`.
    ///
    /// Fails only if OpenSSL fails internally.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        let mut raw = Zeroizing::new([0u8; ED448_KEY_LEN]);
        rng.fill_bytes(raw.as_mut());
        Self::from_bytes(&raw)
    }

    /// Builds the key from its 57 raw bytes, computing the public key.
    pub fn from_bytes(raw: &[u8; ED448_KEY_LEN]) -> Result<Self> {
        let pkey = PKey::private_key_from_raw_bytes(raw, Id::ED448)?;
        let public: [u8; ED448_KEY_LEN] = pkey
            .raw_public_key()?
            .try_into()
            .map_err(|_| CryptoError::Backend("Ed448 public key of wrong length".into()))?;
        Ok(Self {
            raw: Zeroizing::new(*raw),
            public: Ed448Public(public),
        })
    }

    /// The 57 raw private key bytes, for storage.
    pub fn to_bytes(&self) -> Zeroizing<[u8; ED448_KEY_LEN]> {
        self.raw.clone()
    }

    /// The matching public key.
    pub fn public(&self) -> Ed448Public {
        self.public.clone()
    }

    /// Signs `msg` (deterministic RFC 8032 pure Ed448); 114 bytes.
    ///
    /// Fails only if OpenSSL fails internally.
    pub fn sign(&self, msg: &[u8]) -> Result<Vec<u8>> {
        let pkey = PKey::private_key_from_raw_bytes(self.raw.as_ref(), Id::ED448)?;
        let mut sig = vec![0u8; ED448_SIGNATURE_LEN];
        let n = Signer::new_without_digest(&pkey)?.sign_oneshot(&mut sig, msg)?;
        if n != ED448_SIGNATURE_LEN {
            return Err(CryptoError::Backend(
                "Ed448 signature of wrong length".into(),
            ));
        }
        Ok(sig)
    }

    /// Decodes a DER PKCS#8 private key (73 bytes).
    pub fn from_pkcs8(der: &[u8]) -> Result<Self> {
        let raw = der::decode_pkcs8::<ED448_KEY_LEN>(der, KeyAlgorithm::Ed448)?;
        Self::from_bytes(&raw)
    }

    /// Encodes as DER PKCS#8 (73 bytes).
    pub fn to_pkcs8(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(der::encode(&der::PKCS8_PREFIX_ED448, self.raw.as_ref()))
    }
}

impl fmt::Debug for Ed448Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "Ed448Secret")
    }
}
