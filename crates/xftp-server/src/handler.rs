//! Verifying and executing one command (`Server.hs` `verifyXFTPTransmission`,
//! `processXFTPRequest`).

use std::sync::Arc;

use simplex_crypto::authenticator::cb_verify;
use simplex_crypto::keys::{PublicAuthKey, X25519Secret};
use simplex_crypto::nonce::cb_nonce;
use simplex_encoding::Version;
use smp_proto::transmission::TAuth;
use smp_proto::{CorrId, EntityId};
use xftp_proto::transmission::Request;
use xftp_proto::{FileCommand, FileInfo, FileResponse, XftpErrorType};

use crate::body::RequestBody;
use crate::chunks::{Download, receive_chunk, send_chunk};
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

pub(crate) fn new_id() -> Vec<u8> {
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
