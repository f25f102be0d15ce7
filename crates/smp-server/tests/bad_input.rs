//! Bad input against a live relay on loopback: garbage instead of TLS, broken handshake
//! blocks, malformed blocks, batches and transmissions after a correct handshake (with and
//! without v11+ block encryption), the reference's `serverSyntaxTests` vectors, and the
//! timing of `AUTH` errors. After each case a fresh, normal client must still be served.
//!
//! The raw connections here are built from `simplex_transport` (TLS, blocks) and
//! `smp_proto` (hellos, blocks, batches, transmissions) so that any bytes can follow a
//! correct handshake.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use raw::{RawConn, Reply, Session};
use smp_proto::command::{MsgFlags, NewQueueReq, QueueReqData, SubMode};
use smp_proto::error::{CommandError, ErrorType};
use smp_proto::{BrokerMsg, Command, CorrId, EntityId};
use std::time::Duration;

/// The longest any single step may take before the test fails (no hangs).
const WAIT: Duration = Duration::from_secs(10);

/// Sessions after a correct handshake: v18 with block encryption, v18 and v10 without it
/// (no client key; below v11), and v6 (session id sent in every transmission).
const SESSIONS: [Session; 4] = [
    Session::new(18, true),
    Session::new(18, false),
    Session::new(10, true),
    Session::new(6, false),
];

mod raw {
    //! A hand-driven SMP client connection.

    use super::WAIT;
    use super::common::Relay;
    use openssl::x509::X509;
    use simplex_crypto::authenticator::cb_authenticate;
    use simplex_crypto::keys::{PrivateAuthKey, X25519Public, X25519Secret};
    use simplex_crypto::nonce::cb_nonce;
    use simplex_crypto::pad::{pad, unpad};
    use simplex_crypto::sbchain::{ChainKey, sbc_init};
    use simplex_encoding::{Encode, Version, VersionRange};
    use simplex_transport::{ClientTls, TlsBlockReader, TlsBlockWriter, verify_signed_spki};
    use smp_proto::batch::parse_batch;
    use smp_proto::block;
    use smp_proto::handshake::{ClientHello, ServerHello};
    use smp_proto::transmission::{self, TParams, authorized_bytes};
    use smp_proto::versions::{BLOCK_SIZE, ENCRYPTED_BLOCK_V};
    use smp_proto::{BrokerMsg, CorrId, EntityId};
    use tokio::net::TcpStream;

    /// One reply: correlation id, entity and message.
    pub type Reply = (CorrId, EntityId, BrokerMsg);

    /// The version a raw client asks for and whether it sends its X25519 key.
    #[derive(Debug, Clone, Copy)]
    pub struct Session {
        pub version: Version,
        pub with_key: bool,
    }

    impl Session {
        pub const fn new(version: Version, with_key: bool) -> Self {
            Session { version, with_key }
        }

        /// Whether blocks are encrypted in this session.
        pub fn encrypted(&self) -> bool {
            self.with_key && self.version >= ENCRYPTED_BLOCK_V
        }
    }

    /// TLS is up and the relay's hello was read and checked.
    pub struct Tls {
        pub reader: TlsBlockReader,
        pub writer: TlsBlockWriter,
        pub session_id: Vec<u8>,
        pub server_key: Option<X25519Public>,
    }

    /// TLS with ALPN `smp/1`, then the relay's hello: its session id must be ours and its
    /// X25519 key must be signed by the TLS leaf.
    pub async fn tls(relay: &Relay) -> Tls {
        tls_alpn(relay, &["smp/1"]).await.0
    }

    /// Like [`tls`] with the given ALPN protocols; also returns the offered versions.
    pub async fn tls_alpn(relay: &Relay, alpn: &[&str]) -> (Tls, VersionRange) {
        let tcp = TcpStream::connect(relay.addr).await.unwrap();
        let conn = tokio::time::timeout(
            WAIT,
            ClientTls::new(alpn)
                .unwrap()
                .connect(tcp, &relay.server.key_hash),
        )
        .await
        .expect("TLS handshake timed out")
        .unwrap();
        let session_id = conn.session_id().to_vec();
        let leaf: X509 = conn.peer_chain()[0].clone();
        let (mut reader, writer) = conn.into_blocks(BLOCK_SIZE).unwrap();
        let block = tokio::time::timeout(WAIT, reader.read_block())
            .await
            .expect("no server hello")
            .unwrap();
        let hello = ServerHello::parse(unpad(&block).unwrap()).unwrap();
        assert_eq!(hello.session_id, session_id);
        // A v7+ hello has the relay's session key, signed by the TLS leaf.
        assert_eq!(hello.cert_key.is_some(), hello.versions.max() >= 7);
        let server_key = hello.cert_key.map(|ck| {
            let spki = verify_signed_spki(&leaf, &ck.signed_key).unwrap();
            X25519Public::from_spki(&spki).unwrap()
        });
        let tls = Tls {
            reader,
            writer,
            session_id,
            server_key,
        };
        (tls, hello.versions)
    }

    /// A connection after a correct handshake.
    pub struct RawConn {
        pub reader: TlsBlockReader,
        pub writer: TlsBlockWriter,
        pub params: TParams,
        pub server_key: X25519Public,
        send_key: Option<ChainKey>,
        recv_key: Option<ChainKey>,
    }

