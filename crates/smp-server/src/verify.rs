//! Checking command authorizations, in constant time with respect to whether the queue
//! exists (a missing queue is "verified" against a dummy key of the same kind).

use simplex_crypto::authenticator::cb_verify;
use simplex_crypto::keys::{PublicAuthKey, X25519Public, X25519Secret};
use simplex_encoding::base64url;
use smp_proto::CorrId;
use smp_proto::transmission::TAuth;
use std::sync::OnceLock;

/// Dummy keys of the reference relay (`Server.hs` `dummyKeyEd25519`, `dummyKeyEd448`,
/// `dummyKeyX25519`), used to spend the same time on missing queues.
const DUMMY_ED25519: &str = "MCowBQYDK2VwAyEA139Oqs4QgpqbAmB0o7rZf6T19ryl7E65k4AYe0kE3Qs=";
const DUMMY_ED448: &str =
    "MEMwBQYDK2VxAzoA6ibQc9XpkSLtwrf7PLvp81qW_etiumckVFImCMRdftcG_XopbOSaq9qyLhrgJWKOLyNrQPNVvpMA";
const DUMMY_X25519: &str = "MCowBQYDK2VuAyEA4JGSMYht18H4mas_jHeBwfcM7jLwNYJNOAhi2_g4RXg=";

struct Dummies {
    ed25519: PublicAuthKey,
    ed448: PublicAuthKey,
    x25519: X25519Public,
}

fn dummies() -> Option<&'static Dummies> {
    static D: OnceLock<Option<Dummies>> = OnceLock::new();
    D.get_or_init(|| {
        let k = |s: &str| PublicAuthKey::from_spki(&base64url::decode(s).ok()?).ok();
        let x = base64url::decode(DUMMY_X25519).ok()?;
        Some(Dummies {
            ed25519: k(DUMMY_ED25519)?,
            ed448: k(DUMMY_ED448)?,
            x25519: X25519Public::from_spki(&x).ok()?,
        })
    })
    .as_ref()
}

/// Verifies `auth` over `authorized` with `key`. Authenticators use the relay's session
/// key and the correlation id as the nonce.
pub fn verify(
    auth: Option<&TAuth>,
    authorized: &[u8],
    corr_id: &CorrId,
    key: &PublicAuthKey,
    session_key: &X25519Secret,
) -> bool {
    match (auth, key) {
        (None, _) => false,
        (Some(TAuth::Signature(sig)), PublicAuthKey::Ed25519(_)) if sig.len() == 64 => {
            key.verify(authorized, sig)
        }
        (Some(TAuth::Signature(sig)), PublicAuthKey::Ed448(_)) if sig.len() == 114 => {
            key.verify(authorized, sig)
        }
        (Some(TAuth::Authenticator(a)), PublicAuthKey::X25519(k)) => {
            let nonce = simplex_crypto::nonce::cb_nonce(corr_id.as_bytes());
            cb_verify(k, session_key, &nonce, authorized, a)
        }
        (Some(a), _) => {
            dummy_verify(Some(a), authorized, corr_id, session_key);
            false
        }
    }
}

/// Spends the time of a verification against a dummy key and returns false.
pub fn dummy_verify(
    auth: Option<&TAuth>,
    authorized: &[u8],
    corr_id: &CorrId,
    session_key: &X25519Secret,
) -> bool {
    let Some(d) = dummies() else {
        return false;
    };
    let _ = match auth {
        None => false,
        Some(TAuth::Signature(sig)) if sig.len() == 114 => d.ed448.verify(authorized, sig),
        Some(TAuth::Signature(sig)) => d.ed25519.verify(authorized, sig),
        Some(TAuth::Authenticator(a)) => {
            let nonce = simplex_crypto::nonce::cb_nonce(corr_id.as_bytes());
            cb_verify(&d.x25519, session_key, &nonce, authorized, a)
        }
    };
    false
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use simplex_crypto::keys::{AuthAlgorithm, PrivateAuthKey};

    #[test]
    fn dummy_keys_parse() {
        assert!(dummies().is_some());
    }

    #[test]
    fn signatures_and_authenticators() {
        let mut rng = rand::rng();
        let session = X25519Secret::generate(&mut rng);
        let corr = CorrId::new(&[3; 24]).unwrap();
        for alg in [AuthAlgorithm::Ed25519, AuthAlgorithm::Ed448] {
            let k = PrivateAuthKey::generate(alg, &mut rng).unwrap();
            let sig = TAuth::Signature(k.sign(b"msg").unwrap());
            assert!(verify(Some(&sig), b"msg", &corr, &k.public(), &session));
            assert!(!verify(Some(&sig), b"msh", &corr, &k.public(), &session));
            assert!(!verify(None, b"msg", &corr, &k.public(), &session));
        }
        let client = X25519Secret::generate(&mut rng);
        let nonce = [3u8; 24];
        let a = simplex_crypto::authenticator::cb_authenticate(
            &session.public(),
            &client,
            &nonce,
            b"msg",
        );
        let key = PublicAuthKey::X25519(client.public());
        let auth = TAuth::Authenticator(a.to_vec());
        assert!(verify(Some(&auth), b"msg", &corr, &key, &session));
        assert!(!verify(Some(&auth), b"other", &corr, &key, &session));
        // A signature presented for an X25519 key is refused.
        assert!(!verify(
            Some(&TAuth::Signature(vec![0; 64])),
            b"msg",
            &corr,
            &key,
            &session
        ));
    }
}
