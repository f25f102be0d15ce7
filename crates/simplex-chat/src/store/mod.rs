//! The chat database (`<prefix>_chat.db`): SQLite encrypted with SQLCipher, with numbered
//! migrations. Tables: users, pending connections, contacts, contact requests, chat items
//! and their reactions, groups with members, introductions, messages and links, files sent and
//! received over XFTP. Calls are synchronous and short; the connection sits behind a
//! mutex.

mod contacts;
mod files;
mod group_items;
mod group_links;
mod group_quotes;
mod groups;
mod items;
pub mod migrations;
mod users;

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, OpenFlags};
use zeroize::Zeroizing;

use crate::error::{ChatError, Result};

pub use contacts::{Contact, ContactRequest};
pub use files::{FileRecipient, FileRecord, FileStatus, NewFile};
pub use group_items::{GroupDeletion, GroupItem};
pub use group_links::{GroupLink, NewGroupLink};
pub use group_quotes::{GroupQuote, NewGroupQuote, QuoteAuthor};
pub use groups::{Group, GroupStatus, Member, MemberCategory, MemberStatus, NewMember, is_current};
pub use items::{ChatItem, ItemPage, ItemStatus, NewItem, content_text};
pub use users::User;

/// `name` when `taken` says it is free, else the first free `name_1`, `name_2`, ...
/// (the reference's suffix rule for local names).
fn first_free_name(name: &str, taken: impl Fn(&str) -> rusqlite::Result<bool>) -> Result<String> {
    if !taken(name)? {
        return Ok(name.to_owned());
    }
    let mut i = 1u32;
    loop {
        let n = format!("{name}_{i}");
        if !taken(&n)? {
            return Ok(n);
        }
        i += 1;
    }
}

/// The chat database.
#[derive(Debug)]
pub struct ChatStore {
    conn: Mutex<Connection>,
}

impl ChatStore {
    /// Opens (creating when missing) and migrates the database at `path`.
    pub fn open(path: &Path, passphrase: &str) -> Result<ChatStore> {
        if passphrase.is_empty() {
            return Err(ChatError::EmptyPassphrase);
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        {
            // SQLCipher's crypto set-up is process-wide: key one store at a time.
            static KEYING: Mutex<()> = Mutex::new(());
            let _one = KEYING.lock().unwrap_or_else(PoisonError::into_inner);
            conn.execute_batch("PRAGMA cipher_log = off; PRAGMA cipher_log_level = NONE;")?;
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
            let check: rusqlite::Result<i64> =
                conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0));
            if check.is_err() {
                return Err(ChatError::WrongPassphrase);
            }
        }
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "secure_delete", true)?;
        let _mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        let mut conn = conn;
        migrations::migrate(&mut conn)?;
        Ok(ChatStore {
            conn: Mutex::new(conn),
        })
    }

    /// The connection (locked).
    fn db(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The schema as text (tables and indexes in name order), for the snapshot test.
    pub fn schema_sql(&self) -> Result<String> {
        migrations::schema_sql(&self.db())
    }

    /// Writes everything from the write-ahead log into the main file (before copying it).
    pub fn checkpoint(&self) -> Result<()> {
        self.db()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}
