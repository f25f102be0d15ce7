//! Typed results of file commands and events (the reference's file responses and
//! events); [`crate::files_view`] renders them. Offering a file (sent or received) is a
//! chat item with the file (`ChatOutput::NewItem`, `GroupOutput::NewItem`).

use crate::store::FileRecord;

/// Something that happened to a file.
#[derive(Debug, Clone, PartialEq)]
pub enum FileOutput {
    /// The user accepted a file; it will be saved at `path`.
    Saving {
        /// The file number.
        file_id: i64,
        /// The sender's name.
        from: String,
        /// The target path as shown.
        path: String,
    },
    /// Receiving started, completed, failed or was cancelled by the user.
    Receiving {
        /// `started`, `completed`, `error` or `cancelled`.
        what: &'static str,
        /// The file number.
        file_id: i64,
        /// The file name.
        name: String,
        /// The sender's name.
        from: String,
        /// The error, for `error`.
        error: Option<String>,
    },
    /// The sender cancelled a file the user was offered.
    SenderCancelled {
        /// The file number.
        file_id: i64,
        /// The file name.
        name: String,
        /// The sender's name.
        from: String,
    },
    /// The upload completed (the descriptions went to the recipients) or failed.
    Uploading {
        /// `completed` or `error`.
        what: &'static str,
        /// The file number.
        file_id: i64,
        /// The file name.
        name: String,
        /// `bob` or `#team`.
        to: String,
        /// The error, for `error`.
        error: Option<String>,
    },
    /// The user cancelled sending.
    SndCancelled {
        /// The file number.
        file_id: i64,
        /// The file name.
        name: String,
        /// Recipients that had not completed yet.
        pending: Vec<String>,
    },
    /// `/fs`: the file and the transfer's progress (bytes done, total) when running.
    Status {
        /// The file.
        file: FileRecord,
        /// Progress of a running transfer.
        progress: Option<(u64, u64)>,
    },
    /// The active user's XFTP relays.
    XftpServers(Vec<String>),
    /// A setting was changed.
    Ok,
}
