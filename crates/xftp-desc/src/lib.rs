//! XFTP files without the network: the file description (YAML byte for byte as the
//! reference writes it, its validity rules, and its link forms), the file encryption
//! scheme (header, streaming HSalsa20-keyed secretbox, padding, tag at the end), chunk
//! planning and digests.
//!
//! This crate is pure: no tokio, no sockets, no clock, no global RNG (keys and nonces
//! come in as arguments). Encryption streams over `std::io::Read`/`Write` supplied by the
//! caller. It depends only on `simplex-encoding` and `simplex-crypto` among workspace
//! crates; the wire protocol (`xftp-proto`) and the client are elsewhere.
#![warn(missing_docs)]

pub mod chunks;
pub mod description;
pub mod error;
pub mod file_crypto;
pub mod header;
pub mod server;
pub mod size;
pub mod uri;
pub mod yaml;

pub use chunks::{ChunkSpec, SERVER_CHUNK_SIZES, chunk_specs, prepare_chunk_sizes};
pub use description::{
    ChunkReplica, FileChunk, FileDescription, FileParty, RedirectInfo, ReplicaKey,
    ValidFileDescription, group_replicas_by_server,
};
pub use error::{DescError, Result};
pub use file_crypto::{
    EncryptedFile, EncryptionPlan, chunk_digest, decrypt_bytes, decrypt_file, encrypt_bytes,
    encrypt_file, file_digest,
};
pub use header::FileHeader;
pub use server::XftpServer;
pub use size::{MAX_FILE_SIZE, MAX_FILE_SIZE_HARD, gb, kb, mb, parse_size, size_to_string};
pub use uri::{
    FileDescriptionUri, ServiceScheme, decode_web_fragment, encode_web_fragment, web_link,
};

/// Separator between the parts of a multi-part description (`fdSeparator`).
pub const FD_SEPARATOR: &str = "################################\n";
