//! Contact addresses (`protocol-map.md` §5.4-5.5): a long-lived contact queue that many
//! senders write to. A requester creates its own one-time invitation and sends it, with
//! its info, in an `AgentInvitation` (`'I'` envelope, per-queue e2e only, boxed with a
//! fresh ephemeral key per request) with an unsecured `SEND`; the address owner gets
//! `REQ` and accepts by joining that invitation, or rejects by dropping it.

use std::sync::Arc;

use agent_proto::envelope::seal_client_message_once;
use agent_proto::versions::SMP_CLIENT_RANGE;
use agent_proto::{
    AgentMsgEnvelope, ClientMessage, ConnReqData, ConnectionRequest, PrivHeader, ShortLink,
    SmpQueueUri,
};
use simplex_encoding::Encode;
use smp_proto::SmpServer;
use smp_proto::command::QueueReqData;
use zeroize::Zeroizing;

use super::Inner;
use super::handshake::{StoredQueue, create_invitation, join_invitation, new_rcv_queue};
use crate::error::{AgentError, Result};
use crate::pool::server_key;
use crate::store::{
    ConnId, ConnMode, ConnStatus, InvitationId, MsgType, NewConn, NewDelivery, NewSndMessage,
    NewSndQueue, QueueMode, QueueStatus, Timestamp,
};

/// See [`super::Agent::create_contact_address`]; with `user_data`, the address also
/// gets a short link (link data set with `LSET`).
pub(super) async fn create_address(
    inner: &Arc<Inner>,
    user_data: Option<&[u8]>,
) -> Result<(ConnId, ConnectionRequest, Option<ShortLink>)> {
    let queue = new_rcv_queue(inner, QueueReqData::Contact(None), &[]).await?;
    let link = address_request(inner.config.agent_versions, queue.address());
    let (short, creds) = match user_data {
        Some(d) => {
            let (short, creds) = super::links::set_contact_link(inner, &queue, &link, d).await?;
            (Some(short), Some(creds))
        }
        None => (None, None),
    };
    let stored = StoredQueue::from(&queue);
    let user_id = inner.user_id;
    let max_agent_v = inner.config.agent_versions.max();
    let conn_id = inner
        .db(move |tx| {
            let conn_id = tx.create_conn(&NewConn {
                user_id,
                mode: ConnMode::Contact,
                status: ConnStatus::Pending,
                agent_version: max_agent_v,
                pq_support: false,
                pq_encryption: false,
            })?;
            let rq_id = super::handshake::insert_rcv_queue(tx, &conn_id, &stored, None)?;
            if let Some(creds) = &creds {
                tx.set_short_link_creds(rq_id, creds)?;
            }
            Ok(conn_id)
        })
        .await?;
    Ok((conn_id, link, short))
}

/// The full link of the contact address queue `addr`.
pub(super) fn address_request(
    agent_versions: simplex_encoding::VersionRange,
    addr: agent_proto::QueueAddress,
) -> ConnectionRequest {
    ConnectionRequest::Contact {
        data: req_data(agent_versions, addr),
    }
}

/// A full link's data naming the one queue `addr`.
pub(super) fn req_data(
    agent_versions: simplex_encoding::VersionRange,
    addr: agent_proto::QueueAddress,
) -> ConnReqData {
    ConnReqData {
        agent_versions,
        queues: vec![SmpQueueUri {
            versions: SMP_CLIENT_RANGE,
            addr,
        }],
        client_data: None,
    }
}

/// Requester: creates an own invitation and, in the same transaction, stores the
/// contact request (its invitation and `info`, sealed for the contact queue of `data`)
/// as a delivery on a send queue of the contact address; the delivery worker sends it
/// without authorization and retries it like any message. Returns the new invitation's
/// connection (`CONF` comes on it when the owner accepts).
pub(super) async fn request(inner: &Arc<Inner>, data: &ConnReqData, info: &[u8]) -> Result<ConnId> {
    let (agent_version, queue, smp_v) =
        super::handshake::agree_versions(data, inner.config.agent_versions)?;
    let server = server_key(&SmpServer::try_from(&queue.addr.server)?);
    let (snd_id, dh_key) = (queue.addr.sender_id.clone(), queue.addr.dh_key.clone());
    let info = Zeroizing::new(info.to_vec());
    // the reference's `joinContactInitialKeys`: the KEM key goes in the request's
    // invitation when the address owner's versions allow PQ
    let kem = super::handshake::version_pq_support(agent_version, None);
    let (conn_id, _, _, sq_id) = create_invitation(inner, None, kem, move |tx, conn_id, req| {
        let env = AgentMsgEnvelope::Invitation {
            agent_version,
            conn_req: req.clone(),
            conn_info: info.to_vec(),
        };
        let msg = ClientMessage {
            header: PrivHeader::Empty,
            body: env.to_bytes(),
        };
        let sealed = seal_client_message_once(&mut rand::rng(), smp_v, &dh_key, &msg)?;
        let sq_id = tx.insert_snd_queue(&NewSndQueue {
            conn_id,
            server: &server,
            snd_id: snd_id.as_bytes(),
            snd_auth_key: &[],
            e2e_peer_key: &dh_key.to_spki(),
            e2e_dh_secret: &[],
            queue_mode: Some(QueueMode::Contact),
            status: QueueStatus::New,
            primary: false,
            replaced_queue_id: None,
        })?;
        // id 0 and no hash: the request is outside the connection's message chain
        let internal_id = tx.insert_snd_message(&NewSndMessage {
            conn_id,
            snd_msg_id: 0,
            msg_type: MsgType::Invitation,
            prev_hash: &[],
            hash: &[],
            body: &info,
            pq_encryption: false,
        })?;
        tx.insert_delivery(&NewDelivery {
            snd_queue_id: sq_id,
            conn_id,
            internal_id,
            body: &sealed.to_bytes(),
            next_attempt_at: Timestamp::now(),
        })?;
        Ok(sq_id)
    })
    .await?;
    inner.wake_worker(sq_id);
    Ok(conn_id)
}

/// See [`super::Agent::accept_contact`].
pub(super) async fn accept(
    inner: &Arc<Inner>,
    inv_id: &InvitationId,
    info: &[u8],
) -> Result<ConnId> {
    let id = inv_id.clone();
    let link = inner
        .db(move |tx| {
            Ok(tx
                .invitation(&id)?
                .filter(|i| !i.accepted)
                .ok_or(AgentError::Prohibited("no such pending contact request"))?
                .invitation_link)
        })
        .await?;
    let ConnectionRequest::Invitation { data, e2e } = ConnectionRequest::parse_text(&link)? else {
        return Err(AgentError::BadLink("contact request without an invitation"));
    };
    let conn_id = join_invitation(inner, data, e2e, info).await?;
    let (id, own) = (inv_id.clone(), info.to_vec());
    inner
        .db(move |tx| Ok(tx.accept_invitation(&id, &own)?))
        .await?;
    Ok(conn_id)
}

/// See [`super::Agent::reject_contact`].
pub(super) async fn reject(inner: &Arc<Inner>, inv_id: &InvitationId) -> Result<()> {
    let id = inv_id.clone();
    inner.db(move |tx| Ok(tx.delete_invitation(&id)?)).await
}
