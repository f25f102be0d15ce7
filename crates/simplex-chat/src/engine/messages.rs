//! Sending messages: text, replies with quotes, edits, deletes, reactions,
//! disappearing-message preferences, and history; and the one path of `x.msg.new`
//! items (sent and received, direct and group, with or without a file).

use std::collections::HashMap;

use chat_proto::container::{Mentions, MsgContainer, MsgReaction, MsgRef, QuotedMsg};
use chat_proto::content::MsgContent;
use chat_proto::event::ChatMsgEvent;
use chat_proto::ids::SharedMsgId;
use chat_proto::prefs::FeatureAllowed;
use chat_proto::time::UtcTime;

use super::Inner;
use super::group_items::{MAX_REACTIONS, reaction_not_allowed};
use super::items_by_id::ItemDelete;
use crate::command::TimedSetting;
use crate::error::{ChatError, Result};
use crate::output::ChatOutput;
use crate::profiles::random_bytes;
use crate::store::{ChatItem, Contact, Group, GroupItem, ItemStatus, NewGroupQuote, NewItem};

/// The time to live used when neither side gave one (one day).
pub(super) const DEFAULT_TTL: i64 = 86_400;

/// Whether the contact's profile allows disappearing messages, and its time to live.
pub(super) fn peer_timed(c: &Contact) -> (bool, Option<i64>) {
    match c
        .profile
        .preferences
        .as_ref()
        .and_then(|p| p.timed_messages.as_ref())
    {
        Some(t) => (
            matches!(t.allow, FeatureAllowed::Yes | FeatureAllowed::Always),
            t.ttl,
        ),
        None => (false, None),
    }
}

/// The time to live of messages sent in this chat, when both sides allow them.
pub(super) fn chat_ttl(c: &Contact) -> Option<i64> {
    let (peer, peer_ttl) = peer_timed(c);
    (c.timed_allow && peer).then(|| c.timed_ttl.or(peer_ttl).unwrap_or(DEFAULT_TTL))
}

pub(super) use crate::store::content_text;

/// The quote of a reply to `q` in a direct chat, as it goes in the message.
pub(super) fn contact_quote(q: &ChatItem, now: i64) -> Result<QuotedMsg> {
    Ok(QuotedMsg {
        msg_ref: MsgRef {
            msg_id: q.shared_msg_id.clone().map(SharedMsgId),
            sent_at: utc(now)?,
            sent: q.sent,
            member_id: None,
        },
        content: MsgContent::text(&q.text),
    })
}

/// The `x.msg.update` that replaces the content of the message `msg_id`.
pub(super) fn update_event(msg_id: SharedMsgId, content: &MsgContent) -> ChatMsgEvent {
    ChatMsgEvent::MsgUpdate {
        msg_id,
        content: content.clone(),
        mentions: Mentions::new(),
        ttl: None,
        live: None,
        scope: None,
        as_group: None,
        prefs: None,
    }
}

pub(super) fn utc(secs: i64) -> Result<UtcTime> {
    UtcTime::from_unix(secs, 0).ok_or_else(|| ChatError::Prohibited("bad clock time".into()))
}

impl Inner {
    /// Sends `container` to a contact as `x.msg.new` with the shared id `shared` and
    /// stores the sent item with its quote, the container's timer and the offered file:
    /// the one path of sent direct messages (texts and file offers).
    pub(super) async fn send_contact_msg_new(
        &self,
        c: &Contact,
        shared: Vec<u8>,
        container: MsgContainer,
        quote: Option<&ChatItem>,
        file_id: Option<i64>,
        now: i64,
    ) -> Result<ChatItem> {
        let ttl = container.ttl;
        let content = container.content.clone();
        let agent_id = self
            .send_event(
                c.user_id,
                &c.conn_id,
                Some(shared.clone()),
                ChatMsgEvent::MsgNew(Box::new(container)),
            )
            .await?;
        let item_id = self.store.add_item(
            &NewItem {
                contact_id: c.contact_id,
                sent: true,
                shared_msg_id: Some(&shared),
                agent_msg_id: Some(agent_id),
                content: &content,
                quote: quote.map(|q| (q.text.as_str(), q.sent)),
                status: ItemStatus::SndNew,
                timed_ttl: ttl,
                delete_at: ttl.map(|t| now + t),
            },
            now,
        )?;
        if let Some(f) = file_id {
            self.store.set_item_file(item_id, f)?;
        }
        self.store.item(item_id)?.ok_or(ChatError::NoItem)
    }

