//! [`BotApi`]: runs bot commands on a [`Chat`] and turns its outputs into the API's
//! responses and events.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chat_api::common::{CreatedConnLink, UtcTime};
use chat_api::errors::{self as api_err, ChatErrorType, StoreError};
use chat_api::item::{ACIReaction, AChatItem, CIDirection, CIReaction, ChatInfo, ChatItemDeletion};
use chat_api::{ChatEvent, ChatResponse};
use chat_proto::container::MsgReaction;

use super::convert;
use super::parse::{ApiCall, NotApi, parse_api};
use crate::command::{self, ChatCommand};
use crate::error::ChatError;
use crate::output::ChatOutput;
use crate::store;
use crate::{Chat, engine::error_text};

/// An API error (`chatError` in responses and events).
pub type ApiError = api_err::ChatError;

/// The engine's error as the API's `ChatError`.
pub fn api_error(e: &ChatError) -> ApiError {
    use ChatErrorType as T;
    match e {
        ChatError::BadCommand(s) => ApiError::chat(T::CommandError {
            message: format!("invalid command: {s}"),
        }),
        ChatError::NoActiveUser => ApiError::chat(T::NoActiveUser),
        ChatError::UserExists(n) => ApiError::chat(T::UserExists {
            contact_name: n.clone(),
        }),
        ChatError::NoUser(_) => ApiError::chat(T::UserUnknown),
        ChatError::NoContact(n) => ApiError::store(StoreError::ContactNotFoundByName {
            contact_name: n.clone(),
        }),
        ChatError::NoRequest(n) => ApiError::store(StoreError::ContactRequestNotFoundByName {
            contact_name: n.clone(),
        }),
        ChatError::NoAddress => ApiError::store(StoreError::UserContactLinkNotFound),
        ChatError::AddressExists => ApiError::store(StoreError::DuplicateContactLink),
        ChatError::BadName(n) => ApiError::chat(T::InvalidDisplayName {
            display_name: n.clone(),
            valid_name: String::new(),
        }),
        ChatError::Agent(a) => ApiError::chat(T::AgentCommandError {
            message: a.to_string(),
        }),
        other => ApiError::chat(T::InternalError {
            message: error_text(other),
        }),
    }
}

pub(super) fn command_error(message: String) -> ApiError {
    ApiError::chat(ChatErrorType::CommandError { message })
}

/// The bot API over one engine: commands in, responses and events out.
#[derive(Debug)]
pub struct BotApi {
    chat: Arc<Chat>,
    /// Contacts as last converted, by user and local name: the event of a contact that
    /// deleted the user comes after the engine forgot it.
    seen: Mutex<HashMap<(i64, String), store::Contact>>,
}

