//! XFTP responses (`FileTransfer/Protocol.hs` `FileResponse`).
//!
//! ```text
//! SIDS ' ' short(senderId) u8 N N×short(recipientId)
//! RIDS ' ' u8 N N×short(recipientId)
//! FILE ' ' short(spki X25519 serverDhKey) nonce(24)    -- the encrypted chunk follows
//! OK | PONG | ERR ' ' error
//! ```

use crate::error::XftpErrorType;
use simplex_crypto::CbNonce;
use simplex_crypto::keys::X25519Public;
use simplex_encoding::writer::put_list;
use simplex_encoding::{Decode, DecodeError, Encode, Reader, Version};
use smp_proto::EntityId;
use smp_proto::error::CommandError;
use smp_proto::keys::{put_x25519, read_x25519};

/// A server response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileResponse {
    /// `FNEW` result: the sender id and one recipient id per recipient key.
    SndIds(EntityId, Vec<EntityId>),
    /// `FADD` result: one recipient id per key.
    RcvIds(Vec<EntityId>),
    /// `FGET` result: the server's X25519 key and the nonce of the streamed encryption.
    File(X25519Public, CbNonce),
    /// Success.
    Ok,
    /// An error.
    Err(XftpErrorType),
    /// `PING` reply.
    Pong,
}

impl FileResponse {
    /// The response tag.
    pub fn tag(&self) -> &'static str {
        match self {
            FileResponse::SndIds(..) => "SIDS",
            FileResponse::RcvIds(_) => "RIDS",
            FileResponse::File(..) => "FILE",
            FileResponse::Ok => "OK",
            FileResponse::Err(_) => "ERR",
            FileResponse::Pong => "PONG",
        }
    }

    /// Encodes the response for a client of version `v`.
    pub fn encode_for(&self, v: Version, out: &mut Vec<u8>) {
        out.extend_from_slice(self.tag().as_bytes());
        match self {
            FileResponse::SndIds(s, rs) => {
                out.push(b' ');
                s.encode(out);
                put_list(out, rs, |o, r| r.encode(o));
            }
            FileResponse::RcvIds(rs) => {
                out.push(b' ');
                put_list(out, rs, |o, r| r.encode(o));
            }
            FileResponse::File(k, nonce) => {
                out.push(b' ');
                put_x25519(out, k);
                out.extend_from_slice(nonce);
            }
            FileResponse::Err(e) => {
                out.push(b' ');
                e.encode_for(v, out);
            }
            FileResponse::Ok | FileResponse::Pong => {}
        }
    }

    /// Parses a response: unknown tag is `CMD UNKNOWN`, bad syntax `CMD SYNTAX`.
    pub fn parse(b: &[u8]) -> Result<Self, XftpErrorType> {
        let split = b.iter().position(|&c| c == b' ').unwrap_or(b.len());
        let (tag, params) = b.split_at(split);
        if !matches!(tag, b"SIDS" | b"RIDS" | b"FILE" | b"OK" | b"ERR" | b"PONG") {
            return Err(XftpErrorType::UNKNOWN);
        }
        let mut r = Reader::new(params);
        parse_params(tag, &mut r)
            .and_then(|x| r.finish().map(|()| x))
            .map_err(|_| XftpErrorType::SYNTAX)
    }

    /// The reference's client-side `checkCredentials`: `SIDS` and `PONG` have no entity
    /// id, `ERR` may have one, every other response must have one.
    pub fn check_entity(&self, entity_id: &[u8]) -> Result<(), XftpErrorType> {
        match self {
            FileResponse::SndIds(..) | FileResponse::Pong if !entity_id.is_empty() => {
                Err(XftpErrorType::Cmd(CommandError::HasAuth))
            }
            FileResponse::SndIds(..) | FileResponse::Pong | FileResponse::Err(_) => Ok(()),
            _ if entity_id.is_empty() => Err(XftpErrorType::Cmd(CommandError::NoEntity)),
            _ => Ok(()),
        }
    }
}

fn parse_params(tag: &[u8], r: &mut Reader<'_>) -> Result<FileResponse, DecodeError> {
    if matches!(tag, b"OK" | b"PONG") {
        return Ok(if tag == b"OK" {
            FileResponse::Ok
        } else {
            FileResponse::Pong
        });
    }
    r.expect(b' ', "space after response tag")?;
    Ok(match tag {
        b"SIDS" => {
            let s = EntityId::decode(r)?;
            FileResponse::SndIds(s, r.non_empty(EntityId::decode)?)
        }
        b"RIDS" => FileResponse::RcvIds(r.non_empty(EntityId::decode)?),
        b"FILE" => FileResponse::File(read_x25519(r)?, r.array::<24>()?),
        _ => FileResponse::Err(XftpErrorType::parse(r)?),
    })
}
