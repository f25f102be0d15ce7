//! Helpers shared by the integration tests: two parties, each with a ratchet state and
//! a skipped-key store, and the reference test operators of
//! `tests/AgentTests/DoubleRatchetTests.hs` (`encryptDecrypt`, `!#>`, `\#>!`, ...).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rand::SeedableRng;
use rand::rngs::StdRng;
use simplex_crypto::X448Secret;
use simplex_ratchet::{
    CURRENT_E2E_VERSION, KemParams, PQEncryption, PQSupport, RatchetError, RatchetState,
    RatchetVersions, SkippedKeys, UseKem, decrypt, encrypt_header, generate_rcv_params,
    generate_snd_params, init_rcv, init_snd, padded_header_len, pq_x3dh_rcv, pq_x3dh_snd,
};

/// The padded message length the reference tests use (`paddedMsgLen`).
pub const PADDED_MSG_LEN: usize = 100;

pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// One side of a conversation: what the agent would keep in its database.
pub struct Party {
    pub state: RatchetState,
    pub skipped: SkippedKeys,
}

impl Party {
    pub fn new(state: RatchetState) -> Self {
        Party {
            state,
            skipped: SkippedKeys::new(),
        }
    }
}

/// How the X3DH is set up (the reference's `initRatchets*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// No KEM anywhere (`initRatchets`).
    NoKem,
    /// The creator does not propose; the joiner proposes in its reply
    /// (`initRatchetsKEMProposed`).
    KemProposedInReply,
    /// The creator proposes and the joiner accepts (`initRatchetsKEMAccepted`).
    KemAccepted,
    /// Both propose (`initRatchetsKEMProposedAgain`).
    KemProposedAgain,
}

impl Mode {
    /// Whether the reference tests first exchange a PQ-on message each way.
    pub fn agree_kems(self) -> bool {
        matches!(self, Mode::KemProposedInReply | Mode::KemProposedAgain)
    }

    /// Whether ratchets in this mode have KEM in both chains (`hasSndKEM`/`hasRcvKEM`).
    pub fn has_kem(self) -> bool {
        self != Mode::NoKem
    }
}

/// Alice creates the connection (receiving ratchet), Bob joins (sending ratchet); the
/// X3DH runs at Bob's current version.
pub fn init_pair_versions(
    seed: u64,
    mode: Mode,
    alice_versions: RatchetVersions,
    bob_versions: RatchetVersions,
) -> (Party, Party) {
    let g = &mut rng(seed);
    let v = bob_versions.current;
    let alice_pq = PQSupport(matches!(mode, Mode::KemAccepted | Mode::KemProposedAgain));
    let alice = generate_rcv_params(g, v, alice_pq).unwrap();
    let use_kem = match (mode, &alice.params.kem) {
        (Mode::NoKem, _) => None,
        (Mode::KemAccepted, Some(KemParams::Proposed(k))) => Some(UseKem::Accept(k.clone())),
        (Mode::KemAccepted, _) => panic!("alice did not propose"),
        _ => Some(UseKem::Propose),
    };
    let bob = generate_snd_params(g, v, use_kem).unwrap();
    let bob_init = pq_x3dh_snd(&bob.pk1, &bob.pk2, bob.kem.as_ref(), &alice.params).unwrap();
    let alice_init = pq_x3dh_rcv(&alice.pk1, &alice.pk2, alice.kem.as_ref(), &bob.params).unwrap();
    let bob_dh = X448Secret::generate(g).unwrap();
    let bob_state = init_snd(bob_versions, &alice.params.k2, &bob_dh, bob_init).unwrap();
    let alice_state = init_rcv(
        alice_versions,
        &alice.pk2,
        alice_init,
        PQSupport(mode != Mode::NoKem),
    );
    (Party::new(alice_state), Party::new(bob_state))
}

pub fn init_pair(seed: u64, mode: Mode) -> (Party, Party) {
    let v = RatchetVersions::single(CURRENT_E2E_VERSION);
    init_pair_versions(seed, mode, v, v)
}

/// The length of a whole message (`fullMsgLen`).
pub fn full_msg_len(state: &RatchetState, padded_msg_len: usize) -> usize {
    let v = state.versions().current;
    let len_prefixes = if v >= 3 { 3 } else { 1 };
    let header = 2 + 1 + padded_header_len(v, state.pq_support()) + 16 + 16;
    len_prefixes + header + 16 + padded_msg_len
}

fn via_storage(state: &RatchetState) -> RatchetState {
    let bytes = state.to_bytes();
    let back = RatchetState::from_bytes(&bytes).unwrap();
    assert_eq!(*back.to_bytes(), *bytes, "state storage round trip");
    back
}

