//! The delivery worker of one send queue: sends the stored bodies in order, retrying
//! network failures with the same bytes after a growing delay, holding messages refused
//! with `ERR QUOTA` until the peer's `A_QCONT` (or a slow retry), and giving up on
//! messages that fail for too long (2 days of network errors, 7 days of quota).

use std::sync::Arc;
use std::time::Duration;

use simplex_crypto::keys::PrivateAuthKey;
use smp_client::{ClientCommand, ClientError};
use smp_proto::command::{Command, MsgFlags};
use smp_proto::{BrokerMsg, EntityId};
use tokio::sync::Notify;

use super::Inner;
use super::keys::auth_key;
use super::routing::SenderCmd;
use crate::config::DeliveryTimeouts;
use crate::error::{AgentError, Result};
use crate::event::{AgentEvent, QueueDirection, SwitchPhase};
use crate::pool::{is_temporary, parse_server};
use crate::store::{
    ConnId, ConnStatus, DeliveryStatus, InternalId, MsgType, QueueMode, QueueStatus, SndDelivery,
    SndQueue, SndQueueId, StoreError, Timestamp, Tx,
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
    /// message): drop the delivery and its message at once and report it, as
    /// [`Decision::GiveUp`] (reference `notifyDel`).
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

/// Deliveries sent together on a direct connection without waiting for each `OK` (they
/// go out in order on one connection, so the relay stores them in order).
const WINDOW: u32 = 16;

/// A delivery taken from the store with its message's type.
type Item = (SndDelivery, Option<MsgType>);

/// The next deliveries of a queue (up to [`WINDOW`], in order), when it may send.
struct Work {
    sq: SndQueue,
    items: Vec<Item>,
    /// The other queue of a switch `sq` is in (see `rotation::may_send`).
    partners: Vec<SndQueueId>,
}

/// Reads the next deliveries of `sq_id` when the queue may send (queue rotation).
fn fetch(tx: &Tx<'_>, sq_id: SndQueueId) -> Result<Option<Work>> {
    let ds = tx.next_deliveries(sq_id, WINDOW)?;
    if ds.is_empty() {
        return Ok(None);
    }
    let sq = tx
        .snd_queue(sq_id)?
        .ok_or(StoreError::NotFound("send queue"))?;
    let head = ds.first().ok_or(StoreError::NotFound("delivery"))?;
    if !super::rotation::may_send(tx, &sq, head)? {
        return Ok(None);
    }
    let partners = super::rotation::partners(tx, &sq)?;
    // during a switch the order between the two queues is kept one message at a time
    let window = if partners.is_empty() { ds.len() } else { 1 };
    let mut items = Vec::with_capacity(window);
    for d in ds.into_iter().take(window) {
        let msg_type = tx.snd_message_type(&d.conn_id, d.internal_id)?;
        items.push((d, msg_type));
    }
    Ok(Some(Work {
        sq,
        items,
        partners,
    }))
}

/// Runs until the agent stops: waits for work on `notify`, sends, records the outcome.
pub(super) async fn worker(inner: Arc<Inner>, sq_id: SndQueueId, notify: Arc<Notify>) {
    let cfg = &inner.config;
    let mut fast = cfg.retry_delay;
    let mut slow = cfg.delivery.slow_retry_delay;
    // the next work, read in the transaction that recorded the last deliveries
    let mut prefetched: Option<Work> = None;
    loop {
        let next = match prefetched.take() {
            Some(w) => Ok(Some(w)),
            None => inner.db(move |tx| fetch(tx, sq_id)).await,
        };
        let Work {
            sq,
            mut items,
            partners,
        } = match next {
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
        let Some((head, _)) = items.first() else {
            continue;
        };
        if wait_until(head.next_attempt_at, &notify).await {
            continue;
        }
        // the other queue of a switch may wait for this one
        partners.iter().for_each(|q| inner.wake_worker(*q));
        let n = sendable(&inner, &sq, &items);
        items.truncate(n);
        let results = send_items(&inner, &sq, &mut items).await;
        let failed = results.iter().position(Result::is_err);
        let sent: Vec<&SndDelivery> = items
            .iter()
            .zip(&results)
            .filter(|(_, r)| r.is_ok())
            .map(|(i, _)| &i.0)
            .collect();
        if !sent.is_empty() {
            match delivered(&inner, &sq, &sent, failed.is_none()).await {
                Ok(w) => prefetched = w,
                Err(e) => {
                    inner
                        .emit_error(sent.first().map(|d| d.conn_id.clone()), e)
                        .await
                }
            }
        }
        let Some((i, e)) = failed.zip(results.into_iter().find_map(Result::err)) else {
            (fast, slow) = (cfg.retry_delay, cfg.delivery.slow_retry_delay);
            continue;
        };
        let Some((d, msg_type)) = items.into_iter().nth(i) else {
            continue;
        };
        let age_ms = cfg.clock.now().0.saturating_sub(d.created_at.0);
        let age = Duration::from_millis(u64::try_from(age_ms).unwrap_or(0));
        let decision = decide(&e, msg_type, age, &cfg.delivery);
        tracing::info!(conn_id = %d.conn_id, %e, ?decision, "delivery failed");
        let (status, delay) = match decision {
            Decision::RetryFast => (DeliveryStatus::Pending, fast),
            Decision::RetrySlow => (DeliveryStatus::Quota, slow),
            Decision::GiveUp | Decision::Fail => {
                give_up(&inner, &d, msg_type, e).await;
                continue;
            }
        };
        let delay_ms = i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
        let at = Timestamp(Timestamp::now().0.saturating_add(delay_ms));
        let id = d.delivery_id;
        let recorded = inner
            .db(move |tx| Ok(tx.record_delivery_attempt(id, status, at)?))
            .await;
        match recorded {
            Ok(()) => {}
            // the queue was dropped by a switch meanwhile (its copies with it)
            Err(AgentError::Store(StoreError::NotFound(_))) => continue,
            Err(e2) => {
                inner.emit_error(Some(d.conn_id.clone()), e2).await;
                tokio::time::sleep(fast).await;
            }
        }
        partners.iter().for_each(|q| inner.wake_worker(*q));
        match decision {
            Decision::RetryFast => fast = grow(fast, cfg.max_retry_delay),
            Decision::RetrySlow => slow = grow(slow, cfg.delivery.max_slow_retry_delay),
            Decision::GiveUp | Decision::Fail => {}
        }
    }
}

/// How many of `items` to send now: the head alone when it is being retried or goes
/// through a proxy; otherwise it and the following pending ones that are due.
fn sendable(inner: &Inner, sq: &SndQueue, items: &[Item]) -> usize {
    let direct = parse_server(&sq.server).is_ok_and(|s| !inner.should_use_proxy(&s));
    let Some(((head, _), rest)) = items.split_first() else {
        return 0;
    };
    if !direct || head.status != DeliveryStatus::Pending || head.attempts > 0 {
        return 1;
    }
    let now = Timestamp::now();
    1 + rest
        .iter()
        .take_while(|(d, _)| {
            d.status == DeliveryStatus::Pending && d.attempts == 0 && d.next_attempt_at <= now
        })
        .count()
}

/// Drops a delivery that failed for too long or for good, with its message when no
/// other delivery of it is left, and reports it: `MsgErr` for an app message, a
/// connection error for anything else (reference `notifyDel`).
async fn give_up(inner: &Inner, d: &SndDelivery, msg_type: Option<MsgType>, e: AgentError) {
    let (id, conn_id, internal_id) = (d.delivery_id, d.conn_id.clone(), d.internal_id);
    let dropped = inner
        .db(move |tx| {
            tx.delete_delivery(id)?;
            // no receipt can come for it: the message goes too (reference `notifyDel`)
            Ok(tx.delete_delivered_snd_message(&conn_id, internal_id)?)
        })
        .await;
    if let Err(e2) = dropped {
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

/// `SEND`s the bodies of `items` (taken out of them), authorized with the queue's sender
/// key: one directly or through a proxy relay, several together on the direct
/// connection. The results are in order; a missing result means not sent.
async fn send_items(inner: &Inner, sq: &SndQueue, items: &mut [Item]) -> Vec<Result<()>> {
    let prepared = (|| -> Result<_> {
        let key = match sq.queue_mode {
            Some(QueueMode::Contact) => None,
            _ => Some(auth_key(&sq.snd_auth_key)?),
        };
        Ok((parse_server(&sq.server)?, EntityId::new(&sq.snd_id)?, key))
    })();
    let (server, snd_id, key) = match prepared {
        Ok(p) => p,
        Err(e) => return vec![Err(e)],
    };
    let flags = MsgFlags { notification: true };
    if let [(d, msg_type)] = items {
        let cmd = SenderCmd::Send(flags, &d.body);
        let key = item_key(sq, *msg_type, key.as_ref());
        let r = inner.sender_command(&server, &snd_id, key, cmd).await;
        return vec![r.map(|_| ())];
    }
    let client = match inner.pool.client(&server).await {
        Ok(c) => c,
        Err(e) => return vec![Err(e)],
    };
    let cmds = items
        .iter_mut()
        .map(|(d, msg_type)| ClientCommand {
            corr_id: None,
            entity: snd_id.clone(),
            key: item_key(sq, *msg_type, key.as_ref()),
            command: Command::Send(flags, std::mem::take(&mut d.body)),
        })
        .collect();
    let version = client.version();
    client
        .send_commands(cmds)
        .await
        .into_iter()
        .map(|r| match r {
            Ok(BrokerMsg::Ok) => Ok(()),
            Ok(other) => Err(AgentError::Relay(ClientError::UnexpectedResponse(
                other.tag(version).to_owned(),
            ))),
            Err(e) => Err(AgentError::Relay(e)),
        })
        .collect()
}

/// Removes delivered bodies and applies what each delivery means (the initiator's
/// confirmation completes the connection, `CON`; an app message is reported `Sent`), in
/// one transaction that also reads the queue's next work when `fetch_next`. Workers of
/// queues replacing `sq` (queue rotation) are woken.
async fn delivered(
    inner: &Arc<Inner>,
    sq: &SndQueue,
    sent: &[&SndDelivery],
    fetch_next: bool,
) -> Result<Option<Work>> {
    let ids: Vec<_> = sent
        .iter()
        .map(|d| (d.delivery_id, d.conn_id.clone(), d.internal_id))
        .collect();
    let sq_id = sq.snd_queue_id;
    let (events, replacing, next) = inner
        .db(move |tx| {
            let mut events = Vec::new();
            for (id, conn_id, internal_id) in ids {
                match tx.delete_delivery(id) {
                    Ok(()) => {}
                    // deleted meanwhile (e.g. with its connection): nothing to report
                    Err(StoreError::NotFound(_)) => continue,
                    Err(e) => return Err(e.into()),
                }
                events.extend(apply_delivered(tx, sq_id, conn_id, internal_id)?);
            }
            let replacing = match tx.snd_queue(sq_id)? {
                Some(q) => super::rotation::partners(tx, &q)?,
                None => Vec::new(),
            };
            let next = if fetch_next { fetch(tx, sq_id)? } else { None };
            Ok((events, replacing, next))
        })
        .await?;
    for ev in events {
        inner.emit(ev).await;
    }
    for q in replacing {
        inner.wake_worker(q);
    }
    Ok(next)
}

/// What the delivery of one message means (see [`delivered`]).
fn apply_delivered(
    tx: &Tx<'_>,
    sq_id: SndQueueId,
    conn_id: ConnId,
    internal_id: InternalId,
) -> Result<Option<AgentEvent>> {
    let msg_type = tx.snd_message_type(&conn_id, internal_id)?;
    // a message sent to both queues of a switch is sent once both copies are (or the old
    // queue was dropped); then its body is not needed any more: an app message keeps
    // its row (ids and hash) for the receipt, anything else goes (reference
    // `deleteSndMsgDelivery`)
    let all_sent = tx.remaining_deliveries(&conn_id, internal_id)? == 0;
    if all_sent && msg_type == Some(MsgType::Msg) {
        tx.snd_app_message_sent(&conn_id, internal_id)?;
    } else if all_sent && msg_type.is_some() {
        tx.delete_delivered_snd_message(&conn_id, internal_id)?;
    }
    Ok(match msg_type {
        Some(MsgType::Msg) => all_sent.then_some(AgentEvent::Sent {
            conn_id,
            id: internal_id,
        }),
        Some(MsgType::QKey) => Some(super::rotation::switch_event(
            &conn_id,
            QueueDirection::Snd,
            SwitchPhase::Confirmed,
        )),
        Some(MsgType::QTest) => {
            let sq = tx
                .snd_queue(sq_id)?
                .ok_or(StoreError::NotFound("send queue"))?;
            Some(super::rotation::qtest_sent(tx, &sq)?)
        }
        // not secured by us (legacy handshake): `CON` after the `HELLO`s
        Some(MsgType::ConnInfo) if !sender_secured(tx, sq_id)? => {
            tx.set_snd_queue_status(sq_id, QueueStatus::Confirmed)?;
            None
        }
        Some(MsgType::Hello) => super::legacy::hello_delivered(tx, sq_id, conn_id)?,
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
}

/// Whether `sq_id` is a messaging queue, secured by us with `SKEY`.
fn sender_secured(tx: &Tx<'_>, sq_id: SndQueueId) -> Result<bool> {
    let sq = tx
        .snd_queue(sq_id)?
        .ok_or(StoreError::NotFound("send queue"))?;
    Ok(sq.queue_mode == Some(QueueMode::Messaging))
}

/// The key a message of `msg_type` to `sq` is sent with: none to a contact address, and
/// none for the confirmation to a queue we do not secure ourselves (its recipient secures
/// it with the key the confirmation carries); the sender key otherwise.
fn item_key<'k>(
    sq: &SndQueue,
    msg_type: Option<MsgType>,
    key: Option<&'k PrivateAuthKey>,
) -> Option<&'k PrivateAuthKey> {
    let confirmation = matches!(msg_type, Some(MsgType::ConnInfo | MsgType::ConnInfoReply));
    match sq.queue_mode {
        Some(QueueMode::Contact) => None,
        None if confirmation => None,
        _ => key,
    }
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
