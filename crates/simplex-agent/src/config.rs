//! What an [`crate::agent::Agent`] is opened with: its database, passphrase and relays.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use simplex_encoding::VersionRange;
use smp_client::{SocksMode, SocksProxy, TransportSessionMode};
use smp_proto::SmpServer;
use smp_proto::address::BasicAuth;
use zeroize::Zeroizing;

use crate::store::Timestamp;

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

/// When messages go to a peer's relay through a proxy relay (private routing; reference
/// `SMPProxyMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SmpProxyMode {
    /// Always through a proxy.
    Always,
    /// Through a proxy when the destination is not one of the user's relays.
    Unknown,
    /// Like `Unknown`, but only when our IP address is not protected by a SOCKS proxy.
    Unprotected,
    /// Never: always directly (the reference's default).
    #[default]
    Never,
}

/// Whether a message may go directly when the proxy cannot reach the destination relay
/// (reference `SMPProxyFallback`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SmpProxyFallback {
    /// Yes (the reference's default).
    #[default]
    Allow,
    /// Only when our IP address is protected by a SOCKS proxy.
    AllowProtected,
    /// No: the send fails.
    Prohibit,
}

/// How the agent reaches relays (reference `NetworkConfig`).
#[derive(Debug, Clone, Default)]
pub struct NetworkConfig {
    /// Connect through this SOCKS5 proxy (e.g. Tor).
    pub socks_proxy: Option<SocksProxy>,
    /// When the SOCKS proxy is used.
    pub socks_mode: SocksMode,
    /// What connections share a proxy username when the proxy isolates by credentials
    /// (`Entity` is treated as `Server`: the agent has one connection per relay).
    pub session_mode: TransportSessionMode,
    /// When to send through a proxy relay.
    pub smp_proxy_mode: SmpProxyMode,
    /// When a failed proxy may be bypassed.
    pub smp_proxy_fallback: SmpProxyFallback,
}

impl NetworkConfig {
    /// Whether our IP address is hidden from relays (reference `ipAddressProtected`, with
    /// the default host mode): a SOCKS proxy is configured.
    pub fn ip_protected(&self) -> bool {
        self.socks_proxy.is_some()
    }
}

/// The clock the agent judges message age by (tests inject one that can jump ahead).
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> Timestamp + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Clock(Arc::new(Timestamp::now))
    }

    /// A clock reading `f`.
    pub fn new(f: impl Fn() -> Timestamp + Send + Sync + 'static) -> Self {
        Clock(Arc::new(f))
    }

    /// The current time.
    pub fn now(&self) -> Timestamp {
        (self.0)()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Clock({})", self.now().0)
    }
}

/// When delivery gives up or slows down (reference `AgentConfig`: `messageTimeout`,
/// `quotaExceededTimeout`, the slow half of `messageRetryInterval`).
#[derive(Debug, Clone)]
pub struct DeliveryTimeouts {
    /// A message still failing with network errors this long after it was queued is
    /// given up (default 2 days).
    pub message_timeout: Duration,
    /// A message still refused with `ERR QUOTA` this long after it was queued is given
    /// up (default 7 days).
    pub quota_exceeded_timeout: Duration,
    /// First delay before retrying after `ERR QUOTA` when no `A_QCONT` came (default
    /// 5 minutes; grows by half up to [`DeliveryTimeouts::max_slow_retry_delay`]).
    pub slow_retry_delay: Duration,
    /// Longest delay between attempts after `ERR QUOTA` (default 6 hours).
    pub max_slow_retry_delay: Duration,
}

impl Default for DeliveryTimeouts {
    fn default() -> Self {
        const DAY: u64 = 24 * 3600;
        DeliveryTimeouts {
            message_timeout: Duration::from_secs(2 * DAY),
            quota_exceeded_timeout: Duration::from_secs(7 * DAY),
            slow_retry_delay: Duration::from_secs(300),
            max_slow_retry_delay: Duration::from_secs(6 * 3600),
        }
    }
}

