//! Connection deletion (the reference's `deleteConnections'`, `deleteConnectionsAsync'`
//! and `deleteConnQueues`).
//!
//! In one store transaction a deleted connection's receive queues become `DEL` commands
//! in the `commands` table (relay, recipient id and key; no connection reference, so they
//! outlive the connection) and the connection is removed with everything under it:
//! queues, ratchet, messages, pending deliveries. When the caller wants queued messages
//! delivered first (`wait_delivery`), the receive queues go the same way but the
//! connection stays, marked [`ConnStatus::Deleted`], until its deliveries are done (or
//! given up, or [`crate::config::DeliveryTimeouts::message_timeout`] passed).
//!
//! The `DEL` commands are then sent, batched per relay. `OK`, and `ERR AUTH` (no such
//! queue: already deleted), complete a command. A network failure keeps it for a retry
//! in the background with growing delays, also after a restart; a command still failing
//! `message_timeout` after it was stored is given up, as is one the relay refuses with
//! another error (the reference gives up after `deleteErrorCount` failed rounds and
//! reports `DEL_RCVQS` with the error). Deleting a queue on the relay also deletes its
//! short-link data (the relay keeps link data in the queue record), so no `LDEL` is
//! needed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use smp_client::{ClientCommand, ClientError};
use smp_proto::{BrokerMsg, Command, EntityId, ErrorType};

use super::keys::auth_key;
use super::{Agent, Inner};
use crate::error::{AgentError, Result};
use crate::event::AgentEvent;
use crate::pool::{is_temporary, parse_server};
use crate::store::{
    CommandId, ConnId, ConnStatus, NewCommand, RcvQueue, SecretBytes, Timestamp, Tx, UserId,
};

/// The `commands.kind` of a pending queue deletion.
const DEL_KIND: &str = "del_rcvq";

/// The deletion machinery's shared state.
#[derive(Debug, Default)]
pub(super) struct Deletions {
    /// One deletion run at a time (the reference's `deleteLock`).
    lock: tokio::sync::Mutex<()>,
    /// Whether the retry task is running.
    retrying: AtomicBool,
    /// Whether the task finishing connections that wait for delivery is running.
    waiting: AtomicBool,
}

/// One queue to delete on its relay.
struct PendingDel {
    command_id: CommandId,
    conn_id: ConnId,
    server: String,
    rcv_id: Vec<u8>,
    key: SecretBytes,
    created_at: Timestamp,
}

/// `conn_id`, `rcv_id` (each with a one-byte length) and the recipient key (the rest).
fn encode_payload(conn_id: &ConnId, rcv_id: &[u8], key: &[u8]) -> Result<SecretBytes> {
    let conn = conn_id.as_str().as_bytes();
    let too_long = |_| AgentError::Prohibited("id too long for a deletion record");
    let mut out = Vec::with_capacity(2 + conn.len() + rcv_id.len() + key.len());
    out.push(u8::try_from(conn.len()).map_err(too_long)?);
    out.extend_from_slice(conn);
    out.push(u8::try_from(rcv_id.len()).map_err(too_long)?);
    out.extend_from_slice(rcv_id);
    out.extend_from_slice(key);
    Ok(SecretBytes::new(out))
}

/// Splits a length-prefixed part off `bytes`.
fn take_short(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let (&len, rest) = bytes.split_first()?;
    let len = usize::from(len);
    (rest.len() >= len).then(|| rest.split_at(len))
}

/// The inverse of [`encode_payload`].
fn decode_payload(payload: &[u8]) -> Option<(ConnId, Vec<u8>, SecretBytes)> {
    let (conn, rest) = take_short(payload)?;
    let (rcv_id, key) = take_short(rest)?;
    let conn = std::str::from_utf8(conn).ok()?;
    if key.is_empty() {
        return None;
    }
    Some((
        ConnId::from(conn),
        rcv_id.to_vec(),
        SecretBytes::from_slice(key),
    ))
}

