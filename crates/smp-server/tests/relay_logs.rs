//! Nothing the relay logs names a queue, a message or a client address.
//!
//! This test has a binary of its own: it installs a thread-local tracing subscriber, and
//! tracing's per-call-site interest cache is shared by the whole process, so a test running
//! beside it on another thread (without a subscriber) can disable the call sites it needs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use simplex_encoding::base64url;
use smp_proto::command::{MsgFlags, SubMode};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Collects everything the tracing subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_name_no_queue_message_or_address() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let dir = tempfile::tempdir().unwrap();
    let store =
        Arc::new(smp_store::DurableStore::open(smp_store::StoreConfig::new(dir.path())).unwrap());
    let relay = start_with(test_config(), store).await;
    let (rc, mut ev) = relay.connect().await;
    let q = new_queue(&rc, SubMode::Subscribe).await;
    let body = b"secret-message-body-0123456789";
    rc.send(&q.ids.snd_id, None, MsgFlags::default(), body)
        .await
        .unwrap();
    let (_, msg) = next_event(&mut ev).await;
    let smp_proto::BrokerMsg::Msg(id, _) = msg else {
        panic!()
    };
    rc.ack(&q.ids.rcv_id, &q.key, &id).await.unwrap();
    let _ = rc
        .subscribe(&smp_proto::EntityId::from([9; 24]), &q.key)
        .await;
    rc.delete(&q.ids.rcv_id, &q.key).await.unwrap();
    drop(rc);
    relay.handle.shutdown(Duration::from_secs(1)).await;

    let logs = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    // The capture works: connection ends are logged (at debug level).
    assert!(logs.contains("connection ended"), "{logs}");
    let secrets = [
        base64url::encode(q.ids.rcv_id.as_bytes()),
        base64url::encode(q.ids.snd_id.as_bytes()),
        base64url::encode(id.as_bytes()),
        String::from_utf8_lossy(body).into_owned(),
        "127.0.0.1:".to_owned(),
    ];
    for s in &secrets {
        assert!(!logs.contains(s.as_str()), "log contains {s}: {logs}");
    }
    // Raw byte forms too (Debug of arrays).
    let raw = format!("{:?}", q.ids.rcv_id.as_bytes());
    assert!(!logs.contains(&raw[1..raw.len() - 1]));
}
