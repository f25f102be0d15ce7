//! proptest strategies for every wire type, and the normalizations that mirror the
//! reference's deliberately lossy encodings (so round trips can be compared exactly).

use agent_proto::agent_envelope::AgentMsgEnvelope;
use agent_proto::agent_message::{AMessage, APrivHeader, AgentMessage, MessageReceipt};
use agent_proto::conn_request::{ConnReqData, ConnectionRequest};
use agent_proto::e2e_params::{
    E2ERatchetParams, E2ERatchetParamsUri, KEM_CIPHERTEXT_LEN, KEM_PUBLIC_KEY_LEN, KemCiphertext,
    KemParams, KemPublicKey,
};
use agent_proto::envelope::{ClientMessage, ClientMsgEnvelope, PrivHeader, PubHeader};
use agent_proto::link_data::{
    ConnLinkData, FixedLinkData, OwnerAuth, UserContactData, UserLinkData,
};
use agent_proto::queue_uri::{QueueAddress, SmpQueueInfo, SmpQueueUri, SndQAddr};
use agent_proto::relay::RelayAddr;
use agent_proto::short_link::{ContactType, LinkKey, ShortLink, ShortLinkScheme};
use proptest::collection::vec;
use proptest::prelude::*;
use simplex_crypto::keys::PublicAuthKey;
use simplex_crypto::{Ed25519Public, X448Public, X25519Public};
use simplex_encoding::{Large, Short, Version, VersionRange};
use smp_proto::EntityId;
use smp_proto::command::QueueMode;

pub fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..=max)
}

pub fn short(min: usize, max: usize) -> impl Strategy<Value = Short> {
    vec(any::<u8>(), min..=max).prop_map(|v| Short::new(v).unwrap())
}

pub fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,8}\\.example",
        "[a-z2-7]{16}\\.onion",
        "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}",
        Just("[::1]".to_owned()),
    ]
}

pub fn port() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        any::<u16>().prop_map(|p| p.to_string())
    ]
}

/// A relay address; `min_kh` = 1 for the URI forms, which cannot carry an empty hash.
pub fn relay(min_kh: usize) -> impl Strategy<Value = RelayAddr> {
    (vec(host(), 1..=3), port(), short(min_kh, 32)).prop_map(|(hosts, port, key_hash)| RelayAddr {
        hosts,
        port,
        key_hash,
    })
}

pub fn entity_id() -> impl Strategy<Value = EntityId> {
    vec(any::<u8>(), 1..=24).prop_map(|v| EntityId::new(&v).unwrap())
}

pub fn x25519() -> impl Strategy<Value = X25519Public> {
    any::<[u8; 32]>().prop_map(X25519Public::from_bytes)
}

pub fn x448() -> impl Strategy<Value = X448Public> {
    vec(any::<u8>(), 56).prop_map(|v| X448Public::from_bytes(v.try_into().unwrap()))
}

pub fn ed25519() -> impl Strategy<Value = Ed25519Public> {
    any::<[u8; 32]>().prop_map(Ed25519Public::from_bytes)
}

pub fn auth_key() -> impl Strategy<Value = PublicAuthKey> {
    prop_oneof![
        ed25519().prop_map(PublicAuthKey::Ed25519),
        x25519().prop_map(PublicAuthKey::X25519),
    ]
}

pub fn queue_mode() -> impl Strategy<Value = Option<QueueMode>> {
    prop_oneof![
        Just(None),
        Just(Some(QueueMode::Messaging)),
        Just(Some(QueueMode::Contact))
    ]
}

pub fn vrange(lo: Version, hi: Version) -> impl Strategy<Value = VersionRange> {
    (lo..=hi, lo..=hi).prop_map(|(a, b)| VersionRange::new(a.min(b), a.max(b)).unwrap())
}

pub fn queue_address() -> impl Strategy<Value = QueueAddress> {
    (relay(1), entity_id(), x25519(), queue_mode()).prop_map(
        |(server, sender_id, dh_key, queue_mode)| QueueAddress {
            server,
            sender_id,
            dh_key,
            queue_mode,
        },
    )
}

pub fn queue_uri() -> impl Strategy<Value = SmpQueueUri> {
    (vrange(1, 5), queue_address()).prop_map(|(versions, addr)| SmpQueueUri { versions, addr })
}

