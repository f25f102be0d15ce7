//! `bound`: the work of `throughput` without the relay logic and the store.
//!
//! Each pair has a sender and a recipient TLS 1.3 connection to an in-process echo
//! service, with the same transport as the relay (OpenSSL, 16 KB blocks, v11+ block
//! encryption chains, batching into shared blocks). Per message:
//! - the sender signs a real `SEND` transmission (Ed25519) and batches it;
//! - the service verifies the signature, encrypts the body to the recipient
//!   (`crypto_box` of 16106 bytes), sends `MSG` in its own block and `OK` to the sender;
//! - the recipient opens `MSG`, records the latency, signs `ACK`;
//! - the service verifies `ACK` and answers `OK`, which returns the window permit.
//!
//! With `--one-per-block` the two clients write each transmission in its own block (as
//! clients sending one command at a time do), so that the blocks match those of a
//! `throughput` run; the service still batches its replies.
//!
//! What is left out is what the relay adds: queue lookups in the store, the store log and
//! its fsync, subscriptions, quotas, statistics. So `throughput / bound` is the share of
//! the machine's crypto-and-TLS capacity that the relay achieves.

use crate::cli::BoundArgs;
use crate::load::{body_age, ed25519, stamped_body};
use crate::report::Report;
use crate::throughput::{Outcome, Shared, cpu_over_window};
use anyhow::{Context, Result, bail};
use simplex_crypto::keys::{DhSecret, PrivateAuthKey, PublicAuthKey, X25519Secret};
use simplex_crypto::sbchain::{ChainKey, sbc_init};
use simplex_transport::{
    ClientTls, SMP_CLIENT_ALPN, SMP_SERVER_ALPN, ServerTls, SignAlgorithm, TlsBlockReader,
    TlsBlockWriter, TlsConn, generate_credentials,
};
use smp_proto::batch::{Batch, batch_transmissions, parse_batch};
use smp_proto::block::{open, seal};
use smp_proto::command::MsgFlags;
use smp_proto::message::RcvMsgBody;
use smp_proto::transmission::{self, TAuth, TParams, authorized_bytes};
use smp_proto::versions::{BLOCK_SIZE, CURRENT_V};
use smp_proto::{BrokerMsg, Command, CorrId, EntityId, MsgId};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;
use tokio::time::Instant;

/// Transmissions a writer gathers before packing blocks (as the relay and client do).
const MAX_GATHER: usize = 1024;
/// How long the end of a run waits for messages in flight.
const DRAIN: Duration = Duration::from_secs(10);

type Outbox = mpsc::UnboundedSender<Vec<u8>>;

/// Runs `bound`.
pub fn run(a: &BoundArgs) -> Result<Report> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    let o = rt.block_on(drive(&a.load, a.one_per_block))?;
    let per_msg_us = if o.rate > 0.0 {
        o.win.self_cores / o.rate * 1e6
    } else {
        0.0
    };
    let r = o.report(if a.one_per_block {
        "crypto+TLS bound, client blocks unbatched"
    } else {
        "crypto+TLS bound"
    });
    let summary = format!(
        "{}; process CPU {:.2} cores ({:.2} used by others), {:.1} us/msg",
        r.summary, o.win.self_cores, o.win.other_cores, per_msg_us,
    );
    Ok(Report { summary, ..r }.metric("proc_cpu_us_per_msg", per_msg_us))
}

/// One end of a connection after TLS: blocks, chain keys and transmission parameters.
struct End {
    reader: TlsBlockReader,
    writer: TlsBlockWriter,
    send_key: ChainKey,
    recv_key: ChainKey,
    params: TParams,
}

