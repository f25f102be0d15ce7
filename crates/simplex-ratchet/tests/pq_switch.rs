//! PQ encryption switched on and off within a connection: ports of
//! `testDisableEnableKEM`, `testDisableEnableKEMStrict`, `testEnableKEM` and
//! `testEnableKEMStrict` (`tests/AgentTests/DoubleRatchetTests.hs`), plus checks of
//! what the switches do to header sizes and versions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Mode, Ops, init_pair, init_pair_versions, recv, rng, send, send_with};
use simplex_ratchet::{PQEncryption, PQSupport, RatchetVersions};

#[test]
fn disable_and_re_enable_kem() {
    let (mut alice, mut bob) = init_pair(1, Mode::KemAccepted);
    let (a, b) = (&mut alice, &mut bob);
    let mut o = Ops { g: &mut rng(2) };
    o.on_keep(b, a, "hello alice");
    o.on_keep(a, b, "hello bob");
    o.on_off(b, a, "disabling KEM");
    o.on_keep(a, b, "still disabling KEM");
    o.off_keep(b, a, "now KEM is disabled");
    o.off_keep(a, b, "KEM is disabled for both sides");
    o.off_on(b, a, "trying to enable KEM");
    o.off_keep(a, b, "but unless alice enables it too it won't enable");
    o.off_keep(b, a, "KEM is disabled");
    o.off_keep(a, b, "KEM is disabled for both sides");
    o.off_on(b, a, "enabling KEM again");
    o.off_on(a, b, "and alice accepts it this time");
    o.off_on(b, a, "still enabling KEM");
    o.on_keep(a, b, "now KEM is enabled");
    o.on_keep(b, a, "KEM is enabled for both sides");
}

#[test]
fn disable_and_re_enable_kem_strict() {
    let (mut alice, mut bob) = init_pair(3, Mode::KemAccepted);
    let (a, b) = (&mut alice, &mut bob);
    let mut o = Ops { g: &mut rng(4) };
    o.on_on(b, a, "hello alice");
    o.on_on(a, b, "hello bob");
    o.on_off(b, a, "disabling KEM");
    o.on_on(a, b, "still disabling KEM");
    o.off_off(b, a, "now KEM is disabled");
    o.off_off(a, b, "KEM is disabled for both sides");
    o.off_on(b, a, "trying to enable KEM");
    o.off_off(a, b, "but unless alice enables it too it won't enable");
    o.off_on(b, a, "KEM is disabled");
    o.off_off(a, b, "KEM is disabled for both sides");
    o.off_on(b, a, "enabling KEM again");
    o.off_on(a, b, "and alice accepts it this time");
    o.off_on(b, a, "still enabling KEM");
    o.on_on(a, b, "now KEM is enabled");
    o.on_on(b, a, "KEM is enabled for both sides");
}

#[test]
fn enable_kem_not_enabled_in_handshake() {
    let (mut alice, mut bob) = init_pair(5, Mode::NoKem);
    let (a, b) = (&mut alice, &mut bob);
    let mut o = Ops { g: &mut rng(6) };
    o.off_keep(b, a, "hello alice");
    o.off_keep(a, b, "hello bob");
    o.off_on(b, a, "enabling KEM");
    o.off_on(b, a, "KEM not enabled yet");
    o.off_on(a, b, "accepting KEM");
    o.off_on(a, b, "KEM not enabled yet here too");
    o.off_on(b, a, "KEM is still not enabled");
    o.on_on(a, b, "now KEM is enabled");
    o.on_keep(b, a, "now KEM is enabled for both sides");
    o.on_keep(a, b, "still enabled for both sides");
    o.on_keep(b, a, "still enabled for both sides 2");
    o.on_off(a, b, "disabling KEM");
    o.on_keep(b, a, "KEM not disabled yet");
    o.off_keep(a, b, "KEM disabled");
    o.off_keep(b, a, "KEM disabled on both sides");
}

#[test]
fn enable_kem_not_enabled_in_handshake_strict() {
    let (mut alice, mut bob) = init_pair(7, Mode::NoKem);
    let (a, b) = (&mut alice, &mut bob);
    let mut o = Ops { g: &mut rng(8) };
    o.off_off(b, a, "hello alice");
    o.off_off(a, b, "hello bob");
    o.off_on(b, a, "enabling KEM");
    o.off_on(b, a, "KEM not enabled yet");
    o.off_on(a, b, "accepting KEM");
    o.off_on(a, b, "KEM not enabled yet here too");
    o.off_on(b, a, "KEM is still not enabled");
    o.on_on(a, b, "now KEM is enabled");
    o.on_on(b, a, "now KEM is enabled for both sides");
    o.on_on(a, b, "still enabled for both sides");
    o.on_on(b, a, "still enabled for both sides 2");
    o.on_off(a, b, "disabling KEM");
    o.on_on(b, a, "KEM not disabled yet");
    o.off_off(a, b, "KEM disabled");
    o.off_on(b, a, "KEM disabled on both sides");
    o.off_off(a, b, "KEM still disabled 1");
    o.off_on(b, a, "KEM still disabled 2");
    o.off_off(a, b, "KEM still disabled 3");
    o.off_on(b, a, "KEM still disabled 4");
    o.off_off(a, b, "KEM still disabled 5");
    o.off_on(b, a, "KEM still disabled 6");
}

