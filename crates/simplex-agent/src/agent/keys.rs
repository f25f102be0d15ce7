//! Key material as kept in the store, and the fresh keys the handshake needs.

use simplex_crypto::keys::{AuthAlgorithm, PrivateAuthKey};
use simplex_crypto::{DhSecret, X448Secret, X25519Secret};

use crate::error::{AgentError, Result};
use crate::store::SecretBytes;

/// A relay authorization key from its stored PKCS#8 form.
pub(super) fn auth_key(stored: &SecretBytes) -> Result<PrivateAuthKey> {
    Ok(PrivateAuthKey::from_pkcs8(stored.as_bytes())?)
}

/// A fresh Ed25519 key for authorizing relay commands.
pub(super) fn new_auth_key() -> Result<PrivateAuthKey> {
    Ok(PrivateAuthKey::generate(
        AuthAlgorithm::Ed25519,
        &mut rand::rng(),
    )?)
}

/// An X25519 private key from its stored raw bytes.
pub(super) fn x25519(stored: &SecretBytes) -> Result<X25519Secret> {
    let raw: [u8; 32] = stored
        .as_bytes()
        .try_into()
        .map_err(|_| AgentError::Prohibited("stored X25519 key has a wrong length"))?;
    Ok(X25519Secret::from_bytes(raw))
}

/// A DH secret from its stored raw bytes.
pub(super) fn dh_secret(stored: &SecretBytes) -> Result<DhSecret> {
    let raw: [u8; 32] = stored
        .as_bytes()
        .try_into()
        .map_err(|_| AgentError::Prohibited("stored DH secret has a wrong length"))?;
    Ok(DhSecret::from_bytes(raw))
}

/// An X448 private key from its stored raw bytes.
pub(super) fn x448(stored: &SecretBytes) -> Result<X448Secret> {
    let raw: &[u8; 56] = stored
        .as_bytes()
        .try_into()
        .map_err(|_| AgentError::Prohibited("stored X448 key has a wrong length"))?;
    Ok(X448Secret::from_bytes(raw)?)
}
