//! The in-memory file store (`Server/Store.hs` `STMFileStore`): chunk records by sender
//! id and recipient keys by recipient id. Persistence is the store log's job.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use simplex_crypto::keys::PublicAuthKey;
use smp_proto::error::BlockingInfo;
use xftp_proto::{FileInfo, FileParty};

/// Rounding of creation times (the reference's `RoundedFileTime`, one hour), so that the
/// store does not keep exact upload times.
pub const FILE_TIME_PRECISION: i64 = 3600;

/// Whether a file can be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileStatus {
    /// Usable.
    Active,
    /// Blocked by the operator; commands get `ERR BLOCKED`.
    Blocked(BlockingInfo),
    /// Switched off; commands get `ERR AUTH`.
    Off,
}

/// One chunk on the server.
#[derive(Debug, Clone)]
pub struct FileRec {
    /// Sender id.
    pub sender_id: Vec<u8>,
    /// Sender key, size and digest from `FNEW`.
    pub info: FileInfo,
    /// Where the uploaded chunk is (none until `FPUT` succeeds).
    pub path: Option<PathBuf>,
    /// Recipient ids of the chunk.
    pub recipients: BTreeSet<Vec<u8>>,
    /// Creation time, rounded down to [`FILE_TIME_PRECISION`].
    pub created_at: i64,
    /// Status.
    pub status: FileStatus,
}

/// Why a store change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreRefusal {
    /// The id is already taken (a new random id should be tried).
    Duplicate,
    /// No such file, or the change is not allowed in its state.
    Auth,
}

/// Chunk records and the recipient index.
#[derive(Debug, Default)]
pub struct FileStore {
    files: HashMap<Vec<u8>, FileRec>,
    recipients: HashMap<Vec<u8>, (Vec<u8>, PublicAuthKey)>,
}

impl FileStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a chunk record.
    pub fn add_file(
        &mut self,
        sender_id: &[u8],
        info: FileInfo,
        created_at: i64,
        status: FileStatus,
    ) -> Result<(), StoreRefusal> {
        if self.files.contains_key(sender_id) || self.recipients.contains_key(sender_id) {
            return Err(StoreRefusal::Duplicate);
        }
        let rec = FileRec {
            sender_id: sender_id.to_vec(),
            info,
            path: None,
            recipients: BTreeSet::new(),
            created_at,
            status,
        };
        self.files.insert(sender_id.to_vec(), rec);
        Ok(())
    }

    /// Records where an uploaded chunk is; refused if already uploaded or not active.
    pub fn set_path(&mut self, sender_id: &[u8], path: PathBuf) -> Result<(), StoreRefusal> {
        match self.files.get_mut(sender_id) {
            Some(f) if f.path.is_none() && f.status == FileStatus::Active => {
                f.path = Some(path);
                Ok(())
            }
            _ => Err(StoreRefusal::Auth),
        }
    }

    /// Adds a recipient to a chunk.
    pub fn add_recipient(
        &mut self,
        sender_id: &[u8],
        recipient_id: &[u8],
        key: PublicAuthKey,
    ) -> Result<(), StoreRefusal> {
        if self.recipients.contains_key(recipient_id) || self.files.contains_key(recipient_id) {
            return Err(StoreRefusal::Duplicate);
        }
        let f = self.files.get_mut(sender_id).ok_or(StoreRefusal::Auth)?;
        f.recipients.insert(recipient_id.to_vec());
        self.recipients
            .insert(recipient_id.to_vec(), (sender_id.to_vec(), key));
        Ok(())
    }

    /// Removes a chunk record and its recipients, returning it.
    pub fn delete_file(&mut self, sender_id: &[u8]) -> Option<FileRec> {
        let f = self.files.remove(sender_id)?;
        for r in &f.recipients {
            self.recipients.remove(r);
        }
        Some(f)
    }

    /// Marks a chunk blocked.
    pub fn block_file(&mut self, sender_id: &[u8], info: BlockingInfo) -> Result<(), StoreRefusal> {
        let f = self.files.get_mut(sender_id).ok_or(StoreRefusal::Auth)?;
        f.status = FileStatus::Blocked(info);
        Ok(())
    }

    /// Removes a recipient (after `FACK`).
    pub fn ack(&mut self, recipient_id: &[u8]) -> Result<(), StoreRefusal> {
        let (sid, _) = self
            .recipients
            .remove(recipient_id)
            .ok_or(StoreRefusal::Auth)?;
        if let Some(f) = self.files.get_mut(&sid) {
            f.recipients.remove(recipient_id);
        }
        Ok(())
    }

    /// The chunk and the key that authorizes `party` with id `id`.
    pub fn get(&self, party: FileParty, id: &[u8]) -> Option<(&FileRec, PublicAuthKey)> {
        match party {
            FileParty::Sender => self.files.get(id).map(|f| (f, f.info.snd_key.clone())),
            FileParty::Recipient => {
                let (sid, key) = self.recipients.get(id)?;
                self.files.get(sid).map(|f| (f, key.clone()))
            }
        }
    }

    /// A chunk by sender id.
    pub fn file(&self, sender_id: &[u8]) -> Option<&FileRec> {
        self.files.get(sender_id)
    }

    /// All chunk records.
    pub fn files(&self) -> impl Iterator<Item = &FileRec> {
        self.files.values()
    }

    /// The recipient key of a recipient id.
    pub fn recipient_key(&self, recipient_id: &[u8]) -> Option<&PublicAuthKey> {
        self.recipients.get(recipient_id).map(|(_, k)| k)
    }

    /// Sender ids of chunks created before `old` (the reference compares the rounded
    /// creation time plus one precision step).
    pub fn expired(&self, old: i64) -> Vec<Vec<u8>> {
        let is_old = |f: &&FileRec| f.created_at + FILE_TIME_PRECISION < old;
        self.files
            .values()
            .filter(is_old)
            .map(|f| f.sender_id.clone())
            .collect()
    }

    /// Bytes of uploaded chunks.
    pub fn used_storage(&self) -> u64 {
        let uploaded = self.files.values().filter(|f| f.path.is_some());
        uploaded.map(|f| u64::from(f.info.size)).sum()
    }

    /// Number of chunk records.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when there are no chunk records.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Rounds a time down to [`FILE_TIME_PRECISION`].
pub fn round_file_time(t: i64) -> i64 {
    t.div_euclid(FILE_TIME_PRECISION) * FILE_TIME_PRECISION
}
