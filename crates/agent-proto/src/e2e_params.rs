//! The double ratchet's public X3DH parameters as they travel in links and envelopes
//! (the reference's `E2ERatchetParams` / `E2ERatchetParamsUri`, `Crypto/Ratchet.hs`).
//!
//! This module only carries the wire forms; the ratchet crate turns them into key
//! agreement. It can depend on this crate and use these types directly, or take the raw
//! keys out of them ([`X448Public::as_bytes`], [`KemPublicKey::as_bytes`]).
//!
//! - [`E2eParams`] (one agreed version, inside `AgentConfirmation` and `AgentRatchetKey`):
//!   `w16 v ‖ short(spki k1) ‖ short(spki k2)` and, when `v ≥ 3`, `maybe(kem)`.
//! - [`E2eParamsUri`] (a version range, inside invitation links): binary
//!   `vr ‖ short(spki k1) ‖ short(spki k2) ‖ maybe(kem)`; text
//!   `v=2-3&x3dh=<b64u spki k1>,<b64u spki k2>[&kem_key=<b64u pk>]`
//!   (or `&kem_ct=<b64u ct>&kem_key=<b64u pk>`), KEM fields only when the range reaches 3.
//! - `kem = 'P' ‖ large(pk)` (proposed) or `'A' ‖ large(ct) ‖ large(pk)` (accepted).
//!
//! Keys are X448 in DER SubjectPublicKeyInfo; the KEM is sntrup761 (pk 1158, ct 1039 bytes).

use std::fmt;

use simplex_crypto::X448Public;
use simplex_encoding::writer::{put_large, put_maybe, put_short};
use simplex_encoding::{Decode, DecodeError, Encode, Reader, Version, VersionRange, base64url};

use crate::query::{Query, QueryWriter};
use crate::text::{decode_b64, parse_vrange};

/// E2E v2: KDF in the X3DH agreement. The minimum supported version.
pub const E2E_KDF_X3DH_V: Version = 2;
/// E2E v3: PQ KEM fields in the parameters and headers.
pub const E2E_PQ_RATCHET_V: Version = 3;
/// The current E2E version.
pub const E2E_CURRENT_V: Version = E2E_PQ_RATCHET_V;
/// The supported E2E version range, 2..3.
pub const E2E_RANGE: VersionRange = match VersionRange::new(E2E_KDF_X3DH_V, E2E_CURRENT_V) {
    Some(r) => r,
    None => VersionRange::single(E2E_CURRENT_V),
};

/// Length of an sntrup761 public (encapsulation) key.
pub const KEM_PUBLIC_KEY_LEN: usize = 1158;
/// Length of an sntrup761 ciphertext.
pub const KEM_CIPHERTEXT_LEN: usize = 1039;

macro_rules! kem_bytes {
    ($(#[$doc:meta])* $name:ident, $len:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(Vec<u8>);

        impl $name {
            /// Wraps bytes of the right length.
            pub fn new(b: &[u8]) -> Result<Self, DecodeError> {
                if b.len() == $len {
                    Ok($name(b.to_vec()))
                } else {
                    Err(DecodeError::Invalid(concat!(stringify!($name), " has the wrong length")))
                }
            }

            /// The raw bytes.
            pub fn as_bytes(&self) -> &[u8] {
                &self.0
            }

            fn from_text(s: &str) -> Result<Self, DecodeError> {
                Self::new(&decode_b64(s)?)
            }
        }

        impl Encode for $name {
            fn encode(&self, out: &mut Vec<u8>) {
                put_large(out, &self.0);
            }
        }

        impl Decode for $name {
            fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
                Self::new(r.large()?)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({} bytes)", stringify!($name), self.0.len())
            }
        }
    };
}

kem_bytes!(
    /// An sntrup761 public key (`large` on the wire).
    KemPublicKey,
    KEM_PUBLIC_KEY_LEN
);
kem_bytes!(
    /// An sntrup761 ciphertext (`large` on the wire).
    KemCiphertext,
    KEM_CIPHERTEXT_LEN
);

/// The KEM part of the ratchet parameters.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum KemParams {
    /// A KEM public key is offered (`'P'`).
    Proposed(KemPublicKey),
    /// The peer's key was used: ciphertext plus a new public key (`'A'`).
    Accepted(KemCiphertext, KemPublicKey),
}

