//! `smp-server init`: creates the credentials, the fingerprint file and `smp-server.ini`.

use super::args::{InitArgs, PasswordChoice};
use super::console;
use super::paths::{FINGERPRINT_FILE, Paths};
use super::template::{DbOptions, IniTemplate, ServerInfo};
use anyhow::{Context, Result, bail};
use simplex_encoding::base64url;
use simplex_transport::cred_files::{CA_CERT_FILE, CA_KEY_FILE, SERVER_CERT_FILE, SERVER_KEY_FILE};
use simplex_transport::generate_credentials;
use smp_proto::address::BasicAuth;
use std::fs;
use std::io::Write;
use std::path::Path;

/// The host printed in the address when none is known (as the reference).
pub const UNKNOWN_HOST: &str = "<hostnames>";

/// Runs `init`.
pub fn run(paths: &Paths, args: InitArgs) -> Result<()> {
    let ini_file = paths.ini_file();
    if ini_file.exists() {
        bail!(
            "server is already initialized ({} exists).\nRun `smp-server start`, or \
             `smp-server delete` first to initialize it again.",
            ini_file.display()
        );
    }
    let args = args.resolve_password();
    let args = if args.yes { args } else { ask(args)? };
    check_info(&args)?;
    initialize(paths, &args)
}

/// The reference's interactive questions (those that apply to this server).
fn ask(mut args: InitArgs) -> Result<InitArgs> {
    println!("Use `smp-server init -h` for available options.");
    check_info(&args)?;
    console::prompt("SMP server will be initialized (press Enter)")?;
    args.store_log = console::yes_no(
        "Enable store log to restore queues and messages on server restart",
        args.store_log,
    )?;
    println!("Require a password to create new messaging queues?");
    args.password_choice = loop {
        let answer = console::prompt(
            "'r' for random (default), 'n' - no password (recommended for public servers), or enter password: ",
        )?;
        match answer.as_str() {
            "" | "r" => break PasswordChoice::Random,
            "n" => break PasswordChoice::None,
            p => match parse_password(p) {
                Ok(p) => break PasswordChoice::Given(p),
                Err(e) => println!("{e}"),
            },
        }
    };
    let host = args.fqdn.clone().unwrap_or_else(|| args.ip.clone());
    let answer = console::prompt(&format!(
        "Enter server FQDN or IP address for certificate ({host}): "
    ))?;
    if !answer.is_empty() {
        args.fqdn = Some(answer);
    }
    let current = args.source_code.clone().unwrap_or_else(|| "none".into());
    loop {
        let answer = console::prompt(&format!("Enter server source code URI ({current}): "))?;
        if answer.is_empty() {
            break;
        }
        if answer.starts_with("https://") || answer.starts_with("http://") {
            args.source_code = Some(answer);
            break;
        }
        println!("Invalid source code. URI should start from http:// or https://");
    }
    Ok(args)
}

/// Validates a server password given on the command line or at the prompt.
pub fn parse_password(s: &str) -> Result<BasicAuth, String> {
    if s.ends_with('\\') {
        return Err("Invalid password: it must not end with '\\'.".into());
    }
    BasicAuth::new(s).map_err(|_| {
        "Invalid password. Only latin letters, digits and symbols other than '@', ':' and '/' \
         are allowed"
            .into()
    })
}

/// The reference's consistency rules for the server information options.
fn check_info(args: &InitArgs) -> Result<()> {
    let info = server_info(args);
    if info.source_code.is_none() && info.has_details() {
        bail!("passing any server information requires passing --source-code");
    }
    if args.operator.is_none() && args.operator_country.is_some() {
        bail!("passing --operator-country requires passing --operator");
    }
    if args.hosting.is_none() && args.hosting_country.is_some() {
        bail!("passing --hosting-country requires passing --hosting");
    }
    Ok(())
}

fn server_info(args: &InitArgs) -> ServerInfo {
    ServerInfo {
        source_code: args.source_code.clone(),
        operator: args.operator.clone(),
        operator_country: args.operator_country.clone(),
        website: args.operator_website.clone(),
        hosting: args.hosting.clone(),
        hosting_country: args.hosting_country.clone(),
        hosting_type: args.hosting_type.clone(),
        server_country: args.server_country.clone(),
    }
}

