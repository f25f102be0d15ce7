//! Fuzz target `chat_api_json`: the bot API's JSON readers (`chat-api`): a WebSocket
//! request, a `/_send` payload, and a response or event as a bot client would read it.
//! None may panic; every response or event accepted must encode and decode back to an
//! equal value.
#![no_main]

use chat_api::command::parse_composed_messages;
use chat_api::{ChatEvent, ChatResponse, ChatSrvRequest};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = ChatSrvRequest::parse(text);
    if let Ok(msgs) = parse_composed_messages(text) {
        assert!(!msgs.is_empty(), "an accepted /_send payload has messages");
    }
    if let Ok(r) = serde_json::from_str::<ChatResponse>(text) {
        let again = serde_json::to_string(&r).expect("a response encodes");
        let back: ChatResponse = serde_json::from_str(&again).expect("its encoding decodes");
        assert_eq!(back, r, "response changed after encoding");
    }
    if let Ok(e) = serde_json::from_str::<ChatEvent>(text) {
        let again = serde_json::to_string(&e).expect("an event encodes");
        let back: ChatEvent = serde_json::from_str(&again).expect("its encoding decodes");
        assert_eq!(back, e, "event changed after encoding");
    }
});