/// The periodic cleanup of old bookkeeping (reference `AgentConfig`:
/// `initialCleanupDelay`, `cleanupInterval`, `storedMsgDataTTL`, `cleanupBatchSize`).
#[derive(Debug, Clone)]
pub struct CleanupConfig {
    /// Delay before the first run after start (default 30 s).
    pub initial_delay: Duration,
    /// Time between runs (default 5 minutes).
    pub interval: Duration,
    /// Age after which the hashes of processed ratchet keys and of received messages,
    /// and delivered sent messages still kept for a receipt, are deleted (default 21
    /// days, the reference's `storedMsgDataTTL`).
    pub stored_data_ttl: Duration,
    /// Most rows of each kind deleted per run (default 10 000).
    pub batch_size: usize,
}

impl Default for CleanupConfig {
    fn default() -> Self {
        CleanupConfig {
            initial_delay: Duration::from_secs(30),
            interval: Duration::from_secs(300),
            stored_data_ttl: Duration::from_secs(21 * 24 * 3600),
            batch_size: 10_000,
        }
    }
}

/// Settings of an agent.
pub struct AgentConfig {
    /// The SQLCipher database file (created when missing).
    pub db_path: PathBuf,
    /// The database passphrase (wiped on drop, never printed).
    pub passphrase: Zeroizing<String>,
    /// Relays for the agent's own queues, the user's list when a new database is created
    /// (later changed with `Agent::set_relays`); the address overrides are remembered.
    pub relays: Vec<RelayConfig>,
    /// How relays are reached.
    pub network: NetworkConfig,
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
    /// When delivery gives up or slows down.
    pub delivery: DeliveryTimeouts,
    /// The periodic cleanup of old bookkeeping.
    pub cleanup: CleanupConfig,
    /// The clock for delivery give-up and expiry decisions.
    pub clock: Clock,
    /// The agent protocol versions offered in links and accepted from peers (default
    /// 2..7, the reference's `smpAgentVRange`); tests lower the maximum to act as an
    /// older agent, as the reference's tests do.
    pub agent_versions: VersionRange,
    /// Create one-time invitation queues (and joiners' reply queues) without
    /// sender-secure: `NEW` carries no queue mode, so peers use the classic handshake
    /// (the sender's key in the confirmation, `KEY` by the recipient, `HELLO`), as they
    /// do with relays older than SMP v9 (default off; for tests and interop). Short-link
    /// invitations still use messaging queues.
    pub legacy_invitations: bool,
}

impl AgentConfig {
    /// A configuration with default timings.
    pub fn new(db_path: impl Into<PathBuf>, passphrase: &str, relays: Vec<RelayConfig>) -> Self {
        AgentConfig {
            db_path: db_path.into(),
            passphrase: Zeroizing::new(passphrase.to_owned()),
            relays,
            network: NetworkConfig::default(),
            request_timeout: Duration::from_secs(30),
            retry_delay: Duration::from_secs(2),
            max_retry_delay: Duration::from_secs(120),
            pq_support: false,
            delivery: DeliveryTimeouts::default(),
            cleanup: CleanupConfig::default(),
            clock: Clock::system(),
            agent_versions: agent_proto::versions::AGENT_RANGE,
            legacy_invitations: false,
        }
    }
}

impl fmt::Debug for AgentConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgentConfig")
            .field("db_path", &self.db_path)
            .field("passphrase", &"<redacted>")
            .field("relays", &self.relays)
            .field("network", &self.network)
            .field("request_timeout", &self.request_timeout)
            .field("retry_delay", &self.retry_delay)
            .field("max_retry_delay", &self.max_retry_delay)
            .field("pq_support", &self.pq_support)
            .field("delivery", &self.delivery)
            .field("cleanup", &self.cleanup)
            .field("clock", &self.clock)
            .field("agent_versions", &self.agent_versions)
            .field("legacy_invitations", &self.legacy_invitations)
            .finish()
    }
}
