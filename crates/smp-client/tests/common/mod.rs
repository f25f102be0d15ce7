//! A minimal fake SMP relay for testing the client alone: real TLS on 127.0.0.1:0, the real
//! hello exchange and block encryption, and canned answers to a few commands.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use simplex_crypto::authenticator::cb_verify;
use simplex_crypto::cbox::{cb_decrypt, cb_decrypt_no_pad, cb_encrypt, cb_encrypt_no_pad};
use simplex_crypto::keys::{PublicAuthKey, X25519Public, X25519Secret};
use simplex_crypto::nonce::{cb_nonce, reverse_nonce};
use simplex_crypto::pad::{pad, unpad};
use simplex_crypto::sbchain::sbc_init;
use simplex_encoding::{Decode, Encode, VersionRange};
use simplex_transport::{
    Credentials, SMP_SERVER_ALPN, ServerTls, SignAlgorithm, generate_credentials, sign_spki,
};
use smp_proto::batch::{Batch, batch_of_one, batch_transmissions, parse_batch};
use smp_proto::block::{open, seal};
use smp_proto::command::{MsgFlags, QueueLinkData};
use smp_proto::handshake::{CertChainPubKey, ClientHello, ServerHello};
use smp_proto::message::RcvMsgBody;
use smp_proto::proxy::{FwdResponse, FwdTransmission};
use smp_proto::response::QueueIds;
use smp_proto::transmission::{RawTransmission, TAuth, TParams, encode, parse};
use smp_proto::versions::{BLOCK_SIZE, PADDED_PROXIED_LEN, PROXIED_RANGE};
use smp_proto::{BrokerMsg, Command, CorrId, EntityId, ErrorType, MsgId, SmpServer};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// Body of the message the fake pushes after `SUB`.
pub const PUSHED_BODY: &[u8] = b"hello from the fake relay";

/// How the fake behaves in its hello.
#[derive(Clone, Copy)]
pub struct FakeOpts {
    /// The range it offers.
    pub versions: VersionRange,
    /// Put a wrong session id in the hello.
    pub bad_session_id: bool,
    /// Put another relay's chain in the hello.
    pub foreign_chain: bool,
    /// Key algorithm of the certificates.
    pub alg: SignAlgorithm,
}

impl Default for FakeOpts {
    fn default() -> Self {
        FakeOpts {
            versions: VersionRange::new(6, 18).unwrap(),
            bad_session_id: false,
            foreign_chain: false,
            alg: SignAlgorithm::Ed25519,
        }
    }
}

/// What the fake observed.
#[derive(Debug, PartialEq, Eq)]
pub enum Seen {
    /// The client hello: version, block encryption on, proxy flag.
    Hello {
        version: u16,
        encrypted: bool,
        proxy_server: bool,
    },
    /// A block with this many transmissions.
    Block(usize),
}

/// A running fake relay.
pub struct FakeRelay {
    /// Its address (`127.0.0.1:<port>` and its fingerprint).
    pub server: SmpServer,
    /// Its socket address.
    pub addr: SocketAddr,
    /// What it saw, in order.
    pub seen: mpsc::UnboundedReceiver<Seen>,
}

/// Starts a fake relay that serves every connection it accepts.
pub async fn start(opts: FakeOpts) -> FakeRelay {
    let creds = Arc::new(generate_credentials(opts.alg, "localhost").unwrap());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = SmpServer {
        hosts: vec!["127.0.0.1".to_owned()],
        port: addr.port().to_string(),
        key_hash: creds.fingerprint().unwrap(),
    };
    let (tx, seen) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let tls = Arc::new(ServerTls::new(&creds.server_credentials(), SMP_SERVER_ALPN).unwrap());
        while let Ok((tcp, _)) = listener.accept().await {
            let (tls, creds, tx) = (tls.clone(), creds.clone(), tx.clone());
            tokio::spawn(async move {
                let conn = tls.accept(tcp, Duration::from_secs(10)).await.unwrap();
                serve(conn, &creds, opts, tx).await;
            });
        }
    });
    FakeRelay { server, addr, seen }
}

fn chain_of(creds: &Credentials) -> Vec<Vec<u8>> {
    vec![
        creds.server_cert.to_der().unwrap(),
        creds.ca_cert.to_der().unwrap(),
    ]
}

/// One connection's state.
struct Conn {
    params: TParams,
    sess: X25519Secret,
    chain: Vec<Vec<u8>>,
    signed_key: Vec<u8>,
    client_key: Option<X25519Public>,
    queue_dh: X25519Secret,
    queues: HashMap<EntityId, X25519Public>,
    /// The reply to an `ACK`, held back until the next transmission (a late response).
    held: Replies,
}

