//! SimpleX Messaging Protocol (SMP) wire types and pure protocol logic.
//!
//! This crate owns everything that is bytes-in, bytes-out in SMP (`protocol-map.md` §1-3):
//! version constants and gates, every command and response with its per-version
//! encoding, error codes, transmissions and their authorization bytes, batching of
//! transmissions into 16 KB blocks, the v11+ block encryption chain, the transport
//! handshake messages, server addresses and the proxy forwarding envelopes.
//!
//! It is sans-IO: no tokio, no sockets, no files, no clock and no global random number
//! generator. It depends only on `simplex-encoding` and `simplex-crypto`.
#![warn(missing_docs)]

pub mod address;
pub mod batch;
pub mod block;
pub mod command;
pub mod error;
pub mod handshake;
pub mod ids;
pub mod keys;
pub mod message;
pub mod proxy;
pub mod response;
pub mod transmission;
pub mod versions;

pub use address::SmpServer;
pub use command::Command;
pub use error::ErrorType;
pub use ids::{CorrId, EntityId, MsgId};
pub use response::BrokerMsg;