pub fn queue_info() -> impl Strategy<Value = SmpQueueInfo> {
    (0u16..=5, queue_address()).prop_map(|(version, addr)| SmpQueueInfo { version, addr })
}

pub fn snd_q_addr() -> impl Strategy<Value = SndQAddr> {
    (relay(0), entity_id()).prop_map(|(server, sender_id)| SndQAddr { server, sender_id })
}

/// What the binary `SMPQueueUri` keeps of the queue mode.
pub fn norm_queue_uri(mut q: SmpQueueUri) -> SmpQueueUri {
    let (min, max) = (q.versions.min(), q.versions.max());
    let secure = q.addr.queue_mode == Some(QueueMode::Messaging);
    if min < 4 {
        q.addr.queue_mode = if min >= 3 || (max >= 3 && secure) {
            Some(if secure {
                QueueMode::Messaging
            } else {
                QueueMode::Contact
            })
        } else {
            None
        };
    }
    q
}

/// What the binary `SMPQueueInfo` keeps: mode from v4 (messaging only at v3), and one
/// host at v1 and below.
pub fn norm_queue_info(mut q: SmpQueueInfo) -> SmpQueueInfo {
    let secure = q.addr.queue_mode == Some(QueueMode::Messaging);
    if q.version < 4 {
        q.addr.queue_mode = (q.version == 3 && secure).then_some(QueueMode::Messaging);
    }
    if q.version <= 1 {
        q.addr.server.hosts.truncate(1);
    }
    q
}

pub fn kem_params() -> impl Strategy<Value = KemParams> {
    let pk = any::<u8>().prop_map(|b| KemPublicKey::from_bytes(&[b; KEM_PUBLIC_KEY_LEN]).unwrap());
    let ct = any::<u8>().prop_map(|b| KemCiphertext::from_bytes(&[b; KEM_CIPHERTEXT_LEN]).unwrap());
    prop_oneof![
        pk.clone().prop_map(KemParams::Proposed),
        (ct, pk).prop_map(|(c, k)| KemParams::Accepted(c, k)),
    ]
}

pub fn e2e_params(proposed_only: bool) -> impl Strategy<Value = E2ERatchetParams> {
    (1u16..=4, x448(), x448(), proptest::option::of(kem_params())).prop_map(
        move |(version, k1, k2, kem)| E2ERatchetParams {
            version,
            k1,
            k2,
            kem: kem
                .filter(|k| !proposed_only || matches!(k, KemParams::Proposed(_)))
                .filter(|_| version >= 3),
        },
    )
}

pub fn e2e_params_uri(proposed_only: bool) -> impl Strategy<Value = E2ERatchetParamsUri> {
    (
        vrange(1, 4),
        x448(),
        x448(),
        proptest::option::of(kem_params()),
    )
        .prop_map(move |(versions, k1, k2, kem)| E2ERatchetParamsUri {
            versions,
            k1,
            k2,
            kem: kem.filter(|k| !proposed_only || matches!(k, KemParams::Proposed(_))),
        })
}

/// What the text form of `E2ERatchetParamsUri` keeps: KEM only when the range reaches 3.
pub fn norm_e2e_uri_text(mut p: E2ERatchetParamsUri) -> E2ERatchetParamsUri {
    if p.versions.max() < 3 {
        p.kem = None;
    }
    p
}

fn conn_req_data(agent_min: Version) -> impl Strategy<Value = ConnReqData> {
    (
        vrange(agent_min, 8),
        vec(queue_uri(), 1..=2),
        proptest::option::of("\\PC{0,20}"),
    )
        .prop_map(|(agent_versions, queues, client_data)| ConnReqData {
            agent_versions,
            queues,
            client_data,
        })
}

pub fn conn_request(agent_min: Version) -> impl Strategy<Value = ConnectionRequest> {
    prop_oneof![
        (conn_req_data(agent_min), e2e_params_uri(true))
            .prop_map(|(data, e2e)| ConnectionRequest::Invitation { data, e2e }),
        conn_req_data(agent_min).prop_map(|data| ConnectionRequest::Contact { data }),
    ]
}

