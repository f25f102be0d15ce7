//! Inputs the fuzz targets found (or that were found while writing them) that showed a
//! defect in another crate, kept as regression tests now that the crates are fixed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use simplex_encoding::Reader;
use smp_proto::error::ErrorType;

fn parse(b: &[u8]) -> ErrorType {
    let mut r = Reader::new(b);
    let e = ErrorType::parse(&mut r).unwrap();
    r.finish().unwrap();
    e
}

/// smp-proto `error.rs`, `BrokerErrorType::parse`/`encode`: the `RESPONSE` text is decoded
/// with `from_utf8_lossy` (every invalid byte becomes U+FFFD, 3 bytes) but encoded cut to
/// 255 bytes, so decode → encode → decode changes the error.
#[test]
fn broker_response_text_survives_re_encoding() {
    let mut input = b"PROXY BROKER RESPONSE \xff".to_vec();
    input.extend([0xff; 255]);
    let e = parse(&input);
    let mut enc = Vec::new();
    e.encode(&mut enc);
    assert_eq!(parse(&enc), e);
}