impl BotApi {
    /// The API over `chat`.
    pub fn new(chat: Arc<Chat>) -> Self {
        BotApi {
            chat,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// The engine.
    pub fn chat(&self) -> &Arc<Chat> {
        &self.chat
    }

    pub(super) fn now(&self) -> Result<UtcTime, ApiError> {
        let secs = self.chat.config().clock.now();
        convert::utc(secs).ok_or_else(|| {
            ApiError::chat(ChatErrorType::InternalError {
                message: format!("clock out of range: {secs}"),
            })
        })
    }

    pub(super) fn store(&self) -> &store::ChatStore {
        self.chat.store()
    }

    pub(super) fn contact(
        &self,
        c: &store::Contact,
    ) -> Result<chat_api::contact::Contact, ApiError> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert((c.user_id, c.local_name.clone()), c.clone());
        Ok(convert::contact(c, self.now()?))
    }

    pub(super) fn item(
        &self,
        c: &store::Contact,
        it: &store::ChatItem,
    ) -> Result<AChatItem, ApiError> {
        Ok(AChatItem {
            chat_info: ChatInfo::Direct {
                contact: self.contact(c)?,
            },
            chat_item: convert::chat_item(it, self.now()?),
        })
    }

    pub(super) fn db<T>(&self, r: crate::error::Result<T>) -> Result<T, ApiError> {
        r.map_err(|e| api_error(&e))
    }

    /// The active user, or `NoActiveUser`.
    pub(super) fn active(&self) -> Result<store::User, ApiError> {
        self.db(self.chat.active_user())?
            .ok_or(ApiError::chat(ChatErrorType::NoActiveUser))
    }

    /// The active user when its id is `user_id` (commands for other users are refused,
    /// as the engine runs commands for the active user).
    pub(super) fn user_for(&self, user_id: i64) -> Result<store::User, ApiError> {
        let u = self.active()?;
        if u.user_id == user_id {
            return Ok(u);
        }
        match self.db(self.store().user(user_id))? {
            Some(_) => Err(ApiError::chat(ChatErrorType::DifferentActiveUser {
                command_user_id: user_id,
                active_user_id: u.user_id,
            })),
            None => Err(ApiError::store(StoreError::UserNotFound { user_id })),
        }
    }

    pub(super) fn contact_by_id(
        &self,
        user: &store::User,
        id: i64,
    ) -> Result<store::Contact, ApiError> {
        self.db(self.store().contact(id))?
            .filter(|c| c.user_id == user.user_id)
            .ok_or(ApiError::store(StoreError::ContactNotFound {
                contact_id: id,
            }))
    }

    pub(super) async fn run(&self, cmd: ChatCommand) -> Result<Vec<ChatOutput>, ApiError> {
        self.db(self.chat.execute_command(cmd).await)
    }

    /// Runs one command line (an API `/_…` form or the terminal syntax) and returns its
    /// response; a failure is `chatCmdError`.
    pub async fn execute(&self, line: &str) -> ChatResponse {
        self.try_execute(line)
            .await
            .unwrap_or_else(|chat_error| ChatResponse::ChatCmdError { chat_error })
    }

    async fn try_execute(&self, line: &str) -> Result<ChatResponse, ApiError> {
        match parse_api(line) {
            Ok(call) => self.call(call).await,
            Err(NotApi::Bad(message)) => Err(command_error(message)),
            Err(NotApi::Other) => {
                let cmd = command::parse(line).map_err(|e| api_error(&e))?;
                let outs = self.run(cmd).await?;
                self.response(outs)
            }
        }
    }

    fn address_response(&self, user_id: i64, created: bool) -> Result<ChatResponse, ApiError> {
        let u = self.user_for(user_id)?;
        let contact_link =
            convert::address(&u).ok_or(ApiError::store(StoreError::UserContactLinkNotFound))?;
        let user = convert::user(&u);
        Ok(if created {
            ChatResponse::UserContactLinkCreated {
                user,
                conn_link_contact: contact_link.conn_link_contact,
            }
        } else {
            ChatResponse::UserContactLinkUpdated { user, contact_link }
        })
    }

    async fn call(&self, call: ApiCall) -> Result<ChatResponse, ApiError> {
        match call {
            ApiCall::CreateAddress(uid) => {
                self.user_for(uid)?;
                self.run(ChatCommand::CreateAddress).await?;
                self.address_response(uid, true)
            }
            ApiCall::ShowAddress(uid) => self.show_address(uid),
            ApiCall::DeleteAddress(uid) => {
                self.user_for(uid)?;
                self.run(ChatCommand::DeleteAddress).await?;
                Ok(ChatResponse::UserContactLinkDeleted {
                    user: convert::user(&self.user_for(uid)?),
                })
            }
            ApiCall::AutoAccept {
                user_id,
                on,
                incognito,
            } => self.set_auto_accept(user_id, on, incognito).await,
            ApiCall::Contacts(uid) => {
                let u = self.user_for(uid)?;
                let contacts = self
                    .db(self.store().contacts(u.user_id))?
                    .iter()
                    .map(|c| self.contact(c))
                    .collect::<Result<_, _>>()?;
                Ok(ChatResponse::ContactsList {
                    user: convert::user(&u),
                    contacts,
                })
            }
            ApiCall::Groups(uid) => self.list_groups(uid),
            ApiCall::SendGroup { group_id, messages } => self.send_group(group_id, messages).await,
            ApiCall::Send {
                contact_id,
                messages,
            } => self.send(contact_id, messages).await,
            ApiCall::Accept {
                request_id,
                incognito,
            } => {
                let (u, req) = self.request(request_id)?;
                let outs = self
                    .run(ChatCommand::AcceptContact {
                        incognito,
                        name: req.local_name,
                    })
                    .await?;
                let contact = outs
                    .iter()
                    .find_map(|o| match o {
                        ChatOutput::RequestAccepted { name, .. } => Some(name),
                        _ => None,
                    })
                    .and_then(|n| self.store().contact_by_name(u.user_id, n).transpose())
                    .transpose()
                    .map_err(|e| api_error(&e))?
                    .ok_or_else(|| command_error("the request was not accepted".into()))?;
                Ok(ChatResponse::AcceptingContactRequest {
                    user: convert::user(&u),
                    contact: self.contact(&contact)?,
                })
            }
            ApiCall::Reject(request_id) => {
                let (u, req) = self.request(request_id)?;
                let contact_request = convert::contact_request(u.user_id, &req, self.now()?);
                self.run(ChatCommand::RejectContact(req.local_name)).await?;
                Ok(ChatResponse::ContactRequestRejected {
                    user: convert::user(&u),
                    contact_request,
                    contact: None,
                })
            }
            ApiCall::DeleteContact(contact_id) => {
                let u = self.active()?;
                let c = self.contact_by_id(&u, contact_id)?;
                let contact = self.contact(&c)?;
                self.run(ChatCommand::DeleteContact(c.local_name)).await?;
                Ok(ChatResponse::ContactDeleted {
                    user: convert::user(&u),
                    contact,
                })
            }
            ApiCall::GetChat { chat, page } => self.get_chat(chat, page),
            ApiCall::GetChats {
                user_id,
                count,
                query,
            } => self.get_chats(user_id, count, &query),
            ApiCall::UpdateItem {
                chat,
                item_id,
                message,
            } => self.update_item(chat, item_id, *message).await,
            ApiCall::DeleteItems {
                chat,
                item_ids,
                mode,
            } => self.delete_items(chat, &item_ids, mode).await,
            ApiCall::Reaction {
                chat,
                item_id,
                add,
                reaction,
            } => self.react(chat, item_id, add, reaction).await,
            ApiCall::ReadChat { chat, item_ids } => self.read_chat(chat, &item_ids),
            ApiCall::SetActiveUser(user_id) => {
                let u = self
                    .db(self.store().user(user_id))?
                    .ok_or(ApiError::store(StoreError::UserNotFound { user_id }))?;
                let outs = self.run(ChatCommand::SetActiveUser(u.display_name)).await?;
                self.response(outs)
            }
            ApiCall::Group(call) => self.group_call(call).await,
        }
    }

    async fn set_auto_accept(
        &self,
        user_id: i64,
        on: bool,
        incognito: bool,
    ) -> Result<ChatResponse, ApiError> {
        let u = self.user_for(user_id)?;
        if u.address_link.is_none() {
            return Err(ApiError::store(StoreError::UserContactLinkNotFound));
        }
        self.run(ChatCommand::AutoAccept { on, incognito }).await?;
        self.address_response(user_id, false)
    }

    /// The active user's contact request by id.
    fn request(&self, id: i64) -> Result<(store::User, store::ContactRequest), ApiError> {
        let u = self.active()?;
        match self.db(self.store().request(id))? {
            Some((uid, req)) if uid == u.user_id => Ok((u, req)),
            _ => Err(ApiError::store(StoreError::ContactRequestNotFound {
                contact_request_id: id,
            })),
        }
    }

    async fn send(
        &self,
        contact_id: i64,
        messages: Vec<chat_api::command::ComposedMessage>,
    ) -> Result<ChatResponse, ApiError> {
        let u = self.active()?;
        let c = self.contact_by_id(&u, contact_id)?;
        let mut chat_items = Vec::new();
        for m in messages {
            if m.file_source.is_some() {
                let to = crate::files_command::FileTarget::Contact(c.local_name.clone());
                chat_items.extend(self.send_file_items(&u, to, &m).await?);
                continue;
            }
            let content = super::api_groups::composed_content(&m)?;
            let quoted = match m.quoted_item_id {
                Some(qid) => Some(
                    self.db(self.store().item(qid))?
                        .filter(|it| it.contact_id == c.contact_id)
                        .ok_or_else(|| command_error(format!("no item {qid} in this chat")))?
                        .text,
                ),
                None => None,
            };
            let outs = self
                .chat
                .send_content(&c.local_name, content, quoted.as_deref());
            for o in self.db(outs.await)? {
                if let ChatOutput::NewItem { item, .. } = o {
                    chat_items.push(self.item(&c, &item)?);
                }
            }
        }
        Ok(ChatResponse::NewChatItems {
            user: convert::user(&u),
            chat_items,
        })
    }

    /// The response to a terminal-syntax command, from its outputs.
    pub(super) fn response(&self, outs: Vec<ChatOutput>) -> Result<ChatResponse, ApiError> {
        let u = self.active().ok();
        let user = |u: &Option<store::User>| {
            u.as_ref()
                .map(convert::user)
                .ok_or(ApiError::chat(ChatErrorType::NoActiveUser))
        };
        let mut items = Vec::new();
        for o in outs {
            let r = match o {
                ChatOutput::Error(message) => return Err(command_error(message)),
                ChatOutput::ActiveUser(u) => ChatResponse::ActiveUser {
                    user: convert::user(&u),
                },
                ChatOutput::Users(list) => ChatResponse::UsersList {
                    users: list
                        .iter()
                        .map(|u| chat_api::user::UserInfo {
                            user: convert::user(u),
                            unread_count: 0,
                        })
                        .collect(),
                },
                ChatOutput::Address {
                    created,
                    link,
                    short_link,
                } => {
                    let uid = u.as_ref().map_or(0, |u| u.user_id);
                    if created {
                        ChatResponse::UserContactLinkCreated {
                            user: user(&u)?,
                            conn_link_contact: CreatedConnLink {
                                conn_full_link: link,
                                conn_short_link: short_link,
                            },
                        }
                    } else {
                        return self.show_address(uid);
                    }
                }
                ChatOutput::AddressDeleted => {
                    ChatResponse::UserContactLinkDeleted { user: user(&u)? }
                }
                ChatOutput::AutoAccept { .. } => {
                    let uid = u.as_ref().map_or(0, |u| u.user_id);
                    return self.address_response(uid, false);
                }
                ChatOutput::Contacts(list) => ChatResponse::ContactsList {
                    user: user(&u)?,
                    contacts: list
                        .iter()
                        .map(|c| self.contact(c))
                        .collect::<Result<_, _>>()?,
                },
                ChatOutput::NewItem { item, .. } => {
                    let owner = u
                        .as_ref()
                        .ok_or(ApiError::chat(ChatErrorType::NoActiveUser))?;
                    let c = self.contact_by_id(owner, item.contact_id)?;
                    items.push(self.item(&c, &item)?);
                    continue;
                }
                ChatOutput::Quit => continue,
                other => match self
                    .event_for(u.as_ref(), &other)?
                    .and_then(event_as_response)
                {
                    Some(r) => r,
                    None => ChatResponse::CmdOk {
                        user: u.as_ref().map(convert::user),
                    },
                },
            };
            return Ok(r);
        }
        if items.is_empty() {
            return Ok(ChatResponse::CmdOk {
                user: u.as_ref().map(convert::user),
            });
        }
        Ok(ChatResponse::NewChatItems {
            user: user(&u)?,
            chat_items: items,
        })
    }

    fn show_address(&self, uid: i64) -> Result<ChatResponse, ApiError> {
        let u = self.user_for(uid)?;
        let contact_link =
            convert::address(&u).ok_or(ApiError::store(StoreError::UserContactLinkNotFound))?;
        Ok(ChatResponse::UserContactLink {
            user: convert::user(&u),
            contact_link,
        })
    }

    /// The API event for an engine output, if bots see it.
    pub fn event(&self, out: &ChatOutput) -> Result<Option<ChatEvent>, ApiError> {
        if let ChatOutput::ForUser { user, output } = out {
            let u = self
                .db(self.store().users())?
                .into_iter()
                .find(|u| &u.display_name == user);
            return self.event_for(u.as_ref(), output);
        }
        let u = self.active().ok();
        self.event_for(u.as_ref(), out)
    }

    /// The event as the JSON text sent to WebSocket clients (`{"resp": …}`), if any.
    pub fn event_json(&self, out: &ChatOutput) -> Option<String> {
        let ev = match self.event(out) {
            Ok(None) => return None,
            Ok(Some(ev)) => Ok(ev),
            Err(e) => Err(e),
        };
        chat_api::ChatSrvResponse::event(ev).to_json().ok()
    }

    fn event_for(
        &self,
        u: Option<&store::User>,
        out: &ChatOutput,
    ) -> Result<Option<ChatEvent>, ApiError> {
        let Some(u) = u else {
            return Ok(None);
        };
        let user = convert::user(u);
        let contact_named = |name: &str| -> Result<Option<store::Contact>, ApiError> {
            self.db(self.store().contact_by_name(u.user_id, name))
        };
        let item_chat = |it: &store::ChatItem| -> Result<Option<AChatItem>, ApiError> {
            match self.db(self.store().contact(it.contact_id))? {
                Some(c) => Ok(Some(self.item(&c, it)?)),
                None => Ok(None),
            }
        };
        let ev = match out {
            ChatOutput::Group(g) => return self.group_event(u, g),
            ChatOutput::File(f) => return self.file_event(u, f),
            ChatOutput::ContactConnected { contact } => ChatEvent::ContactConnected {
                user,
                contact: self.contact(contact)?,
                user_custom_profile: contact.incognito.clone(),
            },
            ChatOutput::ContactRequest { name, .. } => {
                let Some(req) = self.db(self.store().request_by_name(u.user_id, name))? else {
                    return Ok(None);
                };
                ChatEvent::ReceivedContactRequest {
                    user,
                    contact_request: convert::contact_request(u.user_id, &req, self.now()?),
                    chat: None,
                }
            }
            ChatOutput::RequestAccepted { name, .. } => {
                let Some(c) = contact_named(name)? else {
                    return Ok(None);
                };
                ChatEvent::AcceptingContactRequest {
                    user,
                    contact: self.contact(&c)?,
                }
            }
            ChatOutput::ContactDeletedByContact(name) => {
                let seen = self
                    .seen
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(&(u.user_id, name.clone()));
                let Some(c) = seen else {
                    return Ok(None);
                };
                let mut contact = convert::contact(&c, self.now()?);
                contact.contact_status = chat_api::contact::ContactStatus::Deleted;
                ChatEvent::ContactDeletedByContact { user, contact }
            }
            ChatOutput::NewItem { item, .. } => match item_chat(item)? {
                Some(it) => ChatEvent::NewChatItems {
                    user,
                    chat_items: vec![it],
                },
                None => return Ok(None),
            },
            ChatOutput::ItemUpdated { item, .. } => match item_chat(item)? {
                Some(chat_item) => ChatEvent::ChatItemUpdated { user, chat_item },
                None => return Ok(None),
            },
            ChatOutput::ItemStatus { item, .. } => match item_chat(item)? {
                Some(it) => ChatEvent::ChatItemsStatusesUpdated {
                    user,
                    chat_items: vec![it],
                },
                None => return Ok(None),
            },
            ChatOutput::ItemDeleted { item, .. } | ChatOutput::ItemDisappeared { item, .. } => {
                let Some(deleted_chat_item) = item_chat(item)? else {
                    return Ok(None);
                };
                ChatEvent::ChatItemsDeleted {
                    user,
                    chat_item_deletions: vec![ChatItemDeletion {
                        deleted_chat_item,
                        to_chat_item: None,
                    }],
                    by_user: false,
                    timed: matches!(out, ChatOutput::ItemDisappeared { .. }),
                }
            }
            ChatOutput::Reaction {
                item,
                sent,
                added,
                emoji,
                ..
            } => {
                let Some(a) = item_chat(item)? else {
                    return Ok(None);
                };
                let Some(e) = emoji.chars().next() else {
                    return Ok(None);
                };
                ChatEvent::ChatItemReaction {
                    user,
                    added: *added,
                    reaction: ACIReaction {
                        chat_info: a.chat_info,
                        chat_reaction: CIReaction {
                            chat_dir: if *sent {
                                CIDirection::DirectSnd
                            } else {
                                CIDirection::DirectRcv
                            },
                            chat_item: a.chat_item,
                            sent_at: self.now()?,
                            reaction: MsgReaction::Emoji(e),
                        },
                    },
                }
            }
            ChatOutput::Error(message) => ChatEvent::ChatError {
                chat_error: ApiError::chat(ChatErrorType::Exception {
                    message: message.clone(),
                }),
            },
            _ => return Ok(None),
        };
        Ok(Some(ev))
    }
}

/// The response form of the events that the reference also returns for commands.
fn event_as_response(ev: ChatEvent) -> Option<ChatResponse> {
    Some(match ev {
        ChatEvent::ChatItemUpdated { user, chat_item } => {
            ChatResponse::ChatItemUpdated { user, chat_item }
        }
        ChatEvent::ChatItemsDeleted {
            user,
            chat_item_deletions,
            timed,
            ..
        } => ChatResponse::ChatItemsDeleted {
            user,
            chat_item_deletions,
            by_user: true,
            timed,
        },
        ChatEvent::ChatItemReaction {
            user,
            added,
            reaction,
        } => ChatResponse::ChatItemReaction {
            user,
            added,
            reaction,
        },
        ChatEvent::AcceptingContactRequest { user, contact } => {
            ChatResponse::AcceptingContactRequest { user, contact }
        }
        other => return super::api_files::accepted_response(other),
    })
}
