//! Table `connections`: one row per agent connection, with its message counters.

use rusqlite::{OptionalExtension, Row, params};

use super::error::Result;
use super::records::{ConnId, ConnMode, ConnStatus, InternalId, Timestamp, UserId};
use super::{Tx, changed_one};

/// A new connection (its id is chosen by the store).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewConn {
    /// Its user.
    pub user_id: UserId,
    /// Invitation or contact address.
    pub mode: ConnMode,
    /// Initial status.
    pub status: ConnStatus,
    /// Agent protocol version agreed (or offered) so far.
    pub agent_version: u16,
    /// Post-quantum support (large ratchet headers) for this connection.
    pub pq_support: bool,
    /// Post-quantum encryption wanted for this connection.
    pub pq_encryption: bool,
}

/// A stored connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conn {
    /// Its id.
    pub conn_id: ConnId,
    /// Its user.
    pub user_id: UserId,
    /// Invitation or contact address.
    pub mode: ConnMode,
    /// Where it is in its life.
    pub status: ConnStatus,
    /// Agent protocol version.
    pub agent_version: u16,
    /// Post-quantum support.
    pub pq_support: bool,
    /// Post-quantum encryption.
    pub pq_encryption: bool,
    /// The last message id given out (sent or received); the next message gets `+1`.
    pub last_internal_id: InternalId,
    /// `sndMsgId` of the last message sent; the next one is `+1`.
    pub last_snd_msg_id: i64,
    /// Hash of the last message sent (the next message's `prevMsgHash`); empty at first.
    pub last_snd_hash: Vec<u8>,
    /// `sndMsgId` of the last message received (for the integrity check).
    pub last_rcv_snd_msg_id: i64,
    /// Hash of the last message received (for the integrity check); empty at first.
    pub last_rcv_hash: Vec<u8>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

impl Conn {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Conn {
            conn_id: row.get("conn_id")?,
            user_id: row.get("user_id")?,
            mode: row.get("mode")?,
            status: row.get("status")?,
            agent_version: row.get("agent_version")?,
            pq_support: row.get("pq_support")?,
            pq_encryption: row.get("pq_encryption")?,
            last_internal_id: row.get("last_internal_id")?,
            last_snd_msg_id: row.get("last_snd_msg_id")?,
            last_snd_hash: row.get("last_snd_hash")?,
            last_rcv_snd_msg_id: row.get("last_rcv_snd_msg_id")?,
            last_rcv_hash: row.get("last_rcv_hash")?,
            created_at: row.get("created_at")?,
            updated_at: row.get("updated_at")?,
        })
    }
}

const CONN_COLUMNS: &str = "conn_id, user_id, mode, status, agent_version, pq_support, \
     pq_encryption, last_internal_id, last_snd_msg_id, last_snd_hash, last_rcv_snd_msg_id, \
     last_rcv_hash, created_at, updated_at";

impl Tx<'_> {
    /// Creates a connection with a fresh random id.
    pub fn create_conn(&self, new: &NewConn) -> Result<ConnId> {
        let conn_id = ConnId::random()?;
        let now = Timestamp::now();
        self.db()
            .prepare_cached(
                "INSERT INTO connections (conn_id, user_id, mode, status, agent_version,
                   pq_support, pq_encryption, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            )?
            .execute(params![
                conn_id,
                new.user_id,
                new.mode,
                new.status,
                new.agent_version,
                new.pq_support,
                new.pq_encryption,
                now
            ])?;
        Ok(conn_id)
    }

    /// One connection.
    pub fn conn(&self, conn_id: &ConnId) -> Result<Option<Conn>> {
        let sql = format!("SELECT {CONN_COLUMNS} FROM connections WHERE conn_id = ?1");
        Ok(self
            .db()
            .prepare_cached(&sql)?
            .query_row(params![conn_id], Conn::from_row)
            .optional()?)
    }

    /// A user's connections, oldest first.
    pub fn conns(&self, user_id: UserId) -> Result<Vec<Conn>> {
        let sql = format!(
            "SELECT {CONN_COLUMNS} FROM connections WHERE user_id = ?1
             ORDER BY created_at, conn_id"
        );
        let mut stmt = self.db().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![user_id], Conn::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Connections of every user in a status (e.g. [`ConnStatus::Deleted`] ones to
    /// finish deleting at start), oldest first.
    pub fn conns_with_status(&self, status: ConnStatus) -> Result<Vec<Conn>> {
        let sql = format!(
            "SELECT {CONN_COLUMNS} FROM connections WHERE status = ?1
             ORDER BY created_at, conn_id"
        );
        let mut stmt = self.db().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![status], Conn::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Changes a connection's status.
    pub fn set_conn_status(&self, conn_id: &ConnId, status: ConnStatus) -> Result<()> {
        let n = self
            .db()
            .prepare_cached(
                "UPDATE connections SET status = ?2, updated_at = ?3 WHERE conn_id = ?1",
            )?
            .execute(params![conn_id, status, Timestamp::now()])?;
        changed_one(n, "connection")
    }

    /// Changes a connection's agent version.
    pub fn set_conn_agent_version(&self, conn_id: &ConnId, agent_version: u16) -> Result<()> {
        let n = self
            .db()
            .prepare_cached(
                "UPDATE connections SET agent_version = ?2, updated_at = ?3 WHERE conn_id = ?1",
            )?
            .execute(params![conn_id, agent_version, Timestamp::now()])?;
        changed_one(n, "connection")
    }

    /// Changes a connection's post-quantum support and encryption flags.
    pub fn set_conn_pq(
        &self,
        conn_id: &ConnId,
        pq_support: bool,
        pq_encryption: bool,
    ) -> Result<()> {
        let n = self
            .db()
            .prepare_cached(
                "UPDATE connections SET pq_support = ?2, pq_encryption = ?3, updated_at = ?4
                 WHERE conn_id = ?1",
            )?
            .execute(params![
                conn_id,
                pq_support,
                pq_encryption,
                Timestamp::now()
            ])?;
        changed_one(n, "connection")
    }

    /// Deletes a connection and everything under it: queues, ratchet, skipped keys,
    /// messages, deliveries, confirmations and commands. Contact requests received on it
    /// stay, with no contact connection.
    pub fn delete_conn(&self, conn_id: &ConnId) -> Result<()> {
        let n = self
            .db()
            .prepare_cached("DELETE FROM connections WHERE conn_id = ?1")?
            .execute(params![conn_id])?;
        changed_one(n, "connection")
    }

    /// Gives out the next internal message id of a connection.
    pub(super) fn next_internal_id(&self, conn_id: &ConnId) -> Result<InternalId> {
        let id = self
            .db()
            .prepare_cached(
                "UPDATE connections SET last_internal_id = last_internal_id + 1, updated_at = ?2
                 WHERE conn_id = ?1 RETURNING last_internal_id",
            )?
            .query_row(params![conn_id, Timestamp::now()], |row| row.get(0))
            .optional()?;
        id.ok_or(super::StoreError::NotFound("connection"))
    }
}
