//! The world a benchmark runs in: one relay in this process with the durable store in a
//! temporary directory, and agents with SQLCipher files in another.

use anyhow::{Context, Result, bail};
use simplex_agent::store::ConnId;
use simplex_agent::{Agent, AgentConfig, AgentEvent, RelayConfig};
use simplex_transport::{SignAlgorithm, generate_credentials};
use smp_proto::SmpServer;
use smp_server::{Server, ServerConfig, ServerHandle};
use smp_store::{DurableStore, StoreConfig};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::Receiver;

/// How long one awaited event may take before the benchmark gives up.
pub const EVENT_TIMEOUT: Duration = Duration::from_secs(60);

/// A relay and the directory of the agents' databases.
pub struct World {
    handle: ServerHandle,
    store: Arc<DurableStore>,
    relay: RelayConfig,
    relay_dir: tempfile::TempDir,
    agent_dir: tempfile::TempDir,
    agents: usize,
}

/// An agent and its event stream.
pub struct Peer {
    /// The agent.
    pub agent: Agent,
    /// Its events.
    pub events: Receiver<AgentEvent>,
}

impl World {
    /// Starts a relay on a free loopback port with a durable store (default settings:
    /// fsync group commit) in a new temporary directory.
    pub async fn start() -> Result<World> {
        let relay_dir = tempfile::tempdir().context("cannot create a temporary dir")?;
        let agent_dir = tempfile::tempdir().context("cannot create a temporary dir")?;
        let store = Arc::new(
            DurableStore::open(StoreConfig::new(relay_dir.path().to_path_buf()))
                .context("cannot open the relay store")?,
        );
        let creds = generate_credentials(SignAlgorithm::Ed25519, "localhost")
            .context("cannot generate credentials")?;
        let key_hash = creds.fingerprint().context("no fingerprint")?;
        let config = ServerConfig {
            listen: vec![SocketAddr::from(([127, 0, 0, 1], 0))],
            ..ServerConfig::default()
        };
        let handle = Server::start(config, store.clone(), creds.server_credentials())
            .await
            .context("cannot start the relay")?;
        let addr = *handle.local_addrs().first().context("no listener")?;
        let server = SmpServer {
            hosts: vec!["localhost".into()],
            port: addr.port().to_string(),
            key_hash,
        };
        let relay = RelayConfig {
            connect_addr: Some(addr),
            ..RelayConfig::new(server)
        };
        Ok(World {
            handle,
            store,
            relay,
            relay_dir,
            agent_dir,
            agents: 0,
        })
    }

    /// Opens a new agent with its own SQLCipher database file.
    pub async fn agent(&mut self) -> Result<Peer> {
        self.agents += 1;
        let path = self
            .agent_dir
            .path()
            .join(format!("agent{}.db", self.agents));
        let config = AgentConfig::new(path, "bench passphrase", vec![self.relay.clone()]);
        let (agent, events) = Agent::open(config).await.context("cannot open an agent")?;
        Ok(Peer { agent, events })
    }

    /// Stops the relay and closes its store (agents should be dropped first).
    pub async fn stop(self) -> Result<()> {
        self.handle.shutdown(Duration::from_secs(2)).await;
        if let Ok(s) = Arc::try_unwrap(self.store) {
            s.close()
                .context("the relay store reported a write failure")?;
        }
        drop(self.relay_dir);
        drop(self.agent_dir);
        Ok(())
    }
}

/// Waits for the next event `want` accepts, skipping others; fails on timeout or close.
pub async fn until<T>(
    events: &mut Receiver<AgentEvent>,
    mut want: impl FnMut(AgentEvent) -> Option<T>,
) -> Result<T> {
    loop {
        let ev = tokio::time::timeout(EVENT_TIMEOUT, events.recv())
            .await
            .context("timed out waiting for an agent event")?;
        match ev {
            Some(AgentEvent::MsgErr { err, .. }) => bail!("a message was given up: {err}"),
            Some(AgentEvent::Error { err, .. }) => eprintln!("agent background error: {err}"),
            Some(ev) => {
                if let Some(t) = want(ev) {
                    return Ok(t);
                }
            }
            None => bail!("agent event channel closed"),
        }
    }
}

/// An established connection: A's connection id and the set-up time.
pub struct Pair {
    /// A's (the inviter's) connection.
    pub a_conn: ConnId,
    /// From `create_invitation` until both sides had `CON`.
    pub setup: Duration,
}

/// Connects `a` and `b` by invitation (A invites, B joins, A allows) and times it.
pub async fn connect(a: &mut Peer, b: &mut Peer) -> Result<Pair> {
    let t = Instant::now();
    let (a_conn, link) = a.agent.create_invitation().await?;
    b.agent.join(&link, b"bob").await?;
    let conf_id = until(&mut a.events, |e| match e {
        AgentEvent::Conf { conf_id, .. } => Some(conf_id),
        _ => None,
    })
    .await?;
    a.agent.allow(&a_conn, &conf_id, b"alice").await?;
    let mut a_con = false;
    let mut b_con = false;
    while !(a_con && b_con) {
        tokio::select! {
            r = until(&mut a.events, |e| matches!(e, AgentEvent::Con { .. }).then_some(())), if !a_con => { r?; a_con = true; }
            r = until(&mut b.events, |e| matches!(e, AgentEvent::Con { .. }).then_some(())), if !b_con => { r?; b_con = true; }
        }
    }
    Ok(Pair {
        a_conn,
        setup: t.elapsed(),
    })
}
