//! Wire forms of keys inside SMP commands: `short(DER SubjectPublicKeyInfo)`.

use simplex_crypto::keys::{PublicAuthKey, X25519Public};
use simplex_encoding::writer::put_short;
use simplex_encoding::{DecodeError, Reader};

/// Reads a queue authorization key (Ed25519, Ed448 or X25519).
pub fn read_auth_key(r: &mut Reader<'_>) -> Result<PublicAuthKey, DecodeError> {
    PublicAuthKey::from_spki(r.short()?).map_err(|_| DecodeError::Invalid("bad public key"))
}

/// Reads an X25519 key.
pub fn read_x25519(r: &mut Reader<'_>) -> Result<X25519Public, DecodeError> {
    X25519Public::from_spki(r.short()?).map_err(|_| DecodeError::Invalid("bad X25519 key"))
}

/// Writes a queue authorization key.
pub fn put_auth_key(out: &mut Vec<u8>, k: &PublicAuthKey) {
    put_short(out, &k.to_spki())
}

/// Writes an X25519 key.
pub fn put_x25519(out: &mut Vec<u8>, k: &X25519Public) {
    put_short(out, &k.to_spki())
}
