//! Random ids and keys drawn from the operating system's generator.

use simplex_crypto::keys::X25519Secret;

/// 24 random bytes (queue ids, message ids).
pub fn random_id() -> [u8; 24] {
    let mut b = [0u8; 24];
    rand::fill(&mut b);
    b
}

/// A fresh X25519 key pair.
pub fn x25519() -> X25519Secret {
    X25519Secret::generate(&mut rand::rng())
}
