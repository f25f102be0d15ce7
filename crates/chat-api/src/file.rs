//! Files attached to items and file transfers (`CIFile`, `RcvFileTransfer`,
//! `FileTransferMeta`).

use crate::item::SrvError;
use chat_proto::file::{FileInvitation, InlineFileMode};
use serde::{Deserialize, Serialize};

/// How a file travels (`FileProtocol`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FileProtocol {
    /// Over an SMP connection (legacy).
    Smp,
    /// Over XFTP relays.
    Xftp,
    /// A local file (notes).
    Local,
}

/// The key and nonce of a locally encrypted file (`CryptoFileArgs`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CryptoFileArgs {
    /// The key (base64).
    pub file_key: String,
    /// The nonce (base64).
    pub file_nonce: String,
}

impl std::fmt::Debug for CryptoFileArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CryptoFileArgs(<redacted>)")
    }
}

/// A local file, perhaps encrypted (`CryptoFile`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CryptoFile {
    /// Its path.
    pub file_path: String,
    /// Its key and nonce, if encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crypto_args: Option<CryptoFileArgs>,
}

/// Why a file transfer failed (`FileError`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum FileError {
    /// The relay refused authorization.
    Auth,
    /// The file is gone from the relay.
    NoFile,
    /// The relay failed.
    Relay {
        /// How.
        srv_error: SrvError,
    },
    /// Something else.
    Other {
        /// Its description.
        file_error: String,
    },
}

/// The state of an item's file (`CIFileStatus`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum CIFileStatus {
    /// Stored, to be sent.
    SndStored,
    /// Being sent.
    SndTransfer {
        /// Bytes or chunks sent.
        snd_progress: i64,
        /// Of how many.
        snd_total: i64,
    },
    /// Sending cancelled.
    SndCancelled,
    /// Sent.
    SndComplete,
    /// Sending failed.
    SndError {
        /// Why.
        snd_file_error: FileError,
    },
    /// Sending is retried.
    SndWarning {
        /// Why.
        snd_file_error: FileError,
    },
    /// Offered, not accepted.
    RcvInvitation,
    /// Accepted.
    RcvAccepted,
    /// Being received.
    RcvTransfer {
        /// Bytes or chunks received.
        rcv_progress: i64,
        /// Of how many.
        rcv_total: i64,
    },
    /// Receiving aborted.
    RcvAborted,
    /// Received.
    RcvComplete,
    /// Receiving cancelled.
    RcvCancelled,
    /// Receiving failed.
    RcvError {
        /// Why.
        rcv_file_error: FileError,
    },
    /// Receiving is retried.
    RcvWarning {
        /// Why.
        rcv_file_error: FileError,
    },
    /// A stored status that could not be read.
    Invalid {
        /// Its text.
        text: String,
    },
}

/// A file attached to an item (`CIFile`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CIFile {
    /// The chat database id.
    pub file_id: i64,
    /// Its name.
    pub file_name: String,
    /// Its size in bytes.
    pub file_size: i64,
    /// The local file, once there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_source: Option<CryptoFile>,
    /// Its state.
    pub file_status: CIFileStatus,
    /// How it travels.
    pub file_protocol: FileProtocol,
}

/// The state of a received file (`RcvFileStatus`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum RcvFileStatus {
    /// Offered.
    New,
    /// Accepted, saving to `file_path`.
    Accepted {
        /// Where.
        file_path: String,
    },
    /// Receiving.
    Connected {
        /// Where.
        file_path: String,
    },
    /// Received.
    Complete {
        /// Where.
        file_path: String,
    },
    /// Cancelled.
    Cancelled {
        /// Where, if it was accepted.
        #[serde(rename = "filePath_", default, skip_serializing_if = "Option::is_none")]
        file_path: Option<String>,
    },
}

/// Normal files or group member rosters (`FileType`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FileType {
    /// A normal file.
    Normal,
    /// A group roster.
    Roster,
}

