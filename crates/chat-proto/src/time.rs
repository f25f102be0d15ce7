//! UTC timestamps in the text form Aeson uses for `UTCTime`.
//!
//! Written as `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, where the fraction has up to 12 digits
//! (picoseconds) with trailing zeros dropped and is left out when zero. Read with either
//! `T`, `t` or a space between date and time and with `Z`/`z` or a `±HH[:MM]` offset.

use crate::error::ChatProtoError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

const PICOS_PER_SEC: u64 = 1_000_000_000_000;

/// A point in time: whole seconds since the Unix epoch plus picoseconds.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct UtcTime {
    secs: i64,
    picos: u64,
}

impl UtcTime {
    /// A time from seconds and nanoseconds since the epoch (`nanos` below 10⁹).
    pub fn from_unix(secs: i64, nanos: u32) -> Option<Self> {
        (nanos < 1_000_000_000).then_some(UtcTime {
            secs,
            picos: u64::from(nanos) * 1000,
        })
    }

    /// Whole seconds since the epoch (the binary `SystemTime` form keeps only these).
    pub fn unix_secs(&self) -> i64 {
        self.secs
    }

    /// The sub-second part in picoseconds.
    pub fn picos(&self) -> u64 {
        self.picos
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Result<Self, ChatProtoError> {
        parse_time(s.as_bytes()).ok_or(ChatProtoError::Invalid("UTC time"))
    }
}

impl fmt::Display for UtcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.secs.div_euclid(86_400);
        let sod = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            sod / 3600,
            sod / 60 % 60,
            sod % 60
        )?;
        if self.picos > 0 {
            let digits = format!("{:012}", self.picos);
            write!(f, ".{}", digits.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

impl Serialize for UtcTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for UtcTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        UtcTime::parse(&s).map_err(serde::de::Error::custom)
    }
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<i64> {
    let part = b.get(at..at + n)?;
    part.iter().try_fold(0i64, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

fn parse_time(b: &[u8]) -> Option<UtcTime> {
    let year = digits(b, 0, 4)?;
    let (month, day) = (digits(b, 5, 2)?, digits(b, 8, 2)?);
    let seps = (b.get(4)?, b.get(7)?, b.get(10)?, b.get(13)?, b.get(16)?);
    if seps.0 != &b'-' || seps.1 != &b'-' || seps.3 != &b':' || seps.4 != &b':' {
        return None;
    }
    if !matches!(seps.2, b'T' | b't' | b' ') {
        return None;
    }
    let (h, mi, s) = (digits(b, 11, 2)?, digits(b, 14, 2)?, digits(b, 17, 2)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let (picos, rest) = parse_fraction(&b[19..])?;
    let offset = parse_offset(rest)?;
    let secs = days_from_civil(year, month, day) * 86_400 + h * 3600 + mi * 60 + s - offset;
    // keep to years 0000-9999 after the offset, so that the time prints in the same form
    let range = days_from_civil(0, 1, 1) * 86_400..days_from_civil(10_000, 1, 1) * 86_400;
    range.contains(&secs).then_some(UtcTime { secs, picos })
}

fn parse_fraction(b: &[u8]) -> Option<(u64, &[u8])> {
    let Some(rest) = b.strip_prefix(b".") else {
        return Some((0, b));
    };
    let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 {
        return None;
    }
    let mut picos = 0u64;
    let mut scale = PICOS_PER_SEC;
    for c in &rest[..n] {
        scale /= 10;
        picos += u64::from(c - b'0') * scale;
    }
    Some((picos, &rest[n..]))
}

fn parse_offset(b: &[u8]) -> Option<i64> {
    match b {
        b"Z" | b"z" => Some(0),
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let h = digits(rest, 0, 2)?;
            let m = match rest.len() {
                2 => 0,
                4 => digits(rest, 2, 2)?,
                5 if rest[2] == b':' => digits(rest, 3, 2)?,
                _ => return None,
            };
            let off = h * 3600 + m * 60;
            Some(if *sign == b'-' { -off } else { off })
        }
        _ => None,
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    /// `systemToUTCTime (MkSystemTime 1 1)` of tests/ProtocolTests.hs is written as
    /// "1970-01-01T00:00:01.000000001Z" in its vectors.
    #[test]
    fn reference_vector() {
        let t = UtcTime::from_unix(1, 1).unwrap();
        assert_eq!(t.to_string(), "1970-01-01T00:00:01.000000001Z");
        assert_eq!(UtcTime::parse("1970-01-01T00:00:01.000000001Z").unwrap(), t);
    }

    #[test]
    fn fraction_trimmed_offsets_applied() {
        let t = UtcTime::parse("2024-02-29T23:59:59.5+01:00").unwrap();
        assert_eq!(t.to_string(), "2024-02-29T22:59:59.5Z");
        assert_eq!(
            UtcTime::parse("2022-01-01T10:24:05Z").unwrap().unix_secs(),
            1_641_032_645
        );
        assert!(UtcTime::parse("2023-02-29T00:00:00Z").is_err());
        assert!(UtcTime::parse("2023-01-01T00:00:00").is_err());
        assert!(UtcTime::parse("2023-01-01T00:00:00.Z").is_err());
        assert!(UtcTime::parse("9999-12-31T23:59:59-01:00").is_err());
        assert!(UtcTime::parse("0000-01-01T00:00:00+01:00").is_err());
        assert_eq!(
            UtcTime::parse("2016-12-31T23:59:60Z").unwrap().to_string(),
            "2017-01-01T00:00:00Z"
        );
    }
}
