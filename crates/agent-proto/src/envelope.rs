//! The per-queue end-to-end layer: the body of an SMP `SEND` (protocol-map §5.4, layers
//! 1-3).
//!
//! - [`ClientMsgEnvelope`] = `w16 smpClientVersion ‖ maybe(short(spki X25519 senderKey)) ‖
//!   nonce(24) ‖ tail(ct)`.
//! - `ct = crypto_box(X25519(recipient dh, sender key), nonce, pad(ClientMessage, L))` with
//!   `L` = 16000, or 15904 when the envelope carries the sender's key (the first message to
//!   a queue, and every contact request).
//! - [`ClientMessage`] = `privHeader ‖ tail(body)`, `privHeader` = `'_'` or
//!   `'K' ‖ short(spki senderAuthKey)` (legacy confirmation asking the recipient to `KEY`).

use simplex_crypto::cbox::{cb_decrypt, cb_encrypt};
use simplex_crypto::keys::PublicAuthKey;
use simplex_crypto::nonce::{CbNonce, random_nonce};
use simplex_crypto::rand_core::CryptoRng;
use simplex_crypto::{DhSecret, X25519Public, X25519Secret};
use simplex_encoding::writer::{put_maybe, put_short};
use simplex_encoding::{Decode, DecodeError, Encode, Reader, Version};
use smp_proto::keys::{put_auth_key, read_auth_key, read_x25519};

use crate::error::Result;
use crate::versions::e2e_padded_len;

/// The clear header of a client message.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PubHeader {
    /// The SMP client version of the sender.
    pub version: Version,
    /// The sender's X25519 key, in the first message to a queue.
    pub sender_key: Option<X25519Public>,
}

/// The body of an SMP `SEND`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ClientMsgEnvelope {
    /// Version and optional sender key.
    pub header: PubHeader,
    /// The crypto_box nonce.
    pub nonce: CbNonce,
    /// The boxed, padded [`ClientMessage`].
    pub enc_body: Vec<u8>,
}

impl Encode for ClientMsgEnvelope {
    fn encode(&self, out: &mut Vec<u8>) {
        self.header.version.encode(out);
        put_maybe(out, self.header.sender_key.as_ref(), |o, k| {
            put_short(o, &k.to_spki())
        });
        out.extend_from_slice(&self.nonce);
        out.extend_from_slice(&self.enc_body);
    }
}

impl Decode for ClientMsgEnvelope {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let header = PubHeader {
            version: r.u16()?,
            sender_key: r.maybe(read_x25519)?,
        };
        Ok(ClientMsgEnvelope {
            header,
            nonce: r.array()?,
            enc_body: r.tail().to_vec(),
        })
    }
}

/// The private header inside the box.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum PrivHeader {
    /// `'K'`: a legacy confirmation carrying the key the recipient should `KEY` the queue with.
    Confirmation(Box<PublicAuthKey>),
    /// `'_'`: nothing.
    Empty,
}

/// The plaintext inside the per-queue box.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ClientMessage {
    /// The private header.
    pub header: PrivHeader,
    /// The encoded `AgentMsgEnvelope`.
    pub body: Vec<u8>,
}

impl Encode for ClientMessage {
    fn encode(&self, out: &mut Vec<u8>) {
        match &self.header {
            PrivHeader::Confirmation(k) => {
                out.push(b'K');
                put_auth_key(out, k);
            }
            PrivHeader::Empty => out.push(b'_'),
        }
        out.extend_from_slice(&self.body);
    }
}

impl Decode for ClientMessage {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let header = match r.u8()? {
            b'K' => PrivHeader::Confirmation(Box::new(read_auth_key(r)?)),
            b'_' => PrivHeader::Empty,
            found => {
                return Err(DecodeError::BadByte {
                    found,
                    what: "private header",
                });
            }
        };
        Ok(ClientMessage {
            header,
            body: r.tail().to_vec(),
        })
    }
}

/// Boxes `msg` for a queue whose e2e secret is already agreed (the reference's
/// `agentCbEncrypt`). Pass the sender's public key in the first message to the queue.
pub fn seal_client_message<R: CryptoRng + ?Sized>(
    rng: &mut R,
    version: Version,
    secret: &DhSecret,
    sender_key: Option<X25519Public>,
    msg: &ClientMessage,
) -> Result<ClientMsgEnvelope> {
    let nonce = random_nonce(rng);
    let padded_len = e2e_padded_len(sender_key.is_some());
    let enc_body = cb_encrypt(secret, &nonce, &msg.to_bytes(), padded_len)?;
    let header = PubHeader {
        version,
        sender_key,
    };
    Ok(ClientMsgEnvelope {
        header,
        nonce,
        enc_body,
    })
}

/// Boxes `msg` with a fresh one-time sender key (the reference's `agentCbEncryptOnce`,
/// used for contact requests, which many senders send to one queue).
pub fn seal_client_message_once<R: CryptoRng + ?Sized>(
    rng: &mut R,
    version: Version,
    recipient_dh: &X25519Public,
    msg: &ClientMessage,
) -> Result<ClientMsgEnvelope> {
    let ephemeral = X25519Secret::generate(rng);
    let secret = ephemeral.dh(recipient_dh);
    seal_client_message(rng, version, &secret, Some(ephemeral.public()), msg)
}

/// Opens the box of an envelope with the queue's e2e secret and parses the message.
pub fn open_client_message(secret: &DhSecret, env: &ClientMsgEnvelope) -> Result<ClientMessage> {
    let plain = cb_decrypt(secret, &env.nonce, &env.enc_body)?;
    Ok(ClientMessage::from_bytes(&plain)?)
}
