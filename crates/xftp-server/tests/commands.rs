//! Every command and its error paths against a real server over TLS 1.3 + HTTP/2.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use simplex_crypto::hash::sha256;
use simplex_crypto::keys::{AuthAlgorithm, PrivateAuthKey, X25519Secret};
use smp_proto::address::BasicAuth;
use smp_proto::error::{BlockingInfo, BlockingReason, CommandError};
use smp_proto::{CorrId, EntityId};
use xftp_proto::transmission::{encode_block, transmission_body};
use xftp_proto::versions::BLOCK_SIZE;
use xftp_proto::{FileCommand, FileInfo, FileResponse, XftpErrorType};

#[tokio::test]
async fn upload_download_ack_delete() {
    let (h, srv, mut c) = setup(|_| {}).await;
    assert_eq!(c.version, 3);
    assert_eq!(
        c.cmd(None, b"", &FileCommand::Ping, None).await.0,
        Ok(FileResponse::Pong)
    );

    let u = Upload::new(1, 2);
    let (sid, rids) = upload(&mut c, &u).await;
    assert_eq!((sid.len(), rids.len()), (16, 2));
    assert_eq!(srv.used_storage(), CHUNK as u64);
    // Two downloads of the same chunk are encrypted differently and both decrypt.
    let dh = X25519Secret::generate(&mut rand::rng());
    let get = FileCommand::Get(dh.public());
    let (_, enc1) = c.cmd(Some(&u.rcv[0]), &rids[0], &get, None).await;
    let (_, enc2) = c.cmd(Some(&u.rcv[0]), &rids[0], &get, None).await;
    assert_eq!(enc1.len(), CHUNK + 16);
    assert_ne!(enc1, enc2);
    assert_eq!(download(&mut c, &u.rcv[0], &rids[0]).await.unwrap(), u.data);
    assert_eq!(download(&mut c, &u.rcv[1], &rids[1]).await.unwrap(), u.data);
    // The chunk is stored as uploaded (the server encrypts per download only).
    let stored = std::fs::read_dir(h.dir.path().join("files"))
        .unwrap()
        .count();
    assert_eq!(stored, 1);

    // FADD adds a third recipient.
    let extra = PrivateAuthKey::generate(AuthAlgorithm::Ed25519, &mut rand::rng()).unwrap();
    let (r, _) = c
        .cmd(
            Some(&u.snd),
            &sid,
            &FileCommand::Add(vec![extra.public()]),
            None,
        )
        .await;
    let Ok(FileResponse::RcvIds(added)) = r else {
        panic!("FADD: {r:?}")
    };
    assert_eq!(
        download(&mut c, &extra, added[0].as_bytes()).await.unwrap(),
        u.data
    );

    // FACK removes the recipient.
    assert_eq!(
        c.cmd(Some(&u.rcv[0]), &rids[0], &FileCommand::Ack, None)
            .await
            .0,
        Ok(FileResponse::Ok)
    );
    assert_eq!(
        download(&mut c, &u.rcv[0], &rids[0]).await,
        Err(XftpErrorType::Auth)
    );
    // FDEL removes the chunk for everyone and frees the storage.
    assert_eq!(
        c.cmd(Some(&u.snd), &sid, &FileCommand::Del, None).await.0,
        Ok(FileResponse::Ok)
    );
    assert_eq!(
        download(&mut c, &u.rcv[1], &rids[1]).await,
        Err(XftpErrorType::Auth)
    );
    assert_eq!(srv.used_storage(), 0);
    assert_eq!(
        std::fs::read_dir(h.dir.path().join("files"))
            .unwrap()
            .count(),
        0
    );
    srv.stop().await;
}

