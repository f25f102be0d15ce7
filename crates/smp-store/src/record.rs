//! Store records: every change to the state, and the headers of store files.
//!
//! Payloads are little-endian; ids are 24 raw bytes; byte strings carry a u16 (keys, info)
//! or u32 (link data, bodies) length. Decoding rejects short and trailing input.

use crate::frame::write_frame;
use crate::types::{
    DhSecret, LinkData, Msg, MsgId, NotifierCreds, QueueId, QueueMode, QueueRec, QueueStatus,
};

/// Magic and format version at the start of every store file.
pub(crate) const MAGIC: &[u8; 8] = b"SMPSTORE";
pub(crate) const FORMAT_VERSION: u16 = 1;

mod kind {
    pub const LOG_HEADER: u8 = 1;
    pub const SNAPSHOT_HEADER: u8 = 2;
    pub const SNAPSHOT_END: u8 = 3;
    pub const CREATE_QUEUE: u8 = 10;
    pub const SECURE: u8 = 11;
    pub const UPDATE_KEYS: u8 = 12;
    pub const SET_LINK: u8 = 13;
    pub const DELETE_LINK: u8 = 14;
    pub const ADD_NOTIFIER: u8 = 15;
    pub const DELETE_NOTIFIER: u8 = 16;
    pub const SET_STATUS: u8 = 17;
    pub const UPDATE_TIME: u8 = 18;
    pub const DELETE_QUEUE: u8 = 19;
    pub const APPEND_MSG: u8 = 20;
    pub const DELETE_MSG: u8 = 21;
    pub const DROP_FRONT: u8 = 22;
}

/// One record of a store file.
#[derive(Debug, PartialEq)]
pub(crate) enum Record {
    /// First record of a log file.
    LogHeader {
        generation: u64,
    },
    /// First record of a snapshot file.
    SnapshotHeader {
        generation: u64,
        queues: u64,
        messages: u64,
    },
    /// Last record of a snapshot file.
    SnapshotEnd {
        queues: u64,
        messages: u64,
    },
    CreateQueue(Box<QueueRec>),
    Secure {
        rid: QueueId,
        key: Vec<u8>,
    },
    UpdateKeys {
        rid: QueueId,
        keys: Vec<Vec<u8>>,
    },
    SetLink {
        rid: QueueId,
        link: LinkData,
    },
    DeleteLink {
        rid: QueueId,
    },
    AddNotifier {
        rid: QueueId,
        creds: NotifierCreds,
    },
    DeleteNotifier {
        rid: QueueId,
    },
    SetStatus {
        rid: QueueId,
        status: QueueStatus,
    },
    UpdateTime {
        rid: QueueId,
        date: i64,
    },
    DeleteQueue {
        rid: QueueId,
    },
    /// Appends an entry (message or quota marker) at the back of the queue.
    AppendMsg {
        rid: QueueId,
        msg: Msg,
    },
    /// Removes the queue's first entry, which must have this id.
    DeleteMsg {
        rid: QueueId,
        id: MsgId,
    },
    /// Removes the queue's first `count` entries (expiry).
    DropFront {
        rid: QueueId,
        count: u32,
    },
}

impl Record {
    /// The existing queue this record changes (`None` for headers and queue creation).
    pub(crate) fn target(&self) -> Option<&QueueId> {
        match self {
            Record::LogHeader { .. }
            | Record::SnapshotHeader { .. }
            | Record::SnapshotEnd { .. }
            | Record::CreateQueue(_) => None,
            Record::Secure { rid, .. }
            | Record::UpdateKeys { rid, .. }
            | Record::SetLink { rid, .. }
            | Record::DeleteLink { rid }
            | Record::AddNotifier { rid, .. }
            | Record::DeleteNotifier { rid }
            | Record::SetStatus { rid, .. }
            | Record::UpdateTime { rid, .. }
            | Record::DeleteQueue { rid }
            | Record::AppendMsg { rid, .. }
            | Record::DeleteMsg { rid, .. }
            | Record::DropFront { rid, .. } => Some(rid),
        }
    }

