//! Whole-file transfers against real relays: sizes around the chunk boundaries, several
//! recipients, redundancy, deletion, redirects, interruption and resume, and tampering.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::slice::from_ref;

use common::{Sent, TestRelay, content, pool, visible_files, write_file};
use xftp_client::{
    ClientError, ReceiveOptions, SendOptions, XftpClient, delete_file, receive_file, send_file,
    send_redirect,
};
use xftp_desc::{EncryptionPlan, FileHeader};
use xftp_proto::XftpErrorType;

async fn round_trip(len: usize, expected_chunks: usize) {
    let f = Sent::new("data.bin", len, 4).await;
    assert_eq!(f.sent.recipients.len(), 1);
    assert_eq!(f.sent.sender.chunks.len(), expected_chunks, "len {len}");
    let out = tempfile::tempdir().unwrap();
    let got = f.receive(out.path()).await.unwrap();
    assert_eq!(got.header.file_name, "data.bin");
    assert_eq!(got.path, out.path().join("data.bin"));
    assert_eq!(std::fs::read(&got.path).unwrap(), f.data, "len {len}");
    assert!(got.ack_errors.is_empty(), "{:?}", got.ack_errors);
    assert_eq!(visible_files(out.path()), ["data.bin"]);
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        1,
        "partial state removed"
    );
    // the chunks were acknowledged: the same description no longer downloads
    let again = tempfile::tempdir().unwrap();
    let err = f.receive(again.path()).await.unwrap_err();
    assert!(
        matches!(err, ClientError::Relay(XftpErrorType::Auth)),
        "{err}"
    );
    assert!(visible_files(again.path()).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_file() {
    round_trip(0, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_byte_file() {
    round_trip(1, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exactly_one_chunk_and_one_byte_more() {
    // payload = 8 (length) + header + file + 16 (tag) = 64 KB exactly
    let hdr = FileHeader::new("data.bin").encode().unwrap().len();
    let fits = 65536 - 8 - 16 - hdr;
    let plan = EncryptionPlan::new(&FileHeader::new("data.bin"), fits as u64).unwrap();
    assert_eq!(plan.chunk_sizes, [65536]);
    round_trip(fits, 1).await;
    round_trip(fits + 1, 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_recipients_redundancy_and_delete() {
    let (a, b) = (TestRelay::start().await, TestRelay::start().await);
    let data = content(300_000, 3);
    let (_src, path) = write_file("r.bin", &data);
    let p = pool(4);
    let opts = SendOptions {
        n_recipients: 3,
        redundancy: 2,
        ..SendOptions::default()
    };
    let relays = [a.relay.clone(), b.relay.clone()];
    let sent = send_file(&p, &path, &relays, &opts).await.unwrap();
    assert_eq!(sent.recipients.len(), 3);
    for c in &sent.sender.chunks {
        assert_eq!(c.replicas.len(), 2, "one replica on each relay");
        assert_ne!(c.replicas[0].server, c.replicas[1].server);
    }
    // each recipient has its own ids
    let first_id = |n: usize| sent.recipients[n].chunks[0].replicas[0].replica_id.clone();
    assert_ne!(first_id(0), first_id(1));
    for r in &sent.recipients[..2] {
        let out = tempfile::tempdir().unwrap();
        let got = receive_file(&p, r, out.path(), &ReceiveOptions::default())
            .await
            .unwrap();
        assert_eq!(std::fs::read(got.path).unwrap(), data);
    }
    // with relay A gone, the third recipient still gets every chunk from relay B
    a.server.stop().await;
    let p2 = pool(4);
    let out = tempfile::tempdir().unwrap();
    let third = &sent.recipients[2];
    let got = receive_file(&p2, third, out.path(), &ReceiveOptions::default())
        .await
        .unwrap();
    assert_eq!(std::fs::read(got.path).unwrap(), data);
    // the sender deletes what is left; the files are gone from relay B
    assert!(b.server.file_count() > 0);
    let mut only_b = sent.sender.clone().into_inner();
    for c in &mut only_b.chunks {
        c.replicas.retain(|r| r.server == b.relay.server);
    }
    delete_file(&p2, &only_b.validate().unwrap()).await.unwrap();
    assert_eq!(b.server.file_count(), 0);
    assert!(b.stored_files().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_recipients_than_one_request_holds() {
    // 201 recipients: FNEW carries 200 keys, FADD the last one
    let relay = TestRelay::start().await;
    let data = content(10, 1);
    let (_src, path) = write_file("many.txt", &data);
    let p = pool(2);
    let opts = SendOptions {
        n_recipients: 201,
        ..SendOptions::default()
    };
    let sent = send_file(&p, &path, from_ref(&relay.relay), &opts)
        .await
        .unwrap();
    assert_eq!(sent.recipients.len(), 201);
    let out = tempfile::tempdir().unwrap();
    let last = &sent.recipients[200];
    let got = receive_file(&p, last, out.path(), &ReceiveOptions::default())
        .await
        .unwrap();
    assert_eq!(std::fs::read(got.path).unwrap(), data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_password() {
    let pw = smp_proto::address::BasicAuth::new("s3cret").unwrap();
    let relay = TestRelay::start_with(|cfg| cfg.create_password = Some(pw.clone())).await;
    let (_src, path) = write_file("pw.txt", b"hello");
    let p = pool(2);
    let opts = SendOptions::default();
    let err = send_file(&p, &path, from_ref(&relay.relay), &opts)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Relay(XftpErrorType::Auth)),
        "{err}"
    );
    let with_pw =
        xftp_client::Relay::parse(&relay.relay.server.to_string().replacen('@', ":s3cret@", 1))
            .unwrap();
    assert_eq!(with_pw.auth, Some(pw));
    let sent = send_file(&p, &path, from_ref(&with_pw), &opts)
        .await
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let got = receive_file(
        &p,
        &sent.recipients[0],
        out.path(),
        &ReceiveOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(std::fs::read(got.path).unwrap(), b"hello");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_description() {
    // 2 × 256 KB + 3 × 64 KB chunks: too long for one QR code
    let f = Sent::new("big.bin", 700_000, 4).await;
    let inner = &f.sent.recipients[0];
    assert!(xftp_client::needs_redirect(inner));
    let relays = from_ref(&f.relay.relay);
    let redirect = send_redirect(&f.pool, inner, relays, &SendOptions::default())
        .await
        .unwrap();
    let outer = &redirect.recipients[0];
    assert_eq!(outer.chunks.len(), 1);
    assert_eq!(outer.redirect.as_ref().unwrap().size, inner.size);
    assert!(!xftp_client::needs_redirect(outer));
    let out = tempfile::tempdir().unwrap();
    let got = receive_file(&f.pool, outer, out.path(), &ReceiveOptions::default())
        .await
        .unwrap();
    assert_eq!(got.header.file_name, "big.bin");
    assert_eq!(std::fs::read(got.path).unwrap(), f.data);
    assert_eq!(visible_files(out.path()), ["big.bin"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupted_download_resumes() {
    let f = Sent::new("resume.bin", 150_000, 1).await;
    let rcv = &f.sent.recipients[0];
    assert_eq!(rcv.chunks.len(), 3);
    let out = tempfile::tempdir().unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let opts = ReceiveOptions {
        progress: Some(std::sync::Arc::new(move |done, _| {
            let _ = tx.send(done);
        })),
    };
    tokio::select! {
        r = receive_file(&f.pool, rcv, out.path(), &opts) => panic!("not interrupted: {r:?}"),
        first = rx.recv() => assert!(first.is_some()),
    }
    // interrupted: no file with the final name, only the partial state
    assert!(visible_files(out.path()).is_empty());
    let got = f.receive(out.path()).await.unwrap();
    assert!(got.chunks_resumed >= 1, "resumed {}", got.chunks_resumed);
    assert_eq!(std::fs::read(got.path).unwrap(), f.data);
    assert_eq!(visible_files(out.path()), ["resume.bin"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_chunk_is_detected() {
    let f = Sent::new("t.bin", 100_000, 2).await;
    let files = f.relay.stored_files();
    assert_eq!(files.len(), 2);
    let mut bytes = std::fs::read(&files[0]).unwrap();
    bytes[1000] ^= 0x40;
    std::fs::write(&files[0], bytes).unwrap();
    let out = tempfile::tempdir().unwrap();
    let err = f.receive(out.path()).await.unwrap_err();
    let what = "digest mismatch";
    assert!(
        matches!(err, ClientError::ChunkCorrupt { what: w, .. } if w == what),
        "{err}"
    );
    assert!(err.to_string().contains(what), "{err}");
    assert!(
        visible_files(out.path()).is_empty(),
        "no output file after a failed download"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_identity_and_ping() {
    let relay = TestRelay::start().await;
    let cfg = xftp_client::ClientConfig::default();
    let c = XftpClient::connect(&relay.relay.server, &cfg)
        .await
        .unwrap();
    c.ping().await.unwrap();
    assert_eq!(c.version(), 3);
    let mut wrong = relay.relay.server.clone();
    wrong.key_hash = vec![1; 32];
    let err = XftpClient::connect(&wrong, &cfg).await.unwrap_err();
    assert!(matches!(err, ClientError::Transport(_)), "{err}");
}

/// 50 MB through one relay. Slow in debug builds; run with
/// `cargo test -p xftp-client --release --test transfer -- --ignored`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn fifty_megabytes() {
    let t = std::time::Instant::now();
    let f = Sent::new("50mb.bin", 50 << 20, 8).await;
    let up = t.elapsed();
    let out = tempfile::tempdir().unwrap();
    let t = std::time::Instant::now();
    let got = f.receive(out.path()).await.unwrap();
    let down = t.elapsed();
    let chunks = f.sent.sender.chunks.len();
    eprintln!("50 MB: content+encrypt+upload {up:?}, download+decrypt {down:?}, {chunks} chunks");
    assert_eq!(std::fs::read(got.path).unwrap(), f.data);
}
