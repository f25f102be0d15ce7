//! Message content (reference `Simplex.Chat.Protocol`: `MsgContent`, `LinkPreview`, ...).
//!
//! Content is an object tagged by `"type"`. A type this implementation does not know is
//! kept verbatim (with its `text`, or "unknown message type") and written back unchanged.

use crate::json::{Object, opt, put, req};
use crate::profile::{GroupProfile, Profile};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// The text shown for content of an unknown type without `text`.
pub const UNKNOWN_MSG_TYPE: &str = "unknown message type";

text_enum!(
    /// Why a message was reported.
    ReportReason {
        /// Spam.
        Spam = "spam",
        /// Inappropriate content.
        Content = "content",
        /// Community guidelines violation.
        Community = "community",
        /// Inappropriate profile.
        Profile = "profile",
        /// Another reason.
        Other = "other",
    }
    unknown
    /// A reason from a newer client.
    Unknown
);

/// What a link preview points to (`LinkContent`).
#[derive(Clone, PartialEq, Debug)]
pub enum LinkContent {
    /// A web page.
    Page,
    /// An image.
    Image,
    /// A video, maybe with its duration in seconds.
    Video {
        /// Duration in seconds.
        duration: Option<i64>,
    },
    /// A kind from a newer client, kept verbatim.
    Unknown {
        /// Its `type`.
        tag: String,
        /// The whole object.
        json: Object,
    },
}

impl LinkContent {
    fn from_object(obj: &Object) -> Result<Self, String> {
        let tag: String = req(obj, "type").map_err(|e| e.to_string())?;
        let known = match tag.as_str() {
            "page" => Some(LinkContent::Page),
            "image" => Some(LinkContent::Image),
            "video" => opt(obj, "duration")
                .ok()
                .map(|duration| LinkContent::Video { duration }),
            _ => None,
        };
        Ok(known.unwrap_or_else(|| LinkContent::Unknown {
            tag,
            json: obj.clone(),
        }))
    }

    fn to_object(&self) -> Object {
        let mut o = Object::new();
        let tag = match self {
            LinkContent::Unknown { json, .. } => return json.clone(),
            LinkContent::Page => "page",
            LinkContent::Image => "image",
            LinkContent::Video { duration } => {
                if let Some(d) = duration {
                    o.insert("duration".into(), Value::from(*d));
                }
                "video"
            }
        };
        o.insert("type".into(), Value::from(tag));
        o
    }
}

impl Serialize for LinkContent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_object().serialize(s)
    }
}

impl<'de> Deserialize<'de> for LinkContent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let obj = Object::deserialize(d)?;
        LinkContent::from_object(&obj).map_err(serde::de::Error::custom)
    }
}

/// A link preview.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct LinkPreview {
    /// The link.
    pub uri: String,
    /// The page title.
    pub title: String,
    /// The page description.
    pub description: String,
    /// The preview image as a data URI.
    pub image: String,
    /// What the link points to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<LinkContent>,
}

/// A SimpleX link shared as content (`MsgChatLink`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum MsgChatLink {
    /// A contact address.
    #[serde(rename_all = "camelCase")]
    Contact {
        /// The short contact link.
        conn_link: String,
        /// The profile behind it.
        profile: Profile,
        /// True for a business address.
        business: bool,
    },
    /// A one-time invitation.
    #[serde(rename_all = "camelCase")]
    Invitation {
        /// The short invitation link.
        inv_link: String,
        /// The profile behind it.
        profile: Profile,
    },
    /// A group link.
    #[serde(rename_all = "camelCase")]
    Group {
        /// The short group link.
        conn_link: String,
        /// The group's profile.
        group_profile: GroupProfile,
    },
}

/// The content of a message.
#[derive(Clone, PartialEq, Debug)]
pub enum MsgContent {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// Text with a link preview.
    Link {
        /// The text.
        text: String,
        /// The preview.
        preview: LinkPreview,
    },
    /// An image (the preview; the file follows).
    Image {
        /// The caption.
        text: String,
        /// The preview as a data URI.
        image: String,
    },
    /// A video.
    Video {
        /// The caption.
        text: String,
        /// The preview as a data URI.
        image: String,
        /// Duration in seconds.
        duration: i64,
    },
    /// A voice message.
    Voice {
        /// The caption.
        text: String,
        /// Duration in seconds.
        duration: i64,
    },
    /// A file.
    File {
        /// The caption.
        text: String,
    },
    /// A report about a message.
    Report {
        /// The comment.
        text: String,
        /// The reason.
        reason: ReportReason,
    },
    /// A shared SimpleX link.
    Chat {
        /// The text.
        text: String,
        /// The link.
        chat_link: MsgChatLink,
    },
    /// Content of a type this implementation does not know, kept verbatim.
    Unknown {
        /// Its `type`.
        tag: String,
        /// Its `text`, or [`UNKNOWN_MSG_TYPE`].
        text: String,
        /// The whole object.
        json: Object,
    },
}

