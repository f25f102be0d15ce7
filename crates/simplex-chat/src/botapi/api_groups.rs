//! The group side of [`BotApi`]: listing groups, sending to a group with the JSON
//! `/_send #ID` form, and group outputs as API events (new, edited, deleted items and
//! reactions, invitations, joins and member connections).

use chat_api::errors::StoreError;
use chat_api::group::GroupInfo;
use chat_api::item::{
    ACIReaction, AChatItem, CIDeleted, CIDirection, CIReaction, CIStatus, ChatItemDeletion,
    MsgReceiptStatus, SndCIStatusProgress,
};
use chat_api::{ChatEvent, ChatResponse};
use chat_proto::container::MsgReaction;
use chat_proto::content::MsgContent;

use super::api::{ApiError, BotApi, command_error};
use super::convert::{self, user};
use super::convert_group::{
    a_group_item, group_chat_item, group_info, group_link, group_member, membership,
};
use super::parse_group::GroupCall;
use crate::command::ChatCommand;
use crate::engine::QuotedGroupItem;
use crate::error::ChatError;
use crate::groups_command::GroupCommand;
use crate::groups_output::{GroupOutput, GroupSndState};
use crate::output::ChatOutput;
use crate::store::{self, GroupItem};

/// The API's state of the user's group message.
fn delivered(s: GroupSndState) -> CIStatus {
    let progress = |complete| {
        if complete {
            SndCIStatusProgress::Complete
        } else {
            SndCIStatusProgress::Partial
        }
    };
    match s {
        GroupSndState::New => CIStatus::SndNew,
        GroupSndState::Sent { complete } => CIStatus::SndSent {
            snd_progress: progress(complete),
        },
        GroupSndState::Rcvd { complete } => CIStatus::SndRcvd {
            msg_rcpt_status: MsgReceiptStatus::Ok,
            snd_progress: progress(complete),
        },
    }
}

/// The content a bot's message without a file is sent with: text, links with their
/// preview, images and voice notes go as they are; other contents are refused (messages
/// with a file go through `send_composed_file`).
pub(super) fn composed_content(
    m: &chat_api::command::ComposedMessage,
) -> Result<MsgContent, ApiError> {
    if m.file_source.is_some() {
        return Err(command_error("files are not supported yet".into()));
    }
    match &m.msg_content {
        c @ (MsgContent::Text { .. }
        | MsgContent::Link { .. }
        | MsgContent::Image { .. }
        | MsgContent::Voice { .. }) => Ok(c.clone()),
        other => Err(command_error(format!(
            "{} messages are not supported yet",
            other.tag()
        ))),
    }
}

impl BotApi {
    /// The API's `GroupInfo` of a stored group.
    pub(super) fn group_info(
        &self,
        u: &store::User,
        g: &store::Group,
    ) -> Result<GroupInfo, ApiError> {
        let n = self.db(self.store().current_member_count(g.group_id))?;
        Ok(group_info(g, u, n, self.now()?))
    }

    /// A group message with its chat.
    pub(super) fn group_item(
        &self,
        u: &store::User,
        g: &store::Group,
        it: &GroupItem,
    ) -> Result<AChatItem, ApiError> {
        let author = match it.member_row {
            Some(row) => self.db(self.store().member(row))?,
            None => None,
        };
        let quoted_by = match it.quote.as_ref().map(|q| &q.author) {
            Some(store::QuoteAuthor::Member { member_row, .. }) => {
                self.db(self.store().member(*member_row))?
            }
            _ => None,
        };
        let deliveries = self.db(self.store().group_deliveries(it.item_id))?;
        let t = self.now()?;
        let mut item = group_chat_item(
            it,
            author.as_ref(),
            quoted_by.as_ref(),
            delivered(GroupSndState::of(deliveries.iter().map(|(_, s)| *s))),
            t,
        );
        if let Some(store::GroupDeletion::Moderated(_)) = &it.deleted {
            // as the reference: `{"type":"moderated","byGroupMember":...}`, the user's
            // own membership when the user moderated it
            let by = match self.db(self.store().group_item_moderator(it.item_id))? {
                Some(row) => self
                    .db(self.store().member(row))?
                    .map(|m| group_member(&m, t)),
                None => Some(membership(g, u, t)),
            };
            if let Some(by) = by {
                item.meta.item_deleted = Some(CIDeleted::Moderated {
                    deleted_ts: Some(item.meta.updated_at),
                    by_group_member: Box::new(by),
                });
            }
        }
        Ok(a_group_item(self.group_info(u, g)?, item))
    }

