//! base64url text: padded on output (as the reference's `strEncode`), either on input.

use crate::error::DecodeError;
use base64::Engine;
use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::{DecodePaddingMode, general_purpose::URL_SAFE as PADDED};

const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Encodes as base64url with `=` padding.
pub fn encode(b: &[u8]) -> String {
    PADDED.encode(b)
}

/// Encodes as base64url without padding (short links).
pub fn encode_unpadded(b: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(b)
}

/// Decodes base64url with or without padding.
pub fn decode(s: &str) -> Result<Vec<u8>, DecodeError> {
    LENIENT.decode(s).map_err(|_| DecodeError::Base64)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn padded_out_lenient_in() {
        assert_eq!(encode(b"ab"), "YWI=");
        assert_eq!(encode_unpadded(b"ab"), "YWI");
        assert_eq!(decode("YWI=").unwrap(), b"ab");
        assert_eq!(decode("YWI").unwrap(), b"ab");
        assert_eq!(encode(&[0xfb, 0xff]), "-_8=");
        assert!(decode("YW I").is_err());
    }
}
