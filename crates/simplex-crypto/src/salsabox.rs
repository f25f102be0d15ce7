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

/// Checks the tag of `tag(16) ‖ ciphertext` in constant time; returns the cipher positioned
/// at the ciphertext's first byte, and the ciphertext.
fn authenticated<'a>(
    key: &[u8; 32],
    nonce: &[u8; 24],
    packet: &'a [u8],
) -> Result<(XSalsa20, &'a [u8])> {
    let (tag, ct) = packet
        .split_at_checked(TAG_LEN)
        .ok_or(CryptoError::Decryption)?;
    let (cipher, mac) = cipher_and_mac(key, nonce);
    let expected = mac.compute_unpadded(ct);
    if !bool::from(expected.as_slice().ct_eq(tag)) {
        return Err(CryptoError::Decryption);
    }
    Ok((cipher, ct))
}

/// Checks the tag in constant time, then decrypts.
pub(crate) fn open(key: &[u8; 32], nonce: &[u8; 24], packet: &[u8]) -> Result<Vec<u8>> {
    let (mut cipher, ct) = authenticated(key, nonce, packet)?;
    let mut msg = ct.to_vec();
    cipher.apply_keystream(&mut msg);
    Ok(msg)
}

/// `tag(16) ‖ ciphertext` of `pad(msg, padded_len)`, padded straight into the output buffer
/// and encrypted in place (one 16 KB buffer per block instead of two).
pub(crate) fn seal_padded(
    key: &[u8; 32],
    nonce: &[u8; 24],
    msg: &[u8],
    padded_len: usize,
) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(TAG_LEN + padded_len);
    out.extend_from_slice(&[0u8; TAG_LEN]);
    crate::pad::pad_into(msg, padded_len, &mut out)?;
    let (mut cipher, mac) = cipher_and_mac(key, nonce);
    let (tag, ct) = out.split_at_mut(TAG_LEN);
    cipher.apply_keystream(ct);
    tag.copy_from_slice(&mac.compute_unpadded(ct));
    Ok(out)
}

/// Checks the tag over the whole ciphertext in constant time, then decrypts only the
/// length prefix and the message it announces: the padding after it is authenticated but
/// never decrypted (a small command in a 16 KB block costs one keystream pass over its own
/// bytes, not over the block). Same result and errors as `open` followed by `unpad`.
pub(crate) fn open_padded(key: &[u8; 32], nonce: &[u8; 24], packet: &[u8]) -> Result<Vec<u8>> {
    let (mut cipher, ct) = authenticated(key, nonce, packet)?;
    let (prefix, rest) = ct.split_first_chunk::<2>().ok_or(CryptoError::Padding)?;
    let mut prefix = *prefix;
    cipher.apply_keystream(&mut prefix);
    let len = usize::from(u16::from_be_bytes(prefix));
    let mut msg = rest.get(..len).ok_or(CryptoError::Padding)?.to_vec();
    cipher.apply_keystream(&mut msg);
    Ok(msg)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::pad::{pad, unpad};

    #[test]
    fn padded_forms_equal_pad_then_box() {
        let key = [7u8; 32];
        let nonce = [9u8; 24];
        for len in [0usize, 1, 200, 16000, 16366] {
            let msg: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let sealed = seal_padded(&key, &nonce, &msg, 16368).unwrap();
            let reference = seal(&key, &nonce, &pad(&msg, 16368).unwrap());
            assert_eq!(sealed, reference);
            assert_eq!(open_padded(&key, &nonce, &sealed).unwrap(), msg);
            let full = open(&key, &nonce, &sealed).unwrap();
            assert_eq!(unpad(&full).unwrap(), msg.as_slice());
        }
        assert!(matches!(
            seal_padded(&key, &nonce, &[0; 100], 101),
            Err(CryptoError::MessageTooLarge)
        ));
    }

    #[test]
    fn padded_open_errors_as_open_then_unpad() {
        let key = [1u8; 32];
        let nonce = [2u8; 24];
        // A length prefix larger than what follows is a padding error.
        let sealed = seal(&key, &nonce, &[0xff, 0xff, b'a', b'b']);
        assert!(matches!(
            open_padded(&key, &nonce, &sealed),
            Err(CryptoError::Padding)
        ));
        // Fewer than 2 plaintext bytes.
        let sealed = seal(&key, &nonce, &[0x00]);
        assert!(matches!(
            open_padded(&key, &nonce, &sealed),
            Err(CryptoError::Padding)
        ));
        // A changed byte in the padding fails authentication, although it is never
        // decrypted.
        let mut sealed = seal_padded(&key, &nonce, b"hi", 100).unwrap();
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(matches!(
            open_padded(&key, &nonce, &sealed),
            Err(CryptoError::Decryption)
        ));
        assert!(matches!(
            open_padded(&key, &nonce, &[0; 15]),
            Err(CryptoError::Decryption)
        ));
    }
}
