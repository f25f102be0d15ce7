//! Reading `smp-server.ini` into [`Settings`], with the reference relay's section and key
//! names, its `on`/`off` booleans and its defaults, plus this server's own keys.
//!
//! Keys this server does not implement are ignored so that an existing reference INI file
//! still loads; [`Settings::ignored`] lists those whose value would change the reference's
//! behaviour, for `start` to report.

use crate::config::{
    DEFAULT_INACTIVE_CHECK, DEFAULT_INACTIVE_TTL, DEFAULT_QUOTA, InactiveClients, ProxyHostMode,
    ServerConfig,
};
use ini::{Ini, ParseOption};
use smp_proto::address::BasicAuth;
use smp_store::{Durability, StoreConfig};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The reference's default message expiry, in days (`defMsgExpirationDays`).
pub const DEFAULT_EXPIRE_MESSAGES_DAYS: u64 = 21;
/// The reference's default notification expiry, in hours (`defNtfExpirationHours`).
pub const DEFAULT_EXPIRE_NTFS_HOURS: u64 = 24;
/// The reference's default proxy concurrency per client (`defaultProxyClientConcurrency`).
pub const DEFAULT_PROXY_CLIENT_CONCURRENCY: usize = 32;
/// The default SMP port.
pub const DEFAULT_PORT: u16 = smp_proto::address::DEFAULT_SMP_PORT;

/// Errors reading the INI file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not valid INI.
    #[error("INI syntax error at line {line}, column {col}: {msg}")]
    Syntax {
        /// Line (1-based).
        line: usize,
        /// Column (1-based).
        col: usize,
        /// What is wrong.
        msg: String,
    },
    /// A key has a value this server cannot use.
    #[error("invalid value of {key} in section [{section}]: `{value}` (expected {expected})")]
    Invalid {
        /// The section.
        section: String,
        /// The key.
        key: String,
        /// The value as written (`<not shown>` for passwords).
        value: String,
        /// What would be accepted.
        expected: String,
    },
    /// A reference setting this server cannot honour without losing data.
    #[error("[{section}] {key} = {value} is not supported: {why}")]
    Unsupported {
        /// The section.
        section: String,
        /// The key.
        key: String,
        /// The value.
        value: String,
        /// Why, and what to do.
        why: String,
    },
}

/// A key that was read but has no effect in this server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredKey {
    /// Its section.
    pub section: String,
    /// The key.
    pub key: String,
    /// What the reference would have done, and what happens here instead.
    pub note: &'static str,
}

impl std::fmt::Display for IgnoredKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ignoring [{}] {}: {}", self.section, self.key, self.note)
    }
}

/// Everything `start` takes from the INI file.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `[STORE_LOG] enable`: keep queues and messages on disk (the embedded durable store in
    /// `<log dir>/store`); off keeps everything in memory only. Default on.
    pub store_log: bool,
    /// `[STORE_LOG] durability` (this server's key): when a change counts as stored.
    pub durability: Durability,
    /// `[STORE_LOG] msg_queue_quota` (this server's key): messages per queue.
    pub msg_queue_quota: usize,
    /// `[STORE_LOG] expire_messages_days`.
    pub expire_messages_days: u64,
    /// `[STORE_LOG] expire_messages_on_start`.
    pub expire_messages_on_start: bool,
    /// `[STORE_LOG] expire_ntfs_hours`.
    pub expire_ntfs_hours: u64,
    /// `[AUTH] new_queues`.
    pub new_queues: bool,
    /// `[AUTH] create_password`.
    pub create_password: Option<BasicAuth>,
    /// `[TRANSPORT] host` (only used to print the server address).
    pub host: Option<String>,
    /// `[TRANSPORT] port`: the SMP ports, in order.
    pub ports: Vec<u16>,
    /// `[INACTIVE_CLIENTS]`: `None` when `disconnect` is not on.
    pub inactive_clients: Option<InactiveClients>,
    /// `[PROXY] client_concurrency`.
    pub proxy_client_concurrency: usize,
    /// `[PROXY] host_mode`: `public` (default) or `onion`.
    pub proxy_host_mode: ProxyHostMode,
    /// `[PROXY] required_host_mode` (default off).
    pub proxy_required_host_mode: bool,
    /// `[METRICS] prometheus_address` (this server's key).
    pub prometheus_address: Option<SocketAddr>,
    /// `[INFORMATION] source_code`.
    pub source_code: Option<String>,
    /// Keys present in the file that this server ignores although they matter in the
    /// reference.
    pub ignored: Vec<IgnoredKey>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            store_log: true,
            durability: Durability::Fsync,
            msg_queue_quota: DEFAULT_QUOTA,
            expire_messages_days: DEFAULT_EXPIRE_MESSAGES_DAYS,
            expire_messages_on_start: true,
            expire_ntfs_hours: DEFAULT_EXPIRE_NTFS_HOURS,
            new_queues: true,
            create_password: None,
            host: None,
            ports: vec![DEFAULT_PORT],
            inactive_clients: None,
            proxy_client_concurrency: DEFAULT_PROXY_CLIENT_CONCURRENCY,
            proxy_host_mode: ProxyHostMode::Public,
            proxy_required_host_mode: false,
            prometheus_address: None,
            source_code: None,
            ignored: Vec::new(),
        }
    }
}

