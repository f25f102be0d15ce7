//! XFTP versions and protocol constants (`FileTransfer/Transport.hs`, `Protocol.hs`,
//! `Server/Env.hs`).

use simplex_encoding::{Version, VersionRange};

/// The initial version (used when no ALPN is negotiated: no handshake).
pub const INITIAL_V: Version = 1;
/// The handshake over the first requests and X25519 command authenticators.
pub const AUTH_CMDS_V: Version = 2;
/// `ERR BLOCKED` (older clients get `ERR AUTH`).
pub const BLOCKED_FILES_V: Version = 3;
/// The current version.
pub const CURRENT_V: Version = BLOCKED_FILES_V;

/// The range a server offers.
pub const SERVER_RANGE: VersionRange = range(INITIAL_V, CURRENT_V);
/// The range a client supports.
pub const CLIENT_RANGE: VersionRange = range(INITIAL_V, CURRENT_V);

const fn range(a: Version, b: Version) -> VersionRange {
    match VersionRange::new(a, b) {
        Some(r) => r,
        None => VersionRange::single(a),
    }
}

/// The ALPN protocol name of the XFTP handshake.
pub const ALPN_XFTP_V1: &str = "xftp/1";
/// ALPN `http/1.1`, also accepted for the handshake by the reference server.
pub const ALPN_HTTP11: &str = "http/1.1";

/// Size of a command or response block (and of the padded handshake messages).
pub const BLOCK_SIZE: usize = 16384;

/// Length of the sender and recipient ids the server makes.
pub const FILE_ID_LEN: usize = 16;

/// Chunk sizes a server accepts by default: 64 KiB, 256 KiB, 1 MiB and 4 MiB
/// (`Server/Env.hs` `allowedChunkSizes`).
pub const CHUNK_SIZES: [u32; 4] = [64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];

/// The most recipient keys an agent puts into one `FNEW`/`FADD`
/// (`xftpMaxRecipientsPerRequest`); the wire allows 255.
pub const MAX_RECIPIENTS_PER_REQUEST: usize = 200;

/// Length of the Poly1305 tag appended to a downloaded chunk.
pub const AUTH_TAG_LEN: usize = 16;
