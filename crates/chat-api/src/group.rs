//! Groups and members (`GroupInfo`, `GroupMember`, `GroupLink`).

use crate::common::{ChatBotCommand, ChatSettings, CreatedConnLink, UtcTime, VersionRange};
use crate::conn::Connection;
use crate::user::LocalProfile;
use chat_proto::prefs::{
    GroupFeatureEnabled, GroupPreference, RoleGroupPreference, TimedMessagesGroupPreference,
};
use chat_proto::profile::GroupProfile;
use chat_proto::role::GroupMemberRole;
use serde::{Deserialize, Serialize};

/// A group preference with `enable` only, for the support chat (`SupportGroupPreference`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct SupportGroupPreference {
    /// On or off.
    pub enable: GroupFeatureEnabled,
}

/// The comments preference of a channel (`CommentsGroupPreference`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct CommentsGroupPreference {
    /// On or off.
    pub enable: GroupFeatureEnabled,
    /// How long posts take comments, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
}

/// Group preferences with every feature set (`FullGroupPreferences`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FullGroupPreferences {
    /// Disappearing messages.
    pub timed_messages: TimedMessagesGroupPreference,
    /// Direct messages between members.
    pub direct_messages: RoleGroupPreference,
    /// Full deletion.
    pub full_delete: GroupPreference,
    /// Reactions.
    pub reactions: GroupPreference,
    /// Voice messages.
    pub voice: RoleGroupPreference,
    /// Files.
    pub files: RoleGroupPreference,
    /// SimpleX links.
    pub simplex_links: RoleGroupPreference,
    /// Member reports.
    pub reports: GroupPreference,
    /// History sent to new members.
    pub history: GroupPreference,
    /// Chats with admins.
    pub support: SupportGroupPreference,
    /// Sessions.
    pub sessions: RoleGroupPreference,
    /// Comments on channel posts.
    pub comments: CommentsGroupPreference,
    /// Signed messages.
    pub sign_messages: GroupPreference,
    /// Bot commands.
    #[serde(default)]
    pub commands: Vec<ChatBotCommand>,
}

impl Default for FullGroupPreferences {
    /// Defaults: reactions, voice, files, links and reports on; timed messages (one-day TTL), direct messages, full deletion, history, support, sessions, comments and signing off.
    fn default() -> Self {
        let on = || GroupPreference {
            enable: GroupFeatureEnabled::On,
        };
        let off = || GroupPreference {
            enable: GroupFeatureEnabled::Off,
        };
        let role = |enable| RoleGroupPreference { enable, role: None };
        FullGroupPreferences {
            timed_messages: TimedMessagesGroupPreference {
                enable: GroupFeatureEnabled::Off,
                ttl: Some(86400),
            },
            direct_messages: role(GroupFeatureEnabled::Off),
            full_delete: off(),
            reactions: on(),
            voice: role(GroupFeatureEnabled::On),
            files: role(GroupFeatureEnabled::On),
            simplex_links: role(GroupFeatureEnabled::On),
            reports: on(),
            history: off(),
            support: SupportGroupPreference {
                enable: GroupFeatureEnabled::Off,
            },
            sessions: role(GroupFeatureEnabled::Off),
            comments: CommentsGroupPreference {
                enable: GroupFeatureEnabled::Off,
                duration: None,
            },
            sign_messages: off(),
            commands: Vec::new(),
        }
    }
}

/// Member counts of a group (`GroupSummary`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupSummary {
    /// Current members.
    pub current_members: i64,
    /// The public member count of a channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_member_count: Option<i64>,
}

/// Which side of a business chat the user is on (`BusinessChatType`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BusinessChatType {
    /// The user is the business.
    Business,
    /// The user is the customer.
    Customer,
}

/// What makes a group a business chat (`BusinessChatInfo`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BusinessChatInfo {
    /// The user's side.
    pub chat_type: BusinessChatType,
    /// The business member's member id (base64).
    pub business_id: String,
    /// The customer member's member id (base64).
    pub customer_id: String,
}

/// A group as the user sees it (`GroupInfo`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupInfo {
    /// The chat database id.
    pub group_id: i64,
    /// Whether the group uses chat relays (a channel).
    #[serde(default)]
    pub use_relays: bool,
    /// The unique local name.
    pub local_display_name: String,
    /// The group's profile.
    pub group_profile: GroupProfile,
    /// A local alias.
    pub local_alias: String,
    /// Set for business chats (made through a business address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_chat: Option<BusinessChatInfo>,
    /// Preferences with defaults filled in.
    pub full_group_preferences: FullGroupPreferences,
    /// The user's own membership.
    pub membership: GroupMember,
    /// Chat settings.
    pub chat_settings: ChatSettings,
    /// When it was created.
    pub created_at: UtcTime,
    /// When it last changed.
    pub updated_at: UtcTime,
    /// The time of the last message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_ts: Option<UtcTime>,
    /// When the user's member profile was last sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_member_profile_sent_at: Option<UtcTime>,
    /// Tags of the chat.
    #[serde(default)]
    pub chat_tags: Vec<i64>,
    /// Time to live of messages in this chat, seconds.
    #[serde(
        rename = "chatItemTTL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub chat_item_ttl: Option<i64>,
    /// Data a bot attached to the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_data: Option<serde_json::Map<String, serde_json::Value>>,
    /// Member counts.
    pub group_summary: GroupSummary,
    /// Members waiting for an admin.
    #[serde(default)]
    pub members_require_attention: i64,
    /// The group link the user joined through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via_group_link_uri: Option<String>,
}

