//! HKDF-SHA512, the only KDF of the SimpleX protocols (the reference's `hkdf`).

use hkdf::Hkdf;
use sha2::Sha512;
use zeroize::Zeroizing;

use crate::error::{CryptoError, Result};

/// Longest output HKDF-SHA512 can produce: 255 blocks of 64 bytes.
pub const HKDF_SHA512_MAX_LEN: usize = 255 * 64;

/// Fills `out` with HKDF-SHA512(salt, ikm, info).
///
/// An empty `salt` is the same as no salt (both mean 64 zero bytes, per RFC 5869).
pub fn hkdf_sha512(salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8]) -> Result<()> {
    Hkdf::<Sha512>::new(Some(salt), ikm)
        .expand(info, out)
        .map_err(|_| CryptoError::KdfLength)
}

/// HKDF-SHA512 into a fixed-size array; the length is checked at compile time, so this
/// cannot fail. The output is wiped when dropped.
pub fn hkdf_sha512_array<const N: usize>(
    salt: &[u8],
    ikm: &[u8],
    info: &[u8],
) -> Zeroizing<[u8; N]> {
    const { assert!(N <= HKDF_SHA512_MAX_LEN, "HKDF-SHA512 output too long") };
    let mut out = Zeroizing::new([0u8; N]);
    // The only error `expand` reports is an output longer than HKDF_SHA512_MAX_LEN,
    // which the assertion above rules out at compile time.
    let _ = Hkdf::<Sha512>::new(Some(salt), ikm).expand(info, out.as_mut());
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(char::is_ascii_hexdigit).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    // RFC 5869 test case 1 inputs, hashed with SHA-512; expected value computed with
    // OpenSSL 3.0 `openssl kdf -kdfopt digest:SHA512 ... HKDF`.
    #[test]
    fn matches_openssl() {
        let ikm = [0x0b; 22];
        let salt = unhex("000102030405060708090a0b0c");
        let info = unhex("f0f1f2f3f4f5f6f7f8f9");
        let expected = unhex(
            "832390086CDA71FB47625BB5CEB168E4C8E26A1A16ED34D9FC7FE92C14815793\
             38DA362CB8D9F925D7CBCCE0DFF7098769CF15959867D571C1715450CB530137",
        );
        let mut out = [0u8; 64];
        hkdf_sha512(&salt, &ikm, &info, &mut out).unwrap();
        assert_eq!(out.to_vec(), expected);
        let arr = hkdf_sha512_array::<64>(&salt, &ikm, &info);
        assert_eq!(arr.to_vec(), expected);
    }

    #[test]
    fn rejects_too_long_output() {
        let mut out = vec![0u8; HKDF_SHA512_MAX_LEN + 1];
        assert_eq!(
            hkdf_sha512(b"", b"k", b"", &mut out),
            Err(CryptoError::KdfLength)
        );
        let mut out = vec![0u8; HKDF_SHA512_MAX_LEN];
        assert!(hkdf_sha512(b"", b"k", b"", &mut out).is_ok());
    }
}
