//! zstd compression of chat message bodies (reference `Simplex.Messaging.Compression`
//! and `compressedBatchMsgBody_`).
//!
//! A compressed body is `'X' ‖ u8 count (≥ 1) ‖ count × part`, a part being
//! `'0' ‖ short(bytes)` (stored as is, for bodies of at most 180 bytes) or
//! `'1' ‖ large(zstd frame, level 3)`. A frame must declare its decompressed size and
//! that size must not exceed the limit (65 536 bytes for chat messages).

use crate::error::ChatProtoError;
use crate::limits::MAX_DECOMPRESSED_MSG_LENGTH;
use simplex_encoding::error::DecodeError;
use simplex_encoding::reader::Reader;
use simplex_encoding::writer::{put_large, put_short};

/// Bodies up to this length are stored, not compressed (`maxLengthPassthrough`).
pub const MAX_LENGTH_PASSTHROUGH: usize = 180;
/// The zstd level used (`compressionLevel`).
pub const COMPRESSION_LEVEL: i32 = 3;
/// The first byte of a compressed body.
pub const COMPRESSED_PREFIX: u8 = b'X';

/// One part of a compressed body.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Compressed {
    /// Stored as is (`'0'`).
    Passthrough(Vec<u8>),
    /// A zstd frame (`'1'`).
    Zstd(Vec<u8>),
}

impl Compressed {
    /// Compresses a body, storing short ones as is (`compress1`).
    pub fn compress(body: &[u8]) -> Result<Self, ChatProtoError> {
        if body.len() <= MAX_LENGTH_PASSTHROUGH {
            return Ok(Compressed::Passthrough(body.to_vec()));
        }
        zstd::bulk::compress(body, COMPRESSION_LEVEL)
            .map(Compressed::Zstd)
            .map_err(|e| ChatProtoError::Decompress(e.to_string()))
    }

    /// The original body, refusing frames without a declared size or larger than `limit`.
    pub fn decompress(&self, limit: usize) -> Result<Vec<u8>, ChatProtoError> {
        let frame = match self {
            Compressed::Passthrough(b) => return Ok(b.clone()),
            Compressed::Zstd(f) => f,
        };
        let size = zstd::zstd_safe::get_frame_content_size(frame)
            .ok()
            .flatten()
            .ok_or_else(|| ChatProtoError::Decompress("size not specified".into()))?;
        let size = usize::try_from(size)
            .ok()
            .filter(|s| *s <= limit)
            .ok_or_else(|| ChatProtoError::Decompress(format!("size exceeds {limit}")))?;
        zstd::bulk::decompress(frame, size).map_err(|e| ChatProtoError::Decompress(e.to_string()))
    }

    /// Appends the binary form of the part.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), ChatProtoError> {
        let (tag, bytes, max) = match self {
            Compressed::Passthrough(b) => (b'0', b, usize::from(u8::MAX)),
            Compressed::Zstd(b) => (b'1', b, usize::from(u16::MAX)),
        };
        if bytes.len() > max {
            return Err(ChatProtoError::TooLarge {
                len: bytes.len(),
                limit: max,
            });
        }
        out.push(tag);
        if tag == b'0' {
            put_short(out, bytes);
        } else {
            put_large(out, bytes);
        }
        Ok(())
    }

    /// Reads one part.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match r.u8()? {
            b'0' => Ok(Compressed::Passthrough(r.short()?.to_vec())),
            b'1' => Ok(Compressed::Zstd(r.large()?.to_vec())),
            found => Err(DecodeError::BadByte {
                found,
                what: "compressed part tag",
            }),
        }
    }
}

/// Compresses a body as one part: `'X' ‖ 1 ‖ part` (`compressedBatchMsgBody_`).
pub fn compress_body(body: &[u8]) -> Result<Vec<u8>, ChatProtoError> {
    let mut out = vec![COMPRESSED_PREFIX, 1];
    Compressed::compress(body)?.encode(&mut out)?;
    Ok(out)
}

/// Reads the parts after the `'X'`: a count of at least one, then the parts, then nothing.
pub fn decode_parts(bytes: &[u8]) -> Result<Vec<Compressed>, ChatProtoError> {
    let mut r = Reader::new(bytes);
    let parts = r.non_empty(Compressed::decode)?;
    r.finish()?;
    Ok(parts)
}

/// Decompresses every part of a body that starts with `'X'` (the `'X'` excluded),
/// within [`MAX_DECOMPRESSED_MSG_LENGTH`] each.
pub fn decompress_parts(
    bytes: &[u8],
) -> Result<Vec<Result<Vec<u8>, ChatProtoError>>, ChatProtoError> {
    Ok(decode_parts(bytes)?
        .iter()
        .map(|p| p.decompress(MAX_DECOMPRESSED_MSG_LENGTH))
        .collect())
}
