//! A bounds-checked cursor over an input byte slice.

use crate::error::DecodeError;

/// A cursor that reads SimpleX primitives from a byte slice without panicking.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

type Res<T> = Result<T, DecodeError>;

impl<'a> Reader<'a> {
    /// Starts reading at the beginning of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// True when everything has been read.
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// Fails with [`DecodeError::Trailing`] unless everything has been read.
    pub fn finish(&self) -> Res<()> {
        match self.remaining() {
            0 => Ok(()),
            n => Err(DecodeError::Trailing(n)),
        }
    }

    /// The next byte, without consuming it.
    pub fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    /// Takes the next `n` bytes.
    pub fn take(&mut self, n: usize) -> Res<&'a [u8]> {
        let rest = &self.buf[self.pos..];
        if rest.len() < n {
            return Err(DecodeError::Eof {
                needed: n - rest.len(),
            });
        }
        self.pos += n;
        Ok(&rest[..n])
    }

    /// Takes exactly `N` bytes as an array.
    pub fn array<const N: usize>(&mut self) -> Res<[u8; N]> {
        let s = self.take(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    /// Takes everything that is left (the reference's `Tail`).
    pub fn tail(&mut self) -> &'a [u8] {
        let rest = &self.buf[self.pos..];
        self.pos = self.buf.len();
        rest
    }

    /// Reads one byte.
    pub fn u8(&mut self) -> Res<u8> {
        Ok(self.array::<1>()?[0])
    }

    /// Reads a big-endian `u16`.
    pub fn u16(&mut self) -> Res<u16> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    /// Reads a big-endian `u32`.
    pub fn u32(&mut self) -> Res<u32> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    /// Reads a big-endian `i64`.
    pub fn i64(&mut self) -> Res<i64> {
        Ok(i64::from_be_bytes(self.array()?))
    }

    /// Reads a `short` byte string: a 1-byte length then that many bytes.
    pub fn short(&mut self) -> Res<&'a [u8]> {
        let n = self.u8()? as usize;
        self.take(n)
    }

    /// Reads a `short` byte string that must be exactly `N` bytes long.
    pub fn short_array<const N: usize>(&mut self) -> Res<[u8; N]> {
        let s = self.short()?;
        <[u8; N]>::try_from(s)
            .map_err(|_| DecodeError::Invalid("fixed-size field has wrong length"))
    }

    /// Reads a `large` byte string: a 2-byte big-endian length then that many bytes.
    pub fn large(&mut self) -> Res<&'a [u8]> {
        let n = self.u16()? as usize;
        self.take(n)
    }

    /// Reads a `'T'`/`'F'` boolean.
    pub fn bool(&mut self) -> Res<bool> {
        match self.u8()? {
            b'T' => Ok(true),
            b'F' => Ok(false),
            found => Err(DecodeError::BadByte {
                found,
                what: "expected 'T' or 'F'",
            }),
        }
    }

    /// Consumes one expected literal byte.
    pub fn expect(&mut self, byte: u8, what: &'static str) -> Res<()> {
        match self.u8()? {
            b if b == byte => Ok(()),
            found => Err(DecodeError::BadByte { found, what }),
        }
    }

    /// Consumes `lit` if the input continues with it; reports whether it did.
    pub fn eat(&mut self, lit: &[u8]) -> bool {
        if self.buf[self.pos..].starts_with(lit) {
            self.pos += lit.len();
            true
        } else {
            false
        }
    }

    /// Reads a `'0'`/`'1'` optional, decoding the value with `f` when present.
    pub fn maybe<T>(&mut self, f: impl FnOnce(&mut Self) -> Res<T>) -> Res<Option<T>> {
        match self.u8()? {
            b'0' => Ok(None),
            b'1' => f(self).map(Some),
            found => Err(DecodeError::BadByte {
                found,
                what: "expected '0' or '1'",
            }),
        }
    }

    /// Reads a list: a 1-byte count then that many items decoded with `f`.
    pub fn list<T>(&mut self, mut f: impl FnMut(&mut Self) -> Res<T>) -> Res<Vec<T>> {
        let n = self.u8()? as usize;
        let mut v = Vec::with_capacity(n.min(self.remaining()));
        for _ in 0..n {
            v.push(f(self)?);
        }
        Ok(v)
    }

    /// Reads a non-empty list (a count of zero is rejected).
    pub fn non_empty<T>(&mut self, f: impl FnMut(&mut Self) -> Res<T>) -> Res<Vec<T>> {
        if self.peek() == Some(0) {
            return Err(DecodeError::Invalid("empty non-empty list"));
        }
        self.list(f)
    }

    /// Reads bytes up to (not including) the next space or the end; consumes one space after.
    pub fn word(&mut self) -> &'a [u8] {
        let rest = &self.buf[self.pos..];
        let n = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
        self.pos += n;
        if self.peek() == Some(b' ') {
            self.pos += 1;
        }
        &rest[..n]
    }
}
