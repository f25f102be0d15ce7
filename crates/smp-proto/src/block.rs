//! 16 KB transport blocks: plain padding, or the v11+ encryption chain
//! (`protocol-map.md` §2.4, §2.6).

use crate::versions::BLOCK_SIZE;
use simplex_crypto::pad::{pad, unpad};
use simplex_crypto::sbchain::ChainKey;
use simplex_crypto::sbox;
use thiserror::Error;

/// Block errors.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BlockError {
    /// The content does not fit in a block.
    #[error("content too large for a block")]
    TooLarge,
    /// The block is not the right size, has bad padding, or failed to decrypt.
    #[error("bad block")]
    Bad,
}

/// Makes a wire block from a content: padded to 16384 bytes, or, with a chain key,
/// padded to 16368 and encrypted (16-byte tag first).
pub fn seal(content: &[u8], send_key: Option<&mut ChainKey>) -> Result<Vec<u8>, BlockError> {
    match send_key {
        None => pad(content, BLOCK_SIZE).map_err(|_| BlockError::TooLarge),
        Some(ck) => {
            let (key, nonce) = ck.next();
            sbox::sb_encrypt(&key, &nonce, content, BLOCK_SIZE - 16)
                .map_err(|_| BlockError::TooLarge)
        }
    }
}

/// Recovers a block's content. The chain key advances even when decryption fails,
/// as in the reference.
pub fn open(block: &[u8], recv_key: Option<&mut ChainKey>) -> Result<Vec<u8>, BlockError> {
    if block.len() != BLOCK_SIZE {
        return Err(BlockError::Bad);
    }
    match recv_key {
        None => unpad(block)
            .map(<[u8]>::to_vec)
            .map_err(|_| BlockError::Bad),
        Some(ck) => {
            let (key, nonce) = ck.next();
            sbox::sb_decrypt(&key, &nonce, block).map_err(|_| BlockError::Bad)
        }
    }
}
