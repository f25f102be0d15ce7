//! Helpers shared by the store tests: a fresh encrypted database in a temp dir and a
//! few ready-made rows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::path::PathBuf;

use simplex_agent::store::{
    ConnId, ConnMode, ConnStatus, NewConn, NewRcvQueue, NewSndQueue, QueueMode, QueueStatus,
    RcvQueueId, SndQueueId, Store, StoreError, Tx, UserId,
};
use tempfile::TempDir;

pub const PASSPHRASE: &str = "correct horse battery staple";
pub const SERVER: &str = "smp://aGFzaA@relay1.example:5223";
pub const SERVER2: &str = "smp://b3RoZXI@relay2.example";

/// A temp dir (removed on drop) and the database path inside it.
pub fn temp_db() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.db");
    (dir, path)
}

/// A freshly created store.
pub fn open_fresh() -> (TempDir, Store) {
    let (dir, path) = temp_db();
    let store = Store::open(&path, PASSPHRASE).unwrap();
    (dir, store)
}

/// Runs one transaction that must succeed.
pub fn tx<T>(store: &Store, f: impl FnOnce(&Tx<'_>) -> Result<T, StoreError>) -> T {
    store.transaction(f).unwrap()
}

pub fn new_conn(user_id: UserId) -> NewConn {
    NewConn {
        user_id,
        mode: ConnMode::Invitation,
        status: ConnStatus::New,
        agent_version: 7,
        pq_support: true,
        pq_encryption: false,
    }
}

/// A user with one invitation connection.
pub fn user_and_conn(store: &Store) -> (UserId, ConnId) {
    tx(store, |tx| {
        let user = tx.create_user()?;
        let conn = tx.create_conn(&new_conn(user))?;
        Ok((user, conn))
    })
}

pub fn add_rcv_queue(tx: &Tx<'_>, conn: &ConnId, server: &str, rcv_id: &[u8]) -> RcvQueueId {
    tx.insert_rcv_queue(&NewRcvQueue {
        conn_id: conn,
        server,
        rcv_id,
        rcv_auth_key: b"rcv-auth-pkcs8",
        rcv_dh_secret: b"rcv-dh-secret",
        e2e_private_key: b"e2e-private",
        e2e_dh_secret: None,
        snd_id: b"sender-id",
        queue_mode: Some(QueueMode::Messaging),
        status: QueueStatus::New,
        primary: true,
        replaced_queue_id: None,
    })
    .unwrap()
}

pub fn add_snd_queue(tx: &Tx<'_>, conn: &ConnId, snd_id: &[u8]) -> SndQueueId {
    tx.insert_snd_queue(&NewSndQueue {
        conn_id: conn,
        server: SERVER2,
        snd_id,
        snd_auth_key: b"snd-auth-pkcs8",
        e2e_peer_key: b"peer-e2e-public",
        e2e_dh_secret: b"snd-e2e-secret",
        queue_mode: None,
        status: QueueStatus::New,
        primary: true,
        replaced_queue_id: None,
    })
    .unwrap()
}
