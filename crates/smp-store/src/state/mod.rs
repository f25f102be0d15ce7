//! The in-memory state shared by both backends, changed only by applying records.
//!
//! Live operations and log replay go through the same [`State::apply`], so a replayed log
//! rebuilds exactly the state that was served.

mod entry;

use std::collections::HashMap;
use std::collections::hash_map::Entry as Entry_;

pub(crate) use entry::Entry;

use crate::record::Record;
use crate::types::{Msg, QueueId, QueueRec, StoreCounts};

/// All queues with their messages, and the secondary id indexes.
#[derive(Default)]
pub(crate) struct State {
    queues: HashMap<QueueId, Box<Entry>>,
    senders: HashMap<QueueId, QueueId>,
    notifiers: HashMap<QueueId, QueueId>,
    links: HashMap<QueueId, QueueId>,
    msg_count: usize,
    msg_bytes: u64,
    /// Mark of the running (or last) snapshot; see [`Entry::mark`].
    mark: u32,
    /// While a snapshot runs: queues saved because a change reached them first.
    capture: Option<Capture>,
}

/// Encoded queue records for a snapshot, with how many queues and entries they hold.
#[derive(Default)]
pub(crate) struct Capture {
    pub buf: Vec<u8>,
    pub queues: u64,
    pub messages: u64,
}

impl Capture {
    fn save(&mut self, rid: &QueueId, e: &Entry) -> Result<(), &'static str> {
        self.messages += e.encode(rid, &mut self.buf)?;
        self.queues += 1;
        Ok(())
    }
}

impl State {
    pub fn entry(&self, rid: &QueueId) -> Option<&Entry> {
        self.queues.get(rid).map(|b| &**b)
    }

    pub fn rid_by_sender(&self, sid: &QueueId) -> Option<&QueueId> {
        self.senders.get(sid)
    }

    pub fn rid_by_notifier(&self, nid: &QueueId) -> Option<&QueueId> {
        self.notifiers.get(nid)
    }

    pub fn rid_by_link(&self, lid: &QueueId) -> Option<&QueueId> {
        self.links.get(lid)
    }

    /// Whether any id of the new record is taken.
    pub fn ids_taken(&self, rec: &QueueRec) -> bool {
        self.queues.contains_key(&rec.recipient_id)
            || self.senders.contains_key(&rec.sender_id)
            || rec
                .notifier
                .as_ref()
                .is_some_and(|n| self.notifiers.contains_key(&n.notifier_id))
            || rec
                .link
                .as_ref()
                .is_some_and(|l| self.links.contains_key(&l.link_id))
    }

    pub fn counts(&self) -> StoreCounts {
        StoreCounts {
            queues: self.queues.len(),
            notifiers: self.notifiers.len(),
            messages: self.msg_count,
            msg_bytes: self.msg_bytes,
        }
    }

    /// A rough size of the live state as a snapshot, for compaction thresholds.
    pub fn live_bytes_estimate(&self) -> u64 {
        self.queues.len() as u64 * 220 + self.msg_count as u64 * 60 + self.msg_bytes
    }

    /// Visits every queue (expiry of all queues).
    pub fn iter(&self) -> impl Iterator<Item = (&QueueId, &Entry)> {
        self.queues.iter().map(|(k, v)| (k, &**v))
    }

    /// Starts a snapshot of the current state: returns the ids of the queues it must hold.
    ///
    /// From now on a change to a queue not yet saved saves it first (copy on write), so the
    /// snapshot is the state at this moment, while changes go on.
    pub fn begin_capture(&mut self) -> Vec<QueueId> {
        self.mark = self.mark.wrapping_add(1);
        self.capture = Some(Capture::default());
        self.queues.keys().copied().collect()
    }

