//! Contacts and contact requests (`Contact`, `UserContactRequest`).

use crate::common::{ChatSettings, ContactUserPreferences, UtcTime, VersionRange};
use crate::conn::Connection;
use crate::user::LocalProfile;
use chat_proto::prefs::Preferences;
use serde::{Deserialize, Serialize};

/// Whether a contact is active or deleted (`ContactStatus`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ContactStatus {
    /// Active.
    Active,
    /// Deleted by the contact.
    Deleted,
    /// Deleted by the user (kept for groups).
    DeletedByUser,
}

/// A contact (`Contact`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// The chat database id.
    pub contact_id: i64,
    /// The unique local name.
    pub local_display_name: String,
    /// The contact's profile.
    pub profile: LocalProfile,
    /// The current connection, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_conn: Option<Connection>,
    /// Whether the contact was used (not only a group member's contact).
    #[serde(default)]
    pub contact_used: bool,
    /// Active or deleted.
    pub contact_status: ContactStatus,
    /// Chat settings.
    pub chat_settings: ChatSettings,
    /// The user's preferences for this contact.
    pub user_preferences: Preferences,
    /// Both sides' preferences merged.
    pub merged_preferences: ContactUserPreferences,
    /// When it was created.
    pub created_at: UtcTime,
    /// When it last changed.
    pub updated_at: UtcTime,
    /// The time of the last message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_ts: Option<UtcTime>,
    /// The contact request it came from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_request_id: Option<i64>,
    /// The group member it was created from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_group_member_id: Option<i64>,
    /// Whether a group invitation was sent to it.
    #[serde(default)]
    pub contact_grp_inv_sent: bool,
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
    /// Whether the chat was deleted while the contact is kept.
    #[serde(default)]
    pub chat_deleted: bool,
    /// Data a bot attached to the contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_data: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A request to connect received via the user's address (`UserContactRequest`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserContactRequest {
    /// The chat database id.
    pub contact_request_id: i64,
    /// The agent's invitation id.
    pub agent_invitation_id: String,
    /// The contact made for it, if any.
    #[serde(
        rename = "contactId_",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub contact_id: Option<i64>,
    /// The business chat made for it, if any.
    #[serde(
        rename = "businessGroupId_",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub business_group_id: Option<i64>,
    /// The address it came through.
    #[serde(
        rename = "userContactLinkId_",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub user_contact_link_id: Option<i64>,
    /// The requester's chat version range.
    #[serde(rename = "cReqChatVRange")]
    pub c_req_chat_v_range: VersionRange,
    /// The unique local name.
    pub local_display_name: String,
    /// The database id of the requester's profile.
    pub profile_id: i64,
    /// The requester's profile.
    pub profile: LocalProfile,
    /// When it was received.
    pub created_at: UtcTime,
    /// When it last changed.
    pub updated_at: UtcTime,
    /// The requester's contact id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_contact_id: Option<String>,
    /// Whether the requester supports post-quantum encryption.
    #[serde(default)]
    pub pq_support: bool,
    /// The shared id of the welcome message shown to the requester.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub welcome_shared_msg_id: Option<String>,
    /// The shared id of the message sent with the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_shared_msg_id: Option<String>,
}
