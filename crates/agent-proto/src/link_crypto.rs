//! Signing, encrypting and checking short-link data (the reference's
//! `Crypto/ShortLink.hs`), protocol-map §5.3.
//!
//! - Each part is signed: `signed = short(Ed25519 sig) ‖ data`; the fixed part by the root
//!   key, the user part by the root key or (contact links) an owner.
//! - `linkKey = SHA3-256(fixed data)` (the unsigned bytes).
//! - Contact links: `linkId ‖ key = HKDF-SHA512(salt "", linkKey, "SimpleXContactLink", 56)`
//!   (24 + 32 bytes). Invitations: `key = HKDF-SHA512("", linkKey, "SimpleXInvLink", 32)`
//!   and the relay picks the link id.
//! - Each part is stored as `nonce(24) ‖ secretbox(key, nonce, pad(signed, L))`, with
//!   `L` = 2008 for the fixed part and 13784 for the user part (2048 and 13824 bytes in
//!   all). The secretbox is the reference's HSalsa20-keyed one ([`simplex_crypto::sbox`]).
//! - A queue's sender id can be fixed before the relay answers `NEW`: it is the first 24
//!   bytes of SHA3-384 of the command's correlation id ([`sender_id_from_corr_id`]).

use simplex_crypto::hash::{sha3_256, sha3_384};
use simplex_crypto::kdf::hkdf_sha512_array;
use simplex_crypto::nonce::{CbNonce, NONCE_LEN, random_nonce};
use simplex_crypto::rand_core::CryptoRng;
use simplex_crypto::sbox::{SbKey, sb_decrypt, sb_encrypt};
use simplex_crypto::{Ed25519Public, Ed25519Secret};
use simplex_encoding::writer::put_short;
use simplex_encoding::{Decode, DecodeError, Encode, Reader, Short, VersionRange, base64url};
use smp_proto::EntityId;
use smp_proto::command::QueueLinkData;

use crate::conn_request::{ConnectionMode, ConnectionRequest};
use crate::error::{AgentProtoError, Result};
use crate::link_data::{ConnLinkData, FixedLinkData, OwnerAuth, SIGNATURE_LEN, UserConnLinkData};
use crate::short_link::LinkKey;

/// Padded length of the signed fixed data (2048 − 24 nonce − 16 tag).
pub const FIXED_DATA_PADDED_LEN: usize = 2008;
/// Padded length of the signed user data (13824 − 24 − 16).
pub const USER_DATA_PADDED_LEN: usize = 13784;

/// Link id and secretbox key of a contact-type link.
pub fn contact_link_kdf(key: &LinkKey) -> (EntityId, SbKey) {
    let out = hkdf_sha512_array::<56>(b"", &key.0, b"SimpleXContactLink");
    let (id, k) = out.split_at(24);
    // 24 bytes always fit in an id; `k` is exactly 32 bytes.
    let id = EntityId::new(id).unwrap_or_default();
    let mut sb = [0u8; 32];
    sb.copy_from_slice(k);
    (id, SbKey::from_bytes(sb))
}

/// Secretbox key of an invitation link.
pub fn invitation_link_kdf(key: &LinkKey) -> SbKey {
    SbKey::from_bytes(*hkdf_sha512_array::<32>(b"", &key.0, b"SimpleXInvLink"))
}

/// The sender id a relay assigns to a queue created with correlation id `corr_id`.
pub fn sender_id_from_corr_id(corr_id: &[u8]) -> EntityId {
    EntityId::new(&sha3_384(corr_id)[..24]).unwrap_or_default()
}

fn sign_prefixed(key: &Ed25519Secret, data: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + SIGNATURE_LEN + data.len());
    put_short(&mut out, &key.sign_array(&data));
    out.extend_from_slice(&data);
    out
}

/// Encodes the fixed data and signs it with the root key; returns the link key (SHA3-256
/// of the unsigned encoding) and the signed bytes.
pub fn encode_sign_fixed_data(
    root: &Ed25519Secret,
    agent_versions: VersionRange,
    conn_req: ConnectionRequest,
    link_entity_id: Option<Short>,
) -> (LinkKey, Vec<u8>) {
    let fd = FixedLinkData {
        agent_versions,
        root_key: root.public(),
        conn_req,
        link_entity_id,
    }
    .to_bytes();
    (LinkKey(sha3_256(&fd)), sign_prefixed(root, fd))
}

/// Encodes the user data with the agent versions and signs it with `signer`.
pub fn encode_sign_user_data(
    signer: &Ed25519Secret,
    agent_versions: VersionRange,
    data: UserConnLinkData,
) -> Vec<u8> {
    sign_prefixed(signer, data.with_versions(agent_versions).to_bytes())
}

/// Both signed parts of new link data, signed by the root key, with the link key.
pub fn encode_sign_link_data(
    root: &Ed25519Secret,
    agent_versions: VersionRange,
    conn_req: ConnectionRequest,
    link_entity_id: Option<Short>,
    data: UserConnLinkData,
) -> (LinkKey, Vec<u8>, Vec<u8>) {
    let (key, fixed) = encode_sign_fixed_data(root, agent_versions, conn_req, link_entity_id);
    (
        key,
        fixed,
        encode_sign_user_data(root, agent_versions, data),
    )
}

fn encrypt_part<R: CryptoRng + ?Sized>(
    rng: &mut R,
    key: &SbKey,
    padded_len: usize,
    signed: &[u8],
) -> Result<Vec<u8>> {
    let nonce = random_nonce(rng);
    let mut out = nonce.to_vec();
    out.extend(sb_encrypt(key, &nonce, signed, padded_len)?);
    Ok(out)
}

