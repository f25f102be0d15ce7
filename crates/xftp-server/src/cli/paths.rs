//! The server's two directories: configuration (`file-server.ini`, certificates, keys,
//! `fingerprint`) and logs (the store log). `XFTP_SERVER_CFG_PATH` and
//! `XFTP_SERVER_LOG_PATH` choose them; otherwise the reference's
//! `/etc/opt/simplex-xftp` and `/var/opt/simplex-xftp`, and, for a user who cannot write
//! there, `~/.config/simplex-xftp` and `~/.local/state/simplex-xftp`.

use std::path::{Path, PathBuf};

/// Environment variable naming the configuration directory.
pub const CFG_ENV: &str = "XFTP_SERVER_CFG_PATH";
/// Environment variable naming the log directory.
pub const LOG_ENV: &str = "XFTP_SERVER_LOG_PATH";
/// The INI file name.
pub const INI_FILE: &str = "file-server.ini";
/// The file holding the server fingerprint.
pub const FINGERPRINT_FILE: &str = "fingerprint";
/// The store log file name (in the log directory).
pub const STORE_LOG_FILE: &str = "file-server-store.log";

/// The configuration and log directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dirs {
    /// Configuration directory.
    pub cfg: PathBuf,
    /// Log directory.
    pub log: PathBuf,
}

impl Dirs {
    /// The INI file path.
    pub fn ini(&self) -> PathBuf {
        self.cfg.join(INI_FILE)
    }

    /// The store log path.
    pub fn store_log(&self) -> PathBuf {
        self.log.join(STORE_LOG_FILE)
    }

    /// Chooses the directories; `creating` is true for `init` (the system directory must
    /// be writable), false for the other commands (it must hold an INI file).
    pub fn resolve(creating: bool) -> Dirs {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let user = |var: &str, rel: &[&str]| {
            let base = std::env::var_os(var)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .or_else(|| home.clone().map(|h| rel.iter().fold(h, |p, r| p.join(r))));
            base.map(|b| b.join("simplex-xftp"))
        };
        let system = Dirs {
            cfg: PathBuf::from("/etc/opt/simplex-xftp"),
            log: PathBuf::from("/var/opt/simplex-xftp"),
        };
        let fallback = match (
            user("XDG_CONFIG_HOME", &[".config"]),
            user("XDG_STATE_HOME", &[".local", "state"]),
        ) {
            (Some(cfg), Some(log)) => Dirs { cfg, log },
            _ => system.clone(),
        };
        let use_system = if creating {
            can_write(&system.cfg) && can_write(&system.log)
        } else {
            system.ini().exists() || !fallback.ini().exists()
        };
        let chosen = if use_system { system } else { fallback };
        let env_or = |var: &str, d: PathBuf| {
            std::env::var_os(var)
                .filter(|v| !v.is_empty())
                .map_or(d, PathBuf::from)
        };
        Dirs {
            cfg: env_or(CFG_ENV, chosen.cfg),
            log: env_or(LOG_ENV, chosen.log),
        }
    }
}

/// Whether the directory exists or can be made, and accepts a new file.
fn can_write(dir: &Path) -> bool {
    if std::fs::create_dir_all(dir).is_err() {
        return false;
    }
    let probe = dir.join(format!(".xftp-write-test-{}", std::process::id()));
    let ok = std::fs::write(&probe, b"").is_ok();
    let _ = std::fs::remove_file(&probe);
    ok
}