impl KemParams {
    /// True for [`KemParams::Proposed`] (the only state allowed in links and re-sync keys).
    pub fn is_proposed(&self) -> bool {
        matches!(self, KemParams::Proposed(_))
    }
}

/// Fails unless the KEM parameters are absent or only proposed (the reference's
/// "receiving" parameters, in invitation links and ratchet re-sync keys).
pub fn check_proposed(kem: Option<&KemParams>) -> Result<(), DecodeError> {
    match kem {
        Some(k) if !k.is_proposed() => Err(DecodeError::Invalid("bad ratchet KEM state")),
        _ => Ok(()),
    }
}

impl Encode for KemParams {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            KemParams::Proposed(k) => {
                out.push(b'P');
                k.encode(out);
            }
            KemParams::Accepted(ct, k) => {
                out.push(b'A');
                ct.encode(out);
                k.encode(out);
            }
        }
    }
}

impl Decode for KemParams {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match r.u8()? {
            b'P' => Ok(KemParams::Proposed(KemPublicKey::decode(r)?)),
            b'A' => Ok(KemParams::Accepted(
                KemCiphertext::decode(r)?,
                KemPublicKey::decode(r)?,
            )),
            found => Err(DecodeError::BadByte {
                found,
                what: "ratchet KEM params",
            }),
        }
    }
}

/// Ratchet parameters for one agreed E2E version.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct E2eParams {
    /// The E2E version.
    pub version: Version,
    /// First X448 key.
    pub k1: X448Public,
    /// Second X448 key.
    pub k2: X448Public,
    /// KEM parameters; only encoded when `version ≥ 3`.
    pub kem: Option<KemParams>,
}

/// Ratchet parameters offered for a range of E2E versions (in invitation links).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct E2eParamsUri {
    /// The E2E versions the creator supports.
    pub versions: VersionRange,
    /// First X448 key.
    pub k1: X448Public,
    /// Second X448 key.
    pub k2: X448Public,
    /// KEM parameters; in text only when the range reaches version 3.
    pub kem: Option<KemParams>,
}

fn read_x448(r: &mut Reader<'_>) -> Result<X448Public, DecodeError> {
    X448Public::from_spki(r.short()?).map_err(|_| DecodeError::Invalid("bad X448 key"))
}

fn x448_from_text(s: &str) -> Result<X448Public, DecodeError> {
    X448Public::from_spki(&decode_b64(s)?).map_err(|_| DecodeError::Invalid("bad X448 key"))
}

impl Encode for E2eParams {
    fn encode(&self, out: &mut Vec<u8>) {
        self.version.encode(out);
        put_short(out, &self.k1.to_spki());
        put_short(out, &self.k2.to_spki());
        if self.version >= E2E_PQ_RATCHET_V {
            put_maybe(out, self.kem.as_ref(), |o, k| k.encode(o));
        }
    }
}

impl Decode for E2eParams {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let version = r.u16()?;
        let (k1, k2) = (read_x448(r)?, read_x448(r)?);
        let kem = if version >= E2E_PQ_RATCHET_V {
            Option::<KemParams>::decode(r)?
        } else {
            None
        };
        Ok(E2eParams {
            version,
            k1,
            k2,
            kem,
        })
    }
}

impl E2eParamsUri {
    /// The parameters at one agreed version.
    pub fn at_version(&self, version: Version) -> E2eParams {
        E2eParams {
            version,
            k1: self.k1.clone(),
            k2: self.k2.clone(),
            kem: self.kem.clone(),
        }
    }

    /// The text form (query-string syntax, values not escaped).
    pub fn to_text(&self) -> String {
        let keys = format!(
            "{},{}",
            base64url::encode(&self.k1.to_spki()),
            base64url::encode(&self.k2.to_spki())
        );
        let mut q = QueryWriter::new();
        q.raw("v", &self.versions.to_string()).raw("x3dh", &keys);
        match &self.kem {
            Some(kem) if self.versions.max() >= E2E_PQ_RATCHET_V => match kem {
                KemParams::Proposed(k) => q.raw("kem_key", &base64url::encode(k.as_bytes())),
                KemParams::Accepted(ct, k) => q
                    .raw("kem_ct", &base64url::encode(ct.as_bytes()))
                    .raw("kem_key", &base64url::encode(k.as_bytes())),
            },
            _ => &mut q,
        };
        q.finish()
    }