/// Records the `DEL` of the receive queue `q` (in the transaction that removes it or its
/// connection), to be sent and retried by [`send_recorded`] or the retry task.
pub(super) fn record_queue_deletion(tx: &Tx<'_>, user_id: UserId, q: &RcvQueue) -> Result<()> {
    let payload = encode_payload(&q.conn_id, &q.rcv_id, q.rcv_auth_key.as_bytes())?;
    tx.insert_command(&NewCommand {
        user_id,
        conn_id: None,
        server: Some(&q.server),
        kind: DEL_KIND,
        payload: payload.as_bytes(),
    })?;
    Ok(())
}

/// Sends the recorded `DEL`s of the live connection `conn_id` (queues it no longer
/// uses, e.g. the new queue of an aborted switch); one that may pass later is left to
/// the retry task (the reference's `ICDeleteRcvQueue` command).
pub(super) async fn send_recorded(inner: &Arc<Inner>, conn_id: &ConnId) -> Result<()> {
    let only = HashSet::from([conn_id.clone()]);
    let (mut results, retry) = run(inner, Some(only), false).await?;
    if retry {
        ensure_retry(inner, inner.config.retry_delay);
    }
    results.remove(conn_id).unwrap_or(Ok(()))
}

/// In one transaction: turns the receive queues of the found connections into `DEL`
/// commands and removes the connections (or, with `wait_delivery`, marks those with
/// messages still to deliver deleted). Returns the connections not found and those
/// removed already (they had no queue to delete).
fn mark_deleted(
    tx: &Tx<'_>,
    conn_ids: &[ConnId],
    wait_delivery: bool,
) -> Result<(Vec<ConnId>, Vec<ConnId>)> {
    let (mut missing, mut done) = (Vec::new(), Vec::new());
    for conn_id in conn_ids {
        let Some(conn) = tx.conn(conn_id)? else {
            missing.push(conn_id.clone());
            continue;
        };
        let queues = tx.rcv_queues(conn_id)?;
        for q in &queues {
            record_queue_deletion(tx, conn.user_id, q)?;
        }
        if wait_delivery && tx.has_undelivered(conn_id)? {
            for q in &queues {
                tx.delete_rcv_queue(q.rcv_queue_id)?;
            }
            if conn.status != ConnStatus::Deleted {
                tx.set_conn_status(conn_id, ConnStatus::Deleted)?;
            }
        } else {
            tx.delete_conn(conn_id)?;
            if queues.is_empty() {
                done.push(conn_id.clone());
            }
        }
    }
    Ok((missing, done))
}

/// The pending queue deletions (of `only` these connections, when given).
fn pending(tx: &Tx<'_>, only: Option<&HashSet<ConnId>>) -> Result<Vec<PendingDel>> {
    let mut out = Vec::new();
    for c in tx.commands_of_kind(DEL_KIND)? {
        let (Some(server), Some((conn_id, rcv_id, key))) =
            (c.server, decode_payload(c.payload.as_bytes()))
        else {
            // not one we can send: drop it rather than fail every run
            tracing::warn!(command_id = ?c.command_id, "unreadable queue deletion dropped");
            tx.delete_command(c.command_id)?;
            continue;
        };
        if only.is_none_or(|set| set.contains(&conn_id)) {
            out.push(PendingDel {
                command_id: c.command_id,
                conn_id,
                server,
                rcv_id,
                key,
                created_at: c.created_at,
            });
        }
    }
    Ok(out)
}

/// What became of one queue's `DEL`.
enum Outcome {
    /// Deleted (or already gone).
    Deleted,
    /// Given up: the queue may remain on the relay.
    GaveUp(AgentError),
    /// Kept for a retry.
    Retry(AgentError),
}

