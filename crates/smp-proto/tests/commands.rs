//! Command and response encodings: literal vectors from the reference tests and
//! property round trips at every supported version.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use simplex_crypto::keys::{PublicAuthKey, X25519Public};
use simplex_encoding::{VersionRange, base64url};
use smp_proto::address::{BasicAuth, SmpServer};
use smp_proto::command::{MsgFlags, NewQueueReq, QueueLinkData, QueueReqData, SubMode};
use smp_proto::error::{CommandError, ErrorType};
use smp_proto::handshake::CertChainPubKey;
use smp_proto::response::QueueIds;
use smp_proto::{BrokerMsg, Command, EntityId, MsgId};

/// tests/ServerTests.hs `samplePubKey` (Ed25519, SPKI DER in base64).
const SAMPLE_PUB_KEY: &str = "MCowBQYDK2VwAyEAfAOflyvbJv1fszgzkQ6buiZJVgSpQWsucXq7U6zjMgY=";
/// tests/ServerTests.hs `sampleDhPubKey` (X25519).
const SAMPLE_DH_KEY: &str = "MCowBQYDK2VuAyEAriy+HcARIhqsgSjVnjKqoft+y6pxrxdY68zn4+LjYhQ=";

fn std_b64(s: &str) -> Vec<u8> {
    base64url::decode(&s.replace('+', "-").replace('/', "_")).unwrap()
}

fn auth_key() -> PublicAuthKey {
    PublicAuthKey::from_spki(&std_b64(SAMPLE_PUB_KEY)).unwrap()
}

fn dh_key() -> X25519Public {
    X25519Public::from_spki(&std_b64(SAMPLE_DH_KEY)).unwrap()
}

fn sk(k: &PublicAuthKey) -> Vec<u8> {
    let spki = k.to_spki();
    let mut v = vec![spki.len() as u8];
    v.extend(spki);
    v
}

#[test]
fn sample_keys_are_44_byte_spki() {
    assert_eq!(auth_key().to_spki().len(), 44);
    assert_eq!(dh_key().to_spki().len(), 44);
}

/// Behaviour vectors of tests/ServerTests.hs `serverSyntaxTests`: parse errors.
#[test]
fn syntax_vectors() {
    let v = 18;
    assert_eq!(Command::parse(v, b"HELLO"), Err(ErrorType::UNKNOWN));
    assert_eq!(Command::parse(v, b"NEW"), Err(ErrorType::SYNTAX));
    let mut many = b"NEW \x01A".to_vec();
    many.extend(sk(&auth_key()));
    assert_eq!(Command::parse(v, &many), Err(ErrorType::SYNTAX));
    assert_eq!(Command::parse(v, b"KEY"), Err(ErrorType::SYNTAX));
    for tag in ["SUB", "OFF", "DEL"] {
        assert!(Command::parse(v, tag.as_bytes()).is_ok());
        let wrong = format!("{tag}=");
        assert_eq!(Command::parse(v, wrong.as_bytes()), Err(ErrorType::UNKNOWN));
        let trailing = format!("{tag} x");
        assert_eq!(
            Command::parse(v, trailing.as_bytes()),
            Err(ErrorType::SYNTAX)
        );
    }
    assert_eq!(Command::parse(v, b"SEND"), Err(ErrorType::SYNTAX));
    assert_eq!(Command::parse(v, b"ACK"), Err(ErrorType::SYNTAX));
    // A response tag sent as a command is unknown.
    assert_eq!(Command::parse(v, b"OK"), Err(ErrorType::UNKNOWN));
    assert_eq!(
        Command::parse(v, b"SEND F hello"),
        Ok(Command::Send(MsgFlags::default(), b"hello".to_vec()))
    );
    assert_eq!(
        Command::parse(v, b"ACK \x041234"),
        Ok(Command::Ack(MsgId::new(b"1234").unwrap()))
    );
}

/// Behaviour vectors of `serverSyntaxTests`: credential checks.
#[test]
fn credential_vectors() {
    let q = EntityId::new(b"12345678").unwrap();
    let none = EntityId::empty();
    let new = Command::New(Box::new(new_req(None, None)));
    let no_auth = Err(ErrorType::Cmd(CommandError::NoAuth));
    let has_auth = Err(ErrorType::Cmd(CommandError::HasAuth));
    let no_entity = Err(ErrorType::Cmd(CommandError::NoEntity));
    assert_eq!(new.check_credentials(false, &none), no_auth);
    assert_eq!(new.check_credentials(true, &q), has_auth);
    assert_eq!(new.check_credentials(true, &none), Ok(()));
    let key = Command::Key(auth_key());
    assert_eq!(key.check_credentials(false, &q), no_auth);
    assert_eq!(key.check_credentials(true, &none), no_auth);
    let send = Command::Send(MsgFlags::default(), b"hello".to_vec());
    assert_eq!(send.check_credentials(true, &none), no_entity);
    assert_eq!(send.check_credentials(false, &q), Ok(()));
    assert_eq!(Command::Ping.check_credentials(false, &none), Ok(()));
    assert_eq!(Command::Ping.check_credentials(false, &q), has_auth);
    assert_eq!(Command::LGet.check_credentials(true, &q), has_auth);
    assert_eq!(Command::LGet.check_credentials(false, &none), no_entity);
}