    /// Saves not yet saved queues from the front of `rids`, after what changes saved
    /// meanwhile, until about `max_bytes` are encoded; returns them and how many ids it used.
    pub fn capture_chunk(
        &mut self,
        rids: &[QueueId],
        max_bytes: usize,
    ) -> Result<(Capture, usize), &'static str> {
        let mut out = self
            .capture
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default();
        let mut used = 0;
        for rid in rids {
            if used > 0 && out.buf.len() >= max_bytes {
                break;
            }
            used += 1;
            if let Some(e) = self.queues.get_mut(rid)
                && e.mark != self.mark
            {
                e.mark = self.mark;
                out.save(rid, e)?;
            }
        }
        Ok((out, used))
    }

    /// Ends the snapshot, returning what changes saved since the last chunk.
    pub fn end_capture(&mut self) -> Capture {
        self.capture.take().unwrap_or_default()
    }

    /// Saves the queue a change is about to touch, if a snapshot needs it.
    fn capture_before(&mut self, rec: &Record) -> Result<(), &'static str> {
        let (Some(cap), Some(rid)) = (self.capture.as_mut(), rec.target()) else {
            return Ok(());
        };
        match self.queues.get_mut(rid) {
            Some(e) if e.mark != self.mark => {
                e.mark = self.mark;
                cap.save(rid, e)
            }
            _ => Ok(()),
        }
    }

    /// Applies one change; returns the entry removed by `DeleteMsg`/`DropFront` (the last one).
    ///
    /// Every check happens before anything changes, so an error leaves the state as it was.
    pub fn apply(&mut self, rec: Record) -> Result<Option<Msg>, &'static str> {
        self.capture_before(&rec)?;
        match rec {
            Record::LogHeader { .. }
            | Record::SnapshotHeader { .. }
            | Record::SnapshotEnd { .. } => Err("header record inside the data"),
            Record::CreateQueue(rec) => self.create(*rec).map(|()| None),
            Record::DeleteQueue { rid } => self.delete(&rid).map(|()| None),
            Record::AppendMsg { rid, msg } => {
                let e = self.entry_mut(&rid)?;
                let len = msg.body_len() as u64;
                e.push_msg(msg);
                self.msg_count += 1;
                self.msg_bytes += len;
                Ok(None)
            }
            Record::DeleteMsg { rid, id } => {
                let e = self.entry_mut(&rid)?;
                if e.msgs().and_then(|q| q.front()).map(Msg::id) != Some(&id) {
                    return Err("deleted message is not the first one");
                }
                let m = e.pop_msg();
                self.forget_msgs(m.iter());
                Ok(m)
            }
            Record::DropFront { rid, count } => {
                let e = self.entry_mut(&rid)?;
                if (count as usize) > e.msg_count() {
                    return Err("expiring more messages than stored");
                }
                let dropped: Vec<Msg> = (0..count).filter_map(|_| e.pop_msg()).collect();
                self.forget_msgs(dropped.iter());
                Ok(dropped.into_iter().last())
            }
            other => self.apply_queue_change(other).map(|()| None),
        }
    }

    fn apply_queue_change(&mut self, rec: Record) -> Result<(), &'static str> {
        match rec {
            Record::Secure { rid, key } => {
                self.entry_mut(&rid)?.sender_key = Some(key.into_boxed_slice());
            }
            Record::UpdateKeys { rid, keys } => self.entry_mut(&rid)?.set_keys(&keys),
            Record::SetLink { rid, link } => {
                let e = self.entry_mut(&rid)?;
                let old = e.link().map(|l| l.link_id);
                if old != Some(link.link_id) && self.links.contains_key(&link.link_id) {
                    return Err("link id in use");
                }
                let lid = link.link_id;
                self.entry_mut(&rid)?.edit_extra(|x| x.link = Some(link));
                if let Some(old) = old {
                    self.links.remove(&old);
                }
                self.links.insert(lid, rid);
            }
            Record::DeleteLink { rid } => {
                if let Some(l) = self.entry_mut(&rid)?.edit_extra(|x| x.link.take()) {
                    self.links.remove(&l.link_id);
                }
            }
            Record::AddNotifier { rid, creds } => {
                self.entry_mut(&rid)?;
                if self.notifiers.contains_key(&creds.notifier_id) {
                    return Err("notifier id in use");
                }
                let nid = creds.notifier_id;
                let old = self
                    .entry_mut(&rid)?
                    .edit_extra(|x| x.notifier.replace(creds));
                if let Some(old) = old {
                    self.notifiers.remove(&old.notifier_id);
                }
                self.notifiers.insert(nid, rid);
            }
            Record::DeleteNotifier { rid } => {
                if let Some(n) = self.entry_mut(&rid)?.edit_extra(|x| x.notifier.take()) {
                    self.notifiers.remove(&n.notifier_id);
                }
            }
            Record::SetStatus { rid, status } => {
                self.entry_mut(&rid)?.edit_extra(|x| x.status = status);
            }
            Record::UpdateTime { rid, date } => self.entry_mut(&rid)?.updated_at = date,
            _ => return Err("unexpected record"),
        }
        Ok(())
    }

    fn entry_mut(&mut self, rid: &QueueId) -> Result<&mut Entry, &'static str> {
        self.queues
            .get_mut(rid)
            .map(|b| &mut **b)
            .ok_or("record for a missing queue")
    }

    /// Makes room for `queues` more queues (loading a snapshot).
    pub fn reserve(&mut self, queues: usize) {
        self.queues.reserve(queues);
        self.senders.reserve(queues);
    }

    fn create(&mut self, rec: QueueRec) -> Result<(), &'static str> {
        let rid = rec.recipient_id;
        // One hash per map on the common path: look up through the entry API.
        let (Entry_::Vacant(q), Entry_::Vacant(s)) =
            (self.queues.entry(rid), self.senders.entry(rec.sender_id))
        else {
            return Err("queue ids in use");
        };
        let nid = rec.notifier.as_ref().map(|n| n.notifier_id);
        let lid = rec.link.as_ref().map(|l| l.link_id);
        if nid.is_some_and(|n| self.notifiers.contains_key(&n))
            || lid.is_some_and(|l| self.links.contains_key(&l))
        {
            return Err("queue ids in use");
        }
        s.insert(rid);
        let mut e = Box::new(Entry::from_rec(rec));
        // Created after a running snapshot started: not part of it.
        e.mark = self.mark;
        q.insert(e);
        if let Some(n) = nid {
            self.notifiers.insert(n, rid);
        }
        if let Some(l) = lid {
            self.links.insert(l, rid);
        }
        Ok(())
    }

    fn delete(&mut self, rid: &QueueId) -> Result<(), &'static str> {
        let e = self
            .queues
            .remove(rid)
            .ok_or("record for a missing queue")?;
        self.senders.remove(&e.sender_id);
        if let Some(n) = e.notifier() {
            self.notifiers.remove(&n.notifier_id);
        }
        if let Some(l) = e.link() {
            self.links.remove(&l.link_id);
        }
        if let Some(q) = e.msgs() {
            self.forget_msgs(q.iter());
        }
        Ok(())
    }

    fn forget_msgs<'a>(&mut self, msgs: impl Iterator<Item = &'a Msg>) {
        for m in msgs {
            self.msg_count = self.msg_count.saturating_sub(1);
            self.msg_bytes = self.msg_bytes.saturating_sub(m.body_len() as u64);
        }
    }
}
