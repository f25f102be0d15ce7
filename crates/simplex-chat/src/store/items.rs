//! Chat items (the messages of a chat, sent and received) and their reactions.

use chat_proto::content::MsgContent;
use rusqlite::{OptionalExtension, Row, params};

use super::ChatStore;
use super::files::FileRecord;
use super::group_items::GroupItem;
use crate::error::Result;

/// The text of a content: the message text, or the caption of media (what `find_item`
/// matches and the `text` column holds).
pub fn content_text(mc: &MsgContent) -> String {
    match mc {
        MsgContent::Text { text }
        | MsgContent::Link { text, .. }
        | MsgContent::Image { text, .. }
        | MsgContent::Video { text, .. }
        | MsgContent::Voice { text, .. }
        | MsgContent::File { text }
        | MsgContent::Report { text, .. }
        | MsgContent::Chat { text, .. }
        | MsgContent::Unknown { text, .. } => text.clone(),
    }
}

/// A content as its `content` column value (the JSON object of `x.msg.new`).
pub(super) fn content_json(mc: &MsgContent) -> Result<String> {
    Ok(serde_json::to_string(mc)?)
}

/// A `content` column read back: `NULL` (rows stored before the column existed) or
/// an unreadable value is the plain text of the row.
pub(super) fn stored_content(json: Option<String>, text: &str) -> MsgContent {
    json.and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_else(|| MsgContent::text(text))
}

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
    /// The text (the caption of media).
    pub text: String,
    /// The whole content (text, link, image, voice, ...).
    pub content: MsgContent,
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
    /// The id of the file it offers.
    pub file_id: Option<i64>,
    /// The file it offers (loaded with the item).
    pub file: Option<FileRecord>,
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
    /// The content (its text is stored alongside for lookups).
    pub content: &'a MsgContent,
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
    edited, deleted, status, timed_ttl, delete_at, created_at, COALESCE(updated_at, created_at), content, file_id";

fn item_row(r: &Row<'_>) -> rusqlite::Result<ChatItem> {
    let qt: Option<String> = r.get(5)?;
    let qs: Option<bool> = r.get(6)?;
    let status: String = r.get(9)?;
    let text: String = r.get(4)?;
    Ok(ChatItem {
        item_id: r.get(0)?,
        contact_id: r.get(1)?,
        sent: r.get(2)?,
        shared_msg_id: r.get(3)?,
        content: stored_content(r.get(14)?, &text),
        text,
        quote: qt.map(|t| (t, qs.unwrap_or(false))),
        edited: r.get(7)?,
        deleted: r.get(8)?,
        status: ItemStatus::parse(&status),
        timed_ttl: r.get(10)?,
        delete_at: r.get(11)?,
        reactions: Vec::new(),
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
        file_id: r.get(15)?,
        file: None,
    })
}

/// Which items of one chat to read, oldest first (the reference's `ChatPagination`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemPage {
    /// The last `count` items.
    Last(usize),
    /// Up to `count` items right after the item with this id.
    After(i64, usize),
    /// Up to `count` items right before the item with this id.
    Before(i64, usize),
}

impl ItemPage {
    /// The condition on `item_id` (the anchor is parameter `?2`), the order that takes
    /// the items nearest the anchor first, the anchor and the limit.
    fn sql(self) -> (&'static str, &'static str, i64, i64) {
        let limit = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        match self {
            ItemPage::Last(n) => ("?2 = ?2", "DESC", 0, limit(n)),
            ItemPage::After(id, n) => ("item_id > ?2", "ASC", id, limit(n)),
            ItemPage::Before(id, n) => ("item_id < ?2", "DESC", id, limit(n)),
        }
    }

    /// The ids of a chat's page in `table` (`contact_id` or `group_id` = `chat_id`),
    /// oldest first.
    fn ids(self, store: &ChatStore, table: &str, chat_col: &str, chat_id: i64) -> Result<Vec<i64>> {
        let (cond, order, anchor, limit) = self.sql();
        let db = store.db();
        let mut stmt = db.prepare(&format!(
            "SELECT item_id FROM {table} WHERE {chat_col} = ?1 AND {cond}
             ORDER BY item_id {order} LIMIT ?3"
        ))?;
        let mut ids: Vec<i64> = stmt
            .query_map(params![chat_id, anchor, limit], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.sort_unstable();
        Ok(ids)
    }
}

impl ChatStore {
    /// A page of a direct chat's items, oldest first.
    pub fn contact_items_page(&self, contact_id: i64, page: ItemPage) -> Result<Vec<ChatItem>> {
        let ids = page.ids(self, "chat_items", "contact_id", contact_id)?;
        Ok(ids
            .into_iter()
            .map(|id| self.item(id))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .flatten()
            .collect())
    }

    /// A page of a group's items, oldest first.
    pub fn group_items_page(&self, group_id: i64, page: ItemPage) -> Result<Vec<GroupItem>> {
        let ids = page.ids(self, "group_items", "group_id", group_id)?;
        Ok(ids
            .into_iter()
            .map(|id| self.group_item(id))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .flatten()
            .collect())
    }

