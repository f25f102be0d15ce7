//! The duplex handshake: creating an invitation, joining it, allowing the joiner. The
//! agent version is the highest of the link's range and ours (2..7).
//!
//! Each side's first message goes to the other's queue in one of two ways, chosen per
//! queue by its mode (the reference's `senderCanSecure`): a messaging queue is secured by
//! its sender with `SKEY` before the confirmation (the fast handshake; `protocol-map.md`
//! §5.5; no `HELLO`); any other queue (made without sender-secure, e.g. on a relay older
//! than SMP v9, or with [`crate::AgentConfig::legacy_invitations`]) gets an unsigned
//! confirmation carrying the sender's public key, which its recipient secures with `KEY`
//! (see [`super::legacy`] for the rest: `KEY` by the joiner, `HELLO` both ways).
//!
//! PQ (KEM) follows [`crate::AgentConfig::pq_support`] and the agreed versions (see
//! `create_invitation` for where the KEM key is proposed).

use std::sync::Arc;

use agent_proto::envelope::seal_client_message;
use agent_proto::versions::{SMP_CLIENT_RANGE, conn_info_padded_len};
use agent_proto::{
    AgentMessage, AgentMsgEnvelope, ClientMessage, ConnReqData, ConnectionRequest, PrivHeader,
    QueueAddress, RelayAddr, ShortLink, SmpQueueInfo,
};
use simplex_crypto::keys::{PrivateAuthKey, PublicAuthKey};
use simplex_crypto::{X448Secret, X25519Secret};
use simplex_encoding::{Encode, Version, VersionRange};
use simplex_ratchet::{
    CURRENT_E2E_VERSION, E2ERatchetParams, E2ERatchetParamsUri, PQEncryption, PQSupport,
    RatchetState, RatchetVersions, SUPPORTED_E2E_VERSIONS, encrypt, generate_rcv_params,
    generate_snd_params, init_snd, pq_x3dh_snd, reply_kem,
};
use smp_client::rcv_dh_secret;
use smp_proto::command::{NewQueueReq, QueueMode, QueueReqData, SubMode};
use smp_proto::response::QueueIds;
use smp_proto::{BrokerMsg, Command, CorrId, EntityId, SmpServer};
use zeroize::Zeroizing;

use super::Inner;
use super::keys::new_auth_key;
use super::routing::SenderCmd;
use crate::error::{AgentError, Result};
use crate::pool::server_key;
use crate::store::{
    ConfirmationId, ConnId, ConnMode, ConnStatus, MsgType, NewConn, NewDelivery, NewRcvQueue,
    NewSndMessage, NewSndQueue, QueueMode as StoreQueueMode, QueueStatus, Timestamp,
};

/// A receive queue just created on a relay, with its secrets ready to store.
pub(super) struct NewQueue {
    pub(super) server: SmpServer,
    pub(super) ids: QueueIds,
    pub(super) rcv_auth_key: Zeroizing<Vec<u8>>,
    rcv_dh_secret: Zeroizing<Vec<u8>>,
    e2e_key: X25519Secret,
    /// The mode the relay reported (`None`: the sender cannot secure the queue).
    mode: Option<QueueMode>,
}

impl NewQueue {
    /// The queue's address for the peer (its mode, our per-queue e2e key).
    pub(super) fn address(&self) -> QueueAddress {
        QueueAddress {
            server: RelayAddr::from(&self.server),
            sender_id: self.ids.snd_id.clone(),
            dh_key: self.e2e_key.public(),
            queue_mode: self.mode,
        }
    }
}

/// The recipient's fresh keys for a new queue, made before `NEW` so that link data
/// can name the queue's e2e key.
pub(super) struct QueueKeys {
    rcv_key: PrivateAuthKey,
    rcv_dh: X25519Secret,
    /// Our per-queue e2e key (its public half goes into the link).
    pub(super) e2e_key: X25519Secret,
}

impl QueueKeys {
    /// Fresh keys.
    pub(super) fn generate() -> Result<QueueKeys> {
        let mut rng = rand::rng();
        Ok(QueueKeys {
            rcv_key: new_auth_key()?,
            rcv_dh: X25519Secret::generate(&mut rng),
            e2e_key: X25519Secret::generate(&mut rng),
        })
    }
}

