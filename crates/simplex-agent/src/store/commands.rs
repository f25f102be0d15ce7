//! Table `commands`: relay commands the engine must redo if it crashes before they
//! complete (for example `NEW` before its `IDS` is stored, `DEL` of a deleted
//! connection's queues). Kind and payload are the engine's own encoding.

use rusqlite::{OptionalExtension, Row, params};

use super::error::Result;
use super::records::{CommandId, ConnId, SecretBytes, Timestamp, UserId};
use super::{Tx, changed_one};

/// A command to keep.
#[derive(Debug, Clone, Copy)]
pub struct NewCommand<'a> {
    /// Its user.
    pub user_id: UserId,
    /// Its connection, if it belongs to one (deleted with it).
    pub conn_id: Option<&'a ConnId>,
    /// The relay it goes to, if known.
    pub server: Option<&'a str>,
    /// The engine's tag for the command.
    pub kind: &'a str,
    /// The engine's encoding of the command (may hold keys).
    pub payload: &'a [u8],
}

/// A stored command.
#[derive(Debug)]
pub struct Command {
    /// Its id (commands run in id order).
    pub command_id: CommandId,
    /// Its user.
    pub user_id: UserId,
    /// Its connection, if any.
    pub conn_id: Option<ConnId>,
    /// The relay it goes to, if known.
    pub server: Option<String>,
    /// The engine's tag.
    pub kind: String,
    /// The engine's encoding.
    pub payload: SecretBytes,
    /// When it was stored.
    pub created_at: Timestamp,
}

impl Command {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Command {
            command_id: row.get("command_id")?,
            user_id: row.get("user_id")?,
            conn_id: row.get("conn_id")?,
            server: row.get("server")?,
            kind: row.get("kind")?,
            payload: row.get("payload")?,
            created_at: row.get("created_at")?,
        })
    }
}

const COLUMNS: &str = "command_id, user_id, conn_id, server, kind, payload, created_at";

impl Tx<'_> {
    /// Stores a command, dated with the store's clock ([`Tx::now`]).
    pub fn insert_command(&self, new: &NewCommand<'_>) -> Result<CommandId> {
        self.db()
            .prepare_cached(
                "INSERT INTO commands (user_id, conn_id, server, kind, payload, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                new.user_id,
                new.conn_id,
                new.server,
                new.kind,
                new.payload,
                self.now()
            ])?;
        Ok(CommandId(self.db().last_insert_rowid()))
    }

    /// One command.
    pub fn command(&self, id: CommandId) -> Result<Option<Command>> {
        let sql = format!("SELECT {COLUMNS} FROM commands WHERE command_id = ?1");
        Ok(self
            .db()
            .prepare_cached(&sql)?
            .query_row(params![id], Command::from_row)
            .optional()?)
    }

    /// Every stored command, in order (to redo at start).
    pub fn commands(&self) -> Result<Vec<Command>> {
        let sql = format!("SELECT {COLUMNS} FROM commands ORDER BY command_id");
        let mut stmt = self.db().prepare_cached(&sql)?;
        let rows = stmt.query_map([], Command::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A connection's commands, in order.
    pub fn conn_commands(&self, conn_id: &ConnId) -> Result<Vec<Command>> {
        let sql = format!("SELECT {COLUMNS} FROM commands WHERE conn_id = ?1 ORDER BY command_id");
        let mut stmt = self.db().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![conn_id], Command::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Removes a completed command.
    pub fn delete_command(&self, id: CommandId) -> Result<()> {
        let n = self
            .db()
            .prepare_cached("DELETE FROM commands WHERE command_id = ?1")?
            .execute(params![id])?;
        changed_one(n, "command")
    }
}
