//! Queue quota (reference `Agent.hs`: `ClientRcvMsgQuota` → `A_QCONT`, `continueSending`).
//!
//! When a queue is full the relay refuses `SEND` with `ERR QUOTA` and puts a quota marker
//! after the last accepted message. The sender keeps the refused message (status
//! `quota`) and retries slowly; the recipient, on reaching the marker, sends `A_QCONT`
//! with the queue's address, and the sender resumes at once. A message refused for
//! longer than the quota timeout is given up (see `delivery`).

use agent_proto::AMessage;
use agent_proto::RelayAddr;
use agent_proto::queue_uri::SndQAddr;
use smp_proto::{EntityId, SmpServer};

use super::messages::enqueue;
use crate::error::Result;
use crate::pool::{parse_server, server_key};
use crate::store::{ConnId, MsgType, RcvQueue, SndQueueId, Timestamp, Tx};

/// Recipient: the quota marker of `rq` arrived, so the queue has room again: sends
/// `A_QCONT` with its address to the peer. Returns the send queue to wake, if the
/// connection has one (a connection still in its handshake has nothing to continue).
pub(super) fn queue_drained(tx: &Tx<'_>, rq: &RcvQueue) -> Result<Option<SndQueueId>> {
    let Some(conn) = tx.conn(&rq.conn_id)? else {
        return Ok(None);
    };
    if conn.status != crate::store::ConnStatus::Active {
        return Ok(None);
    }
    let addr = SndQAddr {
        server: RelayAddr::from(&parse_server(&rq.server)?),
        sender_id: EntityId::new(&rq.snd_id)?,
    };
    let (_, sq) = enqueue(tx, &rq.conn_id, AMessage::QCont(addr), MsgType::QCont, &[])?;
    Ok(Some(sq))
}

/// Sender: the peer sent `A_QCONT` for `addr`: every delivery held by `ERR QUOTA` on that
/// queue is due now. Returns the queue to wake, when it is one of the connection's.
pub(super) fn continue_sending(
    tx: &Tx<'_>,
    conn_id: &ConnId,
    addr: &SndQAddr,
) -> Result<Option<SndQueueId>> {
    let server = server_key(&SmpServer::try_from(&addr.server)?);
    let sq = tx
        .snd_queues(conn_id)?
        .into_iter()
        .find(|q| q.server == server && q.snd_id == addr.sender_id.as_bytes());
    let Some(sq) = sq else {
        tracing::warn!(%conn_id, "A_QCONT for an unknown queue");
        return Ok(None);
    };
    tx.resume_quota_deliveries(sq.snd_queue_id, Timestamp::now())?;
    Ok(Some(sq.snd_queue_id))
}
