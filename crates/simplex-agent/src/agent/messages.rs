//! App messages: sending (`A_MSG` through the ratchet into a stored delivery) and the
//! ratchet state as kept in the store.

use std::sync::Arc;

use agent_proto::agent_message::{AMessage, APrivHeader, MessageReceipt};
use agent_proto::envelope::seal_client_message;
use agent_proto::versions::{CURRENT_AGENT_V, CURRENT_SMP_CLIENT_V, agent_msg_padded_len};
use agent_proto::{AgentMessage, AgentMsgEnvelope, ClientMessage, PrivHeader};
use simplex_encoding::{Encode, Large, Short};
use simplex_ratchet::{
    HeaderKey, Key32, MessageKey, PQEncryption, RatchetState, SkippedDiff, SkippedKeys, encrypt,
};

use super::Inner;
use super::keys::dh_secret;
use crate::error::{AgentError, Result};
use crate::store::{
    ConnId, ConnStatus, InternalId, MsgType, NewDelivery, NewSndMessage, SecretBytes, SndQueueId,
    Timestamp, Tx,
};

/// The stored ratchet state of a connection.
pub(super) fn load_ratchet(tx: &Tx<'_>, conn_id: &ConnId) -> Result<RatchetState> {
    let state = tx
        .ratchet(conn_id)?
        .and_then(|r| r.state)
        .ok_or(AgentError::Prohibited("the connection has no ratchet yet"))?;
    Ok(RatchetState::from_bytes(state.as_bytes())?)
}

/// The stored skipped message keys of a connection.
pub(super) fn load_skipped(tx: &Tx<'_>, conn_id: &ConnId) -> Result<SkippedKeys> {
    let mut keys = SkippedKeys::new();
    for k in tx.skipped_keys(conn_id)? {
        let hk: [u8; 32] = k
            .header_key
            .as_bytes()
            .try_into()
            .map_err(|_| AgentError::Prohibited("stored header key has a wrong length"))?;
        let mk = k.msg_key.as_bytes();
        let (key, iv) = match (mk.get(..32), mk.get(32..)) {
            (Some(key), Some(iv)) if iv.len() == 16 => (key, iv),
            _ => {
                return Err(AgentError::Prohibited(
                    "stored message key has a wrong length",
                ));
            }
        };
        let key: [u8; 32] = key
            .try_into()
            .map_err(|_| AgentError::Prohibited("stored message key has a wrong length"))?;
        let iv: [u8; 16] = iv
            .try_into()
            .map_err(|_| AgentError::Prohibited("stored message key has a wrong length"))?;
        keys.insert(
            HeaderKey::from_bytes(hk),
            k.msg_n,
            MessageKey::new(Key32::from_bytes(key), iv),
        );
    }
    Ok(keys)
}

/// Applies a skipped-key change returned by the ratchet to the store.
pub(super) fn store_skipped(tx: &Tx<'_>, conn_id: &ConnId, diff: &SkippedDiff) -> Result<()> {
    match diff {
        SkippedDiff::NoChange => {}
        SkippedDiff::Remove { header_key, msg_n } => {
            tx.delete_skipped_key(conn_id, header_key.as_bytes(), *msg_n)?;
        }
        SkippedDiff::Add(keys) => {
            for (hk, n, mk) in keys.iter() {
                let mut raw = zeroize::Zeroizing::new(mk.key().to_vec());
                raw.extend_from_slice(mk.iv());
                tx.insert_skipped_key(conn_id, hk.as_bytes(), n, &raw)?;
            }
        }
    }
    Ok(())
}

/// See [`super::Agent::send`].
pub(super) async fn send(inner: &Arc<Inner>, conn_id: &ConnId, body: &[u8]) -> Result<InternalId> {
    let cid = conn_id.clone();
    let body = SecretBytes::from_slice(body);
    let (internal_id, sq_id) = inner
        .db(move |tx| {
            let msg = AMessage::Msg(body.as_bytes().to_vec());
            enqueue(tx, &cid, msg, MsgType::Msg, body.as_bytes())
        })
        .await?;
    inner.wake_worker(sq_id);
    Ok(internal_id)
}

