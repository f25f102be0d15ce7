//! The file description: what a party needs to download (recipient) or delete (sender)
//! a file, and the reference's validity rules (`validateFileDescription`).

use std::fmt;

use simplex_crypto::{CbNonce, PrivateAuthKey, SbKey};
use zeroize::Zeroizing;

use crate::error::{DescError, Result, field};
use crate::server::XftpServer;

/// Which side of the transfer a description is for.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum FileParty {
    /// Holds the sender's chunk keys (can delete the file).
    Sender,
    /// Holds one recipient's chunk keys (can download and acknowledge).
    Recipient,
}

impl FileParty {
    /// The name used in YAML (`sender` / `recipient`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sender => "sender",
            Self::Recipient => "recipient",
        }
    }
}

/// A chunk's private authorization key, kept as its PKCS#8 DER bytes (checked to decode).
/// Wiped on drop; Debug is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct ReplicaKey(Zeroizing<Vec<u8>>);

impl ReplicaKey {
    /// Checks that `der` is a PKCS#8 Ed25519, Ed448 or X25519 private key and keeps it.
    pub fn from_pkcs8(der: &[u8]) -> Result<Self> {
        PrivateAuthKey::from_pkcs8(der)
            .map_err(|_| field("replica key", "not a PKCS#8 auth key"))?;
        Ok(Self(Zeroizing::new(der.to_vec())))
    }

    /// Wraps an existing key.
    pub fn from_key(key: &PrivateAuthKey) -> Self {
        Self(key.to_pkcs8())
    }

    /// The decoded key.
    pub fn key(&self) -> Result<PrivateAuthKey> {
        PrivateAuthKey::from_pkcs8(&self.0)
            .map_err(|_| field("replica key", "not a PKCS#8 auth key"))
    }

    /// The PKCS#8 DER bytes.
    pub fn der(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for ReplicaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReplicaKey(<redacted>)")
    }
}

/// One copy of a chunk on one relay, with the id and key of this party.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ChunkReplica {
    /// The relay holding it.
    pub server: XftpServer,
    /// The sender or recipient id of the chunk on that relay.
    pub replica_id: Vec<u8>,
    /// The key that authorizes commands on that id.
    pub replica_key: ReplicaKey,
}

/// One chunk of the encrypted file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FileChunk {
    /// 1-based position in the file.
    pub chunk_no: u32,
    /// Size in bytes (one of the relay chunk sizes).
    pub chunk_size: u32,
    /// SHA-256 of the chunk bytes.
    pub digest: Vec<u8>,
    /// Where it is stored, first replica first.
    pub replicas: Vec<ChunkReplica>,
}

/// Size and digest of the real file when this description points at an uploaded description.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RedirectInfo {
    /// Encrypted size of the target file.
    pub size: u64,
    /// SHA-512 of the target's encrypted file.
    pub digest: Vec<u8>,
}

/// A file description (the reference's `FileDescription p`), not yet validated.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FileDescription {
    /// Whose description it is.
    pub party: FileParty,
    /// Size of the encrypted file (sum of the chunk sizes).
    pub size: u64,
    /// SHA-512 of the encrypted file.
    pub digest: Vec<u8>,
    /// The file encryption key.
    pub key: SbKey,
    /// The file encryption nonce.
    pub nonce: CbNonce,
    /// The usual chunk size; chunks of another size say so in the YAML.
    pub chunk_size: u32,
    /// The chunks in order.
    pub chunks: Vec<FileChunk>,
    /// Present when the file is itself a description of another file.
    pub redirect: Option<RedirectInfo>,
}

/// A description that passed [`FileDescription::validate`].
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ValidFileDescription(FileDescription);

impl FileDescription {
    /// The reference's rules: chunk numbers are 1..n in order and the chunk sizes add up
    /// to the file size. Every chunk must also have at least one replica.
    pub fn validate(self) -> Result<ValidFileDescription> {
        let sequential = self
            .chunks
            .iter()
            .enumerate()
            .all(|(i, c)| u64::from(c.chunk_no) == i as u64 + 1);
        if !sequential {
            return Err(DescError::ChunkNumbers);
        }
        let total: u64 = self.chunks.iter().map(|c| u64::from(c.chunk_size)).sum();
        if total != self.size {
            return Err(DescError::ChunksSize);
        }
        if self.chunks.iter().any(|c| c.replicas.is_empty()) {
            return Err(field("chunk", "chunk has no replicas"));
        }
        Ok(ValidFileDescription(self))
    }
}

