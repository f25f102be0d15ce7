//! Actions on group messages, sent and received: edits (`x.msg.update`), deletion by
//! the author and moderation by an admin (`x.msg.del`, with the author's member id when
//! moderating), reactions (`x.msg.react` with the author's member id), and the delivery
//! states of the user's messages per member (delivery receipts, which members send only
//! in small groups, as the reference).

use chat_proto::container::{MsgReaction, MsgRef, QuotedMsg};
use chat_proto::content::MsgContent;
use chat_proto::event::ChatMsgEvent;
use chat_proto::ids::{MemberId, SharedMsgId};
use chat_proto::role::GroupMemberRole;

use super::Inner;
use super::groups::at_least;
use super::items_by_id::ItemDelete;
use super::messages::{content_text, update_event, utc};
use crate::error::{ChatError, Result};
use crate::groups_output::{GroupOutput, GroupSndState};
use crate::output::ChatOutput;
use crate::store::{Group, GroupItem, ItemStatus, Member, NewGroupQuote, User};

/// Receipts are sent in groups of at most this many members (the user included), as
/// the reference's `smallGroupsRcptsMemLimit`.
pub(super) const SMALL_GROUP_RECEIPTS_LIMIT: usize = 20;

/// At most this many reactions of one member on one message (the reference's
/// `maxMsgReactions`).
pub(super) const MAX_REACTIONS: usize = 3;

/// The refusal of a reaction to a message marked deleted (the reference's
/// `ciReactionAllowed`).
pub(super) fn reaction_not_allowed() -> ChatError {
    ChatError::Prohibited("reaction not allowed: the message is deleted".into())
}

fn out(g: GroupOutput) -> Vec<ChatOutput> {
    vec![ChatOutput::Group(g)]
}

fn shared_id(item: &GroupItem) -> Result<SharedMsgId> {
    item.shared_msg_id
        .clone()
        .map(SharedMsgId)
        .ok_or_else(|| ChatError::Prohibited("this message has no shared id".into()))
}

/// Which group message a reply quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotedGroupItem<'a> {
    /// The newest message whose text starts with `prefix`, written by `member` when
    /// given (the user's own name selects the user's messages), as the terminal's
    /// `> #group @member (prefix) reply`.
    Text {
        /// The author's name.
        member: Option<&'a str>,
        /// The start of the text.
        prefix: &'a str,
    },
    /// A stored item by id (the bot API's `quotedItemId`).
    Item(i64),
}

fn cannot_delete() -> ChatError {
    ChatError::Prohibited("cannot delete this item".into())
}

impl Inner {
    /// An item as stored now.
    fn reload(&self, item: &GroupItem) -> Result<GroupItem> {
        self.store
            .group_item(item.item_id)?
            .ok_or(ChatError::NoItem)
    }

    /// The author's name of an item as shown: the user's own name for the user's items.
    fn author_name(user: &User, item: &GroupItem) -> String {
        match &item.member {
            Some(m) => m.clone(),
            None => Self::own_name(user),
        }
    }

    /// The user's name in a group (the profile the members know).
    fn own_name(user: &User) -> String {
        user.display_name.clone()
    }

    /// The author's member id of an item (the user's membership id for own items).
    fn author_id(g: &Group, item: &GroupItem) -> MemberId {
        MemberId(
            item.member_id
                .clone()
                .unwrap_or_else(|| g.membership_id.clone()),
        )
    }

    /// `! #group (old) text`: edits the user's message for everyone.
    pub(super) async fn edit_group_msg(
        &self,
        group: &str,
        old: &str,
        text: &str,
    ) -> Result<Vec<ChatOutput>> {
        let (_, g) = self.active_group(group)?;
        let item = self
            .store
            .find_group_item_where(g.group_id, old, Some(None))?
            .ok_or(ChatError::NoItem)?;
        self.edit_group_item(&g, &item, MsgContent::text(text))
            .await
    }

    /// Replaces the content of the user's group message `item` for everyone.
    pub(super) async fn edit_group_item(
        &self,
        g: &Group,
        item: &GroupItem,
        content: MsgContent,
    ) -> Result<Vec<ChatOutput>> {
        if !at_least(&g.role, &GroupMemberRole::Author) {
            // the reference's APIUpdateChatItem requires at least the author role
            return Err(ChatError::Prohibited(format!(
                "#{}: you don't have permission to edit messages",
                g.local_name
            )));
        }
        if !item.sent() || item.deleted.is_some() {
            return Err(ChatError::Prohibited(
                "this message cannot be edited".into(),
            ));
        }
        let event = update_event(shared_id(item)?, &content);
        self.send_to_members(g.user_id, g, None, event).await?;
        self.store
            .edit_group_item(item.item_id, &content, self.now())?;
        let item = self.reload(item)?;
        Ok(out(GroupOutput::ItemUpdated {
            group: g.local_name.clone(),
            item,
        }))
    }

