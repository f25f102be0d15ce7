//! `NEW`: creating a queue with its ids, keys, link data and notifier credentials.

use crate::handler::*;
use crate::ids::{random_id, x25519};
use crate::subs::SubKind;
use simplex_crypto::hash::sha3_384;
use smp_proto::command::{NewQueueReq, QueueMode, QueueReqData, SubMode};
use smp_proto::error::ErrorType;
use smp_proto::response::QueueIds;
use smp_proto::{BrokerMsg, CorrId, EntityId};
use smp_store::{DhSecret, LinkData, NotifierCreds, QueueRec, QueueStatus};

impl ConnCtx {
    pub(crate) async fn create_queue(&self, req: NewQueueReq, corr: &CorrId) -> R<BrokerMsg> {
        let cfg = &self.env.config;
        let allowed = cfg.allow_new_queues
            && cfg
                .create_password
                .as_ref()
                .is_none_or(|p| req.auth.as_ref() == Some(p));
        if !allowed {
            return Err(ErrorType::Auth);
        }
        let server_dh = x25519();
        let rcv_dh_secret = DhSecret::new(*server_dh.dh(&req.rcv_dh_key).as_bytes());
        let ntf = req.ntf_creds.as_ref().map(|(k, dh)| {
            let s = x25519();
            (k.to_spki(), DhSecret::new(*s.dh(dh).as_bytes()), s.public())
        });
        let expected_sid: [u8; 24] = {
            let h = sha3_384(corr.as_bytes());
            let mut a = [0u8; 24];
            a.copy_from_slice(&h[..24]);
            a
        };
        for _ in 0..3 {
            let (sid, client_ids, link) = match &req.queue_req_data {
                Some(QueueReqData::Messaging(Some((sid, d)))) => {
                    (sid.to_array(), true, Some((random_id(), d)))
                }
                Some(QueueReqData::Contact(Some((lid, sid, d)))) => (
                    sid.to_array(),
                    true,
                    Some((lid.to_array().ok_or(ErrorType::SYNTAX)?, d)),
                ),
                _ => (Some(random_id()), false, None),
            };
            let sid = sid.ok_or(ErrorType::PROHIBITED)?;
            if client_ids && sid != expected_sid {
                return Err(ErrorType::PROHIBITED);
            }
            let rid = random_id();
            let notifier = ntf.as_ref().map(|(k, s, _)| NotifierCreds {
                notifier_id: random_id(),
                notifier_key: k.clone(),
                rcv_ntf_dh_secret: s.clone(),
            });
            let mode = req.queue_req_data.as_ref().map(|d| match d.mode() {
                QueueMode::Messaging => smp_store::QueueMode::Messaging,
                QueueMode::Contact => smp_store::QueueMode::Contact,
            });
            let rec = QueueRec {
                recipient_id: rid,
                recipient_keys: vec![req.rcv_auth_key.to_spki()],
                rcv_dh_secret: rcv_dh_secret.clone(),
                sender_id: sid,
                sender_key: None,
                queue_mode: mode,
                link: link.map(|(lid, d)| LinkData {
                    link_id: lid,
                    enc_fixed: d.fixed.clone(),
                    enc_user: d.user.clone(),
                }),
                notifier: notifier.clone(),
                status: QueueStatus::Active,
                updated_at: smp_store::round_to_day(self.env.now()),
            };
            let link_id = rec.link.as_ref().map(|l| EntityId::from(l.link_id));
            match self.apply(self.env.store.add_queue(rec)) {
                Err(ErrorType::Duplicate) if client_ids => return Err(ErrorType::Auth),
                Err(ErrorType::Duplicate) => continue,
                Err(e) => return Err(e),
                Ok(()) => {}
            }
            self.env.stats.queues_created.inc();
            if req.sub_mode == SubMode::Subscribe {
                self.add_sub(&rid, SubKind::Server);
            }
            return Ok(BrokerMsg::Ids(Box::new(QueueIds {
                rcv_id: EntityId::from(rid),
                snd_id: EntityId::from(sid),
                rcv_public_dh_key: server_dh.public(),
                queue_mode: req.queue_req_data.as_ref().map(QueueReqData::mode),
                link_id,
                service_id: None,
                ntf_creds: match (&notifier, &ntf) {
                    (Some(n), Some((_, _, pk))) => {
                        Some((EntityId::from(n.notifier_id), pk.clone()))
                    }
                    _ => None,
                },
            })));
        }
        Err(ErrorType::Internal)
    }
}
