//! Sending a file: encrypt it to a temporary file (SHA-512 digest on the way), split it
//! into the planned chunks, upload every chunk to `redundancy` relays in parallel (each
//! replica with its own sender key and one key per recipient), and build the sender
//! description and one description per recipient. Also redirect descriptions: a
//! description too long for one message is itself sent as a file.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use bytes::Bytes;
use simplex_crypto::keys::{AuthAlgorithm, PrivateAuthKey, PublicAuthKey};
use simplex_crypto::{SbKey, nonce::random_nonce};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use xftp_desc::{
    ChunkReplica, ChunkSpec, EncryptionPlan, FileChunk, FileDescription, FileDescriptionUri,
    FileHeader, FileParty, RedirectInfo, ReplicaKey, ValidFileDescription, XftpServer, chunk_specs,
    uri::QR_SIZE_LIMIT,
};
use xftp_proto::FileInfo;
use xftp_proto::versions::MAX_RECIPIENTS_PER_REQUEST;

use crate::error::{ClientError, Result};
use crate::pool::XftpPool;
use crate::relay::Relay;

/// Reports progress: bytes done and bytes in total.
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// How to send a file.
#[derive(Clone)]
pub struct SendOptions {
    /// Number of recipient descriptions to make (each recipient downloads independently).
    pub n_recipients: usize,
    /// Relays each chunk is stored on (at most the number of relays given).
    pub redundancy: usize,
    /// Where the encrypted temporary file goes (default: the system temp directory).
    pub tmp_dir: Option<PathBuf>,
    /// Upload progress.
    pub progress: Option<Progress>,
}

impl Default for SendOptions {
    fn default() -> Self {
        Self {
            n_recipients: 1,
            redundancy: 1,
            tmp_dir: None,
            progress: None,
        }
    }
}

/// The descriptions of a sent file.
#[derive(Clone, Debug)]
pub struct SentFile {
    /// For the sender: lets it delete the file from the relays.
    pub sender: ValidFileDescription,
    /// One per recipient.
    pub recipients: Vec<ValidFileDescription>,
}

/// Encrypts and uploads the file at `path` to `relays`.
pub async fn send_file(
    pool: &Arc<XftpPool>,
    path: &Path,
    relays: &[Relay],
    opts: &SendOptions,
) -> Result<SentFile> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or(ClientError::Invalid("file name is not UTF-8"))?;
    let size = tokio::fs::metadata(path).await?.len();
    let plan = EncryptionPlan::new(&FileHeader::new(name), size)?;
    let src = path.to_owned();
    let open = move || std::fs::File::open(&src);
    upload(pool, plan, open, None, relays, opts).await
}

/// Whether a recipient description is too long for a link in one QR code
/// (the reference's `qrSizeLimit`), so it should be sent with [`send_redirect`].
pub fn needs_redirect(description: &ValidFileDescription) -> bool {
    FileDescriptionUri::new(description.clone()).encode().len() > QR_SIZE_LIMIT
}

/// Uploads a recipient description as a one-chunk file named `direct.yaml` and returns
/// descriptions of that file whose recipient descriptions carry `redirect` (the size and
/// digest of the real file), as the reference's `xftpSendDescription`.
pub async fn send_redirect(
    pool: &Arc<XftpPool>,
    description: &ValidFileDescription,
    relays: &[Relay],
    opts: &SendOptions,
) -> Result<SentFile> {
    let yaml = description.to_yaml().into_bytes();
    let plan = EncryptionPlan::single_chunk(&FileHeader::new("direct.yaml"), yaml.len() as u64)?;
    let redirect = RedirectInfo {
        size: description.size,
        digest: description.digest.clone(),
    };
    let open = move || Ok(std::io::Cursor::new(yaml.clone()));
    upload(pool, plan, open, Some(redirect), relays, opts).await
}

/// Removes the temporary encrypted file when dropped.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