fn new_req(data: Option<QueueReqData>, ntf: Option<(PublicAuthKey, X25519Public)>) -> NewQueueReq {
    NewQueueReq {
        rcv_auth_key: auth_key(),
        rcv_dh_key: dh_key(),
        auth: None,
        sub_mode: SubMode::Subscribe,
        queue_req_data: data,
        ntf_creds: ntf,
    }
}

/// `NEW` layout per version (protocol-map §3.2, Protocol.hs `encodeProtocol`).
#[test]
fn new_layout_per_version() {
    let keys = [sk(&auth_key()), dh_key().to_spki()].concat();
    let mut prefix = b"NEW ".to_vec();
    prefix.extend(sk(&auth_key()));
    prefix.push(44);
    prefix.extend(dh_key().to_spki());
    assert_eq!(keys.len() + 1, prefix.len() - 4);
    let mut req = new_req(
        Some(QueueReqData::Messaging(None)),
        Some((auth_key(), dh_key())),
    );
    req.auth = Some(BasicAuth::new("pwd").unwrap());
    let cmd = Command::New(Box::new(req));
    let tail = |v| cmd.to_bytes(v)[prefix.len()..].to_vec();
    assert_eq!(tail(6), b"A\x03pwdS");
    assert_eq!(tail(9), b"1\x03pwdST");
    assert_eq!(tail(15), b"1\x03pwdS1M0");
    let mut v17 = b"1\x03pwdS1M01".to_vec();
    v17.extend(sk(&auth_key()));
    v17.push(44);
    v17.extend(dh_key().to_spki());
    assert_eq!(tail(17), v17);
    assert_eq!(Command::parse(17, &cmd.to_bytes(17)).unwrap(), cmd);
}

/// The worked example of protocol-map §3.7: a `SEND` at v18.
#[test]
fn send_transmission_layout() {
    use smp_proto::ids::CorrId;
    use smp_proto::transmission::{TParams, authorized_bytes, encode, parse};
    let p = TParams {
        version: 18,
        session_id: vec![7; 32],
    };
    let corr = CorrId::new(&[1; 24]).unwrap();
    let sid = EntityId::new(&[2; 24]).unwrap();
    let cmd = Command::Send(MsgFlags { notification: true }, b"body".to_vec()).to_bytes(18);
    assert_eq!(cmd, b"SEND T body");
    let sig = [9u8; 64];
    let t = encode(&p, &sig, None, &corr, &sid, &cmd);
    let mut expected = vec![0x40];
    expected.extend([9u8; 64]);
    expected.push(b'0');
    expected.push(0x18);
    expected.extend([1u8; 24]);
    expected.push(0x18);
    expected.extend([2u8; 24]);
    expected.extend(b"SEND T body");
    assert_eq!(t, expected);
    let raw = parse(&p, &t).unwrap();
    let mut auth = vec![0x20];
    auth.extend([7u8; 32]);
    auth.extend(&expected[66..]);
    assert_eq!(raw.authorized, auth);
    assert_eq!(authorized_bytes(&p.session_id, &corr, &sid, &cmd), auth);
}

#[test]
fn transmission_errors() {
    use smp_proto::ids::CorrId;
    use smp_proto::transmission::{TParams, encode, parse};
    let v6 = TParams {
        version: 6,
        session_id: vec![1; 32],
    };
    let corr = CorrId::new(b"abcd").unwrap();
    let t = encode(&v6, &[], None, &corr, &EntityId::empty(), b"PING");
    assert!(parse(&v6, &t).is_ok());
    let other = TParams {
        version: 6,
        session_id: vec![2; 32],
    };
    let e = parse(&other, &t).unwrap_err();
    assert_eq!((e.corr_id, e.error), (corr.clone(), ErrorType::Session));
    let v18 = TParams {
        version: 18,
        session_id: vec![1; 32],
    };
    let bad_auth = encode(&v18, &[5; 10], None, &corr, &EntityId::empty(), b"PING");
    let e = parse(&v18, &bad_auth).unwrap_err();
    assert_eq!((e.corr_id, e.error), (corr, ErrorType::Block));
    assert!(parse(&v18, &[]).is_err());
    assert!(parse(&v18, &[200, 1, 2]).is_err());
}

