//! Queue rotation (`switch_connection`, `abort_connection_switch`; reference `Agent.hs`
//! `switchDuplexConnection`, `abortConnectionSwitch'`, `qAddMsg`, `qKeyMsg`, `qUseMsg`,
//! QTEST handling; `protocol-map.md` §5.6). Each side reports the phases as
//! [`AgentEvent::Switch`] (receiving side [`QueueDirection::Rcv`], sending side
//! [`QueueDirection::Snd`]).
//!
//! The recipient A moves its receive queue to another relay while messages flow:
//!
//! 1. A: `NEW` queue on another relay of its list (subscribed), stored as not primary,
//!    replacing the current one; sends `QADD [(new queue URI, old queue address)]`.
//!    A: `Rcv Started`. The switch can be aborted until the new queue is secured.
//! 2. B (sender): a new send queue with fresh sender and e2e keys, replacing the old one;
//!    sends `QKEY [(new queue info with B's e2e key, B's sender key)]` (still on the old
//!    queue). B: `Snd Started`, and `Snd Confirmed` once `QKEY` is sent.
//! 3. A: agrees the new queue's e2e secret (`Rcv Confirmed`), secures it with `KEY`
//!    (B's key), sends `QUSE [(new queue address, primary)]` (`Rcv Secured`).
//! 4. B: the new queue is secured and `QTEST` is queued on it (`Snd Secured`). From now
//!    on, as in the reference, every message goes to both queues (one ratchet
//!    encryption, two deliveries) until `QTEST` is sent; then the old send queue and its
//!    remaining copies are dropped and the new one is primary (`Snd Completed`). The new
//!    queue never sends a message while the old one still has an older one to send, so
//!    nothing is overtaken.
//! 5. A, on `QTEST` in the new queue: the new queue is primary, and once the relay
//!    reports the old one empty (`QUE`: every message received and acknowledged) the
//!    old one is deleted on the relay and in the store (`Rcv Completed`). A copy that
//!    came through both queues is recognised by its encrypted hash and dropped.

use std::sync::Arc;
use std::time::Duration;

use agent_proto::queue_uri::SndQAddr;
use agent_proto::versions::SMP_CLIENT_RANGE;
use agent_proto::{AMessage, QueueAddress, RelayAddr, SmpQueueInfo, SmpQueueUri};
use simplex_crypto::X25519Secret;
use simplex_crypto::keys::PublicAuthKey;
use smp_proto::command::QueueReqData;
use smp_proto::{EntityId, SmpServer};
use zeroize::Zeroizing;

use super::Inner;
use super::handshake::{StoredQueue, insert_rcv_queue, new_rcv_queue};
use super::keys::{auth_key, new_auth_key, x25519};
use super::messages::{active_conn, enqueue_on};
use crate::error::{AgentError, Result};
use crate::event::{AgentEvent, QueueDirection, SwitchPhase};
use crate::pool::{is_temporary, parse_server, server_key};
use crate::store::{
    ConnId, MsgType, NewSndQueue, QueueMode, QueueStatus, RcvQueue, RcvQueueId, RcvSwitchStatus,
    SndDelivery, SndQueue, SndQueueId, SndSwitchStatus, Tx,
};

/// The `SWITCH` event.
pub(super) fn switch_event(
    conn_id: &ConnId,
    direction: QueueDirection,
    phase: SwitchPhase,
) -> AgentEvent {
    AgentEvent::Switch {
        conn_id: conn_id.clone(),
        direction,
        phase,
    }
}

/// Fails when the ratchet is being re-synchronised (the reference's
/// `ratchetSyncSendProhibited` check of every rotation step).
fn check_sync(tx: &Tx<'_>, conn_id: &ConnId) -> Result<()> {
    if tx.ratchet_sync_state(conn_id)?.send_prohibited() {
        return Err(AgentError::Prohibited(
            "switch: the ratchet is not synchronised",
        ));
    }
    Ok(())
}

/// Work left after a rotation message was stored, done once the transaction is committed.
#[derive(Debug)]
pub(super) enum Followup {
    /// A: secure the new queue with `KEY`, then send `QUSE`.
    Secure {
        /// The new receive queue.
        rq: RcvQueueId,
        /// The sender's key from `QKEY`.
        sender_key: Box<PublicAuthKey>,
    },
    /// A: delete the old receive queue once the relay has no message left in it.
    DeleteWhenDrained(RcvQueueId),
}

