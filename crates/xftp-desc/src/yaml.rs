//! The YAML text of a description, byte for byte as the reference writes it (`Data.Yaml`
//! over libyaml: keys in alphabetical order, two-space indentation, sequences not indented
//! under their key, plain scalars unless a string would read as a number or boolean).

use serde::Deserialize;
use simplex_crypto::SbKey;
use simplex_encoding::base64url;

use crate::description::{
    FileDescription, FileParty, ReplicaKey, ServerReplica, ValidFileDescription,
    fold_replicas_to_chunks, group_replicas_by_server,
};
use crate::error::{DescError, Result, field};
use crate::server::XftpServer;
use crate::size::{parse_size, size_to_string};

/// The largest description text accepted (a 5 GB file in 64 KB chunks with several
/// replicas stays far below it).
pub const MAX_DESCRIPTION_LEN: usize = 16 * 1024 * 1024;

impl FileDescription {
    /// The YAML text (`strEncode` of the reference).
    pub fn to_yaml(&self) -> String {
        let mut y = String::new();
        line(
            &mut y,
            "",
            "chunkSize",
            &size_to_string(u64::from(self.chunk_size)),
        );
        line(&mut y, "", "digest", &base64url::encode(&self.digest));
        line(&mut y, "", "key", &base64url::encode(self.key.as_bytes()));
        line(&mut y, "", "nonce", &base64url::encode(&self.nonce));
        line(&mut y, "", "party", self.party.as_str());
        if let Some(r) = &self.redirect {
            y.push_str("redirect:\n");
            line(&mut y, "  ", "digest", &base64url::encode(&r.digest));
            // RedirectFileInfo's size is a JSON number, not a FileSize string.
            y.push_str(&format!("  size: {}\n", r.size));
        }
        let groups = group_replicas_by_server(self.chunk_size, &self.chunks);
        if groups.is_empty() {
            y.push_str("replicas: []\n");
        } else {
            y.push_str("replicas:\n");
        }
        for g in &groups {
            y.push_str("- chunks:\n");
            for r in g {
                y.push_str("  - ");
                y.push_str(&scalar(&replica_line(r)));
                y.push('\n');
            }
            if let Some(first) = g.first() {
                line(&mut y, "  ", "server", &first.server.to_string());
            }
        }
        line(&mut y, "", "size", &size_to_string(self.size));
        y
    }

    /// Parses the YAML text (any party); see [`ValidFileDescription::from_yaml`] for the
    /// validated form.
    pub fn from_yaml(text: &str) -> Result<Self> {
        if text.len() > MAX_DESCRIPTION_LEN {
            return Err(field("description", "too long"));
        }
        let y: YamlDescription =
            serde_saphyr::from_str(text).map_err(|e| DescError::Yaml(e.to_string()))?;
        y.into_description()
    }
}

impl ValidFileDescription {
    /// Parses and validates the YAML text.
    pub fn from_yaml(text: &str) -> Result<Self> {
        FileDescription::from_yaml(text)?.validate()
    }

    /// The YAML text.
    pub fn to_yaml(&self) -> String {
        self.get().to_yaml()
    }
}

fn line(y: &mut String, indent: &str, key: &str, value: &str) {
    y.push_str(indent);
    y.push_str(key);
    y.push_str(": ");
    y.push_str(&scalar(value));
    y.push('\n');
}

/// `chunkNo:id:key[:digest][:size]` (`encodeServerReplica`).
fn replica_line(r: &ServerReplica) -> String {
    let mut s = format!(
        "{}:{}:{}",
        r.chunk_no,
        base64url::encode(&r.replica_id),
        base64url::encode(r.replica_key.der())
    );
    if let Some(d) = &r.digest {
        s.push(':');
        s.push_str(&base64url::encode(d));
    }
    if let Some(c) = r.chunk_size {
        s.push(':');
        s.push_str(&size_to_string(u64::from(c)));
    }
    s
}

/// A string scalar as `Data.Yaml` writes it: single-quoted when it would otherwise read
/// as a number, boolean or null, or when libyaml cannot write it plain.
fn scalar(s: &str) -> String {
    if is_special(s) || !plain_ok(s) {
        format!("'{}'", s.replace('\'', "''"))
    } else {
        s.to_owned()
    }
}

const SPECIAL: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
    "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~", "*", "",
];

fn is_special(s: &str) -> bool {
    SPECIAL.contains(&s) || is_numeric(s)
}

/// `textToScientific` of the yaml package: hex `0x…`, octal `0o…`, or a decimal number
/// with optional sign, fraction and exponent.
fn is_numeric(s: &str) -> bool {
    let all = |t: &str, f: fn(u8) -> bool| !t.is_empty() && t.bytes().all(f);
    if let Some(h) = s.strip_prefix("0x") {
        return all(h, |c| c.is_ascii_hexdigit());
    }
    if let Some(o) = s.strip_prefix("0o") {
        return all(o, |c| (b'0'..=b'7').contains(&c));
    }
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exp) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let digits = |t: &str| all(t, |c| c.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((i, f)) => digits(i) && digits(f),
        None => digits(mantissa),
    };
    mantissa_ok && exp.is_none_or(digits)
}