    /// Appends this record as one frame.
    pub(crate) fn encode(&self, buf: &mut Vec<u8>) -> Result<(), &'static str> {
        match self {
            Record::LogHeader { generation } => header(buf, kind::LOG_HEADER, *generation),
            Record::SnapshotHeader {
                generation,
                queues,
                messages,
            } => write_frame(buf, kind::SNAPSHOT_HEADER, |b| {
                put_magic(b, *generation);
                put_u64(b, *queues);
                put_u64(b, *messages);
            }),
            Record::SnapshotEnd { queues, messages } => write_frame(buf, kind::SNAPSHOT_END, |b| {
                put_u64(b, *queues);
                put_u64(b, *messages);
            }),
            Record::CreateQueue(rec) => encode_create(buf, rec),
            Record::Secure { rid, key } => write_frame(buf, kind::SECURE, |b| {
                b.extend_from_slice(rid);
                put_short(b, key);
            }),
            Record::UpdateKeys { rid, keys } => write_frame(buf, kind::UPDATE_KEYS, |b| {
                b.extend_from_slice(rid);
                put_keys(b, keys);
            }),
            Record::SetLink { rid, link } => write_frame(buf, kind::SET_LINK, |b| {
                b.extend_from_slice(rid);
                put_link(b, link);
            }),
            Record::DeleteLink { rid } => rid_only(buf, kind::DELETE_LINK, rid),
            Record::AddNotifier { rid, creds } => write_frame(buf, kind::ADD_NOTIFIER, |b| {
                b.extend_from_slice(rid);
                put_notifier(b, creds);
            }),
            Record::DeleteNotifier { rid } => rid_only(buf, kind::DELETE_NOTIFIER, rid),
            Record::SetStatus { rid, status } => write_frame(buf, kind::SET_STATUS, |b| {
                b.extend_from_slice(rid);
                put_status(b, status);
            }),
            Record::UpdateTime { rid, date } => write_frame(buf, kind::UPDATE_TIME, |b| {
                b.extend_from_slice(rid);
                b.extend_from_slice(&date.to_le_bytes());
            }),
            Record::DeleteQueue { rid } => rid_only(buf, kind::DELETE_QUEUE, rid),
            Record::AppendMsg { rid, msg } => encode_append(buf, rid, msg),
            Record::DeleteMsg { rid, id } => write_frame(buf, kind::DELETE_MSG, |b| {
                b.extend_from_slice(rid);
                b.extend_from_slice(id);
            }),
            Record::DropFront { rid, count } => write_frame(buf, kind::DROP_FRONT, |b| {
                b.extend_from_slice(rid);
                b.extend_from_slice(&count.to_le_bytes());
            }),
        }
    }

    /// Decodes a frame's kind and payload.
    pub(crate) fn decode(kind: u8, payload: &[u8]) -> Result<Record, &'static str> {
        let mut r = Reader(payload);
        let rec = match kind {
            kind::LOG_HEADER => Record::LogHeader {
                generation: r.header()?,
            },
            kind::SNAPSHOT_HEADER => Record::SnapshotHeader {
                generation: r.header()?,
                queues: r.u64()?,
                messages: r.u64()?,
            },
            kind::SNAPSHOT_END => Record::SnapshotEnd {
                queues: r.u64()?,
                messages: r.u64()?,
            },
            kind::CREATE_QUEUE => Record::CreateQueue(Box::new(r.queue_rec()?)),
            kind::SECURE => Record::Secure {
                rid: r.id()?,
                key: r.short()?,
            },
            kind::UPDATE_KEYS => Record::UpdateKeys {
                rid: r.id()?,
                keys: r.keys()?,
            },
            kind::SET_LINK => Record::SetLink {
                rid: r.id()?,
                link: r.link()?,
            },
            kind::DELETE_LINK => Record::DeleteLink { rid: r.id()? },
            kind::ADD_NOTIFIER => Record::AddNotifier {
                rid: r.id()?,
                creds: r.notifier()?,
            },
            kind::DELETE_NOTIFIER => Record::DeleteNotifier { rid: r.id()? },
            kind::SET_STATUS => Record::SetStatus {
                rid: r.id()?,
                status: r.status()?,
            },
            kind::UPDATE_TIME => Record::UpdateTime {
                rid: r.id()?,
                date: r.i64()?,
            },
            kind::DELETE_QUEUE => Record::DeleteQueue { rid: r.id()? },
            kind::APPEND_MSG => Record::AppendMsg {
                rid: r.id()?,
                msg: r.msg()?,
            },
            kind::DELETE_MSG => Record::DeleteMsg {
                rid: r.id()?,
                id: r.id()?,
            },
            kind::DROP_FRONT => Record::DropFront {
                rid: r.id()?,
                count: r.u32()?,
            },
            _ => return Err("unknown record kind"),
        };
        if !r.0.is_empty() {
            return Err("trailing bytes in record");
        }
        Ok(rec)
    }
}

