//! TLS settings shared by the client and server sides, and ALPN helpers.
//!
//! Matches the reference's `defaultSupportedParams` (`Transport.hs`) for TLS 1.3: only
//! `TLS_CHACHA20_POLY1305_SHA256`, key-exchange groups X448 then X25519, signature algorithms
//! Ed448 and Ed25519, no renegotiation, no session tickets or session cache. The reference also
//! offers TLS 1.2 (with `ECDHE-ECDSA-CHACHA20-POLY1305`); this implementation offers and accepts
//! TLS 1.3 only, which every current reference client and server negotiates.

use openssl::ssl::{
    SslContextBuilder, SslMethod, SslMode, SslOptions, SslSessionCacheMode, SslVersion,
};

use crate::error::{Error, Result};

/// The only TLS 1.3 cipher suite offered or accepted.
pub const CIPHER_SUITES: &str = "TLS_CHACHA20_POLY1305_SHA256";
/// Key-exchange groups, in preference order.
pub const GROUPS: &str = "X448:X25519";
/// Signature algorithms for CertificateVerify and certificates.
pub const SIGNATURE_ALGORITHMS: &str = "ed448:ed25519";

/// A context builder with the common settings applied.
pub(crate) fn base_context() -> Result<SslContextBuilder> {
    let mut builder = SslContextBuilder::new(SslMethod::tls())?;
    builder.set_min_proto_version(Some(SslVersion::TLS1_3))?;
    builder.set_max_proto_version(Some(SslVersion::TLS1_3))?;
    builder.set_ciphersuites(CIPHER_SUITES)?;
    builder.set_groups_list(GROUPS)?;
    builder.set_sigalgs_list(SIGNATURE_ALGORITHMS)?;
    // A peer closing TCP without close_notify reads as end of stream; the block layer still
    // detects a close in the middle of a block.
    builder.set_options(
        SslOptions::NO_TICKET | SslOptions::NO_RENEGOTIATION | SslOptions::IGNORE_UNEXPECTED_EOF,
    );
    builder.set_session_cache_mode(SslSessionCacheMode::OFF);
    builder.set_num_tickets(0)?;
    // Idle connections give their ~34 KB of record buffers back (relays hold many idle
    // subscribed clients).
    builder.set_mode(SslMode::RELEASE_BUFFERS);
    Ok(builder)
}

/// Encodes ALPN protocol names in wire format (each prefixed by its 1-byte length).
pub fn alpn_wire(protocols: &[&str]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for name in protocols {
        let len = u8::try_from(name.len()).map_err(|_| Error::InvalidAlpn((*name).to_owned()))?;
        if len == 0 {
            return Err(Error::InvalidAlpn(String::new()));
        }
        out.push(len);
        out.extend_from_slice(name.as_bytes());
    }
    Ok(out)
}

/// Picks the first protocol in the client's wire-format list that the server supports
/// (client preference, as the reference server does). Malformed lists select nothing.
pub(crate) fn select_alpn<'a>(server: &[Vec<u8>], client_wire: &'a [u8]) -> Option<&'a [u8]> {
    let mut rest = client_wire;
    while let Some((&len, tail)) = rest.split_first() {
        let len = usize::from(len);
        let name = tail.get(..len)?;
        if server.iter().any(|s| s.as_slice() == name) {
            return Some(name);
        }
        rest = tail.get(len..)?;
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn alpn_wire_format() {
        assert_eq!(
            alpn_wire(&["smp/1", "h2"]).unwrap(),
            b"\x05smp/1\x02h2".to_vec()
        );
        assert!(alpn_wire(&[""]).is_err());
        assert!(alpn_wire(&[&"x".repeat(256)]).is_err());
    }

    #[test]
    fn selects_first_client_protocol_the_server_knows() {
        let server = vec![b"smp/1".to_vec(), b"h2".to_vec(), b"http/1.1".to_vec()];
        assert_eq!(select_alpn(&server, b"\x02h2\x05smp/1"), Some(&b"h2"[..]));
        assert_eq!(
            select_alpn(&server, b"\x03foo\x05smp/1"),
            Some(&b"smp/1"[..])
        );
        assert_eq!(select_alpn(&server, b"\x03foo"), None);
        assert_eq!(select_alpn(&server, b"\x09smp"), None);
        assert_eq!(select_alpn(&server, b""), None);
    }
}
