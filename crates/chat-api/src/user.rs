//! Users and their local profiles (`User`, `LocalProfile`, `UserInfo`).

use crate::common::{FullPreferences, UtcTime};
use chat_proto::profile::Profile;
use serde::{Deserialize, Serialize};

/// Whether a profile belongs to a person or a bot (`ChatPeerType`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChatPeerType {
    /// A person.
    Human,
    /// A bot.
    Bot,
}

/// A profile as stored locally: the profile plus its id, peer type and local alias
/// (`LocalProfile`), written as one flat object.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalProfile {
    /// The database id of the profile.
    pub profile_id: i64,
    /// The profile itself.
    #[serde(flatten)]
    pub profile: Profile,
    /// Person or bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_type: Option<ChatPeerType>,
    /// A local alias.
    #[serde(default)]
    pub local_alias: String,
}

impl LocalProfile {
    /// The local profile of `profile` with database id `profile_id` and no alias.
    pub fn new(profile_id: i64, profile: Profile) -> Self {
        LocalProfile {
            profile_id,
            profile,
            peer_type: None,
            local_alias: String::new(),
        }
    }
}

/// A hidden user's password hash (`UserPwdHash`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct UserPwdHash {
    /// The hash (base64).
    pub hash: String,
    /// The salt (base64).
    pub salt: String,
}

/// A chat user (`User`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// The chat database id.
    pub user_id: i64,
    /// The agent's user id.
    pub agent_user_id: i64,
    /// The contact id that stands for the user.
    pub user_contact_id: i64,
    /// The unique local name.
    pub local_display_name: String,
    /// The user's profile.
    pub profile: LocalProfile,
    /// The user's preferences with defaults filled in.
    pub full_preferences: FullPreferences,
    /// Whether this is the active user.
    #[serde(default)]
    pub active_user: bool,
    /// The order of activation.
    pub active_order: i64,
    /// The password hash of a hidden user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_pwd_hash: Option<UserPwdHash>,
    /// Whether notifications are shown.
    #[serde(default)]
    pub show_ntfs: bool,
    /// Whether receipts are sent to contacts.
    #[serde(default)]
    pub send_rcpts_contacts: bool,
    /// Whether receipts are sent in small groups.
    #[serde(default)]
    pub send_rcpts_small_groups: bool,
    /// Whether contacts offered by group members are accepted automatically.
    #[serde(default)]
    pub auto_accept_member_contacts: bool,
    /// When the profile shown to group members last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_member_profile_updated_at: Option<UtcTime>,
    /// Whether the user is a chat relay.
    #[serde(default)]
    pub user_chat_relay: bool,
    /// Whether the user is a client service.
    #[serde(default)]
    pub client_service: bool,
}

/// A user with its unread count (`UserInfo`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserInfo {
    /// The user.
    pub user: User,
    /// Unread messages.
    pub unread_count: i64,
}
