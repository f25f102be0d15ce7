//! The engine's groups, members and group messages as the bot API's JSON types.
//!
//! The store keeps no member timestamps or member connection details, so those are
//! the conversion time `t`; a member's connection is omitted.

use chat_api::common::{ChatSettings, UtcTime};
use chat_api::group::{
    FullGroupPreferences, GroupInfo, GroupMember, GroupMemberCategory, GroupMemberSettings,
    GroupMemberStatus, GroupSummary, InvitedBy,
};
use chat_api::item::{AChatItem, CIDirection, CIQuote, CIStatus, ChatInfo, ChatItem, ChatType};
use chat_api::user::LocalProfile;
use chat_proto::content::MsgContent;
use chat_proto::profile::Profile;

use super::convert::{ItemParts, build_item, chat_vrange, reactions, status, utc};
use crate::store::{
    self, GroupItem, GroupQuote, GroupStatus, ItemStatus, MemberCategory, MemberStatus, QuoteAuthor,
};

fn member_status(s: MemberStatus) -> GroupMemberStatus {
    match s {
        MemberStatus::Invited => GroupMemberStatus::Invited,
        MemberStatus::Accepted => GroupMemberStatus::Accepted,
        MemberStatus::Connecting => GroupMemberStatus::Announced,
        MemberStatus::Connected => GroupMemberStatus::Connected,
        MemberStatus::Removed => GroupMemberStatus::Removed,
        MemberStatus::Left => GroupMemberStatus::Left,
    }
}

fn category(c: MemberCategory) -> GroupMemberCategory {
    match c {
        MemberCategory::Host => GroupMemberCategory::Host,
        MemberCategory::Invitee => GroupMemberCategory::Invitee,
        MemberCategory::Pre => GroupMemberCategory::Pre,
        MemberCategory::Post => GroupMemberCategory::Post,
        MemberCategory::User => GroupMemberCategory::User,
    }
}

/// A stored member as the API's `GroupMember`.
pub fn group_member(m: &store::Member, t: UtcTime) -> GroupMember {
    GroupMember {
        group_member_id: m.member_row,
        group_id: m.group_id,
        index_in_group: m.member_row,
        member_id: simplex_encoding::base64url::encode(&m.member_id),
        member_role: m.role.clone(),
        member_category: category(m.category),
        member_status: member_status(m.status),
        member_settings: GroupMemberSettings::default(),
        blocked_by_admin: false,
        invited_by: match (m.category, m.contact_id) {
            (MemberCategory::Invitee, _) => InvitedBy::User,
            (_, Some(id)) => InvitedBy::Contact { by_contact_id: id },
            _ => InvitedBy::Unknown,
        },
        invited_by_group_member_id: None,
        local_display_name: m.name().to_owned(),
        member_profile: LocalProfile::new(m.member_row, m.profile.clone()),
        member_contact_id: m.contact_id,
        member_contact_profile_id: m.member_row,
        active_conn: None,
        member_chat_v_range: chat_vrange(),
        created_at: t,
        updated_at: t,
    }
}

/// The user's own membership in a group (its id is the user's own member row).
pub fn membership(g: &store::Group, u: &store::User, t: UtcTime) -> GroupMember {
    let status = match g.status {
        GroupStatus::Invited => GroupMemberStatus::Invited,
        GroupStatus::Accepted => GroupMemberStatus::Accepted,
        GroupStatus::Active => GroupMemberStatus::Connected,
        GroupStatus::Left => GroupMemberStatus::Left,
        GroupStatus::Removed => GroupMemberStatus::Removed,
        GroupStatus::Deleted => GroupMemberStatus::Deleted,
    };
    let profile = Profile {
        full_name: u.full_name.clone(),
        ..Profile::from_name(&u.display_name)
    };
    GroupMember {
        group_member_id: g.membership_row,
        group_id: g.group_id,
        index_in_group: g.membership_row,
        member_id: simplex_encoding::base64url::encode(&g.membership_id),
        member_role: g.role.clone(),
        member_category: GroupMemberCategory::User,
        member_status: status,
        member_settings: GroupMemberSettings::default(),
        blocked_by_admin: false,
        invited_by: InvitedBy::Unknown,
        invited_by_group_member_id: None,
        local_display_name: u.display_name.clone(),
        member_profile: LocalProfile::new(u.user_id, profile),
        member_contact_id: None,
        member_contact_profile_id: u.user_id,
        active_conn: None,
        member_chat_v_range: chat_vrange(),
        created_at: t,
        updated_at: t,
    }
}

