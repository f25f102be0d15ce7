//! Protocol versions, version ranges and their negotiation (reference `Version.hs`).

use crate::error::DecodeError;
use crate::reader::Reader;
use crate::traits::{Decode, Encode};
use std::fmt;

/// A protocol version number (encoded as a big-endian `u16`).
pub type Version = u16;

/// An inclusive range of versions with `min <= max` (encoded as two `u16`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct VersionRange {
    min: Version,
    max: Version,
}

impl VersionRange {
    /// Builds a range, or `None` when `min > max`.
    pub const fn new(min: Version, max: Version) -> Option<Self> {
        if min <= max {
            Some(VersionRange { min, max })
        } else {
            None
        }
    }

    /// A range that holds one version.
    pub const fn single(v: Version) -> Self {
        VersionRange { min: v, max: v }
    }

    /// The lowest version in the range.
    pub const fn min(&self) -> Version {
        self.min
    }

    /// The highest version in the range.
    pub const fn max(&self) -> Version {
        self.max
    }

    /// True when `v` lies in the range.
    pub const fn contains(&self, v: Version) -> bool {
        self.min <= v && v <= self.max
    }

    /// The intersection of two ranges, or `None` when they do not overlap.
    pub fn intersect(&self, other: &VersionRange) -> Option<VersionRange> {
        VersionRange::new(self.min.max(other.min), self.max.min(other.max))
    }

    /// The version two peers agree on: the highest one both support.
    pub fn negotiate(&self, other: &VersionRange) -> Option<Version> {
        self.intersect(other).map(|r| r.max)
    }

    /// Parses the text form: `"a"` or `"a-b"`.
    pub fn parse_str(s: &str) -> Result<Self, DecodeError> {
        let num = |t: &str| {
            t.parse::<Version>()
                .map_err(|_| DecodeError::Invalid("version is not a number"))
        };
        let (a, b) = match s.split_once('-') {
            Some((a, b)) => (num(a)?, num(b)?),
            None => {
                let a = num(s)?;
                (a, a)
            }
        };
        VersionRange::new(a, b).ok_or(DecodeError::Invalid("version range min > max"))
    }
}

impl fmt::Display for VersionRange {
    /// The text form used in URIs: `"a"` when min == max, else `"a-b"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min == self.max {
            write!(f, "{}", self.min)
        } else {
            write!(f, "{}-{}", self.min, self.max)
        }
    }
}

impl fmt::Debug for VersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VersionRange({}-{})", self.min, self.max)
    }
}

impl Encode for VersionRange {
    fn encode(&self, out: &mut Vec<u8>) {
        self.min.encode(out);
        self.max.encode(out);
    }
}

impl Decode for VersionRange {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let (min, max) = (r.u16()?, r.u16()?);
        VersionRange::new(min, max).ok_or(DecodeError::Invalid("version range min > max"))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn vr(a: u16, b: u16) -> VersionRange {
        VersionRange::new(a, b).unwrap()
    }

    /// Rules of tests/CoreTests/VersionRangeTests.hs: the agreed version is the
    /// maximum of the intersection; disjoint ranges do not agree.
    #[test]
    fn negotiation() {
        assert_eq!(vr(1, 3).negotiate(&vr(2, 5)), Some(3));
        assert_eq!(vr(6, 18).negotiate(&vr(8, 17)), Some(17));
        assert_eq!(vr(1, 2).negotiate(&vr(3, 4)), None);
        assert_eq!(vr(3, 3).negotiate(&vr(3, 4)), Some(3));
    }

    #[test]
    fn text_and_binary_forms() {
        assert_eq!(vr(1, 4).to_string(), "1-4");
        assert_eq!(vr(2, 2).to_string(), "2");
        assert_eq!(VersionRange::parse_str("2-7").unwrap(), vr(2, 7));
        assert_eq!(VersionRange::parse_str("3").unwrap(), vr(3, 3));
        assert!(VersionRange::parse_str("5-2").is_err());
        assert!(VersionRange::parse_str("x").is_err());
        assert_eq!(vr(6, 18).to_bytes(), [0, 6, 0, 18]);
        assert!(VersionRange::from_bytes(&[0, 9, 0, 8]).is_err());
    }
}
