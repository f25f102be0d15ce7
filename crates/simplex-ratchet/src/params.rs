//! The X3DH parameters two agents exchange (`E2ERatchetParams` and friends in
//! `Ratchet.hs`), their binary wire forms, and their generation.
//!
//! Wire forms (`smpEncode`):
//! - KEM params: `'P' ‖ large(pk)` (proposed) or `'A' ‖ large(ct) ‖ large(pk)` (accepted);
//! - `E2ERatchetParams = w16 v ‖ short(spki k1) ‖ short(spki k2) ‖ [v ≥ 3] maybe(kem)`;
//! - `E2ERatchetParamsUri = w16 vmin ‖ w16 vmax ‖ short(spki k1) ‖ short(spki k2) ‖ maybe(kem)`;
//! - private KEM params (stored by the agent): `'P' ‖ large(pk) ‖ large(sk)` or
//!   `'A' ‖ large(ct) ‖ short(ss) ‖ large(pk) ‖ large(sk)`.
//!
//! Only X448 keys are accepted: the agent fixes the ratchet curve to X448.

use simplex_crypto::rand_core::CryptoRng;
use simplex_crypto::{X448Public, X448Secret};
use simplex_encoding::writer::{put_short, put_u16};
use simplex_encoding::{Decode, DecodeError, Encode, Reader, Version, VersionRange};

use crate::error::Result;
use crate::kem::{KemCiphertext, KemKeyPair, KemPublicKey, KemSharedKey};
use crate::version::{PQ_RATCHET_E2E_VERSION, PQSupport};

/// Public KEM parameters, in X3DH params and in message headers (`RKEMParams`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KemParams {
    /// Only a public key: the sender proposes PQ encryption.
    Proposed(KemPublicKey),
    /// A ciphertext to the peer's key and the sender's next public key.
    Accepted(KemCiphertext, KemPublicKey),
}

impl KemParams {
    /// The public key carried in either form.
    pub fn public_key(&self) -> &KemPublicKey {
        match self {
            KemParams::Proposed(k) | KemParams::Accepted(_, k) => k,
        }
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
                what: "expected KEM params 'P' or 'A'",
            }),
        }
    }
}

pub(crate) fn put_x448(out: &mut Vec<u8>, k: &X448Public) {
    put_short(out, &k.to_spki());
}

pub(crate) fn get_x448(r: &mut Reader<'_>) -> Result<X448Public, DecodeError> {
    X448Public::from_spki(r.short()?).map_err(|_| DecodeError::Invalid("expected an X448 key"))
}

/// X3DH parameters with one agreed version, as sent in confirmations and ratchet
/// re-synchronisation (`E2ERatchetParams`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct E2ERatchetParams {
    /// The E2E version.
    pub version: Version,
    /// The first X448 key (its raw bytes go into the associated data).
    pub k1: X448Public,
    /// The second X448 key (the ratchet's initial DH key).
    pub k2: X448Public,
    /// KEM parameters; only encoded at version 3 and above.
    pub kem: Option<KemParams>,
}

impl Encode for E2ERatchetParams {
    fn encode(&self, out: &mut Vec<u8>) {
        put_u16(out, self.version);
        put_x448(out, &self.k1);
        put_x448(out, &self.k2);
        if self.version >= PQ_RATCHET_E2E_VERSION {
            self.kem.encode(out);
        }
    }
}

impl Decode for E2ERatchetParams {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let version = r.u16()?;
        let k1 = get_x448(r)?;
        let k2 = get_x448(r)?;
        let kem = if version >= PQ_RATCHET_E2E_VERSION {
            Option::<KemParams>::decode(r)?
        } else {
            None
        };
        Ok(E2ERatchetParams {
            version,
            k1,
            k2,
            kem,
        })
    }
}

/// X3DH parameters with a version range, as in invitation links (`E2ERatchetParamsUri`,
/// binary form; the link's text form belongs to the link layer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct E2ERatchetParamsUri {
    /// The supported E2E versions.
    pub versions: VersionRange,
    /// The first X448 key.
    pub k1: X448Public,
    /// The second X448 key.
    pub k2: X448Public,
    /// KEM parameters (always encoded as an optional, whatever the versions).
    pub kem: Option<KemParams>,
}

impl E2ERatchetParamsUri {
    /// The params at one version taken from the range (`toVersionT`).
    pub fn at_version(&self, version: Version) -> E2ERatchetParams {
        E2ERatchetParams {
            version,
            k1: self.k1.clone(),
            k2: self.k2.clone(),
            kem: self.kem.clone(),
        }
    }
}

impl Encode for E2ERatchetParamsUri {
    fn encode(&self, out: &mut Vec<u8>) {
        self.versions.encode(out);
        put_x448(out, &self.k1);
        put_x448(out, &self.k2);
        self.kem.encode(out);
    }
}

