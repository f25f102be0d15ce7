//! The command line: the reference relay's commands and flags (clap derive).

use super::init::parse_password;
use super::template::{DEFAULT_DB_CONNECTION, DEFAULT_DB_POOL_SIZE, DEFAULT_DB_SCHEMA};
use clap::{ArgAction, Args, Parser, Subcommand};
use simplex_transport::SignAlgorithm;
use smp_proto::address::BasicAuth;
use std::path::PathBuf;

const PATHS_HELP: &str = "\
Files:
  Configuration (smp-server.ini, ca.crt, ca.key, server.crt, server.key, fingerprint):
    $SMP_SERVER_CFG_PATH, default /etc/opt/simplex
  Data (the store, in the `store` subdirectory):
    $SMP_SERVER_LOG_PATH, default /var/opt/simplex
  When a default directory cannot be used (e.g. not running as root), init uses
  $XDG_CONFIG_HOME/simplex (~/.config/simplex) and $XDG_STATE_HOME/simplex
  (~/.local/state/simplex) instead, and says so; the other commands use them when the
  default directory does not exist.

Storage: instead of the reference's store log and message files, queues and messages are
kept in an embedded durable store in <data dir>/store: every change is on disk before the
client is answered ([STORE_LOG] durability = fsync, the default; or os, none), and the
store is compacted on start. [STORE_LOG] enable = off (init --disable-store-log) keeps
everything in memory only.

Logging goes to standard error; the level comes from RUST_LOG (e.g. RUST_LOG=debug),
else from `start --log-level`, else `info`.";

/// `smp-server`: the SimpleX Messaging Protocol relay.
#[derive(Debug, Parser)]
#[command(
    name = "smp-server",
    version,
    disable_version_flag = true,
    arg_required_else_help = true,
    about = "SimpleX Messaging Protocol relay (compatible with the reference smp-server)",
    after_help = PATHS_HELP
)]
pub struct Cli {
    /// Show version.
    #[arg(short = 'v', long = "version", action = ArgAction::Version)]
    pub version: Option<bool>,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Initialize server: creates the configuration and data directories, the server
    /// credentials and smp-server.ini.
    Init(Box<InitArgs>),
    /// Generate new online TLS server credentials (keeps the CA and so the server identity).
    Cert(CertArgs),
    /// Start server (configuration: smp-server.ini in the configuration directory).
    Start(StartArgs),
    /// Delete configuration and data files.
    Delete(DeleteArgs),
}

/// What `init` does about the queue creation password.
#[derive(Debug, Clone, Default)]
pub enum PasswordChoice {
    /// Generate a random password (the default, as the reference).
    #[default]
    Random,
    /// Anyone may create queues.
    None,
    /// This password.
    Given(BasicAuth),
}

