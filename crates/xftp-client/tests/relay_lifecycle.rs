//! End-to-end tests of the relay's life cycle seen from the client: a relay restart
//! between upload and download (store log and files directory on disk), chunk expiry with
//! an injected clock, and the relay's storage quota running out during an upload.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{content, pool, visible_files, write_file};
use simplex_transport::{Credentials, SignAlgorithm, generate_credentials};
use xftp_client::{ClientError, Relay, SendOptions, XftpPool, receive_file, send_file};
use xftp_proto::XftpErrorType;
use xftp_server::ServerConfig;
use xftp_server::clock::Clock;

/// A relay that can be stopped and started again with the same identity, port, store
/// log and files directory.
struct DurableRelay {
    creds: Credentials,
    cfg: ServerConfig,
    server: Option<xftp_server::XftpServer>,
    relay: Relay,
    dir: tempfile::TempDir,
}

impl DurableRelay {
    async fn start(change: impl FnOnce(&mut ServerConfig)) -> DurableRelay {
        let dir = tempfile::tempdir().unwrap();
        let creds = generate_credentials(SignAlgorithm::Ed448, "localhost").unwrap();
        let mut cfg = ServerConfig::new("127.0.0.1:0", dir.path().join("files"));
        cfg.store_log = Some(dir.path().join("store.log"));
        change(&mut cfg);
        let server = xftp_server::XftpServer::start(cfg.clone(), &creds.server_credentials())
            .await
            .unwrap();
        // a restart binds the same port, so the descriptions stay valid
        cfg.listen = server.addr().to_string();
        let relay = Relay::new(xftp_desc::XftpServer {
            hosts: vec!["127.0.0.1".into()],
            port: server.addr().port().to_string(),
            key_hash: creds.fingerprint().unwrap().to_vec(),
        });
        DurableRelay {
            creds,
            cfg,
            server: Some(server),
            relay,
            dir,
        }
    }

    fn server(&self) -> &xftp_server::XftpServer {
        self.server.as_ref().unwrap()
    }

    async fn restart(&mut self) {
        self.server.take().unwrap().stop().await;
        let server =
            xftp_server::XftpServer::start(self.cfg.clone(), &self.creds.server_credentials())
                .await
                .unwrap();
        assert_eq!(server.addr().to_string(), self.cfg.listen);
        self.server = Some(server);
    }

    fn relays(&self) -> &[Relay] {
        std::slice::from_ref(&self.relay)
    }
}

/// Sends `data` as `name` through `relay` with `n` recipients.
async fn send(
    pool: &Arc<XftpPool>,
    relay: &DurableRelay,
    name: &str,
    data: &[u8],
    n: usize,
) -> xftp_client::Result<xftp_client::SentFile> {
    let (_src, path) = write_file(name, data);
    let opts = SendOptions {
        n_recipients: n,
        ..SendOptions::default()
    };
    send_file(pool, &path, relay.relays(), &opts).await
}

/// Downloads one recipient's copy into a fresh directory.
async fn download(
    pool: &Arc<XftpPool>,
    rcv: &xftp_desc::ValidFileDescription,
) -> (
    tempfile::TempDir,
    xftp_client::Result<xftp_client::ReceivedFile>,
) {
    let out = tempfile::tempdir().unwrap();
    let got = receive_file(pool, rcv, out.path(), &Default::default()).await;
    (out, got)
}

/// Checks that `err` is the relay's `expected` error and that its text names it.
fn assert_relay_error(err: &ClientError, expected: XftpErrorType, name: &str) {
    assert!(
        matches!(err, ClientError::Relay(e) if *e == expected),
        "{err}"
    );
    assert!(err.to_string().contains(name), "{err}");
}

