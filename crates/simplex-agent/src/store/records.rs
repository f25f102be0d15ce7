//! Value types shared by the store's tables: ids, timestamps, secret bytes and the small
//! enums kept as text columns.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use zeroize::Zeroize;

use super::error::{Result, StoreError};

/// Milliseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The current time of the system clock.
    pub fn now() -> Self {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        Timestamp(ms)
    }
}

impl ToSql for Timestamp {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0))
    }
}

impl FromSql for Timestamp {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        i64::column_result(value).map(Timestamp)
    }
}

macro_rules! int_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub i64);

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.0))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(value).map($name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

int_id!(
    /// A user of the agent (a set of connections and relays).
    UserId
);
int_id!(
    /// A relay in a user's list.
    ServerId
);
int_id!(
    /// A receive queue (the store's own id; the relay's id is `rcv_id`).
    RcvQueueId
);
int_id!(
    /// A send queue (the store's own id; the relay's id is `snd_id`).
    SndQueueId
);
int_id!(
    /// A message within its connection: one sequence shared by sent and received messages,
    /// starting at 1. This is the message id the app sees.
    InternalId
);
int_id!(
    /// One pending delivery of a sent message to one send queue.
    DeliveryId
);
int_id!(
    /// A pending relay command kept for crash recovery.
    CommandId
);

/// Bytes of a random text id before encoding (24 base64url characters).
const RANDOM_ID_BYTES: usize = 18;

macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// A fresh random id: 18 random bytes in base64url without padding.
            pub fn random() -> Result<Self> {
                let mut bytes = [0u8; RANDOM_ID_BYTES];
                getrandom::fill(&mut bytes).map_err(StoreError::Random)?;
                Ok($name(URL_SAFE_NO_PAD.encode(bytes)))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_owned())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.0.as_str()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                String::column_result(value).map($name)
            }
        }
    };
}

text_id!(
    /// A connection: random base64url text, chosen by the store on creation.
    ConnId
);
text_id!(
    /// A received confirmation waiting for the app's `allow` (the `confId` of `CONF`).
    ConfirmationId
);
text_id!(
    /// A contact request received on a contact address (the `invId` of `REQ`).
    InvitationId
);

/// Bytes that must not linger in memory or reach logs: private keys, shared secrets,
/// ratchet state, message keys, message bodies and connection info. Wiped on drop;
/// `Debug` shows only the length. Deliberately neither `Clone` nor `PartialEq`.
#[derive(Default)]
pub struct SecretBytes(Vec<u8>);

impl SecretBytes {
    /// Wraps the bytes (takes ownership, no copy).
    pub fn new(bytes: Vec<u8>) -> Self {
        SecretBytes(bytes)
    }

    /// Copies the bytes.
    pub fn from_slice(bytes: &[u8]) -> Self {
        SecretBytes(bytes.to_vec())
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Number of bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Drop for SecretBytes {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes(<redacted, {} bytes>)", self.0.len())
    }
}

impl From<Vec<u8>> for SecretBytes {
    fn from(bytes: Vec<u8>) -> Self {
        SecretBytes(bytes)
    }
}

impl ToSql for SecretBytes {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Blob(&self.0)))
    }
}

impl FromSql for SecretBytes {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value.as_blob().map(SecretBytes::from_slice)
    }
}

fn unknown_text(kind: &'static str, text: &str) -> FromSqlError {
    FromSqlError::Other(format!("unknown {kind} {text:?} in the database").into())
}

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The text stored in the database.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// Parses the stored text.
            pub fn from_text(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                $name::from_text(text).ok_or_else(|| unknown_text(stringify!($name), text))
            }
        }
    };
}

text_enum!(
    /// How a connection was created.
    ConnMode {
        /// A one-time invitation link (either side of it).
        Invitation => "invitation",
        /// A long-lived contact address that receives contact requests.
        Contact => "contact",
    }
);

text_enum!(
    /// Where a connection is in its life (the handshake of `agent-design.md`).
    ConnStatus {
        /// Created, no queue yet.
        New => "new",
        /// Initiator: queue created and link handed out, waiting for the joiner's
        /// confirmation (or, for a contact address, receiving requests).
        Pending => "pending",
        /// Joiner: confirmation sent, waiting for the initiator's reply.
        Joined => "joined",
        /// Initiator: confirmation received (`CONF`), waiting for the app to allow it.
        Confirmed => "confirmed",
        /// Initiator: allowed, own info being sent.
        Allowed => "allowed",
        /// Both directions work.
        Active => "active",
        /// Waiting for both sides' ratchets to be re-synchronised.
        Resync => "resync",
        /// Deleted by the app; relay queues still being removed.
        Deleted => "deleted",
    }
);

