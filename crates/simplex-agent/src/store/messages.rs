//! Tables `snd_messages` and `rcv_messages`. Both take their [`InternalId`] from the
//! connection's shared counter and update the connection's last sent / last received
//! id and hash, so a message and its counters always change together.

use rusqlite::{OptionalExtension, Row, params};

use super::error::Result;
use super::records::{ConnId, Integrity, InternalId, MsgType, RcvQueueId, SecretBytes, Timestamp};
use super::{Tx, changed_one};

/// A message to send, after the engine computed its id and hashes (from the
/// connection's `last_snd_msg_id` and `last_snd_hash`).
#[derive(Debug, Clone, Copy)]
pub struct NewSndMessage<'a> {
    /// Its connection.
    pub conn_id: &'a ConnId,
    /// `sndMsgId` in the agent message header (normally `last_snd_msg_id + 1`).
    pub snd_msg_id: i64,
    /// Its kind.
    pub msg_type: MsgType,
    /// `prevMsgHash` in the header (the previous message's hash).
    pub prev_hash: &'a [u8],
    /// This message's hash (becomes the connection's `last_snd_hash`).
    pub hash: &'a [u8],
    /// The message body (app message, receipt, connection info ...), unencrypted.
    pub body: &'a [u8],
    /// Whether it is sent with post-quantum encryption.
    pub pq_encryption: bool,
}

/// A stored sent message.
#[derive(Debug)]
pub struct SndMessage {
    /// Its connection.
    pub conn_id: ConnId,
    /// Its id in the connection.
    pub internal_id: InternalId,
    /// `sndMsgId`.
    pub snd_msg_id: i64,
    /// Its kind.
    pub msg_type: MsgType,
    /// `prevMsgHash`.
    pub prev_hash: Vec<u8>,
    /// Its hash.
    pub hash: Vec<u8>,
    /// The unencrypted body.
    pub body: SecretBytes,
    /// Whether it is sent with post-quantum encryption.
    pub pq_encryption: bool,
    /// When it was stored.
    pub created_at: Timestamp,
}

impl SndMessage {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(SndMessage {
            conn_id: row.get("conn_id")?,
            internal_id: row.get("internal_id")?,
            snd_msg_id: row.get("snd_msg_id")?,
            msg_type: row.get("msg_type")?,
            prev_hash: row.get("prev_hash")?,
            hash: row.get("hash")?,
            body: row.get("body")?,
            pq_encryption: row.get("pq_encryption")?,
            created_at: row.get("created_at")?,
        })
    }
}

const SND_COLUMNS: &str =
    "conn_id, internal_id, snd_msg_id, msg_type, prev_hash, hash, body, pq_encryption, created_at";

/// A received message, after decryption and the integrity check.
#[derive(Debug, Clone, Copy)]
pub struct NewRcvMessage<'a> {
    /// Its connection.
    pub conn_id: &'a ConnId,
    /// The queue it came from.
    pub rcv_queue_id: RcvQueueId,
    /// The sender's `sndMsgId` (becomes the connection's `last_rcv_snd_msg_id`).
    pub snd_msg_id: i64,
    /// The relay's message id.
    pub broker_msg_id: &'a [u8],
    /// The relay's timestamp.
    pub broker_ts: Timestamp,
    /// Its kind.
    pub msg_type: MsgType,
    /// The sender's `prevMsgHash`.
    pub prev_hash: &'a [u8],
    /// This message's hash (becomes the connection's `last_rcv_hash`).
    pub hash: &'a [u8],
    /// Result of the integrity check.
    pub integrity: Integrity,
    /// The decrypted body.
    pub body: &'a [u8],
    /// Whether it came with post-quantum encryption.
    pub pq_encryption: bool,
}

