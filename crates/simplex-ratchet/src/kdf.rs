//! The ratchet's KDF chains (`hkdf3`, `rootKdf`, `chainKdf` in `Ratchet.hs`), all
//! HKDF-SHA512 with 96 bytes of output split 32/32/32.

use simplex_crypto::kdf::hkdf_sha512_array;
use simplex_crypto::{X448Public, X448Secret};
use zeroize::Zeroizing;

use crate::error::Result;
use crate::kem::KemSharedKey;
use crate::keys::{DhKeyPair, Key32, MessageKey};

/// HKDF info of the X3DH agreement.
pub(crate) const INFO_X3DH: &[u8] = b"SimpleXX3DH";
/// HKDF info of the root chain.
const INFO_ROOT: &[u8] = b"SimpleXRootRatchet";
/// HKDF info of the sending/receiving chains.
const INFO_CHAIN: &[u8] = b"SimpleXChainRatchet";

/// HKDF-SHA512(salt, ikm, info) into three 32-byte keys.
pub(crate) fn hkdf3(salt: &[u8], ikm: &[u8], info: &[u8]) -> (Key32, Key32, Key32) {
    let out = hkdf_sha512_array::<96>(salt, ikm, info);
    let part = |i: usize| {
        let mut k = Key32::default();
        k.0.copy_from_slice(&out[i * 32..(i + 1) * 32]);
        k
    };
    (part(0), part(1), part(2))
}

/// Raw X448 agreement between a stored key pair and a peer key.
pub(crate) fn dh(own: &DhKeyPair, peer: &X448Public) -> Result<Zeroizing<[u8; 56]>> {
    let secret = X448Secret::from_bytes(&own.secret)?;
    Ok(Zeroizing::new(*secret.dh(peer)?.as_bytes()))
}

/// `rootKdf`: (RK', CK, NHK) = hkdf3(RK, DH(own, peer) ‖ kemSS, "SimpleXRootRatchet").
pub(crate) fn root_kdf(
    rk: &Key32,
    peer: &X448Public,
    own: &DhKeyPair,
    kem_ss: Option<&KemSharedKey>,
) -> Result<(Key32, Key32, Key32)> {
    let mut ikm = Zeroizing::new(dh(own, peer)?.to_vec());
    if let Some(ss) = kem_ss {
        ikm.extend_from_slice(ss.as_bytes());
    }
    Ok(hkdf3(&rk.0, &ikm, INFO_ROOT))
}

/// `chainKdf`: (CK', MK, IVs) = hkdf3("", CK, "SimpleXChainRatchet"); the message key
/// pairs MK with the first 16 bytes of IVs, the header IV is the last 16.
pub(crate) fn chain_kdf(ck: &Key32) -> (Key32, MessageKey, [u8; 16]) {
    let (ck2, mk, ivs) = hkdf3(b"", &ck.0, INFO_CHAIN);
    let mut msg_iv = [0u8; 16];
    let mut header_iv = [0u8; 16];
    msg_iv.copy_from_slice(&ivs.0[..16]);
    header_iv.copy_from_slice(&ivs.0[16..]);
    (ck2, MessageKey::new(mk, msg_iv), header_iv)
}
