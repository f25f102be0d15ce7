//! The SimpleX chat protocol: the JSON chat events that travel inside agent messages,
//! byte-compatible with the reference implementation (simplex-chat,
//! `Simplex.Chat.Protocol`; see `protocol-map.md` §8).
//!
//! - [`message`]: one chat message `{"v","msgId","event","params"}`, written exactly as
//!   the reference writes it ([`json`]: sorted keys, Aeson escapes);
//! - [`event`] / [`event_codec`]: every event (`x.msg.new` … `x.ok`), unknown `x.…`
//!   events kept verbatim;
//! - the values inside events: [`profile`], [`prefs`], [`role`], [`content`],
//!   [`container`], [`file`], [`group`], [`call`], [`ids`], [`time`];
//! - [`version`]: the chat version range (1-18) and what each version adds;
//! - the envelope: [`parse`] (splitting a received body: `X` compressed, `[` JSON batch,
//!   `=` binary batch, signed `/`, forwarded `>`, file chunk `F`), [`element`],
//!   [`compress`] (zstd), [`batch`] (packing messages), [`limits`].
//!
//! It is pure: no IO, no clock, no randomness; it depends on `simplex-encoding`, `serde`,
//! `serde_json`, `zstd` and `thiserror` only, and on no agent, transport or storage crate.
//! Decoders never panic; unknown fields are ignored where the reference ignores them.
#![warn(missing_docs)]

#[macro_use]
mod macros;

pub mod batch;
pub mod call;
pub mod compress;
pub mod container;
pub mod content;
pub mod element;
pub mod error;
pub mod event;
pub mod event_codec;
pub mod file;
pub mod group;
pub mod ids;
pub mod json;
pub mod limits;
pub mod message;
pub mod parse;
pub mod prefs;
pub mod profile;
pub mod role;
pub mod time;
pub mod version;

pub use error::ChatProtoError;
pub use event::ChatMsgEvent;
pub use message::ChatMessage;
pub use parse::{ParsedBody, ParsedMsg, parse_chat_messages};
