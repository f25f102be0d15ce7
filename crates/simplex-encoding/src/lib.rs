//! Binary and text encodings shared by every SimpleX protocol layer.
//!
//! This crate owns the primitive wire forms of the reference implementation's
//! `smpEncode`/`strEncode` (see `protocol-map.md` §4): big-endian integers, `'T'`/`'F'`
//! booleans, `'0'`/`'1'` optionals, 1-byte (`short`) and 2-byte (`large`) length-prefixed
//! byte strings, counted lists, version ranges and padded base64url text.
//!
//! It is pure: it depends on nothing but `std`, `thiserror` and `base64`, does no IO and
//! never panics on input. Decoders reject trailing bytes (via [`Decode::from_bytes`]) and
//! lengths that exceed the input.
#![warn(missing_docs)]

pub mod base64url;
pub mod bytes;
pub mod error;
pub mod reader;
pub mod traits;
pub mod version;
pub mod writer;

pub use bytes::{Large, Short};
pub use error::DecodeError;
pub use reader::Reader;
pub use traits::{Decode, Encode};
pub use version::{Version, VersionRange};
