//! Binary wrappers of one message inside a body (reference `elementP`, `SignedMsg`,
//! `GrpMsgForward`, `AppMessageBinary`):
//!
//! - `'/' ‖ binding ‖ u8 n ‖ n × (keyRef ‖ short(signature)) ‖ json` — a signed message
//!   (binding `'G'` = group, key ref `'M'` = member key, Ed25519 or Ed448 signature);
//! - `'>' ‖ sender ‖ i64 seconds ‖ element` — forwarded by a relay (sender
//!   `'M' ‖ short(memberId) ‖ short(name)` or `'C'` for the channel); not nested;
//! - `'F' ‖ short(msgId) ‖ short(sharedMsgId) ‖ chunk` — a legacy inline file chunk
//!   (chunk: `u8 number ‖ bytes`, or `0x00` = cancelled).

use crate::error::ChatProtoError;
use crate::event::{FwdSender, GrpMsgForward};
use crate::ids::{MemberId, SharedMsgId};
use crate::time::UtcTime;
use simplex_encoding::error::DecodeError;
use simplex_encoding::reader::Reader;
use simplex_encoding::writer::{put_i64, put_short};

/// Prefix of a signed element.
pub const SIGNED_PREFIX: u8 = b'/';
/// Prefix of a forwarded element.
pub const FORWARD_PREFIX: u8 = b'>';
/// Prefix (and event tag) of a binary file chunk.
pub const FILE_CHUNK_PREFIX: u8 = b'F';

/// One signature over a signed message.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MsgSignature {
    /// The signature (64 bytes Ed25519 or 114 bytes Ed448) by the sender's member key.
    pub signature: Vec<u8>,
}

/// A signed message: signatures over the exact JSON bytes.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SignedMsg {
    /// The signatures (at least one).
    pub signatures: Vec<MsgSignature>,
    /// The exact bytes that were signed.
    pub signed_body: Vec<u8>,
}

fn put_text(out: &mut Vec<u8>, b: &[u8]) -> Result<(), ChatProtoError> {
    if b.len() > usize::from(u8::MAX) {
        return Err(ChatProtoError::TooLarge {
            len: b.len(),
            limit: usize::from(u8::MAX),
        });
    }
    put_short(out, b);
    Ok(())
}

impl SignedMsg {
    /// The element bytes: `'/' ‖ 'G' ‖ signatures ‖ body`.
    pub fn encode(&self) -> Result<Vec<u8>, ChatProtoError> {
        let n = u8::try_from(self.signatures.len())
            .ok()
            .filter(|n| *n > 0)
            .ok_or(ChatProtoError::Invalid("signature count"))?;
        let mut out = vec![SIGNED_PREFIX, b'G', n];
        for s in &self.signatures {
            out.push(b'M');
            put_text(&mut out, &s.signature)?;
        }
        out.extend_from_slice(&self.signed_body);
        Ok(out)
    }

    /// Reads the header after `'/'`; the rest of the reader is the signed body.
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.expect(b'G', "chat binding")?;
        let signatures = r.non_empty(|r| {
            r.expect(b'M', "key ref")?;
            let signature = r.short()?.to_vec();
            if signature.len() != 64 && signature.len() != 114 {
                return Err(DecodeError::Invalid("signature length"));
            }
            Ok(MsgSignature { signature })
        })?;
        Ok(SignedMsg {
            signatures,
            signed_body: r.tail().to_vec(),
        })
    }
}

impl GrpMsgForward {
    /// The forwarding header (`smpEncode`): sender, then the time in whole seconds.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), ChatProtoError> {
        match &self.sender {
            FwdSender::Member {
                member_id,
                member_name,
            } => {
                out.push(b'M');
                put_text(out, &member_id.0)?;
                put_text(out, member_name.as_bytes())?;
            }
            FwdSender::Channel => out.push(b'C'),
        }
        put_i64(out, self.broker_ts.unix_secs());
        Ok(())
    }

    /// Reads the forwarding header.
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let sender = match r.u8()? {
            b'M' => {
                let member_id = MemberId(r.short()?.to_vec());
                let name = std::str::from_utf8(r.short()?)
                    .map_err(|_| DecodeError::Invalid("member name is not UTF-8"))?;
                FwdSender::Member {
                    member_id,
                    member_name: name.to_owned(),
                }
            }
            b'C' => FwdSender::Channel,
            found => {
                return Err(DecodeError::BadByte {
                    found,
                    what: "forward sender",
                });
            }
        };
        let secs = r.i64()?;
        let broker_ts = UtcTime::from_unix(secs, 0).ok_or(DecodeError::Invalid("time"))?;
        Ok(GrpMsgForward { sender, broker_ts })
    }
}

/// Wraps an element as forwarded: `'>' ‖ header ‖ element`.
pub fn encode_forward_element(
    fwd: &GrpMsgForward,
    element: &[u8],
) -> Result<Vec<u8>, ChatProtoError> {
    let mut out = vec![FORWARD_PREFIX];
    fwd.encode(&mut out)?;
    out.extend_from_slice(element);
    Ok(out)
}

/// A chunk of a file sent inline (legacy).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum FileChunk {
    /// Chunk `number` (1-255 inline) with its bytes.
    Chunk {
        /// The chunk number.
        number: u8,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// The transfer was cancelled.
    Cancel,
}

/// A binary chat message carrying a file chunk (`BFileChunk`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BinaryFileChunk {
    /// The message id of the binary envelope (the reference sends none).
    pub msg_id: Option<SharedMsgId>,
    /// The file's message id.
    pub file_msg_id: SharedMsgId,
    /// The chunk.
    pub chunk: FileChunk,
}

impl BinaryFileChunk {
    /// The element bytes.
    pub fn encode(&self) -> Result<Vec<u8>, ChatProtoError> {
        let mut out = vec![FILE_CHUNK_PREFIX];
        put_text(&mut out, self.msg_id.as_ref().map_or(&[][..], |m| &m.0))?;
        put_text(&mut out, &self.file_msg_id.0)?;
        match &self.chunk {
            FileChunk::Chunk { number: 0, .. } => {
                return Err(ChatProtoError::Invalid("inline chunk number 0"));
            }
            FileChunk::Chunk { number, bytes } => {
                out.push(*number);
                out.extend_from_slice(bytes);
            }
            FileChunk::Cancel => out.push(0),
        }
        Ok(out)
    }

    /// Reads the element after its `'F'`.
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let id = r.short()?;
        let msg_id = (!id.is_empty()).then(|| SharedMsgId(id.to_vec()));
        let file_msg_id = SharedMsgId(r.short()?.to_vec());
        let chunk = match r.u8()? {
            0 => FileChunk::Cancel,
            number => FileChunk::Chunk {
                number,
                bytes: r.tail().to_vec(),
            },
        };
        Ok(BinaryFileChunk {
            msg_id,
            file_msg_id,
            chunk,
        })
    }
}
