//! XFTP wire forms: literal layouts, property round trips, authorization and garbage.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use simplex_crypto::authenticator::cb_verify;
use simplex_crypto::keys::{
    AuthAlgorithm, PrivateAuthKey, PublicAuthKey, X25519Public, X25519Secret,
};
use simplex_crypto::nonce::cb_nonce;
use simplex_encoding::{VersionRange, base64url};
use smp_proto::address::BasicAuth;
use smp_proto::error::{BlockingInfo, BlockingReason, CommandError};
use smp_proto::transmission::TAuth;
use xftp_proto::handshake::{CertChainPubKey, ClientHandshake, ClientHello, ServerHandshake};
use xftp_proto::transmission::{self, decode_request, decode_response};
use xftp_proto::versions::BLOCK_SIZE;
use xftp_proto::{CorrId, EntityId, FileCommand, FileInfo, FileResponse, XftpErrorType};

/// tests/ServerTests.hs `samplePubKey` (Ed25519) and `sampleDhPubKey` (X25519):
/// SPKI DER in standard base64.
const SAMPLE_KEYS: [&str; 2] = [
    "MCowBQYDK2VwAyEAfAOflyvbJv1fszgzkQ6buiZJVgSpQWsucXq7U6zjMgY=",
    "MCowBQYDK2VuAyEAriy+HcARIhqsgSjVnjKqoft+y6pxrxdY68zn4+LjYhQ=",
];

fn sample_der(i: usize) -> Vec<u8> {
    let url_safe: String = SAMPLE_KEYS[i]
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    base64url::decode(&url_safe).unwrap()
}

fn auth_key() -> PublicAuthKey {
    PublicAuthKey::from_spki(&sample_der(0)).unwrap()
}

fn dh_key() -> X25519Public {
    X25519Public::from_spki(&sample_der(1)).unwrap()
}

fn short(b: &[u8]) -> Vec<u8> {
    let mut v = vec![b.len() as u8];
    v.extend_from_slice(b);
    v
}

fn err_text(e: &XftpErrorType, v: u16) -> String {
    let mut b = Vec::new();
    e.encode_for(v, &mut b);
    String::from_utf8(b).unwrap()
}

fn parse_err(s: &str) -> XftpErrorType {
    let mut r = simplex_encoding::Reader::new(s.as_bytes());
    let e = XftpErrorType::parse(&mut r).unwrap();
    assert!(r.is_empty(), "{s} left bytes");
    e
}

/// The words of `XFTPErrorType`'s `smpEncode` (FileTransfer/Transport.hs).
#[test]
fn error_words() {
    let blocked = XftpErrorType::Blocked(BlockingInfo {
        reason: BlockingReason::Spam,
        notice: None,
    });
    let cases = [
        (XftpErrorType::Block, "BLOCK"),
        (XftpErrorType::Session, "SESSION"),
        (XftpErrorType::Handshake, "HANDSHAKE"),
        (XftpErrorType::SYNTAX, "CMD SYNTAX"),
        (XftpErrorType::Cmd(CommandError::NoEntity), "CMD NO_ENTITY"),
        (XftpErrorType::Auth, "AUTH"),
        (blocked.clone(), "BLOCKED reason=spam"),
        (XftpErrorType::Size, "SIZE"),
        (XftpErrorType::Quota, "QUOTA"),
        (XftpErrorType::Digest, "DIGEST"),
        (XftpErrorType::Crypto, "CRYPTO"),
        (XftpErrorType::NoFile, "NO_FILE"),
        (XftpErrorType::HasFile, "HAS_FILE"),
        (XftpErrorType::FileIo, "FILE_IO"),
        (XftpErrorType::Timeout, "TIMEOUT"),
        (XftpErrorType::Internal, "INTERNAL"),
        (XftpErrorType::Duplicate, "DUPLICATE_"),
    ];
    for (e, s) in cases {
        assert_eq!(err_text(&e, 3), s);
        assert_eq!(parse_err(s), e);
    }
    // BLOCKED needs v3 (blockedFilesXFTPVersion); older clients get AUTH.
    assert_eq!(err_text(&blocked, 2), "AUTH");
    let mut r = simplex_encoding::Reader::new(b"NOPE");
    assert!(XftpErrorType::parse(&mut r).is_err());
}

