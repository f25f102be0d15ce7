//! The XFTP handshake messages (`FileTransfer/Transport.hs`), exchanged over the first
//! HTTP/2 requests of a connection, each padded to the 16 384-byte block.
//!
//! ```text
//! client → POST / (empty body; web clients: header xftp-web-hello, body pad(ClientHello))
//! server ← pad(ServerHandshake)
//! client → POST / pad(ClientHandshake)
//! server ← empty body
//!
//! ClientHello     = maybe(short(challenge 32))                              [‖ ignored]
//! ServerHandshake = w16 min ‖ w16 max ‖ short(sessionId) ‖ certChainPubKey
//!                   ‖ short(webIdentityProof signature | empty)             [‖ ignored]
//! ClientHandshake = w16 version ‖ short(keyHash 32)                         [‖ ignored]
//! ```

use crate::error::ProtoError;
use crate::versions::BLOCK_SIZE;
use simplex_crypto::pad::{pad, unpad};
use simplex_encoding::writer::{put_maybe, put_short, put_u16};
use simplex_encoding::{Decode, Encode, Reader, Version, VersionRange};
pub use smp_proto::handshake::CertChainPubKey;

/// The request header a browser client sets on its hello (the server re-runs the
/// hello on a connection that already finished a handshake).
pub const WEB_HELLO_HEADER: &str = "xftp-web-hello";
/// The request header a browser client sets on its client handshake.
pub const WEB_HANDSHAKE_HEADER: &str = "xftp-handshake";
/// Length of a web client's identity challenge.
pub const CHALLENGE_LEN: usize = 32;

/// Pads a handshake message to the block size.
pub fn pad_block(msg: &[u8]) -> Result<Vec<u8>, ProtoError> {
    pad(msg, BLOCK_SIZE).map_err(|_| ProtoError::Block)
}

/// Removes the block padding.
pub fn unpad_block(block: &[u8]) -> Result<&[u8], ProtoError> {
    unpad(block).map_err(|_| ProtoError::Block)
}

/// The web client's hello: an optional challenge the server signs with its
/// certificate key, proving it holds the identity the client expects.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientHello {
    /// 32 random bytes, or none.
    pub web_challenge: Option<[u8; CHALLENGE_LEN]>,
}

impl ClientHello {
    /// Encodes the hello (unpadded).
    pub fn encode(&self, out: &mut Vec<u8>) {
        put_maybe(out, self.web_challenge.as_ref(), |o, c| put_short(o, c));
    }

    /// Parses a hello; the challenge must be 32 bytes; trailing bytes are ignored.
    pub fn parse(b: &[u8]) -> Result<Self, ProtoError> {
        let mut r = Reader::new(b);
        let web_challenge = r.maybe(|r| r.short_array::<CHALLENGE_LEN>())?;
        Ok(ClientHello { web_challenge })
    }
}

/// The bytes a server signs as its web identity proof: `challenge ‖ sessionId`.
pub fn web_identity_message(challenge: &[u8], session_id: &[u8]) -> Vec<u8> {
    [challenge, session_id].concat()
}

/// The server's handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHandshake {
    /// Versions the server offers.
    pub versions: VersionRange,
    /// The TLS session id (tls-unique).
    pub session_id: Vec<u8>,
    /// The certificate chain `[leaf, ca]` and the X25519 key signed by the leaf.
    pub cert_key: CertChainPubKey,
    /// The signature of [`web_identity_message`] when the hello had a challenge.
    pub web_identity_proof: Option<Vec<u8>>,
}

impl ServerHandshake {
    /// Encodes the handshake (unpadded).
    pub fn encode(&self, out: &mut Vec<u8>) {
        self.versions.encode(out);
        put_short(out, &self.session_id);
        self.cert_key.encode(out);
        put_short(out, self.web_identity_proof.as_deref().unwrap_or_default());
    }

    /// Parses a handshake; an absent or malformed proof is `None`, trailing bytes are
    /// ignored (room for later versions).
    pub fn parse(b: &[u8]) -> Result<Self, ProtoError> {
        let mut r = Reader::new(b);
        let versions = VersionRange::decode(&mut r)?;
        let session_id = r.short()?.to_vec();
        let cert_key = CertChainPubKey::decode(&mut r)?;
        let web_identity_proof = match r.short() {
            // Ed25519 or Ed448 signature lengths.
            Ok(sig) if sig.len() == 64 || sig.len() == 114 => Some(sig.to_vec()),
            _ => None,
        };
        Ok(ServerHandshake {
            versions,
            session_id,
            cert_key,
            web_identity_proof,
        })
    }
}

/// The client's handshake: the chosen version and the server identity it expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHandshake {
    /// The agreed version (the highest common one).
    pub version: Version,
    /// SHA-256 of the server's CA certificate (DER).
    pub key_hash: [u8; 32],
}

impl ClientHandshake {
    /// Encodes the handshake (unpadded).
    pub fn encode(&self, out: &mut Vec<u8>) {
        put_u16(out, self.version);
        put_short(out, &self.key_hash);
    }

    /// Parses a handshake; trailing bytes are ignored.
    pub fn parse(b: &[u8]) -> Result<Self, ProtoError> {
        let mut r = Reader::new(b);
        let version = r.u16()?;
        let key_hash = r.short_array::<32>()?;
        Ok(ClientHandshake { version, key_hash })
    }
}
