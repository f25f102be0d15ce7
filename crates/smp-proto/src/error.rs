//! SMP error codes (`ERR ...`) and their text encodings (`Protocol.hs`, `Transport.hs`).
//!
//! Errors travel as space-separated ASCII words, e.g. `CMD SYNTAX` or
//! `PROXY BROKER TIMEOUT`.

use crate::versions::{BLOCKED_ENTITY_V, CLIENT_NOTICES_V};
use simplex_encoding::{DecodeError, Reader, Short, Version};

/// An error sent by a relay in `ERR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorType {
    /// Bad block format, encoding or authorization size.
    Block,
    /// Wrong session id.
    Session,
    /// Unknown command or bad syntax.
    Cmd(CommandError),
    /// Error from the proxied relay.
    Proxy(Box<ProxyError>),
    /// Authorization failed or no such queue.
    Auth,
    /// The entity was blocked by the operator (v12+).
    Blocked(BlockingInfo),
    /// Service signature not allowed.
    Service,
    /// Decryption error in the proxy protocol.
    Crypto,
    /// Queue capacity exceeded.
    Quota,
    /// Relay storage error.
    Store(String),
    /// `ACK` without a message to acknowledge.
    NoMsg,
    /// Message too large.
    LargeMsg,
    /// Relay key expired.
    Expired,
    /// Internal relay error.
    Internal,
    /// Used internally by the reference; never sent.
    Duplicate,
}

/// Command-level errors (`CMD ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandError {
    /// Unknown command tag.
    Unknown,
    /// Bad syntax.
    Syntax,
    /// Not allowed in this state or for this queue.
    Prohibited,
    /// Authorization or entity missing.
    NoAuth,
    /// Authorization or entity present where not allowed.
    HasAuth,
    /// Entity id missing.
    NoEntity,
}

/// Errors of private message routing (`PROXY ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyError {
    /// The destination relay answered with this error.
    Protocol(ErrorType),
    /// The proxy could not talk to the destination relay.
    Broker(BrokerErrorType),
    /// Wrong proxy password.
    BasicAuth,
    /// No such proxy session.
    NoSession,
}

/// Errors of a connection to another relay (`BROKER ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokerErrorType {
    /// Unparsable response.
    Response(String),
    /// Unexpected response.
    Unexpected(String),
    /// Transport error.
    Transport(TransportError),
    /// Network error (details are not sent).
    Network,
    /// Timeout.
    Timeout,
    /// Unknown host.
    Host,
    /// No service.
    NoService,
}

/// Transport errors (`Transport.hs` `TransportError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportError {
    /// Bad block.
    Block,
    /// Incompatible version.
    Version,
    /// Message does not fit a block.
    LargeMsg,
    /// Bad session id.
    Session,
    /// Server did not provide a key for authenticators.
    NoAuth,
    /// Handshake failed.
    Handshake(HandshakeError),
}

/// Handshake errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeError {
    /// Unparsable hello.
    Parse,
    /// Wrong server identity.
    Identity,
    /// Bad session key signature.
    BadAuth,
    /// Service record error.
    BadService,
}

/// Why an entity was blocked (`reason=spam|content[,notice=<json>]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockingInfo {
    /// The reason.
    pub reason: BlockingReason,
    /// Optional client notice as JSON text, e.g. `{"ttl":3600}` (v18+).
    pub notice: Option<String>,
}

/// Blocking reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockingReason {
    /// Spam.
    Spam,
    /// Illegal content.
    Content,
}

type Res<T> = Result<T, DecodeError>;

fn bad(what: &'static str) -> DecodeError {
    DecodeError::Invalid(what)
}

