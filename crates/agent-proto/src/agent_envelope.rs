//! `AgentMsgEnvelope`: the body of a [`crate::envelope::ClientMessage`] (protocol-map §5.4,
//! layer 4).
//!
//! - `w16 agentV ‖ 'C' ‖ maybe(e2eParams) ‖ tail(encConnInfo)`: confirmation;
//! - `w16 agentV ‖ 'M' ‖ tail(encAgentMessage)`: ratchet-encrypted message;
//! - `w16 agentV ‖ 'I' ‖ large(invitation link text) ‖ tail(connInfo)`: contact request
//!   (only the per-queue e2e layer protects it);
//! - `w16 agentV ‖ 'R' ‖ e2eParams ‖ tail(info)`: ratchet re-synchronization key.
//!
//! Confirmations carry the agreed agent version; other messages the sender's maximum.

use simplex_encoding::writer::{put_large, put_maybe};
use simplex_encoding::{Decode, DecodeError, Encode, Reader, Version};

use crate::conn_request::ConnectionRequest;
use crate::e2e_params::{E2ERatchetParams, check_proposed};

/// The agent-level envelope.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum AgentMsgEnvelope {
    /// A confirmation (`'C'`), with the sender's ratchet parameters when it joins.
    Confirmation {
        /// Agent version.
        agent_version: Version,
        /// The joiner's X3DH parameters (KEM proposed or accepted).
        e2e: Option<E2ERatchetParams>,
        /// Ratchet-encrypted `AgentConnInfo`/`AgentConnInfoReply`.
        enc_conn_info: Vec<u8>,
    },
    /// A ratchet-encrypted `AgentMessage` (`'M'`).
    Message {
        /// Agent version.
        agent_version: Version,
        /// The ratchet ciphertext.
        enc_agent_message: Vec<u8>,
    },
    /// A request sent to a contact address (`'I'`): the requester's own invitation link.
    Invitation {
        /// Agent version.
        agent_version: Version,
        /// An invitation link (always [`ConnectionRequest::Invitation`]); its text must fit
        /// a `large` string (65535 bytes).
        conn_req: ConnectionRequest,
        /// The requester's profile, not ratchet-encrypted.
        conn_info: Vec<u8>,
    },
    /// A new ratchet key for re-synchronization (`'R'`); KEM, if any, only proposed.
    RatchetKey {
        /// Agent version.
        agent_version: Version,
        /// Fresh X3DH parameters.
        e2e: E2ERatchetParams,
        /// Ratchet-sync info.
        info: Vec<u8>,
    },
}

impl Encode for AgentMsgEnvelope {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            AgentMsgEnvelope::Confirmation {
                agent_version,
                e2e,
                enc_conn_info,
            } => {
                agent_version.encode(out);
                out.push(b'C');
                put_maybe(out, e2e.as_ref(), |o, p| p.encode(o));
                out.extend_from_slice(enc_conn_info);
            }
            AgentMsgEnvelope::Message {
                agent_version,
                enc_agent_message,
            } => {
                agent_version.encode(out);
                out.push(b'M');
                out.extend_from_slice(enc_agent_message);
            }
            AgentMsgEnvelope::Invitation {
                agent_version,
                conn_req,
                conn_info,
            } => {
                agent_version.encode(out);
                out.push(b'I');
                put_large(out, conn_req.to_text().as_bytes());
                out.extend_from_slice(conn_info);
            }
            AgentMsgEnvelope::RatchetKey {
                agent_version,
                e2e,
                info,
            } => {
                agent_version.encode(out);
                out.push(b'R');
                e2e.encode(out);
                out.extend_from_slice(info);
            }
        }
    }
}

fn read_invitation(r: &mut Reader<'_>) -> Result<ConnectionRequest, DecodeError> {
    let text = std::str::from_utf8(r.large()?).map_err(|_| DecodeError::Utf8)?;
    match ConnectionRequest::parse_text(text)? {
        cr @ ConnectionRequest::Invitation { .. } => Ok(cr),
        ConnectionRequest::Contact { .. } => {
            Err(DecodeError::Invalid("expected an invitation link"))
        }
    }
}

impl Decode for AgentMsgEnvelope {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let agent_version = r.u16()?;
        Ok(match r.u8()? {
            b'C' => AgentMsgEnvelope::Confirmation {
                agent_version,
                e2e: Option::<E2ERatchetParams>::decode(r)?,
                enc_conn_info: r.tail().to_vec(),
            },
            b'M' => AgentMsgEnvelope::Message {
                agent_version,
                enc_agent_message: r.tail().to_vec(),
            },
            b'I' => AgentMsgEnvelope::Invitation {
                agent_version,
                conn_req: read_invitation(r)?,
                conn_info: r.tail().to_vec(),
            },
            b'R' => {
                let e2e = E2ERatchetParams::decode(r)?;
                check_proposed(e2e.kem.as_ref())?;
                AgentMsgEnvelope::RatchetKey {
                    agent_version,
                    e2e,
                    info: r.tail().to_vec(),
                }
            }
            found => {
                return Err(DecodeError::BadByte {
                    found,
                    what: "agent message envelope",
                });
            }
        })
    }
}
