//! The relay client pool: one [`SmpClient`] per relay, connected on first use (through the
//! configured SOCKS proxy, with per-session credentials), the events of every relay
//! forwarded into one channel tagged with the relay, and one private-routing session per
//! destination relay ([`Pool::proxied_relay`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError, RwLock};
use std::time::Duration;

use smp_client::{
    ClientConfig, ProxiedRelay, ServerEvent, SmpClient, TransportSession, TransportSessionMode,
    socks_credentials,
};
use smp_proto::SmpServer;
use smp_proto::address::BasicAuth;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use crate::config::{NetworkConfig, RelayConfig};
use crate::error::{AgentError, Result};

/// The text that names a relay in the store and in [`RelayEvent`]s.
pub fn server_key(server: &SmpServer) -> String {
    server.to_uri("smp", None)
}

/// Parses a relay named by [`server_key`].
pub fn parse_server(key: &str) -> Result<SmpServer> {
    Ok(SmpServer::parse_uri("smp", key)?.0)
}

/// An event from one relay.
#[derive(Debug)]
pub struct RelayEvent {
    /// The relay ([`server_key`]).
    pub server: String,
    /// What it sent, or that the connection ended.
    pub event: ServerEvent,
}

/// What the pool is opened with.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// Relays whose passwords and address overrides are known at start.
    pub relays: Vec<RelayConfig>,
    /// Time allowed for each relay response.
    pub request_timeout: Duration,
    /// SOCKS settings (the proxy-relay settings are used by the agent, not the pool).
    pub network: NetworkConfig,
    /// The user, for SOCKS isolation credentials.
    pub user_id: i64,
    /// Any value that changes with each run, for SOCKS isolation credentials.
    pub session_ts: i64,
}

/// A private-routing session: a destination relay reached through a proxy relay.
#[derive(Debug, Clone)]
pub struct ProxySession {
    /// The proxy relay.
    pub proxy: SmpServer,
    /// The connection to the proxy relay.
    pub client: SmpClient,
    /// The session with the destination relay.
    pub relay: ProxiedRelay,
}

/// Connections to relays, shared by the agent's tasks.
#[derive(Debug)]
pub struct Pool {
    cfg: PoolConfig,
    known: RwLock<HashMap<String, RelayConfig>>,
    clients: tokio::sync::Mutex<HashMap<String, SmpClient>>,
    proxied: tokio::sync::Mutex<HashMap<String, ProxySession>>,
    events: mpsc::Sender<RelayEvent>,
    forwarders: Mutex<Vec<AbortHandle>>,
    /// Set once the pool is closed: no connection is made or kept after that.
    closed: AtomicBool,
}

impl Pool {
    /// A pool that forwards relay events to `events`.
    pub fn new(cfg: PoolConfig, events: mpsc::Sender<RelayEvent>) -> Self {
        let pool = Pool {
            known: RwLock::new(HashMap::new()),
            cfg,
            clients: tokio::sync::Mutex::new(HashMap::new()),
            proxied: tokio::sync::Mutex::new(HashMap::new()),
            events,
            forwarders: Mutex::new(Vec::new()),
            closed: AtomicBool::new(false),
        };
        pool.remember(&pool.cfg.relays);
        pool
    }

    /// Remembers the passwords and address overrides of `relays` (later ones win).
    pub fn remember(&self, relays: &[RelayConfig]) {
        let mut known = self.known.write().unwrap_or_else(PoisonError::into_inner);
        for r in relays {
            known.insert(server_key(&r.server), r.clone());
        }
    }

    /// The known relay for `key`, if any.
    fn relay(&self, key: &str) -> Option<RelayConfig> {
        self.known
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned()
    }

    /// The password for creating queues on `server`.
    pub fn password(&self, server: &SmpServer) -> Option<BasicAuth> {
        self.relay(&server_key(server)).and_then(|r| r.password)
    }

