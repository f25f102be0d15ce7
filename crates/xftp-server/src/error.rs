//! The server crate's error type.

use std::path::{Path, PathBuf};

/// Errors of starting or running the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// A file or directory could not be used.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// Network error (bind, accept).
    #[error("network: {0}")]
    Net(#[from] std::io::Error),
    /// TLS setup or credentials.
    #[error("transport: {0}")]
    Transport(#[from] simplex_transport::Error),
    /// The server key cannot sign.
    #[error("server key: {0}")]
    Key(String),
    /// A store log line that cannot be read or applied.
    #[error("store log: {0}")]
    StoreLog(String),
    /// Bad configuration.
    #[error("config: {0}")]
    Config(String),
}

impl ServerError {
    /// An IO error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        ServerError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
