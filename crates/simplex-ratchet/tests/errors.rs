//! Rejections: tampered messages, replays, message numbers out of range, KEM state
//! mismatches, and which of them still change the stored state (as in the reference).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Mode, Party, init_pair, recv, rng, send};
use rand::rngs::StdRng;
use simplex_crypto::X448Secret;
use simplex_ratchet::{
    CURRENT_E2E_VERSION, KemParams, MAX_SKIP, PQSupport, RatchetError, RatchetState,
    RatchetVersions, UseKem, decrypt, encrypt, generate_rcv_params, generate_snd_params, init_rcv,
    init_snd, pq_x3dh_rcv, pq_x3dh_snd,
};

/// An established pair (one message each way) and an RNG.
fn pair(seed: u64) -> (Party, Party, StdRng) {
    let (mut alice, mut bob) = init_pair(seed, Mode::NoKem);
    let mut g = rng(seed + 1000);
    let ct = send(&mut bob, None, b"hi alice");
    recv(&mut g, &mut alice, &ct).unwrap().unwrap();
    let ct = send(&mut alice, None, b"hi bob");
    recv(&mut g, &mut bob, &ct).unwrap().unwrap();
    (alice, bob, g)
}

/// Offset of the encrypted header body inside a v3 message:
/// large len(2) ‖ version(2) ‖ iv(16) ‖ tag(16) ‖ large len(2) ‖ body.
const HEADER_BODY_AT: usize = 2 + 2 + 16 + 16 + 2;
/// Offset of the body tag: after the 124-byte encrypted header and its length.
const BODY_TAG_AT: usize = 2 + 124;

fn flipped(msg: &[u8], at: usize) -> Vec<u8> {
    let mut m = msg.to_vec();
    m[at] ^= 0x01;
    m
}

#[test]
fn tampered_header_is_rejected_and_nothing_changes() {
    let (mut alice, mut bob, mut g) = pair(1);
    let ct = send(&mut bob, None, b"secret");
    for at in [
        2 + 2,
        2 + 2 + 16,
        HEADER_BODY_AT,
        HEADER_BODY_AT + 50,
        BODY_TAG_AT - 1,
    ] {
        let before = alice.state.to_bytes();
        let r = decrypt(&alice.state, &alice.skipped, &flipped(&ct, at), &mut g);
        assert_eq!(
            r.unwrap_err(),
            RatchetError::HeaderDecryption,
            "flip at {at}"
        );
        assert_eq!(*alice.state.to_bytes(), *before);
    }
    assert_eq!(recv(&mut g, &mut alice, &ct).unwrap().unwrap(), b"secret");
}

#[test]
fn tampered_body_is_rejected_but_the_step_is_stored() {
    let (mut alice, mut bob, mut g) = pair(2);
    let m1 = send(&mut bob, None, b"one");
    let m2 = send(&mut bob, None, b"two");
    for at in [BODY_TAG_AT, BODY_TAG_AT + 16, m1.len() - 1] {
        let d = decrypt(&alice.state, &alice.skipped, &flipped(&m1, at), &mut g).unwrap();
        assert_eq!(d.plaintext, Err(RatchetError::Decryption), "flip at {at}");
        // m1 starts Bob's next chain: the ratchet step is in the returned state.
        assert_eq!(d.state.received_in_chain(), 1);
        assert_ne!(*d.state.to_bytes(), *alice.state.to_bytes());
    }
    // The agent stores the state after an authentic header: the genuine copy of that
    // message is then a duplicate, and the next one still decrypts.
    let bad = flipped(&m1, BODY_TAG_AT);
    assert_eq!(
        recv(&mut g, &mut alice, &bad).unwrap(),
        Err(RatchetError::Decryption)
    );
    assert_eq!(
        recv(&mut g, &mut alice, &m1).unwrap(),
        Err(RatchetError::DuplicateMessage)
    );
    assert_eq!(recv(&mut g, &mut alice, &m2).unwrap().unwrap(), b"two");
}

