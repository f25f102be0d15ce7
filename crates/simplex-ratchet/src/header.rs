//! Wire forms of ratchet messages (`MsgHeader`, `EncMessageHeader`, `EncRatchetMessage`
//! in `Ratchet.hs`):
//!
//! ```text
//! MsgHeader         = w16 maxVersion ‖ short(spki DHRs) ‖ [v ≥ 3] maybe(kem) ‖ w32 PN ‖ w32 Ns
//! EncMessageHeader  = w16 v ‖ iv(16) ‖ tag(16) ‖ len(v, AES-GCM(HKs, pad(MsgHeader, 88 | 2310)))
//! EncRatchetMessage = len(v, EncMessageHeader) ‖ tag(16) ‖ AES-GCM(MK, pad(msg, L))
//! ```
//! `len(v, s)` is a 2-byte length at v ≥ 3 and a 1-byte one before. Parsers take a first
//! byte below 32 as the start of a 2-byte length (a header is never that short), so a
//! peer can move to v3 in one message.

use simplex_crypto::X448Public;
use simplex_encoding::writer::{put_large, put_short, put_u16, put_u32};
use simplex_encoding::{Decode, DecodeError, Encode, Reader, Version};

use crate::params::{KemParams, get_x448, put_x448};
use crate::version::PQ_RATCHET_E2E_VERSION;

/// The plaintext message header (`MsgHeader`). Its encoding depends on the sender's
/// current version, which travels outside it (in [`EncMessageHeader`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MsgHeader {
    /// The highest E2E version the sender supports.
    pub max_version: Version,
    /// The sender's current ratchet public key.
    pub dh: X448Public,
    /// The sender's KEM params (only encoded at v3+).
    pub kem: Option<KemParams>,
    /// The number of messages in the sender's previous sending chain.
    pub pn: u32,
    /// This message's number in the current sending chain.
    pub ns: u32,
}

impl MsgHeader {
    /// Encodes for version `v` (`encodeMsgHeader`).
    pub fn encode_v(&self, v: Version) -> Vec<u8> {
        let mut out = Vec::with_capacity(96);
        put_u16(&mut out, self.max_version);
        put_x448(&mut out, &self.dh);
        if v >= PQ_RATCHET_E2E_VERSION {
            self.kem.encode(&mut out);
        }
        put_u32(&mut out, self.pn);
        put_u32(&mut out, self.ns);
        out
    }

    /// Decodes for version `v` (`msgHeaderP`). Like the reference, bytes after the
    /// header are ignored (room for extensions inside the fixed padded size).
    pub fn decode_v(v: Version, bytes: &[u8]) -> Result<Self, DecodeError> {
        let r = &mut Reader::new(bytes);
        let max_version = r.u16()?;
        let dh = get_x448(r)?;
        let kem = if v >= PQ_RATCHET_E2E_VERSION {
            Option::<KemParams>::decode(r)?
        } else {
            None
        };
        Ok(MsgHeader {
            max_version,
            dh,
            kem,
            pn: r.u32()?,
            ns: r.u32()?,
        })
    }
}

/// Appends `s` with the version's length prefix (`encodeLarge`).
fn put_len_v(out: &mut Vec<u8>, v: Version, s: &[u8]) {
    if v >= PQ_RATCHET_E2E_VERSION {
        put_large(out, s);
    } else {
        put_short(out, s);
    }
}

/// Reads a string with either length prefix (`largeP`).
fn get_len_any<'a>(r: &mut Reader<'a>) -> Result<&'a [u8], DecodeError> {
    match r.peek() {
        Some(b) if b < 32 => r.large(),
        _ => r.short(),
    }
}

/// The encrypted header with its version, IV and tag (`EncMessageHeader`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncMessageHeader {
    /// The sender's current E2E version; it decides how the header decodes.
    pub version: Version,
    /// The header IV (derived from the sending chain).
    pub iv: [u8; 16],
    /// The header's AES-GCM tag.
    pub tag: [u8; 16],
    /// The encrypted padded header.
    pub body: Vec<u8>,
}

impl Encode for EncMessageHeader {
    fn encode(&self, out: &mut Vec<u8>) {
        put_u16(out, self.version);
        out.extend_from_slice(&self.iv);
        out.extend_from_slice(&self.tag);
        put_len_v(out, self.version, &self.body);
    }
}

impl Decode for EncMessageHeader {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(EncMessageHeader {
            version: r.u16()?,
            iv: r.array()?,
            tag: r.array()?,
            body: get_len_any(r)?.to_vec(),
        })
    }
}

/// A whole ratchet message as sent (`EncRatchetMessage`); `header` is the encoded
/// [`EncMessageHeader`], kept as bytes because it is part of the body's associated data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncRatchetMessage<'a> {
    /// The encoded encrypted header.
    pub header: &'a [u8],
    /// The body's AES-GCM tag.
    pub tag: [u8; 16],
    /// The encrypted padded body.
    pub body: &'a [u8],
}

impl<'a> EncRatchetMessage<'a> {
    /// Encodes with the sender's current version `v` (`encodeEncRatchetMessage`).
    pub fn encode_v(&self, v: Version) -> Vec<u8> {
        let mut out = Vec::with_capacity(2 + self.header.len() + 16 + self.body.len());
        put_len_v(&mut out, v, self.header);
        out.extend_from_slice(&self.tag);
        out.extend_from_slice(self.body);
        out
    }

    /// Parses a message (`encRatchetMessageP`); the body is the rest of the input.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, DecodeError> {
        let r = &mut Reader::new(bytes);
        let header = get_len_any(r)?;
        let tag = r.array()?;
        Ok(EncRatchetMessage {
            header,
            tag,
            body: r.tail(),
        })
    }
}