/// Sends the `DEL`s of one relay in one batch; outcomes in the same order.
async fn delete_on_relay(inner: &Inner, server: &str, queues: &[PendingDel]) -> Vec<Result<()>> {
    let client = match parse_server(server) {
        Ok(srv) => inner.pool.client(&srv).await,
        Err(e) => Err(e),
    };
    let client = match client {
        Ok(c) => c,
        Err(e) => {
            let text = e.to_string();
            let mut out = vec![Err(e)];
            out.extend(
                queues
                    .iter()
                    .skip(1)
                    .map(|_| Err(AgentError::Relay(ClientError::Disconnected(text.clone())))),
            );
            return out;
        }
    };
    let mut prepared = Vec::with_capacity(queues.len());
    for q in queues {
        prepared.push(
            EntityId::new(&q.rcv_id)
                .map_err(AgentError::from)
                .and_then(|id| Ok((id, auth_key(&q.key)?))),
        );
    }
    let cmds: Vec<ClientCommand<'_>> = prepared
        .iter()
        .filter_map(|p| p.as_ref().ok())
        .map(|(id, key)| ClientCommand {
            corr_id: None,
            entity: id.clone(),
            key: Some(key),
            command: Command::Del,
        })
        .collect();
    let mut answers = client.send_commands(cmds).await.into_iter();
    let mut out = Vec::with_capacity(queues.len());
    for p in prepared {
        out.push(match p {
            Err(e) => Err(e),
            Ok(_) => match answers.next() {
                Some(Ok(BrokerMsg::Ok)) => Ok(()),
                Some(Ok(r)) => Err(AgentError::Relay(ClientError::UnexpectedResponse(
                    r.tag(client.version()).to_owned(),
                ))),
                Some(Err(e)) => Err(e.into()),
                None => Err(AgentError::Closed("no response to DEL".into())),
            },
        });
    }
    out
}

/// Classifies the result of a `DEL` sent for a command stored at `created_at`.
fn outcome(inner: &Inner, r: Result<()>, created_at: Timestamp) -> Outcome {
    match r {
        Ok(()) | Err(AgentError::Relay(ClientError::Protocol(ErrorType::Auth))) => Outcome::Deleted,
        Err(e) if is_temporary(&e) => {
            let age = inner.config.clock.now().0.saturating_sub(created_at.0);
            let limit = i64::try_from(inner.config.delivery.message_timeout.as_millis())
                .unwrap_or(i64::MAX);
            if age > limit {
                Outcome::GaveUp(e)
            } else {
                Outcome::Retry(e)
            }
        }
        Err(e) => Outcome::GaveUp(e),
    }
}

/// One deletion run: sends the pending `DEL`s (of `only` these connections), removes the
/// completed commands and, with `notify`, reports [`AgentEvent::RcvQueueDeleted`] and
/// [`AgentEvent::ConnDeleted`]. Returns each connection's result (its first failure)
/// and whether some deletion is left for a retry.
async fn run(
    inner: &Arc<Inner>,
    only: Option<HashSet<ConnId>>,
    notify: bool,
) -> Result<(HashMap<ConnId, Result<()>>, bool)> {
    let _lock = inner.deletions.lock.lock().await;
    let queues = inner.db(move |tx| pending(tx, only.as_ref())).await?;
    let mut by_server: BTreeMap<String, Vec<PendingDel>> = BTreeMap::new();
    for q in queues {
        by_server.entry(q.server.clone()).or_default().push(q);
    }
    let mut results: HashMap<ConnId, Result<()>> = HashMap::new();
    let mut finished = Vec::new();
    let mut events = Vec::new();
    let mut retry = false;
    for (server, queues) in &by_server {
        let answers = delete_on_relay(inner, server, queues).await;
        for (q, r) in queues.iter().zip(answers) {
            let (done, err) = match outcome(inner, r, q.created_at) {
                Outcome::Deleted => (true, None),
                Outcome::GaveUp(e) => (true, Some(e)),
                Outcome::Retry(e) => {
                    retry = true;
                    (false, Some(e))
                }
            };
            if done {
                finished.push(q.command_id);
            }
            let entry = results.entry(q.conn_id.clone()).or_insert(Ok(()));
            // with `notify` the errors go to the events, else to the caller
            match err {
                Some(e) if notify && done => events.push((q, Some(e))),
                Some(e) if entry.is_ok() && !notify => *entry = Err(e),
                Some(_) => {}
                None if notify => events.push((q, None)),
                None => {}
            }
        }
    }
    let conns: Vec<ConnId> = results.keys().cloned().collect();
    let completed = inner
        .db(move |tx| {
            for id in finished {
                tx.delete_command(id)?;
            }
            let left: HashSet<ConnId> = pending(tx, None)?.into_iter().map(|p| p.conn_id).collect();
            let mut completed = Vec::new();
            for c in conns {
                if !left.contains(&c) && tx.conn(&c)?.is_none() {
                    completed.push(c);
                }
            }
            Ok(completed)
        })
        .await?;
    if notify {
        for (q, err) in events {
            inner
                .emit(AgentEvent::RcvQueueDeleted {
                    conn_id: q.conn_id.clone(),
                    server: q.server.clone(),
                    rcv_id: q.rcv_id.clone(),
                    err,
                })
                .await;
        }
        for conn_id in completed {
            inner.emit(AgentEvent::ConnDeleted { conn_id }).await;
        }
    }
    Ok((results, retry))
}

