//! The store directory: file names, listing, directory sync, and the open log file.
//!
//! `snapshot-g.bin` holds the state at the start of `log-g.bin` (generation 0 has no
//! snapshot). The state is the newest snapshot followed by every log from its generation
//! on; a snapshot being written is `snapshot-g.bin.tmp` and never read.

use std::fs::{self, File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::Durability;
use crate::error::{Result, StoreError};
use crate::record::Record;

/// File name of a generation's log.
pub(crate) fn log_name(generation: u64) -> String {
    format!("log-{generation}.bin")
}

/// File name of a generation's snapshot.
pub(crate) fn snapshot_name(generation: u64) -> String {
    format!("snapshot-{generation}.bin")
}

/// File name of a snapshot being written.
pub(crate) fn snapshot_tmp_name(generation: u64) -> String {
    format!("snapshot-{generation}.bin.tmp")
}

/// Store files found in the directory.
#[derive(Debug, Default)]
pub(crate) struct Listing {
    pub snapshots: Vec<u64>,
    pub logs: Vec<u64>,
    pub temps: Vec<PathBuf>,
}

fn generation_of(name: &str, prefix: &str) -> Option<u64> {
    let digits = name.strip_prefix(prefix)?.strip_suffix(".bin")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Lists the store files of `dir`; other files are left alone.
pub(crate) fn list(dir: &Path) -> Result<Listing> {
    let mut out = Listing::default();
    for item in fs::read_dir(dir).map_err(|e| StoreError::io(dir, e))? {
        let item = item.map_err(|e| StoreError::io(dir, e))?;
        let name = item.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with("snapshot-") && name.ends_with(".bin.tmp") {
            out.temps.push(item.path());
        } else if let Some(g) = generation_of(name, "snapshot-") {
            out.snapshots.push(g);
        } else if let Some(g) = generation_of(name, "log-") {
            out.logs.push(g);
        }
    }
    Ok(out)
}

/// Makes renames, creations and removals in `dir` durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| StoreError::io(dir, e))
}

/// The log file the writer appends to.
pub(crate) struct LogFile {
    file: File,
    pub path: PathBuf,
    pub generation: u64,
    /// Current length in bytes.
    pub bytes: u64,
}

impl LogFile {
    /// Creates (or empties) the generation's log, writes its header and syncs it and `dir`.
    pub(crate) fn create(dir: &Path, generation: u64) -> Result<LogFile> {
        let path = dir.join(log_name(generation));
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(&path)
            .map_err(|e| StoreError::io(&path, e))?;
        let mut log = LogFile {
            file,
            path,
            generation,
            bytes: 0,
        };
        log.write_header()?;
        sync_dir(dir)?;
        Ok(log)
    }

    /// Opens an existing log for appending after its first `valid_len` bytes, cutting off
    /// anything beyond (a torn tail); writes the header if not even that survived.
    pub(crate) fn reopen(path: PathBuf, generation: u64, valid_len: u64) -> Result<LogFile> {
        let mut file = OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(|e| StoreError::io(&path, e))?;
        let len = file.metadata().map_err(|e| StoreError::io(&path, e))?.len();
        if len != valid_len {
            file.set_len(valid_len)
                .and_then(|()| file.sync_all())
                .map_err(|e| StoreError::io(&path, e))?;
        }
        file.seek(SeekFrom::Start(valid_len))
            .map_err(|e| StoreError::io(&path, e))?;
        let mut log = LogFile {
            file,
            path,
            generation,
            bytes: valid_len,
        };
        if valid_len == 0 {
            log.write_header()?;
        }
        Ok(log)
    }

    fn write_header(&mut self) -> Result<()> {
        let mut buf = Vec::new();
        Record::LogHeader {
            generation: self.generation,
        }
        .encode(&mut buf)
        .map_err(StoreError::Internal)?;
        self.append(&buf, Durability::Fsync)
    }

    /// Appends encoded records; with `Fsync` returns only once they are on disk.
    pub(crate) fn append(&mut self, buf: &[u8], durability: Durability) -> Result<()> {
        self.file
            .write_all(buf)
            .map_err(|e| StoreError::io(&self.path, e))?;
        self.bytes += buf.len() as u64;
        if durability == Durability::Fsync {
            self.sync()?;
        }
        Ok(())
    }

    /// Flushes file data to disk.
    pub(crate) fn sync(&self) -> Result<()> {
        self.file
            .sync_data()
            .map_err(|e| StoreError::io(&self.path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back() {
        assert_eq!(generation_of(&log_name(12), "log-"), Some(12));
        assert_eq!(generation_of(&snapshot_name(3), "snapshot-"), Some(3));
        assert_eq!(generation_of(&snapshot_tmp_name(3), "snapshot-"), None);
        assert_eq!(generation_of("log-.bin", "log-"), None);
        assert_eq!(generation_of("log-+1.bin", "log-"), None);
        assert_eq!(
            generation_of("log-99999999999999999999999.bin", "log-"),
            None
        );
    }
}
