//! Chat protocol versions: the supported range and what each version adds
//! (reference `Simplex.Chat.Protocol`, "Chat version history").

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use simplex_encoding::version::{Version, VersionRange};

/// 1: chat versions in connections.
pub const INITIAL_CHAT_VERSION: Version = 1;
/// 2: contacts for group members only via `x.grp.direct.inv`.
pub const GROUP_DIRECT_INV_VERSION: Version = 2;
/// 3: joining via group links without creating a contact.
pub const GROUP_FAST_LINK_JOIN_VERSION: Version = 3;
/// 4: group message forwarding (`x.grp.msg.forward`).
pub const GROUP_FORWARD_VERSION: Version = 4;
/// 5: batch sending in groups (`[` JSON arrays).
pub const BATCH_SEND_VERSION: Version = 5;
/// 6: group welcome message sent after history.
pub const GROUP_HISTORY_INCLUDE_WELCOME_VERSION: Version = 6;
/// 7: member profile updates sent to groups.
pub const MEMBER_PROFILE_UPDATE_VERSION: Version = 7;
/// 8: compression (`X`) and PQ end-to-end encryption.
pub const PQ_ENCRYPTION_COMPRESSION_VERSION: Version = 8;
/// 9: batch sending in direct connections, forwarding batched messages.
pub const BATCH_SEND2_VERSION: Version = 9;
/// 10: business chats.
pub const BUSINESS_CHATS_VERSION: Version = 10;
/// 11: preferences updates in business chats (`x.grp.prefs`).
pub const BUSINESS_CHAT_PREFS_VERSION: Version = 11;
/// 12: content reports (`report` content).
pub const CONTENT_REPORTS_VERSION: Version = 12;
/// 14: group join rejection (`x.grp.link.reject`); there is no version 13.
pub const GROUP_JOIN_REJECT_VERSION: Version = 14;
/// 15: message scopes for group messages (member support chats, "knocking").
pub const GROUP_KNOCKING_VERSION: Version = 15;
/// 16: short link data in invitation, contact and group links.
pub const SHORT_LINK_DATA_VERSION: Version = 16;
/// 17: host voice messages during member approval regardless of group settings.
pub const MEMBER_SUPPORT_VOICE_VERSION: Version = 17;
/// 18: comments on channel posts (`parent`, `prefs` in `x.msg.update`).
pub const COMMENTS_VERSION: Version = 18;
/// The highest version this implementation speaks.
pub const CURRENT_CHAT_VERSION: Version = COMMENTS_VERSION;

/// The range this implementation supports: 1 to 18.
pub const SUPPORTED_CHAT_VRANGE: VersionRange = match VersionRange::new(1, CURRENT_CHAT_VERSION) {
    Some(r) => r,
    None => VersionRange::single(CURRENT_CHAT_VERSION),
};

/// The range assumed when a message carries none (`chatInitialVRange`): just version 1.
pub const CHAT_INITIAL_VRANGE: VersionRange = VersionRange::single(INITIAL_CHAT_VERSION);

/// The smallest agent version with PQ double ratchet (reference `pqdrSMPAgentVersion`).
pub const PQDR_AGENT_VERSION: Version = 5;

/// The chat version implied by a peer's agent version (`agentToChatVersion`).
pub fn agent_to_chat_version(agent_version: Version) -> Version {
    if agent_version < PQDR_AGENT_VERSION {
        INITIAL_CHAT_VERSION
    } else {
        PQ_ENCRYPTION_COMPRESSION_VERSION
    }
}

/// The version used with a peer (`peerConnChatVersion`): the highest common one, or, when
/// the ranges do not meet, the peer's bound nearest to ours.
pub fn peer_conn_chat_version(local: VersionRange, peer: VersionRange) -> Version {
    if local.min() <= peer.max() && peer.min() <= local.max() {
        local.max().min(peer.max())
    } else if peer.min() > local.max() {
        peer.min()
    } else {
        peer.max()
    }
}

/// A version range in JSON: `"a"` or `"a-b"` (`ChatVersionRange`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ChatVRange(pub VersionRange);

impl Serialize for ChatVRange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ChatVRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        VersionRange::parse_str(&s)
            .map(ChatVRange)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn ranges_and_negotiation() {
        assert_eq!(SUPPORTED_CHAT_VRANGE.to_string(), "1-18");
        assert_eq!(CHAT_INITIAL_VRANGE.to_string(), "1");
        let r = |a, b| VersionRange::new(a, b).unwrap();
        assert_eq!(peer_conn_chat_version(r(1, 18), r(2, 9)), 9);
        assert_eq!(peer_conn_chat_version(r(1, 5), r(7, 9)), 7);
        assert_eq!(peer_conn_chat_version(r(8, 18), r(1, 5)), 5);
        assert_eq!(agent_to_chat_version(4), 1);
        assert_eq!(agent_to_chat_version(7), 8);
        let v: ChatVRange = serde_json::from_str("\"1-5\"").unwrap();
        assert_eq!(v.0, r(1, 5));
        assert!(serde_json::from_str::<ChatVRange>("\"5-1\"").is_err());
    }
}