    impl RawConn {
        /// Completes the handshake as `s` describes.
        pub async fn connect(relay: &Relay, s: Session) -> RawConn {
            let mut t = tls(relay).await;
            let server_key = t.server_key.expect("the relay's session key");
            let own = X25519Secret::generate(&mut rand::rng());
            let hello = ClientHello {
                version: s.version,
                key_hash: relay.server.key_hash,
                auth_key: s.with_key.then(|| own.public()),
                proxy_server: false,
                service: None,
            };
            let block = pad(&hello.to_bytes(), BLOCK_SIZE).unwrap();
            t.writer.write_block(&block).await.unwrap();
            let (send_key, recv_key) = if s.encrypted() {
                // The relay sends with the first key; a client the other way round.
                let (ck1, ck2) = sbc_init(&t.session_id, &own.dh(&server_key));
                (Some(ck2), Some(ck1))
            } else {
                (None, None)
            };
            RawConn {
                reader: t.reader,
                writer: t.writer,
                params: TParams {
                    version: s.version,
                    session_id: t.session_id,
                },
                server_key,
                send_key,
                recv_key,
            }
        }

        pub fn version(&self) -> Version {
            self.params.version
        }

        pub fn encrypted(&self) -> bool {
            self.send_key.is_some()
        }

        /// Writes a whole wire block as is.
        pub async fn write_raw(&mut self, block: &[u8]) {
            self.writer.write_block(block).await.unwrap();
        }

        /// Advances the send chain as if a block had been sent (for a block that was
        /// "corrupted in transit": the relay's receive chain advances too).
        pub fn skip_send_key(&mut self) {
            if let Some(k) = self.send_key.as_mut() {
                let _ = k.next();
            }
        }

        /// Seals and writes a block content.
        pub async fn write_content(&mut self, content: &[u8]) {
            let b = block::seal(content, self.send_key.as_mut()).unwrap();
            self.write_raw(&b).await;
        }

        /// Writes the transmissions as one block: `u8 count ‖ count × large(t)`.
        pub async fn send(&mut self, ts: &[Vec<u8>]) {
            let mut content = vec![u8::try_from(ts.len()).unwrap()];
            for t in ts {
                content.extend_from_slice(&u16::try_from(t.len()).unwrap().to_be_bytes());
                content.extend_from_slice(t);
            }
            self.write_content(&content).await;
        }

        /// Reads one block's replies.
        pub async fn read_block_replies(&mut self) -> Vec<Reply> {
            let block = tokio::time::timeout(WAIT, self.reader.read_block())
                .await
                .expect("no reply from the relay")
                .unwrap();
            let content = block::open(&block, self.recv_key.as_mut()).unwrap();
            parse_batch(&content)
                .unwrap()
                .into_iter()
                .map(|t| {
                    let raw = transmission::parse(&self.params, t).unwrap();
                    assert!(raw.auth.is_none(), "relay replies are not authorized");
                    let msg = BrokerMsg::parse(self.version(), &raw.command).unwrap();
                    (raw.corr_id, raw.entity_id, msg)
                })
                .collect()
        }

        /// Reads replies until there are `n`.
        pub async fn replies(&mut self, n: usize) -> Vec<Reply> {
            let mut out = Vec::new();
            while out.len() < n {
                out.extend(self.read_block_replies().await);
            }
            assert_eq!(out.len(), n, "more replies than requests: {out:?}");
            out
        }

        /// A transmission authorized with `auth` (raw bytes: empty, a signature, or junk).
        pub fn t_auth(&self, auth: &[u8], corr: &[u8], entity: &[u8], cmd: &[u8]) -> Vec<u8> {
            let (corr, entity) = (CorrId::new(corr).unwrap(), EntityId::new(entity).unwrap());
            transmission::encode(&self.params, auth, None, &corr, &entity, cmd)
        }

        /// The authorization of a transmission by `key`, as a client makes it.
        pub fn authorize(
            &self,
            key: &PrivateAuthKey,
            corr: &[u8],
            ent: &[u8],
            cmd: &[u8],
        ) -> Vec<u8> {
            let (c, e) = (CorrId::new(corr).unwrap(), EntityId::new(ent).unwrap());
            let authorized = authorized_bytes(&self.params.session_id, &c, &e, cmd);
            match key {
                PrivateAuthKey::X25519(secret) => {
                    cb_authenticate(&self.server_key, secret, &cb_nonce(corr), &authorized).to_vec()
                }
                k => k.sign(&authorized).unwrap(),
            }
        }

        /// A transmission authorized by `key` (or not authorized).
        pub fn t(
            &self,
            key: Option<&PrivateAuthKey>,
            corr: &[u8],
            ent: &[u8],
            cmd: &[u8],
        ) -> Vec<u8> {
            let auth = key
                .map(|k| self.authorize(k, corr, ent, cmd))
                .unwrap_or_default();
            self.t_auth(&auth, corr, ent, cmd)
        }

        /// Sends one transmission and returns its reply.
        pub async fn request(&mut self, t: Vec<u8>) -> Reply {
            self.send(&[t]).await;
            self.replies(1).await.remove(0)
        }

        /// `PING` must get `PONG` with its correlation id: the connection is usable.
        pub async fn ping_pong(&mut self) {
            let corr = rand::random::<[u8; 24]>();
            let t = self.t(None, &corr, b"", b"PING");
            let (c, e, msg) = self.request(t).await;
            assert_eq!(
                (c.as_bytes(), e.is_empty(), msg),
                (&corr[..], true, BrokerMsg::Pong)
            );
        }
    }

