//! Chunk bytes: receiving an upload into the files directory (`FPUT`) and streaming an
//! encrypted download (`FGET`).

use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use simplex_crypto::SbStream;
use simplex_crypto::keys::X25519Secret;
use simplex_crypto::nonce::random_nonce;
use simplex_encoding::base64url;
use xftp_proto::{FileInfo, FileResponse, XftpErrorType};

use crate::body::RequestBody;
use crate::env::Env;
use crate::handler::{Reply, new_id};
use crate::store_log::LogRecord;

/// A chunk to stream after a `FILE` response: encrypted with `stream`, then its tag.
pub(crate) struct Download {
    pub path: PathBuf,
    pub size: u32,
    pub stream: SbStream,
}

/// The next part of a chunk body of `size` bytes, `got` counting what came so far:
/// `SIZE` if the body is longer or ends short, `TIMEOUT` if the stream breaks.
async fn next_part(
    body: &mut RequestBody,
    got: &mut usize,
    size: usize,
) -> Result<Option<Bytes>, XftpErrorType> {
    match body.next_part().await.map_err(|_| XftpErrorType::Timeout)? {
        Some(part) if *got + part.len() > size => Err(XftpErrorType::Size),
        Some(part) => {
            *got += part.len();
            Ok(Some(part))
        }
        None if *got == size => Ok(None),
        None => Err(XftpErrorType::Size),
    }
}

/// Reads and drops a chunk body (a repeated upload of a stored chunk).
async fn drain_body(body: &mut RequestBody, size: usize) -> Result<(), XftpErrorType> {
    let mut got = 0;
    while next_part(body, &mut got, size).await?.is_some() {}
    Ok(())
}

/// Writes the body to `path` as it arrives, hashing it; `DIGEST` if the hash differs.
async fn store_body(
    body: &mut RequestBody,
    path: &std::path::Path,
    info: &FileInfo,
) -> Result<(), XftpErrorType> {
    use sha2::Digest;
    use tokio::io::AsyncWriteExt;
    let io = |e: std::io::Error| {
        tracing::error!("cannot write {}: {e}", path.display());
        XftpErrorType::FileIo
    };
    let mut file = tokio::fs::File::create(path).await.map_err(io)?;
    let mut hash = sha2::Sha256::new();
    let mut got = 0;
    while let Some(part) = next_part(body, &mut got, info.size as usize).await? {
        hash.update(&part);
        file.write_all(&part).await.map_err(io)?;
    }
    file.flush().await.map_err(io)?;
    if hash.finalize().as_slice() == info.digest.as_slice() {
        Ok(())
    } else {
        Err(XftpErrorType::Digest)
    }
}

pub(crate) async fn receive_chunk(
    env: &Env,
    sid: &[u8],
    existing: Option<PathBuf>,
    info: &FileInfo,
    body: &mut RequestBody,
) -> FileResponse {
    let size = info.size as usize;
    let limit = Duration::from_secs(env.cfg.upload_timeout_secs);
    if !body.has_more() {
        return FileResponse::Err(XftpErrorType::Size);
    }
    if existing.is_some() {
        // Already uploaded: read the body (the client waits to send it) and change nothing.
        return match tokio::time::timeout(limit, drain_body(body, size)).await {
            Ok(Ok(())) => FileResponse::Ok,
            Ok(Err(e)) => FileResponse::Err(e),
            Err(_) => FileResponse::Err(XftpErrorType::Timeout),
        };
    }
    if !env.reserve(u64::from(info.size)) {
        return FileResponse::Err(XftpErrorType::Quota);
    }
    let path = env.cfg.files_path.join(base64url::encode(sid));
    // Each upload writes its own temporary file: two concurrent uploads of one chunk
    // cannot corrupt or delete each other's bytes.
    let tmp = path.with_extension(format!("part-{}", base64url::encode_unpadded(&new_id())));
    let result = match tokio::time::timeout(limit, store_body(body, &tmp, info)).await {
        Err(_) => Err(XftpErrorType::Timeout),
        Ok(r) => r,
    };
    let stored = match result {
        Ok(()) => match tokio::fs::rename(&tmp, &path).await {
            Ok(()) => env
                .store()
                .set_path(sid, path.clone())
                .map_err(|_| XftpErrorType::Auth),
            Err(e) => {
                tracing::error!("cannot store {}: {e}", path.display());
                Err(XftpErrorType::FileIo)
            }
        },
        Err(e) => Err(e),
    };
    match stored {
        Ok(()) => {
            env.log(&[LogRecord::PutFile(sid.to_vec(), path)]);
            FileResponse::Ok
        }
        Err(e) => {
            env.release(u64::from(info.size));
            let _ = tokio::fs::remove_file(&tmp).await;
            // The chunk file stays only if another upload of it was recorded.
            let recorded = env.store().file(sid).is_some_and(|f| f.path.is_some());
            if !recorded {
                let _ = tokio::fs::remove_file(&path).await;
            }
            FileResponse::Err(e)
        }
    }
}

/// `FGET`: a fresh server key and nonce; the chunk is streamed after the response,
/// encrypted with the secretbox stream keyed by the DH secret and followed by its tag.
pub(crate) async fn send_chunk(
    path: Option<PathBuf>,
    info: &FileInfo,
    rcv_dh: &simplex_crypto::X25519Public,
) -> Reply {
    let Some(path) = path else {
        return (FileResponse::Err(XftpErrorType::NoFile), None);
    };
    match tokio::fs::metadata(&path).await {
        Ok(m) if m.len() == u64::from(info.size) => {}
        _ => return (FileResponse::Err(XftpErrorType::Auth), None),
    }
    let (srv_pub, nonce, secret) = {
        let mut rng = rand::rng();
        let srv = X25519Secret::generate(&mut rng);
        (srv.public(), random_nonce(&mut rng), srv.dh(rcv_dh))
    };
    let stream = SbStream::new_dh(&secret, &nonce);
    let download = Download {
        path,
        size: info.size,
        stream,
    };
    (FileResponse::File(srv_pub, nonce), Some(download))
}

/// Size of the pieces a chunk is read, encrypted and sent in.
const PIECE: usize = 64 * 1024;

/// Starts a task that reads the chunk file, encrypts it piece by piece and sends the
/// pieces, then the tag. A read error ends the body early (the client sees a short body
/// and a bad tag).
pub(crate) fn stream_chunk(d: Download) -> tokio::sync::mpsc::Receiver<Bytes> {
    use tokio::io::AsyncReadExt;
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        let Download {
            path,
            size,
            mut stream,
        } = d;
        let Ok(mut file) = tokio::fs::File::open(&path).await else {
            return;
        };
        let mut left = size as usize;
        while left > 0 {
            let mut piece = vec![0u8; left.min(PIECE)];
            if file.read_exact(&mut piece).await.is_err() {
                tracing::error!("cannot read {}", path.display());
                return;
            }
            left -= piece.len();
            stream.encrypt_chunk(&mut piece);
            if tx.send(Bytes::from(piece)).await.is_err() {
                return;
            }
        }
        let _ = tx.send(Bytes::copy_from_slice(&stream.tag())).await;
    });
    rx
}