    /// The connection settings for the relay `key`: its address override, and the SOCKS
    /// proxy with this session's credentials.
    fn client_config(&self, key: &str) -> ClientConfig {
        let net = &self.cfg.network;
        let socks_credentials = net.socks_proxy.as_ref().and_then(|p| {
            let mode = match net.session_mode {
                TransportSessionMode::Entity => TransportSessionMode::Server,
                m => m,
            };
            let session = TransportSession {
                user_id: self.cfg.user_id,
                session_ts: self.cfg.session_ts,
                server: key,
                entity: None,
            };
            socks_credentials(&p.auth, mode, &session)
        });
        ClientConfig {
            connect_addr: self.relay(key).and_then(|r| r.connect_addr),
            request_timeout: self.cfg.request_timeout,
            socks_proxy: net.socks_proxy.clone(),
            socks_mode: net.socks_mode,
            socks_credentials,
            ..ClientConfig::default()
        }
    }

    /// The client of `server`, connecting (and starting its event forwarder) when there is
    /// no open one.
    pub async fn client(&self, server: &SmpServer) -> Result<SmpClient> {
        let key = server_key(server);
        let mut clients = self.clients.lock().await;
        self.refuse_if_closed(&clients)?;
        if let Some(c) = clients.get(&key).filter(|c| !c.is_closed()) {
            return Ok(c.clone());
        }
        let cfg = self.client_config(&key);
        let (client, mut rx) = SmpClient::connect(server, &cfg).await?;
        // closed while connecting (the close may not have had the lock)
        if let Err(e) = self.refuse_if_closed(&clients) {
            client.close();
            return Err(e);
        }
        let events = self.events.clone();
        let tag = key.clone();
        let forwarder = tokio::spawn(async move {
            while let Some(event) = rx.recv().await {
                let ev = RelayEvent {
                    server: tag.clone(),
                    event,
                };
                if events.send(ev).await.is_err() {
                    break;
                }
            }
        });
        self.forwarders
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(forwarder.abort_handle());
        clients.insert(key, client.clone());
        Ok(client)
    }

    /// The private-routing session with `dest`: the open one (whatever proxy it goes
    /// through), or a new one through `proxy` (`PRXY`), kept for later sends.
    pub async fn proxied_relay(&self, proxy: &SmpServer, dest: &SmpServer) -> Result<ProxySession> {
        let key = server_key(dest);
        let mut sessions = self.proxied.lock().await;
        if let Some(s) = sessions.get(&key).filter(|s| !s.client.is_closed()) {
            return Ok(s.clone());
        }
        let client = self.client(proxy).await?;
        let auth = self.password(proxy);
        let relay = client.connect_proxied_relay(dest, auth).await?;
        let session = ProxySession {
            proxy: proxy.clone(),
            client,
            relay,
        };
        sessions.insert(key, session.clone());
        Ok(session)
    }

    /// Drops the private-routing session with `dest` (after `NO_SESSION` or a failure).
    pub async fn forget_proxied(&self, dest: &SmpServer) {
        self.proxied.lock().await.remove(&server_key(dest));
    }

    /// Forgets the client of `key` if it is closed (after its `Disconnected` event).
    pub async fn forget_closed(&self, key: &str) {
        let mut clients = self.clients.lock().await;
        if clients.get(key).is_some_and(SmpClient::is_closed) {
            clients.remove(key);
        }
    }

    /// After [`Pool::close_all`] or [`Pool::close`]: closes the connections in
    /// `clients` (held by the caller) and refuses the request.
    fn refuse_if_closed(&self, clients: &HashMap<String, SmpClient>) -> Result<()> {
        if !self.closed.load(Ordering::SeqCst) {
            return Ok(());
        }
        clients.values().for_each(SmpClient::close);
        Err(AgentError::Closed("the agent is closed".into()))
    }

    /// Marks the pool closed and stops the forwarders.
    fn mark_closed(&self) {
        self.closed.store(true, Ordering::SeqCst);
        let forwarders = self
            .forwarders
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        forwarders.iter().for_each(AbortHandle::abort);
    }

    /// Closes every connection and stops the forwarders without waiting (for `Drop`).
    /// Returns false when a task held the connections: then only the connection that
    /// task may be making is closed by itself (see [`Pool::client`]), and the caller
    /// should finish with [`Pool::close`].
    pub fn close_all(&self) -> bool {
        self.mark_closed();
        match self.clients.try_lock() {
            Ok(clients) => {
                clients.values().for_each(SmpClient::close);
                true
            }
            Err(_) => false,
        }
    }

