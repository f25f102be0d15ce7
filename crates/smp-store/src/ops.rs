//! The store operations, written once for both backends.
//!
//! Each operation checks its inputs against the state, then commits records through a
//! [`Tx`]: the record is appended to the log buffer (durable backend) and applied.

use crate::error::{Result, StoreError};
use crate::record::Record;
use crate::state::{Entry, State};
use crate::types::{
    DeletedQueue, LinkData, Message, Msg, MsgId, NotifierCreds, QueueId, QueueRec, QueueStatus,
    Write, round_to_day,
};

/// Most recipient keys a queue may have.
pub const MAX_RECIPIENT_KEYS: usize = 255;
/// Longest key (SPKI DER) the store accepts.
pub const MAX_KEY_LEN: usize = 1024;
/// Longest encrypted link part the store accepts.
pub const MAX_LINK_PART: usize = 64 * 1024;
/// Longest message body the store accepts.
pub const MAX_BODY: usize = 256 * 1024;
/// Longest blocking information the store accepts.
pub const MAX_BLOCK_INFO: usize = 4096;

/// A change in progress: the state plus, for the durable backend, the log buffer.
pub(crate) struct Tx<'a> {
    pub state: &'a mut State,
    log: Option<&'a mut Vec<u8>>,
    /// Records committed so far.
    pub records: u64,
}

impl<'a> Tx<'a> {
    pub fn new(state: &'a mut State, log: Option<&'a mut Vec<u8>>) -> Self {
        Tx {
            state,
            log,
            records: 0,
        }
    }

    /// Logs and applies one record; on failure neither happens.
    fn commit(&mut self, rec: Record) -> Result<Option<Msg>> {
        let mark = self.log.as_ref().map(|b| b.len());
        if let Some(buf) = self.log.as_deref_mut() {
            rec.encode(buf).map_err(StoreError::Invalid)?;
        }
        match self.state.apply(rec) {
            Ok(removed) => {
                self.records += 1;
                Ok(removed)
            }
            Err(why) => {
                if let (Some(buf), Some(mark)) = (self.log.as_deref_mut(), mark) {
                    buf.truncate(mark);
                }
                Err(StoreError::Internal(why))
            }
        }
    }

    fn entry(&self, rid: &QueueId) -> Result<&Entry> {
        self.state.entry(rid).ok_or(StoreError::NoQueue)
    }
}

fn check_key(key: &[u8]) -> Result<()> {
    if key.is_empty() || key.len() > MAX_KEY_LEN {
        return Err(StoreError::Invalid("key length"));
    }
    Ok(())
}

fn check_keys(keys: &[Vec<u8>]) -> Result<()> {
    if keys.is_empty() || keys.len() > MAX_RECIPIENT_KEYS {
        return Err(StoreError::Invalid("number of recipient keys"));
    }
    keys.iter().try_for_each(|k| check_key(k))
}

fn check_link(link: &LinkData) -> Result<()> {
    if link.enc_fixed.len() > MAX_LINK_PART || link.enc_user.len() > MAX_LINK_PART {
        return Err(StoreError::Invalid("link data length"));
    }
    Ok(())
}

fn check_status(status: &QueueStatus) -> Result<()> {
    match status {
        QueueStatus::Blocked(info) if info.len() > MAX_BLOCK_INFO => {
            Err(StoreError::Invalid("blocking info length"))
        }
        _ => Ok(()),
    }
}

/// Adds a new queue; every id must be unused.
pub(crate) fn add_queue(tx: &mut Tx, rec: QueueRec) -> Result<()> {
    check_keys(&rec.recipient_keys)?;
    if let Some(k) = &rec.sender_key {
        check_key(k)?;
    }
    if let Some(l) = &rec.link {
        check_link(l)?;
    }
    if let Some(n) = &rec.notifier {
        check_key(&n.notifier_key)?;
    }
    check_status(&rec.status)?;
    if tx.state.ids_taken(&rec) {
        return Err(StoreError::Duplicate);
    }
    tx.commit(Record::CreateQueue(Box::new(rec))).map(drop)
}

