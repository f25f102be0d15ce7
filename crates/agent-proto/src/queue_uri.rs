//! SMP queue addresses: the out-of-band [`SmpQueueUri`] (a client version range) and the
//! in-band [`SmpQueueInfo`] (one agreed version), protocol-map §5.1.
//!
//! Text, chosen by the range's minimum version:
//! - min ≥ 2: `smp://<kh>@<h1>[,<h2>…][:<port>]/<b64u sid>#/?v=<vr>&dh=<urlenc b64u spki>[&q=m|c][&k=s]`
//! - min = 1 (what current agents emit, since they advertise 1-4): only the first host in
//!   the authority and the others in a trailing `&srv=<h2>[,…]`.
//!
//! `k=s` is written for messaging queues while min < 4. The parser also takes the old form
//! `#<dh key>` (version 1, nothing else) and a key right after `#` before `/?`, ignores
//! unknown parameters, and adds the `.onion` host of known preset relays when the range
//! stops below 2.

use simplex_crypto::X25519Public;
use simplex_encoding::writer::put_short;
use simplex_encoding::{Decode, DecodeError, Encode, Reader, Version, VersionRange, base64url};
use smp_proto::EntityId;
use smp_proto::command::QueueMode;

use crate::query::{Query, QueryWriter};
use crate::relay::RelayAddr;
use crate::text::{Scanner, decode_b64, is_b64_char, parse_hosts, parse_vrange};
use crate::versions::{
    INITIAL_SMP_CLIENT_V, SHORT_LINKS_SMP_CLIENT_V, SND_AUTH_KEY_SMP_CLIENT_V,
    SRV_HOSTNAMES_SMP_CLIENT_V,
};

/// True when the sender may secure the queue itself (`SKEY`): messaging queues only.
pub fn sender_can_secure(mode: Option<QueueMode>) -> bool {
    mode == Some(QueueMode::Messaging)
}

/// Where and how to send to a queue.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct QueueAddress {
    /// The relay holding the queue.
    pub server: RelayAddr,
    /// The sender id of the queue.
    pub sender_id: EntityId,
    /// The recipient's X25519 key for the per-queue e2e encryption.
    pub dh_key: X25519Public,
    /// Messaging or contact queue, when known.
    pub queue_mode: Option<QueueMode>,
}

/// A queue address with the SMP client versions its creator supports.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SmpQueueUri {
    /// SMP client version range.
    pub versions: VersionRange,
    /// The address.
    pub addr: QueueAddress,
}

/// A queue address at one agreed SMP client version (inside agent messages).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SmpQueueInfo {
    /// SMP client version.
    pub version: Version,
    /// The address.
    pub addr: QueueAddress,
}

fn read_x25519(r: &mut Reader<'_>) -> Result<X25519Public, DecodeError> {
    X25519Public::from_spki(r.short()?).map_err(|_| DecodeError::Invalid("bad X25519 key"))
}

fn x25519_from_text(s: &str) -> Result<X25519Public, DecodeError> {
    X25519Public::from_spki(&decode_b64(s)?).map_err(|_| DecodeError::Invalid("bad X25519 key"))
}

/// The reference's `queueModeP`: `'M'`/`'C'`, else a `'T'`/`'F'` sndSecure flag (T means
/// messaging), else nothing; a byte that is none of these is left unread.
fn read_queue_mode(r: &mut Reader<'_>) -> Option<QueueMode> {
    let mode = match r.peek()? {
        b'M' | b'T' => QueueMode::Messaging,
        b'C' | b'F' => QueueMode::Contact,
        _ => return None,
    };
    r.u8().ok().map(|_| mode)
}

fn mode_char(m: QueueMode) -> u8 {
    match m {
        QueueMode::Messaging => b'M',
        QueueMode::Contact => b'C',
    }
}

impl QueueAddress {
    fn encode_fields(&self, out: &mut Vec<u8>) {
        self.server.encode(out);
        self.sender_id.encode(out);
        put_short(out, &self.dh_key.to_spki());
    }

    fn can_secure(&self) -> bool {
        sender_can_secure(self.queue_mode)
    }
}

impl SmpQueueUri {
    /// The address at one agreed version.
    pub fn at_version(&self, version: Version) -> SmpQueueInfo {
        SmpQueueInfo {
            version,
            addr: self.addr.clone(),
        }
    }

    /// The text form (see the module doc).
    pub fn to_text(&self) -> String {
        let a = &self.addr;
        let legacy = self.versions.min() < SRV_HOSTNAMES_SMP_CLIENT_V;
        let mut q = QueryWriter::new();
        q.escaped("v", self.versions.to_string().as_bytes());
        q.escaped("dh", base64url::encode(&a.dh_key.to_spki()).as_bytes());
        if let Some(m) = a.queue_mode {
            q.escaped(
                "q",
                if m == QueueMode::Messaging {
                    b"m"
                } else {
                    b"c"
                },
            );
        }
        if a.can_secure() && self.versions.min() < SHORT_LINKS_SMP_CLIENT_V {
            q.escaped("k", b"s");
        }
        let extra_hosts = a.server.hosts.get(1..).unwrap_or_default();
        if legacy && !extra_hosts.is_empty() {
            q.escaped("srv", extra_hosts.join(",").as_bytes());
        }
        let srv = if legacy {
            a.server.to_legacy_text()
        } else {
            a.server.to_text()
        };
        format!(
            "{srv}/{}#/?{}",
            base64url::encode(a.sender_id.as_bytes()),
            q.finish()
        )
    }

