//! Queries for deleting connections: whether a connection still has messages to deliver
//! (deletion that waits for delivery) and the pending relay deletions by kind.

use rusqlite::{OptionalExtension, params};

use super::Tx;
use super::commands::Command;
use super::error::Result;
use super::records::ConnId;

impl Tx<'_> {
    /// Whether the connection has a delivery still to be made (pending or held by
    /// quota; failed ones do not count).
    pub fn has_undelivered(&self, conn_id: &ConnId) -> Result<bool> {
        let found: Option<i64> = self
            .db()
            .prepare_cached(
                "SELECT 1 FROM snd_deliveries WHERE conn_id = ?1 AND status <> 'failed' LIMIT 1",
            )?
            .query_row(params![conn_id], |row| row.get(0))
            .optional()?;
        Ok(found.is_some())
    }

    /// The stored commands of one kind, in order.
    pub fn commands_of_kind(&self, kind: &str) -> Result<Vec<Command>> {
        Ok(self
            .commands()?
            .into_iter()
            .filter(|c| c.kind == kind)
            .collect())
    }
}
