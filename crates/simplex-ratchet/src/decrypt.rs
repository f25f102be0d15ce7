//! Receiving (`rcDecrypt` in `Ratchet.hs`): skipped keys first, then the current and
//! next header keys, the DH (and KEM) ratchet step, and skipping ahead.
//!
//! Errors come in two kinds, as in the reference:
//! - `Err(e)` from [`decrypt`]: nothing to store (bad framing, no header key fits, a
//!   KEM mismatch, too many messages skipped in the previous chain);
//! - `Ok(Decrypted { plaintext: Err(e), .. })`: the header was authentic, so the new
//!   state and skipped-key diff must still be stored even though no plaintext came out
//!   (duplicate, earlier or too-far-ahead message number, body failing authentication).

use core::fmt;

use simplex_crypto::aead::decrypt_padded;
use simplex_crypto::rand_core::CryptoRng;
use simplex_encoding::Decode;

use crate::error::{RatchetError, Result};
use crate::header::{EncMessageHeader, EncRatchetMessage, MsgHeader};
use crate::kdf::{chain_kdf, root_kdf};
use crate::kem::{KemKeyPair, KemSharedKey};
use crate::keys::{DhKeyPair, HeaderKey, MessageKey};
use crate::params::KemParams;
use crate::skipped::{SkippedDiff, SkippedKeys};
use crate::state::{RatchetKem, RatchetState, RcvChain, SndChain};
use crate::version::{PQ_RATCHET_E2E_VERSION, PQEncryption};
use crate::x3dh::KemAccepted;

/// The most message keys one message may make the receiver skip in one chain
/// (`maxSkip`).
pub const MAX_SKIP: u32 = 512;

/// What [`decrypt`] produced: store `state` and apply `skipped` together, whatever
/// `plaintext` holds. Debug shows the plaintext's length, not its bytes.
pub struct Decrypted {
    /// The message, or why this authentic message gave none.
    pub plaintext: Result<Vec<u8>>,
    /// The next ratchet state.
    pub state: RatchetState,
    /// The change to the skipped keys.
    pub skipped: SkippedDiff,
}

impl fmt::Debug for Decrypted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decrypted")
            .field("plaintext_len", &self.plaintext.as_ref().map(Vec::len))
            .field("state", &self.state)
            .field("skipped", &self.skipped)
            .finish()
    }
}

/// Whether the header came with the current receiving chain or starts the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Same,
    Advance,
}

/// Decrypts one received message (`rcDecrypt`). See the module docs for the two kinds
/// of errors. `rng` is used only for a ratchet step (new X448 and KEM keys).
pub fn decrypt<R: CryptoRng + ?Sized>(
    state: &RatchetState,
    skipped: &SkippedKeys,
    msg: &[u8],
    rng: &mut R,
) -> Result<Decrypted> {
    let enc_msg = EncRatchetMessage::parse(msg).map_err(RatchetError::Header)?;
    let enc_hdr = EncMessageHeader::from_bytes(enc_msg.header).map_err(RatchetError::Header)?;
    if let Some(found) = try_skipped(state, skipped, &enc_hdr, &enc_msg)? {
        return match found {
            Skipped::Message(d) => Ok(*d),
            Skipped::Header(Some(step), hdr) => decrypt_rc_message(state, step, hdr, &enc_msg, rng),
            Skipped::Header(None, _) => Err(RatchetError::HeaderDecryption),
        };
    }
    let (step, hdr) = decrypt_rc_header(state, &enc_hdr)?;
    decrypt_rc_message(state, step, hdr, &enc_msg, rng)
}

enum Skipped {
    /// The message was decrypted with a skipped key.
    Message(Box<Decrypted>),
    /// A skipped header key opened the header but the message has no skipped key.
    Header(Option<Step>, MsgHeader),
}

