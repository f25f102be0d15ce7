//! Client commands (`Protocol.hs` `Command`) with their per-version encodings.

use crate::address::{BasicAuth, SmpServer};
use crate::error::ErrorType;
use crate::ids::{EntityId, MsgId};
use crate::keys::{put_auth_key, put_x25519, read_auth_key, read_x25519};
use crate::versions::{NEW_NTF_CREDS_V, SHORT_LINKS_V, SND_AUTH_KEY_V};
use simplex_crypto::keys::{PublicAuthKey, X25519Public};
use simplex_encoding::writer::{put_bool, put_large, put_list, put_maybe};
use simplex_encoding::{Decode, DecodeError, Encode, Reader, Version};

/// Link data stored with a queue: encrypted fixed and user parts (each `large`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueLinkData {
    /// Encrypted immutable part.
    pub fixed: Vec<u8>,
    /// Encrypted mutable part.
    pub user: Vec<u8>,
}

/// Queue mode: messaging (sender may secure it) or contact address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueMode {
    /// One-to-one messaging queue (`'M'`).
    Messaging,
    /// Contact address queue (`'C'`).
    Contact,
}

/// The queue request data of `NEW` (v15+).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueReqData {
    /// Messaging queue, optionally with sender id and link data.
    Messaging(Option<(EntityId, QueueLinkData)>),
    /// Contact queue, optionally with link id, sender id and link data.
    Contact(Option<(EntityId, EntityId, QueueLinkData)>),
}

impl QueueReqData {
    /// The mode this request creates.
    pub fn mode(&self) -> QueueMode {
        match self {
            QueueReqData::Messaging(_) => QueueMode::Messaging,
            QueueReqData::Contact(_) => QueueMode::Contact,
        }
    }
}

/// Subscribe mode of `NEW`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubMode {
    /// Create and subscribe (`'S'`).
    Subscribe,
    /// Only create (`'C'`).
    OnlyCreate,
}

/// The parameters of `NEW`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewQueueReq {
    /// Key that authorizes recipient commands.
    pub rcv_auth_key: PublicAuthKey,
    /// Recipient's key for the relay-to-recipient encryption.
    pub rcv_dh_key: X25519Public,
    /// Password for creating queues.
    pub auth: Option<BasicAuth>,
    /// Subscribe on creation or not.
    pub sub_mode: SubMode,
    /// Queue mode and link data (v9+: only the mode survives before v15).
    pub queue_req_data: Option<QueueReqData>,
    /// Notifier key and recipient's notification DH key (v17+).
    pub ntf_creds: Option<(PublicAuthKey, X25519Public)>,
}

/// Message flags of `SEND`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MsgFlags {
    /// The recipient should get a push notification.
    pub notification: bool,
}

/// A client command, for any party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Create a queue.
    New(Box<NewQueueReq>),
    /// Subscribe to a queue.
    Sub,
    /// Subscribe a service's queues.
    Subs,
    /// Secure the queue with the sender's key (legacy, by recipient).
    Key(PublicAuthKey),
    /// Replace recipient keys (contact queues).
    RKey(Vec<PublicAuthKey>),
    /// Set link data.
    LSet(EntityId, QueueLinkData),
    /// Delete link data.
    LDel,
    /// Enable notifications.
    NKey(PublicAuthKey, X25519Public),
    /// Disable notifications.
    NDel,
    /// Get one message without subscribing.
    Get,
    /// Acknowledge a message.
    Ack(MsgId),
    /// Suspend the queue.
    Off,
    /// Delete the queue.
    Del,
    /// Queue information (debugging).
    Que,
    /// Sender secures the queue.
    SKey(PublicAuthKey),
    /// Send a message.
    Send(MsgFlags, Vec<u8>),
    /// Keep-alive.
    Ping,
    /// Notifier subscribes.
    NSub,
    /// Notifier service subscribes.
    NSubs,
    /// Secure a queue through its link and get the link data.
    LKey(PublicAuthKey),
    /// Get contact link data.
    LGet,
    /// Ask a proxy for a session with a destination relay.
    Prxy(SmpServer, Option<BasicAuth>),
    /// Proxied command: version, client key and encrypted transmission.
    Pfwd(Version, X25519Public, Vec<u8>),
    /// Forwarded command from a proxy.
    Rfwd(Vec<u8>),
}

