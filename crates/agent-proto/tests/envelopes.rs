//! The per-queue e2e layer (seal/open), the padded sizes of protocol-map §5.4, and
//! literal encodings of agent messages built from the reference's `smpEncode` definitions
//! (`Agent/Protocol.hs` `AgentMessage`, `AMessage`, `AgentMsgEnvelope`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use agent_proto::agent_envelope::AgentMsgEnvelope;
use agent_proto::agent_message::{AMessage, APrivHeader, AgentMessage};
use agent_proto::envelope::{
    ClientMessage, ClientMsgEnvelope, PrivHeader, open_client_message, seal_client_message,
    seal_client_message_once,
};
use agent_proto::error::AgentProtoError;
use agent_proto::versions::{CURRENT_AGENT_V, CURRENT_SMP_CLIENT_V};
use common::{inv_conn_request, rng};
use simplex_crypto::keys::PublicAuthKey;
use simplex_crypto::{Ed25519Secret, X25519Secret};
use simplex_encoding::{Decode, Encode, Short};

fn message(body: &[u8]) -> ClientMessage {
    let env = AgentMsgEnvelope::Message {
        agent_version: CURRENT_AGENT_V,
        enc_agent_message: body.to_vec(),
    };
    ClientMessage {
        header: PrivHeader::Empty,
        body: env.to_bytes(),
    }
}

#[test]
fn seal_and_open_with_agreed_secret() {
    let mut r = rng(10);
    let (rcv, snd) = (
        X25519Secret::generate(&mut r),
        X25519Secret::generate(&mut r),
    );
    let secret = snd.dh(&rcv.public());
    let msg = message(b"ratchet ciphertext");
    let env = seal_client_message(&mut r, CURRENT_SMP_CLIENT_V, &secret, None, &msg).unwrap();
    // 2 (version) + 1 ('0') + 24 (nonce) + 16 (tag) + 16000 (padded) = 16043 ≤ 16048.
    assert_eq!(env.to_bytes().len(), 16043);
    let env = ClientMsgEnvelope::from_bytes(&env.to_bytes()).unwrap();
    let back = open_client_message(&rcv.dh(&snd.public()), &env).unwrap();
    assert_eq!(back, msg);
    let inner = AgentMsgEnvelope::from_bytes(&back.body).unwrap();
    assert!(matches!(
        inner,
        AgentMsgEnvelope::Message {
            agent_version: 7,
            ..
        }
    ));
    let wrong = X25519Secret::generate(&mut r).dh(&snd.public());
    assert!(matches!(
        open_client_message(&wrong, &env),
        Err(AgentProtoError::Crypto(_))
    ));
}

#[test]
fn confirmation_carries_key_and_smaller_padding() {
    let mut r = rng(11);
    let rcv = X25519Secret::generate(&mut r);
    let auth = PublicAuthKey::Ed25519(Ed25519Secret::generate(&mut r).public());
    let msg = ClientMessage {
        header: PrivHeader::Confirmation(Box::new(auth)),
        body: b"confirmation".to_vec(),
    };
    let env = seal_client_message_once(&mut r, 4, &rcv.public(), &msg).unwrap();
    let bytes = env.to_bytes();
    // 2 + 1 + 1 + 44 (X25519 SPKI) + 24 + 16 + 15904.
    assert_eq!(bytes.len(), 15992);
    assert_eq!(&bytes[..4], &[0, 4, b'1', 44]);
    let sender = env.header.sender_key.clone().unwrap();
    assert_eq!(open_client_message(&rcv.dh(&sender), &env).unwrap(), msg);
    let too_big = ClientMessage {
        header: PrivHeader::Empty,
        body: vec![0; 15903],
    };
    assert!(seal_client_message_once(&mut r, 4, &rcv.public(), &too_big).is_err());
}

#[test]
fn literal_agent_message_encodings() {
    let hello = AgentMessage::Message(
        APrivHeader {
            snd_msg_id: 2,
            prev_msg_hash: Short::from_slice(&[0xab; 32]).unwrap(),
        },
        AMessage::Hello,
    );
    let mut expected = b"M\0\0\0\0\0\0\0\x02\x20".to_vec();
    expected.extend([0xab; 32]);
    expected.push(b'H');
    assert_eq!(hello.to_bytes(), expected);
    assert_eq!(
        AgentMessage::Message(
            APrivHeader {
                snd_msg_id: -1,
                prev_msg_hash: Short::default(),
            },
            AMessage::EReady(258),
        )
        .to_bytes(),
        b"M\xff\xff\xff\xff\xff\xff\xff\xff\x00E\0\0\0\0\0\0\x01\x02"
    );
    assert_eq!(
        AgentMessage::ConnInfo(b"profile".to_vec()).to_bytes(),
        b"Iprofile"
    );
    assert_eq!(AMessage::Msg(b"hi".to_vec()).to_bytes(), b"Mhi");
    assert!(AMessage::from_bytes(b"QX").is_err());
    assert!(
        AMessage::from_bytes(b"V\x00").is_err(),
        "empty receipt list"
    );
    assert!(
        AgentMessage::from_bytes(b"D\x00").is_err(),
        "empty reply queue list"
    );
    assert!(AMessage::from_bytes(b"H?").is_err(), "trailing bytes");
}

#[test]
fn envelope_literals_and_invitation() {
    let m = AgentMsgEnvelope::Message {
        agent_version: 7,
        enc_agent_message: b"ct".to_vec(),
    };
    assert_eq!(m.to_bytes(), b"\0\x07Mct");
    let c = AgentMsgEnvelope::Confirmation {
        agent_version: 2,
        e2e: None,
        enc_conn_info: b"x".to_vec(),
    };
    assert_eq!(c.to_bytes(), b"\0\x02C0x");
    let inv = AgentMsgEnvelope::Invitation {
        agent_version: 7,
        conn_req: inv_conn_request(),
        conn_info: b"{}".to_vec(),
    };
    let bytes = inv.to_bytes();
    let text = common::INV_CONN_REQUEST.as_bytes();
    assert_eq!(&bytes[..3], b"\0\x07I");
    assert_eq!(
        usize::from(u16::from_be_bytes([bytes[3], bytes[4]])),
        text.len()
    );
    assert_eq!(&bytes[5..5 + text.len()], text);
    assert_eq!(AgentMsgEnvelope::from_bytes(&bytes).unwrap(), inv);
    // A contact link is not accepted where an invitation is expected.
    let mut contact = b"\0\x07I".to_vec();
    let c = common::CONTACT_CONN_REQUEST.as_bytes();
    contact.extend((c.len() as u16).to_be_bytes());
    contact.extend(c);
    assert!(AgentMsgEnvelope::from_bytes(&contact).is_err());
}

#[test]
fn message_hash_chains_over_exact_bytes() {
    let first = AgentMessage::ConnInfo(b"info".to_vec());
    let next = AgentMessage::Message(
        APrivHeader {
            snd_msg_id: 2,
            prev_msg_hash: Short::from_slice(&first.hash()).unwrap(),
        },
        AMessage::Msg(b"hello".to_vec()),
    );
    let decoded = AgentMessage::from_bytes(&next.to_bytes()).unwrap();
    let AgentMessage::Message(h, _) = decoded else {
        panic!("not a message")
    };
    assert_eq!(
        h.prev_msg_hash.as_slice(),
        simplex_crypto::hash::sha256(b"Iinfo")
    );
}