/// `decryptSkipped`: the first skipped header key that opens the header decides.
fn try_skipped(
    state: &RatchetState,
    skipped: &SkippedKeys,
    enc_hdr: &EncMessageHeader,
    enc_msg: &EncRatchetMessage<'_>,
) -> Result<Option<Skipped>> {
    for (hk, keys) in skipped.header_keys() {
        let hdr = match decrypt_header(state, hk, enc_hdr) {
            Err(RatchetError::HeaderDecryption) => continue,
            other => other?,
        };
        let found = match keys.get(&hdr.ns) {
            Some(mk) => Skipped::Message(Box::new(Decrypted {
                plaintext: decrypt_body(state, mk, enc_msg),
                state: state.clone(),
                skipped: SkippedDiff::Remove {
                    header_key: hk.clone(),
                    msg_n: hdr.ns,
                },
            })),
            None => {
                let step = if state.rcv.as_ref().is_some_and(|r| &r.hk == hk) {
                    Some(Step::Same)
                } else if &state.nhk_r == hk {
                    Some(Step::Advance)
                } else {
                    None
                };
                Skipped::Header(step, hdr)
            }
        };
        return Ok(Some(found));
    }
    Ok(None)
}

/// `decryptRcHeader`: the current receiving header key, then the next one.
fn decrypt_rc_header(
    state: &RatchetState,
    enc_hdr: &EncMessageHeader,
) -> Result<(Step, MsgHeader)> {
    if let Some(rcv) = &state.rcv {
        match decrypt_header(state, &rcv.hk, enc_hdr) {
            Err(RatchetError::HeaderDecryption) => {}
            other => return other.map(|h| (Step::Same, h)),
        }
    }
    decrypt_header(state, &state.nhk_r, enc_hdr).map(|h| (Step::Advance, h))
}

/// Any failure to open or unpad is [`RatchetError::HeaderDecryption`] (another key may
/// fit); a header that opens but does not parse is [`RatchetError::Header`].
fn decrypt_header(
    state: &RatchetState,
    hk: &HeaderKey,
    enc_hdr: &EncMessageHeader,
) -> Result<MsgHeader> {
    let plain = decrypt_padded(
        hk.as_bytes(),
        &enc_hdr.iv,
        &state.ad,
        &enc_hdr.body,
        &enc_hdr.tag,
    )
    .map_err(|_| RatchetError::HeaderDecryption)?;
    MsgHeader::decode_v(enc_hdr.version, &plain).map_err(RatchetError::Header)
}

/// The body's associated data is AD ‖ the encoded encrypted header.
fn decrypt_body(
    state: &RatchetState,
    mk: &MessageKey,
    enc_msg: &EncRatchetMessage<'_>,
) -> Result<Vec<u8>> {
    let mut ad = Vec::with_capacity(state.ad.len() + enc_msg.header.len());
    ad.extend_from_slice(&state.ad);
    ad.extend_from_slice(enc_msg.header);
    Ok(decrypt_padded(
        mk.key(),
        mk.iv(),
        &ad,
        enc_msg.body,
        &enc_msg.tag,
    )?)
}

/// `decryptRcMessage`.
fn decrypt_rc_message<R: CryptoRng + ?Sized>(
    state: &RatchetState,
    step: Step,
    hdr: MsgHeader,
    enc_msg: &EncRatchetMessage<'_>,
    rng: &mut R,
) -> Result<Decrypted> {
    let mut st = upgrade_version(state, &hdr);
    let mut skipped = SkippedKeys::new();
    if step == Step::Advance {
        skipped = skip_message_keys(hdr.pn, &mut st)?;
        st = ratchet_step(st, &hdr, rng)?;
    }
    match skip_message_keys(hdr.ns, &mut st) {
        Ok(now) => skipped.apply(&SkippedDiff::added(now)),
        Err(e) => return Ok(decrypted(Err(e), st, skipped)),
    }
    let Some(rcv) = st.rcv.as_mut() else {
        return Ok(decrypted(Err(RatchetError::MissingChain), st, skipped));
    };
    let (ck, mk, _) = chain_kdf(&rcv.ck);
    rcv.ck = ck;
    st.nr = st.nr.wrapping_add(1);
    let plaintext = decrypt_body(&st, &mk, enc_msg);
    Ok(decrypted(plaintext, st, skipped))
}

fn decrypted(plaintext: Result<Vec<u8>>, state: RatchetState, skipped: SkippedKeys) -> Decrypted {
    Decrypted {
        plaintext,
        state,
        skipped: SkippedDiff::added(skipped),
    }
}

/// A peer announcing a higher version moves `current` up, capped by `max_supported`.
fn upgrade_version(state: &RatchetState, hdr: &MsgHeader) -> RatchetState {
    let mut st = state.clone();
    let v = &mut st.versions;
    if hdr.max_version > v.current {
        v.current = v.current.max(hdr.max_version.min(v.max_supported));
    }
    st
}

