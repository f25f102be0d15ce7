//! sntrup761 KEM values and their wire forms (reference `SNTRUP761/Bindings.hs`):
//! public key, ciphertext and secret key are `large` byte strings, the shared key is a
//! `short` one. Decoders insist on the exact sntrup761 sizes.

use core::fmt;

use simplex_crypto::rand_core::CryptoRng;
use simplex_encoding::writer::{put_large, put_short};
use simplex_encoding::{Decode, DecodeError, Encode, Reader};
use sntrup761::{Ciphertext, DecapsulationKey, EncapsulationKey, SharedSecret};

/// Length of an sntrup761 public (encapsulation) key.
pub const KEM_PUBLIC_KEY_LEN: usize = sntrup761::PUBLIC_KEY_SIZE;
/// Length of an sntrup761 secret (decapsulation) key.
pub const KEM_SECRET_KEY_LEN: usize = sntrup761::SECRET_KEY_SIZE;
/// Length of an sntrup761 ciphertext.
pub const KEM_CIPHERTEXT_LEN: usize = sntrup761::CIPHERTEXT_SIZE;
/// Length of an sntrup761 shared secret.
pub const KEM_SHARED_KEY_LEN: usize = sntrup761::SHARED_SECRET_SIZE;

fn sized<T: for<'a> TryFrom<&'a [u8]>>(bytes: &[u8], what: &'static str) -> Result<T, DecodeError> {
    T::try_from(bytes).map_err(|_| DecodeError::Invalid(what))
}

/// An sntrup761 public key (1158 bytes).
#[derive(Clone, PartialEq, Eq)]
pub struct KemPublicKey(Box<EncapsulationKey>);

impl KemPublicKey {
    /// Wraps raw key bytes; fails unless they are exactly 1158 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        sized(bytes, "KEM public key of wrong length").map(|k| Self(Box::new(k)))
    }

    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_ref().as_ref()
    }

    /// Encapsulates a fresh shared secret to this key (`sntrup761Enc`).
    pub fn encapsulate<R: CryptoRng + ?Sized>(&self, rng: &mut R) -> (KemCiphertext, KemSharedKey) {
        let (ct, ss) = self.0.encapsulate(rng);
        (KemCiphertext(Box::new(ct)), KemSharedKey(ss))
    }
}

impl fmt::Debug for KemPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head = self.as_bytes().iter().take(8);
        write!(f, "KemPublicKey(")?;
        head.into_iter().try_for_each(|b| write!(f, "{b:02x}"))?;
        write!(f, "…)")
    }
}

impl Encode for KemPublicKey {
    fn encode(&self, out: &mut Vec<u8>) {
        put_large(out, self.as_bytes());
    }
}

impl Decode for KemPublicKey {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Self::from_bytes(r.large()?)
    }
}

/// An sntrup761 secret key (1763 bytes). Wiped on drop; Debug is redacted.
#[derive(Clone)]
pub struct KemSecretKey(Box<DecapsulationKey>);

impl KemSecretKey {
    /// Wraps raw key bytes; fails unless they are exactly 1763 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        sized(bytes, "KEM secret key of wrong length").map(|k| Self(Box::new(k)))
    }

    /// The raw key bytes, for storage.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_ref().as_ref()
    }

    /// Decapsulates `ct` (`sntrup761Dec`). A ciphertext made for another key yields an
    /// unrelated secret (implicit rejection), never an error.
    pub fn decapsulate(&self, ct: &KemCiphertext) -> KemSharedKey {
        KemSharedKey(self.0.decapsulate(&ct.0))
    }
}

impl fmt::Debug for KemSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KemSecretKey(<redacted>)")
    }
}

impl Encode for KemSecretKey {
    fn encode(&self, out: &mut Vec<u8>) {
        put_large(out, self.as_bytes());
    }
}

impl Decode for KemSecretKey {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Self::from_bytes(r.large()?)
    }
}

/// An sntrup761 ciphertext (1039 bytes).
#[derive(Clone, PartialEq, Eq)]
pub struct KemCiphertext(Box<Ciphertext>);

impl KemCiphertext {
    /// Wraps raw ciphertext bytes; fails unless they are exactly 1039 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        sized(bytes, "KEM ciphertext of wrong length").map(|c| Self(Box::new(c)))
    }

    /// The raw ciphertext bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_ref().as_ref()
    }
}

