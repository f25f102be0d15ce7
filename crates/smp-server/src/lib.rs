//! The SMP relay: accepts TLS connections, runs the SMP handshake, and serves queue
//! commands (create, secure, subscribe, send, acknowledge, delete, short links,
//! notifications, private routing) on top of a [`smp_store`] backend.
//!
//! Layering: this crate is IO and policy. Wire formats live in `smp-proto`, TLS and block
//! framing in `simplex-transport`, storage in `smp-store`. It must not log queue ids,
//! message contents or client addresses.
//!
//! The moving parts:
//! - [`server::Server`] binds the listeners and spawns one task pair per connection.
//! - [`conn`] runs the handshake and the reader and writer loops of one connection.
//! - [`handler`] verifies commands and executes them against the store and the
//!   subscription registry ([`subs`]); [`create`] (`NEW`), [`delivery`] (subscriptions,
//!   `GET`/`ACK`/`SEND`) and [`notify`] (notifier credentials, `NMSG`) hold its parts.
//! - [`ntf`] keeps notifications for notifier subscribers; [`tasks`] runs expiry.

pub mod cli;
pub mod clock;
pub mod config;
pub mod conn;
pub mod create;
pub mod delivery;
pub mod env;
pub mod forward;
pub mod handler;
pub mod ids;
pub mod info;
pub mod keycache;
pub mod metrics;
pub mod notify;
pub mod ntf;
pub mod proxy;
pub mod server;
pub mod stats;
pub mod subs;
pub mod tasks;
pub mod verify;

pub use config::{ProxyHostMode, ServerConfig};
pub use server::{Server, ServerHandle};
