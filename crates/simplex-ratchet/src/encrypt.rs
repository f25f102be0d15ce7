//! Sending (`rcEncryptHeader`, `rcEncryptMsg`, `rcCheckCanPad` in `Ratchet.hs`).
//!
//! Like the reference, sending has two halves: [`encrypt_header`] advances the state
//! and yields a [`MsgEncryptKey`] (which the agent may store), and
//! [`MsgEncryptKey::encrypt`] encrypts the body with it, possibly later. [`encrypt`] does
//! both at once. Sending needs no randomness: the header IV comes from the chain KDF.

use core::fmt;

use simplex_crypto::aead::encrypt_padded;
use simplex_crypto::pad::MAX_PADDED_MSG_LEN;
use simplex_encoding::writer::{put_large, put_short, put_u16};
use simplex_encoding::{Decode, DecodeError, Encode, Reader, Version};

use crate::error::{RatchetError, Result};
use crate::header::{EncMessageHeader, EncRatchetMessage, MsgHeader};
use crate::kdf::chain_kdf;
use crate::keys::MessageKey;
use crate::params::KemParams;
use crate::state::{RatchetKem, RatchetState};
use crate::version::{
    CURRENT_E2E_VERSION, PQ_RATCHET_E2E_VERSION, PQEncryption, padded_header_len,
};

/// Fails with [`RatchetError::MessageTooLarge`] unless a message of `msg_len` bytes can
/// be padded to `padded_len` (`rcCheckCanPad`).
pub fn check_can_pad(padded_len: usize, msg_len: usize) -> Result<()> {
    let fits = padded_len
        .checked_sub(2)
        .is_some_and(|room| msg_len <= room);
    if msg_len <= MAX_PADDED_MSG_LEN && fits {
        Ok(())
    } else {
        Err(RatchetError::MessageTooLarge)
    }
}

/// Everything needed to encrypt one message body after its header was made
/// (`MsgEncryptKey`). Wire form, as the reference stores it:
/// `w16 v ‖ short(AD) ‖ short(mk) ‖ short(iv) ‖ large(encHeader)`.
#[derive(Clone, PartialEq, Eq)]
pub struct MsgEncryptKey {
    version: Version,
    key: MessageKey,
    ad: Vec<u8>,
    enc_header: Vec<u8>,
}

impl MsgEncryptKey {
    /// Encrypts `msg` padded to `padded_len` into the message to send
    /// (`rcEncryptMsg`).
    pub fn encrypt(&self, padded_len: usize, msg: &[u8]) -> Result<Vec<u8>> {
        let mut ad = Vec::with_capacity(self.ad.len() + self.enc_header.len());
        ad.extend_from_slice(&self.ad);
        ad.extend_from_slice(&self.enc_header);
        let (tag, body) = encrypt_padded(self.key.key(), self.key.iv(), padded_len, &ad, msg)?;
        let msg = EncRatchetMessage {
            header: &self.enc_header,
            tag,
            body: &body,
        };
        Ok(msg.encode_v(self.version))
    }

    /// The encoded encrypted header this key belongs to.
    pub fn enc_header(&self) -> &[u8] {
        &self.enc_header
    }
}

impl fmt::Debug for MsgEncryptKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MsgEncryptKey")
            .field("version", &self.version)
            .field("enc_header_len", &self.enc_header.len())
            .finish_non_exhaustive()
    }
}

impl Encode for MsgEncryptKey {
    fn encode(&self, out: &mut Vec<u8>) {
        put_u16(out, self.version);
        put_short(out, &self.ad);
        self.key.encode(out);
        put_large(out, &self.enc_header);
    }
}

impl Decode for MsgEncryptKey {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(MsgEncryptKey {
            version: r.u16()?,
            ad: r.short()?.to_vec(),
            key: MessageKey::decode(r)?,
            enc_header: r.large()?.to_vec(),
        })
    }
}

fn header_kem(kem: &RatchetKem) -> KemParams {
    let pk = kem.own.public.clone();
    match &kem.accepted {
        None => KemParams::Proposed(pk),
        Some(acc) => KemParams::Accepted(acc.ciphertext.clone(), pk),
    }
}

/// Makes the next header and advances the sending chain (`rcEncryptHeader`).
///
/// `pq` switches PQ encryption on or off from this message (`None` keeps the state's
/// choice); `supported_version` is the highest E2E version this side allows (normally
/// [`CURRENT_E2E_VERSION`]). Fails with [`RatchetError::MissingChain`] before the
/// first message was received on the creating side.
pub fn encrypt_header(
    state: &RatchetState,
    pq: Option<PQEncryption>,
    supported_version: Version,
) -> Result<(MsgEncryptKey, RatchetState)> {
    let snd = state.snd.as_ref().ok_or(RatchetError::MissingChain)?;
    let (ck, key, header_iv) = chain_kdf(&snd.ck);
    let v = state.current_version();
    let enable_kem = pq.unwrap_or(state.enable_kem);
    let support_kem = state.support_kem.enable(v, enable_kem);
    let wanted = if pq == Some(PQEncryption::ON) {
        PQ_RATCHET_E2E_VERSION
    } else {
        v
    };
    let max_supported = supported_version.max(wanted);
    let header = MsgHeader {
        max_version: max_supported,
        dh: state.dh_rs.public.clone(),
        kem: state.kem.as_ref().map(header_kem),
        pn: state.pn,
        ns: state.ns,
    };
    let padded = padded_header_len(v, support_kem);
    let (tag, body) = encrypt_padded(
        &snd.hk.0,
        &header_iv,
        padded,
        &state.ad,
        &header.encode_v(v),
    )?;
    let enc_header = EncMessageHeader {
        version: v,
        iv: header_iv,
        tag,
        body,
    }
    .to_bytes();
    let mut next = state.clone();
    if let Some(s) = next.snd.as_mut() {
        s.ck = ck;
    }
    next.ns = state.ns.wrapping_add(1);
    next.support_kem = support_kem;
    next.enable_kem = enable_kem;
    next.versions.max_supported = max_supported;
    // Deliberate difference from the reference, which here drops the KEM ciphertext
    // from the state when PQ is switched off. The current sending chain was derived
    // with that ciphertext's secret, so every header of the chain must keep carrying
    // it: otherwise, if the chain's first message is lost or delayed, the peer steps
    // its ratchet without the secret and the connection breaks. Keeping it changes only
    // the KEM field of the chain's later headers, which a peer ignores unless it starts
    // the chain from them; PQ still turns off at the next ratchet step.
    let mek = MsgEncryptKey {
        version: v,
        key,
        ad: state.ad.clone(),
        enc_header,
    };
    Ok((mek, next))
}

/// Encrypts one message: header and body (`rcEncryptHeader` then `rcEncryptMsg`, with
/// [`CURRENT_E2E_VERSION`] as the supported version). The state is unchanged on error.
pub fn encrypt(
    state: &RatchetState,
    pq: Option<PQEncryption>,
    plaintext: &[u8],
    padded_len: usize,
) -> Result<(Vec<u8>, RatchetState)> {
    check_can_pad(padded_len, plaintext.len())?;
    let (mek, next) = encrypt_header(state, pq, CURRENT_E2E_VERSION)?;
    Ok((mek.encrypt(padded_len, plaintext)?, next))
}