/// What storing a rotation message asks for after the commit.
#[derive(Debug, Default)]
pub(super) struct After {
    /// Delivery workers to wake.
    pub wake: Vec<SndQueueId>,
    /// Relay work.
    pub followups: Vec<Followup>,
    /// Events to report.
    pub events: Vec<AgentEvent>,
    /// Stored legacy-handshake commands to run (`legacy::run_secure`).
    pub secure: Vec<crate::store::CommandId>,
}

/// The address of a receive queue as its sender names it.
fn rcv_addr(rq: &RcvQueue) -> Result<SndQAddr> {
    Ok(SndQAddr {
        server: RelayAddr::from(&parse_server(&rq.server)?),
        sender_id: EntityId::new(&rq.snd_id)?,
    })
}

/// Whether a send queue is at `addr`.
fn sq_at(sq: &SndQueue, addr: &SndQAddr) -> Result<bool> {
    let server = server_key(&SmpServer::try_from(&addr.server)?);
    Ok(sq.server == server && sq.snd_id == addr.sender_id.as_bytes())
}

/// Whether a receive queue is at `addr`.
fn rq_at(rq: &RcvQueue, addr: &QueueAddress) -> Result<bool> {
    let server = server_key(&SmpServer::try_from(&addr.server)?);
    Ok(rq.server == server && rq.snd_id == addr.sender_id.as_bytes())
}

/// See [`super::Agent::switch_connection`].
pub(super) async fn switch(inner: &Arc<Inner>, conn_id: &ConnId) -> Result<()> {
    let cid = conn_id.clone();
    let (old, used) = inner
        .db(move |tx| {
            active_conn(tx, &cid)?;
            check_sync(tx, &cid)?;
            let rqs = tx.rcv_queues(&cid)?;
            if rqs.len() != 1 {
                return Err(AgentError::Prohibited(
                    "switch: the connection is already switching",
                ));
            }
            let mut used: Vec<String> = rqs.iter().map(|q| q.server.clone()).collect();
            used.extend(tx.snd_queues(&cid)?.into_iter().map(|q| q.server));
            Ok((rqs.into_iter().next(), used))
        })
        .await?;
    let old = old.ok_or(AgentError::Prohibited("switch: no receive queue"))?;
    let used: Vec<SmpServer> = used
        .iter()
        .map(|s| parse_server(s))
        .collect::<Result<_>>()?;
    let used_refs: Vec<&SmpServer> = used.iter().collect();
    let queue = new_rcv_queue(inner, QueueReqData::Messaging(None), &used_refs).await?;
    let uri = SmpQueueUri {
        versions: SMP_CLIENT_RANGE,
        addr: queue.address(),
    };
    let stored = StoredQueue::from(&queue);
    let cid = conn_id.clone();
    let sq = inner
        .db(move |tx| {
            insert_rcv_queue(tx, &cid, &stored, Some(old.rcv_queue_id))?;
            let qadd = AMessage::QAdd(vec![(uri, Some(rcv_addr(&old)?))]);
            let (_, sq) = enqueue_on(tx, &cid, qadd, MsgType::QAdd, &[], None)?;
            tx.set_rcv_switch_status(old.rcv_queue_id, Some(RcvSwitchStatus::SendingQAdd))?;
            Ok(sq)
        })
        .await?;
    inner.wake_worker(sq);
    let ev = switch_event(conn_id, QueueDirection::Rcv, SwitchPhase::Started);
    inner.emit(ev).await;
    Ok(())
}

