//! SOCKS5 (RFC 1928) client handshake with username/password authentication (RFC 1929),
//! and the reference's per-session proxy credentials (`Client.hs` `clientSocksCredentials`,
//! `SocksAuth`, `TransportSessionMode`).
//!
//! Relay host names are sent to the proxy as domain names (address type 3), so `.onion`
//! hosts are resolved by the proxy (Tor) and never by us.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use base64::Engine;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use zeroize::Zeroizing;

use crate::error::{ClientError, Result};

/// A SOCKS5 proxy and how to authenticate to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocksProxy {
    /// The proxy's address (e.g. Tor's `127.0.0.1:9050`).
    pub addr: SocketAddr,
    /// What credentials to offer.
    pub auth: SocksAuth,
}

/// How a client authenticates to the SOCKS proxy (reference `SocksAuth`).
#[derive(Clone, PartialEq, Eq)]
pub enum SocksAuth {
    /// No authentication.
    Null,
    /// Fixed username and password for every connection.
    Username {
        /// The username.
        username: String,
        /// The password (wiped on drop, never printed).
        password: Zeroizing<String>,
    },
    /// A username derived from the transport session, so that Tor puts connections of
    /// different sessions on different circuits (the default of the reference).
    IsolateByAuth,
}

impl fmt::Debug for SocksAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SocksAuth::Null => f.write_str("Null"),
            SocksAuth::Username { username, .. } => f
                .debug_struct("Username")
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
            SocksAuth::IsolateByAuth => f.write_str("IsolateByAuth"),
        }
    }
}

/// When the SOCKS proxy is used (reference `SocksMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SocksMode {
    /// Every connection goes through the proxy.
    #[default]
    Always,
    /// Only connections to `.onion` hosts go through the proxy.
    Onion,
}

/// What one isolated proxy session covers (reference `TransportSessionMode`): with
/// [`SocksAuth::IsolateByAuth`] connections share a username, and so a Tor circuit, only
/// within one such session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TransportSessionMode {
    /// One session per user.
    User,
    /// One session per user and agent run (the reference's default).
    #[default]
    Session,
    /// One session per user, run and relay.
    Server,
    /// One session per user, run, relay and connection.
    Entity,
}

/// The username and password sent to the proxy for one connection.
#[derive(Clone, PartialEq, Eq)]
pub struct SocksCredentials {
    /// The username (at most 255 bytes).
    pub username: String,
    /// The password (at most 255 bytes; wiped on drop, never printed).
    pub password: Zeroizing<String>,
}

impl fmt::Debug for SocksCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SocksCredentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// The transport session a connection belongs to, for [`socks_credentials`].
#[derive(Debug, Clone, Copy)]
pub struct TransportSession<'a> {
    /// The user (agent user id).
    pub user_id: i64,
    /// When this run of the agent started (any value that changes per run).
    pub session_ts: i64,
    /// The relay address (`smp://keyhash@host`).
    pub server: &'a str,
    /// The connection (entity), if the session is per connection.
    pub entity: Option<&'a [u8]>,
}

/// The credentials to offer for a connection of `session` (reference
/// `clientSocksCredentials`): fixed ones, none, or with [`SocksAuth::IsolateByAuth`] the
/// username `base64(sha256(userId [":" ts ["@" server ["/" entity]]]))` and an empty
/// password, the parts included as `mode` says.
pub fn socks_credentials(
    auth: &SocksAuth,
    mode: TransportSessionMode,
    session: &TransportSession<'_>,
) -> Option<SocksCredentials> {
    match auth {
        SocksAuth::Null => None,
        SocksAuth::Username { username, password } => Some(SocksCredentials {
            username: username.clone(),
            password: password.clone(),
        }),
        SocksAuth::IsolateByAuth => {
            let mut id = session.user_id.to_string().into_bytes();
            let with_ts = |id: &mut Vec<u8>| {
                id.extend_from_slice(format!(":{}", session.session_ts).as_bytes())
            };
            let with_srv = |id: &mut Vec<u8>| {
                id.push(b'@');
                id.extend_from_slice(session.server.as_bytes());
            };
            match mode {
                TransportSessionMode::User => {}
                TransportSessionMode::Session => with_ts(&mut id),
                TransportSessionMode::Server => {
                    with_ts(&mut id);
                    with_srv(&mut id);
                }
                TransportSessionMode::Entity => {
                    with_ts(&mut id);
                    with_srv(&mut id);
                    if let Some(e) = session.entity {
                        id.push(b'/');
                        id.extend_from_slice(e);
                    }
                }
            }
            let hash = simplex_crypto::hash::sha256(&id);
            Some(SocksCredentials {
                username: base64::engine::general_purpose::STANDARD.encode(hash),
                password: Zeroizing::new(String::new()),
            })
        }
    }
}

