//! What the agent tells the app, on the channel returned by [`crate::agent::Agent::open`].

use crate::error::AgentError;
use crate::store::{ConfirmationId, ConnId, Integrity, InternalId, InvitationId, RatchetSyncState};

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
        /// Whether it came PQ (KEM) encrypted: the receiving chain of the ratchet that
        /// decrypted it was made with a KEM step (the reference's `MsgMeta.pqEncryption`).
        pq_encryption: bool,
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
    /// A queue of the connection is being switched to another relay (the reference's
    /// `SWITCH`): the receiving side (`switch_connection`) reports [`QueueDirection::Rcv`],
    /// the sending side [`QueueDirection::Snd`], each phase once.
    Switch {
        /// The connection.
        conn_id: ConnId,
        /// Which side of the connection this agent is for the switched queue.
        direction: QueueDirection,
        /// How far the switch is.
        phase: SwitchPhase,
    },
    /// The connection's ratchet synchronisation state changed (the reference's `RSYNC`):
    /// a decryption failure made it [`RatchetSyncState::Allowed`] or
    /// [`RatchetSyncState::Required`] (with the failure in `err`), re-synchronisation made
    /// it [`RatchetSyncState::Agreed`], and the first message of the new ratchet
    /// [`RatchetSyncState::Ok`].
    RatchetSync {
        /// The connection.
        conn_id: ConnId,
        /// The new state.
        state: RatchetSyncState,
        /// The decryption failure that caused it, if one did.
        err: Option<AgentCryptoError>,
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

/// Which queue of a connection a switch moves (the reference's `QueueDirection`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueDirection {
    /// Our receive queue (we asked for the switch).
    Rcv,
    /// Our send queue (the peer moves its receive queue).
    Snd,
}

/// A phase of a queue switch (the reference's `SwitchPhase`).
///
/// Receiving side: `Started` (new queue made, `QADD` queued), `Confirmed` (`QKEY`
/// received), `Secured` (new queue secured, `QUSE` queued), `Completed` (old queue
/// deleted). Sending side: `Started` (`QADD` received, `QKEY` queued), `Confirmed`
/// (`QKEY` sent), `Secured` (`QUSE` received, `QTEST` queued), `Completed` (`QTEST`
/// sent, old queue dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwitchPhase {
    /// `SPStarted`.
    Started,
    /// `SPConfirmed`.
    Confirmed,
    /// `SPSecured`.
    Secured,
    /// `SPCompleted`.
    Completed,
}

/// Why a ratchet-encrypted message could not be decrypted (the reference's
/// `AgentCryptoError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentCryptoError {
    /// The message body failed authentication (`DECRYPT_AES`).
    DecryptAes,
    /// The per-queue `crypto_box` failed (`DECRYPT_CB`).
    DecryptCb,
    /// No header key opens the header: the ratchets diverged (`RATCHET_HEADER`).
    RatchetHeader,
    /// An earlier message number with no key left, this many behind (`RATCHET_EARLIER`).
    RatchetEarlier(u32),
    /// Too many messages skipped (`RATCHET_SKIPPED`).
    RatchetSkipped(u32),
    /// Re-synchronisation failed: a new key arrived after agreeing (`RATCHET_SYNC`).
    RatchetSync,
}

impl AgentCryptoError {
    /// The crypto error of a ratchet failure, as the reference's `cryptoError` maps it;
    /// `None` for failures that are not about keys (bad framing, a duplicate, a
    /// backend error).
    pub fn from_ratchet(e: &simplex_ratchet::RatchetError) -> Option<Self> {
        use simplex_ratchet::RatchetError as R;
        match e {
            R::Decryption => Some(AgentCryptoError::DecryptAes),
            R::HeaderDecryption => Some(AgentCryptoError::RatchetHeader),
            R::EarlierMessage(n) => Some(AgentCryptoError::RatchetEarlier(*n)),
            R::TooManySkipped(n) => Some(AgentCryptoError::RatchetSkipped(*n)),
            _ => None,
        }
    }

    /// The state a connection moves to on this failure (the reference's
    /// `cryptoErrToSyncState`).
    pub fn sync_state(self) -> RatchetSyncState {
        match self {
            AgentCryptoError::DecryptAes
            | AgentCryptoError::DecryptCb
            | AgentCryptoError::RatchetEarlier(_) => RatchetSyncState::Allowed,
            AgentCryptoError::RatchetHeader
            | AgentCryptoError::RatchetSkipped(_)
            | AgentCryptoError::RatchetSync => RatchetSyncState::Required,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use simplex_ratchet::RatchetError;

    #[test]
    fn crypto_errors_map_to_sync_states_as_the_reference() {
        // Agent/Protocol.hs `cryptoErrToSyncState`, Agent/Client.hs `cryptoError`
        let cases = [
            (RatchetError::Decryption, RatchetSyncState::Allowed),
            (RatchetError::EarlierMessage(3), RatchetSyncState::Allowed),
            (RatchetError::HeaderDecryption, RatchetSyncState::Required),
            (
                RatchetError::TooManySkipped(600),
                RatchetSyncState::Required,
            ),
        ];
        for (e, state) in cases {
            let ce = AgentCryptoError::from_ratchet(&e);
            assert_eq!(ce.map(AgentCryptoError::sync_state), Some(state), "{e:?}");
        }
        assert_eq!(
            AgentCryptoError::from_ratchet(&RatchetError::TooManySkipped(600)),
            Some(AgentCryptoError::RatchetSkipped(600))
        );
        assert_eq!(
            AgentCryptoError::from_ratchet(&RatchetError::DuplicateMessage),
            None
        );
        assert_eq!(
            AgentCryptoError::DecryptCb.sync_state(),
            RatchetSyncState::Allowed
        );
        assert_eq!(
            AgentCryptoError::RatchetSync.sync_state(),
            RatchetSyncState::Required
        );
    }

    #[test]
    fn sync_states_allow_and_prohibit_as_the_reference() {
        // Agent/Store.hs `ratchetSyncAllowed`, `ratchetSyncSendProhibited`
        use RatchetSyncState as S;
        let allowed: Vec<_> = S::ALL.iter().filter(|s| s.sync_allowed()).collect();
        assert_eq!(allowed, [&S::Allowed, &S::Required]);
        let prohibited: Vec<_> = S::ALL.iter().filter(|s| s.send_prohibited()).collect();
        assert_eq!(prohibited, [&S::Required, &S::Started, &S::Agreed]);
    }
}
