//! The ratchet state (`Ratchet` in `Ratchet.hs`) and its two initialisations.

use core::fmt;

use simplex_crypto::{X448Public, X448Secret};
use simplex_encoding::Version;

use crate::error::Result;
use crate::kdf::root_kdf;
use crate::kem::KemKeyPair;
use crate::keys::{DhKeyPair, Key32};
use crate::version::{PQEncryption, PQSupport, RatchetVersions};
use crate::x3dh::{KemAccepted, RatchetInitParams};

/// The sending chain (`SndRatchet`).
#[derive(Clone)]
pub(crate) struct SndChain {
    /// The peer's current ratchet public key (DHRr).
    pub(crate) dh_rr: X448Public,
    /// The sending chain key (CKs).
    pub(crate) ck: Key32,
    /// The sending header key (HKs).
    pub(crate) hk: Key32,
}

/// The receiving chain (`RcvRatchet`).
#[derive(Clone)]
pub(crate) struct RcvChain {
    /// The receiving chain key (CKr).
    pub(crate) ck: Key32,
    /// The receiving header key (HKr).
    pub(crate) hk: Key32,
}

/// The KEM part of the state (`RatchetKEM`): own key pair (PQRs) and, once a peer key
/// was received, the exchange to send in the next headers (PQRr, PQRss, PQRct).
#[derive(Clone)]
pub(crate) struct RatchetKem {
    pub(crate) own: KemKeyPair,
    pub(crate) accepted: Option<KemAccepted>,
}

/// One side's double-ratchet state.
///
/// It is a value: [`crate::encrypt`] and [`crate::decrypt`] take it by reference and
/// return the next state, which the caller stores (see [`RatchetState::to_bytes`]).
/// Cloning copies the secrets (each copy wipes itself on drop); Debug shows only
/// counters and flags.
#[derive(Clone)]
pub struct RatchetState {
    pub(crate) versions: RatchetVersions,
    /// Associated data of every AEAD operation (112 bytes for X448).
    pub(crate) ad: Vec<u8>,
    /// Own current ratchet key pair (DHRs).
    pub(crate) dh_rs: DhKeyPair,
    pub(crate) kem: Option<RatchetKem>,
    /// Decides the header size; only ever turns on.
    pub(crate) support_kem: PQSupport,
    /// Use KEM from the next ratchet step.
    pub(crate) enable_kem: PQEncryption,
    /// The current sending chain was derived with a KEM secret.
    pub(crate) snd_kem: PQEncryption,
    /// The current receiving chain was derived with a KEM secret.
    pub(crate) rcv_kem: PQEncryption,
    /// Root key (RK).
    pub(crate) rk: Key32,
    pub(crate) snd: Option<SndChain>,
    pub(crate) rcv: Option<RcvChain>,
    pub(crate) ns: u32,
    pub(crate) nr: u32,
    pub(crate) pn: u32,
    /// Next sending and receiving header keys (NHKs, NHKr).
    pub(crate) nhk_s: Key32,
    pub(crate) nhk_r: Key32,
}

impl RatchetState {
    /// The current and maximum supported E2E versions.
    pub fn versions(&self) -> RatchetVersions {
        self.versions
    }

    /// Whether PQ headers are on (`rcSupportKEM`).
    pub fn pq_support(&self) -> PQSupport {
        self.support_kem
    }

    /// Whether KEM will be used from the next ratchet step (`rcEnableKEM`).
    pub fn pq_enabled(&self) -> PQEncryption {
        self.enable_kem
    }

    /// Whether messages sent now are PQ-encrypted (`rcSndKEM`).
    pub fn snd_pq(&self) -> PQEncryption {
        self.snd_kem
    }

    /// Whether the last receiving chain was PQ-encrypted (`rcRcvKEM`).
    pub fn rcv_pq(&self) -> PQEncryption {
        self.rcv_kem
    }

    /// The associated data fixed by the X3DH.
    pub fn assoc_data(&self) -> &[u8] {
        &self.ad
    }

