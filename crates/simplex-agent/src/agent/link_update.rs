//! Changing a short link's user data (reference `Agent.hs` `setConnShortLink'`): the
//! owner signs the new user part with the link's signing key, encrypts it with the
//! link's key and sends it with `LSET` together with the unchanged encrypted fixed part,
//! so the link (its id and key) stays the same. A contact address made without a short
//! link gets a new one; a one-time invitation can change its data only while no one
//! has used it.
//!
//! Deleting a short link (reference `deleteConnShortLink'` and `deleteQueueLink`) sends
//! `LDEL` to the queue's own relay, so the link stops resolving while the queue (and its
//! full link) keeps working. As in the reference, the link's credentials stay stored:
//! a later [`set_conn_short_link`] sets the same link again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use agent_proto::link_crypto::{
    contact_link_kdf, encode_sign_user_data, encrypt_user_data, invitation_link_kdf,
};
use agent_proto::link_data::{UserConnLinkData, UserLinkData};
use agent_proto::short_link::ShortLinkScheme;
use agent_proto::{LinkKey, QueueAddress, RelayAddr, ShortLink};
use simplex_crypto::{Ed25519Secret, X25519Secret};
use smp_proto::command::{QueueLinkData, QueueMode};
use smp_proto::{EntityId, SmpServer};

use super::Inner;
use super::keys::auth_key;
use super::links::{contact_link, contact_user_data, lset, new_contact_link};
use crate::error::{AgentError, Result};
use crate::pool::parse_server;
use crate::store::{ConnId, ConnMode, ConnStatus, RcvQueue, SecretBytes, ShortLinkCreds};

/// What the store holds for the link of a connection.
struct LinkOwner {
    mode: ConnMode,
    queue: RcvQueue,
    creds: Option<ShortLinkCreds>,
}

/// One async lock per connection whose short link is being updated, so two updates of
/// one address cannot each make and store their own new link.
#[derive(Debug, Default)]
pub(super) struct LinkLocks(Mutex<HashMap<ConnId, Arc<tokio::sync::Mutex<()>>>>);

impl LinkLocks {
    fn get(&self, conn_id: &ConnId) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        map.entry(conn_id.clone()).or_default().clone()
    }

    /// Forgets the lock of `conn_id` unless someone else holds or waits for it.
    fn release(&self, conn_id: &ConnId, lock: Arc<tokio::sync::Mutex<()>>) {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // ours and the map's
        if Arc::strong_count(&lock) == 2 {
            map.remove(conn_id);
        }
    }
}

/// See [`super::Agent::set_conn_short_link`]; one update of a connection at a time.
pub(super) async fn set_conn_short_link(
    inner: &Arc<Inner>,
    conn_id: &ConnId,
    user_data: &[u8],
) -> Result<ShortLink> {
    let lock = inner.link_locks.get(conn_id);
    let r = {
        let _held = lock.lock().await;
        update(inner, conn_id, user_data).await
    };
    inner.link_locks.release(conn_id, lock);
    r
}

/// See [`super::Agent::delete_conn_short_link`]; under the same lock as updates.
pub(super) async fn delete_conn_short_link(inner: &Arc<Inner>, conn_id: &ConnId) -> Result<()> {
    let lock = inner.link_locks.get(conn_id);
    let r = {
        let _held = lock.lock().await;
        delete(inner, conn_id).await
    };
    inner.link_locks.release(conn_id, lock);
    r
}

/// `LDEL` on the connection's receive queue, directly to its relay (a recipient
/// command, like `LSET`).
async fn delete(inner: &Inner, conn_id: &ConnId) -> Result<()> {
    let owner = load(inner, conn_id).await?;
    let server = parse_server(&owner.queue.server)?;
    let rcv_id = EntityId::new(&owner.queue.rcv_id)?;
    let rcv_key = auth_key(&owner.queue.rcv_auth_key)?;
    let client = inner.pool.client(&server).await?;
    client.delete_link(&rcv_id, &rcv_key).await?;
    Ok(())
}

