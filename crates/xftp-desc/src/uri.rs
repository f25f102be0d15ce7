//! Link forms of a recipient description:
//! - the app link `simplex:/file#/?desc=<YAML>[&data=<JSON>]` (or `https://<host>/file#/?…`),
//!   query-escaped as the reference's `renderSimpleQuery` (no compression);
//! - the web link fragment `https://<host>/#<base64url(raw DEFLATE(YAML))>` printed by the
//!   reference's XFTP CLI (`encodeWebURI`).

use std::io::{Read, Write};

use simplex_encoding::base64url;

use crate::description::{FileParty, ValidFileDescription};
use crate::error::{DescError, Result};
use crate::yaml::MAX_DESCRIPTION_LEN;

/// Longest link that still fits the usual QR code size (`qrSizeLimit`).
pub const QR_SIZE_LIMIT: usize = 1002;

/// The scheme part of an app link.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ServiceScheme {
    /// `simplex:`
    Simplex,
    /// `https://<host>[:port]`
    AppServer {
        /// Host name.
        host: String,
        /// Port, if any.
        port: Option<u16>,
    },
}

/// An app link carrying a recipient description (`FileDescriptionURI`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FileDescriptionUri {
    /// The scheme.
    pub scheme: ServiceScheme,
    /// The recipient description.
    pub description: ValidFileDescription,
    /// JSON extensions passed in the link (`data=`).
    pub client_data: Option<String>,
}

impl FileDescriptionUri {
    /// A `simplex:` link without client data.
    pub fn new(description: ValidFileDescription) -> Self {
        Self {
            scheme: ServiceScheme::Simplex,
            description,
            client_data: None,
        }
    }

    /// The link text.
    pub fn encode(&self) -> String {
        let mut s = match &self.scheme {
            ServiceScheme::Simplex => "simplex:".to_owned(),
            ServiceScheme::AppServer { host, port } => match port {
                Some(p) => format!("https://{host}:{p}"),
                None => format!("https://{host}"),
            },
        };
        s.push_str("/file#/?desc=");
        s.push_str(&query_escape(self.description.to_yaml().as_bytes()));
        if let Some(d) = &self.client_data {
            s.push_str("&data=");
            s.push_str(&query_escape(d.as_bytes()));
        }
        s
    }

    /// Parses a link; the description must be a valid recipient description.
    pub fn decode(s: &str) -> Result<Self> {
        if s.len() > 3 * MAX_DESCRIPTION_LEN {
            return Err(DescError::Uri("too long"));
        }
        let (scheme, rest) = parse_scheme(s)?;
        let rest = rest
            .strip_prefix("/file")
            .ok_or(DescError::Uri("no /file"))?;
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let query = rest.strip_prefix("#/?").ok_or(DescError::Uri("no #/?"))?;
        if query.contains([' ', '\n']) {
            return Err(DescError::Uri("unexpected space"));
        }
        let params = parse_query(query);
        let desc = param(&params, "desc").ok_or(DescError::Uri("no desc parameter"))?;
        let yaml = std::str::from_utf8(desc).map_err(|_| DescError::Uri("desc is not UTF-8"))?;
        let description =
            ValidFileDescription::from_yaml(yaml)?.expect_party(FileParty::Recipient)?;
        let client_data = param(&params, "data").map(|d| String::from_utf8_lossy(d).into_owned());
        Ok(Self {
            scheme,
            description,
            client_data,
        })
    }
}

fn parse_scheme(s: &str) -> Result<(ServiceScheme, &str)> {
    if let Some(rest) = s.strip_prefix("simplex:") {
        return Ok((ServiceScheme::Simplex, rest));
    }
    let rest = s
        .strip_prefix("https://")
        .ok_or(DescError::Uri("unknown scheme"))?;
    let end = rest
        .find([':', '#', ',', ';', '/', ' '])
        .unwrap_or(rest.len());
    let (host, mut rest) = rest.split_at(end);
    if host.is_empty() {
        return Err(DescError::Uri("no host"));
    }
    let mut port = None;
    if let Some(r) = rest.strip_prefix(':') {
        let end = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
        port = Some(r[..end].parse().map_err(|_| DescError::Uri("bad port"))?);
        rest = &r[end..];
    }
    let scheme = ServiceScheme::AppServer {
        host: host.to_owned(),
        port,
    };
    Ok((scheme, rest))
}

