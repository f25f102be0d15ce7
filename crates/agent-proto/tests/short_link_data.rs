//! Short-link data: the reference's tests/AgentTests/ShortLinkTests.hs scenarios (round
//! trips with random keys, so no literal outputs), plus tamper checks and KDF vectors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use agent_proto::conn_request::ConnectionMode;
use agent_proto::error::AgentProtoError;
use agent_proto::link_crypto::{
    contact_link_kdf, decrypt_link_data, encode_sign_link_data, encode_sign_user_data,
    encrypt_link_data, encrypt_user_data, invitation_link_kdf, new_owner_auth,
    sender_id_from_corr_id,
};
use agent_proto::link_data::{
    ConnLinkData, OwnerAuth, UserConnLinkData, UserContactData, UserLinkData,
};
use agent_proto::short_link::{LinkKey, ShortLink};
use agent_proto::versions::AGENT_RANGE;
use common::{contact_conn_request, inv_conn_request, rng};
use rand::RngExt as _;
use simplex_crypto::Ed25519Secret;
use simplex_crypto::sbox::SbKey;
use simplex_encoding::{Short, base64url};
use smp_proto::command::QueueLinkData;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Expected values computed independently (Python `hmac`/`hashlib`) for the link key
/// `"0123456789abcdef0123456789abcdef"` and the correlation id `00 01 … 17`.
#[test]
fn kdf_and_sender_id_vectors() {
    let key = LinkKey(*b"0123456789abcdef0123456789abcdef");
    let (id, sb) = contact_link_kdf(&key);
    assert_eq!(
        hex(id.as_bytes()),
        "7bb6cac6ddda05661de73a9974926c4d3d30f3dd36e0e365"
    );
    assert_eq!(
        hex(sb.as_bytes()),
        "92f91f61f480698b6edcbc6277359f463f5810065e47253f72657bb8847e0ebe"
    );
    assert_eq!(
        hex(invitation_link_kdf(&key).as_bytes()),
        "7414e908a26d11b2e23016afa771e45d62bcdd72a14237958069e33f9c2c2319"
    );
    let corr: Vec<u8> = (0u8..24).collect();
    assert_eq!(
        hex(sender_id_from_corr_id(&corr).as_bytes()),
        "3ae1a7e6f8e0007f53167b85c478203b8445ac2b7b092da2"
    );
}

fn contact_data(user: &[u8], owners: Vec<OwnerAuth>, relays: Vec<ShortLink>) -> UserContactData {
    UserContactData {
        direct: true,
        owners,
        relays,
        user_data: UserLinkData(user.to_vec()),
    }
}

/// A contact link encrypted with fresh keys: root key, fixed data, link key, sb key.
struct ContactLink {
    root: Ed25519Secret,
    fixed: Vec<u8>,
    link_key: LinkKey,
    key: SbKey,
}

fn encrypt_contact_link(r: &mut rand::rngs::StdRng) -> ContactLink {
    let root = Ed25519Secret::generate(r);
    let data = UserConnLinkData::Contact(contact_data(b"some user data", vec![], vec![]));
    let (link_key, fd, ud) =
        encode_sign_link_data(&root, AGENT_RANGE, contact_conn_request(), None, data);
    let (_, key) = contact_link_kdf(&link_key);
    let enc = encrypt_link_data(r, &key, &fd, &ud).unwrap();
    assert_eq!((enc.fixed.len(), enc.user.len()), (2048, 13824));
    ContactLink {
        root,
        fixed: enc.fixed,
        link_key,
        key,
    }
}

/// Signs `data` with `signer`, encrypts it as the link's user part and decrypts the link.
fn enc_dec(
    r: &mut rand::rngs::StdRng,
    l: &ContactLink,
    signer: &Ed25519Secret,
    data: &UserContactData,
) -> Result<UserContactData, AgentProtoError> {
    let signed =
        encode_sign_user_data(signer, AGENT_RANGE, UserConnLinkData::Contact(data.clone()));
    let user = encrypt_user_data(r, &l.key, &signed).unwrap();
    let enc = QueueLinkData {
        fixed: l.fixed.clone(),
        user,
    };
    let (fixed, user) = decrypt_link_data(&l.link_key, &l.key, ConnectionMode::Contact, &enc)?;
    assert_eq!(fixed.conn_req, contact_conn_request());
    assert_eq!(fixed.root_key, l.root.public());
    match user {
        ConnLinkData::Contact { data, .. } => Ok(data),
        ConnLinkData::Invitation { .. } => panic!("wrong mode"),
    }
}