/// How a command must be authorized and addressed (`checkCredentials`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    /// Authorization required, entity must be empty (`NEW`).
    AuthNoEntity,
    /// Entity required, authorization optional (`SEND`).
    EntityMaybeAuth,
    /// Entity required, no authorization (`LGET`, `PFWD`).
    EntityNoAuth,
    /// Neither (`PING`, `PRXY`, `RFWD`).
    None,
    /// Both (all other commands).
    Both,
}

type Res<T> = Result<T, DecodeError>;

fn link_data(r: &mut Reader<'_>) -> Res<QueueLinkData> {
    Ok(QueueLinkData {
        fixed: r.large()?.to_vec(),
        user: r.large()?.to_vec(),
    })
}

fn put_link_data(out: &mut Vec<u8>, d: &QueueLinkData) {
    put_large(out, &d.fixed);
    put_large(out, &d.user);
}

impl Decode for QueueReqData {
    fn decode(r: &mut Reader<'_>) -> Res<Self> {
        match r.u8()? {
            b'M' => Ok(QueueReqData::Messaging(
                r.maybe(|r| Ok((EntityId::decode(r)?, link_data(r)?)))?,
            )),
            b'C' => Ok(QueueReqData::Contact(r.maybe(|r| {
                Ok((EntityId::decode(r)?, EntityId::decode(r)?, link_data(r)?))
            })?)),
            found => Err(DecodeError::BadByte {
                found,
                what: "queue request data",
            }),
        }
    }
}

impl Encode for QueueReqData {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            QueueReqData::Messaging(d) => {
                out.push(b'M');
                put_maybe(out, d.as_ref(), |o, (sid, ld)| {
                    sid.encode(o);
                    put_link_data(o, ld)
                })
            }
            QueueReqData::Contact(d) => {
                out.push(b'C');
                put_maybe(out, d.as_ref(), |o, (lid, sid, ld)| {
                    lid.encode(o);
                    sid.encode(o);
                    put_link_data(o, ld)
                })
            }
        }
    }
}

impl Encode for QueueMode {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(match self {
            QueueMode::Messaging => b'M',
            QueueMode::Contact => b'C',
        })
    }
}

impl Decode for QueueMode {
    fn decode(r: &mut Reader<'_>) -> Res<Self> {
        match r.u8()? {
            b'M' => Ok(QueueMode::Messaging),
            b'C' => Ok(QueueMode::Contact),
            found => Err(DecodeError::BadByte {
                found,
                what: "queue mode",
            }),
        }
    }
}

