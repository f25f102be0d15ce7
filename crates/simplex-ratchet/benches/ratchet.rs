//! Ratchet encrypt + decrypt per message, PQ off and on, beside vodozemac's Olm session
//! (the Matrix double ratchet) on the same plaintext, in the same run.
//!
//! Two patterns per implementation:
//! - `one_way`: the same side keeps sending, so only the symmetric chains advance;
//! - `ping_pong`: the sides alternate, so every message performs a DH ratchet step (and,
//!   with PQ on, an sntrup761 key generation, encapsulation and decapsulation).
//!
//! SimpleX messages are padded to 15840 bytes (13618 with PQ headers), as agent messages
//! are; the Olm plaintext is the same 15840 bytes (Olm does not pad).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::SeedableRng;
use rand::rngs::StdRng;
use simplex_crypto::X448Secret;
use simplex_ratchet::{
    KemParams, PQEncryption, PQSupport, RatchetState, RatchetVersions, SkippedKeys, UseKem,
    decrypt, encrypt, generate_rcv_params, generate_snd_params, init_rcv, init_snd, pq_x3dh_rcv,
    pq_x3dh_snd,
};
use vodozemac::olm::{Account, OlmMessage, Session, SessionConfig};

/// Agent message padded length without / with PQ headers (protocol-map §5.4).
const PADDED: usize = 15840;
const PADDED_PQ: usize = 13618;
/// The plaintext: fits both padded lengths.
const PLAINTEXT_LEN: usize = 13000;

/// A SimpleX pair after the X3DH and one message each way.
struct SimplexPair {
    alice: RatchetState,
    bob: RatchetState,
    skipped: SkippedKeys,
    rng: StdRng,
    pq: bool,
}

impl SimplexPair {
    fn new(pq: bool) -> Self {
        let g = &mut StdRng::seed_from_u64(7);
        let alice_p = generate_rcv_params(g, 3, PQSupport(pq)).unwrap();
        let use_kem = match &alice_p.params.kem {
            Some(KemParams::Proposed(k)) => Some(UseKem::Accept(k.clone())),
            _ => None,
        };
        let bob_p = generate_snd_params(g, 3, use_kem).unwrap();
        let bob_init =
            pq_x3dh_snd(&bob_p.pk1, &bob_p.pk2, bob_p.kem.as_ref(), &alice_p.params).unwrap();
        let alice_init = pq_x3dh_rcv(
            &alice_p.pk1,
            &alice_p.pk2,
            alice_p.kem.as_ref(),
            &bob_p.params,
        )
        .unwrap();
        let v = RatchetVersions::single(3);
        let bob_dh = X448Secret::generate(g).unwrap();
        let mut p = SimplexPair {
            bob: init_snd(v, &alice_p.params.k2, &bob_dh, bob_init).unwrap(),
            alice: init_rcv(v, &alice_p.pk2, alice_init, PQSupport(pq)),
            skipped: SkippedKeys::new(),
            rng: StdRng::seed_from_u64(8),
            pq,
        };
        let msg = vec![1u8; PLAINTEXT_LEN];
        p.bob_to_alice(&msg);
        p.alice_to_bob(&msg);
        assert_eq!(p.bob.snd_pq(), PQEncryption(pq));
        assert_eq!(p.bob.rcv_pq(), PQEncryption(pq));
        p
    }

    fn padded(&self) -> usize {
        if self.pq { PADDED_PQ } else { PADDED }
    }

    fn bob_to_alice(&mut self, msg: &[u8]) {
        let (ct, bob) = encrypt(&self.bob, None, msg, self.padded()).unwrap();
        let d = decrypt(&self.alice, &self.skipped, &ct, &mut self.rng).unwrap();
        assert_eq!(d.plaintext.unwrap().len(), msg.len());
        (self.bob, self.alice) = (bob, d.state);
    }

    fn alice_to_bob(&mut self, msg: &[u8]) {
        let (ct, alice) = encrypt(&self.alice, None, msg, self.padded()).unwrap();
        let d = decrypt(&self.bob, &self.skipped, &ct, &mut self.rng).unwrap();
        assert_eq!(d.plaintext.unwrap().len(), msg.len());
        (self.alice, self.bob) = (alice, d.state);
    }
}

/// An Olm pair after a pre-key message and a reply.
struct OlmPair {
    alice: Session,
    bob: Session,
}

impl OlmPair {
    fn new() -> Self {
        let alice_acc = Account::new();
        let mut bob_acc = Account::new();
        bob_acc.generate_one_time_keys(1);
        let otk = *bob_acc.one_time_keys().values().next().unwrap();
        bob_acc.mark_keys_as_published();
        let mut alice = alice_acc
            .create_outbound_session(SessionConfig::version_1(), bob_acc.curve25519_key(), otk)
            .unwrap();
        let OlmMessage::PreKey(first) = alice.encrypt(b"hello").unwrap() else {
            panic!("expected a pre-key message")
        };
        let created = bob_acc
            .create_inbound_session(
                SessionConfig::version_1(),
                alice_acc.curve25519_key(),
                &first,
            )
            .unwrap();
        let mut pair = OlmPair {
            alice,
            bob: created.session,
        };
        let reply = pair.bob.encrypt(b"hi").unwrap();
        pair.alice.decrypt(&reply).unwrap();
        pair
    }

    fn one(from: &mut Session, to: &mut Session, msg: &[u8]) {
        let ct = from.encrypt(msg).unwrap();
        assert_eq!(to.decrypt(&ct).unwrap().len(), msg.len());
    }
}

fn bench(c: &mut Criterion) {
    let msg = vec![0x42u8; PLAINTEXT_LEN];
    let mut group = c.benchmark_group("ratchet_encrypt_decrypt");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Elements(1));
    for (name, pq) in [("simplex_pq_off", false), ("simplex_pq_on", true)] {
        let mut p = SimplexPair::new(pq);
        group.bench_function(BenchmarkId::new(name, "one_way"), |b| {
            b.iter(|| p.bob_to_alice(&msg))
        });
        let mut p = SimplexPair::new(pq);
        let mut turn = false;
        group.bench_function(BenchmarkId::new(name, "ping_pong"), |b| {
            b.iter(|| {
                turn = !turn;
                if turn {
                    p.bob_to_alice(&msg)
                } else {
                    p.alice_to_bob(&msg)
                }
            })
        });
    }
    let mut o = OlmPair::new();
    group.bench_function(BenchmarkId::new("vodozemac_olm", "one_way"), |b| {
        b.iter(|| OlmPair::one(&mut o.alice, &mut o.bob, &msg))
    });
    let mut o = OlmPair::new();
    let mut turn = false;
    group.bench_function(BenchmarkId::new("vodozemac_olm", "ping_pong"), |b| {
        b.iter(|| {
            turn = !turn;
            if turn {
                OlmPair::one(&mut o.alice, &mut o.bob, &msg)
            } else {
                OlmPair::one(&mut o.bob, &mut o.alice, &msg)
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
