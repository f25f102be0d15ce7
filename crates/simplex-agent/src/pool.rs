//! The relay client pool: one [`SmpClient`] per relay, connected on first use, with the
//! events of every relay forwarded into one channel tagged with the relay.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use smp_client::{ClientConfig, ServerEvent, SmpClient};
use smp_proto::SmpServer;
use smp_proto::address::BasicAuth;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use crate::config::RelayConfig;
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

/// Connections to relays, shared by the agent's tasks.
#[derive(Debug)]
pub struct Pool {
    relays: Vec<RelayConfig>,
    request_timeout: Duration,
    clients: tokio::sync::Mutex<HashMap<String, SmpClient>>,
    events: mpsc::Sender<RelayEvent>,
    forwarders: Mutex<Vec<AbortHandle>>,
}

impl Pool {
    /// A pool that forwards relay events to `events`; `relays` give the address overrides
    /// and passwords of known relays.
    pub fn new(
        relays: Vec<RelayConfig>,
        request_timeout: Duration,
        events: mpsc::Sender<RelayEvent>,
    ) -> Self {
        Pool {
            relays,
            request_timeout,
            clients: tokio::sync::Mutex::new(HashMap::new()),
            events,
            forwarders: Mutex::new(Vec::new()),
        }
    }

    /// The configured relay for `key`, if any.
    fn relay(&self, key: &str) -> Option<&RelayConfig> {
        self.relays.iter().find(|r| server_key(&r.server) == key)
    }

    /// The password for creating queues on `server`.
    pub fn password(&self, server: &SmpServer) -> Option<BasicAuth> {
        self.relay(&server_key(server))
            .and_then(|r| r.password.clone())
    }

    /// The client of `server`, connecting (and starting its event forwarder) when there is
    /// no open one.
    pub async fn client(&self, server: &SmpServer) -> Result<SmpClient> {
        let key = server_key(server);
        let mut clients = self.clients.lock().await;
        if let Some(c) = clients.get(&key).filter(|c| !c.is_closed()) {
            return Ok(c.clone());
        }
        let cfg = ClientConfig {
            connect_addr: self.relay(&key).and_then(|r| r.connect_addr),
            request_timeout: self.request_timeout,
            ..ClientConfig::default()
        };
        let (client, mut rx) = SmpClient::connect(server, &cfg).await?;
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

    /// Forgets the client of `key` if it is closed (after its `Disconnected` event).
    pub async fn forget_closed(&self, key: &str) {
        let mut clients = self.clients.lock().await;
        if clients.get(key).is_some_and(SmpClient::is_closed) {
            clients.remove(key);
        }
    }

    /// Closes every connection and stops the forwarders.
    pub fn close_all(&self) {
        if let Ok(clients) = self.clients.try_lock() {
            clients.values().for_each(SmpClient::close);
        }
        let forwarders = self
            .forwarders
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        forwarders.iter().for_each(AbortHandle::abort);
    }
}

/// Whether a relay error is worth retrying (network trouble) rather than final.
pub fn is_temporary(e: &AgentError) -> bool {
    use smp_client::ClientError as C;
    match e {
        AgentError::Relay(c) => matches!(
            c,
            C::Network(_) | C::Disconnected(_) | C::Timeout | C::Tls(_) | C::Transport(_)
        ),
        AgentError::Closed(_) => false,
        _ => false,
    }
}
