//! Server settings (the reference's `XFTPServerConfig`, `Server/Env.hs`).

use smp_proto::address::BasicAuth;
use std::path::PathBuf;
use xftp_proto::versions::{CHUNK_SIZES, SERVER_RANGE};

use crate::clock::Clock;
use crate::tls::WebCredentials;

/// Default file lifetime: 48 hours (`defFileExpirationHours`).
pub const DEFAULT_FILE_TTL_SECS: i64 = 48 * 3600;
/// How often expired files are removed: every 2 hours.
pub const DEFAULT_EXPIRE_INTERVAL_SECS: u64 = 2 * 3600;
/// How long one chunk upload may take: 5 minutes (`fileTimeout`).
pub const DEFAULT_UPLOAD_TIMEOUT_SECS: u64 = 5 * 60;
/// Default port.
pub const DEFAULT_PORT: u16 = 443;

/// Disconnecting idle clients (`[INACTIVE_CLIENTS]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InactiveClients {
    /// Seconds without a request after which a connection is closed.
    pub ttl_secs: u64,
    /// How often connections are checked.
    pub check_interval_secs: u64,
}

/// Everything the server needs besides its TLS credentials.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to listen on, e.g. `0.0.0.0:443` (port 0 picks a free port).
    pub listen: String,
    /// Directory where uploaded chunks are stored.
    pub files_path: PathBuf,
    /// Total bytes of stored chunks allowed, if limited.
    pub storage_quota: Option<u64>,
    /// Chunk sizes `FNEW` accepts.
    pub chunk_sizes: Vec<u32>,
    /// The append-only store log; `None` keeps everything in memory only.
    pub store_log: Option<PathBuf>,
    /// Seconds after creation when a file expires (`None`: never).
    pub file_ttl_secs: Option<i64>,
    /// Seconds between expiry runs.
    pub expire_interval_secs: u64,
    /// Seconds one chunk upload may take.
    pub upload_timeout_secs: u64,
    /// Whether `FNEW` is allowed at all (`[AUTH] new_files`).
    pub allow_new_files: bool,
    /// Password required by `FNEW` (`[AUTH] create_password`).
    pub create_password: Option<BasicAuth>,
    /// Versions offered in the handshake.
    pub versions: simplex_encoding::VersionRange,
    /// Idle-client disconnection, if on.
    pub inactive_clients: Option<InactiveClients>,
    /// Browser support (`[WEB] cert`/`key`): connections with SNI get this certificate,
    /// the web handshake and CORS headers.
    pub web: Option<WebCredentials>,
    /// The source of time.
    pub clock: Clock,
}

impl ServerConfig {
    /// Defaults of the reference for a server storing chunks in `files_path`.
    pub fn new(listen: impl Into<String>, files_path: impl Into<PathBuf>) -> Self {
        ServerConfig {
            listen: listen.into(),
            files_path: files_path.into(),
            storage_quota: None,
            chunk_sizes: CHUNK_SIZES.to_vec(),
            store_log: None,
            file_ttl_secs: Some(DEFAULT_FILE_TTL_SECS),
            expire_interval_secs: DEFAULT_EXPIRE_INTERVAL_SECS,
            upload_timeout_secs: DEFAULT_UPLOAD_TIMEOUT_SECS,
            allow_new_files: true,
            create_password: None,
            versions: SERVER_RANGE,
            inactive_clients: None,
            web: None,
            clock: Clock::System,
        }
    }
}
