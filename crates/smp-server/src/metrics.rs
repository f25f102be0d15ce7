//! A minimal HTTP endpoint serving the Prometheus text format on `GET /metrics`.

use crate::env::Env;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Serves metrics until shutdown. Bind it to a local address: it has no authentication.
pub async fn serve(l: TcpListener, env: Arc<Env>, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            r = l.accept() => if let Ok((s, _)) = r {
                tokio::spawn(answer(s, env.clone()));
            },
            _ = shutdown.changed() => return,
        }
    }
}

async fn answer(mut s: TcpStream, env: Arc<Env>) {
    let mut buf = vec![0u8; 2048];
    let n = match tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await {
        Ok(Ok(n)) => n,
        _ => return,
    };
    let req = String::from_utf8_lossy(&buf[..n]);
    let path = req.split_whitespace().nth(1).unwrap_or("");
    let (status, body) = if req.starts_with("GET ") && (path == "/metrics" || path == "/") {
        let counts = env.store.counts().unwrap_or_default();
        (
            "200 OK",
            env.stats.prometheus(counts.queues, counts.messages),
        )
    } else {
        ("404 Not Found", String::from("not found\n"))
    };
    let resp = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = s.write_all(resp.as_bytes()).await;
    let _ = s.shutdown().await;
}