impl Settings {
    /// Reads and parses an INI file.
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Settings::parse(&text)
    }

    /// Parses INI text (values are taken verbatim: no quote or escape processing).
    pub fn parse(text: &str) -> Result<Settings, ConfigError> {
        check_continuations(text)?;
        let opt = ParseOption {
            enabled_quote: false,
            enabled_escape: false,
            ..ParseOption::default()
        };
        let ini = Ini::load_from_str_opt(text, opt).map_err(|e| ConfigError::Syntax {
            line: e.line,
            col: e.col,
            msg: e.msg.into_owned(),
        })?;
        from_ini(&Reader(&ini))
    }

    /// The addresses to listen on: every `[TRANSPORT] port` on all IPv4 interfaces.
    pub fn listen_addrs(&self) -> Vec<SocketAddr> {
        self.ports
            .iter()
            .map(|&p| SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), p))
            .collect()
    }

    /// Message expiry.
    pub fn msg_expiry(&self) -> Duration {
        Duration::from_secs(self.expire_messages_days.saturating_mul(86_400))
    }

    /// The relay configuration (settings the INI file does not cover keep their defaults).
    pub fn server_config(&self) -> ServerConfig {
        ServerConfig {
            listen: self.listen_addrs(),
            msg_queue_quota: self.msg_queue_quota,
            msg_expiry: Some(self.msg_expiry()),
            expire_on_start: self.expire_messages_on_start,
            ntf_expiry: Duration::from_secs(self.expire_ntfs_hours.saturating_mul(3600)),
            inactive_clients: self.inactive_clients,
            allow_new_queues: self.new_queues,
            create_password: self.create_password.clone(),
            proxy_client_concurrency: self.proxy_client_concurrency,
            proxy_host_mode: self.proxy_host_mode,
            proxy_required_host_mode: self.proxy_required_host_mode,
            metrics_addr: self.prometheus_address,
            ..ServerConfig::default()
        }
    }

    /// The durable store's configuration for a store in `dir`.
    pub fn store_config(&self, dir: impl Into<PathBuf>) -> StoreConfig {
        StoreConfig {
            durability: self.durability,
            quota: self.msg_queue_quota,
            // Compacted by `start` once the relay is serving, not while opening.
            compact_on_open: false,
            ..StoreConfig::new(dir)
        }
    }
}

/// rust-ini joins a line ending in a single `\` with the next one even with escapes off,
/// which would silently change a value such as a password; refuse such files instead.
fn check_continuations(text: &str) -> Result<(), ConfigError> {
    let mut section = String::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(s) = t.strip_prefix('[') {
            section = s.trim_end_matches(']').trim().to_owned();
            continue;
        }
        if t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        let trailing = t.len() - t.trim_end_matches('\\').len();
        if trailing % 2 == 1 {
            let key = t.split(['=', ':']).next().unwrap_or("").trim();
            let is_secret = key.contains("password");
            return Err(ConfigError::Invalid {
                section: section.clone(),
                key: key.to_owned(),
                value: if is_secret {
                    "<not shown>".into()
                } else {
                    t.to_owned()
                },
                expected:
                    "a value that does not end with a backslash (read as a line continuation)"
                        .into(),
            });
        }
    }
    Ok(())
}

/// Looks values up and records ignored keys.
struct Reader<'a>(&'a Ini);