/// How a member relates to the user (`GroupMemberCategory`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum GroupMemberCategory {
    /// The user.
    User,
    /// Invited by the user.
    Invitee,
    /// The member that invited the user.
    Host,
    /// Joined before the user.
    Pre,
    /// Joined after the user.
    Post,
}

/// A member's state (`GroupMemberStatus`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum GroupMemberStatus {
    /// Rejected by admins.
    #[serde(rename = "rejected")]
    Rejected,
    /// Removed.
    #[serde(rename = "removed")]
    Removed,
    /// Left.
    #[serde(rename = "left")]
    Left,
    /// The group was deleted.
    #[serde(rename = "deleted")]
    Deleted,
    /// Not known.
    #[serde(rename = "unknown")]
    Unknown,
    /// Invited.
    #[serde(rename = "invited")]
    Invited,
    /// Waiting for the host's approval.
    #[serde(rename = "pending_approval")]
    PendingApproval,
    /// Waiting for admins' review.
    #[serde(rename = "pending_review")]
    PendingReview,
    /// Introduced by the host.
    #[serde(rename = "introduced")]
    Introduced,
    /// Introduction invitation received.
    #[serde(rename = "intro-inv")]
    IntroInvited,
    /// Accepted the invitation.
    #[serde(rename = "accepted")]
    Accepted,
    /// Announced to the group.
    #[serde(rename = "announced")]
    Announced,
    /// Connected.
    #[serde(rename = "connected")]
    Connected,
    /// Connected to all members.
    #[serde(rename = "complete")]
    Complete,
    /// Created the group.
    #[serde(rename = "creator")]
    Creator,
}

/// Per-member settings (`GroupMemberSettings`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupMemberSettings {
    /// Whether the member's messages are shown.
    pub show_messages: bool,
}

impl Default for GroupMemberSettings {
    fn default() -> Self {
        GroupMemberSettings {
            show_messages: true,
        }
    }
}

/// Who invited a member (`InvitedBy`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum InvitedBy {
    /// A contact of the user.
    Contact {
        /// The contact's id.
        by_contact_id: i64,
    },
    /// The user.
    User,
    /// Someone else.
    Unknown,
}

/// A group member (`GroupMember`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupMember {
    /// The chat database id.
    pub group_member_id: i64,
    /// The group's id.
    pub group_id: i64,
    /// The member's index in the group's member vector.
    pub index_in_group: i64,
    /// The member id shared by all members (base64).
    pub member_id: String,
    /// The role.
    pub member_role: GroupMemberRole,
    /// How the member relates to the user.
    pub member_category: GroupMemberCategory,
    /// The member's state.
    pub member_status: GroupMemberStatus,
    /// Per-member settings.
    pub member_settings: GroupMemberSettings,
    /// Whether an admin blocked the member.
    #[serde(default)]
    pub blocked_by_admin: bool,
    /// Who invited the member.
    pub invited_by: InvitedBy,
    /// The member that invited this one, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited_by_group_member_id: Option<i64>,
    /// The unique local name.
    pub local_display_name: String,
    /// The member's profile.
    pub member_profile: LocalProfile,
    /// The contact of the member, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_contact_id: Option<i64>,
    /// The profile id of the member's contact profile.
    pub member_contact_profile_id: i64,
    /// The connection to the member, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_conn: Option<Connection>,
    /// The member's chat version range.
    #[serde(rename = "memberChatVRange")]
    pub member_chat_v_range: VersionRange,
    /// When it was created.
    pub created_at: UtcTime,
    /// When it last changed.
    pub updated_at: UtcTime,
}

/// A group with its members (`Group`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// The group.
    pub group_info: GroupInfo,
    /// Its members (without the user).
    pub members: Vec<GroupMember>,
}

/// A group's link (`GroupLink`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupLink {
    /// The chat database id.
    pub user_contact_link_id: i64,
    /// The link.
    pub conn_link_contact: CreatedConnLink,
    /// Whether the short link's data was set.
    #[serde(default)]
    pub short_link_data_set: bool,
    /// Whether the short link's large data was set.
    #[serde(default)]
    pub short_link_large_data_set: bool,
    /// The group link id (base64).
    pub group_link_id: String,
    /// The role of members joining through the link.
    pub accept_member_role: GroupMemberRole,
}