fn utf8(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Text for a `short` field: invalid UTF-8 replaced, then cut at a character boundary to
/// at most 255 bytes, so that decoding and re-encoding give the same text.
fn short_text(b: &[u8]) -> String {
    let mut s = utf8(b);
    if s.len() > 255 {
        let mut end = 255;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

impl ErrorType {
    /// The text form as the relay sends it to a client of version `v`
    /// (`BLOCKED` becomes `AUTH` before v12 and loses its notice before v18).
    pub fn encode_for(&self, v: Version, out: &mut Vec<u8>) {
        match self {
            ErrorType::Blocked(_) if v < BLOCKED_ENTITY_V => out.extend_from_slice(b"AUTH"),
            ErrorType::Blocked(info) if v < CLIENT_NOTICES_V => {
                let plain = BlockingInfo {
                    reason: info.reason,
                    notice: None,
                };
                ErrorType::Blocked(plain).encode(out)
            }
            e => e.encode(out),
        }
    }

    /// The text form.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let w = |out: &mut Vec<u8>, s: &str| out.extend_from_slice(s.as_bytes());
        match self {
            ErrorType::Block => w(out, "BLOCK"),
            ErrorType::Session => w(out, "SESSION"),
            ErrorType::Cmd(e) => {
                w(out, "CMD ");
                w(out, e.word())
            }
            ErrorType::Proxy(e) => {
                w(out, "PROXY ");
                e.encode(out)
            }
            ErrorType::Auth => w(out, "AUTH"),
            ErrorType::Blocked(info) => {
                w(out, "BLOCKED ");
                info.encode(out)
            }
            ErrorType::Service => w(out, "SERVICE"),
            ErrorType::Crypto => w(out, "CRYPTO"),
            ErrorType::Quota => w(out, "QUOTA"),
            ErrorType::Store(s) => {
                w(out, "STORE ");
                w(out, s)
            }
            ErrorType::NoMsg => w(out, "NO_MSG"),
            ErrorType::LargeMsg => w(out, "LARGE_MSG"),
            ErrorType::Expired => w(out, "EXPIRED"),
            ErrorType::Internal => w(out, "INTERNAL"),
            ErrorType::Duplicate => w(out, "DUPLICATE_"),
        }
    }

    /// Parses the text form from the reader (consumes what it needs).
    pub fn parse(r: &mut Reader<'_>) -> Res<Self> {
        Ok(match r.word() {
            b"BLOCK" => ErrorType::Block,
            b"SESSION" => ErrorType::Session,
            b"CMD" => ErrorType::Cmd(CommandError::parse(r.word())?),
            b"PROXY" => ErrorType::Proxy(Box::new(ProxyError::parse(r)?)),
            b"AUTH" => ErrorType::Auth,
            b"BLOCKED" => ErrorType::Blocked(BlockingInfo::parse(r.tail())?),
            b"SERVICE" => ErrorType::Service,
            b"CRYPTO" => ErrorType::Crypto,
            b"QUOTA" => ErrorType::Quota,
            b"STORE" => ErrorType::Store(utf8(r.tail())),
            b"EXPIRED" => ErrorType::Expired,
            b"NO_MSG" => ErrorType::NoMsg,
            b"LARGE_MSG" => ErrorType::LargeMsg,
            b"INTERNAL" => ErrorType::Internal,
            b"DUPLICATE_" => ErrorType::Duplicate,
            _ => return Err(bad("unknown error type")),
        })
    }

    /// Shorthand for `CMD SYNTAX`.
    pub const SYNTAX: ErrorType = ErrorType::Cmd(CommandError::Syntax);
    /// Shorthand for `CMD UNKNOWN`.
    pub const UNKNOWN: ErrorType = ErrorType::Cmd(CommandError::Unknown);
    /// Shorthand for `CMD PROHIBITED`.
    pub const PROHIBITED: ErrorType = ErrorType::Cmd(CommandError::Prohibited);
}

impl CommandError {
    fn word(&self) -> &'static str {
        match self {
            CommandError::Unknown => "UNKNOWN",
            CommandError::Syntax => "SYNTAX",
            CommandError::Prohibited => "PROHIBITED",
            CommandError::NoAuth => "NO_AUTH",
            CommandError::HasAuth => "HAS_AUTH",
            CommandError::NoEntity => "NO_ENTITY",
        }
    }

    fn parse(w: &[u8]) -> Res<Self> {
        Ok(match w {
            b"UNKNOWN" => CommandError::Unknown,
            b"SYNTAX" => CommandError::Syntax,
            b"PROHIBITED" => CommandError::Prohibited,
            b"NO_AUTH" => CommandError::NoAuth,
            b"HAS_AUTH" => CommandError::HasAuth,
            // The reference accepts the old name for backward compatibility.
            b"NO_ENTITY" | b"NO_QUEUE" => CommandError::NoEntity,
            _ => return Err(bad("unknown command error")),
        })
    }
}

impl ProxyError {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            ProxyError::Protocol(e) => {
                out.extend_from_slice(b"PROTOCOL ");
                e.encode(out)
            }
            ProxyError::Broker(e) => {
                out.extend_from_slice(b"BROKER ");
                e.encode(out)
            }
            ProxyError::BasicAuth => out.extend_from_slice(b"BASIC_AUTH"),
            ProxyError::NoSession => out.extend_from_slice(b"NO_SESSION"),
        }
    }

    fn parse(r: &mut Reader<'_>) -> Res<Self> {
        Ok(match r.word() {
            b"PROTOCOL" => ProxyError::Protocol(ErrorType::parse(r)?),
            b"BROKER" => ProxyError::Broker(BrokerErrorType::parse(r)?),
            b"BASIC_AUTH" => ProxyError::BasicAuth,
            b"NO_SESSION" => ProxyError::NoSession,
            _ => return Err(bad("unknown proxy error")),
        })
    }
}

