//! Opening a store and running a relay in this process; the relay a load targets.

use crate::cli::{DurabilityArg, StoreArgs, StoreKind};
use anyhow::{Context, Result, bail};
use simplex_transport::{SignAlgorithm, generate_credentials};
use smp_client::ClientConfig;
use smp_proto::SmpServer;
use smp_proto::address::BasicAuth;
use smp_server::{Server, ServerConfig, ServerHandle};
use smp_store::{Durability, DurableStore, MemoryStore, Store, StoreConfig};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long an in-process relay waits for its connections when stopping.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// An open store of either kind.
pub enum OpenStore {
    /// The durable store (and the temporary directory holding it, if any).
    Durable(Arc<DurableStore>, Option<tempfile::TempDir>),
    /// The memory store.
    Memory(Arc<MemoryStore>),
}

impl OpenStore {
    /// Opens the store the arguments ask for (a durable store in a new temporary directory
    /// unless `--dir` is given).
    pub fn open(args: &StoreArgs) -> Result<OpenStore> {
        match args.store {
            StoreKind::Memory => Ok(OpenStore::Memory(Arc::new(MemoryStore::new()))),
            StoreKind::Durable => {
                let (dir, tmp) = match &args.dir {
                    Some(d) => (d.clone(), None),
                    None => {
                        let t = tempfile::tempdir().context("cannot create a temporary dir")?;
                        (t.path().to_path_buf(), Some(t))
                    }
                };
                let config = store_config(dir.clone(), args.durability, args.compact_on_open);
                let s = DurableStore::open(config)
                    .with_context(|| format!("cannot open the store in {}", dir.display()))?;
                Ok(OpenStore::Durable(Arc::new(s), tmp))
            }
        }
    }

    /// The store as the relay takes it.
    pub fn shared(&self) -> Arc<dyn Store> {
        match self {
            OpenStore::Durable(s, _) => s.clone(),
            OpenStore::Memory(s) => s.clone(),
        }
    }

    /// Flushes and closes a durable store (once no one else holds it).
    pub fn close(self) -> Result<()> {
        if let OpenStore::Durable(s, tmp) = self {
            match Arc::try_unwrap(s) {
                Ok(s) => s.close().context("the store reported a write failure")?,
                Err(s) => drop(s),
            }
            drop(tmp);
        }
        Ok(())
    }
}

/// The store settings the relay's `start` uses, with the given durability.
pub fn store_config(dir: PathBuf, d: DurabilityArg, compact_on_open: bool) -> StoreConfig {
    StoreConfig {
        durability: match d {
            DurabilityArg::Fsync => Durability::Fsync,
            DurabilityArg::Os => Durability::Os,
            DurabilityArg::None => Durability::None,
        },
        compact_on_open,
        ..StoreConfig::new(dir)
    }
}

/// A relay running in this process.
pub struct LocalRelay {
    handle: ServerHandle,
    store: OpenStore,
    compaction: Option<std::thread::JoinHandle<()>>,
    /// How clients reach it.
    pub target: Target,
    /// Time to open the store.
    pub store_open: Duration,
}

impl LocalRelay {
    /// Opens the store and starts a relay with default settings on 127.0.0.1:`port`.
    pub async fn start(args: &StoreArgs, port: u16) -> Result<LocalRelay> {
        let t = Instant::now();
        let store = OpenStore::open(args)?;
        let store_open = t.elapsed();
        let creds = generate_credentials(SignAlgorithm::Ed25519, "localhost")
            .context("cannot generate credentials")?;
        let key_hash = creds.fingerprint().context("no fingerprint")?;
        let config = ServerConfig {
            listen: vec![SocketAddr::from(([127, 0, 0, 1], port))],
            ..ServerConfig::default()
        };
        let handle = Server::start(config, store.shared(), creds.server_credentials())
            .await
            .context("cannot start the relay")?;
        let compaction = match (&store, args.compact_after_start) {
            (OpenStore::Durable(s, _), true) => {
                let s = s.clone();
                Some(std::thread::spawn(move || {
                    if let Err(e) = s.compact() {
                        eprintln!("store compaction failed: {e}");
                    }
                }))
            }
            _ => None,
        };
        let addr = *handle.local_addrs().first().context("no listener")?;
        let server = SmpServer {
            hosts: vec!["localhost".into()],
            port: addr.port().to_string(),
            key_hash,
        };
        Ok(LocalRelay {
            handle,
            store,
            compaction,
            target: Target {
                server,
                auth: None,
                connect: Some(addr),
            },
            store_open,
        })
    }