fn arb_id() -> impl Strategy<Value = EntityId> {
    prop_oneof![
        Just(EntityId::empty()),
        any::<[u8; 24]>().prop_map(EntityId::from)
    ]
}

fn arb_link() -> impl Strategy<Value = QueueLinkData> {
    (
        proptest::collection::vec(any::<u8>(), 0..300),
        proptest::collection::vec(any::<u8>(), 0..300),
    )
        .prop_map(|(fixed, user)| QueueLinkData { fixed, user })
}

fn arb_cmd() -> impl Strategy<Value = (u16, Command)> {
    let simple = prop_oneof![
        Just(Command::Sub),
        Just(Command::Subs),
        Just(Command::LDel),
        Just(Command::NDel),
        Just(Command::Get),
        Just(Command::Off),
        Just(Command::Del),
        Just(Command::Que),
        Just(Command::Ping),
        Just(Command::NSub),
        Just(Command::NSubs),
        Just(Command::LGet),
        Just(Command::Key(auth_key())),
        Just(Command::SKey(auth_key())),
        Just(Command::LKey(auth_key())),
        (1usize..4).prop_map(|n| Command::RKey(vec![auth_key(); n])),
        Just(Command::NKey(auth_key(), dh_key())),
        any::<[u8; 24]>().prop_map(|m| Command::Ack(MsgId::from(m))),
        (
            any::<bool>(),
            proptest::collection::vec(any::<u8>(), 0..200)
        )
            .prop_map(|(n, b)| Command::Send(MsgFlags { notification: n }, b)),
        (arb_id(), arb_link()).prop_map(|(l, d)| Command::LSet(l, d)),
        (any::<u16>(), proptest::collection::vec(any::<u8>(), 0..100))
            .prop_map(|(v, b)| Command::Pfwd(v, dh_key(), b)),
        proptest::collection::vec(any::<u8>(), 0..100).prop_map(Command::Rfwd),
        (proptest::option::of("[a-z]{1,10}"), any::<[u8; 32]>()).prop_map(|(p, kh)| {
            let srv = SmpServer {
                hosts: vec!["smp.example.com".into(), "abc.onion".into()],
                port: "5223".into(),
                key_hash: kh,
            };
            Command::Prxy(srv, p.map(|p| BasicAuth::new(&p).unwrap()))
        }),
    ];
    (6u16..=18, simple)
}

fn arb_new() -> impl Strategy<Value = (u16, Command)> {
    let data = prop_oneof![
        Just(None),
        Just(Some(QueueReqData::Messaging(None))),
        Just(Some(QueueReqData::Contact(None))),
        (arb_id(), arb_link()).prop_map(|(s, d)| Some(QueueReqData::Messaging(Some((s, d))))),
        (arb_id(), arb_id(), arb_link())
            .prop_map(|(l, s, d)| Some(QueueReqData::Contact(Some((l, s, d))))),
    ];
    (6u16..=18, data, any::<bool>(), any::<bool>()).prop_map(|(v, data, ntf, sub)| {
        // Keep only what the version can carry.
        let data = match (v, data) {
            (v, _) if v < 9 => None,
            (9..=14, Some(d)) => Some(match d {
                QueueReqData::Messaging(_) => QueueReqData::Messaging(None),
                QueueReqData::Contact(_) => QueueReqData::Contact(None),
            }),
            (9..=14, None) => Some(QueueReqData::Contact(None)),
            (_, d) => d,
        };
        let mut req = new_req(data, (ntf && v >= 17).then(|| (auth_key(), dh_key())));
        req.sub_mode = if sub {
            SubMode::Subscribe
        } else {
            SubMode::OnlyCreate
        };
        (v, Command::New(Box::new(req)))
    })
}

fn arb_resp() -> impl Strategy<Value = (u16, BrokerMsg)> {
    let simple = prop_oneof![
        Just(BrokerMsg::End),
        Just(BrokerMsg::Ok),
        Just(BrokerMsg::Pong),
        any::<i64>().prop_map(BrokerMsg::Soks),
        any::<i64>().prop_map(BrokerMsg::Ends),
        (
            any::<[u8; 24]>(),
            proptest::collection::vec(any::<u8>(), 0..200)
        )
            .prop_map(|(m, b)| BrokerMsg::Msg(MsgId::from(m), b)),
        (arb_id(), arb_link()).prop_map(|(s, d)| BrokerMsg::Lnk(s, d)),
        arb_id().prop_map(|i| BrokerMsg::Nid(i, dh_key())),
        (
            any::<[u8; 24]>(),
            proptest::collection::vec(any::<u8>(), 0..144)
        )
            .prop_map(|(n, m)| BrokerMsg::Nmsg(n, m)),
        proptest::collection::vec(any::<u8>(), 0..100).prop_map(BrokerMsg::Rres),
        proptest::collection::vec(any::<u8>(), 0..100).prop_map(BrokerMsg::Pres),
        Just(BrokerMsg::Info(b"{\"qiSnd\":false}".to_vec())),
        Just(BrokerMsg::Err(ErrorType::Quota)),
        Just(BrokerMsg::Err(ErrorType::Store("x y".into()))),
        (
            arb_id(),
            proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..50), 1..4)
        )
            .prop_map(|(s, chain)| BrokerMsg::Pkey(
                s,
                VersionRange::new(8, 17).unwrap(),
                Box::new(CertChainPubKey {
                    chain,
                    signed_key: vec![1, 2, 3]
                })
            )),
    ];
    (6u16..=18, simple)
}