/// Sets the sender key; the same key again succeeds, a different one is refused.
pub(crate) fn secure(tx: &mut Tx, rid: &QueueId, key: &[u8]) -> Result<()> {
    check_key(key)?;
    match &tx.entry(rid)?.sender_key {
        Some(k) if **k == *key => Ok(()),
        Some(_) => Err(StoreError::Auth("queue secured with another key")),
        None => tx
            .commit(Record::Secure {
                rid: *rid,
                key: key.to_vec(),
            })
            .map(drop),
    }
}

/// Replaces the recipient keys.
pub(crate) fn update_keys(tx: &mut Tx, rid: &QueueId, keys: Vec<Vec<u8>>) -> Result<()> {
    check_keys(&keys)?;
    tx.entry(rid)?;
    tx.commit(Record::UpdateKeys { rid: *rid, keys }).map(drop)
}

/// Sets link data: allowed when there is none, or to replace the user part of the same link.
pub(crate) fn set_link(tx: &mut Tx, rid: &QueueId, link: LinkData) -> Result<()> {
    check_link(&link)?;
    match tx.entry(rid)?.link() {
        None => {
            if tx.state.rid_by_link(&link.link_id).is_some() {
                return Err(StoreError::Duplicate);
            }
        }
        Some(old) if old.link_id == link.link_id && old.enc_fixed == link.enc_fixed => {}
        Some(_) => return Err(StoreError::Auth("link id or fixed data differ")),
    }
    tx.commit(Record::SetLink { rid: *rid, link }).map(drop)
}

/// Removes link data if any.
pub(crate) fn delete_link(tx: &mut Tx, rid: &QueueId) -> Result<()> {
    if tx.entry(rid)?.link().is_none() {
        return Ok(());
    }
    tx.commit(Record::DeleteLink { rid: *rid }).map(drop)
}

/// Sets notifier credentials, returning the ones they replace.
pub(crate) fn add_notifier(
    tx: &mut Tx,
    rid: &QueueId,
    creds: NotifierCreds,
) -> Result<Option<NotifierCreds>> {
    check_key(&creds.notifier_key)?;
    let old = tx.entry(rid)?.notifier().cloned();
    if tx.state.rid_by_notifier(&creds.notifier_id).is_some() {
        return Err(StoreError::Duplicate);
    }
    tx.commit(Record::AddNotifier { rid: *rid, creds })?;
    Ok(old)
}

/// Removes notifier credentials, returning them.
pub(crate) fn delete_notifier(tx: &mut Tx, rid: &QueueId) -> Result<Option<NotifierCreds>> {
    let old = tx.entry(rid)?.notifier().cloned();
    if old.is_some() {
        tx.commit(Record::DeleteNotifier { rid: *rid })?;
    }
    Ok(old)
}

/// Sets the status (suspend, block, unblock).
pub(crate) fn set_status(tx: &mut Tx, rid: &QueueId, status: QueueStatus) -> Result<()> {
    check_status(&status)?;
    if *tx.entry(rid)?.status() == status {
        return Ok(());
    }
    tx.commit(Record::SetStatus { rid: *rid, status }).map(drop)
}

/// Records the day of last use; returns whether it changed.
pub(crate) fn update_time(tx: &mut Tx, rid: &QueueId, now: i64) -> Result<bool> {
    let date = round_to_day(now);
    if tx.entry(rid)?.updated_at == date {
        return Ok(false);
    }
    tx.commit(Record::UpdateTime { rid: *rid, date })?;
    Ok(true)
}