/// A relay for a new queue: a random one of the user's, not one of `used` if possible.
pub(super) fn queue_relay(inner: &Inner, used: &[&SmpServer]) -> Result<SmpServer> {
    Ok(inner.pick_relay(used)?.server)
}

/// `NEW`: a queue on a random relay of the user (not one of `used` if possible),
/// subscribed on creation — a messaging queue (`QueueReqData::Messaging`) or a contact
/// address (`QueueReqData::Contact`).
pub(super) async fn new_rcv_queue(
    inner: &Inner,
    req: QueueReqData,
    used: &[&SmpServer],
) -> Result<NewQueue> {
    let server = queue_relay(inner, used)?;
    create_rcv_queue(inner, server, QueueKeys::generate()?, Some(req), None).await
}

/// What `NEW` asks for a one-time invitation queue or a joiner's reply queue: a
/// messaging queue, or no mode with [`crate::AgentConfig::legacy_invitations`].
fn invitation_req(inner: &Inner) -> Option<QueueReqData> {
    (!inner.config.legacy_invitations).then_some(QueueReqData::Messaging(None))
}

/// `NEW` on `server` with prepared keys; `corr_id` is given when the sender id was
/// derived from it for link data (the relay derives it the same way). Without `req` the
/// relay makes a queue its sender cannot secure. The queue's mode is what the relay
/// reports in `IDS` (as the reference: a relay older than SMP v9 reports none, and its
/// queues take the classic handshake); a contact address stays one.
pub(super) async fn create_rcv_queue(
    inner: &Inner,
    server: SmpServer,
    keys: QueueKeys,
    req: Option<QueueReqData>,
    corr_id: Option<CorrId>,
) -> Result<NewQueue> {
    let client = inner.pool.client(&server).await?;
    let contact = matches!(req, Some(QueueReqData::Contact(_)));
    let new = NewQueueReq {
        rcv_auth_key: keys.rcv_key.public(),
        rcv_dh_key: keys.rcv_dh.public(),
        auth: inner.pool.password(&server),
        sub_mode: SubMode::Subscribe,
        queue_req_data: req,
        ntf_creds: None,
    };
    let cmd = Command::New(Box::new(new));
    let ids = match client
        .send_command(corr_id, &EntityId::empty(), Some(&keys.rcv_key), cmd)
        .await?
    {
        BrokerMsg::Ids(ids) => *ids,
        _ => return Err(AgentError::Prohibited("NEW: unexpected relay response")),
    };
    let secret = rcv_dh_secret(&keys.rcv_dh, &ids);
    let mode = if contact {
        Some(QueueMode::Contact)
    } else {
        ids.queue_mode.filter(|m| *m == QueueMode::Messaging)
    };
    Ok(NewQueue {
        server,
        ids,
        rcv_auth_key: Zeroizing::new(keys.rcv_key.to_pkcs8().to_vec()),
        rcv_dh_secret: Zeroizing::new(secret.as_bytes().to_vec()),
        e2e_key: keys.e2e_key,
        mode,
    })
}

/// Stores a queue made by [`new_rcv_queue`] for `conn_id`.
pub(super) fn store_rcv_queue(
    tx: &crate::store::Tx<'_>,
    conn_id: &ConnId,
    q: &StoredQueue,
) -> Result<()> {
    insert_rcv_queue(tx, conn_id, q, None)?;
    Ok(())
}

/// Stores a new receive queue; one that replaces another (queue rotation) is not
/// primary until the switch completes.
pub(super) fn insert_rcv_queue(
    tx: &crate::store::Tx<'_>,
    conn_id: &ConnId,
    q: &StoredQueue,
    replaced: Option<crate::store::RcvQueueId>,
) -> Result<crate::store::RcvQueueId> {
    Ok(tx.insert_rcv_queue(&NewRcvQueue {
        conn_id,
        server: &q.server,
        rcv_id: &q.rcv_id,
        rcv_auth_key: &q.rcv_auth_key,
        rcv_dh_secret: &q.rcv_dh_secret,
        e2e_private_key: &q.e2e_private_key,
        e2e_dh_secret: None,
        snd_id: &q.snd_id,
        queue_mode: q.queue_mode,
        status: QueueStatus::New,
        primary: replaced.is_none(),
        replaced_queue_id: replaced,
    })?)
}