/// Percent-encodes everything but ASCII letters, digits and `-_.~` (upper-case hex),
/// as `urlEncode True` of http-types.
pub fn query_escape(b: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(b.len() * 3);
    for &c in b {
        if c.is_ascii_alphanumeric() || b"-_.~".contains(&c) {
            s.push(char::from(c));
        } else {
            s.push('%');
            s.push(char::from(HEX[usize::from(c >> 4)]));
            s.push(char::from(HEX[usize::from(c & 15)]));
        }
    }
    s
}

/// Decodes `%XX` and `+` (space); a `%` not followed by two hex digits stays as is
/// (`urlDecode True`).
pub fn query_unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let hex = |j: usize| b.get(j).and_then(|c| char::from(*c).to_digit(16));
        match (c, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// `parseSimpleQuery`: pairs split on `&` or `;`, name and value on the first `=`.
fn parse_query(q: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    q.split(['&', ';'])
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (query_unescape(k), query_unescape(v)),
            None => (query_unescape(p), Vec::new()),
        })
        .collect()
}

fn param<'a>(params: &'a [(Vec<u8>, Vec<u8>)], name: &str) -> Option<&'a [u8]> {
    params
        .iter()
        .find(|(k, _)| k == name.as_bytes())
        .map(|(_, v)| v.as_slice())
}

/// The web link fragment: base64url (padded) of the raw-DEFLATE-compressed YAML.
pub fn encode_web_fragment(description: &ValidFileDescription) -> Result<String> {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(description.to_yaml().as_bytes())?;
    Ok(base64url::encode(&enc.finish()?))
}

/// Decodes a web link fragment (without `#`) into a valid recipient description.
/// Decompression stops at [`MAX_DESCRIPTION_LEN`].
pub fn decode_web_fragment(fragment: &str) -> Result<ValidFileDescription> {
    let compressed =
        base64url::decode(fragment).map_err(|_| DescError::Uri("fragment is not base64url"))?;
    let mut yaml = Vec::new();
    let limit = MAX_DESCRIPTION_LEN as u64 + 1;
    flate2::read::DeflateDecoder::new(compressed.as_slice())
        .take(limit)
        .read_to_end(&mut yaml)
        .map_err(|_| DescError::Uri("fragment is not DEFLATE data"))?;
    let yaml =
        std::str::from_utf8(&yaml).map_err(|_| DescError::Uri("description is not UTF-8"))?;
    ValidFileDescription::from_yaml(yaml)?.expect_party(FileParty::Recipient)
}

/// The web link for a recipient description: `https://<first host of chunk 1>/#<fragment>`.
pub fn web_link(description: &ValidFileDescription) -> Result<Option<String>> {
    let host = description
        .chunks
        .first()
        .and_then(|c| c.replicas.first())
        .and_then(|r| r.server.hosts.first());
    match host {
        Some(h) => Ok(Some(format!(
            "https://{h}/#{}",
            encode_web_fragment(description)?
        ))),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(query_escape(b"a: b/c=~"), "a%3A%20b%2Fc%3D~");
        assert_eq!(query_unescape("a%3A%20b+c%zz%4"), b"a: b c%zz%4");
        assert_eq!(
            parse_query("desc=x&data=%7B%7D;z"),
            [
                (b"desc".to_vec(), b"x".to_vec()),
                (b"data".to_vec(), b"{}".to_vec()),
                (b"z".to_vec(), Vec::new())
            ]
        );
    }
}
