//! Streaming secretbox for files and XFTP chunks (the reference's `sbInit` /
//! `sbEncryptChunk` / `sbDecryptChunk` / `sbAuth`).
//!
//! Chunks may have any length; the result equals the one-shot box of their
//! concatenation, with the tag delivered separately (files put it at the end).

use core::fmt;

use poly1305::universal_hash::UniversalHash;
use poly1305::{Block, Poly1305};
use salsa20::XSalsa20;
use salsa20::cipher::StreamCipher;
use subtle::ConstantTimeEq;

use crate::keys::DhSecret;
use crate::nonce::CbNonce;
use crate::salsabox::{self, TAG_LEN};
use crate::sbox::SbKey;

/// State of one streaming encryption or decryption. Use one direction per stream.
pub struct SbStream {
    cipher: XSalsa20,
    mac: Poly1305,
    pending: [u8; TAG_LEN],
    pending_len: usize,
}

impl SbStream {
    /// Starts a stream with a symmetric key (`sbInit`).
    pub fn new(key: &SbKey, nonce: &CbNonce) -> Self {
        Self::with_raw_key(key.as_bytes(), nonce)
    }

    /// Starts a stream with a raw X25519 shared secret (`cbInit`).
    pub fn new_dh(secret: &DhSecret, nonce: &CbNonce) -> Self {
        Self::with_raw_key(secret.as_bytes(), nonce)
    }

    fn with_raw_key(key: &[u8; 32], nonce: &CbNonce) -> Self {
        let (cipher, mac) = salsabox::cipher_and_mac(key, nonce);
        Self {
            cipher,
            mac,
            pending: [0u8; TAG_LEN],
            pending_len: 0,
        }
    }

    /// Encrypts `chunk` in place and authenticates the ciphertext.
    pub fn encrypt_chunk(&mut self, chunk: &mut [u8]) {
        self.cipher.apply_keystream(chunk);
        self.authenticate(chunk);
    }

    /// Authenticates the ciphertext `chunk`, then decrypts it in place.
    /// Check [`SbStream::verify_tag`] before trusting the plaintext.
    pub fn decrypt_chunk(&mut self, chunk: &mut [u8]) {
        self.authenticate(chunk);
        self.cipher.apply_keystream(chunk);
    }

    /// The Poly1305 tag of all ciphertext processed so far (`sbAuth`).
    pub fn tag(self) -> [u8; TAG_LEN] {
        self.mac
            .compute_unpadded(&self.pending[..self.pending_len])
            .into()
    }

    /// Compares the tag with `expected` in constant time.
    pub fn verify_tag(self, expected: &[u8]) -> bool {
        self.tag().ct_eq(expected).into()
    }

    /// Feeds ciphertext to Poly1305 in whole 16-byte blocks, keeping the remainder.
    fn authenticate(&mut self, mut data: &[u8]) {
        if self.pending_len > 0 {
            let take = (TAG_LEN - self.pending_len).min(data.len());
            self.pending[self.pending_len..self.pending_len + take].copy_from_slice(&data[..take]);
            self.pending_len += take;
            data = &data[take..];
            if self.pending_len < TAG_LEN {
                return;
            }
            self.mac.update(&[Block::from(self.pending)]);
            self.pending_len = 0;
        }
        let (blocks, rest) = Block::slice_as_chunks(data);
        self.mac.update(blocks);
        self.pending[..rest.len()].copy_from_slice(rest);
        self.pending_len = rest.len();
    }
}

impl fmt::Debug for SbStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::keys::redacted(f, "SbStream")
    }
}
