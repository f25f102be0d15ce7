//! The classic steps of the duplex handshake, for queues their senders cannot secure
//! (queues made without sender-secure, e.g. on relays older than SMP v9; reference
//! `Agent.hs` `ICAllowSecure`, `ICDuplexSecure`, `helloMsg` and the delivery of `HELLO`):
//!
//! 1. the joiner sends its confirmation unsigned, its public sender key in the private
//!    header (`'K'`); the initiator keeps the key with the confirmation;
//! 2. when the app allows, the initiator `KEY`s its queue with that key, then confirms on
//!    the joiner's reply queue: with `SKEY` when that is a messaging queue (then nothing
//!    of this module follows: `CON` once it is delivered), else unsigned with its own key;
//! 3. the joiner, on a confirmation with a key, `KEY`s its reply queue and sends `HELLO`
//!    (a stored command, redone after a restart);
//! 4. the initiator answers the joiner's `HELLO` with its own; each side reports `CON`
//!    once its `HELLO` is sent and the peer's is received.
//!
//! As in the reference, a `HELLO` the relay refuses (`ERR AUTH`: the queue is gone or
//! secured with another key) is not retried: the peer secures its queue before its
//! confirmation or `HELLO` can reach us, so `AUTH` is final and reported as an error.
//! Network failures are retried as for any message.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use agent_proto::{AMessage, SmpQueueInfo};
use simplex_crypto::keys::PublicAuthKey;
use simplex_encoding::{Decode, DecodeError, Encode, Reader};
use smp_proto::EntityId;
use smp_proto::keys::{put_auth_key, read_auth_key};

use super::Inner;
use super::keys::auth_key;
use super::rotation::After;
use crate::error::{AgentError, Result};
use crate::event::AgentEvent;
use crate::pool::{is_temporary, parse_server};
use crate::store::{
    CommandId, Conn, ConnId, ConnStatus, MsgType, NewCommand, QueueStatus, RcvQueue, RcvQueueId,
    SndQueueId, Tx,
};

/// The `commands.kind` of a joiner's pending `KEY` + `HELLO`.
const SECURE_KIND: &str = "legacy_secure";

/// The marker of the sender key after the reply queue in a stored confirmation.
const KEY_MARK: u8 = b'K';

/// Encodes a confirmation's reply queue with the sender key it came with, if any, for
/// `confirmations.reply_queues` (a row without a key is the queue alone).
pub(super) fn encode_reply(reply: &SmpQueueInfo, sender_key: Option<&PublicAuthKey>) -> Vec<u8> {
    let mut out = reply.to_bytes();
    if let Some(k) = sender_key {
        out.push(KEY_MARK);
        put_auth_key(&mut out, k);
    }
    out
}

/// Decodes what [`encode_reply`] made.
pub(super) fn decode_reply(b: &[u8]) -> Result<(SmpQueueInfo, Option<PublicAuthKey>)> {
    let mut r = Reader::new(b);
    let reply = SmpQueueInfo::decode(&mut r)?;
    let key = if r.is_empty() {
        None
    } else {
        match r.u8()? {
            KEY_MARK => Some(read_auth_key(&mut r)?),
            found => {
                return Err(DecodeError::BadByte {
                    found,
                    what: "stored confirmation",
                }
                .into());
            }
        }
    };
    r.finish()?;
    Ok((reply, key))
}

/// The sender key a confirmation came with: the `'K'` header's, none when the queue is
/// one its sender secures; a confirmation without a key on any other queue is refused
/// (reference "handshake: missing sender key").
pub(super) fn confirmation_key(
    header: &agent_proto::PrivHeader,
    rq: &RcvQueue,
) -> Result<Option<PublicAuthKey>> {
    match header {
        agent_proto::PrivHeader::Confirmation(k) => Ok(Some((**k).clone())),
        agent_proto::PrivHeader::Empty
            if rq.queue_mode == Some(crate::store::QueueMode::Messaging) =>
        {
            Ok(None)
        }
        agent_proto::PrivHeader::Empty => {
            Err(AgentError::Prohibited("handshake: missing sender key"))
        }
    }
}

