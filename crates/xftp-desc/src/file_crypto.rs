//! File encryption as the reference does it (`encryptFile` / `decryptChunks`):
//!
//! `secretbox_stream(key, nonce, i64(len) ‖ header ‖ file ‖ '#'…) ‖ tag(16)`, where
//! `len = |header| + |file|`, the padding fills the stream up to the sum of the chunk
//! sizes, and the stream is the HSalsa20-keyed XSalsa20/Poly1305 of `SbStream`. Both
//! directions stream over `std::io` in 64 KB pieces, and the encryptor hashes its output
//! (SHA-512, the description's file digest) as it goes.

use std::io::{self, Read, Write};

use sha2::{Digest, Sha512};
use simplex_crypto::{CbNonce, SbKey, SbStream, TAG_LEN};

use crate::chunks::prepare_chunk_sizes;
use crate::error::{DescError, Result};
use crate::header::{FileHeader, MAX_HEADER_LEN};
use crate::size::MAX_FILE_SIZE_HARD;

/// Bytes encrypted per step (the reference's 65536).
const PIECE: usize = 65536;

/// Length of the `i64` length prefix inside the encrypted stream.
pub const LEN_PREFIX: u64 = 8;

/// The layout of an encrypted file before it is written.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EncryptionPlan {
    /// The encoded header.
    pub header: Vec<u8>,
    /// Size of the plain file.
    pub file_size: u64,
    /// Chunk sizes; the encrypted file is exactly their sum.
    pub chunk_sizes: Vec<u32>,
    /// Size of the encrypted file, tag included.
    pub enc_size: u64,
}

impl EncryptionPlan {
    /// Plans a file of `file_size` bytes with `header`; refuses files over the hard limit.
    pub fn new(header: &FileHeader, file_size: u64) -> Result<Self> {
        if file_size > MAX_FILE_SIZE_HARD {
            return Err(DescError::FileTooLarge(file_size));
        }
        let header = header.encode()?;
        let payload = header.len() as u64 + file_size + LEN_PREFIX + TAG_LEN as u64;
        let chunk_sizes = prepare_chunk_sizes(payload);
        let enc_size = chunk_sizes.iter().map(|&s| u64::from(s)).sum();
        Ok(Self {
            header,
            file_size,
            chunk_sizes,
            enc_size,
        })
    }

    /// Like [`EncryptionPlan::new`] but in one chunk of the smallest relay size that holds
    /// it (the reference's `singleChunkSize`, used for redirect descriptions).
    pub fn single_chunk(header: &FileHeader, file_size: u64) -> Result<Self> {
        let mut plan = Self::new(header, file_size)?;
        let payload = plan.header.len() as u64 + file_size + LEN_PREFIX + TAG_LEN as u64;
        let size = crate::chunks::SERVER_CHUNK_SIZES
            .into_iter()
            .find(|&s| u64::from(s) >= payload)
            .ok_or(DescError::FileTooLarge(file_size))?;
        plan.chunk_sizes = vec![size];
        plan.enc_size = u64::from(size);
        Ok(plan)
    }

    fn content_len(&self) -> u64 {
        self.header.len() as u64 + self.file_size
    }
}

/// What [`encrypt_file`] produced.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EncryptedFile {
    /// Bytes written (the plan's `enc_size`).
    pub enc_size: u64,
    /// SHA-512 of the bytes written.
    pub digest: [u8; 64],
}

/// Encrypts exactly `plan.file_size` bytes from `input` into `output`.
/// Fails if `input` ends early.
pub fn encrypt_file<R: Read, W: Write>(
    key: &SbKey,
    nonce: &CbNonce,
    plan: &EncryptionPlan,
    input: &mut R,
    output: &mut W,
) -> Result<EncryptedFile> {
    let mut sb = SbStream::new(key, nonce);
    let mut out = HashingWriter::new(output);
    let content_len =
        i64::try_from(plan.content_len()).map_err(|_| DescError::FileTooLarge(plan.file_size))?;
    let mut first = content_len.to_be_bytes().to_vec();
    first.extend_from_slice(&plan.header);
    sb.encrypt_chunk(&mut first);
    out.write_all(&first)?;
    let mut buf = vec![0u8; PIECE];
    let mut left = plan.file_size;
    while left > 0 {
        let n = PIECE.min(usize::try_from(left).unwrap_or(PIECE));
        let piece = &mut buf[..n];
        input
            .read_exact(piece)
            .map_err(eof("encrypting file: unexpected EOF"))?;
        sb.encrypt_chunk(piece);
        out.write_all(piece)?;
        left -= n as u64;
    }
    let mut pad_left = plan.enc_size - TAG_LEN as u64 - LEN_PREFIX - plan.content_len();
    while pad_left > 0 {
        let n = PIECE.min(usize::try_from(pad_left).unwrap_or(PIECE));
        let piece = &mut buf[..n];
        piece.fill(b'#');
        sb.encrypt_chunk(piece);
        out.write_all(piece)?;
        pad_left -= n as u64;
    }
    out.write_all(&sb.tag())?;
    out.inner.flush()?;
    Ok(EncryptedFile {
        enc_size: out.written,
        digest: out.hasher.finalize().into(),
    })
}

