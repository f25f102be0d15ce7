//! Starting and stopping the server: the TLS listener, one HTTP/2 connection task per
//! client, the expiry task and idle-client disconnection.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use simplex_transport::ServerCredentials;
use smp_proto::error::BlockingInfo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::ServerConfig;
use crate::env::Env;
use crate::error::ServerError;
use crate::http::{Conn, handle};
use crate::tls::Acceptor;

/// HTTP/2 flow-control window of one request: a 4 MiB chunk and its command block.
const CHUNK_WINDOW: u32 = 4 * 1024 * 1024 + 64 * 1024;
/// The largest HTTP/2 frame the server accepts.
const MAX_FRAME: u32 = 256 * 1024;

/// ALPN protocols the server accepts (`xftp/1`, then the web ones).
pub const XFTP_SERVER_ALPN: &[&str] = &["xftp/1", "h2", "http/1.1"];

/// A running XFTP server.
#[derive(Debug)]
pub struct XftpServer {
    addr: SocketAddr,
    env: Arc<Env>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl XftpServer {
    /// Replays the store log, removes expired files, binds the port and starts serving.
    pub async fn start(
        cfg: ServerConfig,
        creds: &ServerCredentials,
    ) -> Result<XftpServer, ServerError> {
        let listener = TcpListener::bind(&cfg.listen).await?;
        let addr = listener.local_addr()?;
        let tls = Arc::new(Acceptor::new(creds, cfg.web.as_ref(), XFTP_SERVER_ALPN)?);
        let env = Env::new(cfg, creds)?;
        let expired = env.expire();
        if expired > 0 {
            tracing::info!("expired {expired} files at start");
        }
        let (stop, stop_rx) = watch::channel(false);
        let accept = tokio::spawn(accept_loop(listener, tls, env.clone(), stop_rx.clone()));
        let expiry = tokio::spawn(expiry_loop(env.clone(), stop_rx));
        Ok(XftpServer {
            addr,
            env,
            stop,
            tasks: vec![accept, expiry],
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Removes expired files now (the periodic task does the same); returns how many.
    pub fn expire_now(&self) -> usize {
        self.env.expire()
    }

    /// Blocks a file by sender id (operator action): its bytes are deleted and its
    /// commands get `ERR BLOCKED`. False when there is no such file.
    pub fn block_file(&self, sender_id: &[u8], info: BlockingInfo) -> bool {
        self.env.block_file(sender_id, info)
    }

    /// Bytes of stored chunks (counted against the quota).
    pub fn used_storage(&self) -> u64 {
        self.env.used()
    }

    /// Number of file records.
    pub fn file_count(&self) -> usize {
        self.env.store().len()
    }

    /// Stops accepting, lets open connections finish their requests, and returns.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    tls: Arc<Acceptor>,
    env: Arc<Env>,
    mut stop: watch::Receiver<bool>,
) {
    let mut conns = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.changed() => break,
        };
        let (tcp, _) = match accepted {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!("accept: {e}");
                continue;
            }
        };
        let (tls, env, stop) = (tls.clone(), env.clone(), stop.clone());
        conns.spawn(async move {
            let Some(a) = tls.accept(tcp).await else {
                return;
            };
            let state = Arc::new(Conn::new(env, a.session_id, a.alpn, a.sni));
            serve_connection(state, TokioIo::new(a.stream), stop).await;
        });
        while conns.try_join_next().is_some() {}
    }
    while conns.join_next().await.is_some() {}
}

async fn serve_connection(
    state: Arc<Conn>,
    io: TokioIo<simplex_transport::TlsStream>,
    mut stop: watch::Receiver<bool>,
) {
    let last = Arc::new(std::sync::Mutex::new(tokio::time::Instant::now()));
    let idle = state_idle(&state);
    let svc = {
        let last = last.clone();
        service_fn(move |req| {
            *last.lock().unwrap_or_else(|p| p.into_inner()) = tokio::time::Instant::now();
            handle(state.clone(), req)
        })
    };
    let mut builder = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
    // Chunks are up to 4 MiB: windows that hold a whole chunk and large frames keep
    // uploads from stalling on flow control.
    builder
        .initial_stream_window_size(CHUNK_WINDOW)
        .initial_connection_window_size(2 * CHUNK_WINDOW)
        .max_frame_size(MAX_FRAME);
    let conn = builder.serve_connection(io, svc);
    tokio::pin!(conn);
    let mut check = tokio::time::interval(idle.map_or(Duration::from_secs(3600), |(_, i)| i));
    loop {
        tokio::select! {
            r = conn.as_mut() => {
                if let Err(e) = r {
                    tracing::debug!("HTTP/2 connection: {e}");
                }
                return;
            }
            _ = stop.changed() => break,
            _ = check.tick() => {
                if let Some((ttl, _)) = idle {
                    let since = last.lock().unwrap_or_else(|p| p.into_inner()).elapsed();
                    if since > ttl {
                        break;
                    }
                }
            }
        }
    }
    conn.as_mut().graceful_shutdown();
    // Clients get a short grace period to finish open requests.
    let _ = tokio::time::timeout(Duration::from_secs(5), conn).await;
}

fn state_idle(state: &Conn) -> Option<(Duration, Duration)> {
    state.env.cfg.inactive_clients.map(|i| {
        (
            Duration::from_secs(i.ttl_secs),
            Duration::from_secs(i.check_interval_secs.max(1)),
        )
    })
}

async fn expiry_loop(env: Arc<Env>, mut stop: watch::Receiver<bool>) {
    let every = Duration::from_secs(env.cfg.expire_interval_secs.max(1));
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {
                let n = env.expire();
                if n > 0 {
                    tracing::info!("expired {n} files");
                }
            }
            _ = stop.changed() => return,
        }
    }
}
