//! Short links (`protocol-map.md` §5.3, the reference's `Agent.hs` `newRcvConnSrv`,
//! `setConnShortLink`, `getConnShortLink`):
//!
//! - an invitation's link data is made before `NEW`: the command's correlation id is a
//!   random nonce, the queue's sender id is derived from it, so the full link inside the
//!   signed fixed data already names the queue; the encrypted data goes with `NEW`
//!   (`QueueReqData::Messaging`) and the relay answers with the link id;
//! - a contact address gets its link data after `NEW`, with `LSET`; its link id is
//!   derived from the link key;
//! - resolving: `LKEY` (invitations; it also secures the queue with our new sender key)
//!   or `LGET` (contact addresses), then decryption, signature and hash checks, and a
//!   check that the data names the queue the relay answered for.

use std::sync::Arc;

use agent_proto::conn_request::ConnectionMode;
use agent_proto::link_crypto::{
    contact_link_kdf, decrypt_link_data, encode_sign_link_data, encrypt_link_data,
    invitation_link_kdf, sender_id_from_corr_id,
};
use agent_proto::link_data::{
    ConnLinkData, FixedLinkData, UserConnLinkData, UserContactData, UserLinkData,
};
use agent_proto::short_link::ShortLinkScheme;
use agent_proto::{
    ConnectionRequest, ContactType, E2ERatchetParamsUri, QueueAddress, RelayAddr, ShortLink,
};
use simplex_crypto::keys::PrivateAuthKey;
use simplex_crypto::{Ed25519Secret, X25519Public};
use smp_proto::command::{QueueLinkData, QueueMode, QueueReqData};
use smp_proto::{CorrId, EntityId, SmpServer};

use super::Inner;
use super::handshake::{NewQueue, invitation_request};
use super::keys::{auth_key, new_auth_key};
use crate::error::{AgentError, Result};
use crate::pool::server_key;
use crate::store::{InvShortLink, SecretBytes, ShortLinkCreds};

/// A connection's full link and its short link, as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnLinks {
    /// The full link (`simplex:/invitation#/?…` or `simplex:/contact#/?…`).
    pub full: String,
    /// The short link (`https://<relay>/i#…` or `https://<relay>/a#…`).
    pub short: String,
}

impl ConnLinks {
    /// Both links rendered as text.
    pub(super) fn new(full: &ConnectionRequest, short: &ShortLink) -> ConnLinks {
        ConnLinks {
            full: full.to_text(),
            short: short.to_text(),
        }
    }
}

/// What a short link holds, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShortLinkData {
    /// Invitation or contact address.
    pub mode: ConnectionMode,
    /// The full link (to pass to [`super::Agent::join`]).
    pub full: String,
    /// The application data of the link.
    pub user_data: Vec<u8>,
}

/// Decrypted, verified link data.
pub(super) struct Resolved {
    /// The fixed part, with the full link.
    pub(super) fixed: FixedLinkData,
    /// The user part.
    pub(super) data: ConnLinkData,
}

impl From<Resolved> for ShortLinkData {
    fn from(r: Resolved) -> Self {
        ShortLinkData {
            mode: r.fixed.conn_req.mode(),
            full: r.fixed.conn_req.to_text(),
            user_data: r.data.user_data().0.clone(),
        }
    }
}

/// An invitation's link data prepared before `NEW`.
pub(super) struct PreparedInvitation {
    /// `NEW`'s queue request with the sender id and the encrypted data.
    pub(super) queue_req: QueueReqData,
    /// `NEW`'s correlation id (the sender id is derived from it).
    pub(super) corr_id: CorrId,
    snd_id: EntityId,
    link_key: agent_proto::LinkKey,
    root: Ed25519Secret,
    enc_fixed: Vec<u8>,
}

impl PreparedInvitation {
    /// The short link of the queue `NEW` made, checking the relay used our sender id,
    /// with its credentials to keep.
    pub(super) fn short_link(&self, queue: &NewQueue) -> Result<(ShortLink, ShortLinkCreds)> {
        if queue.ids.snd_id != self.snd_id {
            return Err(AgentError::Prohibited(
                "NEW: the relay did not use the sender id of the link data",
            ));
        }
        let link_id = queue
            .ids
            .link_id
            .clone()
            .ok_or(AgentError::Prohibited("NEW: the relay returned no link id"))?;
        let creds = link_creds(&link_id, &self.link_key, &self.root, &self.enc_fixed);
        let short = ShortLink::Invitation {
            scheme: ShortLinkScheme::Server,
            server: RelayAddr::from(&queue.server),
            link_id,
            key: self.link_key.clone(),
        };
        Ok((short, creds))
    }
}

