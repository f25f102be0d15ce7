//! Short links (SMP v15, SMP client v4), protocol-map §5.3.
//!
//! ```text
//! invitation: https://<host>/i#<b64 linkId>/<b64 linkKey>[?h=<other hosts>&p=<port>&c=<b64 keyHash>]
//! contact:    https://<host>/<t>#<b64 linkKey>[?…]     t = a (contact) | g (group) | c (channel) | r (relay)
//! ```
//! base64url here is unpadded (padding is accepted on parse). In the `simplex:/…` form
//! every host goes into `h=`. Links to preset relays can be shortened to the bare host and
//! restored from the preset list ([`ShortLink::shorten`], [`ShortLink::restore`]).
//!
//! Binary: `'I' ‖ server ‖ short(linkId) ‖ short(key)` or
//! `'C' ‖ ('A'|'C'|'G'|'R') ‖ server ‖ short(key)`.

use std::fmt;

use simplex_encoding::writer::put_short;
use simplex_encoding::{Decode, DecodeError, Encode, Reader, Short, base64url};
use smp_proto::EntityId;

use crate::conn_request::ConnectionMode;
use crate::query::{Query, QueryWriter};
use crate::relay::RelayAddr;
use crate::text::{Scanner, decode_b64, parse_hosts, parse_port};

/// How a short link is written: `simplex:/…` or `https://<relay host>/…`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum ShortLinkScheme {
    /// `simplex:` (the app's own scheme).
    Simplex,
    /// `https://` with the relay's first host.
    Server,
}

/// What a contact short link points to.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum ContactType {
    /// A person's contact address (`a` / `'A'`).
    Contact,
    /// A channel (`c` / `'C'`).
    Channel,
    /// A group (`g` / `'G'`).
    Group,
    /// A chat relay (`r` / `'R'`).
    Relay,
}

impl ContactType {
    /// The binary tag; the text form is its lower-case letter.
    pub fn tag(self) -> u8 {
        match self {
            ContactType::Contact => b'A',
            ContactType::Channel => b'C',
            ContactType::Group => b'G',
            ContactType::Relay => b'R',
        }
    }

    /// Reads a tag in either case.
    pub fn from_tag(b: u8) -> Option<ContactType> {
        match b.to_ascii_uppercase() {
            b'A' => Some(ContactType::Contact),
            b'C' => Some(ContactType::Channel),
            b'G' => Some(ContactType::Group),
            b'R' => Some(ContactType::Relay),
            _ => None,
        }
    }
}

/// The link key: SHA3-256 of the link's signed fixed data (see [`crate::link_crypto`]).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LinkKey(pub [u8; 32]);

impl fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkKey(<redacted>)")
    }
}

impl LinkKey {
    fn from_slice(b: &[u8]) -> Result<LinkKey, DecodeError> {
        b.try_into()
            .map(LinkKey)
            .map_err(|_| DecodeError::Invalid("link key must be 32 bytes"))
    }
}

/// A short link.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ShortLink {
    /// A one-time invitation: the link id is random, chosen by the relay.
    Invitation {
        /// Text scheme.
        scheme: ShortLinkScheme,
        /// The relay holding the link data.
        server: RelayAddr,
        /// The link id (24 bytes).
        link_id: EntityId,
        /// The link key.
        key: LinkKey,
    },
    /// A contact-type address: the link id is derived from the key.
    Contact {
        /// Text scheme.
        scheme: ShortLinkScheme,
        /// What the address is for.
        contact_type: ContactType,
        /// The relay holding the link data.
        server: RelayAddr,
        /// The link key.
        key: LinkKey,
    },
}

impl ShortLink {
    /// Invitation or contact.
    pub fn mode(&self) -> ConnectionMode {
        match self {
            ShortLink::Invitation { .. } => ConnectionMode::Invitation,
            ShortLink::Contact { .. } => ConnectionMode::Contact,
        }
    }

