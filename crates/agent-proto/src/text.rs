//! A small cursor for the text forms (URIs and links): literal prefixes, base64url tokens,
//! hosts and ports, without panicking on any input.

use simplex_encoding::{DecodeError, VersionRange, base64url};

/// True for the characters of a base64url token (`A-Z a-z 0-9 - _`), padding excluded.
pub fn is_b64_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn is_host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')
}

/// Decodes a whole base64url string (padded or not); empty text is rejected, as in the
/// reference's `base64urlP`.
pub fn decode_b64(s: &str) -> Result<Vec<u8>, DecodeError> {
    let mut sc = Scanner::new(s);
    let v = sc.base64()?;
    sc.end()?;
    Ok(v)
}

/// Parses a version range text (`"a"` or `"a-b"`, decimal digits only, `a ≤ b`).
pub fn parse_vrange(s: &str) -> Result<VersionRange, DecodeError> {
    if s.bytes().all(|c| c.is_ascii_digit() || c == b'-') {
        VersionRange::parse_str(s)
    } else {
        Err(DecodeError::Invalid("bad version range"))
    }
}

/// Parses a whole comma-separated host list; empty text is an empty list (the
/// reference's `TransportHosts_`, used by `srv=` and `h=`).
pub fn parse_hosts(s: &str) -> Result<Vec<String>, DecodeError> {
    if s.is_empty() {
        return Ok(Vec::new());
    }
    let mut sc = Scanner::new(s);
    let hosts = sc.hosts()?;
    sc.end()?;
    Ok(hosts)
}

/// Parses a whole decimal port, returning it without leading zeros.
pub fn parse_port(s: &str) -> Result<String, DecodeError> {
    let mut sc = Scanner::new(s);
    let port = sc.port()?;
    sc.end()?;
    Ok(port)
}

/// A cursor over link or URI text.
#[derive(Debug, Clone)]
pub struct Scanner<'a> {
    rest: &'a str,
}

impl<'a> Scanner<'a> {
    /// Starts at the beginning of `s`.
    pub fn new(s: &'a str) -> Self {
        Scanner { rest: s }
    }

    /// The text not read yet.
    pub fn rest(&self) -> &'a str {
        self.rest
    }

    /// The next character.
    pub fn peek(&self) -> Option<char> {
        self.rest.chars().next()
    }

    /// Consumes `c` if it comes next.
    pub fn eat(&mut self, c: char) -> bool {
        match self.rest.strip_prefix(c) {
            Some(r) => {
                self.rest = r;
                true
            }
            None => false,
        }
    }

    /// Consumes `lit` if it comes next.
    pub fn eat_str(&mut self, lit: &str) -> bool {
        match self.rest.strip_prefix(lit) {
            Some(r) => {
                self.rest = r;
                true
            }
            None => false,
        }
    }

    /// Consumes `lit`, which must come next.
    pub fn literal(&mut self, lit: &str) -> Result<(), DecodeError> {
        if self.eat_str(lit) {
            Ok(())
        } else {
            Err(DecodeError::Invalid("unexpected text in link"))
        }
    }

    /// Takes the longest (possibly empty) prefix whose characters satisfy `f`.
    pub fn take_while(&mut self, f: impl Fn(char) -> bool) -> &'a str {
        let n = self.rest.find(|c| !f(c)).unwrap_or(self.rest.len());
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        head
    }

    /// Takes everything that is left.
    pub fn take_rest(&mut self) -> &'a str {
        std::mem::take(&mut self.rest)
    }

    /// Reads a non-empty base64url token with optional `=` padding.
    pub fn base64(&mut self) -> Result<Vec<u8>, DecodeError> {
        let body = self.take_while(is_b64_char);
        if body.is_empty() {
            return Err(DecodeError::Base64);
        }
        let pad = self.take_while(|c| c == '=');
        base64url::decode(&format!("{body}{pad}"))
    }

    /// Reads a host: letters, digits, `.`, `-`, `_`, or a bracketed IPv6 address.
    pub fn host(&mut self) -> Result<String, DecodeError> {
        let h = if self.peek() == Some('[') {
            let end = self
                .rest
                .find(']')
                .ok_or(DecodeError::Invalid("bad host"))?;
            let (h, tail) = self.rest.split_at(end + 1);
            self.rest = tail;
            h
        } else {
            self.take_while(is_host_char)
        };
        if smp_proto::address::valid_host(h) {
            Ok(h.to_owned())
        } else {
            Err(DecodeError::Invalid("bad host"))
        }
    }

    /// Reads one or more comma-separated hosts.
    pub fn hosts(&mut self) -> Result<Vec<String>, DecodeError> {
        let mut hosts = vec![self.host()?];
        while self.eat(',') {
            hosts.push(self.host()?);
        }
        Ok(hosts)
    }

    /// Reads a decimal port (after its `:`), returning it without leading zeros.
    pub fn port(&mut self) -> Result<String, DecodeError> {
        let digits = self.take_while(|c| c.is_ascii_digit());
        digits
            .parse::<u16>()
            .map(|p| p.to_string())
            .map_err(|_| DecodeError::Invalid("bad port"))
    }

    /// Fails unless everything has been read.
    pub fn end(&self) -> Result<(), DecodeError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::Trailing(self.rest.len()))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn scans_tokens() {
        let mut sc = Scanner::new("YWI=/host-1.x:0080#");
        assert_eq!(sc.base64().unwrap(), b"ab");
        assert!(sc.eat('/'));
        assert_eq!(sc.host().unwrap(), "host-1.x");
        assert!(sc.eat(':'));
        assert_eq!(sc.port().unwrap(), "80");
        assert!(sc.end().is_err());
        assert_eq!(sc.take_rest(), "#");
        assert!(sc.end().is_ok());
        assert!(Scanner::new("").base64().is_err());
        assert!(Scanner::new(":1").host().is_err());
        assert!(Scanner::new("70000").port().is_err());
        assert!(decode_b64("YWI").is_ok());
        assert!(decode_b64("YWI=x").is_err());
        assert_eq!(parse_vrange("2-7").unwrap().to_string(), "2-7");
        assert_eq!(parse_hosts("").unwrap(), Vec::<String>::new());
        assert_eq!(parse_hosts("a.b,c.onion").unwrap(), ["a.b", "c.onion"]);
        assert!(parse_hosts("a,").is_err());
        assert_eq!(parse_port("007").unwrap(), "7");
        assert!(parse_port("7x").is_err());
        assert!(parse_vrange("+2").is_err());
        assert!(parse_vrange("3-2").is_err());
    }
}