/// See [`super::Agent::send_many`].
pub(super) async fn send_many<B: AsRef<[u8]>>(
    inner: &Arc<Inner>,
    conn_id: &ConnId,
    bodies: &[B],
) -> Result<Vec<InternalId>> {
    if bodies.is_empty() {
        return Ok(Vec::new());
    }
    let cid = conn_id.clone();
    let bodies: Vec<SecretBytes> = bodies
        .iter()
        .map(|b| SecretBytes::from_slice(b.as_ref()))
        .collect();
    let (ids, sq_id) = inner
        .db(move |tx| {
            let mut ids = Vec::with_capacity(bodies.len());
            let mut queue = None;
            for body in &bodies {
                let msg = AMessage::Msg(body.as_bytes().to_vec());
                let (id, sq) = enqueue(tx, &cid, msg, MsgType::Msg, body.as_bytes())?;
                ids.push(id);
                queue = Some(sq);
            }
            Ok((ids, queue))
        })
        .await?;
    if let Some(sq) = sq_id {
        inner.wake_worker(sq);
    }
    Ok(ids)
}

/// See [`super::Agent::ack`].
pub(super) async fn ack(
    inner: &Arc<Inner>,
    conn_id: &ConnId,
    id: InternalId,
    receipt_info: Option<&[u8]>,
) -> Result<()> {
    let cid = conn_id.clone();
    let info = receipt_info.map(<[u8]>::to_vec);
    let queued = inner
        .db(move |tx| {
            let msg = tx
                .rcv_message(&cid, id)?
                .ok_or(AgentError::Prohibited("no such received message"))?;
            // the app has it: the row goes (reference `ackMessage'`); the connection
            // keeps the last received id and hash for the integrity check
            tx.delete_rcv_message(&cid, id)?;
            let Some(info) = info else {
                return Ok(None);
            };
            // agents before version 4 have no receipts: none is sent (as the reference)
            let conn = tx
                .conn(&cid)?
                .ok_or(AgentError::ConnNotFound(cid.clone()))?;
            if conn.agent_version < agent_proto::versions::DELIVERY_RCPTS_AGENT_V {
                return Ok(None);
            }
            if msg.msg_type != MsgType::Msg {
                return Err(AgentError::Prohibited(
                    "receipts are only sent for app messages",
                ));
            }
            let rcpt = MessageReceipt {
                agent_msg_id: msg.snd_msg_id,
                msg_hash: Short::from_slice(&msg.hash)?,
                rcpt_info: Large::from_slice(&info)?,
            };
            let amsg = AMessage::Rcvd(vec![rcpt]);
            enqueue(tx, &cid, amsg, MsgType::Rcvd, &[]).map(Some)
        })
        .await?;
    if let Some((_, sq_id)) = queued {
        inner.wake_worker(sq_id);
    }
    Ok(())
}

/// Ratchet-encrypts an agent message on an established connection and stores it with
/// its delivery to the primary send queue, in the caller's transaction. `stored_body`
/// is what is kept as the sent message's body. Returns its id and the send queue.
pub(super) fn enqueue(
    tx: &Tx<'_>,
    cid: &ConnId,
    amsg: AMessage,
    msg_type: MsgType,
    stored_body: &[u8],
) -> Result<(InternalId, SndQueueId)> {
    enqueue_on(tx, cid, amsg, msg_type, stored_body, None)
}

/// The connection `cid`, which must be established.
pub(super) fn active_conn(tx: &Tx<'_>, cid: &ConnId) -> Result<crate::store::Conn> {
    let conn = tx.conn(cid)?.ok_or(AgentError::ConnNotFound(cid.clone()))?;
    if conn.status != ConnStatus::Active {
        return Err(AgentError::WrongState {
            conn_id: cid.clone(),
            status: conn.status,
        });
    }
    Ok(conn)
}

/// [`enqueue`] to the send queue `on` instead of the primary one (queue rotation).
pub(super) fn enqueue_on(
    tx: &Tx<'_>,
    cid: &ConnId,
    amsg: AMessage,
    msg_type: MsgType,
    stored_body: &[u8],
    on: Option<SndQueueId>,
) -> Result<(InternalId, SndQueueId)> {
    let conn = active_conn(tx, cid)?;
    enqueue_conn(tx, &conn, amsg, msg_type, stored_body, on)
}

