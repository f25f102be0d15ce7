//! Full connection links (the reference's `ConnectionRequestUri`), protocol-map §5.2.
//!
//! ```text
//! simplex:/invitation#/?v=2-7&smp=<urlenc(queueURI[;queueURI…])>&e2e=<urlenc(e2eParams)>[&data=<urlenc text>]
//! simplex:/contact#/?v=2-7&smp=<urlenc(queueURI…)>[&data=…]
//! ```
//! Queue URIs are separated by `;` (commas belong to host lists) and percent-encoded once
//! more inside `smp=`, so their own `%3D` appears as `%253D`. `https://<host>[:port]/…` is
//! accepted in place of `simplex:/…`; `simplex:` is always written. Contact links are
//! adjusted on parse so that their minimum agent version is at least 2.
//!
//! Binary (inside short-link fixed data): `'I' ‖ data ‖ e2eParamsUri` or `'C' ‖ data`, with
//! `data = vr ‖ u8 N ‖ N×queueUri ‖ maybe(large(clientData))`.

use simplex_encoding::writer::{put_large, put_list, put_maybe};
use simplex_encoding::{Decode, DecodeError, Encode, Reader, VersionRange};
use smp_proto::command::QueueMode;

use crate::e2e_params::{E2ERatchetParamsUri, ParamsUriText, check_proposed};
use crate::query::{Query, QueryWriter};
use crate::queue_uri::SmpQueueUri;
use crate::text::{Scanner, parse_vrange};
use crate::versions::MIN_AGENT_V;

/// Whether a link creates a one-time invitation or uses a contact address.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum ConnectionMode {
    /// One-time invitation (`'I'`).
    Invitation,
    /// Contact address (`'C'`).
    Contact,
}

impl Encode for ConnectionMode {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(match self {
            ConnectionMode::Invitation => b'I',
            ConnectionMode::Contact => b'C',
        });
    }
}

impl Decode for ConnectionMode {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match r.u8()? {
            b'I' => Ok(ConnectionMode::Invitation),
            b'C' => Ok(ConnectionMode::Contact),
            found => Err(DecodeError::BadByte {
                found,
                what: "connection mode",
            }),
        }
    }
}

/// The part common to both kinds of links.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ConnReqData {
    /// Agent versions the creator supports.
    pub agent_versions: VersionRange,
    /// The queues to send to; at least one.
    pub queues: Vec<SmpQueueUri>,
    /// Application data (chat uses JSON), if any.
    pub client_data: Option<String>,
}

/// A full connection link.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ConnectionRequest {
    /// A one-time invitation with the creator's ratchet parameters.
    Invitation {
        /// Versions and queues.
        data: ConnReqData,
        /// The creator's X3DH keys (KEM, if any, only proposed).
        e2e: E2ERatchetParamsUri,
    },
    /// A contact address (ratchet keys come later, in the `AgentInvitation`).
    Contact {
        /// Versions and queues.
        data: ConnReqData,
    },
}

fn rcv_params(e2e: E2ERatchetParamsUri) -> Result<E2ERatchetParamsUri, DecodeError> {
    check_proposed(e2e.kem.as_ref()).map(|()| e2e)
}

/// The reference's `adjustAgentVRange`: raise the minimum to 2 (and the maximum with it).
fn adjust_agent_versions(vr: VersionRange) -> VersionRange {
    let min = vr.min().max(MIN_AGENT_V);
    VersionRange::new(min, vr.max().max(min)).unwrap_or(vr)
}

impl ConnectionRequest {
    /// The link's mode.
    pub fn mode(&self) -> ConnectionMode {
        match self {
            ConnectionRequest::Invitation { .. } => ConnectionMode::Invitation,
            ConnectionRequest::Contact { .. } => ConnectionMode::Contact,
        }
    }

    /// Versions, queues and client data.
    pub fn data(&self) -> &ConnReqData {
        match self {
            ConnectionRequest::Invitation { data, .. } | ConnectionRequest::Contact { data } => {
                data
            }
        }
    }