/// Signs and encrypts an invitation's link data for a queue on `server` whose e2e key is
/// `e2e_key`, fixing its sender id through a random correlation id.
pub(super) fn prepare_invitation(
    agent_versions: simplex_encoding::VersionRange,
    server: &SmpServer,
    e2e_key: &X25519Public,
    e2e: &E2ERatchetParamsUri,
    user_data: &[u8],
) -> Result<PreparedInvitation> {
    let mut rng = rand::rng();
    let nonce = simplex_crypto::nonce::random_nonce(&mut rng);
    let snd_id = sender_id_from_corr_id(&nonce);
    let addr = QueueAddress {
        server: RelayAddr::from(server),
        sender_id: snd_id.clone(),
        dh_key: e2e_key.clone(),
        queue_mode: Some(QueueMode::Messaging),
    };
    let conn_req = invitation_request(addr, e2e.clone(), agent_versions);
    let root = Ed25519Secret::generate(&mut rng);
    let user = UserConnLinkData::Invitation(UserLinkData(user_data.to_vec()));
    let (link_key, fixed, user) =
        encode_sign_link_data(&root, agent_versions, conn_req, None, user);
    let data = encrypt_link_data(&mut rng, &invitation_link_kdf(&link_key), &fixed, &user)?;
    Ok(PreparedInvitation {
        enc_fixed: data.fixed.clone(),
        queue_req: QueueReqData::Messaging(Some((snd_id.clone(), data))),
        corr_id: CorrId::from(nonce),
        snd_id,
        link_key,
        root,
    })
}

/// The credentials of a new short link, to store with its queue.
fn link_creds(
    link_id: &EntityId,
    key: &agent_proto::LinkKey,
    root: &Ed25519Secret,
    enc_fixed: &[u8],
) -> ShortLinkCreds {
    ShortLinkCreds {
        link_id: link_id.as_bytes().to_vec(),
        link_key: key.0.to_vec(),
        link_priv_sig_key: SecretBytes::from_slice(&root.to_bytes()[..]),
        link_enc_fixed_data: enc_fixed.to_vec(),
    }
}

/// A contact address's user part of the link data.
pub(super) fn contact_user_data(user_data: &[u8]) -> UserConnLinkData {
    UserConnLinkData::Contact(UserContactData {
        direct: true,
        owners: Vec::new(),
        relays: Vec::new(),
        user_data: UserLinkData(user_data.to_vec()),
    })
}

/// Signs and encrypts new link data for the contact address queue on `server` whose full
/// link is `conn_req`: its short link, credentials, and the data for `LSET`.
pub(super) fn new_contact_link(
    agent_versions: simplex_encoding::VersionRange,
    server: &SmpServer,
    conn_req: &ConnectionRequest,
    user_data: &[u8],
) -> Result<(ShortLink, ShortLinkCreds, QueueLinkData)> {
    let mut rng = rand::rng();
    let root = Ed25519Secret::generate(&mut rng);
    let user = contact_user_data(user_data);
    let (link_key, fixed, user) =
        encode_sign_link_data(&root, agent_versions, conn_req.clone(), None, user);
    let (link_id, key) = contact_link_kdf(&link_key);
    let data = encrypt_link_data(&mut rng, &key, &fixed, &user)?;
    let creds = link_creds(&link_id, &link_key, &root, &data.fixed);
    Ok((contact_link(server, link_key), creds, data))
}

/// The short link of a contact address on `server` with the link key `key`.
pub(super) fn contact_link(server: &SmpServer, key: agent_proto::LinkKey) -> ShortLink {
    ShortLink::Contact {
        scheme: ShortLinkScheme::Server,
        contact_type: ContactType::Contact,
        server: RelayAddr::from(server),
        key,
    }
}

/// `LSET` on the receive queue `rcv_id` of `server`, authorized with its recipient key.
pub(super) async fn lset(
    inner: &Inner,
    server: &SmpServer,
    (rcv_id, rcv_auth_key): (&EntityId, &SecretBytes),
    link_id: &[u8],
    data: QueueLinkData,
) -> Result<()> {
    let rcv_key = auth_key(rcv_auth_key)?;
    let link_id = EntityId::new(link_id)?;
    let client = inner.pool.client(server).await?;
    client.set_link(rcv_id, &rcv_key, &link_id, data).await?;
    Ok(())
}

/// `LSET`: signs and encrypts a contact address's link data (its full link `conn_req`
/// and `user_data`) and stores it on the address queue; returns the short link and its
/// credentials.
pub(super) async fn set_contact_link(
    inner: &Inner,
    queue: &NewQueue,
    conn_req: &ConnectionRequest,
    user_data: &[u8],
) -> Result<(ShortLink, ShortLinkCreds)> {
    let (short, creds, data) = new_contact_link(
        inner.config.agent_versions,
        &queue.server,
        conn_req,
        user_data,
    )?;
    let rcv_key = SecretBytes::from_slice(&queue.rcv_auth_key);
    let rcv = (&queue.ids.rcv_id, &rcv_key);
    lset(inner, &queue.server, rcv, &creds.link_id, data).await?;
    Ok((short, creds))
}