/// `KEY`: secures our receive queue `rq` with the peer's sender key (the legacy handshake
/// and a queue switch's new queue).
pub(super) async fn secure_own_queue(
    inner: &Inner,
    rq: &RcvQueue,
    sender_key: &PublicAuthKey,
) -> Result<()> {
    let client = inner.pool.client(&parse_server(&rq.server)?).await?;
    let key = auth_key(&rq.rcv_auth_key)?;
    client
        .secure_queue(&EntityId::new(&rq.rcv_id)?, &key, sender_key)
        .await?;
    Ok(())
}

/// Joiner, on the initiator's confirmation with its key: stores the command to `KEY`
/// `rq` and send `HELLO` (run by [`run_secure`] after the commit, or at the next open).
pub(super) fn store_secure(
    tx: &Tx<'_>,
    conn: &Conn,
    rq: &RcvQueue,
    sender_key: &PublicAuthKey,
) -> Result<CommandId> {
    let mut payload = rq.rcv_queue_id.0.to_be_bytes().to_vec();
    put_auth_key(&mut payload, sender_key);
    Ok(tx.insert_command(&NewCommand {
        user_id: conn.user_id,
        conn_id: Some(&conn.conn_id),
        server: Some(&rq.server),
        kind: SECURE_KIND,
        payload: &payload,
    })?)
}

fn decode_secure(payload: &[u8]) -> Result<(RcvQueueId, PublicAuthKey)> {
    let mut r = Reader::new(payload);
    let id = i64::from_be_bytes(r.array()?);
    let key = read_auth_key(&mut r)?;
    r.finish()?;
    Ok((RcvQueueId(id), key))
}

/// Starts the joiners' pending `KEY` + `HELLO` commands (at open).
pub(super) async fn resume(inner: &Arc<Inner>) {
    let ids = inner
        .db(|tx| {
            Ok(tx
                .commands_of_kind(SECURE_KIND)?
                .into_iter()
                .map(|c| c.command_id)
                .collect::<Vec<_>>())
        })
        .await;
    match ids {
        Ok(ids) => ids
            .into_iter()
            .for_each(|id| inner.spawn(run_secure(inner.clone(), id))),
        Err(e) => inner.emit_error(None, e).await,
    }
}

/// Runs a stored `KEY` + `HELLO` command, retrying network failures with backoff; a
/// permanent failure is reported on the connection and the command dropped.
pub(super) async fn run_secure(inner: Arc<Inner>, id: CommandId) {
    // the receive loop may start it while `resume` does too (a confirmation received
    // during the subscriptions at open): the second one does nothing
    let Some(_running) = Running::start(&inner.legacy_running, id) else {
        return;
    };
    let mut delay = inner.config.retry_delay;
    loop {
        match secure_and_hello(&inner, id).await {
            Ok(()) => return,
            Err((_, e)) if is_temporary(&e) => {
                tracing::info!(%e, "securing the reply queue failed; will retry");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(inner.config.max_retry_delay);
            }
            Err((conn_id, e)) => {
                inner.emit_error(conn_id.clone(), e).await;
                let dropped = inner.db(move |tx| Ok(tx.delete_command(id)?)).await;
                if let Err(e) = dropped {
                    inner.emit_error(conn_id, e).await;
                }
                return;
            }
        }
    }
}

/// The commands being run by [`run_secure`] (`Inner::legacy_running`).
type RunningSet = Mutex<HashSet<CommandId>>;

/// Marks a command as being run by [`run_secure`] until dropped (also when the task is
/// aborted).
struct Running<'a> {
    set: &'a RunningSet,
    id: CommandId,
}

