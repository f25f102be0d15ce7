//! Transmissions: authorization, session id, correlation id, entity id and command
//! (`protocol-map.md` §3.1).
//!
//! ```text
//! transmission = short(auth) [v16+, auth non-empty: maybe(short(service sig))]
//!                [v<7: short(sessionId)] short(corrId) short(entityId) command
//! authorized   = short(sessionId) short(corrId) short(entityId) command
//! ```

use crate::error::ErrorType;
use crate::ids::{CorrId, EntityId};
use crate::versions::{AUTH_CMDS_V, SERVICE_CERTS_V};
use simplex_encoding::writer::put_short;
use simplex_encoding::{Decode, Encode, Reader, Version};

/// Size of an X25519 "deniable" authenticator.
pub const AUTHENTICATOR_LEN: usize = 80;

/// Per-connection parameters that shape transmissions.
#[derive(Debug, Clone)]
pub struct TParams {
    /// Negotiated (or forwarded) protocol version.
    pub version: Version,
    /// The session id (tls-unique).
    pub session_id: Vec<u8>,
}

impl TParams {
    /// The session id is not sent but implied in authorized bytes (v7+).
    pub fn implied_session_id(&self) -> bool {
        self.version >= AUTH_CMDS_V
    }

    /// The service signature slot is present (v16+).
    pub fn service_auth(&self) -> bool {
        self.version >= SERVICE_CERTS_V
    }
}

/// The authorization of a transmission, classified by its length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TAuth {
    /// An Ed25519 (64 bytes) or Ed448 (114 bytes) signature.
    Signature(Vec<u8>),
    /// An 80-byte X25519 authenticator.
    Authenticator(Vec<u8>),
}

/// A parsed transmission whose command is not yet decoded.
#[derive(Debug, Clone)]
pub struct RawTransmission {
    /// The authorization, if any.
    pub auth: Option<TAuth>,
    /// The optional service signature (v16+).
    pub service_sig: Option<Vec<u8>>,
    /// The bytes the authorization covers (with the session id).
    pub authorized: Vec<u8>,
    /// Correlation id.
    pub corr_id: CorrId,
    /// Entity id.
    pub entity_id: EntityId,
    /// Command or response bytes.
    pub command: Vec<u8>,
}

/// Why a transmission could not be taken apart: the error to answer with and the
/// correlation id to echo (empty when it could not be read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransmissionError {
    /// Correlation id to put in the `ERR` reply.
    pub corr_id: CorrId,
    /// The error (`BLOCK` or `SESSION`).
    pub error: ErrorType,
}

fn block_err(corr_id: CorrId) -> TransmissionError {
    TransmissionError {
        corr_id,
        error: ErrorType::Block,
    }
}

/// Parses one transmission.
pub fn parse(p: &TParams, t: &[u8]) -> Result<RawTransmission, TransmissionError> {
    let mut r = Reader::new(t);
    let auth = r.short().map_err(|_| block_err(CorrId::empty()))?.to_vec();
    let service_sig = if p.service_auth() && !auth.is_empty() {
        r.maybe(|r| Ok(r.short()?.to_vec()))
            .map_err(|_| block_err(CorrId::empty()))?
    } else {
        None
    };
    let rest = r.tail();
    let mut r = Reader::new(rest);
    let sess = if p.implied_session_id() {
        None
    } else {
        Some(r.short().map_err(|_| block_err(CorrId::empty()))?)
    };
    let corr_id = CorrId::decode(&mut r).map_err(|_| block_err(CorrId::empty()))?;
    // A transmission that does not parse as a whole is answered with an empty corrId
    // (the reference's `tParse` fails before the corrId is known to it).
    let entity_id = EntityId::decode(&mut r).map_err(|_| block_err(CorrId::empty()))?;
    let command = r.tail().to_vec();
    if let Some(s) = sess
        && s != p.session_id.as_slice()
    {
        return Err(TransmissionError {
            corr_id,
            error: ErrorType::Session,
        });
    }
    let authorized = if p.implied_session_id() {
        let mut a = Vec::with_capacity(1 + p.session_id.len() + rest.len());
        put_short(&mut a, &p.session_id);
        a.extend_from_slice(rest);
        a
    } else {
        rest.to_vec()
    };
    let auth = match auth.len() {
        0 => None,
        AUTHENTICATOR_LEN => Some(TAuth::Authenticator(auth)),
        64 | 114 => Some(TAuth::Signature(auth)),
        _ => return Err(block_err(corr_id)),
    };
    if service_sig.as_ref().is_some_and(|s| s.len() != 64) {
        return Err(block_err(CorrId::empty()));
    }
    Ok(RawTransmission {
        auth,
        service_sig,
        authorized,
        corr_id,
        entity_id,
        command,
    })
}

/// The bytes that an authorization covers.
pub fn authorized_bytes(
    session_id: &[u8],
    corr_id: &CorrId,
    entity: &EntityId,
    cmd: &[u8],
) -> Vec<u8> {
    let mut a = Vec::with_capacity(3 + session_id.len() + 48 + cmd.len());
    put_short(&mut a, session_id);
    corr_id.encode(&mut a);
    entity.encode(&mut a);
    a.extend_from_slice(cmd);
    a
}

/// Encodes a transmission for sending, given its authorization bytes (empty for none).
pub fn encode(
    p: &TParams,
    auth: &[u8],
    service_sig: Option<&[u8]>,
    corr_id: &CorrId,
    entity: &EntityId,
    cmd: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(auth.len() + 60 + cmd.len());
    put_short(&mut out, auth);
    if p.service_auth() && !auth.is_empty() {
        match service_sig {
            None => out.push(b'0'),
            Some(s) => {
                out.push(b'1');
                put_short(&mut out, s);
            }
        }
    }
    if !p.implied_session_id() {
        put_short(&mut out, &p.session_id);
    }
    corr_id.encode(&mut out);
    entity.encode(&mut out);
    out.extend_from_slice(cmd);
    out
}
