//! The agent's store: one SQLite database file encrypted with SQLCipher.
//!
//! [`Store::open`] unlocks the file with a passphrase, switches on foreign keys and WAL,
//! and applies pending [`migrations`]. Everything else happens inside
//! [`Store::transaction`]: the closure gets a [`Tx`] with typed methods per table, and
//! its changes are committed together when it returns `Ok`, or rolled back when it
//! returns `Err` (or panics). Typical atomic steps of the engine:
//!
//! - receiving: [`Tx::save_ratchet_state`] + [`Tx::insert_skipped_key`] /
//!   [`Tx::delete_skipped_key`] + [`Tx::insert_rcv_message`] + [`Tx::set_last_broker_msg`];
//! - sending: [`Tx::save_ratchet_state`] + [`Tx::insert_snd_message`] +
//!   [`Tx::insert_delivery`] per send queue.
//!
//! The store is synchronous: a `rusqlite::Connection` behind a `std::sync::Mutex`.
//! [`Store`] is a cheap `Clone` (`Send + Sync`); from async code use
//! [`Store::grouped`], which runs the closure on the blocking pool and commits it
//! together with the transactions of other tasks waiting at the same time (one `fsync`
//! for the group; [`Store::group_stats`] counts them).
//!
//! Record types that hold secrets keep them in [`SecretBytes`] (wiped on drop, redacted in
//! `Debug`). Input records (`New*`) borrow their bytes, so nothing is copied twice.

mod commands;
mod conns;
mod deletions;
mod deliveries;
mod error;
mod group;
mod handshake;
mod links;
mod messages;
pub mod migrations;
mod queues;
mod ratchet;
mod records;
mod sync;
mod users;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};
use zeroize::Zeroizing;

use crate::config::Clock;

pub use commands::{Command, NewCommand};
pub use conns::{Conn, NewConn};
pub use deliveries::{NewDelivery, PendingQueue, SndDelivery};
pub use error::{Result, StoreError};
pub use group::GroupStats;
pub use handshake::{Confirmation, Invitation, NewConfirmation, NewInvitation};
pub use links::{InvShortLink, ShortLinkCreds};
pub use messages::{NewRcvMessage, NewSndMessage, RcvMessage, SndMessage};
pub use queues::{NewRcvQueue, NewSndQueue, RcvQueue, SndQueue};
pub use ratchet::{Ratchet, SkippedKey, X3dhKeys};
pub use records::{
    CommandId, ConfirmationId, ConnId, ConnMode, ConnStatus, DeliveryId, DeliveryStatus, Integrity,
    InternalId, InvitationId, MsgType, QueueMode, QueueStatus, RatchetSyncState, RcvQueueId,
    RcvSwitchStatus, SecretBytes, ServerId, SndQueueId, SndSwitchStatus, Timestamp, UserId,
};
pub use users::{Server, User};

/// How long a statement waits for a lock held by another connection to the same file.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 128;

