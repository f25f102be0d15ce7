//! Group messages: their text, edits, deletion marks (by the author or a moderator),
//! reactions of the user and the members, and the delivery of the user's messages to
//! each member (delivery receipts).

use chat_proto::content::MsgContent;
use chat_proto::profile::Profile;
use rusqlite::{OptionalExtension, Row, params};

use super::ChatStore;
use super::files::FileRecord;
use super::group_quotes::{GroupQuote, NewGroupQuote, QUOTE_COLS, QUOTE_JOINS, quote_from_row};
use super::items::{ItemStatus, content_json, content_text, stored_content};
use crate::error::Result;

/// How a group message was deleted (it stays as a placeholder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupDeletion {
    /// Marked deleted by its author.
    BySender,
    /// Marked deleted by a moderator (`None`: the user).
    Moderated(Option<String>),
}

/// A message in a group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupItem {
    /// Row id.
    pub item_id: i64,
    /// The group.
    pub group_id: i64,
    /// The author's member row (`None`: sent by the user).
    pub member_row: Option<i64>,
    /// The author's name (`None`: sent by the user).
    pub member: Option<String>,
    /// The author's member id (`None`: sent by the user).
    pub member_id: Option<Vec<u8>>,
    /// The shared message id.
    pub shared_msg_id: Option<Vec<u8>>,
    /// The text (the caption of media).
    pub text: String,
    /// The whole content (text, link, image, voice, ...).
    pub content: MsgContent,
    /// The quoted message.
    pub quote: Option<GroupQuote>,
    /// Edited after sending.
    pub edited: bool,
    /// Marked deleted.
    pub deleted: Option<GroupDeletion>,
    /// Reactions: (the reacting member's name, `None` for the user; emoji).
    pub reactions: Vec<(Option<String>, String)>,
    /// When it was stored (unix seconds, the engine's clock).
    pub created_at: i64,
    /// When it was last changed (edit, deletion); the creation time before that.
    pub updated_at: i64,
    /// The id of the file it offers.
    pub file_id: Option<i64>,
    /// The file it offers (loaded with the item).
    pub file: Option<FileRecord>,
}

impl GroupItem {
    /// Whether the user sent it.
    pub fn sent(&self) -> bool {
        self.member_row.is_none()
    }
}

/// The name in a member's stored profile.
pub(super) fn profile_name(json: Option<String>) -> String {
    json.and_then(|s| serde_json::from_str::<Profile>(&s).ok())
        .map(|p| p.display_name)
        .unwrap_or_default()
}

/// The item's columns, then its quote's ([`QUOTE_COLS`] from column 14).
fn item_select() -> String {
    format!(
        "SELECT i.item_id, i.group_id, i.member_row, m.profile, m.member_id,
    i.shared_msg_id, i.text, i.edited, i.deleted, d.profile, i.created_at,
    COALESCE(i.updated_at, i.created_at), i.content, i.file_id, {QUOTE_COLS}
    FROM group_items i LEFT JOIN group_members m ON m.member_row = i.member_row
    LEFT JOIN group_members d ON d.member_row = i.moderator_row {QUOTE_JOINS}"
    )
}

/// The items meeting `cond`, newest first, at most `limit`.
fn items_sql(cond: &str, limit: usize) -> String {
    format!(
        "{} WHERE {cond} ORDER BY i.item_id DESC LIMIT {}",
        item_select(),
        i64::try_from(limit).unwrap_or(i64::MAX)
    )
}

fn item_row(r: &Row<'_>) -> rusqlite::Result<GroupItem> {
    let member_row: Option<i64> = r.get(2)?;
    let deleted: i64 = r.get(8)?;
    let moderator: Option<String> = r.get(9)?;
    let text: String = r.get(6)?;
    Ok(GroupItem {
        item_id: r.get(0)?,
        group_id: r.get(1)?,
        member_row,
        member: member_row.map(|_| r.get(3)).transpose()?.map(profile_name),
        member_id: r.get(4)?,
        shared_msg_id: r.get(5)?,
        content: stored_content(r.get(12)?, &text),
        text,
        quote: quote_from_row(r, 14)?,
        edited: r.get(7)?,
        deleted: match deleted {
            0 => None,
            1 => Some(GroupDeletion::BySender),
            _ => Some(GroupDeletion::Moderated(
                moderator.map(|p| profile_name(Some(p))),
            )),
        },
        reactions: Vec::new(),
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
        file_id: r.get(13)?,
        file: None,
    })
}

