//! A relay on loopback (in-process, real TLS) and agents configured to use it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use simplex_agent::{AgentConfig, RelayConfig};
use simplex_transport::{ServerCredentials, SignAlgorithm, generate_credentials};
use smp_proto::SmpServer;
use smp_server::{Server, ServerConfig, ServerHandle};
use smp_store::MemoryStore;

/// A running relay.
pub struct Relay {
    pub handle: ServerHandle,
    pub server: SmpServer,
    pub addr: SocketAddr,
    /// Its queues and messages (kept when it is stopped and started again).
    pub store: Arc<MemoryStore>,
    creds: ServerCredentials,
}

/// A relay that was stopped (its address, key and store, to start it again).
pub struct Stopped {
    server: SmpServer,
    addr: SocketAddr,
    creds: ServerCredentials,
    store: Arc<MemoryStore>,
}

/// Starts a relay with an in-memory store on 127.0.0.1 (any free port).
pub async fn start_relay() -> Relay {
    start_relay_with(ServerConfig::default()).await
}

/// Starts a relay with `config` (its listen address replaced by 127.0.0.1:0).
pub async fn start_relay_with(config: ServerConfig) -> Relay {
    start_relay_wrapped(config, |store| store).await
}

/// [`start_relay_with`], the relay using `wrap` around its in-memory store (to make the
/// store fail in tests); [`Relay::store`] is the inner store.
pub async fn start_relay_wrapped(
    config: ServerConfig,
    wrap: impl FnOnce(Arc<MemoryStore>) -> Arc<dyn smp_store::Store>,
) -> Relay {
    let config = ServerConfig {
        listen: vec![SocketAddr::from(([127, 0, 0, 1], 0))],
        ..config
    };
    let creds = generate_credentials(SignAlgorithm::Ed25519, "localhost")
        .unwrap()
        .server_credentials();
    let key_hash = creds.fingerprint().unwrap();
    let store = Arc::new(MemoryStore::new());
    let handle = Server::start(config, wrap(store.clone()), creds.clone())
        .await
        .unwrap();
    let addr = handle.local_addrs()[0];
    let server = SmpServer {
        hosts: vec!["localhost".into()],
        port: addr.port().to_string(),
        key_hash,
    };
    Relay {
        handle,
        server,
        addr,
        creds,
        store,
    }
}

impl Stopped {
    /// Starts the relay again on the same address with the same key and store.
    pub async fn start_again(self) -> Relay {
        let config = ServerConfig {
            listen: vec![self.addr],
            ..ServerConfig::default()
        };
        let handle = Server::start(config, self.store.clone(), self.creds.clone())
            .await
            .unwrap();
        Relay {
            handle,
            server: self.server,
            addr: self.addr,
            creds: self.creds,
            store: self.store,
        }
    }
}

impl Relay {
    /// Shuts the relay down (its connections are closed).
    pub async fn stop(self) -> Stopped {
        self.handle.shutdown(Duration::from_secs(2)).await;
        Stopped {
            server: self.server,
            addr: self.addr,
            creds: self.creds,
            store: self.store,
        }
    }

    /// An agent configuration with its database at `db` and this relay.
    pub fn agent_config(&self, db: &Path) -> AgentConfig {
        let relay = RelayConfig {
            connect_addr: Some(self.addr),
            ..RelayConfig::new(self.server.clone())
        };
        let mut cfg = AgentConfig::new(db, "test passphrase", vec![relay]);
        cfg.request_timeout = Duration::from_secs(10);
        cfg.retry_delay = Duration::from_millis(200);
        cfg
    }
}
