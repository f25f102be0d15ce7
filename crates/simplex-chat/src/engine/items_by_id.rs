//! Items named by id, as the bot API names them: edit, delete and react in a direct
//! chat or a group of the active user ([`Chat::update_item`], [`Chat::delete_items`],
//! [`Chat::react_item`]). The terminal commands name items by their text and share the
//! same operations.

use chat_proto::content::MsgContent;

use super::{Chat, Inner};
use crate::error::{ChatError, Result};
use crate::output::ChatOutput;
use crate::store::{ChatItem, Contact, Group, GroupItem, GroupStatus, User};

/// A chat of the active user by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatId {
    /// The direct chat with this contact.
    Contact(i64),
    /// This group.
    Group(i64),
}

/// How an item is deleted (the reference's `CIDeleteMode` without `history`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemDelete {
    /// The user's own message for everyone: marked deleted on all sides.
    Broadcast,
    /// Only here: removed.
    Internal,
    /// Only here: kept, marked deleted.
    InternalMark,
}

/// A resolved item of a chat.
enum ChatItemRef {
    Direct(Box<(Contact, ChatItem)>),
    Group(Box<(User, Group, GroupItem)>),
}

impl Inner {
    /// The item `item_id` of the active user's chat `chat`.
    fn item_in(&self, chat: ChatId, item_id: i64) -> Result<ChatItemRef> {
        let user = self.active_user()?;
        match chat {
            ChatId::Contact(id) => {
                let c = self
                    .store
                    .contact(id)?
                    .filter(|c| c.user_id == user.user_id)
                    .ok_or_else(|| ChatError::NoContact(format!("#{id}")))?;
                let item = self
                    .store
                    .item(item_id)?
                    .filter(|it| it.contact_id == id)
                    .ok_or(ChatError::NoItem)?;
                Ok(ChatItemRef::Direct(Box::new((c, item))))
            }
            ChatId::Group(id) => {
                let g = self
                    .store
                    .group(id)?
                    .filter(|g| g.user_id == user.user_id)
                    .ok_or_else(|| ChatError::Prohibited(format!("no group {id}")))?;
                let item = self
                    .store
                    .group_item(item_id)?
                    .filter(|it| it.group_id == id)
                    .ok_or(ChatError::NoItem)?;
                Ok(ChatItemRef::Group(Box::new((user, g, item))))
            }
        }
    }

    fn ready(c: &Contact) -> Result<()> {
        if c.ready {
            Ok(())
        } else {
            Err(ChatError::NotReady(c.local_name.clone()))
        }
    }

    fn active(g: &Group) -> Result<()> {
        if g.status == GroupStatus::Active {
            Ok(())
        } else {
            Err(ChatError::Prohibited(format!(
                "#{}: you are not an active member",
                g.local_name
            )))
        }
    }
}

impl Chat {
    /// Replaces the content of the user's message `item_id` in `chat` for everyone.
    pub async fn update_item(
        &self,
        chat: ChatId,
        item_id: i64,
        content: MsgContent,
    ) -> Result<Vec<ChatOutput>> {
        let _one = self.inner.lock.lock().await;
        match self.inner.item_in(chat, item_id)? {
            ChatItemRef::Direct(b) => {
                let (c, item) = *b;
                Inner::ready(&c)?;
                self.inner.edit_contact_item(&c, &item, content).await
            }
            ChatItemRef::Group(b) => {
                let (_, g, item) = *b;
                Inner::active(&g)?;
                self.inner.edit_group_item(&g, &item, content).await
            }
        }
    }

    /// Deletes the items `item_ids` of `chat` (all are checked before any is deleted).
    pub async fn delete_items(
        &self,
        chat: ChatId,
        item_ids: &[i64],
        how: ItemDelete,
    ) -> Result<Vec<ChatOutput>> {
        let _one = self.inner.lock.lock().await;
        let items = item_ids
            .iter()
            .map(|id| self.inner.item_in(chat, *id))
            .collect::<Result<Vec<_>>>()?;
        let mut outs = Vec::new();
        for it in items {
            outs.extend(match it {
                ChatItemRef::Direct(b) => {
                    let (c, item) = *b;
                    self.inner.delete_contact_item(&c, item, how).await?
                }
                ChatItemRef::Group(b) => {
                    let (u, g, item) = *b;
                    self.inner.delete_group_item_as(&u, &g, item, how).await?
                }
            });
        }
        Ok(outs)
    }

    /// Adds (or removes) the user's reaction `emoji` to the item `item_id` of `chat`.
    pub async fn react_item(
        &self,
        chat: ChatId,
        item_id: i64,
        emoji: char,
        add: bool,
    ) -> Result<Vec<ChatOutput>> {
        let _one = self.inner.lock.lock().await;
        match self.inner.item_in(chat, item_id)? {
            ChatItemRef::Direct(b) => {
                let (c, item) = *b;
                Inner::ready(&c)?;
                self.inner.react_contact_item(&c, &item, emoji, add).await
            }
            ChatItemRef::Group(b) => {
                let (u, g, item) = *b;
                Inner::active(&g)?;
                self.inner.react_group_item(&u, &g, &item, emoji, add).await
            }
        }
    }
}