    /// Stores a new item; returns its id.
    pub fn add_item(&self, it: &NewItem<'_>, now: i64) -> Result<i64> {
        let json = content_json(it.content)?;
        let db = self.db();
        db.execute(
            "INSERT INTO chat_items (contact_id, sent, shared_msg_id, agent_msg_id, text, quote_text,
               quote_sent, status, timed_ttl, delete_at, created_at, content)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                it.contact_id,
                it.sent,
                it.shared_msg_id,
                it.agent_msg_id,
                content_text(it.content),
                it.quote.map(|q| q.0),
                it.quote.map(|q| q.1),
                it.status.as_str(),
                it.timed_ttl,
                it.delete_at,
                now,
                json
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
        drop(stmt);
        drop(db);
        item.file = item.file_id.map(|f| self.file(f)).transpose()?.flatten();
        Ok(item)
    }

    /// The item that offers a file.
    pub fn item_by_file(&self, file_id: i64) -> Result<Option<ChatItem>> {
        let it = self
            .db()
            .query_row(
                &format!("SELECT {ICOLS} FROM chat_items WHERE file_id = ?1"),
                [file_id],
                item_row,
            )
            .optional()?;
        it.map(|i| self.with_reactions(i)).transpose()
    }

    /// Links an item to the file it offers.
    pub fn set_item_file(&self, item_id: i64, file_id: i64) -> Result<()> {
        self.db().execute(
            "UPDATE chat_items SET file_id = ?2 WHERE item_id = ?1",
            params![item_id, file_id],
        )?;
        Ok(())
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
        it.map(|i| self.with_reactions(i)).transpose()
    }

    /// Sets the delivery state of an item.
    pub fn set_item_status(&self, item_id: i64, status: ItemStatus) -> Result<()> {
        self.db().execute(
            "UPDATE chat_items SET status = ?2 WHERE item_id = ?1",
            params![item_id, status.as_str()],
        )?;
        Ok(())
    }

    /// Replaces an item's content and marks it edited.
    pub fn edit_item(&self, item_id: i64, content: &MsgContent, now: i64) -> Result<()> {
        self.db().execute(
            "UPDATE chat_items SET text = ?2, content = ?3, edited = 1, updated_at = ?4
             WHERE item_id = ?1",
            params![item_id, content_text(content), content_json(content)?, now],
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use chat_proto::content::LinkPreview;
    use chat_proto::profile::{GroupProfile, Profile};
    use chat_proto::role::GroupMemberRole;

    use super::*;
    use crate::store::GroupStatus;

    fn link() -> MsgContent {
        MsgContent::Link {
            text: "see https://simplex.chat".into(),
            preview: LinkPreview {
                uri: "https://simplex.chat".into(),
                title: "SimpleX".into(),
                description: "private".into(),
                image: "data:image/png;base64,AAAA".into(),
                content: None,
            },
        }
    }

    #[test]
    fn contents_round_trip_and_old_rows_read_as_text() {
        let dir = tempfile::tempdir().unwrap();
        let s = ChatStore::open(&dir.path().join("x_chat.db"), "pass").unwrap();
        let u = s.create_user("alice", "", |_| "a.db".into(), 100).unwrap();
        let c = s
            .add_contact(u.user_id, &Profile::from_name("bob"), "conn1", None, 100)
            .unwrap();
        let voice = MsgContent::Voice {
            text: "listen".into(),
            duration: 65,
        };
        let new = |content| NewItem {
            contact_id: c.contact_id,
            sent: false,
            shared_msg_id: None,
            agent_msg_id: None,
            content,
            quote: None,
            status: ItemStatus::Rcv,
            timed_ttl: None,
            delete_at: None,
        };
        let lk = link();
        let l = s.add_item(&new(&lk), 100).unwrap();
        let v = s.add_item(&new(&voice), 100).unwrap();
        let it = s.item(l).unwrap().unwrap();
        assert_eq!(it.content, link());
        assert_eq!(it.text, "see https://simplex.chat");
        assert_eq!(s.item(v).unwrap().unwrap().content, voice);
        // found by the caption
        assert_eq!(
            s.find_item(c.contact_id, None, "listen")
                .unwrap()
                .unwrap()
                .item_id,
            v
        );
        // an edit replaces the whole content
        s.edit_item(v, &MsgContent::text("plain now"), 110).unwrap();
        let it = s.item(v).unwrap().unwrap();
        assert_eq!(
            (it.text.as_str(), &it.content, it.edited),
            ("plain now", &MsgContent::text("plain now"), true)
        );

        let profile = GroupProfile {
            display_name: "team".into(),
            full_name: String::new(),
            short_descr: None,
            description: None,
            image: None,
            group_preferences: None,
            member_admission: None,
        };
        let g = s
            .add_group(
                u.user_id,
                &profile,
                (b"me", &GroupMemberRole::Owner),
                GroupStatus::Active,
                None,
                100,
            )
            .unwrap();
        let gi = s
            .add_group_item(g.group_id, None, Some(b"m1"), &voice, None, 100)
            .unwrap();
        assert_eq!((gi.text.as_str(), &gi.content), ("listen", &voice));

        // rows stored before migration 0005 have no content: they read as their text
        s.db()
            .execute_batch(
                "UPDATE chat_items SET content = NULL; UPDATE group_items SET content = NULL",
            )
            .unwrap();
        let it = s.item(l).unwrap().unwrap();
        assert_eq!(it.content, MsgContent::text("see https://simplex.chat"));
        let gi = s.group_item(gi.item_id).unwrap().unwrap();
        assert_eq!(gi.content, MsgContent::text("listen"));
    }
}