/// See [`super::Agent::abort_connection_switch`].
pub(super) async fn abort(inner: &Arc<Inner>, conn_id: &ConnId) -> Result<()> {
    let cid = conn_id.clone();
    let recorded = inner
        .db(move |tx| {
            let conn = active_conn(tx, &cid)?;
            check_sync(tx, &cid)?;
            let rqs = tx.rcv_queues(&cid)?;
            let mut switching = None;
            for q in &rqs {
                if let Some(st) = tx.rcv_switch_status(q.rcv_queue_id)? {
                    switching = Some((q.rcv_queue_id, st));
                }
            }
            let Some((old, st)) = switching else {
                return Err(AgentError::Prohibited("abort switch: not switching"));
            };
            // once the new queue is secured the peer may drop the old one (reference
            // `canAbortRcvSwitch`)
            if !matches!(
                st,
                RcvSwitchStatus::SwitchStarted | RcvSwitchStatus::SendingQAdd
            ) {
                return Err(AgentError::Prohibited("abort switch: too late"));
            }
            tx.set_rcv_switch_status(old, None)?;
            let new: Vec<RcvQueue> = rqs
                .into_iter()
                .filter(|q| q.replaced_queue_id == Some(old))
                .collect();
            for q in &new {
                super::delete::record_queue_deletion(tx, conn.user_id, q)?;
                tx.delete_rcv_queue(q.rcv_queue_id)?;
            }
            Ok(!new.is_empty())
        })
        .await?;
    if recorded {
        // the switch is aborted either way; a DEL that failed for now stays recorded and
        // is retried, one the relay refused for good is reported (reference: the
        // `ICDeleteRcvQueue` command's failure is an `ERR` on the connection)
        match super::delete::send_recorded(inner, conn_id).await {
            Ok(()) => {}
            Err(e) if is_temporary(&e) => {
                tracing::info!(%e, "abort switch: the new queue is not deleted on its relay yet");
            }
            Err(e) => inner.emit_error(Some(conn_id.clone()), e).await,
        }
    }
    Ok(())
}

/// Handles a rotation message received on `rq` of `conn_id` (already stored), in the
/// receive transaction.
pub(super) fn on_message(
    tx: &Tx<'_>,
    rq: &RcvQueue,
    conn_id: &ConnId,
    msg: &AMessage,
    after: &mut After,
) -> Result<()> {
    match msg {
        AMessage::QAdd(qs) => q_add(tx, conn_id, qs, after),
        AMessage::QKey(qs) => q_key(tx, conn_id, qs, after),
        AMessage::QUse(qs) => q_use(tx, conn_id, qs, after),
        AMessage::QTest(_) => q_test(tx, rq, conn_id, after),
        _ => Ok(()),
    }
}

/// B: the peer moves its queue; make a send queue for the new one and send `QKEY`.
fn q_add(
    tx: &Tx<'_>,
    conn_id: &ConnId,
    qs: &[(SmpQueueUri, Option<SndQAddr>)],
    after: &mut After,
) -> Result<()> {
    let Some((uri, Some(old_addr))) = qs.first() else {
        return Err(AgentError::Prohibited(
            "QADD: adding a queue without switching",
        ));
    };
    check_sync(tx, conn_id)?;
    let version = uri
        .versions
        .negotiate(&SMP_CLIENT_RANGE)
        .ok_or(AgentError::Version("QADD: SMP client version"))?;
    let sqs = tx.snd_queues(conn_id)?;
    let mut old = None;
    for sq in &sqs {
        if sq_at(sq, old_addr)? {
            old = Some(sq);
        }
    }
    let old = old.ok_or(AgentError::Prohibited("QADD: replaced queue not found"))?;
    // A repeated switch drops the unfinished new queue of the previous one.
    for sq in sqs
        .iter()
        .filter(|q| q.replaced_queue_id == Some(old.snd_queue_id))
    {
        tx.delete_snd_queue(sq.snd_queue_id)?;
    }
    let snd_key = new_auth_key()?;
    let own_e2e = X25519Secret::generate(&mut rand::rng());
    let secret = own_e2e.dh(&uri.addr.dh_key);
    let server = server_key(&SmpServer::try_from(&uri.addr.server)?);
    tx.insert_snd_queue(&NewSndQueue {
        conn_id,
        server: &server,
        snd_id: uri.addr.sender_id.as_bytes(),
        snd_auth_key: &Zeroizing::new(snd_key.to_pkcs8().to_vec()),
        e2e_peer_key: &uri.addr.dh_key.to_spki(),
        e2e_dh_secret: &Zeroizing::new(secret.as_bytes().to_vec()),
        queue_mode: Some(QueueMode::Messaging),
        status: QueueStatus::New,
        primary: false,
        replaced_queue_id: Some(old.snd_queue_id),
    })?;
    let info = SmpQueueInfo {
        version,
        addr: QueueAddress {
            dh_key: own_e2e.public(),
            ..uri.addr.clone()
        },
    };
    let qkey = AMessage::QKey(vec![(info, snd_key.public())]);
    let (_, sq) = enqueue_on(
        tx,
        conn_id,
        qkey,
        MsgType::QKey,
        &[],
        Some(old.snd_queue_id),
    )?;
    tx.set_snd_switch_status(old.snd_queue_id, Some(SndSwitchStatus::SendingQKey))?;
    after.wake.push(sq);
    let ev = switch_event(conn_id, QueueDirection::Snd, SwitchPhase::Started);
    after.events.push(ev);
    Ok(())
}

