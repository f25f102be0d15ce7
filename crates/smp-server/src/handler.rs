//! Executes SMP commands for one connection: verification, then the command against the
//! store and the subscription registry (the reference's `Server.hs` `processCommand`).

use crate::env::Env;
use crate::subs::{ClientShared, Out, QueueId};
use crate::verify::{dummy_verify, verify};
use simplex_crypto::keys::{PublicAuthKey, X25519Public, X25519Secret};
use simplex_encoding::Version;
use smp_proto::command::QueueLinkData;
use smp_proto::error::{BlockingInfo, BlockingReason, ErrorType};
use smp_proto::transmission::{RawTransmission, TAuth};
use smp_proto::{BrokerMsg, Command, CorrId, EntityId};
use smp_store::{LinkData, QueueRec, QueueStatus, StoreError};
use std::sync::Arc;

/// The parts of a connection that command execution needs.
pub struct ConnCtx {
    /// Relay state.
    pub env: Arc<Env>,
    /// This connection's shared handle.
    pub client: Arc<ClientShared>,
    /// Negotiated version.
    pub version: Version,
    /// Session id (tls-unique).
    pub session_id: Vec<u8>,
    /// The relay's session X25519 key (authenticators, proxy envelopes).
    pub session_key: Arc<X25519Secret>,
    /// The client's X25519 key from its hello (a proxy's key for `RFWD`).
    pub peer_key: Option<X25519Public>,
    /// Limits concurrent proxy commands of this connection.
    pub proxy_permits: Arc<tokio::sync::Semaphore>,
    /// The latest store change made by this connection that is not yet durable: replies
    /// are written only after it (group commit keeps changes in order).
    pub pending: std::sync::Mutex<Option<smp_store::Commit>>,
}

/// Responses (in command order) and events produced by one block of commands.
#[derive(Debug, Default)]
pub struct Replies {
    /// Replies to commands.
    pub responses: Vec<Out>,
    /// Messages pushed after the replies (e.g. the pending message after `SUB`).
    pub events: Vec<Out>,
}

pub(crate) type R<T> = Result<T, ErrorType>;

pub(crate) fn store_err(e: StoreError) -> ErrorType {
    match e {
        StoreError::NoQueue | StoreError::Auth(_) => ErrorType::Auth,
        StoreError::Duplicate => ErrorType::Duplicate,
        StoreError::Invalid(_) => ErrorType::SYNTAX,
        other => {
            tracing::error!("store error: {other}");
            ErrorType::Internal
        }
    }
}

pub(crate) fn qid(e: &EntityId) -> Option<QueueId> {
    e.to_array()
}

pub(crate) fn parse_key(spki: &[u8]) -> Option<PublicAuthKey> {
    PublicAuthKey::from_spki(spki).ok()
}

pub(crate) fn is_contact(q: &QueueRec) -> bool {
    match q.queue_mode {
        Some(smp_store::QueueMode::Messaging) => false,
        Some(smp_store::QueueMode::Contact) => true,
        None => q.sender_key.is_none(),
    }
}

pub(crate) fn is_secured_msg_queue(q: &QueueRec) -> bool {
    q.queue_mode != Some(smp_store::QueueMode::Contact) && q.sender_key.is_some()
}

/// Parses the stored blocking information back into its wire form.
pub(crate) fn blocked_info(info: &str) -> BlockingInfo {
    let reason = if info.contains("content") {
        BlockingReason::Content
    } else {
        BlockingReason::Spam
    };
    let notice = info.split_once(",notice=").map(|(_, n)| n.to_owned());
    BlockingInfo { reason, notice }
}

pub(crate) fn link_data(l: &LinkData) -> QueueLinkData {
    QueueLinkData {
        fixed: l.enc_fixed.clone(),
        user: l.enc_user.clone(),
    }
}

impl ConnCtx {
    /// Applies a store change: its result now, its durability awaited before replying.
    pub(crate) fn apply<T>(&self, c: Result<smp_store::Commit<T>, StoreError>) -> R<T> {
        let mut v = None;
        let unit = c.map_err(store_err)?.map(|x| v = Some(x));
        if !unit.is_durable() {
            *self.pending.lock().unwrap_or_else(|e| e.into_inner()) = Some(unit);
        }
        v.ok_or(ErrorType::Internal)
    }

