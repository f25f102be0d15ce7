//! The XSalsa20-Poly1305 box shared by `cbox` and `sbox`, with the reference's extra
//! HSalsa20 step (protocol-map §6.5, crates.md finding 2).
//!
//! For a 32-byte key `k` and 24-byte nonce `n`:
//! `k' = HSalsa20(k, 0^16)`, keystream = XSalsa20(k', n), the Poly1305 key is the first
//! 32 keystream bytes, the message is XORed with the keystream from byte 32 on, and the
//! tag is Poly1305 over the ciphertext. For a raw X25519 output this is exactly NaCl
//! `crypto_box` (its `beforenm` is the same HSalsa20 step); for a symmetric key it is
//! NaCl `crypto_secretbox` keyed with `HSalsa20(k, 0^16)`.

use poly1305::Poly1305;
use poly1305::universal_hash::KeyInit;
use salsa20::XSalsa20;
use salsa20::cipher::consts::U10;
use salsa20::cipher::{KeyIvInit, StreamCipher};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::{CryptoError, Result};

/// Length of the Poly1305 tag.
pub const TAG_LEN: usize = 16;

/// Cipher positioned after the Poly1305 key, and the Poly1305 state keyed for this box.
pub(crate) fn cipher_and_mac(key: &[u8; 32], nonce: &[u8; 24]) -> (XSalsa20, Poly1305) {
    let derived: Zeroizing<[u8; 32]> =
        Zeroizing::new(salsa20::hsalsa::<U10>(key.into(), (&[0u8; 16]).into()).into());
    let mut cipher = XSalsa20::new((&*derived).into(), nonce.into());
    let mut mac_key = Zeroizing::new([0u8; 32]);
    cipher.apply_keystream(mac_key.as_mut());
    let mac = Poly1305::new((&*mac_key).into());
    (cipher, mac)
}

/// `tag(16) ‖ ciphertext`.
pub(crate) fn seal(key: &[u8; 32], nonce: &[u8; 24], msg: &[u8]) -> Vec<u8> {
    let (mut cipher, mac) = cipher_and_mac(key, nonce);
    let mut out = Vec::with_capacity(TAG_LEN + msg.len());
    out.extend_from_slice(&[0u8; TAG_LEN]);
    out.extend_from_slice(msg);
    let (tag, ct) = out.split_at_mut(TAG_LEN);
    cipher.apply_keystream(ct);
    tag.copy_from_slice(&mac.compute_unpadded(ct));
    out
}

/// Checks the tag in constant time, then decrypts.
pub(crate) fn open(key: &[u8; 32], nonce: &[u8; 24], packet: &[u8]) -> Result<Vec<u8>> {
    let (tag, ct) = packet
        .split_at_checked(TAG_LEN)
        .ok_or(CryptoError::Decryption)?;
    let (mut cipher, mac) = cipher_and_mac(key, nonce);
    let expected = mac.compute_unpadded(ct);
    if !bool::from(expected.as_slice().ct_eq(tag)) {
        return Err(CryptoError::Decryption);
    }
    let mut msg = ct.to_vec();
    cipher.apply_keystream(&mut msg);
    Ok(msg)
}
