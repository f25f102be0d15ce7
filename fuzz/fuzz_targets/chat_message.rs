//! Fuzz target `chat_message`: a received chat body parsed by `chat-proto`
//! (`parse_chat_messages`: compressed `X` parts, `[` JSON and `=` binary batches, signed,
//! forwarded and file chunk elements, every chat event). It must never panic, and every
//! message it accepts must encode, parse back to the same value and encode to the same
//! bytes again.
#![no_main]

use chat_proto::{ChatMessage, ParsedBody, parse_chat_messages};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for parsed in parse_chat_messages(data).into_iter().flatten() {
        if let Some(signed) = &parsed.signed {
            let element = signed.encode().expect("a parsed signature encodes");
            assert!(element.ends_with(&signed.signed_body));
        }
        match parsed.body {
            ParsedBody::Json(m) => {
                let bytes = m.encode().expect("a parsed message encodes");
                let again = match ChatMessage::from_json(&bytes) {
                    Ok(again) => again,
                    Err(e) => panic!("encoded message does not parse: {e}: {bytes:?}"),
                };
                assert_eq!(again, *m, "message changed after encoding");
                assert_eq!(again.encode().ok(), Some(bytes), "encoding is not stable");
            }
            ParsedBody::FileChunk(chunk) => {
                let bytes = chunk.encode().expect("a parsed chunk encodes");
                let again: Vec<_> = parse_chat_messages(&bytes).into_iter().collect();
                assert_eq!(again.len(), 1);
                match again.into_iter().next() {
                    Some(Ok(p)) => assert_eq!(p.body, ParsedBody::FileChunk(chunk)),
                    other => panic!("encoded chunk does not parse: {other:?}"),
                }
            }
        }
    }
});
