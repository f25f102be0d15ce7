//! Property tests: random interleavings of sending, delivering out of order, losing and
//! replaying messages (with PQ switched at random), and decryption of arbitrary or
//! mutated bytes (never a panic, never a wrong plaintext).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Mode, Party, init_pair, recv, rng, send};
use proptest::prelude::*;
use simplex_ratchet::{PQEncryption, decrypt};

#[derive(Debug, Clone)]
enum Op {
    /// Send from Bob (true) or Alice (false), with a PQ choice (0 keep, 1 on, 2 off).
    Send(bool, u8),
    /// Deliver one of the undelivered messages to Alice (true) or Bob (false).
    Deliver(bool, usize),
    /// Lose one of the undelivered messages to Alice (true) or Bob (false).
    Lose(bool, usize),
    /// Deliver again a message that was already delivered.
    Replay(bool, usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<bool>(), 0u8..3).prop_map(|(b, pq)| Op::Send(b, pq)),
        4 => (any::<bool>(), any::<usize>()).prop_map(|(b, i)| Op::Deliver(b, i)),
        1 => (any::<bool>(), any::<usize>()).prop_map(|(b, i)| Op::Lose(b, i)),
        1 => (any::<bool>(), any::<usize>()).prop_map(|(b, i)| Op::Replay(b, i)),
    ]
}

/// Messages in flight towards one party, and those it already got.
#[derive(Default)]
struct Inbox {
    pending: Vec<(Vec<u8>, Vec<u8>)>,
    delivered: Vec<Vec<u8>>,
}

/// Runs `ops`; `pq_switches` lets `Send` switch PQ on and off (slow in debug builds).
fn run_ops(seed: u64, mode: Mode, ops: &[Op], pq_switches: bool) {
    let (mut alice, mut bob) = init_pair(seed, mode);
    let g = &mut rng(seed ^ 0x5eed);
    let (mut to_alice, mut to_bob) = (Inbox::default(), Inbox::default());
    let mut counter = 0u32;
    for op in ops {
        match *op {
            Op::Send(from_bob, pq) => {
                let (p, inbox): (&mut Party, &mut Inbox) = if from_bob {
                    (&mut bob, &mut to_alice)
                } else {
                    (&mut alice, &mut to_bob)
                };
                if !p.state.can_send() {
                    continue;
                }
                let pq = [None, Some(PQEncryption::ON), Some(PQEncryption::OFF)][pq as usize]
                    .filter(|_| pq_switches);
                counter += 1;
                let pt = format!("message {counter}").into_bytes();
                let ct = send(p, pq, &pt);
                inbox.pending.push((ct, pt));
            }
            Op::Deliver(to_a, i) => {
                let (p, inbox) = if to_a {
                    (&mut alice, &mut to_alice)
                } else {
                    (&mut bob, &mut to_bob)
                };
                if inbox.pending.is_empty() {
                    continue;
                }
                let (ct, pt) = inbox.pending.remove(i % inbox.pending.len());
                let got = recv(g, p, &ct).unwrap().unwrap();
                assert_eq!(got, pt);
                inbox.delivered.push(ct);
            }
            Op::Lose(to_a, i) => {
                let inbox = if to_a { &mut to_alice } else { &mut to_bob };
                if !inbox.pending.is_empty() {
                    inbox.pending.remove(i % inbox.pending.len());
                }
            }
            Op::Replay(to_a, i) => {
                let (p, inbox) = if to_a {
                    (&mut alice, &mut to_alice)
                } else {
                    (&mut bob, &mut to_bob)
                };
                if inbox.delivered.is_empty() {
                    continue;
                }
                let ct = &inbox.delivered[i % inbox.delivered.len()];
                match recv(g, p, ct) {
                    Err(_) | Ok(Err(_)) => {}
                    Ok(Ok(pt)) => panic!("replay accepted: {:?}", String::from_utf8_lossy(&pt)),
                }
            }
        }
    }
    // Whatever happened, both can still talk both ways.
    let ct = send(&mut bob, None, b"still here");
    assert_eq!(recv(g, &mut alice, &ct).unwrap().unwrap(), b"still here");
    let ct = send(&mut alice, None, b"me too");
    assert_eq!(recv(g, &mut bob, &ct).unwrap().unwrap(), b"me too");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn interleavings_without_kem(seed: u64, ops in proptest::collection::vec(op(), 1..80)) {
        run_ops(seed, Mode::NoKem, &ops, false);
    }
}

proptest! {
    // sntrup761 is slow in debug builds: few runs with KEM by default; more with
    // `RATCHET_PQ_CASES=300 cargo test --release -p simplex-ratchet --test props`.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("RATCHET_PQ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(8),
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    })]

    #[test]
    fn interleavings_with_pq_switches(seed: u64, ops in proptest::collection::vec(op(), 1..30)) {
        run_ops(seed, Mode::KemAccepted, &ops, true);
    }
}

/// An established pair where Alice holds skipped keys, and a message for her.
fn setup() -> (Party, Vec<u8>) {
    let (mut alice, mut bob) = init_pair(77, Mode::NoKem);
    let g = &mut rng(78);
    let ct = send(&mut bob, None, b"one");
    recv(g, &mut alice, &ct).unwrap().unwrap();
    let _lost = send(&mut bob, None, b"lost");
    let later = send(&mut bob, None, b"later");
    let next = send(&mut bob, None, b"next");
    recv(g, &mut alice, &later).unwrap().unwrap();
    assert_eq!(alice.skipped.len(), 1);
    (alice, next)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// The `fuzz` target's property, run on stable with proptest.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let (alice, _) = setup();
        let r = decrypt(&alice.state, &alice.skipped, &bytes, &mut rng(1));
        prop_assert!(r.is_err() || r.unwrap().plaintext.is_err());
    }

    #[test]
    fn mutated_messages_never_decrypt(
        edits in proptest::collection::vec((any::<usize>(), 1u8..=255), 1..4),
        cut in proptest::option::of(any::<usize>()),
        extra in proptest::collection::vec(any::<u8>(), 0..3),
    ) {
        let (alice, msg) = setup();
        let mut m = msg.clone();
        for (at, x) in edits {
            let i = at % m.len();
            m[i] ^= x;
        }
        if let Some(c) = cut {
            m.truncate(c % (m.len() + 1));
        }
        m.extend_from_slice(&extra);
        prop_assume!(m != msg);
        let r = decrypt(&alice.state, &alice.skipped, &m, &mut rng(2));
        prop_assert!(r.is_err() || r.unwrap().plaintext.is_err());
    }
}
