//! Block framing over real TLS connections.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::handshake;
use simplex_transport::{
    ClientTls, Error, SMP_BLOCK_SIZE, SMP_CLIENT_ALPN, SMP_SERVER_ALPN, ServerTls, SignAlgorithm,
    TlsConn, generate_credentials,
};
use tokio::io::AsyncWriteExt;

async fn connected_pair() -> (TlsConn, TlsConn) {
    let creds = generate_credentials(SignAlgorithm::Ed25519, "localhost").unwrap();
    let server = ServerTls::new(&creds.server_credentials(), SMP_SERVER_ALPN).unwrap();
    let client = ClientTls::new(SMP_CLIENT_ALPN).unwrap();
    let (c, s) = handshake(&server, &client, creds.fingerprint().unwrap()).await;
    (c.unwrap(), s.unwrap())
}

fn block(seed: u8) -> Vec<u8> {
    (0..SMP_BLOCK_SIZE)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

#[tokio::test]
async fn blocks_round_trip_both_directions_concurrently() {
    let (client, server) = connected_pair().await;
    let (mut c_read, mut c_write) = client.into_blocks(SMP_BLOCK_SIZE).unwrap();
    let (mut s_read, mut s_write) = server.into_blocks(SMP_BLOCK_SIZE).unwrap();
    const N: u8 = 20;

    // Each side writes and reads at the same time from different tasks.
    let client_writer = tokio::spawn(async move {
        for i in 0..N {
            c_write.write_block(&block(i)).await.unwrap();
        }
        c_write
    });
    let server_writer = tokio::spawn(async move {
        for i in 0..N {
            s_write.write_block(&block(100 + i)).await.unwrap();
        }
        s_write
    });
    let client_reader = tokio::spawn(async move {
        for i in 0..N {
            assert_eq!(c_read.read_block().await.unwrap(), block(100 + i));
        }
        c_read
    });
    for i in 0..N {
        assert_eq!(s_read.read_block().await.unwrap(), block(i));
    }
    let mut c_write = client_writer.await.unwrap();
    let _s_write = server_writer.await.unwrap();
    let _c_read = client_reader.await.unwrap();

    // A clean close after whole blocks reads as Closed.
    c_write.shutdown().await.unwrap();
    assert!(matches!(s_read.read_block().await, Err(Error::Closed)));
}

#[tokio::test]
async fn eof_mid_block_is_an_error() {
    let (client, server) = connected_pair().await;
    let mut stream = client.into_stream();
    stream.write_all(&[7u8; 1000]).await.unwrap();
    stream.shutdown().await.unwrap();
    let (mut s_read, _s_write) = server.into_blocks(SMP_BLOCK_SIZE).unwrap();
    let err = s_read.read_block().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::TruncatedBlock {
                received: 1000,
                expected: SMP_BLOCK_SIZE
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn tcp_drop_mid_block_is_an_error() {
    let (client, server) = connected_pair().await;
    let mut stream = client.into_stream();
    stream.write_all(&[7u8; 5000]).await.unwrap();
    drop(stream); // no close_notify
    let (mut s_read, _s_write) = server.into_blocks(SMP_BLOCK_SIZE).unwrap();
    let err = s_read.read_block().await.unwrap_err();
    assert!(
        matches!(err, Error::TruncatedBlock { received: 5000, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn wrong_size_block_is_not_written() {
    let (client, _server) = connected_pair().await;
    let (_r, mut w) = client.into_blocks(SMP_BLOCK_SIZE).unwrap();
    let err = w.write_block(&[0u8; 100]).await.unwrap_err();
    assert!(matches!(
        err,
        Error::BlockSize {
            len: 100,
            expected: SMP_BLOCK_SIZE
        }
    ));
}
