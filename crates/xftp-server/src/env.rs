//! The server's shared state: configuration, store, store log, used storage and the
//! keys it signs handshakes with.

use std::sync::{Arc, Mutex, MutexGuard};

use openssl::pkey::{PKey, Private};
use simplex_crypto::keys::{PrivateAuthKey, PublicAuthKey, X25519Public, X25519Secret};
use simplex_transport::ServerCredentials;
use smp_proto::error::BlockingInfo;

use crate::config::ServerConfig;
use crate::error::ServerError;
use crate::store::FileStore;
use crate::store_log::{LogRecord, StoreLog};

/// Everything the request handlers share.
#[derive(Debug)]
pub(crate) struct Env {
    pub cfg: ServerConfig,
    store: Mutex<FileStore>,
    log: Mutex<Option<StoreLog>>,
    used: Mutex<u64>,
    /// The TLS chain as DER: `[leaf, ca]`.
    pub chain_der: Vec<Vec<u8>>,
    /// The leaf (online) key: signs the handshake key and web identity proofs.
    pub leaf_key: PKey<Private>,
    pub sign_key: PrivateAuthKey,
    /// SHA-256 of the CA certificate.
    pub identity: [u8; 32],
    /// Keys for verifying authorizations of missing files (same work as a real check).
    pub dummy_sig_key: PublicAuthKey,
    pub dummy_dh_key: X25519Public,
}

impl Env {
    pub fn new(cfg: ServerConfig, creds: &ServerCredentials) -> Result<Arc<Env>, ServerError> {
        std::fs::create_dir_all(&cfg.files_path)
            .map_err(|e| ServerError::io(&cfg.files_path, e))?;
        let (store, log) = match &cfg.store_log {
            Some(p) => {
                let (st, log) = StoreLog::open(p)?;
                (st, Some(log))
            }
            None => (FileStore::new(), None),
        };
        remove_partial_uploads(&cfg.files_path);
        let used = store.used_storage();
        let key_err = |e: &dyn std::fmt::Display| ServerError::Key(e.to_string());
        let pkcs8 = creds
            .server_key
            .private_key_to_pkcs8()
            .map_err(|e| key_err(&e))?;
        let sign_key = PrivateAuthKey::from_pkcs8(&pkcs8).map_err(|e| key_err(&e))?;
        if matches!(sign_key, PrivateAuthKey::X25519(_)) {
            return Err(ServerError::Key(
                "the server key must be Ed25519 or Ed448".into(),
            ));
        }
        let mut rng = rand::rng();
        let dummy = PrivateAuthKey::generate(simplex_crypto::AuthAlgorithm::Ed25519, &mut rng)
            .map_err(|e| key_err(&e))?;
        Ok(Arc::new(Env {
            chain_der: vec![
                creds.server_cert.to_der().map_err(|e| key_err(&e))?,
                creds.ca_cert.to_der().map_err(|e| key_err(&e))?,
            ],
            identity: creds.fingerprint()?,
            leaf_key: creds.server_key.clone(),
            sign_key,
            dummy_sig_key: dummy.public(),
            dummy_dh_key: X25519Secret::generate(&mut rng).public(),
            store: Mutex::new(store),
            log: Mutex::new(log),
            used: Mutex::new(used),
            cfg,
        }))
    }

    /// The store, locked (never held across an await).
    pub fn store(&self) -> MutexGuard<'_, FileStore> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Appends records to the store log, if there is one.
    pub fn log(&self, records: &[LogRecord]) {
        let mut guard = self.log.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(log) = guard.as_mut() {
            for r in records {
                if let Err(e) = log.write(r) {
                    tracing::error!("store log write failed: {e}");
                }
            }
        }
    }

    /// Reserves `size` bytes of the quota; false when it would be exceeded.
    pub fn reserve(&self, size: u64) -> bool {
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        let quota = self.cfg.storage_quota.unwrap_or(u64::MAX);
        match used.checked_add(size) {
            Some(n) if n <= quota => {
                *used = n;
                true
            }
            _ => false,
        }
    }

    /// Gives back reserved or freed bytes.
    pub fn release(&self, size: u64) {
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        *used = used.saturating_sub(size);
    }

    /// Bytes in use.
    pub fn used(&self) -> u64 {
        *self.used.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Deletes a chunk: its file, record and quota share (logged as `FDEL`).
    pub fn delete_file(&self, sender_id: &[u8]) -> bool {
        let removed = self.store().delete_file(sender_id);
        let Some(f) = removed else { return false };
        self.log(&[LogRecord::DeleteFile(sender_id.to_vec())]);
        if let Some(p) = &f.path {
            if let Err(e) = std::fs::remove_file(p)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                tracing::error!("cannot delete {}: {e}", p.display());
            }
            self.release(u64::from(f.info.size));
        }
        true
    }

    /// Blocks a chunk (the operator's `block` control command): its bytes are deleted and
    /// its commands get `ERR BLOCKED`.
    pub fn block_file(&self, sender_id: &[u8], info: BlockingInfo) -> bool {
        let path = {
            let mut st = self.store();
            if st.block_file(sender_id, info.clone()).is_err() {
                return false;
            }
            st.file(sender_id)
                .and_then(|f| f.path.clone().map(|p| (p, f.info.size)))
        };
        self.log(&[LogRecord::BlockFile(sender_id.to_vec(), info)]);
        if let Some((p, size)) = path {
            let _ = std::fs::remove_file(&p);
            self.release(u64::from(size));
        }
        true
    }

    /// Removes chunks created more than the TTL ago; returns how many.
    pub fn expire(&self) -> usize {
        let Some(ttl) = self.cfg.file_ttl_secs else {
            return 0;
        };
        let old = self.cfg.clock.now() - ttl;
        let expired = self.store().expired(old);
        expired.iter().filter(|sid| self.delete_file(sid)).count()
    }
}

/// Deletes temporary files of uploads that a stop or crash interrupted.
fn remove_partial_uploads(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().contains(".part-") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
