//! NaCl `crypto_box` with a raw X25519 shared secret (the reference's `cbEncrypt` /
//! `cbDecrypt`). Output is `tag(16) ‖ ciphertext`.

use crate::error::Result;
use crate::keys::DhSecret;
use crate::nonce::CbNonce;
use crate::salsabox;

/// Pads `msg` to `padded_len` (see [`crate::pad::pad`]) and boxes it;
/// the result is `16 + padded_len` bytes.
pub fn cb_encrypt(
    secret: &DhSecret,
    nonce: &CbNonce,
    msg: &[u8],
    padded_len: usize,
) -> Result<Vec<u8>> {
    salsabox::seal_padded(secret.as_bytes(), nonce, msg, padded_len)
}

/// Boxes `msg` without padding; the result is `16 + msg.len()` bytes.
pub fn cb_encrypt_no_pad(secret: &DhSecret, nonce: &CbNonce, msg: &[u8]) -> Vec<u8> {
    salsabox::seal(secret.as_bytes(), nonce, msg)
}

/// Verifies and opens a box made by [`cb_encrypt`], then removes the padding.
pub fn cb_decrypt(secret: &DhSecret, nonce: &CbNonce, packet: &[u8]) -> Result<Vec<u8>> {
    salsabox::open_padded(secret.as_bytes(), nonce, packet)
}

/// Verifies and opens a box made by [`cb_encrypt_no_pad`].
pub fn cb_decrypt_no_pad(secret: &DhSecret, nonce: &CbNonce, packet: &[u8]) -> Result<Vec<u8>> {
    salsabox::open(secret.as_bytes(), nonce, packet)
}
