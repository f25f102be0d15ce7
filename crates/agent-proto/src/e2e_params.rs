//! The double ratchet's public X3DH parameters as they travel in links and envelopes
//! (the reference's `E2ERatchetParams` / `E2ERatchetParamsUri`, `Crypto/Ratchet.hs`).
//!
//! The types and their binary forms are `simplex-ratchet`'s, re-exported here; this module
//! adds only what belongs to the link layer:
//!
//! - the text form of [`E2ERatchetParamsUri`] in invitation links ([`ParamsUriText`]):
//!   `v=2-3&x3dh=<b64u spki k1>,<b64u spki k2>[&kem_key=<b64u pk>]`
//!   (or `&kem_ct=<b64u ct>&kem_key=<b64u pk>`), KEM fields only when the range reaches 3;
//! - [`check_proposed`], the KEM state allowed in links and ratchet re-sync keys.
//!
//! Binary forms (from the ratchet crate): [`E2ERatchetParams`] is
//! `w16 v ‖ short(spki k1) ‖ short(spki k2)` and, when `v ≥ 3`, `maybe(kem)`;
//! [`E2ERatchetParamsUri`] is `vr ‖ short(spki k1) ‖ short(spki k2) ‖ maybe(kem)`;
//! `kem = 'P' ‖ large(pk)` (proposed) or `'A' ‖ large(ct) ‖ large(pk)` (accepted).
//!
//! Keys are X448 in DER SubjectPublicKeyInfo; the KEM is sntrup761 (pk 1158, ct 1039 bytes).

use simplex_crypto::X448Public;
use simplex_encoding::{DecodeError, base64url};

pub use simplex_ratchet::kem::{KEM_CIPHERTEXT_LEN, KEM_PUBLIC_KEY_LEN};
pub use simplex_ratchet::{
    CURRENT_E2E_VERSION, E2ERatchetParams, E2ERatchetParamsUri, KDF_X3DH_E2E_VERSION,
    KemCiphertext, KemParams, KemPublicKey, PQ_RATCHET_E2E_VERSION, SUPPORTED_E2E_VERSIONS,
};

use crate::query::{Query, QueryWriter};
use crate::text::{decode_b64, parse_vrange};

/// Fails unless the KEM parameters are absent or only proposed (the reference's
/// "receiving" parameters, in invitation links and ratchet re-sync keys).
pub fn check_proposed(kem: Option<&KemParams>) -> Result<(), DecodeError> {
    match kem {
        Some(KemParams::Accepted(..)) => Err(DecodeError::Invalid("bad ratchet KEM state")),
        _ => Ok(()),
    }
}

/// The text form of [`E2ERatchetParamsUri`], as the `e2e` field of invitation links.
pub trait ParamsUriText: Sized {
    /// The text form (query-string syntax, values not escaped).
    fn to_text(&self) -> String;

    /// Parses the text form.
    fn parse_text(s: &str) -> Result<Self, DecodeError>;
}

impl ParamsUriText for E2ERatchetParamsUri {
    fn to_text(&self) -> String {
        let keys = format!(
            "{},{}",
            base64url::encode(&self.k1.to_spki()),
            base64url::encode(&self.k2.to_spki())
        );
        let mut q = QueryWriter::new();
        q.raw("v", &self.versions.to_string()).raw("x3dh", &keys);
        match &self.kem {
            Some(kem) if self.versions.max() >= PQ_RATCHET_E2E_VERSION => match kem {
                KemParams::Proposed(k) => q.raw("kem_key", &base64url::encode(k.as_bytes())),
                KemParams::Accepted(ct, k) => q
                    .raw("kem_ct", &base64url::encode(ct.as_bytes()))
                    .raw("kem_key", &base64url::encode(k.as_bytes())),
            },
            _ => &mut q,
        };
        q.finish()
    }

    fn parse_text(s: &str) -> Result<Self, DecodeError> {
        let q = Query::parse_link(s)?;
        let versions = parse_vrange(q.require("v")?)?;
        let (k1, k2) = q
            .require("x3dh")?
            .split_once(',')
            .ok_or(DecodeError::Invalid("bad e2e params"))?;
        let (k1, k2) = (x448_from_text(k1)?, x448_from_text(k2)?);
        let kem = if versions.max() >= PQ_RATCHET_E2E_VERSION {
            kem_from_query(&q)?
        } else {
            None
        };
        Ok(E2ERatchetParamsUri {
            versions,
            k1,
            k2,
            kem,
        })
    }
}

fn x448_from_text(s: &str) -> Result<X448Public, DecodeError> {
    X448Public::from_spki(&decode_b64(s)?).map_err(|_| DecodeError::Invalid("bad X448 key"))
}

