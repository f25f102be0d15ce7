//! The chat side of [`BotApi`]: `/_get chat` (`apiChat`), `/_get chats` (`apiChats`),
//! and items named by id: `/_update item` (`chatItemUpdated`), `/_delete item`
//! (`chatItemsDeleted`), `/_reaction` (`chatItemReaction`), `/_read chat` (`cmdOk`).
//!
//! Not kept by this engine, so not served: unread counters (every chat's `chatStats`
//! is zero, and `unread` or `favorite` filters list no chats), `navInfo`, item
//! searches and the `history` delete mode.

use chat_api::ChatResponse;
use chat_api::command::{CIDeleteMode, ChatListQuery, ChatRef, UpdatedMessage};
use chat_api::errors::{ChatErrorType, StoreError};
use chat_api::item::{ACIReaction, AChat, CIDirection, CIReaction, ChatInfo, ChatStats};
use chat_proto::container::MsgReaction;

use super::api::{ApiError, BotApi, command_error};
use super::convert;
use crate::engine::{ChatId, ItemDelete};
use crate::groups_output::GroupOutput;
use crate::output::ChatOutput;
use crate::store::{self, ItemPage};

/// A chat in the list: its last activity (for the order), and the chat.
type ListedChat = (i64, AChat);

fn chat_id(chat: ChatRef) -> Result<ChatId, ApiError> {
    match chat {
        ChatRef::Direct(id) => Ok(ChatId::Contact(id)),
        ChatRef::Group(id) => Ok(ChatId::Group(id)),
        ChatRef::Local(_) => Err(command_error("notes folders are not supported".into())),
    }
}

/// Whether `name` matches a `/_get chats` search (case-insensitive substring).
fn matches(name: &str, search: &str) -> bool {
    name.to_lowercase().contains(&search.to_lowercase())
}

impl BotApi {
    /// `/_get chat <chat> <pagination>`.
    pub(super) fn get_chat(&self, chat: ChatRef, page: ItemPage) -> Result<ChatResponse, ApiError> {
        let u = self.active()?;
        let chat = match chat_id(chat)? {
            ChatId::Contact(id) => self.direct_chat(&self.contact_by_id(&u, id)?, page)?,
            ChatId::Group(id) => self.group_chat(&u, &self.group_by_id(&u, id)?, page)?,
        };
        Ok(ChatResponse::ApiChat {
            user: convert::user(&u),
            chat,
        })
    }

    fn direct_chat(&self, c: &store::Contact, page: ItemPage) -> Result<AChat, ApiError> {
        let t = self.now()?;
        let items = self.db(self.store().contact_items_page(c.contact_id, page))?;
        Ok(AChat {
            chat_info: ChatInfo::Direct {
                contact: self.contact(c)?,
            },
            chat_items: items.iter().map(|it| convert::chat_item(it, t)).collect(),
            chat_stats: ChatStats::default(),
        })
    }

    fn group_chat(
        &self,
        u: &store::User,
        g: &store::Group,
        page: ItemPage,
    ) -> Result<AChat, ApiError> {
        let items = self.db(self.store().group_items_page(g.group_id, page))?;
        let chat_items = items
            .iter()
            .map(|it| self.group_item(u, g, it).map(|a| a.chat_item))
            .collect::<Result<_, _>>()?;
        Ok(AChat {
            chat_info: ChatInfo::Group {
                group_info: self.group_info(u, g)?,
            },
            chat_items,
            chat_stats: ChatStats::default(),
        })
    }

    /// `/_get chats <userId> count=N [query]`: the user's direct chats and groups with
    /// their last item, most recently active first.
    pub(super) fn get_chats(
        &self,
        user_id: i64,
        count: usize,
        query: &ChatListQuery,
    ) -> Result<ChatResponse, ApiError> {
        let u = self.user_for(user_id)?;
        let search = match query {
            ChatListQuery::Filters {
                favorite: false,
                unread: false,
            } => None,
            // no chat is a favorite and none has unread items here
            ChatListQuery::Filters { .. } => {
                return Ok(ChatResponse::ApiChats {
                    user: convert::user(&u),
                    chats: Vec::new(),
                });
            }
            ChatListQuery::Search { search } => Some(search.as_str()),
        };
        let keep = |name: &str| search.is_none_or(|s| matches(name, s));
        let mut chats: Vec<ListedChat> = Vec::new();
        for c in self.db(self.store().contacts(u.user_id))? {
            if !keep(&c.local_name) {
                continue;
            }
            let chat = self.direct_chat(&c, ItemPage::Last(1))?;
            let last = self
                .db(self
                    .store()
                    .contact_items_page(c.contact_id, ItemPage::Last(1)))?
                .first()
                .map_or(0, |it| it.created_at);
            chats.push((last, chat));
        }
        for g in self.db(self.store().groups(u.user_id))? {
            if !keep(&g.local_name) {
                continue;
            }
            let last = self
                .db(self.store().group_items_page(g.group_id, ItemPage::Last(1)))?
                .first()
                .map_or(0, |it| it.created_at);
            chats.push((last, self.group_chat(&u, &g, ItemPage::Last(1))?));
        }
        chats.sort_by_key(|(last, _)| std::cmp::Reverse(*last));
        Ok(ChatResponse::ApiChats {
            user: convert::user(&u),
            chats: chats.into_iter().take(count).map(|(_, c)| c).collect(),
        })
    }

