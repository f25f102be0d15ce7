//! Sizes as the reference writes them in `storage_quota` (`FileSize`): `<n>gb`, `<n>mb`,
//! `<n>kb` or plain bytes, the largest exact unit when encoding.

const UNITS: [(&str, u64); 3] = [("gb", 1 << 30), ("mb", 1 << 20), ("kb", 1 << 10)];

/// Parses `100gb`, `512mb`, `64kb` or `12345`.
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    for (suffix, mult) in UNITS {
        if let Some(n) = s.strip_suffix(suffix) {
            return n.parse::<u64>().ok()?.checked_mul(mult);
        }
    }
    s.parse().ok()
}

/// Writes a size with the largest unit that divides it (bytes otherwise).
pub fn size_text(b: u64) -> String {
    match UNITS.iter().find(|(_, m)| b > 0 && b.is_multiple_of(*m)) {
        Some((suffix, m)) => format!("{}{suffix}", b / m),
        None if b == 0 => "0gb".to_owned(),
        None => b.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Forms of `FileSize`'s `strEncode` (FileTransfer/Description.hs).
    #[test]
    fn reference_forms() {
        assert_eq!(parse_size("100gb"), Some(100 << 30));
        assert_eq!(parse_size("3mb"), Some(3 << 20));
        assert_eq!(parse_size("64kb"), Some(65536));
        assert_eq!(parse_size("1000"), Some(1000));
        assert_eq!(parse_size("x1gb"), None);
        assert_eq!(parse_size("99999999999gb"), None);
        assert_eq!(size_text(100 << 30), "100gb");
        assert_eq!(size_text(1536 << 10), "1536kb");
        assert_eq!(size_text(1000), "1000");
        assert_eq!(size_text(0), "0gb");
        for b in [1u64, 1024, 5 << 20, 7 << 30, 123_456_789] {
            assert_eq!(parse_size(&size_text(b)), Some(b));
        }
    }
}