/// Starts the retry task unless it runs: it retries the pending deletions with growing
/// delays (from [`crate::AgentConfig::retry_delay`] up to `max_retry_delay`) until none
/// is left. `first` is the delay before the first round.
fn ensure_retry(inner: &Arc<Inner>, first: Duration) {
    if inner.deletions.retrying.swap(true, Ordering::SeqCst) {
        return;
    }
    let task = inner.clone();
    inner.spawn(async move {
        let cfg = &task.config;
        let mut delay = first;
        loop {
            tokio::time::sleep(delay).await;
            delay = (delay.max(cfg.retry_delay) * 3 / 2).min(cfg.max_retry_delay);
            match run(&task, None, true).await {
                Ok((_, true)) => continue,
                Ok((_, false)) => {}
                Err(e) => {
                    task.emit_error(None, e).await;
                    continue;
                }
            }
            task.deletions.retrying.store(false, Ordering::SeqCst);
            // a deletion stored meanwhile saw the flag set: look once more
            let left = task.db(|tx| Ok(pending(tx, None)?.len())).await;
            if matches!(left, Ok(0)) || task.deletions.retrying.swap(true, Ordering::SeqCst) {
                return;
            }
        }
    });
}

/// Removes the connections waiting for delivery whose deliveries are done (or that
/// waited longer than `message_timeout`). Returns how many still wait.
async fn finish_waiting(inner: &Arc<Inner>) -> Result<usize> {
    let _lock = inner.deletions.lock.lock().await;
    let now = inner.config.clock.now();
    let limit =
        i64::try_from(inner.config.delivery.message_timeout.as_millis()).unwrap_or(i64::MAX);
    let (removed, waiting) = inner
        .db(move |tx| {
            let left: HashSet<ConnId> = pending(tx, None)?.into_iter().map(|p| p.conn_id).collect();
            let (mut removed, mut waiting) = (Vec::new(), 0);
            for c in tx.conns_with_status(ConnStatus::Deleted)? {
                let expired = now.0.saturating_sub(c.updated_at.0) > limit;
                if expired || !tx.has_undelivered(&c.conn_id)? {
                    tx.delete_conn(&c.conn_id)?;
                    if !left.contains(&c.conn_id) {
                        removed.push(c.conn_id);
                    }
                } else {
                    waiting += 1;
                }
            }
            Ok((removed, waiting))
        })
        .await?;
    for conn_id in removed {
        inner.emit(AgentEvent::ConnDeleted { conn_id }).await;
    }
    Ok(waiting)
}

/// Starts the task that removes the connections waiting for delivery, unless it runs;
/// it checks every `retry_delay` until none waits.
fn ensure_waiter(inner: &Arc<Inner>) {
    if inner.deletions.waiting.swap(true, Ordering::SeqCst) {
        return;
    }
    let task = inner.clone();
    inner.spawn(async move {
        loop {
            match finish_waiting(&task).await {
                Ok(0) => {
                    task.deletions.waiting.store(false, Ordering::SeqCst);
                    let left = task
                        .db(|tx| Ok(tx.conns_with_status(ConnStatus::Deleted)?.len()))
                        .await;
                    if matches!(left, Ok(0)) || task.deletions.waiting.swap(true, Ordering::SeqCst)
                    {
                        return;
                    }
                }
                Ok(_) => {}
                Err(e) => task.emit_error(None, e).await,
            }
            tokio::time::sleep(task.config.retry_delay).await;
        }
    });
}

