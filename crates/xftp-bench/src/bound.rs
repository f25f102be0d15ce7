//! The bound of `upload` and `download`: the same number of bytes copied through one plain
//! TLS 1.3 connection on loopback, with the relay's TLS settings from `simplex-transport`
//! (OpenSSL, TLS_CHACHA20_POLY1305_SHA256, ALPN `xftp/1`, Ed448 identity) and nothing
//! else: no HTTP/2, no XFTP commands, no file or per-download encryption, no disk.

use crate::transfer::Cost;
use anyhow::{Context, Result, ensure};
use simplex_transport::{
    ClientTls, DEFAULT_TLS_SETUP_TIMEOUT, ServerTls, SignAlgorithm, TlsStream, generate_credentials,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Size of one write (the relay streams chunks in 64 KiB pieces).
const PIECE: usize = 64 * 1024;

/// Which way the bytes go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Client to relay.
    Upload,
    /// Relay to client.
    Download,
}

/// Copies `bytes` over a fresh TLS connection in the direction of `flow` and measures the
/// copy (the handshake is not counted), until the receiver has read every byte.
pub async fn copy(bytes: u64, flow: Flow) -> Result<Cost> {
    let creds = generate_credentials(SignAlgorithm::Ed448, "localhost")?;
    let key_hash = creds.fingerprint()?;
    let server_tls = ServerTls::new(&creds.server_credentials(), &["xftp/1"])?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let accept = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await?;
        let conn = server_tls.accept(tcp, DEFAULT_TLS_SETUP_TIMEOUT).await?;
        anyhow::Ok(conn.into_stream())
    });
    let tcp = TcpStream::connect(addr).await?;
    let client = ClientTls::new(&["xftp/1"])?
        .connect(tcp, &key_hash)
        .await?
        .into_stream();
    let server = accept.await.context("accept task")??;
    let (sender, receiver) = match flow {
        Flow::Upload => (client, server),
        Flow::Download => (server, client),
    };
    let transfer = async {
        let send = tokio::spawn(send_bytes(sender, bytes));
        let got = receive_all(receiver).await?;
        send.await.context("sender task")??;
        ensure!(got == bytes, "received {got} of {bytes} bytes");
        Ok(())
    };
    Ok(Cost::of(transfer).await?.1)
}

async fn send_bytes(mut s: TlsStream, mut left: u64) -> Result<()> {
    let piece = vec![0x5au8; PIECE];
    while left > 0 {
        let n = left.min(PIECE as u64) as usize;
        s.write_all(&piece[..n]).await?;
        left -= n as u64;
    }
    s.shutdown().await?;
    Ok(())
}

async fn receive_all(mut s: TlsStream) -> Result<u64> {
    let mut buf = vec![0u8; PIECE];
    let mut total = 0u64;
    loop {
        match s.read(&mut buf).await? {
            0 => return Ok(total),
            n => total += n as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn copies_every_byte_both_ways() -> Result<()> {
        for flow in [Flow::Upload, Flow::Download] {
            let c = copy(300_001, flow).await?;
            assert!(c.mib_s(300_001) > 0.0);
        }
        Ok(())
    }
}