impl<'a> Running<'a> {
    /// `None` when the command is being run already.
    fn start(set: &'a RunningSet, id: CommandId) -> Option<Self> {
        // the lock is released before a guard exists: a refused guard made under the
        // lock (as `then_some` would, eagerly) locks again in its drop and deadlocks
        let fresh = set
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id);
        fresh.then(|| Running { set, id })
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.set
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.id);
    }
}

/// One attempt of [`run_secure`]; the error comes with the connection when known.
async fn secure_and_hello(
    inner: &Arc<Inner>,
    id: CommandId,
) -> std::result::Result<(), (Option<ConnId>, AgentError)> {
    let loaded = inner
        .db(move |tx| {
            let Some(cmd) = tx.command(id)? else {
                return Ok(None);
            };
            let (rq_id, key) = decode_secure(cmd.payload.as_bytes())?;
            let rq = tx.rcv_queue(rq_id)?;
            Ok(Some((cmd.conn_id, rq, key)))
        })
        .await
        .map_err(|e| (None, e))?;
    // done already, or its connection was deleted with it
    let Some((conn_id, rq, key)) = loaded else {
        return Ok(());
    };
    let Some(rq) = rq else {
        return Err((conn_id, AgentError::Prohibited("no queue to secure")));
    };
    let cid = rq.conn_id.clone();
    let fail = |e| (Some(cid.clone()), e);
    secure_own_queue(inner, &rq, &key).await.map_err(fail)?;
    let rq_id = rq.rcv_queue_id;
    let conn_id = cid.clone();
    let sq = inner
        .db(move |tx| {
            // done meanwhile (by another run): no second `HELLO`
            if tx.command(id)?.is_none() {
                return Ok(None);
            }
            let conn = tx
                .conn(&conn_id)?
                .ok_or_else(|| AgentError::ConnNotFound(conn_id.clone()))?;
            if tx
                .rcv_queue(rq_id)?
                .is_some_and(|q| q.status != QueueStatus::Active)
            {
                tx.set_rcv_queue_status(rq_id, QueueStatus::Secured)?;
            }
            let (_, sq) = super::messages::enqueue_conn(
                tx,
                &conn,
                AMessage::Hello,
                MsgType::Hello,
                &[],
                None,
            )?;
            tx.delete_command(id)?;
            Ok(Some(sq))
        })
        .await
        .map_err(fail)?;
    if let Some(sq) = sq {
        inner.wake_worker(sq);
    }
    Ok(())
}

/// A received `HELLO` on `rq`: the initiator answers with its own; either side whose own
/// `HELLO` was delivered already is now connected (`CON`).
pub(super) fn on_hello(
    tx: &Tx<'_>,
    rq: &RcvQueue,
    conn: &Conn,
    after: &mut After,
) -> Result<Vec<AgentEvent>> {
    if rq.status == QueueStatus::Active || conn.status == ConnStatus::Active {
        return Err(AgentError::Prohibited("hello: active"));
    }
    tx.set_rcv_queue_status(rq.rcv_queue_id, QueueStatus::Active)?;
    let sq = tx
        .snd_queues(&conn.conn_id)?
        .into_iter()
        .find(|q| q.primary)
        .ok_or(AgentError::Prohibited("hello: no send queue"))?;
    if sq.status == QueueStatus::Active {
        // the reply to our `HELLO`
        tx.set_conn_status(&conn.conn_id, ConnStatus::Active)?;
        return Ok(vec![AgentEvent::Con {
            conn_id: conn.conn_id.clone(),
        }]);
    }
    if conn.status == ConnStatus::Allowed {
        let (_, sq) =
            super::messages::enqueue_conn(tx, conn, AMessage::Hello, MsgType::Hello, &[], None)?;
        after.wake.push(sq);
    }
    Ok(Vec::new())
}

