//! XFTP error codes (`ERR ...`, reference `XFTPErrorType`) and this crate's own error.
//!
//! Errors travel as ASCII words: `BLOCK`, `CMD SYNTAX`, `BLOCKED reason=spam`, `QUOTA`...
//! `CMD` and `BLOCKED` carry the same payloads as in SMP, so their text forms come from
//! `smp-proto`.

use crate::versions::BLOCKED_FILES_V;
use simplex_encoding::{DecodeError, Reader, Version};
use smp_proto::error::{BlockingInfo, CommandError, ErrorType};

/// An error sent by an XFTP server in `ERR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XftpErrorType {
    /// Bad block format, encoding or signature size.
    Block,
    /// Wrong session id.
    Session,
    /// Bad handshake message.
    Handshake,
    /// Unknown command or bad syntax.
    Cmd(CommandError),
    /// Authorization failed or no such file.
    Auth,
    /// The file was blocked by the operator (v3+; older clients get `AUTH`).
    Blocked(BlockingInfo),
    /// Wrong chunk size (not allowed, or the body did not match).
    Size,
    /// Server storage quota exceeded.
    Quota,
    /// The uploaded chunk does not match its digest.
    Digest,
    /// Chunk encryption or decryption failed.
    Crypto,
    /// No chunk body where one was expected, or no chunk on the server.
    NoFile,
    /// A chunk body where none was expected.
    HasFile,
    /// Server file system error.
    FileIo,
    /// Sending or receiving the chunk timed out.
    Timeout,
    /// Internal server error.
    Internal,
    /// Used internally by the reference; never sent.
    Duplicate,
}

impl XftpErrorType {
    /// Shorthand for `CMD SYNTAX`.
    pub const SYNTAX: XftpErrorType = XftpErrorType::Cmd(CommandError::Syntax);
    /// Shorthand for `CMD UNKNOWN`.
    pub const UNKNOWN: XftpErrorType = XftpErrorType::Cmd(CommandError::Unknown);

    /// The text form as a server sends it to a client of version `v`
    /// (`BLOCKED` becomes `AUTH` before v3).
    pub fn encode_for(&self, v: Version, out: &mut Vec<u8>) {
        match self {
            XftpErrorType::Blocked(_) if v < BLOCKED_FILES_V => out.extend_from_slice(b"AUTH"),
            e => e.encode(out),
        }
    }

    /// The text form.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let word: &str = match self {
            XftpErrorType::Cmd(e) => return ErrorType::Cmd(*e).encode(out),
            XftpErrorType::Blocked(i) => return ErrorType::Blocked(i.clone()).encode(out),
            XftpErrorType::Block => "BLOCK",
            XftpErrorType::Session => "SESSION",
            XftpErrorType::Handshake => "HANDSHAKE",
            XftpErrorType::Auth => "AUTH",
            XftpErrorType::Size => "SIZE",
            XftpErrorType::Quota => "QUOTA",
            XftpErrorType::Digest => "DIGEST",
            XftpErrorType::Crypto => "CRYPTO",
            XftpErrorType::NoFile => "NO_FILE",
            XftpErrorType::HasFile => "HAS_FILE",
            XftpErrorType::FileIo => "FILE_IO",
            XftpErrorType::Timeout => "TIMEOUT",
            XftpErrorType::Internal => "INTERNAL",
            XftpErrorType::Duplicate => "DUPLICATE_",
        };
        out.extend_from_slice(word.as_bytes())
    }

    /// Parses the text form, consuming the rest of the reader for `BLOCKED`.
    pub fn parse(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let start = r.clone();
        Ok(match r.word() {
            b"CMD" | b"BLOCKED" => {
                *r = start;
                match ErrorType::parse(r)? {
                    ErrorType::Cmd(e) => XftpErrorType::Cmd(e),
                    ErrorType::Blocked(i) => XftpErrorType::Blocked(i),
                    _ => return Err(DecodeError::Invalid("bad XFTP error")),
                }
            }
            b"BLOCK" => XftpErrorType::Block,
            b"SESSION" => XftpErrorType::Session,
            b"HANDSHAKE" => XftpErrorType::Handshake,
            b"AUTH" => XftpErrorType::Auth,
            b"SIZE" => XftpErrorType::Size,
            b"QUOTA" => XftpErrorType::Quota,
            b"DIGEST" => XftpErrorType::Digest,
            b"CRYPTO" => XftpErrorType::Crypto,
            b"NO_FILE" => XftpErrorType::NoFile,
            b"HAS_FILE" => XftpErrorType::HasFile,
            b"FILE_IO" => XftpErrorType::FileIo,
            b"TIMEOUT" => XftpErrorType::Timeout,
            b"INTERNAL" => XftpErrorType::Internal,
            b"DUPLICATE_" => XftpErrorType::Duplicate,
            _ => return Err(DecodeError::Invalid("unknown XFTP error type")),
        })
    }
}

impl std::fmt::Display for XftpErrorType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut b = Vec::new();
        self.encode(&mut b);
        f.write_str(&String::from_utf8_lossy(&b))
    }
}

/// Errors of this crate's encoders and decoders.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProtoError {
    /// Bytes that do not decode.
    #[error("decode: {0}")]
    Decode(#[from] DecodeError),
    /// A message that does not fit the 16 KB block, or a block that does not unpad.
    #[error("bad block padding or size")]
    Block,
    /// The key cannot make this authorization (e.g. X25519 without the server key).
    #[error("cannot authorize with this key: {0}")]
    Auth(&'static str),
    /// A key or signature error from simplex-crypto.
    #[error("crypto: {0}")]
    Crypto(#[from] simplex_crypto::CryptoError),
    /// The server answered with an error.
    #[error("server error: {0}")]
    Server(XftpErrorType),
}
