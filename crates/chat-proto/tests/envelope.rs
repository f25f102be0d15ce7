//! The body around chat messages: compression (`X`), JSON (`[`) and binary (`=`)
//! batches, signed (`/`), forwarded (`>`) and file chunk (`F`) elements, batching and
//! size limits. Layouts from simplex-chat `Simplex/Chat/Protocol.hs` (`parseChatMessages`,
//! `elementP`, `compressedBatchMsgBody_`), `Simplex/Chat/Messages/Batch.hs` and simplexmq
//! `Simplex/Messaging/Compression.hs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chat_proto::batch::{BatchMode, batch_len, batch_messages, compress_if_large, encode_batch};
use chat_proto::compress::{Compressed, compress_body};
use chat_proto::element::{
    BinaryFileChunk, FileChunk, MsgSignature, SignedMsg, encode_forward_element,
};
use chat_proto::event::{FwdSender, GrpMsgForward};
use chat_proto::limits::{MAX_COMPRESSED_MSG_LENGTH, MAX_DECOMPRESSED_MSG_LENGTH};
use chat_proto::time::UtcTime;
use chat_proto::{
    ChatMessage, ChatMsgEvent, ChatProtoError, ParsedBody, ParsedMsg, parse_chat_messages,
};
use common::*;

const OK_MSG: &[u8] = br#"{"v":"1","event":"x.ok","params":{}}"#;
const DEL_MSG: &[u8] = br#"{"v":"1","event":"x.msg.del","params":{"msgId":"AQIDBA=="}}"#;

fn json_of(p: &ParsedMsg) -> &ChatMessage {
    match &p.body {
        ParsedBody::Json(m) => m,
        ParsedBody::FileChunk(c) => panic!("unexpected chunk {c:?}"),
    }
}

fn one(bytes: &[u8]) -> Result<ParsedMsg, ChatProtoError> {
    let mut v = parse_chat_messages(bytes);
    assert_eq!(v.len(), 1);
    v.pop().unwrap()
}

fn text_msg(text: &str) -> ChatMessage {
    msg(ChatMsgEvent::MsgNew(Box::new(simple(
        chat_proto::content::MsgContent::text(text),
    ))))
}

/// Deterministic bytes that zstd cannot shrink (a 64-bit LCG).
fn noise(n: usize) -> String {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            char::from(b'!' + ((x >> 33) % 90) as u8)
        })
        .collect()
}

#[test]
fn short_body_is_stored_not_compressed() {
    // 'X', one part, '0' (passthrough), 1-byte length, the body
    let mut expected = vec![b'X', 1, b'0', OK_MSG.len() as u8];
    expected.extend_from_slice(OK_MSG);
    assert_eq!(compress_body(OK_MSG).unwrap(), expected);
    assert_eq!(json_of(&one(&expected).unwrap()).event, ChatMsgEvent::Ok);
}

#[test]
fn long_body_is_zstd_compressed_and_restored() {
    let m = text_msg(&"hello ".repeat(4000));
    let body = m.encode().unwrap();
    let packed = compress_body(&body).unwrap();
    assert_eq!(&packed[..3], b"X\x01\x31");
    assert!(packed.len() < body.len() / 10);
    assert_eq!(json_of(&one(&packed).unwrap()), &m);
    assert_eq!(
        compress_if_large(&packed).unwrap(),
        packed,
        "short bodies unchanged"
    );
    let sent = compress_if_large(&body).unwrap();
    assert!(sent.len() <= MAX_COMPRESSED_MSG_LENGTH && sent[0] == b'X');
}

#[test]
fn incompressible_large_body_is_refused() {
    let body = text_msg(&noise(20_000)).encode().unwrap();
    assert!(matches!(
        compress_if_large(&body),
        Err(ChatProtoError::TooLarge {
            limit: MAX_COMPRESSED_MSG_LENGTH,
            ..
        })
    ));
}

fn x_frame(frame: &[u8]) -> Vec<u8> {
    let mut b = vec![b'X', 1];
    Compressed::Zstd(frame.to_vec()).encode(&mut b).unwrap();
    b
}