#[test]
fn command_layouts() {
    let k = auth_key();
    let spki = k.to_spki();
    let get = FileCommand::Get(dh_key());
    let mut want = b"FGET ".to_vec();
    want.extend(short(&dh_key().to_spki()));
    assert_eq!(get.to_bytes(), want);

    let new = FileCommand::New {
        file: FileInfo {
            snd_key: k.clone(),
            size: 65536,
            digest: vec![7; 32],
        },
        rcv_keys: vec![k.clone(), k.clone()],
        auth: Some(BasicAuth::new("pwd").unwrap()),
    };
    let mut want = b"FNEW ".to_vec();
    want.extend(short(&spki));
    want.extend([0, 1, 0, 0]);
    want.extend(short(&[7; 32]));
    want.push(2);
    want.extend(short(&spki));
    want.extend(short(&spki));
    want.extend(b"1\x03pwd");
    assert_eq!(new.to_bytes(), want);
    assert_eq!(FileCommand::parse(&want).unwrap(), new);

    for (c, s) in [
        (FileCommand::Put, "FPUT"),
        (FileCommand::Del, "FDEL"),
        (FileCommand::Ack, "FACK"),
        (FileCommand::Ping, "PING"),
    ] {
        assert_eq!(c.to_bytes(), s.as_bytes());
        assert_eq!(FileCommand::parse(s.as_bytes()).unwrap(), c);
    }
}

/// Behaviour of the reference parser (`parseProtocol`): unknown tags, trailing bytes,
/// missing parameters and empty key lists.
#[test]
fn command_syntax_errors() {
    assert_eq!(FileCommand::parse(b"HELLO"), Err(XftpErrorType::UNKNOWN));
    assert_eq!(FileCommand::parse(b"FPUT="), Err(XftpErrorType::UNKNOWN));
    assert_eq!(FileCommand::parse(b"FPUT x"), Err(XftpErrorType::SYNTAX));
    assert_eq!(FileCommand::parse(b"FGET"), Err(XftpErrorType::SYNTAX));
    assert_eq!(FileCommand::parse(b"FADD \x00"), Err(XftpErrorType::SYNTAX));
    let mut bad_key = b"FGET ".to_vec();
    bad_key.extend(short(&auth_key().to_spki())); // Ed25519, not X25519
    assert_eq!(FileCommand::parse(&bad_key), Err(XftpErrorType::SYNTAX));
}

#[test]
fn credentials_rules() {
    let new = FileCommand::New {
        file: FileInfo {
            snd_key: auth_key(),
            size: 1,
            digest: vec![],
        },
        rcv_keys: vec![auth_key()],
        auth: None,
    };
    let no_auth = Err(XftpErrorType::Cmd(CommandError::NoAuth));
    let has_auth = Err(XftpErrorType::Cmd(CommandError::HasAuth));
    assert_eq!(new.check_credentials(true, b""), Ok(()));
    assert_eq!(new.check_credentials(false, b""), no_auth);
    assert_eq!(new.check_credentials(true, b"id"), has_auth);
    assert_eq!(FileCommand::Ping.check_credentials(false, b""), Ok(()));
    assert_eq!(FileCommand::Ping.check_credentials(true, b""), has_auth);
    assert_eq!(FileCommand::Put.check_credentials(true, b"id"), Ok(()));
    assert_eq!(FileCommand::Put.check_credentials(true, b""), no_auth);
    assert_eq!(FileCommand::Ack.check_credentials(false, b"id"), no_auth);
}