/// Our `HELLO` was delivered on `sq_id`: connected once the peer's was received.
pub(super) fn hello_delivered(
    tx: &Tx<'_>,
    sq_id: SndQueueId,
    conn_id: ConnId,
) -> Result<Option<AgentEvent>> {
    tx.set_snd_queue_status(sq_id, QueueStatus::Active)?;
    let Some(conn) = tx.conn(&conn_id)? else {
        return Ok(None);
    };
    let peer_hello = tx
        .rcv_queues(&conn_id)?
        .iter()
        .any(|q| q.primary && q.status == QueueStatus::Active);
    if conn.status == ConnStatus::Active || !peer_hello {
        return Ok(None);
    }
    tx.set_conn_status(&conn_id, ConnStatus::Active)?;
    Ok(Some(AgentEvent::Con { conn_id }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use agent_proto::{QueueAddress, RelayAddr};
    use simplex_crypto::X25519Secret;

    fn reply() -> SmpQueueInfo {
        let server =
            parse_server("smp://LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=@relay1.example:5223")
                .unwrap();
        SmpQueueInfo {
            version: agent_proto::versions::SMP_CLIENT_RANGE.max(),
            addr: QueueAddress {
                server: RelayAddr::from(&server),
                sender_id: EntityId::new(&[7; 24]).unwrap(),
                dh_key: X25519Secret::generate(&mut rand::rng()).public(),
                queue_mode: None,
            },
        }
    }

    #[test]
    fn stored_reply_keeps_the_sender_key() {
        let q = reply();
        let key = super::super::keys::new_auth_key().unwrap().public();
        let (q2, k2) = decode_reply(&encode_reply(&q, Some(&key))).unwrap();
        assert_eq!(q2, q);
        assert_eq!(k2, Some(key));
        // a row written before the key was kept is the queue alone
        let (q3, k3) = decode_reply(&q.to_bytes()).unwrap();
        assert_eq!((q3, k3), (q, None));
    }

    #[test]
    fn stored_reply_rejects_junk_after_the_queue() {
        let q = reply();
        let mut b = q.to_bytes();
        b.push(b'X');
        assert!(decode_reply(&b).is_err());
        let key = super::super::keys::new_auth_key().unwrap().public();
        let mut b = encode_reply(&q, Some(&key));
        b.push(0);
        assert!(decode_reply(&b).is_err());
    }

    /// Runs `f` on another thread; fails (instead of hanging) when it does not finish
    /// within 5 s.
    fn without_deadlock<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(std::time::Duration::from_secs(5))
            .expect("deadlocked")
    }

    #[test]
    fn a_command_runs_once_at_a_time() {
        // the receive loop and `resume` at open both start the same stored command: the
        // second start is refused (it used to deadlock the worker thread, and with it
        // the agent's runtime, on the set's lock)
        let (second, marked, other, after_first, again) = without_deadlock(|| {
            let set = RunningSet::default();
            let first = Running::start(&set, CommandId(7));
            let second = Running::start(&set, CommandId(7)).is_some();
            // the refused start left the first one's mark
            let marked = set.lock().unwrap().contains(&CommandId(7));
            let other = Running::start(&set, CommandId(8));
            drop(first);
            let after_first: Vec<_> = set.lock().unwrap().iter().copied().collect();
            let again = Running::start(&set, CommandId(7)).is_some();
            (second, marked, other.is_some(), after_first, again)
        });
        assert!(!second, "started twice");
        assert!(marked, "the refused start cleared the running mark");
        assert!(other, "another command is independent");
        assert_eq!(after_first, [CommandId(8)]);
        assert!(again, "not startable after the first run ended");
    }

    #[test]
    fn secure_command_payload_round_trips() {
        let key = super::super::keys::new_auth_key().unwrap().public();
        let mut payload = 42i64.to_be_bytes().to_vec();
        put_auth_key(&mut payload, &key);
        let (id, k) = decode_secure(&payload).unwrap();
        assert_eq!((id, k), (RcvQueueId(42), key));
        assert!(decode_secure(&payload[..7]).is_err());
    }
}
