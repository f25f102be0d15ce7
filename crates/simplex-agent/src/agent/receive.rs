//! Receiving: relay events in order; each `MSG` is opened (relay layer, per-queue e2e
//! layer, ratchet), its effects stored in one transaction, then `ACK`ed, then reported.
//! A message whose broker id was stored before (redelivered after a crash between the
//! commit and the `ACK`) is only `ACK`ed again.

use std::cell::RefCell;
use std::sync::Arc;

use agent_proto::agent_message::MessageReceipt;
use agent_proto::envelope::open_client_message;
use agent_proto::versions::MIN_AGENT_V;
use agent_proto::{AMessage, AgentMessage, AgentMsgEnvelope, ClientMsgEnvelope, ConnectionRequest};
use simplex_crypto::DhSecret;
use simplex_encoding::Decode;
use simplex_ratchet::{
    CURRENT_E2E_VERSION, E2ERatchetParams, PQSupport, PrivKemParams, RatchetVersions,
    SUPPORTED_E2E_VERSIONS, SkippedKeys, decrypt, init_rcv, pq_x3dh_rcv,
};
use smp_client::{ReceivedMsg, ServerEvent, open_message};
use smp_proto::message::RcvMsgBody;
use smp_proto::{BrokerMsg, EntityId, MsgId};
use tokio::sync::mpsc;

use super::Inner;
use super::inbox::{Inbox, Incoming};
use super::keys::{auth_key, dh_secret, x448, x25519};
use super::messages::{load_ratchet, load_skipped, store_skipped};
use super::rotation::After;
use crate::error::{AgentError, Result};
use crate::event::{AgentCryptoError, AgentEvent, MsgReceiptStatus};
use crate::pool::{RelayEvent, parse_server};
use crate::store::{
    Conn, ConnMode, ConnStatus, Integrity, MsgType, NewConfirmation, NewInvitation, NewRcvMessage,
    QueueStatus, RatchetSyncState, RcvQueue, Timestamp, Tx,
};

/// A ratchet-decrypted message body and what the ratchet said about it.
struct Plain {
    /// The agent message.
    bytes: zeroize::Zeroizing<Vec<u8>>,
    /// Whether its receiving chain was made with a KEM step.
    pq: bool,
    /// Whether the ratchet could send before this message (a ratchet made on the
    /// receiving side of a re-synchronisation cannot until the peer's first message).
    could_send: bool,
}

/// Takes the relay events of all relays until the agent stops. Messages are handled in
/// order per connection, different connections at the same time ([`Inbox`]).
pub(super) async fn receive_loop(inner: Arc<Inner>, mut rx: mpsc::Receiver<RelayEvent>) {
    // Dropped (and so its tasks stopped) with this loop when the agent stops.
    let mut inbox = Inbox::new(inner.clone());
    while let Some(RelayEvent { server, event }) = rx.recv().await {
        match event {
            ServerEvent::Event {
                entity_id,
                msg: BrokerMsg::Msg(msg_id, body),
            } => {
                let m = Incoming {
                    server,
                    rcv_id: entity_id,
                    msg_id,
                    body,
                };
                inbox.push(m).await;
            }
            ServerEvent::Event { msg, .. } => {
                tracing::debug!(?msg, "relay event ignored");
            }
            ServerEvent::Disconnected { reason } => {
                tracing::info!(%server, %reason, "relay connection lost");
                inner.pool.forget_closed(&server).await;
                inner.spawn(resubscribe(inner.clone(), server));
            }
        }
    }
}

/// Handles a `MSG` of one queue and the messages the relay sends with each `ACK` reply.
pub(super) async fn queue_messages(
    inner: &Arc<Inner>,
    server: &str,
    rcv_id: &EntityId,
    msg_id: MsgId,
    body: Vec<u8>,
) {
    let mut next = Some((msg_id, body));
    while let Some((msg_id, body)) = next.take() {
        match handle_msg(inner, server, rcv_id, msg_id, body).await {
            Ok(n) => next = n,
            Err(e) => inner.emit_error(None, e).await,
        }
    }
}

