//! Tables `rcv_queues` (queues this agent receives from) and `snd_queues` (the peers'
//! queues it sends to).
//!
//! `server` is an opaque relay address: use the same string for storing and for
//! [`Tx::rcv_queue_by_rcv_id`] (the form the engine's client pool keys relays by).

use rusqlite::{OptionalExtension, Row, params};

use super::error::Result;
use super::records::{
    ConnId, QueueMode, QueueStatus, RcvQueueId, SecretBytes, SndQueueId, Timestamp,
};
use super::{Tx, changed_one};

/// A receive queue to store, after the relay answered `IDS`.
#[derive(Debug, Clone, Copy)]
pub struct NewRcvQueue<'a> {
    /// Its connection.
    pub conn_id: &'a ConnId,
    /// The relay.
    pub server: &'a str,
    /// The recipient id on the relay.
    pub rcv_id: &'a [u8],
    /// The recipient's private authorization key (PKCS#8 DER).
    pub rcv_auth_key: &'a [u8],
    /// The secret shared with the relay (recipient DH key × the relay's DH key from
    /// `IDS`), which opens the relay's encryption of delivered messages.
    pub rcv_dh_secret: &'a [u8],
    /// The private key of the per-queue end-to-end DH (its public half is in the link).
    pub e2e_private_key: &'a [u8],
    /// The per-queue end-to-end secret, once the sender's public key is known.
    pub e2e_dh_secret: Option<&'a [u8]>,
    /// The sender id on the relay.
    pub snd_id: &'a [u8],
    /// The queue mode, when the relay reports it.
    pub queue_mode: Option<QueueMode>,
    /// Initial status.
    pub status: QueueStatus,
    /// Whether it is the connection's primary receive queue.
    pub primary: bool,
    /// The queue this one replaces (queue rotation).
    pub replaced_queue_id: Option<RcvQueueId>,
}

/// A stored receive queue.
#[derive(Debug)]
pub struct RcvQueue {
    /// Its id in the store.
    pub rcv_queue_id: RcvQueueId,
    /// Its connection.
    pub conn_id: ConnId,
    /// The relay.
    pub server: String,
    /// The recipient id on the relay.
    pub rcv_id: Vec<u8>,
    /// The recipient's private authorization key (PKCS#8 DER).
    pub rcv_auth_key: SecretBytes,
    /// The secret shared with the relay.
    pub rcv_dh_secret: SecretBytes,
    /// The private key of the per-queue end-to-end DH.
    pub e2e_private_key: SecretBytes,
    /// The per-queue end-to-end secret, once known.
    pub e2e_dh_secret: Option<SecretBytes>,
    /// The sender id on the relay.
    pub snd_id: Vec<u8>,
    /// The queue mode.
    pub queue_mode: Option<QueueMode>,
    /// Status.
    pub status: QueueStatus,
    /// Whether it is the connection's primary receive queue.
    pub primary: bool,
    /// The queue this one replaces (queue rotation).
    pub replaced_queue_id: Option<RcvQueueId>,
    /// The relay's id of the last message received (to recognise a redelivery).
    pub last_broker_msg_id: Option<Vec<u8>>,
    /// The relay's timestamp of the last message received.
    pub last_broker_ts: Option<Timestamp>,
    /// When it was stored.
    pub created_at: Timestamp,
}

impl RcvQueue {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(RcvQueue {
            rcv_queue_id: row.get("rcv_queue_id")?,
            conn_id: row.get("conn_id")?,
            server: row.get("server")?,
            rcv_id: row.get("rcv_id")?,
            rcv_auth_key: row.get("rcv_auth_key")?,
            rcv_dh_secret: row.get("rcv_dh_secret")?,
            e2e_private_key: row.get("e2e_private_key")?,
            e2e_dh_secret: row.get("e2e_dh_secret")?,
            snd_id: row.get("snd_id")?,
            queue_mode: row.get("queue_mode")?,
            status: row.get("status")?,
            primary: row.get("is_primary")?,
            replaced_queue_id: row.get("replaced_queue_id")?,
            last_broker_msg_id: row.get("last_broker_msg_id")?,
            last_broker_ts: row.get("last_broker_ts")?,
            created_at: row.get("created_at")?,
        })
    }
}

const RCV_COLUMNS: &str = "rcv_queue_id, conn_id, server, rcv_id, rcv_auth_key, \
     rcv_dh_secret, e2e_private_key, e2e_dh_secret, snd_id, queue_mode, status, is_primary, \
     replaced_queue_id, last_broker_msg_id, last_broker_ts, created_at";

/// A send queue to store (a peer's queue from its link or reply).
#[derive(Debug, Clone, Copy)]
pub struct NewSndQueue<'a> {
    /// Its connection.
    pub conn_id: &'a ConnId,
    /// The relay.
    pub server: &'a str,
    /// The sender id on the relay.
    pub snd_id: &'a [u8],
    /// This sender's private authorization key (PKCS#8 DER).
    pub snd_auth_key: &'a [u8],
    /// The recipient's per-queue end-to-end public key (from the link or reply).
    pub e2e_peer_key: &'a [u8],
    /// The per-queue end-to-end secret (own DH key × `e2e_peer_key`).
    pub e2e_dh_secret: &'a [u8],
    /// The queue mode, when known.
    pub queue_mode: Option<QueueMode>,
    /// Initial status.
    pub status: QueueStatus,
    /// Whether it is the connection's primary send queue.
    pub primary: bool,
    /// The queue this one replaces (queue rotation).
    pub replaced_queue_id: Option<SndQueueId>,
}