impl MsgContent {
    /// Plain text content.
    pub fn text(t: &str) -> Self {
        MsgContent::Text { text: t.to_owned() }
    }

    /// The `type` tag of this content.
    pub fn tag(&self) -> &str {
        match self {
            MsgContent::Text { .. } => "text",
            MsgContent::Link { .. } => "link",
            MsgContent::Image { .. } => "image",
            MsgContent::Video { .. } => "video",
            MsgContent::Voice { .. } => "voice",
            MsgContent::File { .. } => "file",
            MsgContent::Report { .. } => "report",
            MsgContent::Chat { .. } => "chat",
            MsgContent::Unknown { tag, .. } => tag,
        }
    }

    /// The text shown for the content (`msgContentText`): voice messages and reports
    /// get a prefix ("voice message (01:05)", "report spam").
    pub fn display_text(&self) -> String {
        match self {
            MsgContent::Voice { text, duration } => {
                let (m, s) = (duration.div_euclid(60), duration.rem_euclid(60));
                let msg = format!("voice message ({m:02}:{s:02})");
                if text.is_empty() {
                    msg
                } else {
                    format!("{msg}; {text}")
                }
            }
            MsgContent::Report { text, reason } => {
                let msg = format!("report {}", reason.as_str());
                if text.is_empty() {
                    msg
                } else {
                    format!("{msg}: {text}")
                }
            }
            MsgContent::Text { text }
            | MsgContent::Link { text, .. }
            | MsgContent::Image { text, .. }
            | MsgContent::Video { text, .. }
            | MsgContent::File { text }
            | MsgContent::Chat { text, .. }
            | MsgContent::Unknown { text, .. } => text.clone(),
        }
    }

    /// Reads content from its JSON object.
    pub fn from_object(o: &Object) -> Result<Self, crate::ChatProtoError> {
        let tag: String = req(o, "type")?;
        if tag.contains(' ') {
            return Err(crate::ChatProtoError::Invalid("content type"));
        }
        Ok(match tag.as_str() {
            "text" => MsgContent::Text {
                text: req(o, "text")?,
            },
            "link" => MsgContent::Link {
                text: req(o, "text")?,
                preview: req(o, "preview")?,
            },
            "image" => MsgContent::Image {
                text: req(o, "text")?,
                image: req(o, "image")?,
            },
            "video" => MsgContent::Video {
                text: req(o, "text")?,
                image: req(o, "image")?,
                duration: req(o, "duration")?,
            },
            "voice" => MsgContent::Voice {
                text: req(o, "text")?,
                duration: req(o, "duration")?,
            },
            "file" => MsgContent::File {
                text: req(o, "text")?,
            },
            "report" => MsgContent::Report {
                text: req(o, "text")?,
                reason: req(o, "reason")?,
            },
            "chat" => MsgContent::Chat {
                text: req(o, "text")?,
                chat_link: req(o, "chatLink")?,
            },
            _ => MsgContent::Unknown {
                text: opt(o, "text")?.unwrap_or_else(|| UNKNOWN_MSG_TYPE.to_owned()),
                tag,
                json: o.clone(),
            },
        })
    }

    /// Writes content as its JSON object.
    pub fn to_object(&self) -> Result<Object, crate::ChatProtoError> {
        let mut o = Object::new();
        match self {
            MsgContent::Unknown { json, .. } => return Ok(json.clone()),
            MsgContent::Text { text } | MsgContent::File { text } => put(&mut o, "text", text)?,
            MsgContent::Link { text, preview } => {
                put(&mut o, "text", text)?;
                put(&mut o, "preview", preview)?;
            }
            MsgContent::Image { text, image } => {
                put(&mut o, "text", text)?;
                put(&mut o, "image", image)?;
            }
            MsgContent::Video {
                text,
                image,
                duration,
            } => {
                put(&mut o, "text", text)?;
                put(&mut o, "image", image)?;
                put(&mut o, "duration", duration)?;
            }
            MsgContent::Voice { text, duration } => {
                put(&mut o, "text", text)?;
                put(&mut o, "duration", duration)?;
            }
            MsgContent::Report { text, reason } => {
                put(&mut o, "text", text)?;
                put(&mut o, "reason", reason)?;
            }
            MsgContent::Chat { text, chat_link } => {
                put(&mut o, "text", text)?;
                put(&mut o, "chatLink", chat_link)?;
            }
        }
        put(&mut o, "type", self.tag())?;
        Ok(o)
    }
}

impl Serialize for MsgContent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_object()
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }
}

impl<'de> Deserialize<'de> for MsgContent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let o = Object::deserialize(d)?;
        MsgContent::from_object(&o).map_err(serde::de::Error::custom)
    }
}
