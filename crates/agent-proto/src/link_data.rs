//! The plaintext of short-link data (protocol-map §5.3), before signing and encryption.
//!
//! - [`FixedLinkData`] = `vr ‖ short(spki rootKey) ‖ connReq ‖ [short(linkEntityId)]`.
//! - [`ConnLinkData`] = `'I' ‖ vr ‖ userData` or `'C' ‖ vr ‖ direct ‖ list(owners) ‖
//!   list(relay links) ‖ userData`.
//! - [`UserLinkData`] = `short(s)` up to 254 bytes, else `0xFF ‖ large(s)`.
//! - [`OwnerAuth`] = `short(short(ownerId) ‖ short(spki ownerKey) ‖ short(signature))`.
//!
//! Forward compatibility, as in the reference: the decoders of `FixedLinkData`,
//! `ConnLinkData` and `OwnerAuth` ignore bytes after the fields they know, so a newer
//! peer may append fields. Everything else is strict.

use simplex_crypto::Ed25519Public;
use simplex_encoding::writer::{put_large, put_list, put_short};
use simplex_encoding::{Decode, DecodeError, Encode, Reader, Short, VersionRange};

use crate::conn_request::{ConnectionMode, ConnectionRequest};
use crate::short_link::ShortLink;

/// Length of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;

/// Reads `short(spki)` of an Ed25519 key.
pub(crate) fn read_ed25519(r: &mut Reader<'_>) -> Result<Ed25519Public, DecodeError> {
    Ed25519Public::from_spki(r.short()?).map_err(|_| DecodeError::Invalid("bad Ed25519 key"))
}

/// The immutable part of link data: signed by the root key, hashed into the link key.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FixedLinkData {
    /// Agent versions of the link's creator.
    pub agent_versions: VersionRange,
    /// The root signing key of the link.
    pub root_key: Ed25519Public,
    /// The full connection link.
    pub conn_req: ConnectionRequest,
    /// An application id of the linked entity (chat: a group's id), if any.
    pub link_entity_id: Option<Short>,
}

impl Encode for FixedLinkData {
    fn encode(&self, out: &mut Vec<u8>) {
        self.agent_versions.encode(out);
        put_short(out, &self.root_key.to_spki());
        self.conn_req.encode(out);
        if let Some(id) = &self.link_entity_id {
            id.encode(out);
        }
    }
}

impl Decode for FixedLinkData {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let agent_versions = VersionRange::decode(r)?;
        let root_key = read_ed25519(r)?;
        let conn_req = ConnectionRequest::decode(r)?;
        let link_entity_id = Short::decode(&mut r.clone()).ok();
        r.tail();
        Ok(FixedLinkData {
            agent_versions,
            root_key,
            conn_req,
            link_entity_id,
        })
    }
}

/// Application data in a link (chat: profile or group info), up to 65535 bytes.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct UserLinkData(pub Vec<u8>);

/// Marker byte for a `large` user data string.
const LARGE_MARK: u8 = 0xFF;

impl Encode for UserLinkData {
    fn encode(&self, out: &mut Vec<u8>) {
        if self.0.len() < usize::from(LARGE_MARK) {
            put_short(out, &self.0);
        } else {
            out.push(LARGE_MARK);
            put_large(out, &self.0);
        }
    }
}

impl Decode for UserLinkData {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let s = if r.peek() == Some(LARGE_MARK) {
            r.u8()?;
            r.large()?
        } else {
            r.short()?
        };
        Ok(UserLinkData(s.to_vec()))
    }
}

/// An additional owner of a contact link, authorized by the root key or an earlier owner.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct OwnerAuth {
    /// Application id of the owner (unique in the list; chat: member id).
    pub owner_id: Short,
    /// The owner's signing key.
    pub owner_key: Ed25519Public,
    /// Ed25519 signature of `ownerId ‖ spki(ownerKey)` by the authorizing key.
    pub signature: [u8; SIGNATURE_LEN],
}

impl OwnerAuth {
    /// The bytes the authorizing key signs: `ownerId ‖ spki(ownerKey)`.
    pub fn signed_bytes(owner_id: &[u8], owner_key: &Ed25519Public) -> Vec<u8> {
        let mut m = owner_id.to_vec();
        m.extend_from_slice(&owner_key.to_spki());
        m
    }
}

