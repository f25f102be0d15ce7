//! `AgentMessage` and `AMessage`: the ratchet-encrypted plaintexts (protocol-map §5.4,
//! layers 5-6; §5.5-5.7 for their use).
//!
//! - `'I' ‖ tail(connInfo)` initiator's confirmation; `'D' ‖ u8 N ‖ N×SMPQueueInfo ‖
//!   tail(connInfo)` joiner's confirmation with its reply queues; `'R' ‖ tail(info)`;
//!   `'M' ‖ i64 sndMsgId ‖ short(prevMsgHash) ‖ aMessage`.
//! - `aMessage`: `H` HELLO · `M ‖ tail(body)` A_MSG · `V ‖ u8 N ‖ N×(i64 msgId ‖
//!   short(msgHash) ‖ large(rcptInfo))` A_RCVD · `QC ‖ sndQAddr` A_QCONT · `QA ‖ u8 N ‖
//!   N×(queueUri ‖ maybe(sndQAddr))` QADD · `QK ‖ u8 N ‖ N×(SMPQueueInfo ‖ short(spki
//!   senderKey))` QKEY · `QU ‖ u8 N ‖ N×(sndQAddr ‖ Bool primary)` QUSE · `QT ‖ u8 N ‖
//!   N×sndQAddr` QTEST · `E ‖ i64 lastDecryptedSndId` EREADY. Every list is non-empty.
//!
//! Integrity: `prevMsgHash` is the SHA-256 of the previous sent `AgentMessage` encoding,
//! and a receipt's `msgHash` the SHA-256 of the received one ([`AgentMessage::hash`]).

use simplex_crypto::hash::sha256;
use simplex_crypto::keys::PublicAuthKey;
use simplex_encoding::writer::put_list;
use simplex_encoding::{Decode, DecodeError, Encode, Large, Reader, Short};
use smp_proto::keys::{put_auth_key, read_auth_key};

use crate::queue_uri::{SmpQueueInfo, SmpQueueUri, SndQAddr};

/// The header of an ordinary agent message.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct APrivHeader {
    /// Sequential id given by the sending agent (the confirmation takes id 1).
    pub snd_msg_id: i64,
    /// SHA-256 of the previous message's `AgentMessage` encoding.
    pub prev_msg_hash: Short,
}

/// A delivery receipt for one message.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MessageReceipt {
    /// The sender's id of the received message.
    pub agent_msg_id: i64,
    /// SHA-256 of the received `AgentMessage` encoding.
    pub msg_hash: Short,
    /// Application receipt info.
    pub rcpt_info: Large,
}

/// Messages between agents once the queues are set up.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum AMessage {
    /// `H`: the queue is secured (legacy handshake).
    Hello,
    /// `M`: an application message.
    Msg(Vec<u8>),
    /// `V`: delivery receipts.
    Rcvd(Vec<MessageReceipt>),
    /// `QC`: continue sending to this queue after a quota error.
    QCont(SndQAddr),
    /// `QA`: new queues, each with the address of the queue it replaces.
    QAdd(Vec<(SmpQueueUri, Option<SndQAddr>)>),
    /// `QK`: the sender's keys for the new queues.
    QKey(Vec<(SmpQueueInfo, PublicAuthKey)>),
    /// `QU`: the new queues are ready; the flag marks the primary one.
    QUse(Vec<(SndQAddr, bool)>),
    /// `QT`: test message through the new queues.
    QTest(Vec<SndQAddr>),
    /// `E`: ratchet re-sync done; the last sender message id decrypted.
    EReady(i64),
}

/// A ratchet plaintext.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum AgentMessage {
    /// `'I'`: the initiator's connection info.
    ConnInfo(Vec<u8>),
    /// `'D'`: the joiner's reply queues and connection info.
    ConnInfoReply(Vec<SmpQueueInfo>, Vec<u8>),
    /// `'R'`: ratchet information.
    RatchetInfo(Vec<u8>),
    /// `'M'`: an ordinary message.
    Message(APrivHeader, AMessage),
}

impl AgentMessage {
    /// SHA-256 of this message's encoding (the next `prevMsgHash`, or a receipt hash).
    pub fn hash(&self) -> [u8; 32] {
        sha256(&self.to_bytes())
    }
}

