//! One JSON chat message: `{"v":"1-18","msgId":"…","event":"x.…","params":{…}}`.
//!
//! The reference writes the four top-level fields in this order and every object inside
//! `params` with sorted keys; [`ChatMessage::encode`] produces the same bytes. A message
//! nested in `x.grp.msg.forward` is a plain JSON value, so its keys are sorted too.

use crate::error::ChatProtoError;
use crate::event::ChatMsgEvent;
use crate::event_codec::{event_from_params, event_to_params};
use crate::ids::SharedMsgId;
use crate::json::{self, Object, opt, req};
use crate::version::{CHAT_INITIAL_VRANGE, ChatVRange};
use serde_json::Value;
use simplex_encoding::version::VersionRange;

/// A chat message.
#[derive(Clone, PartialEq, Debug)]
pub struct ChatMessage {
    /// The sender's supported chat versions (`v`; 1 when absent).
    pub chat_vrange: VersionRange,
    /// The message's shared id, for messages that can be referenced later.
    pub msg_id: Option<SharedMsgId>,
    /// The event and its parameters.
    pub event: ChatMsgEvent,
}

impl ChatMessage {
    /// A message with the given version range and no id.
    pub fn new(chat_vrange: VersionRange, event: ChatMsgEvent) -> Self {
        ChatMessage {
            chat_vrange,
            msg_id: None,
            event,
        }
    }

    /// Reads a message from JSON text (nothing but whitespace may follow it).
    pub fn from_json(bytes: &[u8]) -> Result<Self, ChatProtoError> {
        Self::from_value(&json::parse(bytes)?)
    }

    /// Reads a message from a parsed JSON value.
    pub fn from_value(v: &Value) -> Result<Self, ChatProtoError> {
        let obj = v
            .as_object()
            .ok_or(ChatProtoError::Invalid("message object"))?;
        let range: Option<ChatVRange> = opt(obj, "v")?;
        let event: String = req(obj, "event")?;
        let params: Object = req(obj, "params")?;
        Ok(ChatMessage {
            chat_vrange: range.map_or(CHAT_INITIAL_VRANGE, |r| r.0),
            msg_id: opt(obj, "msgId")?,
            event: event_from_params(&event, &params)?,
        })
    }

    /// The message as a JSON object (the form used when it is nested in another message).
    pub fn to_object(&self) -> Result<Object, ChatProtoError> {
        let mut o = Object::new();
        json::put(&mut o, "v", &ChatVRange(self.chat_vrange))?;
        json::put_opt(&mut o, "msgId", self.msg_id.as_ref())?;
        json::put(&mut o, "event", self.event.tag())?;
        o.insert(
            "params".into(),
            Value::Object(event_to_params(&self.event)?),
        );
        Ok(o)
    }

    /// The message as the reference sends it: `v`, `msgId`, `event`, `params` in this
    /// order, no spaces, keys inside `params` sorted.
    pub fn encode(&self) -> Result<Vec<u8>, ChatProtoError> {
        let params = event_to_params(&self.event)?;
        let mut s = String::with_capacity(256);
        s.push_str("{\"v\":");
        json::write_str(&mut s, &self.chat_vrange.to_string());
        if let Some(id) = &self.msg_id {
            s.push_str(",\"msgId\":");
            json::write_value(&mut s, &json::to_json(id)?);
        }
        s.push_str(",\"event\":");
        json::write_str(&mut s, self.event.tag());
        s.push_str(",\"params\":");
        json::write_object(&mut s, &params);
        s.push('}');
        Ok(s.into_bytes())
    }

    /// [`encode`](Self::encode), failing when the result is longer than `max_len`
    /// (`encodeChatMessage`, which answers `ECMLarge`).
    pub fn encode_limited(&self, max_len: usize) -> Result<Vec<u8>, ChatProtoError> {
        let body = self.encode()?;
        if body.len() > max_len {
            return Err(ChatProtoError::TooLarge {
                len: body.len(),
                limit: max_len,
            });
        }
        Ok(body)
    }
}
