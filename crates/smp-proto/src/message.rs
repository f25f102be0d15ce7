//! What the relay encrypts to the recipient inside `MSG`, and notification metadata
//! (`protocol-map.md` §3.4).
//!
//! ```text
//! plaintext = i64 ts ‖ flags ‖ ' ' ‖ body      or      "QUOTA " ‖ i64 ts
//! MSG body  = crypto_box(rcvDhSecret, nonce = msgId, pad(plaintext, 16106))
//! ```

use crate::command::MsgFlags;
use crate::versions::RCV_MSG_PADDED_LEN;
use simplex_crypto::cbox;
use simplex_crypto::keys::DhSecret;
use simplex_encoding::writer::{put_bool, put_i64, put_short};
use simplex_encoding::{DecodeError, Reader};

/// The plaintext a recipient decrypts from `MSG`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RcvMsgBody {
    /// A message sent with `SEND`.
    Message {
        /// Relay timestamp (seconds).
        ts: i64,
        /// Flags from `SEND`.
        flags: MsgFlags,
        /// The sender's body.
        body: Vec<u8>,
    },
    /// The marker stored when the queue hit its quota.
    Quota {
        /// Relay timestamp (seconds).
        ts: i64,
    },
}

impl RcvMsgBody {
    /// Encodes the plaintext.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            RcvMsgBody::Message { ts, flags, body } => {
                out.reserve(10 + body.len());
                put_i64(&mut out, *ts);
                put_bool(&mut out, flags.notification);
                out.push(b' ');
                out.extend_from_slice(body);
            }
            RcvMsgBody::Quota { ts } => {
                out.extend_from_slice(b"QUOTA ");
                put_i64(&mut out, *ts);
            }
        }
        out
    }

    /// Parses the plaintext.
    pub fn parse(b: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(b);
        if r.eat(b"QUOTA ") {
            let ts = r.i64()?;
            r.finish()?;
            return Ok(RcvMsgBody::Quota { ts });
        }
        let ts = r.i64()?;
        let notification = r.bool()?;
        r.word();
        Ok(RcvMsgBody::Message {
            ts,
            flags: MsgFlags { notification },
            body: r.tail().to_vec(),
        })
    }

    /// Encrypts for the recipient with the message id as the nonce.
    pub fn seal(&self, secret: &DhSecret, msg_id: &[u8; 24]) -> Result<Vec<u8>, DecodeError> {
        cbox::cb_encrypt(secret, msg_id, &self.encode(), RCV_MSG_PADDED_LEN)
            .map_err(|_| DecodeError::Invalid("message too large"))
    }

    /// Decrypts and parses a `MSG` body.
    pub fn open(secret: &DhSecret, msg_id: &[u8; 24], ct: &[u8]) -> Result<Self, DecodeError> {
        let plain = cbox::cb_decrypt(secret, msg_id, ct)
            .map_err(|_| DecodeError::Invalid("message does not decrypt"))?;
        Self::parse(&plain)
    }
}

/// Encrypted notification metadata of `NMSG`: `crypto_box(secret, nonce,
/// pad(short(msgId) ‖ i64 ts, 128))`.
pub fn seal_ntf_meta(
    secret: &DhSecret,
    nonce: &[u8; 24],
    msg_id: &[u8],
    ts: i64,
) -> Result<Vec<u8>, DecodeError> {
    let mut m = Vec::with_capacity(33);
    put_short(&mut m, msg_id);
    put_i64(&mut m, ts);
    cbox::cb_encrypt(secret, nonce, &m, 128).map_err(|_| DecodeError::Invalid("ntf meta"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn plaintext_forms() {
        let m = RcvMsgBody::Message {
            ts: 1641032645,
            flags: MsgFlags { notification: true },
            body: b"hello".to_vec(),
        };
        let b = m.encode();
        assert_eq!(b, b"\0\0\0\0\x61\xd0\x2b\xc5T hello");
        assert_eq!(RcvMsgBody::parse(&b).unwrap(), m);
        let q = RcvMsgBody::Quota { ts: 5 };
        assert_eq!(q.encode(), b"QUOTA \0\0\0\0\0\0\0\x05");
        assert_eq!(RcvMsgBody::parse(&q.encode()).unwrap(), q);
    }
}
