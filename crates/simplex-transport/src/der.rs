//! Minimal DER reading and writing for the few structures this crate handles itself
//! (the signed session key). Only single-byte tags and definite lengths up to 4 length
//! bytes are supported; non-minimal length encodings are rejected, as DER requires.

use crate::error::{Error, Result};

/// DER tag of a constructed SEQUENCE.
pub(crate) const TAG_SEQUENCE: u8 = 0x30;
/// DER tag of a BIT STRING.
pub(crate) const TAG_BIT_STRING: u8 = 0x03;

/// One decoded TLV: its tag, its content and the whole encoding (header + content).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tlv<'a> {
    /// The identifier octet.
    pub tag: u8,
    /// The content octets.
    pub content: &'a [u8],
    /// Header and content together, exactly as they appeared in the input.
    pub raw: &'a [u8],
}

/// Reads one TLV from the front of `input`, returning it and the bytes after it.
pub(crate) fn read_tlv(input: &[u8]) -> Result<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = input
        .split_first()
        .ok_or(Error::Der("unexpected end of input"))?;
    if tag & 0x1f == 0x1f {
        return Err(Error::Der("multi-byte tags are not supported"));
    }
    let (&first, rest) = rest.split_first().ok_or(Error::Der("missing length"))?;
    let (len, rest) = read_length(first, rest)?;
    if rest.len() < len {
        return Err(Error::Der("length exceeds input"));
    }
    let header_len = input.len() - rest.len();
    let (content, after) = rest.split_at(len);
    let raw = input
        .get(..header_len + len)
        .ok_or(Error::Der("length exceeds input"))?;
    Ok((Tlv { tag, content, raw }, after))
}

/// Reads exactly one TLV with the given tag, rejecting trailing bytes.
pub(crate) fn read_single(input: &[u8], tag: u8) -> Result<Tlv<'_>> {
    let (tlv, rest) = read_tlv(input)?;
    if tlv.tag != tag {
        return Err(Error::Der("unexpected tag"));
    }
    if !rest.is_empty() {
        return Err(Error::Der("trailing bytes"));
    }
    Ok(tlv)
}

/// Reads one TLV with the given tag from the front of `input`.
pub(crate) fn expect_tlv(input: &[u8], tag: u8) -> Result<(Tlv<'_>, &[u8])> {
    let (tlv, rest) = read_tlv(input)?;
    if tlv.tag != tag {
        return Err(Error::Der("unexpected tag"));
    }
    Ok((tlv, rest))
}

fn read_length(first: u8, rest: &[u8]) -> Result<(usize, &[u8])> {
    if first < 0x80 {
        return Ok((usize::from(first), rest));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 {
        return Err(Error::Der("indefinite length"));
    }
    if n > 4 {
        return Err(Error::Der("length too large"));
    }
    let bytes = rest.get(..n).ok_or(Error::Der("truncated length"))?;
    if bytes.first() == Some(&0) {
        return Err(Error::Der("non-minimal length"));
    }
    let len = bytes
        .iter()
        .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
    if len < 0x80 {
        return Err(Error::Der("non-minimal length"));
    }
    Ok((len, rest.get(n..).unwrap_or_default()))
}

/// Encodes a TLV with a definite, minimal length.
pub(crate) fn encode_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = Vec::with_capacity(len + 6);
    out.push(tag);
    if len < 0x80 {
        // The guard makes the narrowing exact.
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(content);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_short_and_long_lengths() {
        for len in [0usize, 1, 127, 128, 255, 256, 70_000] {
            let content = vec![7u8; len];
            let enc = encode_tlv(TAG_SEQUENCE, &content);
            let tlv = read_single(&enc, TAG_SEQUENCE).unwrap();
            assert_eq!(tlv.content, &content[..]);
            assert_eq!(tlv.raw, &enc[..]);
        }
    }

    #[test]
    fn encodes_lengths_minimally() {
        assert_eq!(encode_tlv(0x04, &[0u8; 5])[..2], [0x04, 5]);
        assert_eq!(encode_tlv(0x04, &[0u8; 200])[..3], [0x04, 0x81, 200]);
        assert_eq!(encode_tlv(0x04, &[0u8; 300])[..4], [0x04, 0x82, 0x01, 0x2c]);
    }

    #[test]
    fn rejects_bad_encodings() {
        let bad: &[&[u8]] = &[
            &[],
            &[0x30],
            &[0x30, 0x80, 0x00, 0x00],          // indefinite
            &[0x30, 0x81, 0x05, 1, 2, 3, 4, 5], // non-minimal (5 < 128)
            &[0x30, 0x82, 0x00, 0x80],          // leading zero length byte
            &[0x30, 0x85, 1, 1, 1, 1, 1],       // 5 length bytes
            &[0x30, 0x03, 1, 2],                // short content
            &[0x1f, 0x01, 0x00],                // multi-byte tag
            &[0x30, 0x00, 0x00],                // trailing byte
            &[0x31, 0x00],                      // wrong tag
        ];
        for input in bad {
            assert!(read_single(input, TAG_SEQUENCE).is_err(), "{input:?}");
        }
    }
}