    /// The relay holding the link data.
    pub fn server(&self) -> &RelayAddr {
        match self {
            ShortLink::Invitation { server, .. } | ShortLink::Contact { server, .. } => server,
        }
    }

    fn server_mut(&mut self) -> &mut RelayAddr {
        match self {
            ShortLink::Invitation { server, .. } | ShortLink::Contact { server, .. } => server,
        }
    }

    /// The link key.
    pub fn key(&self) -> &LinkKey {
        match self {
            ShortLink::Invitation { key, .. } | ShortLink::Contact { key, .. } => key,
        }
    }

    /// The same link, to be written with the scheme `new`.
    pub fn with_scheme(mut self, new: ShortLinkScheme) -> ShortLink {
        match &mut self {
            ShortLink::Invitation { scheme, .. } | ShortLink::Contact { scheme, .. } => {
                *scheme = new
            }
        }
        self
    }

    /// The text form.
    pub fn to_text(&self) -> String {
        let (scheme, type_char, link_id) = match self {
            ShortLink::Invitation {
                scheme, link_id, ..
            } => (*scheme, 'i', link_id.as_bytes()),
            ShortLink::Contact {
                scheme,
                contact_type,
                ..
            } => (
                *scheme,
                char::from(contact_type.tag().to_ascii_lowercase()),
                &[][..],
            ),
        };
        let srv = self.server();
        let (authority, param_hosts) = match scheme {
            ShortLinkScheme::Simplex => ("simplex:".to_owned(), srv.hosts.as_slice()),
            ShortLinkScheme::Server => (
                format!("https://{}", srv.main_host()),
                srv.hosts.get(1..).unwrap_or_default(),
            ),
        };
        let mut q = QueryWriter::new();
        if !param_hosts.is_empty() {
            q.escaped("h", param_hosts.join(",").as_bytes());
        }
        if !srv.port.is_empty() {
            q.escaped("p", srv.port.as_bytes());
        }
        if !srv.key_hash.is_empty() {
            q.escaped(
                "c",
                base64url::encode_unpadded(srv.key_hash.as_slice()).as_bytes(),
            );
        }
        let query = q.finish();
        let mut s = format!("{authority}/{type_char}#");
        if !link_id.is_empty() {
            s.push_str(&base64url::encode_unpadded(link_id));
            s.push('/');
        }
        s.push_str(&base64url::encode_unpadded(&self.key().0));
        if !query.is_empty() {
            s.push('?');
            s.push_str(&query);
        }
        s
    }

    /// Parses the text form.
    pub fn parse_text(s: &str) -> Result<ShortLink, DecodeError> {
        let mut sc = Scanner::new(s);
        let (scheme, host) = if sc.eat_str("simplex:") {
            (ShortLinkScheme::Simplex, None)
        } else {
            sc.literal("https://")?;
            (ShortLinkScheme::Server, Some(sc.host()?))
        };
        sc.literal("/")?;
        let kind = sc.take_while(|c| c.is_ascii_alphabetic());
        let contact_type = match kind.as_bytes() {
            b"i" => None,
            [t] => Some(
                ContactType::from_tag(*t).ok_or(DecodeError::Invalid("unknown short link type"))?,
            ),
            _ => return Err(DecodeError::Invalid("unknown short link type")),
        };
        sc.eat('/');
        sc.literal("#")?;
        let link_id = match contact_type {
            None => {
                let id = EntityId::new(&sc.base64()?)?;
                sc.literal("/")?;
                Some(id)
            }
            Some(_) => None,
        };
        let key = LinkKey::from_slice(&sc.base64()?)?;
        let server = server_from_query(&mut sc, host)?;
        Ok(match (link_id, contact_type) {
            (Some(link_id), _) => ShortLink::Invitation {
                scheme,
                server,
                link_id,
                key,
            },
            (None, Some(contact_type)) => ShortLink::Contact {
                scheme,
                contact_type,
                server,
                key,
            },
            (None, None) => return Err(DecodeError::Invalid("unknown short link type")),
        })
    }

