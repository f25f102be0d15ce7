//! TLS 1.3 transport and fixed-size block framing for SimpleX SMP (and later XFTP).
//!
//! This crate is the IO layer under the SMP server and client: it builds OpenSSL TLS contexts
//! with the reference's parameters ([`tls_config`]), runs the handshake on tokio TCP streams
//! ([`ServerTls`], [`ClientTls`]), exposes the tls-unique session id, the ALPN result and the
//! peer chain ([`TlsConn`]), checks server identity by certificate fingerprint ([`chain`]),
//! generates and stores server credentials ([`credentials`], [`cred_files`]), signs and
//! verifies the session key of the SMP server hello ([`signed_key`]) and reads and writes
//! whole blocks ([`block`]).
//!
//! OpenSSL is required (not rustls) because the session id is the TLS Finished message and
//! the network uses Ed448 certificates and X448. This crate must not depend on any protocol
//! crate or state machine (`smp-proto`, `smp-server`, `smp-client`, ...) nor on
//! `simplex-crypto`: it moves bytes and certificates only.
#![warn(missing_docs)]

pub mod block;
pub mod chain;
pub mod client;
pub mod conn;
pub mod cred_files;
pub mod credentials;
mod der;
pub mod error;
pub mod fingerprint;
pub mod server;
pub mod signed_key;
pub mod tls_config;

pub use block::{BlockReader, BlockWriter, SMP_BLOCK_SIZE};
pub use client::{ClientTls, SMP_CLIENT_ALPN, client_connect};
pub use conn::{Role, TlsBlockReader, TlsBlockWriter, TlsConn, TlsStream};
pub use credentials::{Credentials, ServerCredentials, SignAlgorithm, generate_credentials};
pub use error::{Error, Result};
pub use fingerprint::{fingerprint, fingerprint_der, fingerprint_text, parse_fingerprint};
pub use server::{DEFAULT_TLS_SETUP_TIMEOUT, SMP_SERVER_ALPN, ServerTls};
pub use signed_key::{sign_spki, verify_signed_spki};