/// Encrypts both signed parts for `NEW`/`LSET` (fixed padded to 2008, user to 13784).
pub fn encrypt_link_data<R: CryptoRng + ?Sized>(
    rng: &mut R,
    key: &SbKey,
    signed_fixed: &[u8],
    signed_user: &[u8],
) -> Result<QueueLinkData> {
    Ok(QueueLinkData {
        fixed: encrypt_part(rng, key, FIXED_DATA_PADDED_LEN, signed_fixed)?,
        user: encrypt_user_data(rng, key, signed_user)?,
    })
}

/// Encrypts an updated signed user part.
pub fn encrypt_user_data<R: CryptoRng + ?Sized>(
    rng: &mut R,
    key: &SbKey,
    signed_user: &[u8],
) -> Result<Vec<u8>> {
    encrypt_part(rng, key, USER_DATA_PADDED_LEN, signed_user)
}

/// Opens one part: the signature and the signed bytes.
fn decrypt_part(key: &SbKey, enc: &[u8]) -> Result<([u8; SIGNATURE_LEN], Vec<u8>)> {
    let (nonce, ct) = enc.split_at_checked(NONCE_LEN).ok_or(DecodeError::Eof {
        needed: NONCE_LEN.saturating_sub(enc.len()),
    })?;
    let nonce: CbNonce = nonce
        .try_into()
        .map_err(|_| DecodeError::Invalid("nonce"))?;
    let plain = sb_decrypt(key, &nonce, ct)?;
    let mut r = Reader::new(&plain);
    let sig = r.short_array::<SIGNATURE_LEN>()?;
    Ok((sig, r.tail().to_vec()))
}

fn check_mode(expected: ConnectionMode, found: ConnectionMode) -> Result<()> {
    if expected == found {
        Ok(())
    } else {
        Err(AgentProtoError::WrongMode { expected, found })
    }
}

/// Decrypts and checks link data read with `LGET`/`LKEY`: the fixed part must hash to
/// `link_key` and be signed by its root key; the user part must be signed by the root
/// key or (contact links, after [`validate_link_owners`]) by an owner. Both parts must be
/// of `mode`.
pub fn decrypt_link_data(
    link_key: &LinkKey,
    key: &SbKey,
    mode: ConnectionMode,
    data: &QueueLinkData,
) -> Result<(FixedLinkData, ConnLinkData)> {
    let (sig1, fd) = decrypt_part(key, &data.fixed)?;
    let (sig2, md) = decrypt_part(key, &data.user)?;
    let fixed = FixedLinkData::from_bytes(&fd)?;
    let user = ConnLinkData::from_bytes(&md)?;
    check_mode(mode, fixed.conn_req.mode())?;
    check_mode(mode, user.mode())?;
    if sha3_256(&fd) != link_key.0 {
        return Err(AgentProtoError::LinkDataHash);
    }
    let root = &fixed.root_key;
    if !root.verify(&fd, &sig1) {
        return Err(AgentProtoError::LinkDataSignature);
    }
    let signed_by = |k: &Ed25519Public| k.verify(&md, &sig2);
    let user_ok = match &user {
        ConnLinkData::Invitation { .. } => signed_by(root),
        ConnLinkData::Contact { data, .. } => {
            validate_link_owners(root, &data.owners)?;
            signed_by(root) || data.owners.iter().any(|o| signed_by(&o.owner_key))
        }
    };
    if !user_ok {
        return Err(AgentProtoError::UserDataSignature);
    }
    Ok((fixed, user))
}

/// Checks an owner chain: no owner uses the root key, ids and keys are unique, and each
/// owner is signed by the root key or by an owner earlier in the list.
pub fn validate_link_owners(root: &Ed25519Public, owners: &[OwnerAuth]) -> Result<()> {
    for (i, o) in owners.iter().enumerate() {
        let id = || base64url::encode_unpadded(o.owner_id.as_slice());
        let prev = &owners[..i];
        if &o.owner_key == root {
            return Err(AgentProtoError::OwnerIsRoot(id()));
        }
        if prev
            .iter()
            .any(|p| p.owner_id == o.owner_id || p.owner_key == o.owner_key)
        {
            return Err(AgentProtoError::DuplicateOwner(id()));
        }
        let msg = OwnerAuth::signed_bytes(o.owner_id.as_slice(), &o.owner_key);
        let signed_by = |k: &Ed25519Public| k.verify(&msg, &o.signature);
        if !(signed_by(root) || prev.iter().any(|p| signed_by(&p.owner_key))) {
            return Err(AgentProtoError::OwnerNotAuthorized(id()));
        }
    }
    Ok(())
}

/// Makes a new owner key and its authorization signed by `signing_key` (the root key or
/// an existing owner's key). `owner_id` is application-specific (chat: member id).
pub fn new_owner_auth<R: CryptoRng + ?Sized>(
    rng: &mut R,
    owner_id: Short,
    signing_key: &Ed25519Secret,
) -> (Ed25519Secret, OwnerAuth) {
    let owner = Ed25519Secret::generate(rng);
    let owner_key = owner.public();
    let signature =
        signing_key.sign_array(&OwnerAuth::signed_bytes(owner_id.as_slice(), &owner_key));
    let auth = OwnerAuth {
        owner_id,
        owner_key,
        signature,
    };
    (owner, auth)
}
