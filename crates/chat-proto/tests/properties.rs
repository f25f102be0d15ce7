//! Property round trips: messages, profiles with any text, timestamps, compression and
//! batching.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chat_proto::ChatMsgEvent as E;
use chat_proto::batch::{BatchMode, batch_messages};
use chat_proto::compress::compress_body;
use chat_proto::container::MsgContainer;
use chat_proto::content::MsgContent;
use chat_proto::ids::SharedMsgId;
use chat_proto::profile::Profile;
use chat_proto::time::UtcTime;
use chat_proto::{ChatMessage, ParsedBody, parse_chat_messages};
use common::*;
use proptest::prelude::*;
use simplex_encoding::version::VersionRange;

fn parsed_json(bytes: &[u8]) -> Vec<ChatMessage> {
    parse_chat_messages(bytes)
        .into_iter()
        .map(|r| match r.unwrap().body {
            ParsedBody::Json(m) => *m,
            ParsedBody::FileChunk(_) => panic!("chunk"),
        })
        .collect()
}

fn text_message() -> impl Strategy<Value = ChatMessage> {
    (
        any::<String>(),
        proptest::option::of(any::<i64>()),
        proptest::option::of(any::<bool>()),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 1..16)),
        1u16..20,
        0u16..20,
    )
        .prop_map(|(text, ttl, live, id, min, extra)| {
            let c = MsgContainer {
                ttl,
                live,
                ..MsgContainer::simple(MsgContent::text(&text))
            };
            ChatMessage {
                chat_vrange: VersionRange::new(min, min + extra).unwrap(),
                msg_id: id.map(SharedMsgId),
                event: E::MsgNew(Box::new(c)),
            }
        })
}

proptest! {
    #[test]
    fn message_round_trips(m in text_message()) {
        let bytes = m.encode().unwrap();
        prop_assert_eq!(&ChatMessage::from_json(&bytes).unwrap(), &m);
        prop_assert_eq!(parsed_json(&bytes), vec![m]);
    }

    #[test]
    fn profile_with_any_text_round_trips(name in any::<String>(), full in any::<String>()) {
        let p = Profile { full_name: full, ..Profile::from_name(&name) };
        let m = msg(E::Info(p));
        let bytes = m.encode().unwrap();
        prop_assert_eq!(ChatMessage::from_json(&bytes).unwrap(), m);
    }

    #[test]
    fn time_text_round_trips(secs in -62_135_596_800i64..253_402_300_799, nanos in 0u32..1_000_000_000) {
        let t = UtcTime::from_unix(secs, nanos).unwrap();
        prop_assert_eq!(UtcTime::parse(&t.to_string()).unwrap(), t);
    }

    #[test]
    fn compressed_body_restores(ms in proptest::collection::vec(text_message(), 1..4)) {
        let bodies: Vec<Vec<u8>> = ms.iter().map(|m| m.encode().unwrap()).collect();
        let refs: Vec<&[u8]> = bodies.iter().map(Vec::as_slice).collect();
        let batch = chat_proto::batch::encode_batch(BatchMode::Json, &refs).unwrap();
        prop_assert_eq!(parsed_json(&compress_body(&batch).unwrap()), ms);
    }

    #[test]
    fn batching_keeps_every_message_once(
        ms in proptest::collection::vec(text_message(), 0..12),
        max in 50usize..3000,
        binary in any::<bool>(),
    ) {
        let mode = if binary { BatchMode::Binary } else { BatchMode::Json };
        let bodies: Vec<Vec<u8>> = ms.iter().map(|m| m.encode().unwrap()).collect();
        let mut seen = Vec::new();
        for b in batch_messages(mode, max, &bodies).into_iter().flatten() {
            prop_assert!(b.body.len() <= max);
            let expected: Vec<ChatMessage> = b.indices.iter().map(|&i| ms[i].clone()).collect();
            prop_assert_eq!(parsed_json(&b.body), expected);
            seen.extend(b.indices);
        }
        let fitting: Vec<usize> = (0..ms.len()).filter(|&i| bodies[i].len() <= max).collect();
        prop_assert_eq!(seen, fitting);
    }
}
