//! Fuzz target `agent_link_binary`: the binary decoders of link types and short-link
//! data (`ConnectionRequest`, `ShortLink`, `FixedLinkData`, `ConnLinkData`,
//! `SmpQueueUri`, `SmpQueueInfo`). The first byte picks the decoder; whatever decodes must
//! encode to bytes that decode to the same value.
#![no_main]

use agent_proto::conn_request::ConnectionRequest;
use agent_proto::link_data::{ConnLinkData, FixedLinkData};
use agent_proto::queue_uri::{SmpQueueInfo, SmpQueueUri};
use agent_proto::short_link::ShortLink;
use simplex_encoding::{Decode, Encode};

fn check<T: Encode + Decode + PartialEq + std::fmt::Debug>(b: &[u8]) {
    if let Ok(v) = T::from_bytes(b) {
        let bytes = v.to_bytes();
        match T::from_bytes(&bytes) {
            // Decoding may normalize (queue modes, ignored tails); one more pass is stable.
            Ok(v2) => assert_eq!(v2.to_bytes(), bytes, "encoding not stable"),
            Err(e) => panic!("re-encoded value does not decode: {e}"),
        }
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((sel, rest)) = data.split_first() else {
        return;
    };
    match sel % 6 {
        0 => check::<ConnectionRequest>(rest),
        1 => check::<ShortLink>(rest),
        2 => check::<FixedLinkData>(rest),
        3 => check::<ConnLinkData>(rest),
        4 => check::<SmpQueueUri>(rest),
        _ => check::<SmpQueueInfo>(rest),
    }
});
