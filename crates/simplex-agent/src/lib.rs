//! `simplex-agent`: the SimpleX client agent: the encrypted local store, the relay client
//! pool, the delivery and receive workers, and the async agent API with its event stream
//! (see `docs/agent-design.md`).
//!
//! - [`store`]: a SQLite database encrypted with SQLCipher, with numbered migrations,
//!   typed records and transactions that the engine runs through
//!   `tokio::task::spawn_blocking`;
//! - [`pool`]: one `smp-client` connection per relay, events of all relays in one channel;
//! - [`agent`]: [`Agent`] (open, invitations, join, allow, send) and its workers;
//! - [`config`], [`event`], [`error`]: what it is opened with, what it reports, how it fails.
//!
//! So far only the fast duplex handshake by invitation (agent v7, messaging queues) and
//! app messages are implemented, with PQ (KEM) off.
//!
//! This crate must not depend on the chat layer (nothing about profiles, groups or chat
//! items): it moves opaque message bodies and connection info between the app and relays.
#![warn(missing_docs)]

pub mod agent;
pub mod config;
pub mod error;
pub mod event;
pub mod pool;
pub mod store;

pub use agent::{Agent, ConnLinks, ShortLinkData};
pub use config::{AgentConfig, RelayConfig};
pub use error::AgentError;
pub use event::{AgentEvent, MsgReceiptStatus};
