//! Fuzz target `agent_link_text`: the text parsers of `agent-proto` (queue URIs, full
//! connection links, short links, ratchet parameters, relay addresses). Whatever parses
//! must print to text that parses back to the same value.
#![no_main]

use agent_proto::conn_request::ConnectionRequest;
use agent_proto::e2e_params::{E2ERatchetParamsUri, ParamsUriText};
use agent_proto::queue_uri::SmpQueueUri;
use agent_proto::relay::RelayAddr;
use agent_proto::short_link::ShortLink;

macro_rules! reparse {
    ($t:ty, $s:expr) => {
        if let Ok(v) = <$t>::parse_text($s) {
            let text = v.to_text();
            match <$t>::parse_text(&text) {
                Ok(v2) => assert_eq!(v2, v, "{} changed after printing {text:?}", stringify!($t)),
                Err(e) => panic!("printed {} {text:?} does not parse: {e}", stringify!($t)),
            }
        }
    };
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    reparse!(SmpQueueUri, s);
    reparse!(ConnectionRequest, s);
    reparse!(ShortLink, s);
    reparse!(E2ERatchetParamsUri, s);
    reparse!(RelayAddr, s);
});
