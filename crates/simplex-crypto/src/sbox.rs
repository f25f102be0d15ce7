//! The reference's "secret_box" with a symmetric 32-byte key (`sbEncrypt` / `sbDecrypt`).
//!
//! Not plain NaCl `crypto_secretbox(key)`: the key first goes through
//! `HSalsa20(key, 0^16)` (protocol-map §6.5). Output is `tag(16) ‖ ciphertext`.

use core::fmt;

use rand_core::CryptoRng;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::{CryptoError, Result};
use crate::keys::redacted;
use crate::nonce::CbNonce;
use crate::salsabox;

pub use crate::stream::SbStream;

/// A symmetric secretbox key (32 bytes). Wiped on drop; Debug is redacted.
///
/// Clone is allowed because file descriptions and link data carry the key around.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SbKey([u8; 32]);

impl SbKey {
    /// Wraps raw key bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Takes a key from a slice that must be exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        let arr: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::BadLength {
            expected: 32,
            actual: bytes.len(),
        })?;
        Ok(Self(arr))
    }

    /// A fresh random key from `rng`.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut key = Self([0u8; 32]);
        rng.fill_bytes(&mut key.0);
        key
    }

    /// The raw key bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl PartialEq for SbKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for SbKey {}

impl fmt::Debug for SbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "SbKey")
    }
}

/// Pads `msg` to `padded_len` and boxes it; the result is `16 + padded_len` bytes.
pub fn sb_encrypt(key: &SbKey, nonce: &CbNonce, msg: &[u8], padded_len: usize) -> Result<Vec<u8>> {
    salsabox::seal_padded(key.as_bytes(), nonce, msg, padded_len)
}

/// Boxes `msg` without padding; the result is `16 + msg.len()` bytes.
pub fn sb_encrypt_no_pad(key: &SbKey, nonce: &CbNonce, msg: &[u8]) -> Vec<u8> {
    salsabox::seal(key.as_bytes(), nonce, msg)
}

/// Verifies and opens a box made by [`sb_encrypt`], then removes the padding.
pub fn sb_decrypt(key: &SbKey, nonce: &CbNonce, packet: &[u8]) -> Result<Vec<u8>> {
    salsabox::open_padded(key.as_bytes(), nonce, packet)
}

/// Verifies and opens a box made by [`sb_encrypt_no_pad`].
pub fn sb_decrypt_no_pad(key: &SbKey, nonce: &CbNonce, packet: &[u8]) -> Result<Vec<u8>> {
    salsabox::open(key.as_bytes(), nonce, packet)
}
