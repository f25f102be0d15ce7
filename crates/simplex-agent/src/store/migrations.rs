//! Numbered schema migrations (`migrations/NNNN_name.sql`), embedded in the binary and
//! applied in order, each in its own transaction, recorded in the `migrations` table.

use std::collections::BTreeSet;

use rusqlite::{Connection, TransactionBehavior, params};

use super::error::{Result, StoreError};
use super::records::Timestamp;

/// One migration: its name (the file name without `.sql`) and its SQL.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// `NNNN_name`; names sort in the order they are applied.
    pub name: &'static str,
    /// The statements.
    pub sql: &'static str,
}

/// Every migration this version knows, in order. Append new files here; never edit or
/// remove a published one.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "0001_init",
        sql: include_str!("../../migrations/0001_init.sql"),
    },
    Migration {
        name: "0002_sync_switch",
        sql: include_str!("../../migrations/0002_sync_switch.sql"),
    },
    Migration {
        name: "0003_short_link_creds",
        sql: include_str!("../../migrations/0003_short_link_creds.sql"),
    },
    Migration {
        name: "0004_hash_expiry",
        sql: include_str!("../../migrations/0004_hash_expiry.sql"),
    },
    Migration {
        name: "0005_message_expiry",
        sql: include_str!("../../migrations/0005_message_expiry.sql"),
    },
    Migration {
        name: "0006_inv_short_links",
        sql: include_str!("../../migrations/0006_inv_short_links.sql"),
    },
    Migration {
        name: "0007_snd_rcpt_ok",
        sql: include_str!("../../migrations/0007_snd_rcpt_ok.sql"),
    },
];

const CREATE_MIGRATIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS migrations (
  name TEXT NOT NULL PRIMARY KEY,
  applied_at INTEGER NOT NULL
) STRICT";

/// Names of the migrations recorded in the database.
pub(crate) fn applied(conn: &Connection) -> Result<BTreeSet<String>> {
    let mut stmt = conn.prepare("SELECT name FROM migrations")?;
    let names = stmt
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<rusqlite::Result<BTreeSet<_>>>()?;
    Ok(names)
}

/// Applies the migrations the database lacks, in order. Refuses a database that has a
/// migration this version does not know (it was opened by a newer agent).
pub(crate) fn migrate(conn: &mut Connection) -> Result<Vec<&'static str>> {
    conn.execute_batch(CREATE_MIGRATIONS_TABLE)?;
    let done = applied(conn)?;
    if let Some(unknown) = done
        .iter()
        .find(|name| !MIGRATIONS.iter().any(|m| m.name == name.as_str()))
    {
        return Err(StoreError::NewerMigration(unknown.clone()));
    }
    let mut newly = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| !done.contains(m.name)) {
        let failed = |source| StoreError::Migration {
            name: m.name,
            source,
        };
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(failed)?;
        tx.execute_batch(m.sql).map_err(failed)?;
        tx.execute(
            "INSERT INTO migrations (name, applied_at) VALUES (?1, ?2)",
            params![m.name, Timestamp::now()],
        )
        .map_err(failed)?;
        tx.commit().map_err(failed)?;
        newly.push(m.name);
    }
    Ok(newly)
}

/// The schema as SQLite keeps it (`sqlite_master`), normalized for comparison with the
/// committed `schema.sql`: tables then indexes (then anything else), each group by name;
/// trailing spaces and blank lines dropped; each statement ends with `;`.
pub(crate) fn schema_sql(conn: &Connection) -> Result<String> {
    let mut stmt = conn.prepare(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
         ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name",
    )?;
    let mut out = String::new();
    for sql in stmt.query_map([], |row| row.get::<_, String>(0))? {
        let sql = sql?;
        let lines: Vec<&str> = sql
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty())
            .collect();
        out.push_str(&lines.join("\n"));
        out.push_str(";\n");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_names_are_numbered_in_order() {
        let names: Vec<&str> = MIGRATIONS.iter().map(|m| m.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
        for (i, name) in names.iter().enumerate() {
            assert_eq!(name.get(..4), Some(format!("{:04}", i + 1).as_str()));
            assert_eq!(name.as_bytes().get(4), Some(&b'_'));
        }
    }
}
