//! Database archives: the chat database and every agent database of a prefix in one zip
//! file, to move the whole chat to another device (`/db export`, `--import`).
//!
//! Entries are named by their suffix (`simplex_v1_chat.db`, `simplex_v1_agent.db`,
//! `simplex_v1_agent_2.db`, and `-wal` files if any), so an archive can be imported
//! under another prefix. The files stay encrypted with their passphrase.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::engine::with_suffix;
use crate::error::{ChatError, Result};

/// Name of an entry for the file `<prefix><suffix>`.
const ENTRY_PREFIX: &str = "simplex_v1";

/// The largest file accepted from an archive (4 GiB).
const MAX_ENTRY: u64 = 4 << 30;

/// The database files of a prefix that exist, with their suffixes.
pub fn database_files(prefix: &Path) -> Result<Vec<(String, PathBuf)>> {
    let dir = match prefix.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let base = prefix
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| ChatError::Archive("the database prefix is not a valid file name".into()))?;
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(suffix) = name.strip_prefix(base) else {
            continue;
        };
        if is_db_suffix(suffix) {
            out.push((suffix.to_owned(), entry.path()));
        }
    }
    out.sort();
    Ok(out)
}

/// `_chat.db`, `_agent.db`, `_agent_N.db`, each optionally with `-wal`.
fn is_db_suffix(s: &str) -> bool {
    let s = s.strip_suffix("-wal").unwrap_or(s);
    if s == "_chat.db" || s == "_agent.db" {
        return true;
    }
    s.strip_prefix("_agent_")
        .and_then(|r| r.strip_suffix(".db"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Writes the database files of `prefix` into the zip archive `path`.
pub fn export_archive(prefix: &Path, path: &Path) -> Result<usize> {
    let files = database_files(prefix)?;
    if !files.iter().any(|(s, _)| s == "_chat.db") {
        return Err(ChatError::Archive("no chat database to export".into()));
    }
    let mut zip = ZipWriter::new(File::create(path)?);
    let opts = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .large_file(true);
    for (suffix, file) in &files {
        let mut f = match File::open(file) {
            Ok(f) => f,
            // a write-ahead log removed when its database closed: nothing to copy
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && suffix.ends_with("-wal") => {
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        zip.start_file(format!("{ENTRY_PREFIX}{suffix}"), opts)
            .map_err(|e| ChatError::Archive(e.to_string()))?;
        std::io::copy(&mut f, &mut zip)?;
    }
    zip.finish()
        .map_err(|e| ChatError::Archive(e.to_string()))?
        .flush()?;
    Ok(files.len())
}

/// Writes the databases in the archive `path` as the files of `prefix`. Refuses when a
/// chat database exists at `prefix` already (delete or move it first).
pub fn import_archive(path: &Path, prefix: &Path) -> Result<usize> {
    if with_suffix(prefix, "_chat.db").exists() {
        return Err(ChatError::Archive(format!(
            "a chat database exists at {}_chat.db: move it away before importing",
            prefix.display()
        )));
    }
    let mut zip =
        ZipArchive::new(File::open(path)?).map_err(|e| ChatError::Archive(e.to_string()))?;
    let mut names = Vec::new();
    for i in 0..zip.len() {
        let name = zip
            .by_index(i)
            .map_err(|e| ChatError::Archive(e.to_string()))?
            .name()
            .to_owned();
        let suffix = name
            .strip_prefix(ENTRY_PREFIX)
            .filter(|s| is_db_suffix(s))
            .ok_or_else(|| ChatError::Archive(format!("unexpected file in the archive: {name}")))?;
        names.push((i, suffix.to_owned()));
    }
    if !names.iter().any(|(_, s)| s == "_chat.db") {
        return Err(ChatError::Archive(
            "the archive has no chat database".into(),
        ));
    }
    for (i, suffix) in &names {
        let entry = zip
            .by_index(*i)
            .map_err(|e| ChatError::Archive(e.to_string()))?;
        let mut out = File::create(with_suffix(prefix, suffix))?;
        let copied = std::io::copy(&mut entry.take(MAX_ENTRY + 1), &mut out)?;
        if copied > MAX_ENTRY {
            return Err(ChatError::Archive(
                "a file in the archive is too large".into(),
            ));
        }
    }
    Ok(names.len())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn suffixes() {
        assert!(is_db_suffix("_chat.db"));
        assert!(is_db_suffix("_agent.db-wal"));
        assert!(is_db_suffix("_agent_12.db"));
        assert!(!is_db_suffix("_agent_x.db"));
        assert!(!is_db_suffix("_chat.db-shm"));
        assert!(!is_db_suffix("../x"));
    }

    #[test]
    fn round_trip_and_refusals() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::fs::write(with_suffix(&a, "_chat.db"), b"chat bytes").unwrap();
        std::fs::write(with_suffix(&a, "_agent.db"), b"agent bytes").unwrap();
        std::fs::write(with_suffix(&a, "_other.txt"), b"not included").unwrap();
        let zip = dir.path().join("x.zip");
        assert_eq!(export_archive(&a, &zip).unwrap(), 2);
        let b = dir.path().join("b");
        assert_eq!(import_archive(&zip, &b).unwrap(), 2);
        assert_eq!(
            std::fs::read(with_suffix(&b, "_chat.db")).unwrap(),
            b"chat bytes"
        );
        assert_eq!(
            std::fs::read(with_suffix(&b, "_agent.db")).unwrap(),
            b"agent bytes"
        );
        assert!(!with_suffix(&b, "_other.txt").exists());
        // importing over an existing database is refused
        assert!(matches!(
            import_archive(&zip, &b),
            Err(ChatError::Archive(_))
        ));
        // exporting without a chat database is refused
        assert!(export_archive(&dir.path().join("none"), &zip).is_err());
    }
}
