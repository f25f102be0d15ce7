//! Receiving a file: download every chunk (checking its tag, size and SHA-256), check
//! the whole encrypted file's size and SHA-512, decrypt it, then acknowledge the chunks.
//!
//! Crash and interruption safety:
//! - chunks go to a partial-state directory next to the output,
//!   `<out_dir>/.xftp-<digest prefix>.partial/`, each written as `<n>.tmp` and renamed to
//!   `<n>` once it is verified, so a later call with the same description downloads only
//!   the chunks that are missing;
//! - the file is decrypted into that directory and renamed into `out_dir` only after
//!   the authentication tag checked out, so a file with the final name is always complete;
//! - the partial directory is removed when the file is in place.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use xftp_desc::{FileChunk, FileHeader, FileParty, ValidFileDescription};

use crate::error::{ClientError, Result};
use crate::pool::XftpPool;
use crate::send::Progress;

/// How to receive a file.
#[derive(Clone, Default)]
pub struct ReceiveOptions {
    /// Download progress.
    pub progress: Option<Progress>,
}

/// A received file.
#[derive(Clone, Debug)]
pub struct ReceivedFile {
    /// Where the file is now.
    pub path: PathBuf,
    /// The header from inside the encrypted file (the sender's file name).
    pub header: FileHeader,
    /// Chunks found already downloaded from an earlier, interrupted call.
    pub chunks_resumed: usize,
    /// Acknowledgements that failed (the file is complete; the relay will expire it).
    pub ack_errors: Vec<String>,
}

/// Downloads, verifies and decrypts the file of a recipient description into `out_dir`,
/// following one redirect.
pub async fn receive_file(
    pool: &Arc<XftpPool>,
    description: &ValidFileDescription,
    out_dir: &Path,
    opts: &ReceiveOptions,
) -> Result<ReceivedFile> {
    if description.party != FileParty::Recipient {
        return Err(ClientError::Invalid(
            "a recipient description is needed to receive a file",
        ));
    }
    if let Some(redirect) = &description.redirect {
        // A redirect holds a description in one chunk (`singleChunkSize`), read into memory.
        if description.size > u64::from(xftp_desc::SERVER_CHUNK_SIZES[3]) {
            return Err(ClientError::Redirect(
                "redirect file is larger than one chunk",
            ));
        }
        let (yaml, resumed) =
            download_and_decrypt(pool, description, out_dir, opts, Target::Memory).await?;
        let text = std::str::from_utf8(&yaml.data)
            .map_err(|_| ClientError::Redirect("description is not UTF-8"))?;
        let inner = ValidFileDescription::from_yaml(text)
            .map_err(|_| ClientError::Redirect("decode error"))?
            .expect_party(FileParty::Recipient)?;
        if inner.size != redirect.size {
            return Err(ClientError::Redirect("size mismatch"));
        }
        if inner.digest != redirect.digest {
            return Err(ClientError::Redirect("digest mismatch"));
        }
        if inner.redirect.is_some() {
            return Err(ClientError::Redirect("redirect chain too long"));
        }
        let mut ack_errors = ack_chunks(pool, &description.chunks).await;
        remove_partial(out_dir, description).await;
        let mut r = Box::pin(receive_direct(pool, &inner, out_dir, opts)).await?;
        r.chunks_resumed += resumed;
        ack_errors.append(&mut r.ack_errors);
        r.ack_errors = ack_errors;
        return Ok(r);
    }
    receive_direct(pool, description, out_dir, opts).await
}

async fn receive_direct(
    pool: &Arc<XftpPool>,
    description: &ValidFileDescription,
    out_dir: &Path,
    opts: &ReceiveOptions,
) -> Result<ReceivedFile> {
    let (done, chunks_resumed) = download_and_decrypt(
        pool,
        description,
        out_dir,
        opts,
        Target::File(out_dir.to_owned()),
    )
    .await?;
    let path = done.path.ok_or(ClientError::Invalid("no output path"))?;
    let ack_errors = ack_chunks(pool, &description.chunks).await;
    remove_partial(out_dir, description).await;
    Ok(ReceivedFile {
        path,
        header: done.header,
        chunks_resumed,
        ack_errors,
    })
}

/// Where decrypted data goes.
enum Target {
    /// Into memory (redirect descriptions).
    Memory,
    /// Into a file in this directory.
    File(PathBuf),
}

struct Decrypted {
    header: FileHeader,
    data: Vec<u8>,
    path: Option<PathBuf>,
}

