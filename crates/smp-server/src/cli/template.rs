//! The `smp-server.ini` written by `init`: the reference relay's sections and keys (so an
//! operator finds what they know), with this server's additions marked as such.

use super::ini::{
    DEFAULT_EXPIRE_MESSAGES_DAYS, DEFAULT_EXPIRE_NTFS_HOURS, DEFAULT_PORT,
    DEFAULT_PROXY_CLIENT_CONCURRENCY,
};
use crate::config::{DEFAULT_INACTIVE_CHECK, DEFAULT_INACTIVE_TTL, DEFAULT_QUOTA};
use smp_proto::address::BasicAuth;
use std::fmt::Write;
use std::path::PathBuf;

/// The reference's default control port (written commented out when not requested).
pub const DEFAULT_CONTROL_PORT: u16 = 5224;
/// The reference's default PostgreSQL connection string.
pub const DEFAULT_DB_CONNECTION: &str = "postgresql://smp@/smp_server_store";
/// The reference's default PostgreSQL schema.
pub const DEFAULT_DB_SCHEMA: &str = "smp_server";
/// The reference's default PostgreSQL pool size.
pub const DEFAULT_DB_POOL_SIZE: u32 = 10;

/// Public information about the server (`[INFORMATION]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerInfo {
    /// URI of the source code the server runs (required by the AGPL when modified).
    pub source_code: Option<String>,
    /// Operator name.
    pub operator: Option<String>,
    /// Operator country (ISO 3166 2-letter code).
    pub operator_country: Option<String>,
    /// Operator website.
    pub website: Option<String>,
    /// Hosting provider.
    pub hosting: Option<String>,
    /// Hosting provider country.
    pub hosting_country: Option<String>,
    /// `virtual`, `dedicated`, `colocation` or `owned`.
    pub hosting_type: Option<String>,
    /// Server (datacenter) country.
    pub server_country: Option<String>,
}

impl ServerInfo {
    /// True if any field other than the source code is set.
    pub fn has_details(&self) -> bool {
        [
            &self.operator,
            &self.operator_country,
            &self.website,
            &self.hosting,
            &self.hosting_country,
            &self.hosting_type,
            &self.server_country,
        ]
        .iter()
        .any(|f| f.is_some())
    }
}

/// PostgreSQL options (written for compatibility; this server does not use them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbOptions {
    /// Connection string.
    pub connection: String,
    /// Schema.
    pub schema: String,
    /// Pool size.
    pub pool_size: u32,
}

impl Default for DbOptions {
    fn default() -> Self {
        DbOptions {
            connection: DEFAULT_DB_CONNECTION.into(),
            schema: DEFAULT_DB_SCHEMA.into(),
            pool_size: DEFAULT_DB_POOL_SIZE,
        }
    }
}

/// Everything the generated INI file depends on.
#[derive(Debug, Clone)]
pub struct IniTemplate {
    /// The configuration directory (for the web certificate paths).
    pub cfg_dir: PathBuf,
    /// The log directory (for the web static path).
    pub log_dir: PathBuf,
    /// `[STORE_LOG] enable`.
    pub store_log: bool,
    /// `[STORE_LOG] log_stats`.
    pub log_stats: bool,
    /// PostgreSQL options.
    pub db: DbOptions,
    /// `[TRANSPORT] host`.
    pub host: String,
    /// `[AUTH] create_password`.
    pub password: Option<BasicAuth>,
    /// `[TRANSPORT] control_port` and the two control port passwords.
    pub control_port: Option<(u16, String, String)>,
    /// `[PROXY] socks_proxy`.
    pub socks_proxy: Option<String>,
    /// `[PROXY] own_server_domains`.
    pub own_domains: Option<String>,
    /// `[INFORMATION]`.
    pub info: ServerInfo,
    /// `[WEB] static_path` (written commented out unless given).
    pub web_static_path: Option<PathBuf>,
}

impl IniTemplate {
    /// Defaults for the given directories and host.
    pub fn new(cfg_dir: impl Into<PathBuf>, log_dir: impl Into<PathBuf>, host: &str) -> Self {
        IniTemplate {
            cfg_dir: cfg_dir.into(),
            log_dir: log_dir.into(),
            store_log: true,
            log_stats: false,
            db: DbOptions::default(),
            host: host.to_owned(),
            password: None,
            control_port: None,
            socks_proxy: None,
            own_domains: None,
            info: ServerInfo::default(),
            web_static_path: None,
        }
    }

    /// The file's text.
    pub fn render(&self) -> String {
        let mut s = String::with_capacity(8192);
        self.information(&mut s);
        self.store_log(&mut s);
        self.auth(&mut s);
        self.transport(&mut s);
        self.proxy(&mut s);
        self.inactive_clients(&mut s);
        self.web(&mut s);
        self.metrics(&mut s);
        s
    }

