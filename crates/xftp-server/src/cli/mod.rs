//! The operator command line: `init` (directories, certificates, fingerprint,
//! `file-server.ini`), `start` (run until SIGINT/SIGTERM) and `delete`
//! (reference `Server/Main.hs`).

pub mod ini;
pub mod paths;
pub mod size;

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use simplex_transport::{ServerCredentials, SignAlgorithm, fingerprint_text, generate_credentials};

use crate::server::XftpServer;
use ini::{IniTemplate, read_ini};
use paths::{Dirs, FINGERPRINT_FILE};

/// `xftp-server` command line.
#[derive(Debug, Parser)]
#[command(name = "xftp-server", version, about = "SimpleX XFTP file server")]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the configuration and log directories, certificates and file-server.ini.
    Init(InitArgs),
    /// Run the server (configuration: file-server.ini).
    Start,
    /// Delete the configuration and log directories.
    Delete {
        /// Do not ask for confirmation.
        #[arg(short = 'y', long = "yes")]
        yes: bool,
    },
}

/// Options of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Server IP address, the certificate's common name when no FQDN is given.
    #[arg(long, default_value = "127.0.0.1")]
    pub ip: String,
    /// Server FQDN, the certificate's common name.
    #[arg(short = 'n', long)]
    pub fqdn: Option<String>,
    /// Directory to store files in.
    #[arg(short = 'p', long)]
    pub path: PathBuf,
    /// Storage quota, e.g. 100gb.
    #[arg(short = 'q', long)]
    pub quota: String,
    /// Signature algorithm of the certificates: ED25519 or ED448.
    #[arg(short = 'a', long = "sign-algorithm", default_value = "ED448")]
    pub sign_algorithm: String,
    /// Disable the store log (files would not survive a restart).
    #[arg(long = "disable-store-log")]
    pub disable_store_log: bool,
    /// Enable the store log (the default; kept for compatibility).
    #[arg(short = 'l', long = "store-log")]
    pub store_log: bool,
    /// Directory of the generated server information site.
    #[arg(long = "web-path")]
    pub web_path: Option<PathBuf>,
    /// Non-interactive (init asks nothing; accepted for scripts).
    #[arg(short = 'y', long = "yes")]
    pub yes: bool,
}

/// Runs a parsed command line.
pub fn main(cli: Cli) -> ExitCode {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let result = match cli.command {
        Command::Init(a) => init(&Dirs::resolve(true), &a),
        Command::Start => start(&Dirs::resolve(false)),
        Command::Delete { yes } => delete(&Dirs::resolve(false), yes),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The server address clients use: `xftp://<fingerprint>@<host>[:<port>]`.
pub fn server_address(fingerprint: &[u8; 32], host: &str, port: u16) -> String {
    let fp = fingerprint_text(fingerprint);
    if port == 443 {
        format!("xftp://{fp}@{host}")
    } else {
        format!("xftp://{fp}@{host}:{port}")
    }
}

fn print_info(fingerprint: &[u8; 32], address: &str) {
    println!("SimpleX XFTP server v{}", env!("CARGO_PKG_VERSION"));
    println!("Fingerprint: {}", fingerprint_text(fingerprint));
    println!("Server address: {address}");
}

fn empty_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        for e in std::fs::read_dir(dir)? {
            let p = e?.path();
            if p.is_dir() {
                std::fs::remove_dir_all(&p)?;
            } else {
                std::fs::remove_file(&p)?;
            }
        }
    }
    std::fs::create_dir_all(dir)?;
    Ok(())
}