/// [`enqueue_on`] for a connection already read, in any state (the handshake's `HELLO`
/// goes out before the connection is established).
pub(super) fn enqueue_conn(
    tx: &Tx<'_>,
    conn: &crate::store::Conn,
    amsg: AMessage,
    msg_type: MsgType,
    stored_body: &[u8],
    on: Option<SndQueueId>,
) -> Result<(InternalId, SndQueueId)> {
    let cid = &conn.conn_id;
    if msg_type != MsgType::EReady && tx.ratchet_sync_state(cid)?.send_prohibited() {
        return Err(AgentError::Prohibited(
            "the ratchet is being re-synchronised: sending is stopped",
        ));
    }
    let all = tx.snd_queues(cid)?;
    let sqs = super::rotation::send_targets(&all, on);
    let sq = *sqs
        .first()
        .ok_or(AgentError::Prohibited("the connection has no send queue"))?;
    let snd_msg_id = conn.last_snd_msg_id + 1;
    let msg = AgentMessage::Message(
        APrivHeader {
            snd_msg_id,
            prev_msg_hash: Short::from_slice(&conn.last_snd_hash)?,
        },
        amsg,
    );
    let plain = zeroize::Zeroizing::new(msg.to_bytes());
    let hash = msg.hash();
    let state = load_ratchet(tx, cid)?;
    let padded = agent_msg_padded_len(conn.agent_version, conn.pq_support);
    let pq = PQEncryption(conn.pq_encryption);
    let (enc, state) = encrypt(&state, Some(pq), &plain, padded)?;
    let env = AgentMsgEnvelope::Message {
        agent_version: CURRENT_AGENT_V,
        enc_agent_message: enc,
    };
    tx.save_ratchet_state(cid, &state.to_bytes())?;
    let new = NewSndMessage {
        conn_id: cid,
        snd_msg_id,
        msg_type,
        prev_hash: &conn.last_snd_hash,
        hash: &hash,
        body: stored_body,
        pq_encryption: conn.pq_encryption,
    };
    let internal_id = store_envelope_to(tx, &sqs, env.to_bytes(), &new)?;
    Ok((internal_id, sq.snd_queue_id))
}

/// Seals an agent envelope for `sq` (per-queue e2e layer, no sender key) and stores it
/// as the sent message `new` with its delivery to `sq`. Returns the message's id.
pub(super) fn store_envelope(
    tx: &Tx<'_>,
    sq: &crate::store::SndQueue,
    envelope: Vec<u8>,
    new: &NewSndMessage<'_>,
) -> Result<InternalId> {
    store_envelope_to(tx, &[sq], envelope, new)
}

/// [`store_envelope`] with a delivery to each of `sqs`, each sealed with its queue's
/// secret (during a switch a message goes to the old and the new queue).
pub(super) fn store_envelope_to(
    tx: &Tx<'_>,
    sqs: &[&crate::store::SndQueue],
    envelope: Vec<u8>,
    new: &NewSndMessage<'_>,
) -> Result<InternalId> {
    let cm = ClientMessage {
        header: PrivHeader::Empty,
        body: envelope,
    };
    let internal_id = tx.insert_snd_message(new)?;
    for sq in sqs {
        let secret = dh_secret(&sq.e2e_dh_secret)?;
        let sealed =
            seal_client_message(&mut rand::rng(), CURRENT_SMP_CLIENT_V, &secret, None, &cm)?
                .to_bytes();
        tx.insert_delivery(&NewDelivery {
            snd_queue_id: sq.snd_queue_id,
            conn_id: new.conn_id,
            internal_id,
            body: &sealed,
            next_attempt_at: Timestamp::now(),
        })?;
    }
    Ok(internal_id)
}

/// See [`super::Agent::set_pq_encryption`].
pub(super) async fn set_pq_encryption(inner: &Inner, conn_id: &ConnId, on: bool) -> Result<()> {
    let cid = conn_id.clone();
    inner
        .db(move |tx| {
            let conn = tx
                .conn(&cid)?
                .ok_or(AgentError::ConnNotFound(cid.clone()))?;
            if on && !conn.pq_support {
                return Err(AgentError::Prohibited(
                    "PQ encryption needs PQ support on the connection",
                ));
            }
            Ok(tx.set_conn_pq(&cid, conn.pq_support, on)?)
        })
        .await
}