async fn upload<R: Read + 'static>(
    pool: &Arc<XftpPool>,
    plan: EncryptionPlan,
    open: impl FnOnce() -> std::io::Result<R> + Send + 'static,
    redirect: Option<RedirectInfo>,
    relays: &[Relay],
    opts: &SendOptions,
) -> Result<SentFile> {
    if relays.is_empty() {
        return Err(ClientError::Invalid("no XFTP relays given"));
    }
    if opts.n_recipients == 0 {
        return Err(ClientError::Invalid("at least one recipient"));
    }
    let key = SbKey::generate(&mut rand::rng());
    let nonce = random_nonce(&mut rand::rng());
    let dir = opts.tmp_dir.clone().unwrap_or_else(std::env::temp_dir);
    let enc_path = dir.join(format!("xftp-{:016x}.encrypted", rand::random::<u64>()));
    let temp = TempFile(enc_path.clone());
    let (k, p, pl) = (key.clone(), enc_path.clone(), plan.clone());
    let encrypted = tokio::task::spawn_blocking(move || -> Result<xftp_desc::EncryptedFile> {
        let mut input = open()?;
        let mut out = std::io::BufWriter::new(std::fs::File::create(&p)?);
        Ok(xftp_desc::encrypt_file(
            &k, &nonce, &pl, &mut input, &mut out,
        )?)
    })
    .await
    .map_err(|_| ClientError::Invalid("encryption task failed"))??;
    let replicas = upload_chunks(pool, &enc_path, &plan, relays, opts).await?;
    drop(temp);
    let base = FileDescription {
        party: FileParty::Sender,
        size: encrypted.enc_size,
        digest: encrypted.digest.to_vec(),
        key,
        nonce,
        chunk_size: plan.chunk_sizes.first().copied().unwrap_or_default(),
        chunks: Vec::new(),
        redirect: None,
    };
    build_descriptions(base, &replicas, opts.n_recipients, redirect)
}

/// One replica of one chunk, uploaded.
struct SentReplica {
    spec: ChunkSpec,
    replica_no: usize,
    server: XftpServer,
    digest: [u8; 32],
    snd_id: Vec<u8>,
    snd_key: PrivateAuthKey,
    rcv: Vec<(Vec<u8>, PrivateAuthKey)>,
}

async fn upload_chunks(
    pool: &Arc<XftpPool>,
    enc_path: &Path,
    plan: &EncryptionPlan,
    relays: &[Relay],
    opts: &SendOptions,
) -> Result<Vec<SentReplica>> {
    let redundancy = opts.redundancy.clamp(1, relays.len());
    let total = plan.enc_size * redundancy as u64;
    let done = Arc::new(AtomicU64::new(0));
    let sem = Arc::new(Semaphore::new(pool.config().concurrency.max(1)));
    // Set on the first failure: uploads not yet started are skipped.
    let failed = Arc::new(AtomicBool::new(false));
    let mut set = JoinSet::new();
    for spec in chunk_specs(&plan.chunk_sizes) {
        let start = rand::random::<u32>() as usize % relays.len();
        for replica_no in 0..redundancy {
            let relay = relays[(start + replica_no) % relays.len()].clone();
            let (pool, sem, path) = (pool.clone(), sem.clone(), enc_path.to_owned());
            let (done, progress, n) = (done.clone(), opts.progress.clone(), opts.n_recipients);
            let failed = failed.clone();
            set.spawn(async move {
                let _permit = sem
                    .acquire_owned()
                    .await
                    .map_err(|_| ClientError::Invalid("closed"))?;
                if failed.load(Ordering::Relaxed) {
                    return Ok(None);
                }
                let r = upload_replica(&pool, &path, spec, replica_no, &relay, n).await;
                if r.is_err() {
                    failed.store(true, Ordering::Relaxed);
                }
                let r = r?;
                let d =
                    done.fetch_add(u64::from(spec.size), Ordering::Relaxed) + u64::from(spec.size);
                if let Some(p) = progress {
                    p(d, total);
                }
                Ok::<_, ClientError>(Some(r))
            });
        }
    }
    let mut out = Vec::new();
    let mut first_err = None;
    while let Some(r) = set.join_next().await {
        match r.map_err(|_| ClientError::Invalid("upload task failed")) {
            Ok(Ok(Some(r))) => out.push(r),
            Ok(Ok(None)) => {}
            Ok(Err(e)) | Err(e) => {
                failed.store(true, Ordering::Relaxed);
                first_err.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first_err {
        // Leave nothing behind on the relays: the caller gets no sender description.
        for r in &out {
            delete_created(pool, &r.server, &r.snd_key, &r.snd_id).await;
        }
        return Err(e);
    }
    out.sort_by_key(|r| (r.spec.chunk_no, r.replica_no));
    Ok(out)
}

/// Best-effort `FDEL` of a chunk this upload created (used when the upload fails).
async fn delete_created(pool: &XftpPool, server: &XftpServer, key: &PrivateAuthKey, id: &[u8]) {
    if let Err(e) = pool
        .with_retry(server, |c| async move { c.delete_chunk(key, id).await })
        .await
    {
        tracing::warn!("cannot delete a chunk of a failed upload on {server}: {e}");
    }
}

async fn read_chunk(path: &Path, spec: ChunkSpec) -> Result<Vec<u8>> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
        let mut f = std::fs::File::open(path)?;
        f.seek(SeekFrom::Start(spec.offset))?;
        let mut buf = vec![0u8; spec.size as usize];
        f.read_exact(&mut buf)?;
        Ok(buf)
    })
    .await
    .map_err(|_| ClientError::Invalid("read task failed"))?
    .map_err(ClientError::Io)
}