    /// The user's group by id.
    pub(super) fn group_by_id(&self, u: &store::User, id: i64) -> Result<store::Group, ApiError> {
        self.db(self.store().group(id))?
            .filter(|g| g.user_id == u.user_id)
            .ok_or(ApiError::store(StoreError::GroupNotFound { group_id: id }))
    }

    /// `/_groups USER_ID`.
    pub(super) fn list_groups(&self, user_id: i64) -> Result<ChatResponse, ApiError> {
        let u = self.user_for(user_id)?;
        let groups = self
            .db(self.store().groups(u.user_id))?
            .iter()
            .map(|g| self.group_info(&u, g))
            .collect::<Result<_, _>>()?;
        Ok(ChatResponse::GroupsList {
            user: user(&u),
            groups,
        })
    }

    /// A group API command.
    pub(super) async fn group_call(&self, call: GroupCall) -> Result<ChatResponse, ApiError> {
        match call {
            GroupCall::Members(group_id) => self.list_members(group_id),
            GroupCall::CreateLink { group_id, role } => {
                let (u, g) = self.own_group(group_id)?;
                let cmd = GroupCommand::CreateLink {
                    group: g.local_name.clone(),
                    role,
                };
                self.run_link_command(&u, &g, cmd).await?;
                let (group_info, link) = self.link_of(&u, &g)?;
                Ok(ChatResponse::GroupLinkCreated {
                    user: user(&u),
                    group_info,
                    group_link: link,
                })
            }
            GroupCall::LinkRole { group_id, role } => {
                let (u, g) = self.own_group(group_id)?;
                let cmd = GroupCommand::LinkRole {
                    group: g.local_name.clone(),
                    role,
                };
                self.run_link_command(&u, &g, cmd).await?;
                self.link_response(&u, &g)
            }
            GroupCall::GetLink(group_id) => {
                let (u, g) = self.own_group(group_id)?;
                self.link_response(&u, &g)
            }
            GroupCall::DeleteLink(group_id) => {
                let (u, g) = self.own_group(group_id)?;
                let cmd = GroupCommand::DeleteLink(g.local_name.clone());
                self.run_link_command(&u, &g, cmd).await?;
                Ok(ChatResponse::GroupLinkDeleted {
                    user: user(&u),
                    group_info: self.group_info(&u, &g)?,
                })
            }
        }
    }

    /// The active user and its group by id.
    fn own_group(&self, group_id: i64) -> Result<(store::User, store::Group), ApiError> {
        let u = self.active()?;
        let g = self.group_by_id(&u, group_id)?;
        Ok((u, g))
    }

    /// Runs a group link command; the engine's link errors become the API's store
    /// errors (`groupLinkNotFound`, `duplicateGroupLink`).
    async fn run_link_command(
        &self,
        u: &store::User,
        g: &store::Group,
        cmd: GroupCommand,
    ) -> Result<(), ApiError> {
        match self.chat().execute_command(ChatCommand::Group(cmd)).await {
            Ok(_) => Ok(()),
            Err(ChatError::NoGroupLink(_)) => Err(ApiError::store(StoreError::GroupLinkNotFound {
                group_info: Box::new(self.group_info(u, g)?),
            })),
            Err(ChatError::GroupLinkExists(_)) => {
                Err(ApiError::store(StoreError::DuplicateGroupLink {
                    group_info: Box::new(self.group_info(u, g)?),
                }))
            }
            Err(e) => Err(super::api::api_error(&e)),
        }
    }

