//! Users (local profiles) and their contact address and settings.

use chat_proto::profile::Profile;
use rusqlite::{OptionalExtension, Row, params};

use super::ChatStore;
use crate::error::Result;

/// A local user profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Row id.
    pub user_id: i64,
    /// The display name (unique among users).
    pub display_name: String,
    /// The full name.
    pub full_name: String,
    /// The agent database file name of this user (beside the chat database).
    pub agent_db: String,
    /// Whether this is the active user.
    pub active: bool,
    /// New connections use a random profile.
    pub incognito: bool,
    /// Requests to the address are accepted without asking.
    pub auto_accept: bool,
    /// Auto-accepted requests get a random profile.
    pub auto_accept_incognito: bool,
    /// The contact address connection (agent id).
    pub address_conn: Option<String>,
    /// The address link (full).
    pub address_link: Option<String>,
    /// The address short link.
    pub address_short_link: Option<String>,
}

const COLS: &str = "user_id, display_name, full_name, agent_db, active, incognito, auto_accept, \
    auto_accept_incognito, address_conn, address_link, address_short_link";

fn user_row(r: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        user_id: r.get(0)?,
        display_name: r.get(1)?,
        full_name: r.get(2)?,
        agent_db: r.get(3)?,
        active: r.get(4)?,
        incognito: r.get(5)?,
        auto_accept: r.get(6)?,
        auto_accept_incognito: r.get(7)?,
        address_conn: r.get(8)?,
        address_link: r.get(9)?,
        address_short_link: r.get(10)?,
    })
}

impl ChatStore {
    /// All users, oldest first.
    pub fn users(&self) -> Result<Vec<User>> {
        let db = self.db();
        let mut stmt = db.prepare(&format!("SELECT {COLS} FROM users ORDER BY user_id"))?;
        let users = stmt
            .query_map([], user_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(users)
    }

    /// A user by id.
    pub fn user(&self, user_id: i64) -> Result<Option<User>> {
        let db = self.db();
        let u = db
            .query_row(
                &format!("SELECT {COLS} FROM users WHERE user_id = ?1"),
                [user_id],
                user_row,
            )
            .optional()?;
        Ok(u)
    }

    /// Creates a user (not active yet). `agent_db_for` names the agent file from the id.
    pub fn create_user(
        &self,
        display_name: &str,
        full_name: &str,
        agent_db_for: impl Fn(i64) -> String,
        now: i64,
    ) -> Result<User> {
        let db = self.db();
        let next: i64 = db.query_row("SELECT ifnull(max(user_id), 0) + 1 FROM users", [], |r| {
            r.get(0)
        })?;
        db.execute(
            "INSERT INTO users (user_id, display_name, full_name, agent_db, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![next, display_name, full_name, agent_db_for(next), now],
        )?;
        drop(db);
        self.user(next)?
            .ok_or(rusqlite::Error::QueryReturnedNoRows.into())
    }

    /// Makes `user_id` the only active user.
    pub fn set_active_user(&self, user_id: i64) -> Result<()> {
        self.db()
            .execute("UPDATE users SET active = (user_id = ?1)", [user_id])?;
        Ok(())
    }

    /// Sets the user's default incognito mode.
    pub fn set_incognito(&self, user_id: i64, on: bool) -> Result<()> {
        self.db().execute(
            "UPDATE users SET incognito = ?2 WHERE user_id = ?1",
            params![user_id, on],
        )?;
        Ok(())
    }

    /// Sets the auto-accept settings of the user's address.
    pub fn set_auto_accept(&self, user_id: i64, on: bool, incognito: bool) -> Result<()> {
        self.db().execute(
            "UPDATE users SET auto_accept = ?2, auto_accept_incognito = ?3 WHERE user_id = ?1",
            params![user_id, on, incognito],
        )?;
        Ok(())
    }

    /// Stores (or, with `None`s, clears) the user's contact address.
    pub fn set_address(
        &self,
        user_id: i64,
        conn: Option<&str>,
        link: Option<&str>,
        short: Option<&str>,
    ) -> Result<()> {
        self.db().execute(
            "UPDATE users SET address_conn = ?2, address_link = ?3, address_short_link = ?4 WHERE user_id = ?1",
            params![user_id, conn, link, short],
        )?;
        Ok(())
    }

    /// Remembers a connection this user started (invitation or join) until the contact
    /// is known, with the incognito profile used on it.
    pub fn add_pending_conn(
        &self,
        user_id: i64,
        conn: &str,
        incognito: Option<&Profile>,
        now: i64,
    ) -> Result<()> {
        let incognito = incognito.map(serde_json::to_string).transpose()?;
        self.db().execute(
            "INSERT INTO pending_conns (agent_conn_id, user_id, incognito_profile, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![conn, user_id, incognito, now],
        )?;
        Ok(())
    }

    /// Takes a pending connection: returns its incognito profile (outer `None` when the
    /// connection is not pending).
    pub fn take_pending_conn(&self, conn: &str) -> Result<Option<Option<Profile>>> {
        let db = self.db();
        let found: Option<Option<String>> = db
            .query_row(
                "SELECT incognito_profile FROM pending_conns WHERE agent_conn_id = ?1",
                [conn],
                |r| r.get(0),
            )
            .optional()?;
        db.execute("DELETE FROM pending_conns WHERE agent_conn_id = ?1", [conn])?;
        Ok(found.map(|inc| inc.and_then(|s| serde_json::from_str(&s).ok())))
    }
}
