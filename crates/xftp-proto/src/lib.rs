//! XFTP (SimpleX file transfer protocol) wire types and pure protocol logic
//! (`protocol-map.md` §7, reference `Simplex/FileTransfer/{Protocol,Transport}.hs`).
//!
//! This crate must stay pure: no tokio, no sockets, no files, no clock and no global
//! random number generator. It depends only on `simplex-encoding`, `simplex-crypto` and
//! `smp-proto` (for the identifiers, command errors, blocking info, basic auth, the
//! certificate-chain key and the raw transmission parser that XFTP shares with SMP).
//!
//! # Public API
//!
//! - [`versions`]: XFTP versions 1..3 ([`versions::SERVER_RANGE`], [`versions::CLIENT_RANGE`]),
//!   the 16 384-byte [`versions::BLOCK_SIZE`], ALPN [`versions::ALPN_XFTP_V1`], the allowed
//!   chunk sizes [`versions::CHUNK_SIZES`] and the file id length.
//! - [`error::XftpErrorType`]: every `ERR` code of the reference, with
//!   [`error::XftpErrorType::encode_for`] (version-gated `BLOCKED`) and `parse`;
//!   [`error::ProtoError`] is this crate's own error enum.
//! - [`command::FileCommand`] (`FNEW`, `FADD`, `FPUT`, `FDEL`, `FGET`, `FACK`, `PING`) with
//!   [`command::FileInfo`]; `encode`, `parse` and [`command::FileCommand::check_credentials`].
//! - [`response::FileResponse`] (`SIDS`, `RIDS`, `FILE`, `OK`, `ERR`, `PONG`); `encode_for`,
//!   `parse`, `check_entity`.
//! - [`transmission`]: one transmission in a batch of one, padded to the block.
//!   Client side: [`transmission::encode_command`] (signs with an Ed25519/Ed448 key, or
//!   makes an X25519 authenticator with the server's handshake key) and
//!   [`transmission::decode_response`] → [`transmission::Reply`]. Server side:
//!   [`transmission::decode_request`] → [`transmission::Request`] (auth, authorized
//!   bytes, parsed and credential-checked command) or [`transmission::RequestError`]
//!   (the error and the ids to echo), and [`transmission::encode_response`]. Lower
//!   level: [`transmission::transmission_body`] (`short(sessionId) ‖ short(corrId) ‖
//!   short(entityId) ‖ command`, also the authorized bytes),
//!   [`transmission::sign_transmission`], [`transmission::encode_block`].
//! - [`handshake`]: [`handshake::ServerHandshake`] (version range, session id, signed
//!   X25519 key with certificate chain, optional web identity proof),
//!   [`handshake::ClientHandshake`] (version, CA key hash) and [`handshake::ClientHello`]
//!   (the web client's optional 32-byte challenge), each with `encode`/`parse` and
//!   padded-block helpers; [`handshake::WEB_HELLO_HEADER`] names the browser hello header.
#![warn(missing_docs)]

pub mod command;
pub mod error;
pub mod handshake;
pub mod response;
pub mod transmission;
pub mod versions;

pub use command::{FileCommand, FileInfo, FileParty};
pub use error::{ProtoError, XftpErrorType};
pub use response::FileResponse;
pub use smp_proto::{CorrId, EntityId};
