//! Secretbox chain keys for SMP v11+ transport block encryption (the reference's
//! `sbcInit` / `sbcHkdf`, protocol-map §2.6).

use core::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::kdf::hkdf_sha512_array;
use crate::keys::{DhSecret, redacted};
use crate::nonce::CbNonce;
use crate::sbox::SbKey;

const INIT_INFO: &[u8] = b"SimpleXSbChainInit";
const STEP_INFO: &[u8] = b"SimpleXSbChain";

/// One direction's chain key; each [`ChainKey::next`] yields a fresh key and nonce.
/// Wiped on drop; Debug is redacted.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct ChainKey([u8; 32]);

/// Derives the two chain keys of a session:
/// `HKDF-SHA512(salt = session_id, ikm = secret, info = "SimpleXSbChainInit", 64)` split 32/32.
///
/// In SMP the server sends with the first and receives with the second; the client the
/// other way round.
pub fn sbc_init(session_id: &[u8], secret: &DhSecret) -> (ChainKey, ChainKey) {
    let out = hkdf_sha512_array::<64>(session_id, secret.as_bytes(), INIT_INFO);
    let (first, second) = out.split_at(32);
    (ChainKey(array32(first)), ChainKey(array32(second)))
}

impl ChainKey {
    /// Wraps raw chain key bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The raw chain key bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Advances the chain: `HKDF-SHA512(salt = "", ikm = ck, info = "SimpleXSbChain", 88)`
    /// gives the next chain key (0..32), the block key (32..64) and the nonce (64..88).
    #[allow(
        clippy::should_implement_trait,
        reason = "an infinite chain step, not an iterator; the name follows the protocol notes"
    )]
    pub fn next(&mut self) -> (SbKey, CbNonce) {
        let out = hkdf_sha512_array::<88>(b"", &self.0, STEP_INFO);
        let (next, rest) = out.split_at(32);
        let (key, nonce) = rest.split_at(32);
        self.0.copy_from_slice(next);
        let mut key_bytes = array32(key);
        let sb_key = SbKey::from_bytes(key_bytes);
        key_bytes.zeroize();
        let mut n = [0u8; 24];
        n.copy_from_slice(nonce);
        (sb_key, n)
    }
}

impl fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted(f, "ChainKey")
    }
}

/// Copies the first 32 bytes of `bytes` (callers pass slices of fixed-size arrays).
fn array32(bytes: &[u8]) -> [u8; 32] {
    let mut a = [0u8; 32];
    a.copy_from_slice(&bytes[..32]);
    a
}
