//! A relay for the measurements: in this process (`upload`, `download`) or as the
//! `serve` command run in a child process by `memory`.

use anyhow::{Context, Result};
use simplex_transport::{SignAlgorithm, generate_credentials};
use std::io::{BufRead, Write};
use std::path::Path;
use xftp_client::Relay;
use xftp_server::{ServerConfig, XftpServer};

/// A relay on 127.0.0.1 with its files and store log under a directory.
pub struct LocalRelay {
    /// The running server.
    pub server: XftpServer,
    /// Its address as clients use it.
    pub relay: Relay,
}

impl LocalRelay {
    /// Starts a relay with a fresh Ed448 identity, storing under `dir` (which must exist).
    pub async fn start(dir: &Path) -> Result<LocalRelay> {
        let creds = generate_credentials(SignAlgorithm::Ed448, "localhost")?;
        let mut cfg = ServerConfig::new("127.0.0.1:0", dir.join("files"));
        cfg.store_log = Some(dir.join("file-server-store.log"));
        let server = XftpServer::start(cfg, &creds.server_credentials())
            .await
            .context("starting the relay")?;
        let relay = Relay::new(xftp_desc::XftpServer {
            hosts: vec!["127.0.0.1".into()],
            port: server.addr().port().to_string(),
            key_hash: creds.fingerprint()?.to_vec(),
        });
        Ok(LocalRelay { server, relay })
    }
}

/// `serve`: starts a relay storing in a new temporary directory, prints its `xftp://`
/// address as one line, and runs until standard input closes.
pub fn serve() -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let dir = tempfile::tempdir()?;
    let local = rt.block_on(LocalRelay::start(dir.path()))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", local.relay.server)?;
    out.flush()?;
    drop(out);
    // any line or the end of input stops the relay
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    rt.block_on(local.server.stop());
    Ok(())
}
