//! crypto_box, secretbox and the streaming secretbox, checked against the RustCrypto
//! NaCl crates of the previous generation (crypto_box 0.9.1, crypto_secretbox 0.1.1).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::rng;
use crypto_box::aead::Aead as _;
use crypto_secretbox::KeyInit as _;
use proptest::prelude::*;
use simplex_crypto::cbox::{cb_decrypt, cb_decrypt_no_pad, cb_encrypt, cb_encrypt_no_pad};
use simplex_crypto::pad::{pad, unpad};
use simplex_crypto::sbox::{sb_decrypt, sb_decrypt_no_pad, sb_encrypt, sb_encrypt_no_pad};
use simplex_crypto::{CryptoError, DhSecret, SbKey, SbStream, X25519Secret};

/// NaCl crypto_box of crypto_box 0.9.1 (the oracle).
fn oracle_box(our_sk: [u8; 32], their_pk: [u8; 32], nonce: &[u8; 24], msg: &[u8]) -> Vec<u8> {
    let b = crypto_box::SalsaBox::new(
        &crypto_box::PublicKey::from(their_pk),
        &crypto_box::SecretKey::from(our_sk),
    );
    b.encrypt(crypto_box::Nonce::from_slice(nonce), msg)
        .unwrap()
}

/// NaCl crypto_secretbox of crypto_secretbox 0.1.1 (the oracle) with the raw key.
fn oracle_secretbox(key: &[u8; 32], nonce: &[u8; 24], msg: &[u8]) -> Vec<u8> {
    crypto_secretbox::XSalsa20Poly1305::new(crypto_secretbox::Key::from_slice(key))
        .encrypt(crypto_secretbox::Nonce::from_slice(nonce), msg)
        .unwrap()
}

/// HSalsa20(key, 0^16), the extra step of the reference's symmetric secret_box.
fn hsalsa_zero(key: &[u8; 32]) -> [u8; 32] {
    salsa20::hsalsa::<salsa20::cipher::consts::U10>(key.into(), (&[0u8; 16]).into()).into()
}

fn dh_pair(seed: u64) -> (X25519Secret, X25519Secret) {
    let mut r = rng(seed);
    (
        X25519Secret::generate(&mut r),
        X25519Secret::generate(&mut r),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn cbox_equals_nacl_crypto_box(seed: u64, nonce: [u8; 24], msg in proptest::collection::vec(any::<u8>(), 0..600)) {
        let (a, b) = dh_pair(seed);
        let secret = a.dh(&b.public());
        let ours = cb_encrypt_no_pad(&secret, &nonce, &msg);
        let theirs = oracle_box(*a.to_bytes(), *b.public().as_bytes(), &nonce, &msg);
        prop_assert_eq!(&ours, &theirs);
        // The peer derives the same secret and opens it.
        let peer_secret = b.dh(&a.public());
        prop_assert_eq!(cb_decrypt_no_pad(&peer_secret, &nonce, &ours).unwrap(), msg);
    }

    #[test]
    fn cbox_padded_round_trip(seed: u64, nonce: [u8; 24], msg in proptest::collection::vec(any::<u8>(), 0..300), extra in 2usize..200) {
        let (a, b) = dh_pair(seed);
        let secret = a.dh(&b.public());
        let padded_len = msg.len() + extra;
        let ct = cb_encrypt(&secret, &nonce, &msg, padded_len).unwrap();
        prop_assert_eq!(ct.len(), 16 + padded_len);
        let padded = pad(&msg, padded_len).unwrap();
        prop_assert_eq!(&ct, &oracle_box(*a.to_bytes(), *b.public().as_bytes(), &nonce, &padded));
        prop_assert_eq!(cb_decrypt(&secret, &nonce, &ct).unwrap(), msg);
    }

    #[test]
    fn sbox_equals_secretbox_keyed_with_hsalsa(key: [u8; 32], nonce: [u8; 24], msg in proptest::collection::vec(any::<u8>(), 0..600)) {
        let k = SbKey::from_bytes(key);
        let ours = sb_encrypt_no_pad(&k, &nonce, &msg);
        prop_assert_eq!(&ours, &oracle_secretbox(&hsalsa_zero(&key), &nonce, &msg));
        prop_assert_ne!(&ours, &oracle_secretbox(&key, &nonce, &msg));
        prop_assert_eq!(sb_decrypt_no_pad(&k, &nonce, &ours).unwrap(), msg);
    }

    #[test]
    fn sbox_padded_round_trip(key: [u8; 32], nonce: [u8; 24], msg in proptest::collection::vec(any::<u8>(), 0..300), extra in 2usize..200) {
        let k = SbKey::from_bytes(key);
        let ct = sb_encrypt(&k, &nonce, &msg, msg.len() + extra).unwrap();
        prop_assert_eq!(ct.len(), 16 + msg.len() + extra);
        prop_assert_eq!(sb_decrypt(&k, &nonce, &ct).unwrap(), msg);
    }

    #[test]
    fn stream_chunks_equal_one_shot(key: [u8; 32], nonce: [u8; 24], msg in proptest::collection::vec(any::<u8>(), 0..700), cuts in proptest::collection::vec(0usize..700, 0..8)) {
        let k = SbKey::from_bytes(key);
        let one_shot = sb_encrypt_no_pad(&k, &nonce, &msg);
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(msg.len())).collect();
        cuts.push(0);
        cuts.push(msg.len());
        cuts.sort_unstable();

        let mut enc = SbStream::new(&k, &nonce);
        let mut ct = msg.clone();
        for w in cuts.windows(2) {
            enc.encrypt_chunk(&mut ct[w[0]..w[1]]);
        }
        let tag = enc.tag();
        prop_assert_eq!(&tag[..], &one_shot[..16]);
        prop_assert_eq!(&ct[..], &one_shot[16..]);

        let mut dec = SbStream::new(&k, &nonce);
        let mut pt = ct.clone();
        for w in cuts.windows(2).rev().collect::<Vec<_>>().into_iter().rev() {
            dec.decrypt_chunk(&mut pt[w[0]..w[1]]);
        }
        prop_assert!(dec.verify_tag(&tag));
        prop_assert_eq!(pt, msg);
    }

    #[test]
    fn pad_round_trip(msg in proptest::collection::vec(any::<u8>(), 0..400), padded_len in 0usize..500) {
        match pad(&msg, padded_len) {
            Ok(p) => {
                prop_assert!(msg.len() + 2 <= padded_len);
                prop_assert_eq!(p.len(), padded_len);
                prop_assert_eq!(unpad(&p).unwrap(), &msg[..]);
            }
            Err(e) => {
                prop_assert!(msg.len() + 2 > padded_len);
                prop_assert_eq!(e, CryptoError::MessageTooLarge);
            }
        }
    }
}