impl fmt::Debug for KemCiphertext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KemCiphertext({} bytes)", self.as_bytes().len())
    }
}

impl Encode for KemCiphertext {
    fn encode(&self, out: &mut Vec<u8>) {
        put_large(out, self.as_bytes());
    }
}

impl Decode for KemCiphertext {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Self::from_bytes(r.large()?)
    }
}

/// An sntrup761 shared secret (32 bytes). Wiped on drop; Debug is redacted.
#[derive(Clone)]
pub struct KemSharedKey(SharedSecret);

impl KemSharedKey {
    /// Wraps raw secret bytes; fails unless they are exactly 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        sized(bytes, "KEM shared key of wrong length").map(Self)
    }

    /// The raw secret bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_ref()
    }
}

impl PartialEq for KemSharedKey {
    /// Constant-time comparison.
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for KemSharedKey {}

impl fmt::Debug for KemSharedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KemSharedKey(<redacted>)")
    }
}

impl Encode for KemSharedKey {
    fn encode(&self, out: &mut Vec<u8>) {
        put_short(out, self.as_bytes());
    }
}

impl Decode for KemSharedKey {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Self::from_bytes(r.short()?)
    }
}

/// An sntrup761 key pair (the reference's `KEMKeyPair`, encoded as public then secret).
#[derive(Clone, Debug)]
pub struct KemKeyPair {
    /// The public key, sent to the peer.
    pub public: KemPublicKey,
    /// The secret key, kept.
    pub secret: KemSecretKey,
}

impl KemKeyPair {
    /// Generates a key pair (`sntrup761Keypair`).
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let (pk, sk) = sntrup761::generate_key(rng);
        KemKeyPair {
            public: KemPublicKey(Box::new(pk)),
            secret: KemSecretKey(Box::new(sk)),
        }
    }
}

impl Encode for KemKeyPair {
    fn encode(&self, out: &mut Vec<u8>) {
        self.public.encode(out);
        self.secret.encode(out);
    }
}

impl Decode for KemKeyPair {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(KemKeyPair {
            public: KemPublicKey::decode(r)?,
            secret: KemSecretKey::decode(r)?,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use simplex_crypto::rand_core::Rng;

    fn rng() -> impl CryptoRng {
        use rand::SeedableRng;
        rand::rngs::StdRng::seed_from_u64(42)
    }

    #[test]
    fn round_trip_and_sizes() {
        let g = &mut rng();
        let kp = KemKeyPair::generate(g);
        let (ct, ss) = kp.public.encapsulate(g);
        assert_eq!(kp.secret.decapsulate(&ct), ss);
        assert_eq!(kp.public.to_bytes().len(), 2 + KEM_PUBLIC_KEY_LEN);
        assert_eq!(ct.to_bytes()[..2], [0x04, 0x0f]);
        assert_eq!(ss.to_bytes().len(), 1 + KEM_SHARED_KEY_LEN);
        let pair = KemKeyPair::decode(&mut Reader::new(&kp.to_bytes())).unwrap();
        assert_eq!(pair.secret.decapsulate(&ct), ss);
        assert_eq!(format!("{:?}", kp.secret), "KemSecretKey(<redacted>)");
        assert_eq!(format!("{ss:?}"), "KemSharedKey(<redacted>)");
    }

    /// A peer controls the public keys and ciphertexts in headers: arbitrary bytes of
    /// the right length must not panic (the secret is then just useless).
    #[test]
    fn arbitrary_keys_and_ciphertexts_do_not_panic() {
        let g = &mut rng();
        let kp = KemKeyPair::generate(g);
        for fill in [0x00u8, 0xff, 0x5a] {
            let pk = KemPublicKey::from_bytes(&[fill; KEM_PUBLIC_KEY_LEN]).unwrap();
            let _ = pk.encapsulate(g);
            let ct = KemCiphertext::from_bytes(&[fill; KEM_CIPHERTEXT_LEN]).unwrap();
            let _ = kp.secret.decapsulate(&ct);
        }
        let mut random = [0u8; KEM_PUBLIC_KEY_LEN];
        g.fill_bytes(&mut random);
        let _ = KemPublicKey::from_bytes(&random).unwrap().encapsulate(g);
        assert!(KemPublicKey::from_bytes(&random[1..]).is_err());
        assert!(KemSharedKey::from_bytes(&[0; 31]).is_err());
    }
}