/// `skipMessageKeys`: derive and keep the keys of messages `Nr .. until_n` of the
/// current receiving chain. On error `st` is unchanged. Counters wrap like the
/// reference's `Word32`.
fn skip_message_keys(until_n: u32, st: &mut RatchetState) -> Result<SkippedKeys> {
    let mut keys = SkippedKeys::new();
    let Some(rcv) = st.rcv.as_mut() else {
        return Ok(keys);
    };
    let nr = st.nr;
    let next = until_n.wrapping_add(1);
    if nr > next {
        return Err(RatchetError::EarlierMessage(nr.wrapping_sub(next)));
    }
    if nr == next {
        return Err(RatchetError::DuplicateMessage);
    }
    if nr.wrapping_add(MAX_SKIP) < until_n {
        return Err(RatchetError::TooManySkipped(next.wrapping_sub(nr)));
    }
    let mut n = nr;
    while n != until_n {
        let (ck, mk, _) = chain_kdf(&rcv.ck);
        keys.insert(rcv.hk.clone(), n, mk);
        rcv.ck = ck;
        n = n.wrapping_add(1);
    }
    st.nr = until_n;
    Ok(keys)
}

/// `ratchetStep`: the DH (and KEM) ratchet step on a header from the next chain.
fn ratchet_step<R: CryptoRng + ?Sized>(
    st: RatchetState,
    hdr: &MsgHeader,
    rng: &mut R,
) -> Result<RatchetState> {
    let (rcv_ss, snd_ss, kem) = pq_ratchet_step(&st, hdr.kem.as_ref(), rng)?;
    let dh_rs = DhKeyPair::generate(rng)?;
    let (rk1, ck_r, nhk_r) = root_kdf(&st.rk, &hdr.dh, &st.dh_rs, rcv_ss.as_ref())?;
    let (rk2, ck_s, nhk_s) = root_kdf(&rk1, &hdr.dh, &dh_rs, snd_ss.as_ref())?;
    let enable = PQEncryption(snd_ss.is_some() || rcv_ss.is_some() || kem.is_some());
    let current = st.versions.current;
    Ok(RatchetState {
        support_kem: st.support_kem.enable(current, enable),
        enable_kem: enable,
        snd_kem: PQEncryption(snd_ss.is_some()),
        rcv_kem: PQEncryption(rcv_ss.is_some()),
        dh_rs,
        kem,
        rk: rk2,
        snd: Some(SndChain {
            dh_rr: hdr.dh.clone(),
            ck: ck_s,
            hk: st.nhk_s.clone(),
        }),
        rcv: Some(RcvChain {
            ck: ck_r,
            hk: st.nhk_r.clone(),
        }),
        pn: st.ns,
        ns: 0,
        nr: 0,
        nhk_s,
        nhk_r,
        ..st
    })
}

type PqStep = (
    Option<KemSharedKey>,
    Option<KemSharedKey>,
    Option<RatchetKem>,
);

/// `pqRatchetStep`: the received KEM secret (decapsulated), the sent one (encapsulated
/// to the peer's new key) and the next KEM state.
fn pq_ratchet_step<R: CryptoRng + ?Sized>(
    st: &RatchetState,
    received: Option<&KemParams>,
    rng: &mut R,
) -> Result<PqStep> {
    let pq_on = st.enable_kem.0 && st.versions.current >= PQ_RATCHET_E2E_VERSION;
    let Some(params) = received else {
        // The peer sent no KEM; propose one if this side wants PQ and has none yet.
        let kem = (pq_on && st.kem.is_none()).then(|| RatchetKem {
            own: KemKeyPair::generate(rng),
            accepted: None,
        });
        return Ok((None, None, kem));
    };
    let rcv_ss = match params {
        KemParams::Proposed(_) => None,
        KemParams::Accepted(ct, _) => {
            let kem = st.kem.as_ref().ok_or(RatchetError::KemState)?;
            Some(kem.own.secret.decapsulate(ct))
        }
    };
    if !pq_on {
        return Ok((rcv_ss, None, None));
    }
    let peer_key = params.public_key().clone();
    let (ciphertext, shared) = peer_key.encapsulate(rng);
    let kem = RatchetKem {
        own: KemKeyPair::generate(rng),
        accepted: Some(KemAccepted {
            peer_key,
            shared: shared.clone(),
            ciphertext,
        }),
    };
    Ok((rcv_ss, Some(shared), Some(kem)))
}
