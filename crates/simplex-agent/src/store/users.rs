//! Tables `users` and `servers` (each user's relay list).

use std::fmt;

use rusqlite::{OptionalExtension, Row, params};

use super::error::Result;
use super::records::{ServerId, Timestamp, UserId, redact_address};
use super::{Tx, changed_one};

/// A user of the agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Its id.
    pub user_id: UserId,
    /// When it was created.
    pub created_at: Timestamp,
}

/// A relay in a user's list.
#[derive(Clone, PartialEq, Eq)]
pub struct Server {
    /// Its id.
    pub server_id: ServerId,
    /// The user whose list it is in.
    pub user_id: UserId,
    /// The full SMP address, password included (`smp://keyhash:password@host:port`).
    pub address: String,
    /// Whether new queues may be created on it.
    pub enabled: bool,
    /// When it was added.
    pub created_at: Timestamp,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("server_id", &self.server_id)
            .field("user_id", &self.user_id)
            .field("address", &redact_address(&self.address))
            .field("enabled", &self.enabled)
            .field("created_at", &self.created_at)
            .finish()
    }
}

impl Server {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Server {
            server_id: row.get("server_id")?,
            user_id: row.get("user_id")?,
            address: row.get("address")?,
            enabled: row.get("enabled")?,
            created_at: row.get("created_at")?,
        })
    }
}

const SERVER_COLUMNS: &str = "server_id, user_id, address, enabled, created_at";

impl Tx<'_> {
    /// Creates a user.
    pub fn create_user(&self) -> Result<UserId> {
        self.db()
            .prepare_cached("INSERT INTO users (created_at) VALUES (?1)")?
            .execute(params![Timestamp::now()])?;
        Ok(UserId(self.db().last_insert_rowid()))
    }

    /// One user.
    pub fn user(&self, user_id: UserId) -> Result<Option<User>> {
        Ok(self
            .db()
            .prepare_cached("SELECT user_id, created_at FROM users WHERE user_id = ?1")?
            .query_row(params![user_id], |row| {
                Ok(User {
                    user_id: row.get(0)?,
                    created_at: row.get(1)?,
                })
            })
            .optional()?)
    }

    /// All users, oldest first.
    pub fn users(&self) -> Result<Vec<User>> {
        let mut stmt = self
            .db()
            .prepare_cached("SELECT user_id, created_at FROM users ORDER BY user_id")?;
        let rows = stmt.query_map([], |row| {
            Ok(User {
                user_id: row.get(0)?,
                created_at: row.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Deletes a user with its relays, connections (and everything under them),
    /// contact requests and commands.
    pub fn delete_user(&self, user_id: UserId) -> Result<()> {
        let n = self
            .db()
            .prepare_cached("DELETE FROM users WHERE user_id = ?1")?
            .execute(params![user_id])?;
        changed_one(n, "user")
    }

    /// Adds a relay to a user's list (the address must be new in that list).
    pub fn add_server(&self, user_id: UserId, address: &str, enabled: bool) -> Result<ServerId> {
        self.db()
            .prepare_cached(
                "INSERT INTO servers (user_id, address, enabled, created_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![user_id, address, enabled, Timestamp::now()])?;
        Ok(ServerId(self.db().last_insert_rowid()))
    }

    /// One relay.
    pub fn server(&self, server_id: ServerId) -> Result<Option<Server>> {
        let sql = format!("SELECT {SERVER_COLUMNS} FROM servers WHERE server_id = ?1");
        Ok(self
            .db()
            .prepare_cached(&sql)?
            .query_row(params![server_id], Server::from_row)
            .optional()?)
    }

    /// A user's relays in the order they were added.
    pub fn servers(&self, user_id: UserId) -> Result<Vec<Server>> {
        let sql =
            format!("SELECT {SERVER_COLUMNS} FROM servers WHERE user_id = ?1 ORDER BY server_id");
        let mut stmt = self.db().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![user_id], Server::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Enables or disables a relay for new queues.
    pub fn set_server_enabled(&self, server_id: ServerId, enabled: bool) -> Result<()> {
        let n = self
            .db()
            .prepare_cached("UPDATE servers SET enabled = ?2 WHERE server_id = ?1")?
            .execute(params![server_id, enabled])?;
        changed_one(n, "server")
    }

    /// Removes a relay from the list (queues already on it are not affected).
    pub fn delete_server(&self, server_id: ServerId) -> Result<()> {
        let n = self
            .db()
            .prepare_cached("DELETE FROM servers WHERE server_id = ?1")?
            .execute(params![server_id])?;
        changed_one(n, "server")
    }
}
