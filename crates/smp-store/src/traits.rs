//! The store interfaces the relay programs against (memory, embedded durable, later SQL).
//!
//! Reads return owned copies. Changes are applied before the call returns and hand back a
//! [`Commit`] to wait on before acknowledging the client.

use crate::commit::Commit;
use crate::error::Result;
use crate::types::{
    DeletedQueue, LinkData, Message, Msg, MsgId, NotifierCreds, QueueId, QueueRec, StoreCounts,
    Write,
};

/// Queue records and their id indexes.
pub trait QueueStore: Send + Sync {
    /// Adds a queue; `Duplicate` if its recipient, sender, notifier or link id is in use.
    fn add_queue(&self, rec: QueueRec) -> Result<Commit>;
    /// The queue with this recipient id.
    fn queue_by_recipient(&self, rid: &QueueId) -> Result<Option<QueueRec>>;
    /// The queue with this sender id.
    fn queue_by_sender(&self, sid: &QueueId) -> Result<Option<QueueRec>>;
    /// The queue with this notifier id.
    fn queue_by_notifier(&self, nid: &QueueId) -> Result<Option<QueueRec>>;
    /// The queue with this link id.
    fn queue_by_link(&self, lid: &QueueId) -> Result<Option<QueueRec>>;
    /// Sets the sender key; idempotent with the same key, `Auth` with a different one.
    fn secure_queue(&self, rid: &QueueId, sender_key: &[u8]) -> Result<Commit>;
    /// Replaces the recipient keys (at least one).
    fn update_keys(&self, rid: &QueueId, keys: Vec<Vec<u8>>) -> Result<Commit>;
    /// Sets link data when there is none, or replaces the user part of the same link
    /// (same link id and fixed part); otherwise `Auth`.
    fn set_link(&self, rid: &QueueId, link: LinkData) -> Result<Commit>;
    /// Removes link data (no-op without it).
    fn delete_link(&self, rid: &QueueId) -> Result<Commit>;
    /// Sets notifier credentials (`Duplicate` if the notifier id is in use), returning the
    /// credentials they replace.
    fn add_notifier(
        &self,
        rid: &QueueId,
        creds: NotifierCreds,
    ) -> Result<Commit<Option<NotifierCreds>>>;
    /// Removes notifier credentials, returning them.
    fn delete_notifier(&self, rid: &QueueId) -> Result<Commit<Option<NotifierCreds>>>;
    /// Suspends the queue (status `Off`).
    fn suspend_queue(&self, rid: &QueueId) -> Result<Commit>;
    /// Blocks the queue with the server's blocking information.
    fn block_queue(&self, rid: &QueueId, info: String) -> Result<Commit>;
    /// Makes the queue active again.
    fn unblock_queue(&self, rid: &QueueId) -> Result<Commit>;
    /// Records use of the queue at `now` (Unix seconds, kept per day); true if it changed.
    fn update_time(&self, rid: &QueueId, now: i64) -> Result<Commit<bool>>;
    /// Deletes the queue and its messages.
    fn delete_queue(&self, rid: &QueueId) -> Result<Commit<DeletedQueue>>;
    /// Number of stored queues.
    fn queue_count(&self) -> Result<usize>;
}

/// Message queues (one per stored queue).
pub trait MsgStore: Send + Sync {
    /// Writes a message under the reference relay's quota rule (see [`Write`]).
    fn write_msg(&self, rid: &QueueId, msg: Message, quota: usize) -> Result<Commit<Write>>;
    /// The first entry of the queue.
    fn peek(&self, rid: &QueueId) -> Result<Option<Msg>>;
    /// Deletes the first entry if it has this id; returns it.
    fn del_msg(&self, rid: &QueueId, msg_id: &MsgId) -> Result<Commit<Option<Msg>>>;
    /// Deletes the first entry if it has this id, and returns (deleted, next first entry).
    fn del_peek(&self, rid: &QueueId, msg_id: &MsgId)
    -> Result<Commit<(Option<Msg>, Option<Msg>)>>;
    /// Number of entries (messages and quota markers) in the queue.
    fn queue_size(&self, rid: &QueueId) -> Result<usize>;
    /// Removes entries with `ts < older_than` from the front of one queue (`Some`) or of
    /// every queue (`None`); returns how many were removed.
    fn expire(&self, rid: Option<&QueueId>, older_than: i64) -> Result<Commit<usize>>;
    /// Counters for statistics.
    fn counts(&self) -> Result<StoreCounts>;
}

/// Both halves of a relay store.
pub trait Store: QueueStore + MsgStore {}

impl<T: QueueStore + MsgStore> Store for T {}

