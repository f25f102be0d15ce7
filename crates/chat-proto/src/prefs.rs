//! Contact and group preferences (reference `Simplex.Chat.Types.Preferences`).
//!
//! Every preference is optional in the message; absent ones take the receiver's defaults.

use crate::role::GroupMemberRole;
use serde::{Deserialize, Serialize};

text_enum!(
    /// Whether a contact feature is allowed.
    FeatureAllowed {
        /// Allowed unconditionally.
        Always = "always",
        /// Allowed if the peer allows it.
        Yes = "yes",
        /// Not allowed.
        No = "no",
    }
);

text_enum!(
    /// Whether a group feature is on.
    GroupFeatureEnabled {
        /// Enabled.
        On = "on",
        /// Disabled.
        Off = "off",
    }
);

/// A contact preference with only `allow`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct AllowPreference {
    /// Whether the feature is allowed.
    pub allow: FeatureAllowed,
}

/// The disappearing-messages preference of a contact.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct TimedMessagesPreference {
    /// Whether the feature is allowed.
    pub allow: FeatureAllowed,
    /// Time to live in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<i64>,
}

/// A contact's chat preferences (`Preferences`).
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preferences {
    /// Disappearing messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timed_messages: Option<TimedMessagesPreference>,
    /// Full deletion of messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_delete: Option<AllowPreference>,
    /// Message reactions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reactions: Option<AllowPreference>,
    /// Voice messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<AllowPreference>,
    /// Audio/video calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calls: Option<AllowPreference>,
}

/// A group preference with only `enable`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct GroupPreference {
    /// Whether the feature is on.
    pub enable: GroupFeatureEnabled,
}

/// A group preference that may be limited to members from some role up.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct RoleGroupPreference {
    /// Whether the feature is on.
    pub enable: GroupFeatureEnabled,
    /// The lowest role the feature is on for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<GroupMemberRole>,
}

/// The disappearing-messages preference of a group.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct TimedMessagesGroupPreference {
    /// Whether the feature is on.
    pub enable: GroupFeatureEnabled,
    /// Time to live in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<i64>,
}

/// A group's preferences (`GroupPreferences`).
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupPreferences {
    /// Disappearing messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timed_messages: Option<TimedMessagesGroupPreference>,
    /// Direct messages between members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_messages: Option<RoleGroupPreference>,
    /// Full deletion of messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_delete: Option<RoleGroupPreference>,
    /// Message reactions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reactions: Option<GroupPreference>,
    /// Voice messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<RoleGroupPreference>,
    /// Files and media.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<RoleGroupPreference>,
    /// SimpleX links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simplex_links: Option<RoleGroupPreference>,
    /// Member reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reports: Option<GroupPreference>,
    /// Recent history sent to new members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<GroupPreference>,
}
