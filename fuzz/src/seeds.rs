//! Small seed corpora: valid encodings made with the crates' own encoders, so that the
//! fuzzer starts from inputs that reach deep into each decoder.

use crate::framing::{SESSION_ID, params};
use crate::{MIN_VERSION, version_from};
use simplex_crypto::keys::{Ed448Secret, Ed25519Secret, PublicAuthKey, X25519Public, X25519Secret};
use simplex_crypto::pad::pad;
use simplex_encoding::{Encode, Version, VersionRange};
use smp_proto::address::{BasicAuth, SmpServer};
use smp_proto::batch::batch_of_one;
use smp_proto::command::{MsgFlags, NewQueueReq, QueueLinkData, QueueMode, QueueReqData, SubMode};
use smp_proto::error::{
    BlockingInfo, BlockingReason, BrokerErrorType, CommandError, ErrorType, HandshakeError,
    ProxyError, TransportError,
};
use smp_proto::handshake::{CertChainPubKey, ClientHello, ClientService, ServerHello};
use smp_proto::message::RcvMsgBody;
use smp_proto::proxy::{FwdResponse, FwdTransmission};
use smp_proto::response::QueueIds;
use smp_proto::transmission;
use smp_proto::versions::BLOCK_SIZE;
use smp_proto::{BrokerMsg, Command, CorrId, EntityId, MsgId};

/// The versions seeds are made for.
const VERSIONS: [Version; 6] = [6, 8, 9, 15, 17, 18];

fn selector(v: Version) -> u8 {
    u8::try_from(v - MIN_VERSION).unwrap_or(0)
}

fn ed25519() -> PublicAuthKey {
    PublicAuthKey::Ed25519(Ed25519Secret::from_bytes(&[1; 32]).public())
}

fn x25519(b: u8) -> X25519Public {
    X25519Secret::from_bytes([b; 32]).public()
}

fn auth_keys() -> Vec<PublicAuthKey> {
    let mut keys = vec![ed25519(), PublicAuthKey::X25519(x25519(2))];
    if let Ok(k) = Ed448Secret::from_bytes(&[3; 57]) {
        keys.push(PublicAuthKey::Ed448(k.public()));
    }
    keys
}

fn id(b: u8) -> EntityId {
    EntityId::from([b; 24])
}

fn server() -> SmpServer {
    SmpServer {
        hosts: vec!["smp.example.com".into(), "abcdefgh.onion".into()],
        port: "5223".into(),
        key_hash: [7; 32],
    }
}

fn link_data() -> QueueLinkData {
    QueueLinkData {
        fixed: b"fixed".to_vec(),
        user: b"user data".to_vec(),
    }
}

fn commands() -> Vec<Command> {
    let new = |auth, data, ntf| {
        Command::New(Box::new(NewQueueReq {
            rcv_auth_key: ed25519(),
            rcv_dh_key: x25519(4),
            auth,
            sub_mode: SubMode::Subscribe,
            queue_req_data: data,
            ntf_creds: ntf,
        }))
    };
    let pwd = BasicAuth::new("s3cret").ok();
    vec![
        new(None, Some(QueueReqData::Messaging(None)), None),
        new(
            pwd.clone(),
            Some(QueueReqData::Contact(Some((id(1), id(2), link_data())))),
            Some((ed25519(), x25519(5))),
        ),
        new(
            None,
            Some(QueueReqData::Messaging(Some((id(3), link_data())))),
            None,
        ),
        Command::Sub,
        Command::Key(ed25519()),
        Command::RKey(auth_keys()),
        Command::LSet(id(4), link_data()),
        Command::NKey(ed25519(), x25519(6)),
        Command::Ack(MsgId::from([5; 24])),
        Command::Send(MsgFlags { notification: true }, b"hello".to_vec()),
        Command::SKey(PublicAuthKey::X25519(x25519(7))),
        Command::LKey(ed25519()),
        Command::Prxy(server(), pwd),
        Command::Pfwd(17, x25519(8), vec![0xAB; 40]),
        Command::Rfwd(vec![0xCD; 40]),
        Command::Ping,
        Command::Get,
        Command::LGet,
    ]
}

