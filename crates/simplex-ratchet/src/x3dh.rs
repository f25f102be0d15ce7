//! The PQ X3DH agreement (`pqX3dhSnd`, `pqX3dhRcv`, `pqX3dh` in `Ratchet.hs`).
//!
//! ```text
//! dh1 = DH(rk1, sk2)   dh2 = DH(rk2, sk1)   dh3 = DH(rk2, sk2)
//! (HK, NHK, SK) = hkdf3(64 zero bytes, dh1 ‖ dh2 ‖ dh3 [‖ kem ss], "SimpleXX3DH")
//! AD = raw(sk1) ‖ raw(rk1)
//! ```
//! where `rk*` are the keys of the side that created the connection and `sk*` those of
//! the side that joined it.

use simplex_crypto::{X448Public, X448Secret};
use zeroize::Zeroizing;

use crate::error::{RatchetError, Result};
use crate::kdf::{INFO_X3DH, hkdf3};
use crate::kem::{KemCiphertext, KemKeyPair, KemPublicKey, KemSharedKey};
use crate::keys::Key32;
use crate::params::{E2ERatchetParams, KemParams, PrivKemParams};
use crate::version::PQ_RATCHET_E2E_VERSION;

/// An agreed KEM exchange (`RatchetKEMAccepted`): the peer's public key, the shared
/// secret and the ciphertext that carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KemAccepted {
    /// The peer's public key the secret was encapsulated to.
    pub peer_key: KemPublicKey,
    /// The shared secret.
    pub shared: KemSharedKey,
    /// The ciphertext sent to the peer.
    pub ciphertext: KemCiphertext,
}

/// The result of the X3DH agreement, the input of [`crate::init_snd`] and
/// [`crate::init_rcv`] (`RatchetInitParams`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatchetInitParams {
    /// Associated data of every AEAD operation: raw joiner k1 ‖ raw creator k1 (112 bytes).
    pub assoc_data: Vec<u8>,
    /// The initial root key.
    pub ratchet_key: Key32,
    /// The joiner's first sending header key.
    pub snd_hk: Key32,
    /// The next header key of the joiner's receiving side.
    pub rcv_next_hk: Key32,
    /// The KEM exchange agreed in the X3DH, if any.
    pub kem_accepted: Option<KemAccepted>,
}

fn pq_x3dh(
    sk1: &X448Public,
    rk1: &X448Public,
    dhs: [Zeroizing<[u8; 56]>; 3],
    kem_accepted: Option<KemAccepted>,
) -> RatchetInitParams {
    let mut assoc_data = sk1.as_bytes().to_vec();
    assoc_data.extend_from_slice(rk1.as_bytes());
    let mut ikm = Zeroizing::new(Vec::with_capacity(3 * 56 + 32));
    dhs.iter().for_each(|d| ikm.extend_from_slice(d.as_ref()));
    if let Some(k) = &kem_accepted {
        ikm.extend_from_slice(k.shared.as_bytes());
    }
    let (hk, nhk, sk) = hkdf3(&[0u8; 64], &ikm, INFO_X3DH);
    RatchetInitParams {
        assoc_data,
        ratchet_key: sk,
        snd_hk: hk,
        rcv_next_hk: nhk,
        kem_accepted,
    }
}

fn dh(own: &X448Secret, peer: &X448Public) -> Result<Zeroizing<[u8; 56]>> {
    Ok(Zeroizing::new(*own.dh(peer)?.as_bytes()))
}

/// The joining side's agreement (`pqX3dhSnd`): own keys `spk1`, `spk2` and private KEM
/// params (sent in the reply), with the creator's params `received`.
///
/// Returns the init params and the KEM key pair to keep in the ratchet. Fails with
/// [`RatchetError::KemState`] when accepting a KEM that was not proposed.
pub fn pq_x3dh_snd(
    spk1: &X448Secret,
    spk2: &X448Secret,
    own_kem: Option<&PrivKemParams>,
    received: &E2ERatchetParams,
) -> Result<(RatchetInitParams, Option<KemKeyPair>)> {
    let (keys, accepted) = match own_kem {
        Some(ps) if received.version >= PQ_RATCHET_E2E_VERSION => match (ps, &received.kem) {
            (_, Some(KemParams::Accepted(..))) => return Err(RatchetError::KemState),
            (PrivKemParams::Accepted(ct, ss, ks), Some(KemParams::Proposed(k))) => {
                let accepted = KemAccepted {
                    peer_key: k.clone(),
                    shared: ss.clone(),
                    ciphertext: ct.clone(),
                };
                (Some(ks.clone()), Some(accepted))
            }
            // Both sides may propose (ratchet re-synchronisation).
            (PrivKemParams::Proposed(ks), _) => (Some(ks.clone()), None),
            (PrivKemParams::Accepted(..), None) => return Err(RatchetError::KemState),
        },
        _ => (None, None),
    };
    let (rk1, rk2) = (&received.k1, &received.k2);
    let dhs = [dh(spk2, rk1)?, dh(spk1, rk2)?, dh(spk2, rk2)?];
    Ok((pq_x3dh(&spk1.public(), rk1, dhs, accepted), keys))
}

/// The creating side's agreement (`pqX3dhRcv`): own keys `rpk1`, `rpk2` and private KEM
/// params (sent in the link), with the joiner's params `received`.
///
/// Fails with [`RatchetError::KemState`] when the joiner accepted a KEM this side did
/// not propose.
pub fn pq_x3dh_rcv(
    rpk1: &X448Secret,
    rpk2: &X448Secret,
    own_kem: Option<&PrivKemParams>,
    received: &E2ERatchetParams,
) -> Result<(RatchetInitParams, Option<KemKeyPair>)> {
    let kem = match &received.kem {
        Some(KemParams::Accepted(ct, k)) if received.version >= PQ_RATCHET_E2E_VERSION => {
            match own_kem {
                Some(PrivKemParams::Proposed(ks)) => {
                    let accepted = KemAccepted {
                        peer_key: k.clone(),
                        shared: ks.secret.decapsulate(ct),
                        ciphertext: ct.clone(),
                    };
                    Some((ks.clone(), accepted))
                }
                _ => return Err(RatchetError::KemState),
            }
        }
        // Both sides may propose (ratchet re-synchronisation): no KEM secret yet.
        _ => None,
    };
    let (sk1, sk2) = (&received.k1, &received.k2);
    let dhs = [dh(rpk1, sk2)?, dh(rpk2, sk1)?, dh(rpk2, sk2)?];
    let (keys, accepted) = kem.unzip();
    Ok((pq_x3dh(sk1, &rpk1.public(), dhs, accepted), keys))
}