impl ValidFileDescription {
    /// The description.
    pub fn get(&self) -> &FileDescription {
        &self.0
    }

    /// Takes the description out.
    pub fn into_inner(self) -> FileDescription {
        self.0
    }

    /// Fails with [`DescError::WrongParty`] unless the description is for `party`.
    pub fn expect_party(self, party: FileParty) -> Result<Self> {
        if self.0.party == party {
            Ok(self)
        } else {
            Err(DescError::WrongParty {
                expected: party.as_str(),
            })
        }
    }
}

impl std::ops::Deref for ValidFileDescription {
    type Target = FileDescription;
    fn deref(&self) -> &FileDescription {
        &self.0
    }
}

/// One replica line of the YAML (`FileServerReplica`): chunk number, id, key, and the
/// digest and size when this is the first replica of the chunk.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ServerReplica {
    /// The chunk number.
    pub chunk_no: u32,
    /// The relay.
    pub server: XftpServer,
    /// The replica id.
    pub replica_id: Vec<u8>,
    /// The replica key.
    pub replica_key: ReplicaKey,
    /// Chunk digest, on the first replica of a chunk.
    pub digest: Option<Vec<u8>>,
    /// Chunk size, on the first replica when it differs from the default.
    pub chunk_size: Option<u32>,
}

/// Unfolds chunks into replica lines and groups them by server in the reference's order
/// (`groupReplicasByServer`): servers sorted, replicas in chunk order within a server.
pub fn group_replicas_by_server(
    default_chunk_size: u32,
    chunks: &[FileChunk],
) -> Vec<Vec<ServerReplica>> {
    let mut all: Vec<ServerReplica> = chunks
        .iter()
        .flat_map(|c| {
            c.replicas
                .iter()
                .enumerate()
                .map(move |(i, r)| ServerReplica {
                    chunk_no: c.chunk_no,
                    server: r.server.clone(),
                    replica_id: r.replica_id.clone(),
                    replica_key: r.replica_key.clone(),
                    digest: (i == 0).then(|| c.digest.clone()),
                    chunk_size: (i == 0 && c.chunk_size != default_chunk_size)
                        .then_some(c.chunk_size),
                })
        })
        .collect();
    all.sort_by(|a, b| a.server.reference_cmp(&b.server));
    let mut groups: Vec<Vec<ServerReplica>> = Vec::new();
    for r in all {
        match groups.last_mut() {
            Some(g) if g.first().is_some_and(|f| f.server == r.server) => g.push(r),
            _ => groups.push(vec![r]),
        }
    }
    groups
}

/// Folds replica lines back into chunks (`foldReplicasToChunks`): every chunk needs a
/// digest, and replicas that state a size or digest must agree.
pub fn fold_replicas_to_chunks(
    default_chunk_size: u32,
    replicas: Vec<ServerReplica>,
) -> Result<Vec<FileChunk>> {
    use std::collections::BTreeMap;
    let mut sizes: BTreeMap<u32, u32> = BTreeMap::new();
    let mut digests: BTreeMap<u32, Vec<u8>> = BTreeMap::new();
    for r in &replicas {
        agree(&mut sizes, r.chunk_no, r.chunk_size)?;
        agree(&mut digests, r.chunk_no, r.digest.clone())?;
    }
    let mut chunks: BTreeMap<u32, FileChunk> = BTreeMap::new();
    for r in replicas {
        let replica = ChunkReplica {
            server: r.server,
            replica_id: r.replica_id,
            replica_key: r.replica_key,
        };
        if let Some(c) = chunks.get_mut(&r.chunk_no) {
            c.replicas.push(replica);
            continue;
        }
        let digest = digests
            .get(&r.chunk_no)
            .ok_or(DescError::NoChunkDigest)?
            .clone();
        let chunk_size = sizes
            .get(&r.chunk_no)
            .copied()
            .unwrap_or(default_chunk_size);
        let chunk = FileChunk {
            chunk_no: r.chunk_no,
            chunk_size,
            digest,
            replicas: vec![replica],
        };
        chunks.insert(r.chunk_no, chunk);
    }
    Ok(chunks.into_values().collect())
}

fn agree<T: PartialEq>(
    map: &mut std::collections::BTreeMap<u32, T>,
    no: u32,
    v: Option<T>,
) -> Result<()> {
    let Some(v) = v else { return Ok(()) };
    match map.get(&no) {
        Some(old) if *old != v => Err(DescError::ReplicaMismatch),
        Some(_) => Ok(()),
        None => {
            map.insert(no, v);
            Ok(())
        }
    }
}