/// Subscribes the receive queues of `server` again, retrying with backoff until it works.
pub(super) async fn resubscribe(inner: Arc<Inner>, server: String) {
    let mut delay = inner.config.retry_delay;
    loop {
        tokio::time::sleep(delay).await;
        match inner.subscribe_server(&server).await {
            Ok(()) => return,
            Err(e) => tracing::info!(%server, %e, "resubscribing failed; will retry"),
        }
        delay = (delay * 2).min(inner.config.max_retry_delay);
    }
}

/// Processes one `MSG`; returns the next message when the relay sent it with the `ACK`
/// response.
async fn handle_msg(
    inner: &Arc<Inner>,
    server: &str,
    rcv_id: &EntityId,
    msg_id: MsgId,
    body: Vec<u8>,
) -> Result<Option<ReceivedMsg>> {
    let (srv, rid) = (server.to_owned(), rcv_id.as_bytes().to_vec());
    let mid = msg_id.clone();
    // the queue is looked up in the same transaction that stores the message
    let now = inner.config.clock.now();
    let outcome = inner
        .db(move |tx| {
            let Some(rq) = tx.rcv_queue_by_rcv_id(&srv, &rid)? else {
                return Ok(None);
            };
            let done = process(tx, &rq, &mid, &body, now)?;
            Ok(Some((rq.rcv_auth_key, done)))
        })
        .await;
    let (key, events, after) = match outcome {
        Ok(Some((key, (events, after)))) => (key, events, after),
        Ok(None) => {
            tracing::warn!(%server, "message for an unknown queue");
            return Ok(None);
        }
        // not stored: leave the message on the relay, it comes again
        Err(e @ AgentError::Store(_)) => return Err(e),
        // rolled back and reported; the message is acknowledged
        Err(e) => {
            let (srv, rid) = (server.to_owned(), rcv_id.as_bytes().to_vec());
            let Some(rq) = inner
                .db(move |tx| Ok(tx.rcv_queue_by_rcv_id(&srv, &rid)?))
                .await?
            else {
                return Ok(None);
            };
            let err = vec![AgentEvent::Error {
                conn_id: Some(rq.conn_id),
                err: e,
            }];
            (rq.rcv_auth_key, err, After::default())
        }
    };
    let key = auth_key(&key)?;
    let next = match ack(inner, server, rcv_id, &key, &msg_id).await {
        // A timed-out `ACK` may never have left (a request that timed out is not
        // written): until the relay gets it, it delivers nothing more on this queue.
        Err(AgentError::Relay(smp_client::ClientError::Timeout)) => {
            let (srv, rid, mid) = (server.to_owned(), rcv_id.clone(), msg_id.clone());
            inner.spawn(retry_ack(inner.clone(), srv, rid, mid));
            Ok(None)
        }
        other => other,
    };
    // the message is stored: report it and do what follows from it even when the `ACK`
    // failed (the relay sends it again, and the stored broker id makes that an `ACK` only)
    for sq in after.wake {
        inner.wake_worker(sq);
    }
    for f in after.followups {
        inner.spawn(super::rotation::run(inner.clone(), f));
    }
    for c in after.secure {
        inner.spawn(super::legacy::run_secure(inner.clone(), c));
    }
    let events = events.into_iter().chain(after.events);
    for ev in events {
        if let AgentEvent::Error { conn_id, err } = ev {
            inner.emit_error(conn_id, err).await;
        } else {
            inner.emit(ev).await;
        }
    }
    next
}

/// Sends a timed-out `ACK` again, with growing delays, until the relay answers. The
/// relay's `MSG` reply is handled like any message; `ERR NO_MSG` means the first `ACK`
/// did arrive (its reply came late and went the way of events, see smp-client); a lost
/// connection ends the retries, as the resubscription makes the relay deliver again.
/// Boxed: it leads back to [`handle_msg`], which spawns it.
fn retry_ack(
    inner: Arc<Inner>,
    server: String,
    rcv_id: EntityId,
    msg_id: MsgId,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    Box::pin(retry_ack_loop(inner, server, rcv_id, msg_id))
}

