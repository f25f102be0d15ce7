//! Chat items (the messages of a chat, sent and received) and their reactions.

use rusqlite::{OptionalExtension, Row, params};

use super::ChatStore;
use crate::error::Result;

/// The delivery state of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStatus {
    /// Sent: stored, not yet accepted by the relay.
    SndNew,
    /// Sent: accepted by the relay (✓).
    SndSent,
    /// Sent: the contact's delivery receipt arrived (✓✓).
    SndRcvd,
    /// Received.
    Rcv,
}

impl ItemStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ItemStatus::SndNew => "snd_new",
            ItemStatus::SndSent => "snd_sent",
            ItemStatus::SndRcvd => "snd_rcvd",
            ItemStatus::Rcv => "rcv",
        }
    }

    pub(crate) fn parse(s: &str) -> ItemStatus {
        match s {
            "snd_sent" => ItemStatus::SndSent,
            "snd_rcvd" => ItemStatus::SndRcvd,
            "rcv" => ItemStatus::Rcv,
            _ => ItemStatus::SndNew,
        }
    }
}

/// One message in a chat.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatItem {
    /// Row id.
    pub item_id: i64,
    /// The chat.
    pub contact_id: i64,
    /// Sent by the user (else received).
    pub sent: bool,
    /// The shared message id.
    pub shared_msg_id: Option<Vec<u8>>,
    /// The text.
    pub text: String,
    /// The quoted text, and whether the quoted message was sent by the user.
    pub quote: Option<(String, bool)>,
    /// Edited after sending.
    pub edited: bool,
    /// Marked deleted by the sender.
    pub deleted: bool,
    /// Delivery state.
    pub status: ItemStatus,
    /// Disappearing: the time to live in seconds.
    pub timed_ttl: Option<i64>,
    /// Disappearing: when it is deleted.
    pub delete_at: Option<i64>,
    /// Reactions: (sent by the user, emoji).
    pub reactions: Vec<(bool, String)>,
    /// When it was stored (unix seconds, the engine's clock).
    pub created_at: i64,
    /// When it last changed (edit, deletion mark); the creation time before that.
    pub updated_at: i64,
}

/// A new item to store.
#[derive(Debug, Clone)]
pub struct NewItem<'a> {
    /// The chat.
    pub contact_id: i64,
    /// Sent by the user.
    pub sent: bool,
    /// The shared message id.
    pub shared_msg_id: Option<&'a [u8]>,
    /// The agent's message id.
    pub agent_msg_id: Option<i64>,
    /// The text.
    pub text: &'a str,
    /// The quote.
    pub quote: Option<(&'a str, bool)>,
    /// Delivery state.
    pub status: ItemStatus,
    /// Time to live.
    pub timed_ttl: Option<i64>,
    /// Deletion time.
    pub delete_at: Option<i64>,
}

const ICOLS: &str = "item_id, contact_id, sent, shared_msg_id, text, quote_text, quote_sent, \
    edited, deleted, status, timed_ttl, delete_at, created_at, COALESCE(updated_at, created_at)";

fn item_row(r: &Row<'_>) -> rusqlite::Result<ChatItem> {
    let qt: Option<String> = r.get(5)?;
    let qs: Option<bool> = r.get(6)?;
    let status: String = r.get(9)?;
    Ok(ChatItem {
        item_id: r.get(0)?,
        contact_id: r.get(1)?,
        sent: r.get(2)?,
        shared_msg_id: r.get(3)?,
        text: r.get(4)?,
        quote: qt.map(|t| (t, qs.unwrap_or(false))),
        edited: r.get(7)?,
        deleted: r.get(8)?,
        status: ItemStatus::parse(&status),
        timed_ttl: r.get(10)?,
        delete_at: r.get(11)?,
        reactions: Vec::new(),
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
    })
}

