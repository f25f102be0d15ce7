//! Key encodings and signature/DH vectors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{b64, b64url, rng, unhex, unhex_arr};
use simplex_crypto::keys::der;
use simplex_crypto::{
    AuthAlgorithm, CryptoError, Ed448Public, Ed448Secret, Ed25519Public, Ed25519Secret,
    KeyAlgorithm, PrivateAuthKey, PublicAuthKey, X448Public, X448Secret, X25519Public,
    X25519Secret,
};

// ---- SPKI prefixes (protocol-map §4.3), each with a literal key ----

// src/Simplex/Messaging/Server.hs: dummyKeyEd25519 / dummyKeyEd448 / dummyKeyX25519.
const DUMMY_ED25519: &str = "MCowBQYDK2VwAyEA139Oqs4QgpqbAmB0o7rZf6T19ryl7E65k4AYe0kE3Qs=";
const DUMMY_ED448: &str =
    "MEMwBQYDK2VxAzoA6ibQc9XpkSLtwrf7PLvp81qW/etiumckVFImCMRdftcG/XopbOSaq9qyLhrgJWKOLyNrQPNVvpMA";
const DUMMY_X25519: &str = "MCowBQYDK2VuAyEA4JGSMYht18H4mas/jHeBwfcM7jLwNYJNOAhi2/g4RXg=";
// tests/ServerTests.hs: samplePubKey (Ed25519), sampleDhPubKey (X25519), sampleSig.
const SAMPLE_PUB: &str = "MCowBQYDK2VwAyEAfAOflyvbJv1fszgzkQ6buiZJVgSpQWsucXq7U6zjMgY=";
const SAMPLE_DH_PUB: &str = "MCowBQYDK2VuAyEAriy+HcARIhqsgSjVnjKqoft+y6pxrxdY68zn4+LjYhQ=";
const SAMPLE_SIG: &str =
    "e8JK+8V3fq6kOLqco/SaKlpNaQ7i1gfOrXoqekEl42u4mF8Bgu14T5j0189CGcUhJHw2RwCMvON+qbvQ9ecJAA==";
// tests/AgentTests/ConnectionRequestTests.hs: testDhPubKey (X448).
const TEST_X448: &str =
    "MEIwBQYDK2VvAzkAmKuSYeQ/m0SixPDS8Wq8VBaTS1cW+Lp0n0h4Diu+kUpR+qXx4SDJ32YGEFoGFGSbGPry5Ychr6U=";

#[test]
fn spki_prefixes_are_the_rfc8410_ones() {
    assert_eq!(
        der::SPKI_PREFIX_X25519.to_vec(),
        unhex("302a300506032b656e032100")
    );
    assert_eq!(
        der::SPKI_PREFIX_ED25519.to_vec(),
        unhex("302a300506032b6570032100")
    );
    assert_eq!(
        der::SPKI_PREFIX_X448.to_vec(),
        unhex("3042300506032b656f033900")
    );
    assert_eq!(
        der::SPKI_PREFIX_ED448.to_vec(),
        unhex("3043300506032b6571033a00")
    );
    assert_eq!(
        der::PKCS8_PREFIX_ED25519.to_vec(),
        unhex("302e020100300506032b657004220420")
    );
    assert_eq!(
        der::PKCS8_PREFIX_X25519.to_vec(),
        unhex("302e020100300506032b656e04220420")
    );
    assert_eq!(
        der::PKCS8_PREFIX_X448.to_vec(),
        unhex("3046020100300506032b656f043a0438")
    );
    assert_eq!(
        der::PKCS8_PREFIX_ED448.to_vec(),
        unhex("3047020100300506032b6571043b0439")
    );
}

#[test]
fn reference_literal_keys_parse_and_reencode() {
    let ed = b64(DUMMY_ED25519);
    let k = Ed25519Public::from_spki(&ed).unwrap();
    assert_eq!(k.as_bytes()[0], 0xd7);
    assert_eq!(k.to_spki(), ed);

    let ed448 = b64(DUMMY_ED448);
    assert_eq!(ed448.len(), 69);
    let k = Ed448Public::from_spki(&ed448).unwrap();
    assert_eq!(k.to_spki(), ed448);

    let x = b64(DUMMY_X25519);
    let k = X25519Public::from_spki(&x).unwrap();
    assert_eq!(k.to_spki(), x);

    let x448 = b64(TEST_X448);
    assert_eq!(x448.len(), 68);
    let k = X448Public::from_spki(&x448).unwrap();
    assert_eq!(k.to_spki(), x448);

    for (s, alg) in [
        (DUMMY_ED25519, AuthAlgorithm::Ed25519),
        (DUMMY_ED448, AuthAlgorithm::Ed448),
        (DUMMY_X25519, AuthAlgorithm::X25519),
        (SAMPLE_PUB, AuthAlgorithm::Ed25519),
        (SAMPLE_DH_PUB, AuthAlgorithm::X25519),
    ] {
        let der = b64(s);
        let key = PublicAuthKey::from_spki(&der).unwrap();
        assert_eq!(key.algorithm(), alg, "{s}");
        assert_eq!(key.to_spki(), der);
    }
    assert_eq!(KeyAlgorithm::of_spki(&x448).unwrap(), KeyAlgorithm::X448);
    assert_eq!(
        PublicAuthKey::from_spki(&x448),
        Err(CryptoError::UnknownKeyAlgorithm)
    );
}

