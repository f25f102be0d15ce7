//! The 24-byte nonce of `crypto_box` / secretbox (the reference's `CbNonce`).

use rand_core::CryptoRng;

/// A 24-byte XSalsa20 nonce.
pub type CbNonce = [u8; 24];

/// Length of a [`CbNonce`].
pub const NONCE_LEN: usize = 24;

/// The reference's `cbNonce`: takes the first 24 bytes, or right-pads with zeros.
/// Used to turn a correlation id (24 bytes, or empty in XFTP) into a nonce.
pub fn cb_nonce(bytes: &[u8]) -> CbNonce {
    let mut nonce = [0u8; NONCE_LEN];
    let n = bytes.len().min(NONCE_LEN);
    nonce[..n].copy_from_slice(&bytes[..n]);
    nonce
}

/// The nonce with its bytes in reverse order (the reference's `reverseNonce`, used for
/// proxy responses).
pub fn reverse_nonce(nonce: &CbNonce) -> CbNonce {
    let mut out = *nonce;
    out.reverse();
    out
}

/// A fresh random nonce from `rng`.
pub fn random_nonce<R: CryptoRng + ?Sized>(rng: &mut R) -> CbNonce {
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill_bytes(&mut nonce);
    nonce
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cb_nonce_pads_and_truncates() {
        assert_eq!(cb_nonce(b""), [0u8; 24]);
        let mut expected = [0u8; 24];
        expected[..3].copy_from_slice(b"abc");
        assert_eq!(cb_nonce(b"abc"), expected);
        let long: Vec<u8> = (0u8..30).collect();
        assert_eq!(cb_nonce(&long).to_vec(), long[..24].to_vec());
    }

    #[test]
    fn reverse_reverses() {
        let n: CbNonce = core::array::from_fn(|i| i as u8);
        let r = reverse_nonce(&n);
        assert_eq!(r[0], 23);
        assert_eq!(r[23], 0);
        assert_eq!(reverse_nonce(&r), n);
    }
}
