//! Queue authorization keys (the reference's `APublicAuthKey` / `APrivateAuthKey`):
//! an Ed25519 or Ed448 key signs commands, an X25519 key makes deniable authenticators.

use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::{
    Ed448Public, Ed448Secret, Ed25519Public, Ed25519Secret, KeyAlgorithm, X25519Public,
    X25519Secret, der,
};
use crate::error::{CryptoError, Result};

/// The algorithms allowed for queue authorization keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthAlgorithm {
    /// Ed25519 signatures (what the official agent uses today).
    Ed25519,
    /// Ed448 signatures.
    Ed448,
    /// X25519 deniable authenticators (SMP v7+).
    X25519,
}

impl AuthAlgorithm {
    /// The general key algorithm of this kind of key.
    pub const fn key_algorithm(self) -> KeyAlgorithm {
        match self {
            AuthAlgorithm::Ed25519 => KeyAlgorithm::Ed25519,
            AuthAlgorithm::Ed448 => KeyAlgorithm::Ed448,
            AuthAlgorithm::X25519 => KeyAlgorithm::X25519,
        }
    }
}

/// A public queue authorization key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PublicAuthKey {
    /// Verifies Ed25519 signatures.
    Ed25519(Ed25519Public),
    /// Verifies Ed448 signatures.
    Ed448(Ed448Public),
    /// Checks X25519 authenticators.
    X25519(X25519Public),
}

impl PublicAuthKey {
    /// Decodes a DER SubjectPublicKeyInfo, detecting the algorithm from its prefix.
    /// X448 keys are refused with [`CryptoError::UnknownKeyAlgorithm`].
    pub fn from_spki(der: &[u8]) -> Result<Self> {
        match KeyAlgorithm::of_spki(der)? {
            KeyAlgorithm::Ed25519 => Ed25519Public::from_spki(der).map(Self::Ed25519),
            KeyAlgorithm::Ed448 => Ed448Public::from_spki(der).map(Self::Ed448),
            KeyAlgorithm::X25519 => X25519Public::from_spki(der).map(Self::X25519),
            KeyAlgorithm::X448 => Err(CryptoError::UnknownKeyAlgorithm),
        }
    }

    /// Encodes as DER SubjectPublicKeyInfo.
    pub fn to_spki(&self) -> Vec<u8> {
        match self {
            Self::Ed25519(k) => k.to_spki(),
            Self::Ed448(k) => k.to_spki(),
            Self::X25519(k) => k.to_spki(),
        }
    }

    /// The algorithm of this key.
    pub const fn algorithm(&self) -> AuthAlgorithm {
        match self {
            Self::Ed25519(_) => AuthAlgorithm::Ed25519,
            Self::Ed448(_) => AuthAlgorithm::Ed448,
            Self::X25519(_) => AuthAlgorithm::X25519,
        }
    }

    /// Verifies a signature; always `false` for an X25519 key (use
    /// [`crate::authenticator::cb_verify`] for those).
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        match self {
            Self::Ed25519(k) => k.verify(msg, sig),
            Self::Ed448(k) => k.verify(msg, sig),
            Self::X25519(_) => false,
        }
    }
}

/// A private queue authorization key. Wiped on drop; Debug is redacted.
#[derive(Debug)]
pub enum PrivateAuthKey {
    /// Makes Ed25519 signatures.
    Ed25519(Ed25519Secret),
    /// Makes Ed448 signatures.
    Ed448(Ed448Secret),
    /// Makes X25519 authenticators.
    X25519(X25519Secret),
}

impl PrivateAuthKey {
    /// Generates a new key of algorithm `alg` from `rng`.
    ///
    /// Fails only if OpenSSL fails internally (Ed448).
    pub fn generate<R: CryptoRng + ?Sized>(alg: AuthAlgorithm, rng: &mut R) -> Result<Self> {
        Ok(match alg {
            AuthAlgorithm::Ed25519 => Self::Ed25519(Ed25519Secret::generate(rng)),
            AuthAlgorithm::Ed448 => Self::Ed448(Ed448Secret::generate(rng)?),
            AuthAlgorithm::X25519 => Self::X25519(X25519Secret::generate(rng)),
        })
    }

    /// The matching public key.
    pub fn public(&self) -> PublicAuthKey {
        match self {
            Self::Ed25519(k) => PublicAuthKey::Ed25519(k.public()),
            Self::Ed448(k) => PublicAuthKey::Ed448(k.public()),
            Self::X25519(k) => PublicAuthKey::X25519(k.public()),
        }
    }

    /// The algorithm of this key.
    pub const fn algorithm(&self) -> AuthAlgorithm {
        match self {
            Self::Ed25519(_) => AuthAlgorithm::Ed25519,
            Self::Ed448(_) => AuthAlgorithm::Ed448,
            Self::X25519(_) => AuthAlgorithm::X25519,
        }
    }

    /// Signs `msg`; [`CryptoError::NotASigningKey`] for an X25519 key.
    pub fn sign(&self, msg: &[u8]) -> Result<Vec<u8>> {
        match self {
            Self::Ed25519(k) => Ok(k.sign(msg)),
            Self::Ed448(k) => k.sign(msg),
            Self::X25519(_) => Err(CryptoError::NotASigningKey),
        }
    }

    /// Decodes a DER PKCS#8 private key, detecting the algorithm from its prefix.
    /// X448 keys are refused with [`CryptoError::UnknownKeyAlgorithm`].
    pub fn from_pkcs8(der: &[u8]) -> Result<Self> {
        match der::pkcs8_algorithm(der)? {
            KeyAlgorithm::Ed25519 => Ed25519Secret::from_pkcs8(der).map(Self::Ed25519),
            KeyAlgorithm::Ed448 => Ed448Secret::from_pkcs8(der).map(Self::Ed448),
            KeyAlgorithm::X25519 => X25519Secret::from_pkcs8(der).map(Self::X25519),
            KeyAlgorithm::X448 => Err(CryptoError::UnknownKeyAlgorithm),
        }
    }

    /// Encodes as DER PKCS#8.
    pub fn to_pkcs8(&self) -> Zeroizing<Vec<u8>> {
        match self {
            Self::Ed25519(k) => k.to_pkcs8(),
            Self::Ed448(k) => k.to_pkcs8(),
            Self::X25519(k) => k.to_pkcs8(),
        }
    }
}
