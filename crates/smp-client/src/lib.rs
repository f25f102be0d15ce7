//! Async client for one connection to one SimpleX SMP relay.
//!
//! Used by the relay's tests, the load tool, the relay itself when it proxies private
//! message routing, and the agent. [`SmpClient::connect`] dials the relay, runs TLS and the
//! SMP handshake (session id check, signed session key, version negotiation, v11+ block
//! encryption), then starts two tasks: a writer that packs queued transmissions into as few
//! 16 KB blocks as possible, and a reader that routes each response to its request by
//! correlation id and each event (empty correlation id) to the returned channel.
//!
//! Every SMP command has a typed method ([`SmpClient::create_queue`],
//! [`SmpClient::subscribe`], [`SmpClient::send`], [`SmpClient::ack`], ...); any command can
//! also go through [`SmpClient::send_command`] / [`SmpClient::send_commands`]. A relay's
//! `ERR e` is [`ClientError::Protocol`]. Private routing through a proxy relay is
//! [`ProxiedRelay`]; a relay acting as the proxy uses [`SmpClient::forward_transmission`].
//!
//! This crate must not depend on `smp-server` or `smp-store`: it is the client side only,
//! built on `smp-proto` (wire formats), `simplex-crypto` and `simplex-transport`.
//!
//! # Example
//!
//! ```no_run
//! use smp_client::{ClientConfig, ServerEvent, SmpClient, open_message, rcv_dh_secret};
//! use simplex_crypto::keys::{AuthAlgorithm, PrivateAuthKey, X25519Secret};
//! use smp_proto::command::{MsgFlags, QueueReqData, SubMode};
//! use smp_proto::message::RcvMsgBody;
//! use smp_proto::{BrokerMsg, SmpServer};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let (server, _) = SmpServer::parse_uri(
//!     "smp",
//!     "smp://LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=@localhost:5001",
//! )?;
//! let (client, mut events) = SmpClient::connect(&server, &ClientConfig::default()).await?;
//!
//! // The recipient creates a queue and subscribes on creation.
//! let mut rng = rand::rng();
//! let rcv_key = PrivateAuthKey::generate(AuthAlgorithm::Ed25519, &mut rng)?;
//! let rcv_dh = X25519Secret::generate(&mut rng);
//! let ids = client
//!     .create_queue(&rcv_key, &rcv_dh.public(), None, SubMode::Subscribe,
//!                   Some(QueueReqData::Messaging(None)), None)
//!     .await?;
//!
//! // A sender (here the same connection) sends to the unsecured queue.
//! client.send(&ids.snd_id, None, MsgFlags::default(), b"hello").await?;
//!
//! // The message is pushed as an event; decrypt it, then acknowledge it.
//! let secret = rcv_dh_secret(&rcv_dh, &ids);
//! if let Some(ServerEvent::Event { msg: BrokerMsg::Msg(msg_id, body), .. }) = events.recv().await {
//!     if let RcvMsgBody::Message { body, .. } = open_message(&secret, &msg_id, &body)? {
//!         assert_eq!(body, b"hello");
//!     }
//!     let next = client.ack(&ids.rcv_id, &rcv_key, &msg_id).await?;
//!     assert!(next.is_none());
//! }
//! # Ok(())
//! # }
//! ```

mod auth;
mod client;
mod commands;
mod config;
mod error;
mod event;
mod handshake;
mod message;
mod pending;
mod proxy;
mod socks;
mod tasks;

pub use client::{ClientCommand, SmpClient};
pub use commands::ReceivedMsg;
pub use config::ClientConfig;
pub use error::{ClientError, Result, error_text};
pub use event::ServerEvent;
pub use message::{open_message, rcv_dh_secret};
pub use proxy::ProxiedRelay;
pub use socks::{
    SocksAuth, SocksCredentials, SocksMode, SocksProxy, SocksTarget, TransportSession,
    TransportSessionMode, socks_credentials, socks5_connect,
};
