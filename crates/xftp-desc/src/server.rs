//! XFTP relay addresses as written in descriptions: `xftp://<keyHash>@<host>[,<host>][:<port>]`.

use std::cmp::Ordering;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use simplex_encoding::base64url;

use crate::error::{DescError, Result, field};

/// The default XFTP port (used when an address has none).
pub const DEFAULT_XFTP_PORT: u16 = 443;

/// An XFTP relay address.
///
/// The key hash is kept as bytes of any length, as the reference does when parsing
/// (its own test fixture uses `abc=`); a client checks it against the 32-byte SHA-256
/// fingerprint of the relay's identity certificate.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct XftpServer {
    /// Host names or addresses, at least one.
    pub hosts: Vec<String>,
    /// The port as text; empty means [`DEFAULT_XFTP_PORT`].
    pub port: String,
    /// SHA-256 of the relay's identity certificate.
    pub key_hash: Vec<u8>,
}

impl XftpServer {
    /// Parses `xftp://keyHash@host[,host][:port]` (a password is refused, as in descriptions).
    pub fn parse(s: &str) -> Result<Self> {
        let bad = |reason| field("server", reason);
        let rest = s
            .strip_prefix("xftp://")
            .ok_or(bad("must start with xftp://"))?;
        let (kh, hosts_port) = rest.split_once('@').ok_or(bad("no @"))?;
        if kh.is_empty() || kh.contains(':') {
            return Err(bad("bad key hash"));
        }
        let key_hash = base64url::decode(kh).map_err(|_| bad("bad key hash"))?;
        let (hosts, port) = match hosts_port.rsplit_once(':') {
            Some((h, p)) if !hosts_port.ends_with(']') => (h, p),
            _ => (hosts_port, ""),
        };
        if hosts_port.ends_with(':') || (!port.is_empty() && port.parse::<u16>().is_err()) {
            return Err(bad("bad port"));
        }
        let hosts: Vec<String> = hosts.split(',').map(str::to_owned).collect();
        if !hosts.iter().all(|h| valid_host(h)) {
            return Err(bad("bad host"));
        }
        Ok(Self {
            hosts,
            port: port.to_owned(),
            key_hash,
        })
    }

    /// The port number to connect to.
    pub fn port_number(&self) -> Result<u16> {
        if self.port.is_empty() {
            Ok(DEFAULT_XFTP_PORT)
        } else {
            self.port.parse().map_err(|_| field("server", "bad port"))
        }
    }

    /// The reference's ordering of servers (derived `Ord` of `ProtocolServer`: hosts,
    /// where IPv4 < IPv6 < onion < domain names, then port, then key hash). Descriptions
    /// list servers in this order.
    pub fn reference_cmp(&self, other: &Self) -> Ordering {
        let hosts = |s: &Self| s.hosts.iter().map(|h| HostKey::of(h)).collect::<Vec<_>>();
        hosts(self)
            .cmp(&hosts(other))
            .then_with(|| self.port.cmp(&other.port))
            .then_with(|| self.key_hash.cmp(&other.key_hash))
    }
}

impl fmt::Display for XftpServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "xftp://{}@{}",
            base64url::encode(&self.key_hash),
            self.hosts.join(",")
        )?;
        if !self.port.is_empty() {
            write!(f, ":{}", self.port)?;
        }
        Ok(())
    }
}

impl std::str::FromStr for XftpServer {
    type Err = DescError;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

/// A host as the reference's `TransportHost` orders it.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum HostKey {
    V4([u8; 4]),
    V6([u16; 8]),
    Onion(String),
    Domain(String),
}

impl HostKey {
    fn of(h: &str) -> Self {
        if let Ok(a) = h.parse::<Ipv4Addr>() {
            return Self::V4(a.octets());
        }
        let inner = h.strip_prefix('[').and_then(|r| r.strip_suffix(']'));
        if let Some(a) = inner.and_then(|r| r.parse::<Ipv6Addr>().ok()) {
            return Self::V6(a.segments());
        }
        if h.ends_with(".onion") {
            return Self::Onion(h.to_owned());
        }
        Self::Domain(h.to_owned())
    }
}

/// A host name or address: ASCII letters, digits, `.`, `-`, `_`, or a bracketed IPv6.
fn valid_host(h: &str) -> bool {
    let plain = !h.is_empty()
        && h.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b".-_".contains(&c));
    let ipv6 = h
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .is_some_and(|r| r.parse::<Ipv6Addr>().is_ok());
    h.len() <= 255 && (plain || ipv6)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn parse_and_print() {
        let s = XftpServer::parse("xftp://abc=@example1.com").unwrap();
        assert_eq!(s.key_hash, b"i\xb7");
        assert_eq!(s.hosts, ["example1.com"]);
        assert_eq!(s.port_number().unwrap(), 443);
        assert_eq!(s.to_string(), "xftp://abc=@example1.com");
        let t = XftpServer::parse("xftp://YWJj@a.com,b.onion:5443").unwrap();
        assert_eq!(t.port, "5443");
        assert_eq!(t.to_string(), "xftp://YWJj@a.com,b.onion:5443");
        let v6 = XftpServer::parse("xftp://YWJj@[::1]:8000").unwrap();
        assert_eq!(v6.hosts, ["[::1]"]);
        assert_eq!(v6.port, "8000");
        for bad in [
            "smp://YWJj@a.com",
            "xftp://@a.com",
            "xftp://YWJj:pw@a.com",
            "xftp://YWJj@a b",
            "xftp://YWJj@a.com:x",
        ] {
            assert!(XftpServer::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reference_order() {
        let p = |s| XftpServer::parse(s).unwrap();
        assert_eq!(
            p("xftp://YWJj@10.0.0.1").reference_cmp(&p("xftp://YWJj@a.com")),
            Ordering::Less
        );
        assert_eq!(
            p("xftp://YWJj@x.onion").reference_cmp(&p("xftp://YWJj@a.com")),
            Ordering::Less
        );
        assert_eq!(
            p("xftp://YWJj@a.com:1").reference_cmp(&p("xftp://YWJj@a.com:2")),
            Ordering::Less
        );
    }
}