/// At open: resumes the deletions a previous run left (queues still to delete on their
/// relays, connections waiting for delivery).
pub(super) async fn resume(inner: &Arc<Inner>) {
    let found = inner
        .db(|tx| {
            Ok((
                !pending(tx, None)?.is_empty(),
                !tx.conns_with_status(ConnStatus::Deleted)?.is_empty(),
            ))
        })
        .await;
    match found {
        Ok((queues, waiting)) => {
            if queues {
                ensure_retry(inner, Duration::ZERO);
            }
            if waiting {
                ensure_waiter(inner);
            }
        }
        Err(e) => inner.emit_error(None, e).await,
    }
}

impl Agent {
    /// Deletes a connection: its receive queues on their relays (`DEL`) and, in the
    /// same store transaction that records those deletions, the connection with its
    /// queues, ratchet and undelivered messages. `Ok` when the relays confirmed; on a
    /// network error the connection is gone locally all the same and the relay
    /// deletion is retried in the background (reported by [`AgentEvent::ConnDeleted`]).
    pub async fn delete_connection(&self, conn_id: &ConnId) -> Result<()> {
        let mut results = self
            .delete_connections(std::slice::from_ref(conn_id))
            .await?;
        results
            .remove(conn_id)
            .unwrap_or_else(|| Err(AgentError::ConnNotFound(conn_id.clone())))
    }

    /// [`Agent::delete_connection`] for several connections at once: one transaction,
    /// `DEL`s batched per relay. Returns each connection's result
    /// ([`AgentError::ConnNotFound`] for an unknown one).
    pub async fn delete_connections(
        &self,
        conn_ids: &[ConnId],
    ) -> Result<HashMap<ConnId, Result<()>>> {
        let inner = &self.inner;
        let ids = conn_ids.to_vec();
        let (missing, done) = inner.db(move |tx| mark_deleted(tx, &ids, false)).await?;
        let only: HashSet<ConnId> = conn_ids.iter().cloned().collect();
        let (mut results, retry) = run(inner, Some(only), false).await?;
        if retry {
            ensure_retry(inner, inner.config.retry_delay);
        }
        for c in done {
            results.insert(c, Ok(()));
        }
        for c in missing {
            results.insert(c.clone(), Err(AgentError::ConnNotFound(c)));
        }
        Ok(results)
    }

    /// Deletes connections in the background (the reference's `deleteConnectionsAsync`):
    /// their receive queues are recorded for deletion and the connections removed in one
    /// transaction before this returns; the relays are told afterwards, with retries.
    /// With `wait_delivery`, a connection with messages still to deliver stays (marked
    /// deleted) until they are delivered or given up. Each connection ends with
    /// [`AgentEvent::ConnDeleted`], each queue with [`AgentEvent::RcvQueueDeleted`].
    /// Unknown connections are ignored.
    pub async fn delete_connections_async(
        &self,
        conn_ids: &[ConnId],
        wait_delivery: bool,
    ) -> Result<()> {
        let inner = &self.inner;
        let ids = conn_ids.to_vec();
        let (_, done) = inner
            .db(move |tx| mark_deleted(tx, &ids, wait_delivery))
            .await?;
        for conn_id in done {
            inner.emit(AgentEvent::ConnDeleted { conn_id }).await;
        }
        ensure_retry(inner, Duration::ZERO);
        if wait_delivery {
            ensure_waiter(inner);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn payload_round_trips() {
        let conn = ConnId::from("c0nn-id");
        let p = encode_payload(&conn, b"rcv id bytes", b"pkcs8 key").unwrap();
        let (c, rcv_id, key) = decode_payload(p.as_bytes()).unwrap();
        assert_eq!(c, conn);
        assert_eq!(rcv_id, b"rcv id bytes");
        assert_eq!(key.as_bytes(), b"pkcs8 key");
    }

    #[test]
    fn bad_payloads_are_rejected() {
        let conn = ConnId::from("c");
        let p = encode_payload(&conn, b"rid", b"k").unwrap();
        let bytes = p.as_bytes();
        // every truncation that cuts into the ids or removes the key fails
        for n in 0..bytes.len() {
            assert!(decode_payload(&bytes[..n]).is_none(), "prefix of {n} bytes");
        }
        assert!(decode_payload(&[200, 1, 2]).is_none());
        assert!(encode_payload(&ConnId::from("x".repeat(300)), b"r", b"k").is_err());
    }
}
