//! Verifying and executing one command (`Server.hs` `verifyXFTPTransmission`,
//! `processXFTPRequest`).

use std::path::PathBuf;

use bytes::Bytes;
use std::sync::Arc;
use std::time::Duration;

use simplex_crypto::SbStream;
use simplex_crypto::authenticator::cb_verify;
use simplex_crypto::keys::{PublicAuthKey, X25519Secret};
use simplex_crypto::nonce::{cb_nonce, random_nonce};
use simplex_encoding::{Version, base64url};
use smp_proto::transmission::TAuth;
use smp_proto::{CorrId, EntityId};
use xftp_proto::transmission::Request;
use xftp_proto::{FileCommand, FileInfo, FileResponse, XftpErrorType};

use crate::body::RequestBody;
use crate::env::Env;
use crate::store::{FileStatus, StoreRefusal, round_file_time};
use crate::store_log::LogRecord;

/// The negotiated parameters of a connection.
#[derive(Debug, Clone)]
pub(crate) struct Params {
    pub version: Version,
    /// The server's X25519 handshake key (for X25519 authenticators).
    pub server_key: Option<Arc<X25519Secret>>,
}

/// A chunk to stream after a `FILE` response: encrypted with `stream`, then its tag.
pub(crate) struct Download {
    pub path: PathBuf,
    pub size: u32,
    pub stream: SbStream,
}

/// A reply and, for `FILE`, the chunk that follows it.
pub(crate) type Reply = (FileResponse, Option<Download>);

fn check_auth(
    auth: Option<&TAuth>,
    authorized: &[u8],
    corr_id: &CorrId,
    key: &PublicAuthKey,
    server_key: Option<&X25519Secret>,
) -> bool {
    match (auth, key, server_key) {
        (Some(TAuth::Signature(sig)), PublicAuthKey::Ed25519(_) | PublicAuthKey::Ed448(_), _) => {
            key.verify(authorized, sig)
        }
        (Some(TAuth::Authenticator(a)), PublicAuthKey::X25519(k), Some(sk)) => {
            cb_verify(k, sk, &cb_nonce(corr_id.as_bytes()), authorized, a)
        }
        _ => false,
    }
}

/// Spends the time of a real check on a missing file, then fails.
fn dummy_auth(env: &Env, req: &Request, server_key: Option<&X25519Secret>) {
    let key = match &req.auth {
        Some(TAuth::Authenticator(_)) => PublicAuthKey::X25519(env.dummy_dh_key.clone()),
        _ => env.dummy_sig_key.clone(),
    };
    let _ = check_auth(
        req.auth.as_ref(),
        &req.authorized,
        &req.corr_id,
        &key,
        server_key,
    );
}

/// Verifies a request's authorization and runs it.
pub(crate) async fn process(env: &Env, p: &Params, req: Request, body: &mut RequestBody) -> Reply {
    let sk = p.server_key.as_deref();
    let ok =
        |key: &PublicAuthKey| check_auth(req.auth.as_ref(), &req.authorized, &req.corr_id, key, sk);
    let err = |e| (FileResponse::Err(e), None);
    match &req.command {
        FileCommand::Ping => (FileResponse::Pong, None),
        FileCommand::New { file, .. } if !ok(&file.snd_key) => err(XftpErrorType::Auth),
        FileCommand::New {
            file,
            rcv_keys,
            auth,
        } => {
            let allowed = env.cfg.allow_new_files
                && env
                    .cfg
                    .create_password
                    .as_ref()
                    .is_none_or(|pw| auth.as_ref() == Some(pw));
            if !allowed {
                return err(XftpErrorType::Auth);
            }
            (create_file(env, file, rcv_keys), None)
        }
        cmd => {
            let found = {
                let st = env.store();
                st.get(cmd.party(), req.entity_id.as_bytes()).map(|(f, k)| {
                    (
                        f.status.clone(),
                        k,
                        f.sender_id.clone(),
                        f.path.clone(),
                        f.info.clone(),
                    )
                })
            };
            let Some((status, key, sid, path, info)) = found else {
                dummy_auth(env, &req, sk);
                return err(XftpErrorType::Auth);
            };
            match status {
                FileStatus::Blocked(i) => return err(XftpErrorType::Blocked(i)),
                FileStatus::Off => return err(XftpErrorType::Auth),
                FileStatus::Active if !ok(&key) => return err(XftpErrorType::Auth),
                FileStatus::Active => {}
            }
            match cmd {
                FileCommand::Add(keys) => (add_recipients(env, &sid, keys), None),
                FileCommand::Put => (receive_chunk(env, &sid, path, &info, body).await, None),
                FileCommand::Del => {
                    env.delete_file(&sid);
                    (FileResponse::Ok, None)
                }
                FileCommand::Get(dh) => send_chunk(path, &info, dh).await,
                FileCommand::Ack => {
                    env.log(&[LogRecord::AckFile(req.entity_id.as_bytes().to_vec())]);
                    let _ = env.store().ack(req.entity_id.as_bytes());
                    (FileResponse::Ok, None)
                }
                FileCommand::New { .. } | FileCommand::Ping => err(XftpErrorType::Internal),
            }
        }
    }
}