impl BrokerErrorType {
    fn encode(&self, out: &mut Vec<u8>) {
        let short = |out: &mut Vec<u8>, s: &str| {
            let t = short_text(s.as_bytes());
            let s = Short::from_slice(t.as_bytes()).unwrap_or_default();
            simplex_encoding::Encode::encode(&s, out)
        };
        match self {
            BrokerErrorType::Response(s) => {
                out.extend_from_slice(b"RESPONSE ");
                short(out, s)
            }
            BrokerErrorType::Unexpected(s) => {
                out.extend_from_slice(b"UNEXPECTED ");
                short(out, s)
            }
            BrokerErrorType::Transport(e) => {
                out.extend_from_slice(b"TRANSPORT ");
                e.encode(out)
            }
            BrokerErrorType::Network => out.extend_from_slice(b"NETWORK"),
            BrokerErrorType::Timeout => out.extend_from_slice(b"TIMEOUT"),
            BrokerErrorType::Host => out.extend_from_slice(b"HOST"),
            BrokerErrorType::NoService => out.extend_from_slice(b"NO_SERVICE"),
        }
    }

    fn parse(r: &mut Reader<'_>) -> Res<Self> {
        Ok(match r.word() {
            b"RESPONSE" => BrokerErrorType::Response(short_text(r.short()?)),
            b"UNEXPECTED" => BrokerErrorType::Unexpected(short_text(r.short()?)),
            b"TRANSPORT" => BrokerErrorType::Transport(TransportError::parse(r)?),
            b"NETWORK" => {
                // Newer peers may append details; they are not kept.
                r.tail();
                BrokerErrorType::Network
            }
            b"TIMEOUT" => BrokerErrorType::Timeout,
            b"HOST" => BrokerErrorType::Host,
            b"NO_SERVICE" => BrokerErrorType::NoService,
            _ => return Err(bad("unknown broker error")),
        })
    }
}

impl TransportError {
    /// The text form.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let s = match self {
            TransportError::Block => "BLOCK",
            TransportError::Version => "VERSION",
            TransportError::LargeMsg => "LARGE_MSG",
            TransportError::Session => "SESSION",
            TransportError::NoAuth => "NO_AUTH",
            TransportError::Handshake(h) => {
                out.extend_from_slice(b"HANDSHAKE ");
                match h {
                    HandshakeError::Parse => "PARSE",
                    HandshakeError::Identity => "IDENTITY",
                    HandshakeError::BadAuth => "BAD_AUTH",
                    HandshakeError::BadService => "BAD_SERVICE",
                }
            }
        };
        out.extend_from_slice(s.as_bytes())
    }

    /// Parses the text form.
    pub fn parse(r: &mut Reader<'_>) -> Res<Self> {
        Ok(match r.word() {
            b"BLOCK" => TransportError::Block,
            b"VERSION" => TransportError::Version,
            b"LARGE_MSG" => TransportError::LargeMsg,
            b"SESSION" => TransportError::Session,
            b"NO_AUTH" => TransportError::NoAuth,
            b"HANDSHAKE" => TransportError::Handshake(match r.word() {
                b"PARSE" => HandshakeError::Parse,
                b"IDENTITY" => HandshakeError::Identity,
                b"BAD_AUTH" => HandshakeError::BadAuth,
                b"BAD_SERVICE" => HandshakeError::BadService,
                _ => return Err(bad("unknown handshake error")),
            }),
            _ => return Err(bad("unknown transport error")),
        })
    }
}

