//! Fixed-size block framing: SMP and XFTP exchange exactly 16384-byte blocks
//! (`protocol-map.md` §2.4). A clean end of stream between blocks is [`Error::Closed`]; an end
//! of stream inside a block is [`Error::TruncatedBlock`].

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::error::{Error, Result};

/// The SMP (and XFTP) transport block size.
pub const SMP_BLOCK_SIZE: usize = 16384;

/// Reads whole blocks from a byte stream.
#[derive(Debug)]
pub struct BlockReader<R> {
    inner: R,
    buf: Vec<u8>,
    filled: usize,
}

impl<R: AsyncRead + Unpin> BlockReader<R> {
    /// Wraps `inner`, reading blocks of `block_size` bytes.
    pub fn new(inner: R, block_size: usize) -> Result<Self> {
        if block_size == 0 {
            return Err(Error::ZeroBlockSize);
        }
        Ok(BlockReader {
            inner,
            buf: vec![0; block_size],
            filled: 0,
        })
    }

    /// The block size.
    pub fn block_size(&self) -> usize {
        self.buf.len()
    }

    /// Reads the next block.
    ///
    /// Cancel-safe: if the future is dropped before it completes, the bytes already read are
    /// kept and the next call continues the same block (so it can be used in `select!`).
    pub async fn read_block(&mut self) -> Result<Vec<u8>> {
        let size = self.buf.len();
        while self.filled < size {
            let dest = self.buf.get_mut(self.filled..).unwrap_or_default();
            let n = self.inner.read(dest).await?;
            if n == 0 {
                return Err(match self.filled {
                    0 => Error::Closed,
                    received => Error::TruncatedBlock {
                        received,
                        expected: size,
                    },
                });
            }
            self.filled += n;
        }
        self.filled = 0;
        Ok(std::mem::replace(&mut self.buf, vec![0; size]))
    }

    /// Returns the underlying reader (any partially read block is discarded).
    pub fn into_inner(self) -> R {
        self.inner
    }
}

/// Writes whole blocks to a byte stream.
#[derive(Debug)]
pub struct BlockWriter<W> {
    inner: W,
    block_size: usize,
}

impl<W: AsyncWrite + Unpin> BlockWriter<W> {
    /// Wraps `inner`, writing blocks of `block_size` bytes.
    pub fn new(inner: W, block_size: usize) -> Result<Self> {
        if block_size == 0 {
            return Err(Error::ZeroBlockSize);
        }
        Ok(BlockWriter { inner, block_size })
    }

    /// The block size.
    pub fn block_size(&self) -> usize {
        self.block_size
    }

    /// Writes one block (which must be exactly the block size) and flushes it.
    ///
    /// Not cancel-safe: dropping the future mid-write leaves a partial block on the wire.
    pub async fn write_block(&mut self, block: &[u8]) -> Result<()> {
        if block.len() != self.block_size {
            return Err(Error::BlockSize {
                len: block.len(),
                expected: self.block_size,
            });
        }
        self.inner.write_all(block).await?;
        self.inner.flush().await?;
        Ok(())
    }

    /// Closes the write direction (for TLS: sends close_notify, then shuts down TCP writes).
    pub async fn shutdown(&mut self) -> Result<()> {
        self.inner.shutdown().await?;
        Ok(())
    }

    /// Returns the underlying writer.
    pub fn into_inner(self) -> W {
        self.inner
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_blocks_across_short_reads_and_reports_eof_kinds() {
        let (mut a, b) = tokio::io::duplex(7);
        let writer = tokio::spawn(async move {
            a.write_all(&[1u8; 10]).await.unwrap();
            a.write_all(&[2u8; 4]).await.unwrap();
        });
        let mut reader = BlockReader::new(b, 10).unwrap();
        assert_eq!(reader.read_block().await.unwrap(), vec![1u8; 10]);
        writer.await.unwrap();
        assert!(matches!(
            reader.read_block().await,
            Err(Error::TruncatedBlock {
                received: 4,
                expected: 10
            })
        ));
    }

    #[tokio::test]
    async fn clean_close_between_blocks() {
        let (a, b) = tokio::io::duplex(64);
        drop(a);
        let mut reader = BlockReader::new(b, 10).unwrap();
        assert!(matches!(reader.read_block().await, Err(Error::Closed)));
    }

    #[tokio::test]
    async fn writer_rejects_wrong_sizes() {
        let (a, _b) = tokio::io::duplex(64);
        let mut writer = BlockWriter::new(a, 10).unwrap();
        assert!(matches!(
            writer.write_block(&[0; 9]).await,
            Err(Error::BlockSize {
                len: 9,
                expected: 10
            })
        ));
        assert!(BlockWriter::new(tokio::io::empty(), 0).is_err());
    }
}
