//! Group events: invitations on contact connections (`x.grp.inv`), the handshakes on
//! member connections (`x.grp.acpt` / `x.ok` with the host, `x.grp.mem.info` between
//! introduced members), the introduction protocol (`x.grp.mem.new`, `.intro`, `.inv`,
//! `.fwd`, `.con`), messages, roles, removals, leaving, deletion, profiles, and the
//! host forwarding members' messages (`x.grp.msg.forward`) to the members they are not
//! connected to yet.

use chat_proto::ChatMessage;
use chat_proto::container::MsgReaction;
use chat_proto::event::{ChatMsgEvent, FwdSender, GrpMsgForward};
use chat_proto::group::{GroupInvitation, IntroInvitation, MemberIdRole, MemberInfo};
use chat_proto::ids::MemberId;
use chat_proto::parse::ParsedBody;
use chat_proto::parse_chat_messages;
use chat_proto::profile::{GroupProfile, Profile};
use chat_proto::role::GroupMemberRole;
use simplex_agent::AgentEvent;
use simplex_agent::store::{ConfirmationId, ConnId, InternalId};

use super::groups::{at_least, member_info};
use super::messages::utc;
use super::{Inner, encode};
use crate::error::{ChatError, Result};
use crate::groups_output::GroupOutput;
use crate::output::ChatOutput;
use crate::store::{
    Contact, Group, GroupStatus, ItemStatus, Member, MemberCategory, MemberStatus, NewMember, User,
};

/// The member who invited the user, as [`Inner::add_joined_group`] stores it.
pub(super) struct JoinedHost<'a> {
    /// Its member id and role.
    pub id_role: &'a MemberIdRole,
    /// Its profile.
    pub profile: &'a Profile,
    /// The connection with it, when there is one already.
    pub conn_id: Option<&'a str>,
    /// The contact it is.
    pub contact_id: Option<i64>,
}

fn out(g: GroupOutput) -> Vec<ChatOutput> {
    vec![ChatOutput::Group(g)]
}

impl Inner {
    /// `x.grp.inv` from a contact: the group is stored as invited.
    pub(super) fn group_invitation(
        &self,
        c: &Contact,
        inv: GroupInvitation,
    ) -> Result<Vec<ChatOutput>> {
        let host = JoinedHost {
            id_role: &inv.from_member,
            profile: &c.profile,
            conn_id: None,
            contact_id: Some(c.contact_id),
        };
        let g = self.add_joined_group(
            c.user_id,
            (&inv.group_profile, &inv.invited_member),
            (GroupStatus::Invited, Some(&inv.conn_request)),
            &host,
        )?;
        Ok(out(GroupOutput::Invited {
            group: g,
            from: c.local_name.clone(),
        }))
    }

    /// Stores a group the user was invited to (`x.grp.inv`) or joins by its link
    /// (`x.grp.link.inv`): the user's membership as `invited` says, in `state`, and the
    /// host as a member in the matching state.
    pub(super) fn add_joined_group(
        &self,
        user_id: i64,
        (profile, invited): (&GroupProfile, &MemberIdRole),
        (status, inv_conn_req): (GroupStatus, Option<&str>),
        host: &JoinedHost<'_>,
    ) -> Result<Group> {
        if host.id_role.member_id == invited.member_id {
            return Err(ChatError::Prohibited(format!(
                "#{}: invalid invitation, the host's member id is the one given to you",
                profile.display_name
            )));
        }
        let now = self.now();
        let g = self.store.add_group(
            user_id,
            profile,
            (&invited.member_id.0, &invited.member_role),
            status,
            inv_conn_req,
            now,
        )?;
        let host_status = match status {
            GroupStatus::Invited => MemberStatus::Invited,
            _ => MemberStatus::Accepted,
        };
        self.store.add_member(
            &NewMember {
                group_id: g.group_id,
                member_id: &host.id_role.member_id.0,
                profile: host.profile,
                role: &host.id_role.member_role,
                category: MemberCategory::Host,
                status: host_status,
                conn_id: host.conn_id,
                contact_id: host.contact_id,
            },
            now,
        )?;
        Ok(g)
    }