#[tokio::test]
async fn upload_errors() {
    let (_h, srv, mut c) = setup(|_| {}).await;
    let u = Upload::new(2, 1);

    // A size that is not one of the allowed chunk sizes.
    let FileCommand::New { file, rcv_keys, .. } = u.fnew() else {
        unreachable!()
    };
    let odd = FileCommand::New {
        file: FileInfo {
            size: 1000,
            ..file.clone()
        },
        rcv_keys: rcv_keys.clone(),
        auth: None,
    };
    assert_eq!(
        c.cmd(Some(&u.snd), b"", &odd, None).await.0,
        Ok(FileResponse::Err(XftpErrorType::Size))
    );
    // FNEW signed with another key than the one it declares.
    let (r, _) = c.cmd(Some(&u.rcv[0]), b"", &u.fnew(), None).await;
    assert_eq!(r, Ok(FileResponse::Err(XftpErrorType::Auth)));

    let (r, _) = c.cmd(Some(&u.snd), b"", &u.fnew(), None).await;
    let Ok(FileResponse::SndIds(sid, rids)) = r else {
        panic!("{r:?}")
    };
    let (sid, rid) = (sid.as_bytes().to_vec(), rids[0].as_bytes().to_vec());
    let put = FileCommand::Put;
    // No body, a short body, a long body, a wrong digest.
    let err = |e| Ok(FileResponse::Err(e));
    assert_eq!(
        c.cmd(Some(&u.snd), &sid, &put, None).await.0,
        err(XftpErrorType::Size)
    );
    assert_eq!(
        c.cmd(Some(&u.snd), &sid, &put, Some(&u.data[..1000]))
            .await
            .0,
        err(XftpErrorType::Size)
    );
    let mut long = u.data.clone();
    long.push(0);
    assert_eq!(
        c.cmd(Some(&u.snd), &sid, &put, Some(&long)).await.0,
        err(XftpErrorType::Size)
    );
    let mut other = u.data.clone();
    other[5] ^= 1;
    assert_eq!(
        c.cmd(Some(&u.snd), &sid, &put, Some(&other)).await.0,
        err(XftpErrorType::Digest)
    );
    assert_eq!(
        srv.used_storage(),
        0,
        "failed uploads give their quota back"
    );
    // Nothing uploaded yet: NO_FILE.
    let dh = X25519Secret::generate(&mut rand::rng()).public();
    let (r, _) = c
        .cmd(Some(&u.rcv[0]), &rid, &FileCommand::Get(dh.clone()), None)
        .await;
    assert_eq!(r, err(XftpErrorType::NoFile));
    // The right chunk; a second FPUT of it is accepted and changes nothing.
    assert_eq!(
        c.cmd(Some(&u.snd), &sid, &put, Some(&u.data)).await.0,
        Ok(FileResponse::Ok)
    );
    assert_eq!(
        c.cmd(Some(&u.snd), &sid, &put, Some(&u.data)).await.0,
        Ok(FileResponse::Ok)
    );
    assert_eq!(srv.used_storage(), CHUNK as u64);
    // Wrong keys and unknown ids are AUTH.
    assert_eq!(
        c.cmd(Some(&u.rcv[0]), &sid, &FileCommand::Del, None)
            .await
            .0,
        err(XftpErrorType::Auth)
    );
    assert_eq!(
        c.cmd(Some(&u.snd), &rid, &FileCommand::Ack, None).await.0,
        err(XftpErrorType::Auth)
    );
    assert_eq!(
        c.cmd(Some(&u.snd), &[9; 16], &FileCommand::Del, None)
            .await
            .0,
        err(XftpErrorType::Auth)
    );
    // The sender id is not a recipient id.
    let (r, _) = c.cmd(Some(&u.snd), &sid, &FileCommand::Get(dh), None).await;
    assert_eq!(r, err(XftpErrorType::Auth));
    // Blocked by the operator.
    let info = BlockingInfo {
        reason: BlockingReason::Spam,
        notice: None,
    };
    assert!(srv.block_file(&sid, info.clone()));
    assert_eq!(
        download(&mut c, &u.rcv[0], &rid).await,
        Err(XftpErrorType::Blocked(info))
    );
    assert_eq!(srv.used_storage(), 0);
    srv.stop().await;
}

