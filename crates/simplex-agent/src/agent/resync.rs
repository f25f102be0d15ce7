//! Ratchet re-synchronisation (`synchronize_ratchet`; reference `Agent.hs`
//! `synchronizeRatchet'`, `newRatchetKey`, `ereadyMsg`; `protocol-map.md` §5.7).
//!
//! A connection's `ratchet_sync_state` follows the reference's `RatchetSyncState`:
//!
//! - a ratchet-encrypted message that fails to decrypt moves it from `ok`, `allowed` or
//!   `required` to `allowed` (body authentication, an earlier message) or `required`
//!   (no header key fits, too many skipped) and reports [`AgentEvent::RatchetSync`];
//!   in `required` (and while re-synchronising) nothing can be sent;
//! - `synchronize_ratchet` (allowed in `allowed`/`required`, or forced) sends fresh X3DH
//!   keys in an `AgentRatchetKey` envelope (`'R'`, per-queue encryption only), keeps
//!   their private halves beside the old ratchet and moves to `started`;
//! - on the peer's keys (each key set is processed once, by its hash) a side that did
//!   not start answers with its own fresh keys; with both key sets, the side whose
//!   `sha256(k1 ‖ k2)` is not greater than the peer's makes a receiving ratchet, the other
//!   a sending one and sends `EREADY` (the last message id it received) as its first
//!   message; the state is `agreed`. Keys arriving in `agreed` make it `required`;
//! - the first message that decrypts with the new ratchet makes it `ok` again; the
//!   receiving side answers `EREADY` with its own `EREADY`, so both sides get one.
//!
//! The new keys propose a KEM key when the connection has PQ support, as the reference
//! does with the connection's `pqSupport` (both sides propose; the X3DH then uses no KEM,
//! and the new ratchets add one at their first steps).

use std::sync::Arc;

use agent_proto::versions::{CURRENT_AGENT_V, RATCHET_SYNC_AGENT_V};
use agent_proto::{AMessage, AgentMessage, AgentMsgEnvelope};
use simplex_crypto::X448Secret;
use simplex_encoding::Encode;
use simplex_encoding::{Decode, Version};
use simplex_ratchet::{
    CURRENT_E2E_VERSION, E2ERatchetParams, PQSupport, PrivKemParams, RatchetVersions,
    SUPPORTED_E2E_VERSIONS, generate_rcv_params, init_rcv, init_snd, pq_x3dh_rcv, pq_x3dh_snd,
};

use super::Inner;
use super::keys::x448;
use super::messages::{active_conn, enqueue, store_envelope};
use super::rotation::After;
use crate::error::{AgentError, Result};
use crate::event::{AgentCryptoError, AgentEvent};
use crate::store::{
    Conn, ConnId, MsgType, NewSndMessage, QueueStatus, RatchetSyncState, SecretBytes, SndQueueId,
    Timestamp, Tx, X3dhKeys,
};

/// The `RSYNC` event.
pub(super) fn sync_event(
    conn_id: &ConnId,
    state: RatchetSyncState,
    err: Option<AgentCryptoError>,
) -> AgentEvent {
    AgentEvent::RatchetSync {
        conn_id: conn_id.clone(),
        state,
        err,
    }
}

/// `sha256(k1 ‖ k2)` of raw public keys: orders the two sides.
fn rk_hash(k1: &simplex_crypto::X448Public, k2: &simplex_crypto::X448Public) -> [u8; 32] {
    let mut b = k1.as_bytes().to_vec();
    b.extend_from_slice(k2.as_bytes());
    simplex_crypto::hash::sha256(&b)
}

/// See [`super::Agent::synchronize_ratchet`].
pub(super) async fn synchronize(inner: &Arc<Inner>, conn_id: &ConnId, force: bool) -> Result<()> {
    let cid = conn_id.clone();
    let sq = inner
        .db(move |tx| {
            let conn = active_conn(tx, &cid)?;
            let state = tx.ratchet_sync_state(&cid)?;
            let allowed = conn.agent_version >= RATCHET_SYNC_AGENT_V && state.sync_allowed();
            if !allowed && !force {
                return Err(AgentError::Prohibited(
                    "synchronize_ratchet: the ratchet is not out of sync",
                ));
            }
            let (keys, sq) = new_keys(tx, &conn, CURRENT_E2E_VERSION)?;
            let (pk1, pk2) = (keys.key_1.as_bytes(), keys.key_2.as_bytes());
            let kem = keys.pq_kem.as_ref().map(SecretBytes::as_bytes);
            match tx.ratchet(&cid)? {
                Some(_) => tx.set_ratchet_x3dh_keys(&cid, pk1, pk2, kem)?,
                None => tx.create_pending_ratchet(&cid, pk1, pk2, kem)?,
            }
            tx.set_ratchet_sync_state(&cid, RatchetSyncState::Started)?;
            Ok(sq)
        })
        .await?;
    inner.wake_worker(sq);
    Ok(())
}

/// Fresh X3DH keys of e2e `version` (with a proposed KEM key when the connection has PQ
/// support) whose public halves are queued to the peer. Returns the private halves and
/// the send queue to wake.
fn new_keys(tx: &Tx<'_>, conn: &Conn, version: Version) -> Result<(X3dhKeys, SndQueueId)> {
    let pq = PQSupport(conn.pq_support);
    let keys = generate_rcv_params(&mut rand::rng(), version, pq)?;
    let own = X3dhKeys {
        key_1: SecretBytes::from_slice(keys.pk1.to_bytes().as_ref()),
        key_2: SecretBytes::from_slice(keys.pk2.to_bytes().as_ref()),
        pq_kem: keys.kem.as_ref().map(|k| SecretBytes::new(k.to_bytes())),
    };
    let sq = send_key(tx, conn, keys.params)?;
    Ok((own, sq))
}