/// A stored send queue.
#[derive(Debug)]
pub struct SndQueue {
    /// Its id in the store.
    pub snd_queue_id: SndQueueId,
    /// Its connection.
    pub conn_id: ConnId,
    /// The relay.
    pub server: String,
    /// The sender id on the relay.
    pub snd_id: Vec<u8>,
    /// This sender's private authorization key (PKCS#8 DER).
    pub snd_auth_key: SecretBytes,
    /// The recipient's per-queue end-to-end public key.
    pub e2e_peer_key: Vec<u8>,
    /// The per-queue end-to-end secret.
    pub e2e_dh_secret: SecretBytes,
    /// The queue mode.
    pub queue_mode: Option<QueueMode>,
    /// Status.
    pub status: QueueStatus,
    /// Whether it is the connection's primary send queue.
    pub primary: bool,
    /// The queue this one replaces (queue rotation).
    pub replaced_queue_id: Option<SndQueueId>,
    /// When it was stored.
    pub created_at: Timestamp,
}

impl SndQueue {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(SndQueue {
            snd_queue_id: row.get("snd_queue_id")?,
            conn_id: row.get("conn_id")?,
            server: row.get("server")?,
            snd_id: row.get("snd_id")?,
            snd_auth_key: row.get("snd_auth_key")?,
            e2e_peer_key: row.get("e2e_peer_key")?,
            e2e_dh_secret: row.get("e2e_dh_secret")?,
            queue_mode: row.get("queue_mode")?,
            status: row.get("status")?,
            primary: row.get("is_primary")?,
            replaced_queue_id: row.get("replaced_queue_id")?,
            created_at: row.get("created_at")?,
        })
    }
}

const SND_COLUMNS: &str = "snd_queue_id, conn_id, server, snd_id, snd_auth_key, e2e_peer_key, \
     e2e_dh_secret, queue_mode, status, is_primary, replaced_queue_id, created_at";

