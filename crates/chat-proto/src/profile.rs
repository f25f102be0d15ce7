//! User and group profiles (reference `Simplex.Chat.Types`: `Profile`, `GroupProfile`).
//!
//! Unknown fields are ignored on input, as Aeson does for records.

use crate::prefs::{GroupPreferences, Preferences};
use serde::{Deserialize, Serialize};

/// A user's profile as sent to contacts and group members.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The display name.
    pub display_name: String,
    /// The full name (may be empty).
    pub full_name: String,
    /// A short description (up to 160 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_descr: Option<String>,
    /// The avatar as a `data:image/...;base64,...` URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The user's contact address (full or short link text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_link: Option<String>,
    /// The user's chat preferences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferences: Option<Preferences>,
}

impl Profile {
    /// A profile with just a display name (`profileFromName`).
    pub fn from_name(display_name: &str) -> Self {
        Profile {
            display_name: display_name.to_owned(),
            full_name: String::new(),
            short_descr: None,
            image: None,
            contact_link: None,
            preferences: None,
        }
    }

    /// The profile without contact link and preferences, as sent to group members
    /// (`redactedMemberProfile`).
    pub fn redacted(&self) -> Self {
        Profile {
            contact_link: None,
            preferences: None,
            ..self.clone()
        }
    }
}

text_enum!(
    /// Which new members need review (`MemberCriteria`).
    MemberCriteria {
        /// All new members.
        All = "all",
    }
);

/// How new members are admitted (`GroupMemberAdmission`).
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct GroupMemberAdmission {
    /// Members reviewed by admins before they join.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<MemberCriteria>,
}

/// A group's profile.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupProfile {
    /// The display name.
    pub display_name: String,
    /// The full name (may be empty).
    pub full_name: String,
    /// A short description (up to 160 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_descr: Option<String>,
    /// The description, used as the welcome message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The group image as a data URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The group's preferences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_preferences: Option<GroupPreferences>,
    /// How new members are admitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_admission: Option<GroupMemberAdmission>,
}
