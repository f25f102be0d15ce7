//! A minimal XFTP client for the tests: TLS 1.3 (optionally with SNI), HTTP/2 on hyper's
//! client, the handshake, and one command per request.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::net::SocketAddr;
use std::pin::Pin;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http2::SendRequest;
use hyper::{Request, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use openssl::ssl::{Ssl, SslContext, SslMethod, SslVerifyMode, SslVersion};
use openssl::x509::X509;
use simplex_crypto::keys::{AuthAlgorithm, PrivateAuthKey, X25519Public, X25519Secret};
use simplex_crypto::{SbStream, hash::sha256};
use simplex_transport::{Credentials, ServerCredentials, SignAlgorithm, generate_credentials};
use smp_proto::{CorrId, EntityId};
use tokio::net::TcpStream;
use xftp_proto::handshake::{ClientHandshake, ServerHandshake, pad_block, unpad_block};
use xftp_proto::transmission::{decode_response, encode_command};
use xftp_proto::{FileCommand, FileInfo, FileResponse, XftpErrorType};
use xftp_server::{ServerConfig, XftpServer};

/// Fresh Ed25519 server credentials.
pub fn creds() -> Credentials {
    generate_credentials(SignAlgorithm::Ed25519, "localhost").unwrap()
}

pub const CHUNK: usize = 64 * 1024;

/// A server on 127.0.0.1 with files (and a store log) in `dir`.
pub fn config(dir: &std::path::Path) -> ServerConfig {
    let mut cfg = ServerConfig::new("127.0.0.1:0", dir.join("files"));
    cfg.store_log = Some(dir.join("file-server-store.log"));
    cfg
}

pub async fn start(cfg: ServerConfig, c: &ServerCredentials) -> XftpServer {
    XftpServer::start(cfg, c).await.unwrap()
}

/// What a test keeps alive besides the server and client: the temporary directory and
/// the credentials.
pub struct Held {
    pub dir: tempfile::TempDir,
    pub creds: Credentials,
}

/// A test server (configured by `tweak`) in a temporary directory, with a client that
/// finished the handshake.
pub async fn setup(tweak: impl FnOnce(&mut ServerConfig)) -> (Held, XftpServer, Client) {
    let dir = tempfile::tempdir().unwrap();
    let creds = creds();
    let mut cfg = config(dir.path());
    tweak(&mut cfg);
    let srv = start(cfg, &creds.server_credentials()).await;
    let c = Client::connect_xftp(srv.addr(), creds.fingerprint().unwrap()).await;
    (Held { dir, creds }, srv, c)
}

pub struct Client {
    send: SendRequest<Full<Bytes>>,
    pub session_id: Vec<u8>,
    pub server_key: Option<X25519Public>,
    pub version: u16,
    pub peer_chain: Vec<X509>,
}

/// A full response: status, headers and body.
pub struct Resp {
    pub status: StatusCode,
    pub headers: hyper::HeaderMap,
    pub body: Vec<u8>,
}

impl Client {
    /// TLS + HTTP/2, no XFTP handshake.
    pub async fn connect(addr: SocketAddr, alpn: &[&str], sni: Option<&str>) -> Client {
        let mut ctx = SslContext::builder(SslMethod::tls()).unwrap();
        ctx.set_min_proto_version(Some(SslVersion::TLS1_3)).unwrap();
        ctx.set_verify(SslVerifyMode::NONE);
        if !alpn.is_empty() {
            ctx.set_alpn_protos(&simplex_transport::tls_config::alpn_wire(alpn).unwrap())
                .unwrap();
        }
        let mut ssl = Ssl::new(&ctx.build()).unwrap();
        if let Some(name) = sni {
            ssl.set_hostname(name).unwrap();
        }
        let tcp = TcpStream::connect(addr).await.unwrap();
        let mut stream = tokio_openssl::SslStream::new(ssl, tcp).unwrap();
        Pin::new(&mut stream).connect().await.unwrap();
        let mut buf = [0u8; 64];
        let n = stream.ssl().finished(&mut buf);
        let session_id = buf[..n].to_vec();
        let peer_chain = stream
            .ssl()
            .peer_cert_chain()
            .map(|c| c.iter().map(|x| x.to_owned()).collect())
            .unwrap_or_default();
        let (send, conn) =
            hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
                .await
                .unwrap();
        tokio::spawn(conn);
        Client {
            send,
            session_id,
            server_key: None,
            version: 1,
            peer_chain,
        }
    }

    /// Connects with ALPN `xftp/1` and runs the handshake for `identity`.
    pub async fn connect_xftp(addr: SocketAddr, identity: [u8; 32]) -> Client {
        let mut c = Client::connect(addr, &["xftp/1"], None).await;
        let hs = c.server_hello(&[], &[]).await.unwrap();
        c.check_hello(&hs, identity);
        let r = c.client_handshake(identity, hs.versions.max(), &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body.is_empty(),
            "handshake reply body: {:?}",
            String::from_utf8_lossy(&r.body)
        );
        c
    }

    /// True once the server closed the connection.
    pub fn is_closed(&self) -> bool {
        self.send.is_closed()
    }

    pub async fn post(&mut self, body: Vec<u8>, headers: &[(&str, &str)]) -> Resp {
        let mut req = Request::post("/");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.request(req.body(Full::new(Bytes::from(body))).unwrap())
            .await
    }

    pub async fn request(&mut self, req: Request<Full<Bytes>>) -> Resp {
        let resp = self.send.send_request(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Resp {
            status,
            headers,
            body,
        }
    }

    /// Sends the hello (empty, or a padded web hello) and parses the server handshake.
    pub async fn server_hello(
        &mut self,
        hello: &[u8],
        headers: &[(&str, &str)],
    ) -> Result<ServerHandshake, Vec<u8>> {
        let r = self.post(hello.to_vec(), headers).await;
        let body = unpad_block(&r.body).map_err(|_| r.body.clone())?.to_vec();
        ServerHandshake::parse(&body).map_err(|_| body)
    }

    /// Checks the chain `[leaf, ca]`, the identity and the signed key, and keeps the key.
    pub fn check_hello(&mut self, hs: &ServerHandshake, identity: [u8; 32]) {
        assert_eq!(hs.session_id, self.session_id);
        assert_eq!(hs.cert_key.chain.len(), 2);
        assert_eq!(
            simplex_transport::fingerprint_der(&hs.cert_key.chain[1]),
            identity
        );
        let leaf = X509::from_der(&hs.cert_key.chain[0]).unwrap();
        let spki = simplex_transport::verify_signed_spki(&leaf, &hs.cert_key.signed_key).unwrap();
        self.server_key = Some(X25519Public::from_spki(&spki).unwrap());
    }

    pub async fn client_handshake(
        &mut self,
        identity: [u8; 32],
        version: u16,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut b = Vec::new();
        ClientHandshake {
            version,
            key_hash: identity,
        }
        .encode(&mut b);
        self.version = version;
        self.post(pad_block(&b).unwrap(), headers).await
    }

    /// Sends a command block (and chunk bytes), returns the response and what follows it.
    pub async fn cmd(
        &mut self,
        key: Option<&PrivateAuthKey>,
        entity: &[u8],
        cmd: &FileCommand,
        chunk: Option<&[u8]>,
    ) -> (Result<FileResponse, XftpErrorType>, Vec<u8>) {
        let ent = EntityId::new(entity).unwrap();
        let block = encode_command(
            &self.session_id,
            &CorrId::empty(),
            &ent,
            cmd,
            key.map(|k| (k, self.server_key.as_ref())),
        )
        .unwrap();
        self.send_block(block, chunk).await
    }

    pub async fn send_block(
        &mut self,
        mut block: Vec<u8>,
        chunk: Option<&[u8]>,
    ) -> (Result<FileResponse, XftpErrorType>, Vec<u8>) {
        if let Some(c) = chunk {
            block.extend_from_slice(c);
        }
        let r = self.post(block, &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body.len() >= xftp_proto::versions::BLOCK_SIZE,
            "short response {}",
            r.body.len()
        );
        let (head, rest) = r.body.split_at(xftp_proto::versions::BLOCK_SIZE);
        let reply = decode_response(&self.session_id, head).unwrap();
        (reply.response, rest.to_vec())
    }
}

/// A chunk of `CHUNK` bytes, its sender key and recipient keys.
pub struct Upload {
    pub data: Vec<u8>,
    pub snd: PrivateAuthKey,
    pub rcv: Vec<PrivateAuthKey>,
}

impl Upload {
    pub fn new(seed: u8, recipients: usize) -> Upload {
        Upload::sized(seed, recipients, CHUNK)
    }

    pub fn sized(seed: u8, recipients: usize, size: usize) -> Upload {
        let mut rng = rand::rng();
        let data = (0..size)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect();
        Upload {
            data,
            snd: PrivateAuthKey::generate(AuthAlgorithm::Ed25519, &mut rng).unwrap(),
            rcv: (0..recipients)
                .map(|_| PrivateAuthKey::generate(AuthAlgorithm::Ed25519, &mut rng).unwrap())
                .collect(),
        }
    }

    pub fn fnew(&self) -> FileCommand {
        FileCommand::New {
            file: FileInfo {
                snd_key: self.snd.public(),
                size: self.data.len() as u32,
                digest: sha256(&self.data).to_vec(),
            },
            rcv_keys: self.rcv.iter().map(|k| k.public()).collect(),
            auth: None,
        }
    }
}

/// FNEW + FPUT; returns the sender id and recipient ids.
pub async fn upload(c: &mut Client, u: &Upload) -> (Vec<u8>, Vec<Vec<u8>>) {
    let (r, _) = c.cmd(Some(&u.snd), b"", &u.fnew(), None).await;
    let Ok(FileResponse::SndIds(sid, rids)) = r else {
        panic!("FNEW: {r:?}")
    };
    let sid = sid.as_bytes().to_vec();
    let (r, _) = c
        .cmd(Some(&u.snd), &sid, &FileCommand::Put, Some(&u.data))
        .await;
    assert_eq!(r, Ok(FileResponse::Ok));
    (sid, rids.iter().map(|r| r.as_bytes().to_vec()).collect())
}

/// FGET with a fresh DH key; returns the decrypted chunk after checking the tag.
pub async fn download(
    c: &mut Client,
    key: &PrivateAuthKey,
    rid: &[u8],
) -> Result<Vec<u8>, XftpErrorType> {
    let dh = X25519Secret::generate(&mut rand::rng());
    let (r, rest) = c
        .cmd(Some(key), rid, &FileCommand::Get(dh.public()), None)
        .await;
    let (srv, nonce) = match r? {
        FileResponse::File(srv, nonce) => (srv, nonce),
        FileResponse::Err(e) => return Err(e),
        other => panic!("FGET: {other:?}"),
    };
    assert!(rest.len() >= 16);
    let (enc, tag) = rest.split_at(rest.len() - 16);
    let mut data = enc.to_vec();
    let mut stream = SbStream::new_dh(&dh.dh(&srv), &nonce);
    stream.decrypt_chunk(&mut data);
    assert!(stream.verify_tag(tag), "bad tag");
    Ok(data)
}