fn initialize(paths: &Paths, args: &InitArgs) -> Result<()> {
    remove_leftovers(paths)?;
    for dir in [&paths.cfg_dir, &paths.log_dir] {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let common_name = args.fqdn.clone().unwrap_or_else(|| args.ip.clone());
    let creds = generate_credentials(args.sign_algorithm, &common_name)
        .context("cannot generate the server credentials")?;
    creds
        .write_to_dir(&paths.cfg_dir)
        .context("cannot write the server credentials")?;
    let fingerprint = creds
        .fingerprint()
        .context("cannot compute the CA fingerprint")?;
    write_fingerprint(&paths.fingerprint_file(), &fingerprint)?;
    let password = match &args.password_choice {
        PasswordChoice::Random => Some(random_password()?),
        PasswordChoice::None => None,
        PasswordChoice::Given(p) => Some(p.clone()),
    };
    let host = match &args.fqdn {
        Some(f) => f.clone(),
        None if args.ip == "127.0.0.1" => UNKNOWN_HOST.to_owned(),
        None => args.ip.clone(),
    };
    let ini = template(paths, args, &host, password.clone())?;
    // 0600: the file holds the queue creation password.
    write_new(&paths.ini_file(), ini.render().as_bytes(), true)?;
    println!(
        "Server initialized, please provide additional server information in {}.",
        paths.ini_file().display()
    );
    println!("Run `smp-server start` to start server.");
    console::warn_ca_private_key(&paths.cfg_dir.join(CA_KEY_FILE));
    let address = console::server_address(&fingerprint, password.as_ref(), &host, None);
    console::print_service_info(&fingerprint, &address);
    console::print_source_code(args.source_code.as_deref());
    Ok(())
}

fn template(
    paths: &Paths,
    args: &InitArgs,
    host: &str,
    password: Option<BasicAuth>,
) -> Result<IniTemplate> {
    let control_port = match args.control_port {
        Some(port) => Some((port, random_text(18)?, random_text(18)?)),
        None => None,
    };
    Ok(IniTemplate {
        store_log: args.store_log,
        log_stats: args.daily_stats,
        db: DbOptions {
            connection: args.database.clone(),
            schema: args.schema.clone(),
            pool_size: args.pool_size,
        },
        password,
        control_port,
        socks_proxy: args.socks_proxy.clone(),
        own_domains: args.own_domains.clone(),
        info: server_info(args),
        web_static_path: args.web_path.clone(),
        ..IniTemplate::new(&paths.cfg_dir, &paths.log_dir, host)
    })
}

/// Removes what an earlier, unfinished `init` left (the INI file is written last, so its
/// absence means the other files are not in use): the credentials, the fingerprint and the
/// store, which belonged to the old identity.
fn remove_leftovers(paths: &Paths) -> Result<()> {
    let files = [
        CA_CERT_FILE,
        CA_KEY_FILE,
        SERVER_CERT_FILE,
        SERVER_KEY_FILE,
        FINGERPRINT_FILE,
    ];
    for name in files {
        let path = paths.cfg_dir.join(name);
        if path.exists() {
            println!(
                "Removing {} left by an earlier initialization.",
                path.display()
            );
            fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    let store = paths.store_dir();
    if store.exists() {
        println!(
            "Removing {} left by an earlier initialization.",
            store.display()
        );
        fs::remove_dir_all(&store).with_context(|| format!("cannot remove {}", store.display()))?;
    }
    Ok(())
}

/// The fingerprint file: padded base64url and a newline (as the reference writes it).
fn write_fingerprint(path: &Path, fingerprint: &[u8; 32]) -> Result<()> {
    let text = format!("{}\n", simplex_transport::fingerprint_text(fingerprint));
    write_new(path, text.as_bytes(), false)
}

/// A new file (never overwriting); secrets get mode 0600.
pub(crate) fn write_new(path: &Path, contents: &[u8], secret: bool) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        if secret {
            options.mode(0o600);
        }
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut f = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(contents)
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// A random password like the reference's: 32 random bytes in padded base64url.
fn random_password() -> Result<BasicAuth> {
    let text = random_text(32)?;
    BasicAuth::new(&text).map_err(|e| anyhow::anyhow!("generated password rejected: {e}"))
}

fn random_text(n: usize) -> Result<String> {
    let mut bytes = vec![0u8; n];
    openssl::rand::rand_bytes(&mut bytes).context("no randomness available")?;
    Ok(base64url::encode(&bytes))
}
