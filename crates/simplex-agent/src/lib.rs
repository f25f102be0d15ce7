//! `simplex-agent`: the SimpleX client agent: the encrypted local store, and (to come) the
//! relay client pool, the delivery and receive workers, and the async agent API with its
//! event stream (see `docs/agent-design.md`).
//!
//! So far it holds [`store`]: a SQLite database encrypted with SQLCipher, with numbered
//! migrations, typed records and transactions that the engine runs through
//! `tokio::task::spawn_blocking`.
//!
//! This crate must not depend on the chat layer (nothing about profiles, groups or chat
//! items): it moves opaque message bodies and connection info between the app and relays.
#![warn(missing_docs)]

pub mod store;
