//! Connection settings.

use std::net::SocketAddr;
use std::time::Duration;

use simplex_encoding::VersionRange;
use smp_proto::versions::CLIENT_RANGE;

use crate::socks::{SocksCredentials, SocksMode, SocksProxy};

/// Settings of one relay connection. `ClientConfig::default()` matches the reference client.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Protocol versions we support (default 6..18); the highest common one is used.
    pub versions: VersionRange,
    /// ALPN protocols offered in TLS (default `["smp/1"]`; without ALPN relays offer only v6).
    pub alpn: Vec<String>,
    /// Dial this socket address instead of the relay's first host and port (tests, tunnels).
    pub connect_addr: Option<SocketAddr>,
    /// We are a relay connecting as a proxy (`proxyServer` in the hello): no block encryption.
    pub proxy_server: bool,
    /// Send our X25519 key in the hello (needed for block encryption and `RFWD`; default on).
    pub agree_secret: bool,
    /// Time allowed for TCP connect, TLS and the SMP hello exchange (default 15 s).
    pub handshake_timeout: Duration,
    /// Time allowed for each response (default 30 s).
    pub request_timeout: Duration,
    /// Capacity of the event channel; the reader waits when it is full (default 1024).
    pub event_capacity: usize,
    /// Connect through this SOCKS5 proxy (default none). With a proxy, a relay's `.onion`
    /// host is preferred and host names are resolved by the proxy.
    pub socks_proxy: Option<SocksProxy>,
    /// When the proxy is used (default: always).
    pub socks_mode: SocksMode,
    /// The credentials offered to the proxy for this connection (see
    /// [`crate::socks_credentials`]); when none, the proxy's fixed username and password,
    /// if it has them, else no authentication.
    pub socks_credentials: Option<SocksCredentials>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            versions: CLIENT_RANGE,
            alpn: vec!["smp/1".to_owned()],
            connect_addr: None,
            proxy_server: false,
            agree_secret: true,
            handshake_timeout: Duration::from_secs(15),
            request_timeout: Duration::from_secs(30),
            event_capacity: 1024,
            socks_proxy: None,
            socks_mode: SocksMode::Always,
            socks_credentials: None,
        }
    }
}
