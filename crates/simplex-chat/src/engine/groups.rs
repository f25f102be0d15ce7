//! Group commands: create, invite (`x.grp.inv` over the contact's connection, a new
//! agent connection per member), join (`x.grp.acpt`), messages to every connected
//! member, roles (`x.grp.mem.role`), removal (`x.grp.mem.del`), leaving
//! (`x.grp.leave`), deletion (`x.grp.del`), group profiles (`x.grp.info`), members and
//! history. Permissions follow the reference: observers cannot send, admins and owners
//! invite, remove and change roles up to their own, only owners change or delete the
//! group.

use chat_proto::container::MsgContainer;
use chat_proto::content::MsgContent;
use chat_proto::event::ChatMsgEvent;
use chat_proto::group::{GroupInvitation, MemberIdRole, MemberInfo};
use chat_proto::ids::MemberId;
use chat_proto::profile::GroupProfile;
use chat_proto::role::GroupMemberRole;
use simplex_agent::store::ConnId;

use super::group_items::QuotedGroupItem;
use super::{Inner, encode, user_profile};
use crate::error::{ChatError, Result};
use crate::groups_command::GroupCommand;
use crate::groups_output::GroupOutput;
use crate::output::ChatOutput;
use crate::profiles::{random_bytes, valid_display_name};
use crate::store::{
    Group, GroupStatus, Member, MemberCategory, MemberStatus, NewMember, User, is_current,
};

/// Whether `role` is at least `min`.
pub(super) fn at_least(role: &GroupMemberRole, min: &GroupMemberRole) -> bool {
    role.rank() >= min.rank()
}

/// A member's info as sent in introductions.
pub(super) fn member_info(m: &Member) -> MemberInfo {
    MemberInfo {
        member_id: MemberId(m.member_id.clone()),
        member_role: m.role.clone(),
        v: None,
        profile: m.profile.clone(),
    }
}

fn out(g: GroupOutput) -> Vec<ChatOutput> {
    vec![ChatOutput::Group(g)]
}

fn prohibited(group: &str, what: &str) -> ChatError {
    ChatError::Prohibited(format!("#{group}: {what}"))
}

impl Inner {
    pub(super) async fn group_command(&self, cmd: GroupCommand) -> Result<Vec<ChatOutput>> {
        use GroupCommand as G;
        match cmd {
            G::Create { name, full_name } => self.create_group(&name, &full_name),
            G::Add {
                group,
                contact,
                role,
            } => self.add_member(&group, &contact, role).await,
            G::Join(group) => self.join_group(&group).await,
            G::Send { group, text } => {
                self.send_group_text(&group, MsgContent::text(&text), None)
                    .await
            }
            G::SendQuote {
                group,
                member,
                quoted,
                text,
            } => {
                let which = QuotedGroupItem::Text {
                    member: member.as_deref(),
                    prefix: &quoted,
                };
                self.send_group_text(&group, MsgContent::text(&text), Some(which))
                    .await
            }
            G::Remove { group, member } => self.remove_member(&group, &member).await,
            G::Leave(group) => self.leave_group(&group).await,
            G::Role {
                group,
                member,
                role,
            } => self.change_role(&group, &member, role).await,
            G::Profile {
                group,
                name,
                full_name,
            } => self.update_group_profile(&group, &name, &full_name).await,
            G::Members(group) => {
                let (_, g) = self.group_named(&group)?;
                let members = self
                    .store
                    .members(g.group_id)?
                    .into_iter()
                    .filter(is_current)
                    .collect();
                Ok(out(GroupOutput::Members { group: g, members }))
            }
            G::Delete(group) => self.delete_group(&group).await,
            G::Edit { group, old, text } => self.edit_group_msg(&group, &old, &text).await,
            G::DeleteMsg { group, text } => self.delete_group_msg(&group, &text).await,
            G::Moderate {
                group,
                member,
                text,
            } => self.moderate_group_msg(&group, &member, &text).await,
            G::React {
                add,
                emoji,
                group,
                text,
            } => self.react_group_msg(&group, &text, emoji, add).await,
            G::CreateLink { group, role } => self.create_group_link(&group, role).await,
            G::LinkRole { group, role } => self.set_group_link_role(&group, role),
            G::ShowLink(group) => self.show_group_link(&group),
            G::DeleteLink(group) => self.delete_group_link(&group).await,
            G::Tail { group, count } => {
                let (_, g) = self.group_named(&group)?;
                let items = self.store.last_group_items(g.group_id, count)?;
                Ok(out(GroupOutput::History {
                    group: g.local_name,
                    items,
                }))
            }
        }
    }