    /// Sends `container` to the connected members of a group as `x.msg.new` and stores
    /// the sent item with its quote, a delivery per member and the offered file.
    pub(super) async fn send_group_msg_new(
        &self,
        g: &Group,
        shared: Vec<u8>,
        container: MsgContainer,
        quote: Option<&NewGroupQuote>,
        file_id: Option<i64>,
        now: i64,
    ) -> Result<GroupItem> {
        let content = container.content.clone();
        let sent = self
            .send_to_members(
                g.user_id,
                g,
                Some(shared.clone()),
                ChatMsgEvent::MsgNew(Box::new(container)),
            )
            .await?;
        let item =
            self.store
                .add_group_item(g.group_id, None, Some(&shared), &content, quote, now)?;
        for (member_row, agent_id) in sent {
            self.store
                .add_group_delivery(item.item_id, member_row, agent_id)?;
        }
        self.linked_group_item(item, file_id)
    }

    /// The group item, linked to the offered file first when there is one.
    fn linked_group_item(&self, item: GroupItem, file_id: Option<i64>) -> Result<GroupItem> {
        let Some(f) = file_id else {
            return Ok(item);
        };
        self.store.set_group_item_file(item.item_id, f)?;
        self.store
            .group_item(item.item_id)?
            .ok_or(ChatError::NoItem)
    }

    /// Stores a received direct message (`x.msg.new`): its content, quote and timer,
    /// linked to the file it offers.
    pub(super) fn add_rcv_contact_item(
        &self,
        c: &Contact,
        shared: Option<&[u8]>,
        container: &MsgContainer,
        file_id: Option<i64>,
        now: i64,
    ) -> Result<ChatItem> {
        let quote = container
            .quote
            .as_ref()
            .map(|q| (content_text(&q.content), !q.msg_ref.sent));
        let item_id = self.store.add_item(
            &NewItem {
                contact_id: c.contact_id,
                sent: false,
                shared_msg_id: shared,
                agent_msg_id: None,
                content: &container.content,
                quote: quote.as_ref().map(|(t, s)| (t.as_str(), *s)),
                status: ItemStatus::Rcv,
                timed_ttl: container.ttl,
                delete_at: container.ttl.map(|t| now + t),
            },
            now,
        )?;
        if let Some(f) = file_id {
            self.store.set_item_file(item_id, f)?;
        }
        self.store.item(item_id)?.ok_or(ChatError::NoItem)
    }

    /// Stores a group message (`x.msg.new`) received from the member `member_row`: its
    /// content and quote, linked to the file it offers.
    pub(super) fn add_rcv_group_item(
        &self,
        g: &Group,
        member_row: i64,
        shared: Option<&[u8]>,
        container: &MsgContainer,
        file_id: Option<i64>,
        now: i64,
    ) -> Result<GroupItem> {
        let quote = match &container.quote {
            Some(q) => Some(self.rcv_group_quote(g, q)?),
            None => None,
        };
        let item = self.store.add_group_item(
            g.group_id,
            Some(member_row),
            shared,
            &container.content,
            quote.as_ref(),
            now,
        )?;
        self.linked_group_item(item, file_id)
    }

    fn ready_contact(&self, name: &str) -> Result<(crate::store::User, Contact)> {
        let (u, c) = self.contact_named(name)?;
        if !c.ready {
            return Err(ChatError::NotReady(c.local_name));
        }
        Ok((u, c))
    }