#[test]
fn invitation_link_round_trip_and_bad_hash() {
    let mut r = rng(1);
    let root = Ed25519Secret::generate(&mut r);
    let data = UserConnLinkData::Invitation(UserLinkData(b"some user data".to_vec()));
    let (link_key, fd, ud) =
        encode_sign_link_data(&root, AGENT_RANGE, inv_conn_request(), None, data);
    let key = invitation_link_kdf(&link_key);
    let enc = encrypt_link_data(&mut r, &key, &fd, &ud).unwrap();
    let (fixed, user) =
        decrypt_link_data(&link_key, &key, ConnectionMode::Invitation, &enc).unwrap();
    assert_eq!(fixed.conn_req, inv_conn_request());
    assert_eq!(user.user_data().0, b"some user data");
    assert_eq!(
        decrypt_link_data(&link_key, &key, ConnectionMode::Contact, &enc),
        Err(AgentProtoError::WrongMode {
            expected: ConnectionMode::Contact,
            found: ConnectionMode::Invitation
        })
    );
    // Data encrypted under another (random) link key fails the hash check.
    let other = LinkKey(r.random());
    let key = invitation_link_kdf(&other);
    let enc = encrypt_link_data(&mut r, &key, &fd, &ud).unwrap();
    assert_eq!(
        decrypt_link_data(&other, &key, ConnectionMode::Invitation, &enc),
        Err(AgentProtoError::LinkDataHash)
    );
}

#[test]
fn contact_link_round_trip_update_and_bad_signature() {
    let mut r = rng(2);
    let l = encrypt_contact_link(&mut r);
    let ud = contact_data(b"some user data", vec![], vec![]);
    assert_eq!(enc_dec(&mut r, &l, &l.root, &ud).unwrap(), ud);
    // Updated user data with relay links (ShortLinkTests.hs `relayLink1`, `relayLink2`).
    let relays = [
        "https://localhost/a#4AkRDmhf64tdRlN406g8lJRg5OCmhD6ynIhi6glOcCM?p=7001&c=LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI",
        "https://localhost/a#4AkRDmhf64tdRlN406g8lJRg5OCmhD6ynIhi6glOcCM",
    ]
    .map(|s| ShortLink::parse_text(s).unwrap());
    let mut updated = contact_data(b"updated user data", vec![], relays.to_vec());
    updated.direct = false;
    assert_eq!(enc_dec(&mut r, &l, &l.root, &updated).unwrap(), updated);
    let stranger = Ed25519Secret::generate(&mut r);
    assert_eq!(
        enc_dec(&mut r, &l, &stranger, &updated),
        Err(AgentProtoError::UserDataSignature)
    );
}

#[test]
fn contact_link_bad_hash_and_tampering() {
    let mut r = rng(3);
    let root = Ed25519Secret::generate(&mut r);
    let data = UserConnLinkData::Contact(contact_data(b"x", vec![], vec![]));
    let (link_key, fd, ud) =
        encode_sign_link_data(&root, AGENT_RANGE, contact_conn_request(), None, data);
    let other = LinkKey(r.random());
    let (_, key) = contact_link_kdf(&other);
    let enc = encrypt_link_data(&mut r, &key, &fd, &ud).unwrap();
    assert_eq!(
        decrypt_link_data(&other, &key, ConnectionMode::Contact, &enc),
        Err(AgentProtoError::LinkDataHash)
    );
    // A fixed part whose signature is replaced fails the signature check.
    let (_, key) = contact_link_kdf(&link_key);
    let mut forged = fd.clone();
    forged[1..65].copy_from_slice(&Ed25519Secret::generate(&mut r).sign_array(&fd[65..]));
    let enc = encrypt_link_data(&mut r, &key, &forged, &ud).unwrap();
    assert_eq!(
        decrypt_link_data(&link_key, &key, ConnectionMode::Contact, &enc),
        Err(AgentProtoError::LinkDataSignature)
    );
    // A flipped ciphertext byte fails decryption.
    let mut enc = encrypt_link_data(&mut r, &key, &fd, &ud).unwrap();
    enc.fixed[100] ^= 1;
    assert!(matches!(
        decrypt_link_data(&link_key, &key, ConnectionMode::Contact, &enc),
        Err(AgentProtoError::Crypto(_))
    ));
    enc.fixed.truncate(10);
    assert!(decrypt_link_data(&link_key, &key, ConnectionMode::Contact, &enc).is_err());
}

fn new_owner(r: &mut rand::rngs::StdRng, by: &Ed25519Secret) -> (Ed25519Secret, OwnerAuth) {
    let id: [u8; 16] = r.random();
    new_owner_auth(r, Short::from_slice(&id).unwrap(), by)
}

fn id_str(o: &OwnerAuth) -> String {
    base64url::encode_unpadded(o.owner_id.as_slice())
}