/// The owned columns of a new receive queue, moved into a store transaction.
pub(super) struct StoredQueue {
    queue_mode: Option<StoreQueueMode>,
    server: String,
    rcv_id: Vec<u8>,
    snd_id: Vec<u8>,
    rcv_auth_key: Zeroizing<Vec<u8>>,
    rcv_dh_secret: Zeroizing<Vec<u8>>,
    e2e_private_key: Zeroizing<Vec<u8>>,
}

impl From<&NewQueue> for StoredQueue {
    fn from(q: &NewQueue) -> Self {
        StoredQueue {
            queue_mode: q.mode.map(|m| match m {
                QueueMode::Messaging => StoreQueueMode::Messaging,
                QueueMode::Contact => StoreQueueMode::Contact,
            }),
            server: server_key(&q.server),
            rcv_id: q.ids.rcv_id.as_bytes().to_vec(),
            snd_id: q.ids.snd_id.as_bytes().to_vec(),
            rcv_auth_key: q.rcv_auth_key.clone(),
            rcv_dh_secret: q.rcv_dh_secret.clone(),
            e2e_private_key: Zeroizing::new(q.e2e_key.to_bytes().to_vec()),
        }
    }
}

/// The full invitation link for a queue address and the X3DH parameters.
pub(super) fn invitation_request(
    addr: QueueAddress,
    e2e: E2ERatchetParamsUri,
    agent_versions: VersionRange,
) -> ConnectionRequest {
    ConnectionRequest::Invitation {
        data: super::contact::req_data(agent_versions, addr),
        e2e,
    }
}