#[test]
fn tampered_header_version_never_yields_plaintext() {
    let (alice, mut bob, mut g) = pair(3);
    let ct = send(&mut bob, None, b"secret");
    for v in [0u8, 1, 2, 4, 0xff] {
        let mut m = ct.clone();
        m[3] = v;
        if let Ok(d) = decrypt(&alice.state, &alice.skipped, &m, &mut g) {
            assert!(d.plaintext.is_err(), "version {v}");
        }
    }
}

#[test]
fn truncated_or_extended_messages_are_rejected() {
    let (alice, mut bob, mut g) = pair(4);
    let ct = send(&mut bob, None, b"secret");
    for len in [0, 1, 2, 3, 40, 125, 126, 141, 142, ct.len() - 1] {
        let r = decrypt(&alice.state, &alice.skipped, &ct[..len], &mut g);
        assert!(
            r.map(|d| d.plaintext.is_err()).unwrap_or(true),
            "length {len}"
        );
    }
    let mut longer = ct.clone();
    longer.push(0);
    let d = decrypt(&alice.state, &alice.skipped, &longer, &mut g).unwrap();
    assert_eq!(d.plaintext, Err(RatchetError::Decryption));
}

#[test]
fn other_associated_data_is_rejected() {
    let (alice, mut bob, mut g) = pair(5);
    let ct = send(&mut bob, None, b"secret");
    // The AD sits after the format byte, two versions and its 1-byte length.
    let mut stored = alice.state.to_bytes().to_vec();
    assert_eq!(stored[5], 112);
    stored[6] ^= 0x80;
    let other = RatchetState::from_bytes(&stored).unwrap();
    let r = decrypt(&other, &alice.skipped, &ct, &mut g);
    assert_eq!(r.unwrap_err(), RatchetError::HeaderDecryption);
}

#[test]
fn earlier_message_numbers() {
    let (mut alice, mut bob, mut g) = pair(6);
    let m0 = send(&mut bob, None, b"m0");
    let m1 = send(&mut bob, None, b"m1");
    let m2 = send(&mut bob, None, b"m2");
    assert_eq!(recv(&mut g, &mut alice, &m2).unwrap().unwrap(), b"m2");
    assert_eq!(recv(&mut g, &mut alice, &m0).unwrap().unwrap(), b"m0");
    // m0's key is used up; its header key is still in the store (for m1): the number
    // is two behind the next expected one.
    assert_eq!(
        recv(&mut g, &mut alice, &m0).unwrap(),
        Err(RatchetError::EarlierMessage(2))
    );
    assert_eq!(recv(&mut g, &mut alice, &m1).unwrap().unwrap(), b"m1");
    assert!(alice.skipped.is_empty());
    // No skipped keys left: the current header key opens it, same verdict.
    assert_eq!(
        recv(&mut g, &mut alice, &m1).unwrap(),
        Err(RatchetError::EarlierMessage(1))
    );
    assert_eq!(
        recv(&mut g, &mut alice, &m2).unwrap(),
        Err(RatchetError::DuplicateMessage)
    );
}

#[test]
fn too_many_skipped_in_the_current_chain() {
    let (mut alice, mut bob, mut g) = pair(7);
    // These 514 messages (numbers 0..=513) open Bob's next chain. The last one needs 513
    // skipped keys: an authentic header, so the ratchet step is stored with the error.
    let msgs: Vec<Vec<u8>> = (0..=MAX_SKIP + 1)
        .map(|i| send(&mut bob, None, &i.to_be_bytes()))
        .collect();
    let last = msgs.last().unwrap();
    let d = decrypt(&alice.state, &alice.skipped, last, &mut g).unwrap();
    assert_eq!(d.plaintext, Err(RatchetError::TooManySkipped(MAX_SKIP + 2)));
    assert_eq!(
        recv(&mut g, &mut alice, last).unwrap(),
        Err(RatchetError::TooManySkipped(514))
    );
    // Now in that chain with Nr = 0: number 512 needs exactly MAX_SKIP keys.
    let within = &msgs[msgs.len() - 2];
    assert_eq!(
        recv(&mut g, &mut alice, within).unwrap().unwrap(),
        MAX_SKIP.to_be_bytes()
    );
    assert_eq!(alice.skipped.len(), MAX_SKIP as usize);
    assert_eq!(
        recv(&mut g, &mut alice, &msgs[0]).unwrap().unwrap(),
        0u32.to_be_bytes()
    );
}

