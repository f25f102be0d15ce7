//! Query strings as the reference renders and parses them (Haskell `http-types`
//! `renderSimpleQuery` / `parseSimpleQuery`, used by `Agent/QueryString.hs`).
//!
//! - Rendering percent-encodes keys and (unless asked not to) values: every byte except
//!   `A-Z a-z 0-9 - _ . ~` becomes `%XX` with upper-case hex, a space included (`%20`,
//!   not `+`). Items are joined with `&`.
//! - Parsing drops one leading `?`, splits items on `&` **and** `;`, splits each item at its
//!   first `=`, and percent-decodes both sides: `+` becomes a space, `%XX` (either case) a
//!   byte, and a malformed escape is kept as it is. The first item with a name wins.

use simplex_encoding::DecodeError;

/// True for the bytes that are never percent-encoded in a query string.
fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.~".contains(&b)
}

/// Percent-encodes `bytes` for a query string (the reference's `urlEncode True`).
pub fn url_encode(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if unreserved(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

/// Percent-decodes a query component: `+` is a space, `%XX` a byte, bad escapes stay.
pub fn url_decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        let escaped = match (b, s.get(i + 1), s.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) => hex_val(h).zip(hex_val(l)).map(|(h, l)| h << 4 | l),
            _ => None,
        };
        match (b, escaped) {
            (_, Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (other, None) => {
                out.push(other);
                i += 1;
            }
        }
    }
    out
}

/// A parsed query string: decoded `(name, value)` pairs in their order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query(Vec<(Vec<u8>, Vec<u8>)>);

impl Query {
    /// Parses a query string (see the module doc for the exact rules).
    pub fn parse(s: &str) -> Query {
        let s = s.strip_prefix('?').unwrap_or(s);
        let items = s
            .split(['&', ';'])
            .filter(|item| !item.is_empty())
            .map(|item| match item.split_once('=') {
                Some((k, v)) => (url_decode(k.as_bytes()), url_decode(v.as_bytes())),
                None => (url_decode(item.as_bytes()), Vec::new()),
            });
        Query(items.collect())
    }

    /// Parses the query that ends a link or URI: like [`Query::parse`], but a space or a
    /// newline is an error (the reference's parser stops there and then finds input left).
    pub fn parse_link(s: &str) -> Result<Query, DecodeError> {
        if s.contains([' ', '\n']) {
            Err(DecodeError::Invalid("whitespace in link"))
        } else {
            Ok(Query::parse(s))
        }
    }

    /// The decoded value of the first item called `name`.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.0
            .iter()
            .find(|(k, _)| k == name.as_bytes())
            .map(|(_, v)| v.as_slice())
    }

    /// The value of `name` as UTF-8 text; a value that is not UTF-8 is an error.
    pub fn get_str(&self, name: &str) -> Result<Option<&str>, DecodeError> {
        self.get(name)
            .map(|v| std::str::from_utf8(v).map_err(|_| DecodeError::Utf8))
            .transpose()
    }

    /// The value of `name`, which must be present.
    pub fn require(&self, name: &'static str) -> Result<&str, DecodeError> {
        self.get_str(name)?
            .ok_or(DecodeError::Invalid("missing query parameter"))
    }
}

/// Builds a query string item by item.
#[derive(Debug, Default)]
pub struct QueryWriter {
    out: String,
}

impl QueryWriter {
    /// An empty query.
    pub fn new() -> Self {
        Self::default()
    }

    fn key(&mut self, name: &str) {
        if !self.out.is_empty() {
            self.out.push('&');
        }
        self.out.push_str(&url_encode(name.as_bytes()));
        self.out.push('=');
    }

    /// Appends `name=value` with the value percent-encoded.
    pub fn escaped(&mut self, name: &str, value: &[u8]) -> &mut Self {
        self.key(name);
        self.out.push_str(&url_encode(value));
        self
    }

    /// Appends `name=value` with the value as it is (the reference's `QNoEscaping`).
    pub fn raw(&mut self, name: &str, value: &str) -> &mut Self {
        self.key(name);
        self.out.push_str(value);
        self
    }

    /// The rendered query (empty when no item was added).
    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.out)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn encodes_like_http_types() {
        assert_eq!(url_encode(b"a-_.~Z09"), "a-_.~Z09");
        assert_eq!(
            url_encode(b"v=1&x,y;z/:@ +"),
            "v%3D1%26x%2Cy%3Bz%2F%3A%40%20%2B"
        );
        assert_eq!(url_encode(&[0xff, 0x0a]), "%FF%0A");
    }

    #[test]
    fn decodes_plus_case_and_bad_escapes() {
        assert_eq!(url_decode(b"a+b%2c%2C"), b"a b,,");
        assert_eq!(url_decode(b"%Q1%"), b"%Q1%");
        assert_eq!(url_decode(b"%2"), b"%2");
    }

    #[test]
    fn parses_items() {
        let q = Query::parse("?v=1-4&dh=a%3D&v=9;k&x=a=b");
        assert_eq!(q.get("v"), Some(&b"1-4"[..]));
        assert_eq!(q.get("dh"), Some(&b"a="[..]));
        assert_eq!(q.get("k"), Some(&b""[..]));
        assert_eq!(q.get("x"), Some(&b"a=b"[..]));
        assert_eq!(q.get("none"), None);
        assert!(q.require("none").is_err());
        assert!(Query::parse_link("a=b c").is_err());
        assert!(Query::parse_link("a=b\nc").is_err());
        assert_eq!(
            Query::parse_link("a=b+c").unwrap().get("a"),
            Some(&b"b c"[..])
        );
    }

    #[test]
    fn writes_items() {
        let mut w = QueryWriter::new();
        w.escaped("v", b"2-7")
            .raw("x3dh", "a=,b=")
            .escaped("smp", b"a=b");
        assert_eq!(w.finish(), "v=2-7&x3dh=a=,b=&smp=a%3Db");
        assert_eq!(QueryWriter::new().finish(), "");
    }
}
