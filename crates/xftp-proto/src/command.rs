//! XFTP commands (`FileTransfer/Protocol.hs` `FileCommand`, protocol-map §7.2).
//!
//! ```text
//! FNEW ' ' fileInfo u8 N N×short(spki rcvKey) maybe(short basicAuth)
//!      fileInfo = short(spki sndKey) w32 size short(digest)
//! FADD ' ' u8 N N×short(spki rcvKey)
//! FPUT | FDEL | FACK | PING
//! FGET ' ' short(spki X25519 rcvDhKey)
//! ```

use crate::error::XftpErrorType;
use simplex_crypto::keys::{PublicAuthKey, X25519Public};
use simplex_encoding::writer::{put_list, put_maybe, put_short, put_u32};
use simplex_encoding::{Decode, DecodeError, Encode, Reader};
use smp_proto::address::BasicAuth;
use smp_proto::error::CommandError;
use smp_proto::keys::{put_auth_key, put_x25519, read_auth_key, read_x25519};

/// Which party a command belongs to: its entity id is a sender or a recipient id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileParty {
    /// The uploader (sender id, sender key).
    Sender,
    /// A downloader (recipient id, recipient key).
    Recipient,
}

/// What the sender declares about a chunk in `FNEW`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    /// The key that authorizes the sender's commands.
    pub snd_key: PublicAuthKey,
    /// The chunk size in bytes.
    pub size: u32,
    /// SHA-256 of the chunk.
    pub digest: Vec<u8>,
}

impl Encode for FileInfo {
    fn encode(&self, out: &mut Vec<u8>) {
        put_auth_key(out, &self.snd_key);
        put_u32(out, self.size);
        put_short(out, &self.digest);
    }
}

impl Decode for FileInfo {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(FileInfo {
            snd_key: read_auth_key(r)?,
            size: r.u32()?,
            digest: r.short()?.to_vec(),
        })
    }
}

/// A command from a client.
// One command per request: the size of `New` does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileCommand {
    /// Create a chunk with its recipients (no entity id; signed with the sender key).
    New {
        /// The chunk's sender key, size and digest.
        file: FileInfo,
        /// Recipient keys (1..=255).
        rcv_keys: Vec<PublicAuthKey>,
        /// The server's upload password, if it has one.
        auth: Option<BasicAuth>,
    },
    /// Add recipients to a chunk.
    Add(Vec<PublicAuthKey>),
    /// Upload the chunk: its bytes follow the command block in the request body.
    Put,
    /// Delete the chunk.
    Del,
    /// Download the chunk, encrypted to this X25519 key.
    Get(X25519Public),
    /// Acknowledge the download: the recipient id is deleted.
    Ack,
    /// Keep-alive.
    Ping,
}

impl FileCommand {
    /// The command tag.
    pub fn tag(&self) -> &'static str {
        match self {
            FileCommand::New { .. } => "FNEW",
            FileCommand::Add(_) => "FADD",
            FileCommand::Put => "FPUT",
            FileCommand::Del => "FDEL",
            FileCommand::Get(_) => "FGET",
            FileCommand::Ack => "FACK",
            FileCommand::Ping => "PING",
        }
    }

    /// The party whose id and key the command uses.
    pub fn party(&self) -> FileParty {
        match self {
            FileCommand::New { .. } | FileCommand::Add(_) | FileCommand::Put | FileCommand::Del => {
                FileParty::Sender
            }
            FileCommand::Get(_) | FileCommand::Ack | FileCommand::Ping => FileParty::Recipient,
        }
    }

    /// Encodes the command (the encoding is the same in every version).
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.tag().as_bytes());
        match self {
            FileCommand::New {
                file,
                rcv_keys,
                auth,
            } => {
                out.push(b' ');
                file.encode(out);
                put_list(out, rcv_keys, put_auth_key);
                put_maybe(out, auth.as_ref(), |o, a| a.encode(o));
            }
            FileCommand::Add(keys) => {
                out.push(b' ');
                put_list(out, keys, put_auth_key);
            }
            FileCommand::Get(k) => {
                out.push(b' ');
                put_x25519(out, k);
            }
            FileCommand::Put | FileCommand::Del | FileCommand::Ack | FileCommand::Ping => {}
        }
    }

    /// The encoded command.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }

    /// Parses a command: an unknown tag is `CMD UNKNOWN`, anything else that does not
    /// parse exactly (including trailing bytes) is `CMD SYNTAX`.
    pub fn parse(b: &[u8]) -> Result<Self, XftpErrorType> {
        let split = b.iter().position(|&c| c == b' ').unwrap_or(b.len());
        let (tag, params) = b.split_at(split);
        let known = [
            b"FNEW", b"FADD", b"FPUT", b"FDEL", b"FGET", b"FACK", b"PING",
        ];
        if !known.iter().any(|k| k.as_slice() == tag) {
            return Err(XftpErrorType::UNKNOWN);
        }
        let mut r = Reader::new(params);
        parse_params(tag, &mut r)
            .and_then(|c| r.finish().map(|()| c))
            .map_err(|_| XftpErrorType::SYNTAX)
    }

    /// The reference's `checkCredentials`: `FNEW` must be authorized and have no entity
    /// id, `PING` must have neither, every other command needs both.
    pub fn check_credentials(&self, has_auth: bool, entity_id: &[u8]) -> Result<(), XftpErrorType> {
        let cmd = |e| Err(XftpErrorType::Cmd(e));
        match self {
            FileCommand::New { .. } if !has_auth => cmd(CommandError::NoAuth),
            FileCommand::New { .. } if !entity_id.is_empty() => cmd(CommandError::HasAuth),
            FileCommand::New { .. } => Ok(()),
            FileCommand::Ping if has_auth || !entity_id.is_empty() => cmd(CommandError::HasAuth),
            FileCommand::Ping => Ok(()),
            _ if !has_auth || entity_id.is_empty() => cmd(CommandError::NoAuth),
            _ => Ok(()),
        }
    }
}

fn parse_params(tag: &[u8], r: &mut Reader<'_>) -> Result<FileCommand, DecodeError> {
    let space = |r: &mut Reader<'_>| r.expect(b' ', "space after command tag");
    Ok(match tag {
        b"FNEW" => {
            space(r)?;
            let file = FileInfo::decode(r)?;
            let rcv_keys = r.non_empty(read_auth_key)?;
            let auth = r.maybe(BasicAuth::decode)?;
            FileCommand::New {
                file,
                rcv_keys,
                auth,
            }
        }
        b"FADD" => {
            space(r)?;
            FileCommand::Add(r.non_empty(read_auth_key)?)
        }
        b"FGET" => {
            space(r)?;
            FileCommand::Get(read_x25519(r)?)
        }
        b"FPUT" => FileCommand::Put,
        b"FDEL" => FileCommand::Del,
        b"FACK" => FileCommand::Ack,
        _ => FileCommand::Ping,
    })
}
