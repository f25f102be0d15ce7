//! Group links (the reference's `/create link #g`): a contact address of a group.
//! Its owner or an admin creates it; a request to it (`/c LINK`, `x.contact`) is
//! accepted at once with `x.grp.link.inv` (the group profile, the new member's id and
//! the link's role) as a new member connection; the joiner stores the group from it,
//! answers with `x.info`; when the connection is up the host sends `x.grp.link.mem`
//! (its profile) and introduces the new member to the others.

use chat_proto::ChatMessage;
use chat_proto::event::ChatMsgEvent;
use chat_proto::group::{GroupLinkInvitation, MemberIdRole};
use chat_proto::ids::MemberId;
use chat_proto::profile::Profile;
use chat_proto::role::{GroupAcceptance, GroupMemberRole};
use simplex_agent::store::{ConfirmationId, ConnId, InvitationId};

use super::group_events::JoinedHost;
use super::groups::at_least;
use super::{Inner, encode, user_profile};
use crate::error::{ChatError, Result};
use crate::groups_output::GroupOutput;
use crate::output::ChatOutput;
use crate::profiles::random_bytes;
use crate::store::{
    Group, GroupLink, GroupStatus, MemberCategory, MemberStatus, NewGroupLink, NewMember, User,
};

fn out(g: GroupOutput) -> Vec<ChatOutput> {
    vec![ChatOutput::Group(g)]
}

impl Inner {
    /// The active user's group whose link the user may manage (an active admin or
    /// owner).
    fn link_group(&self, group: &str) -> Result<(User, Group)> {
        let (user, g) = self.active_group(group)?;
        if !at_least(&g.role, &GroupMemberRole::Admin) {
            return Err(ChatError::Prohibited(format!(
                "#{}: you have insufficient permissions",
                g.local_name
            )));
        }
        Ok((user, g))
    }

    /// `/create link #group [role]`.
    pub(super) async fn create_group_link(
        &self,
        group: &str,
        role: GroupMemberRole,
    ) -> Result<Vec<ChatOutput>> {
        let (user, g) = self.link_group(group)?;
        if self.store.group_link(g.group_id)?.is_some() {
            return Err(ChatError::GroupLinkExists(g.local_name));
        }
        check_link_role(&g, &role)?;
        let (conn, link, short) = self.new_contact_address(user.user_id).await?;
        let link = self.store.add_group_link(
            &NewGroupLink {
                group_id: g.group_id,
                conn_id: conn.as_str(),
                link: &link,
                short_link: short.as_deref(),
                link_ref: &random_bytes::<16>()?,
                role: &role,
            },
            self.now(),
        )?;
        Ok(out(GroupOutput::Link {
            group: g.local_name,
            link,
            created: true,
        }))
    }

    /// `/show link #group`.
    pub(super) fn show_group_link(&self, group: &str) -> Result<Vec<ChatOutput>> {
        let (_, g) = self.group_named(group)?;
        let link = self
            .store
            .group_link(g.group_id)?
            .ok_or_else(|| ChatError::NoGroupLink(g.local_name.clone()))?;
        Ok(out(GroupOutput::Link {
            group: g.local_name,
            link,
            created: false,
        }))
    }

    /// `/set link role #group role`.
    pub(super) fn set_group_link_role(
        &self,
        group: &str,
        role: GroupMemberRole,
    ) -> Result<Vec<ChatOutput>> {
        let (_, g) = self.link_group(group)?;
        if self.store.group_link(g.group_id)?.is_none() {
            return Err(ChatError::NoGroupLink(g.local_name));
        }
        check_link_role(&g, &role)?;
        self.store.set_group_link_role(g.group_id, &role)?;
        self.show_group_link(&g.local_name)
    }

    /// `/delete link #group`: the link's queue is deleted on the relay; members who
    /// joined through it stay.
    pub(super) async fn delete_group_link(&self, group: &str) -> Result<Vec<ChatOutput>> {
        let (user, g) = self.group_named(group)?;
        let link = self
            .store
            .group_link(g.group_id)?
            .ok_or_else(|| ChatError::NoGroupLink(g.local_name.clone()))?;
        self.drop_group_link(user.user_id, &link).await?;
        Ok(out(GroupOutput::LinkDeleted(g.local_name)))
    }

    /// Forgets a link and deletes its queue (when the user leaves or deletes the group).
    pub(super) async fn drop_group_link_of(&self, user_id: i64, g: &Group) -> Result<()> {
        if let Some(link) = self.store.group_link(g.group_id)? {
            self.drop_group_link(user_id, &link).await?;
        }
        Ok(())
    }

    async fn drop_group_link(&self, user_id: i64, link: &GroupLink) -> Result<()> {
        self.store.delete_group_link(link.group_id)?;
        self.delete_agent_conns(user_id, [link.conn_id.clone()], false)
            .await;
        Ok(())
    }