    /// The group's info and its link, or `groupLinkNotFound`.
    fn link_of(
        &self,
        u: &store::User,
        g: &store::Group,
    ) -> Result<(GroupInfo, chat_api::group::GroupLink), ApiError> {
        let info = self.group_info(u, g)?;
        match self.db(self.store().group_link(g.group_id))? {
            Some(l) => Ok((info, group_link(&l))),
            None => Err(ApiError::store(StoreError::GroupLinkNotFound {
                group_info: Box::new(info),
            })),
        }
    }

    /// `groupLink`: the group's link.
    fn link_response(&self, u: &store::User, g: &store::Group) -> Result<ChatResponse, ApiError> {
        let (group_info, link) = self.link_of(u, g)?;
        Ok(ChatResponse::GroupLink {
            user: user(&u.clone()),
            group_info,
            group_link: link,
        })
    }

    /// `/_members #GROUP_ID`: the current members, the user not among them (the
    /// user's own row is the group's `membership`).
    fn list_members(&self, group_id: i64) -> Result<ChatResponse, ApiError> {
        let u = self.active()?;
        let g = self.group_by_id(&u, group_id)?;
        let t = self.now()?;
        let members = self
            .db(self.store().members(g.group_id))?
            .iter()
            .filter(|m| store::is_current(m))
            .map(|m| group_member(m, t))
            .collect();
        Ok(ChatResponse::GroupMembers {
            user: user(&u),
            group: chat_api::group::Group {
                group_info: self.group_info(&u, &g)?,
                members,
            },
        })
    }

    /// `/_send #GROUP_ID json [...]`.
    pub(super) async fn send_group(
        &self,
        group_id: i64,
        messages: Vec<chat_api::command::ComposedMessage>,
    ) -> Result<ChatResponse, ApiError> {
        let u = self.active()?;
        let g = self.group_by_id(&u, group_id)?;
        let mut chat_items = Vec::new();
        for m in messages {
            if m.file_source.is_some() {
                let to = crate::files_command::FileTarget::Group(g.local_name.clone());
                chat_items.extend(self.send_file_items(&u, to, &m).await?);
                continue;
            }
            let content = composed_content(&m)?;
            if let Some(qid) = m.quoted_item_id {
                self.db(self.store().group_item(qid))?
                    .filter(|it| it.group_id == g.group_id)
                    .ok_or_else(|| command_error(format!("no item {qid} in this chat")))?;
            }
            let quoted = m.quoted_item_id.map(QuotedGroupItem::Item);
            let outs = self.chat().send_group_reply(&g.local_name, content, quoted);
            for o in self.db(outs.await)? {
                if let ChatOutput::Group(GroupOutput::NewItem { item, .. }) = o {
                    chat_items.push(self.group_item(&u, &g, &item)?);
                }
            }
        }
        Ok(ChatResponse::NewChatItems {
            user: user(&u),
            chat_items,
        })
    }