    /// Takes the change the replies so far must wait for.
    pub fn take_pending(&self) -> Option<smp_store::Commit> {
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    /// A handle on the pending change (for messages pushed to other connections).
    pub(crate) fn pending_handle(&self) -> Option<smp_store::Commit> {
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Handles one directly received transmission.
    pub async fn handle(&self, raw: RawTransmission, out: &mut Replies) {
        let (corr, ent) = (raw.corr_id.clone(), raw.entity_id.clone());
        let reply = |msg| Out {
            corr_id: corr.clone(),
            entity: ent.clone(),
            msg,
        };
        let cmd = match Command::parse(self.version, &raw.command) {
            Ok(c) => c,
            Err(e) => return out.responses.push(reply(BrokerMsg::Err(e))),
        };
        if matches!(cmd, Command::Prxy(..) | Command::Pfwd(..)) {
            return match cmd.check_credentials(raw.auth.is_some(), &ent) {
                Err(e) => out.responses.push(reply(BrokerMsg::Err(e))),
                Ok(()) => self.spawn_proxy_command(cmd, corr, ent),
            };
        }
        match self.prepare(&raw, &cmd) {
            Err(e) => out.responses.push(reply(BrokerMsg::Err(e))),
            Ok(q) => {
                let (resp, ev) = self.process(self.version, cmd, &corr, q).await;
                out.responses.push(reply(resp));
                out.events.extend(ev);
            }
        }
    }

    /// Proxy commands wait on other relays: they run in their own task (at most
    /// `proxy_client_concurrency` at once per connection) and reply when done.
    pub(crate) fn spawn_proxy_command(&self, cmd: Command, corr: CorrId, ent: EntityId) {
        let env = self.env.clone();
        let client = self.client.clone();
        let permits = self.proxy_permits.clone();
        tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            let msg = match cmd {
                Command::Prxy(srv, auth) => env.proxy.session(&env, &srv, auth).await,
                Command::Pfwd(v, key, enc) => {
                    env.proxy.forward(&env, &ent, &corr, v, key, enc).await
                }
                _ => BrokerMsg::Err(ErrorType::Internal),
            };
            client.push(vec![Out {
                corr_id: corr,
                entity: ent,
                msg,
            }]);
        });
    }

    /// Credential checks and verification; returns the addressed queue, if any.
    pub(crate) fn prepare(&self, raw: &RawTransmission, cmd: &Command) -> R<Option<QueueRec>> {
        cmd.check_credentials(raw.auth.is_some(), &raw.entity_id)?;
        if raw.service_sig.is_some() {
            return Err(ErrorType::Service);
        }
        self.verify_cmd(
            cmd,
            raw.auth.as_ref(),
            &raw.authorized,
            &raw.corr_id,
            &raw.entity_id,
        )
    }

