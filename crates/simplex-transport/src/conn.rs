//! An established TLS connection and what the handshake produced.

use std::fmt;

use openssl::ssl::SslRef;
use openssl::x509::X509;
use tokio::io::{ReadHalf, WriteHalf};
use tokio::net::TcpStream;

use crate::block::{BlockReader, BlockWriter};
use crate::error::{Error, Result};

/// The TLS stream type used by this crate.
pub type TlsStream = tokio_openssl::SslStream<TcpStream>;
/// Block reader over the read half of a [`TlsStream`].
pub type TlsBlockReader = BlockReader<ReadHalf<TlsStream>>;
/// Block writer over the write half of a [`TlsStream`].
pub type TlsBlockWriter = BlockWriter<WriteHalf<TlsStream>>;

/// Which side of the connection we are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// We accepted the connection.
    Server,
    /// We initiated the connection.
    Client,
}

/// An established TLS 1.3 connection with its session id, ALPN result and peer chain.
pub struct TlsConn {
    stream: TlsStream,
    role: Role,
    session_id: Vec<u8>,
    alpn: Option<Vec<u8>>,
    peer_chain: Vec<X509>,
    peer_chain_der: Vec<Vec<u8>>,
}

impl fmt::Debug for TlsConn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConn")
            .field("role", &self.role)
            .field("session_id_len", &self.session_id.len())
            .field("alpn", &self.alpn.as_deref().map(String::from_utf8_lossy))
            .field("peer_chain_len", &self.peer_chain.len())
            .finish_non_exhaustive()
    }
}

impl TlsConn {
    /// Collects the handshake results from a stream whose handshake has completed.
    pub(crate) fn from_stream(stream: TlsStream, role: Role) -> Result<Self> {
        let ssl = stream.ssl();
        let session_id = tls_unique(ssl, role)?;
        let alpn = ssl.selected_alpn_protocol().map(<[u8]>::to_vec);
        let peer_chain = peer_chain(ssl, role);
        let peer_chain_der = peer_chain
            .iter()
            .map(|c| c.to_der())
            .collect::<std::result::Result<_, _>>()?;
        Ok(TlsConn {
            stream,
            role,
            session_id,
            alpn,
            peer_chain,
            peer_chain_der,
        })
    }

    /// The session id: tls-unique, i.e. the client's Finished `verify_data` (32 bytes with
    /// TLS 1.3 and a SHA-256 suite).
    pub fn session_id(&self) -> &[u8] {
        &self.session_id
    }

    /// The negotiated ALPN protocol, if any.
    pub fn alpn(&self) -> Option<&[u8]> {
        self.alpn.as_deref()
    }

    /// The peer's certificate chain, leaf first (empty if a client sent no certificate).
    pub fn peer_chain(&self) -> &[X509] {
        &self.peer_chain
    }

    /// The peer's certificate chain as DER, leaf first.
    pub fn peer_chain_der(&self) -> &[Vec<u8>] {
        &self.peer_chain_der
    }

    /// Which side we are.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The OpenSSL session, for anything not exposed here.
    pub fn ssl(&self) -> &SslRef {
        self.stream.ssl()
    }

    /// Gives up the connection metadata and returns the TLS stream (e.g. for HTTP/2).
    pub fn into_stream(self) -> TlsStream {
        self.stream
    }

    /// Splits the connection into a block reader and a block writer usable from different
    /// tasks at the same time.
    pub fn into_blocks(self, block_size: usize) -> Result<(TlsBlockReader, TlsBlockWriter)> {
        let (r, w) = tokio::io::split(self.stream);
        Ok((
            BlockReader::new(r, block_size)?,
            BlockWriter::new(w, block_size)?,
        ))
    }
}

fn tls_unique(ssl: &SslRef, role: Role) -> Result<Vec<u8>> {
    let mut buf = [0u8; 64];
    let len = match role {
        Role::Server => ssl.peer_finished(&mut buf),
        Role::Client => ssl.finished(&mut buf),
    };
    match buf.get(..len) {
        Some(id) if !id.is_empty() => Ok(id.to_vec()),
        _ => Err(Error::NoSessionId),
    }
}

fn peer_chain(ssl: &SslRef, role: Role) -> Vec<X509> {
    let rest = ssl
        .peer_cert_chain()
        .into_iter()
        .flatten()
        .map(|c| c.to_owned());
    match role {
        // OpenSSL includes the leaf in the client's view of the chain only.
        Role::Client => rest.collect(),
        Role::Server => ssl.peer_certificate().into_iter().chain(rest).collect(),
    }
}