#[tokio::test]
async fn syntax_and_credentials_errors() {
    let (_h, srv, mut c) = setup(|_| {}).await;
    let u = Upload::new(3, 1);
    let err = |e| Ok(FileResponse::Err(e));
    // FNEW with an entity id, PING with a signature, FACK without one.
    let (r, _) = c.cmd(Some(&u.snd), b"someid", &u.fnew(), None).await;
    assert_eq!(r, err(XftpErrorType::Cmd(CommandError::HasAuth)));
    let (r, _) = c.cmd(Some(&u.snd), b"", &FileCommand::Ping, None).await;
    assert_eq!(r, err(XftpErrorType::Cmd(CommandError::HasAuth)));
    let (r, _) = c.cmd(None, b"someid", &FileCommand::Ack, None).await;
    assert_eq!(r, err(XftpErrorType::Cmd(CommandError::NoAuth)));
    // Unknown command and bad syntax, with the ids echoed.
    let sess = c.session_id.clone();
    let body = transmission_body(
        &sess,
        &CorrId::new(b"c1").unwrap(),
        &EntityId::new(b"e1").unwrap(),
        b"FXXX",
    );
    let (r, _) = c.send_block(encode_block(&[], &body).unwrap(), None).await;
    assert_eq!(r, err(XftpErrorType::Cmd(CommandError::Unknown)));
    let body = transmission_body(&sess, &CorrId::empty(), &EntityId::empty(), b"PING extra");
    let (r, _) = c.send_block(encode_block(&[], &body).unwrap(), None).await;
    assert_eq!(r, err(XftpErrorType::Cmd(CommandError::Syntax)));
    // Another session id.
    let body = transmission_body(&[0; 32], &CorrId::empty(), &EntityId::empty(), b"PING");
    let (r, _) = c.send_block(encode_block(&[], &body).unwrap(), None).await;
    assert_eq!(r, err(XftpErrorType::Session));
    // Garbage: random block, short body, empty body.
    let (r, _) = c.send_block(vec![0xA5; BLOCK_SIZE], None).await;
    assert_eq!(r, err(XftpErrorType::Block));
    let (r, _) = c.send_block(b"hello".to_vec(), None).await;
    assert_eq!(r, err(XftpErrorType::Block));
    let (r, _) = c.send_block(Vec::new(), None).await;
    assert_eq!(r, err(XftpErrorType::Block));
    // The connection still works.
    assert_eq!(
        c.cmd(None, b"", &FileCommand::Ping, None).await.0,
        Ok(FileResponse::Pong)
    );
    srv.stop().await;
}

#[tokio::test]
async fn x25519_authenticators_after_handshake() {
    let (_h, srv, mut c) = setup(|_| {}).await;
    let mut rng = rand::rng();
    let mut u = Upload::new(4, 1);
    u.snd = PrivateAuthKey::generate(AuthAlgorithm::X25519, &mut rng).unwrap();
    u.rcv = vec![PrivateAuthKey::generate(AuthAlgorithm::X25519, &mut rng).unwrap()];
    let (_, rids) = upload(&mut c, &u).await;
    assert_eq!(download(&mut c, &u.rcv[0], &rids[0]).await.unwrap(), u.data);
    srv.stop().await;
}

#[tokio::test]
async fn create_password_and_new_files_off() {
    let (h, srv, mut c) = setup(|cfg| {
        cfg.create_password = Some(BasicAuth::new("s3cret").unwrap());
    })
    .await;
    let u = Upload::new(5, 1);
    let with = |pw: Option<&str>| match u.fnew() {
        FileCommand::New { file, rcv_keys, .. } => FileCommand::New {
            file,
            rcv_keys,
            auth: pw.map(|p| BasicAuth::new(p).unwrap()),
        },
        _ => unreachable!(),
    };
    let auth_err = Ok(FileResponse::Err(XftpErrorType::Auth));
    assert_eq!(
        c.cmd(Some(&u.snd), b"", &with(None), None).await.0,
        auth_err
    );
    assert_eq!(
        c.cmd(Some(&u.snd), b"", &with(Some("wrong")), None).await.0,
        auth_err
    );
    let (r, _) = c.cmd(Some(&u.snd), b"", &with(Some("s3cret")), None).await;
    assert!(matches!(r, Ok(FileResponse::SndIds(..))), "{r:?}");
    srv.stop().await;

    let mut cfg = config(h.dir.path());
    cfg.allow_new_files = false;
    let srv = start(cfg, &h.creds.server_credentials()).await;
    let mut c = Client::connect_xftp(srv.addr(), h.creds.fingerprint().unwrap()).await;
    assert_eq!(c.cmd(Some(&u.snd), b"", &u.fnew(), None).await.0, auth_err);
    srv.stop().await;
}

