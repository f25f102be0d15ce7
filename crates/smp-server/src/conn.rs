//! One client connection: TLS, the SMP handshake, then a reader loop that executes
//! commands and a writer task that batches replies and events into blocks.

use crate::env::Env;
use crate::handler::{ConnCtx, Replies};
use crate::ids::x25519;
use crate::subs::{ClientShared, Out, Outgoing};
use simplex_crypto::pad::{pad, unpad};
use simplex_crypto::sbchain::{ChainKey, sbc_init};
use simplex_encoding::{Encode, VersionRange};
use simplex_transport::{ServerTls, TlsBlockReader, TlsBlockWriter, sign_spki};
use smp_proto::batch::{Batch, batch_transmissions, parse_batch};
use smp_proto::block::{open, seal};
use smp_proto::error::{ErrorType, HandshakeError, TransportError};
use smp_proto::handshake::{CertChainPubKey, ClientHello, ServerHello};
use smp_proto::transmission::{self, TParams};
use smp_proto::versions::{BLOCK_SIZE, ENCRYPTED_BLOCK_V, LEGACY_SERVER_RANGE, SERVER_RANGE};
use smp_proto::{BrokerMsg, CorrId, EntityId};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use thiserror::Error;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};

/// Why a connection ended before or during the handshake.
#[derive(Debug, Error)]
pub enum ConnError {
    /// TLS or block transport failure.
    #[error("transport: {0}")]
    Transport(#[from] simplex_transport::Error),
    /// The SMP handshake failed.
    #[error("handshake: {0:?}")]
    Handshake(TransportError),
    /// The handshake took too long.
    #[error("handshake timeout")]
    Timeout,
}

/// Outbox capacity (batches of replies) per connection.
const OUTBOX: usize = 64;

/// How many replies the writer gathers before packing them into blocks.
const MAX_BATCH_ITEMS: usize = 1024;

/// What the handshake settled.
struct Session {
    version: u16,
    session_id: Vec<u8>,
    session_key: Arc<simplex_crypto::keys::X25519Secret>,
    peer_key: Option<simplex_crypto::keys::X25519Public>,
    send_key: Option<ChainKey>,
    recv_key: Option<ChainKey>,
}

/// Serves one accepted TCP connection until it closes or the relay shuts down.
pub async fn serve(
    env: Arc<Env>,
    tls: Arc<ServerTls>,
    tcp: TcpStream,
    shutdown: watch::Receiver<bool>,
) {
    env.stats.sockets_accepted.inc();
    if let Err(e) = serve_(&env, &tls, tcp, shutdown).await {
        tracing::debug!("connection ended: {e}");
    }
    env.stats.sockets_closed.inc();
}

async fn serve_(
    env: &Arc<Env>,
    tls: &ServerTls,
    tcp: TcpStream,
    shutdown: watch::Receiver<bool>,
) -> Result<(), ConnError> {
    let conn = tls.accept(tcp, env.config.tls_timeout).await?;
    let range = if conn.alpn().is_some() {
        SERVER_RANGE
    } else {
        LEGACY_SERVER_RANGE
    };
    let session_id = conn.session_id().to_vec();
    let (mut reader, mut writer) = conn.into_blocks(BLOCK_SIZE)?;
    let hs = handshake(env, &mut reader, &mut writer, range, session_id);
    let session = match tokio::time::timeout(env.config.handshake_timeout, hs).await {
        Err(_) => return Err(ConnError::Timeout),
        Ok(r) => r?,
    };
    env.stats.clients.add(1);
    let r = run(env, reader, writer, session, shutdown).await;
    env.stats.clients.add(-1);
    r
}

async fn handshake(
    env: &Env,
    reader: &mut TlsBlockReader,
    writer: &mut TlsBlockWriter,
    range: VersionRange,
    session_id: Vec<u8>,
) -> Result<Session, ConnError> {
    let session_key = x25519();
    let creds = &env.creds;
    let signed_key = sign_spki(&creds.server_key, &session_key.public().to_spki())?;
    let der = |c: &openssl::x509::X509| c.to_der().map_err(simplex_transport::Error::from);
    let hello = ServerHello {
        versions: range,
        session_id: session_id.clone(),
        cert_key: Some(CertChainPubKey {
            chain: vec![der(&creds.server_cert)?, der(&creds.ca_cert)?],
            signed_key,
        }),
    };
    let parse_err = || ConnError::Handshake(TransportError::Handshake(HandshakeError::Parse));
    writer
        .write_block(&pad(&hello.to_bytes(), BLOCK_SIZE).map_err(|_| parse_err())?)
        .await?;
    let block = reader.read_block().await?;
    let ch =
        ClientHello::parse(unpad(&block).map_err(|_| parse_err())?).map_err(|_| parse_err())?;
    let fingerprint = creds.fingerprint()?;
    if ch.key_hash != fingerprint {
        return Err(ConnError::Handshake(TransportError::Handshake(
            HandshakeError::Identity,
        )));
    }
    if !range.contains(ch.version) {
        return Err(ConnError::Handshake(TransportError::Version));
    }
    if ch.service.is_some() {
        // Service certificates are not supported yet: answer as the reference does when
        // it cannot create the service record.
        let err = TransportError::Handshake(HandshakeError::BadService);
        let mut b = vec![b'E'];
        err.encode(&mut b);
        writer
            .write_block(&pad(&b, BLOCK_SIZE).map_err(|_| parse_err())?)
            .await?;
        return Err(ConnError::Handshake(err));
    }
    let (send_key, recv_key) = match &ch.auth_key {
        Some(k) if ch.version >= ENCRYPTED_BLOCK_V && !ch.proxy_server => {
            let (ck1, ck2) = sbc_init(&session_id, &session_key.dh(k));
            (Some(ck1), Some(ck2))
        }
        _ => (None, None),
    };
    Ok(Session {
        version: ch.version,
        session_id,
        session_key: Arc::new(session_key),
        peer_key: ch.auth_key,
        send_key,
        recv_key,
    })
}

async fn run(
    env: &Arc<Env>,
    mut reader: TlsBlockReader,
    writer: TlsBlockWriter,
    s: Session,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), ConnError> {
    let (tx, rx) = mpsc::channel(OUTBOX);
    let client = ClientShared::new(env.next_client_id(), tx);
    let params = TParams {
        version: s.version,
        session_id: s.session_id.clone(),
    };
    let base = tokio::time::Instant::now();
    let last_write = Arc::new(AtomicU64::new(0));
    let writer_task = tokio::spawn(write_loop(
        writer,
        rx,
        params.clone(),
        s.send_key,
        base,
        last_write.clone(),
    ));
    let ctx = ConnCtx {
        env: env.clone(),
        client: client.clone(),
        version: s.version,
        session_id: s.session_id,
        session_key: s.session_key,
        peer_key: s.peer_key,
        proxy_permits: Arc::new(tokio::sync::Semaphore::new(
            env.config.proxy_client_concurrency.max(1),
        )),
        pending: std::sync::Mutex::new(None),
    };
    let mut recv_key = s.recv_key;
    let inactive = env.config.inactive_clients;
    let mut check =
        tokio::time::interval(inactive.map_or(Duration::from_secs(3600), |i| i.check_interval));
    let mut last_active = tokio::time::Instant::now();
    let result = loop {
        tokio::select! {
            block = reader.read_block() => {
                let block = match block {
                    Ok(b) => b,
                    Err(simplex_transport::Error::Closed) => break Ok(()),
                    Err(e) => break Err(e.into()),
                };
                last_active = tokio::time::Instant::now();
                let replies = process_block(&ctx, &params, &block, recv_key.as_mut()).await;
                let mut all = replies.responses;
                all.extend(replies.events);
                let after = ctx.take_pending();
                if !all.is_empty() && !client.send(all, after).await {
                    break Ok(());
                }
            }
            _ = check.tick() => {
                if let Some(i) = inactive {
                    let written = base + Duration::from_millis(last_write.load(Ordering::Relaxed));
                    let idle = last_active.max(written).elapsed() >= i.ttl;
                    let no_subs = client.subs().is_empty() && client.ntf_subs().is_empty();
                    if idle && no_subs {
                        tracing::debug!("disconnecting inactive client");
                        break Ok(());
                    }
                }
            }
            _ = shutdown.changed() => break Ok(()),
        }
    };
    ctx.release();
    drop(ctx);
    drop(client);
    writer_task.abort();
    result
}

/// Decrypts and splits a block and executes its transmissions in order.
async fn process_block(
    ctx: &ConnCtx,
    params: &TParams,
    block: &[u8],
    recv_key: Option<&mut ChainKey>,
) -> Replies {
    let mut replies = Replies::default();
    let block_err = |r: &mut Replies| {
        r.responses.push(Out {
            corr_id: CorrId::empty(),
            entity: EntityId::empty(),
            msg: BrokerMsg::Err(ErrorType::Block),
        })
    };
    let Ok(content) = open(block, recv_key) else {
        block_err(&mut replies);
        return replies;
    };
    let Ok(ts) = parse_batch(&content) else {
        block_err(&mut replies);
        return replies;
    };
    for t in ts {
        match transmission::parse(params, t) {
            Err(e) => replies.responses.push(Out {
                corr_id: e.corr_id,
                entity: EntityId::empty(),
                msg: BrokerMsg::Err(e.error),
            }),
            Ok(raw) => ctx.handle(raw, &mut replies).await,
        }
    }
    replies
}

/// Sends queued replies and events, packing everything available into few blocks.
async fn write_loop(
    mut writer: TlsBlockWriter,
    mut rx: mpsc::Receiver<Outgoing>,
    params: TParams,
    mut send_key: Option<ChainKey>,
    base: tokio::time::Instant,
    last_write: Arc<AtomicU64>,
) {
    // A batch that arrived while the previous one waited for its commit, and must wait too.
    let mut carry: Option<Outgoing> = None;
    loop {
        let first = match carry.take() {
            Some(c) => c,
            None => match rx.recv().await {
                Some(f) => f,
                None => break,
            },
        };
        let mut items = first.items;
        let mut after = first.after;
        while items.len() < MAX_BATCH_ITEMS {
            match rx.try_recv() {
                Ok(more) => {
                    items.extend(more.items);
                    // Commits complete in order: waiting for the latest covers the rest.
                    after = latest(after, more.after);
                }
                Err(_) => break,
            }
        }
        if let Some(c) = after
            && let Err(e) = c.wait().await
        {
            // Nothing may be acknowledged once the store stopped writing.
            tracing::error!("store failure, closing connection: {e}");
            return;
        }
        // Replies queued during the wait that need no further commit share these blocks.
        while items.len() < MAX_BATCH_ITEMS {
            match rx.try_recv() {
                Ok(more) if more.after.as_ref().is_none_or(|c| c.is_durable()) => {
                    items.extend(more.items)
                }
                Ok(more) => {
                    carry = Some(more);
                    break;
                }
                Err(_) => break,
            }
        }
        let ts: Vec<Vec<u8>> = items
            .iter()
            .map(|o| {
                transmission::encode(
                    &params,
                    &[],
                    None,
                    &o.corr_id,
                    &o.entity,
                    &o.msg.to_bytes(params.version),
                )
            })
            .collect();
        for b in batch_transmissions(&ts) {
            match b {
                Batch::Block(content, _) => {
                    let Ok(block) = seal(&content, send_key.as_mut()) else {
                        continue;
                    };
                    if writer.write_block(&block).await.is_err() {
                        return;
                    }
                }
                Batch::TooLarge(_) => tracing::warn!("reply too large for a block"),
            }
        }
        last_write.store(base.elapsed().as_millis() as u64, Ordering::Relaxed);
    }
}

/// Of two store changes, the one to wait for so that both are durable.
fn latest(a: Option<smp_store::Commit>, b: Option<smp_store::Commit>) -> Option<smp_store::Commit> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if a.seq() >= b.seq() { a } else { b }),
        (a, b) => a.or(b),
    }
}
