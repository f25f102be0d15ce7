//! The deniable authenticator for X25519 queue keys (the reference's `cbAuthenticate` /
//! `cbVerify`, protocol-map §3.1):
//! `crypto_box(X25519(own secret, peer public), nonce, SHA-512(msg))`, 16 + 64 = 80 bytes.

use subtle::ConstantTimeEq;

use crate::hash::sha512;
use crate::keys::{X25519Public, X25519Secret};
use crate::nonce::CbNonce;
use crate::salsabox;

/// Length of an authenticator: Poly1305 tag (16) + boxed SHA-512 (64).
pub const CB_AUTHENTICATOR_LEN: usize = 80;

/// Makes the authenticator of `msg` from our secret and the peer's public key.
pub fn cb_authenticate(
    peer_pub: &X25519Public,
    own_secret: &X25519Secret,
    nonce: &CbNonce,
    msg: &[u8],
) -> [u8; CB_AUTHENTICATOR_LEN] {
    let secret = own_secret.dh(peer_pub);
    let boxed = salsabox::seal(secret.as_bytes(), nonce, &sha512(msg));
    let mut out = [0u8; CB_AUTHENTICATOR_LEN];
    out.copy_from_slice(&boxed);
    out
}

/// Checks an authenticator in constant time; any malformed input gives `false`.
pub fn cb_verify(
    peer_pub: &X25519Public,
    own_secret: &X25519Secret,
    nonce: &CbNonce,
    msg: &[u8],
    auth: &[u8],
) -> bool {
    if auth.len() != CB_AUTHENTICATOR_LEN {
        return false;
    }
    let secret = own_secret.dh(peer_pub);
    match salsabox::open(secret.as_bytes(), nonce, auth) {
        Ok(digest) => digest.ct_eq(&sha512(msg)).into(),
        Err(_) => false,
    }
}
