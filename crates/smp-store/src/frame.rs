//! Binary framing of store files.
//!
//! A frame is `u32 len (LE) ‖ u8 kind ‖ payload[len] ‖ u32 crc (LE)`, where the CRC32
//! covers the length, the kind and the payload. Every store file is a sequence of frames.

use std::io::{self, Read};

/// Largest payload a frame may carry.
pub(crate) const MAX_PAYLOAD: usize = 1 << 20;

/// Bytes a frame adds around its payload.
pub(crate) const FRAME_OVERHEAD: usize = 9;

/// Appends one frame to `buf`; `payload` writes the payload bytes.
///
/// On an oversized payload nothing is appended.
pub(crate) fn write_frame(
    buf: &mut Vec<u8>,
    kind: u8,
    payload: impl FnOnce(&mut Vec<u8>),
) -> Result<(), &'static str> {
    let start = buf.len();
    buf.extend_from_slice(&[0; 4]);
    buf.push(kind);
    payload(buf);
    let len = buf.len() - start - 5;
    let Some(len32) = u32::try_from(len).ok().filter(|_| len <= MAX_PAYLOAD) else {
        buf.truncate(start);
        return Err("record too large");
    };
    buf[start..start + 4].copy_from_slice(&len32.to_le_bytes());
    let crc = crc32fast::hash(&buf[start..]);
    buf.extend_from_slice(&crc.to_le_bytes());
    Ok(())
}

/// Why a frame could not be read.
#[derive(Debug)]
pub(crate) enum FrameError {
    /// The file ends inside this frame (a torn final write).
    Truncated,
    /// The frame is complete but wrong.
    Bad(&'static str),
    /// Reading the file failed.
    Io(io::Error),
}

/// Reads frames one by one from a byte stream, tracking the offset.
pub(crate) struct FrameReader<R> {
    inner: R,
    offset: u64,
    payload: Vec<u8>,
}

impl<R: Read> FrameReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        FrameReader {
            inner,
            offset: 0,
            payload: Vec::new(),
        }
    }

    /// Offset of the next frame.
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// The next frame's kind and payload, `None` at a clean end of file.
    pub(crate) fn next_frame(&mut self) -> Result<Option<(u8, &[u8])>, FrameError> {
        let mut head = [0u8; 5];
        match fill(&mut self.inner, &mut head)? {
            0 => return Ok(None),
            5 => {}
            _ => return Err(FrameError::Truncated),
        }
        let len = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
        if len > MAX_PAYLOAD {
            return Err(FrameError::Bad("record length over the limit"));
        }
        self.payload.resize(len + 4, 0);
        if fill(&mut self.inner, &mut self.payload)? != len + 4 {
            return Err(FrameError::Truncated);
        }
        let (body, crc) = self.payload.split_at(len);
        let stored = u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]);
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&head);
        hasher.update(body);
        if hasher.finalize() != stored {
            return Err(FrameError::Bad("checksum mismatch"));
        }
        self.offset += (len + FRAME_OVERHEAD) as u64;
        Ok(Some((head[4], body)))
    }
}

/// Reads until `buf` is full or the stream ends; returns how many bytes were read.
fn fill(r: &mut impl Read, buf: &mut [u8]) -> Result<usize, FrameError> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(FrameError::Io(e)),
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn round_trip_and_truncation() {
        let mut buf = Vec::new();
        write_frame(&mut buf, 7, |b| b.extend_from_slice(b"hello")).unwrap();
        write_frame(&mut buf, 8, |_| {}).unwrap();
        assert_eq!(buf.len(), 2 * FRAME_OVERHEAD + 5);
        let mut r = FrameReader::new(&buf[..]);
        assert_eq!(r.next_frame().unwrap(), Some((7, &b"hello"[..])));
        assert_eq!(r.offset(), 14);
        assert_eq!(r.next_frame().unwrap(), Some((8, &b""[..])));
        assert!(r.next_frame().unwrap().is_none());
        for cut in 1..buf.len() - FRAME_OVERHEAD {
            let mut r = FrameReader::new(&buf[..cut]);
            if cut < 14 {
                assert!(matches!(r.next_frame(), Err(FrameError::Truncated)));
            }
        }
        let mut bad = buf.clone();
        bad[6] ^= 1;
        let mut r = FrameReader::new(&bad[..]);
        assert!(matches!(r.next_frame(), Err(FrameError::Bad(_))));
    }

    #[test]
    fn oversized_payload_is_refused() {
        let mut buf = vec![1, 2, 3];
        let r = write_frame(&mut buf, 1, |b| b.resize(b.len() + MAX_PAYLOAD + 1, 0));
        assert!(r.is_err());
        assert_eq!(buf, vec![1, 2, 3]);
    }
}