async fn serve(
    conn: simplex_transport::TlsConn,
    creds: &Credentials,
    opts: FakeOpts,
    seen: mpsc::UnboundedSender<Seen>,
) {
    let sid = conn.session_id().to_vec();
    let (mut r, mut w) = conn.into_blocks(BLOCK_SIZE).unwrap();
    let sess = X25519Secret::generate(&mut rand::rng());
    let signed_key = sign_spki(&creds.server_key, &sess.public().to_spki()).unwrap();
    let hello_chain = if opts.foreign_chain {
        chain_of(&generate_credentials(opts.alg, "localhost").unwrap())
    } else {
        chain_of(creds)
    };
    let hello = ServerHello {
        versions: opts.versions,
        session_id: if opts.bad_session_id {
            vec![0; 32]
        } else {
            sid.clone()
        },
        cert_key: Some(CertChainPubKey {
            chain: hello_chain,
            signed_key: signed_key.clone(),
        }),
    };
    w.write_block(&pad(&hello.to_bytes(), BLOCK_SIZE).unwrap())
        .await
        .unwrap();
    let Ok(block) = r.read_block().await else {
        return;
    };
    let ch = ClientHello::parse(unpad(&block).unwrap()).unwrap();
    let v = ch.version;
    let (mut snd, mut rcv) = match &ch.auth_key {
        Some(k) if v >= 11 && !ch.proxy_server => {
            let (ck1, ck2) = sbc_init(&sid, &sess.dh(k));
            (Some(ck1), Some(ck2))
        }
        _ => (None, None),
    };
    let hello_seen = Seen::Hello {
        version: v,
        encrypted: snd.is_some(),
        proxy_server: ch.proxy_server,
    };
    seen.send(hello_seen).unwrap();
    let mut c = Conn {
        params: TParams {
            version: v,
            session_id: sid,
        },
        sess,
        chain: chain_of(creds),
        signed_key,
        client_key: ch.auth_key,
        queue_dh: X25519Secret::generate(&mut rand::rng()),
        queues: HashMap::new(),
        held: Vec::new(),
    };
    while let Ok(block) = r.read_block().await {
        let content = open(&block, rcv.as_mut()).unwrap();
        let ts = parse_batch(&content).unwrap();
        seen.send(Seen::Block(ts.len())).unwrap();
        let mut out = Vec::new();
        for t in ts {
            let raw = parse(&c.params, t).unwrap();
            let Some(replies) = c.handle(&raw) else {
                return;
            };
            for (corr, ent, msg) in replies {
                let bytes = msg.to_bytes(v);
                out.push(encode(&c.params, &[], None, &corr, &ent, &bytes));
            }
        }
        for b in batch_transmissions(&out) {
            let Batch::Block(content, _) = b else {
                panic!("reply too large")
            };
            w.write_block(&seal(&content, snd.as_mut()).unwrap())
                .await
                .unwrap();
        }
    }
}

type Replies = Vec<(CorrId, EntityId, BrokerMsg)>;

fn random_id() -> EntityId {
    let mut id = [0u8; 24];
    rand::RngExt::fill(&mut rand::rng(), &mut id);
    EntityId::from(id)
}

/// Checks a transmission's authorization against `key` with this connection's session key.
fn authorized(raw: &RawTransmission, key: &PublicAuthKey, sess: &X25519Secret) -> bool {
    match (&raw.auth, key) {
        (Some(TAuth::Signature(sig)), k) => k.verify(&raw.authorized, sig),
        (Some(TAuth::Authenticator(a)), PublicAuthKey::X25519(k)) => cb_verify(
            k,
            sess,
            &cb_nonce(raw.corr_id.as_bytes()),
            &raw.authorized,
            a,
        ),
        _ => false,
    }
}

