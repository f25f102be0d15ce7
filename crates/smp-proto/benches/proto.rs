//! Cost of the SMP wire work on the message path: encoding and parsing signed `SEND`
//! transmissions and `MSG` responses (short and maximal bodies), packing transmissions
//! into blocks and splitting them again, and sealing/opening an encrypted block.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use simplex_crypto::keys::{Ed25519Secret, PrivateAuthKey, X25519Secret};
use simplex_crypto::sbchain::sbc_init;
use smp_proto::batch::{Batch, batch_transmissions, parse_batch};
use smp_proto::block::{open, seal};
use smp_proto::command::MsgFlags;
use smp_proto::transmission::{self, TParams, authorized_bytes};
use smp_proto::versions::{CURRENT_V, max_message_length};
use smp_proto::{BrokerMsg, Command, CorrId, EntityId, MsgId};
use std::hint::black_box;
use std::time::Duration;

fn params() -> TParams {
    TParams {
        version: CURRENT_V,
        session_id: vec![0x5e; 32],
    }
}

fn key() -> PrivateAuthKey {
    PrivateAuthKey::Ed25519(Ed25519Secret::from_bytes(&[3u8; 32]))
}

/// A signed SEND transmission with a body of `len` bytes.
fn send_transmission(p: &TParams, k: &PrivateAuthKey, len: usize) -> Vec<u8> {
    let corr = CorrId::new(&[1u8; 24]).unwrap();
    let ent = EntityId::new(&[2u8; 24]).unwrap();
    let cmd = Command::Send(MsgFlags::default(), vec![0x61; len]).to_bytes(p.version);
    let sig = k
        .sign(&authorized_bytes(&p.session_id, &corr, &ent, &cmd))
        .unwrap();
    transmission::encode(p, &sig, None, &corr, &ent, &cmd)
}

/// A MSG event with the encrypted body the relay sends for any message (16122 bytes).
fn msg_transmission(p: &TParams) -> Vec<u8> {
    let msg = BrokerMsg::Msg(MsgId::new(&[4u8; 24]).unwrap(), vec![0x62; 16122]);
    let ent = EntityId::new(&[5u8; 24]).unwrap();
    transmission::encode(
        p,
        &[],
        None,
        &CorrId::empty(),
        &ent,
        &msg.to_bytes(p.version),
    )
}

fn send_and_msg(c: &mut Criterion) {
    let p = params();
    let k = key();
    let mut g = c.benchmark_group("transmission");
    for len in [128usize, max_message_length(CURRENT_V)] {
        g.throughput(Throughput::Elements(1));
        g.bench_with_input(
            BenchmarkId::new("SEND encode+sign", len),
            &len,
            |b, &len| b.iter(|| send_transmission(&p, &k, black_box(len))),
        );
        let t = send_transmission(&p, &k, len);
        g.bench_with_input(BenchmarkId::new("SEND parse", len), &t, |b, t| {
            b.iter(|| {
                let raw = transmission::parse(&p, black_box(t)).unwrap();
                Command::parse(p.version, &raw.command).unwrap()
            })
        });
    }
    let msg = BrokerMsg::Msg(MsgId::new(&[4u8; 24]).unwrap(), vec![0x62; 16122]);
    g.bench_function("MSG encode 16122", |b| {
        b.iter(|| {
            let ent = EntityId::new(&[5u8; 24]).unwrap();
            transmission::encode(
                &p,
                &[],
                None,
                &CorrId::empty(),
                &ent,
                &black_box(&msg).to_bytes(p.version),
            )
        })
    });
    let t = msg_transmission(&p);
    g.bench_function("MSG parse 16122", |b| {
        b.iter(|| {
            let raw = transmission::parse(&p, black_box(&t)).unwrap();
            BrokerMsg::parse(p.version, &raw.command).unwrap()
        })
    });
    g.finish();
}

fn batching(c: &mut Criterion) {
    let p = params();
    let k = key();
    let mut g = c.benchmark_group("batch");
    for n in [1usize, 50, 255] {
        let ts: Vec<Vec<u8>> = (0..n).map(|_| send_transmission(&p, &k, 16)).collect();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("pack small SENDs", n), &ts, |b, ts| {
            b.iter(|| batch_transmissions(black_box(ts)))
        });
        let blocks = batch_transmissions(&ts);
        let Some(Batch::Block(content, _)) = blocks.last() else {
            panic!("no block")
        };
        g.bench_with_input(BenchmarkId::new("split block", n), content, |b, content| {
            b.iter(|| parse_batch(black_box(content)).unwrap().len())
        });
    }
    g.finish();
}

fn blocks(c: &mut Criterion) {
    let a = X25519Secret::from_bytes([1u8; 32]);
    let b = X25519Secret::from_bytes([2u8; 32]);
    let (mut send, _) = sbc_init(&[0x5e; 32], &a.dh(&b.public()));
    let content = vec![0x11u8; 400];
    let mut g = c.benchmark_group("block");
    g.throughput(Throughput::Bytes(16384));
    g.bench_function("seal (chain step + secretbox 16368)", |bch| {
        bch.iter(|| seal(black_box(&content), Some(&mut send)).unwrap())
    });
    // Each opening gets a block sealed by a fresh chain and the matching fresh chain, so
    // that every iteration decrypts successfully (setup not timed).
    let chains = || sbc_init(&[0x5e; 32], &a.dh(&b.public()));
    g.bench_function("open (chain step + secretbox 16368)", |bch| {
        bch.iter_batched(
            || {
                let (mut s, _) = chains();
                let block = seal(&content, Some(&mut s)).unwrap();
                (chains().0, block)
            },
            |(mut recv, block)| open(black_box(&block), Some(&mut recv)).unwrap(),
            BatchSize::SmallInput,
        )
    });
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
    targets = send_and_msg, batching, blocks
}
criterion_main!(benches);