/// A stored group as the API's `GroupInfo`, with its current member count (the
/// user included).
pub fn group_info(g: &store::Group, u: &store::User, members: usize, t: UtcTime) -> GroupInfo {
    GroupInfo {
        group_id: g.group_id,
        use_relays: false,
        local_display_name: g.local_name.clone(),
        group_profile: g.profile.clone(),
        local_alias: String::new(),
        business_chat: None,
        full_group_preferences: FullGroupPreferences::default(),
        membership: membership(g, u, t),
        chat_settings: ChatSettings::default(),
        created_at: t,
        updated_at: t,
        chat_ts: None,
        user_member_profile_sent_at: None,
        chat_tags: Vec::new(),
        chat_item_ttl: None,
        custom_data: None,
        group_summary: GroupSummary {
            current_members: i64::try_from(members).unwrap_or(i64::MAX),
            public_member_count: None,
        },
        members_require_attention: 0,
        via_group_link_uri: None,
    }
}

/// The API's `CIQuote` of a group message's quote; `quoted_by` is the quoted
/// member when known (the direction is absent for an unknown member, as the
/// reference's `CIQGroupRcv Nothing`).
fn group_quote(q: &GroupQuote, quoted_by: Option<&store::Member>, t: UtcTime) -> CIQuote {
    let chat_dir = match (&q.author, quoted_by) {
        (QuoteAuthor::User(_), _) => Some(CIDirection::GroupSnd),
        (QuoteAuthor::Member { .. }, Some(m)) => Some(CIDirection::GroupRcv {
            group_member: Box::new(group_member(m, t)),
        }),
        _ => None,
    };
    CIQuote {
        chat_dir,
        item_id: q.item_id,
        shared_msg_id: q
            .shared_msg_id
            .as_deref()
            .map(simplex_encoding::base64url::encode),
        sent_at: q.sent_at.and_then(utc).unwrap_or(t),
        content: MsgContent::text(&q.text),
    }
}

/// A stored group message as the API's `ChatItem`; `author` is the sending member
/// (`None`: the user), `quoted_by` the author of the quoted message when it is a
/// member, `delivered` the user's message's state (from its delivery to each
/// member).
pub fn group_chat_item(
    it: &GroupItem,
    author: Option<&store::Member>,
    quoted_by: Option<&store::Member>,
    delivered: CIStatus,
    t: UtcTime,
) -> ChatItem {
    let dir = match author {
        Some(m) => CIDirection::GroupRcv {
            group_member: Box::new(group_member(m, t)),
        },
        None => CIDirection::GroupSnd,
    };
    let counted: Vec<(bool, String)> = it
        .reactions
        .iter()
        .map(|(by, e)| (by.is_none(), e.clone()))
        .collect();
    let mut item = build_item(ItemParts {
        id: it.item_id,
        sent: it.sent(),
        dir,
        content: &it.content,
        shared: it.shared_msg_id.as_deref(),
        edited: it.edited,
        deleted: it.deleted.is_some(),
        chat_type: ChatType::Group,
        status: if it.sent() {
            delivered
        } else {
            status(ItemStatus::Rcv)
        },
        timed: None,
        quote: None,
        reactions: reactions(&counted),
        created: utc(it.created_at).unwrap_or(t),
        updated: utc(it.updated_at).unwrap_or(t),
        file: it.file.as_ref(),
    });
    item.quoted_item = it.quote.as_ref().map(|q| group_quote(q, quoted_by, t));
    item
}

/// A stored group link as the API's `GroupLink`.
pub fn group_link(l: &store::GroupLink) -> chat_api::group::GroupLink {
    chat_api::group::GroupLink {
        user_contact_link_id: l.link_id,
        conn_link_contact: chat_api::common::CreatedConnLink {
            conn_full_link: l.link.clone(),
            conn_short_link: l.short_link.clone(),
        },
        short_link_data_set: false,
        short_link_large_data_set: false,
        group_link_id: simplex_encoding::base64url::encode(&l.link_ref),
        accept_member_role: l.role.clone(),
    }
}

/// A group message with its chat.
pub fn a_group_item(info: GroupInfo, item: ChatItem) -> AChatItem {
    AChatItem {
        chat_info: ChatInfo::Group { group_info: info },
        chat_item: item,
    }
}
