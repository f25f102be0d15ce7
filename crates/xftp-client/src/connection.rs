//! One connection to an XFTP relay: TLS 1.3 with ALPN `xftp/1` and the identity check,
//! HTTP/2 on top, the XFTP handshake, and each command as one `POST /` whose body is the
//! padded command block (followed by the chunk for `FPUT`); the response body is the
//! padded response block (followed by the encrypted chunk and its tag for `FGET`).
//!
//! HTTP/2 multiplexes requests, so one connection serves concurrent commands.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http2::SendRequest;
use hyper::{Request, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use openssl::x509::X509;
use simplex_crypto::keys::{PrivateAuthKey, PublicAuthKey, X25519Public, X25519Secret};
use simplex_crypto::{SbStream, TAG_LEN};
use smp_proto::address::BasicAuth;
use smp_proto::{CorrId, EntityId};
use tokio::net::TcpStream;
use xftp_desc::XftpServer;
use xftp_proto::handshake::{ClientHandshake, ServerHandshake, pad_block, unpad_block};
use xftp_proto::transmission::{decode_response, encode_command};
use xftp_proto::versions::{ALPN_XFTP_V1, BLOCK_SIZE, CLIENT_RANGE, MAX_RECIPIENTS_PER_REQUEST};
use xftp_proto::{FileCommand, FileInfo, FileResponse};

use crate::error::{ClientError, Result};

/// Timeouts and limits of client connections.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// TCP connect, TLS and XFTP handshake together.
    pub connect_timeout: Duration,
    /// One command without a chunk.
    pub command_timeout: Duration,
    /// One chunk upload or download (up to 4 MB).
    pub transfer_timeout: Duration,
    /// Attempts per operation on transient errors (at least 1).
    pub retries: u32,
    /// Chunks transferred at the same time.
    pub concurrency: usize,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(30),
            command_timeout: Duration::from_secs(30),
            transfer_timeout: Duration::from_secs(180),
            retries: 3,
            concurrency: 8,
        }
    }
}

/// HTTP/2 flow-control window of one request: a 4 MiB chunk, its tag and the block.
const CHUNK_WINDOW: u32 = 4 * 1024 * 1024 + 64 * 1024;

/// Largest HTTP/2 frame the relay may send us.
const MAX_FRAME: u32 = 256 * 1024;

/// An open, handshaken connection to one relay.
pub struct XftpClient {
    server: XftpServer,
    send: SendRequest<Full<Bytes>>,
    session_id: Vec<u8>,
    server_key: X25519Public,
    version: u16,
    cfg: ClientConfig,
}

