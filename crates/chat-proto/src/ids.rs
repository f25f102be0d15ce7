//! Byte identifiers written in JSON as padded base64url (the reference's `strEncode`).
//!
//! On input the reference accepts a non-empty run of base64url characters followed by
//! optional `=` padding; standard-alphabet `+`/`/` and empty strings are rejected.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use simplex_encoding::base64url;

/// Decodes the reference's base64url text form of bytes.
pub fn decode_b64(s: &str) -> Option<Vec<u8>> {
    let body = s.trim_end_matches('=');
    let ok = !body.is_empty()
        && body
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
    if ok { base64url::decode(s).ok() } else { None }
}

macro_rules! b64_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub struct $name(pub Vec<u8>);

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&base64url::encode(&self.0))
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                decode_b64(&s)
                    .map($name)
                    .ok_or_else(|| serde::de::Error::custom(concat!("bad base64url ", stringify!($name))))
            }
        }
    };
}

b64_id!(
    /// The id both sides use for one chat message (`SharedMsgId`, 12 random bytes).
    SharedMsgId
);
b64_id!(
    /// A group member's id, the same for every member of the group.
    MemberId
);
b64_id!(
    /// The id a contact request carries so that a repeated request is recognised.
    XContactId
);
b64_id!(
    /// Identifies invitations made through one group link.
    GroupLinkId
);
b64_id!(
    /// A random probe sent to find out whether two contacts are the same.
    Probe
);
b64_id!(
    /// The hash of a [`Probe`].
    ProbeHash
);
b64_id!(
    /// The id of a call.
    CallId
);
b64_id!(
    /// The SHA-512 digest of a file.
    FileDigest
);
b64_id!(
    /// Arbitrary bytes in base64url (`B64UrlByteString`).
    B64Bytes
);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn reference_forms() {
        // "AQIDBA==" is SharedMsgId "\1\2\3\4" in tests/ProtocolTests.hs.
        let id: SharedMsgId = serde_json::from_str("\"AQIDBA==\"").unwrap();
        assert_eq!(id.0, [1, 2, 3, 4]);
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"AQIDBA==\"");
        assert!(serde_json::from_str::<MemberId>("\"\"").is_err());
        assert!(serde_json::from_str::<MemberId>("\"a+b/\"").is_err());
        assert_eq!(decode_b64("-_8").unwrap(), [0xfb, 0xff]);
    }
}