/// The partial-state directory of a description in `out_dir`.
pub fn partial_dir(out_dir: &Path, description: &ValidFileDescription) -> PathBuf {
    let hex: String = description
        .digest
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect();
    out_dir.join(format!(".xftp-{hex}.partial"))
}

async fn remove_partial(out_dir: &Path, description: &ValidFileDescription) {
    let _ = tokio::fs::remove_dir_all(partial_dir(out_dir, description)).await;
}

async fn download_and_decrypt(
    pool: &Arc<XftpPool>,
    d: &ValidFileDescription,
    out_dir: &Path,
    opts: &ReceiveOptions,
    target: Target,
) -> Result<(Decrypted, usize)> {
    let dir = partial_dir(out_dir, d);
    tokio::fs::create_dir_all(&dir).await?;
    let started = std::time::Instant::now();
    let (paths, resumed) = download_chunks(pool, d, &dir, opts).await?;
    tracing::debug!("chunks downloaded in {:?}", started.elapsed());
    let (expected_size, expected_digest) = (d.size, d.digest.clone());
    let (key, nonce) = (d.key.clone(), d.nonce);
    let out = tokio::task::spawn_blocking(move || -> Result<Decrypted> {
        let size: u64 = paths
            .iter()
            .map(|p| std::fs::metadata(p).map(|m| m.len()))
            .sum::<std::io::Result<u64>>()?;
        if size != expected_size {
            return Err(ClientError::FileMismatch("size"));
        }
        if xftp_desc::file_digest(&mut chain(&paths)?)?.as_slice() != expected_digest {
            return Err(ClientError::FileMismatch("digest"));
        }
        tracing::debug!("file digest checked at {:?}", started.elapsed());
        match target {
            Target::Memory => {
                let (header, data) =
                    xftp_desc::decrypt_file(&key, &nonce, size, &mut chain(&paths)?, |_| {
                        Ok(Vec::new())
                    })?;
                Ok(Decrypted {
                    header,
                    data,
                    path: None,
                })
            }
            Target::File(out_dir) => decrypt_to_dir(&key, &nonce, size, &paths, &dir, &out_dir),
        }
    })
    .await
    .map_err(|_| ClientError::Invalid("decryption task failed"))??;
    Ok((out, resumed))
}

fn decrypt_to_dir(
    key: &simplex_crypto::SbKey,
    nonce: &simplex_crypto::CbNonce,
    size: u64,
    paths: &[PathBuf],
    partial: &Path,
    out_dir: &Path,
) -> Result<Decrypted> {
    let tmp = partial.join("file.tmp");
    let r = xftp_desc::decrypt_file(key, nonce, size, &mut chain(paths)?, |_| {
        File::create(&tmp).map(std::io::BufWriter::new)
    });
    let (header, w) = match r {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.into());
        }
    };
    let file = w.into_inner().map_err(|e| e.into_error())?;
    let synced = std::time::Instant::now();
    file.sync_all()?;
    tracing::debug!("output fsync took {:?}", synced.elapsed());
    let path = unique_path(out_dir, &safe_file_name(&header.file_name));
    std::fs::rename(&tmp, &path)?;
    Ok(Decrypted {
        header,
        data: Vec::new(),
        path: Some(path),
    })
}

/// The chunk files read one after another.
fn chain(paths: &[PathBuf]) -> std::io::Result<Box<dyn Read>> {
    let mut r: Box<dyn Read> = Box::new(std::io::empty());
    for p in paths {
        r = Box::new(r.chain(BufReader::new(File::open(p)?)));
    }
    Ok(r)
}

/// The last path component of the sender's name, without control characters; `file`
/// when nothing usable is left.
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).collect();
    if clean.is_empty() || clean == "." || clean == ".." {
        "file".to_owned()
    } else {
        clean
    }
}