/// Implements [`QueueStore`] and [`MsgStore`] for a backend with `mutate` and `read`.
macro_rules! impl_store_traits {
    ($ty:ty) => {
        impl $crate::traits::QueueStore for $ty {
            fn add_queue(&self, rec: $crate::types::QueueRec) -> $crate::Result<$crate::Commit> {
                self.mutate(|tx| $crate::ops::add_queue(tx, rec))
            }
            fn queue_by_recipient(
                &self,
                rid: &$crate::QueueId,
            ) -> $crate::Result<Option<$crate::QueueRec>> {
                self.read(|s| Ok(s.entry(rid).map(|e| e.to_rec(rid))))
            }
            fn queue_by_sender(
                &self,
                sid: &$crate::QueueId,
            ) -> $crate::Result<Option<$crate::QueueRec>> {
                self.read(|s| {
                    Ok(s.rid_by_sender(sid)
                        .and_then(|r| s.entry(r).map(|e| e.to_rec(r))))
                })
            }
            fn queue_by_notifier(
                &self,
                nid: &$crate::QueueId,
            ) -> $crate::Result<Option<$crate::QueueRec>> {
                self.read(|s| {
                    Ok(s.rid_by_notifier(nid)
                        .and_then(|r| s.entry(r).map(|e| e.to_rec(r))))
                })
            }
            fn queue_by_link(
                &self,
                lid: &$crate::QueueId,
            ) -> $crate::Result<Option<$crate::QueueRec>> {
                self.read(|s| {
                    Ok(s.rid_by_link(lid)
                        .and_then(|r| s.entry(r).map(|e| e.to_rec(r))))
                })
            }
            fn secure_queue(
                &self,
                rid: &$crate::QueueId,
                key: &[u8],
            ) -> $crate::Result<$crate::Commit> {
                self.mutate(|tx| $crate::ops::secure(tx, rid, key))
            }
            fn update_keys(
                &self,
                rid: &$crate::QueueId,
                keys: Vec<Vec<u8>>,
            ) -> $crate::Result<$crate::Commit> {
                self.mutate(|tx| $crate::ops::update_keys(tx, rid, keys))
            }
            fn set_link(
                &self,
                rid: &$crate::QueueId,
                link: $crate::LinkData,
            ) -> $crate::Result<$crate::Commit> {
                self.mutate(|tx| $crate::ops::set_link(tx, rid, link))
            }
            fn delete_link(&self, rid: &$crate::QueueId) -> $crate::Result<$crate::Commit> {
                self.mutate(|tx| $crate::ops::delete_link(tx, rid))
            }
            fn add_notifier(
                &self,
                rid: &$crate::QueueId,
                creds: $crate::NotifierCreds,
            ) -> $crate::Result<$crate::Commit<Option<$crate::NotifierCreds>>> {
                self.mutate(|tx| $crate::ops::add_notifier(tx, rid, creds))
            }
            fn delete_notifier(
                &self,
                rid: &$crate::QueueId,
            ) -> $crate::Result<$crate::Commit<Option<$crate::NotifierCreds>>> {
                self.mutate(|tx| $crate::ops::delete_notifier(tx, rid))
            }
            fn suspend_queue(&self, rid: &$crate::QueueId) -> $crate::Result<$crate::Commit> {
                self.mutate(|tx| $crate::ops::set_status(tx, rid, $crate::QueueStatus::Off))
            }
            fn block_queue(
                &self,
                rid: &$crate::QueueId,
                info: String,
            ) -> $crate::Result<$crate::Commit> {
                self.mutate(|tx| {
                    $crate::ops::set_status(tx, rid, $crate::QueueStatus::Blocked(info))
                })
            }
            fn unblock_queue(&self, rid: &$crate::QueueId) -> $crate::Result<$crate::Commit> {
                self.mutate(|tx| $crate::ops::set_status(tx, rid, $crate::QueueStatus::Active))
            }
            fn update_time(
                &self,
                rid: &$crate::QueueId,
                now: i64,
            ) -> $crate::Result<$crate::Commit<bool>> {
                self.mutate(|tx| $crate::ops::update_time(tx, rid, now))
            }
            fn delete_queue(
                &self,
                rid: &$crate::QueueId,
            ) -> $crate::Result<$crate::Commit<$crate::DeletedQueue>> {
                self.mutate(|tx| $crate::ops::delete_queue(tx, rid))
            }
            fn queue_count(&self) -> $crate::Result<usize> {
                self.read(|s| Ok(s.counts().queues))
            }
        }

        impl $crate::traits::MsgStore for $ty {
            fn write_msg(
                &self,
                rid: &$crate::QueueId,
                msg: $crate::Message,
                quota: usize,
            ) -> $crate::Result<$crate::Commit<$crate::Write>> {
                self.mutate(|tx| $crate::ops::write_msg(tx, rid, msg, quota))
            }
            fn peek(&self, rid: &$crate::QueueId) -> $crate::Result<Option<$crate::Msg>> {
                self.read(|s| $crate::ops::peek(s, rid))
            }
            fn del_msg(
                &self,
                rid: &$crate::QueueId,
                msg_id: &$crate::MsgId,
            ) -> $crate::Result<$crate::Commit<Option<$crate::Msg>>> {
                self.mutate(|tx| $crate::ops::del_msg(tx, rid, msg_id))
            }
            fn del_peek(
                &self,
                rid: &$crate::QueueId,
                msg_id: &$crate::MsgId,
            ) -> $crate::Result<$crate::Commit<(Option<$crate::Msg>, Option<$crate::Msg>)>> {
                self.mutate(|tx| $crate::ops::del_peek(tx, rid, msg_id))
            }
            fn queue_size(&self, rid: &$crate::QueueId) -> $crate::Result<usize> {
                self.read(|s| {
                    s.entry(rid)
                        .map(|e| e.msg_count())
                        .ok_or($crate::StoreError::NoQueue)
                })
            }
            fn expire(
                &self,
                rid: Option<&$crate::QueueId>,
                older_than: i64,
            ) -> $crate::Result<$crate::Commit<usize>> {
                self.mutate(|tx| $crate::ops::expire(tx, rid, older_than))
            }
            fn counts(&self) -> $crate::Result<$crate::StoreCounts> {
                self.read(|s| Ok(s.counts()))
            }
        }
    };
}

pub(crate) use impl_store_traits;
