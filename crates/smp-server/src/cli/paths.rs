//! Where the relay keeps its files: the configuration directory (INI file, certificates,
//! keys, fingerprint) and the log directory (the store), chosen as the reference does from
//! `SMP_SERVER_CFG_PATH` and `SMP_SERVER_LOG_PATH`, with a per-user fallback when the system
//! directories cannot be used.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Environment variable naming the configuration directory.
pub const CFG_PATH_ENV: &str = "SMP_SERVER_CFG_PATH";
/// Environment variable naming the log (data) directory.
pub const LOG_PATH_ENV: &str = "SMP_SERVER_LOG_PATH";
/// The reference's default configuration directory.
pub const DEFAULT_CFG_PATH: &str = "/etc/opt/simplex";
/// The reference's default log directory.
pub const DEFAULT_LOG_PATH: &str = "/var/opt/simplex";

/// Name of the INI file in the configuration directory.
pub const INI_FILE: &str = "smp-server.ini";
/// Name of the fingerprint file in the configuration directory.
pub const FINGERPRINT_FILE: &str = "fingerprint";
/// Name of the store directory inside the log directory.
pub const STORE_DIR: &str = "store";
/// The reference relay's queue store log (in the log directory).
pub const REFERENCE_STORE_LOG: &str = "smp-server-store.log";
/// The reference relay's message journal directory (in the log directory).
pub const REFERENCE_MSG_JOURNAL: &str = "messages";
/// The reference relay's saved messages file (in the log directory).
pub const REFERENCE_MSG_LOG: &str = "smp-server-messages.log";

/// What the directories are needed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `init`: the directories will be created and written.
    Create,
    /// `start`, `delete`, `cert`: the directories should already exist.
    Existing,
}

/// The two directories of one relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Configuration directory.
    pub cfg_dir: PathBuf,
    /// Log (data) directory.
    pub log_dir: PathBuf,
    /// Notes for the operator about fallback choices (printed by the commands).
    pub notes: Vec<String>,
}

impl Paths {
    /// Uses exactly these directories.
    pub fn new(cfg_dir: impl Into<PathBuf>, log_dir: impl Into<PathBuf>) -> Self {
        Paths {
            cfg_dir: cfg_dir.into(),
            log_dir: log_dir.into(),
            notes: Vec::new(),
        }
    }

    /// Resolves the directories from the environment (see the module docs).
    pub fn from_env(purpose: Purpose) -> Self {
        let home = env_path("HOME");
        let cfg_fallback = env_path("XDG_CONFIG_HOME")
            .or_else(|| home.as_ref().map(|h| h.join(".config")))
            .map(|d| d.join("simplex"));
        let log_fallback = env_path("XDG_STATE_HOME")
            .or_else(|| home.as_ref().map(|h| h.join(".local").join("state")))
            .map(|d| d.join("simplex"));
        let mut notes = Vec::new();
        let cfg_dir = resolve(
            CFG_PATH_ENV,
            DEFAULT_CFG_PATH,
            cfg_fallback,
            purpose,
            &mut notes,
        );
        let log_dir = resolve(
            LOG_PATH_ENV,
            DEFAULT_LOG_PATH,
            log_fallback,
            purpose,
            &mut notes,
        );
        Paths {
            cfg_dir,
            log_dir,
            notes,
        }
    }

    /// The INI file.
    pub fn ini_file(&self) -> PathBuf {
        self.cfg_dir.join(INI_FILE)
    }

    /// The fingerprint file.
    pub fn fingerprint_file(&self) -> PathBuf {
        self.cfg_dir.join(FINGERPRINT_FILE)
    }

    /// The store directory.
    pub fn store_dir(&self) -> PathBuf {
        self.log_dir.join(STORE_DIR)
    }

    /// Files and directories of the reference relay's storage present in the log directory.
    pub fn reference_store_files(&self) -> Vec<PathBuf> {
        [
            REFERENCE_STORE_LOG,
            REFERENCE_MSG_JOURNAL,
            REFERENCE_MSG_LOG,
        ]
        .iter()
        .map(|n| self.log_dir.join(n))
        .filter(|p| p.exists())
        .collect()
    }
}

/// An absolute path from an environment variable (empty or relative values are ignored, as
/// the XDG specification asks).
fn env_path(name: &str) -> Option<PathBuf> {
    let v = std::env::var_os(name)?;
    let p = PathBuf::from(v);
    p.is_absolute().then_some(p)
}

fn resolve(
    var: &str,
    default: &str,
    fallback: Option<PathBuf>,
    purpose: Purpose,
    notes: &mut Vec<String>,
) -> PathBuf {
    if let Some(v) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        return PathBuf::from(v);
    }
    let default = PathBuf::from(default);
    let Some(fallback) = fallback else {
        return default;
    };
    let use_default = match purpose {
        Purpose::Create => writable_dir(&default),
        Purpose::Existing => default.exists() || !fallback.exists(),
    };
    if use_default {
        return default;
    }
    notes.push(format!(
        "Note: {} {}, using {} (set {var} to choose another directory).",
        default.display(),
        match purpose {
            Purpose::Create => "is not writable",
            Purpose::Existing => "does not exist",
        },
        fallback.display()
    ));
    fallback
}

/// True if `dir` exists or can be created, and a file can be created in it. A directory
/// created by this check is left in place (`init` creates it anyway).
fn writable_dir(dir: &Path) -> bool {
    if fs::create_dir_all(dir).is_err() {
        return false;
    }
    let probe = dir.join(format!(".smp-server-probe-{}", std::process::id()));
    let created = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe);
    match created {
        Ok(_) => {
            let _ = fs::remove_file(&probe);
            true
        }
        Err(e) => e.kind() == io::ErrorKind::AlreadyExists,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    const UNSET: &str = "SMP_SERVER_TEST_UNSET_PATH_VARIABLE";

    #[test]
    fn unusable_default_falls_back_with_a_note() {
        let tmp = std::env::temp_dir().join(format!("smp-paths-{}", std::process::id()));
        let fallback = tmp.join("fallback");
        let mut notes = Vec::new();
        // Nothing can be created under a regular file.
        let p = resolve(
            UNSET,
            "/dev/null/simplex",
            Some(fallback.clone()),
            Purpose::Create,
            &mut notes,
        );
        assert_eq!(p, fallback);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("/dev/null/simplex") && notes[0].contains(UNSET));

        // Existing data: the default unless only the fallback exists.
        let mut notes = Vec::new();
        let p = resolve(
            UNSET,
            "/dev/null/simplex",
            Some(fallback.clone()),
            Purpose::Existing,
            &mut notes,
        );
        assert_eq!(p, PathBuf::from("/dev/null/simplex"));
        std::fs::create_dir_all(&fallback).unwrap();
        let p = resolve(
            UNSET,
            "/dev/null/simplex",
            Some(fallback.clone()),
            Purpose::Existing,
            &mut notes,
        );
        assert_eq!(p, fallback);

        // A writable default is used as is.
        let default = tmp.join("default");
        let p = resolve(
            UNSET,
            default.to_str().unwrap(),
            Some(fallback),
            Purpose::Create,
            &mut Vec::new(),
        );
        assert_eq!(p, default);
        assert!(default.is_dir());
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
