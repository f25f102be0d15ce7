//! Tables `ratchets` (one double ratchet per connection, or the X3DH keys while the
//! handshake is pending) and `skipped_keys` (message keys of skipped messages).
//!
//! The bytes are opaque here: the ratchet state is `simplex-ratchet`'s storage encoding,
//! and the engine maps a `SkippedDiff` onto [`Tx::insert_skipped_key`] /
//! [`Tx::delete_skipped_key`].

use rusqlite::{OptionalExtension, Row, params};

use super::error::Result;
use super::records::{ConnId, SecretBytes, Timestamp};
use super::{Tx, changed_one};

/// The X3DH private keys of the initiating side, kept until the joiner's parameters
/// arrive.
#[derive(Debug)]
pub struct X3dhKeys {
    /// First X448 private key.
    pub key_1: SecretBytes,
    /// Second X448 private key.
    pub key_2: SecretBytes,
    /// The sntrup761 key pair (encoded by the engine), when post-quantum was offered.
    pub pq_kem: Option<SecretBytes>,
}

/// A connection's ratchet row.
#[derive(Debug)]
pub struct Ratchet {
    /// Its connection.
    pub conn_id: ConnId,
    /// The ratchet state, once initialised.
    pub state: Option<SecretBytes>,
    /// The X3DH private keys, while the handshake is pending.
    pub x3dh: Option<X3dhKeys>,
    /// When it last changed.
    pub updated_at: Timestamp,
}

impl Ratchet {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        let key_1: Option<SecretBytes> = row.get("x3dh_key_1")?;
        let key_2: Option<SecretBytes> = row.get("x3dh_key_2")?;
        let pq_kem: Option<SecretBytes> = row.get("x3dh_pq_kem")?;
        let x3dh = match (key_1, key_2) {
            (Some(key_1), Some(key_2)) => Some(X3dhKeys {
                key_1,
                key_2,
                pq_kem,
            }),
            // excluded by the table's CHECK constraints
            _ => None,
        };
        Ok(Ratchet {
            conn_id: row.get("conn_id")?,
            state: row.get("state")?,
            x3dh,
            updated_at: row.get("updated_at")?,
        })
    }
}

/// One skipped message key.
#[derive(Debug)]
pub struct SkippedKey {
    /// The header key the message was sent under.
    pub header_key: SecretBytes,
    /// The message number in its chain.
    pub msg_n: u32,
    /// The message key.
    pub msg_key: SecretBytes,
}

impl Tx<'_> {
    /// Stores the X3DH private keys of a connection whose handshake is starting (no
    /// ratchet state yet). Fails if the connection already has a ratchet row.
    pub fn create_pending_ratchet(
        &self,
        conn_id: &ConnId,
        key_1: &[u8],
        key_2: &[u8],
        pq_kem: Option<&[u8]>,
    ) -> Result<()> {
        self.db()
            .prepare_cached(
                "INSERT INTO ratchets (conn_id, x3dh_key_1, x3dh_key_2, x3dh_pq_kem, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![conn_id, key_1, key_2, pq_kem, Timestamp::now()])?;
        Ok(())
    }

    /// Stores a connection's ratchet state (creating the row if needed). The first state
    /// drops the pending X3DH keys of the handshake; keys set beside a live state for
    /// re-synchronisation ([`Tx::set_ratchet_x3dh_keys`]) stay.
    pub fn save_ratchet_state(&self, conn_id: &ConnId, state: &[u8]) -> Result<()> {
        self.db()
            .prepare_cached(
                "INSERT INTO ratchets (conn_id, state, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (conn_id) DO UPDATE SET state = excluded.state,
                   x3dh_key_1 = iif(ratchets.state IS NULL, NULL, ratchets.x3dh_key_1),
                   x3dh_key_2 = iif(ratchets.state IS NULL, NULL, ratchets.x3dh_key_2),
                   x3dh_pq_kem = iif(ratchets.state IS NULL, NULL, ratchets.x3dh_pq_kem),
                   updated_at = excluded.updated_at",
            )?
            .execute(params![conn_id, state, Timestamp::now()])?;
        Ok(())
    }

    /// A connection's ratchet row.
    pub fn ratchet(&self, conn_id: &ConnId) -> Result<Option<Ratchet>> {
        Ok(self
            .db()
            .prepare_cached(
                "SELECT conn_id, state, x3dh_key_1, x3dh_key_2, x3dh_pq_kem, updated_at
                 FROM ratchets WHERE conn_id = ?1",
            )?
            .query_row(params![conn_id], Ratchet::from_row)
            .optional()?)
    }

    /// Deletes a connection's ratchet and its skipped keys (before re-synchronising).
    pub fn delete_ratchet(&self, conn_id: &ConnId) -> Result<()> {
        let n = self
            .db()
            .prepare_cached("DELETE FROM ratchets WHERE conn_id = ?1")?
            .execute(params![conn_id])?;
        changed_one(n, "ratchet")
    }

    /// Adds (or replaces) one skipped message key. The ratchet row must exist.
    pub fn insert_skipped_key(
        &self,
        conn_id: &ConnId,
        header_key: &[u8],
        msg_n: u32,
        msg_key: &[u8],
    ) -> Result<()> {
        self.db()
            .prepare_cached(
                "INSERT OR REPLACE INTO skipped_keys (conn_id, header_key, msg_n, msg_key)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![conn_id, header_key, msg_n, msg_key])?;
        Ok(())
    }

    /// Removes one skipped message key (used up by a late message); false if absent.
    pub fn delete_skipped_key(
        &self,
        conn_id: &ConnId,
        header_key: &[u8],
        msg_n: u32,
    ) -> Result<bool> {
        let n = self
            .db()
            .prepare_cached(
                "DELETE FROM skipped_keys WHERE conn_id = ?1 AND header_key = ?2 AND msg_n = ?3",
            )?
            .execute(params![conn_id, header_key, msg_n])?;
        Ok(n > 0)
    }

    /// All skipped keys of a connection, by header key then message number.
    pub fn skipped_keys(&self, conn_id: &ConnId) -> Result<Vec<SkippedKey>> {
        let mut stmt = self.db().prepare_cached(
            "SELECT header_key, msg_n, msg_key FROM skipped_keys WHERE conn_id = ?1
             ORDER BY header_key, msg_n",
        )?;
        let rows = stmt.query_map(params![conn_id], |row| {
            Ok(SkippedKey {
                header_key: row.get(0)?,
                msg_n: row.get(1)?,
                msg_key: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