fn init(dirs: &Dirs, a: &InitArgs) -> anyhow::Result<()> {
    if dirs.ini().exists() {
        anyhow::bail!(
            "Error: server is already initialized ({} exists).\nRun `xftp-server start`.",
            dirs.ini().display()
        );
    }
    let quota =
        size::parse_size(&a.quota).ok_or_else(|| anyhow::anyhow!("bad quota: {}", a.quota))?;
    let alg: SignAlgorithm = a.sign_algorithm.parse()?;
    empty_dir(&dirs.cfg)?;
    empty_dir(&dirs.log)?;
    std::fs::create_dir_all(&a.path)?;
    let creds = generate_credentials(alg, a.fqdn.as_deref().unwrap_or(&a.ip))?;
    creds.write_to_dir(&dirs.cfg)?;
    let fp = creds.fingerprint()?;
    std::fs::write(dirs.cfg.join(FINGERPRINT_FILE), fingerprint_text(&fp))?;
    let host = match (&a.fqdn, a.ip.as_str()) {
        (Some(f), _) => f.clone(),
        (None, "127.0.0.1") => "<hostnames>".to_owned(),
        (None, ip) => ip.to_owned(),
    };
    let template = IniTemplate {
        host: host.clone(),
        files_path: a.path.clone(),
        quota,
        store_log: !a.disable_store_log,
        web_path: a.web_path.clone().unwrap_or_else(|| dirs.log.join("www")),
        cfg_dir: dirs.cfg.clone(),
    };
    std::fs::write(dirs.ini(), template.render())?;
    println!(
        "Server initialized, you can modify configuration in {}.\nRun `xftp-server start` to start server.",
        dirs.ini().display()
    );
    println!(
        "The CA private key is {}: store it offline and remove it from the server.",
        dirs.cfg.join("ca.key").display()
    );
    print_info(&fp, &server_address(&fp, &host, 443));
    Ok(())
}

fn start(dirs: &Dirs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(dirs.ini()).map_err(|_| {
        anyhow::anyhow!(
            "Error: server is not initialized ({} does not exist).\nRun `xftp-server init`.",
            dirs.ini().display()
        )
    })?;
    let settings = read_ini(&text, &dirs.store_log()).map_err(anyhow::Error::msg)?;
    let creds = ServerCredentials::load_from_dir(&dirs.cfg)?;
    let fp = creds.fingerprint()?;
    let saved = std::fs::read_to_string(dirs.cfg.join(FINGERPRINT_FILE))?;
    if saved.trim() != fingerprint_text(&fp) {
        anyhow::bail!("Stored fingerprint is invalid.");
    }
    print_info(&fp, &server_address(&fp, &settings.host, settings.port));
    let cfg = settings.config;
    match &cfg.store_log {
        Some(p) => println!("Store log: {}", p.display()),
        None => println!("Store log disabled."),
    }
    match cfg.file_ttl_secs {
        Some(t) => println!("expiring files after {} hours", t / 3600),
        None => println!("not expiring files"),
    }
    println!(
        "Uploading new files {}",
        match (cfg.allow_new_files, &cfg.create_password) {
            (false, _) => "NOT allowed.",
            (true, Some(_)) => "requires password.",
            (true, None) => "allowed.",
        }
    );
    if let Some(i) = cfg.inactive_clients {
        println!(
            "expiring clients inactive for {} seconds every {} seconds",
            i.ttl_secs, i.check_interval_secs
        );
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let server = XftpServer::start(cfg, &creds).await?;
        println!("Listening on port {}...", server.addr().port());
        wait_for_signal().await;
        println!("Stopping...");
        server.stop().await;
        println!("Server stopped");
        anyhow::Ok(())
    })
}

async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

fn delete(dirs: &Dirs, yes: bool) -> anyhow::Result<()> {
    if !yes {
        print!(
            "WARNING: deleting the server makes its files inaccessible: the server identity \
             (certificate fingerprint) will change.\nTHIS CANNOT BE UNDONE!\nContinue (y/N): "
        );
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if answer.trim() != "y" {
            println!("Server NOT deleted");
            return Ok(());
        }
    }
    for d in [&dirs.cfg, &dirs.log] {
        if d.exists() {
            std::fs::remove_dir_all(d)?;
        }
    }
    println!("Deleted configuration and log files");
    Ok(())
}