/// A queue's parts, borrowed, for encoding its creation record.
pub(crate) struct QueueView<'a> {
    pub rid: &'a QueueId,
    pub sid: &'a QueueId,
    pub dh: &'a [u8; 32],
    /// Recipient keys as `u16 len ‖ bytes` repeated (see [`pack_keys`]).
    pub packed_keys: &'a [u8],
    pub sender_key: Option<&'a [u8]>,
    pub queue_mode: Option<QueueMode>,
    pub link: Option<&'a LinkData>,
    pub notifier: Option<&'a NotifierCreds>,
    pub status: &'a QueueStatus,
    pub updated_at: i64,
}

/// Packs keys as `u16 len ‖ bytes` repeated (callers keep each under u16::MAX bytes).
pub(crate) fn pack_keys(keys: &[Vec<u8>]) -> Vec<u8> {
    let mut packed = Vec::with_capacity(keys.iter().map(|k| k.len() + 2).sum());
    for k in keys {
        put_short(&mut packed, k);
    }
    packed
}

/// The keys of a packed key list.
pub(crate) fn unpack_keys(mut packed: &[u8]) -> impl Iterator<Item = &[u8]> {
    std::iter::from_fn(move || {
        let [a, b, rest @ ..] = packed else {
            return None;
        };
        let len = usize::from(u16::from_le_bytes([*a, *b])).min(rest.len());
        let (key, tail) = rest.split_at(len);
        packed = tail;
        Some(key)
    })
}

/// Encodes a queue creation from an owned record.
fn encode_create(buf: &mut Vec<u8>, q: &QueueRec) -> Result<(), &'static str> {
    let packed = pack_keys(&q.recipient_keys);
    encode_view(
        buf,
        &QueueView {
            rid: &q.recipient_id,
            sid: &q.sender_id,
            dh: q.rcv_dh_secret.as_bytes(),
            packed_keys: &packed,
            sender_key: q.sender_key.as_deref(),
            queue_mode: q.queue_mode,
            link: q.link.as_ref(),
            notifier: q.notifier.as_ref(),
            status: &q.status,
            updated_at: q.updated_at,
        },
    )
}

/// Encodes a queue creation from borrowed parts (snapshots use this).
pub(crate) fn encode_view(buf: &mut Vec<u8>, q: &QueueView) -> Result<(), &'static str> {
    let n =
        u8::try_from(unpack_keys(q.packed_keys).count()).map_err(|_| "too many recipient keys")?;
    write_frame(buf, kind::CREATE_QUEUE, |b| {
        b.extend_from_slice(q.rid);
        b.extend_from_slice(q.sid);
        b.extend_from_slice(q.dh);
        b.push(n);
        b.extend_from_slice(q.packed_keys);
        put_opt(b, q.sender_key, put_short);
        b.push(match q.queue_mode {
            None => 0,
            Some(QueueMode::Messaging) => 1,
            Some(QueueMode::Contact) => 2,
        });
        put_opt(b, q.link, put_link);
        put_opt(b, q.notifier, put_notifier);
        put_status(b, q.status);
        b.extend_from_slice(&q.updated_at.to_le_bytes());
    })
}

/// Encodes an appended queue entry from a borrowed message (snapshots use this).
pub(crate) fn encode_append(
    buf: &mut Vec<u8>,
    rid: &QueueId,
    msg: &Msg,
) -> Result<(), &'static str> {
    write_frame(buf, kind::APPEND_MSG, |b| {
        b.extend_from_slice(rid);
        match msg {
            Msg::Message(m) => {
                b.push(0);
                b.extend_from_slice(&m.id);
                b.extend_from_slice(&m.ts.to_le_bytes());
                b.push(u8::from(m.ntf_flag));
                put_long(b, &m.body);
            }
            Msg::Quota { id, ts } => {
                b.push(1);
                b.extend_from_slice(id);
                b.extend_from_slice(&ts.to_le_bytes());
            }
        }
    })
}

fn header(buf: &mut Vec<u8>, k: u8, generation: u64) -> Result<(), &'static str> {
    write_frame(buf, k, |b| put_magic(b, generation))
}

fn put_magic(b: &mut Vec<u8>, generation: u64) {
    b.extend_from_slice(MAGIC);
    b.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    put_u64(b, generation);
}

fn rid_only(buf: &mut Vec<u8>, k: u8, rid: &QueueId) -> Result<(), &'static str> {
    write_frame(buf, k, |b| b.extend_from_slice(rid))
}

fn put_u64(b: &mut Vec<u8>, v: u64) {
    b.extend_from_slice(&v.to_le_bytes());
}

/// Writes a byte string with a u16 length; callers validate lengths before.
fn put_short(b: &mut Vec<u8>, s: &[u8]) {
    let len = u16::try_from(s.len()).unwrap_or(u16::MAX);
    b.extend_from_slice(&len.to_le_bytes());
    b.extend_from_slice(&s[..usize::from(len)]);
}

