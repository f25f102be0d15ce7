//! Opening the store: encryption, passphrase checks, migrations and the committed schema.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{PASSPHRASE, SERVER, open_fresh, temp_db, tx, user_and_conn};
use simplex_agent::store::migrations::MIGRATIONS;
use simplex_agent::store::{ConnStatus, Store, StoreError};

const SCHEMA_HEADER: &str = "-- The agent store's schema after all migrations, as SQLite keeps it.\n\
-- Generated: `UPDATE_SCHEMA=1 cargo test -p simplex-agent --test open`. Do not edit.\n\n";

/// Opens the file with plain rusqlite and the right key (to tamper with it).
fn raw_open(path: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "key", PASSPHRASE).unwrap();
    conn
}

#[test]
fn fresh_database_matches_committed_schema() {
    let (_dir, store) = open_fresh();
    let actual = format!("{SCHEMA_HEADER}{}", store.schema_sql().unwrap());
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.sql");
    if std::env::var("UPDATE_SCHEMA").as_deref() == Ok("1") {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap();
    assert!(
        committed == actual,
        "schema.sql is out of date; run `UPDATE_SCHEMA=1 cargo test -p simplex-agent --test open` \
         and review the diff.\n--- fresh database:\n{actual}"
    );
}

#[test]
fn every_migration_file_is_embedded_in_order() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|name| name.strip_suffix(".sql").map(str::to_owned))
        .collect();
    files.sort();
    let embedded: Vec<&str> = MIGRATIONS.iter().map(|m| m.name).collect();
    assert_eq!(files, embedded);
}

#[test]
fn migrations_are_applied_once_and_recorded() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path, PASSPHRASE).unwrap();
    let names: Vec<String> = MIGRATIONS.iter().map(|m| m.name.to_owned()).collect();
    assert_eq!(store.applied_migrations().unwrap(), names);
    drop(store);
    let store = Store::open(&path, PASSPHRASE).unwrap();
    assert_eq!(store.applied_migrations().unwrap(), names);
    let raw = raw_open(&path);
    let applied_at: i64 = raw
        .query_row(
            "SELECT applied_at FROM migrations WHERE name = '0001_init'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        applied_at > 1_600_000_000_000,
        "milliseconds since the epoch: {applied_at}"
    );
}

#[test]
fn database_from_a_newer_agent_is_refused() {
    let (_dir, path) = temp_db();
    drop(Store::open(&path, PASSPHRASE).unwrap());
    raw_open(&path)
        .execute(
            "INSERT INTO migrations (name, applied_at) VALUES ('9999_from_the_future', 0)",
            [],
        )
        .unwrap();
    let err = Store::open(&path, PASSPHRASE).unwrap_err();
    match &err {
        StoreError::NewerMigration(name) => assert_eq!(name, "9999_from_the_future"),
        other => panic!("expected NewerMigration, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("newer version"), "{message}");
}

#[test]
fn wrong_passphrase_is_refused_with_a_clear_error() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path, PASSPHRASE).unwrap();
    user_and_conn(&store);
    drop(store);
    let err = Store::open(&path, "not the passphrase").unwrap_err();
    assert!(matches!(err, StoreError::WrongPassphrase), "{err:?}");
    assert!(err.to_string().contains("wrong passphrase"), "{err}");
    // the right one still works afterwards
    let store = Store::open(&path, PASSPHRASE).unwrap();
    assert_eq!(tx(&store, |tx| tx.users()).len(), 1);
}

#[test]
fn empty_passphrase_is_refused() {
    let (_dir, path) = temp_db();
    let err = Store::open(&path, "").unwrap_err();
    assert!(matches!(err, StoreError::EmptyPassphrase), "{err:?}");
    assert!(!path.exists(), "nothing is created");
}

