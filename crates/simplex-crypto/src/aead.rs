//! AES-256-GCM with 16-byte IVs and 16-byte tags, as the double ratchet uses it (the
//! reference's `encryptAEAD`/`decryptAEAD` over `initAEAD`).
//!
//! A 16-byte IV is not the usual 12-byte GCM nonce: GCM derives the initial counter block
//! from it with GHASH (NIST SP 800-38D, `J0 = GHASH(IV ‖ 0-pad ‖ len64(IV))`). The tag is
//! kept apart from the ciphertext because the reference sends it in its own field.

use aes_gcm::aead::consts::U16;
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::aes::Aes256;
use aes_gcm::{AesGcm, Nonce};

use crate::error::{CryptoError, Result};
use crate::pad::{pad, unpad};

/// Length of an AES-256 key.
pub const AES_KEY_LEN: usize = 32;
/// Length of the IVs used with [`encrypt_detached`] (one AES block).
pub const IV_LEN: usize = 16;
/// Length of the authentication tag.
pub const AUTH_TAG_LEN: usize = 16;

/// AES-256-GCM with a 16-byte nonce and a 16-byte tag.
type Aes256Gcm16 = AesGcm<Aes256, U16>;

fn cipher(key: &[u8; AES_KEY_LEN]) -> Aes256Gcm16 {
    Aes256Gcm16::new(key.into())
}

fn nonce(iv: &[u8; IV_LEN]) -> &Nonce<U16> {
    iv.into()
}

/// Encrypts `buf` in place and returns the tag, authenticating `ad` as well.
pub fn encrypt_detached(
    key: &[u8; AES_KEY_LEN],
    iv: &[u8; IV_LEN],
    ad: &[u8],
    buf: &mut [u8],
) -> Result<[u8; AUTH_TAG_LEN]> {
    let tag = cipher(key)
        .encrypt_inout_detached(nonce(iv), ad, buf.into())
        // GCM only refuses inputs longer than 2^36 bytes.
        .map_err(|_| CryptoError::MessageTooLarge)?;
    Ok(tag.into())
}

/// Decrypts `buf` in place after checking `tag` over `ad` and the ciphertext.
///
/// On a tag mismatch `buf` is left as it was and [`CryptoError::Decryption`] is returned.
pub fn decrypt_detached(
    key: &[u8; AES_KEY_LEN],
    iv: &[u8; IV_LEN],
    ad: &[u8],
    buf: &mut [u8],
    tag: &[u8; AUTH_TAG_LEN],
) -> Result<()> {
    cipher(key)
        .decrypt_inout_detached(nonce(iv), ad, buf.into(), tag.into())
        .map_err(|_| CryptoError::Decryption)
}

/// Pads `msg` to `padded_len` (see [`crate::pad`]) and encrypts it: the reference's
/// `encryptAEAD`. Returns `(tag, ciphertext)`; the ciphertext is `padded_len` bytes.
pub fn encrypt_padded(
    key: &[u8; AES_KEY_LEN],
    iv: &[u8; IV_LEN],
    padded_len: usize,
    ad: &[u8],
    msg: &[u8],
) -> Result<([u8; AUTH_TAG_LEN], Vec<u8>)> {
    let mut buf = pad(msg, padded_len)?;
    let tag = encrypt_detached(key, iv, ad, &mut buf)?;
    Ok((tag, buf))
}