fn kem_from_query(q: &Query) -> Result<Option<KemParams>, DecodeError> {
    let Some(k) = q.get_str("kem_key")? else {
        return Ok(None);
    };
    let k = KemPublicKey::from_bytes(&decode_b64(k)?)?;
    Ok(Some(match q.get_str("kem_ct")? {
        Some(ct) => KemParams::Accepted(KemCiphertext::from_bytes(&decode_b64(ct)?)?, k),
        None => KemParams::Proposed(k),
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use simplex_encoding::{Decode, Encode, VersionRange};

    use super::*;

    /// `testDhPubKey` of tests/AgentTests/ConnectionRequestTests.hs (an X448 SPKI).
    const TEST_X448: &str = "MEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U=";

    fn key() -> X448Public {
        x448_from_text(TEST_X448).unwrap()
    }

    #[test]
    fn text_form_of_reference_params() {
        let p = E2ERatchetParamsUri {
            versions: VersionRange::single(1),
            k1: key(),
            k2: key(),
            kem: None,
        };
        let s = p.to_text();
        assert_eq!(s, format!("v=1&x3dh={TEST_X448},{TEST_X448}"));
        assert_eq!(E2ERatchetParamsUri::parse_text(&s).unwrap(), p);
    }

    #[test]
    fn kem_only_in_text_from_version_3() {
        let pk = KemPublicKey::from_bytes(&[9; KEM_PUBLIC_KEY_LEN]).unwrap();
        let ct = KemCiphertext::from_bytes(&[8; KEM_CIPHERTEXT_LEN]).unwrap();
        let mut p = E2ERatchetParamsUri {
            versions: SUPPORTED_E2E_VERSIONS,
            k1: key(),
            k2: key(),
            kem: Some(KemParams::Accepted(ct, pk.clone())),
        };
        let s = p.to_text();
        assert!(s.contains("&kem_ct=") && s.contains("&kem_key="));
        assert_eq!(E2ERatchetParamsUri::parse_text(&s).unwrap(), p);
        p.versions = VersionRange::single(2);
        p.kem = Some(KemParams::Proposed(pk));
        assert!(!p.to_text().contains("kem"));
        assert!(KemPublicKey::from_bytes(&[0; 3]).is_err());
    }

    #[test]
    fn binary_kem_gated_by_version() {
        let p = E2ERatchetParams {
            version: 2,
            k1: key(),
            k2: key(),
            kem: None,
        };
        let b = p.to_bytes();
        assert_eq!(b.len(), 2 + 69 + 69);
        assert_eq!(E2ERatchetParams::from_bytes(&b).unwrap(), p);
        let p3 = E2ERatchetParams { version: 3, ..p };
        assert_eq!(p3.to_bytes().last(), Some(&b'0'));
        assert_eq!(E2ERatchetParams::from_bytes(&p3.to_bytes()).unwrap(), p3);
    }

    #[test]
    fn only_proposed_kem_passes_the_check() {
        let pk = KemPublicKey::from_bytes(&[9; KEM_PUBLIC_KEY_LEN]).unwrap();
        let ct = KemCiphertext::from_bytes(&[8; KEM_CIPHERTEXT_LEN]).unwrap();
        assert!(check_proposed(None).is_ok());
        assert!(check_proposed(Some(&KemParams::Proposed(pk.clone()))).is_ok());
        assert!(check_proposed(Some(&KemParams::Accepted(ct, pk))).is_err());
    }

    /// Freshly generated ratchet parameters (with and without a real sntrup761 key)
    /// survive the binary forms and the link text form unchanged (this replaces the
    /// bridge test of the former `simplex-agent::convert`).
    #[test]
    fn generated_params_survive_wire_and_text() {
        let mut rng = rand::rng();
        for pq in [
            simplex_ratchet::PQSupport::OFF,
            simplex_ratchet::PQSupport::ON,
        ] {
            let g = simplex_ratchet::generate_rcv_params(&mut rng, 3, pq).unwrap();
            assert_eq!(g.params.version, 3);
            assert_eq!(g.params.kem.is_some(), pq.0);
            let b = g.params.to_bytes();
            assert_eq!(E2ERatchetParams::from_bytes(&b).unwrap(), g.params);
            let uri = E2ERatchetParamsUri {
                versions: SUPPORTED_E2E_VERSIONS,
                k1: g.params.k1.clone(),
                k2: g.params.k2.clone(),
                kem: g.params.kem.clone(),
            };
            assert_eq!(
                E2ERatchetParamsUri::from_bytes(&uri.to_bytes()).unwrap(),
                uri
            );
            assert_eq!(
                E2ERatchetParamsUri::parse_text(&uri.to_text()).unwrap(),
                uri
            );
            assert_eq!(uri.at_version(3), g.params);
        }
    }
}