#[test]
fn stream_with_dh_secret_equals_crypto_box() {
    let (a, b) = dh_pair(11);
    let secret = a.dh(&b.public());
    let nonce = [9u8; 24];
    let msg: Vec<u8> = (0..100u8).collect();
    let mut s = SbStream::new_dh(&secret, &nonce);
    let mut ct = msg.clone();
    s.encrypt_chunk(&mut ct[..33]);
    s.encrypt_chunk(&mut ct[33..]);
    let mut expected = s.tag().to_vec();
    expected.extend_from_slice(&ct);
    assert_eq!(
        expected,
        oracle_box(*a.to_bytes(), *b.public().as_bytes(), &nonce, &msg)
    );
}

#[test]
fn stream_rejects_wrong_tag() {
    let k = SbKey::from_bytes([1; 32]);
    let mut s = SbStream::new(&k, &[2; 24]);
    let mut data = *b"some file contents";
    s.decrypt_chunk(&mut data);
    assert!(!s.verify_tag(&[0u8; 16]));
    let s = SbStream::new(&k, &[2; 24]);
    assert!(!s.verify_tag(&[0u8; 15]));
}

#[test]
fn tampering_is_detected() {
    let (a, b) = dh_pair(5);
    let secret = a.dh(&b.public());
    let nonce = [3u8; 24];
    let ct = cb_encrypt(&secret, &nonce, b"hello", 64).unwrap();
    for i in [0, 15, 16, ct.len() - 1] {
        let mut bad = ct.clone();
        bad[i] ^= 1;
        assert_eq!(
            cb_decrypt(&secret, &nonce, &bad),
            Err(CryptoError::Decryption)
        );
    }
    let mut other_nonce = nonce;
    other_nonce[23] ^= 1;
    assert_eq!(
        cb_decrypt(&secret, &other_nonce, &ct),
        Err(CryptoError::Decryption)
    );
    let wrong = DhSecret::from_bytes([0; 32]);
    assert_eq!(
        cb_decrypt(&wrong, &nonce, &ct),
        Err(CryptoError::Decryption)
    );
    assert_eq!(
        cb_decrypt_no_pad(&secret, &nonce, &ct[..15]),
        Err(CryptoError::Decryption)
    );
    // An empty message boxes to just the tag.
    let empty = cb_encrypt_no_pad(&secret, &nonce, b"");
    assert_eq!(empty.len(), 16);
    assert_eq!(cb_decrypt_no_pad(&secret, &nonce, &empty).unwrap(), b"");

    let k = SbKey::from_bytes([7; 32]);
    let mut ct = sb_encrypt(&k, &nonce, b"hello", 64).unwrap();
    ct[20] ^= 0x40;
    assert_eq!(sb_decrypt(&k, &nonce, &ct), Err(CryptoError::Decryption));
}

#[test]
fn padded_encrypt_refuses_oversized_message() {
    let k = SbKey::from_bytes([7; 32]);
    assert_eq!(
        sb_encrypt(&k, &[0; 24], b"abc", 4),
        Err(CryptoError::MessageTooLarge)
    );
    let secret = DhSecret::from_bytes([1; 32]);
    assert_eq!(
        cb_encrypt(&secret, &[0; 24], b"abc", 4),
        Err(CryptoError::MessageTooLarge)
    );
}

#[test]
fn decrypt_of_bad_padding_is_a_padding_error() {
    let k = SbKey::from_bytes([7; 32]);
    // A valid box whose plaintext claims 255 bytes but holds 3.
    let ct = sb_encrypt_no_pad(&k, &[0; 24], b"\x00\xffabc");
    assert_eq!(sb_decrypt(&k, &[0; 24], &ct), Err(CryptoError::Padding));
}

#[test]
fn sb_key_from_slice_checks_length() {
    assert!(SbKey::from_slice(&[0; 32]).is_ok());
    assert_eq!(
        SbKey::from_slice(&[0; 31]),
        Err(CryptoError::BadLength {
            expected: 32,
            actual: 31
        })
    );
    assert_eq!(
        format!("{:?}", SbKey::from_bytes([5; 32])),
        "SbKey(<redacted>)"
    );
    let mut r = rng(4);
    assert_ne!(SbKey::generate(&mut r), SbKey::generate(&mut r));
}