/// A relay error of `LKEY`/`LGET`: `ERR AUTH` means there is no such link.
fn link_request_error(e: AgentError) -> AgentError {
    match e {
        AgentError::Relay(smp_client::ClientError::Protocol(smp_proto::ErrorType::Auth)) => {
            AgentError::LinkNotFound
        }
        e => e,
    }
}

/// Reads a short link's data from its relay (directly or through a proxy relay, as the
/// private routing settings say) and checks it (see the module docs).
pub(super) async fn resolve(inner: &Arc<Inner>, link: &ShortLink) -> Result<Resolved> {
    let server = SmpServer::try_from(link.server())?;
    let srv_key = server_key(&server);
    let (link_id, key, mode, snd_key) = match link {
        ShortLink::Invitation { link_id, key, .. } => {
            let snd_key = inner.lkey_sender_key(&srv_key, link_id, key).await?;
            let sb = invitation_link_kdf(key);
            (
                link_id.clone(),
                sb,
                ConnectionMode::Invitation,
                Some(snd_key),
            )
        }
        ShortLink::Contact { key, .. } => {
            let (link_id, sb) = contact_link_kdf(key);
            (link_id, sb, ConnectionMode::Contact, None)
        }
    };
    let (route, snd_id, enc) = inner
        .link_command(&server, &link_id, snd_key.as_ref())
        .await
        .map_err(link_request_error)?;
    tracing::debug!(?route, "short link data read");
    if snd_key.is_some() {
        let (lid, sid) = (link_id.as_bytes().to_vec(), snd_id.as_bytes().to_vec());
        inner
            .db(move |tx| Ok(tx.set_inv_short_link_snd_id(&srv_key, &lid, &sid)?))
            .await?;
    }
    let (fixed, data) =
        decrypt_link_data(link.key(), &key, mode, &enc).map_err(AgentError::LinkData)?;
    let queue = fixed
        .conn_req
        .data()
        .queues
        .first()
        .ok_or(AgentError::BadLink("link data without a queue"))?;
    let same_host = link
        .server()
        .hosts
        .first()
        .is_some_and(|h| queue.addr.server.hosts.contains(h));
    if !same_host || queue.addr.sender_id != snd_id {
        return Err(AgentError::BadLink(
            "link data names a different queue than the link",
        ));
    }
    Ok(Resolved { fixed, data })
}

/// The sender keys of invitations secured with `LKEY` (table `inv_short_links`, the
/// reference's `getConnShortLink'` and `getInvShortLinkKeys`): stored before `LKEY` is
/// sent, so that a join after a restart, or resolving the link again, uses the key the
/// queue was secured with.
impl Inner {
    /// The sender key for `LKEY` on the invitation link `link_id` of `server`: the stored
    /// one when this link (with this key) was resolved before, else a new one, stored.
    async fn lkey_sender_key(
        &self,
        server: &str,
        link_id: &EntityId,
        link_key: &agent_proto::LinkKey,
    ) -> Result<PrivateAuthKey> {
        let (server, link_id, link_key) = (
            server.to_owned(),
            link_id.as_bytes().to_vec(),
            link_key.0.to_vec(),
        );
        let stored = self
            .db(move |tx| {
                if let Some(key) = tx.inv_short_link_key(&server, &link_id, &link_key)? {
                    return Ok(key);
                }
                let link = InvShortLink {
                    server,
                    link_id,
                    link_key,
                    snd_private_key: SecretBytes::from_slice(&new_auth_key()?.to_pkcs8()),
                };
                tx.insert_inv_short_link(&link)?;
                Ok(link.snd_private_key)
            })
            .await?;
        auth_key(&stored)
    }

    /// The sender key the invitation queue `snd_id` on `server` was secured with by
    /// `LKEY`, if its short link was resolved.
    pub(super) async fn inv_link_key(
        &self,
        server: &str,
        snd_id: &[u8],
    ) -> Result<Option<PrivateAuthKey>> {
        let (server, snd_id) = (server.to_owned(), snd_id.to_vec());
        let stored = self
            .db(move |tx| Ok(tx.inv_short_link_snd_key(&server, &snd_id)?))
            .await?;
        stored.as_ref().map(auth_key).transpose()
    }

    /// Forgets the `LKEY` sender key of a joined invitation; a failure is reported, not
    /// returned (the join is done; as the reference's `delInvSL`).
    pub(super) async fn forget_inv_link_key(&self, server: &str, snd_id: &[u8]) {
        let (server, snd_id) = (server.to_owned(), snd_id.to_vec());
        let r = self
            .db(move |tx| Ok(tx.delete_inv_short_link(&server, &snd_id)?))
            .await;
        if let Err(e) = r {
            self.emit_error(None, e).await;
        }
    }
}