/// The agent's encrypted database. Clones share one connection.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    path: Arc<PathBuf>,
    /// Dates the stored messages ([`Tx::now`]).
    clock: Clock,
    /// Transactions waiting for the next group commit ([`Store::grouped`]).
    pending: Arc<Mutex<group::Pending>>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (or creates) the database at `path`, unlocks it with `passphrase`, and
    /// migrates it to this version's schema.
    ///
    /// Errors: [`StoreError::EmptyPassphrase`] (an empty key would leave the file
    /// unencrypted), [`StoreError::WrongPassphrase`] (nothing is printed to stderr),
    /// [`StoreError::NewerMigration`] when a newer agent has migrated the file.
    ///
    /// SQLCipher's own logging is switched off for the whole process on the way.
    /// Deriving the key is deliberately slow (SQLCipher's PBKDF2, a fraction of a
    /// second): from async code, open inside `spawn_blocking` too.
    pub fn open(path: impl AsRef<Path>, passphrase: &str) -> Result<Store> {
        Store::open_with_clock(path, passphrase, Clock::system())
    }

    /// [`Store::open`] with the clock that dates stored messages (the agent's, so that
    /// their age is judged by the same clock; [`Store::open`] takes the system clock).
    pub fn open_with_clock(
        path: impl AsRef<Path>,
        passphrase: &str,
        clock: Clock,
    ) -> Result<Store> {
        if passphrase.is_empty() {
            return Err(StoreError::EmptyPassphrase);
        }
        let path = path.as_ref().to_path_buf();
        let mut conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        {
            // SQLCipher's logging switch and the set-up of its crypto provider are
            // process-wide; a `PRAGMA key` was seen failing once while several threads
            // opened stores at the same time, so keying is done one store at a time.
            static KEYING: Mutex<()> = Mutex::new(());
            let _one_at_a_time = KEYING.lock().unwrap_or_else(|e| e.into_inner());
            silence_sqlcipher_log(&conn)?;
            set_key(&conn, passphrase)?;
            check_key(&conn)?;
        }
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.pragma_update(None, "foreign_keys", true)?;
        // deleted rows (old ratchet states, used message keys) are overwritten, not left
        // in free pages
        conn.pragma_update(None, "secure_delete", true)?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::JournalMode(mode));
        }
        migrations::migrate(&mut conn)?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
            path: Arc::new(path),
            clock,
            pending: Arc::new(group::Pending::new()),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in one `IMMEDIATE` transaction: commits when it returns `Ok`, rolls back
    /// when it returns `Err` or panics. `E` is the caller's error type (any type that a
    /// [`StoreError`] converts into), so engine logic can fail the transaction too.
    pub fn transaction<T, E>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        // A panic inside an earlier transaction rolled it back while unwinding, so the
        // connection behind a poisoned lock is still consistent.
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let value = f(&Tx {
            conn: &tx,
            clock: &self.clock,
        })?;
        tx.commit().map_err(StoreError::from)?;
        Ok(value)
    }

    /// The current schema, normalized as in the committed `schema.sql`.
    pub fn schema_sql(&self) -> Result<String> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        migrations::schema_sql(&conn)
    }

    /// Names of the migrations applied to this database.
    pub fn applied_migrations(&self) -> Result<Vec<String>> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(migrations::applied(&conn)?.into_iter().collect())
    }
}

/// An open transaction; every typed read and write of the store is a method on it (see
/// the table modules). Obtained only through [`Store::transaction`] and
/// [`Store::grouped`].
pub struct Tx<'a> {
    conn: &'a Connection,
    clock: &'a Clock,
}

impl fmt::Debug for Tx<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Tx")
    }
}

impl Tx<'_> {
    fn db(&self) -> &Connection {
        self.conn
    }

    /// The store's clock now (the agent's clock in an agent's store): the time stored
    /// messages are dated with.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }
}

/// Turns SQLCipher's logging off (it is process-wide). Without this, a wrong key makes
/// SQLCipher print `ERROR CORE ... hmac check failed` to stderr.
fn silence_sqlcipher_log(conn: &Connection) -> Result<()> {
    conn.execute_batch("PRAGMA cipher_log = off; PRAGMA cipher_log_level = NONE;")?;
    Ok(())
}

/// `PRAGMA key = '...'`, with the statement text wiped afterwards.
fn set_key(conn: &Connection, passphrase: &str) -> Result<()> {
    // room for every character doubled, so the buffer never moves (and leaves a copy)
    let mut sql = Zeroizing::new(String::with_capacity(2 * passphrase.len() + 16));
    sql.push_str("PRAGMA key = '");
    for c in passphrase.chars() {
        if c == '\'' {
            sql.push('\'');
        }
        sql.push(c);
    }
    sql.push_str("';");
    conn.execute_batch(&sql)?;
    Ok(())
}

/// The key is only checked when a page is read: read the schema and map SQLCipher's
/// "file is not a database" to [`StoreError::WrongPassphrase`].
fn check_key(conn: &Connection) -> Result<()> {
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
        row.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::NotADatabase => {
            Err(StoreError::WrongPassphrase)
        }
        Err(e) => Err(e.into()),
    }
}

/// `Ok` when a statement changed a row, else [`StoreError::NotFound`] for `what`.
fn changed_one(changed: usize, what: &'static str) -> Result<()> {
    if changed == 0 {
        Err(StoreError::NotFound(what))
    } else {
        Ok(())
    }
}