    /// Handles an agent event on a group member's connection; `None` when the
    /// connection is not a member's.
    pub(super) async fn member_agent_event(
        &self,
        user: &User,
        ev: &AgentEvent,
    ) -> Result<Option<Vec<ChatOutput>>> {
        let conn_id = match ev {
            AgentEvent::Conf { conn_id, .. }
            | AgentEvent::Info { conn_id, .. }
            | AgentEvent::Con { conn_id }
            | AgentEvent::Msg { conn_id, .. }
            | AgentEvent::Sent { conn_id, .. }
            | AgentEvent::Rcvd { conn_id, .. }
            | AgentEvent::MsgErr { conn_id, .. } => conn_id,
            _ => return Ok(None),
        };
        let Some(m) = self.store.member_by_conn(conn_id.as_str())? else {
            return Ok(None);
        };
        let g = self.store.group(m.group_id)?.ok_or(ChatError::NoItem)?;
        let outs = match ev {
            AgentEvent::Conf { conf_id, info, .. } => {
                self.member_conf(user, &g, &m, conn_id, conf_id, info)
                    .await?
            }
            AgentEvent::Info { info, .. } => {
                match ChatMessage::from_json(info)?.event {
                    ChatMsgEvent::GrpMemInfo { member_id, profile }
                        if member_id.0 == m.member_id =>
                    {
                        self.store.set_member_profile(m.member_row, &profile)?;
                    }
                    // a member who joined through the group link answers with its profile
                    ChatMsgEvent::Info(profile) if m.category == MemberCategory::Invitee => {
                        self.store.set_member_profile(m.member_row, &profile)?;
                    }
                    _ => {}
                }
                Vec::new()
            }
            AgentEvent::Con { .. } => self.member_connected(user, &g, &m).await?,
            AgentEvent::Msg { id, body, .. } => {
                self.member_msg(user, &g, &m, conn_id, *id, body).await?
            }
            AgentEvent::Sent { id, .. } => {
                self.group_delivery(&g, &m, id.0, ItemStatus::SndSent)?
            }
            AgentEvent::Rcvd { id, .. } => {
                self.group_delivery(&g, &m, id.0, ItemStatus::SndRcvd)?
            }
            AgentEvent::MsgErr { err, .. } => vec![ChatOutput::Error(format!(
                "#{}: message to {} could not be delivered: {err}",
                g.local_name,
                m.name()
            ))],
            _ => Vec::new(),
        };
        Ok(Some(outs))
    }

    async fn member_conf(
        &self,
        user: &User,
        g: &Group,
        m: &Member,
        conn_id: &ConnId,
        conf_id: &ConfirmationId,
        info: &[u8],
    ) -> Result<Vec<ChatOutput>> {
        let agent = self.agent(user.user_id)?;
        match (m.category, ChatMessage::from_json(info)?.event) {
            (MemberCategory::Invitee, ChatMsgEvent::GrpAcpt { member_id })
                if member_id.0 == m.member_id =>
            {
                self.store
                    .set_member_status(m.member_row, MemberStatus::Accepted)?;
                agent
                    .allow(conn_id, conf_id, &encode(None, ChatMsgEvent::Ok)?)
                    .await?;
            }
            (
                MemberCategory::Pre | MemberCategory::Post,
                ChatMsgEvent::GrpMemInfo { member_id, profile },
            ) if member_id.0 == m.member_id => {
                self.store.set_member_profile(m.member_row, &profile)?;
                let reply = encode(None, self.membership_info_event(user, g))?;
                agent.allow(conn_id, conf_id, &reply).await?;
            }
            (_, other) => {
                tracing::warn!(event = other.tag(), "unexpected confirmation from a member");
            }
        }
        Ok(Vec::new())
    }

