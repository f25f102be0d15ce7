//! State shared by every connection of one relay.

use crate::config::ServerConfig;
use crate::ntf::NtfStore;
use crate::stats::Stats;
use crate::subs::Registry;
use simplex_transport::ServerCredentials;
use smp_store::Store;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Everything a connection needs from the relay.
pub struct Env {
    /// Settings.
    pub config: ServerConfig,
    /// Queue and message store.
    pub store: Arc<dyn Store>,
    /// TLS credentials (the chain is also sent in the SMP hello).
    pub creds: ServerCredentials,
    /// Queue subscribers.
    pub subscribers: Registry,
    /// Notifier subscribers.
    pub ntf_subscribers: Registry,
    /// Undelivered notifications.
    pub ntf_store: NtfStore,
    /// Counters.
    pub stats: Stats,
    /// The proxy's connections to destination relays.
    pub proxy: crate::proxy::ProxyAgent,
    /// Parsed authorization keys of the queues in use (`SEND`, `ACK`).
    pub keys: crate::keycache::KeyCache,
    next_client: AtomicU64,
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env").finish_non_exhaustive()
    }
}

impl Env {
    /// Builds the shared state.
    pub fn new(config: ServerConfig, store: Arc<dyn Store>, creds: ServerCredentials) -> Arc<Self> {
        Arc::new(Env {
            proxy: crate::proxy::ProxyAgent::new(&config),
            config,
            store,
            creds,
            subscribers: Registry::default(),
            ntf_subscribers: Registry::default(),
            ntf_store: NtfStore::default(),
            stats: Stats::default(),
            keys: crate::keycache::KeyCache::default(),
            next_client: AtomicU64::new(1),
        })
    }

    /// A fresh connection id.
    pub fn next_client_id(&self) -> u64 {
        self.next_client.fetch_add(1, Ordering::Relaxed)
    }

    /// Current time in seconds.
    pub fn now(&self) -> i64 {
        self.config.clock.now()
    }
}