/// Whether libyaml would write `s` as a plain block scalar. Descriptions only hold
/// base64url text, sizes, addresses and replica strings, so this covers those cases:
/// no leading indicator, no `": "` / `" #"`, no spaces at the ends, no `---` / `...`.
fn plain_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(&first) = b.first() else {
        return false;
    };
    let next_blank = b.get(1).is_none_or(|c| *c == b' ');
    let leading_indicator = b"#,[]{}&*!|>'\"%@`".contains(&first)
        || (matches!(first, b'-' | b'?' | b':') && next_blank);
    let doc_marker = s.starts_with("---") || s.starts_with("...");
    let inner = s.contains(": ") || s.contains(" #") || s.ends_with(':');
    let printable = b.iter().all(|c| (0x20..0x7f).contains(c));
    !(leading_indicator || doc_marker || inner || first == b' ' || s.ends_with(' ') || !printable)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct YamlDescription {
    party: String,
    size: String,
    digest: String,
    key: String,
    nonce: String,
    chunk_size: String,
    replicas: Vec<YamlServerReplicas>,
    #[serde(default)]
    redirect: Option<YamlRedirect>,
}

#[derive(Deserialize)]
struct YamlServerReplicas {
    server: String,
    chunks: Vec<String>,
}

#[derive(Deserialize)]
struct YamlRedirect {
    size: u64,
    digest: String,
}

impl YamlDescription {
    fn into_description(self) -> Result<FileDescription> {
        let party = match self.party.as_str() {
            "sender" => FileParty::Sender,
            "recipient" => FileParty::Recipient,
            _ => return Err(field("party", "must be sender or recipient")),
        };
        let chunk_size = u32::try_from(parse_size(&self.chunk_size)?)
            .map_err(|_| field("chunkSize", "too large"))?;
        let key = SbKey::from_slice(&b64(&self.key, "key")?)
            .map_err(|_| field("key", "must be 32 bytes"))?;
        let nonce = b64(&self.nonce, "nonce")?
            .try_into()
            .map_err(|_| field("nonce", "must be 24 bytes"))?;
        let mut lines = Vec::new();
        for g in self.replicas {
            let server = XftpServer::parse(&g.server)?;
            for c in &g.chunks {
                lines.push(parse_replica_line(&server, c)?);
            }
        }
        let redirect = match self.redirect {
            Some(r) if i64::try_from(r.size).is_ok() => Some(crate::description::RedirectInfo {
                size: r.size,
                digest: b64(&r.digest, "redirect digest")?,
            }),
            Some(_) => return Err(field("redirect size", "too large")),
            None => None,
        };
        Ok(FileDescription {
            party,
            size: parse_size(&self.size)?,
            digest: b64(&self.digest, "digest")?,
            key,
            nonce,
            chunk_size,
            chunks: fold_replicas_to_chunks(chunk_size, lines)?,
            redirect,
        })
    }
}

fn b64(s: &str, name: &'static str) -> Result<Vec<u8>> {
    if s.is_empty() {
        return Err(field(name, "empty"));
    }
    base64url::decode(s).map_err(|_| field(name, "not base64url"))
}

/// `serverReplicaP`: `chunkNo:id:key[:digest][:size]`.
fn parse_replica_line(server: &XftpServer, s: &str) -> Result<ServerReplica> {
    let mut parts = s.split(':');
    let no = parts.next().unwrap_or_default();
    if no.is_empty() || !no.bytes().all(|c| c.is_ascii_digit()) {
        return Err(field("chunk number", "not a number"));
    }
    let chunk_no: u32 = no.parse().map_err(|_| field("chunk number", "too large"))?;
    let replica_id = b64(parts.next().unwrap_or_default(), "replica id")?;
    let replica_key =
        ReplicaKey::from_pkcs8(&b64(parts.next().unwrap_or_default(), "replica key")?)?;
    let digest = parts.next().map(|d| b64(d, "chunk digest")).transpose()?;
    let chunk_size = match parts.next() {
        Some(c) => {
            Some(u32::try_from(parse_size(c)?).map_err(|_| field("chunk size", "too large"))?)
        }
        None => None,
    };
    if parts.next().is_some() {
        return Err(field("replica", "too many parts"));
    }
    Ok(ServerReplica {
        chunk_no,
        server: server.clone(),
        replica_id,
        replica_key,
        digest,
        chunk_size,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(scalar("26mb"), "26mb");
        assert_eq!(scalar("1000"), "'1000'");
        assert_eq!(scalar("1e5"), "'1e5'");
        assert_eq!(scalar("0x1F"), "'0x1F'");
        assert_eq!(scalar("yes"), "'yes'");
        assert_eq!(scalar("-_8="), "-_8=");
        assert_eq!(scalar("---a"), "'---a'");
        assert_eq!(
            scalar("xftp://abc=@example1.com"),
            "xftp://abc=@example1.com"
        );
        assert_eq!(scalar("1:YWJj:MC4C"), "1:YWJj:MC4C");
    }
}