/// `init` options (the reference's, including those kept only for its INI file).
#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// Disable the store log: queues and messages are kept in memory only.
    #[arg(long = "disable-store-log", action = ArgAction::SetFalse)]
    pub store_log: bool,
    /// Enable the store log (the default; kept for compatibility).
    #[arg(short = 'l', long = "store-log", conflicts_with = "store_log")]
    pub enable_store_log: bool,
    /// Written to the INI file for the reference server (this server has no PostgreSQL
    /// storage).
    #[arg(short = 'd', long, value_name = "DB_CONN", default_value = DEFAULT_DB_CONNECTION)]
    pub database: String,
    /// Database schema (written to the INI file only).
    #[arg(long, value_name = "DB_SCHEMA", default_value = DEFAULT_DB_SCHEMA)]
    pub schema: String,
    /// Database pool size (written to the INI file only).
    #[arg(long = "pool-size", value_name = "POOL_SIZE", default_value_t = DEFAULT_DB_POOL_SIZE)]
    pub pool_size: u32,
    /// Enable daily server statistics (written to the INI file; not produced by this server).
    #[arg(short = 's', long = "daily-stats")]
    pub daily_stats: bool,
    /// Signature algorithm of the TLS certificates: ED25519, ED448.
    #[arg(short = 'a', long = "sign-algorithm", value_name = "ALG", default_value = "ED25519", value_parser = parse_alg)]
    pub sign_algorithm: SignAlgorithm,
    /// Server IP address, the Common Name of the online certificate when no FQDN is given.
    #[arg(long, value_name = "IP", default_value = "127.0.0.1")]
    pub ip: String,
    /// Server FQDN, the Common Name of the online certificate.
    #[arg(short = 'n', long, value_name = "FQDN")]
    pub fqdn: Option<String>,
    /// Password to create new queues (default: a random one).
    #[arg(long, value_name = "PASSWORD", value_parser = parse_basic_auth, conflicts_with = "no_password")]
    pub password: Option<BasicAuth>,
    /// Allow creating new queues without a password.
    #[arg(long = "no-password")]
    pub no_password: bool,
    /// Resolved from --password / --no-password (or the prompt).
    #[arg(skip)]
    pub password_choice: PasswordChoice,
    /// Control port (written to the INI file; this server has no control port).
    #[arg(long = "control-port", value_name = "PORT", num_args = 0..=1, default_missing_value = "5224")]
    pub control_port: Option<u16>,
    /// Outgoing SOCKS proxy (written to the INI file; not used by this server).
    #[arg(long = "socks-proxy", value_name = "PROXY", num_args = 0..=1, default_missing_value = "127.0.0.1:9050")]
    pub socks_proxy: Option<String>,
    /// Own server domain names (comma-separated).
    #[arg(long = "own-domains", value_name = "DOMAINS")]
    pub own_domains: Option<String>,
    /// URI of the server source code.
    #[arg(long = "source-code", value_name = "URI", num_args = 0..=1, default_missing_value = "", value_parser = parse_source_code)]
    pub source_code: Option<String>,
    /// Server operator name.
    #[arg(long, value_name = "OPERATOR_NAME")]
    pub operator: Option<String>,
    /// Server operator country.
    #[arg(long = "operator-country", value_name = "OPERATOR_COUNTRY", value_parser = parse_country)]
    pub operator_country: Option<String>,
    /// Hosting provider name.
    #[arg(long, value_name = "HOSTING_NAME")]
    pub hosting: Option<String>,
    /// Hosting provider country.
    #[arg(long = "hosting-country", value_name = "HOSTING_COUNTRY", value_parser = parse_country)]
    pub hosting_country: Option<String>,
    /// Hosting type: virtual, dedicated, colocation, owned.
    #[arg(long = "hosting-type", value_name = "HOSTING_TYPE", value_parser = ["virtual", "dedicated", "colocation", "owned"])]
    pub hosting_type: Option<String>,
    /// Server datacenter country.
    #[arg(long = "server-country", value_name = "SERVER_COUNTRY", value_parser = parse_country)]
    pub server_country: Option<String>,
    /// Operator public website.
    #[arg(long = "operator-website", value_name = "WEBSITE")]
    pub operator_website: Option<String>,
    /// Directory for the generated server information site (written to the INI file).
    #[arg(long = "web-path", value_name = "PATH")]
    pub web_path: Option<PathBuf>,
    /// Disable the web server with server information (this server has none; accepted for
    /// compatibility).
    #[arg(long = "disable-web")]
    pub disable_web: bool,
    /// Non-interactive initialization using command-line options.
    #[arg(short = 'y', long)]
    pub yes: bool,
}

impl InitArgs {
    /// The password choice of the command line.
    pub fn resolve_password(mut self) -> Self {
        self.password_choice = match (&self.password, self.no_password) {
            (Some(p), _) => PasswordChoice::Given(p.clone()),
            (None, true) => PasswordChoice::None,
            (None, false) => PasswordChoice::Random,
        };
        self
    }
}