text_enum!(
    /// The SMP queue mode chosen at creation (`NEW`), when the relay supports it.
    QueueMode {
        /// A messaging queue (sender secures it with `SKEY`).
        Messaging => "messaging",
        /// A contact-address queue (many senders).
        Contact => "contact",
    }
);

text_enum!(
    /// Status of a receive or send queue (as in the reference `QueueStatus`).
    QueueStatus {
        /// Created, not used yet.
        New => "new",
        /// A confirmation went through it.
        Confirmed => "confirmed",
        /// The sender key is set on the relay.
        Secured => "secured",
        /// In use for messages.
        Active => "active",
        /// No longer used (deleted on the relay or replaced).
        Disabled => "disabled",
    }
);

text_enum!(
    /// Kind of an agent message, sent or received.
    MsgType {
        /// Connection info in a confirmation (`AgentConnInfo`).
        ConnInfo => "conn_info",
        /// Connection info with reply queues (`AgentConnInfoReply`).
        ConnInfoReply => "conn_info_reply",
        /// Ratchet re-synchronisation parameters (`AgentRatchetKey`).
        RatchetInfo => "ratchet_info",
        /// A contact request sent to a contact address (`AgentInvitation`).
        Invitation => "invitation",
        /// `HELLO`.
        Hello => "hello",
        /// `A_MSG`: an app message.
        Msg => "msg",
        /// `A_RCVD`: delivery receipts.
        Rcvd => "rcvd",
        /// `A_QCONT`: the queue has room again.
        QCont => "qcont",
        /// `QADD`: queue rotation, new queue offered.
        QAdd => "qadd",
        /// `QKEY`: queue rotation, sender key.
        QKey => "qkey",
        /// `QUSE`: queue rotation, start using.
        QUse => "quse",
        /// `QTEST`: queue rotation, test message.
        QTest => "qtest",
        /// `EREADY`: ratchet re-synchronisation done.
        EReady => "eready",
    }
);

text_enum!(
    /// State of one message delivery to one send queue.
    DeliveryStatus {
        /// To be sent at `next_attempt_at` (first try or retry).
        Pending => "pending",
        /// The relay answered `ERR QUOTA`: waiting for `A_QCONT` (or the give-up time).
        Quota => "quota",
        /// Given up (queue gone or too old); kept for the engine to report and remove.
        Failed => "failed",
    }
);

text_enum!(
    /// Where a connection's ratchet is in re-synchronisation (the reference's
    /// `RatchetSyncState`, same texts).
    RatchetSyncState {
        /// In sync.
        Ok => "ok",
        /// A message failed to decrypt in a way that may be transient: the app may call
        /// `synchronize_ratchet`; sending still works.
        Allowed => "allowed",
        /// The ratchet is out of sync: sending is stopped until it is re-synchronised.
        Required => "required",
        /// This side sent its new keys and waits for the peer's.
        Started => "started",
        /// Both key sets are known and a new ratchet is made; waiting for the first
        /// message of it.
        Agreed => "agreed",
    }
);

impl RatchetSyncState {
    /// Whether `synchronize_ratchet` may be called without forcing (the reference's
    /// `ratchetSyncAllowed`, for agent version 3 and later).
    pub fn sync_allowed(self) -> bool {
        matches!(self, RatchetSyncState::Allowed | RatchetSyncState::Required)
    }

    /// Whether messages may not be sent (the reference's `ratchetSyncSendProhibited`).
    pub fn send_prohibited(self) -> bool {
        matches!(
            self,
            RatchetSyncState::Required | RatchetSyncState::Started | RatchetSyncState::Agreed
        )
    }
}

text_enum!(
    /// Progress of a switch on the old receive queue (the reference's `RcvSwitchStatus`).
    RcvSwitchStatus {
        /// The switch was requested.
        SwitchStarted => "switch_started",
        /// The new queue is made and `QADD` is being sent.
        SendingQAdd => "sending_qadd",
        /// The new queue is secured and `QUSE` is being sent.
        SendingQUse => "sending_quse",
        /// A message came through the new queue.
        ReceivedMessage => "received_message",
    }
);