impl BlockingInfo {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"reason=");
        out.extend_from_slice(match self.reason {
            BlockingReason::Spam => b"spam",
            BlockingReason::Content => b"content",
        });
        if let Some(n) = &self.notice {
            out.extend_from_slice(b",notice=");
            out.extend_from_slice(n.as_bytes());
        }
    }

    fn parse(s: &[u8]) -> Res<Self> {
        let rest = s.strip_prefix(b"reason=").ok_or(bad("blocking info"))?;
        let (reason, rest) = if let Some(r) = rest.strip_prefix(b"spam") {
            (BlockingReason::Spam, r)
        } else if let Some(r) = rest.strip_prefix(b"content") {
            (BlockingReason::Content, r)
        } else {
            return Err(bad("blocking reason"));
        };
        let notice = match rest {
            [] => None,
            r => {
                let n = r.strip_prefix(b",notice=").ok_or(bad("blocking notice"))?;
                let t = std::str::from_utf8(n).map_err(|_| DecodeError::Utf8)?;
                if !(t.starts_with('{') && t.ends_with('}')) {
                    return Err(bad("notice is not a JSON object"));
                }
                Some(t.to_owned())
            }
        };
        Ok(BlockingInfo { reason, notice })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn text(e: &ErrorType, v: Version) -> String {
        let mut out = Vec::new();
        e.encode_for(v, &mut out);
        String::from_utf8(out).unwrap()
    }

    fn parse(s: &str) -> ErrorType {
        let mut r = Reader::new(s.as_bytes());
        let e = ErrorType::parse(&mut r).unwrap();
        r.finish().unwrap();
        e
    }

    #[test]
    fn literal_forms() {
        let cases: Vec<(ErrorType, &str)> = vec![
            (ErrorType::Auth, "AUTH"),
            (ErrorType::SYNTAX, "CMD SYNTAX"),
            (ErrorType::Cmd(CommandError::NoEntity), "CMD NO_ENTITY"),
            (
                ErrorType::Proxy(Box::new(ProxyError::Broker(BrokerErrorType::Timeout))),
                "PROXY BROKER TIMEOUT",
            ),
            (
                ErrorType::Proxy(Box::new(ProxyError::Protocol(ErrorType::Quota))),
                "PROXY PROTOCOL QUOTA",
            ),
            (
                ErrorType::Proxy(Box::new(ProxyError::Broker(BrokerErrorType::Transport(
                    TransportError::Handshake(HandshakeError::Identity),
                )))),
                "PROXY BROKER TRANSPORT HANDSHAKE IDENTITY",
            ),
            (ErrorType::Store("disk full".into()), "STORE disk full"),
            (
                ErrorType::Blocked(BlockingInfo {
                    reason: BlockingReason::Spam,
                    notice: Some("{\"ttl\":60}".into()),
                }),
                "BLOCKED reason=spam,notice={\"ttl\":60}",
            ),
        ];
        for (e, s) in cases {
            assert_eq!(text(&e, 18), s);
            assert_eq!(parse(s), e);
        }
        assert_eq!(
            parse("CMD NO_QUEUE"),
            ErrorType::Cmd(CommandError::NoEntity)
        );
    }

    #[test]
    fn blocked_downgrades_by_version() {
        let e = ErrorType::Blocked(BlockingInfo {
            reason: BlockingReason::Content,
            notice: Some("{}".into()),
        });
        assert_eq!(text(&e, 11), "AUTH");
        assert_eq!(text(&e, 17), "BLOCKED reason=content");
        assert_eq!(text(&e, 18), "BLOCKED reason=content,notice={}");
    }
}
