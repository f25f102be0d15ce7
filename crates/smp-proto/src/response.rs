//! Relay responses and events (`Protocol.hs` `BrokerMsg`) with per-version encodings.

use crate::command::{QueueLinkData, QueueMode};
use crate::error::ErrorType;
use crate::handshake::CertChainPubKey;
use crate::ids::{EntityId, MsgId};
use crate::keys::{put_x25519, read_x25519};
use crate::versions::{
    DELETED_EVENT_V, NEW_NTF_CREDS_V, SERVICE_CERTS_V, SHORT_LINKS_V, SND_AUTH_KEY_V,
};
use simplex_crypto::keys::X25519Public;
use simplex_encoding::writer::{put_bool, put_large, put_maybe, put_short};
use simplex_encoding::{Decode, DecodeError, Encode, Reader, Version, VersionRange};

/// The ids and keys of a new queue (`IDS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueIds {
    /// Recipient id.
    pub rcv_id: EntityId,
    /// Sender id.
    pub snd_id: EntityId,
    /// The relay's per-queue DH key for encrypting messages to the recipient.
    pub rcv_public_dh_key: X25519Public,
    /// Queue mode (v9+).
    pub queue_mode: Option<QueueMode>,
    /// Link id (v15+).
    pub link_id: Option<EntityId>,
    /// Service id (v16+).
    pub service_id: Option<EntityId>,
    /// Notifier id and the relay's notification DH key (v17+).
    pub ntf_creds: Option<(EntityId, X25519Public)>,
}

/// A relay response or event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokerMsg {
    /// New queue ids.
    Ids(Box<QueueIds>),
    /// Link data: sender id and encrypted data.
    Lnk(EntityId, QueueLinkData),
    /// Subscription accepted (v16+), with the service id if associated.
    Sok(Option<EntityId>),
    /// Service subscriptions accepted.
    Soks(i64),
    /// A message: id and body encrypted to the recipient.
    Msg(MsgId, Vec<u8>),
    /// Notifier id and the relay's notification DH key.
    Nid(EntityId, X25519Public),
    /// Notification: nonce and encrypted metadata.
    Nmsg([u8; 24], Vec<u8>),
    /// Proxy session: relay session id, version range and relay keys.
    Pkey(EntityId, VersionRange, Box<CertChainPubKey>),
    /// Response forwarded back from a destination relay to a proxy.
    Rres(Vec<u8>),
    /// Proxied response for the client.
    Pres(Vec<u8>),
    /// Subscription ended (another connection subscribed).
    End,
    /// Service subscriptions ended.
    Ends(i64),
    /// Queue deleted (v10+; older clients get `END`).
    Deld,
    /// Queue information as JSON.
    Info(Vec<u8>),
    /// Success.
    Ok,
    /// Error.
    Err(ErrorType),
    /// Keep-alive response.
    Pong,
}

type Res<T> = Result<T, DecodeError>;

impl BrokerMsg {
    /// The ASCII tag as sent to a client of version `v`.
    pub fn tag(&self, v: Version) -> &'static str {
        match self {
            BrokerMsg::Ids(_) => "IDS",
            BrokerMsg::Lnk(..) => "LNK",
            BrokerMsg::Sok(_) if v >= SERVICE_CERTS_V => "SOK",
            BrokerMsg::Sok(_) => "OK",
            BrokerMsg::Soks(_) => "SOKS",
            BrokerMsg::Msg(..) => "MSG",
            BrokerMsg::Nid(..) => "NID",
            BrokerMsg::Nmsg(..) => "NMSG",
            BrokerMsg::Pkey(..) => "PKEY",
            BrokerMsg::Rres(_) => "RRES",
            BrokerMsg::Pres(_) => "PRES",
            BrokerMsg::End => "END",
            BrokerMsg::Ends(_) => "ENDS",
            BrokerMsg::Deld if v >= DELETED_EVENT_V => "DELD",
            BrokerMsg::Deld => "END",
            BrokerMsg::Info(_) => "INFO",
            BrokerMsg::Ok => "OK",
            BrokerMsg::Err(_) => "ERR",
            BrokerMsg::Pong => "PONG",
        }
    }

    /// Encodes the response for a client of version `v`.
    pub fn encode(&self, v: Version, out: &mut Vec<u8>) {
        out.extend_from_slice(self.tag(v).as_bytes());
        match self {
            BrokerMsg::Ids(ids) => encode_ids(ids, v, out),
            BrokerMsg::Lnk(sid, d) => {
                out.push(b' ');
                sid.encode(out);
                put_large(out, &d.fixed);
                put_large(out, &d.user);
            }
            BrokerMsg::Sok(sid) if v >= SERVICE_CERTS_V => {
                out.push(b' ');
                sid.encode(out)
            }
            BrokerMsg::Soks(n) | BrokerMsg::Ends(n) => {
                out.push(b' ');
                n.encode(out)
            }
            BrokerMsg::Msg(id, body) => {
                out.push(b' ');
                id.encode(out);
                out.extend_from_slice(body)
            }
            BrokerMsg::Nid(nid, k) => {
                out.push(b' ');
                nid.encode(out);
                put_x25519(out, k)
            }
            BrokerMsg::Nmsg(nonce, meta) => {
                out.push(b' ');
                out.extend_from_slice(nonce);
                put_short(out, meta)
            }
            BrokerMsg::Pkey(sid, vr, ck) => {
                out.push(b' ');
                sid.encode(out);
                vr.encode(out);
                ck.encode(out)
            }
            BrokerMsg::Rres(b) | BrokerMsg::Pres(b) | BrokerMsg::Info(b) => {
                out.push(b' ');
                out.extend_from_slice(b)
            }
            BrokerMsg::Err(e) => {
                out.push(b' ');
                e.encode_for(v, out)
            }
            _ => {}
        }
    }

    /// Encodes for version `v` as a new vector.
    pub fn to_bytes(&self, v: Version) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(v, &mut out);
        out
    }

    /// Parses a response for version `v` (client side).
    pub fn parse(v: Version, s: &[u8]) -> Result<BrokerMsg, ErrorType> {
        let n = s.iter().position(|&b| b == b' ').unwrap_or(s.len());
        let (tag, params) = s.split_at(n);
        let mut r = Reader::new(params);
        let msg = parse_tag(v, tag, &mut r)
            .ok_or(ErrorType::UNKNOWN)?
            .map_err(|_| ErrorType::SYNTAX)?;
        r.finish().map_err(|_| ErrorType::SYNTAX)?;
        Ok(msg)
    }
}

