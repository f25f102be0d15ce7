//! The `Encode`/`Decode` traits and their impls for primitive types.

use crate::error::DecodeError;
use crate::reader::Reader;
use crate::writer;

/// A value with a binary wire form (the reference's `smpEncode`).
pub trait Encode {
    /// Appends the wire form to `out`.
    fn encode(&self, out: &mut Vec<u8>);

    /// The wire form as a new vector.
    fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.encode(&mut v);
        v
    }
}

/// A value that can be read from its binary wire form (the reference's `smpP`).
pub trait Decode: Sized {
    /// Reads one value from the cursor.
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError>;

    /// Decodes a whole byte string, rejecting trailing bytes.
    fn from_bytes(b: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(b);
        let v = Self::decode(&mut r)?;
        r.finish()?;
        Ok(v)
    }
}

impl Encode for bool {
    fn encode(&self, out: &mut Vec<u8>) {
        writer::put_bool(out, *self);
    }
}

impl Decode for bool {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.bool()
    }
}

impl Encode for u8 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(*self);
    }
}

impl Decode for u8 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.u8()
    }
}

impl Encode for u16 {
    fn encode(&self, out: &mut Vec<u8>) {
        writer::put_u16(out, *self);
    }
}

impl Decode for u16 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.u16()
    }
}

impl Encode for u32 {
    fn encode(&self, out: &mut Vec<u8>) {
        writer::put_u32(out, *self);
    }
}

impl Decode for u32 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.u32()
    }
}

impl Encode for i64 {
    fn encode(&self, out: &mut Vec<u8>) {
        writer::put_i64(out, *self);
    }
}

impl Decode for i64 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.i64()
    }
}

impl<const N: usize> Encode for [u8; N] {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
}

impl<const N: usize> Decode for [u8; N] {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.array()
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        writer::put_maybe(out, self.as_ref(), |o, x| x.encode(o));
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.maybe(T::decode)
    }
}

impl<A: Encode, B: Encode> Encode for (A, B) {
    fn encode(&self, out: &mut Vec<u8>) {
        self.0.encode(out);
        self.1.encode(out);
    }
}

impl<A: Decode, B: Decode> Decode for (A, B) {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok((A::decode(r)?, B::decode(r)?))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    /// tests/CoreTests/EncodingTests.hs "should encode and decode Int64 example".
    #[test]
    fn int64_vector() {
        let v: i64 = 1234567890123456789;
        let b = v.to_bytes();
        assert_eq!(b, [17, 34, 16, 244, 125, 233, 129, 21]);
        assert_eq!(i64::from_bytes(&b).unwrap(), v);
    }

    /// tests/CoreTests/EncodingTests.hs "should encode and decode SystemTime":
    /// 2022-01-01T10:24:05Z is 1641032645 seconds, encoded as an Int64.
    #[test]
    fn system_time_vector() {
        let b = 1641032645i64.to_bytes();
        assert_eq!(b, [0, 0, 0, 0, 0x61, 0xd0, 0x2b, 0xc5]);
    }

    #[test]
    fn maybe_and_bool() {
        assert_eq!(Some(true).to_bytes(), b"1T");
        assert_eq!(None::<bool>.to_bytes(), b"0");
        assert_eq!(Option::<bool>::from_bytes(b"1F").unwrap(), Some(false));
        assert!(Option::<bool>::from_bytes(b"2").is_err());
        assert!(bool::from_bytes(b"TT").is_err());
    }

    proptest::proptest! {
        #[test]
        fn prop_round_trip(a: i64, b: u16, c: Option<u32>, d: [u8; 5]) {
            let v = ((a, b), (c, d));
            let bytes = v.to_bytes();
            proptest::prop_assert_eq!(<((i64, u16), (Option<u32>, [u8; 5]))>::from_bytes(&bytes).unwrap(), v);
        }

        #[test]
        fn prop_decoders_never_panic(bytes: Vec<u8>) {
            let _ = <(Option<i64>, crate::Short)>::from_bytes(&bytes);
            let _ = crate::Large::from_bytes(&bytes);
            let _ = crate::VersionRange::from_bytes(&bytes);
        }
    }
}