async fn retry_ack_loop(inner: Arc<Inner>, server: String, rcv_id: EntityId, msg_id: MsgId) {
    let mut delay = inner.config.retry_delay;
    loop {
        tokio::time::sleep(delay).await;
        let (srv, rid) = (server.clone(), rcv_id.as_bytes().to_vec());
        let key = match inner
            .db(move |tx| Ok(tx.rcv_queue_by_rcv_id(&srv, &rid)?))
            .await
        {
            Ok(Some(rq)) => auth_key(&rq.rcv_auth_key),
            Ok(None) => return,
            Err(e) => Err(e),
        };
        let r = match key {
            Ok(key) => ack(&inner, &server, &rcv_id, &key, &msg_id).await,
            Err(e) => Err(e),
        };
        match r {
            Ok(Some((next_id, body))) => {
                return queue_messages(&inner, &server, &rcv_id, next_id, body).await;
            }
            Ok(None) => return,
            Err(AgentError::Relay(smp_client::ClientError::Timeout)) => {}
            Err(e) => {
                tracing::debug!(%e, "retried ACK ended");
                return;
            }
        }
        delay = (delay * 2).min(inner.config.max_retry_delay);
    }
}

/// `ACK`s a relay message; returns the next message if the relay sent one with the reply.
async fn ack(
    inner: &Inner,
    server: &str,
    rcv_id: &EntityId,
    key: &simplex_crypto::keys::PrivateAuthKey,
    msg_id: &MsgId,
) -> Result<Option<ReceivedMsg>> {
    let client = inner.pool.client(&parse_server(server)?).await?;
    Ok(client.ack(rcv_id, key, msg_id).await?)
}

/// Opens and stores one message inside a transaction; returns the events to report
/// after the `ACK` and the delivery workers to wake.
fn process(
    tx: &Tx<'_>,
    rq: &RcvQueue,
    msg_id: &MsgId,
    body: &[u8],
    now: Timestamp,
) -> Result<(Vec<AgentEvent>, After)> {
    let mid = msg_id.as_bytes();
    if rq.last_broker_msg_id.as_deref() == Some(mid)
        || tx.rcv_message_by_broker_id(rq.rcv_queue_id, mid)?.is_some()
    {
        return Ok((Vec::new(), After::default()));
    }
    let relay_secret = dh_secret(&rq.rcv_dh_secret)?;
    let (ts, smp_body) = match open_message(&relay_secret, msg_id, body)? {
        RcvMsgBody::Message { ts, body, .. } => (ts, body),
        RcvMsgBody::Quota { ts } => {
            tx.set_last_broker_msg(rq.rcv_queue_id, mid, Timestamp(ts.saturating_mul(1000)))?;
            let wake = super::quota::queue_drained(tx, rq)?;
            let after = After {
                wake: wake.into_iter().collect(),
                ..After::default()
            };
            return Ok((Vec::new(), after));
        }
    };
    let broker_ts = Timestamp(ts.saturating_mul(1000));
    let env = ClientMsgEnvelope::from_bytes(&smp_body)?;
    let e2e_secret: DhSecret = match (&env.header.sender_key, &rq.e2e_dh_secret) {
        (Some(k), _) => x25519(&rq.e2e_private_key)?.dh(k),
        (None, Some(s)) => dh_secret(s)?,
        (None, None) => return Err(AgentError::Prohibited("no e2e key for this queue yet")),
    };
    let cm = open_client_message(&e2e_secret, &env)?;
    let conn = tx
        .conn(&rq.conn_id)?
        .ok_or_else(|| AgentError::ConnNotFound(rq.conn_id.clone()))?;
    let rcv = Received {
        rq,
        conn: &conn,
        broker_msg_id: mid,
        broker_ts,
        now,
        after: RefCell::default(),
    };
    let env = AgentMsgEnvelope::from_bytes(&cm.body)?;
    if (conn.mode == ConnMode::Contact) != matches!(env, AgentMsgEnvelope::Invitation { .. }) {
        return Err(AgentError::Prohibited(
            "contact requests are only accepted on contact addresses",
        ));
    }
    let events = match env {
        AgentMsgEnvelope::Invitation {
            conn_req,
            conn_info,
            ..
        } => rcv.contact_request(tx, &conn_req, conn_info)?,
        AgentMsgEnvelope::Confirmation {
            agent_version,
            e2e: Some(params),
            enc_conn_info,
        } => {
            let key = super::legacy::confirmation_key(&cm.header, rq)?;
            let conf = JoinerConf {
                agent_version,
                params: &params,
                enc_conn_info: &enc_conn_info,
                sender_key: key,
            };
            rcv.joiner_confirmation(tx, conf, &e2e_secret)?
        }
        AgentMsgEnvelope::Confirmation {
            e2e: None,
            enc_conn_info,
            ..
        } => {
            let key = super::legacy::confirmation_key(&cm.header, rq)?;
            rcv.initiator_confirmation(tx, &enc_conn_info, &e2e_secret, key)?
        }
        AgentMsgEnvelope::Message {
            enc_agent_message, ..
        } => rcv.message(tx, &enc_agent_message)?,
        AgentMsgEnvelope::RatchetKey { e2e, .. } => {
            if conn.status != ConnStatus::Active {
                return Err(AgentError::Prohibited(
                    "ratchet key: connection not established",
                ));
            }
            let mut after = rcv.after.borrow_mut();
            super::resync::on_ratchet_key(tx, &conn, &e2e, now, &mut after)?
        }
    };
    tx.set_last_broker_msg(rq.rcv_queue_id, mid, broker_ts)?;
    Ok((events, rcv.after.take()))
}