/// Both ends of one loopback TLS connection with block encryption keys.
async fn connection(
    listener: &TcpListener,
    server_tls: &Arc<ServerTls>,
    client_tls: &ClientTls,
    fingerprint: &[u8; 32],
) -> Result<(End, End)> {
    let addr = listener.local_addr()?;
    let tls = server_tls.clone();
    let (tcp_c, accepted) = tokio::join!(TcpStream::connect(addr), listener.accept());
    let (tcp_s, _) = accepted?;
    let tcp_c = tcp_c?;
    tcp_c.set_nodelay(true)?;
    tcp_s.set_nodelay(true)?;
    let (client, server) = tokio::join!(
        client_tls.connect(tcp_c, fingerprint),
        tls.accept(tcp_s, Duration::from_secs(10))
    );
    let (client, server): (TlsConn, TlsConn) = (client?, server?);
    if client.session_id() != server.session_id() {
        bail!("session ids differ");
    }
    let sid = client.session_id().to_vec();
    let (c_key, s_key) = (
        X25519Secret::generate(&mut rand::rng()),
        X25519Secret::generate(&mut rand::rng()),
    );
    // The server sends with the first chain key, the client with the second.
    let (s_send, s_recv) = sbc_init(&sid, &s_key.dh(&c_key.public()));
    let (c_recv, c_send) = sbc_init(&sid, &c_key.dh(&s_key.public()));
    let params = TParams {
        version: CURRENT_V,
        session_id: sid,
    };
    let (cr, cw) = client.into_blocks(BLOCK_SIZE)?;
    let (sr, sw) = server.into_blocks(BLOCK_SIZE)?;
    Ok((
        End {
            reader: cr,
            writer: cw,
            send_key: c_send,
            recv_key: c_recv,
            params: params.clone(),
        },
        End {
            reader: sr,
            writer: sw,
            send_key: s_send,
            recv_key: s_recv,
            params,
        },
    ))
}

/// A queue as both sides know it.
struct BQueue {
    snd_id: EntityId,
    rcv_id: EntityId,
    snd_key: PrivateAuthKey,
    rcv_key: PrivateAuthKey,
    secret: DhSecret,
}

/// What the echo service knows of a queue.
struct ServiceQueue {
    rcv_id: EntityId,
    snd_pub: PublicAuthKey,
    secret: DhSecret,
}

fn random_id() -> Result<EntityId> {
    let mut b = [0u8; 24];
    rand::fill(&mut b[..]);
    Ok(EntityId::new(&b)?)
}

fn new_queue() -> Result<BQueue> {
    let dh = X25519Secret::generate(&mut rand::rng())
        .dh(&X25519Secret::generate(&mut rand::rng()).public());
    Ok(BQueue {
        snd_id: random_id()?,
        rcv_id: random_id()?,
        snd_key: ed25519()?,
        rcv_key: ed25519()?,
        secret: dh,
    })
}

/// Encodes a transmission, signed with `key` when given.
fn signed(
    p: &TParams,
    key: Option<&PrivateAuthKey>,
    corr: &CorrId,
    entity: &EntityId,
    cmd: &[u8],
) -> Result<Vec<u8>> {
    let sig = match key {
        Some(k) => k.sign(&authorized_bytes(&p.session_id, corr, entity, cmd))?,
        None => Vec::new(),
    };
    Ok(transmission::encode(p, &sig, None, corr, entity, cmd))
}

/// Gathers up to `gather` queued transmissions, packs them into blocks, seals and writes
/// them.
async fn writer_task(
    mut w: TlsBlockWriter,
    mut key: ChainKey,
    mut rx: mpsc::UnboundedReceiver<Vec<u8>>,
    gather: usize,
) {
    while let Some(first) = rx.recv().await {
        let mut ts = vec![first];
        while ts.len() < gather {
            match rx.try_recv() {
                Ok(t) => ts.push(t),
                Err(_) => break,
            }
        }
        for b in batch_transmissions(&ts) {
            if let Batch::Block(content, _) = b {
                let Ok(block) = seal(&content, Some(&mut key)) else {
                    return;
                };
                if w.write_block(&block).await.is_err() {
                    return;
                }
            }
        }
    }
    let _ = w.shutdown().await;
}

/// Reads a block and returns its transmissions, parsed.
async fn read_batch(
    r: &mut TlsBlockReader,
    key: &mut ChainKey,
    p: &TParams,
) -> Result<Vec<transmission::RawTransmission>> {
    let block = r.read_block().await?;
    let content = open(&block, Some(key)).map_err(|e| anyhow::anyhow!("{e}"))?;
    let ts = parse_batch(&content).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    ts.into_iter()
        .map(|t| transmission::parse(p, t).map_err(|e| anyhow::anyhow!("{:?}", e.error)))
        .collect()
}