fn new_id() -> Vec<u8> {
    let mut b = [0u8; xftp_proto::versions::FILE_ID_LEN];
    rand::fill(&mut b);
    b.to_vec()
}

/// Tries up to three random ids, as the reference does.
fn with_new_id(
    mut add: impl FnMut(&[u8]) -> Result<(), StoreRefusal>,
) -> Result<Vec<u8>, XftpErrorType> {
    for _ in 0..3 {
        let id = new_id();
        match add(&id) {
            Ok(()) => return Ok(id),
            Err(StoreRefusal::Duplicate) => continue,
            Err(StoreRefusal::Auth) => return Err(XftpErrorType::Auth),
        }
    }
    Err(XftpErrorType::Internal)
}

fn create_file(env: &Env, file: &FileInfo, rcv_keys: &[PublicAuthKey]) -> FileResponse {
    if !env.cfg.chunk_sizes.contains(&file.size) {
        return FileResponse::Err(XftpErrorType::Size);
    }
    let created_at = round_file_time(env.cfg.clock.now());
    let added = {
        let mut st = env.store();
        with_new_id(|id| st.add_file(id, file.clone(), created_at, FileStatus::Active))
            .and_then(|sid| add_keys(&mut st, &sid, rcv_keys).map(|rs| (sid, rs)))
    };
    match added {
        Ok((sid, rs)) => {
            env.log(&[
                LogRecord::AddFile {
                    sender_id: sid.clone(),
                    info: file.clone(),
                    created_at,
                    status: FileStatus::Active,
                },
                LogRecord::AddRecipients(sid.clone(), rs.clone()),
            ]);
            to_ids(&sid, &rs).map_or(FileResponse::Err(XftpErrorType::Internal), |(s, r)| {
                FileResponse::SndIds(s, r)
            })
        }
        Err(e) => FileResponse::Err(e),
    }
}

type Recipients = Vec<(Vec<u8>, PublicAuthKey)>;

fn add_keys(
    st: &mut crate::store::FileStore,
    sid: &[u8],
    keys: &[PublicAuthKey],
) -> Result<Recipients, XftpErrorType> {
    keys.iter()
        .map(|k| {
            with_new_id(|rid| st.add_recipient(sid, rid, k.clone())).map(|rid| (rid, k.clone()))
        })
        .collect()
}

fn to_ids(sid: &[u8], rs: &Recipients) -> Option<(EntityId, Vec<EntityId>)> {
    let r: Option<Vec<EntityId>> = rs.iter().map(|(r, _)| EntityId::new(r).ok()).collect();
    Some((EntityId::new(sid).ok()?, r?))
}

fn add_recipients(env: &Env, sid: &[u8], keys: &[PublicAuthKey]) -> FileResponse {
    let added = add_keys(&mut env.store(), sid, keys);
    match added {
        Ok(rs) => {
            env.log(&[LogRecord::AddRecipients(sid.to_vec(), rs.clone())]);
            match to_ids(sid, &rs) {
                Some((_, r)) => FileResponse::RcvIds(r),
                None => FileResponse::Err(XftpErrorType::Internal),
            }
        }
        Err(e) => FileResponse::Err(e),
    }
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

async fn receive_chunk(
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
async fn send_chunk(
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
