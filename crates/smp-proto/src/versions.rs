//! SMP relay protocol versions and the features they gate (`Transport.hs`).

use simplex_encoding::{Version, VersionRange};

/// Minimum supported version: `NEW` gains the subscribe mode.
pub const INITIAL_V: Version = 6;
/// Command authenticators with X25519 keys; signed session key in the server hello;
/// the session id is implied (not sent) in transmissions.
pub const AUTH_CMDS_V: Version = 7;
/// Sending proxy commands (`PRXY`, `PFWD`, `RFWD`).
pub const SENDING_PROXY_V: Version = 8;
/// Sender can secure the queue (`SKEY`); `NEW`/`IDS` carry `sndSecure`.
pub const SND_AUTH_KEY_V: Version = 9;
/// `DELD` event (older clients get `END`).
pub const DELETED_EVENT_V: Version = 10;
/// Per-block transport encryption inside TLS.
pub const ENCRYPTED_BLOCK_V: Version = 11;
/// `ERR BLOCKED` (older clients get `ERR AUTH`).
pub const BLOCKED_ENTITY_V: Version = 12;
/// Client hello carries `proxyServer`.
pub const PROXY_SERVER_HANDSHAKE_V: Version = 14;
/// Short links: queue request data, `LSET`/`LDEL`/`LKEY`/`LGET`/`LNK`.
pub const SHORT_LINKS_V: Version = 15;
/// Service certificates: service signature slot, `SOK`, `SUBS`/`NSUBS`.
pub const SERVICE_CERTS_V: Version = 16;
/// `NEW` creates notifier credentials.
pub const NEW_NTF_CREDS_V: Version = 17;
/// Client notices in `BLOCKED`.
pub const CLIENT_NOTICES_V: Version = 18;
/// The current version.
pub const CURRENT_V: Version = CLIENT_NOTICES_V;

/// The range a relay offers when ALPN was negotiated.
pub const SERVER_RANGE: VersionRange = range(INITIAL_V, CURRENT_V);
/// The range a relay offers without ALPN (legacy clients).
pub const LEGACY_SERVER_RANGE: VersionRange = range(INITIAL_V, INITIAL_V);
/// The range a client supports.
pub const CLIENT_RANGE: VersionRange = range(INITIAL_V, CURRENT_V);
/// The range a proxy allows towards a destination relay (caps at 17).
pub const PROXIED_RANGE: VersionRange = range(SENDING_PROXY_V, NEW_NTF_CREDS_V);

const fn range(a: Version, b: Version) -> VersionRange {
    match VersionRange::new(a, b) {
        Some(r) => r,
        None => VersionRange::single(a),
    }
}

/// The largest `SEND` body a version allows.
pub const fn max_message_length(v: Version) -> usize {
    if v >= ENCRYPTED_BLOCK_V {
        16048
    } else if v >= SENDING_PROXY_V {
        16064
    } else {
        16088
    }
}

/// The SMP block size.
pub const BLOCK_SIZE: usize = 16384;
/// Padded length of the plaintext the relay encrypts to the recipient.
pub const RCV_MSG_PADDED_LEN: usize = 16106;
/// Padded length of a proxied (forwarded) transmission batch.
pub const PADDED_PROXIED_LEN: usize = 16226;
