//! The delivery worker of one send queue: sends the stored bodies in order, retrying
//! network failures with the same bytes after a growing delay, holding messages refused
//! with `ERR QUOTA` until the peer's `A_QCONT` (or a slow retry), and giving up on
//! messages that fail for too long (2 days of network errors, 7 days of quota).

use std::sync::Arc;
use std::time::Duration;

use smp_proto::EntityId;
use smp_proto::command::MsgFlags;
use tokio::sync::Notify;

use super::Inner;
use super::keys::auth_key;
use super::routing::SenderCmd;
use crate::config::DeliveryTimeouts;
use crate::error::{AgentError, Result};
use crate::event::AgentEvent;
use crate::pool::{is_temporary, parse_server};
use crate::store::{
    ConnStatus, DeliveryStatus, MsgType, QueueMode, QueueStatus, SndDelivery, SndQueue, SndQueueId,
    StoreError, Timestamp,
};

/// What to do after a failed attempt (reference `runSmpQueueMsgDelivery`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    /// Network trouble: retry soon.
    RetryFast,
    /// `ERR QUOTA`: hold the message until `A_QCONT`, retrying slowly meanwhile.
    RetrySlow,
    /// Too old: drop the delivery and report the message failed.
    GiveUp,
    /// A permanent error (`ERR AUTH`: the queue is gone; quota refusing a handshake
    /// message): mark it failed and report a connection error.
    Fail,
}

/// Decides after error `e` on a message of `msg_type` queued `age` ago.
fn decide(
    e: &AgentError,
    msg_type: Option<MsgType>,
    age: Duration,
    t: &DeliveryTimeouts,
) -> Decision {
    let handshake = matches!(msg_type, Some(MsgType::ConnInfo | MsgType::ConnInfoReply));
    if is_quota(e) {
        if handshake {
            Decision::Fail
        } else if age > t.quota_exceeded_timeout {
            Decision::GiveUp
        } else {
            Decision::RetrySlow
        }
    } else if is_temporary(e) {
        if age > t.message_timeout {
            Decision::GiveUp
        } else {
            Decision::RetryFast
        }
    } else {
        Decision::Fail
    }
}

/// The next delay: half as long again, up to `max` (reference `nextRetryDelay`).
fn grow(delay: Duration, max: Duration) -> Duration {
    (delay * 3 / 2).min(max)
}

/// Waits until `at`, or until the worker is woken (new work or `A_QCONT`). True when
/// woken early.
async fn wait_until(at: Timestamp, notify: &Notify) -> bool {
    let wait = at.0.saturating_sub(Timestamp::now().0);
    if wait <= 0 {
        return false;
    }
    tokio::select! {
        () = tokio::time::sleep(Duration::from_millis(wait.unsigned_abs())) => false,
        () = notify.notified() => true,
    }
}

/// Runs until the agent stops: waits for work on `notify`, sends, records the outcome.
pub(super) async fn worker(inner: Arc<Inner>, sq_id: SndQueueId, notify: Arc<Notify>) {
    let cfg = &inner.config;
    let mut fast = cfg.retry_delay;
    let mut slow = cfg.delivery.slow_retry_delay;
    loop {
        let next = inner
            .db(move |tx| {
                let Some(d) = tx.next_deliveries(sq_id, 1)?.into_iter().next() else {
                    return Ok(None);
                };
                let sq = tx
                    .snd_queue(sq_id)?
                    .ok_or(StoreError::NotFound("send queue"))?;
                if !super::rotation::may_send(tx, &sq)? {
                    return Ok(None);
                }
                let msg_type = tx
                    .snd_message(&d.conn_id, d.internal_id)?
                    .map(|m| m.msg_type);
                Ok(Some((d, sq, msg_type)))
            })
            .await;
        let (d, sq, msg_type) = match next {
            Ok(Some(work)) => work,
            Ok(None) => {
                notify.notified().await;
                continue;
            }
            Err(e) => {
                inner.emit_error(None, e).await;
                tokio::time::sleep(fast).await;
                continue;
            }
        };
        if wait_until(d.next_attempt_at, &notify).await {
            continue;
        }
        let e = match send_one(&inner, &sq, &d).await {
            Ok(()) => {
                (fast, slow) = (cfg.retry_delay, cfg.delivery.slow_retry_delay);
                if let Err(e) = delivered(&inner, &sq, &d).await {
                    inner.emit_error(Some(d.conn_id.clone()), e).await;
                }
                wake_replacing(&inner, &sq).await;
                continue;
            }
            Err(e) => e,
        };
        let age_ms = cfg.clock.now().0.saturating_sub(d.created_at.0);
        let age = Duration::from_millis(u64::try_from(age_ms).unwrap_or(0));
        let decision = decide(&e, msg_type, age, &cfg.delivery);
        tracing::info!(conn_id = %d.conn_id, %e, ?decision, "delivery failed");
        let (status, delay) = match decision {
            Decision::RetryFast => (DeliveryStatus::Pending, fast),
            Decision::RetrySlow => (DeliveryStatus::Quota, slow),
            Decision::GiveUp => {
                give_up(&inner, &d, msg_type, e).await;
                continue;
            }
            Decision::Fail => (DeliveryStatus::Failed, Duration::ZERO),
        };
        let delay_ms = i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
        let at = Timestamp(Timestamp::now().0.saturating_add(delay_ms));
        let id = d.delivery_id;
        let recorded = inner
            .db(move |tx| Ok(tx.record_delivery_attempt(id, status, at)?))
            .await;
        if let Err(e2) = recorded {
            inner.emit_error(Some(d.conn_id.clone()), e2).await;
            tokio::time::sleep(fast).await;
        }
        match decision {
            Decision::RetryFast => fast = grow(fast, cfg.max_retry_delay),
            Decision::RetrySlow => slow = grow(slow, cfg.delivery.max_slow_retry_delay),
            _ => inner.emit_error(Some(d.conn_id.clone()), e).await,
        }
    }
}