    /// The relay closes the connection: reading ends with an error or the end of stream
    /// before `WAIT` (a block already on its way may be read first).
    pub async fn expect_reader_closed(reader: &mut TlsBlockReader) {
        for _ in 0..4 {
            match tokio::time::timeout(WAIT, reader.read_block()).await {
                Err(_) => panic!("the relay kept the connection open"),
                Ok(Err(_)) => return,
                Ok(Ok(_)) => continue,
            }
        }
        panic!("the relay kept sending blocks instead of closing");
    }
}

/// A fresh, normal client can still create a queue, send to it and receive.
async fn assert_serves(relay: &Relay) {
    let check = async {
        let (c, mut ev) = relay.connect().await;
        let q = new_queue(&c, SubMode::Subscribe).await;
        c.send(&q.ids.snd_id, None, MsgFlags::default(), b"still serving")
            .await
            .unwrap();
        let (_, BrokerMsg::Msg(id, body)) = next_event(&mut ev).await else {
            panic!("expected a message")
        };
        assert_eq!(text(&q, &id, &body), b"still serving");
        assert!(c.ack(&q.ids.rcv_id, &q.key, &id).await.unwrap().is_none());
    };
    tokio::time::timeout(WAIT, check)
        .await
        .expect("the relay stopped serving other clients");
}

fn random_bytes(n: usize) -> Vec<u8> {
    (0..n).map(|_| rand::random::<u8>()).collect()
}

fn err(e: ErrorType) -> BrokerMsg {
    BrokerMsg::Err(e)
}

fn cmd_err(e: CommandError) -> BrokerMsg {
    BrokerMsg::Err(ErrorType::Cmd(e))
}

/// An error reply for the whole block: empty corrId and entity.
fn block_error() -> Reply {
    (CorrId::empty(), EntityId::empty(), err(ErrorType::Block))
}

fn reply(corr: &[u8], entity: &[u8], msg: BrokerMsg) -> Reply {
    (
        CorrId::new(corr).unwrap(),
        EntityId::new(entity).unwrap(),
        msg,
    )
}

// ---------------------------------------------------------------------------------------
// Before and during the handshake

/// Reads from a plain TCP stream until the relay closes it; fails after `WAIT`.
async fn expect_tcp_closed(mut tcp: tokio::net::TcpStream) {
    use tokio::io::AsyncReadExt;
    let mut buf = vec![0u8; 4096];
    let closed = async {
        loop {
            match tcp.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {} // a TLS alert, say
            }
        }
    };
    tokio::time::timeout(WAIT, closed)
        .await
        .expect("the relay kept a garbage connection open");
}

#[tokio::test]
async fn garbage_instead_of_tls_is_closed() {
    use tokio::io::AsyncWriteExt;
    let relay = start().await;
    let http = b"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: test\r\n\r\n".to_vec();
    // A TLS handshake record header announcing more than the 16 KB a record may hold.
    let huge_record = vec![0x16, 0x03, 0x01, 0xFF, 0xFF, 1, 2, 3];
    for garbage in [random_bytes(1000), random_bytes(20_000), http, huge_record] {
        let mut tcp = tokio::net::TcpStream::connect(relay.addr).await.unwrap();
        let _ = tcp.write_all(&garbage).await;
        expect_tcp_closed(tcp).await;
        assert_serves(&relay).await;
    }
}

/// A client that connects and then sends nothing (or stops after TLS) is dropped after
/// the TLS and SMP handshake timeouts.
#[tokio::test]
async fn silent_clients_are_dropped_after_handshake_timeouts() {
    let relay = start_with(
        smp_server::ServerConfig {
            tls_timeout: Duration::from_secs(1),
            handshake_timeout: Duration::from_secs(1),
            ..test_config()
        },
        std::sync::Arc::new(smp_store::MemoryStore::new()),
    )
    .await;
    let silent_tcp = tokio::net::TcpStream::connect(relay.addr).await.unwrap();
    expect_tcp_closed(silent_tcp).await;
    let mut silent_smp = raw::tls(&relay).await;
    raw::expect_reader_closed(&mut silent_smp.reader).await;
    assert_serves(&relay).await;
}

#[tokio::test]
async fn bad_client_hellos_close_the_connection() {
    use simplex_crypto::pad::pad;
    use simplex_encoding::Encode;
    use smp_proto::handshake::ClientHello;
    let relay = start().await;
    let hello = |version, key_hash| ClientHello {
        version,
        key_hash,
        auth_key: None,
        proxy_server: false,
        service: None,
    };
    let kh = relay.server.key_hash;
    let mut wrong_kh = kh;
    wrong_kh[0] ^= 1;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("random block", random_bytes(16384)),
        ("garbage hello", pad(&random_bytes(100), 16384).unwrap()),
        ("empty hello", pad(b"", 16384).unwrap()),
        (
            "wrong key hash",
            pad(&hello(18, wrong_kh).to_bytes(), 16384).unwrap(),
        ),
        ("version 5", pad(&hello(5, kh).to_bytes(), 16384).unwrap()),
        ("version 19", pad(&hello(19, kh).to_bytes(), 16384).unwrap()),
        (
            "version 0xFFFF",
            pad(&hello(0xFFFF, kh).to_bytes(), 16384).unwrap(),
        ),
    ];
    for (name, block) in cases {
        let mut t = raw::tls(&relay).await;
        t.writer.write_block(&block).await.unwrap();
        let closed = tokio::time::timeout(WAIT * 2, raw::expect_reader_closed(&mut t.reader));
        closed
            .await
            .unwrap_or_else(|_| panic!("{name}: not closed"));
        assert_serves(&relay).await;
    }
    // Without ALPN the relay offers only v6 (legacy clients): a v18 hello is refused.
    let (mut t, versions) = raw::tls_alpn(&relay, &[]).await;
    assert_eq!((versions.min(), versions.max()), (6, 6));
    let block = pad(&hello(18, kh).to_bytes(), 16384).unwrap();
    t.writer.write_block(&block).await.unwrap();
    raw::expect_reader_closed(&mut t.reader).await;
    assert_serves(&relay).await;
}