/// Queues a transmission; false when it could not be made or the writer is gone.
fn push(out: &Outbox, t: Result<Vec<u8>>) -> bool {
    t.is_ok_and(|t| out.send(t).is_ok())
}

fn verified(raw: &transmission::RawTransmission, key: &PublicAuthKey) -> bool {
    matches!(&raw.auth, Some(TAuth::Signature(s)) if key.verify(&raw.authorized, s))
}

fn random_corr() -> Result<CorrId> {
    let mut b = [0u8; 24];
    rand::fill(&mut b[..]);
    Ok(CorrId::new(&b)?)
}

/// The service side of a sender connection: verify `SEND`, encrypt `MSG` to the
/// recipient, answer `OK`.
async fn service_sender_conn(
    mut end_r: TlsBlockReader,
    mut recv_key: ChainKey,
    p: TParams,
    reply: Outbox,
    to_recipient: Outbox,
    queues: Arc<HashMap<EntityId, ServiceQueue>>,
    sh: Arc<Shared>,
) {
    let v = p.version;
    while let Ok(ts) = read_batch(&mut end_r, &mut recv_key, &p).await {
        for raw in ts {
            let Ok(Command::Send(flags, body)) = Command::parse(v, &raw.command) else {
                sh.error("service", "not SEND");
                continue;
            };
            let Some(q) = queues.get(&raw.entity_id) else {
                sh.error("service", "unknown queue");
                continue;
            };
            if !verified(&raw, &q.snd_pub) {
                sh.error("service", "SEND signature");
                continue;
            }
            let mut mid = [0u8; 24];
            rand::fill(&mut mid[..]);
            let plain = RcvMsgBody::Message {
                ts: 1_700_000_000,
                flags,
                body,
            };
            let (Ok(enc), Ok(msg_id)) = (plain.seal(&q.secret, &mid), MsgId::new(&mid)) else {
                sh.error("service", "seal");
                continue;
            };
            let msg = BrokerMsg::Msg(msg_id, enc).to_bytes(v);
            let ok = BrokerMsg::Ok.to_bytes(v);
            let sent = signed(&p, None, &CorrId::empty(), &q.rcv_id, &msg)
                .map(|t| to_recipient.send(t))
                .and_then(|_| signed(&p, None, &raw.corr_id, &raw.entity_id, &ok))
                .map(|t| reply.send(t));
            if sent.is_err() {
                return;
            }
        }
    }
}

/// The service side of a recipient connection: verify `ACK`, answer `OK`.
async fn service_recipient_conn(
    mut end_r: TlsBlockReader,
    mut recv_key: ChainKey,
    p: TParams,
    reply: Outbox,
    rcv_keys: Arc<HashMap<EntityId, PublicAuthKey>>,
    sh: Arc<Shared>,
) {
    let v = p.version;
    let ok = BrokerMsg::Ok.to_bytes(v);
    while let Ok(ts) = read_batch(&mut end_r, &mut recv_key, &p).await {
        for raw in ts {
            let is_ack = matches!(Command::parse(v, &raw.command), Ok(Command::Ack(_)));
            let key_ok = rcv_keys
                .get(&raw.entity_id)
                .is_some_and(|k| verified(&raw, k));
            if !is_ack || !key_ok {
                sh.error("service", "bad ACK");
                continue;
            }
            if !push(&reply, signed(&p, None, &raw.corr_id, &raw.entity_id, &ok)) {
                return;
            }
        }
    }
}

/// The sender's reader: counts `OK`s.
async fn sender_reader(mut r: TlsBlockReader, mut key: ChainKey, p: TParams, sh: Arc<Shared>) {
    while let Ok(ts) = read_batch(&mut r, &mut key, &p).await {
        for raw in ts {
            match BrokerMsg::parse(p.version, &raw.command) {
                Ok(BrokerMsg::Ok) => {
                    sh.sent.fetch_add(1, Ordering::Relaxed);
                }
                other => sh.error("SEND", format!("{other:?}")),
            }
        }
    }
}