/// The condition of [`ChatStore::find_group_item_where`]: the group (`?1`), not
/// deleted, the text starting with `?2` (compared exactly, unlike `LIKE`).
const FIND_ITEM: &str = "i.group_id = ?1 AND i.deleted = 0 AND substr(i.text, 1, length(?2)) = ?2";

impl ChatStore {
    /// Stores a group message; returns it.
    pub fn add_group_item(
        &self,
        group_id: i64,
        member_row: Option<i64>,
        shared_msg_id: Option<&[u8]>,
        content: &MsgContent,
        quote: Option<&NewGroupQuote>,
        now: i64,
    ) -> Result<GroupItem> {
        let json = content_json(content)?;
        let none = NewGroupQuote::default();
        let q = quote.unwrap_or(&none);
        let id = {
            let db = self.db();
            db.execute(
                "INSERT INTO group_items (group_id, member_row, shared_msg_id, text, quote_text,
                   quote_member_id, quote_shared_msg_id, quote_sent_at, quote_item_id, created_at,
                   content)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    group_id,
                    member_row,
                    shared_msg_id,
                    content_text(content),
                    quote.map(|q| q.text.as_str()),
                    q.member_id,
                    q.shared_msg_id,
                    q.sent_at,
                    q.item_id,
                    now,
                    json
                ],
            )?;
            db.last_insert_rowid()
        };
        self.group_item(id)?
            .ok_or(rusqlite::Error::QueryReturnedNoRows.into())
    }

    /// One group message with its reactions.
    pub fn group_item(&self, item_id: i64) -> Result<Option<GroupItem>> {
        Ok(self
            .group_items_where("i.item_id = ?1", [item_id], 1)?
            .pop())
    }

    /// Whether a member's message with this shared id is stored (it came twice).
    pub fn has_group_item(&self, member_row: i64, shared_msg_id: &[u8]) -> Result<bool> {
        let v = self.db().query_row(
            "SELECT EXISTS (SELECT 1 FROM group_items WHERE member_row = ?1 AND shared_msg_id = ?2)",
            params![member_row, shared_msg_id],
            |r| r.get(0),
        )?;
        Ok(v)
    }

    /// A message of a group by its author (`None`: the user) and shared id.
    pub fn group_item_by_shared_id(
        &self,
        group_id: i64,
        author: Option<i64>,
        shared_msg_id: &[u8],
    ) -> Result<Option<GroupItem>> {
        let id: Option<i64> = self
            .db()
            .query_row(
                "SELECT item_id FROM group_items WHERE group_id = ?1 AND member_row IS ?2
                   AND shared_msg_id = ?3 ORDER BY item_id DESC LIMIT 1",
                params![group_id, author, shared_msg_id],
                |r| r.get(0),
            )
            .optional()?;
        id.map_or(Ok(None), |id| self.group_item(id))
    }

    /// The group's last `count` messages, oldest first.
    pub fn last_group_items(&self, group_id: i64, count: usize) -> Result<Vec<GroupItem>> {
        let mut v = self.group_items_where("i.group_id = ?1", [group_id], count)?;
        v.reverse();
        Ok(v)
    }

    /// The group's last message not deleted whose text starts with `prefix`.
    pub fn find_group_item(&self, group_id: i64, prefix: &str) -> Result<Option<GroupItem>> {
        self.find_group_item_where(group_id, prefix, None)
    }

    /// The group's last message not deleted whose text starts with `prefix`, by
    /// `author` when given (`Some(None)`: the user, `Some(Some(row))`: that member).
    /// One SQL lookup: the group's items newest first (`idx_group_items_group`) up to
    /// the first that matches.
    pub fn find_group_item_where(
        &self,
        group_id: i64,
        prefix: &str,
        author: Option<Option<i64>>,
    ) -> Result<Option<GroupItem>> {
        let by_author = if author.is_some() {
            " AND i.member_row IS ?3"
        } else {
            " AND ?3 IS NULL"
        };
        let cond = format!("{FIND_ITEM}{by_author}");
        Ok(self
            .group_items_where(&cond, params![group_id, prefix, author.flatten()], 1)?
            .pop())
    }

    fn group_items_where(
        &self,
        cond: &str,
        p: impl rusqlite::Params,
        limit: usize,
    ) -> Result<Vec<GroupItem>> {
        let items: Vec<GroupItem> = {
            let db = self.db();
            let mut stmt = db.prepare(&items_sql(cond, limit))?;
            stmt.query_map(p, item_row)?
                .collect::<rusqlite::Result<_>>()?
        };
        items
            .into_iter()
            .map(|i| self.with_group_reactions(i))
            .collect()
    }

    fn with_group_reactions(&self, mut item: GroupItem) -> Result<GroupItem> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT r.member_row, m.profile, r.emoji FROM group_item_reactions r
             LEFT JOIN group_members m ON m.member_row = r.member_row
             WHERE r.item_id = ?1 ORDER BY r.rowid",
        )?;
        item.reactions = stmt
            .query_map([item.item_id], |r| {
                let row: i64 = r.get(0)?;
                let name = (row != 0).then(|| r.get(1)).transpose()?.map(profile_name);
                Ok((name, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        drop(db);
        item.file = item.file_id.map(|f| self.file(f)).transpose()?.flatten();
        Ok(item)
    }

    /// The group message that offers a file.
    pub fn group_item_by_file(&self, file_id: i64) -> Result<Option<GroupItem>> {
        Ok(self
            .group_items_where("i.file_id = ?1", [file_id], 1)?
            .pop())
    }

    /// Links a group message to the file it offers.
    pub fn set_group_item_file(&self, item_id: i64, file_id: i64) -> Result<()> {
        self.db().execute(
            "UPDATE group_items SET file_id = ?2 WHERE item_id = ?1",
            params![item_id, file_id],
        )?;
        Ok(())
    }

    /// Replaces a group message's content and marks it edited.
    pub fn edit_group_item(&self, item_id: i64, content: &MsgContent, now: i64) -> Result<()> {
        self.db().execute(
            "UPDATE group_items SET text = ?2, content = ?3, edited = 1, updated_at = ?4
             WHERE item_id = ?1",
            params![item_id, content_text(content), content_json(content)?, now],
        )?;
        Ok(())
    }

    /// Marks a group message deleted by its author (`moderator` `None`) or by a
    /// moderator (`Some(None)`: the user, `Some(Some(row))`: a member).
    pub fn mark_group_item_deleted(
        &self,
        item_id: i64,
        moderator: Option<Option<i64>>,
        now: i64,
    ) -> Result<()> {
        let (kind, row) = match moderator {
            None => (1, None),
            Some(row) => (2, row),
        };
        self.db().execute(
            "UPDATE group_items SET deleted = ?2, moderator_row = ?3, updated_at = ?4 WHERE item_id = ?1",
            params![item_id, kind, row, now],
        )?;
        Ok(())
    }

    /// The member who marked a group message deleted as a moderator (`None`: the
    /// user, or not moderated).
    pub fn group_item_moderator(&self, item_id: i64) -> Result<Option<i64>> {
        let row = self.db().query_row(
            "SELECT moderator_row FROM group_items WHERE item_id = ?1",
            [item_id],
            |r| r.get(0),
        )?;
        Ok(row)
    }

    /// Deletes a group message locally.
    pub fn delete_group_item(&self, item_id: i64) -> Result<()> {
        self.db()
            .execute("DELETE FROM group_items WHERE item_id = ?1", [item_id])?;
        Ok(())
    }

    /// Adds or removes a reaction of a member (`None`: the user).
    pub fn set_group_reaction(
        &self,
        item_id: i64,
        member_row: Option<i64>,
        emoji: &str,
        add: bool,
    ) -> Result<()> {
        let sql = if add {
            "INSERT OR IGNORE INTO group_item_reactions (item_id, member_row, emoji) VALUES (?1, ?2, ?3)"
        } else {
            "DELETE FROM group_item_reactions WHERE item_id = ?1 AND member_row = ?2 AND emoji = ?3"
        };
        self.db()
            .execute(sql, params![item_id, member_row.unwrap_or(0), emoji])?;
        Ok(())
    }

    /// The number of a member's reactions on a message.
    pub fn group_reaction_count(&self, item_id: i64, member_row: Option<i64>) -> Result<usize> {
        let n: i64 = self.db().query_row(
            "SELECT COUNT(*) FROM group_item_reactions WHERE item_id = ?1 AND member_row = ?2",
            params![item_id, member_row.unwrap_or(0)],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Records that the user's message went to a member as agent message `agent_msg_id`.
    pub fn add_group_delivery(
        &self,
        item_id: i64,
        member_row: i64,
        agent_msg_id: i64,
    ) -> Result<()> {
        self.db().execute(
            "INSERT OR REPLACE INTO group_item_deliveries (item_id, member_row, agent_msg_id, status)
             VALUES (?1, ?2, ?3, ?4)",
            params![item_id, member_row, agent_msg_id, ItemStatus::SndNew.as_str()],
        )?;
        Ok(())
    }

    /// Moves the delivery of agent message `agent_msg_id` to a member forward to
    /// `status` (never back from received); returns the item and the state before
    /// when it changed.
    pub fn set_group_delivery_status(
        &self,
        member_row: i64,
        agent_msg_id: i64,
        status: ItemStatus,
    ) -> Result<Option<(i64, ItemStatus)>> {
        let db = self.db();
        let item: Option<(i64, String)> = db
            .query_row(
                "SELECT item_id, status FROM group_item_deliveries WHERE member_row = ?1
                   AND agent_msg_id = ?2 AND status != ?3",
                params![member_row, agent_msg_id, ItemStatus::SndRcvd.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let item = item.map(|(id, before)| (id, ItemStatus::parse(&before)));
        if let Some((id, _)) = item {
            db.execute(
                "UPDATE group_item_deliveries SET status = ?3 WHERE item_id = ?1 AND member_row = ?2",
                params![id, member_row, status.as_str()],
            )?;
        }
        Ok(item)
    }

    /// The delivery state of the user's message to each member: (member name, state).
    pub fn group_deliveries(&self, item_id: i64) -> Result<Vec<(String, ItemStatus)>> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT m.profile, d.status FROM group_item_deliveries d
             JOIN group_members m ON m.member_row = d.member_row
             WHERE d.item_id = ?1 ORDER BY d.member_row",
        )?;
        let v = stmt
            .query_map([item_id], |r| {
                let s: String = r.get(1)?;
                Ok((profile_name(r.get(0)?), ItemStatus::parse(&s)))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(v)
    }

    /// The number of current members of a group, the user included.
    pub fn current_member_count(&self, group_id: i64) -> Result<usize> {
        let n: i64 = self.db().query_row(
            "SELECT COUNT(*) FROM group_members WHERE group_id = ?1 AND category != 'user'
               AND status NOT IN ('removed', 'left')",
            [group_id],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0) + 1)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The lookup walks the group's items by `idx_group_items_group` (newest first,
    /// no sort, no scan of the whole table).
    #[test]
    fn find_uses_the_group_index() {
        let dir = tempfile::tempdir().unwrap();
        let s = ChatStore::open(&dir.path().join("x_chat.db"), "pass").unwrap();
        let db = s.db();
        let sql = items_sql(&format!("{FIND_ITEM} AND i.member_row IS ?3"), 1);
        let mut stmt = db.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let plan: Vec<String> = stmt
            .query_map(params![1, "x", Option::<i64>::None], |r| r.get(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let items = plan.iter().find(|l| l.contains(" i ")).unwrap();
        assert!(items.contains("idx_group_items_group"), "{plan:?}");
        assert!(!plan.iter().any(|l| l.contains("TEMP B-TREE")), "{plan:?}");
    }
}
