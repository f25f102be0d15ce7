//! Splitting a received body into chat messages (reference `parseChatMessages`).
//!
//! The first byte decides the format: `X` compressed parts (each decompressed and parsed
//! again, but not as `X`), `[` a JSON array of messages, `=` a binary batch
//! (`u8 count ‖ count × large(element)`), otherwise one element (`{` JSON, `/` signed,
//! `>` forwarded, `F` file chunk). Each message gets its own result, so one bad message
//! in a batch does not hide the others.

use crate::compress::{COMPRESSED_PREFIX, decompress_parts};
use crate::element::{
    BinaryFileChunk, FILE_CHUNK_PREFIX, FORWARD_PREFIX, SIGNED_PREFIX, SignedMsg,
};
use crate::error::ChatProtoError;
use crate::event::GrpMsgForward;
use crate::json;
use crate::message::ChatMessage;
use serde_json::Value;
use simplex_encoding::reader::Reader;

/// First byte of a JSON batch.
pub const JSON_BATCH_PREFIX: u8 = b'[';
/// First byte of a binary batch.
pub const BINARY_BATCH_PREFIX: u8 = b'=';

/// The message inside an element.
#[derive(Clone, PartialEq, Debug)]
pub enum ParsedBody {
    /// A JSON chat message.
    Json(Box<ChatMessage>),
    /// A binary file chunk.
    FileChunk(BinaryFileChunk),
}

/// One received message with its optional forwarding header and signatures.
#[derive(Clone, PartialEq, Debug)]
pub struct ParsedMsg {
    /// Set when a relay forwarded the message.
    pub forward: Option<GrpMsgForward>,
    /// Set when the message was signed.
    pub signed: Option<SignedMsg>,
    /// The message.
    pub body: ParsedBody,
}

/// Parses a received body into its messages.
pub fn parse_chat_messages(bytes: &[u8]) -> Vec<Result<ParsedMsg, ChatProtoError>> {
    match bytes.split_first() {
        None => vec![Err(ChatProtoError::Empty)],
        Some((&COMPRESSED_PREFIX, rest)) => match decompress_parts(rest) {
            Err(e) => vec![Err(e)],
            Ok(parts) => parts
                .into_iter()
                .flat_map(|p| match p {
                    Ok(body) if body.is_empty() => vec![Err(ChatProtoError::Empty)],
                    Ok(body) => parse_uncompressed(&body),
                    Err(e) => vec![Err(e)],
                })
                .collect(),
        },
        Some(_) => parse_uncompressed(bytes),
    }
}

fn parse_uncompressed(bytes: &[u8]) -> Vec<Result<ParsedMsg, ChatProtoError>> {
    match bytes.first() {
        Some(&JSON_BATCH_PREFIX) => parse_json_batch(bytes),
        Some(&BINARY_BATCH_PREFIX) => parse_binary_batch(&bytes[1..]),
        _ => vec![parse_element(bytes, None)],
    }
}

fn plain(msg: ChatMessage) -> ParsedMsg {
    ParsedMsg {
        forward: None,
        signed: None,
        body: ParsedBody::Json(Box::new(msg)),
    }
}

fn parse_json_batch(bytes: &[u8]) -> Vec<Result<ParsedMsg, ChatProtoError>> {
    match json::parse(bytes) {
        Ok(Value::Array(items)) => items
            .iter()
            .map(|v| ChatMessage::from_value(v).map(plain))
            .collect(),
        Ok(_) => vec![Err(ChatProtoError::Invalid("JSON batch"))],
        Err(e) => vec![Err(e)],
    }
}

fn parse_binary_batch(bytes: &[u8]) -> Vec<Result<ParsedMsg, ChatProtoError>> {
    let mut r = Reader::new(bytes);
    let elements = r
        .list(|r| r.large())
        .and_then(|els| r.finish().map(|()| els));
    match elements {
        Ok(els) => els.into_iter().map(|e| parse_element(e, None)).collect(),
        Err(e) => vec![Err(e.into())],
    }
}

/// Parses one element (`elementP`); the whole input must be consumed.
pub fn parse_element(
    bytes: &[u8],
    forward: Option<GrpMsgForward>,
) -> Result<ParsedMsg, ChatProtoError> {
    let (&prefix, rest) = bytes.split_first().ok_or(ChatProtoError::Empty)?;
    match prefix {
        SIGNED_PREFIX => {
            let mut r = Reader::new(rest);
            let signed = SignedMsg::decode(&mut r)?;
            let msg = ChatMessage::from_json(&signed.signed_body)?;
            Ok(ParsedMsg {
                forward,
                signed: Some(signed),
                body: ParsedBody::Json(Box::new(msg)),
            })
        }
        FORWARD_PREFIX => {
            if forward.is_some() {
                return Err(ChatProtoError::Invalid("nested forward element"));
            }
            let mut r = Reader::new(rest);
            let fwd = GrpMsgForward::decode(&mut r)?;
            parse_element(r.tail(), Some(fwd))
        }
        b'{' => Ok(ParsedMsg {
            forward,
            ..plain(ChatMessage::from_json(bytes)?)
        }),
        FILE_CHUNK_PREFIX => {
            let mut r = Reader::new(rest);
            let chunk = BinaryFileChunk::decode(&mut r)?;
            r.finish()?;
            Ok(ParsedMsg {
                forward,
                signed: None,
                body: ParsedBody::FileChunk(chunk),
            })
        }
        c => Err(ChatProtoError::BadPrefix(c)),
    }
}