#[test]
fn passphrase_with_quotes_and_unicode_round_trips() {
    let (_dir, path) = temp_db();
    let pass = "it's a 'quoted' pässwörd; DROP TABLE users; --";
    drop(Store::open(&path, pass).unwrap());
    Store::open(&path, pass).unwrap();
    assert!(matches!(
        Store::open(&path, "it's a 'quoted' pässwörd").unwrap_err(),
        StoreError::WrongPassphrase
    ));
}

const CHILD_ENV: &str = "SIMPLEX_AGENT_STORE_TEST_CHILD";

/// Runs in a child process (see below) so that its stderr can be inspected.
#[test]
fn wrong_passphrase_prints_nothing_child() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let path = Path::new(&dir).join("agent.db");
    drop(Store::open(&path, PASSPHRASE).unwrap());
    let err = Store::open(&path, "wrong").unwrap_err();
    assert!(matches!(err, StoreError::WrongPassphrase), "{err:?}");
}

#[test]
fn wrong_passphrase_prints_nothing_to_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "wrong_passphrase_prints_nothing_child",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(CHILD_ENV, dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "the child test ran:\n{stdout}");
    assert!(
        !stderr.contains("hmac") && !stderr.contains("ERROR"),
        "SQLCipher printed to stderr:\n{stderr}"
    );
}

#[test]
fn file_on_disk_is_not_plaintext() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path, PASSPHRASE).unwrap();
    let marker = "smp://UNIQUEMARKERhash:secretpassword@marker.example";
    tx(&store, |tx| {
        let user = tx.create_user()?;
        tx.add_server(user, marker, true)
    });
    drop(store);
    for file in [path.clone(), path.with_extension("db-wal")] {
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        assert!(
            !bytes.starts_with(b"SQLite format 3\0"),
            "{file:?} has a plaintext header"
        );
        assert!(
            !bytes.windows(12).any(|w| w == b"UNIQUEMARKER"),
            "{file:?} holds the marker in clear"
        );
    }
    let header = std::fs::read(&path).unwrap();
    assert!(header.len() >= 4096, "the database was written");
}

#[test]
fn plaintext_sqlite_file_is_not_opened() {
    let (_dir, path) = temp_db();
    let plain = rusqlite::Connection::open(&path).unwrap();
    plain.execute_batch("CREATE TABLE t (x INTEGER);").unwrap();
    drop(plain);
    assert!(
        std::fs::read(&path)
            .unwrap()
            .starts_with(b"SQLite format 3\0")
    );
    assert!(matches!(
        Store::open(&path, PASSPHRASE).unwrap_err(),
        StoreError::WrongPassphrase
    ));
}

#[test]
fn wal_mode_and_foreign_keys_are_on() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path, PASSPHRASE).unwrap();
    let raw = raw_open(&path);
    let mode: String = raw
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(raw);
    // foreign keys: a connection for a missing user is refused
    let err = store
        .transaction(|tx| tx.create_conn(&common::new_conn(simplex_agent::store::UserId(42))))
        .unwrap_err();
    assert!(err.is_constraint_violation(), "{err:?}");
}

#[test]
fn reopening_keeps_the_data() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path, PASSPHRASE).unwrap();
    let (user, conn) = user_and_conn(&store);
    tx(&store, |tx| {
        tx.add_server(user, SERVER, true)?;
        tx.set_conn_status(&conn, ConnStatus::Active)?;
        tx.save_ratchet_state(&conn, b"ratchet state v1")
    });
    drop(store);

    let store = Store::open(&path, PASSPHRASE).unwrap();
    tx(&store, |tx| {
        assert_eq!(tx.users()?.len(), 1);
        assert_eq!(tx.servers(user)?[0].address, SERVER);
        assert_eq!(tx.conn(&conn)?.unwrap().status, ConnStatus::Active);
        let ratchet = tx.ratchet(&conn)?.unwrap();
        assert_eq!(ratchet.state.unwrap().as_bytes(), b"ratchet state v1");
        Ok(())
    });
}