fn space(r: &mut Reader<'_>) -> Res<()> {
    r.expect(b' ', "space after response tag")
}

fn parse_tag(v: Version, tag: &[u8], r: &mut Reader<'_>) -> Option<Res<BrokerMsg>> {
    let with_space = |r: &mut Reader<'_>, f: fn(Version, &mut Reader<'_>) -> Res<BrokerMsg>| {
        space(r).and_then(|_| f(v, r))
    };
    Some(match tag {
        b"IDS" => with_space(r, |v, r| Ok(BrokerMsg::Ids(Box::new(parse_ids(v, r)?)))),
        b"LNK" => with_space(r, |_, r| {
            let sid = EntityId::decode(r)?;
            let fixed = r.large()?.to_vec();
            let user = r.large()?.to_vec();
            Ok(BrokerMsg::Lnk(sid, QueueLinkData { fixed, user }))
        }),
        b"SOK" => with_space(r, |_, r| Ok(BrokerMsg::Sok(Option::<EntityId>::decode(r)?))),
        b"SOKS" => with_space(r, |_, r| Ok(BrokerMsg::Soks(r.i64()?))),
        b"MSG" => with_space(r, |_, r| {
            let id = MsgId::decode(r)?;
            Ok(BrokerMsg::Msg(id, r.tail().to_vec()))
        }),
        b"NID" => with_space(r, |_, r| {
            let nid = EntityId::decode(r)?;
            Ok(BrokerMsg::Nid(nid, read_x25519(r)?))
        }),
        b"NMSG" => with_space(r, |_, r| {
            let nonce = r.array::<24>()?;
            Ok(BrokerMsg::Nmsg(nonce, r.short()?.to_vec()))
        }),
        b"PKEY" => with_space(r, |_, r| {
            let sid = EntityId::decode(r)?;
            let vr = VersionRange::decode(r)?;
            Ok(BrokerMsg::Pkey(
                sid,
                vr,
                Box::new(CertChainPubKey::decode(r)?),
            ))
        }),
        b"RRES" => with_space(r, |_, r| Ok(BrokerMsg::Rres(r.tail().to_vec()))),
        b"PRES" => with_space(r, |_, r| Ok(BrokerMsg::Pres(r.tail().to_vec()))),
        b"END" => Ok(BrokerMsg::End),
        b"ENDS" => with_space(r, |_, r| Ok(BrokerMsg::Ends(r.i64()?))),
        b"DELD" => Ok(BrokerMsg::Deld),
        b"INFO" => with_space(r, |_, r| Ok(BrokerMsg::Info(r.tail().to_vec()))),
        b"OK" => Ok(BrokerMsg::Ok),
        b"ERR" => with_space(r, |_, r| Ok(BrokerMsg::Err(ErrorType::parse(r)?))),
        b"PONG" => Ok(BrokerMsg::Pong),
        _ => return None,
    })
}

fn encode_ids(ids: &QueueIds, v: Version, out: &mut Vec<u8>) {
    out.push(b' ');
    ids.rcv_id.encode(out);
    ids.snd_id.encode(out);
    put_x25519(out, &ids.rcv_public_dh_key);
    if v >= SHORT_LINKS_V {
        ids.queue_mode.encode(out);
        ids.link_id.encode(out);
    } else if v >= SND_AUTH_KEY_V {
        put_bool(out, ids.queue_mode == Some(QueueMode::Messaging));
    }
    if v >= SERVICE_CERTS_V {
        ids.service_id.encode(out);
    }
    if v >= NEW_NTF_CREDS_V {
        put_maybe(out, ids.ntf_creds.as_ref(), |o, (nid, k)| {
            nid.encode(o);
            put_x25519(o, k)
        });
    }
}

fn parse_ids(v: Version, r: &mut Reader<'_>) -> Res<QueueIds> {
    let rcv_id = EntityId::decode(r)?;
    let snd_id = EntityId::decode(r)?;
    let rcv_public_dh_key = read_x25519(r)?;
    let (queue_mode, link_id) = if v >= SHORT_LINKS_V {
        (
            Option::<QueueMode>::decode(r)?,
            Option::<EntityId>::decode(r)?,
        )
    } else if v >= SND_AUTH_KEY_V {
        let m = if r.bool()? {
            QueueMode::Messaging
        } else {
            QueueMode::Contact
        };
        (Some(m), None)
    } else {
        (None, None)
    };
    let service_id = if v >= SERVICE_CERTS_V {
        Option::<EntityId>::decode(r)?
    } else {
        None
    };
    let ntf_creds = if v >= NEW_NTF_CREDS_V {
        r.maybe(|r| Ok((EntityId::decode(r)?, read_x25519(r)?)))?
    } else {
        None
    };
    Ok(QueueIds {
        rcv_id,
        snd_id,
        rcv_public_dh_key,
        queue_mode,
        link_id,
        service_id,
        ntf_creds,
    })
}