/// Decrypts an encrypted file of `enc_size` bytes read from `input`.
///
/// After the header is decrypted, `open` is called with it to get the output; the file
/// bytes are written there as they are decrypted. The data is authenticated only when
/// this returns `Ok`: on any error the caller must discard what was written (the
/// reference removes the file). `input` must hold exactly `enc_size` bytes.
pub fn decrypt_file<R: Read, W: Write>(
    key: &SbKey,
    nonce: &CbNonce,
    enc_size: u64,
    input: &mut R,
    open: impl FnOnce(&FileHeader) -> io::Result<W>,
) -> Result<(FileHeader, W)> {
    let body_len = enc_size
        .checked_sub(TAG_LEN as u64)
        .filter(|b| *b >= LEN_PREFIX)
        .ok_or(DescError::InvalidFileSize)?;
    let mut sb = SbStream::new(key, nonce);
    let first_len = PIECE.min(usize::try_from(body_len).unwrap_or(PIECE));
    let mut buf = vec![0u8; PIECE];
    let first = &mut buf[..first_len];
    input
        .read_exact(first)
        .map_err(eof("decrypting file: unexpected EOF"))?;
    sb.decrypt_chunk(first);
    let (len_bytes, after_len) = first.split_at(LEN_PREFIX as usize);
    let content_len = u64::try_from(i64::from_be_bytes(
        len_bytes
            .try_into()
            .map_err(|_| DescError::InvalidFileSize)?,
    ))
    .map_err(|_| DescError::InvalidFileSize)?;
    if content_len > body_len - LEN_PREFIX {
        return Err(DescError::InvalidFileSize);
    }
    let hdr_window = &after_len[..after_len
        .len()
        .min(MAX_HEADER_LEN)
        .min(content_len as usize)];
    let (header, hdr_len) = FileHeader::decode_prefix(hdr_window)?;
    let mut output = open(&header)?;
    let mut file_left = content_len - hdr_len as u64;
    let avail = &after_len[hdr_len..];
    let take = avail
        .len()
        .min(usize::try_from(file_left).unwrap_or(usize::MAX));
    output.write_all(&avail[..take])?;
    file_left -= take as u64;
    let mut body_left = body_len - first_len as u64;
    while body_left > 0 {
        let n = PIECE.min(usize::try_from(body_left).unwrap_or(PIECE));
        let piece = &mut buf[..n];
        input
            .read_exact(piece)
            .map_err(eof("decrypting file: unexpected EOF"))?;
        sb.decrypt_chunk(piece);
        let take = n.min(usize::try_from(file_left).unwrap_or(usize::MAX));
        output.write_all(&piece[..take])?;
        file_left -= take as u64;
        body_left -= n as u64;
    }
    let mut tag = [0u8; TAG_LEN];
    input
        .read_exact(&mut tag)
        .map_err(eof("decrypting file: unexpected EOF"))?;
    if !sb.verify_tag(&tag) {
        return Err(DescError::InvalidAuthTag);
    }
    let mut extra = [0u8; 1];
    if input.read(&mut extra)? != 0 {
        return Err(DescError::InvalidFileSize);
    }
    output.flush()?;
    Ok((header, output))
}

fn eof(msg: &'static str) -> impl Fn(io::Error) -> DescError {
    move |e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            DescError::Io(io::Error::new(io::ErrorKind::UnexpectedEof, msg))
        } else {
            DescError::Io(e)
        }
    }
}

/// Encrypts an in-memory file (for tests and small files such as redirect descriptions).
pub fn encrypt_bytes(
    key: &SbKey,
    nonce: &CbNonce,
    header: &FileHeader,
    data: &[u8],
) -> Result<(EncryptionPlan, Vec<u8>)> {
    let plan = EncryptionPlan::new(header, data.len() as u64)?;
    let mut out = Vec::with_capacity(usize::try_from(plan.enc_size).unwrap_or(0));
    encrypt_file(key, nonce, &plan, &mut &data[..], &mut out)?;
    Ok((plan, out))
}

/// Decrypts an in-memory encrypted file.
pub fn decrypt_bytes(key: &SbKey, nonce: &CbNonce, enc: &[u8]) -> Result<(FileHeader, Vec<u8>)> {
    decrypt_file(key, nonce, enc.len() as u64, &mut &enc[..], |_| {
        Ok(Vec::new())
    })
}

/// SHA-512 of everything read from `input` (the description's file digest).
pub fn file_digest<R: Read>(input: &mut R) -> io::Result<[u8; 64]> {
    let mut h = Sha512::new();
    let mut buf = vec![0u8; PIECE];
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            return Ok(h.finalize().into());
        }
        h.update(&buf[..n]);
    }
}

/// SHA-256 of a chunk (the digest a relay checks on upload).
pub fn chunk_digest(chunk: &[u8]) -> [u8; 32] {
    simplex_crypto::hash::sha256(chunk)
}

struct HashingWriter<'a, W: Write> {
    inner: &'a mut W,
    hasher: Sha512,
    written: u64,
}

impl<'a, W: Write> HashingWriter<'a, W> {
    fn new(inner: &'a mut W) -> Self {
        Self {
            inner,
            hasher: Sha512::new(),
            written: 0,
        }
    }

    fn write_all(&mut self, b: &[u8]) -> io::Result<()> {
        self.inner.write_all(b)?;
        self.hasher.update(b);
        self.written += b.len() as u64;
        Ok(())
    }
}