#[test]
fn sample_signature_is_an_ed25519_signature_shape() {
    let sig = b64(SAMPLE_SIG);
    assert_eq!(sig.len(), 64);
    let key = PublicAuthKey::from_spki(&b64(SAMPLE_PUB)).unwrap();
    // It signs some transmission of the reference tests; not this message.
    assert!(!key.verify(b"not the signed bytes", &sig));
}

#[test]
fn spki_decoding_rejects_bad_input() {
    let mut der = b64(DUMMY_ED25519);
    assert_eq!(
        X25519Public::from_spki(&der),
        Err(CryptoError::KeyAlgorithmMismatch {
            expected: KeyAlgorithm::X25519,
            found: KeyAlgorithm::Ed25519
        })
    );
    der.push(0);
    assert_eq!(
        Ed25519Public::from_spki(&der),
        Err(CryptoError::KeyEncoding)
    );
    assert!(PublicAuthKey::from_spki(&der).is_err());
    der.truncate(43);
    assert_eq!(
        Ed25519Public::from_spki(&der),
        Err(CryptoError::KeyEncoding)
    );
    assert_eq!(Ed25519Public::from_spki(&[]), Err(CryptoError::KeyEncoding));
    // An RSA SPKI (unknown OID).
    let rsa = unhex("30819f300d06092a864886f70d010101050003818d00");
    assert_eq!(
        PublicAuthKey::from_spki(&rsa),
        Err(CryptoError::UnknownKeyAlgorithm)
    );
}

// ---- RFC vectors ----

// RFC 8032 §7.1 TEST 1 and TEST 2.
#[test]
fn ed25519_rfc8032_vectors() {
    let cases = [
        (
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac\
             c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        ),
        (
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e\
             458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        ),
    ];
    for (sk, pk, msg, sig) in cases {
        let secret = Ed25519Secret::from_bytes(&unhex_arr(sk));
        let public = secret.public();
        assert_eq!(public.as_bytes().to_vec(), unhex(pk));
        let msg = unhex(msg);
        assert_eq!(secret.sign(&msg), unhex(sig));
        assert!(public.verify(&msg, &unhex(sig)));
        let mut bad = unhex(sig);
        bad[10] ^= 1;
        assert!(!public.verify(&msg, &bad));
        assert!(!public.verify(b"other", &unhex(sig)));
    }
}

// RFC 8032 §7.4 "Blank" and "1 octet".
#[test]
fn ed448_rfc8032_vectors() {
    let cases = [
        (
            "6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e348a3528c8a3fcc2f044e39a3fc5b94492f8f032e7549a20098f95b",
            "5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180",
            "",
            "533a37f6bbe457251f023c0d88f976ae2dfb504a843e34d2074fd823d41a591f2b233f034f628281f2fd7a22ddd47d7828c59bd0a21bfd3980\
             ff0d2028d4b18a9df63e006c5d1c2d345b925d8dc00b4104852db99ac5c7cdda8530a113a0f4dbb61149f05a7363268c71d95808ff2e652600",
        ),
        (
            "c4eab05d357007c632f3dbb48489924d552b08fe0c353a0d4a1f00acda2c463afbea67c5e8d2877c5e3bc397a659949ef8021e954e0a12274e",
            "43ba28f430cdff456ae531545f7ecd0ac834a55d9358c0372bfa0c6c6798c0866aea01eb00742802b8438ea4cb82169c235160627b4c3a9480",
            "03",
            "26b8f91727bd62897af15e41eb43c377efb9c610d48f2335cb0bd0087810f4352541b143c4b981b7e18f62de8ccdf633fc1bf037ab7cd77980\
             5e0dbcc0aae1cbcee1afb2e027df36bc04dcecbf154336c19f0af7e0a6472905e799f1953d2a0ff3348ab21aa4adafd1d234441cf807c03a00",
        ),
    ];
    for (sk, pk, msg, sig) in cases {
        let secret = Ed448Secret::from_bytes(&unhex_arr(sk)).unwrap();
        let public = secret.public();
        assert_eq!(public.as_bytes().to_vec(), unhex(pk));
        let msg = unhex(msg);
        assert_eq!(secret.sign(&msg).unwrap(), unhex(sig));
        assert!(public.verify(&msg, &unhex(sig)));
        let mut bad = unhex(sig);
        bad[5] ^= 0x80;
        assert!(!public.verify(&msg, &bad));
        assert!(!public.verify(&msg, &unhex(sig)[..113]));
    }
}

