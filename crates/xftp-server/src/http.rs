//! One HTTP/2 connection: the handshake over its first requests, then one command per
//! request (`Server.hs` `runServer`, `xftpServerHandshakeV1`, `processRequest`).

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use simplex_crypto::keys::X25519Secret;
use smp_proto::{CorrId, EntityId};
use xftp_proto::handshake::{
    CertChainPubKey, ClientHandshake, ClientHello, ServerHandshake, WEB_HANDSHAKE_HEADER,
    WEB_HELLO_HEADER, pad_block, unpad_block, web_identity_message,
};
use xftp_proto::transmission::{decode_request, encode_response};
use xftp_proto::versions::{ALPN_HTTP11, ALPN_XFTP_V1, BLOCK_SIZE, INITIAL_V};
use xftp_proto::{FileResponse, XftpErrorType};

use crate::body::{RequestBody, ResponseBody};
use crate::chunks::stream_chunk;
use crate::env::Env;
use crate::handler::{Params, Reply, process};

/// The handshake state of a connection.
#[derive(Debug, Clone)]
enum Handshake {
    None,
    Sent(Arc<X25519Secret>),
    Accepted(Params),
}

/// What a connection knows about itself.
#[derive(Debug)]
pub(crate) struct Conn {
    pub env: Arc<Env>,
    pub session_id: Vec<u8>,
    pub alpn: Option<Vec<u8>>,
    /// The client sent SNI to a server with web support: a browser.
    pub sni: bool,
    hs: Mutex<Handshake>,
}

type Resp = Response<ResponseBody>;

impl Conn {
    pub fn new(env: Arc<Env>, session_id: Vec<u8>, alpn: Option<Vec<u8>>, sni: bool) -> Self {
        Conn {
            env,
            session_id,
            alpn,
            sni,
            hs: Mutex::new(Handshake::None),
        }
    }

    fn cors(&self) -> bool {
        self.sni && self.env.cfg.web.is_some()
    }

    fn response(&self, body: Vec<u8>) -> Resp {
        self.with_cors(Response::new(ResponseBody::full(body)))
    }

    fn with_cors(&self, mut r: Resp) -> Resp {
        if self.cors() {
            let h = r.headers_mut();
            let star = hyper::header::HeaderValue::from_static("*");
            h.insert("access-control-allow-origin", star.clone());
            h.insert("access-control-expose-headers", star);
        }
        r
    }

