//! The compact in-memory form of one queue.
//!
//! Memory per idle queue matters (a relay holds millions), so the common parts sit inline,
//! the recipient keys are packed into one allocation, and the rarely used parts (link,
//! notifier, non-active status) and the message list live behind optional boxes.

use std::collections::VecDeque;

use crate::record::{QueueView, encode_append, encode_view, pack_keys, unpack_keys};
use crate::types::{
    DhSecret, LinkData, Msg, NotifierCreds, QueueId, QueueMode, QueueRec, QueueStatus,
};

/// The rarely present parts of a queue.
#[derive(Clone)]
pub(crate) struct Extra {
    pub link: Option<LinkData>,
    pub notifier: Option<NotifierCreds>,
    pub status: QueueStatus,
}

impl Extra {
    fn is_empty(&self) -> bool {
        self.link.is_none() && self.notifier.is_none() && self.status == QueueStatus::Active
    }
}

/// One stored queue.
pub(crate) struct Entry {
    pub sender_id: QueueId,
    pub rcv_dh_secret: DhSecret,
    /// Recipient keys as `u16 len ‖ bytes` repeated.
    keys: Box<[u8]>,
    pub sender_key: Option<Box<[u8]>>,
    extra: Option<Box<Extra>>,
    /// Entries (messages and quota markers), `None` when empty. Boxed on purpose: an idle
    /// queue then pays 8 bytes here instead of an empty `VecDeque`'s 32.
    #[allow(clippy::box_collection)]
    msgs: Option<Box<VecDeque<Msg>>>,
    pub updated_at: i64,
    pub queue_mode: Option<QueueMode>,
    /// Snapshot mark: equal to the state's mark once this queue is in the running snapshot
    /// (or was created after it started). Fits in what would be padding.
    pub mark: u32,
}

impl Entry {
    /// Builds the entry from a full record (the recipient id is the map key).
    pub fn from_rec(rec: QueueRec) -> Entry {
        let mut e = Entry {
            sender_id: rec.sender_id,
            rcv_dh_secret: rec.rcv_dh_secret,
            keys: Box::new([]),
            sender_key: rec.sender_key.map(Vec::into_boxed_slice),
            extra: None,
            msgs: None,
            updated_at: rec.updated_at,
            queue_mode: rec.queue_mode,
            mark: 0,
        };
        e.set_keys(&rec.recipient_keys);
        let extra = Extra {
            link: rec.link,
            notifier: rec.notifier,
            status: rec.status,
        };
        if !extra.is_empty() {
            e.extra = Some(Box::new(extra));
        }
        e
    }

    /// Appends the queue's creation record and one record per entry; returns the entry count.
    pub fn encode(&self, rid: &QueueId, buf: &mut Vec<u8>) -> Result<u64, &'static str> {
        encode_view(buf, &self.view(rid))?;
        let mut n = 0;
        for m in self.msgs().into_iter().flatten() {
            encode_append(buf, rid, m)?;
            n += 1;
        }
        Ok(n)
    }

    /// A borrowed view for encoding the queue's creation record.
    pub fn view<'a>(&'a self, rid: &'a QueueId) -> QueueView<'a> {
        QueueView {
            rid,
            sid: &self.sender_id,
            dh: self.rcv_dh_secret.as_bytes(),
            packed_keys: &self.keys,
            sender_key: self.sender_key.as_deref(),
            queue_mode: self.queue_mode,
            link: self.link(),
            notifier: self.notifier(),
            status: self.status(),
            updated_at: self.updated_at,
        }
    }

    /// An owned copy of the full record.
    pub fn to_rec(&self, rid: &QueueId) -> QueueRec {
        let extra = self.extra.as_deref();
        QueueRec {
            recipient_id: *rid,
            recipient_keys: self.keys(),
            rcv_dh_secret: self.rcv_dh_secret.clone(),
            sender_id: self.sender_id,
            sender_key: self.sender_key.as_ref().map(|k| k.to_vec()),
            queue_mode: self.queue_mode,
            link: extra.and_then(|x| x.link.clone()),
            notifier: extra.and_then(|x| x.notifier.clone()),
            status: extra.map_or(QueueStatus::Active, |x| x.status.clone()),
            updated_at: self.updated_at,
        }
    }

    /// Unpacks the recipient keys.
    pub fn keys(&self) -> Vec<Vec<u8>> {
        unpack_keys(&self.keys).map(<[u8]>::to_vec).collect()
    }

    /// Packs and stores the recipient keys (callers check each is at most u16::MAX long).
    pub fn set_keys(&mut self, keys: &[Vec<u8>]) {
        self.keys = pack_keys(keys).into_boxed_slice();
    }

    pub fn link(&self) -> Option<&LinkData> {
        self.extra.as_ref().and_then(|x| x.link.as_ref())
    }

    pub fn notifier(&self) -> Option<&NotifierCreds> {
        self.extra.as_ref().and_then(|x| x.notifier.as_ref())
    }

    pub fn status(&self) -> &QueueStatus {
        const ACTIVE: QueueStatus = QueueStatus::Active;
        self.extra.as_ref().map_or(&ACTIVE, |x| &x.status)
    }

    /// Changes the rare parts, allocating or freeing their box as needed.
    pub fn edit_extra<R>(&mut self, f: impl FnOnce(&mut Extra) -> R) -> R {
        let mut x = self.extra.take().unwrap_or_else(|| {
            Box::new(Extra {
                link: None,
                notifier: None,
                status: QueueStatus::Active,
            })
        });
        let r = f(&mut x);
        if !x.is_empty() {
            self.extra = Some(x);
        }
        r
    }

    pub fn msgs(&self) -> Option<&VecDeque<Msg>> {
        self.msgs.as_deref()
    }

    pub fn msg_count(&self) -> usize {
        self.msgs.as_ref().map_or(0, |q| q.len())
    }

    pub fn push_msg(&mut self, msg: Msg) {
        self.msgs.get_or_insert_with(Box::default).push_back(msg);
    }

    pub fn pop_msg(&mut self) -> Option<Msg> {
        let q = self.msgs.as_mut()?;
        let m = q.pop_front();
        if q.is_empty() {
            self.msgs = None;
        }
        m
    }
}