async fn update(inner: &Arc<Inner>, conn_id: &ConnId, user_data: &[u8]) -> Result<ShortLink> {
    let owner = load(inner, conn_id).await?;
    let server = parse_server(&owner.queue.server)?;
    let rcv_id = EntityId::new(&owner.queue.rcv_id)?;
    let rcv = (&rcv_id, &owner.queue.rcv_auth_key);
    let versions = inner.config.agent_versions;
    let (short, link_id, data) = match (owner.mode, &owner.creds) {
        (ConnMode::Contact, Some(creds)) => {
            let key = link_key(creds)?;
            let (link_id, sb) = contact_link_kdf(&key);
            if link_id.as_bytes() != creds.link_id {
                return Err(AgentError::Prohibited("stored link id is not the link's"));
            }
            let data = signed_user_data(creds, &sb, versions, contact_user_data(user_data))?;
            (contact_link(&server, key), link_id, data)
        }
        (ConnMode::Invitation, Some(creds)) => {
            let key = link_key(creds)?;
            let sb = invitation_link_kdf(&key);
            let user = UserConnLinkData::Invitation(UserLinkData(user_data.to_vec()));
            let data = signed_user_data(creds, &sb, versions, user)?;
            let link_id = EntityId::new(&creds.link_id)?;
            let short = ShortLink::Invitation {
                scheme: ShortLinkScheme::Server,
                server: RelayAddr::from(&server),
                link_id: link_id.clone(),
                key,
            };
            (short, link_id, data)
        }
        (ConnMode::Contact, None) => {
            let addr = address_of(&owner.queue, &server)?;
            let conn_req = super::contact::address_request(versions, addr);
            let (short, creds, data) = new_contact_link(versions, &server, &conn_req, user_data)?;
            // stored first, as the reference does: a failed LSET is retried with them
            let rq_id = owner.queue.rcv_queue_id;
            let link_id = EntityId::new(&creds.link_id)?;
            inner
                .db(move |tx| Ok(tx.set_short_link_creds(rq_id, &creds)?))
                .await?;
            (short, link_id, data)
        }
        (ConnMode::Invitation, None) => {
            return Err(AgentError::Prohibited("the invitation has no short link"));
        }
    };
    lset(inner, &server, rcv, link_id.as_bytes(), data).await?;
    Ok(short)
}

/// The connection's mode, its primary receive queue and that queue's link credentials;
/// only a contact address, or an invitation no one has answered yet, qualifies.
async fn load(inner: &Inner, conn_id: &ConnId) -> Result<LinkOwner> {
    let id = conn_id.clone();
    inner
        .db(move |tx| {
            let conn = tx
                .conn(&id)?
                .ok_or_else(|| AgentError::ConnNotFound(id.clone()))?;
            let usable = match conn.mode {
                ConnMode::Contact => conn.status != ConnStatus::Deleted,
                ConnMode::Invitation => conn.status == ConnStatus::Pending,
            };
            let queue = tx.rcv_queues(&id)?.into_iter().find(|q| q.primary);
            let Some(queue) = queue.filter(|_| usable) else {
                return Err(AgentError::WrongState {
                    conn_id: id,
                    status: conn.status,
                });
            };
            let creds = tx.short_link_creds(queue.rcv_queue_id)?;
            Ok(LinkOwner {
                mode: conn.mode,
                queue,
                creds,
            })
        })
        .await
}

fn link_key(creds: &ShortLinkCreds) -> Result<LinkKey> {
    let key = <[u8; 32]>::try_from(creds.link_key.as_slice())
        .map_err(|_| AgentError::Prohibited("stored link key has a wrong length"))?;
    Ok(LinkKey(key))
}

/// The new user part signed with the link's key and encrypted, with the stored fixed part.
fn signed_user_data(
    creds: &ShortLinkCreds,
    sb: &simplex_crypto::SbKey,
    versions: simplex_encoding::VersionRange,
    user: UserConnLinkData,
) -> Result<QueueLinkData> {
    let seed = secret_32(&creds.link_priv_sig_key, "stored link signing key")?;
    let signer = Ed25519Secret::from_bytes(&seed);
    let signed = encode_sign_user_data(&signer, versions, user);
    let enc = encrypt_user_data(&mut rand::rng(), sb, &signed)?;
    Ok(QueueLinkData {
        fixed: creds.link_enc_fixed_data.clone(),
        user: enc,
    })
}

fn secret_32(bytes: &SecretBytes, what: &'static str) -> Result<zeroize::Zeroizing<[u8; 32]>> {
    let arr = <[u8; 32]>::try_from(bytes.as_bytes()).map_err(|_| AgentError::Prohibited(what))?;
    Ok(zeroize::Zeroizing::new(arr))
}

/// The address of a stored contact queue, as its full link names it.
fn address_of(queue: &RcvQueue, server: &SmpServer) -> Result<QueueAddress> {
    let e2e = secret_32(&queue.e2e_private_key, "stored e2e key has a wrong length")?;
    Ok(QueueAddress {
        server: RelayAddr::from(server),
        sender_id: EntityId::new(&queue.snd_id)?,
        dh_key: X25519Secret::from_bytes(*e2e).public(),
        queue_mode: Some(QueueMode::Contact),
    })
}
