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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A database from before 0008 whose group holds a member row with the user's own
    /// member id (a bogus introduction) still migrates: that row gets a new id and the
    /// user's own row is added with the membership id.
    #[test]
    fn user_member_migration_re_ids_a_member_with_the_users_id() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("old.db")).unwrap();
        conn.execute_batch(
            "CREATE TABLE migrations (name TEXT NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT",
        )
        .unwrap();
        let before = MIGRATIONS
            .iter()
            .position(|m| m.name == "0008_user_member")
            .unwrap();
        for m in &MIGRATIONS[..before] {
            conn.execute_batch(m.sql).unwrap();
            conn.execute(
                "INSERT INTO migrations (name, applied_at) VALUES (?1, 0)",
                [m.name],
            )
            .unwrap();
        }
        let own: &[u8] = b"own-id-12byt";
        conn.execute_batch(
            "INSERT INTO users (user_id, display_name, agent_db, created_at) VALUES (1, 'alice', 'a', 0);",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO groups (group_id, user_id, local_name, profile, membership_id, membership_role, status, created_at)
             VALUES (1, 1, 'team', '{}', ?1, 'member', 'active', 0)",
            [own],
        )
        .unwrap();
        for (row, id) in [(1, own), (2, b"other-id-12b".as_slice())] {
            conn.execute(
                "INSERT INTO group_members (member_row, group_id, member_id, profile, role, category, status, created_at)
                 VALUES (?1, 1, ?2, '{}', 'member', 'pre', 'connected', 0)",
                params![row, id],
            )
            .unwrap();
        }

        migrate(&mut conn).unwrap();

        let id_of = |row: i64| -> Vec<u8> {
            conn.query_row(
                "SELECT member_id FROM group_members WHERE member_row = ?1",
                [row],
                |r| r.get(0),
            )
            .unwrap()
        };
        let bogus = id_of(1);
        assert_ne!(bogus, own);
        assert_eq!(bogus.len(), 12);
        assert_eq!(id_of(2), b"other-id-12b");
        let user_row: Vec<u8> = conn
            .query_row(
                "SELECT member_id FROM group_members WHERE category = 'user' AND group_id = 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(user_row, own);
        let applied: i64 = conn
            .query_row("SELECT COUNT(*) FROM migrations", [], |r| r.get(0))
            .unwrap();
        assert_eq!(applied, i64::try_from(MIGRATIONS.len()).unwrap());
    }
}
