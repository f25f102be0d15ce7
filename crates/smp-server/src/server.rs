//! Starting and stopping a relay: listeners, connection tasks, background tasks.

use crate::config::ServerConfig;
use crate::env::Env;
use simplex_transport::{SMP_SERVER_ALPN, ServerCredentials, ServerTls};
use smp_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Errors starting a relay.
#[derive(Debug, Error)]
pub enum ServerError {
    /// TLS setup failed (bad credentials).
    #[error("TLS setup: {0}")]
    Tls(#[from] simplex_transport::Error),
    /// A listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
}

/// The relay.
#[derive(Debug)]
pub struct Server;

/// A running relay.
#[derive(Debug)]
pub struct ServerHandle {
    env: Arc<Env>,
    addrs: Vec<SocketAddr>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Server {
    /// Binds the listeners and starts serving.
    pub async fn start(
        config: ServerConfig,
        store: Arc<dyn Store>,
        creds: ServerCredentials,
    ) -> Result<ServerHandle, ServerError> {
        let tls = Arc::new(ServerTls::new(&creds, SMP_SERVER_ALPN)?);
        let env = Env::new(config, store, creds);
        let (shutdown, rx) = watch::channel(false);
        let mut tasks = Vec::new();
        let mut addrs = Vec::new();
        for addr in env.config.listen.clone() {
            let l = bind(addr, &mut addrs).await?;
            tasks.push(tokio::spawn(accept_loop(
                l,
                env.clone(),
                tls.clone(),
                rx.clone(),
            )));
        }
        if let Some(addr) = env.config.metrics_addr {
            let l = bind(addr, &mut addrs).await?;
            tasks.push(tokio::spawn(crate::metrics::serve(
                l,
                env.clone(),
                rx.clone(),
            )));
        }
        tasks.push(tokio::spawn(crate::tasks::expiry_loop(env.clone(), rx)));
        Ok(ServerHandle {
            env,
            addrs,
            shutdown,
            tasks,
        })
    }
}

/// Binds `addr` and records the bound address (the port may have been 0).
async fn bind(addr: SocketAddr, bound: &mut Vec<SocketAddr>) -> Result<TcpListener, ServerError> {
    let err = |source| ServerError::Bind { addr, source };
    let l = TcpListener::bind(addr).await.map_err(err)?;
    bound.push(l.local_addr().map_err(err)?);
    Ok(l)
}

async fn accept_loop(
    l: TcpListener,
    env: Arc<Env>,
    tls: Arc<ServerTls>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            r = l.accept() => match r {
                Ok((tcp, _peer)) => {
                    let _ = tcp.set_nodelay(true);
                    tokio::spawn(crate::conn::serve(env.clone(), tls.clone(), tcp, shutdown.clone()));
                }
                Err(e) => {
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = shutdown.changed() => return,
        }
    }
}

impl ServerHandle {
    /// Bound addresses: the SMP listeners in configuration order, then the metrics port.
    pub fn local_addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// Shared state (counters, store) for tests and tools.
    pub fn env(&self) -> &Arc<Env> {
        &self.env
    }

    /// Stops accepting, closes every connection and waits (up to `grace`) for them.
    pub async fn shutdown(self, grace: Duration) {
        let _ = self.shutdown.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
        let stats = &self.env.stats;
        let deadline = tokio::time::Instant::now() + grace;
        while stats.sockets_accepted.get() > stats.sockets_closed.get()
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