    pub(crate) fn verify_cmd(
        &self,
        cmd: &Command,
        auth: Option<&TAuth>,
        authorized: &[u8],
        corr: &CorrId,
        ent: &EntityId,
    ) -> R<Option<QueueRec>> {
        let store = &self.env.store;
        let sk = &self.session_key;
        let check = |ok: bool, q: QueueRec| {
            if ok {
                Ok(Some(q))
            } else {
                Err(ErrorType::Auth)
            }
        };
        let with = |k: &PublicAuthKey| verify(auth, authorized, corr, k, sk);
        let dummy = || {
            dummy_verify(auth, authorized, corr, sk);
            Err(ErrorType::Auth)
        };
        let lookup =
            |f: fn(&dyn smp_store::Store, &QueueId) -> Result<Option<QueueRec>, StoreError>| {
                match qid(ent) {
                    None => Ok(None),
                    Some(id) => f(store.as_ref(), &id).map_err(store_err),
                }
            };
        let by_rcv = |s: &dyn smp_store::Store, id: &QueueId| s.queue_by_recipient(id);
        let by_snd = |s: &dyn smp_store::Store, id: &QueueId| s.queue_by_sender(id);
        let by_link = |s: &dyn smp_store::Store, id: &QueueId| s.queue_by_link(id);
        let by_ntf = |s: &dyn smp_store::Store, id: &QueueId| s.queue_by_notifier(id);
        let allowed = |k: &PublicAuthKey, q: &QueueRec| {
            q.queue_mode == Some(smp_store::QueueMode::Messaging)
                && q.sender_key.as_ref().is_none_or(|s| *s == k.to_spki())
        };
        match cmd {
            Command::New(req) => {
                if with(&req.rcv_auth_key) {
                    Ok(None)
                } else {
                    Err(ErrorType::Auth)
                }
            }
            Command::Ping | Command::Prxy(..) | Command::Pfwd(..) | Command::Rfwd(_) => Ok(None),
            Command::Subs | Command::NSubs => Err(ErrorType::Service),
            Command::SKey(k) | Command::LKey(k) => {
                let q = if matches!(cmd, Command::SKey(_)) {
                    lookup(by_snd)?
                } else {
                    lookup(by_link)?
                };
                match q {
                    Some(q) if allowed(k, &q) => check(with(k), q),
                    _ => dummy(),
                }
            }
            Command::Send(..) => match lookup(by_snd)? {
                None => dummy(),
                Some(q) => match q.sender_key.as_deref().map(|k| self.env.keys.get(k)) {
                    None => check(auth.is_none(), q),
                    Some(Some(k)) => check(with(&k), q),
                    Some(None) => dummy(),
                },
            },
            Command::LGet => match lookup(by_link)? {
                Some(q) if is_contact(&q) => Ok(Some(q)),
                _ => Err(ErrorType::Auth),
            },
            Command::NSub => match lookup(by_ntf)? {
                Some(q) => match q.notifier.as_ref().and_then(|n| parse_key(&n.notifier_key)) {
                    Some(k) => check(with(&k), q),
                    None => dummy(),
                },
                None => dummy(),
            },
            _ => match lookup(by_rcv)? {
                None => dummy(),
                Some(q) => {
                    // Every key is tried (no short circuit), so the time does not tell
                    // which key matched.
                    // Keys of the per-message command (`ACK`) come from the key cache.
                    let per_msg = matches!(cmd, Command::Ack(_));
                    let mut ok = false;
                    for k in &q.recipient_keys {
                        let key = if per_msg {
                            self.env.keys.get(k)
                        } else {
                            parse_key(k)
                        };
                        if let Some(key) = key {
                            ok |= with(&key);
                        }
                    }
                    check(ok, q)
                }
            },
        }
    }

    /// Executes a verified command; returns the reply and optional events.
    pub(crate) async fn process(
        &self,
        v: Version,
        cmd: Command,
        corr: &CorrId,
        q: Option<QueueRec>,
    ) -> (BrokerMsg, Vec<Out>) {
        let r = match (cmd, q) {
            (Command::Ping, _) => Ok((BrokerMsg::Pong, vec![])),
            (Command::New(req), _) => self.create_queue(*req, corr).await.map(|m| (m, vec![])),
            (Command::Rfwd(enc), _) => Ok(Box::pin(self.forwarded(corr, enc)).await),
            (cmd, Some(q)) => self.queue_command(v, cmd, q).await,
            (_, None) => Err(ErrorType::Internal),
        };
        match r {
            Ok((m, ev)) => (m, ev),
            Err(e) => (BrokerMsg::Err(e), vec![]),
        }
    }