    /// The active user's group by name.
    pub(super) fn group_named(&self, name: &str) -> Result<(User, Group)> {
        let user = self.active_user()?;
        let g = self
            .store
            .group_by_name(user.user_id, name)?
            .ok_or_else(|| ChatError::Prohibited(format!("no group #{name}")))?;
        Ok((user, g))
    }

    /// A group the user is an active member of.
    pub(super) fn active_group(&self, name: &str) -> Result<(User, Group)> {
        let (u, g) = self.group_named(name)?;
        if g.status != GroupStatus::Active {
            return Err(prohibited(&g.local_name, "you are not an active member"));
        }
        Ok((u, g))
    }

    /// A current member by name.
    fn member_named(&self, g: &Group, name: &str) -> Result<Member> {
        self.store
            .member_by_name(g.group_id, name)?
            .ok_or_else(|| prohibited(&g.local_name, &format!("no member {name}")))
    }

    /// Sends an event to every connected member (best effort per member); returns
    /// the (member row, agent message id) of each message sent.
    pub(super) async fn send_to_members(
        &self,
        user_id: i64,
        g: &Group,
        msg_id: Option<Vec<u8>>,
        event: ChatMsgEvent,
    ) -> Result<Vec<(i64, i64)>> {
        let body = encode(msg_id, event)?;
        let agent = self.agent(user_id)?;
        let mut sent = Vec::new();
        for m in self.store.members(g.group_id)? {
            let (true, Some(conn)) = (m.connected(), &m.conn_id) else {
                continue;
            };
            match agent.send(&ConnId::from(conn.as_str()), &body).await {
                Ok(id) => sent.push((m.member_row, id.0)),
                Err(e) => tracing::warn!(%e, member = m.name(), "group message not sent"),
            }
        }
        Ok(sent)
    }

    fn create_group(&self, name: &str, full_name: &str) -> Result<Vec<ChatOutput>> {
        let user = self.active_user()?;
        if !valid_display_name(name) {
            return Err(ChatError::BadName(name.to_owned()));
        }
        let profile = GroupProfile {
            display_name: name.to_owned(),
            full_name: full_name.to_owned(),
            short_descr: None,
            description: None,
            image: None,
            group_preferences: None,
            member_admission: None,
        };
        let id = random_bytes::<12>()?;
        let g = self.store.add_group(
            user.user_id,
            &profile,
            (&id, &GroupMemberRole::Owner),
            GroupStatus::Active,
            None,
            self.now(),
        )?;
        Ok(out(GroupOutput::Created(g)))
    }

    async fn add_member(
        &self,
        group: &str,
        contact: &str,
        role: GroupMemberRole,
    ) -> Result<Vec<ChatOutput>> {
        let (user, g) = self.active_group(group)?;
        if !at_least(&g.role, &GroupMemberRole::Admin) || !at_least(&g.role, &role) {
            return Err(prohibited(
                &g.local_name,
                "you have insufficient permissions",
            ));
        }
        let (_, c) = self.contact_named(contact)?;
        if !c.ready {
            return Err(ChatError::NotReady(c.local_name));
        }
        if self
            .store
            .member_by_contact(g.group_id, c.contact_id)?
            .is_some()
        {
            return Err(prohibited(
                &g.local_name,
                &format!("{} is already a member", c.local_name),
            ));
        }
        let agent = self.agent(user.user_id)?;
        let (conn, link) = agent.create_invitation().await?;
        let member_id = random_bytes::<12>()?;
        self.store.add_member(
            &NewMember {
                group_id: g.group_id,
                member_id: &member_id,
                profile: &c.profile,
                role: &role,
                category: MemberCategory::Invitee,
                status: MemberStatus::Invited,
                conn_id: Some(conn.as_str()),
                contact_id: Some(c.contact_id),
            },
            self.now(),
        )?;
        let inv = GroupInvitation {
            from_member: MemberIdRole {
                member_id: MemberId(g.membership_id.clone()),
                member_role: g.role.clone(),
            },
            invited_member: MemberIdRole {
                member_id: MemberId(member_id.to_vec()),
                member_role: role.clone(),
            },
            conn_request: link,
            group_profile: g.profile.clone(),
            business: None,
            group_link_id: None,
            group_size: None,
        };
        self.send_event(user.user_id, &c.conn_id, None, ChatMsgEvent::GrpInv(inv))
            .await?;
        Ok(out(GroupOutput::InvitationSent {
            group: g.local_name,
            contact: c.local_name,
            role,
        }))
    }