impl Encode for OwnerAuth {
    fn encode(&self, out: &mut Vec<u8>) {
        let mut inner = Vec::new();
        self.owner_id.encode(&mut inner);
        put_short(&mut inner, &self.owner_key.to_spki());
        put_short(&mut inner, &self.signature);
        put_short(out, &inner);
    }
}

impl Decode for OwnerAuth {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut inner = Reader::new(r.short()?);
        Ok(OwnerAuth {
            owner_id: Short::decode(&mut inner)?,
            owner_key: read_ed25519(&mut inner)?,
            signature: inner.short_array()?,
        })
    }
}

/// The mutable data of a contact-type link.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct UserContactData {
    /// Whether connecting directly via the link's queue is allowed.
    pub direct: bool,
    /// Additional owners allowed to sign updates.
    pub owners: Vec<OwnerAuth>,
    /// Alternative addresses (chat relays) taking requests for this address.
    pub relays: Vec<ShortLink>,
    /// Application data.
    pub user_data: UserLinkData,
}

impl Encode for UserContactData {
    fn encode(&self, out: &mut Vec<u8>) {
        self.direct.encode(out);
        put_list(out, &self.owners, |o, a| a.encode(o));
        put_list(out, &self.relays, |o, l| l.encode(o));
        self.user_data.encode(out);
    }
}

impl Decode for UserContactData {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let direct = r.bool()?;
        let owners = r.list(OwnerAuth::decode)?;
        let relays = r.list(|r| match ShortLink::decode(r)? {
            l @ ShortLink::Contact { .. } => Ok(l),
            ShortLink::Invitation { .. } => {
                Err(DecodeError::Invalid("relay link must be a contact link"))
            }
        })?;
        let user_data = UserLinkData::decode(r)?;
        r.tail();
        Ok(UserContactData {
            direct,
            owners,
            relays,
            user_data,
        })
    }
}

/// The mutable part of link data as the user supplies it (no versions yet).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum UserConnLinkData {
    /// Data of an invitation link.
    Invitation(UserLinkData),
    /// Data of a contact-type link.
    Contact(UserContactData),
}

impl UserConnLinkData {
    /// Adds the agent versions, giving what is signed and stored.
    pub fn with_versions(self, agent_versions: VersionRange) -> ConnLinkData {
        match self {
            UserConnLinkData::Invitation(user_data) => ConnLinkData::Invitation {
                agent_versions,
                user_data,
            },
            UserConnLinkData::Contact(data) => ConnLinkData::Contact {
                agent_versions,
                data,
            },
        }
    }
}

/// The mutable part of link data: signed by the root key or an owner.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ConnLinkData {
    /// Invitation link data.
    Invitation {
        /// Agent versions of the signer.
        agent_versions: VersionRange,
        /// Application data.
        user_data: UserLinkData,
    },
    /// Contact-type link data.
    Contact {
        /// Agent versions of the signer.
        agent_versions: VersionRange,
        /// Owners, relays and application data.
        data: UserContactData,
    },
}

impl ConnLinkData {
    /// Invitation or contact.
    pub fn mode(&self) -> ConnectionMode {
        match self {
            ConnLinkData::Invitation { .. } => ConnectionMode::Invitation,
            ConnLinkData::Contact { .. } => ConnectionMode::Contact,
        }
    }

    /// The application data.
    pub fn user_data(&self) -> &UserLinkData {
        match self {
            ConnLinkData::Invitation { user_data, .. } => user_data,
            ConnLinkData::Contact { data, .. } => &data.user_data,
        }
    }
}

impl Encode for ConnLinkData {
    fn encode(&self, out: &mut Vec<u8>) {
        self.mode().encode(out);
        match self {
            ConnLinkData::Invitation {
                agent_versions,
                user_data,
            } => {
                agent_versions.encode(out);
                user_data.encode(out);
            }
            ConnLinkData::Contact {
                agent_versions,
                data,
            } => {
                agent_versions.encode(out);
                data.encode(out);
            }
        }
    }
}

impl Decode for ConnLinkData {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mode = ConnectionMode::decode(r)?;
        let agent_versions = VersionRange::decode(r)?;
        Ok(match mode {
            ConnectionMode::Invitation => {
                let user_data = UserLinkData::decode(r)?;
                r.tail();
                ConnLinkData::Invitation {
                    agent_versions,
                    user_data,
                }
            }
            ConnectionMode::Contact => ConnLinkData::Contact {
                agent_versions,
                data: UserContactData::decode(r)?,
            },
        })
    }
}
