//! Runtime configuration of the relay (what `smp-server.ini` is turned into).

use crate::clock::{Clock, SystemClock};
use smp_proto::address::BasicAuth;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Default per-queue message quota (the reference's `msgQueueQuota`).
pub const DEFAULT_QUOTA: usize = 128;
/// Default message expiry: 21 days.
pub const DEFAULT_MSG_EXPIRY: Duration = Duration::from_secs(21 * 86400);
/// Default notification expiry: 24 hours.
pub const DEFAULT_NTF_EXPIRY: Duration = Duration::from_secs(24 * 3600);
/// How often expired messages are removed: 2 hours.
pub const DEFAULT_EXPIRE_INTERVAL: Duration = Duration::from_secs(2 * 3600);
/// Inactive clients are disconnected after 6 hours without commands.
pub const DEFAULT_INACTIVE_TTL: Duration = Duration::from_secs(6 * 3600);
/// Inactive clients are checked every hour.
pub const DEFAULT_INACTIVE_CHECK: Duration = Duration::from_secs(3600);

/// Inactive client policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InactiveClients {
    /// Disconnect a client idle (no commands) for this long...
    pub ttl: Duration,
    /// ...checking this often.
    pub check_interval: Duration,
}

/// Relay settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Addresses to listen on.
    pub listen: Vec<SocketAddr>,
    /// Messages a queue holds before `ERR QUOTA`.
    pub msg_queue_quota: usize,
    /// Messages older than this are deleted (`None`: never).
    pub msg_expiry: Option<Duration>,
    /// Expire messages when the relay starts.
    pub expire_on_start: bool,
    /// How often to run message and notification expiry.
    pub expire_interval: Duration,
    /// Stored notifications older than this are deleted.
    pub ntf_expiry: Duration,
    /// Disconnect idle clients (`None`: never).
    pub inactive_clients: Option<InactiveClients>,
    /// Whether `NEW` is allowed at all.
    pub allow_new_queues: bool,
    /// Password required by `NEW` and `PRXY` (basic auth).
    pub create_password: Option<BasicAuth>,
    /// Whether this relay serves as a proxy for private routing (`PRXY`).
    pub allow_proxy: bool,
    /// Parallel proxy commands per client.
    pub proxy_client_concurrency: usize,
    /// Which kind of destination host the proxy uses (reference `[PROXY] host_mode`).
    pub proxy_host_mode: ProxyHostMode,
    /// Whether the proxy refuses a destination without a host of that kind, answering
    /// `PRXY` with `PROXY (BROKER HOST)` (reference `[PROXY] required_host_mode`).
    pub proxy_required_host_mode: bool,
    /// TLS handshake timeout.
    pub tls_timeout: Duration,
    /// SMP handshake timeout.
    pub handshake_timeout: Duration,
    /// Address for the Prometheus metrics endpoint (`None`: off).
    pub metrics_addr: Option<SocketAddr>,
    /// Override of the destination address used by the proxy (tests: relays on loopback
    /// with names that do not resolve).
    pub proxy_connect_override: Option<ConnectOverride>,
    /// The clock (system time unless a test injects one).
    pub clock: Arc<dyn Clock>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: vec![SocketAddr::from(([0, 0, 0, 0], 5223))],
            msg_queue_quota: DEFAULT_QUOTA,
            msg_expiry: Some(DEFAULT_MSG_EXPIRY),
            expire_on_start: true,
            expire_interval: DEFAULT_EXPIRE_INTERVAL,
            ntf_expiry: DEFAULT_NTF_EXPIRY,
            inactive_clients: Some(InactiveClients {
                ttl: DEFAULT_INACTIVE_TTL,
                check_interval: DEFAULT_INACTIVE_CHECK,
            }),
            allow_new_queues: true,
            create_password: None,
            allow_proxy: true,
            proxy_client_concurrency: 32,
            proxy_host_mode: ProxyHostMode::Public,
            proxy_required_host_mode: false,
            tls_timeout: Duration::from_secs(60),
            handshake_timeout: Duration::from_secs(120),
            metrics_addr: None,
            proxy_connect_override: None,
            clock: Arc::new(SystemClock),
        }
    }
}

/// The kind of destination relay host the proxy uses (reference `HostMode`; the relay
/// has no SOCKS proxy, so without `proxy_required_host_mode` it always dials a public
/// host when there is one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProxyHostMode {
    /// Public host names and addresses (`public`, the default).
    #[default]
    Public,
    /// `.onion` hosts (`onion`).
    Onion,
}

impl ProxyHostMode {
    /// Whether `host` is of this kind.
    pub fn fits(self, host: &str) -> bool {
        host.ends_with(".onion") == (self == ProxyHostMode::Onion)
    }
}

/// Maps a destination relay to the socket address the proxy dials (tests use it to reach
/// relays on loopback whose host names do not resolve).
#[derive(Clone)]
pub struct ConnectOverride(pub Arc<ConnectFn>);

/// The function behind [`ConnectOverride`].
pub type ConnectFn = dyn Fn(&smp_proto::SmpServer) -> Option<SocketAddr> + Send + Sync;

impl std::fmt::Debug for ConnectOverride {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConnectOverride")
    }
}