    async fn join_group(&self, group: &str) -> Result<Vec<ChatOutput>> {
        let (user, g) = self.group_named(group)?;
        let (GroupStatus::Invited, Some(req)) = (g.status, &g.inv_conn_req) else {
            return Err(prohibited(&g.local_name, "no invitation to accept"));
        };
        let host = self
            .store
            .members(g.group_id)?
            .into_iter()
            .find(|m| m.category == MemberCategory::Host)
            .ok_or_else(|| prohibited(&g.local_name, "the inviting member is unknown"))?;
        let info = encode(
            None,
            ChatMsgEvent::GrpAcpt {
                member_id: MemberId(g.membership_id.clone()),
            },
        )?;
        let conn = self.agent(user.user_id)?.join(req, &info).await?;
        self.store
            .set_member_conn(host.member_row, Some(conn.as_str()))?;
        self.store
            .set_member_status(host.member_row, MemberStatus::Accepted)?;
        self.store
            .set_group_status(g.group_id, GroupStatus::Accepted)?;
        Ok(out(GroupOutput::Joining(g.local_name)))
    }

    /// Sends a message with `content` to the members of a group, replying to the
    /// `quoted` message; the item stores the content's text.
    pub(super) async fn send_group_text(
        &self,
        group: &str,
        content: MsgContent,
        quoted: Option<QuotedGroupItem<'_>>,
    ) -> Result<Vec<ChatOutput>> {
        let (user, g) = self.active_group(group)?;
        if !at_least(&g.role, &GroupMemberRole::Author) {
            return Err(prohibited(
                &g.local_name,
                "you don't have permission to send messages",
            ));
        }
        let now = self.now();
        let mut container = MsgContainer::simple(content.clone());
        let quote = match quoted {
            Some(which) => {
                let q = self.quoted_group_item(&user, &g, which)?;
                let (msg, stored) = Self::group_quote(&g, &q, &content)?;
                container.quote = Some(msg);
                Some(stored)
            }
            None => None,
        };
        let shared = random_bytes::<12>()?.to_vec();
        let item = self
            .send_group_msg_new(&g, shared, container, quote.as_ref(), None, now)
            .await?;
        Ok(out(GroupOutput::NewItem {
            group: g.local_name,
            item,
        }))
    }

    /// Checks that the user may act on `m` (admin or owner, not below the member).
    fn check_manage(g: &Group, m: &Member) -> Result<()> {
        if at_least(&g.role, &GroupMemberRole::Admin) && at_least(&g.role, &m.role) {
            Ok(())
        } else {
            Err(prohibited(
                &g.local_name,
                "you have insufficient permissions",
            ))
        }
    }

    async fn remove_member(&self, group: &str, member: &str) -> Result<Vec<ChatOutput>> {
        let (user, g) = self.active_group(group)?;
        let m = self.member_named(&g, member)?;
        Self::check_manage(&g, &m)?;
        let event = ChatMsgEvent::GrpMemDel {
            member_id: MemberId(m.member_id.clone()),
            messages: false,
        };
        self.send_to_members(user.user_id, &g, None, event).await?;
        self.store
            .set_member_status(m.member_row, MemberStatus::Removed)?;
        self.store.set_member_conn(m.member_row, None)?;
        // after the removal notice reaches the member
        self.delete_agent_conns(user.user_id, m.conn_id.clone(), true)
            .await;
        Ok(out(GroupOutput::Removed {
            group: g.local_name,
            by: None,
            member: Some(m.name().to_owned()),
        }))
    }

