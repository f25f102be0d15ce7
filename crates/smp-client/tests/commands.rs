//! Command tests against the in-test fake relay (real TLS and block encryption).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::{FakeOpts, FakeRelay, PUSHED_BODY, Seen, start};
use simplex_crypto::keys::{AuthAlgorithm, PrivateAuthKey, X25519Secret};
use smp_client::{
    ClientCommand, ClientConfig, ClientError, ServerEvent, SmpClient, open_message, rcv_dh_secret,
};
use smp_proto::command::{MsgFlags, QueueMode, QueueReqData, SubMode};
use smp_proto::message::RcvMsgBody;
use smp_proto::response::QueueIds;
use smp_proto::{BrokerMsg, Command, EntityId, ErrorType};
use tokio::sync::mpsc;

async fn connected(cfg: ClientConfig) -> (FakeRelay, SmpClient, mpsc::Receiver<ServerEvent>) {
    let mut fake = start(FakeOpts::default()).await;
    let cfg = ClientConfig {
        connect_addr: Some(fake.addr),
        ..cfg
    };
    let (client, events) = SmpClient::connect(&fake.server, &cfg).await.unwrap();
    assert!(matches!(fake.seen.recv().await, Some(Seen::Hello { .. })));
    (fake, client, events)
}

fn key(alg: AuthAlgorithm) -> PrivateAuthKey {
    PrivateAuthKey::generate(alg, &mut rand::rng()).unwrap()
}

/// `NEW` for a messaging queue with a fresh key of `alg`: the key, the DH key, the ids.
async fn new_queue(
    client: &SmpClient,
    alg: AuthAlgorithm,
) -> (PrivateAuthKey, X25519Secret, QueueIds) {
    let rcv_key = key(alg);
    let rcv_dh = X25519Secret::generate(&mut rand::rng());
    let mode = Some(QueueReqData::Messaging(None));
    let ids = client
        .create_queue(
            &rcv_key,
            &rcv_dh.public(),
            None,
            SubMode::OnlyCreate,
            mode,
            None,
        )
        .await
        .unwrap();
    (rcv_key, rcv_dh, ids)
}

/// NEW authorized by an Ed25519 signature or an X25519 authenticator (the fake verifies
/// both), then SUB: `SOK` answers and the pending message arrives as an event.
#[tokio::test]
async fn create_subscribe_and_open_pushed_message() {
    let (_fake, client, mut events) = connected(ClientConfig::default()).await;
    for alg in [
        AuthAlgorithm::Ed25519,
        AuthAlgorithm::X25519,
        AuthAlgorithm::Ed448,
    ] {
        let (rcv_key, rcv_dh, ids) = new_queue(&client, alg).await;
        assert_eq!(ids.queue_mode, Some(QueueMode::Messaging));
        assert_eq!(client.subscribe(&ids.rcv_id, &rcv_key).await.unwrap(), None);
        let Some(ServerEvent::Event { entity_id, msg }) = events.recv().await else {
            panic!("expected an event")
        };
        assert_eq!(entity_id, ids.rcv_id);
        let BrokerMsg::Msg(msg_id, body) = msg else {
            panic!("expected MSG")
        };
        let secret = rcv_dh_secret(&rcv_dh, &ids);
        let RcvMsgBody::Message { body, flags, .. } =
            open_message(&secret, &msg_id, &body).unwrap()
        else {
            panic!("expected a message")
        };
        assert_eq!(body, PUSHED_BODY);
        assert!(flags.notification);
    }
}

#[tokio::test]
async fn err_reply_is_a_protocol_error() {
    let (_fake, client, _events) = connected(ClientConfig::default()).await;
    let k = key(AuthAlgorithm::Ed25519);
    let err = client
        .delete(&EntityId::from([1; 24]), &k)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Protocol(ErrorType::Auth)),
        "{err}"
    );
}

/// Several commands in one call go out in one block, and the fake answers them in one
/// block; results keep the order of the commands.
#[tokio::test]
async fn commands_of_one_call_share_a_block() {
    let (mut fake, client, _events) = connected(ClientConfig::default()).await;
    let k = key(AuthAlgorithm::Ed25519);
    let cmd = |entity: EntityId, key, command| ClientCommand {
        corr_id: None,
        entity,
        key,
        command,
    };
    let results = client
        .send_commands(vec![
            cmd(EntityId::empty(), None, Command::Ping),
            cmd(EntityId::from([1; 24]), Some(&k), Command::Del),
            cmd(EntityId::empty(), None, Command::Ping),
        ])
        .await;
    assert!(matches!(results[0], Ok(BrokerMsg::Pong)));
    assert!(matches!(
        results[1],
        Err(ClientError::Protocol(ErrorType::Auth))
    ));
    assert!(matches!(results[2], Ok(BrokerMsg::Pong)));
    assert_eq!(fake.seen.recv().await, Some(Seen::Block(3)));

    let ids: Vec<EntityId> = (1..=5u8).map(|i| EntityId::from([i; 24])).collect();
    let queues: Vec<(EntityId, &PrivateAuthKey)> = ids.iter().map(|id| (id.clone(), &k)).collect();
    let subs = client.subscribe_many(&queues).await;
    assert_eq!(subs.len(), 5);
    assert!(subs.iter().all(|r| matches!(r, Ok(None))));
    assert_eq!(fake.seen.recv().await, Some(Seen::Block(5)));
}

