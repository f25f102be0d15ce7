//! The message a group reply quotes: who wrote it (resolved from the member id the
//! reply carries, as the reference's `quoted_member_id`), its shared id, when it was
//! sent and the quoted item when it is stored here.

use rusqlite::Row;

use super::group_items::profile_name;

/// Who wrote a quoted group message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuoteAuthor {
    /// The user (the reference's `CIQGroupSnd`); the user's name.
    User(String),
    /// A member known to the user.
    Member {
        /// The member's row.
        member_row: i64,
        /// The member's name.
        name: String,
    },
    /// A member id the user does not know, or none was sent (`CIQGroupRcv Nothing`).
    Unknown,
}

impl QuoteAuthor {
    /// The name shown for the author (`?` when unknown, as the reference's view).
    pub fn shown_name(&self) -> &str {
        match self {
            QuoteAuthor::User(name) | QuoteAuthor::Member { name, .. } => name,
            QuoteAuthor::Unknown => "?",
        }
    }
}

/// The quote of a stored group message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupQuote {
    /// The quoted text.
    pub text: String,
    /// Its author.
    pub author: QuoteAuthor,
    /// The quoted message's shared id.
    pub shared_msg_id: Option<Vec<u8>>,
    /// When the quoted message was sent (unix seconds).
    pub sent_at: Option<i64>,
    /// The quoted item, when it is stored here.
    pub item_id: Option<i64>,
}

/// The quote of a group message to store.
#[derive(Debug, Clone, Default)]
pub struct NewGroupQuote {
    /// The quoted text.
    pub text: String,
    /// The author's member id as sent (the user's membership id for own messages).
    pub member_id: Option<Vec<u8>>,
    /// The quoted message's shared id.
    pub shared_msg_id: Option<Vec<u8>>,
    /// When it was sent (unix seconds).
    pub sent_at: Option<i64>,
    /// The quoted item, when it is stored here.
    pub item_id: Option<i64>,
}

/// The columns [`quote_from_row`] reads, after the item's own columns; the query joins
/// `groups gr`, `users u` and `group_members q` as [`QUOTE_JOINS`] does.
pub(super) const QUOTE_COLS: &str = "i.quote_text, i.quote_member_id, i.quote_shared_msg_id,
    i.quote_sent_at, i.quote_item_id, gr.membership_id, u.display_name, q.member_row, q.profile";

/// The joins that resolve a quote's author.
pub(super) const QUOTE_JOINS: &str = "JOIN groups gr ON gr.group_id = i.group_id
    JOIN users u ON u.user_id = gr.user_id
    LEFT JOIN group_members q ON q.group_id = i.group_id AND q.member_id = i.quote_member_id";

/// The quote of a row read with [`QUOTE_COLS`] starting at column `at`.
pub(super) fn quote_from_row(r: &Row<'_>, at: usize) -> rusqlite::Result<Option<GroupQuote>> {
    let Some(text) = r.get::<_, Option<String>>(at)? else {
        return Ok(None);
    };
    let member_id: Option<Vec<u8>> = r.get(at + 1)?;
    let membership_id: Vec<u8> = r.get(at + 5)?;
    let member_row: Option<i64> = r.get(at + 7)?;
    let author = match (member_id, member_row) {
        (Some(id), _) if id == membership_id => QuoteAuthor::User(r.get(at + 6)?),
        (Some(_), Some(member_row)) => QuoteAuthor::Member {
            member_row,
            name: profile_name(r.get(at + 8)?),
        },
        _ => QuoteAuthor::Unknown,
    };
    Ok(Some(GroupQuote {
        text,
        author,
        shared_msg_id: r.get(at + 2)?,
        sent_at: r.get(at + 3)?,
        item_id: r.get(at + 4)?,
    }))
}
