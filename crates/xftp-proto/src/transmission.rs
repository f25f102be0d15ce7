//! One XFTP transmission per request or response, as a batch of one padded to the block
//! (`Protocol.hs` `xftpEncodeAuthTransmission`, `xftpDecodeTransmission`).
//!
//! ```text
//! block        = pad(0x01 ‖ large(transmission), 16384)
//! transmission = short(auth) ‖ body
//! body         = short(sessionId) ‖ short(corrId) ‖ short(entityId) ‖ command
//! ```
//!
//! XFTP always sends the session id (it is never implied, unlike SMP v7+), and the
//! authorization covers exactly `body`. Native clients use an empty corrId, so an
//! X25519 authenticator uses the all-zero nonce.

use crate::command::FileCommand;
use crate::error::{ProtoError, XftpErrorType};
use crate::response::FileResponse;
use crate::versions::BLOCK_SIZE;
use simplex_crypto::authenticator::cb_authenticate;
use simplex_crypto::keys::{PrivateAuthKey, X25519Public};
use simplex_crypto::nonce::cb_nonce;
use simplex_crypto::pad::{pad, unpad};
use simplex_encoding::Version;
use smp_proto::batch::{batch_of_one, parse_batch};
use smp_proto::transmission::{self, TAuth, TParams, TransmissionError};
use smp_proto::{CorrId, EntityId};

/// The bytes a transmission's authorization covers (also the bytes sent after it).
pub fn transmission_body(
    session_id: &[u8],
    corr_id: &CorrId,
    entity_id: &EntityId,
    command: &[u8],
) -> Vec<u8> {
    transmission::authorized_bytes(session_id, corr_id, entity_id, command)
}

/// Makes the authorization of `body`: a signature for Ed25519/Ed448 keys, or an
/// X25519 authenticator, which needs the server's handshake key.
pub fn sign_transmission(
    key: &PrivateAuthKey,
    server_key: Option<&X25519Public>,
    corr_id: &CorrId,
    body: &[u8],
) -> Result<Vec<u8>, ProtoError> {
    match key {
        PrivateAuthKey::X25519(secret) => {
            let server = server_key.ok_or(ProtoError::Auth("X25519 key needs the server key"))?;
            let nonce = cb_nonce(corr_id.as_bytes());
            Ok(cb_authenticate(server, secret, &nonce, body).to_vec())
        }
        k => Ok(k.sign(body)?),
    }
}

/// Puts an authorization (empty for none) and a body into a padded block.
pub fn encode_block(auth: &[u8], body: &[u8]) -> Result<Vec<u8>, ProtoError> {
    if auth.len() > 255 {
        return Err(ProtoError::Block);
    }
    let mut t = Vec::with_capacity(1 + auth.len() + body.len());
    t.push(auth.len() as u8);
    t.extend_from_slice(auth);
    t.extend_from_slice(body);
    if t.len() > u16::MAX as usize {
        return Err(ProtoError::Block);
    }
    pad(&batch_of_one(&t), BLOCK_SIZE).map_err(|_| ProtoError::Block)
}

/// A client's command block, authorized with `key` when given
/// (`server_key` is the X25519 key from the server handshake, needed for X25519 keys).
pub fn encode_command(
    session_id: &[u8],
    corr_id: &CorrId,
    entity_id: &EntityId,
    command: &FileCommand,
    key: Option<(&PrivateAuthKey, Option<&X25519Public>)>,
) -> Result<Vec<u8>, ProtoError> {
    let body = transmission_body(session_id, corr_id, entity_id, &command.to_bytes());
    let auth = match key {
        Some((k, srv)) => sign_transmission(k, srv, corr_id, &body)?,
        None => Vec::new(),
    };
    encode_block(&auth, &body)
}