#[tokio::test]
async fn concurrent_callers_all_get_their_answers() {
    let (_fake, client, _events) = connected(ClientConfig::default()).await;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.ping().await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn response_with_unknown_corr_id_is_dropped() {
    let (_fake, client, _events) = connected(ClientConfig::default()).await;
    let k = key(AuthAlgorithm::Ed25519);
    client
        .disable_notifications(&EntityId::from([1; 24]), &k)
        .await
        .unwrap();
    client.ping().await.unwrap();
}

#[tokio::test]
async fn request_times_out_and_connection_survives() {
    let cfg = ClientConfig {
        request_timeout: Duration::from_millis(300),
        ..ClientConfig::default()
    };
    let (_fake, client, _events) = connected(cfg).await;
    let k = key(AuthAlgorithm::Ed25519);
    let err = client
        .queue_info(&EntityId::from([1; 24]), &k)
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Timeout), "{err}");
    client.ping().await.unwrap();
}

/// The `MSG` that answers an `ACK` after the `ACK` timed out is not dropped: it comes
/// as an event (else the relay would count it delivered and the queue would stall).
#[tokio::test]
async fn late_msg_reply_to_a_timed_out_ack_is_an_event() {
    let cfg = ClientConfig {
        request_timeout: Duration::from_secs(2),
        ..ClientConfig::default()
    };
    let (_fake, client, mut events) = connected(cfg).await;
    let (rcv_key, _, ids) = new_queue(&client, AuthAlgorithm::Ed25519).await;
    client.subscribe(&ids.rcv_id, &rcv_key).await.unwrap();
    let Some(ServerEvent::Event {
        msg: BrokerMsg::Msg(msg_id, _),
        ..
    }) = events.recv().await
    else {
        panic!("expected the pushed MSG")
    };
    // The fake holds the ACK's reply back until the next command.
    let err = client
        .ack(&ids.rcv_id, &rcv_key, &msg_id)
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Timeout), "{err}");
    client.ping().await.unwrap();
    let late = tokio::time::timeout(Duration::from_secs(10), events.recv()).await;
    let Ok(Some(ServerEvent::Event { entity_id, msg })) = late else {
        panic!("expected the late MSG as an event")
    };
    assert_eq!(entity_id, ids.rcv_id);
    assert!(matches!(msg, BrokerMsg::Msg(..)), "{msg:?}");
}

#[tokio::test]
async fn connection_loss_fails_pending_and_ends_events() {
    let (_fake, client, mut events) = connected(ClientConfig::default()).await;
    let k = key(AuthAlgorithm::Ed25519);
    // The fake drops the connection on OFF.
    let err = client
        .suspend(&EntityId::from([1; 24]), &k)
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Disconnected(_)), "{err}");
    assert!(matches!(
        events.recv().await,
        Some(ServerEvent::Disconnected { .. })
    ));
    assert!(events.recv().await.is_none());
    assert!(client.is_closed());
    assert!(matches!(
        client.ping().await,
        Err(ClientError::Disconnected(_))
    ));
}

#[tokio::test]
async fn close_ends_the_event_channel() {
    let (_fake, client, mut events) = connected(ClientConfig::default()).await;
    client.close();
    assert!(matches!(
        events.recv().await,
        Some(ServerEvent::Disconnected { .. })
    ));
    assert!(matches!(
        client.ping().await,
        Err(ClientError::Disconnected(_))
    ));
}

#[tokio::test]
async fn duplicate_corr_id_is_refused() {
    let (_fake, client, _events) = connected(ClientConfig::default()).await;
    let corr = smp_proto::CorrId::from([4; 24]);
    let cmd = || ClientCommand {
        corr_id: Some(corr.clone()),
        entity: EntityId::empty(),
        key: None,
        command: Command::Ping,
    };
    let results = client.send_commands(vec![cmd(), cmd()]).await;
    assert!(matches!(results[0], Ok(BrokerMsg::Pong)));
    assert!(matches!(results[1], Err(ClientError::DuplicateCorrId)));
}

#[tokio::test]
async fn send_reports_oversized_messages() {
    let (_fake, client, _events) = connected(ClientConfig::default()).await;
    let err = client
        .send(
            &EntityId::from([1; 24]),
            None,
            MsgFlags::default(),
            &[0; 17000],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Transport(_)), "{err}");
    client.ping().await.unwrap();
}
