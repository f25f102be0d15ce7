//! Measures upload and download throughput of 4 MiB chunks over loopback TLS + HTTP/2
//! with the test client: `cargo run --release -p xftp-server --example throughput [-- N]`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use common::*;

#[tokio::main]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(16);
    let size = 4 * 1024 * 1024;
    let (_h, srv, mut c) = setup(|_| {}).await;
    let uploads: Vec<Upload> = (0..n).map(|i| Upload::sized(i as u8, 1, size)).collect();
    let t = Instant::now();
    let mut ids = Vec::new();
    for u in &uploads {
        ids.push(upload(&mut c, u).await.1);
    }
    let up = t.elapsed();
    let t = Instant::now();
    for (u, rids) in uploads.iter().zip(&ids) {
        let data = download(&mut c, &u.rcv[0], &rids[0]).await.unwrap();
        assert_eq!(data.len(), size);
    }
    let down = t.elapsed();
    let mb = (n * size) as f64 / (1024.0 * 1024.0);
    println!("{n} chunks of 4 MiB, one connection, sequential:");
    println!(
        "upload   {:.1} MiB/s ({:.2} s)",
        mb / up.as_secs_f64(),
        up.as_secs_f64()
    );
    println!(
        "download {:.1} MiB/s ({:.2} s, incl. client decryption)",
        mb / down.as_secs_f64(),
        down.as_secs_f64()
    );
    srv.stop().await;
}
