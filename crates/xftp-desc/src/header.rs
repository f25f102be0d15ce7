//! The header at the start of an encrypted file (`FileHeader`): the file name and an
//! optional extension field, `short(utf8 name) ‖ maybe(short(utf8 extra))`.

use simplex_encoding::Reader;
use simplex_encoding::writer::{put_maybe, put_short};

use crate::error::{DescError, Result, field};

/// The longest header the reference reads (it parses the header from the first 1024 bytes).
pub const MAX_HEADER_LEN: usize = 1024;

/// File name and extension data carried inside the encrypted file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FileHeader {
    /// The file name as the sender had it (no directories).
    pub file_name: String,
    /// Reserved for future extensions.
    pub file_extra: Option<String>,
}

impl FileHeader {
    /// A header with just a file name.
    pub fn new(file_name: &str) -> Self {
        Self {
            file_name: file_name.to_owned(),
            file_extra: None,
        }
    }

    /// The binary form; names or extras over 255 bytes are refused.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let too_long = |s: &str| s.len() > 255;
        if too_long(&self.file_name) || self.file_extra.as_deref().is_some_and(too_long) {
            return Err(field("file header", "name or extra longer than 255 bytes"));
        }
        let mut out = Vec::new();
        put_short(&mut out, self.file_name.as_bytes());
        put_maybe(&mut out, self.file_extra.as_ref(), |o, e| {
            put_short(o, e.as_bytes())
        });
        Ok(out)
    }

    /// Parses a header at the start of `b`, returning it and its encoded length.
    /// Invalid UTF-8 is replaced, as the reference's `safeDecodeUtf8` does.
    pub fn decode_prefix(b: &[u8]) -> Result<(Self, usize)> {
        let mut r = Reader::new(b);
        let bad = |_| DescError::InvalidHeader("incomplete or malformed");
        let name = String::from_utf8_lossy(r.short().map_err(bad)?).into_owned();
        let extra = r
            .maybe(|r| r.short().map(|e| String::from_utf8_lossy(e).into_owned()))
            .map_err(bad)?;
        let used = b.len() - r.remaining();
        Ok((
            Self {
                file_name: name,
                file_extra: extra,
            },
            used,
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn layout() {
        // smpEncode (Text, Maybe Text): length byte, UTF-8, then '0' for Nothing / '1' + short.
        assert_eq!(FileHeader::new("ab").encode().unwrap(), b"\x02ab0");
        let h = FileHeader {
            file_name: "é".into(),
            file_extra: Some("x".into()),
        };
        let e = h.encode().unwrap();
        assert_eq!(e, b"\x02\xc3\xa91\x01x");
        assert_eq!(
            FileHeader::decode_prefix(&[&e[..], b"rest"].concat()).unwrap(),
            (h, 6)
        );
        assert!(FileHeader::decode_prefix(b"\x05ab").is_err());
        assert!(FileHeader::new(&"a".repeat(256)).encode().is_err());
    }
}