text_enum!(
    /// Progress of a switch on the old send queue (the reference's `SndSwitchStatus`).
    SndSwitchStatus {
        /// `QKEY` is being sent.
        SendingQKey => "sending_qkey",
        /// `QTEST` is being sent to the new queue.
        SendingQTest => "sending_qtest",
    }
);

/// The integrity of a received message against the previous one (reference
/// `MsgIntegrity`), stored as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Integrity {
    /// The id follows the last one and the previous hash matches.
    Ok,
    /// Messages with sender ids `from..=to` were skipped.
    Skipped {
        /// First missing id.
        from: i64,
        /// Last missing id.
        to: i64,
    },
    /// The id is not after the last received one.
    BadId(i64),
    /// The previous-message hash does not match.
    BadHash,
    /// The same message was received before.
    Duplicate,
}

impl Integrity {
    /// The text stored in the database: `ok`, `skipped:FROM:TO`, `bad_id:ID`, `bad_hash`,
    /// `duplicate`.
    pub fn to_text(self) -> String {
        match self {
            Integrity::Ok => "ok".to_owned(),
            Integrity::Skipped { from, to } => format!("skipped:{from}:{to}"),
            Integrity::BadId(id) => format!("bad_id:{id}"),
            Integrity::BadHash => "bad_hash".to_owned(),
            Integrity::Duplicate => "duplicate".to_owned(),
        }
    }

    /// Parses the stored text.
    pub fn from_text(text: &str) -> Option<Self> {
        let mut parts = text.split(':');
        let kind = parts.next()?;
        let mut num = || -> Option<i64> { parts.next()?.parse().ok() };
        let value = match kind {
            "ok" => Integrity::Ok,
            "skipped" => Integrity::Skipped {
                from: num()?,
                to: num()?,
            },
            "bad_id" => Integrity::BadId(num()?),
            "bad_hash" => Integrity::BadHash,
            "duplicate" => Integrity::Duplicate,
            _ => return None,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(value)
    }
}

impl ToSql for Integrity {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.to_text()))
    }
}

impl FromSql for Integrity {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Integrity::from_text(text).ok_or_else(|| unknown_text("Integrity", text))
    }
}

/// A relay address with the password (`smp://hash:PASSWORD@host`) hidden, for `Debug`.
pub(crate) fn redact_address(address: &str) -> String {
    let Some((scheme, rest)) = address.split_once("://") else {
        return address.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((hash, _password)) => format!("{scheme}://{hash}:<redacted>@{host}"),
            None => address.to_owned(),
        },
        None => address.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn integrity_text_round_trips_and_rejects_junk() {
        let values = [
            Integrity::Ok,
            Integrity::Skipped { from: 3, to: 7 },
            Integrity::BadId(-2),
            Integrity::BadHash,
            Integrity::Duplicate,
        ];
        for v in values {
            assert_eq!(Integrity::from_text(&v.to_text()), Some(v));
        }
        for junk in ["", "ok:1", "skipped:1", "skipped:1:2:3", "bad_id:x", "nope"] {
            assert_eq!(Integrity::from_text(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn enums_round_trip_through_text() {
        for s in ConnStatus::ALL {
            assert_eq!(ConnStatus::from_text(s.as_str()), Some(*s));
        }
        for t in MsgType::ALL {
            assert_eq!(MsgType::from_text(t.as_str()), Some(*t));
        }
        assert_eq!(QueueStatus::from_text("Active"), None);
    }

    #[test]
    fn secret_bytes_debug_is_redacted() {
        let s = SecretBytes::from_slice(b"top secret key");
        let shown = format!("{s:?}");
        assert!(!shown.contains("top"), "{shown}");
        assert!(shown.contains("14 bytes"), "{shown}");
    }

    #[test]
    fn random_ids_are_distinct_base64url() {
        let a = ConnId::random().unwrap();
        let b = ConnId::random().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 24);
        assert!(
            a.as_str()
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
    }

    #[test]
    fn addresses_are_redacted() {
        assert_eq!(
            redact_address("smp://aGFzaA==:s3cret@relay.example:5223"),
            "smp://aGFzaA==:<redacted>@relay.example:5223"
        );
        assert_eq!(
            redact_address("smp://aGFzaA==@relay.example"),
            "smp://aGFzaA==@relay.example"
        );
    }
}
