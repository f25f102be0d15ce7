//! The WebSocket bot API of the reference CLI (`simplex-chat -p PORT`).
//!
//! - [`parse`]: the `/_…` API command forms ([`ApiCall`]), group ones in [`parse_group`];
//! - [`convert`]: stored users, contacts, requests and items as `chat-api` types;
//!   [`convert_group`]: groups, members and group items;
//! - [`api`]: [`BotApi`] runs a command line and answers with a `chat-api`
//!   [`chat_api::ChatResponse`], and turns engine outputs into [`chat_api::ChatEvent`]s
//!   (groups in `api_groups`, files in `api_files`);
//! - [`server`]: [`BotServer`], the WebSocket side: one JSON object per text frame,
//!   `{"corrId","cmd"}` in, `{"corrId","resp"}` out, events as `{"resp"}` to every
//!   connected client.

pub mod api;
mod api_chats;
mod api_files;
mod api_groups;
pub mod convert;
pub mod convert_group;
pub mod parse;
mod parse_chats;
pub mod parse_group;
pub mod server;

pub use api::{ApiError, BotApi, api_error};
pub use parse::{ApiCall, NotApi, parse_api};
pub use server::{BotRequest, BotServer};