    async fn member_connected(
        &self,
        user: &User,
        g: &Group,
        m: &Member,
    ) -> Result<Vec<ChatOutput>> {
        if !matches!(
            m.status,
            MemberStatus::Invited | MemberStatus::Accepted | MemberStatus::Connecting
        ) {
            return Ok(Vec::new());
        }
        self.store
            .set_member_status(m.member_row, MemberStatus::Connected)?;
        let group = g.local_name.clone();
        let member = m.name().to_owned();
        match m.category {
            MemberCategory::Host => {
                self.store
                    .set_group_status(g.group_id, GroupStatus::Active)?;
                Ok(out(GroupOutput::Joined(group)))
            }
            MemberCategory::Invitee => {
                if self.store.member_via_link(m.member_row)?
                    && let Some(conn) = &m.conn_id
                {
                    let event = ChatMsgEvent::GrpLinkMem(super::user_profile(user));
                    self.send_event(user.user_id, conn, None, event).await?;
                }
                self.introduce(user, g, m).await?;
                Ok(out(GroupOutput::MemberJoined { group, member }))
            }
            MemberCategory::Pre | MemberCategory::Post => {
                let host = self
                    .store
                    .members(g.group_id)?
                    .into_iter()
                    .find(|h| h.category == MemberCategory::Host && h.connected());
                if let Some(conn) = host.and_then(|h| h.conn_id) {
                    let event = ChatMsgEvent::GrpMemCon {
                        member_id: MemberId(m.member_id.clone()),
                    };
                    self.send_event(user.user_id, &conn, None, event).await?;
                }
                Ok(out(GroupOutput::MemberConnected { group, member }))
            }
            // the user's own row has no connection
            MemberCategory::User => Ok(Vec::new()),
        }
    }

    /// The host announces the new member `m` to the others (`x.grp.mem.new`) and
    /// introduces each of them to it (`x.grp.mem.intro`).
    async fn introduce(&self, user: &User, g: &Group, m: &Member) -> Result<()> {
        let Some(new_conn) = m.conn_id.clone() else {
            return Ok(());
        };
        let others: Vec<Member> = self
            .store
            .members(g.group_id)?
            .into_iter()
            .filter(|o| o.member_row != m.member_row && o.connected())
            .collect();
        let new = ChatMsgEvent::GrpMemNew {
            member_info: member_info(m),
            scope: None,
        };
        let body = encode(None, new)?;
        let agent = self.agent(user.user_id)?;
        for o in &others {
            if let Some(conn) = &o.conn_id {
                agent.send(&ConnId::from(conn.as_str()), &body).await?;
            }
        }
        for o in &others {
            let intro = ChatMsgEvent::GrpMemIntro {
                member_info: member_info(o),
                member_restrictions: None,
            };
            self.send_event(user.user_id, &new_conn, None, intro)
                .await?;
            self.store.add_intro(m.member_row, o.member_row)?;
        }
        Ok(())
    }

    async fn member_msg(
        &self,
        user: &User,
        g: &Group,
        m: &Member,
        conn_id: &ConnId,
        id: InternalId,
        body: &[u8],
    ) -> Result<Vec<ChatOutput>> {
        let mut outs = Vec::new();
        let mut receipt = false;
        // member connections that the batch ended: deleted once the message is acked
        let mut ended = Vec::new();
        for parsed in parse_chat_messages(body) {
            let msg = match parsed {
                Ok(p) => match p.body {
                    ParsedBody::Json(m) => *m,
                    ParsedBody::FileChunk(_) => continue,
                },
                Err(e) => {
                    outs.push(ChatOutput::Error(format!(
                        "#{} {}: bad message: {e}",
                        g.local_name,
                        m.name()
                    )));
                    continue;
                }
            };
            let forward = msg.event.is_forwarded_group_msg().then(|| msg.clone());
            receipt |= matches!(msg.event, ChatMsgEvent::MsgNew(_));
            // the group as it is now: an earlier message of the batch may have changed it
            let g = self.store.group(g.group_id)?.ok_or(ChatError::NoItem)?;
            match self.group_msg(user, &g, m, msg, false, &mut ended).await {
                Ok(o) => outs.extend(o),
                Err(e) => outs.push(ChatOutput::Error(super::error_text(&e))),
            }
            if let Some(msg) = forward {
                self.forward(user, &g, m, msg).await?;
            }
        }
        // delivery receipts only in small groups (the reference's rule)
        let info: &[u8] = b"";
        let receipt = receipt && self.group_receipts(g)?;
        self.agent(user.user_id)?
            .ack(conn_id, id, receipt.then_some(info))
            .await?;
        self.delete_agent_conns(user.user_id, ended, false).await;
        Ok(outs)
    }

