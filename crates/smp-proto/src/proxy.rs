//! Envelopes of private message routing (`protocol-map.md` §3.5).
//!
//! The proxy forwards `short(corrId) ‖ w16 version ‖ short(spki clientKey) ‖ tail(encT)`
//! to the destination relay inside `RFWD`, encrypted with the proxy–relay session
//! secret; the relay answers `short(corrId) ‖ tail(encResponse)` inside `RRES`.
//! Response nonces are the request nonces byte-reversed.

use crate::ids::CorrId;
use crate::keys::{put_x25519, read_x25519};
use simplex_crypto::keys::X25519Public;
use simplex_encoding::{Decode, DecodeError, Encode, Reader, Version};

/// What the proxy forwards to the destination relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FwdTransmission {
    /// The client's correlation id (the nonce of `encT`).
    pub corr_id: CorrId,
    /// The version the client chose for the destination relay.
    pub version: Version,
    /// The client's per-command X25519 key.
    pub key: X25519Public,
    /// The client's encrypted, padded transmission batch.
    pub enc: Vec<u8>,
}

impl Encode for FwdTransmission {
    fn encode(&self, out: &mut Vec<u8>) {
        self.corr_id.encode(out);
        self.version.encode(out);
        put_x25519(out, &self.key);
        out.extend_from_slice(&self.enc);
    }
}

impl Decode for FwdTransmission {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(FwdTransmission {
            corr_id: CorrId::decode(r)?,
            version: r.u16()?,
            key: read_x25519(r)?,
            enc: r.tail().to_vec(),
        })
    }
}

/// What the destination relay returns to the proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FwdResponse {
    /// The client's correlation id.
    pub corr_id: CorrId,
    /// The response batch encrypted to the client.
    pub enc: Vec<u8>,
}

impl Encode for FwdResponse {
    fn encode(&self, out: &mut Vec<u8>) {
        self.corr_id.encode(out);
        out.extend_from_slice(&self.enc);
    }
}

impl Decode for FwdResponse {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(FwdResponse {
            corr_id: CorrId::decode(r)?,
            enc: r.tail().to_vec(),
        })
    }
}

/// The response nonce for a request nonce: its bytes reversed.
pub fn reverse_nonce(n: &[u8; 24]) -> [u8; 24] {
    let mut r = *n;
    r.reverse();
    r
}