/// `cert` options.
#[derive(Debug, Clone, Args)]
pub struct CertArgs {
    /// Signature algorithm of the new certificate (default: as the current one).
    #[arg(short = 'a', long = "sign-algorithm", value_name = "ALG", value_parser = parse_alg)]
    pub sign_algorithm: Option<SignAlgorithm>,
    /// Common Name of the new certificate (default: as the current one).
    #[arg(long = "cn", value_name = "FQDN")]
    pub common_name: Option<String>,
}

/// `start` options.
#[derive(Debug, Clone, Args)]
pub struct StartArgs {
    /// Do not start the server, only open (and compact) the store and exit.
    #[arg(short = 'm', long)]
    pub maintenance: bool,
    /// Compact the store log (always done on start; accepted for compatibility).
    #[arg(long = "compact-log")]
    pub compact_log: bool,
    /// Logging level: trace, debug, info, note, warn, error (RUST_LOG takes precedence).
    #[arg(long = "log-level", value_name = "LOG_LEVEL", default_value = "info", value_parser = ["trace", "debug", "info", "note", "warn", "error"])]
    pub log_level: String,
    /// Start even when the data directory holds the reference server's store files, which
    /// this server cannot import.
    #[arg(long = "skip-warnings")]
    pub skip_warnings: bool,
    /// PostgreSQL migrations (accepted for compatibility; no database here).
    #[arg(long = "confirm-migrations", value_name = "CONFIRM_MIGRATIONS")]
    pub confirm_migrations: Option<String>,
}

/// `delete` options.
#[derive(Debug, Clone, Args)]
pub struct DeleteArgs {
    /// Delete without asking.
    #[arg(short = 'y', long)]
    pub yes: bool,
}

fn parse_alg(s: &str) -> Result<SignAlgorithm, String> {
    s.parse()
        .map_err(|_| format!("`{s}`: expected ED25519 or ED448"))
}

fn parse_basic_auth(s: &str) -> Result<BasicAuth, String> {
    parse_password(s)
}

fn parse_country(s: &str) -> Result<String, String> {
    if s.len() == 2 && s.bytes().all(|c| c.is_ascii_alphabetic()) {
        Ok(s.to_ascii_uppercase())
    } else {
        Err("use an ISO 3166 2-letter country code".into())
    }
}

/// A source code URI; the bare flag (the reference's default, its own repository) is
/// refused: this server's source is not the reference's.
fn parse_source_code(s: &str) -> Result<String, String> {
    if s.is_empty() {
        return Err(
            "give the URI of the source code this server runs (e.g. --source-code https://...)"
                .into(),
        );
    }
    if s.starts_with("https://") || s.starts_with("http://") {
        Ok(s.to_owned())
    } else {
        Err("the URI should start with http:// or https://".into())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::cli::template::DEFAULT_CONTROL_PORT;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn init_defaults_and_flags() {
        let cli = Cli::try_parse_from([
            "smp-server",
            "init",
            "-y",
            "--ip",
            "1.2.3.4",
            "--no-password",
            "--control-port",
        ])
        .unwrap();
        let Command::Init(a) = cli.command else {
            panic!()
        };
        let a = a.resolve_password();
        assert!(a.yes && a.store_log);
        assert_eq!(a.sign_algorithm, SignAlgorithm::Ed25519);
        assert_eq!(a.control_port, Some(DEFAULT_CONTROL_PORT));
        assert!(matches!(a.password_choice, PasswordChoice::None));
        let cli = Cli::try_parse_from(["smp-server", "init", "--disable-store-log", "-a", "ED448"])
            .unwrap();
        let Command::Init(a) = cli.command else {
            panic!()
        };
        assert!(!a.store_log);
        assert_eq!(a.sign_algorithm, SignAlgorithm::Ed448);
        assert!(Cli::try_parse_from(["smp-server", "init", "--password", "a@b"]).is_err());
        assert!(
            Cli::try_parse_from(["smp-server", "init", "--password", "x", "--no-password"])
                .is_err()
        );
        assert!(Cli::try_parse_from(["smp-server", "init", "--source-code"]).is_err());
    }
}
