//! Wire forms and sizes: X3DH params, KEM params, message headers, the stored message
//! key and ratchet state, and the padded sizes the agent relies on
//! (`protocol-map.md` §5.4 and §6.4).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Mode, init_pair, recv, rng, send};
use simplex_crypto::X448Public;
use simplex_encoding::{Decode, Encode, Reader, VersionRange, base64url};
use simplex_ratchet::header::{EncMessageHeader, EncRatchetMessage, MsgHeader};
use simplex_ratchet::{
    E2ERatchetParams, E2ERatchetParamsUri, KemKeyPair, KemParams, Key32, MessageKey, MsgEncryptKey,
    PQEncryption, PrivKemParams, RatchetError, RatchetState, encrypt, encrypt_header,
};

/// `testDhPubKey` of `tests/AgentTests/ConnectionRequestTests.hs` (an X448 SPKI, in
/// standard base64 there).
fn test_dh_pub_key() -> (Vec<u8>, X448Public) {
    let b64 = "MEIwBQYDK2VvAzkAmKuSYeQ/m0SixPDS8Wq8VBaTS1cW+Lp0n0h4Diu+kUpR+qXx4SDJ32YGEFoGFGSbGPry5Ychr6U=";
    let spki = base64url::decode(&b64.replace('+', "-").replace('/', "_")).unwrap();
    let key = X448Public::from_spki(&spki).unwrap();
    (spki, key)
}

#[test]
fn e2e_params_layout_by_version() {
    let (spki, k) = test_dh_pub_key();
    // The X448 SPKI prefix of protocol-map §4.3.
    assert_eq!(
        spki[..12],
        [
            0x30, 0x42, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6f, 0x03, 0x39, 0x00
        ]
    );
    let v2 = E2ERatchetParams {
        version: 2,
        k1: k.clone(),
        k2: k.clone(),
        kem: None,
    };
    let mut expected = vec![0x00, 0x02, 68];
    expected.extend_from_slice(&spki);
    expected.push(68);
    expected.extend_from_slice(&spki);
    assert_eq!(v2.to_bytes(), expected);
    assert_eq!(E2ERatchetParams::from_bytes(&expected).unwrap(), v2);
    // At v2 nothing follows the keys: a KEM field is trailing garbage.
    let mut with_kem = expected.clone();
    with_kem.push(b'0');
    assert!(E2ERatchetParams::from_bytes(&with_kem).is_err());

    let v3 = E2ERatchetParams { version: 3, ..v2 };
    let mut expected3 = expected.clone();
    expected3[1] = 3;
    expected3.push(b'0');
    assert_eq!(v3.to_bytes(), expected3);
    assert_eq!(E2ERatchetParams::from_bytes(&expected3).unwrap(), v3);
    // v3 requires the optional KEM field.
    assert!(E2ERatchetParams::from_bytes(&expected3[..expected3.len() - 1]).is_err());
}

#[test]
fn e2e_params_with_kem_round_trip() {
    let g = &mut rng(1);
    let (_, k) = test_dh_pub_key();
    let kp = KemKeyPair::generate(g);
    let (ct, _) = kp.public.encapsulate(g);
    for kem in [
        KemParams::Proposed(kp.public.clone()),
        KemParams::Accepted(ct.clone(), kp.public.clone()),
    ] {
        let p = E2ERatchetParams {
            version: 3,
            k1: k.clone(),
            k2: k.clone(),
            kem: Some(kem.clone()),
        };
        let bytes = p.to_bytes();
        let tag_at = 2 + 69 + 69;
        assert_eq!(bytes[tag_at], b'1');
        match &kem {
            KemParams::Proposed(_) => {
                assert_eq!(bytes[tag_at + 1..tag_at + 4], [b'P', 0x04, 0x86]);
                assert_eq!(bytes.len(), tag_at + 2 + 2 + 1158);
            }
            KemParams::Accepted(..) => {
                assert_eq!(bytes[tag_at + 1..tag_at + 4], [b'A', 0x04, 0x0f]);
                assert_eq!(bytes.len(), tag_at + 2 + 2 + 1039 + 2 + 1158);
            }
        }
        assert_eq!(E2ERatchetParams::from_bytes(&bytes).unwrap(), p);
        assert_eq!(KemParams::from_bytes(&kem.to_bytes()).unwrap(), kem);
    }
    // Wrong sizes and unknown tags are refused.
    assert!(KemParams::from_bytes(&[b'P', 0, 1, 7]).is_err());
    assert!(KemParams::from_bytes(b"X").is_err());
}