/// See [`super::Agent::create_invitation`]; returns the link unrendered, and the short
/// link when `user_data` is given (its link data goes to the relay with `NEW`).
///
/// With PQ support, the sntrup761 key is proposed in the link only where the reference
/// puts it (`InitialKeys`): in short-link data, and in the invitation of a contact
/// request (`kem_in_link`); a plain full link stays short enough for a QR code and the
/// joiner proposes the KEM instead.
///
/// `then` runs in the transaction that stores the connection (a contact request stores
/// its delivery there, so that the connection never exists without it).
pub(super) async fn create_invitation<T, F>(
    inner: &Arc<Inner>,
    user_data: Option<&[u8]>,
    kem_in_link: bool,
    then: F,
) -> Result<(ConnId, ConnectionRequest, Option<ShortLink>, T)>
where
    T: Send + 'static,
    F: FnOnce(&crate::store::Tx<'_>, &ConnId, &ConnectionRequest) -> Result<T> + Send + 'static,
{
    let pq = inner.config.pq_support;
    let propose = PQSupport(pq && (kem_in_link || user_data.is_some()));
    let keys = generate_rcv_params(&mut rand::rng(), CURRENT_E2E_VERSION, propose)?;
    let e2e = E2ERatchetParamsUri {
        versions: SUPPORTED_E2E_VERSIONS,
        k1: keys.params.k1.clone(),
        k2: keys.params.k2.clone(),
        kem: keys.params.kem.clone(),
    };
    let server = queue_relay(inner, &[])?;
    let qkeys = QueueKeys::generate()?;
    let prepared = match user_data {
        Some(d) => Some(super::links::prepare_invitation(
            inner.config.agent_versions,
            &server,
            &qkeys.e2e_key.public(),
            &e2e,
            d,
        )?),
        None => None,
    };
    let (req, corr_id) = match &prepared {
        Some(p) => (Some(p.queue_req.clone()), Some(p.corr_id.clone())),
        None => (invitation_req(inner), None),
    };
    let queue = create_rcv_queue(inner, server, qkeys, req, corr_id).await?;
    let (short, creds) = match prepared {
        Some(p) => {
            let (short, creds) = p.short_link(&queue)?;
            (Some(short), Some(creds))
        }
        None => (None, None),
    };
    let link = if short.is_some() {
        // as the reference: with a short link, the printed full link leaves out the KEM
        // key (the link data on the relay has it)
        let e2e = E2ERatchetParamsUri { kem: None, ..e2e };
        invitation_request(queue.address(), e2e, inner.config.agent_versions)
    } else {
        invitation_request(queue.address(), e2e, inner.config.agent_versions)
    };
    let stored = StoredQueue::from(&queue);
    let pk1 = Zeroizing::new(keys.pk1.to_bytes().to_vec());
    let pk2 = Zeroizing::new(keys.pk2.to_bytes().to_vec());
    let kem = keys.kem.as_ref().map(|k| Zeroizing::new(k.to_bytes()));
    let user_id = inner.user_id;
    let req = link.clone();
    let max_agent_v = inner.config.agent_versions.max();
    let (conn_id, extra) = inner
        .db(move |tx| {
            let conn_id = tx.create_conn(&NewConn {
                user_id,
                mode: ConnMode::Invitation,
                status: ConnStatus::Pending,
                agent_version: max_agent_v,
                pq_support: pq,
                pq_encryption: pq,
            })?;
            let rq_id = insert_rcv_queue(tx, &conn_id, &stored, None)?;
            if let Some(creds) = &creds {
                tx.set_short_link_creds(rq_id, creds)?;
            }
            tx.create_pending_ratchet(&conn_id, &pk1, &pk2, kem.as_deref().map(|k| &k[..]))?;
            let extra = then(tx, &conn_id, &req)?;
            Ok((conn_id, extra))
        })
        .await?;
    Ok((conn_id, link, short, extra))
}

/// A peer's queue to send to, with its secrets ready to store: secured by us with `SKEY`,
/// or (when its sender cannot secure it) to be secured by its recipient with the key
/// our confirmation carries.
struct PeerQueue {
    server: String,
    snd_id: Vec<u8>,
    snd_auth_key: Zeroizing<Vec<u8>>,
    e2e_peer_key: Vec<u8>,
    e2e_dh_secret: Zeroizing<Vec<u8>>,
    /// Our per-queue e2e public key, sent in the first message.
    own_e2e: X25519Secret,
    /// The public sender key the confirmation carries for the recipient's `KEY`, when we
    /// could not secure the queue ourselves.
    legacy_key: Option<PublicAuthKey>,
}

impl PeerQueue {
    /// The confirmation's private header: the sender key for the recipient's `KEY`,
    /// when the queue is not secured by us.
    fn conf_header(&self) -> PrivHeader {
        match &self.legacy_key {
            Some(k) => PrivHeader::Confirmation(Box::new(k.clone())),
            None => PrivHeader::Empty,
        }
    }
}

/// Makes a fresh sender key for the peer's queue `addr` and agrees the per-queue e2e
/// secret with a fresh key of ours. A messaging queue is `SKEY`ed with the key (one
/// already secured by `LKEY`, resolving its short link, is not secured again); any other
/// queue is left to its recipient (legacy handshake).
async fn peer_queue(inner: &Inner, addr: &QueueAddress) -> Result<PeerQueue> {
    let server = SmpServer::try_from(&addr.server)?;
    let own_e2e = X25519Secret::generate(&mut rand::rng());
    let secret = own_e2e.dh(&addr.dh_key);
    let secure = agent_proto::queue_uri::sender_can_secure(addr.queue_mode);
    let stored = inner
        .inv_link_key(&server_key(&server), addr.sender_id.as_bytes())
        .await?;
    let snd_key = match stored {
        Some(key) => key,
        None if !secure => new_auth_key()?,
        None => {
            let snd_key = new_auth_key()?;
            inner
                .sender_command(&server, &addr.sender_id, Some(&snd_key), SenderCmd::Secure)
                .await?;
            snd_key
        }
    };
    Ok(PeerQueue {
        server: server_key(&server),
        snd_id: addr.sender_id.as_bytes().to_vec(),
        snd_auth_key: Zeroizing::new(snd_key.to_pkcs8().to_vec()),
        e2e_peer_key: addr.dh_key.to_spki(),
        e2e_dh_secret: Zeroizing::new(secret.as_bytes().to_vec()),
        own_e2e,
        legacy_key: (!secure).then(|| snd_key.public()),
    })
}

/// Ratchet-encrypts a connection-info message and wraps it as a confirmation to a
/// queue whose first message this is. Returns the `SEND` body and the new ratchet state.
fn seal_confirmation(
    state: &RatchetState,
    agent_version: Version,
    smp_client_version: Version,
    e2e: Option<E2ERatchetParams>,
    queue: &PeerQueue,
    plain: &[u8],
    pq: bool,
) -> Result<(Vec<u8>, RatchetState)> {
    let padded = conn_info_padded_len(agent_version, pq);
    let (enc_conn_info, state) = encrypt(state, Some(PQEncryption(pq)), plain, padded)?;
    let env = AgentMsgEnvelope::Confirmation {
        agent_version,
        e2e,
        enc_conn_info,
    };
    let msg = ClientMessage {
        header: queue.conf_header(),
        body: env.to_bytes(),
    };
    let secret = simplex_crypto::DhSecret::from_bytes(
        queue
            .e2e_dh_secret
            .as_slice()
            .try_into()
            .map_err(|_| AgentError::Prohibited("bad e2e secret length"))?,
    );
    let sealed = seal_client_message(
        &mut rand::rng(),
        smp_client_version,
        &secret,
        Some(queue.own_e2e.public()),
        &msg,
    )?;
    Ok((sealed.to_bytes(), state))
}

/// See [`super::Agent::join`]: a one-time invitation is joined, a contact address is
/// sent a contact request.
pub(super) async fn join_request(
    inner: &Arc<Inner>,
    link: ConnectionRequest,
    info: &[u8],
) -> Result<ConnId> {
    match link {
        ConnectionRequest::Invitation { data, e2e } => {
            join_invitation(inner, data, e2e, info).await
        }
        ConnectionRequest::Contact { data } => super::contact::request(inner, &data, info).await,
    }
}

/// Joins a full link or a short link (resolved first with `LKEY`/`LGET`).
pub(super) async fn join_any(inner: &Arc<Inner>, link: &str, info: &[u8]) -> Result<ConnId> {
    match agent_proto::ShortLink::parse_text(link) {
        Ok(short) => {
            let resolved = super::links::resolve(inner, &short).await?;
            join_request(inner, resolved.fixed.conn_req, info).await
        }
        Err(_) => join_request(inner, ConnectionRequest::parse_text(link)?, info).await,
    }
}

/// Whether the agreed versions allow PQ (the reference's `versionPQSupport_`): agent
/// version 5+ and, when known, e2e version 3+.
pub(super) fn version_pq_support(agent_v: Version, e2e_v: Option<Version>) -> bool {
    agent_v >= agent_proto::versions::PQDR_AGENT_V
        && e2e_v.is_none_or(|v| v >= simplex_ratchet::PQ_RATCHET_E2E_VERSION)
}

/// The agent version (the highest of the link's range and `ours`), the link's first
/// queue and the SMP client version agreed for a link. Versions before 7 connect the same
/// way, as in the reference: the queue's mode, not the version, decides between `SKEY`
/// and the legacy steps.
pub(super) fn agree_versions(
    data: &ConnReqData,
    ours: VersionRange,
) -> Result<(Version, &agent_proto::SmpQueueUri, Version)> {
    let agent_v = data
        .agent_versions
        .negotiate(&ours)
        .ok_or(AgentError::Version("no common agent version"))?;
    let queue = data.queues.first().ok_or(AgentError::BadLink("no queue"))?;
    let smp_v = queue
        .versions
        .negotiate(&SMP_CLIENT_RANGE)
        .ok_or(AgentError::Version("SMP client version"))?;
    Ok((agent_v, queue, smp_v))
}

/// Joins a one-time invitation: `SKEY`s its queue when its sender can (else the
/// confirmation carries our sender key for the initiator's `KEY`), creates the reply
/// queue and sends the confirmation.
pub(super) async fn join_invitation(
    inner: &Arc<Inner>,
    data: ConnReqData,
    e2e: E2ERatchetParamsUri,
    info: &[u8],
) -> Result<ConnId> {
    let (agent_v, peer, smp_v) = agree_versions(&data, inner.config.agent_versions)?;
    let e2e_v = e2e
        .versions
        .negotiate(&SUPPORTED_E2E_VERSIONS)
        .ok_or(AgentError::Version("e2e version"))?;
    let rcv_params = e2e.at_version(e2e_v);
    let pq = inner.config.pq_support && version_pq_support(agent_v, Some(e2e_v));
    let (state, snd_params) = {
        let mut rng = rand::rng();
        let use_kem = reply_kem(e2e_v, rcv_params.kem.as_ref(), PQSupport(pq));
        let keys = generate_snd_params(&mut rng, e2e_v, use_kem)?;
        let init = pq_x3dh_snd(&keys.pk1, &keys.pk2, keys.kem.as_ref(), &rcv_params)?;
        let own_dh = X448Secret::generate(&mut rng)?;
        let versions = RatchetVersions {
            current: e2e_v,
            max_supported: CURRENT_E2E_VERSION,
        };
        let state = init_snd(versions, &rcv_params.k2, &own_dh, init)?;
        (state, keys.params)
    };

    let sq = peer_queue(inner, &peer.addr).await?;
    let peer_server = SmpServer::try_from(&peer.addr.server)?;
    let reply_relay = queue_relay(inner, &[&peer_server])?;
    let reply_keys = QueueKeys::generate()?;
    let reply =
        create_rcv_queue(inner, reply_relay, reply_keys, invitation_req(inner), None).await?;
    let conn_info = AgentMessage::ConnInfoReply(
        vec![SmpQueueInfo {
            version: smp_v,
            addr: reply.address(),
        }],
        info.to_vec(),
    );
    let plain = Zeroizing::new(conn_info.to_bytes());
    let hash = conn_info.hash();
    let (body, state) =
        seal_confirmation(&state, agent_v, smp_v, Some(snd_params), &sq, &plain, pq)?;
    let state = state.to_bytes();
    let rq = StoredQueue::from(&reply);
    let info = Zeroizing::new(info.to_vec());
    let user_id = inner.user_id;
    let (conn_id, sq_id) = inner
        .db(move |tx| {
            let conn_id = tx.create_conn(&NewConn {
                user_id,
                mode: ConnMode::Invitation,
                status: ConnStatus::Joined,
                agent_version: agent_v,
                pq_support: pq,
                pq_encryption: pq,
            })?;
            let sq_id = insert_snd_queue(tx, &conn_id, &sq)?;
            store_rcv_queue(tx, &conn_id, &rq)?;
            tx.save_ratchet_state(&conn_id, &state)?;
            let internal_id = tx.insert_snd_message(&NewSndMessage {
                conn_id: &conn_id,
                snd_msg_id: 1,
                msg_type: MsgType::ConnInfoReply,
                prev_hash: &[],
                hash: &hash,
                body: &info,
                pq_encryption: false,
            })?;
            tx.insert_delivery(&NewDelivery {
                snd_queue_id: sq_id,
                conn_id: &conn_id,
                internal_id,
                body: &body,
                next_attempt_at: Timestamp::now(),
            })?;
            Ok((conn_id, sq_id))
        })
        .await?;
    let peer_server = server_key(&SmpServer::try_from(&peer.addr.server)?);
    inner
        .forget_inv_link_key(&peer_server, peer.addr.sender_id.as_bytes())
        .await;
    inner.wake_worker(sq_id);
    Ok(conn_id)
}

/// Stores a peer's queue of the handshake as the primary send queue: a messaging queue
/// secured by us, or one without a mode, not secured yet.
fn insert_snd_queue(
    tx: &crate::store::Tx<'_>,
    conn_id: &ConnId,
    sq: &PeerQueue,
) -> Result<crate::store::SndQueueId> {
    let secured = sq.legacy_key.is_none();
    Ok(tx.insert_snd_queue(&NewSndQueue {
        conn_id,
        server: &sq.server,
        snd_id: &sq.snd_id,
        snd_auth_key: &sq.snd_auth_key,
        e2e_peer_key: &sq.e2e_peer_key,
        e2e_dh_secret: &sq.e2e_dh_secret,
        queue_mode: secured.then_some(StoreQueueMode::Messaging),
        status: if secured {
            QueueStatus::Secured
        } else {
            QueueStatus::New
        },
        primary: true,
        replaced_queue_id: None,
    })?)
}

/// See [`super::Agent::allow`]. When the joiner's confirmation carried its sender key
/// (our queue is not sender-secured), our queue is secured with `KEY` first.
pub(super) async fn allow(
    inner: &Arc<Inner>,
    conn_id: &ConnId,
    conf_id: &ConfirmationId,
    info: &[u8],
) -> Result<()> {
    let (cid, fid) = (conn_id.clone(), conf_id.clone());
    let (conn, reply_queues, state, own_queue) = inner
        .db(move |tx| {
            let conn = tx
                .conn(&cid)?
                .ok_or(AgentError::ConnNotFound(cid.clone()))?;
            if conn.status != ConnStatus::Confirmed {
                return Err(AgentError::WrongState {
                    conn_id: cid,
                    status: conn.status,
                });
            }
            let conf = tx
                .confirmation(&fid)?
                .filter(|c| c.conn_id == cid && !c.accepted)
                .ok_or(AgentError::Prohibited("no such pending confirmation"))?;
            let state = tx
                .ratchet(&cid)?
                .and_then(|r| r.state)
                .ok_or(AgentError::Prohibited("no ratchet for the confirmation"))?;
            let own_queue = tx.rcv_queues(&cid)?.into_iter().find(|q| q.primary);
            Ok((conn, conf.reply_queues, state, own_queue))
        })
        .await?;
    let (reply, sender_key) = super::legacy::decode_reply(&reply_queues)?;
    let state = RatchetState::from_bytes(state.as_bytes())?;
    let secured_rq = match (&sender_key, own_queue) {
        (Some(key), Some(rq)) => {
            super::legacy::secure_own_queue(inner, &rq, key).await?;
            Some(rq.rcv_queue_id)
        }
        (Some(_), None) => return Err(AgentError::Prohibited("no queue to secure")),
        (None, _) => None,
    };
    let sq = peer_queue(inner, &reply.addr).await?;
    let msg = AgentMessage::ConnInfo(info.to_vec());
    let plain = Zeroizing::new(msg.to_bytes());
    let hash = msg.hash();
    let (body, state) = seal_confirmation(
        &state,
        conn.agent_version,
        reply.version,
        None,
        &sq,
        &plain,
        conn.pq_support,
    )?;
    let state = state.to_bytes();
    let info = Zeroizing::new(info.to_vec());
    let (cid, fid) = (conn_id.clone(), conf_id.clone());
    let sq_id = inner
        .db(move |tx| {
            let sq_id = insert_snd_queue(tx, &cid, &sq)?;
            tx.save_ratchet_state(&cid, &state)?;
            let internal_id = tx.insert_snd_message(&NewSndMessage {
                conn_id: &cid,
                snd_msg_id: conn.last_snd_msg_id + 1,
                msg_type: MsgType::ConnInfo,
                prev_hash: &conn.last_snd_hash,
                hash: &hash,
                body: &info,
                pq_encryption: false,
            })?;
            tx.insert_delivery(&NewDelivery {
                snd_queue_id: sq_id,
                conn_id: &cid,
                internal_id,
                body: &body,
                next_attempt_at: Timestamp::now(),
            })?;
            tx.accept_confirmation(&fid, &info)?;
            if let Some(rq) = secured_rq {
                tx.set_rcv_queue_status(rq, QueueStatus::Secured)?;
            }
            tx.set_conn_status(&cid, ConnStatus::Allowed)?;
            Ok(sq_id)
        })
        .await?;
    inner.wake_worker(sq_id);
    Ok(())
}