    /// Queue and message counts of the store.
    pub fn counts(&self) -> smp_store::StoreCounts {
        self.store.shared().counts().unwrap_or_default()
    }

    /// Stops the relay and closes its store.
    pub async fn stop(self) -> Result<()> {
        self.handle.shutdown(STOP_GRACE).await;
        if let Some(c) = self.compaction {
            // The next start should find the compacted store.
            let _ = tokio::task::spawn_blocking(move || c.join()).await;
        }
        self.store.close()
    }
}

/// The relay a load connects to.
#[derive(Clone, Debug)]
pub struct Target {
    /// Its address.
    pub server: SmpServer,
    /// The queue creation password, if the address has one.
    pub auth: Option<BasicAuth>,
    /// The socket address to dial instead of the address's host.
    pub connect: Option<SocketAddr>,
}

impl Target {
    /// A relay given as `smp://FINGERPRINT[:PASSWORD]@HOST[:PORT]`.
    pub fn parse(uri: &str, connect: Option<SocketAddr>) -> Result<Target> {
        let (server, auth) = SmpServer::parse_uri("smp", uri)
            .map_err(|e| anyhow::anyhow!("bad server address {uri}: {e:?}"))?;
        let connect = match connect {
            Some(c) => Some(c),
            None => loopback_addr(&server)?,
        };
        Ok(Target {
            server,
            auth,
            connect,
        })
    }

    /// The relay's address as text.
    pub fn uri(&self) -> String {
        self.server.to_uri("smp", self.auth.as_ref())
    }

    /// Client settings for this relay.
    pub fn client_config(&self) -> ClientConfig {
        ClientConfig {
            connect_addr: self.connect,
            request_timeout: Duration::from_secs(60),
            event_capacity: 4096,
            ..ClientConfig::default()
        }
    }
}

/// The load tool only runs on loopback: the address must be localhost or 127.0.0.1 (or
/// `--connect` must give a loopback socket address).
fn loopback_addr(server: &SmpServer) -> Result<Option<SocketAddr>> {
    let host = server.hosts.first().map(String::as_str).unwrap_or("");
    let port: u16 = if server.port.is_empty() {
        5223
    } else {
        server.port.parse().context("bad port")?
    };
    match host {
        "localhost" | "127.0.0.1" => Ok(Some(SocketAddr::from(([127, 0, 0, 1], port)))),
        _ => bail!("only loopback relays: give --connect 127.0.0.1:PORT"),
    }
}

/// Refuses a `--connect` address that is not on loopback.
pub fn check_loopback(addr: Option<SocketAddr>) -> Result<()> {
    match addr {
        Some(a) if !a.ip().is_loopback() => bail!("{a} is not a loopback address"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn targets_are_loopback_only() {
        let fp = "LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=";
        let t = Target::parse(&format!("smp://{fp}@localhost:5001"), None).unwrap();
        assert_eq!(t.connect, Some(SocketAddr::from(([127, 0, 0, 1], 5001))));
        assert!(t.auth.is_none());
        let t = Target::parse(&format!("smp://{fp}:secret@localhost"), None).unwrap();
        assert_eq!(t.connect.map(|a| a.port()), Some(5223));
        assert!(t.auth.is_some());
        assert!(Target::parse(&format!("smp://{fp}@example.com"), None).is_err());
        let c = Some(SocketAddr::from(([127, 0, 0, 1], 7)));
        assert!(Target::parse(&format!("smp://{fp}@example.com"), c).is_ok());
        assert!(check_loopback(Some(SocketAddr::from(([10, 0, 0, 1], 7)))).is_err());
        assert!(check_loopback(c).is_ok());
    }
}