#[tokio::test]
async fn quota_exhaustion() {
    let (_h, srv, mut c) = setup(|cfg| {
        cfg.storage_quota = Some(CHUNK as u64 * 3 / 2);
    })
    .await;
    let first = Upload::new(6, 1);
    let (sid1, _) = upload(&mut c, &first).await;
    let second = Upload::new(7, 1);
    let (r, _) = c.cmd(Some(&second.snd), b"", &second.fnew(), None).await;
    let Ok(FileResponse::SndIds(sid2, _)) = r else {
        panic!("{r:?}")
    };
    // Refused while the first chunk fills the quota, accepted once it is deleted.
    for (expected, free_first) in [
        (FileResponse::Err(XftpErrorType::Quota), false),
        (FileResponse::Ok, true),
    ] {
        if free_first {
            let (r, _) = c
                .cmd(Some(&first.snd), &sid1, &FileCommand::Del, None)
                .await;
            assert_eq!(r, Ok(FileResponse::Ok));
        }
        let put = FileCommand::Put;
        let (r, _) = c
            .cmd(Some(&second.snd), sid2.as_bytes(), &put, Some(&second.data))
            .await;
        assert_eq!(r, Ok(expected));
    }
    srv.stop().await;
}

#[tokio::test]
async fn oversize_chunk_sizes_are_refused() {
    let (_h, srv, mut c) = setup(|_| {}).await;
    let u = Upload::new(8, 1);
    for size in [4 * 1024 * 1024 + 1, 8 * 1024 * 1024, u32::MAX, 0] {
        let cmd = FileCommand::New {
            file: FileInfo {
                snd_key: u.snd.public(),
                size,
                digest: sha256(b"x").to_vec(),
            },
            rcv_keys: vec![u.rcv[0].public()],
            auth: None,
        };
        let (r, _) = c.cmd(Some(&u.snd), b"", &cmd, None).await;
        assert_eq!(r, Ok(FileResponse::Err(XftpErrorType::Size)), "size {size}");
    }
    assert_eq!(srv.file_count(), 0);
    srv.stop().await;
}

/// The largest chunk (4 MiB) is written and read in many pieces on both sides.
#[tokio::test]
async fn largest_chunk_round_trip() {
    let (_h, srv, mut c) = setup(|_| {}).await;
    let u = Upload::sized(9, 1, 4 * 1024 * 1024);
    let (_, rids) = upload(&mut c, &u).await;
    assert_eq!(srv.used_storage(), 4 * 1024 * 1024);
    assert_eq!(download(&mut c, &u.rcv[0], &rids[0]).await.unwrap(), u.data);
    srv.stop().await;
}

/// Two connections upload the same chunk at once: it is stored once, counted once, and
/// downloads intact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_uploads_of_one_chunk() {
    let (h, srv, mut c) = setup(|_| {}).await;
    let mut c2 = Client::connect_xftp(srv.addr(), h.creds.fingerprint().unwrap()).await;
    let u = Upload::sized(40, 1, 1024 * 1024);
    let (r, _) = c.cmd(Some(&u.snd), b"", &u.fnew(), None).await;
    let Ok(FileResponse::SndIds(sid, rids)) = r else {
        panic!("{r:?}")
    };
    let put = FileCommand::Put;
    let (a, b) = tokio::join!(
        c.cmd(Some(&u.snd), sid.as_bytes(), &put, Some(&u.data)),
        c2.cmd(Some(&u.snd), sid.as_bytes(), &put, Some(&u.data))
    );
    let oks = [&a.0, &b.0]
        .iter()
        .filter(|r| ***r == Ok(FileResponse::Ok))
        .count();
    assert!(oks >= 1, "{:?} {:?}", a.0, b.0);
    assert_eq!(srv.used_storage(), 1024 * 1024);
    assert_eq!(
        download(&mut c, &u.rcv[0], rids[0].as_bytes())
            .await
            .unwrap(),
        u.data
    );
    let names: Vec<_> = std::fs::read_dir(h.dir.path().join("files"))
        .unwrap()
        .collect();
    assert_eq!(names.len(), 1, "no temporary files left");
    srv.stop().await;
}