/// A stored received message.
#[derive(Debug)]
pub struct RcvMessage {
    /// Its connection.
    pub conn_id: ConnId,
    /// Its id in the connection.
    pub internal_id: InternalId,
    /// The queue it came from (`None` once that queue is deleted).
    pub rcv_queue_id: Option<RcvQueueId>,
    /// The sender's `sndMsgId`.
    pub snd_msg_id: i64,
    /// The relay's message id.
    pub broker_msg_id: Vec<u8>,
    /// The relay's timestamp.
    pub broker_ts: Timestamp,
    /// Its kind.
    pub msg_type: MsgType,
    /// The sender's `prevMsgHash`.
    pub prev_hash: Vec<u8>,
    /// Its hash.
    pub hash: Vec<u8>,
    /// Result of the integrity check.
    pub integrity: Integrity,
    /// The decrypted body.
    pub body: SecretBytes,
    /// Whether it came with post-quantum encryption.
    pub pq_encryption: bool,
    /// Whether the app acknowledged it (false in rows written now: the acknowledgement
    /// deletes the row, [`Tx::delete_rcv_message`]; the column stays for older stores).
    pub acked: bool,
    /// When it was stored.
    pub created_at: Timestamp,
}

impl RcvMessage {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(RcvMessage {
            conn_id: row.get("conn_id")?,
            internal_id: row.get("internal_id")?,
            rcv_queue_id: row.get("rcv_queue_id")?,
            snd_msg_id: row.get("snd_msg_id")?,
            broker_msg_id: row.get("broker_msg_id")?,
            broker_ts: row.get("broker_ts")?,
            msg_type: row.get("msg_type")?,
            prev_hash: row.get("prev_hash")?,
            hash: row.get("hash")?,
            integrity: row.get("integrity")?,
            body: row.get("body")?,
            pq_encryption: row.get("pq_encryption")?,
            acked: row.get("acked")?,
            created_at: row.get("created_at")?,
        })
    }
}

const RCV_COLUMNS: &str = "conn_id, internal_id, rcv_queue_id, snd_msg_id, broker_msg_id, \
     broker_ts, msg_type, prev_hash, hash, integrity, body, pq_encryption, acked, created_at";