impl ChatStore {
    /// Stores a new item; returns its id.
    pub fn add_item(&self, it: &NewItem<'_>, now: i64) -> Result<i64> {
        let db = self.db();
        db.execute(
            "INSERT INTO chat_items (contact_id, sent, shared_msg_id, agent_msg_id, text, quote_text,
               quote_sent, status, timed_ttl, delete_at, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                it.contact_id,
                it.sent,
                it.shared_msg_id,
                it.agent_msg_id,
                it.text,
                it.quote.map(|q| q.0),
                it.quote.map(|q| q.1),
                it.status.as_str(),
                it.timed_ttl,
                it.delete_at,
                now
            ],
        )?;
        Ok(db.last_insert_rowid())
    }

    /// One item with its reactions.
    pub fn item(&self, item_id: i64) -> Result<Option<ChatItem>> {
        let it = self
            .db()
            .query_row(
                &format!("SELECT {ICOLS} FROM chat_items WHERE item_id = ?1"),
                [item_id],
                item_row,
            )
            .optional()?;
        it.map(|i| self.with_reactions(i)).transpose()
    }

    fn with_reactions(&self, mut item: ChatItem) -> Result<ChatItem> {
        let db = self.db();
        let mut stmt =
            db.prepare("SELECT sent, emoji FROM item_reactions WHERE item_id = ?1 ORDER BY rowid")?;
        item.reactions = stmt
            .query_map([item.item_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(item)
    }

    /// The last `n` items of a user's chats (of one contact when given), oldest first.
    pub fn last_items(
        &self,
        user_id: i64,
        contact_id: Option<i64>,
        n: usize,
    ) -> Result<Vec<ChatItem>> {
        let items: Vec<ChatItem> = {
            let db = self.db();
            let mut stmt = db.prepare(&format!(
                "SELECT {ICOLS} FROM chat_items WHERE contact_id IN
                   (SELECT contact_id FROM contacts WHERE user_id = ?1 AND (?2 IS NULL OR contact_id = ?2))
                 ORDER BY item_id DESC LIMIT ?3"
            ))?;
            stmt.query_map(params![user_id, contact_id, n as i64], item_row)?
                .collect::<rusqlite::Result<_>>()?
        };
        items
            .into_iter()
            .rev()
            .map(|i| self.with_reactions(i))
            .collect()
    }

    /// The newest item of a chat whose text starts with `prefix` (any when empty),
    /// restricted to sent or received items when `sent` is given.
    pub fn find_item(
        &self,
        contact_id: i64,
        sent: Option<bool>,
        prefix: &str,
    ) -> Result<Option<ChatItem>> {
        let it = self
            .db()
            .query_row(
                &format!(
                    "SELECT {ICOLS} FROM chat_items WHERE contact_id = ?1 AND deleted = 0
                       AND (?2 IS NULL OR sent = ?2) AND substr(text, 1, length(?3)) = ?3
                     ORDER BY item_id DESC LIMIT 1"
                ),
                params![contact_id, sent, prefix],
                item_row,
            )
            .optional()?;
        it.map(|i| self.with_reactions(i)).transpose()
    }

    /// An item of a chat by its shared id.
    pub fn item_by_shared_id(&self, contact_id: i64, shared: &[u8]) -> Result<Option<ChatItem>> {
        let it = self
            .db()
            .query_row(
                &format!(
                    "SELECT {ICOLS} FROM chat_items WHERE contact_id = ?1 AND shared_msg_id = ?2"
                ),
                params![contact_id, shared],
                item_row,
            )
            .optional()?;
        it.map(|i| self.with_reactions(i)).transpose()
    }

    /// The sent item with this agent message id in a chat.
    pub fn item_by_agent_id(&self, contact_id: i64, agent_msg_id: i64) -> Result<Option<ChatItem>> {
        let it = self
            .db()
            .query_row(
                &format!(
                    "SELECT {ICOLS} FROM chat_items WHERE contact_id = ?1 AND agent_msg_id = ?2 AND sent = 1"
                ),
                params![contact_id, agent_msg_id],
                item_row,
            )
            .optional()?;
        Ok(it)
    }

    /// Sets the delivery state of an item.
    pub fn set_item_status(&self, item_id: i64, status: ItemStatus) -> Result<()> {
        self.db().execute(
            "UPDATE chat_items SET status = ?2 WHERE item_id = ?1",
            params![item_id, status.as_str()],
        )?;
        Ok(())
    }

    /// Replaces an item's text and marks it edited.
    pub fn edit_item(&self, item_id: i64, text: &str, now: i64) -> Result<()> {
        self.db().execute(
            "UPDATE chat_items SET text = ?2, edited = 1, updated_at = ?3 WHERE item_id = ?1",
            params![item_id, text, now],
        )?;
        Ok(())
    }

    /// Marks an item deleted (its text is kept only as a placeholder).
    pub fn mark_item_deleted(&self, item_id: i64, now: i64) -> Result<()> {
        self.db().execute(
            "UPDATE chat_items SET deleted = 1, updated_at = ?2 WHERE item_id = ?1",
            params![item_id, now],
        )?;
        Ok(())
    }

    /// Deletes an item.
    pub fn delete_item(&self, item_id: i64) -> Result<()> {
        self.db()
            .execute("DELETE FROM chat_items WHERE item_id = ?1", [item_id])?;
        Ok(())
    }

    /// Adds or removes a reaction.
    pub fn set_reaction(&self, item_id: i64, sent: bool, emoji: &str, add: bool) -> Result<()> {
        let sql = if add {
            "INSERT OR IGNORE INTO item_reactions (item_id, sent, emoji) VALUES (?1, ?2, ?3)"
        } else {
            "DELETE FROM item_reactions WHERE item_id = ?1 AND sent = ?2 AND emoji = ?3"
        };
        self.db().execute(sql, params![item_id, sent, emoji])?;
        Ok(())
    }

    /// Deletes the items whose time ran out; returns them (with their contact).
    pub fn take_expired_items(&self, now: i64) -> Result<Vec<ChatItem>> {
        let items: Vec<ChatItem> = {
            let db = self.db();
            let mut stmt = db.prepare(&format!(
                "SELECT {ICOLS} FROM chat_items WHERE delete_at IS NOT NULL AND delete_at <= ?1 ORDER BY item_id"
            ))?;
            stmt.query_map([now], item_row)?
                .collect::<rusqlite::Result<_>>()?
        };
        for it in &items {
            self.delete_item(it.item_id)?;
        }
        Ok(items)
    }
}
