//! SMP relay addresses as they appear inside agent links and messages.
//!
//! [`smp_proto::SmpServer`] holds a 32-byte key hash, which is what a relay always has.
//! Inside agent formats the reference's key hash is any short byte string: shortened short
//! links carry none (an empty one), and the reference test vectors use a 4-byte one. So
//! this crate keeps its own [`RelayAddr`], convertible to and from `SmpServer`.
//!
//! Text: `smp://<b64u keyHash>@<host>[,<host>…][:<port>]`. Binary:
//! `u8 N ‖ N×short(host) ‖ short(port) ‖ short(keyHash)`; the legacy (SMP client v1)
//! binary form has one host: `short(host) ‖ short(port) ‖ short(keyHash)`.

use simplex_encoding::writer::{put_list, put_short};
use simplex_encoding::{Decode, DecodeError, Encode, Reader, Short, base64url};
use smp_proto::SmpServer;
use smp_proto::address::valid_host;

use crate::text::Scanner;

/// A relay address with a key hash of any length up to 255 bytes (possibly empty).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct RelayAddr {
    /// Host names, IP addresses or `.onion` names; at least one.
    pub hosts: Vec<String>,
    /// The port as decimal text; empty means the default port.
    pub port: String,
    /// SHA-256 of the relay's identity certificate; empty in shortened short links.
    pub key_hash: Short,
}

/// Known preset relays and the `.onion` host added to them when an old (SMP client v1)
/// address names only the public host (the reference's `extraSMPServerHosts`).
pub const PRESET_ONION_HOSTS: [(&str, &str); 6] = [
    (
        "smp4.simplex.im",
        "o5vmywmrnaxalvz6wi3zicyftgio6psuvyniis6gco6bp6ekl4cqj4id.onion",
    ),
    (
        "smp5.simplex.im",
        "jjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion",
    ),
    (
        "smp6.simplex.im",
        "bylepyau3ty4czmn77q4fglvperknl4bi2eb2fdy2bh4jxtf32kf73yd.onion",
    ),
    (
        "smp8.simplex.im",
        "beccx4yfxxbvyhqypaavemqurytl6hozr47wfc7uuecacjqdvwpw2xid.onion",
    ),
    (
        "smp9.simplex.im",
        "jssqzccmrcws6bhmn77vgmhfjmhwlyr3u7puw4erkyoosywgl67slqqd.onion",
    ),
    (
        "smp10.simplex.im",
        "rb2pbttocvnbrngnwziclp2f4ckjq65kebafws6g4hy22cdaiv5dwjqd.onion",
    ),
];

/// Checks a port: empty, or a decimal number that fits in 16 bits.
pub fn valid_port(p: &str) -> bool {
    p.is_empty()
        || (p.len() <= 5 && p.bytes().all(|c| c.is_ascii_digit()) && p.parse::<u16>().is_ok())
}

impl RelayAddr {
    /// An address with only a host: no port, no key hash (shortened short links).
    pub fn only_host(host: &str) -> RelayAddr {
        RelayAddr {
            hosts: vec![host.to_owned()],
            port: String::new(),
            key_hash: Short::default(),
        }
    }

    /// True for an address made by [`RelayAddr::only_host`].
    pub fn is_only_host(&self) -> bool {
        self.hosts.len() == 1 && self.port.is_empty() && self.key_hash.is_empty()
    }

    /// The first (main) host.
    pub fn main_host(&self) -> &str {
        self.hosts.first().map_or("", String::as_str)
    }

    /// True when both name the same hosts and port (the key hash is not compared).
    pub fn same_addr(&self, other: &RelayAddr) -> bool {
        self.hosts == other.hosts && self.port == other.port
    }

    /// Adds the `.onion` host of a known preset relay to a single-host address.
    pub fn with_preset_onion(mut self) -> RelayAddr {
        if let [h] = self.hosts.as_slice()
            && let Some((_, onion)) = PRESET_ONION_HOSTS.iter().find(|(p, _)| p == h)
        {
            self.hosts.push((*onion).to_owned());
        }
        self
    }

    fn authority(&self, hosts: &str) -> String {
        let port = if self.port.is_empty() {
            String::new()
        } else {
            format!(":{}", self.port)
        };
        format!(
            "smp://{}@{hosts}{port}",
            base64url::encode(self.key_hash.as_slice())
        )
    }

    /// The text form with every host.
    pub fn to_text(&self) -> String {
        self.authority(&self.hosts.join(","))
    }

    /// The text form with only the first host (legacy SMP client v1 layout).
    pub fn to_legacy_text(&self) -> String {
        self.authority(self.main_host())
    }

    /// Parses a whole `smp://keyHash@hosts[:port]` string.
    pub fn parse_text(s: &str) -> Result<RelayAddr, DecodeError> {
        let mut sc = Scanner::new(s);
        let srv = RelayAddr::scan(&mut sc)?;
        sc.end()?;
        Ok(srv)
    }