/// A: the sender's keys for the new queue: agree the e2e secret; securing follows.
fn q_key(
    tx: &Tx<'_>,
    conn_id: &ConnId,
    qs: &[(SmpQueueInfo, PublicAuthKey)],
    after: &mut After,
) -> Result<()> {
    let Some((info, sender_key)) = qs.first() else {
        return Err(AgentError::Prohibited("QKEY: empty"));
    };
    check_sync(tx, conn_id)?;
    let mut found = None;
    for rq in tx.rcv_queues(conn_id)? {
        if rq_at(&rq, &info.addr)? {
            found = Some(rq);
        }
    }
    let rq = found.ok_or(AgentError::Prohibited("QKEY: queue not found"))?;
    if rq.replaced_queue_id.is_none() || rq.status != QueueStatus::New {
        return Err(AgentError::Prohibited("QKEY: not a new queue of a switch"));
    }
    let secret = x25519(&rq.e2e_private_key)?.dh(&info.addr.dh_key);
    tx.set_rcv_queue_e2e_secret(rq.rcv_queue_id, secret.as_bytes())?;
    tx.set_rcv_queue_status(rq.rcv_queue_id, QueueStatus::Confirmed)?;
    after.followups.push(Followup::Secure {
        rq: rq.rcv_queue_id,
        sender_key: Box::new(sender_key.clone()),
    });
    let ev = switch_event(conn_id, QueueDirection::Rcv, SwitchPhase::Confirmed);
    after.events.push(ev);
    Ok(())
}

/// B: the new queue is secured: `QTEST` is queued on it, and until that is sent every
/// message goes to both queues.
fn q_use(tx: &Tx<'_>, conn_id: &ConnId, qs: &[(SndQAddr, bool)], after: &mut After) -> Result<()> {
    let Some((addr, _)) = qs.first() else {
        return Err(AgentError::Prohibited("QUSE: empty"));
    };
    check_sync(tx, conn_id)?;
    let mut new = None;
    for sq in tx.snd_queues(conn_id)? {
        if sq_at(&sq, addr)? && sq.replaced_queue_id.is_some() {
            new = Some(sq);
        }
    }
    let new = new.ok_or(AgentError::Prohibited("QUSE: queue not found"))?;
    let old = new
        .replaced_queue_id
        .ok_or(AgentError::Prohibited("QUSE: not a new queue"))?;
    if tx.snd_switch_status(old)? != Some(SndSwitchStatus::SendingQKey) {
        return Err(AgentError::Prohibited(
            "QUSE: the switch is not at this step",
        ));
    }
    tx.set_snd_queue_status(new.snd_queue_id, QueueStatus::Secured)?;
    let qtest = AMessage::QTest(vec![addr.clone()]);
    let (_, sq) = enqueue_on(
        tx,
        conn_id,
        qtest,
        MsgType::QTest,
        &[],
        Some(new.snd_queue_id),
    )?;
    tx.set_snd_switch_status(old, Some(SndSwitchStatus::SendingQTest))?;
    after.wake.push(sq);
    after.wake.push(old);
    let ev = switch_event(conn_id, QueueDirection::Snd, SwitchPhase::Secured);
    after.events.push(ev);
    Ok(())
}