impl Conn {
    /// The replies to one transmission; `None` closes the connection.
    fn handle(&mut self, raw: &RawTransmission) -> Option<Replies> {
        let v = self.params.version;
        let corr = raw.corr_id.clone();
        let ent = raw.entity_id.clone();
        let reply = |m| vec![(corr.clone(), ent.clone(), m)];
        let mut out = std::mem::take(&mut self.held);
        out.extend(match Command::parse(v, &raw.command).unwrap() {
            Command::Ping => reply(BrokerMsg::Pong),
            Command::New(req) if authorized(raw, &req.rcv_auth_key, &self.sess) => {
                let rcv_id = random_id();
                self.queues.insert(rcv_id.clone(), req.rcv_dh_key.clone());
                reply(BrokerMsg::Ids(Box::new(QueueIds {
                    rcv_id,
                    snd_id: random_id(),
                    rcv_public_dh_key: self.queue_dh.public(),
                    queue_mode: req.queue_req_data.map(|d| d.mode()),
                    link_id: None,
                    service_id: None,
                    ntf_creds: None,
                })))
            }
            Command::New(_) => reply(BrokerMsg::Err(ErrorType::Auth)),
            Command::Sub => {
                let mut out = reply(BrokerMsg::Sok(None));
                if let Some(dh) = self.queues.get(&ent) {
                    out.push((CorrId::empty(), ent.clone(), self.pushed_msg(dh)));
                }
                out
            }
            Command::Del => reply(BrokerMsg::Err(ErrorType::Auth)),
            // A stray response with an unknown correlation id first, then the real one.
            Command::NDel => vec![
                (CorrId::from([0x55; 24]), ent.clone(), BrokerMsg::Ok),
                (corr, ent, BrokerMsg::Ok),
            ],
            Command::Off => return None,
            Command::Que => vec![],
            Command::Prxy(..) => reply(BrokerMsg::Pkey(
                EntityId::new(&self.params.session_id).unwrap(),
                PROXIED_RANGE,
                Box::new(CertChainPubKey {
                    chain: self.chain.clone(),
                    signed_key: self.signed_key.clone(),
                }),
            )),
            Command::Pfwd(fv, key, enc) => {
                reply(BrokerMsg::Pres(self.proxied(&corr, fv, &key, &enc)))
            }
            Command::Rfwd(enc) => reply(BrokerMsg::Rres(self.forwarded(&corr, &enc))),
            // The next message answers the `ACK`, but only after the client's next
            // command: a response that comes after its request timed out.
            Command::Ack(_) => {
                if let Some(dh) = self.queues.get(&ent) {
                    self.held = reply(self.pushed_msg(dh));
                }
                vec![]
            }
            _ => reply(BrokerMsg::Ok),
        });
        Some(out)
    }

    fn pushed_msg(&self, rcv_dh: &X25519Public) -> BrokerMsg {
        let msg_id = [7u8; 24];
        let body = RcvMsgBody::Message {
            ts: 1_700_000_000,
            flags: MsgFlags { notification: true },
            body: PUSHED_BODY.to_vec(),
        };
        let enc = body.seal(&self.queue_dh.dh(rcv_dh), &msg_id).unwrap();
        BrokerMsg::Msg(MsgId::from(msg_id), enc)
    }

    /// Acts as the destination relay of a `PFWD` (the session is this connection's).
    fn proxied(&self, corr: &CorrId, fv: u16, key: &X25519Public, enc: &[u8]) -> Vec<u8> {
        let nonce = corr.to_nonce().unwrap();
        let secret = self.sess.dh(key);
        let batch = cb_decrypt(&secret, &nonce, enc).unwrap();
        let ts = parse_batch(&batch).unwrap();
        assert_eq!(ts.len(), 1);
        let p = TParams {
            version: fv,
            session_id: self.params.session_id.clone(),
        };
        let raw = parse(&p, ts[0]).unwrap();
        assert_eq!(&raw.corr_id, corr, "inner corrId must be the nonce");
        let resp = match Command::parse(fv, &raw.command).unwrap() {
            Command::Send(_, body) if body == b"proxied" => BrokerMsg::Ok,
            Command::SKey(k) if authorized(&raw, &k, &self.sess) => BrokerMsg::Ok,
            Command::LGet => BrokerMsg::Lnk(
                EntityId::from([2u8; 24]),
                QueueLinkData {
                    fixed: b"fixed".to_vec(),
                    user: b"user".to_vec(),
                },
            ),
            _ => BrokerMsg::Err(ErrorType::Auth),
        };
        let t = encode(
            &p,
            &[],
            None,
            &raw.corr_id,
            &raw.entity_id,
            &resp.to_bytes(fv),
        );
        cb_encrypt(
            &secret,
            &reverse_nonce(&nonce),
            &batch_of_one(&t),
            PADDED_PROXIED_LEN,
        )
        .unwrap()
    }

    /// Answers `RFWD` as a destination relay would, echoing the forwarded bytes.
    fn forwarded(&self, corr: &CorrId, enc: &[u8]) -> Vec<u8> {
        let nonce = corr.to_nonce().unwrap();
        let secret = self.sess.dh(self.client_key.as_ref().unwrap());
        let fwd =
            FwdTransmission::from_bytes(&cb_decrypt_no_pad(&secret, &nonce, enc).unwrap()).unwrap();
        let mut echo = b"echo:".to_vec();
        echo.extend_from_slice(&fwd.enc);
        let resp = FwdResponse {
            corr_id: fwd.corr_id,
            enc: echo,
        };
        cb_encrypt_no_pad(&secret, &reverse_nonce(&nonce), &resp.to_bytes())
    }
}