/// Queues the `'R'` envelope with `params` on the primary send queue.
fn send_key(tx: &Tx<'_>, conn: &Conn, params: E2ERatchetParams) -> Result<SndQueueId> {
    let cid = &conn.conn_id;
    let sq = tx
        .snd_queues(cid)?
        .into_iter()
        .find(|q| q.primary && q.status != QueueStatus::Disabled)
        .ok_or(AgentError::Prohibited("the connection has no send queue"))?;
    // the envelope's info is an empty `AgentRatchetInfo`, as the reference sends it
    let info = AgentMessage::RatchetInfo(Vec::new()).to_bytes();
    let hash = simplex_crypto::hash::sha256(&info);
    let env = AgentMsgEnvelope::RatchetKey {
        agent_version: CURRENT_AGENT_V,
        e2e: params,
        info,
    };
    // the sequence moves on (the message takes an id), as the reference's
    // `storeRatchetKey`
    let conn = tx.conn(cid)?.ok_or(AgentError::ConnNotFound(cid.clone()))?;
    let new = NewSndMessage {
        conn_id: cid,
        snd_msg_id: conn.last_snd_msg_id + 1,
        msg_type: MsgType::RatchetInfo,
        prev_hash: &conn.last_snd_hash,
        hash: &hash,
        body: &[],
        pq_encryption: false,
    };
    store_envelope(tx, &sq, env.to_bytes(), &new)?;
    Ok(sq.snd_queue_id)
}

/// Queues `EREADY` with the last message id received, allowed while re-synchronising.
pub(super) fn send_ready(tx: &Tx<'_>, conn: &Conn) -> Result<SndQueueId> {
    let cid = &conn.conn_id;
    let last = tx
        .conn(cid)?
        .ok_or(AgentError::ConnNotFound(cid.clone()))?
        .last_rcv_snd_msg_id;
    let (_, sq) = enqueue(tx, cid, AMessage::EReady(last), MsgType::EReady, &[])?;
    Ok(sq)
}

/// The peer's `'R'` envelope (reference `newRatchetKey`): ignored when its keys were seen
/// before; otherwise answered with own keys unless this side started, and a new ratchet
/// is made on the side the key hashes say. Returns the events to report.
pub(super) fn on_ratchet_key(
    tx: &Tx<'_>,
    conn: &Conn,
    peer: &E2ERatchetParams,
    now: Timestamp,
    after: &mut After,
) -> Result<Vec<AgentEvent>> {
    let cid = &conn.conn_id;
    let peer_hash = rk_hash(&peer.k1, &peer.k2);
    if !tx.add_processed_ratchet_key_hash(cid, &peer_hash, now)? {
        return Ok(Vec::new());
    }
    if !SUPPORTED_E2E_VERSIONS.contains(peer.version) {
        return Err(AgentError::Version("ratchet key e2e version"));
    }
    let keys = match tx.ratchet_sync_state(cid)? {
        RatchetSyncState::Ok | RatchetSyncState::Allowed | RatchetSyncState::Required => {
            // the reply's keys are of the peer's e2e version, as the reference's
            let (keys, sq) = new_keys(tx, conn, peer.version)?;
            after.wake.push(sq);
            keys
        }
        RatchetSyncState::Started => tx
            .ratchet(cid)?
            .and_then(|r| r.x3dh)
            .ok_or(AgentError::Prohibited("ratchet keys were not stored"))?,
        RatchetSyncState::Agreed => {
            // a new key after agreeing: the ratchets cannot be matched any more
            tx.set_ratchet_sync_state(cid, RatchetSyncState::Required)?;
            let err = AgentCryptoError::RatchetSync;
            return Ok(vec![sync_event(cid, RatchetSyncState::Required, Some(err))]);
        }
    };
    let (pk1, pk2) = (x448(&keys.key_1)?, x448(&keys.key_2)?);
    let kem = match &keys.pq_kem {
        Some(k) => Some(PrivKemParams::from_bytes(k.as_bytes())?),
        None => None,
    };
    let versions = RatchetVersions {
        current: peer.version,
        max_supported: CURRENT_E2E_VERSION,
    };
    let receiving = rk_hash(&pk1.public(), &pk2.public()) <= peer_hash;
    if receiving {
        // it can send once the peer's `EREADY` arrived
        let init = pq_x3dh_rcv(&pk1, &pk2, kem.as_ref(), peer)?;
        let state = init_rcv(versions, &pk2, init, PQSupport(conn.pq_support));
        tx.recreate_ratchet(cid, &state.to_bytes())?;
    } else {
        let own_dh = X448Secret::generate(&mut rand::rng())?;
        let init = pq_x3dh_snd(&pk1, &pk2, kem.as_ref(), peer)?;
        let state = init_snd(versions, &peer.k2, &own_dh, init)?;
        tx.recreate_ratchet(cid, &state.to_bytes())?;
    }
    tx.set_ratchet_sync_state(cid, RatchetSyncState::Agreed)?;
    if !receiving {
        after.wake.push(send_ready(tx, conn)?);
    }
    Ok(vec![sync_event(cid, RatchetSyncState::Agreed, None)])
}
