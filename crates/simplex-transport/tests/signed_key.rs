//! The signed session key of the SMP server hello.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use openssl::pkey::PKey;
use simplex_transport::{
    Error, SignAlgorithm, generate_credentials, sign_spki, verify_signed_spki,
};

fn x25519_spki() -> Vec<u8> {
    PKey::generate_x25519()
        .unwrap()
        .public_key_to_der()
        .unwrap()
}

#[test]
fn round_trip_with_both_algorithms() {
    for alg in [SignAlgorithm::Ed25519, SignAlgorithm::Ed448] {
        let creds = generate_credentials(alg, "localhost").unwrap();
        let spki = x25519_spki();
        let signed = sign_spki(&creds.server_key, &spki).unwrap();
        assert_eq!(
            verify_signed_spki(&creds.server_cert, &signed).unwrap(),
            spki
        );
        // Signed by the leaf key, so the CA certificate does not verify it.
        assert!(verify_signed_spki(&creds.ca_cert, &signed).is_err());
    }
}

#[test]
fn exact_structure_matches_hs_x509_signed_exact() {
    // hs-x509 `objectToSignedExact` wraps the object's ASN.1 (here a full SPKI) in one more
    // SEQUENCE, then appends the AlgorithmIdentifier and the BIT STRING signature.
    let creds = generate_credentials(SignAlgorithm::Ed25519, "localhost").unwrap();
    let spki = x25519_spki();
    assert_eq!(spki.len(), 44);
    let signed = sign_spki(&creds.server_key, &spki).unwrap();
    let mut expected_prefix = vec![0x30, 46 + 7 + 67];
    expected_prefix.extend_from_slice(&[0x30, 44]);
    expected_prefix.extend_from_slice(&spki);
    expected_prefix.extend_from_slice(&[0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70]);
    expected_prefix.extend_from_slice(&[0x03, 65, 0x00]);
    assert_eq!(signed.len(), 2 + 46 + 7 + 67);
    assert_eq!(&signed[..expected_prefix.len()], &expected_prefix[..]);

    let signature = &signed[expected_prefix.len()..];
    let mut verifier = openssl::sign::Verifier::new_without_digest(&creds.server_key).unwrap();
    let mut tbs = vec![0x30, 44];
    tbs.extend_from_slice(&spki);
    assert!(verifier.verify_oneshot(signature, &tbs).unwrap());

    let ed448 = generate_credentials(SignAlgorithm::Ed448, "localhost").unwrap();
    let signed = sign_spki(&ed448.server_key, &spki).unwrap();
    // 46 + 7 + 117 = 170 content bytes: a two-byte long-form length.
    assert_eq!(&signed[..3], &[0x30, 0x81, 170]);
    let alg_at = 3 + 46;
    assert_eq!(
        &signed[alg_at..alg_at + 7],
        &[0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x71]
    );
    assert_eq!(&signed[alg_at + 7..alg_at + 10], &[0x03, 115, 0x00]);
}

#[test]
fn tampering_is_rejected() {
    let creds = generate_credentials(SignAlgorithm::Ed448, "localhost").unwrap();
    let signed = sign_spki(&creds.server_key, &x25519_spki()).unwrap();
    for i in 0..signed.len() {
        let mut bad = signed.clone();
        bad[i] ^= 0x01;
        assert!(
            verify_signed_spki(&creds.server_cert, &bad).is_err(),
            "byte {i}"
        );
    }
    let mut trailing = signed.clone();
    trailing.push(0);
    assert!(matches!(
        verify_signed_spki(&creds.server_cert, &trailing),
        Err(Error::Der(_))
    ));
}

#[test]
fn algorithm_mismatch_and_other_keys_are_rejected() {
    let ed25519 = generate_credentials(SignAlgorithm::Ed25519, "a").unwrap();
    let ed448 = generate_credentials(SignAlgorithm::Ed448, "b").unwrap();
    let signed = sign_spki(&ed25519.server_key, &x25519_spki()).unwrap();
    assert!(matches!(
        verify_signed_spki(&ed448.server_cert, &signed),
        Err(Error::BadSignature)
    ));

    let x25519 = PKey::generate_x25519().unwrap();
    assert!(matches!(
        sign_spki(&x25519, &x25519_spki()),
        Err(Error::UnsupportedAlgorithm(_))
    ));
    assert!(sign_spki(&ed25519.server_key, b"not der").is_err());
    let mut spki_trailing = x25519_spki();
    spki_trailing.push(0);
    assert!(sign_spki(&ed25519.server_key, &spki_trailing).is_err());
}

#[test]
fn garbage_never_panics_and_is_rejected() {
    let creds = generate_credentials(SignAlgorithm::Ed25519, "localhost").unwrap();
    let valid = sign_spki(&creds.server_key, &x25519_spki()).unwrap();
    let mut inputs: Vec<Vec<u8>> = vec![
        vec![],
        vec![0x30],
        vec![0x30, 0x00],
        vec![0x30, 0x80, 0x00, 0x00],
        vec![0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
        vec![0xff; 200],
        b"-----BEGIN CERTIFICATE-----".to_vec(),
    ];
    for cut in 0..valid.len() {
        inputs.push(valid[..cut].to_vec());
    }
    // Deterministic pseudo-random garbage.
    let mut state: u32 = 0x1234_5678;
    for len in [1usize, 2, 5, 50, 123, 500] {
        let bytes = (0..len)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 24) as u8
            })
            .collect();
        inputs.push(bytes);
    }
    for input in inputs {
        assert!(
            verify_signed_spki(&creds.server_cert, &input).is_err(),
            "{input:?}"
        );
    }
}