    async fn leave_group(&self, group: &str) -> Result<Vec<ChatOutput>> {
        let (user, g) = self.active_group(group)?;
        self.send_to_members(user.user_id, &g, None, ChatMsgEvent::GrpLeave)
            .await?;
        self.store.set_group_status(g.group_id, GroupStatus::Left)?;
        self.drop_group_link_of(user.user_id, &g).await?;
        self.delete_member_conns(user.user_id, &g, true).await?;
        Ok(out(GroupOutput::Left {
            group: g.local_name,
            member: None,
        }))
    }

    async fn change_role(
        &self,
        group: &str,
        member: &str,
        role: GroupMemberRole,
    ) -> Result<Vec<ChatOutput>> {
        let (user, g) = self.active_group(group)?;
        let m = self.member_named(&g, member)?;
        Self::check_manage(&g, &m)?;
        if !at_least(&g.role, &role) {
            return Err(prohibited(
                &g.local_name,
                "you have insufficient permissions",
            ));
        }
        let event = ChatMsgEvent::GrpMemRole {
            member_id: MemberId(m.member_id.clone()),
            role: role.clone(),
        };
        self.send_to_members(user.user_id, &g, None, event).await?;
        self.store.set_member_role(m.member_row, &role)?;
        Ok(out(GroupOutput::RoleChanged {
            group: g.local_name,
            by: None,
            member: Some(m.name().to_owned()),
            from: m.role,
            to: role,
        }))
    }

    async fn update_group_profile(
        &self,
        group: &str,
        name: &str,
        full_name: &str,
    ) -> Result<Vec<ChatOutput>> {
        let (user, g) = self.active_group(group)?;
        if g.role != GroupMemberRole::Owner {
            return Err(prohibited(
                &g.local_name,
                "only owners can change the group",
            ));
        }
        if !valid_display_name(name) {
            return Err(ChatError::BadName(name.to_owned()));
        }
        let profile = GroupProfile {
            display_name: name.to_owned(),
            full_name: full_name.to_owned(),
            ..g.profile.clone()
        };
        self.send_to_members(
            user.user_id,
            &g,
            None,
            ChatMsgEvent::GrpInfo(profile.clone()),
        )
        .await?;
        self.store.set_group_profile(&g, &profile)?;
        Ok(out(GroupOutput::ProfileUpdated {
            group: g.local_name,
            by: None,
            profile,
        }))
    }

    async fn delete_group(&self, group: &str) -> Result<Vec<ChatOutput>> {
        let (user, g) = self.group_named(group)?;
        let current = matches!(g.status, GroupStatus::Active | GroupStatus::Accepted);
        if current && g.role != GroupMemberRole::Owner {
            return Err(prohibited(
                &g.local_name,
                "only owners can delete the group; leave it first with /l",
            ));
        }
        let notified = g.status == GroupStatus::Active;
        if notified {
            self.send_to_members(user.user_id, &g, None, ChatMsgEvent::GrpDel)
                .await?;
        }
        self.drop_group_link_of(user.user_id, &g).await?;
        self.delete_member_conns(user.user_id, &g, notified).await?;
        self.store.delete_group(g.group_id)?;
        Ok(out(GroupOutput::Deleted {
            group: g.local_name,
            by: None,
        }))
    }

    /// Deletes the connections with all members of `g` through the agent (after what
    /// was sent on them is delivered, with `wait_delivery`) and forgets them.
    async fn delete_member_conns(
        &self,
        user_id: i64,
        g: &Group,
        wait_delivery: bool,
    ) -> Result<()> {
        let conns = self.take_member_conns(g)?;
        self.delete_agent_conns(user_id, conns, wait_delivery).await;
        Ok(())
    }

    /// Forgets the connections with all members of `g` and returns them, for the
    /// caller to delete through the agent.
    pub(super) fn take_member_conns(&self, g: &Group) -> Result<Vec<String>> {
        let mut conns = Vec::new();
        for m in self.store.members(g.group_id)? {
            if let Some(conn) = m.conn_id {
                self.store.set_member_conn(m.member_row, None)?;
                conns.push(conn);
            }
        }
        Ok(conns)
    }

    /// Our membership as sent in `x.grp.mem.info`.
    pub(super) fn membership_info_event(&self, user: &User, g: &Group) -> ChatMsgEvent {
        ChatMsgEvent::GrpMemInfo {
            member_id: MemberId(g.membership_id.clone()),
            profile: user_profile(user),
        }
    }
}
