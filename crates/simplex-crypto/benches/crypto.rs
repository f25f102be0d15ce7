//! Cost of the primitives on the SMP message path: crypto_box of a recipient message
//! (16106 bytes padded), the secretbox of a transport block (16368 bytes padded), queue
//! command signatures (Ed25519, Ed448), X25519 agreement, the X25519 authenticator and
//! one step of the block key chain.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use simplex_crypto::authenticator::{cb_authenticate, cb_verify};
use simplex_crypto::cbox::{cb_decrypt, cb_encrypt};
use simplex_crypto::keys::{Ed448Secret, Ed25519Secret, X25519Secret};
use simplex_crypto::sbchain::sbc_init;
use simplex_crypto::sbox::{SbKey, sb_decrypt, sb_encrypt};
use std::hint::black_box;
use std::time::Duration;

/// `smp_proto::versions::RCV_MSG_PADDED_LEN`: what the relay pads `MSG` bodies to.
const RCV_MSG_PADDED_LEN: usize = 16106;
/// A 16384-byte block less its 16-byte tag.
const BLOCK_PADDED_LEN: usize = 16368;
/// About the size of an authorized SEND/ACK transmission with a short body.
const SIGNED_LEN: usize = 200;

fn boxes(c: &mut Criterion) {
    let mut rng = rand::rng();
    let a = X25519Secret::generate(&mut rng);
    let b = X25519Secret::generate(&mut rng);
    let secret = a.dh(&b.public());
    let nonce = [7u8; 24];
    let msg = vec![0x42u8; 16048 + 10];
    let mut g = c.benchmark_group("box");
    g.throughput(Throughput::Bytes(RCV_MSG_PADDED_LEN as u64));
    g.bench_function("cb_encrypt 16106", |bch| {
        bch.iter(|| cb_encrypt(&secret, &nonce, black_box(&msg), RCV_MSG_PADDED_LEN).unwrap())
    });
    let sealed = cb_encrypt(&secret, &nonce, &msg, RCV_MSG_PADDED_LEN).unwrap();
    g.bench_function("cb_decrypt 16106", |bch| {
        bch.iter(|| cb_decrypt(&secret, &nonce, black_box(&sealed)).unwrap())
    });
    let key = SbKey::generate(&mut rng);
    let content = vec![0x17u8; 300];
    g.throughput(Throughput::Bytes(BLOCK_PADDED_LEN as u64));
    g.bench_function("sb block seal 16368", |bch| {
        bch.iter(|| sb_encrypt(&key, &nonce, black_box(&content), BLOCK_PADDED_LEN).unwrap())
    });
    let block = sb_encrypt(&key, &nonce, &content, BLOCK_PADDED_LEN).unwrap();
    g.bench_function("sb block open 16368", |bch| {
        bch.iter(|| sb_decrypt(&key, &nonce, black_box(&block)).unwrap())
    });
    g.finish();
}

fn signatures(c: &mut Criterion) {
    let mut rng = rand::rng();
    let msg = vec![0x33u8; SIGNED_LEN];
    let mut g = c.benchmark_group("sign");
    let ed = Ed25519Secret::generate(&mut rng);
    let ed_pub = ed.public();
    g.bench_function("ed25519 sign", |b| b.iter(|| ed.sign(black_box(&msg))));
    let sig = ed.sign(&msg);
    g.bench_function("ed25519 verify", |b| {
        b.iter(|| assert!(ed_pub.verify(black_box(&msg), &sig)))
    });
    let ed448 = Ed448Secret::generate(&mut rng).unwrap();
    let ed448_pub = ed448.public();
    g.bench_function("ed448 sign", |b| {
        b.iter(|| ed448.sign(black_box(&msg)).unwrap())
    });
    let sig448 = ed448.sign(&msg).unwrap();
    g.bench_function("ed448 verify", |b| {
        b.iter(|| assert!(ed448_pub.verify(black_box(&msg), &sig448)))
    });
    g.finish();
}

fn agreement(c: &mut Criterion) {
    let mut rng = rand::rng();
    let a = X25519Secret::generate(&mut rng);
    let b = X25519Secret::generate(&mut rng);
    let b_pub = b.public();
    let a_pub = a.public();
    let msg = vec![0x44u8; SIGNED_LEN];
    let nonce = [9u8; 24];
    let mut g = c.benchmark_group("dh");
    g.bench_function("x25519 dh", |bch| bch.iter(|| a.dh(black_box(&b_pub))));
    g.bench_function("authenticator make", |bch| {
        bch.iter(|| cb_authenticate(&b_pub, &a, &nonce, black_box(&msg)))
    });
    let auth = cb_authenticate(&b_pub, &a, &nonce, &msg);
    g.bench_function("authenticator verify", |bch| {
        bch.iter(|| assert!(cb_verify(&a_pub, &b, &nonce, black_box(&msg), &auth)))
    });
    let (mut ck, _) = sbc_init(b"session-id-of-32-bytes-..........", &a.dh(&b_pub));
    g.bench_function("sb chain step (HKDF-SHA512)", |bch| bch.iter(|| ck.next()));
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = boxes, signatures, agreement
}
criterion_main!(benches);