fn ids_for(v: u16, link: bool, ntf: bool) -> BrokerMsg {
    use smp_proto::command::QueueMode;
    BrokerMsg::Ids(Box::new(QueueIds {
        rcv_id: EntityId::from([1; 24]),
        snd_id: EntityId::from([2; 24]),
        rcv_public_dh_key: dh_key(),
        queue_mode: (v >= 9).then_some(QueueMode::Messaging),
        link_id: (link && v >= 15).then(|| EntityId::from([3; 24])),
        service_id: None,
        ntf_creds: (ntf && v >= 17).then(|| (EntityId::from([4; 24]), dh_key())),
    }))
}

proptest! {
    #[test]
    fn commands_round_trip((v, cmd) in prop_oneof![arb_cmd(), arb_new()]) {
        let b = cmd.to_bytes(v);
        prop_assert_eq!(Command::parse(v, &b), Ok(cmd));
    }

    #[test]
    fn responses_round_trip((v, msg) in arb_resp()) {
        let b = msg.to_bytes(v);
        prop_assert_eq!(BrokerMsg::parse(v, &b), Ok(msg));
    }

    #[test]
    fn ids_round_trip(v in 6u16..=18, link: bool, ntf: bool) {
        let m = ids_for(v, link, ntf);
        prop_assert_eq!(BrokerMsg::parse(v, &m.to_bytes(v)), Ok(m));
    }

    #[test]
    fn parsers_never_panic(v in 6u16..=18, b in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = Command::parse(v, &b);
        let _ = BrokerMsg::parse(v, &b);
    }
}

#[test]
fn version_gated_responses() {
    assert_eq!(BrokerMsg::Deld.to_bytes(9), b"END");
    assert_eq!(BrokerMsg::Deld.to_bytes(10), b"DELD");
    assert_eq!(BrokerMsg::Sok(None).to_bytes(15), b"OK");
    assert_eq!(BrokerMsg::Sok(None).to_bytes(16), b"SOK 0");
}

/// tests/CoreTests/BatchingTests.hs: 135 `SUB`s per block at the current version, 106 at
/// v6, 255 `END`s and 80 `NMSG`s.
#[test]
fn batching_vectors() {
    use smp_proto::CorrId;
    use smp_proto::batch::{Batch, batch_transmissions};
    use smp_proto::transmission::{TParams, encode};
    let per_block = |ts: Vec<Vec<u8>>| match &batch_transmissions(&ts)[..] {
        [Batch::Block(_, r), ..] => r.len(),
        other => panic!("{other:?}"),
    };
    let corr = CorrId::new(&[1; 24]).unwrap();
    let q = EntityId::from([2; 24]);
    let subs = |v: u16| {
        let p = TParams {
            version: v,
            session_id: vec![3; 32],
        };
        vec![encode(&p, &[4; 64], None, &corr, &q, &Command::Sub.to_bytes(v)); 270]
    };
    // 270 = 2 x 135: the partial block comes first, so check the last one.
    let last = |ts: Vec<Vec<u8>>| match batch_transmissions(&ts).last() {
        Some(Batch::Block(_, r)) => r.len(),
        other => panic!("{other:?}"),
    };
    assert_eq!(last(subs(18)), 135);
    assert_eq!(last(subs(6)), 106);
    let p = TParams {
        version: 18,
        session_id: vec![3; 32],
    };
    let ends = vec![
        encode(
            &p,
            &[],
            None,
            &CorrId::empty(),
            &q,
            &BrokerMsg::End.to_bytes(18)
        );
        300
    ];
    assert_eq!(last(ends), 255);
    let nmsg = BrokerMsg::Nmsg([5; 24], vec![6; 144]).to_bytes(18);
    let nmsgs = vec![encode(&p, &[], None, &CorrId::empty(), &q, &nmsg); 160];
    assert_eq!(per_block(nmsgs), 80);
}
