//! Ratchet re-synchronisation and queue-rotation bookkeeping: the connection's
//! `ratchet_sync_state`, new X3DH keys beside a live ratchet, hashes of processed ratchet
//! keys and of received encrypted messages, and the queues' `switch_status`.

use rusqlite::types::{FromSql, ToSql};
use rusqlite::{OptionalExtension, params};

use super::error::Result;
use super::records::{
    ConnId, RatchetSyncState, RcvQueueId, RcvSwitchStatus, SndQueueId, SndSwitchStatus, Timestamp,
};
use super::{Tx, changed_one};

impl Tx<'_> {
    /// A connection's ratchet synchronisation state.
    pub fn ratchet_sync_state(&self, conn_id: &ConnId) -> Result<RatchetSyncState> {
        let state = self
            .db()
            .prepare_cached("SELECT ratchet_sync_state FROM connections WHERE conn_id = ?1")?
            .query_row(params![conn_id], |row| row.get(0))
            .optional()?;
        state.ok_or(super::StoreError::NotFound("connection"))
    }

    /// Changes a connection's ratchet synchronisation state.
    pub fn set_ratchet_sync_state(&self, conn_id: &ConnId, state: RatchetSyncState) -> Result<()> {
        let n = self
            .db()
            .prepare_cached(
                "UPDATE connections SET ratchet_sync_state = ?2, updated_at = ?3
                 WHERE conn_id = ?1",
            )?
            .execute(params![conn_id, state, Timestamp::now()])?;
        changed_one(n, "connection")
    }

    /// Stores new X3DH private keys beside the connection's ratchet state, which stays
    /// usable until the new ratchet replaces it (re-synchronisation started by this side).
    pub fn set_ratchet_x3dh_keys(
        &self,
        conn_id: &ConnId,
        key_1: &[u8],
        key_2: &[u8],
        pq_kem: Option<&[u8]>,
    ) -> Result<()> {
        let n = self
            .db()
            .prepare_cached(
                "UPDATE ratchets SET x3dh_key_1 = ?2, x3dh_key_2 = ?3, x3dh_pq_kem = ?4,
                   updated_at = ?5 WHERE conn_id = ?1",
            )?
            .execute(params![conn_id, key_1, key_2, pq_kem, Timestamp::now()])?;
        changed_one(n, "ratchet")
    }

    /// Replaces the connection's ratchet by a new state: the old state, pending X3DH keys
    /// and skipped keys are deleted.
    pub fn recreate_ratchet(&self, conn_id: &ConnId, state: &[u8]) -> Result<()> {
        self.db()
            .prepare_cached("DELETE FROM ratchets WHERE conn_id = ?1")?
            .execute(params![conn_id])?;
        self.db()
            .prepare_cached("DELETE FROM skipped_keys WHERE conn_id = ?1")?
            .execute(params![conn_id])?;
        self.save_ratchet_state(conn_id, state)
    }

    /// Records the hash of a peer's ratchet keys; false when it was recorded before
    /// (the key message is a repeat). `now` is the agent clock's time (the cleanup's age).
    pub fn add_processed_ratchet_key_hash(
        &self,
        conn_id: &ConnId,
        hash: &[u8],
        now: Timestamp,
    ) -> Result<bool> {
        let n = self
            .db()
            .prepare_cached(
                "INSERT OR IGNORE INTO processed_ratchet_key_hashes (conn_id, hash, created_at)
                 VALUES (?1, ?2, ?3)",
            )?
            .execute(params![conn_id, hash, now])?;
        Ok(n > 0)
    }

    /// Records the hash of a received ratchet-encrypted message body; false when it was
    /// recorded before (the same message came again, e.g. through the other queue of a
    /// switch). `now` is the agent clock's time (the cleanup's age).
    pub fn add_rcv_msg_hash(&self, conn_id: &ConnId, hash: &[u8], now: Timestamp) -> Result<bool> {
        let n = self
            .db()
            .prepare_cached(
                "INSERT OR IGNORE INTO encrypted_rcv_message_hashes (conn_id, hash, created_at)
                 VALUES (?1, ?2, ?3)",
            )?
            .execute(params![conn_id, hash, now])?;
        Ok(n > 0)
    }

    /// Deletes up to `limit` of the oldest hashes of each kind (processed ratchet keys,
    /// received encrypted messages) recorded before `before` (the reference's
    /// `deleteRatchetKeyHashesExpired` and `deleteRcvMsgHashesExpired`). Returns how
    /// many rows went.
    pub fn delete_expired_hashes(&self, before: Timestamp, limit: usize) -> Result<usize> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut n = 0;
        for table in [
            "processed_ratchet_key_hashes",
            "encrypted_rcv_message_hashes",
        ] {
            let sql = format!(
                "DELETE FROM {table} WHERE (conn_id, hash) IN (
                   SELECT conn_id, hash FROM {table} WHERE created_at < ?1
                   ORDER BY created_at LIMIT ?2)"
            );
            n += self
                .db()
                .prepare_cached(&sql)?
                .execute(params![before, limit])?;
        }
        Ok(n)
    }

    /// How many hashes are kept: (processed ratchet keys, received encrypted messages).
    pub fn hash_counts(&self) -> Result<(u64, u64)> {
        let count = |table: &str| -> Result<u64> {
            let sql = format!("SELECT count(*) FROM {table}");
            let n: i64 = self
                .db()
                .prepare_cached(&sql)?
                .query_row([], |r| r.get(0))?;
            Ok(u64::try_from(n).unwrap_or_default())
        };
        Ok((
            count("processed_ratchet_key_hashes")?,
            count("encrypted_rcv_message_hashes")?,
        ))
    }

    /// Whether a received ratchet-encrypted message body with this hash was processed.
    pub fn rcv_msg_hash_exists(&self, conn_id: &ConnId, hash: &[u8]) -> Result<bool> {
        Ok(self
            .db()
            .prepare_cached(
                "SELECT 1 FROM encrypted_rcv_message_hashes WHERE conn_id = ?1 AND hash = ?2",
            )?
            .query_row(params![conn_id, hash], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// A receive queue's switch status (`None` when it is not being replaced).
    pub fn rcv_switch_status(&self, id: RcvQueueId) -> Result<Option<RcvSwitchStatus>> {
        self.switch_status("rcv_queues", "rcv_queue_id", id.0)
    }

    /// Sets or clears a receive queue's switch status.
    pub fn set_rcv_switch_status(
        &self,
        id: RcvQueueId,
        status: Option<RcvSwitchStatus>,
    ) -> Result<()> {
        self.set_switch_status("rcv_queues", "rcv_queue_id", id.0, status)
    }

    /// A send queue's switch status (`None` when it is not being replaced).
    pub fn snd_switch_status(&self, id: SndQueueId) -> Result<Option<SndSwitchStatus>> {
        self.switch_status("snd_queues", "snd_queue_id", id.0)
    }

    /// Sets or clears a send queue's switch status.
    pub fn set_snd_switch_status(
        &self,
        id: SndQueueId,
        status: Option<SndSwitchStatus>,
    ) -> Result<()> {
        self.set_switch_status("snd_queues", "snd_queue_id", id.0, status)
    }

    /// `switch_status` of row `id` of a queue table.
    fn switch_status<T: FromSql>(&self, table: &str, key: &str, id: i64) -> Result<Option<T>> {
        let sql = format!("SELECT switch_status FROM {table} WHERE {key} = ?1");
        let status = self
            .db()
            .prepare_cached(&sql)?
            .query_row(params![id], |row| row.get(0))
            .optional()?;
        status.ok_or(super::StoreError::NotFound("queue"))
    }

    /// Sets `switch_status` of row `id` of a queue table.
    fn set_switch_status<T: ToSql>(
        &self,
        table: &str,
        key: &str,
        id: i64,
        status: Option<T>,
    ) -> Result<()> {
        let sql = format!("UPDATE {table} SET switch_status = ?2 WHERE {key} = ?1");
        let n = self
            .db()
            .prepare_cached(&sql)?
            .execute(params![id, status])?;
        changed_one(n, "queue")
    }
}
