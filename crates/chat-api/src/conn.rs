//! Connections as the API shows them (`Connection`, `PendingContactConnection`).

use crate::common::{CreatedConnLink, SecurityCode, UtcTime, VersionRange};
use serde::{Deserialize, Serialize};

/// What a connection belongs to (`ConnType`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum ConnType {
    /// A contact.
    #[serde(rename = "contact")]
    Contact,
    /// A group member.
    #[serde(rename = "member")]
    Member,
    /// The user's address or a group link.
    #[serde(rename = "user_contact")]
    UserContact,
}

/// The state of a connection (`ConnStatus`), written as `{"type": ...}`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ConnStatus {
    /// Created, link not yet used.
    New,
    /// Prepared from a link, not yet joined.
    Prepared,
    /// Joined the peer's link.
    Joined,
    /// The peer asked to connect.
    Requested,
    /// The user accepted.
    Accepted,
    /// The user can send.
    SndReady,
    /// Both sides can send.
    Ready,
    /// Deleted.
    Deleted,
    /// Failed permanently.
    Failed {
        /// Why.
        conn_error: String,
    },
}

/// One agent connection of a contact or member (`Connection`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// The chat database id.
    pub conn_id: i64,
    /// The agent's connection id (base64url).
    pub agent_conn_id: String,
    /// The agreed chat version.
    pub conn_chat_version: u16,
    /// The peer's chat version range.
    pub peer_chat_v_range: VersionRange,
    /// How many introductions away the peer is (0 for direct).
    pub conn_level: i64,
    /// The contact that introduced this one, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via_contact: Option<i64>,
    /// The user's address the peer connected through, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via_user_contact_link: Option<i64>,
    /// Whether it came through a group link.
    #[serde(default)]
    pub via_group_link: bool,
    /// The group link id, if it came through one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_link_id: Option<String>,
    /// The contact request's id, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_contact_id: Option<String>,
    /// The incognito profile used, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_user_profile_id: Option<i64>,
    /// What it belongs to.
    pub conn_type: ConnType,
    /// Its state.
    pub conn_status: ConnStatus,
    /// Whether the user started it.
    #[serde(default)]
    pub contact_conn_initiated: bool,
    /// A local alias.
    pub local_alias: String,
    /// The id of the contact or member it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<i64>,
    /// The verified security code, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_code: Option<SecurityCode>,
    /// Whether post-quantum encryption is supported.
    #[serde(default)]
    pub pq_support: bool,
    /// Whether post-quantum encryption is wanted.
    #[serde(default)]
    pub pq_encryption: bool,
    /// Whether sending is post-quantum encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pq_snd_enabled: Option<bool>,
    /// Whether receiving is post-quantum encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pq_rcv_enabled: Option<bool>,
    /// Authentication errors so far.
    pub auth_err_counter: i64,
    /// Quota errors so far.
    pub quota_err_counter: i64,
    /// When it was created.
    pub created_at: UtcTime,
}

/// A connection not yet tied to a contact (`PendingContactConnection`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingContactConnection {
    /// The chat database id.
    pub pcc_conn_id: i64,
    /// The agent's connection id.
    pub pcc_agent_conn_id: String,
    /// Its state.
    pub pcc_conn_status: ConnStatus,
    /// Whether it was made by connecting to an address.
    #[serde(default)]
    pub via_contact_uri: bool,
    /// The user's address it came through, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via_user_contact_link: Option<i64>,
    /// The group link id, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_link_id: Option<String>,
    /// The incognito profile used, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_user_profile_id: Option<i64>,
    /// The invitation link, if the user made one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conn_link_inv: Option<CreatedConnLink>,
    /// A local alias.
    pub local_alias: String,
    /// When it was created.
    pub created_at: UtcTime,
    /// When it last changed.
    pub updated_at: UtcTime,
}