// RFC 7748 §6.1.
#[test]
fn x25519_rfc7748_vector() {
    let a = X25519Secret::from_bytes(unhex_arr(
        "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
    ));
    let b = X25519Secret::from_bytes(unhex_arr(
        "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
    ));
    assert_eq!(
        a.public().as_bytes().to_vec(),
        unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
    );
    assert_eq!(
        b.public().as_bytes().to_vec(),
        unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
    );
    let shared = unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    assert_eq!(a.dh(&b.public()).as_bytes().to_vec(), shared);
    assert_eq!(b.dh(&a.public()).as_bytes().to_vec(), shared);
}

// RFC 7748 §6.2.
#[test]
fn x448_rfc7748_vector() {
    let a = X448Secret::from_bytes(&unhex_arr(
        "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b",
    ))
    .unwrap();
    let b = X448Secret::from_bytes(&unhex_arr(
        "1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d6927c120bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d",
    ))
    .unwrap();
    assert_eq!(
        a.public().as_bytes().to_vec(),
        unhex(
            "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0"
        )
    );
    assert_eq!(
        b.public().as_bytes().to_vec(),
        unhex(
            "3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609"
        )
    );
    let shared = unhex(
        "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56fd2464c335543936521c24403085d59a449a5037514a879d",
    );
    assert_eq!(a.dh(&b.public()).unwrap().as_bytes().to_vec(), shared);
    assert_eq!(b.dh(&a.public()).unwrap().as_bytes().to_vec(), shared);
}

// ---- PKCS#8 ----

// tests/fixtures/server.key (Ed448, PEM body) and the public key of tests/fixtures/server.crt.
const FIXTURE_ED448_KEY: &str = "MEcCAQAwBQYDK2VxBDsEOZcXSjKQ3FQ9EBfqHmFIidOu4LecpUgi5NVPMhx7mS2dQNQ0lFasp+EfvLErbs1Sd9xLVxA1hnZJng==";
const FIXTURE_ED448_CERT_SPKI: &str =
    "MEMwBQYDK2VxAzoAWP5+aOaA4wEWBDuVd8gJKVJoHmxinXDOEzYhqqCZWFZsOzdPDtahRcUmxakqS7WQWMsfbKGogicA";
// tests/fixtures/ed25519/server.key and the public key of tests/fixtures/ed25519/server.crt.
const FIXTURE_ED25519_KEY: &str =
    "MC4CAQAwBQYDK2VwBCIEIJjrvSfyWU9Xdiery1u85BK0Syw5jmxIJdzo0idiIasu";
const FIXTURE_ED25519_CERT_SPKI: &str =
    "MCowBQYDK2VwAyEA1gcVxognnjSwvrqW3kaY+t3QdfeaiABMqudYc9ZBoaY=";
// tests/fixtures/file_description.yaml: replica private key (base64url).
const FIXTURE_REPLICA_KEY: &str =
    "MC4CAQAwBQYDK2VwBCIEIDfEfevydXXfKajz3sRkcQ7RPvfWUPoq6pu1TYHV1DEe";

#[test]
fn reference_pkcs8_fixtures_decode() {
    let der = b64(FIXTURE_ED448_KEY);
    let k = Ed448Secret::from_pkcs8(&der).unwrap();
    assert_eq!(k.public().to_spki(), b64(FIXTURE_ED448_CERT_SPKI));
    assert_eq!(&k.to_pkcs8()[..], &der[..]);
    let sig = k.sign(b"hello").unwrap();
    let public = Ed448Public::from_spki(&b64(FIXTURE_ED448_CERT_SPKI)).unwrap();
    assert!(public.verify(b"hello", &sig));

    let der = b64(FIXTURE_ED25519_KEY);
    let k = Ed25519Secret::from_pkcs8(&der).unwrap();
    assert_eq!(k.public().to_spki(), b64(FIXTURE_ED25519_CERT_SPKI));
    assert_eq!(&k.to_pkcs8()[..], &der[..]);

    let der = b64url(FIXTURE_REPLICA_KEY);
    let k = PrivateAuthKey::from_pkcs8(&der).unwrap();
    assert_eq!(k.algorithm(), AuthAlgorithm::Ed25519);
    assert_eq!(&k.to_pkcs8()[..], &der[..]);
}

