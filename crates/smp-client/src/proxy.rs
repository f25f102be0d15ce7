//! Private message routing (`protocol-map.md` §3.5; reference `Client.hs`
//! `connectSMPProxiedRelay`, `proxySMPCommand`, `forwardSMPTransmission`).
//!
//! The client side: [`SmpClient::connect_proxied_relay`] asks a proxy relay P for a session
//! with a destination relay R (`PRXY` → `PKEY`) and checks R's identity; each command for R
//! is then encrypted to R's session key with a fresh X25519 key and sent through P in
//! `PFWD`, whose `PRES` answer only R and this client can read.
//!
//! The proxy side: [`SmpClient::forward_transmission`] wraps what a client sent in `PFWD`
//! into `RFWD` for the destination relay and unwraps its `RRES`.

use openssl::x509::X509;
use simplex_crypto::cbox::{cb_decrypt, cb_decrypt_no_pad, cb_encrypt, cb_encrypt_no_pad};
use simplex_crypto::keys::{PrivateAuthKey, X25519Public, X25519Secret};
use simplex_crypto::nonce::{random_nonce, reverse_nonce};
use simplex_encoding::{Decode, Encode, Version, VersionRange};
use smp_proto::address::{BasicAuth, SmpServer};
use smp_proto::batch::{batch_of_one, parse_batch};
use smp_proto::command::{MsgFlags, QueueLinkData};
use smp_proto::error::{HandshakeError, TransportError};
use smp_proto::handshake::CertChainPubKey;
use smp_proto::proxy::{FwdResponse, FwdTransmission};
use smp_proto::transmission::{TParams, parse};
use smp_proto::versions::{PADDED_PROXIED_LEN, SENDING_PROXY_V};
use smp_proto::{BrokerMsg, Command, CorrId, EntityId, ErrorType};

use crate::auth::encode_transmission;
use crate::client::SmpClient;
use crate::error::{ClientError, Result};
use crate::handshake::signed_session_key;

/// A session with a destination relay through a proxy relay (the connection this was made
/// from). Cheap to clone.
#[derive(Debug, Clone)]
pub struct ProxiedRelay {
    proxy: SmpClient,
    relay: SmpServer,
    session_id: EntityId,
    version: Version,
    versions: VersionRange,
    server_key: X25519Public,
    auth: Option<BasicAuth>,
}

impl SmpClient {
    /// `PRXY`: opens a session with `relay` through this (proxy) relay and verifies it like
    /// a direct handshake: 2-4 certificates, `chain[1]` has `relay.key_hash`, the chain
    /// validates, and the session key is signed by the leaf. The version is the highest
    /// one in both our range (from this connection's [`crate::ClientConfig`]) and the relay's.
    pub async fn connect_proxied_relay(
        &self,
        relay: &SmpServer,
        auth: Option<BasicAuth>,
    ) -> Result<ProxiedRelay> {
        if self.version() < SENDING_PROXY_V {
            return Err(ClientError::Transport(TransportError::Version));
        }
        let (session_id, versions, cert_key) = self.proxy_session(relay, auth.clone()).await?;
        let version = self
            .client_versions()
            .negotiate(&versions)
            .filter(|v| *v >= SENDING_PROXY_V)
            .ok_or(ClientError::Transport(TransportError::Version))?;
        let server_key = verify_relay(&cert_key, &relay.key_hash)
            .ok_or(ClientError::handshake(HandshakeError::Identity))?;
        Ok(ProxiedRelay {
            proxy: self.clone(),
            relay: relay.clone(),
            session_id,
            version,
            versions,
            server_key,
            auth,
        })
    }

    /// The proxy's step of private routing: sends what a client forwarded in `PFWD` (its
    /// correlation id, version, key and encrypted transmission) to this destination relay in
    /// `RFWD`, encrypted with the session secret of this connection, and returns the
    /// client's encrypted response from `RRES` (to be sent back in `PRES`).
    pub async fn forward_transmission(&self, fwd: &FwdTransmission) -> Result<Vec<u8>> {
        let secret = self
            .sess_secret()
            .ok_or(ClientError::Transport(TransportError::NoAuth))?;
        let nonce = random_nonce(&mut rand::rng());
        let enc = cb_encrypt_no_pad(secret, &nonce, &fwd.to_bytes());
        let rres = self.relay_forward(nonce, enc).await?;
        let plain = cb_decrypt_no_pad(secret, &reverse_nonce(&nonce), &rres)?;
        let resp =
            FwdResponse::from_bytes(&plain).map_err(|_| ClientError::Response(ErrorType::Block))?;
        Ok(resp.enc)
    }
}