    fn information(&self, s: &mut String) {
        let i = &self.info;
        s.push_str(
            "[INFORMATION]\n\
             # The server is licensed under AGPLv3: if you change its code, you must publish\n\
             # your version and give its address here. When any other field of this section\n\
             # is set, source_code must be set too.\n\n",
        );
        opt_line(s, "source_code", i.source_code.as_deref(), "URI");
        s.push_str(
            "\n# Everything below is optional.\n\n\
             # Usage conditions of the server, and your amendments to them.\n\
             # usage_conditions = https://github.com/simplex-chat/simplex-chat/blob/stable/PRIVACY.md\n\
             # condition_amendments = link\n\n\
             # Where the server is and who runs it.\n",
        );
        opt_line(
            s,
            "server_country",
            i.server_country.as_deref(),
            "ISO-3166 2-letter code",
        );
        opt_line(
            s,
            "operator",
            i.operator.as_deref(),
            "entity (organization or person name)",
        );
        opt_line(
            s,
            "operator_country",
            i.operator_country.as_deref(),
            "ISO-3166 2-letter code",
        );
        opt_line(s, "website", i.website.as_deref(), "");
        s.push_str(
            "\n# Administrative contacts.\n\
             # admin_simplex = SimpleX address\n\
             # admin_email =\n\
             # admin_pgp =\n\
             # admin_pgp_fingerprint =\n\n\
             # Contacts for complaints and feedback.\n\
             # complaints_simplex = SimpleX address\n\
             # complaints_email =\n\
             # complaints_pgp =\n\
             # complaints_pgp_fingerprint =\n\n\
             # Hosting provider.\n",
        );
        opt_line(
            s,
            "hosting",
            i.hosting.as_deref(),
            "entity (organization or person name)",
        );
        opt_line(
            s,
            "hosting_country",
            i.hosting_country.as_deref(),
            "ISO-3166 2-letter code",
        );
        s.push_str("\n# One of `virtual`, `dedicated`, `colocation`, `owned`.\n");
        let _ = writeln!(
            s,
            "hosting_type = {}\n",
            i.hosting_type.as_deref().unwrap_or("virtual")
        );
    }

    fn store_log(&self, s: &mut String) {
        s.push_str(
            "[STORE_LOG]\n\
             # This server keeps queues and messages in an embedded durable store in\n\
             # <log directory>/store: every change is logged to disk before it is confirmed\n\
             # to the client, and the log is compacted on start. `enable = off` keeps\n\
             # everything in memory only (lost on restart).\n",
        );
        let _ = writeln!(s, "enable = {}\n", on_off(self.store_log));
        s.push_str(
            "# (This server's setting) When a change counts as stored: `fsync` (on disk, the\n\
             # default), `os` (handed to the OS: survives a crash of the server, not of the\n\
             # machine) or `none` (written in the background).\n\
             # durability = fsync\n\n\
             # (This server's setting) Messages a queue holds before senders get a QUOTA error.\n",
        );
        let _ = writeln!(s, "# msg_queue_quota = {DEFAULT_QUOTA}\n");
        s.push_str(
            "# The reference server's storage modes, kept for compatibility: this server\n\
             # has one store, and cannot use PostgreSQL (`store_queues = database` is refused).\n\
             store_queues = memory\n\n\
             # PostgreSQL settings of the reference server (not used here).\n",
        );
        let d = DbOptions::default();
        let db = &self.db;
        let _ = writeln!(
            s,
            "{}db_connection = {}",
            hash_if(db.connection == d.connection),
            db.connection
        );
        let _ = writeln!(
            s,
            "{}db_schema = {}",
            hash_if(db.schema == d.schema),
            db.schema
        );
        let _ = writeln!(
            s,
            "{}db_pool_size = {}\n",
            hash_if(db.pool_size == d.pool_size),
            db.pool_size
        );
        s.push_str("# db_store_log = off\n# db_deleted_ttl = 21\n\n");
        s.push_str("store_messages = memory\n\n");
        s.push_str("# Messages are kept with the queues while the store log is enabled.\n");
        let _ = writeln!(s, "restore_messages = {}\n", on_off(self.store_log));
        s.push_str("# How long undelivered messages and notifications are kept.\n");
        let _ = writeln!(s, "expire_messages_days = {DEFAULT_EXPIRE_MESSAGES_DAYS}");
        s.push_str("expire_messages_on_start = on\nexpire_messages_on_send = off\n");
        let _ = writeln!(s, "expire_ntfs_hours = {DEFAULT_EXPIRE_NTFS_HOURS}\n");
        s.push_str(
            "# Daily statistics CSV of the reference server (not written by this server).\n",
        );
        let _ = writeln!(s, "log_stats = {}\n", on_off(self.log_stats));
        s.push_str(
            "# The reference server's metrics file interval; this server serves metrics over\n\
             # HTTP instead, see [METRICS].\n\
             # prometheus_interval = 60\n\n",
        );
    }