    /// Sends a message with `content` to a contact (`x.msg.new`), replying to the
    /// message starting with `quoted`; the item stores the content's text.
    pub(super) async fn send_text(
        &self,
        name: &str,
        content: MsgContent,
        quoted: Option<&str>,
    ) -> Result<Vec<ChatOutput>> {
        let (_, c) = self.ready_contact(name)?;
        let quote_item = match quoted {
            Some(q) => Some(
                self.store
                    .find_item(c.contact_id, None, q)?
                    .ok_or(ChatError::NoItem)?,
            ),
            None => None,
        };
        let now = self.now();
        let ttl = chat_ttl(&c);
        let mut container = MsgContainer::simple(content.clone());
        container.ttl = ttl;
        container.quote = quote_item
            .as_ref()
            .map(|q| contact_quote(q, now))
            .transpose()?;
        let shared = random_bytes::<12>()?.to_vec();
        let item = self
            .send_contact_msg_new(&c, shared, container, quote_item.as_ref(), None, now)
            .await?;
        Ok(vec![ChatOutput::NewItem {
            contact: c.local_name,
            item,
        }])
    }

    fn shared_id(item: &ChatItem) -> Result<SharedMsgId> {
        item.shared_msg_id
            .clone()
            .map(SharedMsgId)
            .ok_or_else(|| ChatError::Prohibited("this message has no shared id".into()))
    }

    pub(super) async fn edit(&self, name: &str, old: &str, text: &str) -> Result<Vec<ChatOutput>> {
        let (_, c) = self.ready_contact(name)?;
        let item = self
            .store
            .find_item(c.contact_id, Some(true), old)?
            .ok_or(ChatError::NoItem)?;
        self.edit_contact_item(&c, &item, MsgContent::text(text))
            .await
    }

    /// Replaces the content of the user's message `item` for everyone (`x.msg.update`).
    pub(super) async fn edit_contact_item(
        &self,
        c: &Contact,
        item: &ChatItem,
        content: MsgContent,
    ) -> Result<Vec<ChatOutput>> {
        if !item.sent || item.deleted {
            return Err(ChatError::Prohibited(
                "this message cannot be edited".into(),
            ));
        }
        let event = update_event(Self::shared_id(item)?, &content);
        self.send_event(c.user_id, &c.conn_id, None, event).await?;
        self.store.edit_item(item.item_id, &content, self.now())?;
        let item = self.store.item(item.item_id)?.ok_or(ChatError::NoItem)?;
        Ok(vec![ChatOutput::ItemUpdated {
            contact: c.local_name.clone(),
            item,
        }])
    }

    /// Deletes for everyone (marked deleted on both sides) a sent message, or locally a
    /// received one.
    pub(super) async fn delete_item(&self, name: &str, text: &str) -> Result<Vec<ChatOutput>> {
        let (_, c) = self.contact_named(name)?;
        let item = self
            .store
            .find_item(c.contact_id, None, text)?
            .ok_or(ChatError::NoItem)?;
        let how = if item.sent && c.ready {
            ItemDelete::Broadcast
        } else {
            ItemDelete::Internal
        };
        self.delete_contact_item(&c, item, how).await
    }

    /// Deletes `item`: for everyone (the user's message, marked deleted on both sides),
    /// only here, or only here keeping it marked deleted.
    pub(super) async fn delete_contact_item(
        &self,
        c: &Contact,
        item: ChatItem,
        how: ItemDelete,
    ) -> Result<Vec<ChatOutput>> {
        match how {
            ItemDelete::Broadcast => {
                if !item.sent || !c.ready {
                    return Err(ChatError::Prohibited(
                        "only your own messages can be deleted for everyone".into(),
                    ));
                }
                let event = ChatMsgEvent::MsgDel {
                    msg_id: Self::shared_id(&item)?,
                    member_id: None,
                    scope: None,
                };
                self.send_event(c.user_id, &c.conn_id, None, event).await?;
                self.store.mark_item_deleted(item.item_id, self.now())?;
            }
            ItemDelete::InternalMark => self.store.mark_item_deleted(item.item_id, self.now())?,
            ItemDelete::Internal => self.store.delete_item(item.item_id)?,
        }
        Ok(vec![ChatOutput::ItemDeleted {
            contact: c.local_name.clone(),
            by_sender: how == ItemDelete::Broadcast,
            item,
        }])
    }

