//! Notifier credentials and `NMSG` delivery to notifier subscribers.

use crate::handler::*;
use crate::ids::{random_id, x25519};
use crate::subs::{Out, QueueId};
use simplex_crypto::keys::{PublicAuthKey, X25519Public};
use smp_proto::error::ErrorType;
use smp_proto::message::seal_ntf_meta;
use smp_proto::{BrokerMsg, EntityId};
use smp_store::{DhSecret, Msg, NotifierCreds, QueueRec};

impl ConnCtx {
    pub(crate) fn notify(&self, n: &NotifierCreds, m: &Msg) {
        let mut nonce = [0u8; 24];
        rand::fill(&mut nonce);
        let secret = simplex_crypto::keys::DhSecret::from_bytes(*n.rcv_ntf_dh_secret.as_bytes());
        let Ok(enc_meta) = seal_ntf_meta(&secret, &nonce, m.id(), m.ts()) else {
            return;
        };
        self.env.stats.ntf_created.inc();
        let nid = n.notifier_id;
        match self.env.ntf_subscribers.get(&nid) {
            Some(c) => {
                self.env.stats.ntf_delivered.inc();
                c.push_after(
                    vec![Out::event(&nid, BrokerMsg::Nmsg(nonce, enc_meta))],
                    self.pending_handle(),
                );
            }
            None => self.env.ntf_store.store(
                &nid,
                crate::ntf::MsgNtf {
                    ts: self.env.now(),
                    nonce,
                    enc_meta,
                },
            ),
        }
    }

    pub(crate) fn subscribe_ntf(&self, nid: &QueueId) -> Vec<Out> {
        self.client.ntf_subs().insert(*nid);
        if let Some(prev) = self.env.ntf_subscribers.subscribe(nid, &self.client) {
            prev.ntf_subs().remove(nid);
            prev.push(vec![Out::event(nid, BrokerMsg::End)]);
        }
        self.env
            .ntf_store
            .take(nid)
            .into_iter()
            .map(|n| Out::event(nid, BrokerMsg::Nmsg(n.nonce, n.enc_meta)))
            .collect()
    }

    pub(crate) fn end_ntf_sub(&self, nid: &QueueId) {
        if let Some(c) = self.env.ntf_subscribers.remove(nid) {
            c.ntf_subs().remove(nid);
            if c.id != self.client.id {
                c.push(vec![Out::event(nid, BrokerMsg::End)]);
            }
        }
    }

    pub(crate) async fn add_notifier(
        &self,
        q: &QueueRec,
        k: &PublicAuthKey,
        dh: &X25519Public,
    ) -> R<BrokerMsg> {
        let s = x25519();
        let secret = DhSecret::new(*s.dh(dh).as_bytes());
        for _ in 0..3 {
            let creds = NotifierCreds {
                notifier_id: random_id(),
                notifier_key: k.to_spki(),
                rcv_ntf_dh_secret: secret.clone(),
            };
            let nid = creds.notifier_id;
            match self.apply(self.env.store.add_notifier(&q.recipient_id, creds)) {
                Err(ErrorType::Duplicate) => continue,
                Err(e) => return Err(e),
                Ok(old) => {
                    if let Some(o) = old {
                        self.env.ntf_store.take(&o.notifier_id);
                        self.end_ntf_sub(&o.notifier_id);
                    }
                    return Ok(BrokerMsg::Nid(EntityId::from(nid), s.public()));
                }
            }
        }
        Err(ErrorType::Internal)
    }
}