#[test]
fn pkcs8_round_trips_for_every_algorithm() {
    let mut r = rng(1);
    let x = X25519Secret::generate(&mut r);
    let x2 = X25519Secret::from_pkcs8(&x.to_pkcs8()).unwrap();
    assert_eq!(x.public(), x2.public());
    assert_eq!(x.to_pkcs8().len(), 48);

    let x448 = X448Secret::generate(&mut r).unwrap();
    assert_eq!(x448.to_pkcs8().len(), 72);
    assert_eq!(
        X448Secret::from_pkcs8(&x448.to_pkcs8()).unwrap().public(),
        x448.public()
    );
    assert_eq!(
        KeyAlgorithm::of_pkcs8(&x448.to_pkcs8()).unwrap(),
        KeyAlgorithm::X448
    );
    assert!(PrivateAuthKey::from_pkcs8(&x448.to_pkcs8()).is_err());

    for alg in [
        AuthAlgorithm::Ed25519,
        AuthAlgorithm::Ed448,
        AuthAlgorithm::X25519,
    ] {
        let k = PrivateAuthKey::generate(alg, &mut r).unwrap();
        let der = k.to_pkcs8();
        let k2 = PrivateAuthKey::from_pkcs8(&der).unwrap();
        assert_eq!(k2.public(), k.public());
        let mut long = der.to_vec();
        long.push(0);
        assert_eq!(
            PrivateAuthKey::from_pkcs8(&long).err(),
            Some(CryptoError::KeyEncoding)
        );
    }
    assert!(Ed25519Secret::from_pkcs8(&x.to_pkcs8()).is_err());
}

#[test]
fn auth_keys_sign_and_verify() {
    let mut r = rng(2);
    for alg in [AuthAlgorithm::Ed25519, AuthAlgorithm::Ed448] {
        let k = PrivateAuthKey::generate(alg, &mut r).unwrap();
        let public = PublicAuthKey::from_spki(&k.public().to_spki()).unwrap();
        let sig = k.sign(b"transmission").unwrap();
        assert_eq!(
            sig.len(),
            if alg == AuthAlgorithm::Ed25519 {
                64
            } else {
                114
            }
        );
        assert!(public.verify(b"transmission", &sig));
        assert!(!public.verify(b"transmission!", &sig));
    }
    let x = PrivateAuthKey::generate(AuthAlgorithm::X25519, &mut r).unwrap();
    assert_eq!(x.sign(b"m"), Err(CryptoError::NotASigningKey));
    assert!(!x.public().verify(b"m", &[0u8; 64]));
}

#[test]
fn generation_is_deterministic_in_the_rng() {
    let a = Ed448Secret::generate(&mut rng(7)).unwrap();
    let b = Ed448Secret::generate(&mut rng(7)).unwrap();
    assert_eq!(a.public(), b.public());
    let c = Ed448Secret::generate(&mut rng(8)).unwrap();
    assert_ne!(a.public(), c.public());
    assert_eq!(
        X25519Secret::generate(&mut rng(7)).public(),
        X25519Secret::generate(&mut rng(7)).public()
    );
}

#[test]
fn secrets_debug_is_redacted() {
    let mut r = rng(3);
    let x = X25519Secret::generate(&mut r);
    let raw = x.to_bytes();
    let text = format!("{x:?} {:?}", x.dh(&x.public()));
    assert_eq!(text, "X25519Secret(<redacted>) DhSecret(<redacted>)");
    assert_eq!(X25519Secret::from_bytes(*raw).public(), x.public());
    let k = PrivateAuthKey::generate(AuthAlgorithm::Ed448, &mut r).unwrap();
    assert_eq!(format!("{k:?}"), "Ed448(Ed448Secret(<redacted>))");
    let e = Ed25519Secret::generate(&mut r);
    assert_eq!(format!("{e:?}"), "Ed25519Secret(<redacted>)");
}

#[test]
fn invalid_ed25519_point_is_accepted_but_verifies_nothing() {
    // y = 2 is not on the curve; the reference accepts any 32 bytes as a key.
    let mut raw = [0u8; 32];
    raw[0] = 2;
    let k = Ed25519Public::from_bytes(raw);
    assert_eq!(Ed25519Public::from_spki(&k.to_spki()).unwrap(), k);
    assert!(!k.verify(b"m", &[0u8; 64]));
}