impl Command {
    /// The ASCII tag.
    pub fn tag(&self) -> &'static str {
        match self {
            Command::New(_) => "NEW",
            Command::Sub => "SUB",
            Command::Subs => "SUBS",
            Command::Key(_) => "KEY",
            Command::RKey(_) => "RKEY",
            Command::LSet(..) => "LSET",
            Command::LDel => "LDEL",
            Command::NKey(..) => "NKEY",
            Command::NDel => "NDEL",
            Command::Get => "GET",
            Command::Ack(_) => "ACK",
            Command::Off => "OFF",
            Command::Del => "DEL",
            Command::Que => "QUE",
            Command::SKey(_) => "SKEY",
            Command::Send(..) => "SEND",
            Command::Ping => "PING",
            Command::NSub => "NSUB",
            Command::NSubs => "NSUBS",
            Command::LKey(_) => "LKEY",
            Command::LGet => "LGET",
            Command::Prxy(..) => "PRXY",
            Command::Pfwd(..) => "PFWD",
            Command::Rfwd(_) => "RFWD",
        }
    }

    /// Which authorization and entity the command needs.
    pub fn credentials(&self) -> Credentials {
        match self {
            Command::New(_) => Credentials::AuthNoEntity,
            Command::Send(..) => Credentials::EntityMaybeAuth,
            Command::LGet | Command::Pfwd(..) => Credentials::EntityNoAuth,
            Command::Ping | Command::Prxy(..) | Command::Rfwd(_) => Credentials::None,
            _ => Credentials::Both,
        }
    }

    /// Checks authorization and entity presence as the reference does
    /// (`checkCredentials`), returning the `CMD` error to send when they are wrong.
    pub fn check_credentials(&self, has_auth: bool, entity: &EntityId) -> Result<(), ErrorType> {
        use crate::error::CommandError::*;
        let has_entity = !entity.is_empty();
        let err = |e| Err(ErrorType::Cmd(e));
        match self.credentials() {
            Credentials::AuthNoEntity if !has_auth => err(NoAuth),
            Credentials::AuthNoEntity if has_entity => err(HasAuth),
            Credentials::EntityMaybeAuth if !has_entity => err(NoEntity),
            Credentials::EntityNoAuth if !has_entity => err(NoEntity),
            Credentials::EntityNoAuth if has_auth => err(HasAuth),
            Credentials::None if has_auth || has_entity => err(HasAuth),
            Credentials::Both if !has_auth || !has_entity => err(NoAuth),
            _ => Ok(()),
        }
    }

    /// Encodes the command for protocol version `v`.
    pub fn encode(&self, v: Version, out: &mut Vec<u8>) {
        out.extend_from_slice(self.tag().as_bytes());
        match self {
            Command::New(req) => encode_new(req, v, out),
            Command::Key(k) | Command::SKey(k) | Command::LKey(k) => {
                out.push(b' ');
                put_auth_key(out, k)
            }
            Command::RKey(ks) => {
                out.push(b' ');
                put_list(out, ks, put_auth_key)
            }
            Command::LSet(lid, d) => {
                out.push(b' ');
                lid.encode(out);
                put_link_data(out, d)
            }
            Command::NKey(k, dh) => {
                out.push(b' ');
                put_auth_key(out, k);
                put_x25519(out, dh)
            }
            Command::Ack(id) => {
                out.push(b' ');
                id.encode(out)
            }
            Command::Send(flags, body) => {
                out.push(b' ');
                put_bool(out, flags.notification);
                out.push(b' ');
                out.extend_from_slice(body)
            }
            Command::Prxy(srv, auth) => {
                out.push(b' ');
                srv.encode(out);
                put_maybe(out, auth.as_ref(), |o, a| a.encode(o))
            }
            Command::Pfwd(fv, key, t) => {
                out.push(b' ');
                fv.encode(out);
                put_x25519(out, key);
                out.extend_from_slice(t)
            }
            Command::Rfwd(t) => {
                out.push(b' ');
                out.extend_from_slice(t)
            }
            _ => {}
        }
    }

    /// Encodes the command for version `v` as a new vector.
    pub fn to_bytes(&self, v: Version) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(v, &mut out);
        out
    }

    /// Parses a command for version `v`: an unknown tag is `CMD UNKNOWN`, anything
    /// else that does not parse (including trailing bytes) is `CMD SYNTAX`.
    pub fn parse(v: Version, s: &[u8]) -> Result<Command, ErrorType> {
        let n = s.iter().position(|&b| b == b' ').unwrap_or(s.len());
        let (tag, params) = s.split_at(n);
        let parser = parser_for(tag).ok_or(ErrorType::UNKNOWN)?;
        let mut r = Reader::new(params);
        let cmd = parser(v, &mut r).map_err(|_| ErrorType::SYNTAX)?;
        r.finish().map_err(|_| ErrorType::SYNTAX)?;
        Ok(cmd)
    }
}

