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