/// Entries of `dir` (hidden ones included).
fn all_entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_restart_between_upload_and_download() {
    let mut relay = DurableRelay::start(|_| {}).await;
    let pool = pool(4);
    let data = content(700_000, 7);
    let sent = send(&pool, &relay, "restart.bin", &data, 1).await.unwrap();
    let chunks = sent.recipients[0].chunks.len();
    assert!(chunks >= 2, "several chunks: {chunks}");
    let used = relay.server().used_storage();
    assert!(used >= data.len() as u64, "stored {used}");

    relay.restart().await;
    assert_eq!(
        relay.server().file_count(),
        chunks,
        "records replayed from the log"
    );
    assert_eq!(relay.server().used_storage(), used, "quota use replayed");

    // the same pool: its connection to the stopped relay is gone and must be replaced
    let (out, got) = download(&pool, &sent.recipients[0]).await;
    let got = got.unwrap();
    assert_eq!(std::fs::read(&got.path).unwrap(), data);
    assert_eq!(visible_files(out.path()), ["restart.bin"]);
    assert!(got.ack_errors.is_empty(), "{:?}", got.ack_errors);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_chunks_give_auth_error_and_no_file() {
    const TTL: i64 = 3600;
    let clock = Clock::manual(1_800_000_000);
    let c = clock.clone();
    let relay = DurableRelay::start(move |cfg| {
        cfg.clock = c;
        cfg.file_ttl_secs = Some(TTL);
    })
    .await;
    let pool = pool(2);
    let data = content(300_000, 3);
    let sent = send(&pool, &relay, "expiring.bin", &data, 2).await.unwrap();
    let chunks = sent.recipients[0].chunks.len();

    // within the lifetime: nothing expires and the first recipient gets the file
    clock.advance(TTL / 2);
    assert_eq!(relay.server().expire_now(), 0);
    let (_early, got) = download(&pool, &sent.recipients[0]).await;
    assert_eq!(std::fs::read(got.unwrap().path).unwrap(), data);

    // past the lifetime (created_at is rounded down to the hour, so one more hour is safe)
    clock.advance(TTL + 3600);
    assert_eq!(relay.server().expire_now(), chunks);
    assert_eq!(relay.server().file_count(), 0);
    assert_eq!(relay.server().used_storage(), 0);
    let (late, got) = download(&pool, &sent.recipients[1]).await;
    assert_relay_error(&got.unwrap_err(), XftpErrorType::Auth, "Auth");
    assert!(
        visible_files(late.path()).is_empty(),
        "no file after a failed download: {:?}",
        all_entries(late.path())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quota_exhaustion_is_a_clear_error() {
    // 600 000 bytes are planned as 256, 256, 64 and 64 KiB chunks (`prepareChunkSizes`
    // of the reference); the quota holds one large chunk and a small one, not all four
    const QUOTA: u64 = 330 * 1024;
    let relay = DurableRelay::start(|cfg| cfg.storage_quota = Some(QUOTA)).await;
    let pool = pool(1);
    let tmp = tempfile::tempdir().unwrap();
    let data = content(600_000, 9);
    let (_src, path) = write_file("too-big.bin", &data);
    let opts = SendOptions {
        tmp_dir: Some(tmp.path().to_owned()),
        ..SendOptions::default()
    };
    let (files_before, used_before) = (relay.server().file_count(), relay.server().used_storage());
    let err = send_file(&pool, &path, relay.relays(), &opts)
        .await
        .unwrap_err();
    assert_relay_error(&err, XftpErrorType::Quota, "Quota");
    // the client's encrypted temporary file is gone
    assert_eq!(all_entries(tmp.path()), Vec::<String>::new());
    // the chunks created before the refusal were deleted by the client (FDEL with their
    // sender keys): the relay holds exactly what it held before
    assert_eq!(relay.server().file_count(), files_before);
    assert_eq!(relay.server().used_storage(), used_before);
    assert_eq!(used_before, 0);

    // afterwards the whole quota is free again: a file of one 64 KiB chunk goes through
    let small = content(30_000, 1);
    let sent = send(&pool, &relay, "fits.bin", &small, 1).await.unwrap();
    let (_out, got) = download(&pool, &sent.recipients[0]).await;
    assert_eq!(std::fs::read(got.unwrap().path).unwrap(), small);
    assert!(relay.dir.path().join("store.log").exists());
}