#[test]
fn decompression_is_limited_to_64_kib_with_a_declared_size() {
    let big = zstd::bulk::compress(&vec![b' '; MAX_DECOMPRESSED_MSG_LENGTH + 1], 3).unwrap();
    assert!(matches!(
        one(&x_frame(&big)),
        Err(ChatProtoError::Decompress(_))
    ));
    let mut c = zstd::bulk::Compressor::new(3).unwrap();
    c.set_parameter(zstd::zstd_safe::CParameter::ContentSizeFlag(false))
        .unwrap();
    let undeclared = c.compress(OK_MSG).unwrap();
    assert!(matches!(
        one(&x_frame(&undeclared)),
        Err(ChatProtoError::Decompress(_))
    ));
    let fine = zstd::bulk::compress(OK_MSG, 3).unwrap();
    assert_eq!(
        json_of(&one(&x_frame(&fine)).unwrap()).event,
        ChatMsgEvent::Ok
    );
}

#[test]
fn compressed_framing_errors() {
    for bad in [
        &b"X"[..],
        b"X\x00",
        b"X\x01\x32",
        b"X\x01\x30\x05ab",
        b"X\x01\x30\x00",
    ] {
        assert!(one(bad).is_err(), "{bad:?}");
    }
    // two parts, each parsed on its own
    let mut two = vec![b'X', 2];
    for m in [OK_MSG, DEL_MSG] {
        Compressed::Passthrough(m.to_vec())
            .encode(&mut two)
            .unwrap();
    }
    let parsed = parse_chat_messages(&two);
    assert_eq!(parsed.len(), 2);
    assert!(parsed.iter().all(Result::is_ok));
    // a compressed part is not itself decompressed again
    let nested = compress_body(&compress_body(OK_MSG).unwrap()).unwrap();
    assert!(matches!(one(&nested), Err(ChatProtoError::BadPrefix(b'X'))));
}

#[test]
fn json_batch_gives_one_result_per_item() {
    let bad = br#"{"v":"1","event":"y.bad","params":{}}"#;
    let batch = encode_batch(BatchMode::Json, &[OK_MSG, bad, DEL_MSG]).unwrap();
    assert_eq!(&batch[..2], b"[{");
    let parsed = parse_chat_messages(&batch);
    assert_eq!(parsed.len(), 3);
    assert!(parsed[0].is_ok() && parsed[1].is_err() && parsed[2].is_ok());
    assert_eq!(parse_chat_messages(b"[1,").len(), 1);
    assert!(parse_chat_messages(b"[1,")[0].is_err());
}

#[test]
fn binary_batch_layout() {
    let batch = encode_batch(BatchMode::Binary, &[OK_MSG, DEL_MSG]).unwrap();
    let mut expected = vec![b'=', 2, 0, OK_MSG.len() as u8];
    expected.extend_from_slice(OK_MSG);
    expected.extend_from_slice(&[0, DEL_MSG.len() as u8]);
    expected.extend_from_slice(DEL_MSG);
    assert_eq!(batch, expected);
    let parsed = parse_chat_messages(&batch);
    assert_eq!(parsed.len(), 2);
    assert_eq!(json_of(parsed[0].as_ref().unwrap()).event, ChatMsgEvent::Ok);
    assert!(parse_chat_messages(b"=\x00").is_empty());
    let mut trailing = batch.clone();
    trailing.push(b' ');
    assert_eq!(parse_chat_messages(&trailing).len(), 1);
    assert!(parse_chat_messages(&trailing)[0].is_err());
    // a single element is written as is
    assert_eq!(encode_batch(BatchMode::Binary, &[OK_MSG]).unwrap(), OK_MSG);
}

#[test]
fn signed_element_layout() {
    let signed = SignedMsg {
        signatures: vec![MsgSignature {
            signature: vec![7; 64],
        }],
        signed_body: OK_MSG.to_vec(),
    };
    let mut expected = vec![b'/', b'G', 1, b'M', 64];
    expected.extend_from_slice(&[7; 64]);
    expected.extend_from_slice(OK_MSG);
    assert_eq!(signed.encode().unwrap(), expected);
    let p = one(&expected).unwrap();
    assert_eq!(p.signed.as_ref(), Some(&signed));
    assert_eq!(json_of(&p).event, ChatMsgEvent::Ok);
    let mut short_sig = vec![b'/', b'G', 1, b'M', 10];
    short_sig.extend_from_slice(&[7; 10]);
    short_sig.extend_from_slice(OK_MSG);
    assert!(one(&short_sig).is_err());
    assert!(one(b"/G\x00{}").is_err(), "no signatures");
}