/// The reference's `checkMsgIntegrity`: the sender's id and previous-message hash
/// against the last message received.
pub(crate) fn check_integrity(
    prev_id: i64,
    prev_hash: &[u8],
    id: i64,
    received_prev_hash: &[u8],
) -> Integrity {
    if id == prev_id + 1 && prev_hash == received_prev_hash {
        Integrity::Ok
    } else if id < prev_id {
        Integrity::BadId(id)
    } else if id == prev_id {
        Integrity::Duplicate
    } else if id > prev_id + 1 {
        Integrity::Skipped {
            from: prev_id + 1,
            to: id - 1,
        }
    } else {
        Integrity::BadHash
    }
}

/// The joiner's confirmation as the initiator receives it.
struct JoinerConf<'a> {
    agent_version: u16,
    params: &'a E2ERatchetParams,
    enc_conn_info: &'a [u8],
    /// The key to `KEY` our queue with, when the joiner could not secure it.
    sender_key: Option<simplex_crypto::keys::PublicAuthKey>,
}

/// What is stored with a received message besides its bodies.
struct Meta<'a> {
    msg_type: MsgType,
    snd_msg_id: i64,
    prev_hash: &'a [u8],
    integrity: Integrity,
}

impl Meta<'_> {
    /// A confirmation: the sender's first message, id 1, starting the hash chain.
    fn confirmation(msg_type: MsgType) -> Self {
        Meta {
            msg_type,
            snd_msg_id: 1,
            prev_hash: &[],
            integrity: Integrity::Ok,
        }
    }
}

/// One received message being processed.
struct Received<'a> {
    rq: &'a RcvQueue,
    conn: &'a Conn,
    broker_msg_id: &'a [u8],
    broker_ts: Timestamp,
    /// The agent clock's time of processing (recorded with the message's hash).
    now: Timestamp,
    /// Workers to wake, relay work and events, once the transaction is committed.
    after: RefCell<After>,
}

