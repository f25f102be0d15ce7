//! Plain records the store keeps: queues, their optional parts, messages.
//!
//! These are byte-level types on purpose: the server maps its protocol types onto them.

use std::fmt;

/// A 24-byte entity id (recipient, sender, notifier or link id).
pub type QueueId = [u8; 24];

/// A 24-byte message id assigned by the server.
pub type MsgId = [u8; 24];

/// Seconds in a day: `updated_at` is kept at this granularity.
pub const DAY_SECONDS: i64 = 86_400;

/// Rounds a Unix time in seconds down to the start of its (UTC) day.
pub fn round_to_day(secs: i64) -> i64 {
    secs - secs.rem_euclid(DAY_SECONDS)
}

/// A 32-byte Diffie-Hellman shared secret kept for a queue.
///
/// It is overwritten with zeros on drop and prints redacted.
pub struct DhSecret([u8; 32]);

impl DhSecret {
    /// Wraps the secret bytes.
    pub fn new(bytes: [u8; 32]) -> Self {
        DhSecret(bytes)
    }

    /// The secret bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

// Clone is needed: the store hands out owned copies of its records.
impl Clone for DhSecret {
    fn clone(&self) -> Self {
        DhSecret(self.0)
    }
}

impl PartialEq for DhSecret {
    fn eq(&self, other: &Self) -> bool {
        // Compare without an early exit.
        self.0
            .iter()
            .zip(other.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

impl Eq for DhSecret {}

impl Drop for DhSecret {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl fmt::Debug for DhSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DhSecret(<redacted>)")
    }
}

/// Whether a queue is a messaging queue (sender may secure it) or a contact address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueMode {
    /// One-to-one messaging queue.
    Messaging,
    /// Contact address queue.
    Contact,
}

/// The queue's state as set by the server operator or the recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueueStatus {
    /// Normal.
    Active,
    /// Suspended by the recipient (`OFF`).
    Off,
    /// Blocked by the operator, with the blocking information encoded by the server.
    Blocked(String),
}

/// Short-link data stored for a queue (opaque to the server).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkData {
    /// Link id under which the data can be read.
    pub link_id: QueueId,
    /// Encrypted fixed part (immutable once set).
    pub enc_fixed: Vec<u8>,
    /// Encrypted user part (may be replaced).
    pub enc_user: Vec<u8>,
}

/// Notifier credentials of a queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotifierCreds {
    /// Notifier id.
    pub notifier_id: QueueId,
    /// The notifier's public auth key (SPKI DER).
    pub notifier_key: Vec<u8>,
    /// DH secret shared with the recipient for notification encryption.
    pub rcv_ntf_dh_secret: DhSecret,
}

/// Everything the store knows about one queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueRec {
    /// Recipient id (primary key).
    pub recipient_id: QueueId,
    /// Recipient auth keys (SPKI DER), at least one.
    pub recipient_keys: Vec<Vec<u8>>,
    /// DH secret shared with the recipient for message encryption.
    pub rcv_dh_secret: DhSecret,
    /// Sender id.
    pub sender_id: QueueId,
    /// Sender auth key (SPKI DER); set means the queue is secured.
    pub sender_key: Option<Vec<u8>>,
    /// Queue mode, unknown for old queues.
    pub queue_mode: Option<QueueMode>,
    /// Short-link data.
    pub link: Option<LinkData>,
    /// Notifier credentials.
    pub notifier: Option<NotifierCreds>,
    /// Status.
    pub status: QueueStatus,
    /// Last use, Unix seconds rounded down to the day (0 if never recorded).
    pub updated_at: i64,
}

/// A message as sent by a sender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Message id.
    pub id: MsgId,
    /// Server timestamp, Unix seconds.
    pub ts: i64,
    /// Whether the recipient's notifier should be told.
    pub ntf_flag: bool,
    /// Message body (encrypted, opaque).
    pub body: Vec<u8>,
}

/// An entry of a message queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A stored message.
    Message(Message),
    /// The marker stored in place of the message that hit the quota.
    Quota {
        /// Id of the message that was refused.
        id: MsgId,
        /// Its timestamp.
        ts: i64,
    },
}

impl Msg {
    /// The entry's message id.
    pub fn id(&self) -> &MsgId {
        match self {
            Msg::Message(m) => &m.id,
            Msg::Quota { id, .. } => id,
        }
    }

    /// The entry's timestamp.
    pub fn ts(&self) -> i64 {
        match self {
            Msg::Message(m) => m.ts,
            Msg::Quota { ts, .. } => *ts,
        }
    }

    /// Body length in bytes (0 for a quota marker).
    pub fn body_len(&self) -> usize {
        match self {
            Msg::Message(m) => m.body.len(),
            Msg::Quota { .. } => 0,
        }
    }

    /// Whether this is the quota marker.
    pub fn is_quota(&self) -> bool {
        matches!(self, Msg::Quota { .. })
    }
}

/// Outcome of [`MsgStore::write_msg`](crate::MsgStore::write_msg).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write {
    /// The message was stored; `was_empty` tells whether the queue had no entries before.
    Stored {
        /// The queue was empty before this write.
        was_empty: bool,
    },
    /// The queue is over quota: a quota marker may have been stored, the message was not.
    QuotaExceeded,
}

/// What [`QueueStore::delete_queue`](crate::QueueStore::delete_queue) removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeletedQueue {
    /// The queue's record as it was.
    pub rec: QueueRec,
    /// How many entries (messages and quota markers) it held.
    pub msg_count: usize,
}

/// Counters for server statistics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreCounts {
    /// Stored queues.
    pub queues: usize,
    /// Queues with notifier credentials.
    pub notifiers: usize,
    /// Queue entries (messages and quota markers).
    pub messages: usize,
    /// Sum of message body lengths.
    pub msg_bytes: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_rounding() {
        assert_eq!(round_to_day(0), 0);
        assert_eq!(round_to_day(86_399), 0);
        assert_eq!(round_to_day(86_400), 86_400);
        assert_eq!(round_to_day(1_700_000_123), 1_699_920_000);
        assert_eq!(round_to_day(-1), -86_400);
    }

    #[test]
    fn secret_debug_is_redacted() {
        let s = DhSecret::new([7; 32]);
        assert_eq!(format!("{s:?}"), "DhSecret(<redacted>)");
        assert_eq!(s, DhSecret::new([7; 32]));
        assert_ne!(s, DhSecret::new([8; 32]));
    }
}
