//! Fixed DER prefixes for RFC 8410 keys: SubjectPublicKeyInfo for public keys and
//! PKCS#8 `OneAsymmetricKey` version 0 (no attributes, no public key) for private keys.
//!
//! Every key of these four algorithms encodes as `prefix ‖ raw key`, so encoding and
//! decoding are exact prefix matches; anything else (other DER forms, trailing bytes) is
//! rejected. The prefixes are those of protocol-map §4.3, checked against the reference
//! fixtures (tests/fixtures/*.key, Server.hs dummy keys).

use zeroize::Zeroizing;

use super::KeyAlgorithm;
use crate::error::{CryptoError, Result};

/// SPKI prefix of an X25519 public key (followed by 32 bytes).
pub const SPKI_PREFIX_X25519: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00,
];
/// SPKI prefix of an Ed25519 public key (followed by 32 bytes).
pub const SPKI_PREFIX_ED25519: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];
/// SPKI prefix of an X448 public key (followed by 56 bytes).
pub const SPKI_PREFIX_X448: [u8; 12] = [
    0x30, 0x42, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6f, 0x03, 0x39, 0x00,
];
/// SPKI prefix of an Ed448 public key (followed by 57 bytes).
pub const SPKI_PREFIX_ED448: [u8; 12] = [
    0x30, 0x43, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x71, 0x03, 0x3a, 0x00,
];

/// PKCS#8 prefix of an X25519 private key (followed by 32 bytes).
pub const PKCS8_PREFIX_X25519: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
];
/// PKCS#8 prefix of an Ed25519 private key (followed by 32 bytes).
pub const PKCS8_PREFIX_ED25519: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];
/// PKCS#8 prefix of an X448 private key (followed by 56 bytes).
pub const PKCS8_PREFIX_X448: [u8; 16] = [
    0x30, 0x46, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6f, 0x04, 0x3a, 0x04, 0x38,
];
/// PKCS#8 prefix of an Ed448 private key (followed by 57 bytes).
pub const PKCS8_PREFIX_ED448: [u8; 16] = [
    0x30, 0x47, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x71, 0x04, 0x3b, 0x04, 0x39,
];

const ALL: [KeyAlgorithm; 4] = [
    KeyAlgorithm::Ed25519,
    KeyAlgorithm::Ed448,
    KeyAlgorithm::X25519,
    KeyAlgorithm::X448,
];

/// The SPKI prefix of `alg`.
pub const fn spki_prefix(alg: KeyAlgorithm) -> &'static [u8; 12] {
    match alg {
        KeyAlgorithm::X25519 => &SPKI_PREFIX_X25519,
        KeyAlgorithm::Ed25519 => &SPKI_PREFIX_ED25519,
        KeyAlgorithm::X448 => &SPKI_PREFIX_X448,
        KeyAlgorithm::Ed448 => &SPKI_PREFIX_ED448,
    }
}

/// The PKCS#8 prefix of `alg`.
pub const fn pkcs8_prefix(alg: KeyAlgorithm) -> &'static [u8; 16] {
    match alg {
        KeyAlgorithm::X25519 => &PKCS8_PREFIX_X25519,
        KeyAlgorithm::Ed25519 => &PKCS8_PREFIX_ED25519,
        KeyAlgorithm::X448 => &PKCS8_PREFIX_X448,
        KeyAlgorithm::Ed448 => &PKCS8_PREFIX_ED448,
    }
}

/// Detects the algorithm of a DER SPKI from its prefix (length is not checked here).
pub fn spki_algorithm(der: &[u8]) -> Result<KeyAlgorithm> {
    detect(der, |a| spki_prefix(a).as_slice())
}

/// Detects the algorithm of a DER PKCS#8 private key from its prefix.
pub fn pkcs8_algorithm(der: &[u8]) -> Result<KeyAlgorithm> {
    detect(der, |a| pkcs8_prefix(a).as_slice())
}

fn detect(der: &[u8], prefix: impl Fn(KeyAlgorithm) -> &'static [u8]) -> Result<KeyAlgorithm> {
    ALL.into_iter()
        .find(|&a| der.starts_with(prefix(a)))
        .ok_or(if der.first() == Some(&0x30) {
            CryptoError::UnknownKeyAlgorithm
        } else {
            CryptoError::KeyEncoding
        })
}

/// `prefix ‖ raw`.
pub(crate) fn encode(prefix: &[u8], raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(prefix.len() + raw.len());
    out.extend_from_slice(prefix);
    out.extend_from_slice(raw);
    out
}

/// Takes `N` raw bytes after the prefix of `expected`, rejecting other algorithms and
/// any length other than exactly `prefix + N`.
pub(crate) fn decode<const N: usize>(
    der: &[u8],
    expected: KeyAlgorithm,
    prefix: fn(KeyAlgorithm) -> &'static [u8],
    detect: fn(&[u8]) -> Result<KeyAlgorithm>,
) -> Result<[u8; N]> {
    match der.strip_prefix(prefix(expected)) {
        Some(raw) => raw.try_into().map_err(|_| CryptoError::KeyEncoding),
        None => Err(match detect(der) {
            Ok(found) => CryptoError::KeyAlgorithmMismatch { expected, found },
            Err(e) => e,
        }),
    }
}

/// Decodes the raw public key of algorithm `expected` from a DER SPKI.
pub(crate) fn decode_spki<const N: usize>(der: &[u8], expected: KeyAlgorithm) -> Result<[u8; N]> {
    decode(der, expected, |a| spki_prefix(a).as_slice(), spki_algorithm)
}

/// Decodes the raw private key of algorithm `expected` from DER PKCS#8.
pub(crate) fn decode_pkcs8<const N: usize>(
    der: &[u8],
    expected: KeyAlgorithm,
) -> Result<Zeroizing<[u8; N]>> {
    decode(
        der,
        expected,
        |a| pkcs8_prefix(a).as_slice(),
        pkcs8_algorithm,
    )
    .map(Zeroizing::new)
}
