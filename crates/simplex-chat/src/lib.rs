//! `simplex-chat`: the SimpleX chat engine and its terminal client.
//!
//! - [`engine`]: [`Chat`] — opened with a [`ChatConfig`], it owns the chat database
//!   ([`store`], `<prefix>_chat.db`, SQLCipher with numbered migrations), one
//!   [`simplex_agent::Agent`] per user, the command processor ([`Chat::execute`], the
//!   reference's terminal syntax parsed by [`command`]) and the event loop (typed
//!   [`ChatOutput`]s on a channel);
//! - [`view`]: the terminal texts of outputs (after the reference's `View.hs`), with QR
//!   codes for links;
//! - [`botapi`]: the WebSocket bot API of the reference CLI (`-p PORT`): `/_…` API
//!   commands, the JSON responses and events of `chat-api`, and the server;
//! - [`archive`]: export and import of all database files as one zip archive;
//! - [`clock`]: the injected clock (disappearing messages); [`profiles`]: random
//!   incognito profiles and name rules.
//!
//! **One agent per user.** The agent keeps one user per database, so each chat user
//! has its own agent database: `<prefix>_agent.db` for the first user and
//! `<prefix>_agent_<N>.db` for user N; each has its own relays (`/smp`).
//!
//! Groups (`engine::groups`, [`groups_command`], [`groups_output`], [`groups_view`]):
//! create, invite, join, member introductions, messages forwarded by the host to
//! members not yet connected, roles, removal, leaving, deletion and group profiles;
//! group links (`engine::group_links`: a contact address of a group, joiners accepted at
//! once with the link's role); the user's own member row in each group;
//! message edits, deletion, moderation, reactions and delivery receipts in small
//! groups (`engine::group_items`).
//!
//! Files (`engine::files`, [`files_command`], [`files_output`], [`files_view`]): sent and
//! received over XFTP with `xftp-client` (`/f`, `/fr`, `/fc`, `/fs`, `/xftp`), accepted
//! automatically up to a configured size.
//!
//! Chat items keep their whole content (text, links, images, voice, ...) and the file
//! they offer; the bot API shows both and sends and receives files (`/_send` with a
//! `filePath`, `/freceive`, file events).
//!
//! Not implemented yet: relay approval for received files, direct chats
//! with group members, `rcvFileDescrReady` events. Deleting a contact, the
//! address or a group member, leaving a group and deleting a group also delete the agent
//! connections: their queues are removed from the relays in the background, after what
//! was last sent on them is delivered.
//!
//! This crate builds on `simplex-agent` (its public API only), `xftp-client`, `chat-proto` and
//! `chat-api` (the bot API's JSON types); it must
//! not reach into the agent's store or the relay protocol.

pub mod archive;
pub mod botapi;
pub mod clock;
pub mod command;
pub mod engine;
pub mod error;
pub mod files_command;
pub mod files_output;
pub mod files_view;
pub mod groups_command;
pub mod groups_output;
pub mod groups_view;
pub mod output;
pub mod profiles;
pub mod store;
pub mod view;

pub use command::ChatCommand;
pub use engine::{Chat, ChatConfig};
pub use error::ChatError;
pub use output::ChatOutput;
