//! What an [`crate::agent::Agent`] is opened with: its database, passphrase and relays.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use smp_proto::SmpServer;
use smp_proto::address::BasicAuth;
use zeroize::Zeroizing;

/// One relay the agent creates its queues on.
#[derive(Clone)]
pub struct RelayConfig {
    /// The relay's address (`smp://keyHash@host[:port]`).
    pub server: SmpServer,
    /// The relay's password for creating queues, if it has one.
    pub password: Option<BasicAuth>,
    /// Dial this socket address instead of the relay's host (tests, tunnels).
    pub connect_addr: Option<SocketAddr>,
}

impl RelayConfig {
    /// A relay without password or address override.
    pub fn new(server: SmpServer) -> Self {
        RelayConfig {
            server,
            password: None,
            connect_addr: None,
        }
    }
}

impl fmt::Debug for RelayConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RelayConfig")
            .field("server", &self.server.to_uri("smp", None))
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("connect_addr", &self.connect_addr)
            .finish()
    }
}

/// Settings of an agent.
pub struct AgentConfig {
    /// The SQLCipher database file (created when missing).
    pub db_path: PathBuf,
    /// The database passphrase (wiped on drop, never printed).
    pub passphrase: Zeroizing<String>,
    /// Relays for the agent's own queues; the first one is used for new queues.
    pub relays: Vec<RelayConfig>,
    /// Time allowed for each relay response.
    pub request_timeout: Duration,
    /// First delay before re-sending a message after a network error (doubles up to
    /// [`AgentConfig::max_retry_delay`]).
    pub retry_delay: Duration,
    /// Longest delay between delivery attempts.
    pub max_retry_delay: Duration,
    /// Post-quantum support for new connections (the reference's `PQSupport` /
    /// `InitialKeys`): invitations propose an sntrup761 key, joiners accept or propose
    /// one, and the ratchet uses KEM steps when both sides have it on.
    pub pq_support: bool,
}

impl AgentConfig {
    /// A configuration with default timings.
    pub fn new(db_path: impl Into<PathBuf>, passphrase: &str, relays: Vec<RelayConfig>) -> Self {
        AgentConfig {
            db_path: db_path.into(),
            passphrase: Zeroizing::new(passphrase.to_owned()),
            relays,
            request_timeout: Duration::from_secs(30),
            retry_delay: Duration::from_secs(2),
            max_retry_delay: Duration::from_secs(120),
            pq_support: false,
        }
    }
}

impl fmt::Debug for AgentConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgentConfig")
            .field("db_path", &self.db_path)
            .field("passphrase", &"<redacted>")
            .field("relays", &self.relays)
            .field("request_timeout", &self.request_timeout)
            .field("retry_delay", &self.retry_delay)
            .field("max_retry_delay", &self.max_retry_delay)
            .field("pq_support", &self.pq_support)
            .finish()
    }
}