    /// Checks that `item_id` is an item of `chat` and returns whether the user sent
    /// it and whether it is deleted.
    fn item_state(&self, chat: ChatRef, item_id: i64) -> Result<(bool, bool), ApiError> {
        let u = self.active()?;
        let not_found = || ApiError::store(StoreError::ChatItemNotFound { item_id });
        match chat_id(chat)? {
            ChatId::Contact(id) => {
                self.contact_by_id(&u, id)?;
                let it = self
                    .db(self.store().item(item_id))?
                    .filter(|it| it.contact_id == id)
                    .ok_or_else(not_found)?;
                Ok((it.sent, it.deleted))
            }
            ChatId::Group(id) => {
                self.group_by_id(&u, id)?;
                let it = self
                    .db(self.store().group_item(item_id))?
                    .filter(|it| it.group_id == id)
                    .ok_or_else(not_found)?;
                Ok((it.sent(), it.deleted.is_some()))
            }
        }
    }

    /// `/_read chat <chat>` and `/_read chat items <chat> <ids>`: `cmdOk` once the chat
    /// and items are found. No unread state is kept here, so nothing else changes.
    pub(super) fn read_chat(
        &self,
        chat: ChatRef,
        item_ids: &[i64],
    ) -> Result<ChatResponse, ApiError> {
        let u = self.active()?;
        match chat_id(chat)? {
            ChatId::Contact(id) => {
                self.contact_by_id(&u, id)?;
            }
            ChatId::Group(id) => {
                self.group_by_id(&u, id)?;
            }
        }
        for id in item_ids {
            self.item_state(chat, *id)?;
        }
        Ok(ChatResponse::CmdOk {
            user: Some(convert::user(&u)),
        })
    }

    /// `/_update item <chat> <itemId> json <message>`.
    pub(super) async fn update_item(
        &self,
        chat: ChatRef,
        item_id: i64,
        message: UpdatedMessage,
    ) -> Result<ChatResponse, ApiError> {
        if !message.mentions.is_empty() {
            return Err(command_error("mentions are not supported".into()));
        }
        let (sent, deleted) = self.item_state(chat, item_id)?;
        if !sent || deleted {
            return Err(ApiError::chat(ChatErrorType::InvalidChatItemUpdate));
        }
        let outs = self
            .chat()
            .update_item(chat_id(chat)?, item_id, message.msg_content)
            .await;
        self.response(self.db(outs)?)
    }

    /// `/_delete item <chat> <ids> <mode>`: one `chatItemsDeleted` with a deletion per
    /// item.
    pub(super) async fn delete_items(
        &self,
        chat: ChatRef,
        item_ids: &[i64],
        mode: CIDeleteMode,
    ) -> Result<ChatResponse, ApiError> {
        let how = match mode {
            CIDeleteMode::Broadcast => ItemDelete::Broadcast,
            CIDeleteMode::Internal => ItemDelete::Internal,
            CIDeleteMode::InternalMark => ItemDelete::InternalMark,
            CIDeleteMode::History => {
                return Err(command_error(
                    "the history delete mode is not supported".into(),
                ));
            }
        };
        for id in item_ids {
            let (sent, deleted) = self.item_state(chat, *id)?;
            if how == ItemDelete::Broadcast && (!sent || deleted) {
                return Err(ApiError::chat(ChatErrorType::InvalidChatItemDelete));
            }
        }
        let outs = self
            .chat()
            .delete_items(chat_id(chat)?, item_ids, how)
            .await;
        let mut deletions = Vec::new();
        let mut user = None;
        for o in self.db(outs)? {
            if let ChatResponse::ChatItemsDeleted {
                user: u,
                chat_item_deletions,
                ..
            } = self.response(vec![o])?
            {
                user = Some(u);
                deletions.extend(chat_item_deletions);
            }
        }
        Ok(ChatResponse::ChatItemsDeleted {
            user: user.map_or_else(|| self.active().map(|u| convert::user(&u)), Ok)?,
            chat_item_deletions: deletions,
            by_user: true,
            timed: false,
        })
    }

    /// `/_reaction <chat> <itemId> on|off <reaction>` (emoji reactions).
    pub(super) async fn react(
        &self,
        chat: ChatRef,
        item_id: i64,
        add: bool,
        reaction: MsgReaction,
    ) -> Result<ChatResponse, ApiError> {
        let MsgReaction::Emoji(emoji) = reaction else {
            return Err(command_error("only emoji reactions are supported".into()));
        };
        self.item_state(chat, item_id)?;
        let outs = self
            .chat()
            .react_item(chat_id(chat)?, item_id, emoji, add)
            .await;
        let outs = self.db(outs)?;
        // the user's own group reaction is no event for bots: its response is built here
        for o in &outs {
            if let ChatOutput::Group(GroupOutput::Reaction {
                item,
                by: None,
                added,
                ..
            }) = o
            {
                let u = self.active()?;
                let g = self.group_by_id(&u, item.group_id)?;
                let a = self.group_item(&u, &g, item)?;
                return Ok(ChatResponse::ChatItemReaction {
                    user: convert::user(&u),
                    added: *added,
                    reaction: ACIReaction {
                        chat_info: a.chat_info,
                        chat_reaction: CIReaction {
                            chat_dir: CIDirection::GroupSnd,
                            chat_item: a.chat_item,
                            sent_at: self.now()?,
                            reaction: MsgReaction::Emoji(emoji),
                        },
                    },
                });
            }
        }
        self.response(outs)
    }
}
