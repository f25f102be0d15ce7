//! The crate's error type.

/// Everything that can go wrong while parsing, validating, encrypting or decrypting.
#[derive(Debug, thiserror::Error)]
pub enum DescError {
    /// The YAML text could not be read as a file description.
    #[error("invalid file description YAML: {0}")]
    Yaml(String),
    /// A field of the description has a bad value.
    #[error("invalid {field}: {reason}")]
    Field {
        /// The field (or part of a replica string) that is wrong.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Chunk numbers are not 1, 2, …, n.
    #[error("chunk numbers are not sequential")]
    ChunkNumbers,
    /// The chunk sizes do not add up to the file size.
    #[error("chunks total size is different than file size")]
    ChunksSize,
    /// A chunk has no digest on any replica.
    #[error("no digest for chunk")]
    NoChunkDigest,
    /// Replicas of one chunk disagree on its size or digest.
    #[error("different size or digest in chunk replicas")]
    ReplicaMismatch,
    /// A description of the other party was given.
    #[error("expected a {expected} file description")]
    WrongParty {
        /// The party that was expected.
        expected: &'static str,
    },
    /// The URI is not a file description link.
    #[error("invalid file description URI: {0}")]
    Uri(&'static str),
    /// The file is larger than the hard limit.
    #[error("file too large: {0} bytes")]
    FileTooLarge(u64),
    /// The encrypted file failed authentication (wrong key or altered data).
    #[error("error decrypting file: incorrect auth tag")]
    InvalidAuthTag,
    /// The decrypted file header could not be parsed.
    #[error("invalid file header: {0}")]
    InvalidHeader(&'static str),
    /// The length inside the encrypted file does not fit in it.
    #[error("error decrypting file: incorrect file size")]
    InvalidFileSize,
    /// The input ended before the stated size, or a write failed.
    #[error("file IO error: {0}")]
    Io(#[from] std::io::Error),
}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, DescError>;

pub(crate) const fn field(field: &'static str, reason: &'static str) -> DescError {
    DescError::Field { field, reason }
}