#[test]
fn too_many_skipped_in_the_previous_chain() {
    let (mut alice, mut bob, mut g) = pair(8);
    let first = send(&mut bob, None, b"first of a chain");
    recv(&mut g, &mut alice, &first).unwrap().unwrap();
    for i in 0..=MAX_SKIP {
        send(&mut bob, None, &i.to_be_bytes());
    }
    let reply = send(&mut alice, None, b"reply");
    recv(&mut g, &mut bob, &reply).unwrap().unwrap();
    let next_chain = send(&mut bob, None, b"new chain");
    // PN = 1 + 513 while Alice has Nr = 1: the reference fails before any change.
    let before = alice.state.to_bytes();
    let r = decrypt(&alice.state, &alice.skipped, &next_chain, &mut g);
    assert_eq!(r.unwrap_err(), RatchetError::TooManySkipped(514));
    assert_eq!(*alice.state.to_bytes(), *before);
}

#[test]
fn creator_cannot_send_first_and_large_messages_do_not_fit() {
    let (alice, mut bob) = init_pair(9, Mode::NoKem);
    assert!(!alice.state.can_send());
    assert_eq!(
        encrypt(&alice.state, None, b"hello", 100).unwrap_err(),
        RatchetError::MissingChain
    );
    assert_eq!(
        encrypt(&bob.state, None, &[0u8; 99], 100).unwrap_err(),
        RatchetError::MessageTooLarge
    );
    let before = bob.state.to_bytes();
    assert!(encrypt(&bob.state, None, &[0u8; 98], 100).is_ok());
    assert_eq!(
        *bob.state.to_bytes(),
        *before,
        "encrypt returns a new state"
    );
    send(&mut bob, None, &[0u8; 98]);
}

/// A KEM ciphertext in a header when this side has no KEM key: `CERatchetKEMState`.
#[test]
fn kem_ciphertext_without_own_kem_key() {
    let g = &mut rng(10);
    let alice = generate_rcv_params(g, 3, PQSupport::ON).unwrap();
    let Some(KemParams::Proposed(k)) = &alice.params.kem else {
        panic!("no proposal")
    };
    let bob = generate_snd_params(g, 3, Some(UseKem::Accept(k.clone()))).unwrap();
    let bob_init = pq_x3dh_snd(&bob.pk1, &bob.pk2, bob.kem.as_ref(), &alice.params).unwrap();
    let (alice_params, _alice_kem) =
        pq_x3dh_rcv(&alice.pk1, &alice.pk2, alice.kem.as_ref(), &bob.params).unwrap();
    let versions = RatchetVersions::single(CURRENT_E2E_VERSION);
    let bob_dh = X448Secret::generate(g).unwrap();
    let bob_state = init_snd(versions, &alice.params.k2, &bob_dh, bob_init).unwrap();
    // Alice "loses" her KEM key pair.
    let alice_state = init_rcv(versions, &alice.pk2, (alice_params, None), PQSupport::ON);
    let (ct, _) = encrypt(&bob_state, None, b"pq", 100).unwrap();
    let r = decrypt(&alice_state, &Default::default(), &ct, g);
    assert_eq!(r.unwrap_err(), RatchetError::KemState);
}