/// A block cut short (fewer than 16384 bytes, then the client closes) ends the connection,
/// both as the client hello and after the handshake.
#[tokio::test]
async fn truncated_blocks_end_the_connection() {
    use tokio::io::AsyncWriteExt;
    let relay = start().await;
    let mut t = raw::tls(&relay).await;
    let mut w = t.writer.into_inner();
    w.write_all(&random_bytes(1000)).await.unwrap();
    w.shutdown().await.unwrap();
    raw::expect_reader_closed(&mut t.reader).await;
    assert_serves(&relay).await;

    for s in SESSIONS {
        let mut c = RawConn::connect(&relay, s).await;
        c.ping_pong().await;
        let mut w = c.writer.into_inner();
        w.write_all(&random_bytes(16383)).await.unwrap();
        w.shutdown().await.unwrap();
        raw::expect_reader_closed(&mut c.reader).await;
        assert_serves(&relay).await;
    }
}

// ---------------------------------------------------------------------------------------
// After a correct handshake: blocks and batches

#[tokio::test]
async fn handshake_variants_work() {
    let relay = start().await;
    for s in SESSIONS {
        let mut c = RawConn::connect(&relay, s).await;
        assert_eq!(c.encrypted(), s.encrypted());
        c.ping_pong().await;
        c.ping_pong().await;
    }
    assert_serves(&relay).await;
}

#[tokio::test]
async fn random_block_gets_block_error_and_connection_stays_usable() {
    let relay = start().await;
    for s in SESSIONS {
        let mut c = RawConn::connect(&relay, s).await;
        c.ping_pong().await;
        // A block that does not unpad or decrypt ("corrupted in transit": with
        // encryption both chains still advance).
        for _ in 0..3 {
            c.write_raw(&random_bytes(16384)).await;
            c.skip_send_key();
            assert_eq!(c.replies(1).await, vec![block_error()], "{s:?}");
            c.ping_pong().await;
        }
        // A block that opens but whose content is random.
        c.write_content(&random_bytes(16000)).await;
        assert_eq!(c.replies(1).await, vec![block_error()], "{s:?}");
        c.ping_pong().await;
        assert_serves(&relay).await;
    }
}

#[tokio::test]
async fn malformed_batches_get_block_error() {
    let relay = start().await;
    for s in SESSIONS {
        let mut c = RawConn::connect(&relay, s).await;
        let ping = c.t(None, b"abcd", b"", b"PING");
        let len = u8::try_from(ping.len()).unwrap();
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("empty content", vec![]),
            ("count 0", vec![0]),
            (
                "count 0 with data",
                [vec![0, 0, len], ping.clone()].concat(),
            ),
            ("large length past the end", vec![1, 0xFF, 0xFF, 1, 2, 3]),
            (
                "large length one too long",
                [vec![1, 0, len + 1], ping.clone()].concat(),
            ),
            (
                "count 2, one transmission",
                [vec![2, 0, len], ping.clone()].concat(),
            ),
            (
                "trailing byte",
                [vec![1, 0, len], ping.clone(), vec![0]].concat(),
            ),
            (
                "trailing transmission",
                [vec![1, 0, len], ping.clone(), vec![0, len], ping].concat(),
            ),
        ];
        for (name, content) in cases {
            c.write_content(&content).await;
            assert_eq!(c.replies(1).await, vec![block_error()], "{s:?} {name}");
            c.ping_pong().await;
        }
        if !c.encrypted() {
            // The padding length is larger than the block can hold.
            let mut b = random_bytes(16384);
            b[0] = 0xFF;
            c.write_raw(&b).await;
            assert_eq!(c.replies(1).await, vec![block_error()], "{s:?} bad padding");
            c.ping_pong().await;
        }
        assert_serves(&relay).await;
    }
}

#[tokio::test]
async fn full_batch_of_255_transmissions_is_answered() {
    let relay = start().await;
    for s in SESSIONS {
        let mut c = RawConn::connect(&relay, s).await;
        // 4-byte corrIds, so that 255 transmissions fit a block even at v6.
        let corrs: Vec<[u8; 4]> = (0..255u32).map(u32::to_be_bytes).collect();
        let ts: Vec<Vec<u8>> = corrs.iter().map(|id| c.t(None, id, b"", b"PING")).collect();
        c.send(&ts).await;
        let mut got: Vec<Vec<u8>> = c
            .replies(255)
            .await
            .into_iter()
            .map(|(corr, _, msg)| {
                assert_eq!(msg, BrokerMsg::Pong);
                corr.as_bytes().to_vec()
            })
            .collect();
        got.sort();
        assert_eq!(
            got,
            corrs.iter().map(|c| c.to_vec()).collect::<Vec<_>>(),
            "{s:?}"
        );
        c.ping_pong().await;
        assert_serves(&relay).await;
    }
}