    /// As host, forwards a member's message to the members introduced to it that are
    /// not connected to it yet.
    async fn forward(&self, user: &User, g: &Group, from: &Member, msg: ChatMessage) -> Result<()> {
        let targets = self.store.unconnected_intros(from.member_row)?;
        if targets.is_empty() {
            return Ok(());
        }
        let event = ChatMsgEvent::GrpMsgForward {
            forward: GrpMsgForward {
                sender: FwdSender::Member {
                    member_id: MemberId(from.member_id.clone()),
                    member_name: from.name().to_owned(),
                },
                broker_ts: utc(self.now())?,
            },
            msg: Box::new(msg),
        };
        let body = encode(None, event)?;
        let agent = self.agent(user.user_id)?;
        for row in targets {
            let Some(t) = self.store.member(row)? else {
                continue;
            };
            if let (true, Some(conn)) = (t.connected() && t.group_id == g.group_id, &t.conn_id) {
                agent.send(&ConnId::from(conn.as_str()), &body).await?;
            }
        }
        Ok(())
    }

    /// One group message from member `m` (received directly, or forwarded by the host
    /// when `forwarded`); the member connections it ends are forgotten and added to
    /// `ended`, for the caller to delete through the agent after the ack.
    async fn group_msg(
        &self,
        user: &User,
        g: &Group,
        m: &Member,
        msg: ChatMessage,
        forwarded: bool,
        ended: &mut Vec<String>,
    ) -> Result<Vec<ChatOutput>> {
        let group = g.local_name.clone();
        let by = Some(m.name().to_owned());
        let from_host = m.category == MemberCategory::Host;
        let now = self.now();
        match msg.event {
            ChatMsgEvent::MsgNew(container) => {
                if !at_least(&m.role, &GroupMemberRole::Author) {
                    tracing::warn!(member = m.name(), "message from an observer ignored");
                    return Ok(Vec::new());
                }
                let shared = msg.msg_id.as_ref().map(|s| s.0.as_slice());
                if let Some(s) = shared
                    && self.store.has_group_item(m.member_row, s)?
                {
                    return Ok(Vec::new());
                }
                let from = super::files::RcvFrom {
                    contact_id: None,
                    group_id: Some(g.group_id),
                    name: m.name(),
                };
                let file =
                    self.rcv_file_offer(user.user_id, from, msg.msg_id.as_ref(), &container)?;
                if container.file.is_some() && file.is_none() {
                    return Ok(Vec::new());
                }
                let file_id = file.as_ref().map(|f| f.file_id);
                let item =
                    self.add_rcv_group_item(g, m.member_row, shared, &container, file_id, now)?;
                let mut outs = out(GroupOutput::NewItem { group, item });
                outs.extend(self.offered_file_accepted(file.as_ref())?);
                Ok(outs)
            }
            ChatMsgEvent::MsgUpdate {
                msg_id, content, ..
            } => self.rcv_group_update(g, m, &msg_id, &content),
            ChatMsgEvent::MsgDel {
                msg_id, member_id, ..
            } => self.rcv_group_delete(user, g, m, &msg_id, member_id.as_ref()),
            ChatMsgEvent::MsgReact {
                msg_id,
                member_id,
                reaction: MsgReaction::Emoji(e),
                add,
                ..
            } => self.rcv_group_reaction(user, g, m, &msg_id, member_id.as_ref(), (e, add)),
            ChatMsgEvent::Info(profile) => {
                self.store.set_member_profile(m.member_row, &profile)?;
                Ok(Vec::new())
            }
            ChatMsgEvent::MsgFileDescr { msg_id, file_descr } => {
                self.rcv_file_descr(user.user_id, (None, Some(g.group_id)), &msg_id, &file_descr)
            }
            ChatMsgEvent::FileCancel { msg_id } => {
                self.rcv_file_cancel(user.user_id, (None, Some(g.group_id)), &msg_id)
            }
            ChatMsgEvent::GrpMemNew {
                member_info: mi, ..
            } if from_host || forwarded => {
                if mi.member_id.0 == g.membership_id
                    || self
                        .store
                        .member_by_id(g.group_id, &mi.member_id.0)?
                        .is_some()
                {
                    return Ok(Vec::new());
                }
                let new = self.add_known_member(g, &mi, MemberCategory::Post)?;
                Ok(out(GroupOutput::MemberAnnounced {
                    group,
                    by: m.name().to_owned(),
                    member: new.name().to_owned(),
                }))
            }
            ChatMsgEvent::GrpMemIntro {
                member_info: mi, ..
            } if from_host && !forwarded => {
                if mi.member_id.0 == g.membership_id {
                    return Ok(own_member_id(&group, "x.grp.mem.intro"));
                }
                if self
                    .store
                    .member_by_id(g.group_id, &mi.member_id.0)?
                    .is_some()
                {
                    return Ok(Vec::new());
                }
                let pre = self.add_known_member(g, &mi, MemberCategory::Pre)?;
                let (conn, link) = self.agent(user.user_id)?.create_invitation().await?;
                self.store
                    .set_member_conn(pre.member_row, Some(conn.as_str()))?;
                let inv = ChatMsgEvent::GrpMemInv {
                    member_id: mi.member_id,
                    member_intro: IntroInvitation {
                        group_conn_req: link,
                        direct_conn_req: None,
                    },
                };
                if let Some(host_conn) = &m.conn_id {
                    self.send_event(user.user_id, host_conn, None, inv).await?;
                }
                Ok(Vec::new())
            }
            ChatMsgEvent::GrpMemInv {
                member_id,
                member_intro,
            } if m.category == MemberCategory::Invitee && !forwarded => {
                let Some(to) = self.store.member_by_id(g.group_id, &member_id.0)? else {
                    return Ok(Vec::new());
                };
                if let (true, Some(conn)) = (to.connected(), &to.conn_id) {
                    let fwd = ChatMsgEvent::GrpMemFwd {
                        member_info: member_info(m),
                        member_intro,
                    };
                    self.send_event(user.user_id, conn, None, fwd).await?;
                }
                Ok(Vec::new())
            }
            ChatMsgEvent::GrpMemFwd {
                member_info: mi,
                member_intro,
            } if from_host && !forwarded => {
                if mi.member_id.0 == g.membership_id {
                    return Ok(own_member_id(&group, "x.grp.mem.fwd"));
                }
                let target = match self.store.member_by_id(g.group_id, &mi.member_id.0)? {
                    Some(t) => t,
                    None => self.add_known_member(g, &mi, MemberCategory::Post)?,
                };
                if target.conn_id.is_some() {
                    return Ok(Vec::new());
                }
                let info = encode(None, self.membership_info_event(user, g))?;
                let conn = self
                    .agent(user.user_id)?
                    .join(&member_intro.group_conn_req, &info)
                    .await?;
                self.store
                    .set_member_conn(target.member_row, Some(conn.as_str()))?;
                Ok(Vec::new())
            }
            ChatMsgEvent::GrpMemCon { member_id } | ChatMsgEvent::GrpMemConAll { member_id }
                if !forwarded =>
            {
                if let Some(other) = self.store.member_by_id(g.group_id, &member_id.0)? {
                    self.store
                        .set_intro_connected(m.member_row, other.member_row)?;
                }
                Ok(Vec::new())
            }
            ChatMsgEvent::GrpMemRole { member_id, role } => {
                let target_role = self.role_of(g, &member_id)?;
                if !at_least(&m.role, &GroupMemberRole::Admin)
                    || !at_least(&m.role, &target_role)
                    || !at_least(&m.role, &role)
                {
                    tracing::warn!(member = m.name(), "x.grp.mem.role without permission");
                    return Ok(Vec::new());
                }
                let member = if member_id.0 == g.membership_id {
                    self.store.set_membership_role(g.group_id, &role)?;
                    None
                } else {
                    let Some(t) = self.store.member_by_id(g.group_id, &member_id.0)? else {
                        return Ok(Vec::new());
                    };
                    self.store.set_member_role(t.member_row, &role)?;
                    Some(t.name().to_owned())
                };
                Ok(out(GroupOutput::RoleChanged {
                    group,
                    by,
                    member,
                    from: target_role,
                    to: role,
                }))
            }
            ChatMsgEvent::GrpMemDel { member_id, .. } => {
                let target_role = self.role_of(g, &member_id)?;
                if !at_least(&m.role, &GroupMemberRole::Admin) || !at_least(&m.role, &target_role) {
                    tracing::warn!(member = m.name(), "x.grp.mem.del without permission");
                    return Ok(Vec::new());
                }
                if member_id.0 == g.membership_id {
                    self.store
                        .set_group_status(g.group_id, GroupStatus::Removed)?;
                    ended.extend(self.take_member_conns(g)?);
                    return Ok(out(GroupOutput::Removed {
                        group,
                        by,
                        member: None,
                    }));
                }
                let Some(t) = self.store.member_by_id(g.group_id, &member_id.0)? else {
                    return Ok(Vec::new());
                };
                self.store
                    .set_member_status(t.member_row, MemberStatus::Removed)?;
                self.store.set_member_conn(t.member_row, None)?;
                ended.extend(t.conn_id.clone());
                Ok(out(GroupOutput::Removed {
                    group,
                    by,
                    member: Some(t.name().to_owned()),
                }))
            }
            ChatMsgEvent::GrpLeave => {
                self.store
                    .set_member_status(m.member_row, MemberStatus::Left)?;
                if m.conn_id.is_some() {
                    self.store.set_member_conn(m.member_row, None)?;
                }
                ended.extend(m.conn_id.clone());
                Ok(out(GroupOutput::Left { group, member: by }))
            }
            ChatMsgEvent::GrpDel if m.role == GroupMemberRole::Owner => {
                self.store
                    .set_group_status(g.group_id, GroupStatus::Deleted)?;
                ended.extend(self.take_member_conns(g)?);
                Ok(out(GroupOutput::Deleted { group, by }))
            }
            ChatMsgEvent::GrpInfo(profile) if m.role == GroupMemberRole::Owner => {
                self.store.set_group_profile(g, &profile)?;
                Ok(out(GroupOutput::ProfileUpdated { group, by, profile }))
            }
            ChatMsgEvent::GrpLinkMem(profile) if from_host && !forwarded => {
                self.store.set_member_profile(m.member_row, &profile)?;
                Ok(Vec::new())
            }
            ChatMsgEvent::GrpMsgForward { forward, msg } if from_host && !forwarded => {
                let FwdSender::Member { member_id, .. } = forward.sender else {
                    return Ok(Vec::new());
                };
                let Some(author) = self.store.member_by_id(g.group_id, &member_id.0)? else {
                    tracing::info!("forwarded message from an unknown member ignored");
                    return Ok(Vec::new());
                };
                Box::pin(self.group_msg(user, g, &author, *msg, true, ended)).await
            }
            other => {
                tracing::debug!(event = other.tag(), "group event not handled");
                Ok(Vec::new())
            }
        }
    }