impl Received<'_> {
    /// Stores a received message and moves the connection's last received id and hash.
    fn store(
        &self,
        tx: &Tx<'_>,
        meta: Meta<'_>,
        plain: &[u8],
        body: &[u8],
        pq_encryption: bool,
    ) -> Result<crate::store::InternalId> {
        let Meta {
            msg_type,
            snd_msg_id,
            prev_hash,
            integrity,
        } = meta;
        let hash = simplex_crypto::hash::sha256(plain);
        let id = tx.insert_rcv_message(&NewRcvMessage {
            conn_id: &self.conn.conn_id,
            rcv_queue_id: self.rq.rcv_queue_id,
            snd_msg_id,
            broker_msg_id: self.broker_msg_id,
            broker_ts: self.broker_ts,
            msg_type,
            prev_hash,
            hash: &hash,
            integrity,
            body,
            pq_encryption,
        })?;
        // only an app message waits for the app's acknowledgement; the agent is done
        // with anything else once it is processed in this transaction (reference
        // `ackDel`); the connection keeps the last id and hash
        if msg_type != MsgType::Msg {
            tx.delete_rcv_message(&self.conn.conn_id, id)?;
        }
        Ok(id)
    }

    /// Initiator: the joiner's confirmation with its X3DH parameters, reply queue and
    /// info (and its sender key, kept for `allow`, when our queue is not sender-secured).
    /// The receive ratchet is initialised here (agent v7) and `CONF` reported.
    fn joiner_confirmation(
        &self,
        tx: &Tx<'_>,
        conf: JoinerConf<'_>,
        e2e_secret: &DhSecret,
    ) -> Result<Vec<AgentEvent>> {
        let JoinerConf {
            agent_version,
            params,
            enc_conn_info,
            sender_key,
        } = conf;
        let conn_id = &self.conn.conn_id;
        if self.conn.status != ConnStatus::Pending {
            return Err(AgentError::Prohibited(
                "confirmation: connection is not pending",
            ));
        }
        // our maximum was stored with the invitation (the reference's check against
        // the agreed version)
        if !(MIN_AGENT_V..=self.conn.agent_version).contains(&agent_version) {
            return Err(AgentError::Version("confirmation agent version"));
        }
        if !SUPPORTED_E2E_VERSIONS.contains(params.version) {
            return Err(AgentError::Version("confirmation e2e version"));
        }
        let x3dh = tx
            .ratchet(conn_id)?
            .and_then(|r| r.x3dh)
            .ok_or(AgentError::Prohibited("confirmation: no pending X3DH keys"))?;
        let (pk1, pk2) = (x448(&x3dh.key_1)?, x448(&x3dh.key_2)?);
        let kem = match &x3dh.pq_kem {
            Some(k) => Some(PrivKemParams::from_bytes(k.as_bytes())?),
            None => None,
        };
        let init = pq_x3dh_rcv(&pk1, &pk2, kem.as_ref(), params)?;
        let versions = RatchetVersions {
            current: params.version,
            max_supported: CURRENT_E2E_VERSION,
        };
        let pq = self.conn.pq_support
            && super::handshake::version_pq_support(agent_version, Some(params.version));
        let state = init_rcv(versions, &pk2, init, PQSupport(pq));
        let d = decrypt(&state, &SkippedKeys::new(), enc_conn_info, &mut rand::rng())?;
        let plain = zeroize::Zeroizing::new(d.plaintext?);
        let AgentMessage::ConnInfoReply(queues, info) = AgentMessage::from_bytes(&plain)? else {
            return Err(AgentError::Prohibited(
                "confirmation: not AgentConnInfoReply",
            ));
        };
        let reply = queues
            .first()
            .ok_or(AgentError::Prohibited("confirmation: no reply queue"))?;
        tx.set_conn_agent_version(conn_id, agent_version)?;
        tx.set_conn_pq(conn_id, pq, pq)?;
        tx.save_ratchet_state(conn_id, &d.state.to_bytes())?;
        store_skipped(tx, conn_id, &d.skipped)?;
        tx.set_rcv_queue_e2e_secret(self.rq.rcv_queue_id, e2e_secret.as_bytes())?;
        tx.set_rcv_queue_status(self.rq.rcv_queue_id, QueueStatus::Confirmed)?;
        let pq_rcv = d.state.rcv_pq().0;
        self.store(
            tx,
            Meta::confirmation(MsgType::ConnInfoReply),
            &plain,
            &info,
            pq_rcv,
        )?;
        let conf_id = tx.create_confirmation(&NewConfirmation {
            conn_id,
            peer_info: &info,
            reply_queues: &super::legacy::encode_reply(reply, sender_key.as_ref()),
        })?;
        tx.set_conn_status(conn_id, ConnStatus::Confirmed)?;
        Ok(vec![AgentEvent::Conf {
            conn_id: conn_id.clone(),
            conf_id,
            info,
        }])
    }

    /// Contact address owner: a contact request (the requester's invitation and info),
    /// stored until the app accepts or rejects it; `REQ` is reported.
    fn contact_request(
        &self,
        tx: &Tx<'_>,
        conn_req: &ConnectionRequest,
        info: Vec<u8>,
    ) -> Result<Vec<AgentEvent>> {
        if !matches!(conn_req, ConnectionRequest::Invitation { .. }) {
            return Err(AgentError::Prohibited(
                "contact request: not a one-time invitation",
            ));
        }
        let conn_id = &self.conn.conn_id;
        let link = zeroize::Zeroizing::new(conn_req.to_text());
        let inv_id = tx.create_invitation(&NewInvitation {
            user_id: self.conn.user_id,
            contact_conn_id: conn_id,
            invitation_link: &link,
            peer_info: &info,
        })?;
        Ok(vec![AgentEvent::Req {
            conn_id: conn_id.clone(),
            inv_id,
            info,
        }])
    }

    /// Joiner: the initiator's confirmation with its info. The connection is up, unless
    /// it came with the initiator's sender key: then our queue is secured with it and
    /// `HELLO` sent first (`legacy::store_secure`).
    fn initiator_confirmation(
        &self,
        tx: &Tx<'_>,
        enc_conn_info: &[u8],
        e2e_secret: &DhSecret,
        sender_key: Option<simplex_crypto::keys::PublicAuthKey>,
    ) -> Result<Vec<AgentEvent>> {
        let conn_id = &self.conn.conn_id;
        if self.conn.status != ConnStatus::Joined {
            return Err(AgentError::Prohibited(
                "confirmation: connection is not joined",
            ));
        }
        let plain = match self.decrypt(tx, enc_conn_info)? {
            Ok(plain) => plain,
            Err(e) => return Ok(vec![self.error(e)]),
        };
        let pq = plain.pq;
        let plain = plain.bytes;
        let AgentMessage::ConnInfo(info) = AgentMessage::from_bytes(&plain)? else {
            return Err(AgentError::Prohibited("confirmation: not AgentConnInfo"));
        };
        tx.set_rcv_queue_e2e_secret(self.rq.rcv_queue_id, e2e_secret.as_bytes())?;
        let info_event = AgentEvent::Info {
            conn_id: conn_id.clone(),
            info: info.clone(),
        };
        if let Some(key) = sender_key {
            tx.set_rcv_queue_status(self.rq.rcv_queue_id, QueueStatus::Confirmed)?;
            self.store(tx, Meta::confirmation(MsgType::ConnInfo), &plain, &info, pq)?;
            let cmd = super::legacy::store_secure(tx, self.conn, self.rq, &key)?;
            self.after.borrow_mut().secure.push(cmd);
            return Ok(vec![info_event]);
        }
        tx.set_rcv_queue_status(self.rq.rcv_queue_id, QueueStatus::Active)?;
        for sq in tx.snd_queues(conn_id)? {
            tx.set_snd_queue_status(sq.snd_queue_id, QueueStatus::Active)?;
        }
        self.store(tx, Meta::confirmation(MsgType::ConnInfo), &plain, &info, pq)?;
        tx.set_conn_status(conn_id, ConnStatus::Active)?;
        Ok(vec![
            info_event,
            AgentEvent::Con {
                conn_id: conn_id.clone(),
            },
        ])
    }

    /// An ordinary ratchet-encrypted agent message.
    fn message(&self, tx: &Tx<'_>, enc: &[u8]) -> Result<Vec<AgentEvent>> {
        let conn_id = &self.conn.conn_id;
        // a joiner waiting for the initiator's `HELLO` (legacy handshake) takes only that
        let joined = self.conn.status == ConnStatus::Joined;
        if !(joined || matches!(self.conn.status, ConnStatus::Active | ConnStatus::Allowed)) {
            return Err(AgentError::Prohibited(
                "message: connection is not established",
            ));
        }
        let enc_hash = simplex_crypto::hash::sha256(enc);
        let sync = tx.ratchet_sync_state(conn_id)?;
        let Plain {
            bytes: plain,
            pq,
            could_send,
        } = match self.decrypt(tx, enc)? {
            Ok(plain) => plain,
            Err(e) => return self.decrypt_failed(tx, &enc_hash, sync, e),
        };
        tx.add_rcv_msg_hash(conn_id, &enc_hash, self.now)?;
        let mut events = Vec::new();
        if !matches!(sync, RatchetSyncState::Ok | RatchetSyncState::Started) {
            // the first message of the new ratchet (reference `resetRatchetSync`)
            tx.set_ratchet_sync_state(conn_id, RatchetSyncState::Ok)?;
            events.push(super::resync::sync_event(
                conn_id,
                RatchetSyncState::Ok,
                None,
            ));
        }
        let AgentMessage::Message(header, msg) = AgentMessage::from_bytes(&plain)? else {
            return Err(AgentError::Prohibited("message: not an agent message"));
        };
        if joined && !matches!(msg, AMessage::Hello) {
            return Err(AgentError::Prohibited(
                "message: connection is not established",
            ));
        }
        let integrity = check_integrity(
            self.conn.last_rcv_snd_msg_id,
            &self.conn.last_rcv_hash,
            header.snd_msg_id,
            header.prev_msg_hash.as_slice(),
        );
        let prev = header.prev_msg_hash.as_slice();
        let receipts = match &msg {
            AMessage::Rcvd(r) => Some(r.clone()),
            _ => None,
        };
        let rotation = matches!(
            msg,
            AMessage::QAdd(_) | AMessage::QKey(_) | AMessage::QUse(_) | AMessage::QTest(_)
        );
        let rotation_msg = if rotation {
            msg.clone()
        } else {
            AMessage::Hello
        };
        let qcont = match &msg {
            AMessage::QCont(addr) => Some(addr.clone()),
            _ => None,
        };
        let (msg_type, body) = match msg {
            AMessage::Msg(body) => (MsgType::Msg, body),
            AMessage::Hello => (MsgType::Hello, Vec::new()),
            AMessage::Rcvd(_) => (MsgType::Rcvd, Vec::new()),
            AMessage::QCont(_) => (MsgType::QCont, Vec::new()),
            AMessage::QAdd(_) => (MsgType::QAdd, Vec::new()),
            AMessage::QKey(_) => (MsgType::QKey, Vec::new()),
            AMessage::QUse(_) => (MsgType::QUse, Vec::new()),
            AMessage::QTest(_) => (MsgType::QTest, Vec::new()),
            AMessage::EReady(_) => (MsgType::EReady, Vec::new()),
        };
        let meta = Meta {
            msg_type,
            snd_msg_id: header.snd_msg_id,
            prev_hash: prev,
            integrity,
        };
        let id = self.store(tx, meta, &plain, &body, pq)?;
        if msg_type == MsgType::Hello {
            let mut after = self.after.borrow_mut();
            events.extend(super::legacy::on_hello(tx, self.rq, self.conn, &mut after)?);
        }
        if let Some(addr) = qcont {
            let sq = super::quota::continue_sending(tx, conn_id, &addr)?;
            self.after.borrow_mut().wake.extend(sq);
        }
        if rotation {
            let mut after = self.after.borrow_mut();
            // as the reference, a refused rotation step is reported and the message
            // stays received
            match super::rotation::on_message(tx, self.rq, conn_id, &rotation_msg, &mut after) {
                Ok(()) => {}
                Err(e @ AgentError::Store(_)) => return Err(e),
                Err(err) => events.push(AgentEvent::Error {
                    conn_id: Some(conn_id.clone()),
                    err,
                }),
            }
        }
        if let Some(receipts) = receipts {
            for r in receipts.iter() {
                events.push(self.receipt(tx, r)?);
            }
        } else if msg_type == MsgType::EReady && !could_send {
            // made on the receiving side: the peer's ratchet waits for our first message
            let sq = super::resync::send_ready(tx, self.conn)?;
            self.after.borrow_mut().wake.push(sq);
        } else if msg_type == MsgType::Msg {
            events.push(AgentEvent::Msg {
                conn_id: conn_id.clone(),
                id,
                body,
                integrity,
                pq_encryption: pq,
            });
        }
        Ok(events)
    }

    /// A message that did not decrypt: a second copy of a message already received
    /// (through both queues of a switch) is dropped; a key failure moves the ratchet
    /// synchronisation state as the reference does (`RSYNC`), other failures are
    /// reported as errors.
    fn decrypt_failed(
        &self,
        tx: &Tx<'_>,
        enc_hash: &[u8],
        sync: RatchetSyncState,
        e: simplex_ratchet::RatchetError,
    ) -> Result<Vec<AgentEvent>> {
        let conn_id = &self.conn.conn_id;
        if tx.rcv_msg_hash_exists(conn_id, enc_hash)? {
            return Ok(Vec::new());
        }
        let Some(ce) = AgentCryptoError::from_ratchet(&e) else {
            return Ok(vec![self.error(e)]);
        };
        if !matches!(
            sync,
            RatchetSyncState::Ok | RatchetSyncState::Allowed | RatchetSyncState::Required
        ) {
            // re-synchronising: messages of the old ratchet are expected to fail
            tracing::debug!(%conn_id, %e, "message of the old ratchet dropped");
            return Ok(Vec::new());
        }
        let state = ce.sync_state();
        tx.set_ratchet_sync_state(conn_id, state)?;
        Ok(vec![super::resync::sync_event(conn_id, state, Some(ce))])
    }

    /// A delivery receipt for one of our messages: its hash is compared with ours.
    fn receipt(&self, tx: &Tx<'_>, r: &MessageReceipt) -> Result<AgentEvent> {
        let conn_id = &self.conn.conn_id;
        let sent = tx
            .snd_message_by_snd_id(conn_id, r.agent_msg_id)?
            .filter(|m| m.msg_type == MsgType::Msg);
        let Some(sent) = sent else {
            return Ok(AgentEvent::Error {
                conn_id: Some(conn_id.clone()),
                err: AgentError::Prohibited("receipt: not for a sent app message"),
            });
        };
        let status = if r.msg_hash.as_slice() == sent.hash.as_slice() {
            // the peer has it: the sent row is not needed any more (reference
            // `deleteDeliveredSndMsg`, there on the app's ack of the receipt), now or
            // once its delivery is recorded; one with a bad hash stays until it
            // expires, as the reference keeps it
            tx.snd_receipt_ok(conn_id, sent.internal_id)?;
            MsgReceiptStatus::Ok
        } else {
            MsgReceiptStatus::BadMsgHash
        };
        Ok(AgentEvent::Rcvd {
            conn_id: conn_id.clone(),
            id: sent.internal_id,
            status,
        })
    }

    /// Ratchet-decrypts with the stored state and skipped keys. The inner error when no
    /// plaintext came out; when the message was authentic the state change is stored
    /// even then (see `simplex_ratchet::decrypt`).
    fn decrypt(
        &self,
        tx: &Tx<'_>,
        enc: &[u8],
    ) -> Result<Result<Plain, simplex_ratchet::RatchetError>> {
        let conn_id = &self.conn.conn_id;
        let state = load_ratchet(tx, conn_id)?;
        let skipped = load_skipped(tx, conn_id)?;
        let d = match decrypt(&state, &skipped, enc, &mut rand::rng()) {
            Ok(d) => d,
            Err(e) => return Ok(Err(e)),
        };
        tx.save_ratchet_state(conn_id, &d.state.to_bytes())?;
        store_skipped(tx, conn_id, &d.skipped)?;
        let (pq, could_send) = (d.state.rcv_pq().0, state.can_send());
        Ok(d.plaintext.map(|p| Plain {
            bytes: zeroize::Zeroizing::new(p),
            pq,
            could_send,
        }))
    }

    /// An error event about this message's connection.
    fn error(&self, e: simplex_ratchet::RatchetError) -> AgentEvent {
        AgentEvent::Error {
            conn_id: Some(self.conn.conn_id.clone()),
            err: AgentError::Ratchet(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrity_follows_the_reference_rules() {
        // Agent.hs `checkMsgIntegrity`
        assert_eq!(check_integrity(4, b"h", 5, b"h"), Integrity::Ok);
        assert_eq!(check_integrity(4, b"h", 5, b"x"), Integrity::BadHash);
        assert_eq!(check_integrity(4, b"h", 4, b"h"), Integrity::Duplicate);
        assert_eq!(check_integrity(4, b"h", 2, b"h"), Integrity::BadId(2));
        assert_eq!(
            check_integrity(4, b"h", 8, b"x"),
            Integrity::Skipped { from: 5, to: 7 }
        );
    }
}