    /// `\ #group text`: marks the user's message deleted for everyone, or deletes a
    /// member's message from the user's history.
    pub(super) async fn delete_group_msg(
        &self,
        group: &str,
        text: &str,
    ) -> Result<Vec<ChatOutput>> {
        let (user, g) = self.group_named(group)?;
        let item = self
            .store
            .find_group_item(g.group_id, text)?
            .ok_or(ChatError::NoItem)?;
        let how = if !item.sent() || g.status != crate::store::GroupStatus::Active {
            ItemDelete::Internal
        } else {
            ItemDelete::Broadcast
        };
        self.delete_group_item_as(&user, &g, item, how).await
    }

    /// Deletes a group message: the user's own for everyone (marked deleted), or only
    /// here, or only here keeping it marked deleted.
    pub(super) async fn delete_group_item_as(
        &self,
        user: &User,
        g: &Group,
        item: GroupItem,
        how: ItemDelete,
    ) -> Result<Vec<ChatOutput>> {
        let author = Self::author_name(user, &item);
        let group = g.local_name.clone();
        match how {
            ItemDelete::Internal => {
                self.store.delete_group_item(item.item_id)?;
                return Ok(out(GroupOutput::ItemDeleted {
                    group,
                    item,
                    author,
                    local: true,
                }));
            }
            ItemDelete::InternalMark => {}
            ItemDelete::Broadcast => {
                if !item.sent() || g.status != crate::store::GroupStatus::Active {
                    return Err(cannot_delete());
                }
                let event = ChatMsgEvent::MsgDel {
                    msg_id: shared_id(&item)?,
                    member_id: None,
                    scope: None,
                };
                self.send_to_members(user.user_id, g, None, event).await?;
            }
        }
        self.store
            .mark_group_item_deleted(item.item_id, None, self.now())?;
        let item = self.reload(&item)?;
        Ok(out(GroupOutput::ItemDeleted {
            group,
            item,
            author,
            local: how == ItemDelete::InternalMark,
        }))
    }

    /// `\\ #group @member text`: marks a member's (or the user's) message deleted for
    /// everyone as a moderator (at least moderator, and not below the author).
    pub(super) async fn moderate_group_msg(
        &self,
        group: &str,
        member: &str,
        text: &str,
    ) -> Result<Vec<ChatOutput>> {
        let (user, g) = self.active_group(group)?;
        let own = member == Self::own_name(&user);
        let author: Option<Member> = if own {
            None
        } else {
            Some(
                self.store
                    .member_by_name(g.group_id, member)?
                    .ok_or_else(|| {
                        ChatError::Prohibited(format!("#{group}: no member {member}"))
                    })?,
            )
        };
        let author_row = author.as_ref().map(|m| m.member_row);
        let item = self
            .store
            .find_group_item_where(g.group_id, text, Some(author_row))?
            .ok_or(ChatError::NoItem)?;
        if let Some(a) = &author
            && (!at_least(&g.role, &GroupMemberRole::Moderator) || !at_least(&g.role, &a.role))
        {
            return Err(cannot_delete());
        }
        let event = ChatMsgEvent::MsgDel {
            msg_id: shared_id(&item)?,
            member_id: Some(Self::author_id(&g, &item)),
            scope: None,
        };
        self.send_to_members(user.user_id, &g, None, event).await?;
        self.store
            .mark_group_item_deleted(item.item_id, Some(None), self.now())?;
        let item = self.reload(&item)?;
        Ok(out(GroupOutput::ItemDeleted {
            group: g.local_name,
            author: member.to_owned(),
            item,
            local: false,
        }))
    }

    /// `+1 #group text`: adds (or removes) the user's reaction to a message.
    pub(super) async fn react_group_msg(
        &self,
        group: &str,
        text: &str,
        emoji: char,
        add: bool,
    ) -> Result<Vec<ChatOutput>> {
        let (user, g) = self.active_group(group)?;
        let item = self
            .store
            .find_group_item(g.group_id, text)?
            .ok_or(ChatError::NoItem)?;
        self.react_group_item(&user, &g, &item, emoji, add).await
    }