#[test]
fn e2e_params_uri_binary_round_trip() {
    let (spki, k) = test_dh_pub_key();
    let p = E2ERatchetParamsUri {
        versions: VersionRange::new(2, 3).unwrap(),
        k1: k.clone(),
        k2: k,
        kem: None,
    };
    let bytes = p.to_bytes();
    assert_eq!(bytes[..5], [0, 2, 0, 3, 68]);
    assert_eq!(bytes.len(), 4 + 2 * (1 + spki.len()) + 1);
    assert_eq!(E2ERatchetParamsUri::from_bytes(&bytes).unwrap(), p);
    assert_eq!(p.at_version(3).version, 3);
}

#[test]
fn private_kem_params_round_trip() {
    let g = &mut rng(2);
    let kp = KemKeyPair::generate(g);
    let (ct, ss) = kp.public.encapsulate(g);
    let proposed = PrivKemParams::Proposed(kp.clone()).to_bytes();
    assert_eq!(proposed.len(), 1 + 2 + 1158 + 2 + 1763);
    let back = PrivKemParams::from_bytes(&proposed).unwrap();
    assert_eq!(back.to_bytes(), proposed);
    let accepted = PrivKemParams::Accepted(ct, ss, kp).to_bytes();
    assert_eq!(accepted.len(), 1 + 2 + 1039 + 1 + 32 + 2 + 1158 + 2 + 1763);
    let PrivKemParams::Accepted(ct2, ss2, kp2) = PrivKemParams::from_bytes(&accepted).unwrap()
    else {
        panic!("wrong variant")
    };
    // The decoded secret key still decapsulates what was sent to its public key.
    assert_eq!(kp2.secret.decapsulate(&ct2), ss2);
}

#[test]
fn message_header_sizes() {
    let g = &mut rng(3);
    let (_, dh) = test_dh_pub_key();
    let kp = KemKeyPair::generate(g);
    let (ct, _) = kp.public.encapsulate(g);
    let plain = MsgHeader {
        max_version: 3,
        dh,
        kem: None,
        pn: 7,
        ns: 0x0102_0304,
    };
    // v3: 2 + (1 + 68) + 1 + 4 + 4 = 80; v2 has no KEM field.
    assert_eq!(plain.encode_v(3).len(), 80);
    assert_eq!(plain.encode_v(2).len(), 79);
    assert_eq!(plain.encode_v(3)[76..], [1, 2, 3, 4]);
    assert_eq!(MsgHeader::decode_v(3, &plain.encode_v(3)).unwrap(), plain);
    assert_eq!(MsgHeader::decode_v(2, &plain.encode_v(2)).unwrap(), plain);
    let accepted = MsgHeader {
        kem: Some(KemParams::Accepted(ct, kp.public.clone())),
        ..plain.clone()
    };
    // The largest header fits the 2310-byte padded size (2 bytes for the length).
    assert_eq!(accepted.encode_v(3).len(), 2282);
    assert_eq!(
        MsgHeader::decode_v(3, &accepted.encode_v(3)).unwrap(),
        accepted
    );
    // Bytes after the header are ignored, as by the reference (`parseE'`).
    let mut extended = plain.encode_v(3);
    extended.extend_from_slice(b"future");
    assert_eq!(MsgHeader::decode_v(3, &extended).unwrap(), plain);
}

#[test]
fn encrypted_header_and_message_sizes() {
    let (_alice, bob) = init_pair(4, Mode::NoKem);
    // Non-PQ v3: the encrypted header block is 124 bytes (the spec diagram's 123 is v2).
    let (mek, _) = encrypt_header(&bob.state, None, 3).unwrap();
    assert_eq!(mek.enc_header().len(), 124);
    let hdr = EncMessageHeader::from_bytes(mek.enc_header()).unwrap();
    assert_eq!((hdr.version, hdr.body.len()), (3, 88));
    assert_eq!(mek.enc_header()[34..36], [0, 88], "2-byte length at v3");
    // Agent messages: 15840 bytes padded without PQ headers, 13618 with.
    let msg = encrypt(&bob.state, None, b"agent message", 15840)
        .unwrap()
        .0;
    assert_eq!(msg.len(), 2 + 124 + 16 + 15840);
    let parsed = EncRatchetMessage::parse(&msg).unwrap();
    assert_eq!((parsed.header.len(), parsed.body.len()), (124, 15840));
    let pq = encrypt(&bob.state, Some(PQEncryption::ON), b"agent message", 13618)
        .unwrap()
        .0;
    assert_eq!(pq.len(), 2 + (2 + 16 + 16 + 2 + 2310) + 16 + 13618);
    // Both fit the same envelope: w16 agent version ‖ 'M' ‖ message ≤ 15998 (§5.4).
    assert_eq!(3 + msg.len(), 15985);
    assert_eq!(3 + pq.len(), 15985);
    // Connection info: 14832 / 11106.
    let info = encrypt(&bob.state, None, b"conn info", 14832).unwrap().0;
    assert_eq!(info.len(), 2 + 124 + 16 + 14832);
    assert!(encrypt(&bob.state, None, &[0; 15839], 15840).is_err());
}

