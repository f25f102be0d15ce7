//! The parts of `x.msg.new` around the content: quotes, references, mentions, scopes,
//! reactions (reference `Simplex.Chat.Protocol`: `MsgContainer`, `QuotedMsg`, `MsgRef`).

use crate::content::MsgContent;
use crate::error::ChatProtoError;
use crate::file::FileInvitation;
use crate::ids::{MemberId, SharedMsgId};
use crate::json::{Object, opt, put, put_opt, req};
use crate::time::UtcTime;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::collections::BTreeMap;

/// Which part of a group a message belongs to (`MsgScope`, `{"type":"member",...}`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum MsgScope {
    /// The support chat with one member.
    #[serde(rename_all = "camelCase")]
    Member {
        /// The member.
        member_id: MemberId,
    },
}

/// A reference to an earlier message.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MsgRef {
    /// The referenced message's shared id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_id: Option<SharedMsgId>,
    /// When it was sent.
    pub sent_at: UtcTime,
    /// True when the referencing side sent it.
    pub sent: bool,
    /// Its author in a group (absent for channel messages and direct chats).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<MemberId>,
}

/// Per-message preferences in `x.msg.update`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MsgPrefs {
    /// Locks commenting on a channel post.
    pub comments_disabled: bool,
}

/// A quoted message: the reference and a copy of its content.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotedMsg {
    /// The quoted message.
    pub msg_ref: MsgRef,
    /// Its content.
    pub content: MsgContent,
}

/// A mention of a group member, keyed in `mentions` by the displayed name.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MsgMention {
    /// The mentioned member.
    pub member_id: MemberId,
}

/// Mentions by displayed name.
pub type Mentions = BTreeMap<String, MsgMention>;

/// The `params` of `x.msg.new`.
#[derive(Clone, PartialEq, Debug)]
pub struct MsgContainer {
    /// The content.
    pub content: MsgContent,
    /// Mentions (written only when not empty).
    pub mentions: Mentions,
    /// An attached file.
    pub file: Option<FileInvitation>,
    /// Time to live in seconds (disappearing message).
    pub ttl: Option<i64>,
    /// A live message that will be updated as it is typed.
    pub live: Option<bool>,
    /// The group scope.
    pub scope: Option<MsgScope>,
    /// Sent on behalf of the group (channels).
    pub as_group: Option<bool>,
    /// A quoted message.
    pub quote: Option<QuotedMsg>,
    /// The channel post this is a comment on.
    pub parent: Option<MsgRef>,
    /// True for a forwarded message.
    pub forward: bool,
}

impl MsgContainer {
    /// A container with just content.
    pub fn simple(content: MsgContent) -> Self {
        MsgContainer {
            content,
            mentions: Mentions::new(),
            file: None,
            ttl: None,
            live: None,
            scope: None,
            as_group: None,
            quote: None,
            parent: None,
            forward: false,
        }
    }

    /// Reads the container (`parseMsgContainer`); `forward` may be a bool or, from legacy
    /// clients, an object (meaning true).
    pub fn from_object(o: &Object) -> Result<Self, ChatProtoError> {
        let forward = match o.get("forward") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(Value::Object(_)) => true,
            Some(_) => return Err(ChatProtoError::Invalid("forward field")),
        };
        Ok(MsgContainer {
            content: req(o, "content")?,
            mentions: opt(o, "mentions")?.unwrap_or_default(),
            file: opt(o, "file")?,
            ttl: opt(o, "ttl")?,
            live: opt(o, "live")?,
            scope: opt(o, "scope")?,
            as_group: opt(o, "asGroup")?,
            quote: opt(o, "quote")?,
            parent: opt(o, "parent")?,
            forward,
        })
    }

    /// Writes the container (`msgContainerJSON`).
    pub fn to_object(&self) -> Result<Object, ChatProtoError> {
        let mut o = Object::new();
        put(&mut o, "content", &self.content)?;
        if !self.mentions.is_empty() {
            put(&mut o, "mentions", &self.mentions)?;
        }
        put_opt(&mut o, "file", self.file.as_ref())?;
        put_opt(&mut o, "ttl", self.ttl.as_ref())?;
        put_opt(&mut o, "live", self.live.as_ref())?;
        put_opt(&mut o, "scope", self.scope.as_ref())?;
        put_opt(&mut o, "asGroup", self.as_group.as_ref())?;
        put_opt(&mut o, "quote", self.quote.as_ref())?;
        put_opt(&mut o, "parent", self.parent.as_ref())?;
        if self.forward {
            put(&mut o, "forward", &true)?;
        }
        Ok(o)
    }
}

/// The emoji a reaction may use (the reference's list, one code point each; the red
/// heart's variation selector U+FE0F is in the list on its own).
pub const REACTION_EMOJI: [char; 9] = [
    '\u{1F44D}',
    '\u{1F44E}',
    '\u{1F600}',
    '\u{1F602}',
    '\u{1F622}',
    '\u{2764}',
    '\u{FE0F}',
    '\u{1F680}',
    '\u{2705}',
];

/// A reaction to a message.
#[derive(Clone, PartialEq, Debug)]
pub enum MsgReaction {
    /// One of [`REACTION_EMOJI`].
    Emoji(char),
    /// Any other reaction, kept verbatim (also an emoji outside the list).
    Unknown {
        /// Its `type`.
        tag: String,
        /// The whole object.
        json: Object,
    },
}

impl Serialize for MsgReaction {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            MsgReaction::Unknown { json, .. } => json.serialize(s),
            MsgReaction::Emoji(c) => {
                let mut o = Object::new();
                o.insert("type".into(), Value::from("emoji"));
                o.insert("emoji".into(), Value::from(c.to_string()));
                o.serialize(s)
            }
        }
    }
}

impl<'de> Deserialize<'de> for MsgReaction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let o = Object::deserialize(d)?;
        let tag: String = req(&o, "type").map_err(serde::de::Error::custom)?;
        let emoji = match (tag.as_str(), o.get("emoji")) {
            ("emoji", Some(Value::String(s))) => {
                let mut cs = s.chars();
                match (cs.next(), cs.next()) {
                    (Some(c), None) if REACTION_EMOJI.contains(&c) => Some(c),
                    _ => None,
                }
            }
            _ => None,
        };
        Ok(match emoji {
            Some(c) => MsgReaction::Emoji(c),
            None => MsgReaction::Unknown { tag, json: o },
        })
    }
}