    /// Adds (or removes) the user's reaction to the group message `item`.
    pub(super) async fn react_group_item(
        &self,
        user: &User,
        g: &Group,
        item: &GroupItem,
        emoji: char,
        add: bool,
    ) -> Result<Vec<ChatOutput>> {
        let e = emoji.to_string();
        if item.deleted.is_some() {
            return Err(reaction_not_allowed());
        }
        if add && self.store.group_reaction_count(item.item_id, None)? >= MAX_REACTIONS {
            return Err(ChatError::Prohibited(format!(
                "#{}: at most {MAX_REACTIONS} reactions on one message",
                g.local_name
            )));
        }
        let event = ChatMsgEvent::MsgReact {
            msg_id: shared_id(item)?,
            member_id: Some(Self::author_id(g, item)),
            scope: None,
            reaction: MsgReaction::Emoji(emoji),
            add,
        };
        self.send_to_members(user.user_id, g, None, event).await?;
        self.store.set_group_reaction(item.item_id, None, &e, add)?;
        let author = Self::author_name(user, item);
        let item = self.reload(item)?;
        Ok(out(GroupOutput::Reaction {
            group: g.local_name.clone(),
            item,
            author,
            by: None,
            added: add,
            emoji: e,
        }))
    }

    /// The item of `author_id` (a member, or the user when it is the membership id)
    /// with this shared id, and its author's row and role.
    fn item_of(
        &self,
        g: &Group,
        author_id: &[u8],
        msg_id: &SharedMsgId,
    ) -> Result<Option<(GroupItem, GroupMemberRole)>> {
        let (row, role) = if author_id == g.membership_id.as_slice() {
            (None, g.role.clone())
        } else {
            match self.store.member_by_id(g.group_id, author_id)? {
                Some(a) => (Some(a.member_row), a.role),
                None => return Ok(None),
            }
        };
        Ok(self
            .store
            .group_item_by_shared_id(g.group_id, row, &msg_id.0)?
            .map(|it| (it, role)))
    }

    /// `x.msg.update` from member `m`: only the author edits.
    pub(super) fn rcv_group_update(
        &self,
        g: &Group,
        m: &Member,
        msg_id: &SharedMsgId,
        content: &MsgContent,
    ) -> Result<Vec<ChatOutput>> {
        let Some(item) =
            self.store
                .group_item_by_shared_id(g.group_id, Some(m.member_row), &msg_id.0)?
        else {
            return Ok(Vec::new());
        };
        self.store
            .edit_group_item(item.item_id, content, self.now())?;
        let item = self.reload(&item)?;
        Ok(out(GroupOutput::ItemUpdated {
            group: g.local_name.clone(),
            item,
        }))
    }

    /// `x.msg.del` from member `m`: without a member id the author deletes their own
    /// message; with one, a moderation (the sender at least moderator and not below the
    /// author, unless it is their own message).
    pub(super) fn rcv_group_delete(
        &self,
        user: &User,
        g: &Group,
        m: &Member,
        msg_id: &SharedMsgId,
        member_id: Option<&MemberId>,
    ) -> Result<Vec<ChatOutput>> {
        let author_id = member_id.map_or(m.member_id.as_slice(), |id| id.0.as_slice());
        let Some((item, author_role)) = self.item_of(g, author_id, msg_id)? else {
            return Ok(Vec::new());
        };
        let own = author_id == m.member_id.as_slice();
        if !own
            && (!at_least(&m.role, &GroupMemberRole::Moderator) || !at_least(&m.role, &author_role))
        {
            return Ok(vec![ChatOutput::Error(format!(
                "#{}: x.msg.del: message of another member with insufficient member permissions",
                g.local_name
            ))]);
        }
        let moderator = member_id.map(|_| Some(m.member_row));
        self.store
            .mark_group_item_deleted(item.item_id, moderator, self.now())?;
        let author = Self::author_name(user, &item);
        let item = self.reload(&item)?;
        Ok(out(GroupOutput::ItemDeleted {
            group: g.local_name.clone(),
            item,
            author,
            local: false,
        }))
    }

    /// `x.msg.react` from member `m` on the message of `member_id`.
    pub(super) fn rcv_group_reaction(
        &self,
        user: &User,
        g: &Group,
        m: &Member,
        msg_id: &SharedMsgId,
        member_id: Option<&MemberId>,
        (emoji, add): (char, bool),
    ) -> Result<Vec<ChatOutput>> {
        let Some(author_id) = member_id else {
            return Ok(Vec::new());
        };
        let Some((item, _)) = self.item_of(g, &author_id.0, msg_id)? else {
            return Ok(Vec::new());
        };
        let e = emoji.to_string();
        if add
            && self
                .store
                .group_reaction_count(item.item_id, Some(m.member_row))?
                >= MAX_REACTIONS
        {
            return Ok(Vec::new());
        }
        self.store
            .set_group_reaction(item.item_id, Some(m.member_row), &e, add)?;
        let author = Self::author_name(user, &item);
        let item = self.reload(&item)?;
        Ok(out(GroupOutput::Reaction {
            group: g.local_name.clone(),
            item,
            author,
            by: Some(m.name().to_owned()),
            added: add,
            emoji: e,
        }))
    }