    pub(crate) async fn queue_command(
        &self,
        v: Version,
        cmd: Command,
        q: QueueRec,
    ) -> R<(BrokerMsg, Vec<Out>)> {
        if let QueueStatus::Blocked(info) = &q.status
            && !matches!(
                cmd,
                Command::Send(..) | Command::Del | Command::Off | Command::NSub
            )
        {
            return Err(ErrorType::Blocked(blocked_info(info)));
        }
        self.touch(&q);
        let ok = |_| (BrokerMsg::Ok, vec![]);
        let rid = q.recipient_id;
        let store = &self.env.store;
        match cmd {
            Command::Sub => self.subscribe(&q),
            Command::Get => self.get(&q).map(|m| (m, vec![])),
            Command::Ack(id) => self.ack(&q, &id).await.map(|m| (m, vec![])),
            Command::Send(flags, body) => self.send(v, &q, flags, body).await.map(ok),
            Command::Key(k) => self.secure(&q, &k).await.map(ok),
            Command::SKey(k) => self.secure(&q, &k).await.map(ok),
            Command::LKey(k) => {
                self.secure(&q, &k).await?;
                let l = q.link.as_ref().ok_or(ErrorType::Auth)?;
                Ok((
                    BrokerMsg::Lnk(EntityId::from(q.sender_id), link_data(l)),
                    vec![],
                ))
            }
            Command::LGet => {
                let l = q.link.as_ref().ok_or(ErrorType::Auth)?;
                Ok((
                    BrokerMsg::Lnk(EntityId::from(q.sender_id), link_data(l)),
                    vec![],
                ))
            }
            Command::RKey(keys) => {
                if q.queue_mode != Some(smp_store::QueueMode::Contact) {
                    return Err(ErrorType::Auth);
                }
                let keys = keys.iter().map(PublicAuthKey::to_spki).collect();
                self.apply(store.update_keys(&rid, keys)).map(ok)
            }
            Command::LSet(lid, d) => {
                let lid = qid(&lid).ok_or(ErrorType::Auth)?;
                if is_secured_msg_queue(&q) || q.link.as_ref().is_some_and(|l| l.link_id != lid) {
                    return Err(ErrorType::Auth);
                }
                let link = LinkData {
                    link_id: lid,
                    enc_fixed: d.fixed,
                    enc_user: d.user,
                };
                self.apply(store.set_link(&rid, link)).map(ok)
            }
            Command::LDel => self.apply(store.delete_link(&rid)).map(ok),
            Command::NKey(k, dh) => self.add_notifier(&q, &k, &dh).await.map(|m| (m, vec![])),
            Command::NDel => {
                if let Some(n) = self.apply(store.delete_notifier(&rid))? {
                    self.env.ntf_store.take(&n.notifier_id);
                    self.end_ntf_sub(&n.notifier_id);
                }
                Ok((BrokerMsg::Ok, vec![]))
            }
            Command::NSub => {
                let n = q.notifier.as_ref().ok_or(ErrorType::Internal)?;
                Ok((BrokerMsg::Sok(None), self.subscribe_ntf(&n.notifier_id)))
            }
            Command::Off => self.apply(store.suspend_queue(&rid)).map(ok),
            Command::Del => self.delete(&q).await.map(ok),
            Command::Que => Ok((BrokerMsg::Info(self.info(&q)), vec![])),
            _ => Err(ErrorType::PROHIBITED),
        }
    }

    /// Records use of the queue once a day (not waited for: a lost update is harmless).
    pub(crate) fn touch(&self, q: &QueueRec) {
        let now = self.env.now();
        if smp_store::round_to_day(now) != q.updated_at {
            let _ = self.env.store.update_time(&q.recipient_id, now);
        }
    }

    pub(crate) async fn secure(&self, q: &QueueRec, k: &PublicAuthKey) -> R<()> {
        let spki = k.to_spki();
        if q.sender_key.as_ref() == Some(&spki) {
            return Ok(());
        }
        self.apply(self.env.store.secure_queue(&q.recipient_id, &spki))?;
        self.env.stats.queues_secured.inc();
        Ok(())
    }

    pub(crate) async fn delete(&self, q: &QueueRec) -> R<()> {
        let rid = q.recipient_id;
        self.apply(self.env.store.delete_queue(&rid))?;
        self.env.stats.queues_deleted.inc();
        self.client.subs().remove(&rid);
        if let Some(c) = self.env.subscribers.remove(&rid)
            && c.id != self.client.id
        {
            c.subs().remove(&rid);
            c.push(vec![Out::event(&rid, BrokerMsg::Deld)]);
        }
        if let Some(n) = &q.notifier {
            self.env.ntf_store.take(&n.notifier_id);
            self.end_ntf_sub(&n.notifier_id);
        }
        Ok(())
    }

    pub(crate) fn info(&self, q: &QueueRec) -> Vec<u8> {
        let rid = q.recipient_id;
        let sub = self.client.subs().get(&rid).cloned();
        let size = self.env.store.queue_size(&rid).unwrap_or(0);
        let first = self.env.store.peek(&rid).ok().flatten();
        crate::info::queue_info(
            q.sender_key.is_some(),
            q.notifier.is_some(),
            sub.as_ref(),
            size,
            first.as_ref(),
        )
    }

    /// Releases this connection's subscriptions (called when it closes).
    pub fn release(&self) {
        let subs: Vec<QueueId> = self.client.subs().keys().copied().collect();
        for rid in subs {
            self.env.subscribers.remove_if(&rid, self.client.id);
        }
        let ntfs: Vec<QueueId> = self.client.ntf_subs().iter().copied().collect();
        for nid in ntfs {
            self.env.ntf_subscribers.remove_if(&nid, self.client.id);
        }
    }
}
