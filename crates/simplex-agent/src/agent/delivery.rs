//! The delivery worker of one send queue: sends the stored bodies in order, retrying
//! network failures with the same bytes after a growing delay.

use std::sync::Arc;
use std::time::Duration;

use smp_proto::EntityId;
use smp_proto::command::MsgFlags;
use tokio::sync::Notify;

use super::Inner;
use super::keys::auth_key;
use super::routing::SenderCmd;
use crate::error::{AgentError, Result};
use crate::event::AgentEvent;
use crate::pool::{is_temporary, parse_server};
use crate::store::{
    ConnStatus, DeliveryStatus, MsgType, QueueMode, QueueStatus, SndDelivery, SndQueue, SndQueueId,
    StoreError, Timestamp,
};

/// Runs until the agent stops: waits for work on `notify`, sends, records the outcome.
pub(super) async fn worker(inner: Arc<Inner>, sq_id: SndQueueId, notify: Arc<Notify>) {
    let mut delay = inner.config.retry_delay;
    loop {
        let next = inner
            .db(move |tx| {
                let Some(d) = tx.next_deliveries(sq_id, 1)?.into_iter().next() else {
                    return Ok(None);
                };
                let sq = tx
                    .snd_queue(sq_id)?
                    .ok_or(StoreError::NotFound("send queue"))?;
                Ok(Some((d, sq)))
            })
            .await;
        let (d, sq) = match next {
            Ok(Some(work)) => work,
            Ok(None) => {
                notify.notified().await;
                continue;
            }
            Err(e) => {
                inner.emit_error(None, e).await;
                tokio::time::sleep(delay).await;
                continue;
            }
        };
        let wait = d.next_attempt_at.0.saturating_sub(Timestamp::now().0);
        if wait > 0 {
            tokio::time::sleep(Duration::from_millis(wait.unsigned_abs())).await;
        }
        match send_one(&inner, &sq, &d).await {
            Ok(()) => {
                delay = inner.config.retry_delay;
                if let Err(e) = delivered(&inner, &sq, &d).await {
                    inner.emit_error(Some(d.conn_id.clone()), e).await;
                }
            }
            Err(e) if is_temporary(&e) || is_quota(&e) => {
                tracing::info!(conn_id = %d.conn_id, %e, "delivery failed; will retry");
                let delay_ms = i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
                let at = Timestamp(Timestamp::now().0.saturating_add(delay_ms));
                let id = d.delivery_id;
                let recorded = inner
                    .db(move |tx| {
                        Ok(tx.record_delivery_attempt(id, DeliveryStatus::Pending, at)?)
                    })
                    .await;
                if let Err(e) = recorded {
                    inner.emit_error(Some(d.conn_id.clone()), e).await;
                    tokio::time::sleep(delay).await;
                }
                delay = (delay * 2).min(inner.config.max_retry_delay);
            }
            Err(e) => {
                let id = d.delivery_id;
                let now = Timestamp::now();
                let recorded = inner
                    .db(move |tx| {
                        Ok(tx.record_delivery_attempt(id, DeliveryStatus::Failed, now)?)
                    })
                    .await;
                if let Err(e2) = recorded {
                    inner.emit_error(Some(d.conn_id.clone()), e2).await;
                }
                inner.emit_error(Some(d.conn_id.clone()), e).await;
            }
        }
    }
}

/// `ERR QUOTA`: the peer's queue is full (retried like a network failure for now).
fn is_quota(e: &AgentError) -> bool {
    matches!(
        e,
        AgentError::Relay(smp_client::ClientError::Protocol(
            smp_proto::ErrorType::Quota
        ))
    )
}

/// `SEND`s one stored body, authorized with the queue's sender key, directly or through
/// a proxy relay.
async fn send_one(inner: &Inner, sq: &SndQueue, d: &SndDelivery) -> Result<()> {
    // a contact address is written to without authorization
    let key = match sq.queue_mode {
        Some(QueueMode::Contact) => None,
        _ => Some(auth_key(&sq.snd_auth_key)?),
    };
    let flags = MsgFlags { notification: true };
    let cmd = SenderCmd::Send(flags, &d.body);
    inner
        .sender_command(
            &parse_server(&sq.server)?,
            &EntityId::new(&sq.snd_id)?,
            key.as_ref(),
            cmd,
        )
        .await?;
    Ok(())
}

/// Removes a delivered body and applies what its delivery means: the initiator's
/// confirmation completes the connection (`CON`); an app message is reported `Sent`.
async fn delivered(inner: &Inner, sq: &SndQueue, d: &SndDelivery) -> Result<()> {
    let (id, conn_id, internal_id, sq_id) = (
        d.delivery_id,
        d.conn_id.clone(),
        d.internal_id,
        sq.snd_queue_id,
    );
    let event = inner
        .db(move |tx| {
            tx.delete_delivery(id)?;
            let msg_type = tx.snd_message(&conn_id, internal_id)?.map(|m| m.msg_type);
            Ok(match msg_type {
                Some(MsgType::Msg) => Some(AgentEvent::Sent {
                    conn_id,
                    id: internal_id,
                }),
                Some(MsgType::ConnInfo) => {
                    tx.set_snd_queue_status(sq_id, QueueStatus::Active)?;
                    for rq in tx.rcv_queues(&conn_id)? {
                        tx.set_rcv_queue_status(rq.rcv_queue_id, QueueStatus::Active)?;
                    }
                    tx.set_conn_status(&conn_id, ConnStatus::Active)?;
                    Some(AgentEvent::Con { conn_id })
                }
                Some(MsgType::Invitation) => {
                    // the contact request is out: the address is not written to again
                    tx.delete_snd_queue(sq_id)?;
                    None
                }
                Some(MsgType::ConnInfoReply) => {
                    tx.set_snd_queue_status(sq_id, QueueStatus::Confirmed)?;
                    None
                }
                _ => None,
            })
        })
        .await?;
    if let Some(ev) = event {
        inner.emit(ev).await;
    }
    Ok(())
}