/// Writes a byte string with a u32 length; the frame limit bounds it.
fn put_long(b: &mut Vec<u8>, s: &[u8]) {
    let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
    b.extend_from_slice(&len.to_le_bytes());
    b.extend_from_slice(&s[..len as usize]);
}

fn put_keys(b: &mut Vec<u8>, keys: &[Vec<u8>]) {
    let n = u8::try_from(keys.len()).unwrap_or(u8::MAX);
    b.push(n);
    for k in &keys[..usize::from(n)] {
        put_short(b, k);
    }
}

fn put_opt<T: ?Sized>(b: &mut Vec<u8>, v: Option<&T>, put: impl FnOnce(&mut Vec<u8>, &T)) {
    match v {
        None => b.push(0),
        Some(v) => {
            b.push(1);
            put(b, v);
        }
    }
}

fn put_link(b: &mut Vec<u8>, l: &LinkData) {
    b.extend_from_slice(&l.link_id);
    put_long(b, &l.enc_fixed);
    put_long(b, &l.enc_user);
}

fn put_notifier(b: &mut Vec<u8>, n: &NotifierCreds) {
    b.extend_from_slice(&n.notifier_id);
    put_short(b, &n.notifier_key);
    b.extend_from_slice(n.rcv_ntf_dh_secret.as_bytes());
}

fn put_status(b: &mut Vec<u8>, s: &QueueStatus) {
    match s {
        QueueStatus::Active => b.push(0),
        QueueStatus::Off => b.push(1),
        QueueStatus::Blocked(info) => {
            b.push(2);
            put_short(b, info.as_bytes());
        }
    }
}

