//! Ratchet re-synchronisation (`synchronize_ratchet`; reference `Agent.hs`
//! `synchronizeRatchet'`, `newRatchetKey`, `ereadyMsg`; `protocol-map.md` §5.7).
//!
//! When the two ratchets of a connection no longer match (a restored backup, a lost
//! state), either side sends fresh X3DH keys in an `AgentRatchetKey` envelope (`'R'`,
//! per-queue encryption only). The other side answers with its own fresh keys (unless it
//! started too), and each side, holding both key sets, initialises a new ratchet: the
//! side whose `sha256(k1 ‖ k2)` is not greater than the peer's becomes the receiving side,
//! the other the sending side, which sends `EREADY` (the last message id it received) as
//! the first message of the new ratchet. PQ (KEM) is off for re-synchronised ratchets.

use std::sync::Arc;

use agent_proto::{AMessage, AgentMsgEnvelope};
use simplex_crypto::X448Secret;
use simplex_encoding::Encode;
use simplex_ratchet::{
    CURRENT_E2E_VERSION, E2ERatchetParams, PQSupport, RatchetVersions, SUPPORTED_E2E_VERSIONS,
    generate_rcv_params, init_rcv, init_snd, pq_x3dh_rcv, pq_x3dh_snd,
};
use zeroize::Zeroizing;

use super::Inner;
use super::keys::x448;
use super::messages::{active_conn, enqueue, store_envelope};
use super::rotation::After;
use crate::error::{AgentError, Result};
use crate::event::AgentEvent;
use crate::store::{Conn, ConnId, MsgType, NewSndMessage, QueueStatus, SndQueueId, StoreError, Tx};

/// The receiving side of a new ratchet on the peer's `EREADY`: the ratchet now has a
/// sending chain, so the connection is usable again.
pub(super) fn ready_event(conn_id: &ConnId) -> AgentEvent {
    AgentEvent::RatchetSynced {
        conn_id: conn_id.clone(),
    }
}

/// `sha256(k1 ‖ k2)` of raw public keys: orders the two sides.
fn rk_hash(k1: &simplex_crypto::X448Public, k2: &simplex_crypto::X448Public) -> [u8; 32] {
    let mut b = k1.as_bytes().to_vec();
    b.extend_from_slice(k2.as_bytes());
    simplex_crypto::hash::sha256(&b)
}

/// See [`super::Agent::synchronize_ratchet`].
pub(super) async fn synchronize(inner: &Arc<Inner>, conn_id: &ConnId) -> Result<()> {
    let cid = conn_id.clone();
    let sq = inner
        .db(move |tx| {
            let conn = active_conn(tx, &cid)?;
            new_keys(tx, &conn)
        })
        .await?;
    inner.wake_worker(sq);
    Ok(())
}

/// Replaces the connection's ratchet by fresh pending X3DH keys and sends their public
/// halves to the peer. Returns the send queue to wake.
fn new_keys(tx: &Tx<'_>, conn: &Conn) -> Result<SndQueueId> {
    let keys = generate_rcv_params(&mut rand::rng(), CURRENT_E2E_VERSION, PQSupport::OFF)?;
    match tx.delete_ratchet(&conn.conn_id) {
        Ok(()) | Err(StoreError::NotFound(_)) => {}
        Err(e) => return Err(e.into()),
    }
    let pk1 = Zeroizing::new(keys.pk1.to_bytes().to_vec());
    let pk2 = Zeroizing::new(keys.pk2.to_bytes().to_vec());
    tx.create_pending_ratchet(&conn.conn_id, &pk1, &pk2, None)?;
    send_key(tx, conn, keys.params)
}

/// Queues the `'R'` envelope with `params` on the primary send queue.
fn send_key(tx: &Tx<'_>, conn: &Conn, params: E2ERatchetParams) -> Result<SndQueueId> {
    let cid = &conn.conn_id;
    let sq = tx
        .snd_queues(cid)?
        .into_iter()
        .find(|q| q.primary && q.status != QueueStatus::Disabled)
        .ok_or(AgentError::Prohibited("the connection has no send queue"))?;
    let env = AgentMsgEnvelope::RatchetKey {
        agent_version: conn.agent_version,
        e2e: params,
        info: Vec::new(),
    };
    let body = env.to_bytes();
    let hash = simplex_crypto::hash::sha256(&body);
    let new = NewSndMessage {
        conn_id: cid,
        snd_msg_id: conn.last_snd_msg_id + 1,
        msg_type: MsgType::RatchetInfo,
        prev_hash: &conn.last_snd_hash,
        hash: &hash,
        body: &[],
        pq_encryption: false,
    };
    store_envelope(tx, &sq, body, &new)?;
    Ok(sq.snd_queue_id)
}

/// The peer's `'R'` envelope: answer with own keys unless we started, then initialise
/// the new ratchet on the side the key hashes say. Returns the events to report.
pub(super) fn on_ratchet_key(
    tx: &Tx<'_>,
    conn: &Conn,
    peer: &E2ERatchetParams,
    after: &mut After,
) -> Result<Vec<AgentEvent>> {
    if !SUPPORTED_E2E_VERSIONS.contains(peer.version) {
        return Err(AgentError::Version("ratchet key e2e version"));
    }
    let cid = &conn.conn_id;
    let pending = tx.ratchet(cid)?.and_then(|r| r.x3dh);
    let pending = match pending {
        Some(p) => p,
        None => {
            after.wake.push(new_keys(tx, conn)?);
            tx.ratchet(cid)?
                .and_then(|r| r.x3dh)
                .ok_or(AgentError::Prohibited("ratchet keys were not stored"))?
        }
    };
    let (pk1, pk2) = (x448(&pending.key_1)?, x448(&pending.key_2)?);
    let versions = RatchetVersions {
        current: peer.version,
        max_supported: CURRENT_E2E_VERSION,
    };
    let receiving = rk_hash(&pk1.public(), &pk2.public()) <= rk_hash(&peer.k1, &peer.k2);
    if receiving {
        // It can send once the peer's `EREADY` arrived (see `ready_event`).
        let init = pq_x3dh_rcv(&pk1, &pk2, None, peer)?;
        let state = init_rcv(versions, &pk2, init, PQSupport::OFF);
        tx.save_ratchet_state(cid, &state.to_bytes())?;
        return Ok(Vec::new());
    }
    {
        let own_dh = X448Secret::generate(&mut rand::rng())?;
        let init = pq_x3dh_snd(&pk1, &pk2, None, peer)?;
        let state = init_snd(versions, &peer.k2, &own_dh, init)?;
        tx.save_ratchet_state(cid, &state.to_bytes())?;
        let ready = AMessage::EReady(conn.last_rcv_snd_msg_id);
        let (_, sq) = enqueue(tx, cid, ready, MsgType::EReady, &[])?;
        after.wake.push(sq);
    }
    Ok(vec![ready_event(cid)])
}