    /// A request to a group link (`REQ` on its address): the requester becomes a
    /// member with the link's role at once. `None` when the address is no group link.
    pub(super) async fn group_link_request(
        &self,
        user: &User,
        conn_id: &ConnId,
        inv_id: &str,
        info: &[u8],
    ) -> Result<Option<Vec<ChatOutput>>> {
        let Some(link) = self.store.group_link_by_conn(conn_id.as_str())? else {
            return Ok(None);
        };
        let g = self.store.group(link.group_id)?.ok_or(ChatError::NoItem)?;
        let profile = match ChatMessage::from_json(info)?.event {
            ChatMsgEvent::Contact { profile, .. } | ChatMsgEvent::Info(profile) => profile,
            other => {
                tracing::warn!(event = other.tag(), "group link request without a profile");
                return Ok(Some(Vec::new()));
            }
        };
        if g.status != GroupStatus::Active {
            tracing::info!("request to the link of a group the user is not active in");
            return Ok(Some(Vec::new()));
        }
        let member_id = random_bytes::<12>()?;
        let size = self.store.current_member_count(g.group_id)?;
        let inv = GroupLinkInvitation {
            from_member: MemberIdRole {
                member_id: MemberId(g.membership_id.clone()),
                member_role: g.role.clone(),
            },
            from_member_name: user.display_name.clone(),
            invited_member: MemberIdRole {
                member_id: MemberId(member_id.to_vec()),
                member_role: link.role.clone(),
            },
            group_profile: g.profile.clone(),
            accepted: Some(GroupAcceptance::Accepted),
            business: None,
            group_size: Some(i64::try_from(size).unwrap_or(i64::MAX)),
        };
        let body = encode(None, ChatMsgEvent::GrpLinkInv(inv))?;
        let conn = self
            .agent(user.user_id)?
            .accept_contact(&InvitationId::from(inv_id), &body)
            .await?;
        let m = self.store.add_member(
            &NewMember {
                group_id: g.group_id,
                member_id: &member_id,
                profile: &profile,
                role: &link.role,
                category: MemberCategory::Invitee,
                status: MemberStatus::Accepted,
                conn_id: Some(conn.as_str()),
                contact_id: None,
            },
            self.now(),
        )?;
        self.store.set_member_via_link(m.member_row)?;
        Ok(Some(out(GroupOutput::LinkRequestAccepting {
            group: g.local_name,
            member: m.name().to_owned(),
            full_name: profile.full_name,
        })))
    }

    /// `CONF` with `x.grp.link.inv` on a connection the user made with `/c LINK`: the
    /// link was a group link; the group is stored with the host as a member and the
    /// connection is allowed with the user's profile. `None` when the confirmation is
    /// something else.
    pub(super) async fn group_link_confirmation(
        &self,
        user: &User,
        conn_id: &ConnId,
        conf_id: &ConfirmationId,
        info: &[u8],
    ) -> Result<Option<Vec<ChatOutput>>> {
        let Ok(msg) = ChatMessage::from_json(info) else {
            return Ok(None);
        };
        let ChatMsgEvent::GrpLinkInv(inv) = msg.event else {
            return Ok(None);
        };
        let Some(incognito) = self.store.take_pending_conn(conn_id.as_str())? else {
            tracing::info!("group link invitation on an unknown connection");
            return Ok(Some(Vec::new()));
        };
        if incognito.is_some() {
            // groups have no incognito membership here: the confirmation is not
            // answered (that would send the real profile) and the connection is dropped
            self.delete_agent_conns(user.user_id, [conn_id.as_str().to_owned()], false)
                .await;
            return Ok(Some(vec![ChatOutput::Error(format!(
                "#{}: joining a group incognito is not supported, the connection is deleted; \
                 join without incognito to use your profile",
                inv.group_profile.display_name
            ))]));
        }
        let host = JoinedHost {
            id_role: &inv.from_member,
            profile: &Profile::from_name(&inv.from_member_name),
            conn_id: Some(conn_id.as_str()),
            contact_id: None,
        };
        let g = self.add_joined_group(
            user.user_id,
            (&inv.group_profile, &inv.invited_member),
            (GroupStatus::Accepted, None),
            &host,
        )?;
        let reply = encode(None, ChatMsgEvent::Info(user_profile(user)))?;
        self.agent(user.user_id)?
            .allow(conn_id, conf_id, &reply)
            .await?;
        Ok(Some(out(GroupOutput::LinkJoining(g.local_name))))
    }
}

/// A link may not make members with a role above `member` (the reference allows
/// observers and members), nor above the user's own.
fn check_link_role(g: &Group, role: &GroupMemberRole) -> Result<()> {
    let allowed = matches!(role, GroupMemberRole::Observer | GroupMemberRole::Member);
    if allowed && at_least(&g.role, role) {
        Ok(())
    } else {
        Err(ChatError::Prohibited(format!(
            "#{}: a group link can only make observers and members",
            g.local_name
        )))
    }
}