/// A cursor over a payload; every read checks the remaining length first.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], &'static str> {
        if self.0.len() < n {
            return Err("record too short");
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], &'static str> {
        let s = self.take(N)?;
        <[u8; N]>::try_from(s).map_err(|_| "record too short")
    }

    fn u8(&mut self) -> Result<u8, &'static str> {
        Ok(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32, &'static str> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, &'static str> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn i64(&mut self) -> Result<i64, &'static str> {
        Ok(i64::from_le_bytes(self.array()?))
    }

    fn id(&mut self) -> Result<QueueId, &'static str> {
        self.array()
    }

    fn bool(&mut self) -> Result<bool, &'static str> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err("bad boolean"),
        }
    }

    fn short(&mut self) -> Result<Vec<u8>, &'static str> {
        let n = u16::from_le_bytes(self.array()?);
        Ok(self.take(usize::from(n))?.to_vec())
    }

    fn long(&mut self) -> Result<Vec<u8>, &'static str> {
        let n = self.u32()? as usize;
        Ok(self.take(n)?.to_vec())
    }

    fn header(&mut self) -> Result<u64, &'static str> {
        if &self.array::<8>()? != MAGIC {
            return Err("bad magic");
        }
        if u16::from_le_bytes(self.array()?) != FORMAT_VERSION {
            return Err("unsupported format version");
        }
        self.u64()
    }

    fn keys(&mut self) -> Result<Vec<Vec<u8>>, &'static str> {
        let n = self.u8()?;
        if n == 0 {
            return Err("empty key list");
        }
        (0..n).map(|_| self.short()).collect()
    }

    fn opt<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, &'static str>,
    ) -> Result<Option<T>, &'static str> {
        if self.bool()? {
            f(self).map(Some)
        } else {
            Ok(None)
        }
    }

    fn link(&mut self) -> Result<LinkData, &'static str> {
        Ok(LinkData {
            link_id: self.id()?,
            enc_fixed: self.long()?,
            enc_user: self.long()?,
        })
    }

    fn notifier(&mut self) -> Result<NotifierCreds, &'static str> {
        Ok(NotifierCreds {
            notifier_id: self.id()?,
            notifier_key: self.short()?,
            rcv_ntf_dh_secret: DhSecret::new(self.array()?),
        })
    }

    fn status(&mut self) -> Result<QueueStatus, &'static str> {
        match self.u8()? {
            0 => Ok(QueueStatus::Active),
            1 => Ok(QueueStatus::Off),
            2 => {
                let info = String::from_utf8(self.short()?).map_err(|_| "bad blocking info")?;
                Ok(QueueStatus::Blocked(info))
            }
            _ => Err("bad queue status"),
        }
    }

    fn queue_rec(&mut self) -> Result<QueueRec, &'static str> {
        let recipient_id = self.id()?;
        let sender_id = self.id()?;
        let rcv_dh_secret = DhSecret::new(self.array()?);
        let recipient_keys = self.keys()?;
        let sender_key = self.opt(Self::short)?;
        let queue_mode = match self.u8()? {
            0 => None,
            1 => Some(QueueMode::Messaging),
            2 => Some(QueueMode::Contact),
            _ => return Err("bad queue mode"),
        };
        Ok(QueueRec {
            recipient_id,
            recipient_keys,
            rcv_dh_secret,
            sender_id,
            sender_key,
            queue_mode,
            link: self.opt(Self::link)?,
            notifier: self.opt(Self::notifier)?,
            status: self.status()?,
            updated_at: self.i64()?,
        })
    }

    fn msg(&mut self) -> Result<Msg, &'static str> {
        match self.u8()? {
            0 => Ok(Msg::Message(crate::types::Message {
                id: self.id()?,
                ts: self.i64()?,
                ntf_flag: self.bool()?,
                body: self.long()?,
            })),
            1 => Ok(Msg::Quota {
                id: self.id()?,
                ts: self.i64()?,
            }),
            _ => Err("bad message type"),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::frame::FrameReader;
    use crate::types::Message;

    fn sample_rec() -> QueueRec {
        QueueRec {
            recipient_id: [1; 24],
            recipient_keys: vec![vec![2; 44], vec![3; 44]],
            rcv_dh_secret: DhSecret::new([4; 32]),
            sender_id: [5; 24],
            sender_key: Some(vec![6; 44]),
            queue_mode: Some(QueueMode::Contact),
            link: Some(LinkData {
                link_id: [7; 24],
                enc_fixed: vec![8; 100],
                enc_user: vec![9; 10],
            }),
            notifier: Some(NotifierCreds {
                notifier_id: [10; 24],
                notifier_key: vec![11; 44],
                rcv_ntf_dh_secret: DhSecret::new([12; 32]),
            }),
            status: QueueStatus::Blocked("spam".into()),
            updated_at: 1_699_920_000,
        }
    }

    fn all_records() -> Vec<Record> {
        let rid = [1; 24];
        vec![
            Record::LogHeader { generation: 3 },
            Record::SnapshotHeader {
                generation: 4,
                queues: 1,
                messages: 2,
            },
            Record::SnapshotEnd {
                queues: 5,
                messages: 6,
            },
            Record::CreateQueue(Box::new(sample_rec())),
            Record::Secure {
                rid,
                key: vec![1, 2],
            },
            Record::UpdateKeys {
                rid,
                keys: vec![vec![1], vec![]],
            },
            Record::SetLink {
                rid,
                link: sample_rec().link.unwrap(),
            },
            Record::DeleteLink { rid },
            Record::AddNotifier {
                rid,
                creds: sample_rec().notifier.unwrap(),
            },
            Record::DeleteNotifier { rid },
            Record::SetStatus {
                rid,
                status: QueueStatus::Off,
            },
            Record::UpdateTime { rid, date: -86_400 },
            Record::DeleteQueue { rid },
            Record::AppendMsg {
                rid,
                msg: Msg::Message(Message {
                    id: [2; 24],
                    ts: 9,
                    ntf_flag: true,
                    body: vec![0; 300],
                }),
            },
            Record::AppendMsg {
                rid,
                msg: Msg::Quota {
                    id: [3; 24],
                    ts: 10,
                },
            },
            Record::DeleteMsg { rid, id: [2; 24] },
            Record::DropFront { rid, count: 7 },
        ]
    }

    #[test]
    fn every_record_round_trips() {
        let mut buf = Vec::new();
        for r in all_records() {
            r.encode(&mut buf).unwrap();
        }
        let mut reader = FrameReader::new(&buf[..]);
        for expected in all_records() {
            let (k, p) = reader.next_frame().unwrap().unwrap();
            assert_eq!(Record::decode(k, p).unwrap(), expected);
        }
        assert!(reader.next_frame().unwrap().is_none());
    }

    #[test]
    fn decoder_rejects_short_and_trailing_input() {
        for r in all_records() {
            let mut buf = Vec::new();
            r.encode(&mut buf).unwrap();
            let (k, p) = FrameReader::new(&buf[..])
                .next_frame()
                .unwrap()
                .map(|(k, p)| (k, p.to_vec()))
                .unwrap();
            for cut in 0..p.len() {
                assert!(Record::decode(k, &p[..cut]).is_err(), "{r:?} cut at {cut}");
            }
            let mut longer = p.clone();
            longer.push(0);
            assert!(Record::decode(k, &longer).is_err());
        }
        assert!(Record::decode(200, &[]).is_err());
    }
}