impl Decode for E2ERatchetParamsUri {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(E2ERatchetParamsUri {
            versions: VersionRange::decode(r)?,
            k1: get_x448(r)?,
            k2: get_x448(r)?,
            kem: Option::<KemParams>::decode(r)?,
        })
    }
}

/// The private side of [`KemParams`], kept by the agent until the X3DH completes
/// (`PrivRKEMParams`).
#[derive(Debug, Clone)]
pub enum PrivKemParams {
    /// The key pair whose public key was proposed.
    Proposed(KemKeyPair),
    /// The ciphertext sent, the shared secret it carries, and the key pair whose public
    /// key was sent with it.
    Accepted(KemCiphertext, KemSharedKey, KemKeyPair),
}

impl Encode for PrivKemParams {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            PrivKemParams::Proposed(ks) => {
                out.push(b'P');
                ks.encode(out);
            }
            PrivKemParams::Accepted(ct, ss, ks) => {
                out.push(b'A');
                ct.encode(out);
                ss.encode(out);
                ks.encode(out);
            }
        }
    }
}

impl Decode for PrivKemParams {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match r.u8()? {
            b'P' => Ok(PrivKemParams::Proposed(KemKeyPair::decode(r)?)),
            b'A' => Ok(PrivKemParams::Accepted(
                KemCiphertext::decode(r)?,
                KemSharedKey::decode(r)?,
                KemKeyPair::decode(r)?,
            )),
            found => Err(DecodeError::BadByte {
                found,
                what: "expected private KEM params 'P' or 'A'",
            }),
        }
    }
}

/// What the joining side does with KEM in its reply (`UseKEM`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UseKem {
    /// Propose KEM (send a public key only).
    Propose,
    /// Accept the peer's proposed key: encapsulate to it and send a new public key.
    Accept(KemPublicKey),
}

/// Freshly generated X3DH parameters with their private parts.
#[derive(Debug)]
pub struct GeneratedParams {
    /// Private key of `k1`.
    pub pk1: X448Secret,
    /// Private key of `k2`.
    pub pk2: X448Secret,
    /// Private KEM params, when KEM is used (only at version 3+).
    pub kem: Option<PrivKemParams>,
    /// The public params to send.
    pub params: E2ERatchetParams,
}

fn generate_params<R: CryptoRng + ?Sized>(
    rng: &mut R,
    version: Version,
    use_kem: Option<UseKem>,
) -> Result<GeneratedParams> {
    let pk1 = X448Secret::generate(rng)?;
    let pk2 = X448Secret::generate(rng)?;
    let kem = match use_kem {
        Some(use_kem) if version >= PQ_RATCHET_E2E_VERSION => {
            let ks = KemKeyPair::generate(rng);
            Some(match use_kem {
                UseKem::Propose => (
                    KemParams::Proposed(ks.public.clone()),
                    PrivKemParams::Proposed(ks),
                ),
                UseKem::Accept(peer) => {
                    let (ct, ss) = peer.encapsulate(rng);
                    (
                        KemParams::Accepted(ct.clone(), ks.public.clone()),
                        PrivKemParams::Accepted(ct, ss, ks),
                    )
                }
            })
        }
        _ => None,
    };
    let (kem_pub, kem_priv) = kem.unzip();
    let params = E2ERatchetParams {
        version,
        k1: pk1.public(),
        k2: pk2.public(),
        kem: kem_pub,
    };
    Ok(GeneratedParams {
        pk1,
        pk2,
        kem: kem_priv,
        params,
    })
}

/// Parameters of the side that creates the connection ("Bob" in the double ratchet
/// papers; `generateRcvE2EParams`): KEM is proposed when `pq` is on and `version ≥ 3`.
pub fn generate_rcv_params<R: CryptoRng + ?Sized>(
    rng: &mut R,
    version: Version,
    pq: PQSupport,
) -> Result<GeneratedParams> {
    generate_params(rng, version, pq.0.then_some(UseKem::Propose))
}

/// Parameters of the side that joins ("Alice"; `generateSndE2EParams`).
pub fn generate_snd_params<R: CryptoRng + ?Sized>(
    rng: &mut R,
    version: Version,
    use_kem: Option<UseKem>,
) -> Result<GeneratedParams> {
    generate_params(rng, version, use_kem)
}

/// What the joining side does about KEM given the received params (`replyKEM_`): with PQ
/// support at version 3+, accept a proposed key or propose one; otherwise nothing.
pub fn reply_kem(version: Version, received: Option<&KemParams>, pq: PQSupport) -> Option<UseKem> {
    if !(pq.0 && version >= PQ_RATCHET_E2E_VERSION) {
        return None;
    }
    Some(match received {
        Some(KemParams::Proposed(k)) => UseKem::Accept(k.clone()),
        _ => UseKem::Propose,
    })
}
