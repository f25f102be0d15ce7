//! Subscriptions, `GET`/`ACK`, `SEND` and delivery of messages to subscribers.

use crate::handler::*;
use crate::ids::random_id;
use crate::subs::{Out, QueueId, Sub, SubKind};
use simplex_encoding::Version;
use smp_proto::command::MsgFlags;
use smp_proto::error::ErrorType;
use smp_proto::message::RcvMsgBody;
use smp_proto::versions::max_message_length;
use smp_proto::{BrokerMsg, CorrId, EntityId, MsgId};
use smp_store::{Message, Msg, QueueRec, QueueStatus, Write};

impl ConnCtx {
    /// Registers a server subscription of `rid` for this connection, ending another
    /// connection's subscription.
    pub(crate) fn add_sub(&self, rid: &QueueId, kind: SubKind) {
        self.client.subs().insert(
            *rid,
            Sub {
                kind,
                delivered: None,
            },
        );
        if kind == SubKind::Server
            && let Some(prev) = self.env.subscribers.subscribe(rid, &self.client)
        {
            prev.subs().remove(rid);
            self.env.stats.subs_end.inc();
            prev.push(vec![Out::event(rid, BrokerMsg::End)]);
        }
    }

    pub(crate) fn subscribe(&self, q: &QueueRec) -> R<(BrokerMsg, Vec<Out>)> {
        let rid = q.recipient_id;
        let existing = self.client.subs().get(&rid).map(|s| s.kind);
        match existing {
            Some(SubKind::Prohibit) => {
                self.env.stats.subs_prohibited.inc();
                return Err(ErrorType::PROHIBITED);
            }
            Some(SubKind::Server) => {
                self.env.stats.subs_duplicate.inc();
                if let Some(s) = self.client.subs().get_mut(&rid) {
                    s.delivered = None;
                }
            }
            None => {
                self.env.stats.subs.inc();
                self.add_sub(&rid, SubKind::Server);
            }
        }
        let mut events = vec![];
        if let Some(m) = self.env.store.peek(&rid).map_err(store_err)? {
            events.push(Out {
                corr_id: CorrId::empty(),
                entity: EntityId::from(rid),
                msg: self.deliver(q, &m)?,
            });
        }
        Ok((BrokerMsg::Sok(None), events))
    }

    /// Encrypts `m` for the recipient and marks it delivered on this connection.
    pub(crate) fn deliver(&self, q: &QueueRec, m: &Msg) -> R<BrokerMsg> {
        if let Some(s) = self.client.subs().get_mut(&q.recipient_id) {
            s.delivered = Some(*m.id());
        }
        encrypt_msg(q, m)
    }

    pub(crate) fn get(&self, q: &QueueRec) -> R<BrokerMsg> {
        let rid = q.recipient_id;
        let existing = self.client.subs().get(&rid).map(|s| s.kind);
        match existing {
            Some(SubKind::Server) => return Err(ErrorType::PROHIBITED),
            Some(SubKind::Prohibit) => {}
            None => {
                self.client.subs().insert(
                    rid,
                    Sub {
                        kind: SubKind::Prohibit,
                        delivered: None,
                    },
                );
            }
        }
        match self.env.store.peek(&rid).map_err(store_err)? {
            Some(m) => self.deliver(q, &m),
            None => Ok(BrokerMsg::Ok),
        }
    }

    pub(crate) async fn ack(&self, q: &QueueRec, id: &MsgId) -> R<BrokerMsg> {
        let rid = q.recipient_id;
        let kind = {
            let mut subs = self.client.subs();
            let s = subs.get_mut(&rid).ok_or(ErrorType::NoMsg)?;
            match s.delivered {
                Some(d) if id.is_empty() || d.as_slice() == id.as_bytes() => {
                    s.delivered = None;
                    s.kind
                }
                _ => return Err(ErrorType::NoMsg),
            }
        };
        let msg_id: [u8; 24] = id.to_array().unwrap_or([0; 24]);
        let store = &self.env.store;
        if kind == SubKind::Prohibit {
            let del = self.apply(store.del_msg(&rid, &msg_id))?;
            self.count_recv(del.as_ref());
            return Ok(BrokerMsg::Ok);
        }
        let (del, next) = self.apply(store.del_peek(&rid, &msg_id))?;
        self.count_recv(del.as_ref());
        match next {
            Some(m) => self.deliver(q, &m),
            None => Ok(BrokerMsg::Ok),
        }
    }

