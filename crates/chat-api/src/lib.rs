//! The data model of the SimpleX chat bot API: the JSON the reference CLI's WebSocket
//! server (`simplex-chat -p PORT`) reads and writes, so that bot libraries written for the
//! reference work against ours.
//!
//! - [`envelope`]: `{"corrId","cmd"}` requests and `{"corrId"?,"resp"}` replies and events;
//! - [`command`]: the documented bot commands and their text syntax
//!   ([`command::ApiCommand::to_command_string`]), and the `/_send … json` payload
//!   ([`command::parse_composed_messages`]);
//! - [`response`] / [`event`]: the `type`-tagged responses and events;
//! - the chat types they carry: [`user`], [`conn`], [`contact`], [`address`], [`group`],
//!   [`item`], [`file`], [`errors`]; shared small types in [`common`].
//!
//! Encodings follow the reference's Aeson options: a `type` tag on sum types, camelCase
//! fields, `Nothing` fields left out, dates as ISO-8601 UTC strings, ids as numbers.
//!
//! It is pure: no IO, no clock, no randomness. It depends on `chat-proto` (profiles,
//! preferences, message content and timestamps, which have the same JSON here as on the
//! wire), `serde`, `serde_json` and `thiserror`, and on no agent, transport or storage crate.
#![warn(missing_docs)]

pub mod address;
pub mod command;
pub mod common;
pub mod conn;
pub mod contact;
pub mod envelope;
pub mod error;
pub mod errors;
pub mod event;
pub mod file;
pub mod group;
pub mod item;
pub mod item_content;
pub mod response;
pub mod user;

pub use envelope::{ChatSrvRequest, ChatSrvResponse};
pub use error::ChatApiError;
pub use event::ChatEvent;
pub use response::ChatResponse;