    /// The role of a member (or of the user) by member id.
    fn role_of(&self, g: &Group, member_id: &MemberId) -> Result<GroupMemberRole> {
        if member_id.0 == g.membership_id {
            return Ok(g.role.clone());
        }
        Ok(self
            .store
            .member_by_id(g.group_id, &member_id.0)?
            .map(|t| t.role)
            .unwrap_or(GroupMemberRole::Owner))
    }

    fn add_known_member(
        &self,
        g: &Group,
        mi: &MemberInfo,
        category: MemberCategory,
    ) -> Result<Member> {
        self.store.add_member(
            &NewMember {
                group_id: g.group_id,
                member_id: &mi.member_id.0,
                profile: &mi.profile,
                role: &mi.member_role,
                category,
                status: MemberStatus::Connecting,
                conn_id: None,
                contact_id: None,
            },
            self.now(),
        )
    }
}

/// The report of a host's message about a member whose id is the user's own member
/// id: the message is ignored (and acknowledged).
fn own_member_id(group: &str, event: &str) -> Vec<ChatOutput> {
    tracing::warn!(
        group,
        event,
        "a member with the user's own member id, ignored"
    );
    vec![ChatOutput::Error(format!(
        "#{group}: {event} about a member with your own member id, ignored"
    ))]
}
