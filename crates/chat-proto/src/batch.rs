//! Packing several encoded messages into one agent message (reference
//! `Simplex.Chat.Messages.Batch`), and compressing large bodies before sending.
//!
//! A batch of one element is the element itself; more elements are joined as a JSON
//! array (`[a,b]`) or, in binary mode, as `'=' ‖ u8 count ‖ count × large(element)`.
//! Batches are filled from the last message backwards, so the partial batch comes
//! first, as in the reference.

use crate::compress::compress_body;
use crate::error::ChatProtoError;
use crate::limits::MAX_COMPRESSED_MSG_LENGTH;
use crate::parse::{BINARY_BATCH_PREFIX, JSON_BATCH_PREFIX};
use simplex_encoding::writer::put_large;

/// How batches are written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BatchMode {
    /// `[a,b,…]` (chat version 5+, direct chats from version 9).
    Json,
    /// `'=' ‖ count ‖ large elements` (needed for signed/forwarded elements).
    Binary,
}

/// One batch: its bytes and the indices of the messages in it, in order.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MsgBatch {
    /// The encoded batch.
    pub body: Vec<u8>,
    /// Which input messages it holds.
    pub indices: Vec<usize>,
}

/// The length a batch of `n` elements of total length `len` has (`batchLen`).
pub fn batch_len(mode: BatchMode, len: usize, n: usize) -> usize {
    match (n, mode) {
        (0, _) => 0,
        (1, _) => len,
        (_, BatchMode::Json) => len + n + 1,
        (_, BatchMode::Binary) => len + n * 2 + 2,
    }
}

/// Writes a batch of elements (`encodeBatch`).
pub fn encode_batch(mode: BatchMode, elements: &[&[u8]]) -> Result<Vec<u8>, ChatProtoError> {
    match (elements, mode) {
        ([], _) => Ok(Vec::new()),
        ([one], _) => Ok(one.to_vec()),
        (_, BatchMode::Json) => {
            let mut out = vec![JSON_BATCH_PREFIX];
            for (i, e) in elements.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(e);
            }
            out.push(b']');
            Ok(out)
        }
        (_, BatchMode::Binary) => encode_binary_batch(elements),
    }
}

/// Writes `'=' ‖ count ‖ large elements`, also for a single element (relay groups).
pub fn encode_binary_batch(elements: &[&[u8]]) -> Result<Vec<u8>, ChatProtoError> {
    let n = u8::try_from(elements.len()).map_err(|_| ChatProtoError::TooLarge {
        len: elements.len(),
        limit: usize::from(u8::MAX),
    })?;
    let mut out = vec![BINARY_BATCH_PREFIX, n];
    for e in elements {
        if e.len() > usize::from(u16::MAX) {
            return Err(ChatProtoError::TooLarge {
                len: e.len(),
                limit: usize::from(u16::MAX),
            });
        }
        put_large(&mut out, e);
    }
    Ok(out)
}

/// Packs messages into batches of at most `max_len` bytes (`batchMessages`). A message
/// longer than `max_len` gives an error in its place; the others are batched around it.
/// Binary batches hold at most 255 elements (their count is one byte).
pub fn batch_messages(
    mode: BatchMode,
    max_len: usize,
    messages: &[Vec<u8>],
) -> Vec<Result<MsgBatch, ChatProtoError>> {
    let mut out = Vec::new();
    let mut cur: Vec<usize> = Vec::new();
    let mut len = 0;
    let fits = |len: usize, n: usize| {
        batch_len(mode, len, n) <= max_len && (mode == BatchMode::Json || n <= 255)
    };
    for (i, m) in messages.iter().enumerate().rev() {
        if fits(len + m.len(), cur.len() + 1) {
            cur.push(i);
            len += m.len();
        } else {
            close_batch(mode, messages, &mut cur, &mut out);
            if m.len() <= max_len {
                cur.push(i);
                len = m.len();
            } else {
                len = 0;
                out.push(Err(ChatProtoError::TooLarge {
                    len: m.len(),
                    limit: max_len,
                }));
            }
        }
    }
    close_batch(mode, messages, &mut cur, &mut out);
    out.reverse();
    out
}

fn close_batch(
    mode: BatchMode,
    messages: &[Vec<u8>],
    cur: &mut Vec<usize>,
    out: &mut Vec<Result<MsgBatch, ChatProtoError>>,
) {
    if cur.is_empty() {
        return;
    }
    cur.reverse();
    let indices = std::mem::take(cur);
    let elements: Vec<&[u8]> = indices.iter().map(|&i| messages[i].as_slice()).collect();
    out.push(encode_batch(mode, &elements).map(|body| MsgBatch { body, indices }));
}

/// Compresses a body that is longer than [`MAX_COMPRESSED_MSG_LENGTH`] (on connections
/// where compression is agreed: chat version 8+ with PQ support); fails if it is still
/// too long. Shorter bodies are returned unchanged (`compressBodies`).
pub fn compress_if_large(body: &[u8]) -> Result<Vec<u8>, ChatProtoError> {
    if body.len() <= MAX_COMPRESSED_MSG_LENGTH {
        return Ok(body.to_vec());
    }
    let compressed = compress_body(body)?;
    if compressed.len() > MAX_COMPRESSED_MSG_LENGTH {
        return Err(ChatProtoError::TooLarge {
            len: compressed.len(),
            limit: MAX_COMPRESSED_MSG_LENGTH,
        });
    }
    Ok(compressed)
}
