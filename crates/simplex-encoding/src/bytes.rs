//! Byte strings whose length is bounded by their wire prefix.

use crate::error::DecodeError;
use crate::reader::Reader;
use crate::traits::{Decode, Encode};
use crate::writer::{put_large, put_short};

/// A byte string of at most 255 bytes, encoded with a 1-byte length (`short`).
#[derive(Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Short(Vec<u8>);

/// A byte string of at most 65535 bytes, encoded with a 2-byte length (`large`).
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Large(Vec<u8>);

macro_rules! bounded {
    ($t:ident, $limit:expr, $put:ident, $get:ident) => {
        impl $t {
            /// The largest length this type holds.
            pub const LIMIT: usize = $limit;

            /// Wraps `v`, failing when it is longer than [`Self::LIMIT`].
            pub fn new(v: Vec<u8>) -> Result<Self, DecodeError> {
                if v.len() > Self::LIMIT {
                    Err(DecodeError::TooLong {
                        len: v.len(),
                        limit: Self::LIMIT,
                    })
                } else {
                    Ok($t(v))
                }
            }

            /// Copies `v`, failing when it is longer than [`Self::LIMIT`].
            pub fn from_slice(v: &[u8]) -> Result<Self, DecodeError> {
                Self::new(v.to_vec())
            }

            /// The bytes.
            pub fn as_slice(&self) -> &[u8] {
                &self.0
            }

            /// Unwraps the bytes.
            pub fn into_vec(self) -> Vec<u8> {
                self.0
            }

            /// Length in bytes.
            pub fn len(&self) -> usize {
                self.0.len()
            }

            /// True when empty.
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl Encode for $t {
            fn encode(&self, out: &mut Vec<u8>) {
                $put(out, &self.0);
            }
        }

        impl Decode for $t {
            fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
                Ok($t(r.$get()?.to_vec()))
            }
        }

        impl AsRef<[u8]> for $t {
            fn as_ref(&self) -> &[u8] {
                &self.0
            }
        }

        impl TryFrom<Vec<u8>> for $t {
            type Error = DecodeError;
            fn try_from(v: Vec<u8>) -> Result<Self, DecodeError> {
                Self::new(v)
            }
        }

        impl TryFrom<&[u8]> for $t {
            type Error = DecodeError;
            fn try_from(v: &[u8]) -> Result<Self, DecodeError> {
                Self::from_slice(v)
            }
        }

        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({} bytes)", stringify!($t), self.0.len())
            }
        }
    };
}

bounded!(Short, 255, put_short, short);
bounded!(Large, 65535, put_large, large);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn short_rejects_256_bytes() {
        assert!(Short::new(vec![0; 255]).is_ok());
        assert_eq!(
            Short::new(vec![0; 256]),
            Err(DecodeError::TooLong {
                len: 256,
                limit: 255
            })
        );
    }

    #[test]
    fn large_round_trip() {
        let l = Large::new(vec![7; 300]).unwrap();
        let b = l.to_bytes();
        assert_eq!(&b[..2], &[1, 44]);
        assert_eq!(Large::from_bytes(&b).unwrap(), l);
    }

    #[test]
    fn short_length_beyond_input_is_eof() {
        assert_eq!(
            Short::from_bytes(&[5, 1, 2]),
            Err(DecodeError::Eof { needed: 3 })
        );
    }
}
