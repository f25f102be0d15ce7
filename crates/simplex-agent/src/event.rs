//! What the agent tells the app, on the channel returned by [`crate::agent::Agent::open`].

use crate::error::AgentError;
use crate::store::{ConfirmationId, ConnId, Integrity, InternalId, InvitationId};

/// An event of the agent.
#[derive(Debug)]
pub enum AgentEvent {
    /// Initiator: the joiner's confirmation arrived; call `allow` with `conf_id` to accept.
    Conf {
        /// The connection.
        conn_id: ConnId,
        /// The confirmation to allow.
        conf_id: ConfirmationId,
        /// The joiner's connection info.
        info: Vec<u8>,
    },
    /// Contact address owner: a contact request arrived; call `accept_contact` or
    /// `reject_contact` with `inv_id`.
    Req {
        /// The contact address connection.
        conn_id: ConnId,
        /// The stored request.
        inv_id: InvitationId,
        /// The requester's connection info.
        info: Vec<u8>,
    },
    /// Joiner: the initiator's connection info arrived (right before [`AgentEvent::Con`]).
    Info {
        /// The connection.
        conn_id: ConnId,
        /// The initiator's connection info.
        info: Vec<u8>,
    },
    /// The connection works both ways.
    Con {
        /// The connection.
        conn_id: ConnId,
    },
    /// A message arrived (stored and acknowledged to the relay).
    Msg {
        /// The connection.
        conn_id: ConnId,
        /// Its id within the connection.
        id: InternalId,
        /// The app's message body.
        body: Vec<u8>,
        /// How it fits after the previous message.
        integrity: Integrity,
    },
    /// The peer acknowledged one of our messages with a delivery receipt (`A_RCVD`).
    Rcvd {
        /// The connection.
        conn_id: ConnId,
        /// Our message's id, as `send` returned it.
        id: InternalId,
        /// Whether the peer's hash of the message matched ours.
        status: MsgReceiptStatus,
    },
    /// A message given to `send` was accepted by the relay.
    Sent {
        /// The connection.
        conn_id: ConnId,
        /// The id `send` returned.
        id: InternalId,
    },
    /// A message given to `send` was given up: it could not be delivered in time
    /// (`err` says why: `ERR QUOTA` for 7 days, or network errors for 2 days; the
    /// reference's `MERR`). It will not be sent.
    MsgErr {
        /// The connection.
        conn_id: ConnId,
        /// The id `send` returned.
        id: InternalId,
        /// The last error.
        err: AgentError,
    },
    /// The receive queue of the connection was moved to another relay
    /// (`switch_connection` done: the peer sends to the new queue).
    Switched {
        /// The connection.
        conn_id: ConnId,
    },
    /// The connection's ratchet was re-synchronised with the peer's (after
    /// `synchronize_ratchet` on either side); messages flow again.
    RatchetSynced {
        /// The connection.
        conn_id: ConnId,
    },
    /// A receive queue of a deleted connection was deleted on its relay, or given up
    /// with `err` (it may remain there); the reference's `DEL_RCVQS`. Only for
    /// deletions done in the background.
    RcvQueueDeleted {
        /// The deleted connection.
        conn_id: ConnId,
        /// The queue's relay (the agent's key for it, without password).
        server: String,
        /// The queue's recipient id.
        rcv_id: Vec<u8>,
        /// Why the deletion was given up, if it was.
        err: Option<AgentError>,
    },
    /// A deleted connection is gone: its receive queues were deleted on the relays (or
    /// given up) and it was removed from the store; the reference's `DEL_CONNS`. Only
    /// for deletions done in the background.
    ConnDeleted {
        /// The connection.
        conn_id: ConnId,
    },
    /// Something failed in the background.
    Error {
        /// The connection, when the error concerns one.
        conn_id: Option<ConnId>,
        /// What failed.
        err: AgentError,
    },
}

/// The outcome of a delivery receipt (the reference's `MsgReceiptStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MsgReceiptStatus {
    /// The peer received exactly the message we sent (`MROk`).
    Ok,
    /// The peer's hash of the message differs from ours (`MRBadMsgHash`).
    BadMsgHash,
}