    /// Reads the text form from a scanner, stopping after the port.
    pub(crate) fn scan(sc: &mut Scanner<'_>) -> Result<RelayAddr, DecodeError> {
        sc.literal("smp://")?;
        let key_hash = Short::new(sc.base64()?)?;
        if sc.peek() == Some(':') {
            return Err(DecodeError::Invalid("server password is not allowed here"));
        }
        sc.literal("@")?;
        let hosts = sc.hosts()?;
        let port = if sc.eat(':') {
            sc.port()?
        } else {
            String::new()
        };
        Ok(RelayAddr {
            hosts,
            port,
            key_hash,
        })
    }

    /// Writes the legacy binary form: only the first host.
    pub fn encode_legacy(&self, out: &mut Vec<u8>) {
        put_short(out, self.main_host().as_bytes());
        put_short(out, self.port.as_bytes());
        self.key_hash.encode(out);
    }

    /// Reads the legacy binary form.
    pub fn decode_legacy(r: &mut Reader<'_>) -> Result<RelayAddr, DecodeError> {
        let host = read_host(r)?;
        Ok(RelayAddr {
            hosts: vec![host],
            port: read_port(r)?,
            key_hash: Short::decode(r)?,
        })
    }
}

fn read_host(r: &mut Reader<'_>) -> Result<String, DecodeError> {
    let h = std::str::from_utf8(r.short()?).map_err(|_| DecodeError::Utf8)?;
    if valid_host(h) {
        Ok(h.to_owned())
    } else {
        Err(DecodeError::Invalid("bad host"))
    }
}

fn read_port(r: &mut Reader<'_>) -> Result<String, DecodeError> {
    let p = std::str::from_utf8(r.short()?).map_err(|_| DecodeError::Utf8)?;
    if valid_port(p) {
        Ok(p.to_owned())
    } else {
        Err(DecodeError::Invalid("bad port"))
    }
}

impl Encode for RelayAddr {
    fn encode(&self, out: &mut Vec<u8>) {
        put_list(out, &self.hosts, |o, h| put_short(o, h.as_bytes()));
        put_short(out, self.port.as_bytes());
        self.key_hash.encode(out);
    }
}

impl Decode for RelayAddr {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let hosts = r.non_empty(read_host)?;
        Ok(RelayAddr {
            hosts,
            port: read_port(r)?,
            key_hash: Short::decode(r)?,
        })
    }
}

impl From<&SmpServer> for RelayAddr {
    fn from(s: &SmpServer) -> Self {
        RelayAddr {
            hosts: s.hosts.clone(),
            port: s.port.clone(),
            // 32 bytes always fit in a short string.
            key_hash: Short::from_slice(&s.key_hash).unwrap_or_default(),
        }
    }
}

impl TryFrom<&RelayAddr> for SmpServer {
    type Error = DecodeError;

    /// Fails unless the key hash is exactly 32 bytes.
    fn try_from(a: &RelayAddr) -> Result<Self, DecodeError> {
        let key_hash = a
            .key_hash
            .as_slice()
            .try_into()
            .map_err(|_| DecodeError::Invalid("key hash must be 32 bytes"))?;
        Ok(SmpServer {
            hosts: a.hosts.clone(),
            port: a.port.clone(),
            key_hash,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn text_forms() {
        let s = "smp://1234-w==@smp.simplex.im,abc.onion:5223";
        let a = RelayAddr::parse_text(s).unwrap();
        assert_eq!(a.hosts, ["smp.simplex.im", "abc.onion"]);
        assert_eq!(a.key_hash.as_slice(), b"\xd7\x6d\xf8\xfb");
        assert_eq!(a.to_text(), s);
        assert_eq!(a.to_legacy_text(), "smp://1234-w==@smp.simplex.im:5223");
        assert!(RelayAddr::parse_text("smp://1234-w==:pass@h").is_err());
        assert!(RelayAddr::parse_text("smp://1234-w==@h:99999").is_err());
        assert!(RelayAddr::parse_text("smp://@h").is_err());
        assert!(RelayAddr::parse_text("smp://1234-w==@h/").is_err());
        let v6 = RelayAddr::parse_text("smp://1234-w==@[::1]:7").unwrap();
        assert_eq!(v6.hosts, ["[::1]"]);
    }

    #[test]
    fn binary_forms_and_onion() {
        let a = RelayAddr::parse_text("smp://1234-w==@smp5.simplex.im").unwrap();
        let b = a.to_bytes();
        assert_eq!(&b[..17], b"\x01\x0fsmp5.simplex.im");
        assert_eq!(RelayAddr::from_bytes(&b).unwrap(), a);
        let mut legacy = Vec::new();
        a.encode_legacy(&mut legacy);
        let back = RelayAddr::decode_legacy(&mut Reader::new(&legacy)).unwrap();
        assert_eq!(back, a);
        let with_onion = a.with_preset_onion();
        assert_eq!(with_onion.hosts[1], PRESET_ONION_HOSTS[1].1);
        assert!(SmpServer::try_from(&with_onion).is_err());
        let full = SmpServer {
            hosts: vec!["h".into()],
            port: String::new(),
            key_hash: [7; 32],
        };
        assert_eq!(SmpServer::try_from(&RelayAddr::from(&full)).unwrap(), full);
    }
}