    /// The `simplex:/…` text form.
    pub fn to_text(&self) -> String {
        let (mode, data, e2e) = match self {
            ConnectionRequest::Invitation { data, e2e } => ("invitation", data, Some(e2e)),
            ConnectionRequest::Contact { data } => ("contact", data, None),
        };
        let queues: Vec<String> = data.queues.iter().map(SmpQueueUri::to_text).collect();
        let mut q = QueryWriter::new();
        q.escaped("v", data.agent_versions.to_string().as_bytes());
        q.escaped("smp", queues.join(";").as_bytes());
        if let Some(e2e) = e2e {
            q.escaped("e2e", e2e.to_text().as_bytes());
        }
        if let Some(d) = &data.client_data {
            q.escaped("data", d.as_bytes());
        }
        format!("simplex:/{mode}#/?{}", q.finish())
    }

    /// Parses a `simplex:/…` or `https://host/…` link.
    pub fn parse_text(s: &str) -> Result<ConnectionRequest, DecodeError> {
        let mut sc = Scanner::new(s);
        scan_scheme(&mut sc)?;
        sc.literal("/")?;
        let mode = if sc.eat_str("invitation") {
            ConnectionMode::Invitation
        } else if sc.eat_str("contact") {
            ConnectionMode::Contact
        } else {
            return Err(DecodeError::Invalid("bad connection link mode"));
        };
        sc.eat('/');
        sc.literal("#/?")?;
        let q = Query::parse_link(sc.take_rest())?;
        let queues = q
            .require("smp")?
            .split(';')
            .map(SmpQueueUri::parse_text)
            .collect::<Result<Vec<_>, _>>()?;
        let data = ConnReqData {
            agent_versions: parse_vrange(q.require("v")?)?,
            queues,
            client_data: q
                .get("data")
                .map(|d| String::from_utf8_lossy(d).into_owned()),
        };
        Ok(match mode {
            ConnectionMode::Invitation => {
                let e2e = rcv_params(E2ERatchetParamsUri::parse_text(q.require("e2e")?)?)?;
                ConnectionRequest::Invitation { data, e2e }
            }
            ConnectionMode::Contact => ConnectionRequest::Contact {
                data: ConnReqData {
                    agent_versions: adjust_agent_versions(data.agent_versions),
                    ..data
                },
            },
        })
    }
}

/// `simplex:` or `https://<host>[:<port>]` (the reference's `ServiceScheme`).
fn scan_scheme(sc: &mut Scanner<'_>) -> Result<(), DecodeError> {
    if sc.eat_str("simplex:") {
        return Ok(());
    }
    sc.literal("https://")?;
    let host = sc.take_while(|c| !":#,;/ ".contains(c));
    if host.is_empty() {
        return Err(DecodeError::Invalid("bad link host"));
    }
    if sc.eat(':') {
        sc.port()?;
    }
    Ok(())
}

impl Encode for ConnReqData {
    fn encode(&self, out: &mut Vec<u8>) {
        self.agent_versions.encode(out);
        put_list(out, &self.queues, |o, q| q.encode(o));
        put_maybe(out, self.client_data.as_ref(), |o, d| {
            put_large(o, d.as_bytes())
        });
    }
}

impl Decode for ConnReqData {
    /// Queues without a mode are taken as contact queues, as the reference does: this
    /// binary form only exists since SMP client v4, whose queues always carry a mode.
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let agent_versions = VersionRange::decode(r)?;
        let mut queues = r.non_empty(SmpQueueUri::decode)?;
        for q in &mut queues {
            q.addr.queue_mode.get_or_insert(QueueMode::Contact);
        }
        let client_data = r.maybe(|r| Ok(String::from_utf8_lossy(r.large()?).into_owned()))?;
        Ok(ConnReqData {
            agent_versions,
            queues,
            client_data,
        })
    }
}

impl Encode for ConnectionRequest {
    fn encode(&self, out: &mut Vec<u8>) {
        self.mode().encode(out);
        self.data().encode(out);
        if let ConnectionRequest::Invitation { e2e, .. } = self {
            e2e.encode(out);
        }
    }
}

impl Decode for ConnectionRequest {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(match ConnectionMode::decode(r)? {
            ConnectionMode::Invitation => ConnectionRequest::Invitation {
                data: ConnReqData::decode(r)?,
                e2e: rcv_params(E2ERatchetParamsUri::decode(r)?)?,
            },
            ConnectionMode::Contact => ConnectionRequest::Contact {
                data: ConnReqData::decode(r)?,
            },
        })
    }
}