impl Reader<'_> {
    fn get(&self, section: &str, key: &str) -> Option<&str> {
        self.0.section(Some(section)).and_then(|s| s.get(key))
    }

    fn invalid(&self, section: &str, key: &str, expected: &str) -> ConfigError {
        let value = if key.contains("password") {
            "<not shown>".to_owned()
        } else {
            self.get(section, key).unwrap_or_default().to_owned()
        };
        ConfigError::Invalid {
            section: section.to_owned(),
            key: key.to_owned(),
            value,
            expected: expected.to_owned(),
        }
    }

    /// The reference's `onOff`: exactly `on` or `off`.
    fn on_off(&self, section: &str, key: &str) -> Result<Option<bool>, ConfigError> {
        match self.get(section, key) {
            None => Ok(None),
            Some("on") => Ok(Some(true)),
            Some("off") => Ok(Some(false)),
            Some(_) => Err(self.invalid(section, key, "`on` or `off`")),
        }
    }

    fn number<T: std::str::FromStr + PartialOrd>(
        &self,
        section: &str,
        key: &str,
        default: T,
        min: T,
        expected: &str,
    ) -> Result<T, ConfigError> {
        match self.get(section, key) {
            None => Ok(default),
            Some(v) => match v.parse::<T>() {
                Ok(n) if n >= min => Ok(n),
                _ => Err(self.invalid(section, key, expected)),
            },
        }
    }
}

fn from_ini(r: &Reader<'_>) -> Result<Settings, ConfigError> {
    let d = Settings::default();
    let inactive_clients = match r.on_off("INACTIVE_CLIENTS", "disconnect")? {
        Some(true) => Some(InactiveClients {
            ttl: secs(r, "ttl", DEFAULT_INACTIVE_TTL)?,
            check_interval: secs(r, "check_interval", DEFAULT_INACTIVE_CHECK)?,
        }),
        _ => None,
    };
    check_store_queues(r)?;
    Ok(Settings {
        store_log: r.on_off("STORE_LOG", "enable")?.unwrap_or(d.store_log),
        durability: durability(r)?,
        msg_queue_quota: r.number(
            "STORE_LOG",
            "msg_queue_quota",
            d.msg_queue_quota,
            1,
            "a number of messages, at least 1",
        )?,
        expire_messages_days: r.number(
            "STORE_LOG",
            "expire_messages_days",
            d.expire_messages_days,
            0,
            "a whole number of days",
        )?,
        expire_messages_on_start: r
            .on_off("STORE_LOG", "expire_messages_on_start")?
            .unwrap_or(true),
        expire_ntfs_hours: r.number(
            "STORE_LOG",
            "expire_ntfs_hours",
            d.expire_ntfs_hours,
            0,
            "a whole number of hours",
        )?,
        new_queues: r.on_off("AUTH", "new_queues")?.unwrap_or(true),
        create_password: password(r)?,
        host: r
            .get("TRANSPORT", "host")
            .filter(|h| !h.is_empty())
            .map(str::to_owned),
        ports: ports(r)?,
        inactive_clients,
        proxy_client_concurrency: r.number(
            "PROXY",
            "client_concurrency",
            d.proxy_client_concurrency,
            1,
            "a number, at least 1",
        )?,
        proxy_host_mode: proxy_host_mode(r)?,
        proxy_required_host_mode: r
            .on_off("PROXY", "required_host_mode")?
            .unwrap_or(d.proxy_required_host_mode),
        prometheus_address: prometheus_address(r)?,
        source_code: r
            .get("INFORMATION", "source_code")
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        ignored: ignored_keys(r),
    })
    .map(|mut s| {
        // Without the store log the reference restores no messages either.
        if !s.store_log {
            s.ignored.retain(|k| k.key != "restore_messages");
        }
        s
    })
}

fn secs(r: &Reader<'_>, key: &str, default: Duration) -> Result<Duration, ConfigError> {
    let n = r.number(
        "INACTIVE_CLIENTS",
        key,
        default.as_secs(),
        1,
        "a number of seconds, at least 1",
    )?;
    Ok(Duration::from_secs(n))
}

fn durability(r: &Reader<'_>) -> Result<Durability, ConfigError> {
    match r.get("STORE_LOG", "durability") {
        None | Some("fsync") => Ok(Durability::Fsync),
        Some("os") => Ok(Durability::Os),
        Some("none") => Ok(Durability::None),
        Some(_) => Err(r.invalid("STORE_LOG", "durability", "`fsync`, `os` or `none`")),
    }
}

fn password(r: &Reader<'_>) -> Result<Option<BasicAuth>, ConfigError> {
    match r.get("AUTH", "create_password") {
        None => Ok(None),
        Some(p) => BasicAuth::new(p).map(Some).map_err(|_| {
            r.invalid(
                "AUTH",
                "create_password",
                "printable ASCII characters without spaces, '@', ':' or '/'",
            )
        }),
    }
}