#[test]
fn response_layouts_and_entity_rules() {
    let s = EntityId::new(&[1; 16]).unwrap();
    let r = EntityId::new(&[2; 16]).unwrap();
    let sids = FileResponse::SndIds(s.clone(), vec![r.clone()]);
    let mut b = Vec::new();
    sids.encode_for(3, &mut b);
    let mut want = b"SIDS ".to_vec();
    want.extend(short(&[1; 16]));
    want.push(1);
    want.extend(short(&[2; 16]));
    assert_eq!(b, want);
    assert_eq!(FileResponse::parse(&b).unwrap(), sids);
    let file = FileResponse::File(dh_key(), [9; 24]);
    let mut b = Vec::new();
    file.encode_for(3, &mut b);
    assert_eq!(b.len(), 5 + 45 + 24);
    assert_eq!(FileResponse::parse(&b).unwrap(), file);
    assert_eq!(
        FileResponse::parse(b"OK ").map(|_| ()),
        Err(XftpErrorType::SYNTAX)
    );
    assert_eq!(FileResponse::parse(b"WHAT"), Err(XftpErrorType::UNKNOWN));
    assert!(sids.check_entity(b"").is_ok());
    assert!(sids.check_entity(b"x").is_err());
    assert!(FileResponse::Ok.check_entity(b"").is_err());
    assert!(
        FileResponse::Err(XftpErrorType::Auth)
            .check_entity(b"")
            .is_ok()
    );
}

fn rng() -> rand::rngs::StdRng {
    use rand::SeedableRng;
    rand::rngs::StdRng::seed_from_u64(7)
}

#[test]
fn signed_command_block_round_trip() {
    let mut g = rng();
    let key = PrivateAuthKey::generate(AuthAlgorithm::Ed25519, &mut g).unwrap();
    let sess = [5u8; 32];
    let fid = EntityId::new(&[3; 16]).unwrap();
    let block = transmission::encode_command(
        &sess,
        &CorrId::empty(),
        &fid,
        &FileCommand::Ack,
        Some((&key, None)),
    )
    .unwrap();
    assert_eq!(block.len(), BLOCK_SIZE);
    let req = decode_request(&sess, &block).unwrap();
    assert_eq!(req.command, FileCommand::Ack);
    assert_eq!(req.entity_id, fid);
    // The authorization covers short(sessionId) ‖ short(corrId) ‖ short(fileId) ‖ cmd.
    let mut covered = short(&sess);
    covered.push(0);
    covered.extend(short(&[3; 16]));
    covered.extend(b"FACK");
    assert_eq!(req.authorized, covered);
    let Some(TAuth::Signature(sig)) = &req.auth else {
        panic!("expected a signature")
    };
    assert!(key.public().verify(&req.authorized, sig));
    // Another session id: SESSION, with the corrId echoed.
    let e = decode_request(&[6u8; 32], &block).unwrap_err();
    assert_eq!(e.error, XftpErrorType::Session);
}

#[test]
fn x25519_authenticator_block() {
    let mut g = rng();
    let server = X25519Secret::generate(&mut g);
    let key = PrivateAuthKey::generate(AuthAlgorithm::X25519, &mut g).unwrap();
    let sess = [1u8; 32];
    let fid = EntityId::new(&[4; 16]).unwrap();
    let cmd = FileCommand::Del;
    assert!(
        transmission::encode_command(&sess, &CorrId::empty(), &fid, &cmd, Some((&key, None)))
            .is_err()
    );
    let spub = server.public();
    let block = transmission::encode_command(
        &sess,
        &CorrId::empty(),
        &fid,
        &cmd,
        Some((&key, Some(&spub))),
    )
    .unwrap();
    let req = decode_request(&sess, &block).unwrap();
    let Some(TAuth::Authenticator(a)) = &req.auth else {
        panic!("expected an authenticator")
    };
    let PublicAuthKey::X25519(client_pub) = key.public() else {
        panic!("x25519")
    };
    assert!(cb_verify(
        &client_pub,
        &server,
        &cb_nonce(b""),
        &req.authorized,
        a
    ));
}