    /// Parses the text form.
    pub fn parse_text(s: &str) -> Result<E2eParamsUri, DecodeError> {
        let q = Query::parse_link(s)?;
        let versions = parse_vrange(q.require("v")?)?;
        let (k1, k2) = q
            .require("x3dh")?
            .split_once(',')
            .ok_or(DecodeError::Invalid("bad e2e params"))?;
        let (k1, k2) = (x448_from_text(k1)?, x448_from_text(k2)?);
        let kem = if versions.max() >= E2E_PQ_RATCHET_V {
            kem_from_query(&q)?
        } else {
            None
        };
        Ok(E2eParamsUri {
            versions,
            k1,
            k2,
            kem,
        })
    }
}

fn kem_from_query(q: &Query) -> Result<Option<KemParams>, DecodeError> {
    let Some(k) = q.get_str("kem_key")? else {
        return Ok(None);
    };
    let k = KemPublicKey::from_text(k)?;
    Ok(Some(match q.get_str("kem_ct")? {
        Some(ct) => KemParams::Accepted(KemCiphertext::from_text(ct)?, k),
        None => KemParams::Proposed(k),
    }))
}

impl Encode for E2eParamsUri {
    fn encode(&self, out: &mut Vec<u8>) {
        self.versions.encode(out);
        put_short(out, &self.k1.to_spki());
        put_short(out, &self.k2.to_spki());
        put_maybe(out, self.kem.as_ref(), |o, k| k.encode(o));
    }
}

impl Decode for E2eParamsUri {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(E2eParamsUri {
            versions: VersionRange::decode(r)?,
            k1: read_x448(r)?,
            k2: read_x448(r)?,
            kem: Option::<KemParams>::decode(r)?,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    /// `testDhPubKey` of tests/AgentTests/ConnectionRequestTests.hs (an X448 SPKI).
    const TEST_X448: &str = "MEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U=";

    fn key() -> X448Public {
        x448_from_text(TEST_X448).unwrap()
    }

    #[test]
    fn text_form_of_reference_params() {
        let p = E2eParamsUri {
            versions: VersionRange::single(1),
            k1: key(),
            k2: key(),
            kem: None,
        };
        let s = p.to_text();
        assert_eq!(s, format!("v=1&x3dh={TEST_X448},{TEST_X448}"));
        assert_eq!(E2eParamsUri::parse_text(&s).unwrap(), p);
    }

    #[test]
    fn kem_only_in_text_from_version_3() {
        let pk = KemPublicKey::new(&[9; KEM_PUBLIC_KEY_LEN]).unwrap();
        let ct = KemCiphertext::new(&[8; KEM_CIPHERTEXT_LEN]).unwrap();
        let mut p = E2eParamsUri {
            versions: E2E_RANGE,
            k1: key(),
            k2: key(),
            kem: Some(KemParams::Accepted(ct, pk.clone())),
        };
        let s = p.to_text();
        assert!(s.contains("&kem_ct=") && s.contains("&kem_key="));
        assert_eq!(E2eParamsUri::parse_text(&s).unwrap(), p);
        p.versions = VersionRange::single(2);
        p.kem = Some(KemParams::Proposed(pk));
        assert!(!p.to_text().contains("kem"));
        assert!(KemPublicKey::new(&[0; 3]).is_err());
    }

    #[test]
    fn binary_kem_gated_by_version() {
        let p = E2eParams {
            version: 2,
            k1: key(),
            k2: key(),
            kem: None,
        };
        let b = p.to_bytes();
        assert_eq!(b.len(), 2 + 69 + 69);
        assert_eq!(E2eParams::from_bytes(&b).unwrap(), p);
        let p3 = E2eParams { version: 3, ..p };
        assert_eq!(p3.to_bytes().last(), Some(&b'0'));
        assert_eq!(E2eParams::from_bytes(&p3.to_bytes()).unwrap(), p3);
    }
}