/// `[TRANSPORT] port`: a comma-separated list (the reference's default is `5223,443`).
pub fn parse_ports(v: &str) -> Option<Vec<u16>> {
    let ports: Option<Vec<u16>> = v
        .split(',')
        .map(|p| p.trim().parse::<u16>().ok().filter(|&p| p != 0))
        .collect();
    ports.filter(|p| !p.is_empty())
}

fn ports(r: &Reader<'_>) -> Result<Vec<u16>, ConfigError> {
    match r.get("TRANSPORT", "port") {
        None => Ok(vec![DEFAULT_PORT]),
        Some(v) => parse_ports(v)
            .ok_or_else(|| r.invalid("TRANSPORT", "port", "port numbers 1-65535, comma-separated")),
    }
}

/// `[PROXY] host_mode` (reference `textToHostMode`): `public` or `onion`.
fn proxy_host_mode(r: &Reader<'_>) -> Result<ProxyHostMode, ConfigError> {
    match r.get("PROXY", "host_mode") {
        None | Some("public") => Ok(ProxyHostMode::Public),
        Some("onion") => Ok(ProxyHostMode::Onion),
        Some(_) => Err(r.invalid("PROXY", "host_mode", "`public` or `onion`")),
    }
}

fn prometheus_address(r: &Reader<'_>) -> Result<Option<SocketAddr>, ConfigError> {
    let Some(v) = r
        .get("METRICS", "prometheus_address")
        .filter(|v| !v.is_empty())
    else {
        return Ok(None);
    };
    let addr = match v.parse::<u16>() {
        Ok(port) if port != 0 => Some(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)),
        Ok(_) => None,
        Err(_) => v.parse::<SocketAddr>().ok(),
    };
    addr.map(Some)
        .ok_or_else(|| r.invalid("METRICS", "prometheus_address", "PORT or IP:PORT"))
}

fn check_store_queues(r: &Reader<'_>) -> Result<(), ConfigError> {
    match r.get("STORE_LOG", "store_queues") {
        Some(v @ "database") => Err(ConfigError::Unsupported {
            section: "STORE_LOG".into(),
            key: "store_queues".into(),
            value: v.into(),
            why: "this server cannot read queues from PostgreSQL; it keeps queues in its own \
                  store in the log directory. Set `store_queues = memory` to start with that \
                  store (existing queues are not imported)"
                .into(),
        }),
        _ => Ok(()),
    }
}

/// (section, key, values that behave here as in the reference, note).
const IGNORED: &[(&str, &str, &[&str], &str)] = &[
    (
        "STORE_LOG",
        "store_queues",
        &["memory"],
        "queues are kept in the embedded store",
    ),
    (
        "STORE_LOG",
        "store_messages",
        &["memory", "journal"],
        "messages are kept in the embedded store",
    ),
    (
        "STORE_LOG",
        "restore_messages",
        &["on"],
        "messages are always kept with the store log",
    ),
    (
        "STORE_LOG",
        "db_store_log",
        &["off"],
        "no PostgreSQL storage",
    ),
    ("STORE_LOG", "db_connection", &[], "no PostgreSQL storage"),
    ("STORE_LOG", "db_schema", &[], "no PostgreSQL storage"),
    ("STORE_LOG", "db_pool_size", &[], "no PostgreSQL storage"),
    ("STORE_LOG", "db_deleted_ttl", &[], "no PostgreSQL storage"),
    (
        "STORE_LOG",
        "expire_messages_on_send",
        &["off"],
        "messages expire only in the periodic expiry",
    ),
    (
        "STORE_LOG",
        "log_stats",
        &["off"],
        "daily statistics are not logged; see [METRICS] prometheus_address",
    ),
    (
        "STORE_LOG",
        "prometheus_interval",
        &[],
        "no metrics file; see [METRICS] prometheus_address",
    ),
    (
        "AUTH",
        "control_port_admin_password",
        &[],
        "no control port",
    ),
    ("AUTH", "control_port_user_password", &[], "no control port"),
    ("AUTH", "daily_block_queue_quota", &[], "no control port"),
    ("TRANSPORT", "control_port", &[], "no control port"),
    (
        "TRANSPORT",
        "websockets",
        &["off"],
        "no WebSocket transport",
    ),
    (
        "TRANSPORT",
        "log_tls_errors",
        &["off"],
        "TLS errors are not logged separately",
    ),
    (
        "TRANSPORT",
        "accept_service_credentials",
        &["on"],
        "not configurable here",
    ),
    (
        "PROXY",
        "socks_proxy",
        &[],
        "the proxy connects to destination relays directly",
    ),
    (
        "PROXY",
        "socks_mode",
        &["onion"],
        "the proxy connects to destination relays directly",
    ),
    (
        "PROXY",
        "own_server_domains",
        &[],
        "no separate statistics for own relays",
    ),
    (
        "WEB",
        "static_path",
        &[],
        "no server information site is generated",
    ),
    ("WEB", "http", &[], "no embedded web server"),
    ("WEB", "https", &[], "no embedded web server"),
    ("WEB", "cert", &[], "no embedded web server"),
    ("WEB", "key", &[], "no embedded web server"),
];

