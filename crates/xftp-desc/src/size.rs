//! Sizes as the reference writes them in descriptions (`FileSize` text): `<n>kb`, `<n>mb`,
//! `<n>gb` when exact, else plain bytes; and the size constants.

use crate::error::{Result, field};

/// 1024 × `n`.
pub const fn kb(n: u64) -> u64 {
    1024 * n
}

/// 1024² × `n`.
pub const fn mb(n: u64) -> u64 {
    1024 * kb(n)
}

/// 1024³ × `n`.
pub const fn gb(n: u64) -> u64 {
    1024 * mb(n)
}

/// Soft limit the reference's clients report to the user (1 GB).
pub const MAX_FILE_SIZE: u64 = gb(1);

/// Hard limit after which chunks are not prepared (5 GB).
pub const MAX_FILE_SIZE_HARD: u64 = gb(5);

/// Writes `n` as `<n>gb`, `<n>mb`, `<n>kb` or plain bytes, whichever is exact and
/// largest (zero is `0gb`, as in the reference).
pub fn size_to_string(n: u64) -> String {
    if !n.is_multiple_of(1024) {
        return n.to_string();
    }
    let k = n / 1024;
    if !k.is_multiple_of(1024) {
        return format!("{k}kb");
    }
    let m = k / 1024;
    if !m.is_multiple_of(1024) {
        return format!("{m}mb");
    }
    format!("{}gb", m / 1024)
}

/// Parses the form written by [`size_to_string`] (any of the units, or plain bytes).
pub fn parse_size(s: &str) -> Result<u64> {
    let bad = || field("size", "expected <n>, <n>kb, <n>mb or <n>gb");
    let (digits, mult) = if let Some(d) = s.strip_suffix("gb") {
        (d, gb(1))
    } else if let Some(d) = s.strip_suffix("mb") {
        (d, mb(1))
    } else if let Some(d) = s.strip_suffix("kb") {
        (d, kb(1))
    } else {
        (s, 1)
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let n: u64 = digits.parse().map_err(|_| bad())?;
    n.checked_mul(mult)
        .filter(|v| i64::try_from(*v).is_ok())
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn units() {
        // FileSize strEncode (Description.hs): largest exact unit, else bytes.
        assert_eq!(size_to_string(mb(26)), "26mb");
        assert_eq!(size_to_string(kb(64)), "64kb");
        assert_eq!(size_to_string(gb(2)), "2gb");
        assert_eq!(size_to_string(1000), "1000");
        assert_eq!(size_to_string(0), "0gb");
        assert_eq!(size_to_string(kb(1025)), "1025kb");
        assert_eq!(parse_size("8mb").unwrap(), mb(8));
        assert_eq!(parse_size("1025kb").unwrap(), kb(1025));
        assert_eq!(parse_size("17").unwrap(), 17);
        assert!(parse_size("mb").is_err());
        assert!(parse_size("-1").is_err());
        assert!(parse_size("1 kb").is_err());
        assert!(parse_size("99999999999999gb").is_err());
    }
}
