//! Small shared types: version ranges, links, chat settings, bot commands, preference
//! summaries.

use chat_proto::prefs::FeatureAllowed;
use serde::{Deserialize, Serialize};

pub use chat_proto::time::UtcTime;

/// A chat protocol version range (`VersionRange`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionRange {
    /// The lowest supported version.
    pub min_version: u16,
    /// The highest supported version.
    pub max_version: u16,
}

/// A connection link as created: the full link and, when made, the short one
/// (`CreatedConnLink`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedConnLink {
    /// The full link (`simplex:/...#...` or `https://simplex.chat/...`).
    pub conn_full_link: String,
    /// The short link, if one was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conn_short_link: Option<String>,
}

/// A verified security code (`SecurityCode`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityCode {
    /// The code as shown to the user.
    pub security_code: String,
    /// When it was verified.
    pub verified_at: UtcTime,
}

/// Which messages notify (`MsgFilter`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MsgFilter {
    /// None.
    None,
    /// All.
    All,
    /// Only mentions of the user.
    Mentions,
}

/// Per-chat settings (`ChatSettings`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatSettings {
    /// Which messages notify.
    pub enable_ntfs: MsgFilter,
    /// Whether delivery receipts are sent (unset: the user's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_rcpts: Option<bool>,
    /// Whether the chat is a favorite.
    #[serde(default)]
    pub favorite: bool,
}

impl Default for ChatSettings {
    fn default() -> Self {
        ChatSettings {
            enable_ntfs: MsgFilter::All,
            send_rcpts: None,
            favorite: false,
        }
    }
}

/// A command a bot offers in its profile (`ChatBotCommand`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ChatBotCommand {
    /// One command.
    Command {
        /// The keyword, without `/`.
        keyword: String,
        /// The label shown.
        label: String,
        /// A parameter hint.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        params: Option<String>,
    },
    /// A menu of commands.
    Menu {
        /// The label shown.
        label: String,
        /// The commands in the menu.
        commands: Vec<ChatBotCommand>,
    },
}

/// A contact preference as resolved for one side: `allow` and, for disappearing
/// messages, `ttl`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct FeaturePref {
    /// Whether the feature is allowed.
    pub allow: FeatureAllowed,
    /// Time to live in seconds (disappearing messages only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<i64>,
}

impl FeaturePref {
    /// A preference with only `allow`.
    pub fn allow(allow: FeatureAllowed) -> Self {
        FeaturePref { allow, ttl: None }
    }
}

/// Contact preferences with every feature set (`FullPreferences`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FullPreferences {
    /// Disappearing messages.
    pub timed_messages: FeaturePref,
    /// Full deletion.
    pub full_delete: FeaturePref,
    /// Reactions.
    pub reactions: FeaturePref,
    /// Voice messages.
    pub voice: FeaturePref,
    /// Files.
    pub files: FeaturePref,
    /// Calls.
    pub calls: FeaturePref,
    /// Sessions.
    pub sessions: FeaturePref,
    /// Bot commands.
    #[serde(default)]
    pub commands: Vec<ChatBotCommand>,
}

impl Default for FullPreferences {
    /// Defaults: timed messages `yes` without TTL, full deletion `no`, reactions,
    /// voice, files and calls `yes`, sessions `no`.
    fn default() -> Self {
        let yes = FeaturePref::allow(FeatureAllowed::Yes);
        FullPreferences {
            timed_messages: FeaturePref {
                allow: FeatureAllowed::Yes,
                ttl: None,
            },
            full_delete: FeaturePref::allow(FeatureAllowed::No),
            reactions: yes.clone(),
            voice: yes.clone(),
            files: yes.clone(),
            calls: yes,
            sessions: FeaturePref::allow(FeatureAllowed::No),
            commands: Vec::new(),
        }
    }
}

/// Whether a feature is on for each side (`PrefEnabled`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrefEnabled {
    /// On for the user.
    #[serde(default)]
    pub for_user: bool,
    /// On for the contact.
    #[serde(default)]
    pub for_contact: bool,
}

/// Where the user's side of a contact preference comes from (`ContactUserPref`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ContactUserPref {
    /// Set for this contact.
    Contact {
        /// The preference.
        preference: FeaturePref,
    },
    /// The user's default.
    User {
        /// The preference.
        preference: FeaturePref,
    },
}

/// One feature of a contact as merged from both sides (`ContactUserPreference`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactUserPreference {
    /// Whether it is on for each side.
    pub enabled: PrefEnabled,
    /// The user's side.
    pub user_preference: ContactUserPref,
    /// The contact's side.
    pub contact_preference: FeaturePref,
}

/// All features of a contact as merged from both sides (`ContactUserPreferences`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactUserPreferences {
    /// Disappearing messages.
    pub timed_messages: ContactUserPreference,
    /// Full deletion.
    pub full_delete: ContactUserPreference,
    /// Reactions.
    pub reactions: ContactUserPreference,
    /// Voice messages.
    pub voice: ContactUserPreference,
    /// Files.
    pub files: ContactUserPreference,
    /// Calls.
    pub calls: ContactUserPreference,
    /// Sessions.
    pub sessions: ContactUserPreference,
    /// The contact's bot commands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commands: Option<Vec<ChatBotCommand>>,
}