/// Where the proxy should connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocksTarget {
    /// An IP address and port.
    Ip(SocketAddr),
    /// A host name (resolved by the proxy) and port.
    Domain(String, u16),
}

impl SocksTarget {
    /// The target for `host:port`: an IP literal as an address, anything else as a name.
    pub fn from_host(host: &str, port: u16) -> Self {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        match bare.parse::<IpAddr>() {
            Ok(ip) => SocksTarget::Ip(SocketAddr::new(ip, port)),
            Err(_) => SocksTarget::Domain(bare.to_owned(), port),
        }
    }
}

const VERSION: u8 = 5;
const METHOD_NONE: u8 = 0;
const METHOD_USERPASS: u8 = 2;
const NO_METHOD: u8 = 0xff;
const CMD_CONNECT: u8 = 1;
const ATYP_V4: u8 = 1;
const ATYP_DOMAIN: u8 = 3;
const ATYP_V6: u8 = 4;

fn socks_err(msg: impl Into<String>) -> ClientError {
    ClientError::Socks(msg.into())
}

fn short_field(s: &str, what: &str) -> Result<u8> {
    u8::try_from(s.len())
        .ok()
        .filter(|n| *n > 0 || what == "password")
        .ok_or_else(|| socks_err(format!("{what} must be 1-255 bytes")))
}

/// Runs the client side of a SOCKS5 `CONNECT` to `target` on a stream connected to the
/// proxy, offering username/password authentication when `creds` is given. After `Ok` the
/// stream carries the tunnelled connection.
pub async fn socks5_connect<S>(
    stream: &mut S,
    target: &SocksTarget,
    creds: Option<&SocksCredentials>,
) -> Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let method = if creds.is_some() {
        METHOD_USERPASS
    } else {
        METHOD_NONE
    };
    stream
        .write_all(&[VERSION, 1, method])
        .await
        .map_err(ClientError::Network)?;
    let mut reply = [0u8; 2];
    stream
        .read_exact(&mut reply)
        .await
        .map_err(ClientError::Network)?;
    if reply[0] != VERSION {
        return Err(socks_err("not a SOCKS5 proxy"));
    }
    if reply[1] == NO_METHOD || reply[1] != method {
        return Err(socks_err("the proxy refused the authentication method"));
    }
    if let Some(c) = creds {
        authenticate(stream, c).await?;
    }
    stream
        .write_all(&connect_request(target)?)
        .await
        .map_err(ClientError::Network)?;
    read_connect_reply(stream).await
}

/// RFC 1929 username/password sub-negotiation.
async fn authenticate<S>(stream: &mut S, c: &SocksCredentials) -> Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let ulen = short_field(&c.username, "username")?;
    let plen = short_field(&c.password, "password")?;
    let mut msg = Zeroizing::new(Vec::with_capacity(3 + c.username.len() + c.password.len()));
    msg.extend_from_slice(&[1, ulen]);
    msg.extend_from_slice(c.username.as_bytes());
    msg.push(plen);
    msg.extend_from_slice(c.password.as_bytes());
    stream.write_all(&msg).await.map_err(ClientError::Network)?;
    let mut reply = [0u8; 2];
    stream
        .read_exact(&mut reply)
        .await
        .map_err(ClientError::Network)?;
    if reply != [1, 0] {
        return Err(socks_err("the proxy rejected the credentials"));
    }
    Ok(())
}

fn connect_request(target: &SocksTarget) -> Result<Vec<u8>> {
    let mut req = vec![VERSION, CMD_CONNECT, 0];
    let port = match target {
        SocksTarget::Ip(SocketAddr::V4(a)) => {
            req.push(ATYP_V4);
            req.extend_from_slice(&a.ip().octets());
            a.port()
        }
        SocksTarget::Ip(SocketAddr::V6(a)) => {
            req.push(ATYP_V6);
            req.extend_from_slice(&a.ip().octets());
            a.port()
        }
        SocksTarget::Domain(host, port) => {
            req.push(ATYP_DOMAIN);
            req.push(short_field(host, "host name")?);
            req.extend_from_slice(host.as_bytes());
            *port
        }
    };
    req.extend_from_slice(&port.to_be_bytes());
    Ok(req)
}

