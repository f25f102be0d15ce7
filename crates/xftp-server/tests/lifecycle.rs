//! Restart survival through the store log, expiry with an injected clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use xftp_proto::{FileCommand, FileResponse, XftpErrorType};
use xftp_server::InactiveClients;
use xftp_server::clock::Clock;
use xftp_server::store_log::LogRecord;

#[tokio::test]
async fn chunks_survive_restart_and_log_is_compacted() {
    let h = Held {
        dir: tempfile::tempdir().unwrap(),
        creds: creds(),
    };
    let sc = h.creds.server_credentials();
    let id = h.creds.fingerprint().unwrap();
    let kept = Upload::new(10, 2);
    let gone = Upload::new(11, 1);
    let (kept_sid, kept_rids, gone_sid) = {
        let srv = start(config(h.dir.path()), &sc).await;
        let mut c = Client::connect_xftp(srv.addr(), id).await;
        let (sid, rids) = upload(&mut c, &kept).await;
        let (gsid, _) = upload(&mut c, &gone).await;
        assert_eq!(
            c.cmd(Some(&gone.snd), &gsid, &FileCommand::Del, None)
                .await
                .0,
            Ok(FileResponse::Ok)
        );
        assert_eq!(
            c.cmd(Some(&kept.rcv[1]), &rids[1], &FileCommand::Ack, None)
                .await
                .0,
            Ok(FileResponse::Ok)
        );
        srv.stop().await;
        (sid, rids, gsid)
    };
    let log_path = h.dir.path().join("file-server-store.log");
    let before = std::fs::read_to_string(&log_path).unwrap();
    assert!(before.lines().any(|l| l.starts_with("FDEL ")));

    let srv = start(config(h.dir.path()), &sc).await;
    assert_eq!(srv.file_count(), 1);
    assert_eq!(srv.used_storage(), CHUNK as u64);
    let mut c = Client::connect_xftp(srv.addr(), id).await;
    assert_eq!(
        download(&mut c, &kept.rcv[0], &kept_rids[0]).await.unwrap(),
        kept.data
    );
    assert_eq!(
        download(&mut c, &kept.rcv[1], &kept_rids[1]).await,
        Err(XftpErrorType::Auth)
    );
    let (r, _) = c
        .cmd(Some(&gone.snd), &gone_sid, &FileCommand::Del, None)
        .await;
    assert_eq!(r, Ok(FileResponse::Err(XftpErrorType::Auth)));
    srv.stop().await;

    // Compacted at start: only the live file, its remaining recipient and its upload.
    let after = std::fs::read_to_string(&log_path).unwrap();
    let records: Vec<LogRecord> = after
        .lines()
        .map(|l| LogRecord::parse(l).unwrap())
        .collect();
    let tags: Vec<&str> = after.lines().map(|l| &l[..4]).collect();
    assert_eq!(tags, ["FNEW", "FADD", "FPUT"]);
    match &records[1] {
        LogRecord::AddRecipients(sid, rs) => {
            assert_eq!(sid, &kept_sid);
            assert_eq!(rs.len(), 1);
            assert_eq!(rs[0].0, kept_rids[0]);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn files_expire_after_ttl() {
    let clock = Clock::manual(1_800_000_000);
    let (h, srv, mut c) = setup(|cfg| cfg.clock = clock.clone()).await;
    let u = Upload::new(12, 1);
    let (_, rids) = upload(&mut c, &u).await;
    clock.advance(47 * 3600);
    assert_eq!(srv.expire_now(), 0);
    assert_eq!(download(&mut c, &u.rcv[0], &rids[0]).await.unwrap(), u.data);
    // Creation times are rounded to the hour, and the reference adds that hour back.
    clock.advance(3 * 3600);
    assert_eq!(srv.expire_now(), 1);
    assert_eq!(
        download(&mut c, &u.rcv[0], &rids[0]).await,
        Err(XftpErrorType::Auth)
    );
    assert_eq!(
        std::fs::read_dir(h.dir.path().join("files"))
            .unwrap()
            .count(),
        0
    );
    assert_eq!(srv.used_storage(), 0);
    srv.stop().await;
    let log = std::fs::read_to_string(h.dir.path().join("file-server-store.log")).unwrap();
    assert!(log.lines().last().unwrap().starts_with("FDEL "));
}

#[tokio::test]
async fn expired_files_are_removed_at_start() {
    let h = Held {
        dir: tempfile::tempdir().unwrap(),
        creds: creds(),
    };
    let clock = Clock::manual(1_800_000_000);
    let mut cfg = config(h.dir.path());
    cfg.clock = clock.clone();
    let srv = start(cfg.clone(), &h.creds.server_credentials()).await;
    let mut c = Client::connect_xftp(srv.addr(), h.creds.fingerprint().unwrap()).await;
    upload(&mut c, &Upload::new(13, 1)).await;
    srv.stop().await;
    clock.advance(72 * 3600);
    let srv = start(cfg, &h.creds.server_credentials()).await;
    assert_eq!(srv.file_count(), 0);
    assert_eq!(
        std::fs::read_dir(h.dir.path().join("files"))
            .unwrap()
            .count(),
        0
    );
    srv.stop().await;
}

/// `[INACTIVE_CLIENTS]`: an idle connection is closed by the server (no time is
/// asserted: the test only waits, up to a generous limit, for the close).
#[tokio::test]
async fn idle_connections_are_closed() {
    let idle = InactiveClients {
        ttl_secs: 1,
        check_interval_secs: 1,
    };
    let (_h, srv, mut c) = setup(|cfg| cfg.inactive_clients = Some(idle)).await;
    assert_eq!(
        c.cmd(None, b"", &FileCommand::Ping, None).await.0,
        Ok(FileResponse::Pong)
    );
    let mut waited = 0;
    while !c.is_closed() {
        assert!(waited < 60, "connection still open");
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        waited += 1;
    }
    srv.stop().await;
}