    /// Parses a whole queue URI.
    pub fn parse_text(s: &str) -> Result<SmpQueueUri, DecodeError> {
        let mut sc = Scanner::new(s);
        let mut server = RelayAddr::scan(&mut sc)?;
        sc.literal("/")?;
        let sender_id = EntityId::new(&sc.base64()?)?;
        sc.eat('/');
        sc.literal("#")?;
        let inline_key = if sc.peek().is_some_and(is_b64_char) {
            let der = sc.base64()?;
            Some(
                X25519Public::from_spki(&der)
                    .map_err(|_| DecodeError::Invalid("bad X25519 key"))?,
            )
        } else {
            None
        };
        let (versions, dh_key, queue_mode) = match inline_key {
            Some(k) if sc.rest().is_empty() => {
                (VersionRange::single(INITIAL_SMP_CLIENT_V), k, None)
            }
            _ => {
                sc.eat('/');
                sc.literal("?")?;
                let q = Query::parse_link(sc.take_rest())?;
                server
                    .hosts
                    .extend(parse_hosts(q.get_str("srv")?.unwrap_or_default())?);
                let dh = match inline_key {
                    Some(k) => k,
                    None => x25519_from_text(q.require("dh")?)?,
                };
                (parse_vrange(q.require("v")?)?, dh, mode_from_query(&q)?)
            }
        };
        if versions.max() < SRV_HOSTNAMES_SMP_CLIENT_V {
            server = server.with_preset_onion();
        }
        let addr = QueueAddress {
            server,
            sender_id,
            dh_key,
            queue_mode,
        };
        Ok(SmpQueueUri { versions, addr })
    }
}

fn mode_from_query(q: &Query) -> Result<Option<QueueMode>, DecodeError> {
    Ok(match q.get_str("q")? {
        Some("m") => Some(QueueMode::Messaging),
        Some("c") => Some(QueueMode::Contact),
        _ if q.get_str("k")? == Some("s") => Some(QueueMode::Messaging),
        _ => None,
    })
}

impl Encode for SmpQueueUri {
    fn encode(&self, out: &mut Vec<u8>) {
        let (min, max) = (self.versions.min(), self.versions.max());
        let snd_secure = self.addr.can_secure();
        self.versions.encode(out);
        self.addr.encode_fields(out);
        if min >= SHORT_LINKS_SMP_CLIENT_V {
            out.extend(self.addr.queue_mode.map(mode_char));
        } else if min >= SND_AUTH_KEY_SMP_CLIENT_V
            || (max >= SND_AUTH_KEY_SMP_CLIENT_V && snd_secure)
        {
            snd_secure.encode(out);
        }
    }
}

impl Decode for SmpQueueUri {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let versions = VersionRange::decode(r)?;
        let addr = QueueAddress {
            server: RelayAddr::decode(r)?,
            sender_id: EntityId::decode(r)?,
            dh_key: read_x25519(r)?,
            queue_mode: read_queue_mode(r),
        };
        Ok(SmpQueueUri { versions, addr })
    }
}

impl Encode for SmpQueueInfo {
    fn encode(&self, out: &mut Vec<u8>) {
        let v = self.version;
        let a = &self.addr;
        v.encode(out);
        if v <= INITIAL_SMP_CLIENT_V {
            a.server.encode_legacy(out);
            a.sender_id.encode(out);
            put_short(out, &a.dh_key.to_spki());
            return;
        }
        a.encode_fields(out);
        if v >= SHORT_LINKS_SMP_CLIENT_V {
            out.extend(a.queue_mode.map(mode_char));
        } else if v >= SND_AUTH_KEY_SMP_CLIENT_V && a.can_secure() {
            true.encode(out);
        }
    }
}

impl Decode for SmpQueueInfo {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let version = r.u16()?;
        let server = if version > INITIAL_SMP_CLIENT_V {
            RelayAddr::decode(r)?
        } else {
            RelayAddr::decode_legacy(r)?.with_preset_onion()
        };
        let addr = QueueAddress {
            server,
            sender_id: EntityId::decode(r)?,
            dh_key: read_x25519(r)?,
            queue_mode: read_queue_mode(r),
        };
        Ok(SmpQueueInfo { version, addr })
    }
}

/// A sender's address of a queue: relay and sender id (the reference's `SndQAddr`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SndQAddr {
    /// The relay.
    pub server: RelayAddr,
    /// The sender id.
    pub sender_id: EntityId,
}

impl Encode for SndQAddr {
    fn encode(&self, out: &mut Vec<u8>) {
        self.server.encode(out);
        self.sender_id.encode(out);
    }
}

impl Decode for SndQAddr {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(SndQAddr {
            server: RelayAddr::decode(r)?,
            sender_id: EntityId::decode(r)?,
        })
    }
}