impl Encode for MessageReceipt {
    fn encode(&self, out: &mut Vec<u8>) {
        self.agent_msg_id.encode(out);
        self.msg_hash.encode(out);
        self.rcpt_info.encode(out);
    }
}

impl Decode for MessageReceipt {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(MessageReceipt {
            agent_msg_id: r.i64()?,
            msg_hash: Short::decode(r)?,
            rcpt_info: Large::decode(r)?,
        })
    }
}

impl Encode for AMessage {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            AMessage::Hello => out.push(b'H'),
            AMessage::Msg(body) => {
                out.push(b'M');
                out.extend_from_slice(body);
            }
            AMessage::Rcvd(rs) => {
                out.push(b'V');
                put_list(out, rs, |o, x| x.encode(o));
            }
            AMessage::QCont(a) => {
                out.extend_from_slice(b"QC");
                a.encode(out);
            }
            AMessage::QAdd(qs) => {
                out.extend_from_slice(b"QA");
                put_list(out, qs, |o, (q, a)| {
                    q.encode(o);
                    a.encode(o);
                });
            }
            AMessage::QKey(qs) => {
                out.extend_from_slice(b"QK");
                put_list(out, qs, |o, (q, k)| {
                    q.encode(o);
                    put_auth_key(o, k);
                });
            }
            AMessage::QUse(qs) => {
                out.extend_from_slice(b"QU");
                put_list(out, qs, |o, x| x.encode(o));
            }
            AMessage::QTest(qs) => {
                out.extend_from_slice(b"QT");
                put_list(out, qs, |o, x| x.encode(o));
            }
            AMessage::EReady(id) => {
                out.push(b'E');
                id.encode(out);
            }
        }
    }
}

fn bad_type(found: u8) -> DecodeError {
    DecodeError::BadByte {
        found,
        what: "agent message type",
    }
}

fn decode_queue_msg(r: &mut Reader<'_>) -> Result<AMessage, DecodeError> {
    Ok(match r.u8()? {
        b'C' => AMessage::QCont(SndQAddr::decode(r)?),
        b'A' => AMessage::QAdd(r.non_empty(<(SmpQueueUri, Option<SndQAddr>)>::decode)?),
        b'K' => AMessage::QKey(r.non_empty(|r| Ok((SmpQueueInfo::decode(r)?, read_auth_key(r)?)))?),
        b'U' => AMessage::QUse(r.non_empty(<(SndQAddr, bool)>::decode)?),
        b'T' => AMessage::QTest(r.non_empty(SndQAddr::decode)?),
        found => return Err(bad_type(found)),
    })
}

impl Decode for AMessage {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(match r.u8()? {
            b'H' => AMessage::Hello,
            b'M' => AMessage::Msg(r.tail().to_vec()),
            b'V' => AMessage::Rcvd(r.non_empty(MessageReceipt::decode)?),
            b'Q' => decode_queue_msg(r)?,
            b'E' => AMessage::EReady(r.i64()?),
            found => return Err(bad_type(found)),
        })
    }
}

impl Encode for AgentMessage {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            AgentMessage::ConnInfo(info) => {
                out.push(b'I');
                out.extend_from_slice(info);
            }
            AgentMessage::ConnInfoReply(qs, info) => {
                out.push(b'D');
                put_list(out, qs, |o, q| q.encode(o));
                out.extend_from_slice(info);
            }
            AgentMessage::RatchetInfo(info) => {
                out.push(b'R');
                out.extend_from_slice(info);
            }
            AgentMessage::Message(h, m) => {
                out.push(b'M');
                h.snd_msg_id.encode(out);
                h.prev_msg_hash.encode(out);
                m.encode(out);
            }
        }
    }
}

impl Decode for AgentMessage {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(match r.u8()? {
            b'I' => AgentMessage::ConnInfo(r.tail().to_vec()),
            b'D' => {
                let qs = r.non_empty(SmpQueueInfo::decode)?;
                AgentMessage::ConnInfoReply(qs, r.tail().to_vec())
            }
            b'R' => AgentMessage::RatchetInfo(r.tail().to_vec()),
            b'M' => {
                let header = APrivHeader {
                    snd_msg_id: r.i64()?,
                    prev_msg_hash: Short::decode(r)?,
                };
                AgentMessage::Message(header, AMessage::decode(r)?)
            }
            found => return Err(bad_type(found)),
        })
    }
}