#[test]
fn forwarded_element_layout() {
    let fwd = GrpMsgForward {
        sender: FwdSender::Member {
            member_id: chat_proto::ids::MemberId(vec![1, 2, 3, 4]),
            member_name: "alice".into(),
        },
        broker_ts: UtcTime::from_unix(1, 0).unwrap(),
    };
    let el = encode_forward_element(&fwd, OK_MSG).unwrap();
    let mut expected = b">M\x04\x01\x02\x03\x04\x05alice".to_vec();
    expected.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 1]);
    expected.extend_from_slice(OK_MSG);
    assert_eq!(el, expected);
    let p = one(&el).unwrap();
    assert_eq!(p.forward, Some(fwd.clone()));
    let nested = encode_forward_element(&fwd, &el).unwrap();
    assert!(one(&nested).is_err(), "forwards do not nest");
    let channel = GrpMsgForward {
        sender: FwdSender::Channel,
        broker_ts: UtcTime::from_unix(2, 0).unwrap(),
    };
    let p = one(&encode_forward_element(&channel, OK_MSG).unwrap()).unwrap();
    assert_eq!(p.forward, Some(channel));
}

#[test]
fn file_chunk_element_layout() {
    let chunk = BinaryFileChunk {
        msg_id: None,
        file_msg_id: id1234(),
        chunk: FileChunk::Chunk {
            number: 1,
            bytes: b"abc".to_vec(),
        },
    };
    let bytes = chunk.encode().unwrap();
    assert_eq!(bytes, b"F\x00\x04\x01\x02\x03\x04\x01abc");
    assert_eq!(one(&bytes).unwrap().body, ParsedBody::FileChunk(chunk));
    let cancel = one(b"F\x00\x04\x01\x02\x03\x04\x00").unwrap();
    assert!(matches!(
        cancel.body,
        ParsedBody::FileChunk(BinaryFileChunk {
            chunk: FileChunk::Cancel,
            ..
        })
    ));
    assert!(one(b"F\x00\x04\x01\x02\x03\x04\x00x").is_err());
}

#[test]
fn bad_first_bytes() {
    assert!(matches!(one(b""), Err(ChatProtoError::Empty)));
    assert!(matches!(one(b"?"), Err(ChatProtoError::BadPrefix(b'?'))));
    assert!(one(b"{").is_err());
}

#[test]
fn batches_fill_from_the_end() {
    let msgs: Vec<Vec<u8>> = (0..5)
        .map(|i| format!("{{\"m\":{i:04}}}").into_bytes())
        .collect();
    assert!(msgs.iter().all(|m| m.len() == 10));
    let max = batch_len(BatchMode::Json, 20, 2);
    let batches: Vec<_> = batch_messages(BatchMode::Json, max, &msgs)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let indices: Vec<Vec<usize>> = batches.iter().map(|b| b.indices.clone()).collect();
    assert_eq!(indices, [vec![0], vec![1, 2], vec![3, 4]]);
    assert_eq!(batches[0].body, msgs[0]);
    assert_eq!(batches[1].body, br#"[{"m":0001},{"m":0002}]"#);
    assert!(batches.iter().all(|b| b.body.len() <= max));
}

#[test]
fn oversized_message_is_an_error_in_place() {
    let msgs = vec![
        b"aa".to_vec(),
        vec![b'x'; 50],
        b"bb".to_vec(),
        b"cc".to_vec(),
    ];
    let out = batch_messages(BatchMode::Binary, 20, &msgs);
    assert_eq!(out.len(), 3);
    assert_eq!(out[0].as_ref().unwrap().indices, [0]);
    assert!(matches!(
        out[1],
        Err(ChatProtoError::TooLarge { len: 50, limit: 20 })
    ));
    let last = out[2].as_ref().unwrap();
    assert_eq!(last.indices, [2, 3]);
    assert_eq!(last.body, b"=\x02\x00\x02bb\x00\x02cc");
}