fn ignored_keys(r: &Reader<'_>) -> Vec<IgnoredKey> {
    IGNORED
        .iter()
        .filter(|(section, key, same, _)| r.get(section, key).is_some_and(|v| !same.contains(&v)))
        .map(|(section, key, _, note)| IgnoredKey {
            section: (*section).to_owned(),
            key: (*key).to_owned(),
            note,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn on_off_is_strict() {
        let e = Settings::parse("[AUTH]\nnew_queues = yes\n").unwrap_err();
        assert!(e.to_string().contains("new_queues"), "{e}");
        assert!(e.to_string().contains("yes"), "{e}");
        let s = Settings::parse("[AUTH]\nnew_queues = off\n").unwrap();
        assert!(!s.new_queues);
    }

    #[test]
    fn proxy_host_mode_settings() {
        let s = Settings::parse("").unwrap();
        assert_eq!(
            (s.proxy_host_mode, s.proxy_required_host_mode),
            (ProxyHostMode::Public, false)
        );
        let s = Settings::parse("[PROXY]\nhost_mode = onion\nrequired_host_mode = on\n").unwrap();
        let cfg = s.server_config();
        assert_eq!(
            (cfg.proxy_host_mode, cfg.proxy_required_host_mode),
            (ProxyHostMode::Onion, true)
        );
        assert!(s.ignored.is_empty());
        assert!(Settings::parse("[PROXY]\nhost_mode = tor\n").is_err());
        assert!(Settings::parse("[PROXY]\nrequired_host_mode = yes\n").is_err());
    }

    #[test]
    fn empty_file_gives_defaults() {
        let s = Settings::parse("").unwrap();
        assert_eq!(s.ports, vec![5223]);
        assert!(s.store_log && s.new_queues && s.expire_messages_on_start);
        assert!(s.inactive_clients.is_none());
        assert!(s.ignored.is_empty());
    }

    #[test]
    fn ports_list() {
        assert_eq!(parse_ports("5223,443"), Some(vec![5223, 443]));
        assert_eq!(parse_ports(" 5223 , 443 "), Some(vec![5223, 443]));
        assert_eq!(parse_ports("5223,"), None);
        assert_eq!(parse_ports("0"), None);
        assert_eq!(parse_ports("70000"), None);
    }

    #[test]
    fn prometheus_address_forms() {
        let s = Settings::parse("[METRICS]\nprometheus_address = 9105\n").unwrap();
        assert_eq!(
            s.prometheus_address,
            Some("127.0.0.1:9105".parse().unwrap())
        );
        let s = Settings::parse("[METRICS]\nprometheus_address = 0.0.0.0:9105\n").unwrap();
        assert_eq!(s.prometheus_address, Some("0.0.0.0:9105".parse().unwrap()));
        assert!(Settings::parse("[METRICS]\nprometheus_address = x\n").is_err());
    }

    #[test]
    fn trailing_backslash_is_refused_without_showing_passwords() {
        let e = Settings::parse("[AUTH]\ncreate_password = abc\\\n\n").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("create_password") && !msg.contains("abc"),
            "{msg}"
        );
    }

    #[test]
    fn ignored_keys_only_when_they_differ() {
        let s = Settings::parse("[TRANSPORT]\nwebsockets = off\ncontrol_port = 5224\n").unwrap();
        assert_eq!(s.ignored.len(), 1);
        assert_eq!(s.ignored[0].key, "control_port");
    }

    #[test]
    fn database_queue_store_is_refused() {
        let e = Settings::parse("[STORE_LOG]\nstore_queues = database\n").unwrap_err();
        assert!(matches!(e, ConfigError::Unsupported { .. }));
    }
}