    pub(super) async fn react(
        &self,
        name: &str,
        text: &str,
        emoji: char,
        add: bool,
    ) -> Result<Vec<ChatOutput>> {
        let (_, c) = self.ready_contact(name)?;
        let item = self
            .store
            .find_item(c.contact_id, None, text)?
            .ok_or(ChatError::NoItem)?;
        self.react_contact_item(&c, &item, emoji, add).await
    }

    /// Adds (or removes) the user's reaction to `item` (`x.msg.react`).
    pub(super) async fn react_contact_item(
        &self,
        c: &Contact,
        item: &ChatItem,
        emoji: char,
        add: bool,
    ) -> Result<Vec<ChatOutput>> {
        if item.deleted {
            return Err(reaction_not_allowed());
        }
        let own = item.reactions.iter().filter(|(sent, _)| *sent).count();
        if add && own >= MAX_REACTIONS {
            return Err(ChatError::Prohibited(format!(
                "@{}: at most {MAX_REACTIONS} reactions on one message",
                c.local_name
            )));
        }
        let event = ChatMsgEvent::MsgReact {
            msg_id: Self::shared_id(item)?,
            member_id: None,
            scope: None,
            reaction: MsgReaction::Emoji(emoji),
            add,
        };
        self.send_event(c.user_id, &c.conn_id, None, event).await?;
        let e = emoji.to_string();
        self.store.set_reaction(item.item_id, true, &e, add)?;
        let item = self.store.item(item.item_id)?.ok_or(ChatError::NoItem)?;
        Ok(vec![ChatOutput::Reaction {
            contact: c.local_name.clone(),
            item,
            sent: true,
            added: add,
            emoji: e,
        }])
    }

    pub(super) async fn set_disappear(
        &self,
        name: &str,
        setting: TimedSetting,
    ) -> Result<Vec<ChatOutput>> {
        let (user, c) = self.ready_contact(name)?;
        let (allow, ttl) = match setting {
            TimedSetting::Enable(t) => (true, t.or(c.timed_ttl)),
            TimedSetting::Disable => (false, c.timed_ttl),
        };
        self.store.set_contact_timed(c.contact_id, allow, ttl)?;
        let c = self
            .store
            .contact(c.contact_id)?
            .ok_or(ChatError::NoContact(c.local_name))?;
        let profile = self.profile_for(&user, &c);
        self.send_event(user.user_id, &c.conn_id, None, ChatMsgEvent::Info(profile))
            .await?;
        let (peer, peer_ttl) = peer_timed(&c);
        Ok(vec![ChatOutput::Disappearing {
            contact: c.local_name.clone(),
            by_user: true,
            user_allows: allow,
            contact_allows: peer,
            ttl: ttl.or(peer_ttl).or((allow && peer).then_some(DEFAULT_TTL)),
        }])
    }

    pub(super) fn tail(&self, name: Option<&str>, count: usize) -> Result<Vec<ChatOutput>> {
        let user = self.active_user()?;
        let only = match name {
            Some(n) => Some(self.contact_named(n)?.1.contact_id),
            None => None,
        };
        let names: HashMap<i64, String> = self
            .store
            .contacts(user.user_id)?
            .into_iter()
            .map(|c| (c.contact_id, c.local_name))
            .collect();
        let items = self.store.last_items(user.user_id, only, count)?;
        Ok(vec![ChatOutput::History(
            items
                .into_iter()
                .map(|it| (names.get(&it.contact_id).cloned().unwrap_or_default(), it))
                .collect(),
        )])
    }

    /// Deletes the items whose time ran out.
    pub(super) fn expire_items(&self) -> Result<Vec<ChatOutput>> {
        let items = self.store.take_expired_items(self.now())?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let contact = self
                .store
                .contact(item.contact_id)?
                .map(|c| c.local_name)
                .unwrap_or_default();
            out.push(ChatOutput::ItemDisappeared { contact, item });
        }
        Ok(out)
    }
}