impl Tx<'_> {
    /// Stores a receive queue.
    pub fn insert_rcv_queue(&self, new: &NewRcvQueue<'_>) -> Result<RcvQueueId> {
        self.db()
            .prepare_cached(
                "INSERT INTO rcv_queues (conn_id, server, rcv_id, rcv_auth_key, rcv_dh_secret,
                   e2e_private_key, e2e_dh_secret, snd_id, queue_mode, status, is_primary,
                   replaced_queue_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                new.conn_id,
                new.server,
                new.rcv_id,
                new.rcv_auth_key,
                new.rcv_dh_secret,
                new.e2e_private_key,
                new.e2e_dh_secret,
                new.snd_id,
                new.queue_mode,
                new.status,
                new.primary,
                new.replaced_queue_id,
                Timestamp::now()
            ])?;
        Ok(RcvQueueId(self.db().last_insert_rowid()))
    }

    /// One receive queue.
    pub fn rcv_queue(&self, id: RcvQueueId) -> Result<Option<RcvQueue>> {
        let sql = format!("SELECT {RCV_COLUMNS} FROM rcv_queues WHERE rcv_queue_id = ?1");
        Ok(self
            .db()
            .prepare_cached(&sql)?
            .query_row(params![id], RcvQueue::from_row)
            .optional()?)
    }

    /// The receive queue a relay message is for: by relay and recipient id.
    pub fn rcv_queue_by_rcv_id(&self, server: &str, rcv_id: &[u8]) -> Result<Option<RcvQueue>> {
        let sql = format!("SELECT {RCV_COLUMNS} FROM rcv_queues WHERE server = ?1 AND rcv_id = ?2");
        Ok(self
            .db()
            .prepare_cached(&sql)?
            .query_row(params![server, rcv_id], RcvQueue::from_row)
            .optional()?)
    }

    /// A connection's receive queues, oldest first.
    pub fn rcv_queues(&self, conn_id: &ConnId) -> Result<Vec<RcvQueue>> {
        let sql = format!(
            "SELECT {RCV_COLUMNS} FROM rcv_queues WHERE conn_id = ?1 ORDER BY rcv_queue_id"
        );
        let mut stmt = self.db().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![conn_id], RcvQueue::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every receive queue to subscribe to at start: not disabled, on a connection that
    /// is not deleted; grouped by relay.
    pub fn rcv_queues_to_subscribe(&self) -> Result<Vec<RcvQueue>> {
        let sql = format!(
            "SELECT {RCV_COLUMNS} FROM rcv_queues
             WHERE status <> 'disabled'
               AND conn_id IN (SELECT conn_id FROM connections WHERE status <> 'deleted')
             ORDER BY server, rcv_queue_id"
        );
        let mut stmt = self.db().prepare_cached(&sql)?;
        let rows = stmt.query_map([], RcvQueue::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Changes a receive queue's status.
    pub fn set_rcv_queue_status(&self, id: RcvQueueId, status: QueueStatus) -> Result<()> {
        let n = self
            .db()
            .prepare_cached("UPDATE rcv_queues SET status = ?2 WHERE rcv_queue_id = ?1")?
            .execute(params![id, status])?;
        changed_one(n, "receive queue")
    }

    /// Sets the per-queue end-to-end secret once the sender's key arrived.
    pub fn set_rcv_queue_e2e_secret(&self, id: RcvQueueId, e2e_dh_secret: &[u8]) -> Result<()> {
        let n = self
            .db()
            .prepare_cached("UPDATE rcv_queues SET e2e_dh_secret = ?2 WHERE rcv_queue_id = ?1")?
            .execute(params![id, e2e_dh_secret])?;
        changed_one(n, "receive queue")
    }

    /// Makes `id` the only primary receive queue of its connection.
    pub fn set_primary_rcv_queue(&self, id: RcvQueueId) -> Result<()> {
        let n = self
            .db()
            .prepare_cached(
                "UPDATE rcv_queues SET is_primary = (rcv_queue_id = ?1)
                 WHERE conn_id = (SELECT conn_id FROM rcv_queues WHERE rcv_queue_id = ?1)",
            )?
            .execute(params![id])?;
        changed_one(n, "receive queue")
    }

    /// Records the last message received on a queue (relay id and timestamp).
    pub fn set_last_broker_msg(
        &self,
        id: RcvQueueId,
        broker_msg_id: &[u8],
        broker_ts: Timestamp,
    ) -> Result<()> {
        let n = self
            .db()
            .prepare_cached(
                "UPDATE rcv_queues SET last_broker_msg_id = ?2, last_broker_ts = ?3
                 WHERE rcv_queue_id = ?1",
            )?
            .execute(params![id, broker_msg_id, broker_ts])?;
        changed_one(n, "receive queue")
    }

    /// Deletes a receive queue (its received messages keep no queue reference).
    pub fn delete_rcv_queue(&self, id: RcvQueueId) -> Result<()> {
        let n = self
            .db()
            .prepare_cached("DELETE FROM rcv_queues WHERE rcv_queue_id = ?1")?
            .execute(params![id])?;
        changed_one(n, "receive queue")
    }

    /// Stores a send queue.
    pub fn insert_snd_queue(&self, new: &NewSndQueue<'_>) -> Result<SndQueueId> {
        self.db()
            .prepare_cached(
                "INSERT INTO snd_queues (conn_id, server, snd_id, snd_auth_key, e2e_peer_key,
                   e2e_dh_secret, queue_mode, status, is_primary, replaced_queue_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                new.conn_id,
                new.server,
                new.snd_id,
                new.snd_auth_key,
                new.e2e_peer_key,
                new.e2e_dh_secret,
                new.queue_mode,
                new.status,
                new.primary,
                new.replaced_queue_id,
                Timestamp::now()
            ])?;
        Ok(SndQueueId(self.db().last_insert_rowid()))
    }

    /// One send queue.
    pub fn snd_queue(&self, id: SndQueueId) -> Result<Option<SndQueue>> {
        let sql = format!("SELECT {SND_COLUMNS} FROM snd_queues WHERE snd_queue_id = ?1");
        Ok(self
            .db()
            .prepare_cached(&sql)?
            .query_row(params![id], SndQueue::from_row)
            .optional()?)
    }

    /// A connection's send queues, oldest first.
    pub fn snd_queues(&self, conn_id: &ConnId) -> Result<Vec<SndQueue>> {
        let sql = format!(
            "SELECT {SND_COLUMNS} FROM snd_queues WHERE conn_id = ?1 ORDER BY snd_queue_id"
        );
        let mut stmt = self.db().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![conn_id], SndQueue::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Changes a send queue's status.
    pub fn set_snd_queue_status(&self, id: SndQueueId, status: QueueStatus) -> Result<()> {
        let n = self
            .db()
            .prepare_cached("UPDATE snd_queues SET status = ?2 WHERE snd_queue_id = ?1")?
            .execute(params![id, status])?;
        changed_one(n, "send queue")
    }

    /// Makes `id` the only primary send queue of its connection.
    pub fn set_primary_snd_queue(&self, id: SndQueueId) -> Result<()> {
        let n = self
            .db()
            .prepare_cached(
                "UPDATE snd_queues SET is_primary = (snd_queue_id = ?1)
                 WHERE conn_id = (SELECT conn_id FROM snd_queues WHERE snd_queue_id = ?1)",
            )?
            .execute(params![id])?;
        changed_one(n, "send queue")
    }

    /// Deletes a send queue with its pending deliveries.
    pub fn delete_snd_queue(&self, id: SndQueueId) -> Result<()> {
        let n = self
            .db()
            .prepare_cached("DELETE FROM snd_queues WHERE snd_queue_id = ?1")?
            .execute(params![id])?;
        changed_one(n, "send queue")
    }
}