#[test]
fn garbage_blocks_are_block_errors() {
    let sess = [0u8; 32];
    assert_eq!(
        decode_request(&sess, b"").unwrap_err().error,
        XftpErrorType::Block
    );
    assert_eq!(
        decode_request(&sess, &[0xff; BLOCK_SIZE])
            .unwrap_err()
            .error,
        XftpErrorType::Block
    );
    // Two transmissions in one block are refused.
    let mut two = vec![2u8];
    for _ in 0..2 {
        two.extend([0, 1, 0]);
    }
    let block = simplex_crypto::pad::pad(&two, BLOCK_SIZE).unwrap();
    assert_eq!(
        decode_request(&sess, &block).unwrap_err().error,
        XftpErrorType::Block
    );
    // An unknown command echoes corrId and entity id.
    let body = transmission::transmission_body(
        &sess,
        &CorrId::new(b"c").unwrap(),
        &EntityId::new(b"f").unwrap(),
        b"NOPE",
    );
    let block = transmission::encode_block(&[], &body).unwrap();
    let e = decode_request(&sess, &block).unwrap_err();
    assert_eq!(e.error, XftpErrorType::UNKNOWN);
    assert_eq!(e.corr_id.as_bytes(), b"c");
    assert_eq!(e.entity_id.as_bytes(), b"f");
    // A bad authorization length is BLOCK.
    let block = transmission::encode_block(&[1; 10], &body).unwrap();
    assert_eq!(
        decode_request(&sess, &block).unwrap_err().error,
        XftpErrorType::Block
    );
}

#[test]
fn response_block_round_trip() {
    let sess = [8u8; 32];
    let rid = EntityId::new(&[2; 16]).unwrap();
    let resp = FileResponse::Err(XftpErrorType::Quota);
    let block = transmission::encode_response(&sess, 3, &CorrId::empty(), &rid, &resp).unwrap();
    let reply = decode_response(&sess, &block).unwrap();
    assert_eq!(reply.response, Ok(resp));
    assert_eq!(reply.entity_id, rid);
    assert_eq!(
        decode_response(&[0; 32], &block).unwrap_err(),
        XftpErrorType::Session
    );
}

#[test]
fn handshake_layouts() {
    let hs = ServerHandshake {
        versions: VersionRange::new(1, 3).unwrap(),
        session_id: vec![1; 32],
        cert_key: CertChainPubKey {
            chain: vec![vec![2; 10], vec![3; 5]],
            signed_key: vec![4; 7],
        },
        web_identity_proof: None,
    };
    let mut b = Vec::new();
    hs.encode(&mut b);
    let mut want = vec![0, 1, 0, 3];
    want.extend(short(&[1; 32]));
    want.extend([2, 0, 10]);
    want.extend([2; 10]);
    want.extend([0, 5]);
    want.extend([3; 5]);
    want.extend([0, 7]);
    want.extend([4; 7]);
    want.push(0); // empty proof
    assert_eq!(b, want);
    assert_eq!(ServerHandshake::parse(&b).unwrap(), hs);
    let with_proof = ServerHandshake {
        web_identity_proof: Some(vec![9; 64]),
        ..hs
    };
    let mut b = Vec::new();
    with_proof.encode(&mut b);
    b.extend(b"future");
    assert_eq!(ServerHandshake::parse(&b).unwrap(), with_proof);

    let ch = ClientHandshake {
        version: 3,
        key_hash: [7; 32],
    };
    let mut b = Vec::new();
    ch.encode(&mut b);
    assert_eq!(&b[..3], &[0, 3, 32]);
    assert_eq!(ClientHandshake::parse(&b).unwrap(), ch);
    assert!(ClientHandshake::parse(&b[..10]).is_err());

    let hello = ClientHello {
        web_challenge: Some([5; 32]),
    };
    let mut b = Vec::new();
    hello.encode(&mut b);
    assert_eq!(&b[..2], b"1\x20");
    assert_eq!(ClientHello::parse(&b).unwrap(), hello);
    assert_eq!(ClientHello::parse(b"0").unwrap(), ClientHello::default());
    assert!(ClientHello::parse(b"1\x03abc").is_err());
}

fn arb_id() -> impl Strategy<Value = EntityId> {
    proptest::collection::vec(any::<u8>(), 0..40).prop_map(|v| EntityId::new(&v).unwrap())
}