    pub(crate) fn count_recv(&self, m: Option<&Msg>) {
        if let Some(Msg::Message(_)) = m {
            self.env.stats.msg_recv.inc();
        }
    }

    pub(crate) async fn send(
        &self,
        v: Version,
        q: &QueueRec,
        flags: MsgFlags,
        body: Vec<u8>,
    ) -> R<()> {
        let stats = &self.env.stats;
        if body.len() > max_message_length(v) {
            stats.msg_sent_large.inc();
            return Err(ErrorType::LargeMsg);
        }
        match &q.status {
            QueueStatus::Off => {
                stats.msg_sent_auth.inc();
                return Err(ErrorType::Auth);
            }
            QueueStatus::Blocked(info) => {
                stats.msg_sent_block.inc();
                return Err(ErrorType::Blocked(blocked_info(info)));
            }
            QueueStatus::Active => {}
        }
        let rid = q.recipient_id;
        if q.link.is_some() && is_secured_msg_queue(q) {
            let _ = self.env.store.delete_link(&rid);
        }
        let msg = Message {
            id: random_id(),
            ts: self.env.now(),
            ntf_flag: flags.notification,
            body,
        };
        let quota = self.env.config.msg_queue_quota;
        let stored = Msg::Message(msg.clone());
        match self.apply(self.env.store.write_msg(&rid, msg, quota))? {
            Write::QuotaExceeded => {
                stats.msg_sent_quota.inc();
                Err(ErrorType::Quota)
            }
            Write::Stored { was_empty } => {
                stats.msg_sent.inc();
                if was_empty {
                    self.try_deliver(q, &stored, self.pending_handle());
                }
                if flags.notification
                    && let Some(n) = &q.notifier
                {
                    self.notify(n, &stored);
                }
                Ok(())
            }
        }
    }

    /// Pushes a newly stored message to the queue's subscriber when nothing is pending.
    pub(crate) fn try_deliver(&self, q: &QueueRec, m: &Msg, after: Option<smp_store::Commit>) {
        let rid = q.recipient_id;
        let Some(sub) = self.env.subscribers.get(&rid) else {
            return;
        };
        let ready = {
            let mut subs = sub.subs();
            match subs.get_mut(&rid) {
                Some(s) if s.kind == SubKind::Server && s.delivered.is_none() => {
                    s.delivered = Some(*m.id());
                    true
                }
                _ => false,
            }
        };
        if ready && let Ok(msg) = encrypt_msg(q, m) {
            sub.push_after(vec![Out::event(&rid, msg)], after);
        }
    }
}

/// `MSG` for a stored entry, encrypted to the recipient.
pub fn encrypt_msg(q: &QueueRec, m: &Msg) -> R<BrokerMsg> {
    let body = match m {
        Msg::Message(msg) => RcvMsgBody::Message {
            ts: msg.ts,
            flags: MsgFlags {
                notification: msg.ntf_flag,
            },
            body: msg.body.clone(),
        },
        Msg::Quota { ts, .. } => RcvMsgBody::Quota { ts: *ts },
    };
    let secret = simplex_crypto::keys::DhSecret::from_bytes(*q.rcv_dh_secret.as_bytes());
    let enc = body
        .seal(&secret, m.id())
        .map_err(|_| ErrorType::Internal)?;
    Ok(BrokerMsg::Msg(MsgId::from(*m.id()), enc))
}