fn cert_key() -> CertChainPubKey {
    CertChainPubKey {
        chain: vec![vec![0x30, 0x03, 1, 2, 3], vec![0x30, 0x02, 4, 5]],
        signed_key: vec![0x30, 0x04, 6, 7, 8, 9],
    }
}

fn errors() -> Vec<ErrorType> {
    let broker = |b| ErrorType::Proxy(Box::new(ProxyError::Broker(b)));
    vec![
        ErrorType::Block,
        ErrorType::Cmd(CommandError::Syntax),
        ErrorType::Cmd(CommandError::NoEntity),
        ErrorType::Auth,
        ErrorType::Blocked(BlockingInfo {
            reason: BlockingReason::Spam,
            notice: Some("{\"ttl\":60}".into()),
        }),
        ErrorType::Store("disk full".into()),
        ErrorType::LargeMsg,
        ErrorType::Proxy(Box::new(ProxyError::Protocol(ErrorType::Quota))),
        broker(BrokerErrorType::Response("bad".into())),
        broker(BrokerErrorType::Transport(TransportError::Handshake(
            HandshakeError::Identity,
        ))),
        broker(BrokerErrorType::Timeout),
    ]
}

fn responses() -> Vec<BrokerMsg> {
    let ids = QueueIds {
        rcv_id: id(1),
        snd_id: id(2),
        rcv_public_dh_key: x25519(3),
        queue_mode: Some(QueueMode::Contact),
        link_id: Some(id(4)),
        service_id: None,
        ntf_creds: Some((id(5), x25519(6))),
    };
    let mut out = vec![
        BrokerMsg::Ids(Box::new(ids)),
        BrokerMsg::Lnk(id(2), link_data()),
        BrokerMsg::Sok(None),
        BrokerMsg::Soks(3),
        BrokerMsg::Msg(MsgId::from([9; 24]), vec![0xEE; 64]),
        BrokerMsg::Nid(id(5), x25519(6)),
        BrokerMsg::Nmsg([1; 24], vec![2; 48]),
        BrokerMsg::Pkey(
            id(7),
            smp_proto::versions::PROXIED_RANGE,
            Box::new(cert_key()),
        ),
        BrokerMsg::Rres(vec![3; 30]),
        BrokerMsg::Pres(vec![4; 30]),
        BrokerMsg::End,
        BrokerMsg::Ends(2),
        BrokerMsg::Deld,
        BrokerMsg::Info(br#"{"qiSnd":false,"qiNtf":false,"qiSize":0}"#.to_vec()),
        BrokerMsg::Ok,
        BrokerMsg::Pong,
    ];
    out.extend(errors().into_iter().map(BrokerMsg::Err));
    out
}

fn versioned(v: Version, body: Vec<u8>) -> Vec<u8> {
    let mut s = vec![selector(v)];
    s.extend(body);
    s
}

fn transmissions() -> Vec<Vec<u8>> {
    let corr = CorrId::from([0x11; 24]);
    let mut out = Vec::new();
    for v in VERSIONS {
        let p = params(v);
        let cmd = Command::Send(MsgFlags::default(), b"hi".to_vec()).to_bytes(v);
        let t = |auth: &[u8], sig: Option<&[u8]>, ent: EntityId| {
            transmission::encode(&p, auth, sig, &corr, &ent, &cmd)
        };
        out.push(versioned(v, t(&[], None, id(1))));
        out.push(versioned(v, t(&[0x40; 64], None, id(2))));
        out.push(versioned(v, t(&[0x50; 80], None, id(3))));
        out.push(versioned(v, t(&[0x72; 114], Some(&[0x64; 64]), id(4))));
        out.push(versioned(v, t(&[], None, EntityId::empty())));
    }
    out
}

fn batches() -> Vec<Vec<u8>> {
    let p = params(18);
    let corr = CorrId::from([0x22; 24]);
    let ts: Vec<Vec<u8>> = (0..3u8)
        .map(|i| transmission::encode(&p, &[], None, &corr, &id(i), b"PING"))
        .collect();
    let mut many = vec![3u8];
    for t in &ts {
        many.extend_from_slice(&u16::try_from(t.len()).unwrap_or(0).to_be_bytes());
        many.extend_from_slice(t);
    }
    vec![batch_of_one(&ts[0]), many]
}

fn blocks() -> Vec<Vec<u8>> {
    let content = batches().remove(0);
    let mut out = Vec::new();
    // Case 0 needs a whole block; cases 1 and 3 take a short input.
    if let Ok(b) = pad(&content, BLOCK_SIZE) {
        out.push([vec![0u8], b].concat());
    }
    out.push(
        [
            vec![1u8, 0, u8::try_from(content.len()).unwrap_or(0)],
            content.clone(),
        ]
        .concat(),
    );
    out.push([vec![2u8], vec![0; 64]].concat());
    out.push([vec![3u8], content].concat());
    out
}

fn hellos() -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let range = |a, b| VersionRange::new(a, b).unwrap_or(smp_proto::versions::SERVER_RANGE);
    let servers = [
        ServerHello {
            versions: range(6, 18),
            session_id: SESSION_ID.to_vec(),
            cert_key: Some(cert_key()),
        },
        ServerHello {
            versions: range(6, 6),
            session_id: SESSION_ID.to_vec(),
            cert_key: None,
        },
    ];
    let client = |version, auth_key, service| ClientHello {
        version,
        key_hash: [7; 32],
        auth_key,
        proxy_server: false,
        service,
    };
    let clients = [
        client(6, None, None),
        client(11, Some(x25519(1)), None),
        client(14, None, None),
        client(18, Some(x25519(2)), None),
        client(
            16,
            Some(x25519(3)),
            Some(ClientService {
                role: b'M',
                cert_key: cert_key(),
            }),
        ),
    ];
    (
        servers.iter().map(Encode::to_bytes).collect(),
        clients.iter().map(Encode::to_bytes).collect(),
    )
}

