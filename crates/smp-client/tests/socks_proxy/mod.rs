//! A small SOCKS5 proxy for tests (real TCP on loopback): it answers the RFC 1928/1929
//! handshake, records what each client asked for, and relays each connection. Also used
//! by simplex-agent's tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// What the proxy saw on one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The username of RFC 1929 authentication, if the client authenticated.
    pub username: Option<String>,
    /// The requested host (a name or an IP in text) and port.
    pub host: String,
    pub port: u16,
}

/// A SOCKS5 proxy that reports each request and connects it to `fixed` when given (so
/// made-up `.onion` names work), else to the requested host and port.
pub async fn start_proxy(
    fixed: Option<SocketAddr>,
) -> (SocketAddr, mpsc::UnboundedReceiver<Request>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let req = serve_handshake(&mut client).await;
                let target = (req.host.clone(), req.port);
                tx.send(req).unwrap();
                let mut upstream = match fixed {
                    Some(addr) => TcpStream::connect(addr).await.unwrap(),
                    None => TcpStream::connect(target).await.unwrap(),
                };
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (addr, rx)
}

async fn read_vec(s: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut v = vec![0; n];
    s.read_exact(&mut v).await.unwrap();
    v
}

async fn serve_handshake(s: &mut TcpStream) -> Request {
    let head = read_vec(s, 2).await;
    assert_eq!(head[0], 5);
    let methods = read_vec(s, usize::from(head[1])).await;
    let username = if methods.contains(&2) {
        s.write_all(&[5, 2]).await.unwrap();
        let v = read_vec(s, 2).await;
        assert_eq!(v[0], 1);
        let user = read_vec(s, usize::from(v[1])).await;
        let plen = read_vec(s, 1).await[0];
        read_vec(s, usize::from(plen)).await;
        s.write_all(&[1, 0]).await.unwrap();
        Some(String::from_utf8(user).unwrap())
    } else {
        assert!(methods.contains(&0));
        s.write_all(&[5, 0]).await.unwrap();
        None
    };
    let req = read_vec(s, 4).await;
    assert_eq!(&req[..3], &[5, 1, 0]);
    let host = match req[3] {
        1 => {
            let ip: [u8; 4] = read_vec(s, 4).await.try_into().unwrap();
            std::net::Ipv4Addr::from(ip).to_string()
        }
        3 => {
            let n = read_vec(s, 1).await[0];
            String::from_utf8(read_vec(s, usize::from(n)).await).unwrap()
        }
        t => panic!("address type {t}"),
    };
    let port = u16::from_be_bytes(read_vec(s, 2).await.try_into().unwrap());
    s.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).await.unwrap();
    Request {
        username,
        host,
        port,
    }
}