/// Encrypts with the reference test settings and commits the new state (stored and
/// reloaded on the way, as the agent does).
pub fn send(p: &mut Party, pq: Option<PQEncryption>, msg: &[u8]) -> Vec<u8> {
    send_with(p, pq, CURRENT_E2E_VERSION, msg)
}

/// [`send`] by an agent whose highest supported E2E version is `supported`.
pub fn send_with(p: &mut Party, pq: Option<PQEncryption>, supported: u16, msg: &[u8]) -> Vec<u8> {
    let (mek, next) = encrypt_header(&via_storage(&p.state), pq, supported).unwrap();
    let out = mek.encrypt(PADDED_MSG_LEN, msg).unwrap();
    assert_eq!(
        out.len(),
        full_msg_len(&next, PADDED_MSG_LEN),
        "message length"
    );
    p.state = next;
    out
}

/// Decrypts and, unless the error is of the "nothing to store" kind, commits the new
/// state and the skipped-key diff (as the reference agent does).
pub fn recv(
    g: &mut StdRng,
    p: &mut Party,
    msg: &[u8],
) -> Result<Result<Vec<u8>, RatchetError>, RatchetError> {
    let d = decrypt(&via_storage(&p.state), &p.skipped, msg, g)?;
    p.state = d.state;
    p.skipped.apply(&d.skipped);
    Ok(d.plaintext)
}

/// Expected PQ flag after a step: `Some(true)` must be on, `Some(false)` off.
pub type Check = Option<bool>;

/// `encryptDecrypt`: sends `msg`, checks the sender's `snd_pq` and the receiver's flag
/// chosen by `rcv_check` (the reference checks `rcRcvKEM`, or `rcSndKEM` in two
/// operators), and that the plaintext comes back.
pub fn exchange(
    g: &mut StdRng,
    from: &mut Party,
    to: &mut Party,
    pq: Option<PQEncryption>,
    msg: &str,
    snd: bool,
    rcv: RcvCheck,
) {
    let ct = send(from, pq, msg.as_bytes());
    assert_eq!(from.state.snd_pq().0, snd, "sender snd KEM after {msg:?}");
    let pt = recv(g, to, &ct).unwrap().unwrap();
    assert_eq!(pt, msg.as_bytes());
    match rcv {
        RcvCheck::Rcv(on) => assert_eq!(to.state.rcv_pq().0, on, "receiver rcv KEM after {msg:?}"),
        RcvCheck::Snd(on) => assert_eq!(to.state.snd_pq().0, on, "receiver snd KEM after {msg:?}"),
    }
}

/// Which flag of the receiver an operator checks.
#[derive(Debug, Clone, Copy)]
pub enum RcvCheck {
    /// `rcv_pq` must equal this.
    Rcv(bool),
    /// `snd_pq` must equal this (the reference's `\#>` and `\#>\` check `noSndKEM` on
    /// the receiver).
    Snd(bool),
}

/// The reference operators, named by what they do: `on_on` is `!#>!` (KEM on, enable),
/// `on_keep` is `!#>`, `on_off` is `!#>\`, `off_on` is `\#>!`, `off_keep` is `\#>`,
/// `off_off` is `\#>\`.
pub struct Ops<'a> {
    pub g: &'a mut StdRng,
}

impl Ops<'_> {
    pub fn on_on(&mut self, from: &mut Party, to: &mut Party, msg: &str) {
        exchange(
            self.g,
            from,
            to,
            Some(PQEncryption::ON),
            msg,
            true,
            RcvCheck::Rcv(true),
        );
    }
    pub fn on_keep(&mut self, from: &mut Party, to: &mut Party, msg: &str) {
        exchange(self.g, from, to, None, msg, true, RcvCheck::Rcv(true));
    }
    pub fn on_off(&mut self, from: &mut Party, to: &mut Party, msg: &str) {
        exchange(
            self.g,
            from,
            to,
            Some(PQEncryption::OFF),
            msg,
            true,
            RcvCheck::Rcv(true),
        );
    }
    pub fn off_on(&mut self, from: &mut Party, to: &mut Party, msg: &str) {
        exchange(
            self.g,
            from,
            to,
            Some(PQEncryption::ON),
            msg,
            false,
            RcvCheck::Rcv(false),
        );
    }
    pub fn off_keep(&mut self, from: &mut Party, to: &mut Party, msg: &str) {
        exchange(self.g, from, to, None, msg, false, RcvCheck::Snd(false));
    }
    pub fn off_off(&mut self, from: &mut Party, to: &mut Party, msg: &str) {
        exchange(
            self.g,
            from,
            to,
            Some(PQEncryption::OFF),
            msg,
            false,
            RcvCheck::Snd(false),
        );
    }
}
