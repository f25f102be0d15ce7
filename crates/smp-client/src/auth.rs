//! Encoding one transmission with its authorization (`protocol-map.md` §3.1).

use simplex_crypto::authenticator::cb_authenticate;
use simplex_crypto::keys::{PrivateAuthKey, X25519Public};
use simplex_crypto::nonce::cb_nonce;
use smp_proto::Command;
use smp_proto::error::TransportError;
use smp_proto::ids::{CorrId, EntityId};
use smp_proto::transmission::{self, TParams, authorized_bytes};

use crate::error::{ClientError, Result};

/// The authorization of `authorized` bytes: an Ed25519/Ed448 signature, or for an X25519
/// key the 80-byte authenticator made with the relay's session key and `nonce = corrId`.
/// Empty without a key.
pub(crate) fn authorize(
    key: Option<&PrivateAuthKey>,
    server_key: Option<&X25519Public>,
    corr_id: &CorrId,
    authorized: &[u8],
) -> Result<Vec<u8>> {
    match key {
        None => Ok(Vec::new()),
        Some(PrivateAuthKey::X25519(secret)) => {
            let server_key = server_key.ok_or(ClientError::Transport(TransportError::NoAuth))?;
            let nonce = cb_nonce(corr_id.as_bytes());
            Ok(cb_authenticate(server_key, secret, &nonce, authorized).to_vec())
        }
        Some(k) => Ok(k.sign(authorized)?),
    }
}

/// Encodes `cmd` as a transmission for `params`, authorized by `key` when given.
pub(crate) fn encode_transmission(
    params: &TParams,
    server_key: Option<&X25519Public>,
    corr_id: &CorrId,
    entity: &EntityId,
    key: Option<&PrivateAuthKey>,
    cmd: &Command,
) -> Result<Vec<u8>> {
    let cmd_bytes = cmd.to_bytes(params.version);
    let authorized = authorized_bytes(&params.session_id, corr_id, entity, &cmd_bytes);
    let auth = authorize(key, server_key, corr_id, &authorized)?;
    Ok(transmission::encode(
        params, &auth, None, corr_id, entity, &cmd_bytes,
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use simplex_crypto::authenticator::cb_verify;
    use simplex_crypto::keys::{AuthAlgorithm, X25519Secret};
    use smp_proto::transmission::{TAuth, parse};

    fn params(v: u16) -> TParams {
        TParams {
            version: v,
            session_id: vec![7; 32],
        }
    }

    fn corr() -> CorrId {
        CorrId::from([3u8; 24])
    }

    #[test]
    fn signed_transmission_verifies_at_v18_with_service_slot() {
        let key = PrivateAuthKey::generate(AuthAlgorithm::Ed25519, &mut rand::rng()).unwrap();
        let entity = EntityId::from([9u8; 24]);
        let p = params(18);
        let t = encode_transmission(&p, None, &corr(), &entity, Some(&key), &Command::Sub).unwrap();
        // short(sig 64) then the empty service signature slot '0' (v16+).
        assert_eq!(t[0], 64);
        assert_eq!(t[65], b'0');
        let raw = parse(&p, &t).unwrap();
        let Some(TAuth::Signature(sig)) = raw.auth else {
            panic!("expected a signature")
        };
        assert!(key.public().verify(&raw.authorized, &sig));
        assert_eq!(raw.command, b"SUB");
    }

    #[test]
    fn x25519_authenticator_uses_server_key_and_corr_id_nonce() {
        let mut rng = rand::rng();
        let server = X25519Secret::generate(&mut rng);
        let key = PrivateAuthKey::generate(AuthAlgorithm::X25519, &mut rng).unwrap();
        let PrivateAuthKey::X25519(client_secret) = &key else {
            panic!("not x25519")
        };
        let p = params(10);
        let entity = EntityId::from([1u8; 24]);
        let t = encode_transmission(
            &p,
            Some(&server.public()),
            &corr(),
            &entity,
            Some(&key),
            &Command::Off,
        )
        .unwrap();
        let raw = parse(&p, &t).unwrap();
        let Some(TAuth::Authenticator(a)) = raw.auth else {
            panic!("expected an authenticator")
        };
        let nonce = [3u8; 24];
        assert!(cb_verify(
            &client_secret.public(),
            &server,
            &nonce,
            &raw.authorized,
            &a
        ));
        // Without the relay's session key there is nothing to authenticate with.
        let err = encode_transmission(&p, None, &corr(), &entity, Some(&key), &Command::Off);
        assert!(matches!(
            err,
            Err(ClientError::Transport(TransportError::NoAuth))
        ));
    }

    #[test]
    fn unauthorized_transmission_has_empty_auth_and_no_service_slot() {
        let p = params(18);
        let t = encode_transmission(&p, None, &corr(), &EntityId::empty(), None, &Command::Ping)
            .unwrap();
        let mut expected = vec![0u8, 24];
        expected.extend_from_slice(&[3u8; 24]);
        expected.push(0);
        expected.extend_from_slice(b"PING");
        assert_eq!(t, expected);
    }
}
