//! Real XFTP relays (the `xftp-server` library on 127.0.0.1:0 with files in a temp dir)
//! and helpers for the client tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use simplex_transport::{SignAlgorithm, generate_credentials};
use xftp_client::{ClientConfig, Relay, XftpPool};
use xftp_desc::XftpServer;

/// A running relay and where it keeps its files.
pub struct TestRelay {
    pub server: xftp_server::XftpServer,
    pub relay: Relay,
    pub dir: tempfile::TempDir,
}

impl TestRelay {
    /// Starts a relay with a fresh Ed448 identity (as the reference's XFTP default).
    pub async fn start() -> TestRelay {
        Self::start_with(|_| {}).await
    }

    /// Like [`TestRelay::start`], with changes to the configuration.
    pub async fn start_with(change: impl FnOnce(&mut xftp_server::ServerConfig)) -> TestRelay {
        let dir = tempfile::tempdir().unwrap();
        let creds = generate_credentials(SignAlgorithm::Ed448, "localhost").unwrap();
        let mut cfg = xftp_server::ServerConfig::new("127.0.0.1:0", dir.path().join("files"));
        cfg.store_log = Some(dir.path().join("store.log"));
        change(&mut cfg);
        let server = xftp_server::XftpServer::start(cfg, &creds.server_credentials())
            .await
            .unwrap();
        let relay = Relay::new(XftpServer {
            hosts: vec!["127.0.0.1".into()],
            port: server.addr().port().to_string(),
            key_hash: creds.fingerprint().unwrap().to_vec(),
        });
        TestRelay { server, relay, dir }
    }

    /// The chunk files the relay has stored.
    pub fn stored_files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        walk(&self.dir.path().join("files"), &mut out);
        out
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// A pool with small timeouts suitable for loopback.
pub fn pool(concurrency: usize) -> Arc<XftpPool> {
    Arc::new(XftpPool::new(ClientConfig {
        concurrency,
        ..ClientConfig::default()
    }))
}

/// Deterministic file contents.
pub fn content(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| {
            (i as u8)
                .wrapping_mul(131)
                .wrapping_add(seed ^ (i >> 11) as u8)
        })
        .collect()
}

/// Writes `data` as `name` in a new temp dir.
pub fn write_file(name: &str, data: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, data).unwrap();
    (dir, path)
}

/// Names in `dir` that do not start with '.' (finished files only).
pub fn visible_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    v.sort();
    v
}

/// A file sent through one fresh relay.
pub struct Sent {
    pub relay: TestRelay,
    pub pool: Arc<XftpPool>,
    pub data: Vec<u8>,
    pub sent: xftp_client::SentFile,
    _src: tempfile::TempDir,
}

impl Sent {
    /// Starts a relay and sends `len` bytes named `name` with default options.
    pub async fn new(name: &str, len: usize, concurrency: usize) -> Sent {
        let relay = TestRelay::start().await;
        let data = content(len, len as u8);
        let (src, path) = write_file(name, &data);
        let pool = pool(concurrency);
        let relays = std::slice::from_ref(&relay.relay);
        let sent = xftp_client::send_file(&pool, &path, relays, &Default::default())
            .await
            .unwrap();
        Sent {
            relay,
            pool,
            data,
            sent,
            _src: src,
        }
    }

    /// Receives the first recipient's copy into `out`.
    pub async fn receive(&self, out: &Path) -> xftp_client::Result<xftp_client::ReceivedFile> {
        xftp_client::receive_file(
            &self.pool,
            &self.sent.recipients[0],
            out,
            &Default::default(),
        )
        .await
    }
}
