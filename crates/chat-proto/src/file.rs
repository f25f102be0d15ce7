//! File invitations and XFTP file descriptions carried in messages
//! (reference `Simplex.Chat.Types`: `FileInvitation`, `FileDescr`).

use crate::ids::FileDigest;
use serde::{Deserialize, Serialize};

text_enum!(
    /// How a small file is sent inside the chat connection.
    InlineFileMode {
        /// Sent inline once accepted.
        Offer = "offer",
        /// Sent inline without acceptance.
        Sent = "sent",
    }
);

/// One part of an XFTP file description (the YAML text, split to fit messages).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileDescr {
    /// This part's text.
    pub file_descr_text: String,
    /// The part number.
    pub file_descr_part_no: i64,
    /// True on the last part.
    pub file_descr_complete: bool,
}

/// An offer of a file, sent with a message or as `x.file`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileInvitation {
    /// The file name.
    pub file_name: String,
    /// The size in bytes.
    pub file_size: i64,
    /// The file's digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_digest: Option<FileDigest>,
    /// An invitation link for a separate file connection (legacy SMP file transfer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_conn_req: Option<String>,
    /// Inline sending mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_inline: Option<InlineFileMode>,
    /// The XFTP description (first part; the rest follow as `x.msg.file.descr`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_descr: Option<FileDescr>,
}

/// The size (in characters) of the file description part sent in a message
/// (`xftpDescrPartSize`).
pub const XFTP_DESCR_PART_SIZE: usize = 14_000;

/// The chunk size of the legacy inline/SMP file transfer (`fileChunkSize`, fixed).
pub const FILE_CHUNK_SIZE: usize = 15_780;

/// Splits a file description text into parts of `part_size` characters, numbered from 1,
/// the last one marked complete (`splitFileDescr`). An empty text gives one empty part.
pub fn split_file_descr(part_size: usize, text: &str) -> Vec<FileDescr> {
    let chars: Vec<char> = text.chars().collect();
    let chunks: Vec<&[char]> = if chars.is_empty() {
        vec![&[]]
    } else {
        chars.chunks(part_size.max(1)).collect()
    };
    let n = chunks.len();
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, c)| FileDescr {
            file_descr_text: c.iter().collect(),
            file_descr_part_no: i as i64 + 1,
            file_descr_complete: i + 1 == n,
        })
        .collect()
}

/// Joins received parts back into the description text when they are numbered 1, 2, …
/// in order and the last one is complete; `None` otherwise.
pub fn join_file_descr(parts: &[FileDescr]) -> Option<String> {
    let numbered = parts
        .iter()
        .enumerate()
        .all(|(i, p)| p.file_descr_part_no == i as i64 + 1);
    let complete = parts.last().is_some_and(|p| p.file_descr_complete)
        && parts.iter().rev().skip(1).all(|p| !p.file_descr_complete);
    (numbered && complete).then(|| parts.iter().map(|p| p.file_descr_text.as_str()).collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn split_by_characters_and_join() {
        let parts = split_file_descr(3, "aéb¢de€");
        let texts: Vec<&str> = parts.iter().map(|p| p.file_descr_text.as_str()).collect();
        assert_eq!(texts, ["aéb", "¢de", "€"]);
        assert_eq!(parts[2].file_descr_part_no, 3);
        assert!(parts[2].file_descr_complete && !parts[1].file_descr_complete);
        assert_eq!(join_file_descr(&parts).unwrap(), "aéb¢de€");
        assert!(join_file_descr(&parts[..2]).is_none());
        assert!(join_file_descr(&[parts[1].clone(), parts[0].clone(), parts[2].clone()]).is_none());
        let empty = split_file_descr(XFTP_DESCR_PART_SIZE, "");
        assert_eq!(empty.len(), 1);
        assert!(empty[0].file_descr_complete);
    }
}
