//! Fuzz target `ratchet_decrypt`: `simplex_ratchet::decrypt` on arbitrary bytes, with a
//! fixed established ratchet that also holds skipped keys.
//!
//! The first byte picks how the rest is used: as the whole message, as an XOR patch on a
//! genuine message, or as the tail after a prefix of a genuine message. Decryption must
//! never panic, and only the unmodified genuine message may yield a plaintext.
#![no_main]

use std::sync::OnceLock;

use rand::SeedableRng;
use rand::rngs::StdRng;
use simplex_crypto::X448Secret;
use simplex_ratchet::{
    PQSupport, RatchetState, RatchetVersions, SkippedKeys, decrypt, encrypt, generate_rcv_params,
    generate_snd_params, init_rcv, init_snd, pq_x3dh_rcv, pq_x3dh_snd,
};

struct Fixture {
    alice: RatchetState,
    skipped: SkippedKeys,
    genuine: Vec<u8>,
}

const PLAINTEXT: &[u8] = b"the genuine message";

fn step(
    from: &RatchetState,
    to: &RatchetState,
    skipped: &mut SkippedKeys,
    msg: &[u8],
    g: &mut StdRng,
) -> (RatchetState, RatchetState) {
    let (ct, from2) = encrypt(from, None, msg, 200).unwrap();
    let d = decrypt(to, skipped, &ct, g).unwrap();
    assert_eq!(d.plaintext.unwrap(), msg);
    skipped.apply(&d.skipped);
    (from2, d.state)
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let g = &mut StdRng::seed_from_u64(1);
        let a = generate_rcv_params(g, 3, PQSupport::OFF).unwrap();
        let b = generate_snd_params(g, 3, None).unwrap();
        let v = RatchetVersions::single(3);
        let b_init = pq_x3dh_snd(&b.pk1, &b.pk2, None, &a.params).unwrap();
        let a_init = pq_x3dh_rcv(&a.pk1, &a.pk2, None, &b.params).unwrap();
        let bob = init_snd(v, &a.params.k2, &X448Secret::generate(g).unwrap(), b_init).unwrap();
        let alice = init_rcv(v, &a.pk2, a_init, PQSupport::OFF);
        let mut skipped = SkippedKeys::new();
        let (bob, alice) = step(&bob, &alice, &mut skipped, b"hello", g);
        // One lost message leaves a skipped key behind.
        let (_, bob) = encrypt(&bob, None, b"lost", 200).unwrap();
        let (bob, alice) = step(&bob, &alice, &mut skipped, b"after the lost one", g);
        let (genuine, _) = encrypt(&bob, None, PLAINTEXT, 200).unwrap();
        Fixture {
            alice,
            skipped,
            genuine,
        }
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let msg = match sel % 3 {
        0 => rest.to_vec(),
        1 => {
            let mut m = f.genuine.clone();
            let at = rest.first().map_or(0, |b| usize::from(*b) * m.len() / 256);
            for (i, x) in rest.iter().skip(1).enumerate() {
                let j = (at + i) % m.len();
                m[j] ^= x;
            }
            m
        }
        _ => {
            let cut = rest
                .first()
                .map_or(0, |b| usize::from(*b) * f.genuine.len() / 255);
            let mut m = f.genuine[..cut].to_vec();
            m.extend_from_slice(rest.get(1..).unwrap_or_default());
            m
        }
    };
    let g = &mut StdRng::seed_from_u64(2);
    if let Ok(d) = decrypt(&f.alice, &f.skipped, &msg, g) {
        if let Ok(pt) = &d.plaintext {
            assert_eq!(msg, f.genuine, "a modified message decrypted");
            assert_eq!(pt.as_slice(), PLAINTEXT);
        }
        let stored = d.state.to_bytes();
        let back = RatchetState::from_bytes(&stored).unwrap();
        assert_eq!(*back.to_bytes(), *stored);
    }
});