impl Tx<'_> {
    /// Stores a message to send: gives it the next internal id and sets the
    /// connection's `last_snd_msg_id` and `last_snd_hash` to its own.
    pub fn insert_snd_message(&self, new: &NewSndMessage<'_>) -> Result<InternalId> {
        let internal_id = self.next_internal_id(new.conn_id)?;
        let now = self.now();
        self.db()
            .prepare_cached(
                "INSERT INTO snd_messages (conn_id, internal_id, snd_msg_id, msg_type,
                   prev_hash, hash, body, pq_encryption, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                new.conn_id,
                internal_id,
                new.snd_msg_id,
                new.msg_type,
                new.prev_hash,
                new.hash,
                new.body,
                new.pq_encryption,
                now
            ])?;
        self.db()
            .prepare_cached(
                "UPDATE connections SET last_snd_msg_id = ?2, last_snd_hash = ?3
                 WHERE conn_id = ?1",
            )?
            .execute(params![new.conn_id, new.snd_msg_id, new.hash])?;
        Ok(internal_id)
    }

    /// A sent app message no delivery of which remains (the relays have it): deleted if
    /// its Ok receipt already came ([`Tx::snd_receipt_ok`]), else its body is forgotten
    /// and the row, with its ids and hash, stays for the receipt (the reference's
    /// `deleteSndMsgDelivery`: `deleteMsg` after `MROk`, else `deleteMsgContent`).
    /// Returns whether the row went.
    pub fn snd_app_message_sent(&self, conn_id: &ConnId, id: InternalId) -> Result<bool> {
        let deleted = self
            .db()
            .prepare_cached(
                "DELETE FROM snd_messages WHERE conn_id = ?1 AND internal_id = ?2 AND rcpt_ok = 1",
            )?
            .execute(params![conn_id, id])?;
        if deleted == 1 {
            return Ok(true);
        }
        self.db()
            .prepare_cached(
                "UPDATE snd_messages SET body = X'' WHERE conn_id = ?1 AND internal_id = ?2",
            )?
            .execute(params![conn_id, id])?;
        Ok(false)
    }

    /// An Ok receipt for a sent message: the row goes if no delivery of it remains, else
    /// the receipt is recorded and [`Tx::snd_app_message_sent`] deletes the row once the
    /// last delivery is (a receipt can come before the relay's `OK` is stored; reference
    /// `updateSndMsgRcpt`). Returns whether the row went.
    pub fn snd_receipt_ok(&self, conn_id: &ConnId, id: InternalId) -> Result<bool> {
        if self.delete_delivered_snd_message(conn_id, id)? {
            return Ok(true);
        }
        self.db()
            .prepare_cached(
                "UPDATE snd_messages SET rcpt_ok = 1 WHERE conn_id = ?1 AND internal_id = ?2",
            )?
            .execute(params![conn_id, id])?;
        Ok(false)
    }

    /// Deletes sent messages stored before `before` that have no delivery left to make
    /// (failed ones, kept by an older version, do not count), oldest
    /// first, at most `limit` (the reference's `deleteSndMsgsExpired`: app messages whose
    /// receipt never came). Returns how many went.
    pub fn delete_expired_snd_messages(&self, before: Timestamp, limit: usize) -> Result<usize> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        Ok(self
            .db()
            .prepare_cached(
                "DELETE FROM snd_messages WHERE (conn_id, internal_id) IN (
                   SELECT m.conn_id, m.internal_id FROM snd_messages m
                   WHERE m.created_at < ?1
                     AND NOT EXISTS (SELECT 1 FROM snd_deliveries d
                       WHERE d.conn_id = m.conn_id AND d.internal_id = m.internal_id
                         AND d.status != 'failed')
                   ORDER BY m.created_at LIMIT ?2)",
            )?
            .execute(params![before, limit])?)
    }

    /// How many sent and received message rows are kept (all connections).
    pub fn message_counts(&self) -> Result<(u64, u64)> {
        let count = |sql: &str| -> Result<u64> {
            let n: i64 = self.db().prepare_cached(sql)?.query_row([], |r| r.get(0))?;
            Ok(u64::try_from(n).unwrap_or_default())
        };
        Ok((
            count("SELECT count(*) FROM snd_messages")?,
            count("SELECT count(*) FROM rcv_messages")?,
        ))
    }

    /// The type of a sent message (without reading its body).
    pub fn snd_message_type(&self, conn_id: &ConnId, id: InternalId) -> Result<Option<MsgType>> {
        Ok(self
            .db()
            .prepare_cached(
                "SELECT msg_type FROM snd_messages WHERE conn_id = ?1 AND internal_id = ?2",
            )?
            .query_row(params![conn_id, id], |row| row.get(0))
            .optional()?)
    }

    /// One sent message.
    pub fn snd_message(&self, conn_id: &ConnId, id: InternalId) -> Result<Option<SndMessage>> {
        let sql = format!(
            "SELECT {SND_COLUMNS} FROM snd_messages WHERE conn_id = ?1 AND internal_id = ?2"
        );
        Ok(self
            .db()
            .prepare_cached(&sql)?
            .query_row(params![conn_id, id], SndMessage::from_row)
            .optional()?)
    }

    /// The sent message with a given `sndMsgId` (to match a delivery receipt).
    pub fn snd_message_by_snd_id(
        &self,
        conn_id: &ConnId,
        snd_msg_id: i64,
    ) -> Result<Option<SndMessage>> {
        let sql = format!(
            "SELECT {SND_COLUMNS} FROM snd_messages WHERE conn_id = ?1 AND snd_msg_id = ?2"
        );
        Ok(self
            .db()
            .prepare_cached(&sql)?
            .query_row(params![conn_id, snd_msg_id], SndMessage::from_row)
            .optional()?)
    }

    /// Deletes a sent message once no delivery of it remains to be made (failed ones do
    /// not count; the reference's `deleteDeliveredSndMsg`); returns whether it went.
    pub fn delete_delivered_snd_message(&self, conn_id: &ConnId, id: InternalId) -> Result<bool> {
        let n = self
            .db()
            .prepare_cached(
                "DELETE FROM snd_messages WHERE conn_id = ?1 AND internal_id = ?2
                 AND NOT EXISTS (SELECT 1 FROM snd_deliveries
                   WHERE conn_id = ?1 AND internal_id = ?2 AND status != 'failed')",
            )?
            .execute(params![conn_id, id])?;
        Ok(n == 1)
    }

    /// Deletes a sent message with its remaining deliveries (once delivered: a message
    /// that no receipt will name, or whose receipt came).
    pub fn delete_snd_message(&self, conn_id: &ConnId, id: InternalId) -> Result<()> {
        let n = self
            .db()
            .prepare_cached("DELETE FROM snd_messages WHERE conn_id = ?1 AND internal_id = ?2")?
            .execute(params![conn_id, id])?;
        changed_one(n, "sent message")
    }

    /// Stores a received message: gives it the next internal id and sets the
    /// connection's `last_rcv_snd_msg_id` and `last_rcv_hash` to its own. Record the
    /// queue's last relay message in the same transaction ([`Tx::set_last_broker_msg`]).
    pub fn insert_rcv_message(&self, new: &NewRcvMessage<'_>) -> Result<InternalId> {
        let internal_id = self.next_internal_id(new.conn_id)?;
        let now = self.now();
        self.db()
            .prepare_cached(
                "INSERT INTO rcv_messages (conn_id, internal_id, rcv_queue_id, snd_msg_id,
                   broker_msg_id, broker_ts, msg_type, prev_hash, hash, integrity, body,
                   pq_encryption, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                new.conn_id,
                internal_id,
                new.rcv_queue_id,
                new.snd_msg_id,
                new.broker_msg_id,
                new.broker_ts,
                new.msg_type,
                new.prev_hash,
                new.hash,
                new.integrity,
                new.body,
                new.pq_encryption,
                now
            ])?;
        self.db()
            .prepare_cached(
                "UPDATE connections SET last_rcv_snd_msg_id = ?2, last_rcv_hash = ?3
                 WHERE conn_id = ?1",
            )?
            .execute(params![new.conn_id, new.snd_msg_id, new.hash])?;
        Ok(internal_id)
    }

    /// One received message.
    pub fn rcv_message(&self, conn_id: &ConnId, id: InternalId) -> Result<Option<RcvMessage>> {
        let sql = format!(
            "SELECT {RCV_COLUMNS} FROM rcv_messages WHERE conn_id = ?1 AND internal_id = ?2"
        );
        Ok(self
            .db()
            .prepare_cached(&sql)?
            .query_row(params![conn_id, id], RcvMessage::from_row)
            .optional()?)
    }

    /// The message received on a queue under a relay message id, if any (to recognise a
    /// redelivery after a crash: then only `ACK` again).
    pub fn rcv_message_by_broker_id(
        &self,
        rcv_queue_id: RcvQueueId,
        broker_msg_id: &[u8],
    ) -> Result<Option<RcvMessage>> {
        let sql = format!(
            "SELECT {RCV_COLUMNS} FROM rcv_messages WHERE rcv_queue_id = ?1 AND broker_msg_id = ?2
             ORDER BY internal_id DESC LIMIT 1"
        );
        Ok(self
            .db()
            .prepare_cached(&sql)?
            .query_row(params![rcv_queue_id, broker_msg_id], RcvMessage::from_row)
            .optional()?)
    }

    /// A connection's received messages the app has not acknowledged, in order.
    pub fn unacked_rcv_messages(&self, conn_id: &ConnId) -> Result<Vec<RcvMessage>> {
        let sql = format!(
            "SELECT {RCV_COLUMNS} FROM rcv_messages WHERE conn_id = ?1 AND acked = 0
             ORDER BY internal_id"
        );
        let mut stmt = self.db().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![conn_id], RcvMessage::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Deletes a received message (once the app acknowledged it, or at once for what the
    /// agent handles itself).
    pub fn delete_rcv_message(&self, conn_id: &ConnId, id: InternalId) -> Result<()> {
        let n = self
            .db()
            .prepare_cached("DELETE FROM rcv_messages WHERE conn_id = ?1 AND internal_id = ?2")?
            .execute(params![conn_id, id])?;
        changed_one(n, "received message")
    }
}
