//! Transport handshake messages (`Transport.hs` `SMPServerHandshake`,
//! `SMPClientHandshake`), sent as plain padded blocks before any block encryption.

use crate::keys::{put_x25519, read_x25519};
use crate::versions::{AUTH_CMDS_V, PROXY_SERVER_HANDSHAKE_V, SERVICE_CERTS_V};
use simplex_crypto::keys::X25519Public;
use simplex_encoding::writer::{put_bool, put_large, put_list, put_short};
use simplex_encoding::{Decode, DecodeError, Encode, Reader, Version, VersionRange};

/// A certificate chain (DER, leaf first) and an X25519 key signed by the leaf key
/// (DER of an X.509 `SIGNED` structure over the key's SPKI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertChainPubKey {
    /// DER certificates, leaf first.
    pub chain: Vec<Vec<u8>>,
    /// DER of the signed SubjectPublicKeyInfo.
    pub signed_key: Vec<u8>,
}

impl Encode for CertChainPubKey {
    fn encode(&self, out: &mut Vec<u8>) {
        put_list(out, &self.chain, |o, c| put_large(o, c));
        put_large(out, &self.signed_key);
    }
}

impl Decode for CertChainPubKey {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let chain = r.non_empty(|r| Ok(r.large()?.to_vec()))?;
        Ok(CertChainPubKey {
            chain,
            signed_key: r.large()?.to_vec(),
        })
    }
}

/// The relay's hello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello {
    /// Versions the relay offers.
    pub versions: VersionRange,
    /// The TLS session id (tls-unique).
    pub session_id: Vec<u8>,
    /// Certificate chain and signed session key (sent when the range max is 7 or more).
    pub cert_key: Option<CertChainPubKey>,
}

impl Encode for ServerHello {
    fn encode(&self, out: &mut Vec<u8>) {
        self.versions.encode(out);
        put_short(out, &self.session_id);
        if self.versions.max() >= AUTH_CMDS_V
            && let Some(ck) = &self.cert_key
        {
            ck.encode(out);
        }
    }
}

impl ServerHello {
    /// Parses a hello, ignoring any bytes after the known fields.
    pub fn parse(b: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(b);
        let versions = VersionRange::decode(&mut r)?;
        let session_id = r.short()?.to_vec();
        let cert_key = if versions.max() >= AUTH_CMDS_V && !r.is_empty() {
            let mut probe = r.clone();
            CertChainPubKey::decode(&mut probe).ok()
        } else {
            None
        };
        Ok(ServerHello {
            versions,
            session_id,
            cert_key,
        })
    }
}

/// A client service announced in the hello (v16).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientService {
    /// `'M'` messaging, `'N'` notifier, `'P'` proxy.
    pub role: u8,
    /// The service certificate chain and its signed session key.
    pub cert_key: CertChainPubKey,
}

/// The client's hello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHello {
    /// The chosen version.
    pub version: Version,
    /// The relay identity the client expects.
    pub key_hash: [u8; 32],
    /// The client's X25519 key for block encryption (v7+, optional).
    pub auth_key: Option<X25519Public>,
    /// The client is a proxy relay (v14+).
    pub proxy_server: bool,
    /// A client service (v16+).
    pub service: Option<ClientService>,
}

impl Encode for ClientHello {
    fn encode(&self, out: &mut Vec<u8>) {
        self.version.encode(out);
        put_short(out, &self.key_hash);
        let v = self.version;
        if v >= AUTH_CMDS_V
            && let Some(k) = &self.auth_key
        {
            put_x25519(out, k);
        }
        if v >= PROXY_SERVER_HANDSHAKE_V {
            put_bool(out, self.proxy_server);
        }
        if v >= SERVICE_CERTS_V {
            match &self.service {
                None => out.push(b'0'),
                Some(s) => {
                    out.push(b'1');
                    out.push(s.role);
                    s.cert_key.encode(out);
                }
            }
        }
    }
}

impl ClientHello {
    /// Parses a hello, ignoring any bytes after the known fields.
    pub fn parse(b: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(b);
        let version = r.u16()?;
        let key_hash = r.short_array::<32>()?;
        let auth_key = if version >= AUTH_CMDS_V {
            // The key has no tag: try it, and fall back when the bytes are not a key.
            let mut probe = r.clone();
            match read_x25519(&mut probe) {
                Ok(k) => {
                    r = probe;
                    Some(k)
                }
                Err(_) => None,
            }
        } else {
            None
        };
        let proxy_server = if version >= PROXY_SERVER_HANDSHAKE_V {
            r.bool()?
        } else {
            false
        };
        let service = if version >= SERVICE_CERTS_V {
            r.maybe(|r| {
                let role = r.u8()?;
                if !b"MNP".contains(&role) {
                    return Err(DecodeError::Invalid("service role"));
                }
                Ok(ClientService {
                    role,
                    cert_key: CertChainPubKey::decode(r)?,
                })
            })?
        } else {
            None
        };
        Ok(ClientHello {
            version,
            key_hash,
            auth_key,
            proxy_server,
            service,
        })
    }
}