    /// Closes every connection (also those of private-routing sessions) and stops the
    /// forwarders, waiting for a task that holds the connections to let go; no
    /// connection is made afterwards.
    pub async fn close(&self) {
        self.mark_closed();
        self.clients
            .lock()
            .await
            .values()
            .for_each(SmpClient::close);
        self.proxied
            .lock()
            .await
            .values()
            .for_each(|s| s.client.close());
    }
}

/// Whether a relay error is worth retrying rather than final (reference
/// `temporaryOrHostError`): network trouble with the relay (connecting, TLS, SOCKS, a
/// lost connection, a timeout) or an incompatible version (`TRANSPORT VERSION`, a host
/// error), and, through a proxy, a proxy that lost its session or could not reach the
/// destination (`PROXY (BROKER NETWORK | TIMEOUT)`), or could not use its host or
/// version (`BROKER HOST`, `BROKER (TRANSPORT VERSION)`; when the fallback to a direct
/// send is prohibited these are retried too, as in the reference). Any other transport
/// error is final: a relay presenting another identity than its address names
/// (`HANDSHAKE IDENTITY`), a bad session, block or message size, no auth key.
pub fn is_temporary(e: &AgentError) -> bool {
    use smp_client::ClientError as C;
    use smp_proto::error::{BrokerErrorType as B, ErrorType, ProxyError, TransportError};
    match e {
        AgentError::Relay(C::Proxy(ErrorType::Proxy(p))) => matches!(
            **p,
            ProxyError::NoSession
                | ProxyError::Broker(
                    B::Network | B::Timeout | B::Host | B::Transport(TransportError::Version)
                )
        ),
        AgentError::Relay(c) => matches!(
            c,
            C::Network(_)
                | C::Disconnected(_)
                | C::Timeout
                | C::Tls(_)
                | C::Transport(TransportError::Version)
                | C::Socks(_)
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use smp_client::ClientError as C;
    use smp_proto::error::{
        BrokerErrorType as B, ErrorType, HandshakeError as H, ProxyError, TransportError as T,
    };

    use super::is_temporary;
    use crate::error::AgentError;

    fn relay(e: C) -> bool {
        is_temporary(&AgentError::Relay(e))
    }

    #[test]
    fn network_trouble_and_version_are_temporary() {
        let io = || std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert!(relay(C::Network(io())));
        assert!(relay(C::Disconnected("lost".into())));
        assert!(relay(C::Timeout));
        assert!(relay(C::Socks("refused".into())));
        assert!(relay(C::Tls(simplex_transport::Error::Io(io()))));
        assert!(relay(C::Transport(T::Version)));
    }

    /// The relay's own transport errors other than the version are final (reference
    /// `serverHostError` takes only `TRANSPORT VERSION`).
    #[test]
    fn other_transport_errors_are_final() {
        for e in [
            T::Block,
            T::LargeMsg,
            T::Session,
            T::NoAuth,
            T::Handshake(H::Identity),
            T::Handshake(H::BadAuth),
            T::Handshake(H::Parse),
            T::Handshake(H::BadService),
        ] {
            assert!(!relay(C::Transport(e)), "{e:?}");
        }
        assert!(!relay(C::Protocol(ErrorType::Auth)));
        assert!(!relay(C::Protocol(ErrorType::Quota)));
        assert!(!relay(C::UnexpectedResponse("OK".into())));
    }

    #[test]
    fn proxy_errors() {
        let proxy = |p: ProxyError| relay(C::Proxy(ErrorType::Proxy(Box::new(p))));
        assert!(proxy(ProxyError::NoSession));
        assert!(proxy(ProxyError::Broker(B::Timeout)));
        assert!(proxy(ProxyError::Broker(B::Host)));
        assert!(proxy(ProxyError::Broker(B::Transport(T::Version))));
        assert!(!proxy(ProxyError::Broker(B::Transport(T::Handshake(
            H::Identity
        )))));
        assert!(!proxy(ProxyError::BasicAuth));
        assert!(!proxy(ProxyError::Protocol(ErrorType::Auth)));
    }
}
