//! `kill -9` of the real relay binary: every message that got `OK` survives and is
//! delivered exactly once after restart (default durability: fsync group commit).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::bin::*;
use common::{new_queue, text as msg_text};
use smp_client::{ClientConfig, SmpClient};
use smp_proto::SmpServer;
use smp_proto::command::{MsgFlags, SubMode};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn server(d: &Dirs, port: u16) -> (SmpServer, ClientConfig) {
    let fp = simplex_transport::parse_fingerprint(
        std::fs::read_to_string(d.cfg.join("fingerprint"))
            .unwrap()
            .trim(),
    )
    .unwrap();
    let srv = SmpServer {
        hosts: vec!["localhost".into()],
        port: port.to_string(),
        key_hash: fp,
    };
    let cfg = ClientConfig {
        connect_addr: Some(SocketAddr::from(([127, 0, 0, 1], port))),
        request_timeout: Duration::from_secs(10),
        ..ClientConfig::default()
    };
    (srv, cfg)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_messages_survive_kill_9() {
    let d = dirs();
    let port = init_on_free_port(&d);
    let (mut child, _out) = start_server(&d);
    let (srv, cfg) = server(&d, port);
    let (c, _) = SmpClient::connect(&srv, &cfg).await.unwrap();
    let q = new_queue(&c, SubMode::OnlyCreate).await;
    // Senders keep sending until the relay is killed; only messages that got OK count.
    let acked = Arc::new(std::sync::Mutex::new(Vec::<u32>::new()));
    let sent = Arc::new(AtomicUsize::new(0));
    let mut tasks = vec![];
    for t in 0..4u32 {
        let (c, snd, acked, sent) = (c.clone(), q.ids.snd_id.clone(), acked.clone(), sent.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..30u32 {
                let n = t * 1000 + i;
                match c
                    .send(&snd, None, MsgFlags::default(), &n.to_be_bytes())
                    .await
                {
                    Ok(()) => {
                        acked.lock().unwrap().push(n);
                        sent.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(_) => return,
                }
            }
        }));
    }
    // Kill once some messages are acknowledged, while others are in flight.
    while sent.load(Ordering::SeqCst) < 40 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    for t in tasks {
        let _ = t.await;
    }
    let acked: HashSet<u32> = acked.lock().unwrap().iter().copied().collect();
    assert!(acked.len() >= 40);

    let (mut child, _out) = start_server(&d);
    let (c, _) = SmpClient::connect(&srv, &cfg).await.unwrap();
    let mut received = vec![];
    while let Some((id, body)) = c.get_message(&q.ids.rcv_id, &q.key).await.unwrap() {
        let b = msg_text(&q, &id, &body);
        received.push(u32::from_be_bytes(b.try_into().unwrap()));
        c.ack(&q.ids.rcv_id, &q.key, &id).await.unwrap();
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let unique: HashSet<u32> = received.iter().copied().collect();
    assert_eq!(
        unique.len(),
        received.len(),
        "a message was delivered twice"
    );
    let missing: Vec<_> = acked.difference(&unique).collect();
    assert!(
        missing.is_empty(),
        "acknowledged messages lost: {missing:?}"
    );
    // Messages of one sender keep their order.
    for t in 0..4u32 {
        let seq: Vec<u32> = received.iter().copied().filter(|n| n / 1000 == t).collect();
        assert!(seq.windows(2).all(|w| w[0] < w[1]), "{seq:?}");
    }
}