/// A: the first message in the new queue: it is now the primary one; the old one goes
/// once drained.
fn q_test(tx: &Tx<'_>, rq: &RcvQueue, conn_id: &ConnId, after: &mut After) -> Result<()> {
    let Some(old) = rq.replaced_queue_id else {
        return Err(AgentError::Prohibited("QTEST: not in a new queue"));
    };
    tx.set_rcv_queue_status(rq.rcv_queue_id, QueueStatus::Active)?;
    tx.set_primary_rcv_queue(rq.rcv_queue_id)?;
    tx.set_rcv_switch_status(old, Some(RcvSwitchStatus::ReceivedMessage))?;
    tracing::debug!(%conn_id, "switch: first message in the new queue");
    after.followups.push(Followup::DeleteWhenDrained(old));
    Ok(())
}

/// The send queues a message goes to: `on`, or the primary queue and, during a switch
/// once the new queue is secured, the new one too (first the primary).
pub(super) fn send_targets(sqs: &[SndQueue], on: Option<SndQueueId>) -> Vec<&SndQueue> {
    if let Some(id) = on {
        return sqs.iter().filter(|q| q.snd_queue_id == id).collect();
    }
    let Some(primary) = sqs
        .iter()
        .find(|q| q.primary && q.status != QueueStatus::Disabled)
    else {
        return Vec::new();
    };
    let secured = |q: &&SndQueue| {
        q.replaced_queue_id == Some(primary.snd_queue_id)
            && matches!(q.status, QueueStatus::Secured | QueueStatus::Active)
    };
    let mut out = vec![primary];
    out.extend(sqs.iter().filter(secured));
    out
}