/// Junk on many connections at once, and a client that never reads its replies, do not
/// stop the relay from serving others.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn junk_and_stalled_clients_do_not_stop_others() {
    let relay = std::sync::Arc::new(start().await);
    let mut junk = Vec::new();
    for i in 0..8 {
        let relay = relay.clone();
        junk.push(tokio::spawn(async move {
            let mut c = RawConn::connect(&relay, SESSIONS[i % SESSIONS.len()]).await;
            for _ in 0..10 {
                c.write_raw(&random_bytes(16384)).await;
                c.skip_send_key();
                assert_eq!(c.replies(1).await, vec![block_error()]);
            }
            c.ping_pong().await;
        }));
    }
    // Writes PING blocks and never reads: the relay's replies back up until it stops
    // reading this connection (our writes then stall).
    let mut stalled = RawConn::connect(&relay, Session::new(18, true)).await;
    let pings: Vec<Vec<u8>> = (0..200u8)
        .map(|i| stalled.t(None, &[i], b"", b"PING"))
        .collect();
    let mut sent = 0;
    while sent < 5000 {
        let write = stalled.send(&pings);
        if tokio::time::timeout(Duration::from_secs(2), write)
            .await
            .is_err()
        {
            break;
        }
        sent += 1;
    }
    println!("stalled after {sent} blocks");
    assert!(sent < 5000, "the relay never pushed back");
    assert_serves(&relay).await;
    for j in junk {
        tokio::time::timeout(WAIT * 3, j).await.unwrap().unwrap();
    }
    assert_serves(&relay).await;
}

// ---------------------------------------------------------------------------------------
// After a correct handshake: transmissions and commands

/// Creates a queue over the raw connection (exercising the signing path); returns the
/// recipient key and the ids.
async fn raw_new_queue(
    c: &mut RawConn,
    alg: simplex_crypto::keys::AuthAlgorithm,
) -> (
    simplex_crypto::keys::PrivateAuthKey,
    smp_proto::response::QueueIds,
) {
    use simplex_crypto::keys::{PrivateAuthKey, X25519Secret};
    let key = PrivateAuthKey::generate(alg, &mut rand::rng()).unwrap();
    let dh = X25519Secret::generate(&mut rand::rng());
    let data = (c.version() >= 9).then_some(QueueReqData::Messaging(None));
    let new = Command::New(Box::new(NewQueueReq {
        rcv_auth_key: key.public(),
        rcv_dh_key: dh.public(),
        auth: None,
        sub_mode: SubMode::OnlyCreate,
        queue_req_data: data,
        ntf_creds: None,
    }));
    let corr = rand::random::<[u8; 24]>();
    let t = c.t(Some(&key), &corr, b"", &new.to_bytes(c.version()));
    match c.request(t).await {
        (rc, _, BrokerMsg::Ids(ids)) if rc.as_bytes() == corr => (key, *ids),
        other => panic!("NEW failed: {other:?}"),
    }
}

#[tokio::test]
async fn malformed_transmissions_get_their_errors() {
    use simplex_crypto::keys::AuthAlgorithm;
    let relay = start().await;
    for s in SESSIONS {
        let mut c = RawConn::connect(&relay, s).await;
        let (key, ids) = raw_new_queue(&mut c, AuthAlgorithm::Ed25519).await;
        let rid = ids.rcv_id.as_bytes().to_vec();
        let (corr, ent) = (&b"abcd"[..], &b"1234"[..]);
        let cases: Vec<(&str, Vec<u8>, Reply)> = vec![
            (
                "unknown tag",
                c.t(None, corr, ent, b"HELLO"),
                reply(corr, ent, cmd_err(CommandError::Unknown)),
            ),
            (
                "response tag as a command",
                c.t(Some(&key), corr, &rid, b"OK"),
                reply(corr, &rid, cmd_err(CommandError::Unknown)),
            ),
            (
                "lower-case tag",
                c.t(None, corr, b"", b"ping"),
                reply(corr, b"", cmd_err(CommandError::Unknown)),
            ),
            (
                "ACK without id",
                c.t(Some(&key), corr, &rid, b"ACK"),
                reply(corr, &rid, cmd_err(CommandError::Syntax)),
            ),
            (
                "SUB with a parameter",
                c.t(Some(&key), corr, &rid, b"SUB x"),
                reply(corr, &rid, cmd_err(CommandError::Syntax)),
            ),
            (
                "NEW cut short",
                c.t(Some(&key), corr, b"", b"NEW \x2c0*0"),
                reply(corr, b"", cmd_err(CommandError::Syntax)),
            ),
            (
                "KEY with a bad key",
                c.t(Some(&key), corr, &rid, b"KEY \x03abc"),
                reply(corr, &rid, cmd_err(CommandError::Syntax)),
            ),
            (
                "authorization of 10 bytes",
                c.t_auth(&[7; 10], corr, &rid, b"SUB"),
                reply(corr, b"", err(ErrorType::Block)),
            ),
            (
                "authorization length past the end",
                vec![200, 1, 2, 3],
                block_error(),
            ),
            (
                "wrong signature",
                c.t_auth(&[9; 64], corr, &rid, b"SUB"),
                reply(corr, &rid, err(ErrorType::Auth)),
            ),
            (
                "signature by another key",
                c.t(Some(&ed25519()), corr, &rid, b"SUB"),
                reply(corr, &rid, err(ErrorType::Auth)),
            ),
            (
                "signature of other bytes",
                {
                    let auth = c.authorize(&key, corr, &rid, b"DEL");
                    c.t_auth(&auth, corr, &rid, b"SUB")
                },
                reply(corr, &rid, err(ErrorType::Auth)),
            ),
            (
                "no such queue",
                c.t(Some(&key), corr, &[0; 24], b"SUB"),
                reply(corr, &[0; 24], err(ErrorType::Auth)),
            ),
        ];
        for (name, t, expected) in cases {
            assert_eq!(c.request(t).await, expected, "{s:?} {name}");
            c.ping_pong().await;
        }
        // The queue is untouched by all of the above.
        let t = c.t(Some(&key), b"sub", &rid, b"SUB");
        let (_, _, msg) = c.request(t).await;
        assert!(
            matches!(msg, BrokerMsg::Ok | BrokerMsg::Sok(None)),
            "{s:?} {msg:?}"
        );
        assert_serves(&relay).await;
    }
}

