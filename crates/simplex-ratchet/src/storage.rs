//! A versioned binary encoding of [`RatchetState`] for storage. It is this crate's own
//! format (the reference stores JSON); it is not sent on the wire.
//!
//! Format 1:
//! ```text
//! 0x01 ‖ w16 current ‖ w16 maxSupported ‖ short(AD) ‖ DHRs secret(56) ‖ DHRs public(56)
//!   ‖ maybe(large(PQRs pk) ‖ large(PQRs sk) ‖ maybe(large(PQRr) ‖ short(PQRss) ‖ large(PQRct)))
//!   ‖ bool supportKEM ‖ bool enableKEM ‖ bool sndKEM ‖ bool rcvKEM ‖ RK(32)
//!   ‖ maybe(DHRr(56) ‖ CKs(32) ‖ HKs(32)) ‖ maybe(CKr(32) ‖ HKr(32))
//!   ‖ w32 Ns ‖ w32 Nr ‖ w32 PN ‖ NHKs(32) ‖ NHKr(32)
//! ```

use simplex_crypto::X448Public;
use simplex_encoding::writer::{put_bool, put_maybe, put_short, put_u16, put_u32};
use simplex_encoding::{Decode, DecodeError, Encode, Reader};
use zeroize::Zeroizing;

use crate::error::{RatchetError, Result};
use crate::kem::{KemCiphertext, KemKeyPair, KemPublicKey, KemSharedKey};
use crate::keys::{DhKeyPair, Key32};
use crate::state::{RatchetKem, RatchetState, RcvChain, SndChain};
use crate::version::{PQEncryption, PQSupport, RatchetVersions};
use crate::x3dh::KemAccepted;

/// The storage format written by [`RatchetState::to_bytes`].
pub const STATE_FORMAT: u8 = 1;

fn put_kem(out: &mut Vec<u8>, kem: &RatchetKem) {
    kem.own.encode(out);
    put_maybe(out, kem.accepted.as_ref(), |o, a| {
        a.peer_key.encode(o);
        a.shared.encode(o);
        a.ciphertext.encode(o);
    });
}

fn get_kem(r: &mut Reader<'_>) -> Result<RatchetKem, DecodeError> {
    Ok(RatchetKem {
        own: KemKeyPair::decode(r)?,
        accepted: r.maybe(|r| {
            Ok(KemAccepted {
                peer_key: KemPublicKey::decode(r)?,
                shared: KemSharedKey::decode(r)?,
                ciphertext: KemCiphertext::decode(r)?,
            })
        })?,
    })
}

fn get_key(r: &mut Reader<'_>) -> Result<Key32, DecodeError> {
    Ok(Key32(r.array()?))
}

fn get_x448_raw(r: &mut Reader<'_>) -> Result<X448Public, DecodeError> {
    Ok(X448Public::from_bytes(r.array()?))
}

impl RatchetState {
    /// Encodes the state for storage (format [`STATE_FORMAT`]). The bytes hold secrets
    /// and are wiped when dropped.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(512));
        let o = &mut *out;
        o.push(STATE_FORMAT);
        put_u16(o, self.versions.current);
        put_u16(o, self.versions.max_supported);
        put_short(o, &self.ad);
        o.extend_from_slice(self.dh_rs.secret.as_ref());
        o.extend_from_slice(self.dh_rs.public.as_bytes());
        put_maybe(o, self.kem.as_ref(), put_kem);
        for flag in [
            self.support_kem.0,
            self.enable_kem.0,
            self.snd_kem.0,
            self.rcv_kem.0,
        ] {
            put_bool(o, flag);
        }
        o.extend_from_slice(&self.rk.0);
        put_maybe(o, self.snd.as_ref(), |o, s| {
            o.extend_from_slice(s.dh_rr.as_bytes());
            o.extend_from_slice(&s.ck.0);
            o.extend_from_slice(&s.hk.0);
        });
        put_maybe(o, self.rcv.as_ref(), |o, r| {
            o.extend_from_slice(&r.ck.0);
            o.extend_from_slice(&r.hk.0);
        });
        for n in [self.ns, self.nr, self.pn] {
            put_u32(o, n);
        }
        o.extend_from_slice(&self.nhk_s.0);
        o.extend_from_slice(&self.nhk_r.0);
        out
    }

    /// Decodes a stored state, rejecting unknown formats and trailing bytes. The stored
    /// public key is trusted to match the stored secret key (it is not recomputed).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let r = &mut Reader::new(bytes);
        let state = decode_state(r).map_err(RatchetError::Stored)?;
        r.finish().map_err(RatchetError::Stored)?;
        Ok(state)
    }
}

fn decode_state(r: &mut Reader<'_>) -> Result<RatchetState, DecodeError> {
    r.expect(STATE_FORMAT, "unknown ratchet state format")?;
    let versions = RatchetVersions {
        current: r.u16()?,
        max_supported: r.u16()?,
    };
    let ad = r.short()?.to_vec();
    let dh_rs = DhKeyPair {
        secret: Zeroizing::new(r.array()?),
        public: get_x448_raw(r)?,
    };
    let kem = r.maybe(get_kem)?;
    let [support, enable, snd_kem, rcv_kem] = [r.bool()?, r.bool()?, r.bool()?, r.bool()?];
    let rk = get_key(r)?;
    let snd = r.maybe(|r| {
        Ok(SndChain {
            dh_rr: get_x448_raw(r)?,
            ck: get_key(r)?,
            hk: get_key(r)?,
        })
    })?;
    let rcv = r.maybe(|r| {
        Ok(RcvChain {
            ck: get_key(r)?,
            hk: get_key(r)?,
        })
    })?;
    Ok(RatchetState {
        versions,
        ad,
        dh_rs,
        kem,
        support_kem: PQSupport(support),
        enable_kem: PQEncryption(enable),
        snd_kem: PQEncryption(snd_kem),
        rcv_kem: PQEncryption(rcv_kem),
        rk,
        snd,
        rcv,
        ns: r.u32()?,
        nr: r.u32()?,
        pn: r.u32()?,
        nhk_s: get_key(r)?,
        nhk_r: get_key(r)?,
    })
}
