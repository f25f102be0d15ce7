//! Short links, notifications, expiry, private routing and persistence.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use simplex_crypto::hash::sha3_384;
use simplex_crypto::keys::X25519Secret;
use smp_client::ClientError;
use smp_proto::command::{Command, MsgFlags, NewQueueReq, QueueLinkData, QueueReqData, SubMode};
use smp_proto::error::{CommandError, ErrorType};
use smp_proto::{BrokerMsg, CorrId, EntityId};
use smp_server::clock::ManualClock;
use std::sync::Arc;

fn proto(e: ClientError) -> ErrorType {
    match e {
        ClientError::Protocol(e) => e,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

fn link(tag: u8) -> QueueLinkData {
    QueueLinkData {
        fixed: vec![tag; 100],
        user: vec![tag + 1; 300],
    }
}

/// `NEW` with link data: the sender id must be the first 24 bytes of SHA3-384(corrId).
async fn new_with_link(
    c: &smp_client::SmpClient,
    data: impl FnOnce(EntityId) -> QueueReqData,
) -> (RcvQueue, CorrId) {
    let corr = CorrId::new(&[5; 24]).unwrap();
    let sid = EntityId::new(&sha3_384(corr.as_bytes())[..24]).unwrap();
    let key = ed25519();
    let dh = X25519Secret::generate(&mut rand::rng());
    let req = NewQueueReq {
        rcv_auth_key: key.public(),
        rcv_dh_key: dh.public(),
        auth: None,
        sub_mode: SubMode::OnlyCreate,
        queue_req_data: Some(data(sid)),
        ntf_creds: None,
    };
    let r = c
        .send_command(
            Some(corr.clone()),
            &EntityId::empty(),
            Some(&key),
            Command::New(Box::new(req)),
        )
        .await
        .unwrap();
    let BrokerMsg::Ids(ids) = r else {
        panic!("{r:?}")
    };
    (RcvQueue { key, dh, ids: *ids }, corr)
}

#[tokio::test]
async fn contact_link_data() {
    let relay = start().await;
    let (rc, _) = relay.connect().await;
    let (sc, _) = relay.connect().await;
    let lid = EntityId::from([8; 24]);
    let l2 = lid.clone();
    let (q, _) = new_with_link(&rc, |sid| QueueReqData::Contact(Some((l2, sid, link(1))))).await;
    assert_eq!(q.ids.link_id.as_ref(), Some(&lid));
    let (sid, data) = sc.link_get(&lid).await.unwrap();
    assert_eq!((sid, data), (q.ids.snd_id.clone(), link(1)));
    // The user part can be replaced; the fixed part must stay the same.
    let mut updated = link(1);
    updated.user = vec![9; 10];
    rc.set_link(&q.ids.rcv_id, &q.key, &lid, updated.clone())
        .await
        .unwrap();
    assert_eq!(sc.link_get(&lid).await.unwrap().1, updated);
    let e = rc
        .set_link(
            &q.ids.rcv_id,
            &q.key,
            &EntityId::from([1; 24]),
            updated.clone(),
        )
        .await
        .unwrap_err();
    assert_eq!(proto(e), ErrorType::Auth);
    rc.delete_link(&q.ids.rcv_id, &q.key).await.unwrap();
    assert_eq!(proto(sc.link_get(&lid).await.unwrap_err()), ErrorType::Auth);
    // LKEY is for messaging queues only.
    assert_eq!(
        proto(sc.link_key(&lid, &ed25519()).await.unwrap_err()),
        ErrorType::Auth
    );
}

#[tokio::test]
async fn invitation_link_secured_by_lkey() {
    let relay = start().await;
    let (rc, _) = relay.connect().await;
    let (sc, _) = relay.connect().await;
    let (q, _) = new_with_link(&rc, |sid| QueueReqData::Messaging(Some((sid, link(3))))).await;
    let lid = q.ids.link_id.clone().unwrap();
    let sk = ed25519();
    let (sid, data) = sc.link_key(&lid, &sk).await.unwrap();
    assert_eq!((sid, data), (q.ids.snd_id.clone(), link(3)));
    // Repeating with the same key works (retries); another key does not.
    sc.link_key(&lid, &sk).await.unwrap();
    assert_eq!(
        proto(sc.link_key(&lid, &ed25519()).await.unwrap_err()),
        ErrorType::Auth
    );
    // LGET is for contact queues only.
    assert_eq!(proto(sc.link_get(&lid).await.unwrap_err()), ErrorType::Auth);
    // The first message to a secured queue removes its link data.
    sc.send(&q.ids.snd_id, Some(&sk), MsgFlags::default(), b"hi")
        .await
        .unwrap();
    assert_eq!(
        proto(sc.link_key(&lid, &sk).await.unwrap_err()),
        ErrorType::Auth
    );
}

#[tokio::test]
async fn sender_id_must_match_corr_id_hash() {
    let relay = start().await;
    let (rc, _) = relay.connect().await;
    let key = ed25519();
    let dh = X25519Secret::generate(&mut rand::rng());
    let req = NewQueueReq {
        rcv_auth_key: key.public(),
        rcv_dh_key: dh.public(),
        auth: None,
        sub_mode: SubMode::OnlyCreate,
        queue_req_data: Some(QueueReqData::Messaging(Some((
            EntityId::from([1; 24]),
            link(0),
        )))),
        ntf_creds: None,
    };
    let e = rc
        .send_command(
            None,
            &EntityId::empty(),
            Some(&key),
            Command::New(Box::new(req)),
        )
        .await
        .unwrap_err();
    assert_eq!(proto(e), ErrorType::Cmd(CommandError::Prohibited));
}

#[tokio::test]
async fn notifications_reach_the_notifier() {
    let relay = start().await;
    let (rc, _) = relay.connect().await;
    let (sc, _) = relay.connect().await;
    let (nc, mut nev) = relay.connect().await;
    let q = new_queue(&rc, SubMode::OnlyCreate).await;
    let nkey = ed25519();
    let ndh = X25519Secret::generate(&mut rand::rng());
    let (nid, srv_ndh) = rc
        .enable_notifications(&q.ids.rcv_id, &q.key, &nkey.public(), &ndh.public())
        .await
        .unwrap();
    // Stored while nobody is subscribed, delivered on NSUB.
    sc.send(&q.ids.snd_id, None, MsgFlags { notification: true }, b"n1")
        .await
        .unwrap();
    sc.send(&q.ids.snd_id, None, MsgFlags::default(), b"silent")
        .await
        .unwrap();
    nc.notifier_subscribe(&nid, &nkey).await.unwrap();
    let (ent, BrokerMsg::Nmsg(nonce, meta)) = next_event(&mut nev).await else {
        panic!()
    };
    assert_eq!(ent, nid);
    let secret = ndh.dh(&srv_ndh);
    let plain = simplex_crypto::cbox::cb_decrypt(&secret, &nonce, &meta).unwrap();
    let (id, _) = rc
        .get_message(&q.ids.rcv_id, &q.key)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&plain[1..25], id.as_bytes());
    no_event(&mut nev).await;
    // Pushed at once while subscribed.
    sc.send(&q.ids.snd_id, None, MsgFlags { notification: true }, b"n2")
        .await
        .unwrap();
    assert!(matches!(next_event(&mut nev).await.1, BrokerMsg::Nmsg(..)));
    rc.disable_notifications(&q.ids.rcv_id, &q.key)
        .await
        .unwrap();
    assert_eq!(
        proto(nc.notifier_subscribe(&nid, &nkey).await.unwrap_err()),
        ErrorType::Auth
    );
}

#[tokio::test]
async fn messages_expire_with_the_clock() {
    let clock = ManualClock::new(1_700_000_000);
    let mut cfg = test_config();
    cfg.clock = clock.clone();
    let relay = start_with(cfg, Arc::new(smp_store::MemoryStore::new())).await;
    let (rc, _) = relay.connect().await;
    let q = new_queue(&rc, SubMode::OnlyCreate).await;
    rc.send(&q.ids.snd_id, None, MsgFlags::default(), b"old")
        .await
        .unwrap();
    clock.advance(20 * 86400);
    rc.send(&q.ids.snd_id, None, MsgFlags::default(), b"new")
        .await
        .unwrap();
    let env = relay.handle.env();
    assert_eq!(smp_server::tasks::expire_once(env), 0);
    clock.advance(2 * 86400);
    assert_eq!(smp_server::tasks::expire_once(env), 1);
    let (id, body) = rc
        .get_message(&q.ids.rcv_id, &q.key)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(text(&q, &id, &body), b"new");
    assert_eq!(env.stats.msg_expired.get(), 1);
}

#[tokio::test]
async fn private_routing_through_a_proxy() {
    let dest = start().await;
    let mut pcfg = test_config();
    let dest_addr = dest.addr;
    pcfg.proxy_connect_override = Some(smp_server::config::ConnectOverride(Arc::new(move |_| {
        Some(dest_addr)
    })));
    let proxy = start_with(pcfg, Arc::new(smp_store::MemoryStore::new())).await;
    let (rc, mut rev) = dest.connect().await;
    let q = new_queue(&rc, SubMode::Subscribe).await;
    let (pc, _) = proxy.connect().await;
    let relay = pc.connect_proxied_relay(&dest.server, None).await.unwrap();
    assert_eq!(relay.version(), 17);
    let sk = ed25519();
    relay
        .proxied_sender_secure(&q.ids.snd_id, &sk)
        .await
        .unwrap();
    relay
        .proxied_send(&q.ids.snd_id, Some(&sk), MsgFlags::default(), b"via proxy")
        .await
        .unwrap();
    let (_, BrokerMsg::Msg(id, body)) = next_event(&mut rev).await else {
        panic!()
    };
    assert_eq!(text(&q, &id, &body), b"via proxy");
    // Errors of the destination come back as they are.
    let e = relay
        .proxied_send(&q.ids.snd_id, None, MsgFlags::default(), b"unauthorized")
        .await
        .unwrap_err();
    assert_eq!(proto(e), ErrorType::Auth);
    assert_eq!(proxy.handle.env().stats.proxy_forwarded.get(), 3);
    assert_eq!(dest.handle.env().stats.relay_forwarded.get(), 3);
}

/// `[PROXY] required_host_mode` (reference `chooseTransportHost` failing with
/// `PCEIncompatibleHost`): a proxy that must use `.onion` hosts refuses a destination
/// with public hosts only, with `PROXY (BROKER HOST)`, without dialling it; one that
/// uses public hosts serves it.
#[tokio::test]
async fn proxy_with_required_host_mode_refuses_other_hosts() {
    use smp_proto::error::{BrokerErrorType, ProxyError};
    let dest = start().await;
    let dest_addr = dest.addr;
    let proxy_with = |mode| {
        let mut cfg = test_config();
        cfg.proxy_host_mode = mode;
        cfg.proxy_required_host_mode = true;
        cfg.proxy_connect_override =
            Some(smp_server::config::ConnectOverride(Arc::new(move |_| {
                Some(dest_addr)
            })));
        start_with(cfg, Arc::new(smp_store::MemoryStore::new()))
    };
    let onion = proxy_with(smp_server::ProxyHostMode::Onion).await;
    let (pc, _) = onion.connect().await;
    let accepted = dest.handle.env().stats.sockets_accepted.get();
    let e = pc
        .connect_proxied_relay(&dest.server, None)
        .await
        .unwrap_err();
    let host = ErrorType::Proxy(Box::new(ProxyError::Broker(BrokerErrorType::Host)));
    assert!(
        matches!(&e, ClientError::Proxy(p) | ClientError::Protocol(p) if *p == host),
        "{e:?}"
    );
    assert_eq!(dest.handle.env().stats.sockets_accepted.get(), accepted);
    assert_eq!(onion.handle.env().stats.proxy_session_errors.get(), 1);

    let public = proxy_with(smp_server::ProxyHostMode::Public).await;
    let (pc, _) = public.connect().await;
    pc.connect_proxied_relay(&dest.server, None).await.unwrap();
    assert_eq!(dest.handle.env().stats.sockets_accepted.get(), accepted + 1);
}

#[tokio::test]
async fn proxy_password_and_unknown_session() {
    let dest = start().await;
    let mut pcfg = test_config();
    pcfg.create_password = Some(smp_proto::address::BasicAuth::new("pw").unwrap());
    let dest_addr = dest.addr;
    pcfg.proxy_connect_override = Some(smp_server::config::ConnectOverride(Arc::new(move |_| {
        Some(dest_addr)
    })));
    let proxy = start_with(pcfg, Arc::new(smp_store::MemoryStore::new())).await;
    let (pc, _) = proxy.connect().await;
    let e = pc
        .connect_proxied_relay(&dest.server, None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ClientError::Protocol(ErrorType::Proxy(_)) | ClientError::Proxy(_)
        ),
        "{e:?}"
    );
    let pw = smp_proto::address::BasicAuth::new("pw").ok();
    pc.connect_proxied_relay(&dest.server, pw).await.unwrap();
    let key = X25519Secret::generate(&mut rand::rng()).public();
    let r = pc
        .send_command(
            None,
            &EntityId::from([1; 24]),
            None,
            Command::Pfwd(17, key, vec![0; 100]),
        )
        .await;
    assert!(format!("{r:?}").contains("NoSession"), "{r:?}");
}

#[tokio::test]
async fn blocked_queue_answers_blocked() {
    use smp_proto::error::{BlockingInfo, BlockingReason};
    let relay = start().await;
    let (rc, _) = relay.connect().await;
    let q = new_queue(&rc, SubMode::OnlyCreate).await;
    let rid: [u8; 24] = q.ids.rcv_id.to_array().unwrap();
    relay
        .handle
        .env()
        .store
        .block_queue(&rid, "reason=content,notice={\"ttl\":60}".into())
        .unwrap()
        .wait()
        .await
        .unwrap();
    let blocked = ErrorType::Blocked(BlockingInfo {
        reason: BlockingReason::Content,
        notice: Some("{\"ttl\":60}".into()),
    });
    let e = rc
        .send(&q.ids.snd_id, None, MsgFlags::default(), b"x")
        .await
        .unwrap_err();
    assert_eq!(proto(e), blocked);
    assert_eq!(
        proto(rc.subscribe(&q.ids.rcv_id, &q.key).await.unwrap_err()),
        blocked
    );
    // Deleting a blocked queue is allowed.
    rc.delete(&q.ids.rcv_id, &q.key).await.unwrap();
}
