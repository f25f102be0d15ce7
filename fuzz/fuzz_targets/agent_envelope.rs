//! Fuzz target `agent_envelope`: the decoders of the message layers (`ClientMsgEnvelope`,
//! `ClientMessage`, `AgentMsgEnvelope`, `AgentMessage`). The first byte picks the decoder;
//! whatever decodes must encode to bytes that decode to the same encoding.
#![no_main]

use agent_proto::agent_envelope::AgentMsgEnvelope;
use agent_proto::agent_message::AgentMessage;
use agent_proto::envelope::{ClientMessage, ClientMsgEnvelope};
use simplex_encoding::{Decode, Encode};

fn check<T: Encode + Decode + PartialEq + std::fmt::Debug>(b: &[u8]) {
    if let Ok(v) = T::from_bytes(b) {
        let bytes = v.to_bytes();
        match T::from_bytes(&bytes) {
            Ok(v2) => assert_eq!(v2.to_bytes(), bytes, "encoding not stable"),
            Err(e) => panic!("re-encoded value does not decode: {e}"),
        }
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((sel, rest)) = data.split_first() else {
        return;
    };
    match sel % 4 {
        0 => check::<ClientMsgEnvelope>(rest),
        1 => check::<ClientMessage>(rest),
        2 => check::<AgentMsgEnvelope>(rest),
        _ => check::<AgentMessage>(rest),
    }
});