async fn read_connect_reply<S>(stream: &mut S) -> Result<()>
where
    S: AsyncRead + Unpin,
{
    let mut head = [0u8; 4];
    stream
        .read_exact(&mut head)
        .await
        .map_err(ClientError::Network)?;
    let [ver, rep, _, atyp] = head;
    if ver != VERSION {
        return Err(socks_err("bad reply version"));
    }
    if rep != 0 {
        return Err(socks_err(format!("connect failed: {}", reply_text(rep))));
    }
    let addr_len = match atyp {
        ATYP_V4 => 4,
        ATYP_V6 => 16,
        ATYP_DOMAIN => {
            let mut n = [0u8; 1];
            stream
                .read_exact(&mut n)
                .await
                .map_err(ClientError::Network)?;
            usize::from(n[0])
        }
        _ => return Err(socks_err("bad address type in reply")),
    };
    // The bound address and port are not needed.
    let mut rest = vec![0u8; addr_len + 2];
    stream
        .read_exact(&mut rest)
        .await
        .map_err(ClientError::Network)?;
    Ok(())
}

/// RFC 1928 §6 reply codes.
fn reply_text(rep: u8) -> &'static str {
    match rep {
        1 => "general failure",
        2 => "not allowed by ruleset",
        3 => "network unreachable",
        4 => "host unreachable",
        5 => "connection refused",
        6 => "TTL expired",
        7 => "command not supported",
        8 => "address type not supported",
        _ => "unknown error",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn session(entity: Option<&[u8]>) -> TransportSession<'_> {
        TransportSession {
            user_id: 1,
            session_ts: 1000,
            server: "smp://a@b",
            entity,
        }
    }

    #[test]
    fn isolation_username_depends_on_mode() {
        let auth = SocksAuth::IsolateByAuth;
        let name = |mode, e| {
            socks_credentials(&auth, mode, &session(e))
                .unwrap()
                .username
        };
        use TransportSessionMode::*;
        // User mode ignores the run, relay and entity.
        assert_eq!(name(User, Some(b"x")), name(User, None));
        // Session mode ignores relay and entity, entity mode does not.
        assert_eq!(name(Session, Some(b"x")), name(Session, Some(b"y")));
        assert_ne!(name(Entity, Some(b"x")), name(Entity, Some(b"y")));
        assert_ne!(name(User, None), name(Session, None));
        assert_ne!(name(Session, None), name(Server, None));
        // The username is base64 of sha256("1:1000").
        let expected = base64::engine::general_purpose::STANDARD
            .encode(simplex_crypto::hash::sha256(b"1:1000"));
        assert_eq!(name(Session, None), expected);
        let creds = socks_credentials(&auth, Session, &session(None)).unwrap();
        assert!(creds.password.is_empty());
        assert!(socks_credentials(&SocksAuth::Null, Session, &session(None)).is_none());
    }

    #[test]
    fn connect_request_bytes() {
        let onion = SocksTarget::from_host("abc.onion", 5223);
        assert_eq!(
            connect_request(&onion).unwrap(),
            [&[5, 1, 0, 3, 9][..], b"abc.onion", &[0x14, 0x67]].concat()
        );
        let v4 = SocksTarget::from_host("127.0.0.1", 443);
        assert_eq!(
            connect_request(&v4).unwrap(),
            vec![5, 1, 0, 1, 127, 0, 0, 1, 1, 187]
        );
        let v6 = SocksTarget::from_host("[::1]", 1);
        let req = connect_request(&v6).unwrap();
        assert_eq!(req.len(), 4 + 16 + 2);
        assert_eq!(req[3], ATYP_V6);
        let long = SocksTarget::Domain("x".repeat(256), 1);
        assert!(connect_request(&long).is_err());
    }

    #[test]
    fn password_is_redacted() {
        let auth = SocksAuth::Username {
            username: "u".into(),
            password: Zeroizing::new("secret".into()),
        };
        assert!(!format!("{auth:?}").contains("secret"));
        let c = socks_credentials(&auth, TransportSessionMode::User, &session(None)).unwrap();
        assert!(!format!("{c:?}").contains("secret"));
    }
}
