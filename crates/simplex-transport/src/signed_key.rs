//! The signed session key of the SMP server hello (`protocol-map.md` §2.5).
//!
//! The reference signs its X25519 session public key with the TLS leaf (online) key as an
//! X.509 `SignedExact PubKey` (`Crypto.hs` `signX509`/`verifyX509`, hs-x509 `Data.X509.Signed`).
//! hs-x509 wraps the encoded object in one more SEQUENCE before signing, and a `PubKey`
//! already encodes as a full SubjectPublicKeyInfo, so the structure is:
//!
//! ```text
//! SEQUENCE {
//!   tbs       SEQUENCE { SubjectPublicKeyInfo }      -- the signature covers this whole TLV
//!   algorithm SEQUENCE { OID 1.3.101.112 | 1.3.101.113 }   -- Ed25519 | Ed448, no parameters
//!   signature BIT STRING (0 unused bits)
//! }
//! ```

use openssl::pkey::{Id, PKey, PKeyRef, Private};
use openssl::sign::{Signer, Verifier};
use openssl::x509::X509Ref;

use crate::der::{TAG_BIT_STRING, TAG_SEQUENCE, encode_tlv, expect_tlv, read_single};
use crate::error::{Error, Result};

/// DER AlgorithmIdentifier of Ed25519 (RFC 8410: OID 1.3.101.112, parameters absent).
const ALG_ED25519: [u8; 7] = [0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70];
/// DER AlgorithmIdentifier of Ed448 (RFC 8410: OID 1.3.101.113, parameters absent).
const ALG_ED448: [u8; 7] = [0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x71];

/// The parts of a decoded signed object.
struct SignedParts<'a> {
    /// The whole `tbs` TLV (what the signature covers).
    tbs: &'a [u8],
    /// The SubjectPublicKeyInfo inside `tbs`.
    spki: &'a [u8],
    /// The whole AlgorithmIdentifier TLV.
    alg: &'a [u8],
    /// The signature bytes (BIT STRING content without the unused-bits octet).
    signature: &'a [u8],
}

/// Signs `spki_der` (a DER SubjectPublicKeyInfo, normally of the X25519 session key) with the
/// server's TLS leaf key, producing the DER of the signed object described in the module docs.
///
/// The key must be Ed25519 or Ed448; `spki_der` must be one well-formed public key.
pub fn sign_spki(leaf_key: &PKeyRef<Private>, spki_der: &[u8]) -> Result<Vec<u8>> {
    let alg = algorithm_identifier(leaf_key.id())?;
    check_spki(spki_der)?;
    let tbs = encode_tlv(TAG_SEQUENCE, spki_der);
    let signature = Signer::new_without_digest(leaf_key)?.sign_oneshot_to_vec(&tbs)?;
    let mut bits = Vec::with_capacity(signature.len() + 1);
    bits.push(0);
    bits.extend_from_slice(&signature);
    let mut body = tbs;
    body.extend_from_slice(&alg);
    body.extend_from_slice(&encode_tlv(TAG_BIT_STRING, &bits));
    Ok(encode_tlv(TAG_SEQUENCE, &body))
}

/// Verifies a signed session key with the public key of `leaf_cert` (the first certificate of
/// the server's TLS chain) and returns the DER SubjectPublicKeyInfo it carries.
///
/// Fails on malformed DER (including trailing bytes), an algorithm other than the leaf key's
/// (Ed25519/Ed448), or a bad signature.
pub fn verify_signed_spki(leaf_cert: &X509Ref, signed: &[u8]) -> Result<Vec<u8>> {
    let key = leaf_cert.public_key()?;
    let parts = parse_signed(signed)?;
    let declared = match parts.alg {
        a if a == ALG_ED25519 => Id::ED25519,
        a if a == ALG_ED448 => Id::ED448,
        _ => {
            return Err(Error::UnsupportedAlgorithm(
                "signature algorithm is not Ed25519/Ed448",
            ));
        }
    };
    if declared != key.id() {
        return Err(Error::BadSignature);
    }
    let ok = Verifier::new_without_digest(&key)?
        .verify_oneshot(parts.signature, parts.tbs)
        .unwrap_or(false);
    if !ok {
        return Err(Error::BadSignature);
    }
    check_spki(parts.spki)?;
    Ok(parts.spki.to_vec())
}

fn parse_signed(signed: &[u8]) -> Result<SignedParts<'_>> {
    let outer = read_single(signed, TAG_SEQUENCE)?;
    let (tbs, rest) = expect_tlv(outer.content, TAG_SEQUENCE)?;
    let (alg, rest) = expect_tlv(rest, TAG_SEQUENCE)?;
    let bits = read_single(rest, TAG_BIT_STRING)?;
    let (&unused, signature) = bits
        .content
        .split_first()
        .ok_or(Error::Der("empty BIT STRING"))?;
    if unused != 0 {
        return Err(Error::Der("signature BIT STRING has unused bits"));
    }
    let spki = read_single(tbs.content, TAG_SEQUENCE)?;
    Ok(SignedParts {
        tbs: tbs.raw,
        spki: spki.raw,
        alg: alg.raw,
        signature,
    })
}

/// Checks that `spki_der` is exactly one SEQUENCE that OpenSSL accepts as a public key.
fn check_spki(spki_der: &[u8]) -> Result<()> {
    read_single(spki_der, TAG_SEQUENCE)?;
    PKey::public_key_from_der(spki_der)
        .map(|_| ())
        .map_err(|_| Error::Der("not a SubjectPublicKeyInfo"))
}

fn algorithm_identifier(id: Id) -> Result<[u8; 7]> {
    match id {
        Id::ED25519 => Ok(ALG_ED25519),
        Id::ED448 => Ok(ALG_ED448),
        _ => Err(Error::UnsupportedAlgorithm(
            "signing key is not Ed25519/Ed448",
        )),
    }
}
