//! Table `snd_deliveries`: the final encrypted `SEND` body of each sent message for each
//! send queue, kept until the relay accepts it. Each send queue's worker takes its
//! deliveries strictly in order (by [`DeliveryId`]) and retries the same bytes.

use std::fmt;

use rusqlite::{OptionalExtension, Row, params};

use super::error::Result;
use super::records::{ConnId, DeliveryId, DeliveryStatus, InternalId, SndQueueId, Timestamp};
use super::{Tx, changed_one};

/// A delivery to queue.
#[derive(Clone, Copy)]
pub struct NewDelivery<'a> {
    /// The queue to send to.
    pub snd_queue_id: SndQueueId,
    /// The message's connection.
    pub conn_id: &'a ConnId,
    /// The message.
    pub internal_id: InternalId,
    /// The complete `SEND` body (both envelope layers, encrypted).
    pub body: &'a [u8],
    /// When to make the first attempt (normally now).
    pub next_attempt_at: Timestamp,
}

impl fmt::Debug for NewDelivery<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewDelivery")
            .field("snd_queue_id", &self.snd_queue_id)
            .field("conn_id", &self.conn_id)
            .field("internal_id", &self.internal_id)
            .field("body_len", &self.body.len())
            .field("next_attempt_at", &self.next_attempt_at)
            .finish()
    }
}

/// A stored delivery.
#[derive(Clone, PartialEq, Eq)]
pub struct SndDelivery {
    /// Its id (the sending order within the queue).
    pub delivery_id: DeliveryId,
    /// The queue to send to.
    pub snd_queue_id: SndQueueId,
    /// The message's connection.
    pub conn_id: ConnId,
    /// The message.
    pub internal_id: InternalId,
    /// The complete encrypted `SEND` body.
    pub body: Vec<u8>,
    /// Its state.
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: u32,
    /// When to try next.
    pub next_attempt_at: Timestamp,
    /// When it was stored.
    pub created_at: Timestamp,
}

impl fmt::Debug for SndDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SndDelivery")
            .field("delivery_id", &self.delivery_id)
            .field("snd_queue_id", &self.snd_queue_id)
            .field("conn_id", &self.conn_id)
            .field("internal_id", &self.internal_id)
            .field("body_len", &self.body.len())
            .field("status", &self.status)
            .field("attempts", &self.attempts)
            .field("next_attempt_at", &self.next_attempt_at)
            .field("created_at", &self.created_at)
            .finish()
    }
}

impl SndDelivery {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(SndDelivery {
            delivery_id: row.get("delivery_id")?,
            snd_queue_id: row.get("snd_queue_id")?,
            conn_id: row.get("conn_id")?,
            internal_id: row.get("internal_id")?,
            body: row.get("body")?,
            status: row.get("status")?,
            attempts: row.get("attempts")?,
            next_attempt_at: row.get("next_attempt_at")?,
            created_at: row.get("created_at")?,
        })
    }
}

const COLUMNS: &str = "delivery_id, snd_queue_id, conn_id, internal_id, body, status, attempts, \
     next_attempt_at, created_at";

/// A send queue with work: the first delivery waiting on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingQueue {
    /// The queue.
    pub snd_queue_id: SndQueueId,
    /// Its first waiting delivery.
    pub head: DeliveryId,
    /// That delivery's state.
    pub status: DeliveryStatus,
    /// When that delivery is due.
    pub next_attempt_at: Timestamp,
}