/// Wakes the worker of a queue that replaces `sq` (queue rotation), which waits until
/// `sq` has sent everything.
async fn wake_replacing(inner: &Arc<Inner>, sq: &SndQueue) {
    let (cid, id) = (sq.conn_id.clone(), sq.snd_queue_id);
    let found = inner
        .db(move |tx| {
            Ok(tx
                .snd_queues(&cid)?
                .into_iter()
                .filter(|q| q.replaced_queue_id == Some(id))
                .map(|q| q.snd_queue_id)
                .collect::<Vec<_>>())
        })
        .await;
    for q in found.unwrap_or_default() {
        inner.wake_worker(q);
    }
}

/// Drops a delivery that failed for too long and reports it: `MsgErr` for an app
/// message, a connection error for anything else.
async fn give_up(inner: &Inner, d: &SndDelivery, msg_type: Option<MsgType>, e: AgentError) {
    let id = d.delivery_id;
    if let Err(e2) = inner.db(move |tx| Ok(tx.delete_delivery(id)?)).await {
        inner.emit_error(Some(d.conn_id.clone()), e2).await;
    }
    let conn_id = d.conn_id.clone();
    if msg_type == Some(MsgType::Msg) {
        let id = d.internal_id;
        inner
            .emit(AgentEvent::MsgErr {
                conn_id,
                id,
                err: e,
            })
            .await;
    } else {
        inner.emit_error(Some(conn_id), e).await;
    }
}

/// `ERR QUOTA`: the peer's queue is full.
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

#[cfg(test)]
mod tests {
    use super::*;
    use smp_client::ClientError;
    use smp_proto::ErrorType;

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn decisions_follow_the_reference() {
        let t = DeliveryTimeouts::default();
        let quota = AgentError::Relay(ClientError::Protocol(ErrorType::Quota));
        let auth = AgentError::Relay(ClientError::Protocol(ErrorType::Auth));
        let net = AgentError::Relay(ClientError::Timeout);
        let msg = Some(MsgType::Msg);
        assert_eq!(decide(&quota, msg, HOUR, &t), Decision::RetrySlow);
        assert_eq!(decide(&quota, msg, 6 * 24 * HOUR, &t), Decision::RetrySlow);
        assert_eq!(decide(&quota, msg, 8 * 24 * HOUR, &t), Decision::GiveUp);
        assert_eq!(
            decide(&quota, Some(MsgType::ConnInfo), HOUR, &t),
            Decision::Fail
        );
        assert_eq!(decide(&net, msg, HOUR, &t), Decision::RetryFast);
        assert_eq!(decide(&net, msg, 3 * 24 * HOUR, &t), Decision::GiveUp);
        assert_eq!(decide(&auth, msg, HOUR, &t), Decision::Fail);
    }

    #[test]
    fn delays_grow_by_half_up_to_the_maximum() {
        let d = grow(Duration::from_secs(2), Duration::from_secs(120));
        assert_eq!(d, Duration::from_secs(3));
        assert_eq!(
            grow(Duration::from_secs(100), Duration::from_secs(120)),
            Duration::from_secs(120)
        );
    }
}