fn new_key() -> Result<PrivateAuthKey> {
    PrivateAuthKey::generate(AuthAlgorithm::Ed25519, &mut rand::rng())
        .map_err(|_| ClientError::Invalid("key generation failed"))
}

async fn upload_replica(
    pool: &XftpPool,
    path: &Path,
    spec: ChunkSpec,
    replica_no: usize,
    relay: &Relay,
    n_recipients: usize,
) -> Result<SentReplica> {
    let data = Bytes::from(read_chunk(path, spec).await?);
    let digest = xftp_desc::chunk_digest(&data);
    let snd_key = new_key()?;
    let rcv_keys = (0..n_recipients)
        .map(|_| new_key())
        .collect::<Result<Vec<_>>>()?;
    let pubs: Vec<PublicAuthKey> = rcv_keys.iter().map(PrivateAuthKey::public).collect();
    let info = FileInfo {
        snd_key: snd_key.public(),
        size: spec.size,
        digest: digest.to_vec(),
    };
    let (first, rest) = pubs.split_at(pubs.len().min(MAX_RECIPIENTS_PER_REQUEST));
    let (k, auth, srv) = (&snd_key, relay.auth.as_ref(), &relay.server);
    let (snd_id, mut ids) = pool
        .with_retry(srv, |c| {
            let info = info.clone();
            async move { c.create_chunk(k, info, first, auth).await }
        })
        .await?;
    let id = &snd_id;
    let rest_done = async {
        for batch in rest.chunks(MAX_RECIPIENTS_PER_REQUEST) {
            ids.extend(
                pool.with_retry(srv, |c| async move { c.add_recipients(k, id, batch).await })
                    .await?,
            );
        }
        pool.with_retry(srv, |c| {
            let d = data.clone();
            async move { c.upload_chunk(k, id, d).await }
        })
        .await
    }
    .await;
    if let Err(e) = rest_done {
        // The record exists on the relay: remove it (and any bytes) before failing.
        delete_created(pool, srv, k, id).await;
        return Err(e);
    }
    tracing::debug!("uploaded chunk {} to {}", spec.chunk_no, relay.server);
    Ok(SentReplica {
        spec,
        replica_no,
        server: relay.server.clone(),
        digest,
        snd_id,
        snd_key,
        rcv: ids.into_iter().zip(rcv_keys).collect(),
    })
}

/// The sender description and the recipients' (`createSndFileDescription`,
/// `createRcvFileDescriptions`): same chunks, each party's own ids and keys.
fn build_descriptions(
    base: FileDescription,
    replicas: &[SentReplica],
    n_recipients: usize,
    redirect: Option<RedirectInfo>,
) -> Result<SentFile> {
    let chunks_for = |pick: &dyn Fn(&SentReplica) -> (Vec<u8>, ReplicaKey)| {
        let mut chunks: Vec<FileChunk> = Vec::new();
        for r in replicas {
            let (replica_id, replica_key) = pick(r);
            let replica = ChunkReplica {
                server: r.server.clone(),
                replica_id,
                replica_key,
            };
            match chunks.last_mut() {
                Some(c) if c.chunk_no == r.spec.chunk_no => c.replicas.push(replica),
                _ => chunks.push(FileChunk {
                    chunk_no: r.spec.chunk_no,
                    chunk_size: r.spec.size,
                    digest: r.digest.to_vec(),
                    replicas: vec![replica],
                }),
            }
        }
        chunks
    };
    let sender = FileDescription {
        chunks: chunks_for(&|r| (r.snd_id.clone(), ReplicaKey::from_key(&r.snd_key))),
        ..base.clone()
    }
    .validate()?;
    let recipients = (0..n_recipients)
        .map(|n| {
            let pick = |r: &SentReplica| {
                let (id, key) = &r.rcv[n];
                (id.clone(), ReplicaKey::from_key(key))
            };
            FileDescription {
                party: FileParty::Recipient,
                chunks: chunks_for(&pick),
                redirect: redirect.clone(),
                ..base.clone()
            }
            .validate()
        })
        .collect::<xftp_desc::Result<Vec<_>>>()?;
    Ok(SentFile { sender, recipients })
}

/// Deletes every replica of every chunk of a sent file (`FDEL`), using the sender
/// description. Stops at the first error.
pub async fn delete_file(pool: &XftpPool, sender: &ValidFileDescription) -> Result<()> {
    if sender.party != FileParty::Sender {
        return Err(ClientError::Invalid(
            "a sender description is needed to delete a file",
        ));
    }
    for chunk in &sender.chunks {
        for r in &chunk.replicas {
            let key = r.replica_key.key()?;
            let (k, id) = (&key, r.replica_id.as_slice());
            pool.with_retry(&r.server, |c| async move { c.delete_chunk(k, id).await })
                .await?;
        }
    }
    Ok(())
}
