//! Numbered schema migrations (`migrations/NNNN_name.sql`), applied in order, each in
//! its own transaction and recorded in the `migrations` table.

use std::collections::BTreeSet;

use rusqlite::{Connection, params};

use crate::error::{ChatError, Result};

/// One migration: its name and SQL.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// `NNNN_name`.
    pub name: &'static str,
    /// The statements.
    pub sql: &'static str,
}

/// Every migration, in order. Append only.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "0001_init",
        sql: include_str!("../../migrations/0001_init.sql"),
    },
    Migration {
        name: "0002_groups",
        sql: include_str!("../../migrations/0002_groups.sql"),
    },
    Migration {
        name: "0003_group_items",
        sql: include_str!("../../migrations/0003_group_items.sql"),
    },
    Migration {
        name: "0004_files",
        sql: include_str!("../../migrations/0004_files.sql"),
    },
    Migration {
        name: "0005_item_content",
        sql: include_str!("../../migrations/0005_item_content.sql"),
    },
    Migration {
        name: "0006_item_files",
        sql: include_str!("../../migrations/0006_item_files.sql"),
    },
    Migration {
        name: "0007_group_quotes",
        sql: include_str!("../../migrations/0007_group_quotes.sql"),
    },
    Migration {
        name: "0008_user_member",
        sql: include_str!("../../migrations/0008_user_member.sql"),
    },
    Migration {
        name: "0009_group_links",
        sql: include_str!("../../migrations/0009_group_links.sql"),
    },
];

/// Applies the missing migrations; refuses a database migrated by a newer version.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT",
    )?;
    let done: BTreeSet<String> = {
        let mut stmt = conn.prepare("SELECT name FROM migrations")?;
        stmt.query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    if let Some(unknown) = done
        .iter()
        .find(|n| !MIGRATIONS.iter().any(|m| m.name == n.as_str()))
    {
        return Err(ChatError::NewerMigration(unknown.clone()));
    }
    for m in MIGRATIONS.iter().filter(|m| !done.contains(m.name)) {
        let tx = conn.transaction()?;
        tx.execute_batch(m.sql)?;
        tx.execute(
            "INSERT INTO migrations (name, applied_at) VALUES (?1, strftime('%s','now'))",
            params![m.name],
        )?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema (without the migrations table), one statement per entry, sorted by name.
pub(crate) fn schema_sql(conn: &Connection) -> Result<String> {
    let mut stmt = conn.prepare(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name != 'migrations' ORDER BY type DESC, name",
    )?;
    let parts = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(parts.join(";\n\n") + ";\n")
}
