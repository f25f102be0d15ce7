//! Server addresses: `smp://<keyHash>[:<password>]@<host1>[,<host2>][:<port>]`.

use simplex_encoding::writer::{put_list, put_short};
use simplex_encoding::{Decode, DecodeError, Encode, Reader, base64url};
use std::fmt;

/// Default SMP port (omitted from addresses).
pub const DEFAULT_SMP_PORT: u16 = 5223;

/// A relay's address: hosts, port (empty = default) and the identity key hash.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct SmpServer {
    /// Host names or IP addresses, at least one.
    pub hosts: Vec<String>,
    /// The port as text; empty means the protocol's default port.
    pub port: String,
    /// SHA-256 of the relay's identity certificate (chain[1]).
    pub key_hash: [u8; 32],
}

/// A server password (`BasicAuth`): printable, no spaces, `@`, `:` or `/`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BasicAuth(String);

impl BasicAuth {
    /// Validates a password.
    pub fn new(s: &str) -> Result<Self, DecodeError> {
        let ok = !s.is_empty()
            && s.len() <= 255
            && s.bytes()
                .all(|c| c.is_ascii_graphic() && !b"@:/".contains(&c));
        if ok {
            Ok(BasicAuth(s.to_owned()))
        } else {
            Err(DecodeError::Invalid("invalid character in server password"))
        }
    }

    /// The password text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BasicAuth(<redacted>)")
    }
}

impl Encode for BasicAuth {
    fn encode(&self, out: &mut Vec<u8>) {
        put_short(out, self.0.as_bytes())
    }
}

impl Decode for BasicAuth {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let s = std::str::from_utf8(r.short()?).map_err(|_| DecodeError::Utf8)?;
        BasicAuth::new(s)
    }
}

/// A host name, IPv4 address or `.onion` name (ASCII letters, digits, `.`, `-`, `_`), or
/// a bracketed IPv6 address; no whitespace or URI punctuation (`EncodingTests.hs`).
pub fn valid_host(h: &str) -> bool {
    let plain = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b".-_".contains(&c))
    };
    let ipv6 = |s: &str| {
        s.strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .is_some_and(|r| {
                !r.is_empty()
                    && r.bytes()
                        .all(|c| c.is_ascii_hexdigit() || c == b':' || c == b'.')
            })
    };
    h.len() <= 255 && (plain(h) || ipv6(h))
}

impl SmpServer {
    /// The port number to dial (`default` when the address has none).
    pub fn port_or(&self, default: u16) -> Option<u16> {
        if self.port.is_empty() {
            Some(default)
        } else {
            self.port.parse().ok()
        }
    }

    /// The text form with the given scheme (`smp` or `xftp`) and optional password.
    pub fn to_uri(&self, scheme: &str, auth: Option<&BasicAuth>) -> String {
        let mut s = format!("{scheme}://{}", base64url::encode(&self.key_hash));
        if let Some(a) = auth {
            s.push(':');
            s.push_str(a.as_str());
        }
        s.push('@');
        s.push_str(&self.hosts.join(","));
        if !self.port.is_empty() {
            s.push(':');
            s.push_str(&self.port);
        }
        s
    }

    /// Parses `scheme://keyHash[:password]@hosts[:port]`.
    pub fn parse_uri(scheme: &str, s: &str) -> Result<(SmpServer, Option<BasicAuth>), DecodeError> {
        let bad = DecodeError::Invalid("bad server address");
        let rest = s
            .strip_prefix(scheme)
            .and_then(|r| r.strip_prefix("://"))
            .ok_or(bad.clone())?;
        let (cred, hosts_port) = rest.split_once('@').ok_or(bad.clone())?;
        let (kh, auth) = match cred.split_once(':') {
            Some((k, a)) => (k, Some(BasicAuth::new(a)?)),
            None => (cred, None),
        };
        let key_hash: [u8; 32] = base64url::decode(kh)?
            .try_into()
            .map_err(|_| DecodeError::Invalid("key hash must be 32 bytes"))?;
        let (hosts, port) = split_port(hosts_port);
        if !port.is_empty() && port.parse::<u16>().is_err() {
            return Err(bad);
        }
        let hosts: Vec<String> = hosts.split(',').map(str::to_owned).collect();
        if !hosts.iter().all(|h| valid_host(h)) {
            return Err(bad);
        }
        let srv = SmpServer {
            hosts,
            port: port.to_owned(),
            key_hash,
        };
        Ok((srv, auth))
    }
}