/// A server's response block for a client of version `v`.
pub fn encode_response(
    session_id: &[u8],
    v: Version,
    corr_id: &CorrId,
    entity_id: &EntityId,
    response: &FileResponse,
) -> Result<Vec<u8>, ProtoError> {
    let mut cmd = Vec::new();
    response.encode_for(v, &mut cmd);
    encode_block(
        &[],
        &transmission_body(session_id, corr_id, entity_id, &cmd),
    )
}

/// A command block the server has taken apart, not yet verified.
#[derive(Debug, Clone)]
pub struct Request {
    /// The authorization, if any.
    pub auth: Option<TAuth>,
    /// The bytes the authorization covers.
    pub authorized: Vec<u8>,
    /// Correlation id to echo.
    pub corr_id: CorrId,
    /// Sender or recipient id (empty for `FNEW` and `PING`).
    pub entity_id: EntityId,
    /// The command, with its credentials checked.
    pub command: FileCommand,
}

/// Why a command block is refused, with the ids to echo in the `ERR` reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    /// Correlation id (empty when it could not be read).
    pub corr_id: CorrId,
    /// Entity id (empty for block and session errors).
    pub entity_id: EntityId,
    /// The error.
    pub error: XftpErrorType,
}

impl RequestError {
    fn block() -> Self {
        RequestError {
            corr_id: CorrId::empty(),
            entity_id: EntityId::empty(),
            error: XftpErrorType::Block,
        }
    }
}

fn raw(session_id: &[u8], block: &[u8]) -> Result<transmission::RawTransmission, RequestError> {
    if block.len() != BLOCK_SIZE {
        return Err(RequestError::block());
    }
    let content = unpad(block).map_err(|_| RequestError::block())?;
    let ts = parse_batch(content).map_err(|_| RequestError::block())?;
    let [t] = ts.as_slice() else {
        return Err(RequestError::block());
    };
    // Versions below 7 make smp-proto read the session id from the transmission and
    // have no service signature slot: exactly the XFTP layout.
    let p = TParams {
        version: 1,
        session_id: session_id.to_vec(),
    };
    transmission::parse(&p, t).map_err(|TransmissionError { corr_id, error }| {
        let error = match error {
            smp_proto::ErrorType::Session => XftpErrorType::Session,
            _ => XftpErrorType::Block,
        };
        RequestError {
            corr_id,
            entity_id: EntityId::empty(),
            error,
        }
    })
}

/// Server side: takes a 16 384-byte command block apart and parses the command
/// (the reference's `xftpDecodeTServer` with `checkCredentials`).
pub fn decode_request(session_id: &[u8], block: &[u8]) -> Result<Request, RequestError> {
    let t = raw(session_id, block)?;
    let err = |error| RequestError {
        corr_id: t.corr_id.clone(),
        entity_id: t.entity_id.clone(),
        error,
    };
    let command = FileCommand::parse(&t.command).map_err(err)?;
    command
        .check_credentials(t.auth.is_some(), t.entity_id.as_bytes())
        .map_err(err)?;
    Ok(Request {
        auth: t.auth,
        authorized: t.authorized,
        corr_id: t.corr_id,
        entity_id: t.entity_id,
        command,
    })
}

/// A response block the client has taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Correlation id.
    pub corr_id: CorrId,
    /// Entity id.
    pub entity_id: EntityId,
    /// The response, or why it does not parse or fit its entity id.
    pub response: Result<FileResponse, XftpErrorType>,
}

/// Client side: takes a response block apart (`xftpDecodeTClient`); a block that is
/// not a single padded transmission is `BLOCK`, a wrong session id `SESSION`.
pub fn decode_response(session_id: &[u8], block: &[u8]) -> Result<Reply, XftpErrorType> {
    let t = raw(session_id, block).map_err(|e| e.error)?;
    let response = FileResponse::parse(&t.command)
        .and_then(|r| r.check_entity(t.entity_id.as_bytes()).map(|()| r));
    Ok(Reply {
        corr_id: t.corr_id,
        entity_id: t.entity_id,
        response,
    })
}