/// `dir/name`, or `dir/stem_1.ext`, `dir/stem_2.ext`… if taken, where `.ext` is
/// everything from the first dot (the reference's `uniqueCombine`).
pub fn unique_path(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = match name.split_once('.') {
        Some((s, e)) if !s.is_empty() => (s, format!(".{e}")),
        _ => (name, String::new()),
    };
    (1u32..)
        .map(|i| dir.join(format!("{stem}_{i}{ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Downloads the chunks that are not already in `dir`; returns the chunk paths in
/// order and how many were already there.
async fn download_chunks(
    pool: &Arc<XftpPool>,
    d: &ValidFileDescription,
    dir: &Path,
    opts: &ReceiveOptions,
) -> Result<(Vec<PathBuf>, usize)> {
    let total = d.size;
    let done = Arc::new(AtomicU64::new(0));
    let sem = Arc::new(Semaphore::new(pool.config().concurrency.max(1)));
    let mut set = JoinSet::new();
    let mut paths = Vec::new();
    let mut resumed = 0;
    for chunk in d.chunks.iter() {
        let path = dir.join(chunk.chunk_no.to_string());
        paths.push(path.clone());
        if chunk_present(&path, chunk).await {
            resumed += 1;
            done.fetch_add(u64::from(chunk.chunk_size), Ordering::Relaxed);
            continue;
        }
        let (pool, sem, chunk, done, progress) = (
            pool.clone(),
            sem.clone(),
            chunk.clone(),
            done.clone(),
            opts.progress.clone(),
        );
        set.spawn(async move {
            let _permit = sem
                .acquire_owned()
                .await
                .map_err(|_| ClientError::Invalid("closed"))?;
            let data = download_chunk(&pool, &chunk).await?;
            let tmp = path.with_extension("tmp");
            tokio::fs::write(&tmp, &data).await?;
            tokio::fs::rename(&tmp, &path).await?;
            let n = done.fetch_add(u64::from(chunk.chunk_size), Ordering::Relaxed)
                + u64::from(chunk.chunk_size);
            if let Some(p) = progress {
                p(n, total);
            }
            Ok::<(), ClientError>(())
        });
    }
    if let Some(p) = opts.progress.as_ref().filter(|_| resumed > 0) {
        p(done.load(Ordering::Relaxed), total);
    }
    while let Some(r) = set.join_next().await {
        r.map_err(|_| ClientError::Invalid("download task failed"))??;
    }
    Ok((paths, resumed))
}

/// Whether a verified copy of the chunk is already on disk.
async fn chunk_present(path: &Path, chunk: &FileChunk) -> bool {
    match tokio::fs::read(path).await {
        Ok(data) => {
            data.len() == chunk.chunk_size as usize
                && xftp_desc::chunk_digest(&data).as_slice() == chunk.digest
        }
        Err(_) => false,
    }
}

/// Tries the replicas in order; returns the first good copy, or the last error.
async fn download_chunk(pool: &XftpPool, chunk: &FileChunk) -> Result<Vec<u8>> {
    let mut last = ClientError::Invalid("chunk has no replicas");
    for r in &chunk.replicas {
        let key = r.replica_key.key()?;
        let (k, id, c) = (&key, r.replica_id.as_slice(), chunk);
        let got = pool
            .with_retry(&r.server, |cl| async move {
                cl.download_chunk(k, id, c.chunk_no, c.chunk_size, &c.digest)
                    .await
            })
            .await;
        match got {
            Ok(data) => return Ok(data),
            Err(e) => {
                tracing::warn!("chunk {} from {}: {e}", chunk.chunk_no, r.server);
                last = e;
            }
        }
    }
    Err(last)
}

/// Acknowledges the replica of each chunk this recipient downloaded from (all of them
/// are acknowledged, since the relay keeps each until its recipients are done).
async fn ack_chunks(pool: &XftpPool, chunks: &[FileChunk]) -> Vec<String> {
    let mut errors = Vec::new();
    for chunk in chunks {
        for r in &chunk.replicas {
            let key = match r.replica_key.key() {
                Ok(k) => k,
                Err(e) => {
                    errors.push(e.to_string());
                    continue;
                }
            };
            let (k, id) = (&key, r.replica_id.as_slice());
            if let Err(e) = pool
                .with_retry(&r.server, |c| async move { c.ack_chunk(k, id).await })
                .await
            {
                errors.push(format!("chunk {} on {}: {e}", chunk.chunk_no, r.server));
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn names() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("a\\b.txt"), "b.txt");
        assert_eq!(safe_file_name(".."), "file");
        assert_eq!(safe_file_name("x\ny"), "xy");
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(unique_path(dir.path(), "f.txt"), dir.path().join("f.txt"));
        std::fs::write(dir.path().join("f.txt"), b"").unwrap();
        assert_eq!(unique_path(dir.path(), "f.txt"), dir.path().join("f_1.txt"));
        std::fs::write(dir.path().join("a.tar.gz"), b"").unwrap();
        assert_eq!(
            unique_path(dir.path(), "a.tar.gz"),
            dir.path().join("a_1.tar.gz")
        );
    }
}
