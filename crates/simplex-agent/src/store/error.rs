//! The store's error type.

/// Errors of the agent store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The passphrase does not open the database (or the file is not an agent database).
    #[error(
        "wrong passphrase: the agent database cannot be decrypted with it (or the file is not an agent database)"
    )]
    WrongPassphrase,
    /// An empty passphrase would leave the database unencrypted, so it is refused.
    #[error("empty passphrase: the agent database must be encrypted")]
    EmptyPassphrase,
    /// The database was migrated by a newer version of the agent than this one.
    #[error(
        "the agent database has migration {0:?}, unknown to this version of the agent: it was opened by a newer version; upgrade the agent"
    )]
    NewerMigration(String),
    /// A migration script failed; the database is left at the previous migration.
    #[error("migration {name} failed: {source}")]
    Migration {
        /// The migration's name.
        name: &'static str,
        /// What SQLite reported.
        source: rusqlite::Error,
    },
    /// SQLite refused write-ahead logging.
    #[error("cannot switch the agent database to WAL mode (journal mode is {0:?})")]
    JournalMode(String),
    /// The row to change or delete does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The operating system's random number generator failed (while making an id).
    #[error("random number generator failed: {0}")]
    Random(getrandom::Error),
    /// A transaction run with [`super::Store::grouped`] was not committed: the group's
    /// commit failed, or the closure panicked (the text says which).
    #[error("grouped transaction not committed: {0}")]
    Grouped(String),
    /// Any other SQLite error (constraint violations included).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl StoreError {
    /// True when SQLite rejected a change for breaking a constraint (a duplicate unique
    /// key, a missing foreign row, a failed check).
    pub fn is_constraint_violation(&self) -> bool {
        matches!(
            self,
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation
        )
    }
}

/// Results of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