    fn state(&self) -> Handshake {
        self.hs.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set_state(&self, s: Handshake) {
        *self.hs.lock().unwrap_or_else(|p| p.into_inner()) = s;
    }
}

fn preflight() -> Resp {
    let mut r = Response::new(ResponseBody::full(Vec::new()));
    let h = r.headers_mut();
    for (k, v) in [
        ("access-control-allow-origin", "*"),
        ("access-control-allow-methods", "POST, OPTIONS"),
        ("access-control-allow-headers", "*"),
        ("access-control-max-age", "86400"),
    ] {
        h.insert(k, hyper::header::HeaderValue::from_static(v));
    }
    r
}

/// Serves one request.
pub(crate) async fn handle(conn: Arc<Conn>, req: Request<Incoming>) -> Result<Resp, Infallible> {
    let method = req.method().clone();
    if method == Method::OPTIONS && conn.cors() {
        return Ok(preflight());
    }
    if method == Method::GET && conn.sni {
        let mut r = Response::new(ResponseBody::full(Vec::new()));
        *r.status_mut() = StatusCode::NOT_FOUND;
        return Ok(r);
    }
    let header = |name: &str| req.headers().contains_key(name);
    let web_hello = conn.sni && header(WEB_HELLO_HEADER);
    let web_handshake = conn.sni && header(WEB_HANDSHAKE_HEADER);
    let mut body = RequestBody::new(req.into_body());
    let Ok(head) = body.head(BLOCK_SIZE).await else {
        return Ok(conn.response(Vec::new()));
    };
    let handshaking = match conn.alpn.as_deref() {
        None => false,
        Some(a) if a == ALPN_XFTP_V1.as_bytes() || a == ALPN_HTTP11.as_bytes() => true,
        Some(b"h2") if conn.sni => true,
        Some(_) => return Ok(conn.response(Vec::new())),
    };
    let params = if handshaking {
        match handshake(&conn, &head, web_hello, web_handshake) {
            Ok(Step::Reply(b)) => return Ok(conn.response(b)),
            Ok(Step::Command(p)) => p,
            Err(e) => {
                let mut b = Vec::new();
                e.encode(&mut b);
                return Ok(conn.response(pad_block(&b).unwrap_or_default()));
            }
        }
    } else {
        Params {
            version: INITIAL_V,
            server_key: None,
        }
    };
    let (corr, ent, (resp, chunk)) = command(&conn, &params, &head, &mut body).await;
    let head = match encode_response(&conn.session_id, params.version, &corr, &ent, &resp) {
        Ok(b) => b,
        Err(_) => b"padding error".to_vec(),
    };
    Ok(match chunk {
        None => conn.response(head),
        Some(d) => conn.with_cors(Response::new(ResponseBody::streamed(head, stream_chunk(d)))),
    })
}

enum Step {
    Reply(Vec<u8>),
    Command(Params),
}

fn handshake(
    conn: &Conn,
    head: &[u8],
    web_hello: bool,
    web_handshake: bool,
) -> Result<Step, XftpErrorType> {
    match conn.state() {
        Handshake::None if conn.sni && !web_hello => Err(XftpErrorType::Session),
        Handshake::None => hello(conn, head, None),
        Handshake::Sent(k) if web_hello => hello(conn, head, Some(k)),
        Handshake::Sent(k) => client_handshake(conn, head, k),
        Handshake::Accepted(p) => match p.server_key {
            Some(k) if web_hello => hello(conn, head, Some(k)),
            Some(k) if web_handshake => client_handshake(conn, head, k),
            _ => Ok(Step::Command(p)),
        },
    }
}

fn hello(conn: &Conn, head: &[u8], key: Option<Arc<X25519Secret>>) -> Result<Step, XftpErrorType> {
    let hs_err = |_| XftpErrorType::Handshake;
    let challenge = if head.is_empty() {
        None
    } else if conn.sni {
        ClientHello::parse(unpad_block(head).map_err(hs_err)?)
            .map_err(hs_err)?
            .web_challenge
    } else {
        return Err(XftpErrorType::Handshake);
    };
    let key = key.unwrap_or_else(|| Arc::new(X25519Secret::generate(&mut rand::rng())));
    let env = &conn.env;
    let signed_key = simplex_transport::sign_spki(&env.leaf_key, &key.public().to_spki())
        .map_err(|_| XftpErrorType::Internal)?;
    let web_identity_proof = match challenge {
        Some(c) => Some(
            env.sign_key
                .sign(&web_identity_message(&c, &conn.session_id))
                .map_err(|_| XftpErrorType::Internal)?,
        ),
        None => None,
    };
    let hs = ServerHandshake {
        versions: env.cfg.versions,
        session_id: conn.session_id.clone(),
        cert_key: CertChainPubKey {
            chain: env.chain_der.clone(),
            signed_key,
        },
        web_identity_proof,
    };
    let mut b = Vec::new();
    hs.encode(&mut b);
    let padded = pad_block(&b).map_err(hs_err)?;
    conn.set_state(Handshake::Sent(key));
    Ok(Step::Reply(padded))
}

fn client_handshake(
    conn: &Conn,
    head: &[u8],
    key: Arc<X25519Secret>,
) -> Result<Step, XftpErrorType> {
    let hs_err = |_| XftpErrorType::Handshake;
    if head.len() != BLOCK_SIZE {
        return Err(XftpErrorType::Handshake);
    }
    let ch = ClientHandshake::parse(unpad_block(head).map_err(hs_err)?).map_err(hs_err)?;
    if ch.key_hash != conn.env.identity || !conn.env.cfg.versions.contains(ch.version) {
        return Err(XftpErrorType::Handshake);
    }
    conn.set_state(Handshake::Accepted(Params {
        version: ch.version,
        server_key: Some(key),
    }));
    Ok(Step::Reply(Vec::new()))
}

async fn command(
    conn: &Conn,
    p: &Params,
    head: &[u8],
    body: &mut RequestBody,
) -> (CorrId, EntityId, Reply) {
    match decode_request(&conn.session_id, head) {
        Err(e) => (e.corr_id, e.entity_id, (FileResponse::Err(e.error), None)),
        Ok(req) => {
            let (corr, ent) = (req.corr_id.clone(), req.entity_id.clone());
            let reply = process(&conn.env, p, req, body).await;
            (corr, ent, reply)
        }
    }
}