/// A received XFTP file description (`RcvFileDescr`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RcvFileDescr {
    /// The chat database id.
    pub file_descr_id: i64,
    /// The description text (YAML) received so far.
    pub file_descr_text: String,
    /// The number of the last part.
    pub file_descr_part_no: i64,
    /// Whether all parts arrived.
    #[serde(default)]
    pub file_descr_complete: bool,
}

/// The XFTP side of a received file (`XFTPRcvFile`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct XftpRcvFile {
    /// The description.
    pub rcv_file_description: RcvFileDescr,
    /// The agent's id of the download.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_rcv_file_id: Option<String>,
    /// Whether the agent's download was deleted.
    #[serde(default)]
    pub agent_rcv_file_deleted: bool,
    /// Whether the user approved unknown relays.
    #[serde(default)]
    pub user_approved_relays: bool,
}

/// A file being received (`RcvFileTransfer`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RcvFileTransfer {
    /// The chat database id.
    pub file_id: i64,
    /// The XFTP side, for XFTP files.
    #[serde(
        rename = "xftpRcvFile",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub xftp_rcv_file: Option<XftpRcvFile>,
    /// The invitation it came with.
    pub file_invitation: FileInvitation,
    /// Its state.
    pub file_status: RcvFileStatus,
    /// Normal or roster.
    pub file_type: FileType,
    /// Whether it is received inline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rcv_file_inline: Option<InlineFileMode>,
    /// The sender's name.
    pub sender_display_name: String,
    /// The chunk size.
    pub chunk_size: i64,
    /// Whether it was cancelled.
    #[serde(default)]
    pub cancelled: bool,
    /// The sending member, in groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grp_member_id: Option<i64>,
    /// The local encryption, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crypto_args: Option<CryptoFileArgs>,
}

/// The XFTP side of a sent file (`XFTPSndFile`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct XftpSndFile {
    /// The agent's id of the upload.
    pub agent_snd_file_id: String,
    /// The private description, once uploaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_snd_file_descr: Option<String>,
    /// Whether the agent's upload was deleted.
    #[serde(default)]
    pub agent_snd_file_deleted: bool,
    /// The local encryption, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crypto_args: Option<CryptoFileArgs>,
}

/// A file being sent (`FileTransferMeta`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileTransferMeta {
    /// The chat database id.
    pub file_id: i64,
    /// The XFTP side, for XFTP files.
    #[serde(
        rename = "xftpSndFile",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub xftp_snd_file: Option<XftpSndFile>,
    /// The file this one redirects for, if it is a redirect description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xftp_redirect_for: Option<i64>,
    /// Its name.
    pub file_name: String,
    /// Its local path.
    pub file_path: String,
    /// Its size in bytes.
    pub file_size: i64,
    /// Whether it is sent inline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_inline: Option<InlineFileMode>,
    /// The chunk size.
    pub chunk_size: i64,
    /// Whether it was cancelled.
    #[serde(default)]
    pub cancelled: bool,
}

/// The state of a file sent over SMP (`FileStatus`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FileStatus {
    /// Offered.
    New,
    /// Accepted by the recipient.
    Accepted,
    /// Being sent.
    Connected,
    /// Sent.
    Complete,
    /// Cancelled.
    Cancelled,
}

/// One recipient's transfer of a file sent over SMP (`SndFileTransfer`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SndFileTransfer {
    /// The chat database id of the file.
    pub file_id: i64,
    /// Its name.
    pub file_name: String,
    /// Its local path.
    pub file_path: String,
    /// Its size in bytes.
    pub file_size: i64,
    /// The chunk size.
    pub chunk_size: i64,
    /// The recipient's name.
    pub recipient_display_name: String,
    /// The connection it goes over.
    pub conn_id: i64,
    /// The agent's id of that connection.
    pub agent_conn_id: String,
    /// The recipient member, in groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_member_id: Option<i64>,
    /// Its state.
    pub file_status: FileStatus,
    /// The file description sent, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_descr_id: Option<i64>,
    /// Whether it is sent inline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_inline: Option<InlineFileMode>,
}
