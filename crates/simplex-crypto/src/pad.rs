//! Length-prefixed padding (`pad`/`unPad` of the reference `Crypto.hs`).
//!
//! `pad(m, L) = w16_be(len m) ‖ m ‖ '#' × (L − 2 − len m)`.

use crate::error::{CryptoError, Result};

/// Largest message that can be padded: 2^16 − 3 bytes.
pub const MAX_PADDED_MSG_LEN: usize = 65533;

/// The filler byte written after the message.
pub const PAD_BYTE: u8 = b'#';

/// Pads `msg` to exactly `padded_len` bytes.
///
/// Fails with [`CryptoError::MessageTooLarge`] when `msg.len() > padded_len - 2` or
/// `msg.len() > 65533`.
pub fn pad(msg: &[u8], padded_len: usize) -> Result<Vec<u8>> {
    let len = msg.len();
    let fits = padded_len.checked_sub(2).is_some_and(|room| len <= room);
    if len > MAX_PADDED_MSG_LEN || !fits {
        return Err(CryptoError::MessageTooLarge);
    }
    let mut out = Vec::with_capacity(padded_len);
    pad_into(msg, padded_len, &mut out)?;
    Ok(out)
}

/// Appends `pad(msg, padded_len)` to `out` (so that a box can be built in one buffer).
pub(crate) fn pad_into(msg: &[u8], padded_len: usize, out: &mut Vec<u8>) -> Result<()> {
    let len = msg.len();
    let fits = padded_len.checked_sub(2).is_some_and(|room| len <= room);
    if len > MAX_PADDED_MSG_LEN || !fits {
        return Err(CryptoError::MessageTooLarge);
    }
    let prefix = u16::try_from(len).map_err(|_| CryptoError::MessageTooLarge)?;
    let start = out.len();
    out.extend_from_slice(&prefix.to_be_bytes());
    out.extend_from_slice(msg);
    out.resize(start + padded_len, PAD_BYTE);
    Ok(())
}

/// Removes the padding added by [`pad`], returning the message.
///
/// Like the reference, the filler bytes are not checked; only that the length prefix
/// fits in the input.
pub fn unpad(padded: &[u8]) -> Result<&[u8]> {
    let (prefix, rest) = padded
        .split_first_chunk::<2>()
        .ok_or(CryptoError::Padding)?;
    let len = usize::from(u16::from_be_bytes(*prefix));
    rest.get(..len).ok_or(CryptoError::Padding)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    // Literals from tests/CoreTests/CryptoTests.hs ("pad should fail on large string",
    // "unpad should fail on invalid string", "unpad should fail on shorter string").
    #[test]
    fn reference_pad_literals() {
        assert_eq!(pad(b"abc", 5).unwrap(), b"\x00\x03abc");
        assert_eq!(pad(b"abc", 4), Err(CryptoError::MessageTooLarge));
        let s = vec![b'a'; 65533];
        let padded = pad(&s, 65535).unwrap();
        assert_eq!(unpad(&padded).unwrap(), &s[..]);
        assert_eq!(
            pad(&[b'a'; 65534], 65536),
            Err(CryptoError::MessageTooLarge)
        );
        assert_eq!(
            pad(&[b'a'; 65535], 65537),
            Err(CryptoError::MessageTooLarge)
        );
    }

    #[test]
    fn reference_unpad_literals() {
        assert_eq!(unpad(b"\x00\x00").unwrap(), b"");
        assert_eq!(unpad(b"\x00"), Err(CryptoError::Padding));
        assert_eq!(unpad(b""), Err(CryptoError::Padding));
        assert_eq!(unpad(b"\x00\x03abc").unwrap(), b"abc");
        assert_eq!(unpad(b"\x00\x03ab"), Err(CryptoError::Padding));
    }

    #[test]
    fn pads_with_hash_signs() {
        assert_eq!(pad(b"hi", 8).unwrap(), b"\x00\x02hi####");
        assert_eq!(pad(b"", 2).unwrap(), b"\x00\x00");
        assert_eq!(pad(b"", 1), Err(CryptoError::MessageTooLarge));
        assert_eq!(pad(b"", 0), Err(CryptoError::MessageTooLarge));
    }
}