/// The recipient's reader: opens `MSG`, records latency, sends a signed `ACK`; an `OK`
/// to an `ACK` returns a window permit.
async fn recipient_reader(
    mut r: TlsBlockReader,
    mut key: ChainKey,
    p: TParams,
    out: Outbox,
    queues: Arc<HashMap<EntityId, Arc<BQueue>>>,
    sem: Arc<Semaphore>,
    sh: Arc<Shared>,
) {
    let v = p.version;
    while let Ok(ts) = read_batch(&mut r, &mut key, &p).await {
        for raw in ts {
            match BrokerMsg::parse(v, &raw.command) {
                Ok(BrokerMsg::Msg(id, enc)) => {
                    let Some(q) = queues.get(&raw.entity_id) else {
                        sh.error("MSG", "unknown queue");
                        continue;
                    };
                    let nonce = id.to_array().unwrap_or([0; 24]);
                    match RcvMsgBody::open(&q.secret, &nonce, &enc) {
                        Ok(RcvMsgBody::Message { body, .. }) => match body_age(&body) {
                            Some((age, _)) => sh.receipt(age),
                            None => sh.error("MSG", "short body"),
                        },
                        other => sh.error("MSG", format!("{other:?}")),
                    }
                    let cmd = Command::Ack(id).to_bytes(v);
                    let t = random_corr()
                        .and_then(|c| signed(&p, Some(&q.rcv_key), &c, &q.rcv_id, &cmd));
                    if !push(&out, t) {
                        return;
                    }
                }
                Ok(BrokerMsg::Ok) => sem.add_permits(1),
                other => sh.error("ACK", format!("{other:?}")),
            }
        }
    }
}

/// The sender: signs `SEND`s round-robin over the pair's queues while the window has room.
async fn sender(
    out: Outbox,
    p: TParams,
    queues: Vec<Arc<BQueue>>,
    sem: Arc<Semaphore>,
    sh: Arc<Shared>,
    size: usize,
) {
    let v = p.version;
    let mut seq = 0u64;
    loop {
        let permit = match tokio::time::timeout_at(sh.t_end, sem.clone().acquire_owned()).await {
            Ok(Ok(p)) => p,
            _ => break,
        };
        if Instant::now() >= sh.t_end || !sh.take_budget() {
            break;
        }
        permit.forget();
        let q = &queues[(seq % queues.len() as u64) as usize];
        seq += 1;
        let cmd = Command::Send(MsgFlags::default(), stamped_body(size, seq)).to_bytes(v);
        let t = random_corr().and_then(|c| signed(&p, Some(&q.snd_key), &c, &q.snd_id, &cmd));
        if !push(&out, t) {
            break;
        }
    }
}

