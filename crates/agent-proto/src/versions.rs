//! Version numbers of the agent layers and the padded lengths that depend on them.
//!
//! Three independent version scopes meet in agent messages (protocol-map §1.3, §1.4, §1.1):
//! the agent protocol (2..7), the SMP *client* protocol carried in queue addresses and
//! message envelopes (1..4), and the end-to-end ratchet parameters (2..3, see
//! [`crate::e2e_params`]).

use simplex_encoding::{Version, VersionRange};

/// Agent v2: duplex handshake (reply queue inside the confirmation). Minimum supported.
pub const DUPLEX_HANDSHAKE_AGENT_V: Version = 2;
/// Agent v3: ratchet re-synchronization (`AgentRatchetKey`, `EREADY`).
pub const RATCHET_SYNC_AGENT_V: Version = 3;
/// Agent v4: delivery receipts (`A_RCVD`).
pub const DELIVERY_RCPTS_AGENT_V: Version = 4;
/// Agent v5: post-quantum double ratchet (KEM in the ratchet parameters).
pub const PQDR_AGENT_V: Version = 5;
/// Agent v6: reply queues secured by the keys the sender provides (fast duplex).
pub const SND_AUTH_KEY_AGENT_V: Version = 6;
/// Agent v7: the initiator initializes the ratchet when it processes the confirmation.
pub const RATCHET_ON_CONF_AGENT_V: Version = 7;
/// The lowest agent version this implementation speaks.
pub const MIN_AGENT_V: Version = DUPLEX_HANDSHAKE_AGENT_V;
/// The current agent version.
pub const CURRENT_AGENT_V: Version = RATCHET_ON_CONF_AGENT_V;
/// The supported agent version range, 2..7.
pub const AGENT_RANGE: VersionRange = range(MIN_AGENT_V, CURRENT_AGENT_V);

/// SMP client v1: binary encoding, single-host queue addresses (legacy layouts).
pub const INITIAL_SMP_CLIENT_V: Version = 1;
/// SMP client v2: several host names per server, versioned queue URIs.
pub const SRV_HOSTNAMES_SMP_CLIENT_V: Version = 2;
/// SMP client v3: the sender can secure the queue (`k=s`, `sndSecure` flag).
pub const SND_AUTH_KEY_SMP_CLIENT_V: Version = 3;
/// SMP client v4: short links and the queue mode (`q=m|c`).
pub const SHORT_LINKS_SMP_CLIENT_V: Version = 4;
/// The current SMP client version.
pub const CURRENT_SMP_CLIENT_V: Version = SHORT_LINKS_SMP_CLIENT_V;
/// The supported SMP client version range, 1..4 (what current agents put in queue URIs).
pub const SMP_CLIENT_RANGE: VersionRange = range(INITIAL_SMP_CLIENT_V, CURRENT_SMP_CLIENT_V);

/// Padded length of a per-queue e2e encrypted `ClientMessage` without a sender key.
pub const E2E_ENC_MESSAGE_LEN: usize = 16000;
/// Padded length of a per-queue e2e encrypted `ClientMessage` whose envelope carries the
/// sender's X25519 key (confirmations and contact requests).
pub const E2E_ENC_CONFIRMATION_LEN: usize = 15904;

const fn range(a: Version, b: Version) -> VersionRange {
    match VersionRange::new(a, b) {
        Some(r) => r,
        None => VersionRange::single(a),
    }
}

/// Padded length of a ratchet-encrypted connection-info message (`AgentConnInfo*`):
/// 11106 when the agent version has the PQ ratchet and PQ support is on, else 14832.
pub const fn conn_info_padded_len(agent_v: Version, pq_support: bool) -> usize {
    if pq_support && agent_v >= PQDR_AGENT_V {
        11106
    } else {
        14832
    }
}

/// Padded length of a ratchet-encrypted `AgentMessage`: 13618 with PQ support on an agent
/// version that has the PQ ratchet, else 15840.
pub const fn agent_msg_padded_len(agent_v: Version, pq_support: bool) -> usize {
    if pq_support && agent_v >= PQDR_AGENT_V {
        13618
    } else {
        15840
    }
}

/// The padded length for a per-queue e2e encrypted message, by whether its envelope
/// carries the sender's key.
pub const fn e2e_padded_len(has_sender_key: bool) -> usize {
    if has_sender_key {
        E2E_ENC_CONFIRMATION_LEN
    } else {
        E2E_ENC_MESSAGE_LEN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_lengths() {
        assert_eq!(AGENT_RANGE.to_string(), "2-7");
        assert_eq!(SMP_CLIENT_RANGE.to_string(), "1-4");
        assert_eq!(conn_info_padded_len(7, true), 11106);
        assert_eq!(conn_info_padded_len(4, true), 14832);
        assert_eq!(conn_info_padded_len(7, false), 14832);
        assert_eq!(agent_msg_padded_len(5, true), 13618);
        assert_eq!(agent_msg_padded_len(7, false), 15840);
        assert_eq!(e2e_padded_len(true), 15904);
        assert_eq!(e2e_padded_len(false), 16000);
    }
}
