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
//! Implemented: the duplex handshake (agent versions 2..7, the range set by
//! [`AgentConfig::agent_versions`]): the fast one over messaging queues their senders
//! secure (`SKEY`), and the legacy one with `KEY` by the recipient and `HELLO` for queues
//! without sender-secure (relays before SMP v9, or [`AgentConfig::legacy_invitations`]),
//! by invitation and by contact address, full and short links, app messages, delivery receipts, PQ
//! (sntrup761 KEM) encryption when [`AgentConfig::pq_support`] is on, the user's relay
//! list, SOCKS5 and private routing through proxy relays ([`config::NetworkConfig`]),
//! quota handling and give-up rules, queue rotation (with `Switch` phases and abort) and
//! ratchet re-synchronisation (with the reference's sync states, `RatchetSync`),
//! connection deletion on the relays (retried in the background, across restarts).
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
pub use event::{AgentCryptoError, AgentEvent, MsgReceiptStatus, QueueDirection, SwitchPhase};
