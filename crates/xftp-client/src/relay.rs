//! Relay addresses with an optional upload password, as given on the command line
//! (`xftp://<keyHash>[:<password>]@<host>[,<host>][:<port>]`, several joined by `;`).

use smp_proto::address::{BasicAuth, SmpServer};
use xftp_desc::XftpServer;

use crate::error::{ClientError, Result};

/// A relay to upload to, with the password it may require for creating chunks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relay {
    /// The relay's address.
    pub server: XftpServer,
    /// The password for `FNEW`, if the relay has one.
    pub auth: Option<BasicAuth>,
}

impl Relay {
    /// A relay without a password.
    pub fn new(server: XftpServer) -> Self {
        Self { server, auth: None }
    }

    /// Parses one address (with a 32-byte key hash).
    pub fn parse(s: &str) -> Result<Self> {
        let (srv, auth) = SmpServer::parse_uri("xftp", s.trim())
            .map_err(|_| ClientError::Invalid("bad XFTP server address"))?;
        let server = XftpServer {
            hosts: srv.hosts,
            port: srv.port,
            key_hash: srv.key_hash.to_vec(),
        };
        Ok(Self { server, auth })
    }

    /// Parses a `;`-separated list.
    pub fn parse_list(s: &str) -> Result<Vec<Self>> {
        s.split(';')
            .filter(|p| !p.trim().is_empty())
            .map(Self::parse)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn parse_list() {
        let kh = simplex_encoding::base64url::encode(&[7u8; 32]);
        let list =
            Relay::parse_list(&format!("xftp://{kh}:pw@a.com:5443;xftp://{kh}@b.com")).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].auth.as_ref().unwrap().as_str(), "pw");
        assert_eq!(list[0].server.port, "5443");
        assert_eq!(list[1].server.to_string(), format!("xftp://{kh}@b.com"));
        assert!(Relay::parse("xftp://YWJj@a.com").is_err());
    }
}