    /// The API event of a group output, if bots see it.
    pub(super) fn group_event(
        &self,
        u: &store::User,
        out: &GroupOutput,
    ) -> Result<Option<ChatEvent>, ApiError> {
        use GroupOutput as O;
        let name = match out {
            O::NewItem { group, .. }
            | O::ItemStatus { group, .. }
            | O::ItemUpdated { group, .. }
            | O::ItemDeleted { group, .. }
            | O::Reaction { group, .. }
            | O::MemberJoined { group, .. }
            | O::MemberConnected { group, .. }
            | O::Joined(group) => group.clone(),
            O::Invited { group, .. } => group.local_name.clone(),
            _ => return Ok(None),
        };
        let Some(g) = self.db(self.store().group_by_name(u.user_id, &name))? else {
            return Ok(None);
        };
        let member_named = |n: &str| -> Result<Option<store::Member>, ApiError> {
            self.db(self.store().member_by_name(g.group_id, n))
        };
        let t = self.now()?;
        let user = user(u);
        let ev = match out {
            O::NewItem { item, .. } => ChatEvent::NewChatItems {
                user,
                chat_items: vec![self.group_item(u, &g, item)?],
            },
            O::ItemStatus {
                item_id,
                overall: Some(overall),
                ..
            } => {
                // as the reference: when the message's overall state changed, with the
                // state it changed to
                let Some(item) = self.db(self.store().group_item(*item_id))? else {
                    return Ok(None);
                };
                let mut a = self.group_item(u, &g, &item)?;
                a.chat_item.meta.item_status = delivered(*overall);
                ChatEvent::ChatItemsStatusesUpdated {
                    user,
                    chat_items: vec![a],
                }
            }
            O::ItemUpdated { item, .. } => ChatEvent::ChatItemUpdated {
                user,
                chat_item: self.group_item(u, &g, item)?,
            },
            O::ItemDeleted { item, local, .. } => ChatEvent::ChatItemsDeleted {
                user,
                chat_item_deletions: vec![ChatItemDeletion {
                    deleted_chat_item: self.group_item(u, &g, item)?,
                    to_chat_item: None,
                }],
                by_user: item.sent() || *local,
                timed: false,
            },
            O::Reaction {
                item,
                by,
                added,
                emoji,
                ..
            } => {
                let (Some(e), Some(by)) = (emoji.chars().next(), by) else {
                    return Ok(None);
                };
                let Some(m) = member_named(by)? else {
                    return Ok(None);
                };
                let a = self.group_item(u, &g, item)?;
                ChatEvent::ChatItemReaction {
                    user,
                    added: *added,
                    reaction: ACIReaction {
                        chat_info: a.chat_info,
                        chat_reaction: CIReaction {
                            chat_dir: CIDirection::GroupRcv {
                                group_member: Box::new(group_member(&m, t)),
                            },
                            chat_item: a.chat_item,
                            sent_at: t,
                            reaction: MsgReaction::Emoji(e),
                        },
                    },
                }
            }
            O::MemberJoined { member, .. } | O::MemberConnected { member, .. } => {
                let Some(m) = member_named(member)? else {
                    return Ok(None);
                };
                let group_info = self.group_info(u, &g)?;
                let member = group_member(&m, t);
                if matches!(out, O::MemberJoined { .. }) {
                    ChatEvent::JoinedGroupMember {
                        user,
                        group_info,
                        member,
                    }
                } else {
                    ChatEvent::ConnectedToGroupMember {
                        user,
                        group_info,
                        member,
                        member_contact: None,
                    }
                }
            }
            O::Joined(_) | O::Invited { .. } => {
                let members = self.db(self.store().members(g.group_id))?;
                let Some(host) = members
                    .iter()
                    .find(|m| m.category == store::MemberCategory::Host)
                else {
                    return Ok(None);
                };
                let group_info = self.group_info(u, &g)?;
                match out {
                    O::Joined(_) => ChatEvent::UserJoinedGroup {
                        user,
                        group_info,
                        host_member: group_member(host, t),
                    },
                    _ => {
                        let Some(c) = host
                            .contact_id
                            .map(|id| self.db(self.store().contact(id)))
                            .transpose()?
                            .flatten()
                        else {
                            return Ok(None);
                        };
                        ChatEvent::ReceivedGroupInvitation {
                            user,
                            group_info,
                            contact: convert::contact(&c, t),
                            from_member_role: host.role.clone(),
                            member_role: g.role.clone(),
                        }
                    }
                }
            }
            _ => return Ok(None),
        };
        Ok(Some(ev))
    }
}