    /// Whether members of this group send delivery receipts (small groups only).
    pub(super) fn group_receipts(&self, g: &Group) -> Result<bool> {
        Ok(self.store.current_member_count(g.group_id)? <= SMALL_GROUP_RECEIPTS_LIMIT)
    }

    /// `SENT` / `RCVD` of a message to member `m`: the delivery state of the user's
    /// message moves forward.
    pub(super) fn group_delivery(
        &self,
        g: &Group,
        m: &Member,
        agent_msg_id: i64,
        status: ItemStatus,
    ) -> Result<Vec<ChatOutput>> {
        let Some((item_id, before)) =
            self.store
                .set_group_delivery_status(m.member_row, agent_msg_id, status)?
        else {
            return Ok(Vec::new());
        };
        let deliveries = self.store.group_deliveries(item_id)?;
        let now = GroupSndState::of(deliveries.iter().map(|(_, s)| *s));
        let then = GroupSndState::of(
            deliveries
                .iter()
                .map(|(name, s)| if name == m.name() { before } else { *s }),
        );
        Ok(out(GroupOutput::ItemStatus {
            group: g.local_name.clone(),
            item_id,
            member: m.name().to_owned(),
            status,
            overall: (now != then).then_some(now),
        }))
    }
}

impl Inner {
    /// The message a reply quotes; deleted messages cannot be quoted (the reference's
    /// `CEInvalidQuote`).
    pub(super) fn quoted_group_item(
        &self,
        user: &User,
        g: &Group,
        which: QuotedGroupItem<'_>,
    ) -> Result<GroupItem> {
        let item = match which {
            QuotedGroupItem::Item(id) => self
                .store
                .group_item(id)?
                .filter(|it| it.group_id == g.group_id),
            QuotedGroupItem::Text { member, prefix } => {
                let author = match member {
                    None => None,
                    Some(n) if n == Self::own_name(user) => Some(None),
                    Some(n) => Some(Some(
                        self.store
                            .member_by_name(g.group_id, n)?
                            .ok_or_else(|| {
                                ChatError::Prohibited(format!("#{}: no member {n}", g.local_name))
                            })?
                            .member_row,
                    )),
                };
                self.store
                    .find_group_item_where(g.group_id, prefix, author)?
            }
        };
        let item = item.ok_or(ChatError::NoItem)?;
        if item.deleted.is_some() {
            return Err(ChatError::Prohibited("invalid quote".into()));
        }
        Ok(item)
    }

    /// The quote of `q` in a reply (`x.msg.new` `quote`) and as stored with the reply:
    /// the author's member id (the user's membership id for own messages), `sent` when
    /// the user wrote it, and the time the quoted message was sent.
    pub(super) fn group_quote(
        g: &Group,
        q: &GroupItem,
        reply: &MsgContent,
    ) -> Result<(QuotedMsg, NewGroupQuote)> {
        let author = Self::author_id(g, q);
        // as the reference's `quoteContent`: a reply that is itself a large content
        // quotes only the text
        let content = match reply {
            MsgContent::Link { .. }
            | MsgContent::Image { .. }
            | MsgContent::Video { .. }
            | MsgContent::Chat { .. }
            | MsgContent::Unknown { .. } => MsgContent::text(&q.text),
            _ => q.content.clone(),
        };
        let msg = QuotedMsg {
            msg_ref: MsgRef {
                msg_id: q.shared_msg_id.clone().map(SharedMsgId),
                sent_at: utc(q.created_at)?,
                sent: q.sent(),
                member_id: Some(author.clone()),
            },
            content,
        };
        let stored = NewGroupQuote {
            text: q.text.clone(),
            member_id: Some(author.0),
            shared_msg_id: q.shared_msg_id.clone(),
            sent_at: Some(q.created_at),
            item_id: Some(q.item_id),
        };
        Ok((msg, stored))
    }

    /// The quote of a received reply as stored: its author is the member id it names
    /// (the reference ignores the sender's `sent` flag in groups), linked to the quoted
    /// item when it is stored here.
    pub(super) fn rcv_group_quote(&self, g: &Group, q: &QuotedMsg) -> Result<NewGroupQuote> {
        let r = &q.msg_ref;
        let item_id = match (&r.member_id, &r.msg_id) {
            (Some(author), Some(msg_id)) => self
                .item_of(g, &author.0, msg_id)?
                .map(|(it, _)| it.item_id),
            _ => None,
        };
        Ok(NewGroupQuote {
            text: content_text(&q.content),
            member_id: r.member_id.as_ref().map(|m| m.0.clone()),
            shared_msg_id: r.msg_id.as_ref().map(|m| m.0.clone()),
            sent_at: Some(r.sent_at.unix_secs()),
            item_id,
        })
    }
}