/// Splits `hosts[:port]`, leaving bracketed IPv6 hosts intact.
fn split_port(s: &str) -> (&str, &str) {
    match s.rfind(':') {
        Some(i) if !s[i..].contains(']') && !s[..i].ends_with(':') => {
            let (h, p) = (&s[..i], &s[i + 1..]);
            if p.bytes().all(|c| c.is_ascii_digit()) {
                (h, p)
            } else {
                (s, "")
            }
        }
        _ => (s, ""),
    }
}

impl Encode for SmpServer {
    fn encode(&self, out: &mut Vec<u8>) {
        put_list(out, &self.hosts, |o, h| put_short(o, h.as_bytes()));
        put_short(out, self.port.as_bytes());
        put_short(out, &self.key_hash);
    }
}

impl Decode for SmpServer {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).map_err(|_| DecodeError::Utf8);
        let hosts = r.non_empty(|r| text(r.short()?))?;
        if !hosts.iter().all(|h| valid_host(h)) {
            return Err(DecodeError::Invalid("bad host"));
        }
        let port = text(r.short()?)?;
        let key_hash = r.short_array::<32>()?;
        Ok(SmpServer {
            hosts,
            port,
            key_hash,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    /// The reference's test server address (tests/SMPClient.hs): fixture fingerprint and
    /// localhost on port 5001.
    #[test]
    fn uri_round_trip() {
        let s = "smp://LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=@localhost:5001";
        let (srv, auth) = SmpServer::parse_uri("smp", s).unwrap();
        assert_eq!(srv.hosts, vec!["localhost"]);
        assert_eq!(srv.port, "5001");
        assert!(auth.is_none());
        assert_eq!(srv.to_uri("smp", None), s);
        let b = srv.to_bytes();
        assert_eq!(&b[..11], b"\x01\x09localhost");
        assert_eq!(SmpServer::from_bytes(&b).unwrap(), srv);
    }

    /// tests/CoreTests/EncodingTests.hs "Encoding transport hosts".
    #[test]
    fn transport_host_vectors() {
        for ok in [
            "smp.simplex.im",
            "beccx4yfxxbvyhqypaavemqurytl6hozr47wfc7uuecacjqdvwpw2xid.onion",
            "192.168.0.1",
            "192.168.1",
            "192.256.0.1",
            "192.168.0.-1",
            "[::1]",
        ] {
            assert!(valid_host(ok), "{ok}");
        }
        for bad in [
            "smp,simplex.im",
            "smp:simplex.im",
            "smp#simplex.im",
            "smp simplex.im",
            "smp\nsimplex.im",
            "beccx4yfxxbvyhqypaavemqurytl 6hozr47wfc7uuecacjqdvwpw2xid.onion",
            "bèccx4yfxxbvyhqypaavemqurytl6hozr47wfc7uuecacjqdvwpw2xid.onion",
            "",
        ] {
            assert!(!valid_host(bad), "{bad:?}");
        }
    }

    #[test]
    fn password_multiple_hosts_default_port() {
        let s = "smp://LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=:s3cr%t@smp.example.com,abcdef.onion";
        let (srv, auth) = SmpServer::parse_uri("smp", s).unwrap();
        assert_eq!(auth.unwrap().as_str(), "s3cr%t");
        assert_eq!(srv.hosts.len(), 2);
        assert_eq!(srv.port_or(DEFAULT_SMP_PORT), Some(5223));
        assert!(SmpServer::parse_uri("smp", "smp://abc@host").is_err());
        assert!(
            SmpServer::parse_uri(
                "smp",
                "xftp://LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=@h"
            )
            .is_err()
        );
        assert!(BasicAuth::new("a b").is_err());
    }
}
