//! Batching transmissions into block contents (`Protocol.hs` `batchTransmissions_`).
//!
//! A block's content is `u8 count (1..=255) ‖ count × large(transmission)`. The sum of
//! `2 + len` over a batch may be at most `16384 - 19` (2 bytes of padding length, the
//! count, and a 16-byte tag reserved even without block encryption).

use crate::versions::BLOCK_SIZE;
use simplex_encoding::writer::put_large;
use simplex_encoding::{DecodeError, Reader};

/// The byte budget of the transmissions in one block.
pub const BATCH_BUDGET: usize = BLOCK_SIZE - 19;

/// One packed block content, or a transmission that cannot fit in any block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Batch {
    /// A block content holding these transmissions (indices into the input).
    Block(Vec<u8>, std::ops::Range<usize>),
    /// The transmission at this index is larger than a block.
    TooLarge(usize),
}

/// Packs encoded transmissions into as few block contents as the reference would,
/// filling from the end so the partial block comes first; order is kept.
pub fn batch_transmissions(ts: &[Vec<u8>]) -> Vec<Batch> {
    let mut out: Vec<Batch> = Vec::new();
    let mut end = ts.len();
    let mut start = ts.len();
    let mut len = 0usize;
    let close = |out: &mut Vec<Batch>, s: usize, e: usize| {
        if s < e {
            out.push(Batch::Block(encode_batch(&ts[s..e]), s..e));
        }
    };
    for i in (0..ts.len()).rev() {
        let size = ts[i].len() + 2;
        if size > BATCH_BUDGET {
            close(&mut out, start, end);
            out.push(Batch::TooLarge(i));
            end = i;
            start = i;
            len = 0;
        } else if len + size <= BATCH_BUDGET && end - start < 255 {
            start = i;
            len += size;
        } else {
            close(&mut out, start, end);
            end = i + 1;
            start = i;
            len = size;
        }
    }
    close(&mut out, start, end);
    out.reverse();
    out
}

fn encode_batch(ts: &[Vec<u8>]) -> Vec<u8> {
    let mut b = Vec::with_capacity(1 + ts.iter().map(|t| t.len() + 2).sum::<usize>());
    b.push(ts.len() as u8);
    for t in ts {
        put_large(&mut b, t);
    }
    b
}

/// Encodes a batch of exactly one transmission (used for proxied commands).
pub fn batch_of_one(t: &[u8]) -> Vec<u8> {
    encode_batch(std::slice::from_ref(&t.to_vec()))
}

/// Splits a block content into its transmissions.
pub fn parse_batch(content: &[u8]) -> Result<Vec<&[u8]>, DecodeError> {
    let mut r = Reader::new(content);
    let ts = r.non_empty(|r| r.large())?;
    r.finish()?;
    Ok(ts)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn blocks(b: &[Batch]) -> Vec<usize> {
        b.iter()
            .map(|x| match x {
                Batch::Block(_, r) => r.len(),
                Batch::TooLarge(_) => 0,
            })
            .collect()
    }

    /// Sizes of tests/CoreTests/BatchingTests.hs: 255 small transmissions fit one
    /// block; the partial block goes first.
    #[test]
    fn packs_from_the_right() {
        let ts = vec![vec![0u8; 10]; 300];
        let b = batch_transmissions(&ts);
        assert_eq!(blocks(&b), vec![45, 255]);
        let big = vec![vec![0u8; 119]; 300]; // 121 bytes each: 135 per block
        assert_eq!(blocks(&batch_transmissions(&big)), vec![30, 135, 135]);
    }

    #[test]
    fn oversized_transmission_is_reported() {
        let ts = vec![vec![1u8; 5], vec![0u8; BATCH_BUDGET], vec![2u8; 5]];
        let b = batch_transmissions(&ts);
        assert_eq!(b.len(), 3);
        assert_eq!(b[1], Batch::TooLarge(1));
        match &b[0] {
            Batch::Block(c, r) => {
                assert_eq!(r, &(0..1));
                assert_eq!(parse_batch(c).unwrap(), vec![&[1u8; 5][..]]);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn parse_rejects_empty_and_trailing() {
        assert!(parse_batch(&[0]).is_err());
        assert!(parse_batch(&[1, 0, 1, 7, 9]).is_err());
        assert_eq!(parse_batch(&[1, 0, 1, 7]).unwrap(), vec![&[7u8][..]]);
    }
}