/// Once PQ support is on, headers stay large even after PQ encryption is turned off.
#[test]
fn pq_support_stays_on_after_disabling() {
    let (mut alice, mut bob) = init_pair(9, Mode::NoKem);
    let g = &mut rng(10);
    assert_eq!(bob.state.pq_support(), PQSupport::OFF);
    let small = send(&mut bob, None, b"x");
    assert_eq!(small.len(), 2 + 124 + 16 + 100);
    recv(g, &mut alice, &small).unwrap().unwrap();
    let large = send(&mut bob, Some(PQEncryption::ON), b"x");
    assert_eq!(bob.state.pq_support(), PQSupport::ON);
    assert_eq!(large.len(), 2 + (2 + 16 + 16 + 2 + 2310) + 16 + 100);
    recv(g, &mut alice, &large).unwrap().unwrap();
    let still_large = send(&mut bob, Some(PQEncryption::OFF), b"x");
    assert_eq!(still_large.len(), large.len());
    assert_eq!(bob.state.pq_support(), PQSupport::ON);
    recv(g, &mut alice, &still_large).unwrap().unwrap();
}

/// Both sides start at v2 and allow v3: the first header announces 3 and the receiver
/// upgrades; its v3 reply (2-byte lengths) upgrades the other side.
#[test]
fn version_upgrades_from_2_to_3() {
    let versions = RatchetVersions {
        current: 2,
        max_supported: 3,
    };
    let (mut alice, mut bob) = init_pair_versions(11, Mode::NoKem, versions, versions);
    let g = &mut rng(12);
    let ct = send(&mut bob, None, b"v2 message");
    assert_eq!(
        ct.len(),
        1 + 123 + 16 + 100,
        "v2 uses 1-byte length prefixes"
    );
    recv(g, &mut alice, &ct).unwrap().unwrap();
    assert_eq!(alice.state.versions().current, 3);
    let reply = send(&mut alice, None, b"v3 reply");
    assert_eq!(reply.len(), 2 + 124 + 16 + 100);
    recv(g, &mut bob, &reply).unwrap().unwrap();
    assert_eq!(bob.state.versions().current, 3);
}

/// A peer that supports only v2 keeps the connection at v2, and PQ cannot turn on: the
/// KEM fields are not even encoded at v2.
#[test]
fn v2_peer_keeps_v2_and_no_pq() {
    let old = RatchetVersions::single(2);
    let new = RatchetVersions {
        current: 2,
        max_supported: 3,
    };
    let (mut alice, mut bob) = init_pair_versions(13, Mode::NoKem, new, old);
    let g = &mut rng(14);
    for i in 0..3 {
        let ct = send_with(&mut bob, None, 2, format!("old {i}").as_bytes());
        assert_eq!(ct.len(), 1 + 123 + 16 + 100);
        recv(g, &mut alice, &ct).unwrap().unwrap();
        assert_eq!(alice.state.versions().current, 2);
        let ct = send(
            &mut alice,
            Some(PQEncryption::ON),
            format!("new {i}").as_bytes(),
        );
        assert_eq!(
            ct.len(),
            1 + 123 + 16 + 100,
            "v2 headers stay 88 bytes padded"
        );
        assert_eq!(alice.state.snd_pq(), PQEncryption::OFF);
        recv(g, &mut bob, &ct).unwrap().unwrap();
        // Alice announced 3, but Bob allows only 2.
        assert_eq!(bob.state.versions().current, 2);
        assert_eq!(bob.state.rcv_pq(), PQEncryption::OFF);
    }
}

/// PQ switched off on the first message of a chain whose first message is then lost:
/// the later messages of the chain still carry the KEM ciphertext the chain was derived
/// with, so the receiver can start the chain from them (see `encrypt_header`).
#[test]
fn pq_off_with_the_chain_start_lost() {
    let (mut alice, mut bob) = init_pair(15, Mode::KemAccepted);
    let g = &mut rng(16);
    let mut o = Ops { g: &mut rng(17) };
    o.on_keep(&mut bob, &mut alice, "hello alice");
    o.on_keep(&mut alice, &mut bob, "hello bob");
    let lost = send(&mut bob, Some(PQEncryption::OFF), b"first, lost");
    let second = send(&mut bob, None, b"second");
    let third = send(&mut bob, Some(PQEncryption::OFF), b"third");
    assert_eq!(recv(g, &mut alice, &second).unwrap().unwrap(), b"second");
    assert_eq!(alice.state.rcv_pq(), PQEncryption::ON);
    assert_eq!(recv(g, &mut alice, &third).unwrap().unwrap(), b"third");
    assert_eq!(recv(g, &mut alice, &lost).unwrap().unwrap(), b"first, lost");
    o.on_keep(&mut alice, &mut bob, "reply");
    // Bob turned PQ off: from his next ratchet step his chains have no KEM.
    let ct = send(&mut bob, None, b"after the step");
    assert_eq!(bob.state.snd_pq(), PQEncryption::OFF);
    assert_eq!(
        recv(g, &mut alice, &ct).unwrap().unwrap(),
        b"after the step"
    );
}