impl Tx<'_> {
    /// Queues a message for one send queue (status [`DeliveryStatus::Pending`]), dated
    /// by the store's clock ([`Tx::now`]: the agent's, which judges when to give up).
    pub fn insert_delivery(&self, new: &NewDelivery<'_>) -> Result<DeliveryId> {
        self.db()
            .prepare_cached(
                "INSERT INTO snd_deliveries (snd_queue_id, conn_id, internal_id, body, status,
                   next_attempt_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?6)",
            )?
            .execute(params![
                new.snd_queue_id,
                new.conn_id,
                new.internal_id,
                new.body,
                new.next_attempt_at,
                self.now()
            ])?;
        Ok(DeliveryId(self.db().last_insert_rowid()))
    }

    /// One delivery.
    pub fn delivery(&self, id: DeliveryId) -> Result<Option<SndDelivery>> {
        let sql = format!("SELECT {COLUMNS} FROM snd_deliveries WHERE delivery_id = ?1");
        Ok(self
            .db()
            .prepare_cached(&sql)?
            .query_row(params![id], SndDelivery::from_row)
            .optional()?)
    }

    /// The next deliveries of a send queue in sending order, up to `limit`: those still
    /// to send ([`DeliveryStatus::Pending`] or [`DeliveryStatus::Quota`]), failed ones
    /// skipped. The worker sends the first when its `next_attempt_at` has come.
    pub fn next_deliveries(
        &self,
        snd_queue_id: SndQueueId,
        limit: u32,
    ) -> Result<Vec<SndDelivery>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM snd_deliveries
             WHERE snd_queue_id = ?1 AND status IN ('pending', 'quota')
             ORDER BY delivery_id LIMIT ?2"
        );
        let mut stmt = self.db().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![snd_queue_id, limit], SndDelivery::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every send queue with deliveries still to send, with its first one, by queue
    /// id (to start the workers at start).
    pub fn pending_queues(&self) -> Result<Vec<PendingQueue>> {
        let mut stmt = self.db().prepare_cached(
            "SELECT d.snd_queue_id, d.delivery_id, d.status, d.next_attempt_at
             FROM snd_deliveries d
             JOIN (SELECT snd_queue_id, min(delivery_id) AS head FROM snd_deliveries
                   WHERE status IN ('pending', 'quota') GROUP BY snd_queue_id) h
               ON d.delivery_id = h.head
             ORDER BY d.snd_queue_id",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok(PendingQueue {
                snd_queue_id: row.get(0)?,
                head: row.get(1)?,
                status: row.get(2)?,
                next_attempt_at: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records a failed attempt: one more attempt, the new state and the next time.
    pub fn record_delivery_attempt(
        &self,
        id: DeliveryId,
        status: DeliveryStatus,
        next_attempt_at: Timestamp,
    ) -> Result<()> {
        let n = self
            .db()
            .prepare_cached(
                "UPDATE snd_deliveries SET attempts = attempts + 1, status = ?2,
                   next_attempt_at = ?3
                 WHERE delivery_id = ?1",
            )?
            .execute(params![id, status, next_attempt_at])?;
        changed_one(n, "delivery")
    }

    /// Sets every [`DeliveryStatus::Quota`] delivery of a queue back to pending, due at
    /// `at` (on `A_QCONT`). Returns how many changed.
    pub fn resume_quota_deliveries(
        &self,
        snd_queue_id: SndQueueId,
        at: Timestamp,
    ) -> Result<usize> {
        Ok(self
            .db()
            .prepare_cached(
                "UPDATE snd_deliveries SET status = 'pending', next_attempt_at = ?2
                 WHERE snd_queue_id = ?1 AND status = 'quota'",
            )?
            .execute(params![snd_queue_id, at])?)
    }

    /// Removes a delivery (the relay accepted it, or the engine gave up and reported it).
    pub fn delete_delivery(&self, id: DeliveryId) -> Result<()> {
        let n = self
            .db()
            .prepare_cached("DELETE FROM snd_deliveries WHERE delivery_id = ?1")?
            .execute(params![id])?;
        changed_one(n, "delivery")
    }

    /// How many deliveries of a message remain to be made (failed ones, which an older
    /// version kept, do not count: reference `countPendingSndDeliveries_`); when none,
    /// the engine may delete the message.
    pub fn remaining_deliveries(&self, conn_id: &ConnId, internal_id: InternalId) -> Result<u64> {
        let n: i64 = self
            .db()
            .prepare_cached(
                "SELECT count(*) FROM snd_deliveries
                 WHERE conn_id = ?1 AND internal_id = ?2 AND status != 'failed'",
            )?
            .query_row(params![conn_id, internal_id], |row| row.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
