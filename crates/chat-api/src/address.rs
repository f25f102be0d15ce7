//! The user's address (`UserContactLink`, `AddressSettings`).

use crate::common::CreatedConnLink;
use chat_proto::content::MsgContent;
use serde::{Deserialize, Serialize};

/// Automatic acceptance of contact requests (`AutoAccept`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoAccept {
    /// Accept with a new incognito profile.
    #[serde(default)]
    pub accept_incognito: bool,
}

/// Settings of the user's address (`AddressSettings`).
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressSettings {
    /// Requests make business chats.
    #[serde(default)]
    pub business_address: bool,
    /// Accept requests automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_accept: Option<AutoAccept>,
    /// The message sent to new contacts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_reply: Option<MsgContent>,
}

/// The user's address (`UserContactLink`).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserContactLink {
    /// The chat database id.
    pub user_contact_link_id: i64,
    /// The address link.
    pub conn_link_contact: CreatedConnLink,
    /// Whether the short link's data was set.
    #[serde(default)]
    pub short_link_data_set: bool,
    /// Whether the short link's large data was set.
    #[serde(default)]
    pub short_link_large_data_set: bool,
    /// The address settings.
    pub address_settings: AddressSettings,
}

/// An address or group link a connection came through (`UserContact`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserContact {
    /// The chat database id.
    pub user_contact_link_id: i64,
    /// The link.
    pub conn_req_contact: String,
    /// The group, for a group link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<i64>,
}