fn map_queues(cr: ConnectionRequest, f: impl Fn(SmpQueueUri) -> SmpQueueUri) -> ConnectionRequest {
    let fix = |mut d: ConnReqData| {
        d.queues = d.queues.into_iter().map(&f).collect();
        d
    };
    match cr {
        ConnectionRequest::Invitation { data, e2e } => ConnectionRequest::Invitation {
            data: fix(data),
            e2e,
        },
        ConnectionRequest::Contact { data } => ConnectionRequest::Contact { data: fix(data) },
    }
}

/// What the binary form keeps: binary queue modes, and no-mode queues read as contact.
pub fn norm_conn_request_bin(cr: ConnectionRequest) -> ConnectionRequest {
    map_queues(cr, |q| {
        let mut q = norm_queue_uri(q);
        q.addr.queue_mode.get_or_insert(QueueMode::Contact);
        q
    })
}

/// What the text form keeps: the e2e KEM only from version 3.
pub fn norm_conn_request_text(cr: ConnectionRequest) -> ConnectionRequest {
    match cr {
        ConnectionRequest::Invitation { data, e2e } => ConnectionRequest::Invitation {
            data,
            e2e: norm_e2e_uri_text(e2e),
        },
        c => c,
    }
}

pub fn contact_type() -> impl Strategy<Value = ContactType> {
    prop_oneof![
        Just(ContactType::Contact),
        Just(ContactType::Channel),
        Just(ContactType::Group),
        Just(ContactType::Relay),
    ]
}

pub fn scheme() -> impl Strategy<Value = ShortLinkScheme> {
    prop_oneof![
        Just(ShortLinkScheme::Simplex),
        Just(ShortLinkScheme::Server)
    ]
}

pub fn contact_link() -> impl Strategy<Value = ShortLink> {
    (scheme(), contact_type(), relay(0), any::<[u8; 32]>()).prop_map(
        |(scheme, contact_type, server, k)| ShortLink::Contact {
            scheme,
            contact_type,
            server,
            key: LinkKey(k),
        },
    )
}

pub fn short_link() -> impl Strategy<Value = ShortLink> {
    let inv = (scheme(), relay(0), entity_id(), any::<[u8; 32]>()).prop_map(
        |(scheme, server, link_id, k)| ShortLink::Invitation {
            scheme,
            server,
            link_id,
            key: LinkKey(k),
        },
    );
    prop_oneof![inv, contact_link()]
}

pub fn owner_auth() -> impl Strategy<Value = OwnerAuth> {
    (short(0, 32), ed25519(), vec(any::<u8>(), 64)).prop_map(|(owner_id, owner_key, sig)| {
        OwnerAuth {
            owner_id,
            owner_key,
            signature: sig.try_into().unwrap(),
        }
    })
}

pub fn user_link_data() -> impl Strategy<Value = UserLinkData> {
    prop_oneof![bytes(300), vec(any::<u8>(), 250..=2000)].prop_map(UserLinkData)
}

pub fn user_contact_data() -> impl Strategy<Value = UserContactData> {
    (
        any::<bool>(),
        vec(owner_auth(), 0..=2),
        vec(
            contact_link().prop_map(|l| l.with_scheme(ShortLinkScheme::Server)),
            0..=2,
        ),
        user_link_data(),
    )
        .prop_map(|(direct, owners, relays, user_data)| UserContactData {
            direct,
            owners,
            relays,
            user_data,
        })
}

pub fn conn_link_data() -> impl Strategy<Value = ConnLinkData> {
    prop_oneof![
        (vrange(1, 8), user_link_data()).prop_map(|(agent_versions, user_data)| {
            ConnLinkData::Invitation {
                agent_versions,
                user_data,
            }
        }),
        (vrange(1, 8), user_contact_data()).prop_map(|(agent_versions, data)| {
            ConnLinkData::Contact {
                agent_versions,
                data,
            }
        }),
    ]
}

pub fn fixed_link_data() -> impl Strategy<Value = FixedLinkData> {
    (
        vrange(1, 8),
        ed25519(),
        conn_request(1),
        proptest::option::of(short(0, 32)),
    )
        .prop_map(
            |(agent_versions, root_key, conn_req, link_entity_id)| FixedLinkData {
                agent_versions,
                root_key,
                conn_req: norm_conn_request_bin(conn_req),
                link_entity_id,
            },
        )
}

