//! Chunk planning: the relay chunk sizes and the reference's rule for splitting an
//! encrypted file into them (`prepareChunkSizes`, `prepareChunkSpecs`).

use crate::size::{kb, mb};

/// The chunk sizes relays accept: 64 KB, 256 KB, 1 MB and 4 MB.
pub const SERVER_CHUNK_SIZES: [u32; 4] =
    [kb(64) as u32, kb(256) as u32, mb(1) as u32, mb(4) as u32];

/// Chunk sizes for a payload of `size` bytes (the file with its header, length prefix and
/// tag). Sizes come in pairs (64 KB/256 KB, 256 KB/1 MB, 1 MB/4 MB) chosen by whether the
/// payload exceeds ¾ of the larger size of the next pair; whole big chunks go first, and
/// the rest is one big chunk if it exceeds ¾ of it, else small chunks.
pub fn prepare_chunk_sizes(size: u64) -> Vec<u32> {
    let [s0, s1, s2, s3] = SERVER_CHUNK_SIZES;
    let three_quarters = |s: u32| u64::from(s) * 3 / 4;
    let (small, big) = if size > three_quarters(s3) {
        (s2, s3)
    } else if size > three_quarters(s2) {
        (s1, s2)
    } else {
        (s0, s1)
    };
    let mut sizes = Vec::new();
    let mut rest = size;
    while rest > 0 {
        if rest >= u64::from(big) {
            let n = rest / u64::from(big);
            sizes.extend(std::iter::repeat_n(big, n as usize));
            rest %= u64::from(big);
        } else if rest > three_quarters(big) {
            sizes.push(big);
            rest = 0;
        } else {
            let n = rest.div_ceil(u64::from(small));
            sizes.extend(std::iter::repeat_n(small, n as usize));
            rest = 0;
        }
    }
    sizes
}

/// Where one chunk lies in the encrypted file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ChunkSpec {
    /// 1-based chunk number.
    pub chunk_no: u32,
    /// Offset in the encrypted file.
    pub offset: u64,
    /// Length in bytes.
    pub size: u32,
}

/// Offsets of consecutive chunks of the given sizes.
pub fn chunk_specs(sizes: &[u32]) -> Vec<ChunkSpec> {
    let mut offset = 0u64;
    sizes
        .iter()
        .zip(1u32..)
        .map(|(&size, chunk_no)| {
            let spec = ChunkSpec {
                chunk_no,
                offset,
                size,
            };
            offset += u64::from(size);
            spec
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    const K64: u32 = 65536;
    const K256: u32 = 262_144;
    const M1: u32 = 1_048_576;
    const M4: u32 = 4_194_304;

    #[test]
    fn reference_rule() {
        assert_eq!(prepare_chunk_sizes(0), Vec::<u32>::new());
        assert_eq!(prepare_chunk_sizes(1), [K64]);
        assert_eq!(prepare_chunk_sizes(65536), [K64]);
        assert_eq!(prepare_chunk_sizes(65537), [K64, K64]);
        // above 3/4 of 256 KB: one big chunk
        assert_eq!(prepare_chunk_sizes(196_609), [K256]);
        assert_eq!(prepare_chunk_sizes(196_608), [K64, K64, K64]);
        // above 3/4 of 1 MB: 256 KB / 1 MB pair
        assert_eq!(prepare_chunk_sizes(786_433), [M1]);
        assert_eq!(prepare_chunk_sizes(M1 as u64 + 1), [M1, K256]);
        // above 3/4 of 4 MB: 1 MB / 4 MB pair
        assert_eq!(prepare_chunk_sizes(3_145_729), [M4]);
        assert_eq!(prepare_chunk_sizes(2 * M4 as u64 + 5), [M4, M4, M1]);
        assert_eq!(prepare_chunk_sizes(M4 as u64 + 3_200_000), [M4, M4]);
    }

    #[test]
    fn specs() {
        let s = chunk_specs(&[M4, K64]);
        assert_eq!(
            s[1],
            ChunkSpec {
                chunk_no: 2,
                offset: M4 as u64,
                size: K64
            }
        );
    }
}