/// Deletes the queue and its messages.
pub(crate) fn delete_queue(tx: &mut Tx, rid: &QueueId) -> Result<DeletedQueue> {
    let e = tx.entry(rid)?;
    let deleted = DeletedQueue {
        rec: e.to_rec(rid),
        msg_count: e.msg_count(),
    };
    tx.commit(Record::DeleteQueue { rid: *rid })?;
    Ok(deleted)
}

/// The reference relay's write rule (`MsgStore/STM.hs`, `writeMsg`).
///
/// The queue accepts a write when it can (its last entry is not a quota marker) or when it
/// is empty. Then, below quota the message is stored; at quota a marker is stored instead.
pub(crate) fn write_msg(tx: &mut Tx, rid: &QueueId, msg: Message, quota: usize) -> Result<Write> {
    if msg.body.len() > MAX_BODY {
        return Err(StoreError::Invalid("message body length"));
    }
    let e = tx.entry(rid)?;
    let size = e.msg_count();
    let can_write = e
        .msgs()
        .and_then(|q| q.back())
        .is_none_or(|m| !m.is_quota());
    if !can_write && size > 0 {
        return Ok(Write::QuotaExceeded);
    }
    let rid = *rid;
    if size < quota {
        tx.commit(Record::AppendMsg {
            rid,
            msg: Msg::Message(msg),
        })?;
        Ok(Write::Stored {
            was_empty: size == 0,
        })
    } else {
        let marker = Msg::Quota {
            id: msg.id,
            ts: msg.ts,
        };
        tx.commit(Record::AppendMsg { rid, msg: marker })?;
        Ok(Write::QuotaExceeded)
    }
}

/// The first entry.
pub(crate) fn peek(state: &State, rid: &QueueId) -> Result<Option<Msg>> {
    let e = state.entry(rid).ok_or(StoreError::NoQueue)?;
    Ok(e.msgs().and_then(|q| q.front()).cloned())
}

/// Deletes the first entry if it has this id.
pub(crate) fn del_msg(tx: &mut Tx, rid: &QueueId, id: &MsgId) -> Result<Option<Msg>> {
    let e = tx.entry(rid)?;
    if e.msgs().and_then(|q| q.front()).map(Msg::id) != Some(id) {
        return Ok(None);
    }
    tx.commit(Record::DeleteMsg { rid: *rid, id: *id })
}

/// Deletes the first entry if it has this id, and returns it with the entry now first.
pub(crate) fn del_peek(
    tx: &mut Tx,
    rid: &QueueId,
    id: &MsgId,
) -> Result<(Option<Msg>, Option<Msg>)> {
    let deleted = del_msg(tx, rid, id)?;
    Ok((deleted, peek(tx.state, rid)?))
}

/// Removes entries older than `older_than` from the front of one queue.
fn expire_one(tx: &mut Tx, rid: &QueueId, older_than: i64) -> Result<usize> {
    let e = tx.entry(rid)?;
    let n = e
        .msgs()
        .map_or(0, |q| q.iter().take_while(|m| m.ts() < older_than).count());
    if n > 0 {
        // Counts above u32::MAX cannot occur: quotas are far smaller.
        let count = u32::try_from(n).map_err(|_| StoreError::Internal("queue too long"))?;
        tx.commit(Record::DropFront { rid: *rid, count })?;
    }
    Ok(n)
}

/// Expires one queue or all of them; returns how many entries were removed.
pub(crate) fn expire(tx: &mut Tx, scope: Option<&QueueId>, older_than: i64) -> Result<usize> {
    match scope {
        Some(rid) => expire_one(tx, rid, older_than),
        None => {
            let due: Vec<QueueId> = tx
                .state
                .iter()
                .filter(|(_, e)| {
                    e.msgs()
                        .and_then(|q| q.front())
                        .is_some_and(|m| m.ts() < older_than)
                })
                .map(|(rid, _)| *rid)
                .collect();
            let mut total = 0;
            for rid in &due {
                total += expire_one(tx, rid, older_than)?;
            }
            Ok(total)
        }
    }
}
