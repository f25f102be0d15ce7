//! Certificate fingerprints: SHA-256 over the certificate's full DER, the server identity
//! (`keyHash`) of `smp://` addresses, shown as padded base64url (44 characters).

use base64::Engine;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_PAD_INDIFFERENT};
use openssl::x509::X509Ref;

use crate::error::{Error, Result};

/// SHA-256 of the DER encoding of `cert`.
pub fn fingerprint(cert: &X509Ref) -> Result<[u8; 32]> {
    Ok(fingerprint_der(&cert.to_der()?))
}

/// SHA-256 of a DER-encoded certificate.
pub fn fingerprint_der(cert_der: &[u8]) -> [u8; 32] {
    openssl::sha::sha256(cert_der)
}

/// The text form of a fingerprint: base64url with padding, as the reference prints it.
pub fn fingerprint_text(fingerprint: &[u8; 32]) -> String {
    URL_SAFE.encode(fingerprint)
}

/// Parses the text form of a fingerprint (base64url, padding optional).
pub fn parse_fingerprint(text: &str) -> Result<[u8; 32]> {
    let bytes = URL_SAFE_PAD_INDIFFERENT
        .decode(text)
        .map_err(|_| Error::InvalidFingerprint)?;
    bytes.try_into().map_err(|_| Error::InvalidFingerprint)
}