/// The destination's X25519 session key, if its chain and signature check out.
fn verify_relay(ck: &CertChainPubKey, key_hash: &[u8; 32]) -> Option<X25519Public> {
    let chain: Vec<X509> = ck
        .chain
        .iter()
        .map(|der| X509::from_der(der))
        .collect::<std::result::Result<_, _>>()
        .ok()?;
    simplex_transport::chain::verify_server_chain(&chain, key_hash).ok()?;
    signed_session_key(chain.first()?, &ck.signed_key)
}

impl ProxiedRelay {
    /// The destination relay.
    pub fn relay(&self) -> &SmpServer {
        &self.relay
    }

    /// The destination relay's session id (the entity of `PFWD`).
    pub fn session_id(&self) -> &EntityId {
        &self.session_id
    }

    /// The version used with the destination relay.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The destination relay's version range (from `PKEY`).
    pub fn versions(&self) -> VersionRange {
        self.versions
    }

    /// The destination relay's verified X25519 session key.
    pub fn server_key(&self) -> &X25519Public {
        &self.server_key
    }

    /// The proxy password this session was opened with (to reopen it after `NO_SESSION`).
    pub fn basic_auth(&self) -> Option<&BasicAuth> {
        self.auth.as_ref()
    }

    /// Sends one command to the destination relay through the proxy and returns its
    /// response. The destination's `ERR` is [`ClientError::Protocol`]; the proxy's own is
    /// [`ClientError::Proxy`]. Relays accept only `SEND`, `SKEY`, `LKEY` and `LGET` this way.
    pub async fn command(
        &self,
        entity: &EntityId,
        key: Option<&PrivateAuthKey>,
        cmd: Command,
    ) -> Result<BrokerMsg> {
        let params = TParams {
            version: self.version,
            session_id: self.session_id.as_bytes().to_vec(),
        };
        let (cmd_key, nonce) = {
            let mut rng = rand::rng();
            (X25519Secret::generate(&mut rng), random_nonce(&mut rng))
        };
        let corr_id = CorrId::from(nonce);
        let t = encode_transmission(&params, Some(&self.server_key), &corr_id, entity, key, &cmd)?;
        let secret = cmd_key.dh(&self.server_key);
        let enc = cb_encrypt(&secret, &nonce, &batch_of_one(&t), PADDED_PROXIED_LEN)
            .map_err(|_| ClientError::Transport(TransportError::LargeMsg))?;
        let pres = self
            .proxy
            .proxy_forward(
                corr_id,
                &self.session_id,
                self.version,
                cmd_key.public(),
                enc,
            )
            .await?;
        let plain = cb_decrypt(&secret, &reverse_nonce(&nonce), &pres)?;
        let bad_block = || ClientError::Response(ErrorType::Block);
        let ts = parse_batch(&plain).map_err(|_| bad_block())?;
        let [t] = ts.as_slice() else {
            return Err(bad_block());
        };
        let raw = parse(&params, t).map_err(|e| ClientError::Response(e.error))?;
        match BrokerMsg::parse(self.version, &raw.command) {
            Ok(BrokerMsg::Err(e)) => Err(ClientError::Protocol(e)),
            Ok(m) => Ok(m),
            Err(e) => Err(ClientError::Response(e)),
        }
    }

    async fn expect_ok(
        &self,
        entity: &EntityId,
        key: Option<&PrivateAuthKey>,
        cmd: Command,
    ) -> Result<()> {
        match self.command(entity, key, cmd).await? {
            BrokerMsg::Ok => Ok(()),
            r => Err(self.proxy.unexpected(&r)),
        }
    }

    /// `SEND` through the proxy.
    pub async fn proxied_send(
        &self,
        snd_id: &EntityId,
        key: Option<&PrivateAuthKey>,
        flags: MsgFlags,
        body: &[u8],
    ) -> Result<()> {
        self.expect_ok(snd_id, key, Command::Send(flags, body.to_vec()))
            .await
    }

    /// `SKEY` through the proxy: secures the queue with `sender_key`.
    pub async fn proxied_sender_secure(
        &self,
        snd_id: &EntityId,
        sender_key: &PrivateAuthKey,
    ) -> Result<()> {
        self.expect_ok(snd_id, Some(sender_key), Command::SKey(sender_key.public()))
            .await
    }

    /// `LKEY` through the proxy: secures a queue via its link, returns sender id and data.
    pub async fn proxied_link_key(
        &self,
        link_id: &EntityId,
        sender_key: &PrivateAuthKey,
    ) -> Result<(EntityId, QueueLinkData)> {
        let cmd = Command::LKey(sender_key.public());
        let r = self.command(link_id, Some(sender_key), cmd).await?;
        self.proxy.link_result(r)
    }

    /// `LGET` through the proxy: a contact link's sender id and data.
    pub async fn proxied_link_get(&self, link_id: &EntityId) -> Result<(EntityId, QueueLinkData)> {
        let r = self.command(link_id, None, Command::LGet).await?;
        self.proxy.link_result(r)
    }
}
