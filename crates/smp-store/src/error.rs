//! The crate's one error type.

use std::path::PathBuf;

/// Errors of the queue and message stores.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No queue with this id (the server answers `AUTH`).
    #[error("no such queue")]
    NoQueue,
    /// An id of the new queue, link or notifier is already in use.
    #[error("duplicate id")]
    Duplicate,
    /// The change conflicts with the stored state (the server answers `AUTH`).
    #[error("not allowed: {0}")]
    Auth(&'static str),
    /// The caller passed a record the store refuses (empty key list, oversized field).
    #[error("invalid record: {0}")]
    Invalid(&'static str),
    /// A file operation failed.
    #[error("i/o error on {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A store file holds something other than what the store wrote.
    #[error(
        "store file {file} is corrupt at offset {offset} ({recovered_records} records read before it): {reason}"
    )]
    Corrupt {
        /// The file.
        file: PathBuf,
        /// Byte offset of the bad record.
        offset: u64,
        /// Records read successfully from this file before it.
        recovered_records: u64,
        /// What is wrong.
        reason: String,
    },
    /// Another process holds the store directory.
    #[error("store directory {0} is in use by another process")]
    Locked(PathBuf),
    /// An earlier write failed; the store accepts no more changes.
    #[error("store stopped after a write failure: {0}")]
    Failed(String),
    /// The in-memory state disagrees with a change that passed validation (a bug).
    #[error("internal store error: {0}")]
    Internal(&'static str),
}

impl StoreError {
    /// Wraps an I/O error with the path it concerns.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result alias of this crate.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