#[tokio::test]
async fn wrong_session_id_at_v6_gets_session_error() {
    use smp_proto::transmission::{TParams, encode};
    let relay = start().await;
    let mut c = RawConn::connect(&relay, Session::new(6, false)).await;
    let other = TParams {
        version: 6,
        session_id: vec![0; 32],
    };
    let corr = CorrId::new(b"abcd").unwrap();
    let t = encode(&other, &[], None, &corr, &EntityId::empty(), b"PING");
    assert_eq!(
        c.request(t).await,
        reply(b"abcd", b"", err(ErrorType::Session))
    );
    c.ping_pong().await;
    assert_serves(&relay).await;
}

/// In the reference (`transmissionP`, `tDecodeServer`), a transmission that does not parse
/// as a whole is answered `ERR BLOCK` with an empty corrId; only a well-formed transmission
/// with an authorization of the wrong size gets its corrId back.
#[tokio::test]
async fn unparsable_transmission_gets_block_error_without_corr_id() {
    let relay = start().await;
    let mut c = RawConn::connect(&relay, Session::new(18, true)).await;
    // corrId "abcd", then an entity id whose length runs past the end.
    let no_entity = vec![0, 4, b'a', b'b', b'c', b'd', 30, b'x'];
    assert_eq!(c.request(no_entity).await, block_error());
    // A 64-byte signature with a 10-byte service signature (the reference parses it as an
    // Ed25519 signature, so the whole transmission fails).
    let mut bad_service = vec![64];
    bad_service.extend([1u8; 64]);
    bad_service.extend([b'1', 10]);
    bad_service.extend([2u8; 10]);
    bad_service.extend([4, b'a', b'b', b'c', b'd', 0]);
    bad_service.extend(b"PING");
    assert_eq!(c.request(bad_service).await, block_error());
}

#[tokio::test]
async fn send_over_the_maximum_length_is_refused() {
    use smp_proto::versions::max_message_length;
    let relay = start().await;
    for s in SESSIONS {
        let mut c = RawConn::connect(&relay, s).await;
        let (_, ids) = raw_new_queue(&mut c, simplex_crypto::keys::AuthAlgorithm::Ed25519).await;
        let sid = ids.snd_id.as_bytes().to_vec();
        let max = max_message_length(c.version());
        let send = |n: usize| {
            let mut cmd = b"SEND F ".to_vec();
            cmd.extend(std::iter::repeat_n(b'x', n));
            cmd
        };
        let t = c.t(None, b"big", &sid, &send(max + 1));
        assert_eq!(
            c.request(t).await,
            reply(b"big", &sid, err(ErrorType::LargeMsg)),
            "{s:?}"
        );
        let t = c.t(None, b"max", &sid, &send(max));
        assert_eq!(
            c.request(t).await,
            reply(b"max", &sid, BrokerMsg::Ok),
            "{s:?}"
        );
        c.ping_pong().await;
        assert_serves(&relay).await;
    }
}

// ---------------------------------------------------------------------------------------
// The reference's serverSyntaxTests

/// tests/ServerTests.hs `sampleSig`: a valid Ed25519 signature of other bytes.
const SAMPLE_SIG: &str =
    "e8JK-8V3fq6kOLqco_SaKlpNaQ7i1gfOrXoqekEl42u4mF8Bgu14T5j0189CGcUhJHw2RwCMvON-qbvQ9ecJAA==";
/// tests/ServerTests.hs `samplePubKey` (Ed25519 SPKI).
const SAMPLE_PUB_KEY: &str = "MCowBQYDK2VwAyEAfAOflyvbJv1fszgzkQ6buiZJVgSpQWsucXq7U6zjMgY=";
/// tests/ServerTests.hs `sampleDhPubKey` (X25519 SPKI).
const SAMPLE_DH_KEY: &str = "MCowBQYDK2VuAyEAriy-HcARIhqsgSjVnjKqoft-y6pxrxdY68zn4-LjYhQ=";

fn b64(s: &str) -> Vec<u8> {
    simplex_encoding::base64url::decode(s).unwrap()
}

/// `short` of a byte string.
fn short(b: &[u8]) -> Vec<u8> {
    [vec![u8::try_from(b.len()).unwrap()], b.to_vec()].concat()
}

/// One vector: (authorized with sampleSig?, corrId, entity, command) → (corrId, entity, reply).
type SyntaxCase = (bool, &'static str, &'static str, Vec<u8>, BrokerMsg);