impl std::fmt::Debug for XftpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XftpClient")
            .field("server", &self.server.to_string())
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl XftpClient {
    /// Connects to `server`, checks its identity and runs the XFTP handshake.
    pub async fn connect(server: &XftpServer, cfg: &ClientConfig) -> Result<Self> {
        tokio::time::timeout(cfg.connect_timeout, Self::connect_inner(server, cfg))
            .await
            .map_err(|_| ClientError::Timeout("connecting to the relay"))?
    }

    async fn connect_inner(server: &XftpServer, cfg: &ClientConfig) -> Result<Self> {
        let key_hash: [u8; 32] = server
            .key_hash
            .as_slice()
            .try_into()
            .map_err(|_| ClientError::Invalid("server key hash must be 32 bytes"))?;
        let host = server
            .hosts
            .first()
            .ok_or(ClientError::Invalid("server has no host"))?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let port = server.port_number()?;
        let tcp = TcpStream::connect((host, port)).await?;
        let tls = simplex_transport::ClientTls::new(&[ALPN_XFTP_V1])?
            .connect(tcp, &key_hash)
            .await?;
        let session_id = tls.session_id().to_vec();
        // hyper's defaults (2 MiB stream / 5 MiB connection windows, 16 KiB frames) make
        // the relay stop and wait for WINDOW_UPDATEs inside every 4 MiB chunk and share
        // 5 MiB among all concurrent downloads: windows that hold whole chunks for every
        // concurrent request and large frames let the relay send without waiting.
        let (send, conn) = hyper::client::conn::http2::Builder::new(TokioExecutor::new())
            .initial_stream_window_size(CHUNK_WINDOW)
            .initial_connection_window_size(
                CHUNK_WINDOW
                    .saturating_mul(u32::try_from(cfg.concurrency.clamp(1, 16)).unwrap_or(16)),
            )
            .max_frame_size(MAX_FRAME)
            .max_send_buf_size(MAX_FRAME as usize * 4)
            .handshake(TokioIo::new(tls.into_stream()))
            .await
            .map_err(http)?;
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!("XFTP connection closed: {e}");
            }
        });
        let (server_key, version) = handshake(&send, &session_id, &key_hash).await?;
        Ok(Self {
            server: server.clone(),
            send,
            session_id,
            server_key,
            version,
            cfg: cfg.clone(),
        })
    }

    /// The relay this connection is to.
    pub fn server(&self) -> &XftpServer {
        &self.server
    }

    /// The negotiated XFTP version.
    pub fn version(&self) -> u16 {
        self.version
    }

    /// The TLS session id.
    pub fn session_id(&self) -> &[u8] {
        &self.session_id
    }

    /// Whether the HTTP/2 connection is still open.
    pub fn is_open(&self) -> bool {
        !self.send.is_closed()
    }

    /// Sends one command (with the chunk after the block for `FPUT`) and returns the
    /// response and the bytes after the response block.
    async fn command(
        &self,
        key: Option<&PrivateAuthKey>,
        entity: &[u8],
        cmd: &FileCommand,
        chunk: Option<Bytes>,
    ) -> Result<(FileResponse, Bytes)> {
        let entity =
            EntityId::new(entity).map_err(|_| ClientError::Invalid("entity id too long"))?;
        let block = encode_command(
            &self.session_id,
            &CorrId::empty(),
            &entity,
            cmd,
            key.map(|k| (k, Some(&self.server_key))),
        )?;
        let (body, timeout) = match chunk {
            Some(c) => (
                [block.as_slice(), &c].concat().into(),
                self.cfg.transfer_timeout,
            ),
            None => (Bytes::from(block), self.cfg.command_timeout),
        };
        let timeout = if matches!(cmd, FileCommand::Get(_)) {
            self.cfg.transfer_timeout
        } else {
            timeout
        };
        let resp = tokio::time::timeout(timeout, post(&self.send, body))
            .await
            .map_err(|_| ClientError::Timeout("waiting for the relay"))??;
        if resp.len() < BLOCK_SIZE {
            return Err(ClientError::Unexpected("short response"));
        }
        let rest = resp.slice(BLOCK_SIZE..);
        let reply =
            decode_response(&self.session_id, &resp[..BLOCK_SIZE]).map_err(ClientError::Relay)?;
        match reply.response.map_err(ClientError::Relay)? {
            FileResponse::Err(e) => Err(ClientError::Relay(e)),
            r => Ok((r, rest)),
        }
    }

    /// `FNEW`: creates a chunk with up to 200 recipients; returns the sender id and the
    /// recipient ids. More recipients are added with [`XftpClient::add_recipients`].
    pub async fn create_chunk(
        &self,
        snd_key: &PrivateAuthKey,
        file: FileInfo,
        rcv_keys: &[PublicAuthKey],
        auth: Option<&BasicAuth>,
    ) -> Result<(Vec<u8>, Vec<Vec<u8>>)> {
        if rcv_keys.is_empty() || rcv_keys.len() > MAX_RECIPIENTS_PER_REQUEST {
            return Err(ClientError::Invalid("1 to 200 recipient keys per request"));
        }
        let cmd = FileCommand::New {
            file,
            rcv_keys: rcv_keys.to_vec(),
            auth: auth.cloned(),
        };
        match self.command(Some(snd_key), &[], &cmd, None).await?.0 {
            FileResponse::SndIds(s, r) if r.len() == rcv_keys.len() => {
                Ok((s.as_bytes().to_vec(), ids(&r)))
            }
            _ => Err(ClientError::Unexpected(
                "FNEW: expected SIDS with one id per key",
            )),
        }
    }

    /// `FADD`: adds up to 200 recipients to a chunk; returns their ids.
    pub async fn add_recipients(
        &self,
        snd_key: &PrivateAuthKey,
        snd_id: &[u8],
        rcv_keys: &[PublicAuthKey],
    ) -> Result<Vec<Vec<u8>>> {
        if rcv_keys.is_empty() || rcv_keys.len() > MAX_RECIPIENTS_PER_REQUEST {
            return Err(ClientError::Invalid("1 to 200 recipient keys per request"));
        }
        let cmd = FileCommand::Add(rcv_keys.to_vec());
        match self.command(Some(snd_key), snd_id, &cmd, None).await?.0 {
            FileResponse::RcvIds(r) if r.len() == rcv_keys.len() => Ok(ids(&r)),
            _ => Err(ClientError::Unexpected(
                "FADD: expected RIDS with one id per key",
            )),
        }
    }

    /// `FPUT`: uploads the chunk bytes.
    pub async fn upload_chunk(
        &self,
        snd_key: &PrivateAuthKey,
        snd_id: &[u8],
        data: Bytes,
    ) -> Result<()> {
        let r = self
            .command(Some(snd_key), snd_id, &FileCommand::Put, Some(data))
            .await?;
        expect_ok(r.0, "FPUT")
    }

    /// `FGET`: downloads a chunk with a fresh DH key, decrypts it and checks the tag, the
    /// size and the SHA-256 `digest`. `chunk_no` only labels errors.
    pub async fn download_chunk(
        &self,
        rcv_key: &PrivateAuthKey,
        rcv_id: &[u8],
        chunk_no: u32,
        size: u32,
        digest: &[u8],
    ) -> Result<Vec<u8>> {
        let dh = X25519Secret::generate(&mut rand::rng());
        let (resp, rest) = self
            .command(Some(rcv_key), rcv_id, &FileCommand::Get(dh.public()), None)
            .await?;
        let FileResponse::File(srv_key, nonce) = resp else {
            return Err(ClientError::Unexpected("FGET: expected FILE"));
        };
        let corrupt = |what| ClientError::ChunkCorrupt { chunk_no, what };
        if rest.len() != size as usize + TAG_LEN {
            return Err(corrupt("wrong size"));
        }
        let (enc, tag) = rest.split_at(size as usize);
        let mut data = enc.to_vec();
        let mut sb = SbStream::new_dh(&dh.dh(&srv_key), &nonce);
        sb.decrypt_chunk(&mut data);
        if !sb.verify_tag(tag) {
            return Err(corrupt("encryption tag check failed"));
        }
        if xftp_desc::chunk_digest(&data).as_slice() != digest {
            return Err(corrupt("digest mismatch"));
        }
        Ok(data)
    }

    /// `FACK`: tells the relay this recipient has the chunk.
    pub async fn ack_chunk(&self, rcv_key: &PrivateAuthKey, rcv_id: &[u8]) -> Result<()> {
        expect_ok(
            self.command(Some(rcv_key), rcv_id, &FileCommand::Ack, None)
                .await?
                .0,
            "FACK",
        )
    }

    /// `FDEL`: deletes the chunk for everyone.
    pub async fn delete_chunk(&self, snd_key: &PrivateAuthKey, snd_id: &[u8]) -> Result<()> {
        expect_ok(
            self.command(Some(snd_key), snd_id, &FileCommand::Del, None)
                .await?
                .0,
            "FDEL",
        )
    }

    /// `PING`.
    pub async fn ping(&self) -> Result<()> {
        match self.command(None, &[], &FileCommand::Ping, None).await?.0 {
            FileResponse::Pong => Ok(()),
            _ => Err(ClientError::Unexpected("PING: expected PONG")),
        }
    }
}

