//! Contact addresses (`protocol-map.md` §5.4-5.5): a long-lived contact queue that many
//! senders write to. A requester creates its own one-time invitation and sends it, with
//! its info, in an `AgentInvitation` (`'I'` envelope, per-queue e2e only, boxed with a
//! fresh ephemeral key per request) with an unsecured `SEND`; the address owner gets
//! `REQ` and accepts by joining that invitation, or rejects by dropping it.

use std::sync::Arc;

use agent_proto::envelope::seal_client_message_once;
use agent_proto::versions::{AGENT_RANGE, SMP_CLIENT_RANGE};
use agent_proto::{
    AgentMsgEnvelope, ClientMessage, ConnReqData, ConnectionRequest, PrivHeader, ShortLink,
    SmpQueueUri,
};
use simplex_encoding::Encode;
use smp_proto::SmpServer;
use smp_proto::command::{MsgFlags, QueueReqData};

use super::Inner;
use super::handshake::{StoredQueue, create_invitation, join_invitation, new_rcv_queue};
use super::routing::SenderCmd;
use crate::error::{AgentError, Result};
use crate::store::{ConnId, ConnMode, ConnStatus, InvitationId, NewConn};

/// See [`super::Agent::create_contact_address`]; with `user_data`, the address also
/// gets a short link (link data set with `LSET`).
pub(super) async fn create_address(
    inner: &Arc<Inner>,
    user_data: Option<&[u8]>,
) -> Result<(ConnId, ConnectionRequest, Option<ShortLink>)> {
    let queue = new_rcv_queue(inner, QueueReqData::Contact(None), &[]).await?;
    let link = ConnectionRequest::Contact {
        data: ConnReqData {
            agent_versions: AGENT_RANGE,
            queues: vec![SmpQueueUri {
                versions: SMP_CLIENT_RANGE,
                addr: queue.address(),
            }],
            client_data: None,
        },
    };
    let short = match user_data {
        Some(d) => Some(super::links::set_contact_link(inner, &queue, &link, d).await?),
        None => None,
    };
    let stored = StoredQueue::from(&queue);
    let user_id = inner.user_id;
    let conn_id = inner
        .db(move |tx| {
            let conn_id = tx.create_conn(&NewConn {
                user_id,
                mode: ConnMode::Contact,
                status: ConnStatus::Pending,
                agent_version: agent_proto::versions::CURRENT_AGENT_V,
                pq_support: false,
                pq_encryption: false,
            })?;
            super::handshake::store_rcv_queue(tx, &conn_id, &stored)?;
            Ok(conn_id)
        })
        .await?;
    Ok((conn_id, link, short))
}

/// Requester: creates an own invitation and sends it with `info` to the contact queue
/// of `data`. Returns the new invitation's connection (`CONF` comes on it when the
/// owner accepts).
pub(super) async fn request(inner: &Arc<Inner>, data: &ConnReqData, info: &[u8]) -> Result<ConnId> {
    let (agent_version, queue, smp_v) = super::handshake::agree_versions(data)?;
    let server = SmpServer::try_from(&queue.addr.server)?;
    // the reference's `joinContactInitialKeys`: the KEM key goes in the request's
    // invitation when the address owner's versions allow PQ
    let kem = super::handshake::version_pq_support(agent_version, None);
    let (conn_id, conn_req, _) = create_invitation(inner, None, kem).await?;
    let env = AgentMsgEnvelope::Invitation {
        agent_version,
        conn_req,
        conn_info: info.to_vec(),
    };
    let msg = ClientMessage {
        header: PrivHeader::Empty,
        body: env.to_bytes(),
    };
    let sealed = seal_client_message_once(&mut rand::rng(), smp_v, &queue.addr.dh_key, &msg)?;
    let flags = MsgFlags { notification: true };
    let body = sealed.to_bytes();
    let cmd = SenderCmd::Send(flags, &body);
    inner
        .sender_command(&server, &queue.addr.sender_id, None, cmd)
        .await?;
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
