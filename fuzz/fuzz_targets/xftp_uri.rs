//! Fuzz target `xftp_uri`: the `simplex:/file#/?desc=…` link decoder and the web-link
//! fragment decoder never panic, and accepted links re-encode to an equal link.
#![no_main]

use xftp_desc::{FileDescriptionUri, decode_web_fragment, encode_web_fragment};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(uri) = FileDescriptionUri::decode(text) {
        let again = FileDescriptionUri::decode(&uri.encode()).expect("own link decodes");
        assert_eq!(again.encode(), uri.encode());
    }
    if let Ok(d) = decode_web_fragment(text) {
        let frag = encode_web_fragment(&d).expect("encodes");
        assert_eq!(
            decode_web_fragment(&frag)
                .expect("own fragment decodes")
                .to_yaml(),
            d.to_yaml()
        );
    }
});