fn uris() -> Vec<Vec<u8>> {
    let kh = "LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=";
    [
        format!("smp://{kh}@localhost:5001"),
        format!("smp://{kh}:s3cr%t@smp.example.com,abcdef.onion"),
        format!("smp://{kh}@[::1]:443"),
        format!("xftp://{kh}@files.example.com"),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect()
}

fn envelopes() -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let bodies = vec![
        RcvMsgBody::Message {
            ts: 1_641_032_645,
            flags: MsgFlags { notification: true },
            body: b"hello".to_vec(),
        }
        .encode(),
        RcvMsgBody::Quota { ts: 5 }.encode(),
    ];
    let fwd = FwdTransmission {
        corr_id: CorrId::from([3; 24]),
        version: 17,
        key: x25519(9),
        enc: vec![0xAA; 48],
    };
    let res = FwdResponse {
        corr_id: CorrId::from([4; 24]),
        enc: vec![0xBB; 48],
    };
    (bodies, vec![fwd.to_bytes(), res.to_bytes()])
}

/// Seeds of every protocol target, by target name.
pub fn protocol_seeds() -> Vec<(&'static str, Vec<Vec<u8>>)> {
    let mut cmds = Vec::new();
    let mut resps = Vec::new();
    for v in VERSIONS {
        debug_assert_eq!(version_from(selector(v)), v);
        cmds.extend(commands().iter().map(|c| versioned(v, c.to_bytes(v))));
        resps.extend(responses().iter().map(|r| versioned(v, r.to_bytes(v))));
    }
    let errs = errors()
        .iter()
        .map(|e| {
            let mut b = Vec::new();
            e.encode(&mut b);
            b
        })
        .collect();
    let (servers, clients) = hellos();
    let (bodies, fwds) = envelopes();
    vec![
        ("smp_command", cmds),
        ("smp_response", resps),
        ("transmission", transmissions()),
        ("batch", batches()),
        ("block_open", blocks()),
        ("server_hello", servers),
        ("client_hello", clients),
        ("smp_server_uri", uris()),
        ("error_type", errs),
        ("rcv_msg_body", bodies),
        ("fwd_transmission", fwds),
    ]
}
