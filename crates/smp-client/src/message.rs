//! Opening messages delivered to the recipient (`protocol-map.md` §3.4).

use simplex_crypto::keys::{DhSecret, X25519Secret};
use smp_proto::MsgId;
use smp_proto::message::RcvMsgBody;
use smp_proto::response::QueueIds;

use crate::error::{ClientError, Result};

/// The secret the relay encrypts a queue's messages with: DH of the recipient's private
/// key (whose public half went into `NEW`) and the relay's per-queue key from `IDS`.
pub fn rcv_dh_secret(rcv_dh_priv: &X25519Secret, ids: &QueueIds) -> DhSecret {
    rcv_dh_priv.dh(&ids.rcv_public_dh_key)
}

/// Decrypts and parses the body of a `MSG` (the message id is the nonce).
pub fn open_message(secret: &DhSecret, msg_id: &MsgId, body: &[u8]) -> Result<RcvMsgBody> {
    let nonce = msg_id
        .to_array()
        .ok_or(ClientError::Crypto(simplex_crypto::CryptoError::Decryption))?;
    RcvMsgBody::open(secret, &nonce, body)
        .map_err(|_| ClientError::Crypto(simplex_crypto::CryptoError::Decryption))
}
