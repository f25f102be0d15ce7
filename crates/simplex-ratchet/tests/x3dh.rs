//! The PQ X3DH agreement: ports of `testX3dh`, `testX3dhV1` and the "hybrid KEM key
//! agreement" tests of `tests/AgentTests/DoubleRatchetTests.hs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::rng;
use simplex_ratchet::{
    GeneratedParams, KemKeyPair, KemParams, PQSupport, RatchetError, RatchetInitParams, UseKem,
    generate_rcv_params, generate_snd_params, pq_x3dh_rcv, pq_x3dh_snd, reply_kem,
};

type Agreed = (RatchetInitParams, Option<KemKeyPair>);

fn agree(alice: &GeneratedParams, bob: &GeneratedParams) -> (Agreed, Agreed) {
    let b = pq_x3dh_snd(&bob.pk1, &bob.pk2, bob.kem.as_ref(), &alice.params).unwrap();
    let a = pq_x3dh_rcv(&alice.pk1, &alice.pk2, alice.kem.as_ref(), &bob.params).unwrap();
    (a, b)
}

/// `compatibleRatchets`: same AD and keys; with KEM, the same secret and ciphertext but
/// each side holding the other's public key.
fn assert_compatible((a, _): &Agreed, (b, _): &Agreed) {
    assert_eq!(a.assoc_data, b.assoc_data);
    assert_eq!(a.assoc_data.len(), 112);
    assert_eq!(a.ratchet_key, b.ratchet_key);
    assert_eq!(a.snd_hk, b.snd_hk);
    assert_eq!(a.rcv_next_hk, b.rcv_next_hk);
    match (&a.kem_accepted, &b.kem_accepted) {
        (Some(x), Some(y)) => {
            assert_ne!(x.peer_key, y.peer_key);
            assert_eq!(x.shared, y.shared);
            assert_eq!(x.ciphertext, y.ciphertext);
        }
        (None, None) => {}
        _ => panic!("init params are not compatible"),
    }
}

#[test]
fn same_parameters_without_kem() {
    for v in [1, 2, 3] {
        let g = &mut rng(v.into());
        let alice = generate_rcv_params(g, v, PQSupport::OFF).unwrap();
        let bob = generate_snd_params(g, v, None).unwrap();
        assert!(alice.kem.is_none() && bob.kem.is_none());
        let (a, b) = agree(&alice, &bob);
        assert_eq!(a.0, b.0);
        assert!(a.1.is_none() && b.1.is_none());
    }
}

#[test]
fn kem_is_only_generated_from_version_3() {
    let g = &mut rng(4);
    assert!(
        generate_rcv_params(g, 2, PQSupport::ON)
            .unwrap()
            .kem
            .is_none()
    );
    assert!(
        generate_rcv_params(g, 3, PQSupport::ON)
            .unwrap()
            .kem
            .is_some()
    );
    assert!(
        generate_snd_params(g, 2, Some(UseKem::Propose))
            .unwrap()
            .params
            .kem
            .is_none()
    );
    assert_eq!(reply_kem(2, None, PQSupport::ON), None);
    assert_eq!(reply_kem(3, None, PQSupport::OFF), None);
    assert_eq!(reply_kem(3, None, PQSupport::ON), Some(UseKem::Propose));
}

#[test]
fn propose_kem_in_reply_gives_no_shared_secret() {
    let g = &mut rng(5);
    let alice = generate_rcv_params(g, 3, PQSupport::OFF).unwrap();
    let bob = generate_snd_params(g, 3, Some(UseKem::Propose)).unwrap();
    let (a, b) = agree(&alice, &bob);
    assert_compatible(&a, &b);
    assert!(a.0.kem_accepted.is_none());
    assert!(b.1.is_some(), "the joiner keeps its proposed key pair");
}

#[test]
fn propose_and_accept_agree_a_shared_secret() {
    let g = &mut rng(6);
    let alice = generate_rcv_params(g, 3, PQSupport::ON).unwrap();
    let Some(KemParams::Proposed(k)) = &alice.params.kem else {
        panic!("alice did not propose")
    };
    let use_kem = reply_kem(3, alice.params.kem.as_ref(), PQSupport::ON);
    assert_eq!(use_kem, Some(UseKem::Accept(k.clone())));
    let bob = generate_snd_params(g, 3, use_kem).unwrap();
    assert!(matches!(bob.params.kem, Some(KemParams::Accepted(..))));
    let (a, b) = agree(&alice, &bob);
    assert_compatible(&a, &b);
    assert!(a.0.kem_accepted.is_some());
    // Without KEM the same DH keys give another root key.
    let (a_plain, _) = pq_x3dh_rcv(&alice.pk1, &alice.pk2, None, &{
        let mut p = bob.params.clone();
        p.kem = None;
        p
    })
    .unwrap();
    assert_ne!(a_plain.ratchet_key, a.0.ratchet_key);
}

#[test]
fn proposal_rejected_in_reply() {
    let g = &mut rng(7);
    let alice = generate_rcv_params(g, 3, PQSupport::ON).unwrap();
    let bob = generate_snd_params(g, 3, None).unwrap();
    let (a, b) = agree(&alice, &bob);
    assert_compatible(&a, &b);
    assert!(a.0.kem_accepted.is_none());
}

#[test]
fn second_proposal_in_reply_is_allowed() {
    let g = &mut rng(8);
    let alice = generate_rcv_params(g, 3, PQSupport::ON).unwrap();
    let bob = generate_snd_params(g, 3, Some(UseKem::Propose)).unwrap();
    let (a, b) = agree(&alice, &bob);
    assert_compatible(&a, &b);
    assert!(
        a.1.is_none(),
        "the creator's key pair is dropped (reference behaviour)"
    );
}

#[test]
fn acceptance_without_proposal_fails_on_both_sides() {
    let g = &mut rng(9);
    let alice = generate_rcv_params(g, 3, PQSupport::OFF).unwrap();
    assert!(alice.params.kem.is_none());
    let k = KemKeyPair::generate(g).public;
    let bob = generate_snd_params(g, 3, Some(UseKem::Accept(k))).unwrap();
    assert_eq!(
        pq_x3dh_snd(&bob.pk1, &bob.pk2, bob.kem.as_ref(), &alice.params).unwrap_err(),
        RatchetError::KemState
    );
    assert_eq!(
        pq_x3dh_rcv(&alice.pk1, &alice.pk2, None, &bob.params).unwrap_err(),
        RatchetError::KemState
    );
}

#[test]
fn kem_params_ignored_below_version_3() {
    let g = &mut rng(10);
    let alice = generate_rcv_params(g, 3, PQSupport::ON).unwrap();
    let bob =
        generate_snd_params(g, 3, reply_kem(3, alice.params.kem.as_ref(), PQSupport::ON)).unwrap();
    let mut alice_v2 = alice.params.clone();
    alice_v2.version = 2;
    let mut bob_v2 = bob.params.clone();
    bob_v2.version = 2;
    let (b, _) = pq_x3dh_snd(&bob.pk1, &bob.pk2, bob.kem.as_ref(), &alice_v2).unwrap();
    let (a, _) = pq_x3dh_rcv(&alice.pk1, &alice.pk2, alice.kem.as_ref(), &bob_v2).unwrap();
    assert_eq!(a, b);
    assert!(a.kem_accepted.is_none());
}