/// Decrypts and removes the padding: the reference's `decryptAEAD`.
///
/// Fails with [`CryptoError::Decryption`] on a bad tag and [`CryptoError::Padding`] when
/// the plaintext's length prefix is larger than what follows it.
pub fn decrypt_padded(
    key: &[u8; AES_KEY_LEN],
    iv: &[u8; IV_LEN],
    ad: &[u8],
    ciphertext: &[u8],
    tag: &[u8; AUTH_TAG_LEN],
) -> Result<Vec<u8>> {
    let mut buf = ciphertext.to_vec();
    decrypt_detached(key, iv, ad, &mut buf, tag)?;
    let msg = unpad(&buf)?.to_vec();
    zeroize::Zeroize::zeroize(&mut buf);
    Ok(msg)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use openssl::symm::{Cipher, decrypt_aead, encrypt_aead};
    use proptest::prelude::*;

    /// OpenSSL's AES-256-GCM with a 16-byte IV (`EVP_CTRL_GCM_SET_IVLEN`), the oracle.
    fn openssl_encrypt(
        key: &[u8; 32],
        iv: &[u8; 16],
        ad: &[u8],
        msg: &[u8],
    ) -> (Vec<u8>, [u8; 16]) {
        let mut tag = [0u8; 16];
        let ct = encrypt_aead(Cipher::aes_256_gcm(), key, Some(iv), ad, msg, &mut tag).unwrap();
        (ct, tag)
    }

    #[test]
    fn matches_openssl_fixed_input() {
        let key: [u8; 32] = core::array::from_fn(|i| i as u8);
        let iv: [u8; 16] = core::array::from_fn(|i| 0xa0 + i as u8);
        let ad = b"associated data";
        let msg = b"the double ratchet uses 16-byte IVs";
        let (expected_ct, expected_tag) = openssl_encrypt(&key, &iv, ad, msg);
        let mut buf = msg.to_vec();
        let tag = encrypt_detached(&key, &iv, ad, &mut buf).unwrap();
        assert_eq!(buf, expected_ct);
        assert_eq!(tag, expected_tag);
        decrypt_detached(&key, &iv, ad, &mut buf, &tag).unwrap();
        assert_eq!(buf, msg);
    }

    #[test]
    fn padded_round_trip_and_sizes() {
        let key = [7u8; 32];
        let iv = [9u8; 16];
        let (tag, ct) = encrypt_padded(&key, &iv, 88, b"ad", b"header").unwrap();
        assert_eq!(ct.len(), 88);
        assert_eq!(
            decrypt_padded(&key, &iv, b"ad", &ct, &tag).unwrap(),
            b"header"
        );
        assert_eq!(
            encrypt_padded(&key, &iv, 7, b"ad", b"header"),
            Err(CryptoError::MessageTooLarge)
        );
    }

    #[test]
    fn rejects_tampering() {
        let key = [1u8; 32];
        let iv = [2u8; 16];
        let (tag, ct) = encrypt_padded(&key, &iv, 32, b"ad", b"msg").unwrap();
        let mut bad_ct = ct.clone();
        bad_ct[3] ^= 1;
        assert_eq!(
            decrypt_padded(&key, &iv, b"ad", &bad_ct, &tag),
            Err(CryptoError::Decryption)
        );
        assert_eq!(
            decrypt_padded(&key, &iv, b"AD", &ct, &tag),
            Err(CryptoError::Decryption)
        );
        let mut bad_tag = tag;
        bad_tag[15] ^= 0x80;
        assert_eq!(
            decrypt_padded(&key, &iv, b"ad", &ct, &bad_tag),
            Err(CryptoError::Decryption)
        );
        let mut other_iv = iv;
        other_iv[0] ^= 1;
        assert_eq!(
            decrypt_padded(&key, &other_iv, b"ad", &ct, &tag),
            Err(CryptoError::Decryption)
        );
    }

    #[test]
    fn bad_length_prefix_is_a_padding_error() {
        let key = [3u8; 32];
        let iv = [4u8; 16];
        let mut buf = vec![0xff, 0xff, b'x'];
        let tag = encrypt_detached(&key, &iv, b"", &mut buf).unwrap();
        assert_eq!(
            decrypt_padded(&key, &iv, b"", &buf, &tag),
            Err(CryptoError::Padding)
        );
    }

    proptest! {
        #[test]
        fn prop_matches_openssl(
            key: [u8; 32],
            iv: [u8; 16],
            ad in proptest::collection::vec(any::<u8>(), 0..200),
            msg in proptest::collection::vec(any::<u8>(), 0..600),
        ) {
            let (expected_ct, expected_tag) = openssl_encrypt(&key, &iv, &ad, &msg);
            let mut buf = msg.clone();
            let tag = encrypt_detached(&key, &iv, &ad, &mut buf).unwrap();
            prop_assert_eq!(&buf, &expected_ct);
            prop_assert_eq!(tag, expected_tag);
            let back = decrypt_aead(Cipher::aes_256_gcm(), &key, Some(&iv), &ad, &buf, &tag).unwrap();
            prop_assert_eq!(back, msg);
        }
    }
}
