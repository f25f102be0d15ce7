//! The XFTP server (SimpleX file transfer relay, reference `Simplex/FileTransfer/Server*`):
//! HTTP/2 over TLS 1.3 with ALPN `xftp/1`, the handshake over the first requests of a
//! connection, one command per request with the chunk streamed after the command block
//! (`FPUT`) or after the response (`FGET`, encrypted per download), chunk files on disk,
//! a storage quota, expiry, an append-only store log replayed and compacted at start,
//! the browser variant (SNI, web hello, CORS) and the operator CLI (`init`, `start`,
//! `delete`).
//!
//! It uses `xftp-proto` for every byte on the wire and `simplex-transport` for TLS; it
//! must not depend on any SMP relay, client or agent crate.
//!
//! ```no_run
//! # async fn run(creds: simplex_transport::ServerCredentials) -> Result<(), xftp_server::ServerError> {
//! let cfg = xftp_server::ServerConfig::new("0.0.0.0:443", "/srv/xftp/files");
//! let server = xftp_server::XftpServer::start(cfg, &creds).await?;
//! println!("listening on {}", server.addr());
//! server.stop().await;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod body;
mod chunks;
pub mod cli;
pub mod clock;
pub mod config;
mod env;
pub mod error;
mod handler;
mod http;
pub mod server;
pub mod store;
pub mod store_log;
pub mod tls;

pub use config::{InactiveClients, ServerConfig};
pub use error::ServerError;
pub use server::{XFTP_SERVER_ALPN, XftpServer};
pub use tls::WebCredentials;
