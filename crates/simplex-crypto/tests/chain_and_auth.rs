//! Secretbox chain keys (SMP v11 block encryption) and the deniable authenticator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{rng, unhex};
use simplex_crypto::authenticator::{CB_AUTHENTICATOR_LEN, cb_authenticate, cb_verify};
use simplex_crypto::cbox::cb_decrypt_no_pad;
use simplex_crypto::hash::sha512;
use simplex_crypto::kdf::hkdf_sha512_array;
use simplex_crypto::sbchain::sbc_init;
use simplex_crypto::sbox::{sb_decrypt, sb_encrypt};
use simplex_crypto::{ChainKey, DhSecret, X25519Secret};

// Expected values computed with OpenSSL 3.0:
// `openssl kdf -keylen 64 -kdfopt digest:SHA512 -kdfopt hexkey:22..22 -kdfopt hexsalt:11..11
//  -kdfopt info:SimpleXSbChainInit HKDF`
#[test]
fn sbc_init_matches_openssl_hkdf() {
    let (ck1, ck2) = sbc_init(&[0x11; 32], &DhSecret::from_bytes([0x22; 32]));
    let expected = unhex(
        "C82A3833CD931204AFCB9EC38528FA94A0C43F7ADCF6426A299F538FBC36E8D5\
         6424F4B8996CBB1132810D1F43F52449A0A799975616D8EFFE22509DAB195E46",
    );
    assert_eq!(ck1.as_bytes().to_vec(), expected[..32].to_vec());
    assert_eq!(ck2.as_bytes().to_vec(), expected[32..].to_vec());
}

// `openssl kdf -keylen 88 -kdfopt digest:SHA512 -kdfopt hexkey:33..33 -kdfopt salt:
//  -kdfopt info:SimpleXSbChain HKDF`
#[test]
fn chain_step_matches_openssl_hkdf() {
    let expected = unhex(
        "95D6B3C28B2D69E73A6949922AE86D258A98982888CBCA1A1D7AA59858150EC3\
         7311BEA01169E0684F2544AEBDA31A75B9A50E99DEDB2B3FADD0CC2F55B42566\
         E34E4CB5FFA0A40845F8AB285B8644515D489A3267AB8125",
    );
    let mut ck = ChainKey::from_bytes([0x33; 32]);
    let (key, nonce) = ck.next();
    assert_eq!(ck.as_bytes().to_vec(), expected[..32].to_vec());
    assert_eq!(key.as_bytes().to_vec(), expected[32..64].to_vec());
    assert_eq!(nonce.to_vec(), expected[64..].to_vec());
    // The next step starts from the new chain key.
    let direct = hkdf_sha512_array::<88>(b"", &expected[..32], b"SimpleXSbChain");
    let (key2, nonce2) = ck.next();
    assert_eq!(key2.as_bytes().to_vec(), direct[32..64].to_vec());
    assert_eq!(nonce2.to_vec(), direct[64..].to_vec());
}

#[test]
fn chains_are_deterministic_and_directions_differ() {
    let mut r = rng(21);
    let (server, client) = (
        X25519Secret::generate(&mut r),
        X25519Secret::generate(&mut r),
    );
    let session_id = [0xab; 32];
    let (mut s_snd, mut s_rcv) = sbc_init(&session_id, &server.dh(&client.public()));
    let (mut c_rcv, mut c_snd) = sbc_init(&session_id, &client.dh(&server.public()));
    assert_ne!(s_snd.as_bytes(), s_rcv.as_bytes());

    let mut seen = Vec::new();
    for i in 0..5u8 {
        let (k1, n1) = s_snd.next();
        let (k2, n2) = c_rcv.next();
        assert_eq!(k1, k2);
        assert_eq!(n1, n2);
        let (k3, n3) = c_snd.next();
        let (k4, n4) = s_rcv.next();
        assert_eq!(k3, k4);
        assert_eq!(n3, n4);
        assert_ne!(k1, k3);
        assert_ne!(n1, n3);
        let block = sb_encrypt(&k1, &n1, &[i; 10], 100).unwrap();
        assert_eq!(sb_decrypt(&k2, &n2, &block).unwrap(), vec![i; 10]);
        assert!(!seen.contains(&n1));
        seen.push(n1);
    }
    // Another session id gives other keys.
    let (mut other, _) = sbc_init(&[0xac; 32], &server.dh(&client.public()));
    let (mut again, _) = sbc_init(&session_id, &server.dh(&client.public()));
    assert_ne!(other.next().0, again.next().0);
    assert_eq!(format!("{again:?}"), "ChainKey(<redacted>)");
}

#[test]
fn authenticator_verifies_and_rejects_tampering() {
    let mut r = rng(31);
    let client_queue_key = X25519Secret::generate(&mut r);
    let server_session_key = X25519Secret::generate(&mut r);
    let nonce = [0x5a; 24];
    let msg = b"\x20sessionid...\x18corrid\x18entity SUB";

    let auth = cb_authenticate(&server_session_key.public(), &client_queue_key, &nonce, msg);
    assert_eq!(auth.len(), CB_AUTHENTICATOR_LEN);
    // It is crypto_box(DH, nonce, SHA-512(msg)).
    let secret = client_queue_key.dh(&server_session_key.public());
    assert_eq!(
        cb_decrypt_no_pad(&secret, &nonce, &auth).unwrap(),
        sha512(msg).to_vec()
    );

    let check = |m: &[u8], n: &[u8; 24], a: &[u8]| {
        cb_verify(&client_queue_key.public(), &server_session_key, n, m, a)
    };
    assert!(check(msg, &nonce, &auth));
    for i in [0, 16, 79] {
        let mut bad = auth;
        bad[i] ^= 1;
        assert!(!check(msg, &nonce, &bad), "flipped byte {i}");
    }
    let mut other_msg = msg.to_vec();
    other_msg[3] ^= 1;
    assert!(!check(&other_msg, &nonce, &auth));
    let mut other_nonce = nonce;
    other_nonce[0] ^= 1;
    assert!(!check(msg, &other_nonce, &auth));
    assert!(!check(msg, &nonce, &auth[..79]));
    assert!(!check(msg, &nonce, &[]));
    let stranger = X25519Secret::generate(&mut r);
    assert!(!cb_verify(
        &stranger.public(),
        &server_session_key,
        &nonce,
        msg,
        &auth
    ));
}