fn arb_error() -> impl Strategy<Value = XftpErrorType> {
    prop_oneof![
        Just(XftpErrorType::Block),
        Just(XftpErrorType::Session),
        Just(XftpErrorType::Handshake),
        Just(XftpErrorType::SYNTAX),
        Just(XftpErrorType::Cmd(CommandError::Prohibited)),
        Just(XftpErrorType::Auth),
        Just(XftpErrorType::Blocked(BlockingInfo {
            reason: BlockingReason::Content,
            notice: None
        })),
        Just(XftpErrorType::Size),
        Just(XftpErrorType::Quota),
        Just(XftpErrorType::Digest),
        Just(XftpErrorType::Crypto),
        Just(XftpErrorType::NoFile),
        Just(XftpErrorType::HasFile),
        Just(XftpErrorType::FileIo),
        Just(XftpErrorType::Timeout),
        Just(XftpErrorType::Internal),
    ]
}

fn arb_response() -> impl Strategy<Value = FileResponse> {
    let ids = || proptest::collection::vec(arb_id(), 1..5);
    prop_oneof![
        (arb_id(), ids()).prop_map(|(s, r)| FileResponse::SndIds(s, r)),
        ids().prop_map(FileResponse::RcvIds),
        any::<[u8; 24]>().prop_map(|n| FileResponse::File(dh_key(), n)),
        Just(FileResponse::Ok),
        Just(FileResponse::Pong),
        arb_error().prop_map(FileResponse::Err),
    ]
}

fn arb_command() -> impl Strategy<Value = FileCommand> {
    let keys = (1usize..6).prop_map(|n| vec![auth_key(); n]);
    prop_oneof![
        (
            any::<u32>(),
            proptest::collection::vec(any::<u8>(), 0..64),
            keys.clone(),
            proptest::option::of("[a-zA-Z0-9]{1,20}")
        )
            .prop_map(|(size, digest, rcv_keys, pw)| FileCommand::New {
                file: FileInfo {
                    snd_key: auth_key(),
                    size,
                    digest
                },
                rcv_keys,
                auth: pw.map(|p| BasicAuth::new(&p).unwrap()),
            }),
        keys.prop_map(FileCommand::Add),
        Just(FileCommand::Put),
        Just(FileCommand::Del),
        Just(FileCommand::Get(dh_key())),
        Just(FileCommand::Ack),
        Just(FileCommand::Ping),
    ]
}

proptest! {
    #[test]
    fn commands_round_trip(c in arb_command()) {
        prop_assert_eq!(FileCommand::parse(&c.to_bytes()).unwrap(), c);
    }

    #[test]
    fn responses_round_trip_through_blocks(r in arb_response(), corr in arb_id(), sess in proptest::collection::vec(any::<u8>(), 0..64)) {
        let corr = CorrId::new(corr.as_bytes()).unwrap();
        let ent = match &r {
            FileResponse::SndIds(..) | FileResponse::Pong => EntityId::empty(),
            _ => EntityId::new(b"entity").unwrap(),
        };
        let block = transmission::encode_response(&sess, 3, &corr, &ent, &r).unwrap();
        prop_assert_eq!(block.len(), BLOCK_SIZE);
        let reply = decode_response(&sess, &block).unwrap();
        prop_assert_eq!(reply.response, Ok(r));
        prop_assert_eq!(reply.corr_id, corr);
    }

    #[test]
    fn garbage_never_panics(b in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = FileCommand::parse(&b);
        let _ = FileResponse::parse(&b);
        let _ = ServerHandshake::parse(&b);
        let _ = ClientHandshake::parse(&b);
        let _ = ClientHello::parse(&b);
        let mut block = b.clone();
        block.resize(BLOCK_SIZE, b'#');
        if let Ok(req) = decode_request(&[0; 32], &block) {
            // Whatever is accepted re-encodes to the bytes that were authorized.
            prop_assert!(req.authorized.ends_with(&req.command.to_bytes()));
        }
        let _ = decode_response(&[0; 32], &block);
    }
}
