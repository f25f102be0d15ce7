//! Pure cryptography for the SimpleX protocols: key types and their DER encodings,
//! NaCl `crypto_box`, the reference's HSalsa20-keyed "secret_box" (one-shot and
//! streaming), the transport secretbox chain, the deniable authenticator, message
//! padding, hashes and HKDF-SHA512.
//!
//! This crate must stay pure: no tokio, no sockets, no files, no clock and no global
//! RNG, and it depends on no other workspace crate. OpenSSL is used only for the 448
//! curves (Ed448, X448), always from raw key bytes, never with OpenSSL's RNG.
//!
//! # Randomness
//!
//! Functions that need randomness take `rng: &mut R` with `R: rand_core::CryptoRng`,
//! from the [`rand_core`] version re-exported here (0.10). Callers should pass
//! `rand::rng()` of `rand` 0.10 (a `ThreadRng`), or `rand_core::UnwrapErr(getrandom::SysRng)`
//! (`rand::rngs::SysRng` in `rand` 0.10) wrapped the same way; tests may use a seeded
//! `rand::rngs::StdRng`.
//!
//! ```
//! let mut rng = rand::rng();
//! let alice = simplex_crypto::X25519Secret::generate(&mut rng);
//! let bob = simplex_crypto::X25519Secret::generate(&mut rng);
//! assert_eq!(alice.dh(&bob.public()), bob.dh(&alice.public()));
//! ```
#![warn(missing_docs)]

pub mod aead;
pub mod authenticator;
pub mod cbox;
pub mod error;
pub mod hash;
pub mod kdf;
pub mod keys;
pub mod nonce;
pub mod pad;
mod salsabox;
pub mod sbchain;
pub mod sbox;
mod stream;

pub use rand_core;

pub use error::{CryptoError, Result};
pub use keys::{
    AuthAlgorithm, DhSecret, Ed448Public, Ed448Secret, Ed25519Public, Ed25519Secret, KeyAlgorithm,
    PrivateAuthKey, PublicAuthKey, X448DhSecret, X448Public, X448Secret, X25519Public,
    X25519Secret,
};
pub use nonce::CbNonce;
pub use salsabox::TAG_LEN;
pub use sbchain::ChainKey;
pub use sbox::{SbKey, SbStream};

/// Lower-case hex, for the Debug output of public keys.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use core::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