/// Sets up the connections and queues, runs the load, returns the outcome.
async fn drive(load: &crate::cli::LoadArgs, one_per_block: bool) -> Result<Outcome> {
    let creds = generate_credentials(SignAlgorithm::Ed25519, "localhost")?;
    let fp = creds.fingerprint()?;
    let server_tls = Arc::new(ServerTls::new(
        &creds.server_credentials(),
        SMP_SERVER_ALPN,
    )?);
    let client_tls = ClientTls::new(SMP_CLIENT_ALPN)?;
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let budget_run = load.messages.is_some();
    let warmup = if budget_run {
        0.0
    } else {
        load.warmup.max(0.0)
    };
    let window = load.window as usize;
    let mut tasks = JoinSet::new();
    let mut pairs = Vec::new();
    for _ in 0..load.pairs {
        let (sc, ss) = connection(&listener, &server_tls, &client_tls, &fp).await?;
        let (rc, rs) = connection(&listener, &server_tls, &client_tls, &fp).await?;
        let qs: Vec<Arc<BQueue>> = (0..load.queues)
            .map(|_| new_queue().map(Arc::new))
            .collect::<Result<_>>()?;
        pairs.push((sc, ss, rc, rs, qs));
    }
    let sh = Shared::new(
        Duration::from_secs_f64(warmup),
        Duration::from_secs_f64(load.duration.max(0.1)),
        load.messages,
    );
    let mut sems = Vec::new();
    for (sc, ss, rc, rs, qs) in pairs {
        let svc: HashMap<EntityId, ServiceQueue> = qs
            .iter()
            .map(|q| {
                let sq = ServiceQueue {
                    rcv_id: q.rcv_id.clone(),
                    snd_pub: q.snd_key.public(),
                    secret: DhSecret::from_bytes(*q.secret.as_bytes()),
                };
                (q.snd_id.clone(), sq)
            })
            .collect();
        let rcv_keys: HashMap<EntityId, PublicAuthKey> = qs
            .iter()
            .map(|q| (q.rcv_id.clone(), q.rcv_key.public()))
            .collect();
        let by_rcv: HashMap<EntityId, Arc<BQueue>> =
            qs.iter().map(|q| (q.rcv_id.clone(), q.clone())).collect();
        let sem = Arc::new(Semaphore::new(window));
        sems.push(sem.clone());
        let outbox = |w, k, gather, tasks: &mut JoinSet<()>| {
            let (tx, rx) = mpsc::unbounded_channel();
            tasks.spawn(writer_task(w, k, rx, gather));
            tx
        };
        let client_gather = if one_per_block { 1 } else { MAX_GATHER };
        let sc_out = outbox(sc.writer, sc.send_key, client_gather, &mut tasks);
        let ss_out = outbox(ss.writer, ss.send_key, MAX_GATHER, &mut tasks);
        let rc_out = outbox(rc.writer, rc.send_key, client_gather, &mut tasks);
        let rs_out = outbox(rs.writer, rs.send_key, MAX_GATHER, &mut tasks);
        tasks.spawn(service_sender_conn(
            ss.reader,
            ss.recv_key,
            ss.params,
            ss_out,
            rs_out.clone(),
            Arc::new(svc),
            sh.clone(),
        ));
        tasks.spawn(service_recipient_conn(
            rs.reader,
            rs.recv_key,
            rs.params,
            rs_out,
            Arc::new(rcv_keys),
            sh.clone(),
        ));
        tasks.spawn(sender_reader(
            sc.reader,
            sc.recv_key,
            sc.params.clone(),
            sh.clone(),
        ));
        tasks.spawn(recipient_reader(
            rc.reader,
            rc.recv_key,
            rc.params,
            rc_out,
            Arc::new(by_rcv),
            sem.clone(),
            sh.clone(),
        ));
        tasks.spawn(sender(
            sc_out,
            sc.params,
            qs,
            sem,
            sh.clone(),
            load.size as usize,
        ));
    }
    let all = load.messages.unwrap_or(u64::MAX);
    let port = listener.local_addr().ok().map(|a| a.port());
    let win = cpu_over_window(&sh, None, port, || {
        sh.received.load(Ordering::Relaxed) >= all
    })
    .await;
    let deadline = Instant::now() + DRAIN;
    let pending = || {
        sems.iter().any(|s| s.available_permits() < window)
            || sh.sent.load(Ordering::Relaxed) < sh.received.load(Ordering::Relaxed)
    };
    while Instant::now() < deadline && pending() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tasks.abort_all();
    while tasks.join_next().await.is_some() {}
    Ok(Outcome::collect(&sh, budget_run, win))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::cli::LoadArgs;

    #[test]
    fn bound_moves_every_message() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        let load = LoadArgs {
            pairs: 2,
            queues: 3,
            size: 16048,
            window: 8,
            duration: 300.0, // a safety limit only: the run ends after `messages`; debug builds on a loaded machine are slow
            warmup: 0.0,
            messages: Some(100),
        };
        let o = rt.block_on(drive(&load, false)).unwrap();
        assert_eq!(o.errors, 0, "{:?}", o.first_error);
        assert_eq!(o.received, 100);
        let o = rt.block_on(drive(&load, true)).unwrap();
        assert_eq!(o.errors, 0, "{:?}", o.first_error);
        assert_eq!(o.received, 100);
        assert_eq!(o.sent, 100);
        assert!(o.rate > 0.0);
    }
}
