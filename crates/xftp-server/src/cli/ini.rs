//! `file-server.ini`: the file `init` writes and `start` reads, with the reference's
//! sections and keys (`Server/Main.hs`). Values are read verbatim (no escapes or quotes,
//! as Haskell's `ini` package does).

use std::path::{Path, PathBuf};

use ini::{Ini, ParseOption};
use smp_proto::address::BasicAuth;

use super::size::{parse_size, size_text};
use crate::config::{DEFAULT_FILE_TTL_SECS, DEFAULT_PORT, InactiveClients, ServerConfig};
use crate::tls::WebCredentials;

/// What `init` puts into a new INI file.
#[derive(Debug, Clone)]
pub struct IniTemplate {
    /// Host printed in the server address.
    pub host: String,
    /// Chunk directory.
    pub files_path: PathBuf,
    /// Storage quota in bytes.
    pub quota: u64,
    /// Whether the store log is on.
    pub store_log: bool,
    /// Directory of the generated info site.
    pub web_path: PathBuf,
    /// Configuration directory (for the commented web certificate paths).
    pub cfg_dir: PathBuf,
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

impl IniTemplate {
    /// The INI text.
    pub fn render(&self) -> String {
        let hours = DEFAULT_FILE_TTL_SECS / 3600;
        let web_crt = self.cfg_dir.join("web.crt");
        let web_key = self.cfg_dir.join("web.key");
        format!(
            "[INFORMATION]\n\
             # The AGPLv3 license asks you to publish any changes you make to the server code.\n\
             # source_code = https://github.com/simplex-chat/simplexmq\n\
             # Optional public information: server_country, operator, operator_country, website,\n\
             # admin_simplex, admin_email, complaints_simplex, complaints_email, hosting,\n\
             # hosting_country, hosting_type.\n\
             \n\
             [STORE_LOG]\n\
             # Keep file records in an append-only log, replayed and compacted at start.\n\
             enable = {store_log}\n\
             \n\
             # Only the in-memory store (with the log above) is supported.\n\
             store_files = memory\n\
             \n\
             # Files are deleted this many hours after they were created.\n\
             expire_files_hours = {hours}\n\
             \n\
             log_stats = off\n\
             \n\
             [AUTH]\n\
             # off: no new uploads (existing files can still be downloaded).\n\
             new_files = on\n\
             \n\
             # A password for uploads; clients put it in the server address\n\
             # xftp://fingerprint:password@host. Printable ASCII without spaces, '@', ':' or '/'.\n\
             # create_password =\n\
             \n\
             # control_port_admin_password =\n\
             # control_port_user_password =\n\
             \n\
             [TRANSPORT]\n\
             # host is only used to print the server address.\n\
             host = {host}\n\
             port = {port}\n\
             log_tls_errors = off\n\
             # control_port = 5226\n\
             \n\
             [FILES]\n\
             path = {files}\n\
             storage_quota = {quota}\n\
             \n\
             [INACTIVE_CLIENTS]\n\
             # Close connections idle for ttl seconds, checking every check_interval seconds.\n\
             disconnect = off\n\
             # ttl = 21600\n\
             # check_interval = 3600\n\
             \n\
             [WEB]\n\
             static_path = {web}\n\
             \n\
             # http = 8000\n\
             \n\
             # Browser (xftp-web) support on the XFTP port: connections with SNI get CORS headers.\n\
             # cert = {web_crt}\n\
             # key = {web_key}\n",
            store_log = on_off(self.store_log),
            host = self.host,
            port = DEFAULT_PORT,
            files = self.files_path.display(),
            quota = size_text(self.quota),
            web = self.web_path.display(),
            web_crt = web_crt.display(),
            web_key = web_key.display(),
        )
    }
}

/// What `start` takes from the INI file.
#[derive(Debug, Clone)]
pub struct StartSettings {
    /// The host printed in the address.
    pub host: String,
    /// The port.
    pub port: u16,
    /// The server configuration.
    pub config: ServerConfig,
}

/// Reads the INI text; `store_log` is where the log goes when `[STORE_LOG] enable = on`.
pub fn read_ini(text: &str, store_log: &Path) -> Result<StartSettings, String> {
    let opt = ParseOption {
        enabled_escape: false,
        enabled_quote: false,
        ..ParseOption::default()
    };
    let ini = Ini::load_from_str_opt(text, opt).map_err(|e| format!("INI syntax: {e}"))?;
    let get = |s: &str, k: &str| ini.get_from(Some(s), k).map(str::trim);
    let flag = |s: &str, k: &str, default: bool| match get(s, k) {
        None => Ok(default),
        Some("on") => Ok(true),
        Some("off") => Ok(false),
        Some(v) => Err(format!("[{s}] {k}: expected on or off, got {v}")),
    };
    let number = |s: &str, k: &str| -> Result<Option<u64>, String> {
        get(s, k)
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("[{s}] {k}: not a number: {v}"))
            })
            .transpose()
    };
    let port = number("TRANSPORT", "port")?.ok_or("[TRANSPORT] port is missing")?;
    let port = u16::try_from(port).map_err(|_| "[TRANSPORT] port is out of range")?;
    let files = get("FILES", "path").ok_or("[FILES] path is missing")?;
    let mut config = ServerConfig::new(format!("0.0.0.0:{port}"), files);
    config.storage_quota = match get("FILES", "storage_quota") {
        Some(q) => Some(parse_size(q).ok_or(format!("[FILES] storage_quota: bad size {q}"))?),
        None => None,
    };
    match get("STORE_LOG", "store_files") {
        None | Some("memory") => {}
        Some(other) => {
            return Err(format!(
                "[STORE_LOG] store_files = {other}: only memory is supported"
            ));
        }
    }
    if flag("STORE_LOG", "enable", false)? {
        config.store_log = Some(store_log.to_path_buf());
    }
    if let Some(h) = number("STORE_LOG", "expire_files_hours")? {
        config.file_ttl_secs = Some(h as i64 * 3600);
    }
    config.allow_new_files = flag("AUTH", "new_files", true)?;
    config.create_password = match get("AUTH", "create_password") {
        Some(p) => {
            Some(BasicAuth::new(p).map_err(|_| "[AUTH] create_password: invalid characters")?)
        }
        None => None,
    };
    if flag("INACTIVE_CLIENTS", "disconnect", false)? {
        let need =
            |k| number("INACTIVE_CLIENTS", k)?.ok_or(format!("[INACTIVE_CLIENTS] {k} is missing"));
        config.inactive_clients = Some(InactiveClients {
            ttl_secs: need("ttl")?,
            check_interval_secs: need("check_interval")?,
        });
    }
    if let (Some(cert), Some(key)) = (get("WEB", "cert"), get("WEB", "key")) {
        let web =
            WebCredentials::load(Path::new(cert), Path::new(key)).map_err(|e| e.to_string())?;
        config.web = Some(web);
    }
    Ok(StartSettings {
        host: get("TRANSPORT", "host").unwrap_or("<hostnames>").to_owned(),
        port,
        config,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn template_reads_back() {
        let t = IniTemplate {
            host: "files.example.com".into(),
            files_path: "/srv/xftp".into(),
            quota: 10 << 30,
            store_log: true,
            web_path: "/var/www".into(),
            cfg_dir: "/etc/opt/simplex-xftp".into(),
        };
        let text = t.render();
        assert!(text.contains("storage_quota = 10gb\n"));
        let s = read_ini(&text, Path::new("/log/file-server-store.log")).unwrap();
        assert_eq!((s.host.as_str(), s.port), ("files.example.com", 443));
        let c = s.config;
        assert_eq!(c.storage_quota, Some(10 << 30));
        assert_eq!(c.files_path, PathBuf::from("/srv/xftp"));
        assert_eq!(
            c.store_log,
            Some(PathBuf::from("/log/file-server-store.log"))
        );
        assert_eq!(c.file_ttl_secs, Some(48 * 3600));
        assert!(c.allow_new_files && c.web.is_none() && c.inactive_clients.is_none());
    }

    #[test]
    fn settings_and_errors() {
        let text = "[TRANSPORT]\nport = 8443\n[FILES]\npath = /f\n\
                    [AUTH]\nnew_files = off\ncreate_password = p@ss\n";
        assert!(
            read_ini(text, Path::new("l"))
                .unwrap_err()
                .contains("create_password")
        );
        let text = "[TRANSPORT]\nport = 8443\n[FILES]\npath = /f\n\
                    [AUTH]\nnew_files = off\ncreate_password = pa\\ss#1\n\
                    [INACTIVE_CLIENTS]\ndisconnect = on\nttl = 60\ncheck_interval = 10\n";
        let s = read_ini(text, Path::new("l")).unwrap();
        let c = s.config;
        assert_eq!(c.listen, "0.0.0.0:8443");
        assert_eq!(c.create_password.unwrap().as_str(), "pa\\ss#1");
        assert!(!c.allow_new_files && c.store_log.is_none());
        assert_eq!(c.inactive_clients.unwrap().ttl_secs, 60);
        assert!(read_ini("[FILES]\npath = /f\n", Path::new("l")).is_err());
        let db = "[TRANSPORT]\nport = 1\n[FILES]\npath = /f\n[STORE_LOG]\nstore_files = database\n";
        assert!(
            read_ini(db, Path::new("l"))
                .unwrap_err()
                .contains("only memory")
        );
        let missing_web =
            "[TRANSPORT]\nport = 1\n[FILES]\npath = /f\n[WEB]\ncert = /no/c\nkey = /no/k\n";
        assert!(
            read_ini(missing_web, Path::new("l"))
                .unwrap_err()
                .contains("/no/c")
        );
        assert!(
            read_ini(
                "[TRANSPORT]\nport = 1\n[FILES]\npath=/f\nstorage_quota = lots\n",
                Path::new("l")
            )
            .is_err()
        );
    }
}