/// The XFTP handshake: the server's hello (session id, `[leaf, ca]` chain matching the
/// address, X25519 key signed by the leaf), then the client's version and key hash.
/// Returns the server's X25519 key and the agreed version.
async fn handshake(
    send: &SendRequest<Full<Bytes>>,
    session_id: &[u8],
    key_hash: &[u8; 32],
) -> Result<(X25519Public, u16)> {
    let body = post(send, Bytes::new()).await?;
    let hello =
        unpad_block(&body).map_err(|_| ClientError::Handshake("bad server handshake block"))?;
    let hs = ServerHandshake::parse(hello)
        .map_err(|_| ClientError::Handshake("bad server handshake"))?;
    if hs.session_id != session_id {
        return Err(ClientError::Handshake(
            "session id differs from the TLS session",
        ));
    }
    let [leaf, ca] = hs.cert_key.chain.as_slice() else {
        return Err(ClientError::Handshake(
            "certificate chain must be [leaf, ca]",
        ));
    };
    if simplex_transport::fingerprint_der(ca) != *key_hash {
        return Err(ClientError::Handshake(
            "relay identity does not match the address",
        ));
    }
    let leaf = X509::from_der(leaf).map_err(|_| ClientError::Handshake("bad leaf certificate"))?;
    let spki = simplex_transport::verify_signed_spki(&leaf, &hs.cert_key.signed_key)?;
    let server_key = X25519Public::from_spki(&spki)
        .map_err(|_| ClientError::Handshake("server key is not X25519"))?;
    let version = hs
        .versions
        .negotiate(&CLIENT_RANGE)
        .ok_or(ClientError::Handshake("no common XFTP version"))?;
    let mut b = Vec::new();
    ClientHandshake {
        version,
        key_hash: *key_hash,
    }
    .encode(&mut b);
    let reply = post(send, Bytes::from(pad_block(&b)?)).await?;
    if !reply.is_empty() {
        return Err(ClientError::Handshake(
            "relay rejected the client handshake",
        ));
    }
    Ok((server_key, version))
}

/// One `POST /` on the connection; the whole response body.
async fn post(send: &SendRequest<Full<Bytes>>, body: Bytes) -> Result<Bytes> {
    let req = Request::post("/").body(Full::new(body)).map_err(http)?;
    let mut send = send.clone();
    send.ready().await.map_err(http)?;
    let resp = send.send_request(req).await.map_err(http)?;
    if resp.status() != StatusCode::OK {
        return Err(ClientError::Http(format!("status {}", resp.status())));
    }
    Ok(resp.into_body().collect().await.map_err(http)?.to_bytes())
}

fn ids(v: &[EntityId]) -> Vec<Vec<u8>> {
    v.iter().map(|e| e.as_bytes().to_vec()).collect()
}

fn expect_ok(r: FileResponse, what: &'static str) -> Result<()> {
    match r {
        FileResponse::Ok => Ok(()),
        _ => Err(ClientError::Unexpected(what)),
    }
}

fn http(e: impl std::fmt::Display) -> ClientError {
    ClientError::Http(e.to_string())
}