/// tests/ServerTests.hs `serverSyntaxTests` (lines ~1444-1486), at the current version.
fn server_syntax_cases() -> Vec<SyntaxCase> {
    let (pk, dh) = (short(&b64(SAMPLE_PUB_KEY)), short(&b64(SAMPLE_DH_KEY)));
    let cat = |parts: &[&[u8]]| parts.concat();
    // NEW_ ' ' samplePubKey sampleDhPubKey, then ('0', SMSubscribe, Just (QRMessaging Nothing), '0').
    let new_full = cat(&[b"NEW ", &pk, &dh, b"0S1M00"]);
    let unknown = || cmd_err(CommandError::Unknown);
    let syntax = || cmd_err(CommandError::Syntax);
    let no_auth = || cmd_err(CommandError::NoAuth);
    let mut v: Vec<SyntaxCase> = vec![
        (false, "abcd", "1234", b"HELLO".to_vec(), unknown()),
        (true, "bcda", "", b"NEW".to_vec(), syntax()),
        (true, "cdab", "", cat(&[b"NEW \x01A", &pk, &dh]), syntax()),
        (false, "dabc", "", new_full.clone(), no_auth()),
        (
            true,
            "abcd",
            "12345678",
            new_full,
            cmd_err(CommandError::HasAuth),
        ),
        (
            true,
            "bcda",
            "12345678",
            cat(&[b"KEY ", &pk]),
            err(ErrorType::Auth),
        ),
        (true, "cdab", "12345678", b"KEY".to_vec(), syntax()),
        (
            true,
            "dabc",
            "12345678",
            cat(&[b"KEY \x01A", &pk]),
            syntax(),
        ),
        (false, "abcd", "12345678", cat(&[b"KEY ", &pk]), no_auth()),
        (true, "bcda", "", cat(&[b"KEY ", &pk]), no_auth()),
    ];
    for tag in ["SUB", "OFF", "DEL"] {
        let t = tag.as_bytes().to_vec();
        v.extend([
            (true, "abcd", "12345678", t.clone(), err(ErrorType::Auth)),
            (true, "bcda", "12345678", cat(&[&t, b"="]), unknown()),
            (false, "cdab", "12345678", t.clone(), no_auth()),
            (true, "dabc", "", t, no_auth()),
        ]);
    }
    v.extend([
        (
            true,
            "cdab",
            "12345678",
            b"SEND F hello".to_vec(),
            err(ErrorType::Auth),
        ),
        (true, "abcd", "12345678", b"SEND".to_vec(), syntax()),
        (
            true,
            "bcda",
            "",
            b"SEND F hello".to_vec(),
            cmd_err(CommandError::NoEntity),
        ),
        (
            true,
            "cdab",
            "12345678",
            b"ACK \x041234".to_vec(),
            err(ErrorType::Auth),
        ),
        (true, "abcd", "12345678", b"ACK".to_vec(), syntax()),
        (true, "bcda", "", b"ACK \x041234".to_vec(), no_auth()),
        (
            false,
            "cdab",
            "12345678",
            b"ACK \x041234".to_vec(),
            no_auth(),
        ),
        (false, "abcd", "", b"PING".to_vec(), BrokerMsg::Pong),
        (true, "bcda", "12345678", b"OK".to_vec(), unknown()),
    ]);
    v
}

#[tokio::test]
async fn reference_server_syntax_vectors() {
    let relay = start().await;
    let sig = b64(SAMPLE_SIG);
    assert_eq!(sig.len(), 64);
    let cases = server_syntax_cases();
    assert_eq!(cases.len(), 31);
    let mut c = RawConn::connect(&relay, Session::new(18, true)).await;
    for (signed, corr, ent, cmd, expected) in &cases {
        let auth = if *signed { &sig[..] } else { &[] };
        let t = c.t_auth(auth, corr.as_bytes(), ent.as_bytes(), cmd);
        let got = c.request(t).await;
        let want = reply(corr.as_bytes(), ent.as_bytes(), expected.clone());
        assert_eq!(got, want, "{:?}", String::from_utf8_lossy(cmd));
    }
    // All of them at once, in one block: every reply comes back with its corrId.
    let ts: Vec<Vec<u8>> = cases
        .iter()
        .enumerate()
        .map(|(i, (signed, _, ent, cmd, _))| {
            let auth = if *signed { &sig[..] } else { &[] };
            c.t_auth(auth, format!("{i:02}").as_bytes(), ent.as_bytes(), cmd)
        })
        .collect();
    c.send(&ts).await;
    let mut got = c.replies(cases.len()).await;
    got.sort_by(|a, b| a.0.cmp(&b.0));
    for (i, ((_, _, ent, _, expected), g)) in cases.iter().zip(got).enumerate() {
        assert_eq!(
            g,
            reply(
                format!("{i:02}").as_bytes(),
                ent.as_bytes(),
                expected.clone()
            )
        );
    }
    assert_serves(&relay).await;
}

// ---------------------------------------------------------------------------------------
// AUTH timing

mod timing {
    //! The reference checks (tests/ServerTests.hs `testTiming`) that a wrong key on an
    //! existing queue takes as long as any key on a missing queue (the relay verifies
    //! against a dummy key then), for each pair of queue key / used key algorithms.
    //!
    //! Made robust for a shared 2-core machine: each sample is one block of commands (as
    //! many as take about `TARGET` to verify, so that the relay's verification work, not
    //! the round trip, dominates), the two kinds of sample are interleaved in random
    //! order, medians are compared, and each case gets three attempts.