pub fn client_msg_envelope() -> impl Strategy<Value = ClientMsgEnvelope> {
    (
        any::<u16>(),
        proptest::option::of(x25519()),
        any::<[u8; 24]>(),
        bytes(100),
    )
        .prop_map(|(version, sender_key, nonce, enc_body)| ClientMsgEnvelope {
            header: PubHeader {
                version,
                sender_key,
            },
            nonce,
            enc_body,
        })
}

pub fn client_message() -> impl Strategy<Value = ClientMessage> {
    let header = prop_oneof![
        Just(PrivHeader::Empty),
        auth_key().prop_map(|k| PrivHeader::Confirmation(Box::new(k))),
    ];
    (header, bytes(100)).prop_map(|(header, body)| ClientMessage { header, body })
}

pub fn agent_msg_envelope() -> impl Strategy<Value = AgentMsgEnvelope> {
    let inv = conn_request(2).prop_filter_map("invitation", |cr| match cr {
        ConnectionRequest::Invitation { .. } => Some(norm_conn_request_text(cr)),
        ConnectionRequest::Contact { .. } => None,
    });
    prop_oneof![
        (
            any::<u16>(),
            proptest::option::of(e2e_params(false)),
            bytes(50)
        )
            .prop_map(|(agent_version, e2e, enc_conn_info)| {
                AgentMsgEnvelope::Confirmation {
                    agent_version,
                    e2e,
                    enc_conn_info,
                }
            }),
        (any::<u16>(), bytes(50)).prop_map(|(agent_version, enc_agent_message)| {
            AgentMsgEnvelope::Message {
                agent_version,
                enc_agent_message,
            }
        }),
        (any::<u16>(), inv, bytes(50)).prop_map(|(agent_version, conn_req, conn_info)| {
            AgentMsgEnvelope::Invitation {
                agent_version,
                conn_req,
                conn_info,
            }
        }),
        (any::<u16>(), e2e_params(true), bytes(50)).prop_map(|(agent_version, e2e, info)| {
            AgentMsgEnvelope::RatchetKey {
                agent_version,
                e2e,
                info,
            }
        }),
    ]
}

/// Queue info that survives binary encoding exactly (v4 with a mode) — the only kind
/// a current agent sends, and the one that keeps a following tail unambiguous.
pub fn current_queue_info() -> impl Strategy<Value = SmpQueueInfo> {
    queue_info().prop_map(|mut q| {
        q.version = 4;
        q.addr.queue_mode.get_or_insert(QueueMode::Messaging);
        q
    })
}

pub fn a_message() -> impl Strategy<Value = AMessage> {
    let receipt =
        (any::<i64>(), short(0, 32), bytes(40)).prop_map(|(agent_msg_id, msg_hash, info)| {
            MessageReceipt {
                agent_msg_id,
                msg_hash,
                rcpt_info: Large::new(info).unwrap(),
            }
        });
    prop_oneof![
        Just(AMessage::Hello),
        bytes(50).prop_map(AMessage::Msg),
        vec(receipt, 1..=3).prop_map(AMessage::Rcvd),
        snd_q_addr().prop_map(AMessage::QCont),
        vec(
            (
                queue_uri().prop_map(norm_queue_uri),
                proptest::option::of(snd_q_addr())
            ),
            1..=2
        )
        .prop_map(AMessage::QAdd),
        vec((current_queue_info(), auth_key()), 1..=2).prop_map(AMessage::QKey),
        vec((snd_q_addr(), any::<bool>()), 1..=2).prop_map(AMessage::QUse),
        vec(snd_q_addr(), 1..=2).prop_map(AMessage::QTest),
        any::<i64>().prop_map(AMessage::EReady),
    ]
}

pub fn agent_message() -> impl Strategy<Value = AgentMessage> {
    prop_oneof![
        bytes(50).prop_map(AgentMessage::ConnInfo),
        (vec(current_queue_info(), 1..=2), bytes(50))
            .prop_map(|(qs, info)| AgentMessage::ConnInfoReply(qs, info)),
        bytes(50).prop_map(AgentMessage::RatchetInfo),
        (any::<i64>(), short(0, 32), a_message()).prop_map(|(snd_msg_id, prev_msg_hash, m)| {
            AgentMessage::Message(
                APrivHeader {
                    snd_msg_id,
                    prev_msg_hash,
                },
                m,
            )
        }),
    ]
}