#[test]
fn owners_sign_user_data() {
    let mut r = rng(4);
    let l = encrypt_contact_link(&mut r);
    let (pk1, o1) = new_owner(&mut r, &l.root);
    let (pk2, o2) = new_owner(&mut r, &l.root);
    let (pk3, o3) = new_owner(&mut r, &pk1);
    let (pk4, o4) = new_owner(&mut r, &pk1);
    let (pk5, o5) = new_owner(&mut r, &pk3);
    let ud = contact_data(b"updated user data", vec![o1, o2, o3, o4, o5], vec![]);
    for signer in [&l.root, &pk1, &pk2, &pk3, &pk4, &pk5] {
        assert_eq!(enc_dec(&mut r, &l, signer, &ud).unwrap(), ud);
    }
    let stranger = Ed25519Secret::generate(&mut r);
    assert_eq!(
        enc_dec(&mut r, &l, &stranger, &ud),
        Err(AgentProtoError::UserDataSignature)
    );
}

#[test]
fn invalid_owner_chains() {
    let mut r = rng(5);
    let l = encrypt_contact_link(&mut r);
    let (owner_pk, owner) = new_owner(&mut r, &l.root);
    let mk = |owners: Vec<OwnerAuth>| contact_data(b"updated user data", owners, vec![]);
    // An owner using the root key.
    let mut as_root = owner.clone();
    as_root.owner_key = l.root.public();
    let err = AgentProtoError::OwnerIsRoot(id_str(&owner));
    assert_eq!(
        enc_dec(&mut r, &l, &l.root, &mk(vec![as_root.clone()])),
        Err(err.clone())
    );
    assert_eq!(enc_dec(&mut r, &l, &owner_pk, &mk(vec![as_root])), Err(err));
    // Duplicate owner id or key.
    let (_, owner1) = new_owner(&mut r, &l.root);
    let mut same_id = owner1.clone();
    same_id.owner_id = owner.owner_id.clone();
    let mut same_key = owner1.clone();
    same_key.owner_key = owner.owner_key.clone();
    assert_eq!(
        enc_dec(&mut r, &l, &l.root, &mk(vec![owner.clone(), same_id])),
        Err(AgentProtoError::DuplicateOwner(id_str(&owner)))
    );
    assert_eq!(
        enc_dec(&mut r, &l, &l.root, &mk(vec![owner.clone(), same_key])),
        Err(AgentProtoError::DuplicateOwner(id_str(&owner1)))
    );
    // Order: an owner must come after the owner who authorized it.
    let (pk2, owner2) = new_owner(&mut r, &owner_pk);
    let ok = mk(vec![owner.clone(), owner1.clone(), owner2.clone()]);
    for signer in [&l.root, &owner_pk, &pk2] {
        assert_eq!(enc_dec(&mut r, &l, signer, &ok).unwrap(), ok);
    }
    let ok2 = mk(vec![owner.clone(), owner2.clone(), owner1.clone()]);
    assert_eq!(enc_dec(&mut r, &l, &l.root, &ok2).unwrap(), ok2);
    let bad_order = mk(vec![owner2.clone(), owner.clone(), owner1.clone()]);
    assert_eq!(
        enc_dec(&mut r, &l, &l.root, &bad_order),
        Err(AgentProtoError::OwnerNotAuthorized(id_str(&owner2)))
    );
    // Authorized by a key that is neither the root nor an owner.
    let stranger = Ed25519Secret::generate(&mut r);
    let (_, owner3) = new_owner(&mut r, &stranger);
    let err3 = AgentProtoError::OwnerNotAuthorized(id_str(&owner3));
    assert_eq!(
        enc_dec(&mut r, &l, &l.root, &mk(vec![owner3.clone()])),
        Err(err3.clone())
    );
    let long = mk(vec![owner, owner1, owner2, owner3]);
    assert_eq!(enc_dec(&mut r, &l, &l.root, &long), Err(err3));
}

#[test]
fn large_user_data_and_limits() {
    let mut r = rng(6);
    let l = encrypt_contact_link(&mut r);
    // Over 254 bytes the user data switches to the 0xFF ‖ large form.
    let big = contact_data(&[7u8; 5000], vec![], vec![]);
    assert_eq!(enc_dec(&mut r, &l, &l.root, &big).unwrap(), big);
    // Too large for the 13784-byte padding.
    let signed = encode_sign_user_data(
        &l.root,
        AGENT_RANGE,
        UserConnLinkData::Contact(contact_data(&[7u8; 13800], vec![], vec![])),
    );
    assert!(encrypt_user_data(&mut r, &l.key, &signed).is_err());
}