    use super::raw::RawConn;
    use simplex_crypto::keys::{AuthAlgorithm, PrivateAuthKey};
    use smp_proto::BrokerMsg;
    use smp_proto::error::ErrorType;
    use std::time::{Duration, Instant};

    /// About how long one sample block should take the relay.
    pub const TARGET: Duration = Duration::from_millis(25);
    /// Most commands in a sample block (Ed448 signatures make ~170-byte transmissions).
    pub const MAX_BATCH: usize = 80;
    /// Samples of each kind per attempt.
    pub const SAMPLES: usize = 11;
    /// Allowed relative difference of the medians (the reference allows 0.3).
    pub const TOLERANCE: f64 = 0.3;

    /// Times one block of `n` commands that must all fail with `AUTH`.
    pub async fn sample(
        c: &mut RawConn,
        key: &PrivateAuthKey,
        ent: &[u8],
        cmd: &[u8],
        n: usize,
    ) -> Duration {
        let ts: Vec<Vec<u8>> = (0..n)
            .map(|_| c.t(Some(key), &rand::random::<[u8; 24]>(), ent, cmd))
            .collect();
        let start = Instant::now();
        c.send(&ts).await;
        let replies = c.replies(n).await;
        let took = start.elapsed();
        for (_, _, msg) in replies {
            assert_eq!(msg, BrokerMsg::Err(ErrorType::Auth));
        }
        took
    }

    pub fn median(mut v: Vec<Duration>) -> f64 {
        v.sort();
        v[v.len() / 2].as_secs_f64()
    }

    /// Medians (wrong key on the queue, any key on a missing queue) of interleaved samples.
    pub async fn measure(
        c: &mut RawConn,
        bad_key: &PrivateAuthKey,
        qid: &[u8],
        cmd: &[u8],
    ) -> (f64, f64) {
        let missing = rand::random::<[u8; 24]>();
        // Warm up both paths, and size the sample blocks (debug builds verify slowly).
        let per_cmd = sample(c, bad_key, &missing, cmd, 2).await.as_secs_f64() / 2.0;
        let n = ((TARGET.as_secs_f64() / per_cmd) as usize).clamp(2, MAX_BATCH);
        sample(c, bad_key, qid, cmd, n).await;
        let (mut wrong, mut none) = (Vec::new(), Vec::new());
        for _ in 0..SAMPLES {
            if rand::random::<bool>() {
                wrong.push(sample(c, bad_key, qid, cmd, n).await);
                none.push(sample(c, bad_key, &missing, cmd, n).await);
            } else {
                none.push(sample(c, bad_key, &missing, cmd, n).await);
                wrong.push(sample(c, bad_key, qid, cmd, n).await);
            }
        }
        (median(wrong), median(none))
    }

    pub fn similar(a: f64, b: f64) -> bool {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        1.0 - lo / hi < TOLERANCE
    }

    /// The reference's `timingTests`: (queue key, used key).
    pub const PAIRS: [(AuthAlgorithm, AuthAlgorithm); 7] = [
        (AuthAlgorithm::Ed25519, AuthAlgorithm::Ed25519),
        (AuthAlgorithm::Ed448, AuthAlgorithm::Ed25519),
        (AuthAlgorithm::Ed448, AuthAlgorithm::Ed448),
        (AuthAlgorithm::Ed448, AuthAlgorithm::X25519),
        (AuthAlgorithm::X25519, AuthAlgorithm::Ed25519),
        (AuthAlgorithm::X25519, AuthAlgorithm::Ed448),
        (AuthAlgorithm::X25519, AuthAlgorithm::X25519),
    ];
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_error_takes_the_same_time_whether_the_queue_exists_or_not() {
    use simplex_crypto::keys::PrivateAuthKey;
    use timing::*;
    let relay = start().await;
    let mut c = RawConn::connect(&relay, Session::new(18, true)).await;
    let mut report = Vec::new();
    let mut failed = Vec::new();
    for (good, bad) in PAIRS {
        let (rkey, ids) = raw_new_queue(&mut c, good).await;
        let bad_key = PrivateAuthKey::generate(bad, &mut rand::rng()).unwrap();
        // A recipient command on the queue, and SEND on a queue secured with `good`.
        let skey = PrivateAuthKey::generate(good, &mut rand::rng()).unwrap();
        let key_cmd = [b"KEY ".to_vec(), short(&skey.public().to_spki())].concat();
        let t = c.t(Some(&rkey), b"key", ids.rcv_id.as_bytes(), &key_cmd);
        assert_eq!(c.request(t).await.2, BrokerMsg::Ok);
        for (qid, cmd) in [
            (ids.rcv_id.as_bytes(), &b"SUB"[..]),
            (ids.snd_id.as_bytes(), &b"SEND F hello"[..]),
        ] {
            let mut attempts = Vec::new();
            let ok = loop {
                let (wrong, none) = measure(&mut c, &bad_key, qid, cmd).await;
                attempts.push(format!("{:.2}/{:.2} ms", wrong * 1e3, none * 1e3));
                if similar(wrong, none) {
                    break true;
                }
                if attempts.len() == 3 {
                    break false;
                }
            };
            let line = format!(
                "{good:?}/{bad:?} {}: wrong key / no queue = {}",
                String::from_utf8_lossy(&cmd[..3]),
                attempts.join(", ")
            );
            if !ok {
                failed.push(line.clone());
            }
            report.push(line);
        }
    }
    println!("{}", report.join("\n"));
    assert!(failed.is_empty(), "timing differs:\n{}", failed.join("\n"));
}