/// Sender side, in the delivery worker: whether `d` may go to `sq` now. A new queue of a
/// switch sends nothing before it is secured. Then the two queues keep the order of the
/// connection's messages between them: neither sends a message while the other still
/// has an older one to send (the old queue its messages from before `QUSE`, the new one
/// `QTEST`), so that the recipient, reading both, gets them in order. When the new
/// queue's older message has failed an attempt the old queue sends its copies anyway:
/// that is what sending to both is for.
pub(super) fn may_send(tx: &Tx<'_>, sq: &SndQueue, d: &SndDelivery) -> Result<bool> {
    let (partners, strict) = match sq.replaced_queue_id {
        Some(_) if sq.status == QueueStatus::New => return Ok(false),
        Some(old) => (vec![old], true),
        None => (replacing(tx, sq)?, false),
    };
    for p in partners {
        if let Some(h) = tx.next_deliveries(p, 1)?.first()
            && h.internal_id < d.internal_id
            && (strict || h.attempts == 0)
        {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The other queue of a switch that `sq` is in: the queue it replaces, or the ones that
/// replace it while it sends copies (to wake them when `sq` made progress).
pub(super) fn partners(tx: &Tx<'_>, sq: &SndQueue) -> Result<Vec<SndQueueId>> {
    match sq.replaced_queue_id {
        Some(old) => Ok(vec![old]),
        None => replacing(tx, sq),
    }
}

/// The new queues of a switch that wait for `sq` (the old one) while it sends copies.
pub(super) fn replacing(tx: &Tx<'_>, sq: &SndQueue) -> Result<Vec<SndQueueId>> {
    if tx.snd_switch_status(sq.snd_queue_id)? != Some(SndSwitchStatus::SendingQTest) {
        return Ok(Vec::new());
    }
    Ok(tx
        .snd_queues(&sq.conn_id)?
        .into_iter()
        .filter(|q| q.replaced_queue_id == Some(sq.snd_queue_id))
        .map(|q| q.snd_queue_id)
        .collect())
}

/// B, `QTEST` sent on the new queue `sq`: it becomes the primary queue and the old one
/// is dropped with its remaining copies.
pub(super) fn qtest_sent(tx: &Tx<'_>, sq: &SndQueue) -> Result<AgentEvent> {
    if let Some(old) = sq.replaced_queue_id
        && tx.snd_queue(old)?.is_some()
    {
        tx.delete_snd_queue(old)?;
    }
    tx.set_snd_queue_status(sq.snd_queue_id, QueueStatus::Active)?;
    tx.set_primary_snd_queue(sq.snd_queue_id)?;
    Ok(switch_event(
        &sq.conn_id,
        QueueDirection::Snd,
        SwitchPhase::Completed,
    ))
}

/// Runs a followup after the commit; failures are reported.
pub(super) async fn run(inner: Arc<Inner>, f: Followup) {
    let conn_err = |e| async { inner.emit_error(None, e).await };
    let r = match f {
        Followup::Secure { rq, sender_key } => secure(&inner, rq, &sender_key).await,
        Followup::DeleteWhenDrained(rq) => delete_when_drained(&inner, rq).await,
    };
    if let Err(e) = r {
        conn_err(e).await;
    }
}

/// At open: old receive queues of finished switches (replaced by a primary queue) that
/// were not deleted before the agent stopped are deleted once drained.
pub(super) async fn resume(inner: &Arc<Inner>) {
    let found = inner
        .db(|tx| {
            let mut old = Vec::new();
            for q in tx.rcv_queues_to_subscribe()? {
                if let (true, Some(replaced)) = (q.primary, q.replaced_queue_id) {
                    old.push(replaced);
                }
            }
            Ok(old)
        })
        .await;
    match found {
        Ok(old) => {
            for rq in old {
                inner.spawn(run(inner.clone(), Followup::DeleteWhenDrained(rq)));
            }
        }
        Err(e) => inner.emit_error(None, e).await,
    }
}

/// A: `KEY` on the new queue, then `QUSE`.
async fn secure(inner: &Arc<Inner>, rq_id: RcvQueueId, sender_key: &PublicAuthKey) -> Result<()> {
    let Some(rq) = inner.db(move |tx| Ok(tx.rcv_queue(rq_id)?)).await? else {
        // the switch was aborted
        return Ok(());
    };
    super::legacy::secure_own_queue(inner, &rq, sender_key).await?;
    let conn_id = rq.conn_id.clone();
    let sq = inner
        .db(move |tx| {
            if tx.rcv_queue(rq_id)?.is_none() {
                return Ok(None);
            }
            tx.set_rcv_queue_status(rq_id, QueueStatus::Secured)?;
            let quse = AMessage::QUse(vec![(rcv_addr(&rq)?, true)]);
            let (_, sq) = enqueue_on(tx, &rq.conn_id, quse, MsgType::QUse, &[], None)?;
            if let Some(old) = rq.replaced_queue_id {
                tx.set_rcv_switch_status(old, Some(RcvSwitchStatus::SendingQUse))?;
            }
            Ok(Some(sq))
        })
        .await?;
    if let Some(sq) = sq {
        inner.wake_worker(sq);
        let ev = switch_event(&conn_id, QueueDirection::Rcv, SwitchPhase::Secured);
        inner.emit(ev).await;
    }
    Ok(())
}

/// A: disables the old queue, waits until the relay has no message left in it (`QUE`
/// size 0: each one was received, stored and acknowledged), then deletes it.
async fn delete_when_drained(inner: &Arc<Inner>, rq_id: RcvQueueId) -> Result<()> {
    let Some(rq) = inner.db(move |tx| Ok(tx.rcv_queue(rq_id)?)).await? else {
        return Ok(());
    };
    let client = inner.pool.client(&parse_server(&rq.server)?).await?;
    let key = auth_key(&rq.rcv_auth_key)?;
    let rcv_id = EntityId::new(&rq.rcv_id)?;
    let mut delay = inner.config.retry_delay.min(Duration::from_millis(500));
    loop {
        let info = client.queue_info(&rcv_id, &key).await?;
        if queue_size(&info) == Some(0) {
            break;
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(inner.config.max_retry_delay);
    }
    client.delete(&rcv_id, &key).await?;
    inner.db(move |tx| Ok(tx.delete_rcv_queue(rq_id)?)).await?;
    let ev = switch_event(&rq.conn_id, QueueDirection::Rcv, SwitchPhase::Completed);
    inner.emit(ev).await;
    Ok(())
}

/// `qiSize` of the relay's `INFO` JSON.
fn queue_size(json: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(json).ok()?;
    let rest = &text[text.find("\"qiSize\":")? + 9..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_size_from_info_json() {
        assert_eq!(
            queue_size(br#"{"qiSnd":true,"qiNtf":false,"qiSize":0}"#),
            Some(0)
        );
        assert_eq!(queue_size(br#"{"qiSize": 12,"qiMsg":{}}"#), Some(12));
        assert_eq!(queue_size(br#"{"qiSnd":true}"#), None);
        assert_eq!(queue_size(b"\xff"), None);
    }
}