    fn auth(&self, s: &mut String) {
        s.push_str(
            "[AUTH]\n\
             # `new_queues = off` stops the creation of queues (for example, to retire the\n\
             # server while existing connections move away).\n\
             new_queues = on\n\n\
             # With create_password set, creating queues (and using this server as a proxy)\n\
             # requires it. Clients put it in the server address:\n\
             # smp://fingerprint:password@host1,host2\n\
             # Give it only to the users you allow to create queues; contacts who send to\n\
             # those queues do not need it.\n",
        );
        match &self.password {
            Some(p) => {
                let _ = writeln!(s, "create_password = {}\n", p.as_str());
            }
            None => s.push_str(
                "# create_password = password to create new queues and forward messages \
                 (printable ASCII without spaces, '@', ':' and '/')\n\n",
            ),
        }
        let (admin, user) = match &self.control_port {
            Some((_, a, u)) => (Some(a.as_str()), Some(u.as_str())),
            None => (None, None),
        };
        opt_line(s, "control_port_admin_password", admin, "");
        opt_line(s, "control_port_user_password", user, "");
        s.push('\n');
        s.push_str(
            "# Reference server only: daily limit of queues blocked via the control port.\n\
             # daily_block_queue_quota = 20\n\n",
        );
    }

    fn transport(&self, s: &mut String) {
        s.push_str(
            "[TRANSPORT]\n\
             # host is only used to print the server address. Several ports can be given,\n\
             # comma-separated (e.g. `5223,443`). The reference server defaults to 5223,443\n\
             # and shares 443 with its web server; this server has no web server yet, so the\n\
             # default is 5223 only. Add 443 if nothing else listens on it.\n",
        );
        let _ = writeln!(s, "host = {}", self.host);
        let _ = writeln!(s, "port = {DEFAULT_PORT}");
        s.push_str("log_tls_errors = off\n\n");
        s.push_str("# Reference server only: WebSocket transport (deprecated) and control port.\nwebsockets = off\n");
        let (hash, port) = match &self.control_port {
            Some((p, _, _)) => ("", *p),
            None => ("# ", DEFAULT_CONTROL_PORT),
        };
        let _ = writeln!(s, "{hash}control_port = {port}\n");
    }

    fn proxy(&self, s: &mut String) {
        s.push_str(
            "[PROXY]\n\
             # How this server, as a private routing proxy, reaches destination servers.\n\
             # The reference server's host mode settings (`public` or `onion`):\n\
             # host_mode = public\n\
             # required_host_mode = off\n\n\
             # Domain suffixes of your own servers (space-separated), counted separately.\n",
        );
        // Read back as a space-separated list (the option takes a comma-separated one).
        let own = self.own_domains.as_ref().map(|d| d.replace(',', " "));
        opt_line(s, "own_server_domains", own.as_deref(), "");
        s.push_str("\n# SOCKS proxy for destination servers (the reference server's setting).\n");
        opt_line(
            s,
            "socks_proxy",
            self.socks_proxy.as_deref(),
            "localhost:9050",
        );
        s.push_str(
            "\n# `onion`: SOCKS proxy only for .onion hosts; `always`: for every host.\n\
             # socks_mode = onion\n\n\
             # Proxy commands a client may run in parallel.\n",
        );
        let _ = writeln!(
            s,
            "# client_concurrency = {DEFAULT_PROXY_CLIENT_CONCURRENCY}\n"
        );
    }

    fn inactive_clients(&self, s: &mut String) {
        s.push_str(
            "[INACTIVE_CLIENTS]\n\
             # Disconnect clients that sent no commands for ttl seconds, checking every\n\
             # check_interval seconds.\n\
             disconnect = on\n",
        );
        let _ = writeln!(s, "ttl = {}", DEFAULT_INACTIVE_TTL.as_secs());
        let _ = writeln!(s, "check_interval = {}\n", DEFAULT_INACTIVE_CHECK.as_secs());
    }

    fn web(&self, s: &mut String) {
        s.push_str(
            "[WEB]\n\
             # The reference server generates and serves a small site with the server\n\
             # information. This server has no web server (yet): these settings are kept\n\
             # commented out for it.\n",
        );
        let default_path = self.log_dir.join("www");
        let path = self
            .web_static_path
            .as_ref()
            .map(|p| p.display().to_string());
        opt_line(
            s,
            "static_path",
            path.as_deref(),
            &default_path.display().to_string(),
        );
        s.push_str("\n# http = 8000\n\n# https = 443\n");
        let _ = writeln!(s, "# cert = {}", self.cfg_dir.join("web.crt").display());
        let _ = writeln!(s, "# key = {}\n", self.cfg_dir.join("web.key").display());
    }

    fn metrics(&self, s: &mut String) {
        s.push_str(
            "[METRICS]\n\
             # (This server's section) Serve Prometheus metrics over HTTP on GET /metrics.\n\
             # PORT listens on 127.0.0.1; IP:PORT on that address. There is no\n\
             # authentication: do not expose it publicly.\n\
             # prometheus_address = 127.0.0.1:9105\n",
        );
    }
}

/// The reference's `onOff`.
pub fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

fn hash_if(cond: bool) -> &'static str {
    if cond { "# " } else { "" }
}

/// `key = value`, or `# key = placeholder` without a value.
fn opt_line(s: &mut String, key: &str, value: Option<&str>, placeholder: &str) {
    let _ = match (value, placeholder) {
        (Some(v), _) => writeln!(s, "{key} = {v}"),
        (None, "") => writeln!(s, "# {key} ="),
        (None, p) => writeln!(s, "# {key} = {p}"),
    };
}
