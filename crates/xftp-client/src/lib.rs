//! XFTP client: connections to file relays (TLS 1.3 with ALPN `xftp/1`, identity check
//! by certificate fingerprint, HTTP/2, the XFTP handshake), the chunk commands as async
//! methods ([`XftpClient`]), a connection pool with reconnect-and-retry ([`XftpPool`]),
//! and whole-file transfers: [`send_file`] (encrypt, split, upload in parallel, build the
//! sender and recipient descriptions), [`receive_file`] (download, verify, resume after
//! interruption, decrypt, acknowledge), [`delete_file`] and redirect descriptions.
//!
//! Wire bytes come from `xftp-proto`, descriptions and file encryption from `xftp-desc`,
//! TLS from `simplex-transport`. It must not depend on the relay (`xftp-server`, tests
//! only), on SMP client/server crates or on the agent.
//!
//! ```no_run
//! # async fn demo() -> xftp_client::Result<()> {
//! use std::sync::Arc;
//! use xftp_client::{ClientConfig, ReceiveOptions, Relay, SendOptions, XftpPool};
//! let pool = Arc::new(XftpPool::new(ClientConfig::default()));
//! let relays = Relay::parse_list("xftp://<fingerprint>@xftp.example.com")?;
//! let opts = SendOptions { n_recipients: 2, ..SendOptions::default() };
//! let sent = xftp_client::send_file(&pool, "photo.jpg".as_ref(), &relays, &opts).await?;
//! // each recipient gets one of sent.recipients (YAML via `to_yaml`, or a link)
//! let got = xftp_client::receive_file(&pool, &sent.recipients[0], "downloads".as_ref(), &ReceiveOptions::default()).await?;
//! println!("{}", got.path.display());
//! xftp_client::delete_file(&pool, &sent.sender).await?;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub mod connection;
pub mod error;
pub mod pool;
pub mod receive;
pub mod relay;
pub mod send;

pub use connection::{ClientConfig, XftpClient};
pub use error::{ClientError, Result};
pub use pool::XftpPool;
pub use receive::{ReceiveOptions, ReceivedFile, receive_file, unique_path};
pub use relay::Relay;
pub use send::{
    Progress, SendOptions, SentFile, delete_file, needs_redirect, send_file, send_redirect,
};