    /// Messages sent in the current sending chain (Ns).
    pub fn sent_in_chain(&self) -> u32 {
        self.ns
    }

    /// Messages received in the current receiving chain (Nr).
    pub fn received_in_chain(&self) -> u32 {
        self.nr
    }

    /// True once a sending chain exists, i.e. [`crate::encrypt`] can be used.
    pub fn can_send(&self) -> bool {
        self.snd.is_some()
    }

    pub(crate) fn current_version(&self) -> Version {
        self.versions.current
    }
}

impl fmt::Debug for RatchetState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RatchetState")
            .field("versions", &self.versions)
            .field("support_kem", &self.support_kem)
            .field("enable_kem", &self.enable_kem)
            .field("snd_kem", &self.snd_kem)
            .field("rcv_kem", &self.rcv_kem)
            .field("has_kem", &self.kem.is_some())
            .field("has_snd", &self.snd.is_some())
            .field("has_rcv", &self.rcv.is_some())
            .field("ns", &self.ns)
            .field("nr", &self.nr)
            .field("pn", &self.pn)
            .finish_non_exhaustive()
    }
}

/// Initialises the joining side, which sends first (`initSndRatchet`).
///
/// `peer_dh` is the creator's `k2`, `own_dh` a fresh X448 key (not one of the X3DH keys),
/// `init` the result of [`crate::pq_x3dh_snd`].
pub fn init_snd(
    versions: RatchetVersions,
    peer_dh: &X448Public,
    own_dh: &X448Secret,
    init: (RatchetInitParams, Option<KemKeyPair>),
) -> Result<RatchetState> {
    let (params, own_kem) = init;
    let dh_rs = DhKeyPair::from_secret(own_dh);
    let kem_ss = params.kem_accepted.as_ref().map(|k| &k.shared);
    let (rk, ck, nhk_s) = root_kdf(&params.ratchet_key, peer_dh, &dh_rs, kem_ss)?;
    let pq_on = own_kem.is_some();
    let snd_kem = PQEncryption(params.kem_accepted.is_some());
    Ok(RatchetState {
        versions,
        ad: params.assoc_data,
        dh_rs,
        kem: own_kem.map(|own| RatchetKem {
            own,
            accepted: params.kem_accepted,
        }),
        support_kem: PQSupport(pq_on),
        enable_kem: PQEncryption(pq_on),
        snd_kem,
        rcv_kem: PQEncryption::OFF,
        rk,
        snd: Some(SndChain {
            dh_rr: peer_dh.clone(),
            ck,
            hk: params.snd_hk,
        }),
        rcv: None,
        ns: 0,
        nr: 0,
        pn: 0,
        nhk_s,
        nhk_r: params.rcv_next_hk,
    })
}

/// Initialises the creating side, which must receive before it sends
/// (`initRcvRatchet`).
///
/// `own_dh` is the private key of the `k2` this side published, `init` the result of
/// [`crate::pq_x3dh_rcv`], `pq` whether this side wants PQ.
pub fn init_rcv(
    versions: RatchetVersions,
    own_dh: &X448Secret,
    init: (RatchetInitParams, Option<KemKeyPair>),
    pq: PQSupport,
) -> RatchetState {
    let (params, own_kem) = init;
    RatchetState {
        versions,
        ad: params.assoc_data,
        dh_rs: DhKeyPair::from_secret(own_dh),
        kem: own_kem.map(|own| RatchetKem {
            own,
            accepted: params.kem_accepted,
        }),
        support_kem: pq,
        enable_kem: pq.to_encryption(),
        snd_kem: PQEncryption::OFF,
        rcv_kem: PQEncryption::OFF,
        rk: params.ratchet_key,
        snd: None,
        rcv: None,
        ns: 0,
        nr: 0,
        pn: 0,
        nhk_s: params.rcv_next_hk,
        nhk_r: params.snd_hk,
    }
}
