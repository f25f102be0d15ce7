//! Test inputs shared by the integration tests.
#![allow(clippy::unwrap_used, dead_code)]

use simplex_crypto::{CbNonce, SbKey};
use simplex_encoding::base64url;

/// `testSbKey` / `testCbNonce` of simplexmq `tests/FileDescriptionTests.hs` (lines 40-44).
pub fn reference_key_nonce() -> (SbKey, CbNonce) {
    let key = base64url::decode("00n8p1tJq5E-SGnHcYTOrS4A9I07gTA_WFD6MTFFFOY=").unwrap();
    let nonce = base64url::decode("dPSF-wrQpDiK_K6sYv0BDBZ9S4dg-jmu").unwrap();
    (SbKey::from_slice(&key).unwrap(), nonce.try_into().unwrap())
}