    /// Replaces the relay of a link to a preset relay with its bare first host
    /// (`presets` must be the preset relays, not servers the user configured).
    pub fn shorten(mut self, presets: &[RelayAddr]) -> ShortLink {
        let srv = self.server_mut();
        if is_preset_server(srv, presets) {
            *srv = RelayAddr::only_host(srv.main_host());
        }
        self
    }

    /// Restores the full relay address of a shortened link from the preset list.
    pub fn restore(mut self, presets: &[RelayAddr]) -> ShortLink {
        let srv = self.server_mut();
        if srv.is_only_host()
            && let Some(p) = find_preset(srv, presets)
        {
            *srv = p.clone();
        }
        self
    }
}

fn find_preset<'a>(srv: &RelayAddr, presets: &'a [RelayAddr]) -> Option<&'a RelayAddr> {
    presets.iter().find(|p| p.main_host() == srv.main_host())
}

/// True when `srv` is (a subset of the hosts of) the preset relay with the same first
/// host, with the same key hash and port (a preset without a port matches 443 and 5223).
pub fn is_preset_server(srv: &RelayAddr, presets: &[RelayAddr]) -> bool {
    find_preset(srv, presets).is_some_and(|p| {
        srv.hosts.iter().all(|h| p.hosts.contains(h))
            && (srv.port == p.port
                || (p.port.is_empty() && (srv.port == "443" || srv.port == "5223")))
            && srv.key_hash == p.key_hash
    })
}

/// The relay of a short link: from `h=`, `p=`, `c=` after `?`, or the bare host.
fn server_from_query(sc: &mut Scanner<'_>, host: Option<String>) -> Result<RelayAddr, DecodeError> {
    if !sc.eat('?') {
        sc.end()?;
        return host
            .map(|h| RelayAddr::only_host(&h))
            .ok_or(DecodeError::Invalid("short link without server"));
    }
    let q = Query::parse_link(sc.take_rest())?;
    let mut hosts: Vec<String> = host.into_iter().collect();
    hosts.extend(parse_hosts(q.get_str("h")?.unwrap_or_default())?);
    if hosts.is_empty() {
        return Err(DecodeError::Invalid("short link without server"));
    }
    let port = q
        .get_str("p")?
        .map(parse_port)
        .transpose()?
        .unwrap_or_default();
    let key_hash = match q.get_str("c")? {
        Some(c) => Short::new(decode_b64(c)?)?,
        None => Short::default(),
    };
    Ok(RelayAddr {
        hosts,
        port,
        key_hash,
    })
}

impl Encode for ShortLink {
    fn encode(&self, out: &mut Vec<u8>) {
        self.mode().encode(out);
        match self {
            ShortLink::Invitation {
                server,
                link_id,
                key,
                ..
            } => {
                server.encode(out);
                link_id.encode(out);
                put_short(out, &key.0);
            }
            ShortLink::Contact {
                contact_type,
                server,
                key,
                ..
            } => {
                out.push(contact_type.tag());
                server.encode(out);
                put_short(out, &key.0);
            }
        }
    }
}

impl Decode for ShortLink {
    /// The binary form does not record the text scheme: decoded links use `https://`.
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let scheme = ShortLinkScheme::Server;
        Ok(match ConnectionMode::decode(r)? {
            ConnectionMode::Invitation => ShortLink::Invitation {
                scheme,
                server: RelayAddr::decode(r)?,
                link_id: EntityId::decode(r)?,
                key: LinkKey::from_slice(r.short()?)?,
            },
            ConnectionMode::Contact => {
                let t = r.u8()?;
                // Only upper-case tags are written in binary.
                let contact_type = ContactType::from_tag(t)
                    .filter(|_| t.is_ascii_uppercase())
                    .ok_or(DecodeError::BadByte {
                        found: t,
                        what: "contact address type",
                    })?;
                ShortLink::Contact {
                    scheme,
                    contact_type,
                    server: RelayAddr::decode(r)?,
                    key: LinkKey::from_slice(r.short()?)?,
                }
            }
        })
    }
}