type Parser = fn(Version, &mut Reader<'_>) -> Res<Command>;

fn space(r: &mut Reader<'_>) -> Res<()> {
    r.expect(b' ', "space after command tag")
}

fn parser_for(tag: &[u8]) -> Option<Parser> {
    Some(match tag {
        b"NEW" => |v, r| Ok(Command::New(Box::new(parse_new(v, r)?))),
        b"SUB" => |_, _| Ok(Command::Sub),
        b"SUBS" => |_, _| Ok(Command::Subs),
        b"KEY" => |_, r| Ok(Command::Key(key_param(r)?)),
        b"RKEY" => |_, r| {
            space(r)?;
            Ok(Command::RKey(r.non_empty(read_auth_key)?))
        },
        b"LSET" => |_, r| {
            space(r)?;
            Ok(Command::LSet(EntityId::decode(r)?, link_data(r)?))
        },
        b"LDEL" => |_, _| Ok(Command::LDel),
        b"NKEY" => |_, r| {
            let k = key_param(r)?;
            Ok(Command::NKey(k, read_x25519(r)?))
        },
        b"NDEL" => |_, _| Ok(Command::NDel),
        b"GET" => |_, _| Ok(Command::Get),
        b"ACK" => |_, r| {
            space(r)?;
            Ok(Command::Ack(MsgId::decode(r)?))
        },
        b"OFF" => |_, _| Ok(Command::Off),
        b"DEL" => |_, _| Ok(Command::Del),
        b"QUE" => |_, _| Ok(Command::Que),
        b"SKEY" => |_, r| Ok(Command::SKey(key_param(r)?)),
        b"SEND" => |_, r| {
            space(r)?;
            let notification = r.bool()?;
            // Up to 7 reserved flag bytes may follow; they are skipped up to the space.
            r.word();
            Ok(Command::Send(MsgFlags { notification }, r.tail().to_vec()))
        },
        b"PING" => |_, _| Ok(Command::Ping),
        b"NSUB" => |_, _| Ok(Command::NSub),
        b"NSUBS" => |_, _| Ok(Command::NSubs),
        b"LKEY" => |_, r| Ok(Command::LKey(key_param(r)?)),
        b"LGET" => |_, _| Ok(Command::LGet),
        b"PRXY" => |_, r| {
            space(r)?;
            let srv = SmpServer::decode(r)?;
            Ok(Command::Prxy(srv, Option::<BasicAuth>::decode(r)?))
        },
        b"PFWD" => |_, r| {
            space(r)?;
            let fv = r.u16()?;
            let key = read_x25519(r)?;
            Ok(Command::Pfwd(fv, key, r.tail().to_vec()))
        },
        b"RFWD" => |_, r| {
            space(r)?;
            Ok(Command::Rfwd(r.tail().to_vec()))
        },
        _ => return None,
    })
}

fn key_param(r: &mut Reader<'_>) -> Res<PublicAuthKey> {
    space(r)?;
    read_auth_key(r)
}

fn encode_new(req: &NewQueueReq, v: Version, out: &mut Vec<u8>) {
    out.push(b' ');
    put_auth_key(out, &req.rcv_auth_key);
    put_x25519(out, &req.rcv_dh_key);
    let put_sub = |out: &mut Vec<u8>| {
        out.push(match req.sub_mode {
            SubMode::Subscribe => b'S',
            SubMode::OnlyCreate => b'C',
        })
    };
    if v >= SND_AUTH_KEY_V {
        put_maybe(out, req.auth.as_ref(), |o, a| a.encode(o));
        put_sub(out);
    } else {
        if let Some(a) = &req.auth {
            out.push(b'A');
            a.encode(out);
        }
        put_sub(out);
        return;
    }
    if v >= SHORT_LINKS_V {
        put_maybe(out, req.queue_req_data.as_ref(), |o, d| d.encode(o));
    } else {
        let snd_secure = matches!(req.queue_req_data, Some(QueueReqData::Messaging(_)));
        put_bool(out, snd_secure);
    }
    if v >= NEW_NTF_CREDS_V {
        put_maybe(out, req.ntf_creds.as_ref(), |o, (k, dh)| {
            put_auth_key(o, k);
            put_x25519(o, dh)
        });
    }
}

fn parse_new(v: Version, r: &mut Reader<'_>) -> Res<NewQueueReq> {
    space(r)?;
    let rcv_auth_key = read_auth_key(r)?;
    let rcv_dh_key = read_x25519(r)?;
    let auth = if v >= SND_AUTH_KEY_V {
        Option::<BasicAuth>::decode(r)?
    } else if r.eat(b"A") {
        Some(BasicAuth::decode(r)?)
    } else {
        None
    };
    let sub_mode = match r.u8()? {
        b'S' => SubMode::Subscribe,
        b'C' => SubMode::OnlyCreate,
        found => {
            return Err(DecodeError::BadByte {
                found,
                what: "subscribe mode",
            });
        }
    };
    let queue_req_data = if v >= SHORT_LINKS_V {
        Option::<QueueReqData>::decode(r)?
    } else if v >= SND_AUTH_KEY_V {
        Some(if r.bool()? {
            QueueReqData::Messaging(None)
        } else {
            QueueReqData::Contact(None)
        })
    } else {
        None
    };
    let ntf_creds = if v >= NEW_NTF_CREDS_V {
        r.maybe(|r| Ok((read_auth_key(r)?, read_x25519(r)?)))?
    } else {
        None
    };
    Ok(NewQueueReq {
        rcv_auth_key,
        rcv_dh_key,
        auth,
        sub_mode,
        queue_req_data,
        ntf_creds,
    })
}