#[test]
fn v2_length_prefixes_are_one_byte_and_parse_either_way() {
    let header = vec![0x55u8; 123];
    let body = [9u8; 20];
    let m = EncRatchetMessage {
        header: &header,
        tag: [1; 16],
        body: &body,
    };
    let v2 = m.encode_v(2);
    assert_eq!(v2[0], 123);
    assert_eq!(EncRatchetMessage::parse(&v2).unwrap(), m);
    let v3 = m.encode_v(3);
    assert_eq!(v3[..2], [0, 123]);
    assert_eq!(EncRatchetMessage::parse(&v3).unwrap(), m);
}

#[test]
fn message_key_and_msg_encrypt_key_encodings() {
    let mk = MessageKey::new(Key32::from_bytes([7; 32]), [8; 16]);
    let bytes = mk.to_bytes();
    assert_eq!(bytes.len(), 1 + 32 + 1 + 16);
    assert_eq!((bytes[0], bytes[33]), (32, 16));
    assert_eq!(MessageKey::from_bytes(&bytes).unwrap(), mk);
    assert!(MessageKey::from_bytes(&bytes[..49]).is_err());

    let (_, bob) = init_pair(5, Mode::NoKem);
    let (mek, _) = encrypt_header(&bob.state, None, 3).unwrap();
    let stored = mek.to_bytes();
    // w16 v ‖ short(AD 112) ‖ message key (50) ‖ large(124)
    assert_eq!(stored.len(), 2 + 113 + 50 + 2 + 124);
    let back = MsgEncryptKey::from_bytes(&stored).unwrap();
    assert_eq!(back, mek);
    assert_eq!(
        back.encrypt(100, b"x").unwrap(),
        mek.encrypt(100, b"x").unwrap()
    );
    let mut trailing = stored.clone();
    trailing.push(0);
    assert!(MsgEncryptKey::from_bytes(&trailing).is_err());
}

#[test]
fn state_storage_round_trips_and_rejects_bad_input() {
    let g = &mut rng(6);
    let (mut alice, mut bob) = init_pair(6, Mode::KemAccepted);
    let mut states = vec![alice.state.clone(), bob.state.clone()];
    for i in 0..3 {
        let ct = send(&mut bob, None, format!("b{i}").as_bytes());
        recv(g, &mut alice, &ct).unwrap().unwrap();
        let ct = send(
            &mut alice,
            Some(PQEncryption::ON),
            format!("a{i}").as_bytes(),
        );
        recv(g, &mut bob, &ct).unwrap().unwrap();
        states.extend([alice.state.clone(), bob.state.clone()]);
    }
    for st in &states {
        let bytes = st.to_bytes();
        let back = RatchetState::from_bytes(&bytes).unwrap();
        assert_eq!(*back.to_bytes(), *bytes);
        assert_eq!(format!("{back:?}"), format!("{st:?}"));
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert!(matches!(
            RatchetState::from_bytes(&longer),
            Err(RatchetError::Stored(_))
        ));
        let mut other_format = bytes.to_vec();
        other_format[0] = 2;
        assert!(RatchetState::from_bytes(&other_format).is_err());
        for cut in (0..bytes.len()).step_by(97) {
            assert!(RatchetState::from_bytes(&bytes[..cut]).is_err());
        }
    }
    // The Debug output holds no key material.
    let dbg = format!("{:?}", states[2]);
    assert!(dbg.contains("RatchetState") && !dbg.contains("rk"));
}

#[test]
fn params_decode_inside_a_larger_structure() {
    let (_, k) = test_dh_pub_key();
    let p = E2ERatchetParams {
        version: 3,
        k1: k.clone(),
        k2: k,
        kem: None,
    };
    let mut buf = p.to_bytes();
    buf.extend_from_slice(b"tail");
    let r = &mut Reader::new(&buf);
    assert_eq!(E2ERatchetParams::decode(r).unwrap(), p);
    assert_eq!(r.tail(), b"tail");
}
