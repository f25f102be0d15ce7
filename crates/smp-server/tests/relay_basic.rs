//! End-to-end behaviour of the relay through the real client over TLS on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use smp_client::ClientError;
use smp_proto::command::{MsgFlags, SubMode};
use smp_proto::error::{CommandError, ErrorType};
use smp_proto::message::RcvMsgBody;
use smp_proto::{BrokerMsg, MsgId};

fn proto(e: ClientError) -> ErrorType {
    match e {
        ClientError::Protocol(e) => e,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

#[tokio::test]
async fn send_subscribe_receive_ack() {
    let relay = start().await;
    let (rc, mut rev) = relay.connect().await;
    let (sc, _sev) = relay.connect().await;
    assert_eq!(rc.version(), 18);
    let q = new_queue(&rc, SubMode::Subscribe).await;
    sc.send(&q.ids.snd_id, None, MsgFlags::default(), b"hello")
        .await
        .unwrap();
    let (ent, msg) = next_event(&mut rev).await;
    assert_eq!(ent, q.ids.rcv_id);
    let BrokerMsg::Msg(id, body) = msg else {
        panic!("{msg:?}")
    };
    assert_eq!(text(&q, &id, &body), b"hello");
    assert!(rc.ack(&q.ids.rcv_id, &q.key, &id).await.unwrap().is_none());
    assert_eq!(
        proto(rc.ack(&q.ids.rcv_id, &q.key, &id).await.unwrap_err()),
        ErrorType::NoMsg
    );
}

#[tokio::test]
async fn one_message_in_flight_until_ack() {
    let relay = start().await;
    let (rc, mut rev) = relay.connect().await;
    let (sc, _) = relay.connect().await;
    let q = new_queue(&rc, SubMode::Subscribe).await;
    for m in [&b"1"[..], b"2", b"3"] {
        sc.send(&q.ids.snd_id, None, MsgFlags::default(), m)
            .await
            .unwrap();
    }
    let (_, BrokerMsg::Msg(id1, b1)) = next_event(&mut rev).await else {
        panic!()
    };
    assert_eq!(text(&q, &id1, &b1), b"1");
    no_event(&mut rev).await;
    let (id2, b2) = rc.ack(&q.ids.rcv_id, &q.key, &id1).await.unwrap().unwrap();
    assert_eq!(text(&q, &id2, &b2), b"2");
    let (id3, b3) = rc.ack(&q.ids.rcv_id, &q.key, &id2).await.unwrap().unwrap();
    assert_eq!(text(&q, &id3, &b3), b"3");
    assert!(rc.ack(&q.ids.rcv_id, &q.key, &id3).await.unwrap().is_none());
    // The queue is empty again: the next message is pushed.
    sc.send(&q.ids.snd_id, None, MsgFlags::default(), b"4")
        .await
        .unwrap();
    let (_, BrokerMsg::Msg(id4, b4)) = next_event(&mut rev).await else {
        panic!()
    };
    assert_eq!(text(&q, &id4, &b4), b"4");
}

#[tokio::test]
async fn securing_with_key_and_skey() {
    let relay = start().await;
    let (rc, _rev) = relay.connect().await;
    let (sc, _) = relay.connect().await;
    // Legacy: the recipient secures with KEY.
    let q = new_queue(&rc, SubMode::OnlyCreate).await;
    let sk = ed25519();
    rc.secure_queue(&q.ids.rcv_id, &q.key, &sk.public())
        .await
        .unwrap();
    let e = sc
        .send(&q.ids.snd_id, None, MsgFlags::default(), b"x")
        .await
        .unwrap_err();
    assert_eq!(proto(e), ErrorType::Auth);
    sc.send(&q.ids.snd_id, Some(&sk), MsgFlags::default(), b"x")
        .await
        .unwrap();
    // Another key is refused.
    let e = sc
        .send(&q.ids.snd_id, Some(&ed25519()), MsgFlags::default(), b"x")
        .await
        .unwrap_err();
    assert_eq!(proto(e), ErrorType::Auth);
    // Fast: the sender secures with SKEY; repeating with the same key succeeds.
    let q2 = new_queue(&rc, SubMode::OnlyCreate).await;
    let sk2 = ed25519();
    sc.sender_secure(&q2.ids.snd_id, &sk2).await.unwrap();
    sc.sender_secure(&q2.ids.snd_id, &sk2).await.unwrap();
    let e = sc
        .sender_secure(&q2.ids.snd_id, &ed25519())
        .await
        .unwrap_err();
    assert_eq!(proto(e), ErrorType::Auth);
    sc.send(&q2.ids.snd_id, Some(&sk2), MsgFlags::default(), b"y")
        .await
        .unwrap();
    let (id, body) = rc
        .get_message(&q2.ids.rcv_id, &q2.key)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(text(&q2, &id, &body), b"y");
}

#[tokio::test]
async fn subscriber_takeover_sends_end() {
    let relay = start().await;
    let (c1, mut e1) = relay.connect().await;
    let (c2, mut e2) = relay.connect().await;
    let (sc, _) = relay.connect().await;
    let q = new_queue(&c1, SubMode::Subscribe).await;
    c2.subscribe(&q.ids.rcv_id, &q.key).await.unwrap();
    let (ent, msg) = next_event(&mut e1).await;
    assert_eq!((ent, msg), (q.ids.rcv_id.clone(), BrokerMsg::End));
    sc.send(&q.ids.snd_id, None, MsgFlags::default(), b"to c2")
        .await
        .unwrap();
    let (_, BrokerMsg::Msg(id, body)) = next_event(&mut e2).await else {
        panic!()
    };
    assert_eq!(text(&q, &id, &body), b"to c2");
    no_event(&mut e1).await;
}

#[tokio::test]
async fn quota_marker_and_resume_after_drain() {
    let mut cfg = test_config();
    cfg.msg_queue_quota = 3;
    let relay = start_with(cfg, std::sync::Arc::new(smp_store::MemoryStore::new())).await;
    let (rc, _) = relay.connect().await;
    let (sc, _) = relay.connect().await;
    let q = new_queue(&rc, SubMode::OnlyCreate).await;
    for i in 0..3u8 {
        sc.send(&q.ids.snd_id, None, MsgFlags::default(), &[i])
            .await
            .unwrap();
    }
    for _ in 0..2 {
        let e = sc
            .send(&q.ids.snd_id, None, MsgFlags::default(), b"over")
            .await
            .unwrap_err();
        assert_eq!(proto(e), ErrorType::Quota);
    }
    let mut got = vec![];
    let mut next = rc.get_message(&q.ids.rcv_id, &q.key).await.unwrap();
    while let Some((id, body)) = next {
        got.push(open(&q, &id, &body));
        rc.ack(&q.ids.rcv_id, &q.key, &id).await.unwrap();
        next = rc.get_message(&q.ids.rcv_id, &q.key).await.unwrap();
    }
    assert_eq!(got.len(), 4);
    assert!(matches!(got[3], RcvMsgBody::Quota { .. }));
    sc.send(&q.ids.snd_id, None, MsgFlags::default(), b"again")
        .await
        .unwrap();
}

#[tokio::test]
async fn get_prohibits_sub_and_empty_get_is_ok() {
    let relay = start().await;
    let (rc, _) = relay.connect().await;
    let q = new_queue(&rc, SubMode::OnlyCreate).await;
    assert!(
        rc.get_message(&q.ids.rcv_id, &q.key)
            .await
            .unwrap()
            .is_none()
    );
    let e = rc.subscribe(&q.ids.rcv_id, &q.key).await.unwrap_err();
    assert_eq!(proto(e), ErrorType::Cmd(CommandError::Prohibited));
    // The reverse: after SUB, GET is prohibited.
    let q2 = new_queue(&rc, SubMode::Subscribe).await;
    let e = rc.get_message(&q2.ids.rcv_id, &q2.key).await.unwrap_err();
    assert_eq!(proto(e), ErrorType::Cmd(CommandError::Prohibited));
}

#[tokio::test]
async fn wrong_ack_and_unknown_queue() {
    let relay = start().await;
    let (rc, _) = relay.connect().await;
    let (sc, _) = relay.connect().await;
    let q = new_queue(&rc, SubMode::OnlyCreate).await;
    sc.send(&q.ids.snd_id, None, MsgFlags::default(), b"m")
        .await
        .unwrap();
    let (id, _) = rc
        .get_message(&q.ids.rcv_id, &q.key)
        .await
        .unwrap()
        .unwrap();
    let bogus = MsgId::from([9; 24]);
    assert_eq!(
        proto(rc.ack(&q.ids.rcv_id, &q.key, &bogus).await.unwrap_err()),
        ErrorType::NoMsg
    );
    rc.ack(&q.ids.rcv_id, &q.key, &id).await.unwrap();
    // Unknown queue and wrong key both give AUTH.
    let other = smp_proto::EntityId::from([7; 24]);
    assert_eq!(
        proto(rc.subscribe(&other, &q.key).await.unwrap_err()),
        ErrorType::Auth
    );
    assert_eq!(
        proto(rc.subscribe(&q.ids.rcv_id, &ed25519()).await.unwrap_err()),
        ErrorType::Auth
    );
    assert_eq!(
        proto(
            sc.send(&other, None, MsgFlags::default(), b"x")
                .await
                .unwrap_err()
        ),
        ErrorType::Auth
    );
}

#[tokio::test]
async fn delete_notifies_subscriber_and_off_suspends() {
    let relay = start().await;
    let (c1, mut e1) = relay.connect().await;
    let (c2, _) = relay.connect().await;
    let (sc, _) = relay.connect().await;
    let q = new_queue(&c1, SubMode::Subscribe).await;
    c2.delete(&q.ids.rcv_id, &q.key).await.unwrap();
    assert_eq!(
        next_event(&mut e1).await,
        (q.ids.rcv_id.clone(), BrokerMsg::Deld)
    );
    let e = sc
        .send(&q.ids.snd_id, None, MsgFlags::default(), b"x")
        .await
        .unwrap_err();
    assert_eq!(proto(e), ErrorType::Auth);
    let q2 = new_queue(&c1, SubMode::OnlyCreate).await;
    c1.suspend(&q2.ids.rcv_id, &q2.key).await.unwrap();
    let e = sc
        .send(&q2.ids.snd_id, None, MsgFlags::default(), b"x")
        .await
        .unwrap_err();
    assert_eq!(proto(e), ErrorType::Auth);
}

#[tokio::test]
async fn large_message_and_ping() {
    let relay = start().await;
    let (rc, _) = relay.connect().await;
    rc.ping().await.unwrap();
    let q = new_queue(&rc, SubMode::OnlyCreate).await;
    rc.send(&q.ids.snd_id, None, MsgFlags::default(), &vec![1; 16048])
        .await
        .unwrap();
    let e = rc
        .send(&q.ids.snd_id, None, MsgFlags::default(), &vec![1; 16049])
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ClientError::Protocol(ErrorType::LargeMsg) | ClientError::Transport(_)
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn queue_info_json() {
    let relay = start().await;
    let (rc, _) = relay.connect().await;
    let q = new_queue(&rc, SubMode::Subscribe).await;
    let j = String::from_utf8(rc.queue_info(&q.ids.rcv_id, &q.key).await.unwrap()).unwrap();
    assert_eq!(
        j,
        r#"{"qiSnd":false,"qiNtf":false,"qiSub":{"qSubThread":"noSub"},"qiSize":0}"#
    );
}

#[tokio::test]
async fn create_password_required() {
    let mut cfg = test_config();
    cfg.create_password = Some(smp_proto::address::BasicAuth::new("secret").unwrap());
    let relay = start_with(cfg, std::sync::Arc::new(smp_store::MemoryStore::new())).await;
    let (c, _) = relay.connect().await;
    let key = ed25519();
    let dh = simplex_crypto::keys::X25519Secret::generate(&mut rand::rng());
    let e = c
        .create_queue(&key, &dh.public(), None, SubMode::OnlyCreate, None, None)
        .await
        .unwrap_err();
    assert_eq!(proto(e), ErrorType::Auth);
    let pw = smp_proto::address::BasicAuth::new("secret").ok();
    c.create_queue(&key, &dh.public(), pw, SubMode::OnlyCreate, None, None)
        .await
        .unwrap();
}
